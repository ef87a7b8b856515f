"""Every internal link and asset of the built site resolves; external links are listed in a report.

External links cannot be checked offline here: they are written to
test-artifacts/external-links.txt (one URL a line, with the pages that use it) for a human or an
online job to check.
"""

from __future__ import annotations

import re
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from book_build import HTML, ROOT

pytestmark = pytest.mark.slow


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("name"):
            self.ids.add(attrs["name"])
        for key in ("href", "src"):
            if attrs.get(key) and not (tag == "link" and attrs.get("rel") in ("preconnect", "dns-prefetch")):
                self.links.append(attrs[key])


def _parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    return parser


def test_internal_links_resolve_and_external_links_are_reported(built_book):
    pages = sorted(p for p in HTML.rglob("*.html") if "_static" not in p.parts)
    parsed = {p: _parse(p) for p in pages}
    broken, external = [], defaultdict(set)
    for page, links in parsed.items():
        for link in links.links:
            parts = urlsplit(link)
            if parts.scheme in ("http", "https"):
                external[link].add(str(page.relative_to(HTML)))
                continue
            if parts.scheme in ("mailto", "data", "javascript") or link.startswith("#") and not link[1:]:
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{page.relative_to(HTML)} → {link}")
            elif parts.fragment and target.suffix == ".html" and target in parsed:
                if unquote(parts.fragment) not in parsed[target].ids:
                    broken.append(f"{page.relative_to(HTML)} → {link} (no such anchor)")
    report = ROOT / "test-artifacts" / "external-links.txt"
    report.parent.mkdir(exist_ok=True)
    report.write_text("".join(f"{url}\t{', '.join(sorted(p))}\n" for url, p in sorted(external.items())),
                      encoding="utf-8")
    assert not broken, "\n".join(broken[:40])
    assert external, "no external link found: the parser is broken"
    assert not any(re.search(r"cdn\.jsdelivr|unpkg\.com|cdnjs", url) for url in external if url.endswith(".js")), \
        "a page loads JavaScript from a CDN"
