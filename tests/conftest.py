"""Session-wide plumbing: the built book as a fixture, and skips that say what to install."""

import sys
from pathlib import Path

import pytest

# lets tests import the wrong-answer modules as a package (`import exercise_wrong_answers`) and the
# helpers beside this file (book_build, prerequisites)
sys.path.insert(0, str(Path(__file__).resolve().parent))

from book_build import SKIP_REASON, build_book  # noqa: E402
from prerequisites import PREREQUISITES, skip_reason  # noqa: E402


def _built_book():
    """The book built once per session; tests that use it skip with one shared reason when it did not build."""
    build = build_book()
    if not build.ok:
        pytest.skip(SKIP_REASON)
    return build


built_book = pytest.fixture(_built_book, scope="session", name="built_book")


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
