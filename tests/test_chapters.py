"""Every chapter notebook executes top to bottom with no error: one test per chapter.

The notebooks run once for the whole session (tests/book_build.py: two at a time, one BLAS thread per
kernel) and the book build reuses those executions. A failing chapter is reported once, naming the
cell, its first lines and the error's last lines. To check one chapter through nbval instead:
``python -m pytest chapters/01_what_is_deep_learning.ipynb``.
"""

import pytest
from book_build import CHAPTERS, execute_chapters

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_executes(path):
    run = execute_chapters()[path.name]
    if run.error:
        pytest.fail(f"{path.name} did not execute ({run.seconds:.0f} s):\n{run.error}", pytrace=False)
