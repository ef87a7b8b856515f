"""Copy each exercise's reference solution from ``dlcore/exercises/chNN.py`` into its solution dropdown.

The solution code has one home, the module the check runs. JupyterLab (jupyterlab-myst), Colab and
JupyterLite cannot read files next to the notebook, so a ``literalinclude`` shows nothing there;
instead every ``{solution}`` block holds a copy of the code, marked with the line it came from::

    ```python
    # reference solution: dlcore/exercises/ch02.py, neuron_forward
    def neuron_forward(X, w, b):
        ...
    ```

This script rewrites those copies from the source; the tests fail while one is out of date:

    python tools/sync_solutions.py          # update the notebooks
    python tools/sync_solutions.py --check  # exit 1 if a notebook is out of date
"""

from __future__ import annotations

import ast
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MARKER = re.compile(r"```python\n# reference solution: (?P<path>\S+), (?P<name>\w+)\n.*?```", re.S)
INCLUDE = re.compile(r"```\{literalinclude\} \.\./(?P<path>\S+)\n:pyobject: (?P<name>\w+)\n```")


def object_source(path: str, name: str) -> str:
    """The source lines of the top-level function, class or assignment ``name`` in ``path``."""
    text = (ROOT / path).read_text(encoding="utf-8")
    lines = text.splitlines()
    for node in ast.parse(text).body:
        names = [t.id for t in getattr(node, "targets", []) if isinstance(t, ast.Name)]
        if getattr(node, "name", None) == name or name in names:
            start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
            return "\n".join(lines[start - 1:node.end_lineno])
    raise LookupError(f"{path} defines no top-level {name!r} (named by a solution block)")


def solution_block(path: str, name: str) -> str:
    return f"```python\n# reference solution: {path}, {name}\n{object_source(path, name)}\n```"


def sync_source(markdown: str) -> str:
    """``markdown`` with every solution code block (or old ``literalinclude``) rewritten from the source."""
    def replace(match: re.Match) -> str:
        return solution_block(match["path"], match["name"])
    return MARKER.sub(replace, INCLUDE.sub(replace, markdown))


def sync_notebook(path: Path) -> bool:
    """Rewrite the notebook's solution blocks; return True if anything changed."""
    text = path.read_text(encoding="utf-8")
    nb = json.loads(text)
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            source = "".join(cell["source"])
            new = sync_source(source)
            if new != source:
                cell["source"] = new.splitlines(keepends=True)
    new_text = json.dumps(nb, indent=1, ensure_ascii=False) + "\n"
    if new_text != text:
        path.write_text(new_text, encoding="utf-8")
        return True
    return False


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        if check:
            nb = json.loads(path.read_text(encoding="utf-8"))
            if any(sync_source("".join(c["source"])) != "".join(c["source"])
                   for c in nb["cells"] if c["cell_type"] == "markdown"):
                stale.append(path.name)
        elif sync_notebook(path):
            print(f"updated {path.relative_to(ROOT)}")
    if stale:
        print("solution code out of date in: " + ", ".join(stale) + "\nrun: python tools/sync_solutions.py")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
