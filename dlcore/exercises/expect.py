"""Assertions for exercise tests, with messages written for a learner.

Each raises ``AssertionError`` with a sentence that says what was expected and what came back.
Where a wrong answer is a known mistake, the chapter passes what each mistake means (``mistakes``
for :func:`number` and :func:`equal`, ``why`` for :func:`choice`) and the message says it.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Mapping

import numpy as np


def _describe(value) -> str:
    if value is None:
        return "None (did you forget the `return` statement?)"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    if value is Ellipsis:
        return "`...` (the placeholder)"
    return f"{type(value).__name__} {value!r}"[:120]


def array(value, shape: tuple | None = None, name: str = "your function") -> np.ndarray:
    """Check that ``value`` is a finite numeric numpy array (of ``shape``) and return it."""
    if not isinstance(value, (np.ndarray, numbers.Number)) or isinstance(value, bool):
        raise AssertionError(f"{name} returned {_describe(value)}; expected a numpy array"
                             + (f" of shape {shape}" if shape is not None else ""))
    arr = np.asarray(value)
    if not np.issubdtype(arr.dtype, np.number):
        raise AssertionError(f"{name} returned an array of dtype {arr.dtype}; expected numbers")
    if shape is not None and arr.shape != tuple(shape):
        raise AssertionError(f"{name} returned shape {arr.shape}; expected shape {tuple(shape)}")
    if not np.all(np.isfinite(arr)):
        raise AssertionError(f"{name} returned NaN or infinite values (at {int(np.sum(~np.isfinite(arr)))} "
                             "positions): look for overflow in exp or a division by zero")
    return arr


def close(value, expected, rtol: float = 1e-6, atol: float = 1e-8, name: str = "your function") -> None:
    """Check shape and values of ``value`` against ``expected`` (``np.allclose`` tolerances)."""
    expected = np.asarray(expected, dtype=float)
    arr = array(value, shape=expected.shape if expected.ndim else None, name=name)
    if arr.shape != expected.shape:
        raise AssertionError(f"{name} returned shape {arr.shape}; expected shape {expected.shape}")
    if not np.allclose(arr, expected, rtol=rtol, atol=atol):
        worst = np.unravel_index(np.argmax(np.abs(arr - expected)), expected.shape) if expected.ndim else ()
        got, want = np.asarray(arr)[worst], expected[worst]
        where = f" at index {tuple(int(i) for i in worst)}" if expected.ndim else ""
        raise AssertionError(f"{name}: wrong value{where}: got {float(got):.6g}, expected {float(want):.6g}")


def number(value, expected: float, rtol: float = 1e-6, atol: float = 0.0, name: str = "your answer",
           mistakes: Mapping[float, str] | Iterable[tuple[float, str]] = (), fmt: str = "") -> None:
    """Check a single number; if it is a known mistake, say which.

    ``mistakes`` maps a wrong value to what it means (a dict, or ``(value, why)`` pairs when the
    values are computed floats); a value within ``rtol``/``atol`` of one of them, and not of
    ``expected``, is rejected with that explanation. ``fmt`` formats the value in the message
    (``".4f"``, ``","`` for thousands separators; ``""`` prints it as it is).
    """
    if value is Ellipsis or value is None or isinstance(value, bool) or not isinstance(value, numbers.Number):
        raise AssertionError(f"{name} is {_describe(value)}; expected a number")
    got = float(value)
    if np.isclose(got, expected, rtol=rtol, atol=atol):
        return
    for wrong, why in _pairs(mistakes):
        if np.isclose(got, wrong, rtol=rtol, atol=atol) and not np.isclose(wrong, expected, rtol=rtol, atol=atol):
            raise AssertionError(f"{name} is {value:{fmt}}, which is not right: {why}")
    raise AssertionError(f"{name} is {value:{fmt}}, which is not right")


def equal(value, expected, name: str = "your answer", mistakes: Mapping | None = None) -> None:
    """Check exact equality (shapes as tuples, choices as strings); if it is a known mistake, say which.

    ``mistakes`` maps a wrong value (compared after the same normalisation: a list becomes a tuple,
    a string is stripped and lower-cased) to what it means.
    """
    if isinstance(expected, tuple) and isinstance(value, list):
        value = tuple(value)
    if isinstance(expected, str) and isinstance(value, str):
        value = value.strip().lower()
    if value != expected:
        why = _lookup(mistakes, value)
        raise AssertionError(f"{name} is {_describe(value)}, which is not right" + (f": {why}" if why else ""))


def letter(answer, choices: str = "abcd", name: str = "your answer") -> str:
    """Check that ``answer`` is one of the letters ``choices`` as a string; return it stripped and lower-cased."""
    if isinstance(answer, str) and len(answer.strip()) == 1 and answer.strip().lower() in choices:
        return answer.strip().lower()
    letters = ", ".join(f"'{c}'" for c in choices[:-1]) + f" or '{choices[-1]}'"
    raise AssertionError(f"{name} is {_describe(answer)}; expected one letter as a string: {letters}")


def choice(answer, right: str, why: Mapping[str, str] | None = None, choices: str = "abcd",
           name: str = "your answer") -> None:
    """Check a multiple-choice answer: one of ``choices`` (see :func:`letter`), and the ``right`` one.

    ``why`` maps wrong letters to what is wrong with that statement (a phrase that reads after
    "(c) is not right: "); a wrong letter without an entry is only called not right.
    """
    got = letter(answer, choices, name)
    if got != right:
        reason = (why or {}).get(got)
        raise AssertionError(f"({got}) is not right" + (f": {reason}" if reason else ""))


def _pairs(mistakes) -> Iterable[tuple]:
    return mistakes.items() if isinstance(mistakes, Mapping) else mistakes


def _lookup(mistakes: Mapping | None, value) -> str | None:
    try:
        return (mistakes or {}).get(value)
    except TypeError:  # an unhashable answer (a dict, an array) is no known mistake
        return None
