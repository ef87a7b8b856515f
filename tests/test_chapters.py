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
def test_chapter_executes(path, book_session):
    run = execute_chapters()[path.name]
    if run.error:
        pytest.fail(f"{path.name} did not execute ({run.seconds:.0f} s):\n{run.error}", pytrace=False)


def _notebook(tmp_path, *sources, **metadata):
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    nb = new_notebook(cells=[new_markdown_cell("# A chapter"), *map(new_code_cell, sources)], metadata=metadata)
    path = tmp_path / "99_broken.ipynb"
    nbformat.write(nb, path)
    return str(path)


def test_a_cell_error_is_reported_with_its_cell_and_the_errors_last_lines(tmp_path):
    from book_build import _execute

    path = _notebook(tmp_path, "x = 1", "def halve(a):\n    return a / 0\n\nhalve(x)")
    _, executed, _, error = _execute(path)
    assert executed is None
    assert error.startswith("cell 3 of 3 `def halve(a): |     return a / 0`: raised ZeroDivisionError")
    assert "----> 2     return a / 0" in error and len(error) < 1000


def test_a_cell_timeout_is_reported_as_a_timeout(tmp_path):
    from book_build import _execute

    path = _notebook(tmp_path, "import time\ntime.sleep(30)", execution={"timeout": 2})
    _, executed, _, error = _execute(path)
    assert executed is None
    assert error.startswith("cell 2 of 2 `import time | time.sleep(30)`: timed out")
    assert "2 s cell timeout (the notebook's metadata execution.timeout)" in error
