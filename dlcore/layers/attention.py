"""Scaled dot-product attention, its backward pass, and ``MultiHeadAttention`` (self-attention, Keras layouts)."""

from __future__ import annotations

import numpy as np

from .. import initializers, regularizers
from .base import Layer
from .dense import weight_penalty
from .dropout import Dropout

# Keras' projections are EinsumDense layers, which give a variance-scaling initializer the fans of the 2-D
# matrix each kernel really is, (F, H*dk) or (H*dv, F_out); other initializers see the 3-D shape
_VARIANCE_SCALING_FUNCTIONS = (initializers.glorot_uniform, initializers.glorot_normal, initializers.he_uniform,
                               initializers.he_normal, initializers.lecun_uniform, initializers.lecun_normal)


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
    weights = _attention_weights(q, k, mask)
    return weights @ v, weights


def _attention_weights(q: np.ndarray, k: np.ndarray, mask: np.ndarray | None) -> np.ndarray:
    """``softmax(q k^T / sqrt(d_k))`` with masked keys at weight 0 (see :func:`scaled_dot_product_attention`)."""
    scores = (q @ np.swapaxes(k, -1, -2)) * q.shape[-1] ** -0.5  # a Python float keeps float32 float32
    if mask is not None:
        mask = np.asarray(mask, dtype=bool)
        scores = np.where(mask, scores, -np.inf)
    # subtract the row max so exp never overflows; a fully masked row has max -inf, shifted by 0 instead
    row_max = scores.max(axis=-1, keepdims=True)
    row_max = np.where(np.isfinite(row_max), row_max, 0)
    e = np.exp(scores - row_max)  # exp(-inf) = 0 exactly at masked positions
    total = e.sum(axis=-1, keepdims=True)
    return e / np.where(total > 0, total, 1)


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
    dv = np.swapaxes(weights, -1, -2) @ dout
    dq, dk = _scores_backward(dout @ np.swapaxes(v, -1, -2), q, k, weights)
    return dq, dk, dv


def _scores_backward(dweights: np.ndarray, q: np.ndarray, k: np.ndarray,
                     weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``dq, dk`` from ``dL/dweights`` through ``weights = softmax(q k^T / sqrt(d_k))``."""
    dscores = weights * (dweights - (dweights * weights).sum(axis=-1, keepdims=True))
    dscores *= q.shape[-1] ** -0.5
    return dscores @ k, np.swapaxes(dscores, -1, -2) @ q


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
    dropout : float
        Fraction of the attention weights dropped in training (inverted dropout on the ``(T, T)``
        weights of every head, as Keras: each query then averages over a random subset of the values).
        ``attention_scores`` keeps the weights before dropout, as Keras returns them.
    use_bias : bool
        Whether the four projections have biases.
    output_shape : int, optional
        Output features; defaults to the input's ``F``.
    kernel_initializer, bias_initializer : str or callable
        Keras' defaults ``"glorot_uniform"`` and ``"zeros"``. As in Keras, a variance-scaling initializer
        (Glorot, He, LeCun) counts the fans of the matrix each kernel acts as, ``(F, H*dk)`` or
        ``(H*dv, F_out)``.
    kernel_regularizer, bias_regularizer : Regularizer or str, optional
        Penalty on each of the four kernels, on each of the four biases.
    seed : int, optional
        Seed of the dropout masks (see :class:`~dlcore.layers.Dropout`); ``None`` uses dlcore's generator.

    Attributes
    ----------
    attention_scores : ndarray, shape (batch, H, T, T)
        The attention weights of the last forward (row ``t`` = how query ``t`` spreads over the keys).
    dropout_layer : Dropout
        Drops the attention weights; ``layer.dropout_layer.freeze_mask()`` after a training forward
        fixes its mask, for a gradient check in training mode.
    """

    supports_masking = True  # passes a padding mask on (Keras)

    def __init__(self, num_heads: int, key_dim: int, value_dim: int | None = None, dropout: float = 0.0,
                 use_bias: bool = True, output_shape=None, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, seed: int | None = None,
                 input_shape=None, name: str | None = None):
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
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        # a named sub-layer (an explicit name takes no number from the "dropout" counter)
        self.dropout_layer = Dropout(dropout, seed=seed, name=f"{self.name}/dropout")
        self.dropout, self.seed = self.dropout_layer.rate, seed
        self.attention_scores: np.ndarray | None = None

    def _kernel(self, matrix_shape: tuple, shape: tuple, dtype) -> np.ndarray:
        """A kernel of ``shape`` that acts as a ``matrix_shape`` matrix (see ``kernel_initializer``)."""
        init = self.kernel_initializer
        if isinstance(init, initializers.VarianceScaling) or init in _VARIANCE_SCALING_FUNCTIONS:
            return init(matrix_shape, dtype=dtype).reshape(shape)
        return init(shape, dtype=dtype)

    def build(self, input_shape, dtype=np.float32):
        f, h, dk, dv = input_shape[-1], self.num_heads, self.key_dim, self.value_dim
        f_out = f if self._output_shape is None else self._output_shape
        shapes = {"query": (f, h, dk), "key": (f, h, dk), "value": (f, h, dv)}
        for part, shape in shapes.items():
            self.params[f"{part}_kernel"] = self._kernel((f, h * shape[2]), shape, dtype)
            if self.use_bias:
                self.params[f"{part}_bias"] = self.bias_initializer((h, shape[2]), dtype=dtype)
        self.params["output_kernel"] = self._kernel((h * dv, f_out), (h, dv, f_out), dtype)
        if self.use_bias:
            self.params["output_bias"] = self.bias_initializer((f_out,), dtype=dtype)
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
        weights = _attention_weights(q, k, self._mask(x, mask, causal))
        dropped = self.dropout_layer.forward(weights, training=training)  # the weights themselves at inference
        o = dropped @ v
        concat = o.transpose(0, 2, 1, 3).reshape(b * t, -1)  # (B*T, H*dv)
        wo = self.param("output_kernel", x.dtype)
        y = concat @ wo.reshape(-1, wo.shape[-1])
        if self.use_bias:
            y += self.param("output_bias", x.dtype)
        self.attention_scores = weights
        self._cache = (x2, q, k, v, weights, dropped, concat, (b, t, f))
        return y.reshape(b, t, -1)

    def backward(self, dout):
        """``dout (batch, T, F_out)`` → ``dx (batch, T, F)``; fills ``grads`` for all eight parameters."""
        x2, q, k, v, weights, dropped, concat, (b, t, f) = self._cache
        h = self.num_heads
        dout2 = np.asarray(dout, dtype=x2.dtype).reshape(b * t, -1)
        wo = self.param("output_kernel", x2.dtype)
        self.grads["output_kernel"] = (concat.T @ dout2).reshape(wo.shape)
        if self.use_bias:
            self.grads["output_bias"] = dout2.sum(axis=0)
        do = (dout2 @ wo.reshape(-1, wo.shape[-1]).T).reshape(b, t, h, -1).transpose(0, 2, 1, 3)
        dv = np.swapaxes(dropped, -1, -2) @ do
        dweights = do @ np.swapaxes(v, -1, -2)
        if self.dropout_layer.mask is not None:
            dweights = self.dropout_layer.backward(dweights)
        dq, dk = _scores_backward(dweights, q, k, weights)
        dx2 = np.zeros_like(x2)
        for part, d in (("query", dq), ("key", dk), ("value", dv)):
            d2 = d.transpose(0, 2, 1, 3).reshape(b * t, -1)  # back to (B*T, H*d)
            w = self.param(f"{part}_kernel", x2.dtype)
            self.grads[f"{part}_kernel"] = (x2.T @ d2).reshape(w.shape)
            if self.use_bias:
                self.grads[f"{part}_bias"] = d2.sum(axis=0).reshape(w.shape[1:])
            dx2 += d2 @ w.reshape(f, -1).T
        self._add_penalty_gradients(x2.dtype)
        return dx2.reshape(b, t, f)

    def _add_penalty_gradients(self, dtype) -> None:
        for key in self.params:
            regularizer = self.kernel_regularizer if key.endswith("kernel") else self.bias_regularizer
            if regularizer is not None:
                self.grads[key] += regularizer.gradient(self.param(key, dtype))

    def regularization_loss(self):
        return weight_penalty(self, {key: self.kernel_regularizer if key.endswith("kernel") else self.bias_regularizer
                                     for key in self.params})

    def get_config(self):
        return {"name": self.name, "num_heads": self.num_heads, "key_dim": self.key_dim,
                "value_dim": self.value_dim, "dropout": self.dropout, "use_bias": self.use_bias,
                "output_shape": self._output_shape, "seed": self.seed}
