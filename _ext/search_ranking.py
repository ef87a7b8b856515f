"""The site search's own ranking and snippets: Sphinx's ``html_search_scorer`` set to ``_ext/search_scorer.js``.

Set here, as an absolute path, because Sphinx opens a relative ``html_search_scorer`` from the current
directory, not from the book's folder: ``jupyter-book build path/to/book`` run from elsewhere would stop
with FileNotFoundError. What the scorer does is explained at the top of search_scorer.js.
"""

from __future__ import annotations

from pathlib import Path

SCORER = Path(__file__).resolve().with_name("search_scorer.js")


def _use_scorer(app, config) -> None:
    config.html_search_scorer = str(SCORER)


def setup(app):
    app.connect("config-inited", _use_scorer)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
