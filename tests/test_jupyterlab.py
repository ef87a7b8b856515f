"""A chapter in a real JupyterLab, as a learner on Binder, a hub or a laptop meets it.

The test starts JupyterLab (with jupyterlab-myst, from requirements.txt) on 127.0.0.1 over a copy
of the chapters, and drives it with headless Chromium:

- every Markdown cell is rendered MyST: no raw ``{term}``, ``{eq}``, ``:::`` …;
- every solution is closed until its title is clicked, and then shows the reference code;
- *Run All* executes the chapter with no error output;
- moving a slider redraws the figure;
- a wrong answer in an exercise cell gets ✗ from the check cell, the reference answer ✓.

Screenshots go to test-artifacts/jupyterlab/.
"""

from __future__ import annotations

import inspect
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHAPTER = "chapters/02_artificial_neuron.ipynb"
SHOTS = ROOT / "test-artifacts" / "jupyterlab"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
RAW_MYST = re.compile(r"\{(term|eq|cite|doc|ref|numref)\}`|^:{3,}|```\{|:class:|:label:", re.M)
WRONG_ANSWERS = {  # five mistakes a learner makes in exercise 2.1, each must get a ✗
    "forgot the bias": "def neuron_forward(X, w, b):\n    return 1 / (1 + np.exp(-(X @ w)))\n",
    "bias subtracted": "def neuron_forward(X, w, b):\n    return 0.5 * (1 + np.tanh((X @ w - b) / 2))\n",
    "tanh, not sigmoid": "def neuron_forward(X, w, b):\n    return np.tanh(X @ w + b)\n",
    "a column (n, 1)": "def neuron_forward(X, w, b):\n    return 0.5 * (1 + np.tanh((X @ w[:, None] + b) / 2))\n",
    "changes its input": ("def neuron_forward(X, w, b):\n    X *= 2\n"
                          "    return 0.5 * (1 + np.tanh((X @ w / 2 + b) / 2))\n"),
}

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("jupyterlab")]  # one JupyterLab server
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is in requirements-dev.txt")
pytest.importorskip("jupyterlab", reason="JupyterLab is in requirements.txt")
if not Path(CHROMIUM).exists():
    if os.environ.get("CI"):
        raise RuntimeError("CI must run the browser tests: install Chromium (apt-get install chromium)")
    pytest.skip("Chromium is not installed (apt-get install chromium)", allow_module_level=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _write_settings(folder: Path) -> None:
    """Render every cell (no windowing, so the test sees them all) and never fetch news from the internet."""
    never_fetch = {"fetchNews": "false", "checkForUpdates": False}
    for plugin, settings in {"notebook-extension/tracker": {"windowingMode": "none"},
                             "apputils-extension/notification": never_fetch}.items():
        path = folder / "@jupyterlab" / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(settings), encoding="utf-8")


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab on 127.0.0.1 over a copy of the chapters (autosave must never touch the repository)."""
    home = tmp_path_factory.mktemp("lab")
    shutil.copytree(ROOT / "chapters", home / "root" / "chapters")
    _write_settings(home / "settings")
    port = _free_port()
    env = {**os.environ, "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"), "OPENBLAS_NUM_THREADS": "1",
           "DLCORE_PROGRESS_FILE": str(home / "progress.json")}
    env.pop("DLCORE_STATIC_SITE", None)
    log = open(home / "lab.log", "w")  # noqa: SIM115 (closed in the finaliser)
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", "--ip=127.0.0.1", f"--port={port}",
         "--IdentityProvider.token=", "--ServerApp.password=", "--LabApp.expose_app_in_browser=True",
         f"--ServerApp.root_dir={home / 'root'}"], env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while True:
        try:
            urllib.request.urlopen(f"{url}/api/status", timeout=5)
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail("JupyterLab did not start:\n" + (home / "lab.log").read_text()[-3000:])
            time.sleep(1)
    yield url
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
    log.close()


@pytest.fixture(scope="module")
def page(lab):
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-background-networking", "--disable-component-update", "--no-first-run"])
        pg = browser.new_page(viewport={"width": 1280, "height": 1000})
        pg.set_default_timeout(120_000)
        pg.goto(f"{lab}/lab/tree/{CHAPTER}?reset")
        n_markdown = sum(c["cell_type"] == "markdown"
                         for c in json.loads((ROOT / CHAPTER).read_text(encoding="utf-8"))["cells"])
        pg.wait_for_function(f"document.querySelectorAll('.jp-MarkdownCell .myst').length >= {n_markdown}",
                             timeout=240_000)
        yield pg
        browser.close()


def _run_cells(page, indices: list[int], timeout: float = 300) -> None:
    """Run the cells at ``indices`` (in the current notebook) and wait until the kernel is idle again."""
    page.evaluate("""async (indices) => {
        const panel = window.jupyterapp.shell.currentWidget;
        for (const i of indices) {
            panel.content.activeCellIndex = i;
            await window.jupyterapp.commands.execute('notebook:run-cell');
        }
    }""", indices)
    _wait_idle(page, timeout)


def _wait_idle(page, timeout: float) -> None:
    page.wait_for_function("""() => {
        const panel = window.jupyterapp.shell.currentWidget;
        const prompts = [...panel.node.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].map(p => p.innerText);
        return panel.sessionContext.session?.kernel?.status === 'idle' && !prompts.some(p => p.includes('*'));
    }""", timeout=timeout * 1000, polling=500)


def _exercise_cell() -> int:
    """Index of the exercise cell that defines ``neuron_forward`` (exercise 2.1; its check cell follows it)."""
    nb = json.loads((ROOT / CHAPTER).read_text(encoding="utf-8"))
    return next(i for i, c in enumerate(nb["cells"])
                if "exercise" in c["metadata"].get("tags", []) and "def neuron_forward" in "".join(c["source"]))


def _answer(page, exercise: int, source: str, timeout: float = 300) -> None:
    """Type ``source`` into the exercise cell, then run it and its check cell, as a learner does."""
    page.evaluate("([i, src]) => window.jupyterapp.shell.currentWidget.content.widgets[i].model.sharedModel"
                  ".setSource(src)", [exercise, source])
    _run_cells(page, [exercise, exercise + 1], timeout=timeout)


def _cell_text(page, index: int) -> str:
    return page.evaluate("(i) => window.jupyterapp.shell.currentWidget.content.widgets[i].node.innerText", index)


def test_markdown_is_rendered_myst_with_no_raw_markup(page):
    texts = page.eval_on_selector_all(".jp-MarkdownCell .myst", "els => els.map(e => e.innerText)")
    raw = [m.group(0) for t in texts for m in RAW_MYST.finditer(t)]
    assert not raw, f"raw MyST in JupyterLab: {raw[:10]}"
    assert any("Exercise" in t for t in texts), "the exercise directives did not render"
    page.screenshot(path=str(SHOTS / "rendered.png"))


def test_solutions_are_hidden_until_clicked_then_show_the_reference_code(page):
    solutions = page.locator("details.myst-exercise", has_text="Solution to")
    assert solutions.count() >= 5
    first = solutions.first
    first.scroll_into_view_if_needed()
    code = first.locator("code", has_text="# reference solution")
    assert first.get_attribute("open") is None and not code.is_visible(), "a solution is open before any click"
    first.locator("summary").click()
    code.wait_for(state="visible", timeout=30_000)
    assert "def neuron_forward" in code.inner_text()
    page.screenshot(path=str(SHOTS / "solution-open.png"))


@pytest.fixture(scope="module")
def ran_all(page):
    """The chapter after *Run All* (the exercises need its imports)."""
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    time.sleep(2)
    _wait_idle(page, timeout=600)
    return page


def test_run_all_cells_gives_no_error_output(ran_all):
    page = ran_all
    errors = page.eval_on_selector_all(
        ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']",
        "els => els.map(e => e.innerText).filter(t => /Error|Traceback/.test(t))")
    assert not errors, "error output after Run All:\n" + "\n---\n".join(e[:600] for e in errors[:3])
    counts = page.evaluate("() => window.jupyterapp.shell.currentWidget.content.widgets"
                           ".filter(w => w.model.type === 'code').map(w => w.model.executionCount)")
    assert counts and all(isinstance(n, int) for n in counts), f"cells that did not run (execution counts): {counts}"


def test_moving_a_slider_redraws_the_figure(ran_all):
    page = ran_all
    widget = page.locator(".jp-OutputArea-output .widget-vbox, .jp-OutputArea-output .widget-box").filter(
        has=page.locator(".widget-slider")).first
    widget.scroll_into_view_if_needed()
    figure = widget.locator("img").first
    figure.wait_for(state="visible", timeout=60_000)
    before = figure.get_attribute("src")
    handle = widget.locator(".widget-slider .noUi-handle").first
    handle.focus()
    for _ in range(3):
        handle.press("ArrowRight")
    page.wait_for_function("([el, src]) => el.isConnected ? el.getAttribute('src') !== src : true",
                           arg=[figure.element_handle(), before], timeout=60_000)
    after = widget.locator("img").first.get_attribute("src")
    assert after != before, "the figure did not change when the slider moved"
    page.screenshot(path=str(SHOTS / "slider-moved.png"))


def test_a_wrong_answer_gets_a_cross_and_the_reference_a_tick(ran_all):
    page = ran_all
    from dlcore.exercises import ch02

    exercise = _exercise_cell()
    seen = []
    answers = [(a, "✗", None) for a in WRONG_ANSWERS.values()] + [(inspect.getsource(ch02.neuron_forward), "✓", "✗")]
    for answer, mark, absent in answers:
        _answer(page, exercise, answer)
        verdict = _cell_text(page, exercise + 1)
        assert mark in verdict, f"expected {mark} after the answer\n{answer}\ngot:\n{verdict[:800]}"
        if absent:
            assert absent not in verdict, f"the reference answer was not accepted:\n{verdict[:800]}"
        seen.append(f"--- {answer}\n{verdict}\n")
    (SHOTS / "verdicts.txt").write_text("".join(seen), encoding="utf-8")  # what the learner saw, for reports
    page.screenshot(path=str(SHOTS / "check-passed.png"))


def test_a_hanging_answer_ends_within_the_budget_with_one_message(ran_all):
    page = ran_all
    exercise = _exercise_cell()
    hang = ("def neuron_forward(X, w, b):\n    while True:   # swallows every exception, the time limit's too\n"
            "        try:\n            pass\n        except BaseException:\n            pass\n")
    started = time.monotonic()
    _answer(page, exercise, hang, timeout=240)
    elapsed = time.monotonic() - started
    verdict = _cell_text(page, exercise + 1)
    assert "time budget" in verdict and "✗" in verdict, verdict[:800]
    assert elapsed < 120, f"the check of a hanging answer took {elapsed:.0f} s (budget 10 s)"
    page.screenshot(path=str(SHOTS / "check-hang.png"))
