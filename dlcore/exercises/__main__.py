"""``python -m dlcore.exercises grade SUBMISSIONS… --out grades.csv [--jobs N] [--timeout S]`` (see :mod:`.bulk`)."""

from __future__ import annotations

import argparse
import os
import sys
import time


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dlcore.exercises",
                                     description="Grade a class's chapter notebooks into a CSV file.")
    sub = parser.add_subparsers(dest="command", required=True)
    grade = sub.add_parser("grade", help="run and grade submitted notebooks")
    grade.add_argument("submissions", nargs="+", help="notebooks, or directories searched for *.ipynb")
    grade.add_argument("--out", default="grades.csv", help="the CSV file to write (default: grades.csv)")
    grade.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="notebooks at a time (default: cores)")
    grade.add_argument("--timeout", type=float, default=300, help="seconds per notebook (default: 300)")
    grade.add_argument("--cell-timeout", type=float, default=60, help="seconds per cell (default: 60)")
    grade.add_argument("--chapter", type=int, default=None, help="grade as this chapter (default: from the notebook)")
    args = parser.parse_args(argv)

    from .bulk import find_notebooks, grade_all, write_csv

    paths = find_notebooks(args.submissions)
    if not paths:
        print("no notebooks found in " + " ".join(args.submissions), file=sys.stderr)
        return 2
    start = time.monotonic()
    rows = grade_all(paths, max(1, args.jobs), args.timeout, args.cell_timeout, args.chapter,
                     progress=lambda line: print(line, file=sys.stderr))
    write_csv(rows, args.out)
    print(f"graded {len(rows)} notebooks in {time.monotonic() - start:.1f} s -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
