"""Running a chapter elsewhere: Colab's install cell, Binder's environment, the launch buttons."""

import json
import re
from pathlib import Path

import pytest
from colab_config import colab_cell

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_chapter_installs_dlcore_on_colab_from_the_configured_repository(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert "".join(code[0]["source"]) == colab_cell.cell_source(), "run: python tools/colab_cell.py"
    assert colab_cell.TAG in code[0]["metadata"]["tags"]


def test_install_url_is_the_repository_in_config():
    url, branch = colab_cell.repository()
    assert url.startswith("https://github.com/") and branch == "main"
    assert f"git+{url}@{branch}" in colab_cell.cell_source()


def test_binder_needs_only_requirements_and_runtime():
    assert (ROOT / "runtime.txt").read_text().strip() == "python-3.11"
    requirements = (ROOT / "requirements.txt").read_text()
    assert re.search(r"^-e \.$", requirements, re.M), "Binder installs dlcore from the repository root"
    assert not (ROOT / "environment.yml").exists(), "repo2docker would prefer environment.yml over requirements.txt"


def test_without_dlcore_and_without_pip_success_the_first_cell_says_what_to_do():
    """A notebook opened alone where dlcore cannot be installed (offline): one sentence, no traceback."""
    import subprocess
    import sys

    runner = (
        "import sys\n"
        "sys.modules['dlcore'] = None  # import dlcore raises ImportError, as where it is not installed\n"
        "from IPython.core.interactiveshell import InteractiveShell\n"
        "shell = InteractiveShell.instance()\n"
        "shell.register_magic_function(lambda line: None, 'line', 'pip')  # pip 'ran' but installed nothing\n"
        "result = shell.run_cell(sys.stdin.read())\n"
        "sys.exit(0 if result.success else 1)\n")
    out = subprocess.run([sys.executable, "-c", runner], input=colab_cell.cell_source(), capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.strip() == "".join(colab_cell.NOT_INSTALLED).format(
        url=colab_cell.repository()[0], branch=colab_cell.repository()[1])
    assert "Traceback" not in out.stdout + out.stderr
