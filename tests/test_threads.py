"""dlcore limits numpy's BLAS to one thread unless the environment chose (dlcore/threads.py)."""

import os
import subprocess
import sys

import pytest

pytest.importorskip("threadpoolctl", reason="threadpoolctl is a dependency of dlcore (pyproject.toml)")

PROBE = "import dlcore, numpy; print(max([d['num_threads'] for d in dlcore.get_num_threads()] or [0]))"


def _threads_after_import(**env) -> int:
    clean = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
                                                              "MKL_NUM_THREADS", "DLCORE_NUM_THREADS")}
    out = subprocess.run([sys.executable, "-c", PROBE], env={**clean, **env}, capture_output=True, text=True,
                         timeout=120, check=True)
    return int(out.stdout.strip())


def test_import_limits_blas_to_one_thread():
    assert _threads_after_import() == 1


def test_an_environment_variable_wins():
    assert _threads_after_import(DLCORE_NUM_THREADS="2") == 2
    assert _threads_after_import(OPENBLAS_NUM_THREADS="2") == 2


def test_set_num_threads_changes_and_undoes_the_limit():
    import dlcore

    before = dlcore.get_num_threads()
    try:
        assert dlcore.set_num_threads(2) == 2
        assert all(d["num_threads"] == 2 for d in dlcore.get_num_threads())
        assert dlcore.set_num_threads(1) == 1
        assert all(d["num_threads"] == 1 for d in dlcore.get_num_threads())
    finally:
        dlcore.set_num_threads(max(d["num_threads"] for d in before) if before else None)


@pytest.mark.parametrize("bad", [0, -1, 1.5, "2", True])
def test_bad_thread_counts_are_refused(bad):
    import dlcore

    with pytest.raises(ValueError, match="positive whole number"):
        dlcore.set_num_threads(bad)
