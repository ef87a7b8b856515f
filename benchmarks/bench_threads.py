"""Every chapter top to bottom, in the default environment and with ``OPENBLAS_NUM_THREADS=1``.

``import dlcore`` limits numpy's BLAS to one thread (dlcore/threads.py), so the default
environment should run each chapter at single-thread speed or better: the ratio default / 1-thread
should stay at or below 1.1. The two runs of a chapter follow each other, in alternating order, so both
see the same load.

    python benchmarks/bench_threads.py              # all chapters, one run each
    python benchmarks/bench_threads.py --busy       # the same with the other core kept busy
    python benchmarks/bench_threads.py 06 11        # some chapters
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "DLCORE_NUM_THREADS")


def run_once(path: Path, one_thread: bool) -> float:
    """Seconds to execute ``path`` in a fresh kernel (the kernel inherits this environment)."""
    env = {k: v for k, v in os.environ.items() if k not in THREAD_VARIABLES}
    if one_thread:
        env["OPENBLAS_NUM_THREADS"] = "1"
    code = ("import sys, time, nbformat; from nbclient import NotebookClient; "
            "nb = nbformat.read(sys.argv[1], as_version=4); t = time.perf_counter(); "
            "NotebookClient(nb, timeout=900, kernel_name='python3', resources={'metadata': {'path': sys.argv[2]}})"
            ".execute(); print(time.perf_counter() - t)")
    out = subprocess.run([sys.executable, "-c", code, str(path), str(path.parent)], env=env, capture_output=True,
                         text=True, check=True, timeout=1800)
    return float(out.stdout.strip().splitlines()[-1])


def main(argv: list[str]) -> None:
    busy = "--busy" in argv
    wanted = [a for a in argv if not a.startswith("--")]
    chapters = [p for p in sorted((ROOT / "chapters").glob("*.ipynb")) if not wanted or p.name[:2] in wanted]
    burner = None
    if busy and hasattr(os, "sched_setaffinity"):
        burner = subprocess.Popen(["taskset", "-c", "1", "sh", "-c", "while :; do :; done"])
    try:
        note = "  (other core busy)" if busy else ""
        print(f"{'chapter':<34} {'default s':>10} {'1 thread s':>11} {'ratio':>7}{note}")
        run_once(chapters[-1], one_thread=True)  # warm-up: the first kernel start pays for cold file caches
        for i, path in enumerate(chapters):
            if i % 2:  # alternate which setting runs first, so neither always gets the warmer machine
                single, default = run_once(path, one_thread=True), run_once(path, one_thread=False)
            else:
                default, single = run_once(path, one_thread=False), run_once(path, one_thread=True)
            print(f"{path.stem:<34} {default:>10.1f} {single:>11.1f} {default / single:>7.2f}", flush=True)
    finally:
        if burner is not None:
            burner.kill()


if __name__ == "__main__":
    start = time.perf_counter()
    main(sys.argv[1:])
    print(f"total {time.perf_counter() - start:.0f} s")
