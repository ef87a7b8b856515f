"""Learner code that hangs, hides from the time limit, mutates, misreports or patches numpy cannot
hang a check, make it raise, or make it lie (dlcore/exercises/sandbox.py, grading.py)."""

import fractions
import os
import signal
import threading
import time

import numpy as np
import pytest

from dlcore.exercises import expect, sandbox
from dlcore.exercises.grading import Check, Exercise, grade


def _close(f):
    x = np.array([1.0, -2.0, 3.0])
    want = x**2                                       # the reference, on the test's own array
    expect.close(f(x), want)


SIX = Exercise(id="ch99.six", title="Six tests", kind="implement", solution=lambda x: x**2, time_limit=2.0,
               tests=[Check(f"test {i}", _close, hint=f"hint {i}") for i in range(6)])
VALUE = Exercise(id="ch99.value", title="A value", kind="predict", solution=0.5, time_limit=2.0,
                 tests=[Check("value", lambda a: expect.number(a, 0.5), hint="one half")])


def _forever(*args):
    while True:
        pass


def _swallows(*args):
    while True:
        try:
            while True:
                pass
        except BaseException:  # noqa: BLE001 — the point of the test
            pass


def _cancels_timer(*args):
    signal.signal(signal.SIGALRM, signal.SIG_IGN)
    signal.setitimer(signal.ITIMER_REAL, 0)
    _swallows()


def _thread_sleeps(*args):
    t = threading.Thread(target=time.sleep, args=(60,))
    t.start()
    t.join()


class _Hostile:
    def __deepcopy__(self, memo):
        _swallows()

    def __eq__(self, other):
        _swallows()

    def __array__(self, *a, **k):
        _swallows()

    def __repr__(self):
        _swallows()

    __hash__ = object.__hash__


@pytest.mark.parametrize("answer", [_forever, _swallows, _cancels_timer, _thread_sleeps],
                         ids=["loop", "swallows", "cancels-timer", "thread"])
def test_one_budget_for_the_whole_check_that_nothing_can_swallow(answer):
    start = time.monotonic()
    result = grade(SIX, answer)
    elapsed = time.monotonic() - start
    assert elapsed < SIX.time_limit + 2 + 5, elapsed   # generous: the machine is shared
    assert not result.passed
    messages = [t.message for t in result.tests]
    assert any("time budget" in m for m in messages), messages


def test_hostile_objects_are_never_run_by_the_grader():
    start = time.monotonic()
    for result in (grade(VALUE, _Hostile()), grade(SIX, lambda x: _Hostile())):
        assert not result.passed and "object of type _Hostile" in result.tests[0].message
    assert time.monotonic() - start < 2 * (SIX.time_limit + 2)


def test_learner_exceptions_whose_str_misbehaves_never_escape():
    class BadStr(Exception):
        def __str__(self):
            raise RuntimeError("no")

    class NotAString(Exception):
        def __str__(self):
            return 42

    for exc in (BadStr, NotAString):
        def answer(x, exc=exc):
            raise exc()
        result = grade(SIX, answer)
        assert "your code raised" in result.tests[0].message and repr(result)


def test_the_learners_assert_is_named_as_theirs():
    def answer(x):
        assert x.ndim == 2, "my own check"
        return x
    message = grade(SIX, answer).tests[0].message
    assert message.startswith("your code raised AssertionError: my own check") and "line" in message


@pytest.mark.parametrize("value, words", [
    (float("inf"), "expected a finite number"), (float("nan"), "expected a finite number"),
    (1 + 2j, "expected a real number"), (fractions.Fraction(1, 3), "which is not right"),
])
def test_plain_values_are_never_called_your_code_raising(value, words):
    result = grade(VALUE, value)
    assert not result.passed and words in result.tests[0].message
    assert "raised" not in repr(result)
    assert grade(VALUE, fractions.Fraction(1, 2)).passed


def test_numbers_are_shown_with_digits_that_differ():
    result = grade(SIX, lambda x: x**2 * (1 + 3e-6))
    assert "got 9.00003, expected 9" in result.tests[0].message


def test_output_is_bounded():
    def answer(x):
        print("x" * 2_000_000)
        raise ValueError("y" * 2_000_000)
    assert len(repr(grade(SIX, answer))) < 10_000


def test_the_learners_error_state_and_patches_do_not_reach_the_checks_arithmetic():
    def answer(x):
        np.seterr(all="raise")
        np.allclose = lambda *a, **k: True     # in the child only: gone with it
        return x**2
    old = np.seterr(all="raise")
    saved = np.allclose
    try:
        np.allclose = lambda *a, **k: True     # patched in the learner's session before the check
        assert grade(SIX, answer).passed
        assert not grade(SIX, lambda x: x * 3).passed
    finally:
        np.allclose = saved
        np.seterr(**old)
    assert np.allclose is saved


def test_a_check_that_demands_no_overflow_cannot_be_silenced_by_the_learner():
    def naive_in_errstate(z):
        with np.errstate(over="ignore"):
            return 1 / (1 + np.exp(-z))

    def test(f):
        with np.errstate(over="raise"):
            expect.close(f(np.array([-1000.0])), [0.0])
    ex = Exercise(id="ch99.over", title="t", kind="implement", solution=lambda z: 0.5 * (1 + np.tanh(z / 2)),
                  tests=[Check("no overflow", test)])
    assert grade(ex, ex.solution).passed
    assert "FloatingPointError" in grade(ex, naive_in_errstate).tests[0].message


def test_inputs_are_private_and_a_mutation_gets_its_own_cross():
    def mutates(x):
        x **= 2
        return x
    result = grade(SIX, mutates)
    assert [t.passed for t in result.tests] == [True] * 6 + [False]
    assert "changed its argument x in place" in result.tests[-1].message


def test_one_hint_per_mistake():
    result = grade(SIX, lambda x: x * 3)
    assert repr(result).count("Hint:") == 1 and "hint 0" in repr(result)
    mistakes = Exercise(id="ch99.m", title="t", kind="predict", solution=1.0, tests=[
        Check("a", lambda a: expect.number(a, 1.0), hint="generic a"),
        Check("b", lambda a: expect.number(a, 1.0, mistakes={2.0: "that is twice"}), hint="generic b")])
    text = repr(grade(mistakes, 2.0))
    assert "that is twice" in text and "generic" not in text


def test_fresh_random_inputs_differ_between_runs_and_repeat_with_a_seed():
    seen = []
    ex = Exercise(id="ch99.fresh", title="t", kind="implement", solution=lambda x: x * 2,
                  tests=[Check("fixed", lambda f: expect.close(f(np.ones(2)), [2.0, 2.0]))],
                  fresh=lambda f, rng: seen.append(rng.integers(1 << 30)) or expect.close(f(np.ones(3)), [2.0] * 3))
    grade(ex, ex.solution, seed=7)
    grade(ex, ex.solution, seed=7)
    grade(ex, ex.solution)
    assert seen[0] == seen[1] and len(set(seen)) >= 2

    def lookup_table(x):      # the fixed input's answer, learned by heart
        return np.array([2.0, 2.0]) if x.shape == (2,) else x
    result = grade(ex, lookup_table, seed=1234)
    assert not result.passed and 'check("ch99.fresh", seed=1234)' in repr(result)


def test_interrupt_aborts_the_whole_check_with_one_line():
    timer = threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGINT))
    timer.start()
    start = time.monotonic()
    result = grade(SIX, _forever)
    assert time.monotonic() - start < 2 and result.interrupted
    assert repr(result).count("\n") == 0 and "interrupted" in repr(result)


def test_the_child_can_use_blas_after_fork():
    a = np.random.default_rng(0).standard_normal((300, 300))
    a @ a                                            # start the parent's BLAS threads first
    channel = sandbox.ForkedAnswer(lambda m: (m @ m).sum(), 20)
    try:
        reply = channel.request({"op": "call", "args": [a], "kwargs": {}, "names": ["m"], "fp": {}})
    finally:
        channel.close()
    assert reply["ok"] and np.isclose(reply["value"], (a @ a).sum())


def test_without_fork_the_in_process_fallback_still_grades_and_stops_loops():
    assert grade(SIX, SIX.solution, isolate=sandbox.InProcessAnswer).passed
    result = grade(SIX, _forever, isolate=sandbox.InProcessAnswer)
    assert "time budget" in result.tests[0].message
