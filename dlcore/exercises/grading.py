"""Exercises and their grading: run every test on a learner's answer, never raise.

An :class:`Exercise` holds the reference solution and the tests; the statement lives in the
chapter's text and the stub in the chapter's exercise cell, so nothing exists twice.
"""

from __future__ import annotations

import copy
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .timelimit import TimeLimitExceeded, call_with_time_limit

KINDS = ("implement", "predict", "choice", "tune")


@dataclass
class Check:
    """One check of an answer.

    Parameters
    ----------
    name : str
        What is checked, shown with ✓ or ✗.
    run : callable
        ``run(answer)``: returns normally when the answer passes, raises ``AssertionError``
        with a message for the learner when it does not.
    hint : str
        Shown when the test fails.
    """

    name: str
    run: Callable[[Any], Any]
    hint: str = ""


@dataclass
class Exercise:
    """A graded exercise: its id, title, kind, reference solution and tests.

    ``solution`` is the reference answer itself: a function for ``implement`` exercises, a value
    for ``predict``/``choice``/``tune`` ones. ``time_limit`` bounds each test (seconds).
    """

    id: str
    title: str
    kind: str
    solution: Any
    tests: list[Check]
    time_limit: float = 10.0
    chapter: int = field(init=False)

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"exercise {self.id}: kind must be one of {KINDS}, got {self.kind!r}")
        if not self.tests:
            raise ValueError(f"exercise {self.id} has no tests")
        self.chapter = int(self.id[2:4])  # ids look like "ch03.sigmoid_grad"


@dataclass
class TestResult:
    name: str
    passed: bool
    message: str = ""
    hint: str = ""


@dataclass
class Result:
    """What :func:`grade` returns: one :class:`TestResult` per test, or ``not_attempted``."""

    exercise: Exercise
    tests: list[TestResult]
    not_attempted: bool = False

    @property
    def score(self) -> int:
        return sum(t.passed for t in self.tests)

    @property
    def passed(self) -> bool:
        return not self.not_attempted and self.score == len(self.exercise.tests)

    def __repr__(self) -> str:
        from .display import result_text
        return result_text(self)

    def _repr_html_(self) -> str:
        from .display import result_html
        return result_html(self)


def _is_stub_answer(answer) -> bool:
    return answer is Ellipsis


def _learner_error(exc: BaseException) -> str:
    """One line naming the exception the learner's code raised, and where in their code."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "dlcore" not in f.filename.replace("\\", "/")
              or "<" in f.filename]
    where = f" (line {frames[-1].lineno} of your code)" if frames and frames[-1].filename.startswith("<") else ""
    text = str(exc).strip()
    return f"your code raised {type(exc).__name__}{': ' + text if text else ''}{where}"


def run_test(test: Check, answer, time_limit: float) -> TestResult:
    """Run one test on a private copy of the answer; turn every outcome into a :class:`TestResult`."""
    try:
        private = answer if callable(answer) else copy.deepcopy(answer)
        call_with_time_limit(lambda: test.run(private), time_limit)
        return TestResult(test.name, True)
    except AssertionError as exc:
        return TestResult(test.name, False, str(exc) or "wrong answer", test.hint)
    except TimeLimitExceeded:
        return TestResult(test.name, False, f"took longer than {time_limit:g} s — is there an endless loop?",
                          test.hint)
    except NotImplementedError:
        return TestResult(test.name, False, "not implemented yet", test.hint)
    except RecursionError:
        return TestResult(test.name, False, "your code recursed too deeply (a function calling itself forever?)",
                          test.hint)
    except KeyboardInterrupt:
        return TestResult(test.name, False, "interrupted", test.hint)
    except BaseException as exc:  # noqa: BLE001 — learner code may raise anything, even SystemExit
        return TestResult(test.name, False, _learner_error(exc), test.hint)


def grade(exercise: Exercise, answer) -> Result:
    """Run all of ``exercise``'s tests on ``answer``. Never raises."""
    if _is_stub_answer(answer):
        return Result(exercise, [], not_attempted=True)
    results = [run_test(t, answer, exercise.time_limit) for t in exercise.tests]
    if all(r.message == "not implemented yet" for r in results):
        return Result(exercise, [], not_attempted=True)
    return Result(exercise, results)
