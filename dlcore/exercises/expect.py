"""Assertions for exercise tests, with messages written for a learner.

Each raises ``AssertionError`` with a sentence that says what was expected and what came back.
Where a wrong answer is a known mistake, the chapter passes what each mistake means (``mistakes``
for :func:`number` and :func:`equal`, ``why`` for :func:`choice`) and the message says it.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping

import numpy as np


class Mistake(AssertionError):
    """A recognised mistake: its message says what is wrong; ``hint`` replaces the test's hint
    (None keeps the test's hint, "" shows none because the message says it all)."""

    def __init__(self, message: str, hint: str | None = ""):
        super().__init__(message)
        self.hint = hint


def describe(value) -> str:
    """A short, bounded description of a learner's value, for a message. Never raises."""
    from .plain import Opaque, safe_repr, type_name

    if value is None:
        return "None (did you forget the `return` statement?)"
    if isinstance(value, np.ndarray):
        kind = "" if value.dtype.kind in "fi" else f" and dtype {value.dtype}"
        return f"an array of shape {value.shape}{kind}"
    if value is Ellipsis:
        return "`...` (the placeholder)"
    if isinstance(value, Opaque):
        return "a function" if value.is_callable else f"an object of type {value.type_name}"
    return f"{type_name(value)} {safe_repr(value, 100)}"


_describe = describe


def fmt(value, digits: int = 6) -> str:
    """A number as text with ``digits`` significant digits (numpy 2 would print np.float64(…))."""
    try:
        return f"{float(value):.{digits}g}"
    except (TypeError, ValueError, OverflowError):
        return describe(value)


def differ(got, want) -> tuple[str, str]:
    """``got`` and ``want`` as text with just enough digits (at least 6) that the two texts differ."""
    for digits in range(6, 18):
        a, b = fmt(got, digits), fmt(want, digits)
        if a != b:
            return a, b
    return fmt(got, 17), fmt(want, 17)


def whole(value, name: str = "your answer") -> int:
    """Check that ``value`` is a whole number (an int, or a float such as 12.0) and return it as an int."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise AssertionError(f"{name} is {describe(value)}; expected a whole number")
    as_float = float(value)
    if not math.isfinite(as_float) or as_float != round(as_float):
        raise AssertionError(f"{name} is {fmt(value, 10)}; a count is a whole number")
    return int(round(as_float))


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
    if np.iscomplexobj(arr):
        raise AssertionError(f"{name} returned complex numbers; expected real ones")
    if not np.allclose(arr, expected, rtol=rtol, atol=atol):
        excess = np.abs(arr - expected) - (atol + rtol * np.abs(expected))
        worst = np.unravel_index(np.argmax(excess), expected.shape) if expected.ndim else ()
        got, want = differ(np.asarray(arr)[worst], expected[worst])
        where = f" at index {tuple(int(i) for i in worst)}" if expected.ndim else ""
        raise AssertionError(f"{name}: wrong value{where}: got {got}, expected {want}")


def number(value, expected: float, rtol: float = 1e-6, atol: float = 0.0, name: str = "your answer",
           mistakes: Mapping[float, str] | Iterable[tuple[float, str]] = (), fmt: str = "") -> None:
    """Check a single number; if it is a known mistake, say which.

    ``mistakes`` maps a wrong value to what it means (a dict, or ``(value, why)`` pairs when the
    values are computed floats); a value within ``rtol``/``atol`` of one of them, and not of
    ``expected``, is rejected with that explanation. ``fmt`` formats the value in the message
    (``".4f"``, ``","`` for thousands separators; ``""`` prints it as it is).
    """
    if value is Ellipsis or value is None or isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise AssertionError(f"{name} is {describe(value)}; expected a" + (" real" if isinstance(value, complex)
                                                                               else "") + " number")
    got = float(value)
    if not math.isfinite(got):
        raise AssertionError(f"{name} is {got}; expected a finite number")
    if np.isclose(got, expected, rtol=rtol, atol=atol):
        return
    shown = _format(value, fmt)
    for wrong, why in _pairs(mistakes):
        if np.isclose(got, wrong, rtol=rtol, atol=atol) and not np.isclose(wrong, expected, rtol=rtol, atol=atol):
            raise Mistake(f"{name} is {shown}, which is not right: {why}")
    raise AssertionError(f"{name} is {shown}, which is not right")


def _format(value, spec: str) -> str:
    for shown in (value, float(value)):
        try:
            return format(shown, spec)
        except (TypeError, ValueError):
            continue
    return fmt(value)


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
        if why:
            raise Mistake(f"{name} is {describe(value)}, which is not right: {why}")
        raise AssertionError(f"{name} is {describe(value)}, which is not right")


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
        if reason:
            raise Mistake(f"({got}) is not right: {reason}", hint=None)
        raise AssertionError(f"({got}) is not right")


def _pairs(mistakes) -> Iterable[tuple]:
    return mistakes.items() if isinstance(mistakes, Mapping) else mistakes


def _lookup(mistakes: Mapping | None, value) -> str | None:
    try:
        return (mistakes or {}).get(value)
    except TypeError:  # an unhashable answer (a dict, an array) is no known mistake
        return None


def same(got, want, name: str = "your function", rtol: float = 1e-6, atol: float = 1e-9) -> None:
    """Check that ``got`` has the structure and values of the reference output ``want``.

    Arrays and numbers are compared with :func:`close`; tuples/lists item by item; dicts key by key.
    """
    if isinstance(want, (tuple, list)):
        if not isinstance(got, (tuple, list)) or len(got) != len(want):
            raise AssertionError(f"{name} returned {describe(got)}; expected {len(want)} values in a tuple")
        for i, (g, w) in enumerate(zip(got, want)):
            same(g, w, f"{name}, value {i + 1} of {len(want)},", rtol, atol)
    elif isinstance(want, dict):
        if not isinstance(got, dict) or set(got) != set(want):
            raise AssertionError(f"{name} returned {describe(got)}; expected a dict with the keys {sorted(want)}")
        for k in want:
            same(got[k], want[k], f"{name}[{k!r}]", rtol, atol)
    elif isinstance(want, np.ndarray) and want.dtype == bool:
        if not (isinstance(got, np.ndarray) and got.shape == want.shape and np.array_equal(got, want)):
            raise AssertionError(f"{name} returned {describe(got)}; expected a boolean array of shape {want.shape} "
                                 "equal to the reference")
    elif isinstance(want, np.ndarray) and want.ndim:
        close(got, want, rtol=rtol, atol=atol, name=name)
    else:
        if isinstance(got, np.ndarray) and got.size == 1:
            got = got.reshape(()).item()
        if isinstance(got, bool) or not isinstance(got, numbers.Real):
            raise AssertionError(f"{name} returned {describe(got)}; expected one number")
        close(float(got), float(want), rtol=rtol, atol=atol, name=name)
