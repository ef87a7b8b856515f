"""The book builds with warnings as errors, from a clean execution cache."""

import re

import pytest
from book_build import HTML, ROOT, build_book


@pytest.mark.slow
def test_book_builds_with_warnings_as_errors():
    proc = build_book()
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-6000:]
    assert (HTML / "index.html").exists()
    for page in re.findall(r"file:\s*(\S+)", (ROOT / "_toc.yml").read_text(encoding="utf-8")):
        assert (HTML / f"{page}.html").exists(), page
