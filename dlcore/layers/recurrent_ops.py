"""Helpers of the recurrent time loops: dropout masks fixed over time, and the masked products.

Keras' recurrent dropout (Gal & Ghahramani 2016) draws **one** mask per sequence and reuses it at
every step: ``x_t * m`` before the input kernel, ``h_{t-1} * r`` before the recurrent kernel.
With ``recurrent_dropout > 0`` Keras' LSTM and GRU switch to ``implementation=1``, where every gate
block ``k`` has its own masks ``m_k`` and ``r_k``: the block's columns then see
``(x_t * m_k) @ kernel_k`` and ``(h_{t-1} * r_k) @ recurrent_kernel_k``. Masks are stored as
``(blocks, batch, width)`` arrays, ``blocks`` being 1 or the number of gate blocks.
"""

from __future__ import annotations

import numpy as np

from ..random import get_rng


class DropoutMasks:
    """The input and recurrent dropout masks of one recurrent layer.

    Attributes
    ----------
    inputs : ndarray or None
        ``(blocks, batch, features)``, entries 0 or ``1 / (1 - rate)``; None when not dropping.
    recurrent : ndarray or None
        ``(blocks, batch, units)``, likewise.
    frozen : bool
        Reuse the current masks in later training-mode forwards (for gradient checks)::

            layer.forward(x, training=True); layer.dropout_masks.freeze()
            check_layer(layer, x, training=True)
    """

    def __init__(self, rate: float, recurrent_rate: float, blocks: int, seed: int | None, owner: str):
        for what, r in (("dropout", rate), ("recurrent_dropout", recurrent_rate)):
            if isinstance(r, bool) or not isinstance(r, (int, float, np.integer, np.floating)) or not 0 <= r < 1:
                raise ValueError(f"{owner}: {what} is the fraction to drop and must be in [0, 1), got {r!r}")
        self.rate, self.recurrent_rate, self.blocks = float(rate), float(recurrent_rate), blocks
        self._rng = None if seed is None else np.random.default_rng(seed)
        self.inputs = self.recurrent = None
        self.frozen = False

    def _draw(self, rate: float, shape: tuple, dtype) -> np.ndarray | None:
        if rate == 0.0:
            return None
        keep = (self._rng or get_rng()).random(shape) >= rate
        return keep.astype(dtype) / np.asarray(1 - rate, dtype)

    def draw(self, training: bool, batch: int, features: int, units: int, dtype) -> None:
        """New masks for a training-mode forward (none at inference; the same ones if frozen)."""
        if not training:
            self.inputs = self.recurrent = None
        elif self.frozen:
            shapes = ((self.blocks, batch, features), (self.blocks, batch, units))
            for m, shape in zip((self.inputs, self.recurrent), shapes):
                if m is not None and m.shape != shape:
                    raise ValueError(f"frozen dropout mask of shape {m.shape} does not fit this batch ({shape})")
        else:
            self.inputs = self._draw(self.rate, (self.blocks, batch, features), dtype)
            self.recurrent = self._draw(self.recurrent_rate, (self.blocks, batch, units), dtype)

    def freeze(self) -> None:
        """Keep the current masks (draw them first with a training-mode forward)."""
        if (self.rate and self.inputs is None) or (self.recurrent_rate and self.recurrent is None):
            raise ValueError("no dropout masks to freeze yet: call forward(x, training=True) first")
        self.frozen = True

    def unfreeze(self) -> None:
        """Draw fresh masks at every training-mode forward again."""
        self.frozen = False


def blocks_of(a: np.ndarray, blocks: int) -> np.ndarray:
    """``(..., blocks * n)`` → ``(blocks, ..., n)`` (a view): one slab per gate block."""
    return np.moveaxis(a.reshape(*a.shape[:-1], blocks, -1), -2, 0)


def project_inputs(xa: np.ndarray, w_aug: np.ndarray, masks) -> tuple[np.ndarray, np.ndarray]:
    """``xa (T, B, F + 1) @ w_aug (F + 1, width)`` with dropout; returns it and the (masked) inputs for backward."""
    t, b, f1 = xa.shape
    if masks is None:
        return (xa.reshape(-1, f1) @ w_aug).reshape(t, b, -1), xa[None]
    xs = np.repeat(xa[None], len(masks), axis=0)  # (blocks, T, B, F + 1); the ones column stays 1
    xs[..., :-1] *= masks[:, None]
    out = np.matmul(xs.reshape(len(masks), t * b, f1), blocks_of(w_aug, len(masks)))  # (blocks, T B, n)
    return np.moveaxis(out, 0, 1).reshape(t, b, -1), xs


def input_grads(xs: np.ndarray, dz: np.ndarray, w: np.ndarray, masks) -> tuple[np.ndarray, np.ndarray]:
    """Gradients of :func:`project_inputs`: ``(dw_aug (F + 1, width), dx (T, B, F))`` from ``dz (T, B, width)``."""
    g, t, b, f1 = xs.shape
    dzb = blocks_of(dz.reshape(t * b, -1), g)  # (blocks, T B, width / blocks)
    dw = np.matmul(xs.reshape(g, t * b, f1).transpose(0, 2, 1), dzb)  # (blocks, F + 1, n)
    dw = np.moveaxis(dw, 0, 1).reshape(f1, -1)
    dx = np.matmul(dzb, blocks_of(w, g).transpose(0, 2, 1)).reshape(g, t, b, f1 - 1)
    if masks is not None:
        dx *= masks[:, None]
    return dw, dx.sum(axis=0) if g > 1 else dx[0]


def recurrent_matmul(h: np.ndarray, u: np.ndarray, masks, out: np.ndarray) -> None:
    """``out[...] = h (B, n) @ u (n, width)``, with ``h * r_k`` for the columns of block ``k``."""
    if masks is None:
        np.matmul(h, u, out=out)
    elif len(masks) == 1:
        np.matmul(h * masks[0], u, out=out)
    else:
        blocks_of(out, len(masks))[...] = np.matmul(h * masks, blocks_of(u, len(masks)))


def add_state_grad(dz: np.ndarray, u_t: np.ndarray, masks, dh_prev: np.ndarray, tmp: np.ndarray, fresh: bool) -> None:
    """``dh_prev += d(loss)/d(h_{t-1})`` through :func:`recurrent_matmul`; ``u_t = u.T`` (width, n).

    ``fresh``: ``dh_prev`` still holds zeros, so the product may be written into it directly.
    """
    if masks is None and fresh:
        np.matmul(dz, u_t, out=dh_prev)
        return
    if masks is None or len(masks) == 1:
        np.matmul(dz, u_t, out=tmp)
        if masks is not None:
            tmp *= masks[0]
    else:
        g = len(masks)
        np.sum(np.matmul(blocks_of(dz, g), u_t.reshape(g, -1, u_t.shape[1])) * masks, axis=0, out=tmp)
    dh_prev += tmp


def recurrent_kernel_grad(h_prev: np.ndarray, dz: np.ndarray, masks) -> np.ndarray:
    """``sum_t (h_{t-1} * r)^T dz_t``: ``h_prev (T', B, n)``, ``dz (T', B, width)`` → ``(n, width)``."""
    n, width = h_prev.shape[-1], dz.shape[-1]
    if masks is None:
        return h_prev.reshape(-1, n).T @ dz.reshape(-1, width)
    g = len(masks)
    hm = (h_prev[None] * masks[:, None]).reshape(g, -1, n)
    dw = np.matmul(hm.transpose(0, 2, 1), blocks_of(dz.reshape(-1, width), g))  # (blocks, n, width / blocks)
    return np.moveaxis(dw, 0, 1).reshape(n, width)


def carry_masked(new: np.ndarray, old: np.ndarray, step_mask) -> None:
    """Padding mask: where ``step_mask (B, 1)`` is False the state keeps its previous value ``old``."""
    if step_mask is not None:
        np.copyto(new, old, where=~step_mask)
