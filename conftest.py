"""Options for checking one chapter through nbval: ``python -m pytest chapters/01_what_is_deep_learning.ipynb``.

The default run (``python -m pytest``, testpaths = tests) executes the chapters once itself
(tests/test_chapters.py); nbval runs only notebooks named on the command line.
"""

import os

import pytest

# one BLAS thread in every kernel started from here: far faster for the course's small matrices
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")


def pytest_configure(config):
    if config.pluginmanager.hasplugin("nbval"):
        opt = config.option
        if not (opt.nbval or opt.nbval_lax):
            opt.nbval_lax = True  # outputs are not committed, so only errors count
        opt.nbval_current_env = True
        if opt.nbval_cell_timeout == 2000:  # nbval's default: the same generous limit as tests/book_build.py
            opt.nbval_cell_timeout = 300


@pytest.hookimpl(tryfirst=True)  # before xdist reads the marks
def pytest_collection_modifyitems(config, items):
    """A notebook's cells share one kernel: under pytest-xdist they all go to the same worker."""
    for item in items:
        if item.nodeid.split("::")[0].endswith(".ipynb"):
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))
