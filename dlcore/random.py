"""One random-number generator for the whole library, so one call fixes every seed.

Initializers, dropout masks and the shuffling in ``fit`` all draw from :func:`get_rng`.
"""

from __future__ import annotations

import random as _pyrandom

import numpy as np

_rng = np.random.default_rng()


def set_seed(seed: int) -> None:
    """Seed dlcore, numpy's global generator and Python's ``random`` (like ``keras.utils.set_random_seed``).

    Parameters
    ----------
    seed : int
        A non-negative integer.
    """
    global _rng
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"set_seed expects a non-negative integer, got {seed!r}")
    _rng = np.random.default_rng(int(seed))
    np.random.seed(int(seed) % 2**32)  # noqa: NPY002 (learners' np.random calls become reproducible too)
    _pyrandom.seed(int(seed))


def get_rng() -> np.random.Generator:
    """Return the generator dlcore draws from (reseeded by :func:`set_seed`)."""
    return _rng


def rng_for(seed: int | None) -> np.random.Generator:
    """A fresh generator for an integer ``seed``, or dlcore's shared one (see :func:`set_seed`) for ``None``."""
    if seed is None:
        return _rng
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be None or a non-negative integer, got {seed!r}")
    return np.random.default_rng(int(seed))
