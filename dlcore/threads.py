"""How many threads numpy's BLAS may use: one, unless you say otherwise.

The course multiplies small matrices (a batch of 32 by a 64×10 kernel). For those, starting and
synchronising BLAS threads costs more than the arithmetic: chapter 11 ran top to bottom in 110 s
with OpenBLAS's default threads and 28 s with one, on a 2-core machine with a little other load.
Binder and university hubs are worse: a container gets about one CPU but sees every core of the
host, and OpenBLAS starts a thread per core. So ``import dlcore`` limits BLAS to one thread, through
threadpoolctl, unless the environment already chose (``OPENBLAS_NUM_THREADS``, ``OMP_NUM_THREADS``,
``MKL_NUM_THREADS`` or ``DLCORE_NUM_THREADS``). Large models that do benefit from threads can ask:
``dlcore.set_num_threads(4)``.
"""

from __future__ import annotations

import os

THREAD_VARIABLES = ("DLCORE_NUM_THREADS", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
_limiter = None  # keeps threadpoolctl's limit object alive (it restores nothing until asked)


def set_num_threads(n: int | None) -> int | None:
    """Let numpy's BLAS use ``n`` threads (``None``: the library's own default, all cores).

    Parameters
    ----------
    n : int or None
        A positive number of threads, or ``None`` to undo dlcore's limit.

    Returns
    -------
    int or None
        The limit now in force, or ``None`` when threadpoolctl is not installed (e.g. in
        JupyterLite, where there are no threads to limit) or the limit was removed.
    """
    global _limiter
    if n is not None and (not isinstance(n, int) or isinstance(n, bool) or n < 1):
        raise ValueError(f"set_num_threads expects a positive whole number or None, got {n!r}")
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return None
    if _limiter is not None:
        _limiter.restore_original_limits()
        _limiter = None
    if n is not None:
        _limiter = threadpool_limits(limits=n, user_api="blas")
    return n


def get_num_threads() -> list[dict]:
    """The BLAS libraries numpy loaded and the threads each may use (threadpoolctl's ``info``)."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return []
    return [{k: d[k] for k in ("internal_api", "num_threads", "version") if k in d}
            for d in threadpool_info() if d.get("user_api") == "blas"]


def limit_on_import() -> None:
    """One BLAS thread, unless an environment variable already set the number."""
    chosen = os.environ.get("DLCORE_NUM_THREADS", "").strip()
    if chosen.isdigit() and int(chosen) > 0:
        set_num_threads(int(chosen))
    elif not any(os.environ.get(v, "").strip() for v in THREAD_VARIABLES):
        set_num_threads(1)
