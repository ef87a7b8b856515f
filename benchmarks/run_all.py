"""Run every benchmark, one process each, and print their tables (dlcore ms, torch ms, ratio dlcore/torch).

Usage: ``python benchmarks/run_all.py`` (1 thread per library) or ``BENCH_THREADS=2 python benchmarks/run_all.py``.
Targets: Conv2D (a) ≤ 1.5x, (b) ≤ 3x; MLP train step ≤ 1.0x; LSTM ≤ 2x.

On a machine shared with other jobs the ratios move a lot from run to run (torch's own time for
conv (b) has been seen anywhere from 3.3 to 7.8 ms with the same code): run twice or more and
compare ranges, not single numbers.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    for script in ("bench_conv.py", "bench_mlp.py", "bench_lstm.py"):
        print(f"== {script}", flush=True)
        subprocess.run([sys.executable, str(HERE / script)], check=True)
        print(flush=True)


if __name__ == "__main__":
    main()
