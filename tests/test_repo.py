"""Repository checks: lint, notebook hygiene, and that CI runs the README's test command."""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from prerequisites import IN_CI, PREREQUISITES, is_installed, skip_reason

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```bash\n(.+?)\n```", text)[:2]


def test_ruff_is_clean():
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if ruff is None:
        pytest.skip("ruff is not installed (it is in requirements-dev.txt)")
    proc = subprocess.run([ruff, "check", str(ROOT)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_readme_opens_with_the_build_and_test_commands():
    build, test = _readme_commands()
    assert "requirements.txt" in build and "jupyter-book build ." in build
    assert "requirements-dev.txt" in test and "pytest" in test
    head = (ROOT / "README.md").read_text(encoding="utf-8")[:800]
    assert build in head and test in head


def test_ci_runs_the_readme_test_command_verbatim():
    _, test = _readme_commands()
    assert test in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()


LOCKS = {"requirements.in": "requirements.txt", "requirements-dev.in": "requirements-dev.txt"}
PIN = re.compile(r"([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?==([^\s;#]+)(\s*;[^#]*)?$")


def _requirement_lines(name: str) -> list[str]:
    lines = [ln.split(" #")[0].strip() for ln in (ROOT / name).read_text(encoding="utf-8").splitlines()]
    return [ln for ln in lines if ln and not ln.startswith("#")]


def _pins(name: str) -> dict[str, str]:
    """``{normalized name: version}`` of a requirements file, following ``-r`` includes."""
    pins = {}
    for line in _requirement_lines(name):
        if line.startswith("-r "):
            pins.update(_pins(line[3:].strip()))
        elif m := PIN.match(line):
            pins[re.sub(r"[-_.]+", "-", m[1]).lower()] = m[3]
    return pins


@pytest.mark.parametrize("name", [*LOCKS, *LOCKS.values()])
def test_every_requirement_is_pinned_exactly(name):
    allowed = {"-e .", "-r requirements.in"}
    loose = [ln for ln in _requirement_lines(name) if ln not in allowed and not PIN.match(ln)]
    assert not loose, f"{name}: every line must be `name==version` (or -e .); run `bash tools/lock.sh`: {loose}"


@pytest.mark.parametrize("source", LOCKS)
def test_lock_agrees_with_its_in_file(source):
    lock, wanted = _pins(LOCKS[source]), _pins(source)
    stale = {n: (v, lock.get(n)) for n, v in wanted.items() if lock.get(n) != v}
    assert not stale, f"{LOCKS[source]} is out of date with {source} (wanted, locked): {stale}; run tools/lock.sh"
    assert ("-e ." in _requirement_lines(LOCKS[source])) == ("-e ." in _requirement_lines("requirements.in"))


def test_dev_lock_resolves_the_same_versions_as_the_runtime_lock():
    runtime, dev = _pins("requirements.txt"), _pins("requirements-dev.txt")
    differ = {n: (v, dev.get(n)) for n, v in runtime.items() if dev.get(n) != v}
    assert not differ, f"requirements-dev.txt disagrees with requirements.txt: {differ}; run `bash tools/lock.sh`"


@pytest.mark.parametrize("name", LOCKS.values())
def test_lock_is_closed_over_the_installed_dependencies(name):
    """Every dependency of a locked package (as installed here) is locked too: nothing resolves freely."""
    from importlib import metadata

    from packaging.requirements import Requirement

    lock = _pins(name)
    lock["dlcore"] = "editable"
    missing = set()
    for package, version in lock.items():
        try:
            dist = metadata.distribution(package)
        except metadata.PackageNotFoundError:
            continue
        if package != "dlcore" and dist.version != version:
            continue  # another version is installed here; its metadata says nothing about the locked one
        for spec in dist.requires or []:
            req = Requirement(spec)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                if re.sub(r"[-_.]+", "-", req.name).lower() not in lock:
                    missing.add(f"{req.name} (needed by {package})")
    assert not missing, f"not in {name}: {sorted(missing)}; run `bash tools/lock.sh`"


def test_jupyter_book_is_pinned_to_1x():
    assert _pins("requirements.txt")["jupyter-book"].startswith("1."), "jupyter-book 2.x is a different tool"


@pytest.mark.parametrize("name", PREREQUISITES)
def test_prerequisite_is_installed(name):
    """CI must run every test: a missing prerequisite fails here, once, instead of skipping tests silently."""
    if not is_installed(name):
        if IN_CI:
            pytest.fail(f"CI needs {name}: {PREREQUISITES[name][1]}", pytrace=False)
        pytest.skip(skip_reason(name))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_clean(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert not any(c.get("outputs") for c in code), "commit notebooks without outputs"
    assert not any(c.get("execution_count") for c in code), "clear execution counts"
    assert re.fullmatch(r"\d\d_[a-z0-9_]+\.ipynb", path.name)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_headings_start_at_one_h1_and_never_skip(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    levels = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        in_fence = False
        for line in "".join(cell["source"]).splitlines():
            if line.lstrip().startswith("```"):
                in_fence = not in_fence
            m = re.match(r"(#{1,6}) ", line)
            if m and not in_fence:
                levels.append(len(m.group(1)))
    assert levels and levels[0] == 1 and levels.count(1) == 1, levels
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:])), levels


def test_every_toc_file_exists_and_every_chapter_is_in_the_toc():
    toc = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    files = re.findall(r"file:\s*(\S+)", toc)
    for f in files:
        assert any((ROOT / f"{f}{ext}").exists() for ext in (".md", ".ipynb")), f
    for nb in NOTEBOOKS:
        assert f"chapters/{nb.stem}" in files, f"{nb.name} is not in _toc.yml"
