"""Scaled dot-product attention, its backward pass, and ``MultiHeadAttention`` (self-attention, Keras layouts)."""

from __future__ import annotations

import numpy as np

from ..initializers import glorot_uniform
from .base import Layer


def scaled_dot_product_attention(q: np.ndarray, k: np.ndarray, v: np.ndarray,
                                 mask: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``softmax(q k^T / sqrt(d_k)) v`` over the last two axes (Vaswani et al. 2017).

    Parameters
    ----------
    q : ndarray, shape (..., Tq, d_k)
        Queries; leading axes (batch, heads) are batch axes.
    k : ndarray, shape (..., Tk, d_k)
        Keys.
    v : ndarray, shape (..., Tk, d_v)
        Values.
    mask : ndarray of bool, optional
        Broadcastable to the scores' shape ``(..., Tq, Tk)``; ``True`` = query may attend to key.
        Masked positions get weight exactly 0. A fully masked row (a query allowed to see no key)
        gets all-zero weights, hence a zero output row, instead of ``0/0 = NaN``.

    Returns
    -------
    out : ndarray, shape (..., Tq, d_v)
    weights : ndarray, shape (..., Tq, Tk)
        Each row sums to 1 (0 for a fully masked row).
    """
    scores = (q @ np.swapaxes(k, -1, -2)) * q.shape[-1] ** -0.5  # a Python float keeps float32 float32
    if mask is not None:
        mask = np.asarray(mask, dtype=bool)
        scores = np.where(mask, scores, -np.inf)
    # subtract the row max so exp never overflows; a fully masked row has max -inf, shifted by 0 instead
    row_max = scores.max(axis=-1, keepdims=True)
    row_max = np.where(np.isfinite(row_max), row_max, 0)
    e = np.exp(scores - row_max)  # exp(-inf) = 0 exactly at masked positions
    total = e.sum(axis=-1, keepdims=True)
    weights = e / np.where(total > 0, total, 1)
    return weights @ v, weights


def scaled_dot_product_attention_backward(dout: np.ndarray, q: np.ndarray, k: np.ndarray, v: np.ndarray,
                                          weights: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients of :func:`scaled_dot_product_attention` given ``dout (..., Tq, d_v)`` and its ``weights``.

    Masked entries need no special case: their weight is 0, so the softmax Jacobian
    ``dscores = w * (dw - sum(dw * w))`` is 0 there too.

    Returns
    -------
    dq : ndarray, shape (..., Tq, d_k)
    dk : ndarray, shape (..., Tk, d_k)
    dv : ndarray, shape (..., Tk, d_v)
    """
    scale = q.shape[-1] ** -0.5
    dv = np.swapaxes(weights, -1, -2) @ dout
    dweights = dout @ np.swapaxes(v, -1, -2)
    dscores = weights * (dweights - (dweights * weights).sum(axis=-1, keepdims=True))
    dscores *= scale
    return dscores @ k, np.swapaxes(dscores, -1, -2) @ q, dv


class MultiHeadAttention(Layer):
    """Multi-head self-attention over a sequence, with Keras' parameter layouts.

    Shapes: ``x (batch, T, F)`` → ``(batch, T, F_out)`` with ``F_out = output_shape`` or ``F``.
    Parameters (H = ``num_heads``, ``dk = key_dim``, ``dv = value_dim``): ``query_kernel (F, H, dk)``,
    ``query_bias (H, dk)``, ``key_kernel (F, H, dk)``, ``key_bias (H, dk)``, ``value_kernel (F, H, dv)``,
    ``value_bias (H, dv)``, ``output_kernel (H, dv, F_out)``, ``output_bias (F_out,)``.
    Each head attends with :func:`scaled_dot_product_attention`; the heads' outputs are concatenated
    and projected by ``output_kernel``. Internally every projection is one matmul with the kernel
    viewed as ``(F, H*dk)``, and attention is one batched matmul over ``(batch, heads)``.

    Parameters
    ----------
    num_heads : int
        Number of heads H.
    key_dim : int
        Size of each head's queries and keys.
    value_dim : int, optional
        Size of each head's values; defaults to ``key_dim``.
    output_shape : int, optional
        Output features; defaults to the input's ``F``.
    use_bias : bool
        Whether the four projections have biases.

    Attributes
    ----------
    attention_scores : ndarray, shape (batch, H, T, T)
        The attention weights of the last forward (row ``t`` = how query ``t`` spreads over the keys).
    """

    supports_masking = True  # passes a padding mask on (Keras)

    def __init__(self, num_heads: int, key_dim: int, value_dim: int | None = None, output_shape=None,
                 use_bias: bool = True, input_shape=None, name: str | None = None):
        super().__init__(input_shape=input_shape, name=name)
        for what, n in (("num_heads", num_heads), ("key_dim", key_dim), ("value_dim", value_dim)):
            if n is not None and (not isinstance(n, (int, np.integer)) or n < 1):
                raise ValueError(f"MultiHeadAttention: {what} must be a positive integer, got {n!r}")
        if isinstance(output_shape, (tuple, list)):
            if len(output_shape) != 1:
                raise ValueError(f"MultiHeadAttention: output_shape must be one int, got {output_shape!r}")
            output_shape = output_shape[0]
        self.num_heads, self.key_dim = int(num_heads), int(key_dim)
        self.value_dim = self.key_dim if value_dim is None else int(value_dim)
        self._output_shape = None if output_shape is None else int(output_shape)
        self.use_bias = use_bias
        self.attention_scores: np.ndarray | None = None

    def build(self, input_shape, dtype=np.float32):
        f, h, dk, dv = input_shape[-1], self.num_heads, self.key_dim, self.value_dim
        f_out = f if self._output_shape is None else self._output_shape
        # Glorot on the (F, H*dk) matrix each kernel really is (Keras' fans for a 3-D kernel differ)
        shapes = {"query": (f, h, dk), "key": (f, h, dk), "value": (f, h, dv)}
        for part, shape in shapes.items():
            self.params[f"{part}_kernel"] = glorot_uniform((f, h * shape[2]), dtype).reshape(shape)
            if self.use_bias:
                self.params[f"{part}_bias"] = np.zeros((h, shape[2]), dtype=dtype)
        self.params["output_kernel"] = glorot_uniform((h * dv, f_out), dtype).reshape(h, dv, f_out)
        if self.use_bias:
            self.params["output_bias"] = np.zeros(f_out, dtype=dtype)
        self.built = True

    def check_input_shape(self, shape):
        f = self.params["query_kernel"].shape[0]
        if shape[-1] != f:
            raise self.shape_error(shape, f"(batch, time, {f})", f"the last axis must have {f} features")

    def expected_input_desc(self):
        return "(batch, time, features)" if not self.built else f"(batch, time, {self.params['query_kernel'].shape[0]})"

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], input_shape[-1] if self._output_shape is None else self._output_shape)

    def _mask(self, x: np.ndarray, mask, causal: bool) -> np.ndarray | None:
        """Combine a padding/attention mask and the causal mask into one bool array broadcastable to (B, H, T, T)."""
        b, t = x.shape[:2]
        full = None
        if mask is not None:
            mask = np.asarray(mask, dtype=bool)
            if mask.ndim == 2:  # padding mask (batch, T), True = real token: nobody attends to padding keys
                if mask.shape != (b, t):
                    raise self.shape_error(x.shape, f"a padding mask of shape {(b, t)}", f"got mask {mask.shape}")
                full = mask[:, None, None, :]
            elif mask.ndim == 3:  # attention mask (batch, Tq, Tk) as Keras' attention_mask
                if mask.shape[1:] != (t, t) or mask.shape[0] not in (1, b):
                    raise self.shape_error(x.shape, f"an attention mask of shape {(b, t, t)}", f"got mask {mask.shape}")
                full = mask[:, None, :, :]
            elif mask.ndim == 4:
                try:
                    np.broadcast_shapes(mask.shape, (b, self.num_heads, t, t))
                except ValueError:
                    raise self.shape_error(x.shape, f"a mask broadcastable to {(b, self.num_heads, t, t)}",
                                           f"got mask {mask.shape}") from None
                full = mask
            else:
                raise ValueError(f"{self.describe()}: mask must be (batch, T), (batch, T, T) or 4-D, got {mask.shape}")
        if causal:  # query t sees keys 0..t only
            tril = np.tril(np.ones((t, t), dtype=bool))
            full = tril if full is None else full & tril
        return full

    def forward(self, x, training=False, mask=None, causal=False):
        """Self-attention: ``x (batch, T, F)`` → ``(batch, T, F_out)``.

        Parameters
        ----------
        mask : ndarray of bool, optional
            ``(batch, T)`` padding mask (True = real token; padding keys get weight 0),
            ``(batch, T, T)`` attention mask (True = query may attend to key) or 4-D, broadcastable to
            ``(batch, H, T, T)``. A query that may attend to no key outputs ``output_bias``.
        causal : bool
            Also apply the lower-triangular mask: position ``t`` sees only positions ``<= t``.
        """
        x = self._prepare(x, ndim=3)
        b, t, f = x.shape
        h = self.num_heads
        x2 = x.reshape(b * t, f)
        heads = []
        for part in ("query", "key", "value"):
            w = self.param(f"{part}_kernel", x.dtype)
            z = x2 @ w.reshape(f, -1)
            if self.use_bias:
                z += self.param(f"{part}_bias", x.dtype).reshape(-1)
            heads.append(z.reshape(b, t, h, -1).transpose(0, 2, 1, 3))  # (B, H, T, d)
        q, k, v = heads
        full_mask = self._mask(x, mask, causal)
        o, weights = scaled_dot_product_attention(q, k, v, full_mask)
        concat = o.transpose(0, 2, 1, 3).reshape(b * t, -1)  # (B*T, H*dv)
        wo = self.param("output_kernel", x.dtype)
        y = concat @ wo.reshape(-1, wo.shape[-1])
        if self.use_bias:
            y += self.param("output_bias", x.dtype)
        self.attention_scores = weights
        self._cache = (x2, q, k, v, weights, concat, (b, t, f))
        return y.reshape(b, t, -1)

    def backward(self, dout):
        """``dout (batch, T, F_out)`` → ``dx (batch, T, F)``; fills ``grads`` for all eight parameters."""
        x2, q, k, v, weights, concat, (b, t, f) = self._cache
        h = self.num_heads
        dout2 = np.asarray(dout, dtype=x2.dtype).reshape(b * t, -1)
        wo = self.param("output_kernel", x2.dtype)
        self.grads["output_kernel"] = (concat.T @ dout2).reshape(wo.shape)
        if self.use_bias:
            self.grads["output_bias"] = dout2.sum(axis=0)
        do = (dout2 @ wo.reshape(-1, wo.shape[-1]).T).reshape(b, t, h, -1).transpose(0, 2, 1, 3)
        dq, dk, dv = scaled_dot_product_attention_backward(do, q, k, v, weights)
        dx2 = np.zeros_like(x2)
        for part, d in (("query", dq), ("key", dk), ("value", dv)):
            d2 = d.transpose(0, 2, 1, 3).reshape(b * t, -1)  # back to (B*T, H*d)
            w = self.param(f"{part}_kernel", x2.dtype)
            self.grads[f"{part}_kernel"] = (x2.T @ d2).reshape(w.shape)
            if self.use_bias:
                self.grads[f"{part}_bias"] = d2.sum(axis=0).reshape(w.shape[1:])
            dx2 += d2 @ w.reshape(f, -1).T
        return dx2.reshape(b, t, f)

    def get_config(self):
        return {"name": self.name, "num_heads": self.num_heads, "key_dim": self.key_dim,
                "value_dim": self.value_dim, "output_shape": self._output_shape, "use_bias": self.use_bias}
