"""Benchmark the teacher's bulk grader on a class of generated submissions.

    PYTHONPATH=$PWD python benchmarks/bench_grader.py --count 100 --jobs 2

Makes ``--count`` copies of a chapter notebook (default chapter 2) with the exercise cells filled
in: right answers, wrong ones, a function that loops forever, a cell that hangs at top level, one
that kills its kernel (``os._exit``), one that patches numpy and dlcore to fake a pass, one with its
check cells deleted and its file renamed. Grades them with ``python -m dlcore.exercises grade`` and
prints the wall time and whether every row is what it should be.
"""

from __future__ import annotations

import argparse
import csv
import inspect
import json
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dlcore.exercises import all_exercises  # noqa: E402


def _source(value) -> str:
    return textwrap.dedent(inspect.getsource(value)) if callable(value) else repr(value)


def _answers(chapter: int, kind: str) -> dict[str, str]:
    """``{exercise id: source of the exercise cell}`` for one kind of submission."""
    out = {}
    for ex in all_exercises():
        if ex.chapter != chapter:
            continue
        if callable(ex.solution) and ex.kind == "implement":
            right = _source(ex.solution).replace(f"def {ex.solution.__name__}(", f"def {ex.answer}(", 1)
            wrong = (f"def {ex.answer}(*args, **kwargs):\n    return 0.5\n")
            hang = f"def {ex.answer}(*args, **kwargs):\n    while True:\n        try:\n            pass\n" \
                   "        except BaseException:\n            pass\n"
        else:
            right = f"{ex.answer} = {ex.solution!r}"
            wrong = f"{ex.answer} = 'x'"
            hang = right
        out[ex.id] = {"right": right, "wrong": wrong, "hang": hang}.get(kind, right)
    return out


KINDS = ["right", "wrong", "hang", "top_hang", "exit", "patch", "deleted"]
EXPECTED_FULL = {"right": True, "wrong": False, "hang": False, "top_hang": True, "exit": True, "patch": False,
                 "deleted": True}


def make_submission(template: dict, chapter: int, kind: str) -> dict:
    nb = json.loads(json.dumps(template))
    answers = _answers(chapter, "right" if kind in ("top_hang", "exit", "deleted") else
                       "wrong" if kind == "patch" else kind)
    cells = nb["cells"]
    for i, cell in enumerate(cells):
        if "exercise" in cell.get("metadata", {}).get("tags", []):
            nxt = "".join(cells[i + 1]["source"]) if i + 1 < len(cells) else ""
            for ex_id, src in answers.items():
                if f'check("{ex_id}")' in nxt:
                    cell["source"] = "import numpy as np\n" + src
    if kind == "top_hang":
        cells.insert(5, {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                         "source": "while True:\n    try:\n        pass\n    except BaseException:\n        pass"})
    if kind == "exit":
        cells.insert(len(cells) - 2, {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                                      "source": "import os\nos._exit(3)"})
    if kind == "patch":
        cells.append({"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                      "source": "import numpy as np, dlcore.exercises as dx, dlcore.exercises.expect as ex\n"
                                "np.allclose = lambda *a, **k: True\nnp.isclose = lambda *a, **k: True\n"
                                "ex.close = ex.number = ex.same = lambda *a, **k: None\n"
                                "dx.grade = lambda *a, **k: None"})
    if kind == "deleted":
        nb["cells"] = [c for c in cells if "check(" not in "".join(c["source"])]
    return nb


def exercises_only(template: dict) -> dict:
    """The chapter's exercise cells, their check cells and its first code cell (the imports)."""
    nb = json.loads(json.dumps(template))
    cells = nb["cells"]
    first = next(c for c in cells if c["cell_type"] == "code")
    keep = [first] + [c for i, c in enumerate(cells) if c["cell_type"] == "code" and (
        "exercise" in c.get("metadata", {}).get("tags", []) or "check(" in "".join(c["source"]))]
    nb["cells"] = keep
    return nb


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--chapter", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=180)
    parser.add_argument("--cell-timeout", type=float, default=20)
    parser.add_argument("--full", action="store_true", help="whole chapter notebooks (default: exercise cells only)")
    args = parser.parse_args()
    template_path = next((ROOT / "chapters").glob(f"{args.chapter:02d}_*.ipynb"))
    template = json.loads(template_path.read_text(encoding="utf-8"))
    template = template if args.full else exercises_only(template)
    with tempfile.TemporaryDirectory(prefix="dlcore-bench-") as tmp:
        kinds = {}
        for i in range(args.count):
            kind = KINDS[i % len(KINDS)]
            name = f"student{i:03d}_{kind}.ipynb" if kind != "deleted" else f"renamed_{i:03d}.ipynb"
            (Path(tmp) / name).write_text(json.dumps(make_submission(template, args.chapter, kind), indent=1))
            kinds[name] = kind
        out = Path(tmp) / "grades.csv"
        start = time.monotonic()
        subprocess.run([sys.executable, "-m", "dlcore.exercises", "grade", tmp, "--out", str(out),
                        "--jobs", str(args.jobs), "--timeout", str(args.timeout), "--cell-timeout",
                        str(args.cell_timeout), "--chapter", str(args.chapter)], check=True, cwd=ROOT)
        elapsed = time.monotonic() - start
        rows = list(csv.DictReader(out.open()))
    wrong = []
    for row in rows:
        kind = kinds[Path(row["notebook"]).name]
        full = row["total"] != "" and float(row["total"]) == float(row["max"])
        if full != EXPECTED_FULL[kind]:
            wrong.append((kind, row["total"], row["max"], row["status"]))
    print(f"{len(rows)} notebooks ({args.jobs} jobs): {elapsed:.1f} s, {elapsed / len(rows):.2f} s per notebook")
    print("rows as expected" if not wrong else f"UNEXPECTED rows: {wrong}")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
