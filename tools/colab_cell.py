"""Keep every chapter's first code cell — the one that installs dlcore on Colab and in JupyterLite — in sync.

Colab opens a single notebook without the repository, so ``import dlcore`` needs an install
there (from the repository URL); JupyterLite (Pyodide, ``sys.platform == "emscripten"``) installs
it with piplite from the site's own index (_ext/jupyterlite.py), and says in one sentence when the
Pyodide CDN, where numpy and matplotlib come from, is out of reach. Everywhere else (Binder,
JupyterHub, a local clone) dlcore is already installed and the cell does nothing.
The repository URL and branch are configured once, in ``_config.yml``
(``repository: url / branch``); this script writes the cell into every chapter:

    python tools/colab_cell.py          # update the notebooks
    python tools/colab_cell.py --check  # exit 1 if a notebook is out of date (the tests do this)
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TAG = "colab-install"


def repository() -> tuple[str, str]:
    """``(url, branch)`` from ``_config.yml``."""
    config = (ROOT / "_config.yml").read_text(encoding="utf-8")
    block = config[config.index("\nrepository:"):]
    url = re.search(r"^\s+url:\s*(\S+)", block, re.M).group(1)
    branch = re.search(r"^\s+branch:\s*(\S+)", block, re.M).group(1)
    return url, branch


OFFLINE = [  # one sentence, printed in JupyterLite when the Pyodide CDN is out of reach
    "This chapter needs numpy and matplotlib from the Pyodide CDN (cdn.jsdelivr.net), which this ",
    "browser could not reach: connect to the internet, then restart the kernel and run this cell ",
    "again (or open the chapter on Binder or Colab instead).",
]


NOT_INSTALLED = [  # one sentence, printed where pip could not install dlcore (no internet, a moved repository)
    "Could not install the course library dlcore (is this computer online?): in a terminal run ",
    'pip install "dlcore @ git+{url}@{branch}"',
    ", or clone the repository and run pip install -r requirements.txt, then restart the kernel and run "
    "this cell again.",
]


def cell_source() -> str:
    url, branch = repository()
    return (
        "# Install the course library where it is missing: on Colab from the course repository, in JupyterLite\n"
        "# (Python in the browser) from the site. Binder, JupyterHub and a local clone have it: nothing happens.\n"
        "import sys\n"
        "\n"
        "try:\n"
        "    import dlcore  # noqa: F401\n"
        "except ImportError:\n"
        '    if sys.platform == "emscripten":  # JupyterLite\n'
        "        import piplite\n"
        "\n"
        "        try:\n"
        '            await piplite.install(["dlcore", "matplotlib", "ipywidgets"])\n'
        "            import dlcore  # noqa: F401\n"
        "            import matplotlib  # noqa: F401\n"
        "        except Exception:  # offline: numpy and matplotlib load from the Pyodide CDN\n"
        f"            print({OFFLINE[0]!r}\n"
        f"                  {OFFLINE[1]!r}\n"
        f"                  {OFFLINE[2]!r})\n"
        "    else:  # Colab, or a notebook downloaded on its own\n"
        f'        %pip install --quiet "dlcore @ git+{url}@{branch}"\n'
        "        try:\n"
        "            import dlcore  # noqa: F401\n"
        "        except ImportError:\n"
        f"            print({NOT_INSTALLED[0]!r}\n"
        f"                  {NOT_INSTALLED[1].format(url=url, branch=branch)!r}\n"
        f"                  {NOT_INSTALLED[2][:60]!r}\n"
        f"                  {NOT_INSTALLED[2][60:]!r})\n"
    )


def cell() -> dict:
    # remove-cell hides it on the site; source_hidden collapses it in JupyterLab and JupyterLite
    metadata = {"tags": [TAG, "remove-cell"], "jupyter": {"source_hidden": True}}
    return {"cell_type": "code", "execution_count": None, "id": "colab-install", "metadata": metadata,
            "outputs": [], "source": cell_source().splitlines(True)}


def sync(path: Path, write: bool) -> bool:
    """Put the current cell first in ``path``; return whether the notebook changed."""
    text = path.read_text(encoding="utf-8")
    nb = json.loads(text)
    cells = [c for c in nb["cells"] if TAG not in c.get("metadata", {}).get("tags", [])]
    nb["cells"] = [cells[0], cell(), *cells[1:]] if cells and cells[0]["cell_type"] == "markdown" else [cell(), *cells]
    new = json.dumps(nb, indent=1, ensure_ascii=False) + "\n"
    if new != text and write:
        path.write_text(new, encoding="utf-8")
    return new != text


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = [p.name for p in sorted((ROOT / "chapters").glob("*.ipynb")) if sync(p, write=not check)]
    if stale:
        print(("out of date: " if check else "updated: ") + ", ".join(stale))
    return 1 if check and stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
