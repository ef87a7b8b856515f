"""The figure players on the built site, in a real browser (headless Chromium, Playwright), offline.

On every page with a player: each control, moved with the keyboard and with the pointer, changes
the figure's image and its alt text; every control has an accessible name; no widget manager is
loaded; and the page weighs at most 5 MB (every response of a full load, after scrolling through
the page so that lazy images load too). The weights are printed (run with ``-s`` to see them).
"""

from __future__ import annotations

import os
import random
import re
import shutil
from pathlib import Path

import pytest
from book_build import ROOT
from browser import page_params

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
PAGES = re.findall(r"file:\s*(\S+)", (ROOT / "_toc.yml").read_text(encoding="utf-8"))
MAX_PAGE_BYTES = 5_000_000
TIMEOUT_MS = 240_000  # a busy machine can take a minute to load a page

pytestmark = pytest.mark.slow
playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is in requirements-dev.txt")
if not Path(CHROMIUM).exists():
    if os.environ.get("CI"):
        raise RuntimeError("CI must run the browser tests: install Chromium (apt-get install chromium)")
    pytest.skip("Chromium is not installed (apt-get install chromium); .ci/run installs it", allow_module_level=True)


def player_pages() -> list[str]:
    """The pages whose notebook draws an interactive figure (known from the sources, before any build)."""
    return [p for p in PAGES if (ROOT / f"{p}.ipynb").exists()
            and "interact_figure(" in (ROOT / f"{p}.ipynb").read_text(encoding="utf-8")]


def page_weight(browser, url: str, width: int = 1366) -> tuple[int, int, list[str]]:
    """Bytes and requests of a full load of ``url`` (scrolled to the end), and the URLs requested."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.set_default_timeout(TIMEOUT_MS)
    requests = []
    page.on("requestfinished", lambda request: requests.append(request))
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    height = page.evaluate("document.body.scrollHeight")
    for y in range(0, height, 800):  # lazy images load near the viewport
        page.evaluate(f"window.scrollTo(0, {y})")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)
    sizes = [r.sizes() for r in requests]
    page.close()
    return sum(s["responseBodySize"] + s["responseHeadersSize"] for s in sizes), len(sizes), [r.url for r in requests]


def _figure(player):
    return player.locator("img.dl-player-figure").evaluate("i => [i.currentSrc || i.src, i.alt]")


def _controls(player) -> list[int]:
    return sorted({int(c) for c in player.locator("[data-control]").evaluate_all(
        "els => els.map(e => e.dataset.control)")})


def _move(player, control: int, how: str) -> None:
    """Move one control to another value with the keyboard or the pointer."""
    first = player.locator(f'[data-control="{control}"]').first
    kind = first.evaluate("e => e.tagName === 'BUTTON' ? 'button' : e.type")
    if kind == "button":
        target = player.locator(f'[data-control="{control}"][aria-pressed="false"]').first
        if how == "keyboard":
            target.focus()
            target.press("Enter")
        else:
            target.click()
    elif kind == "range":
        value, top = first.evaluate("e => [+e.value, +e.max]")
        if how == "keyboard":
            first.focus()
            first.press("ArrowRight" if value < top else "ArrowLeft")
        else:
            box = first.bounding_box()
            x = box["x"] + box["width"] * (0.97 if value < top / 2 else 0.03)
            first.page.mouse.click(x, box["y"] + box["height"] / 2)
    elif kind == "checkbox":
        if how == "keyboard":
            first.focus()
            first.press("Space")
        else:
            first.click()
    else:  # a <select>
        value, count = first.evaluate("e => [+e.value, e.options.length]")
        if how == "keyboard":
            first.focus()
            first.press("ArrowDown" if value < count - 1 else "ArrowUp")
        else:
            first.select_option(index=(value + 1) % count)


def _shuffle(player, rng: random.Random) -> None:
    """Set every control to a random value (so that a control that matters only with others can show it)."""
    for control in _controls(player):
        for _ in range(rng.randrange(3)):
            _move(player, control, "pointer")


@pytest.mark.parametrize("name", page_params(player_pages()))
def test_every_control_moves_the_figure(site, browser, name):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(TIMEOUT_MS)
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{site}/{name}.html", wait_until="load")
    players = page.locator(".dl-player")
    if players.count() == 0:
        page.close()
        pytest.skip(f"{name} has no figure player")
    assert page.locator("script[src*='embed-amd'], script[src*='require.js']").count() == 0
    rng = random.Random(0)
    try:
        for player in players.all():
            player.scroll_into_view_if_needed()
            page.wait_for_function("p => p.classList.contains('dl-player-ready')", arg=player.element_handle())
            for control in player.locator("input, select, button").all():
                name_ = control.evaluate("e => e.labels && e.labels.length ? e.labels[0].textContent : "
                                         "(e.closest('[role=group]') ? document.getElementById("
                                         "e.closest('[role=group]').getAttribute('aria-labelledby')).textContent : '')")
                assert name_.strip() or control.get_attribute("aria-label"), "a control has no accessible name"
                if control.get_attribute("type") == "range":
                    assert control.get_attribute("aria-valuetext"), "a slider has no aria-valuetext"
            for control in _controls(player):
                for how in ("keyboard", "pointer"):
                    for _attempt in range(8):  # some controls matter only at some values of the others
                        before = _figure(player)
                        _move(player, control, how)
                        page.wait_for_timeout(50)
                        after = _figure(player)
                        assert after[1] != before[1], f"control {control} ({how}) did not change the alt text"
                        if after[0] != before[0]:
                            break
                        _shuffle(player, rng)
                    else:
                        pytest.fail(f"{name}: moving control {control} with the {how} never changed the image")
            ok = player.locator("img.dl-player-figure").evaluate("i => i.complete && i.naturalWidth > 0")
            assert ok, "the figure's image did not load"
    finally:
        page.close()
    assert not errors, errors


@pytest.mark.parametrize("name", page_params(player_pages()))
def test_page_weighs_at_most_5_mb(site, browser, name):
    total, requests, urls = page_weight(browser, f"{site}/{name}.html")
    assert not [u for u in urls if "embed-amd" in u or "require.js" in u], f"{name} loads a widget manager"
    print(f"{name}: {total / 1e6:.2f} MB in {requests} requests")
    assert total <= MAX_PAGE_BYTES, f"{name} weighs {total / 1e6:.2f} MB in {requests} requests (at most 5 MB)"
