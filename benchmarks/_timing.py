"""Shared timing helpers for the benchmarks: median of repeats, threads limited equally."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

# run from a plain checkout too: the repository root holds the dlcore package
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))

THREADS = int(os.environ.get("BENCH_THREADS", "1"))
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, str(THREADS))


def limit_threads() -> None:
    """Give numpy's BLAS and torch the same number of threads (``BENCH_THREADS``, default 1)."""
    try:
        from threadpoolctl import threadpool_limits
        threadpool_limits(THREADS)
    except ImportError:
        pass
    try:
        import torch
        torch.set_num_threads(THREADS)
    except ImportError:
        pass


def median_time(fn, repeats: int = 15, warmup: int = 3) -> float:
    """Median wall time of ``fn()`` in seconds over ``repeats`` runs after ``warmup`` runs."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    times.sort()
    return times[len(times) // 2]


def have_torch() -> bool:
    try:
        import torch  # noqa: F401
        return True
    except ImportError:
        return False
