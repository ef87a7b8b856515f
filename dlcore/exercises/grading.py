"""Exercises and their grading: run every test on a learner's answer, never raise, never hang.

An :class:`Exercise` holds the reference solution and the tests; the statement lives in the
chapter's text and the stub in the chapter's exercise cell, so nothing exists twice.

How a check runs (:func:`grade`):

* The tests run in the grader's process, on numpy as it was when ``dlcore.exercises`` was
  imported (learner patches of ``np.*`` are set aside meanwhile), with numpy's default error state
  and warnings silenced — the learner's ``np.seterr`` cannot change the check's own arithmetic.
* Every call of the learner's function goes to a child process (:mod:`.sandbox`) as plain data:
  the learner's code gets private copies, can change nothing the test computes with, and its
  result comes back as plain data. References are computed from the test's own arrays.
* One time budget (``Exercise.time_limit``) covers all of the learner's calls together; the
  child is killed when it runs out. Interrupt aborts the whole check.
* Besides the fixed tests, an implement exercise gets two more: fresh random inputs (from
  ``seed``, new every run unless given) and "does not change its arguments in place".
"""

from __future__ import annotations

import contextlib
import copy
import random
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import plain, sandbox
from .expect import Mistake, describe

KINDS = ("implement", "predict", "choice", "tune")
FRESH_NAME = "matches the reference on fresh random inputs"
FRESH_HINT = ("Your function passes the fixed examples but not new random ones: does it depend on the particular "
              "inputs (hard-coded numbers or shapes)?")
UNCHANGED_NAME = "leaves its arguments unchanged"
UNCHANGED_HINT = ("Compute new arrays (x = x - m, np.clip(p, lo, hi)) instead of changing the caller's "
                  "(x -= m, out=p, x[...] = ...).")


@dataclass
class Check:
    """One check of an answer.

    Parameters
    ----------
    name : str
        What is checked, shown with ✓ or ✗.
    run : callable
        ``run(answer)``: returns normally when the answer passes, raises ``AssertionError``
        with a message for the learner when it does not (:class:`.expect.Mistake` for a
        recognised mistake).
    hint : str
        Shown when this is the first test that fails.
    """

    name: str
    run: Callable[[Any], Any]
    hint: str = ""


@dataclass
class Exercise:
    """A graded exercise: its id, title, kind, reference solution and tests.

    ``solution`` is the reference answer itself: a function for ``implement`` exercises, a value
    for ``predict``/``choice``/``tune`` ones. ``answer`` is the name the exercise cell defines
    (``check("ch02.neuron_forward")`` looks it up). ``time_limit`` bounds all of the learner's
    code in one check together (seconds). ``fresh(f, rng)`` checks ``f`` on random inputs drawn
    from ``rng`` (implement exercises).
    """

    id: str
    title: str
    kind: str
    solution: Any
    tests: list[Check]
    answer: str = ""
    fresh: Callable[[Any, np.random.Generator], Any] | None = None
    time_limit: float = 10.0
    chapter: int = field(init=False)

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"exercise {self.id}: kind must be one of {KINDS}, got {self.kind!r}")
        if not self.tests:
            raise ValueError(f"exercise {self.id} has no tests")
        self.chapter = int(self.id[2:4])  # ids look like "ch03.sigmoid_grad"

    @property
    def checks(self) -> list[Check]:
        """The tests, plus fresh random inputs and unchanged arguments for an implement exercise."""
        extra = []
        if self.kind == "implement":
            if self.fresh is not None:
                extra.append(Check(FRESH_NAME, self.fresh, FRESH_HINT))
            extra.append(Check(UNCHANGED_NAME, None, UNCHANGED_HINT))
        return list(self.tests) + extra

    def argument_names(self) -> list[str]:
        import inspect
        try:
            return list(inspect.signature(self.solution).parameters)
        except (TypeError, ValueError):
            return []


@dataclass
class TestResult:
    name: str
    passed: bool
    message: str = ""
    hint: str = ""
    mistake: bool = False


@dataclass
class Result:
    """What :func:`grade` returns: one :class:`TestResult` per check, or ``not_attempted``/``interrupted``."""

    exercise: Exercise
    tests: list[TestResult]
    not_attempted: bool = False
    seed: int | None = None
    printed: str = ""
    interrupted: bool = False
    note: str = ""

    @property
    def score(self) -> int:
        return sum(t.passed for t in self.tests)

    @property
    def total(self) -> int:
        return len(self.tests) or len(self.exercise.checks)

    @property
    def passed(self) -> bool:
        return not (self.not_attempted or self.interrupted) and bool(self.tests) and self.score == len(self.tests)

    @property
    def hint(self) -> str:
        """One hint: for the recognised mistake, else for the first test that failed."""
        failed = [t for t in self.tests if not t.passed]
        for t in failed:
            if t.mistake:
                return t.hint
        return failed[0].hint if failed else ""

    def __repr__(self) -> str:
        from .display import result_text
        return result_text(self)

    def _repr_html_(self) -> str:
        from .display import result_html
        return result_html(self)


# ---------------------------------------------------------------- the learner's code, seen from the tests

class LearnerRaised(BaseException):  # noqa: N818 — BaseException: a test's `except Exception` cannot hide it
    """The learner's code raised (in the child); carries its type name, message and line."""


class Stopped(BaseException):  # noqa: N818
    """The learner's code did not come back: out of time, or its process ended."""


class LearnerFunction:
    """Stands in for the learner's function inside the tests: each call goes to the sandbox."""

    def __init__(self, channel, names: list[str]):
        self.channel, self.names = channel, names
        self.mutated: list[tuple[str, str]] = []
        self.test = ""
        self.returned = self.not_implemented = 0
        self.printed = ""
        self.last: Any = None

    def __call__(self, *args, **kwargs):
        reply = self.channel.request({"op": "call", "args": list(args), "kwargs": kwargs, "names": self.names,
                                      "fp": np.geterr()})
        if "stopped" in reply:
            raise Stopped(reply["stopped"])
        self.printed += reply.get("printed", "")
        if not reply["ok"]:
            kind, message, where = reply["raised"]
            self.not_implemented += kind == "NotImplementedError"
            raise LearnerRaised(kind, message, where)
        self.returned += 1
        self.mutated += [(label, self.test) for label in reply.get("mutated", [])]
        self.last = reply["value"]
        return reply["value"]


def _stopped_message(why: str, budget: float) -> str:
    if why == "timeout":
        return (f"your code did not finish within the check's time budget of {budget:g} s "
                "— is there an endless loop?")
    if why == "missing":
        return "the notebook does not define it (did the exercise cell run without an error?)"
    if why == "budget":
        return "not run: the time budget was used up by an earlier test"
    if why.startswith(("exit", "signal")):
        return f"your code ended the Python process ({why.replace('exit', 'exit code')})"
    return f"your code could not be run ({why})"


def run_check(test: Check, answer, budget: float, kind: str) -> TestResult:
    """Run one test; turn every outcome into a :class:`TestResult`. Raises only ``KeyboardInterrupt``."""
    try:
        test.run(answer)
        return TestResult(test.name, True)
    except Mistake as exc:
        return TestResult(test.name, False, plain.safe_text(exc, 600), test.hint if exc.hint is None else exc.hint,
                          mistake=True)
    except AssertionError as exc:
        return TestResult(test.name, False, plain.safe_text(exc, 600) or "wrong answer", test.hint)
    except LearnerRaised as exc:
        kind_name, message, where = exc.args
        if kind_name == "NotImplementedError":
            return TestResult(test.name, False, "not implemented yet", test.hint)
        if kind_name == "RecursionError":
            message = "a function calling itself forever?"
        text = f"your code raised {kind_name}" + (f": {message}" if message.strip() else "") + where
        return TestResult(test.name, False, text, test.hint)
    except Stopped as exc:
        return TestResult(test.name, False, _stopped_message(exc.args[0], budget), test.hint)
    except KeyboardInterrupt:
        raise
    except BaseException:  # noqa: BLE001 — the check's own code choked on what came back
        what = answer.last if isinstance(answer, LearnerFunction) else answer
        subject = "your function returned" if kind == "implement" else "your answer is"
        return TestResult(test.name, False, f"{subject} {describe(what)}, which this check cannot use", test.hint)


# ---------------------------------------------------------------- the check's own numpy

_ORIGINALS = {mod: dict(vars(mod)) for mod in (np, np.linalg, np.random)}


@contextlib.contextmanager
def pristine_numpy():
    """numpy as imported, with default error state and no warnings, while the grader computes."""
    patched = {(mod, k): v for mod, names in _ORIGINALS.items() for k, v in list(vars(mod).items())
               if k in names and v is not names[k]}
    for (mod, k) in patched:
        setattr(mod, k, _ORIGINALS[mod][k])
    try:
        with np.errstate(**sandbox.NUMPY_DEFAULT_ERRSTATE), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        for (mod, k), v in patched.items():
            setattr(mod, k, v)


def new_seed() -> int:
    """A seed for the fresh random inputs of one check."""
    return random.SystemRandom().randrange(1, 10_000)


# ---------------------------------------------------------------- grading

def grade(exercise: Exercise, answer, seed: int | None = None, isolate=sandbox.isolate) -> Result:
    """Run all of ``exercise``'s checks on ``answer``. Never raises, returns within the time budget (+ ~1 s).

    ``seed`` fixes the fresh random inputs (a new one is drawn when None). ``isolate(answer, budget)``
    makes the channel to the learner's code (a forked child by default; the bulk grader passes one
    that talks to a notebook's kernel).
    """
    seed = new_seed() if seed is None else int(seed)
    channel = None
    try:
        if answer is Ellipsis:
            return Result(exercise, [], not_attempted=True, seed=seed)
        channel = isolate(answer, exercise.time_limit)
        with pristine_numpy():
            if exercise.kind == "implement":
                return _grade_function(exercise, channel, seed)
            return _grade_value(exercise, channel, seed)
    except KeyboardInterrupt:
        return Result(exercise, [], interrupted=True, seed=seed)
    except BaseException as exc:  # noqa: BLE001 — a bug of the grader itself must not reach the learner as a crash
        return Result(exercise, [TestResult("the check itself", False, f"the check failed ({plain.type_name(exc)}: "
                                            f"{plain.safe_text(exc, 300)}); please report this")], seed=seed)
    finally:
        if channel is not None:
            channel.close()


def _grade_function(exercise: Exercise, channel, seed: int) -> Result:
    reply = channel.request({"op": "callable"})
    if "stopped" in reply or not reply.get("ok") or reply["value"] is not True:
        name = exercise.answer or "your answer"
        what = reply.get("text") or _stopped_message(reply.get("stopped", "garbled"), exercise.time_limit)
        return Result(exercise, [TestResult("is a function", False, f"{name} is {what}, not a function: define it "
                                            f"with def {name}(...): in the exercise cell")], seed=seed)
    f = LearnerFunction(channel, exercise.argument_names())
    results = []
    for test in exercise.checks:
        f.test = test.name
        if test.run is None:  # the unchanged-arguments check, decided by all the calls before it
            results.append(_unchanged(test, f))
        elif test.name == FRESH_NAME:
            rng = np.random.default_rng(seed)
            results.append(run_check(Check(test.name, lambda g, t=test, r=rng: t.run(g, r), test.hint), f,
                                     exercise.time_limit, "implement"))
        else:
            results.append(run_check(test, f, exercise.time_limit, "implement"))
    if f.not_implemented and not f.returned and all(
            r.message in ("not implemented yet", _stopped_message("budget", 0)) or r.name == UNCHANGED_NAME
            for r in results if not r.passed):
        return Result(exercise, [], not_attempted=True, seed=seed)
    return Result(exercise, results, seed=seed, printed=f.printed)


def _unchanged(test: Check, f: LearnerFunction) -> TestResult:
    if f.mutated:
        label, where = f.mutated[0]
        return TestResult(test.name, False, f"your function changed its argument {label} in place "
                          f"(in the test “{where}”)", test.hint)
    if not f.returned:
        return TestResult(test.name, False, "not checked: your function never returned a value", test.hint)
    return TestResult(test.name, True)


def _grade_value(exercise: Exercise, channel, seed: int) -> Result:
    reply = channel.request({"op": "value"})
    if "stopped" in reply:
        message = _stopped_message(reply["stopped"], exercise.time_limit)
        return Result(exercise, [TestResult(t.name, False, message, t.hint) for t in exercise.checks], seed=seed)
    if not reply["ok"]:
        kind, message, where = reply["raised"]
        text = f"your answer could not be read: {kind}: {message}{where}"
        return Result(exercise, [TestResult(t.name, False, text, t.hint) for t in exercise.checks], seed=seed)
    value = reply["value"]
    if value is Ellipsis:
        return Result(exercise, [], not_attempted=True, seed=seed)
    results = [run_check(t, copy.deepcopy(value), exercise.time_limit, exercise.kind) for t in exercise.checks]
    return Result(exercise, results, seed=seed, printed=reply.get("printed", ""))
