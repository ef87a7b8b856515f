"""Small fixes to the HTML that myst-nb, sphinx-exercise and sphinxcontrib-bibtex write, found by axe-core.

- A hidden code cell's ``<summary>`` carries ``aria-label="Toggle hidden content"`` while it shows
  "Show code cell source": the name must contain the visible text (label-content-name-mismatch).
  Without the label the summary is named by its text.
- A solution's title is a link to its exercise: clicking the title then jumps away instead of opening
  the solution. The title keeps its words ("Solution to Exercise 2.1 (…)") without the link.
- The bibliography is ``role="list"`` around ``role="doc-biblioentry"`` items, which a list may not
  contain (aria-required-children, critical): the entries become list items.
"""

from __future__ import annotations

import re

from sphinx.application import Sphinx

SUMMARY = '<summary aria-label="Toggle hidden content">'
SOLUTION_TITLE = re.compile(
    r'(<div class="solution[^"]*dropdown[^"]*"[^>]*>\s*<p class="admonition-title">)([^<]*)'
    r'<a class="reference internal" href="[^"]*">(.*?)</a>(</p>)', re.S)
BIBLIO_ENTRY = 'role="doc-biblioentry"'


def fix_body(body: str) -> str:
    body = body.replace(SUMMARY, "<summary>")
    body = SOLUTION_TITLE.sub(lambda m: m[1] + m[2] + m[3] + m[4], body)
    return body.replace(BIBLIO_ENTRY, 'role="listitem"')


def on_page_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if "body" in context:
        context["body"] = fix_body(context["body"])


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", on_page_context)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
