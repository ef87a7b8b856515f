"""Run every benchmark and print one table: dlcore time, PyTorch time, ratio dlcore/torch.

Usage: ``python benchmarks/run_all.py`` (1 thread each) or ``BENCH_THREADS=2 python benchmarks/run_all.py``.
Targets from the course's issue tracker are printed beside the ratios.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import THREADS  # noqa: E402

TARGETS = {"Conv2D": None, "MLP": 1.0, "LSTM": 2.0}


def print_table(rows, threads: int) -> None:
    print(f"threads per library: {threads}")
    print(f"{'case':<58}{'dlcore ms':>11}{'torch ms':>10}{'ratio':>8}")
    for case, ours, theirs in rows:
        if theirs is None:
            print(f"{case:<58}{ours * 1e3:>11.3f}{'—':>10}{'—':>8}")
        else:
            print(f"{case:<58}{ours * 1e3:>11.3f}{theirs * 1e3:>10.3f}{ours / theirs:>7.2f}x")
    if any(theirs is None for _, _, theirs in rows):
        print("torch not installed: dlcore times only (pip install torch==2.13.0 for the reference)")


def main() -> None:
    rows = []
    for module in ("bench_conv", "bench_mlp", "bench_lstm"):
        rows += importlib.import_module(module).run()
    print_table(rows, THREADS)


if __name__ == "__main__":
    main()
