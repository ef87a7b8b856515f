"""The built site in a real browser (headless Chromium driven by Playwright), with no internet.

Every page in the table of contents is loaded from a local server and must have: no console
error, no failed request, typeset math, images that loaded and have alt text, one H1 and no
skipped heading level, non-empty widget areas, and solution dropdowns that open. The search
page must find "backpropagation" and the dark-mode toggle must change the theme.
Screenshots of every page are kept in test-artifacts/screenshots/ (ignored by git).
"""

from __future__ import annotations

import functools
import http.server
import re
import threading

import pytest
from book_build import HTML, ROOT
from prerequisites import CHROMIUM, is_installed, skip_reason

SHOTS = ROOT / "test-artifacts" / "screenshots"
PAGES = ["intro", *re.findall(r"file:\s*(\S+)", (ROOT / "_toc.yml").read_text(encoding="utf-8"))]

pytestmark = pytest.mark.slow
# one skip reason for every browser test (in CI, test_repo.py::test_prerequisite_is_installed fails instead)
for _name in ("playwright", "chromium"):
    if not is_installed(_name):
        pytest.skip(skip_reason(_name), allow_module_level=True)
playwright_api = pytest.importorskip("playwright.sync_api")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site(built_book):
    handler = functools.partial(_QuietHandler, directory=str(HTML))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--no-first-run", "--disable-sync"])
        yield b
        b.close()


def _open(browser, url):
    """Open ``url``; return the page and the lists of console errors and failed requests."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors, failed = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("requestfailed", lambda r: failed.append(f"{r.url} ({r.failure})"))
    page.on("response", lambda r: failed.append(f"{r.url} (HTTP {r.status})") if r.status >= 400 else None)
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    return page, errors, failed


@pytest.mark.parametrize("name", PAGES)
def test_page_renders_cleanly(site, browser, name):
    page, errors, failed = _open(browser, f"{site}/{name}.html")
    try:
        article = page.locator("article.bd-article")
        if article.locator(".math").count():
            page.wait_for_function("() => document.querySelectorAll('mjx-container').length > 0", timeout=20_000)
            raw = page.evaluate("() => [...document.querySelectorAll('.math')].filter("
                                "e => !e.querySelector('mjx-container')).map(e => e.textContent.slice(0, 60))")
            assert not raw, f"math left untypeset: {raw[:3]}"
        images = page.evaluate("() => [...document.querySelectorAll('article img')].map("
                               "i => ({src: i.src, alt: i.alt, ok: i.complete && i.naturalWidth > 0}))")
        assert all(i["ok"] for i in images), [i["src"] for i in images if not i["ok"]]
        assert all(i["alt"].strip() for i in images), [i["src"][-60:] for i in images if not i["alt"].strip()]
        levels = page.evaluate("() => [...document.querySelectorAll('article.bd-article :is(h1,h2,h3,h4,h5,h6)')]"
                               ".map(h => +h.tagName[1])")
        assert levels.count(1) == 1 and levels[0] == 1, levels
        assert all(b - a <= 1 for a, b in zip(levels, levels[1:])), levels
        for area in page.locator("script[type='application/vnd.jupyter.widget-view+json']").all():
            host = area.locator("xpath=..")
            assert host.locator(".jupyter-widgets").count() > 0, "a widget area stayed empty"
        for dropdown in page.locator("article .solution.dropdown").all():
            dropdown.locator("button.toggle-button").first.click()
            assert dropdown.locator("section, .admonition-body, p").first.is_visible(), "solution did not open"
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name.replace('/', '__')}.png"), full_page=True)
        assert not failed, failed
        assert not errors, errors
    finally:
        page.close()


def test_search_finds_backpropagation(site, browser):
    page, errors, failed = _open(browser, f"{site}/search.html?q=backpropagation")
    page.wait_for_selector("#search-results li", timeout=20_000)
    assert page.locator("#search-results li").count() > 0
    assert not failed and not errors, (failed, errors)
    page.close()


def test_dark_mode_toggle_changes_the_theme(site, browser):
    page, _, _ = _open(browser, f"{site}/intro.html")
    before = page.evaluate("() => document.documentElement.dataset.theme")
    page.locator("button.theme-switch-button").first.click()
    after = page.evaluate("() => document.documentElement.dataset.theme")
    assert before != after, (before, after)
    page.close()


@pytest.mark.parametrize("name", [p for p in PAGES if p.startswith("chapters/")])
def test_launch_repository_and_download_buttons(site, browser, name):
    """Binder/Colab open this chapter's notebook; edit/issue/repository buttons and the .ipynb download work."""
    from colab_config import repository

    url, branch = repository()
    repo = url.removeprefix("https://github.com/")
    html = (HTML / f"{name}.html").read_text(encoding="utf-8")
    assert f"https://mybinder.org/v2/gh/{repo}/{branch}?urlpath=lab/tree/{name}.ipynb" in html
    assert f"https://colab.research.google.com/github/{repo}/blob/{branch}/{name}.ipynb" in html
    assert f"{url}/edit/{branch}/{name}.ipynb" in html and f"{url}/issues/new" in html
    page, _, _ = _open(browser, f"{site}/{name}.html")
    try:
        download = page.request.get(f"{site}/_sources/{name}.ipynb")
        assert download.ok and download.json()["metadata"]["kernelspec"]["name"] == "python3"
    finally:
        page.close()
