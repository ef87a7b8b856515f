"""Several inputs or outputs: a model's data as a list of arrays, one per ``Input`` (or output), in order.

A functional model with two inputs takes ``[x1, x2]`` (or ``{"input_name": x1, ...}``) and returns
``[y1, y2]`` for two outputs. These helpers bring such data to a list at the edges of the model, so the
code in between handles "one array" and "a list of arrays" alike.
"""

from __future__ import annotations

import numpy as np


def as_arrays(data, names: list[str], what: str) -> list[np.ndarray]:
    """``data`` as a list of arrays in the order of ``names`` (the model's inputs or outputs).

    Parameters
    ----------
    data : array, list/tuple of arrays, or dict ``{name: array}``
    names : list of str
        The names of the model's inputs (or outputs), in order.
    what : str
        ``"x"`` or ``"y"``, for the error messages.
    """
    if isinstance(data, dict):
        unknown = sorted(set(data) - set(names))
        missing = [name for name in names if name not in data]
        if unknown or missing:
            raise ValueError(f"{what}: the model's names are {names}; got unknown {unknown} and missing {missing}")
        data = [data[name] for name in names]
    elif not isinstance(data, (list, tuple)) or len(names) == 1 and not _is_list_of_arrays(data):
        data = [data]
    if len(data) != len(names):
        raise ValueError(f"{what}: the model has {len(names)} {'inputs' if what == 'x' else 'outputs'} {names}, "
                         f"so expected a list of {len(names)} arrays, got {len(data)}")
    arrays = [np.asarray(a) for a in data]
    for name, a in zip(names, arrays):
        if a.ndim == 0:
            raise ValueError(f"{what}[{name!r}] must have a batch axis, got a scalar")
    lengths = {len(a) for a in arrays}
    if len(lengths) > 1:
        raise ValueError(f"{what}: every array needs the same number of samples, got "
                         f"{ {name: len(a) for name, a in zip(names, arrays)} }")
    return arrays


def _is_list_of_arrays(data) -> bool:
    """True for ``[x]`` (a list holding one array), False for a nested list of numbers."""
    return len(data) == 1 and isinstance(data[0], np.ndarray)


def take(arrays: list[np.ndarray], index) -> list[np.ndarray]:
    """The same rows (a slice or an index array) of every array."""
    return [a[index] for a in arrays]


def rows(data, index):
    """The same rows of ``data``: one array, or a list of arrays (one per input or output); None stays None."""
    if isinstance(data, list):
        return [None if a is None else a[index] for a in data]
    return None if data is None else data[index]


def num_samples(data) -> int:
    """The number of samples in one array or a list of arrays (they all have the same)."""
    return len(data[0]) if isinstance(data, list) else len(data)


def per_output(value, names: list[str]) -> list:
    """A value for each output: ``value`` itself for all (an array or None), or a list / dict by output name."""
    if isinstance(value, dict):
        return as_arrays(value, names, "sample_weight")
    if isinstance(value, (list, tuple)) and len(value) == len(names) and all(
            v is None or np.ndim(v) > 0 for v in value):  # a list of arrays, not a list of numbers
        return list(value)
    return [value] * len(names)
