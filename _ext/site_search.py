"""The site search: its own ranking and snippets, and its index loaded only by the search page.

- Ranking and snippets: Sphinx's ``html_search_scorer`` is ``_ext/search_scorer.js`` (what it does is
  explained at the top of that file). It is set here, as an absolute path, because Sphinx opens a
  relative ``html_search_scorer`` from the current directory, not from the book's folder:
  ``jupyter-book build path/to/book`` run from elsewhere would stop with FileNotFoundError.
- The theme loads ``searchindex.js`` (350 kB, the whole site's words) on every page for its
  search-as-you-type mode, which this book leaves off (the search field opens ``search.html``). So
  the other pages drop that one script: every chapter loads 350 kB less (a phone on a slow network
  notices), and the search page still loads it.
"""

from __future__ import annotations

import re
from pathlib import Path

SCORER = Path(__file__).resolve().with_name("search_scorer.js")
INDEX_SCRIPT = re.compile(r'\s*<script src="(?:\.\./)*searchindex\.js"></script>')


def _use_scorer(app, config) -> None:
    config.html_search_scorer = str(SCORER)


def drop_index_script(html: str) -> str:
    """``html`` without the ``<script src="…searchindex.js">`` tag."""
    return INDEX_SCRIPT.sub("", html)


def _drop_index_outside_search(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    if (app.config.html_theme_options or {}).get("search_as_you_type") in (True, "True", "true"):
        return  # then every page's search box does use the index
    out = Path(app.outdir)
    for page in out.rglob("*.html"):
        if page == out / "search.html" or page.is_relative_to(out / "lite"):
            continue
        html = page.read_text(encoding="utf-8")
        lighter = drop_index_script(html)
        if lighter != html:
            page.write_text(lighter, encoding="utf-8")


def setup(app):
    app.connect("config-inited", _use_scorer)
    app.connect("build-finished", _drop_index_outside_search)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
