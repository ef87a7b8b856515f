"""What the browser tests share: the built site on a local server, headless Chromium, one xdist group per page.

Used by test_site.py, test_player.py and test_lite.py. Chromium is Debian's (``apt-get install chromium``),
driven by Playwright's Python package; Playwright never downloads a browser here.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from collections.abc import Iterator

import pytest
from prerequisites import CHROMIUM

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """A static file server that does not log every request to the test output."""

    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(directory, handler: type = QuietHandler) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 (a free port) in a thread; yields the base URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


@contextlib.contextmanager
def chromium(*extra_args: str):
    """Headless Chromium through Playwright, closed afterwards."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, *extra_args])
        try:
            yield browser
        finally:
            browser.close()


def page_params(names: list[str]) -> list:
    """One parameter per page, marked so that all of a page's browser tests run in the same xdist worker."""
    return [pytest.param(name, id=name, marks=pytest.mark.xdist_group(f"page:{name}")) for name in names]
