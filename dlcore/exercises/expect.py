"""Assertions for exercise tests, with messages written for a learner.

Each raises ``AssertionError`` with a sentence that says what was expected and what came back.
"""

from __future__ import annotations

import numbers

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


def number(value, expected: float, rtol: float = 1e-6, atol: float = 0.0, name: str = "your answer") -> None:
    """Check a single number."""
    if value is Ellipsis or value is None or isinstance(value, bool) or not isinstance(value, numbers.Number):
        raise AssertionError(f"{name} is {_describe(value)}; expected a number")
    if not np.isclose(float(value), expected, rtol=rtol, atol=atol):
        raise AssertionError(f"{name} is {value}, which is not right")


def equal(value, expected, name: str = "your answer") -> None:
    """Check exact equality (shapes as tuples, choices as strings)."""
    if isinstance(expected, tuple) and isinstance(value, list):
        value = tuple(value)
    if isinstance(expected, str) and isinstance(value, str):
        value = value.strip().lower()
    if value != expected:
        raise AssertionError(f"{name} is {_describe(value)}, which is not right")
