"""``Workspace``: scratch arrays a layer keeps between calls instead of allocating them anew.

Why bother? A fresh array of a megabyte or more is memory the operating system hands over page
by page (4 KB at a time), zeroing each page on its first write: a "page fault" that costs about
as much as computing on the page. A layer that allocates several megabytes at every call (the
im2col matrix, an LSTM's gate activations for all steps) spends a good part of its time there.
Reusing the same buffers from call to call avoids it.
"""

from __future__ import annotations

import math

import numpy as np


class Workspace:
    """Scratch arrays a layer reuses from call to call (the im2col matrix, padded images, LSTM gates).

    Allocating a fresh multi-megabyte array at every call costs more than the copy that fills
    it (the operating system zeroes each new page). Arrays handed to the caller are never
    taken from here.
    """

    def __init__(self):
        self._arrays: dict[str, np.ndarray] = {}

    def get(self, name: str, shape: tuple[int, ...], dtype, fill: float | None = None) -> np.ndarray:
        """The buffer ``name`` as an array of ``shape`` and ``dtype`` (contents undefined).

        Without ``fill`` the storage only grows, so a smaller last batch in an epoch does not
        reallocate it twice. With ``fill`` the array has exactly ``shape`` and is filled when
        (re)allocated only (the padded images rely on their border staying filled).
        """
        arr = self._arrays.get(name)
        if fill is None:
            size = math.prod(shape)
            if arr is None or arr.size < size or arr.dtype != dtype:
                arr = self._arrays[name] = np.empty(size, dtype=dtype)
            return arr[:size].reshape(shape)
        if arr is None or arr.shape != tuple(shape) or arr.dtype != dtype:
            arr = self._arrays[name] = np.full(shape, fill, dtype=dtype)
        return arr

    def padded(self, name: str, x: np.ndarray, pads: tuple[int, int, int, int], fill: float = 0.0) -> np.ndarray:
        """``x (N, H, W, C)`` padded by ``(top, bottom, left, right)`` with ``fill``; ``x`` itself if no padding.

        The border of the reused buffer keeps its fill value, so only the interior is copied.
        """
        top, bottom, left, right = pads
        if not any(pads):
            return x
        n, h, w, c = x.shape
        buf = self.get(name, (n, h + top + bottom, w + left + right, c), x.dtype, fill=fill)
        buf[:, top:top + h, left:left + w, :] = x
        return buf

    def clear(self) -> None:
        """Free every buffer (they are kept between calls, sized for the largest batch seen)."""
        self._arrays.clear()
