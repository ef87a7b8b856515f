"""Session-wide plumbing: the built book as a fixture, its build started early, and skips that say what to install.

The test command runs in pytest-xdist workers (``-n auto`` in pyproject.toml). The tests that need the built
book run last, and one worker starts the build in a background process as soon as collection shows that
some test needs it, so that the chapters execute and the book builds while the unit tests run.
"""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

# lets tests import the wrong-answer modules as a package (`import exercise_wrong_answers`) and the
# helpers beside this file (book_build, prerequisites)
sys.path.insert(0, str(Path(__file__).resolve().parent))

import book_build  # noqa: E402
from book_build import HTML, SKIP_REASON, build_book, session_build  # noqa: E402
from browser import chromium, serve  # noqa: E402
from prerequisites import PREREQUISITES, skip_reason  # noqa: E402


@pytest.fixture(scope="session")
def book_session():
    """The chapters' runs and the book build of this test run (tests/book_build.py), whatever their outcome."""
    return session_build()


def _built_book(book_session):
    """The book built once per session; tests that use it skip with one shared reason when it did not build."""
    build = build_book()
    if not build.ok:
        pytest.skip(SKIP_REASON)
    return build


built_book = pytest.fixture(_built_book, scope="session", name="built_book")


@pytest.fixture(scope="module")
def site(built_book):
    """The built site on a local server (tests/browser.py); test_lite.py has its own, counting bytes."""
    with serve(HTML) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium for one test module (test_lite.py has its own, offline)."""
    with chromium() as b:
        yield b

_background_build = None


@pytest.hookimpl(tryfirst=True)  # before xdist reads the xdist_group marks
def pytest_collection_modifyitems(config, items):
    """Run the tests that need the book last, and start building it now if any test needs it."""
    global _background_build
    needs_book = [item for item in items if "book_session" in getattr(item, "fixturenames", ())]
    if not needs_book:
        return
    later = set(needs_book)
    items[:] = [item for item in items if item not in later] + needs_book
    if os.environ.get("PYTEST_XDIST_WORKER", "gw0") == "gw0" and _background_build is None:
        # a separate process, not a thread: the exercise tests fork, which threads make unsafe
        book_build.LOCK.parent.mkdir(parents=True, exist_ok=True)
        log = open(book_build.LOCK.with_name(".session_build.log"), "w")  # noqa: SIM115 - the process keeps it
        _background_build = subprocess.Popen(
            [sys.executable, "-c", "import book_build; book_build.session_build()"],
            cwd=Path(__file__).parent, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            env={**os.environ, "PYTEST_XDIST_TESTRUNUID": book_build.RUN_ID})


def pytest_sessionfinish(session):
    """A run stopped early (``-x``, Ctrl-C) does not leave the background build (and its kernels) running."""
    if _background_build is not None and _background_build.poll() is None:
        os.killpg(_background_build.pid, signal.SIGTERM)
        _background_build.wait(30)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Name the install command in ``pytest.importorskip("torch")``'s skips ("could not import 'torch'"),
    and report every test skipped because the book did not build at one location."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and isinstance(report.longrepr, tuple):
        path, line, reason = report.longrepr
        if SKIP_REASON in reason:  # one location for all, so the summary groups them on one line
            report.longrepr = (__file__, _built_book.__code__.co_firstlineno, reason)
        for name in PREREQUISITES:
            if f"could not import '{name}'" in reason:
                report.longrepr = (path, line, "Skipped: " + skip_reason(name))


def pytest_terminal_summary(terminalreporter):
    """One line per missing prerequisite, after the run, with how many tests it skipped."""
    counts = {}
    for report in terminalreporter.stats.get("skipped", []):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else ""
        for name in PREREQUISITES:
            if reason.startswith(("Skipped: " + skip_reason(name), skip_reason(name))):
                counts[name] = counts.get(name, 0) + 1
    for name, count in counts.items():
        terminalreporter.write_line(f"NOTE: {count} test(s) skipped: {skip_reason(name)}", yellow=True, bold=True)
from keras_reference import keras  # noqa: E402, F401  (the `keras` fixture: Keras 3 as a float64 reference, or a skip)
