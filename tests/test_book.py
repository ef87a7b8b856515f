"""The book builds with warnings as errors, from chapters each executed once (tests/book_build.py)."""

import re

import pytest
from book_build import CHAPTERS, HTML, ROOT, build_book, warnings_in

pytestmark = pytest.mark.slow


def test_book_builds_with_warnings_as_errors(book_session):
    build = build_book()
    if build.not_run_because:
        pytest.skip(build.not_run_because)
    assert build.ok, "the book build failed:\n" + (warnings_in(build.log) or build.log[-2000:])
    for page in re.findall(r"file:\s*(\S+)", (ROOT / "_toc.yml").read_text(encoding="utf-8")):
        assert (HTML / f"{page}.html").exists(), f"{page}.html was not built"


def test_book_build_executed_no_notebook_itself(book_session):
    """Each chapter runs once: the build must find every chapter in the execution cache."""
    build = build_book()
    if not build.ok:
        pytest.skip(build.not_run_because or "the book did not build (see test_book_builds_with_warnings_as_errors)")
    assert build.executed == [], f"the build executed these notebooks again: {build.executed}"
    assert build.cached == [p.name for p in CHAPTERS], "every chapter comes from the execution cache"
