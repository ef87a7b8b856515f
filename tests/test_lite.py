"""The chapters in JupyterLite (Python in the browser) from the built site, in headless Chromium with no internet.

Every chapter's JupyterLite button leads to the lite app and a copy of that chapter. One chapter is
opened as a learner would: the app loads, the Pyodide kernel starts, jupyterlab-myst renders the text,
an ipywidgets slider renders, and the first cell, which cannot reach the Pyodide CDN here, prints its
one-sentence message. The only off-site requests are the five pinned CDN wheels (aborted and
recorded); Chromium goes through a dead proxy, so nothing else could leave the machine either.
The first-visit transfer size is written to test-artifacts/lite-first-visit.txt, screenshots to
test-artifacts/screenshots/lite-*.png. (Without internet nothing here runs a chapter's numpy code.)
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import urllib.parse
from pathlib import Path

import pytest
from book_build import HTML, ROOT
from browser import QuietHandler, chromium, serve
from colab_config import colab_cell

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"
LITE = HTML / "lite"
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
_spec = importlib.util.spec_from_file_location("jupyterlite_ext", ROOT / "_ext" / "jupyterlite.py")
jupyterlite = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(jupyterlite)

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("lite")]  # one server and browser
playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is in requirements-dev.txt")
if not Path(CHROMIUM).exists():
    if os.environ.get("CI"):
        raise RuntimeError("CI must run the browser tests: install Chromium (apt-get install chromium)")
    pytest.skip("Chromium is not installed (apt-get install chromium); .ci/run installs it", allow_module_level=True)


class _CountingHandler(QuietHandler):
    """Serves the site and records ``(path, bytes sent)`` of every file, workers' requests included."""

    served: list[tuple[str, int]] = []

    def copyfile(self, source, destination):
        sent = 0
        while chunk := source.read(1 << 16):
            destination.write(chunk)
            sent += len(chunk)
        self.served.append((self.path, sent))


@pytest.fixture(scope="module")
def site(built_book):
    if not (LITE / "lab" / "index.html").exists():
        reason = "the build skipped JupyterLite (its log says why: 'jupyterlite: could not build ...')"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    with serve(HTML, _CountingHandler) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    # offline for real: every request that is not to the local server goes to a dead proxy
    with chromium("--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=127.0.0.1") as b:
        yield b


def _lite_link(chapter: Path) -> str:
    """The href of the JupyterLite launch button on the chapter's built page."""
    page = (HTML / "chapters" / f"{chapter.stem}.html").read_text(encoding="utf-8")
    links = re.findall(r'href="([^"]*lite/[^"]*\?path=[^"]*)"', page)
    assert len(links) == 1, f"{chapter.stem}.html should have one JupyterLite button, found {links}"
    return links[0].replace("&amp;", "&")


def _title(chapter: Path) -> str:
    first = "".join(json.loads(chapter.read_text(encoding="utf-8"))["cells"][0]["source"])
    return re.search(r"^# (.+)$", first, re.M).group(1).strip()


def _cdn_wheels() -> set[str]:
    lock = json.loads((LITE / "static" / "pyodide" / "pyodide-lock.json").read_text(encoding="utf-8"))
    return {lock["packages"][name]["file_name"] for name in jupyterlite.FROM_CDN}


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_every_chapter_opens_in_the_lite_app_from_its_launch_button(site, chapter):
    url = urllib.parse.urljoin(f"{site}/chapters/{chapter.stem}.html", _lite_link(chapter))
    parts = urllib.parse.urlsplit(url)
    assert parts.path == "/lite/lab/index.html" and (HTML / parts.path.lstrip("/")).exists()
    opened = urllib.parse.parse_qs(parts.query)["path"] == [f"chapters/{chapter.name}"]
    assert opened, f"the button opens {parts.query}, not chapters/{chapter.name}"
    served = LITE / "files" / "chapters" / chapter.name
    assert json.loads(served.read_text(encoding="utf-8")) == json.loads(chapter.read_text(encoding="utf-8"))


def test_the_cdn_wheels_are_the_five_compiled_packages_pinned_to_the_pyodide_version(site):
    wheels = _cdn_wheels()
    assert len(wheels) == 5 and all(w.startswith(jupyterlite.CDN) and w.endswith("_wasm32.whl") for w in wheels)
    assert jupyterlite.CDN == f"https://cdn.jsdelivr.net/pyodide/v{jupyterlite.PYODIDE_VERSION}/full/"
    config = json.loads((LITE / "jupyter-lite.json").read_text(encoding="utf-8"))["jupyter-config-data"]
    extensions = {e["name"] for e in config["federated_extensions"]}
    assert {"jupyterlab-myst", "@jupyter-widgets/jupyterlab-manager"} <= extensions
    assert not [p for p in LITE.rglob("*.map")], "source maps are turned off"
    index = json.loads((LITE / "pypi" / "all.json").read_text(encoding="utf-8"))  # piplite's index
    assert {"dlcore", "ipywidgets"} <= set(index) and list((LITE / "pypi").glob("dlcore-*-py3-none-any.whl"))


def test_a_chapter_runs_in_the_browser_offline(site, browser):
    chapter = CHAPTERS[0]
    context = browser.new_context(viewport={"width": 1280, "height": 900})  # first visit: empty cache
    off_site = []

    def route(r):
        if r.request.url.startswith(site):
            r.continue_()
        else:
            off_site.append(r.request.url)
            r.abort("internetdisconnected")

    context.route("**/*", route)
    page = context.new_page()
    page.set_default_timeout(180_000)  # a loaded CI machine: generous, never a timing assertion
    _CountingHandler.served.clear()
    shots = ARTIFACTS / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    try:
        page.goto(urllib.parse.urljoin(f"{site}/chapters/{chapter.stem}.html", _lite_link(chapter)))
        page.wait_for_selector(".jp-Notebook .jp-MarkdownCell", timeout=180_000)
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=300_000)
        title = page.locator(".jp-MarkdownCell .myst h1").first  # rendered by jupyterlab-myst
        assert title.inner_text().strip() == _title(chapter)

        first = page.locator(".jp-CodeCell").first
        first.locator(".jp-InputPrompt").first.click()
        page.keyboard.press("Escape")
        page.keyboard.press("Shift+Enter")
        output = first.locator(".jp-OutputArea-output")
        output.first.wait_for(timeout=300_000)
        first.scroll_into_view_if_needed()
        page.screenshot(path=str(shots / "lite-offline-message.png"))
        assert output.inner_text().strip() == "".join(colab_cell.OFFLINE), "one sentence, no traceback"
        assert set(off_site) == _cdn_wheels(), f"off-site requests other than the five CDN wheels: {off_site}"
        assert any(path.startswith("/lite/pypi/dlcore-") for path, _ in _CountingHandler.served), \
            "dlcore's wheel is fetched from the site"

        page.keyboard.press("Escape")
        page.keyboard.press("b")
        page.keyboard.press("Enter")
        page.keyboard.type('import piplite; await piplite.install("ipywidgets"); import ipywidgets; '
                           'ipywidgets.IntSlider(value=3, description="n")')
        page.keyboard.press("Shift+Enter")
        page.wait_for_selector(".widget-slider", timeout=180_000)
        page.screenshot(path=str(shots / "lite-widget.png"))
        assert set(off_site) == _cdn_wheels(), "ipywidgets comes from the site"
    finally:
        served = sorted(_CountingHandler.served, key=lambda s: -s[1])
        total = sum(size for _, size in served)
        parts = {"Pyodide runtime": r"/lite/static/pyodide/pyodide|/lite/static/pyodide/python_stdlib",
                 "Python wheels": r"\.whl$|/all\.json", "JupyterLab app and extensions": r"/lite/(build|extensions)/"}
        sizes = {name: sum(n for path, n in served if re.search(rx, path.split("?")[0])) for name, rx in parts.items()}
        report = [f"first visit of {chapter.name} in JupyterLite, run its first cell and a widget (uncompressed, "
                  f"from the site): {total / 1e6:.1f} MB in {len(served)} files; off-site (aborted): "
                  f"{len(set(off_site))} URLs", *(f"  {name}: {n / 1e6:.1f} MB" for name, n in sizes.items()),
                  *sorted(set(off_site)), *(f"{size / 1e6:8.3f} MB  {path}" for path, size in served)]
        (ARTIFACTS / "lite-first-visit.txt").write_text("\n".join(report) + "\n", encoding="utf-8")
        print(report[0])
        context.close()
