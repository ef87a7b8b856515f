"""The 8x8 handwritten digits shipped with the package (``data/digits.csv.gz``)."""

from __future__ import annotations

import gzip
from functools import cache
from importlib import resources

import numpy as np


@cache
def _raw() -> np.ndarray:
    """The file's ``(1797, 65)`` int64 table, read once per process."""
    with resources.files("dlcore.datasets").joinpath("data", "digits.csv.gz").open("rb") as f, \
            gzip.open(f, "rt") as text:
        return np.loadtxt(text, delimiter=",", dtype=np.int64)


def load_digits(dtype=np.float64, return_images: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """The 1,797 handwritten digits of 8x8 pixels, read from the package (no download).

    Source: the test set of the UCI "Optical Recognition of Handwritten Digits" data set by
    E. Alpaydin and C. Kaynak (1998), https://doi.org/10.24432/C50P49, licensed CC BY 4.0; the
    copy is the one bundled with scikit-learn. Each image counts the "on" pixels of a 32x32
    bitmap in non-overlapping 4x4 blocks, so pixel values are integers from 0 (white) to 16 (black).
    The ten classes have 174 to 183 images each.

    Parameters
    ----------
    dtype : numpy dtype
        Dtype of ``X``; the values stay in 0..16 (not scaled: divide by 16 or standardize yourself).
    return_images : bool
        ``True`` for images of shape ``(8, 8)``, ``False`` for flat rows of 64 pixels.

    Returns
    -------
    X : ndarray, shape (1797, 8, 8) or (1797, 64)
        Pixel values 0..16, row-major (``X[i].reshape(64)`` is the flat row).
    y : ndarray of int64, shape (1797,)
        Digit labels 0..9.
    """
    table = _raw()
    X = table[:, :64].astype(dtype)  # astype copies, so callers never change the cached table
    y = table[:, 64].copy()
    return (X.reshape(-1, 8, 8) if return_images else X), y
