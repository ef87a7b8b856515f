"""``TransformerBlock``: a pre-LN Transformer encoder (or, with ``causal=True``, decoder-only) block."""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping

import numpy as np

from .attention import MultiHeadAttention
from .base import Layer
from .dense import Dense
from .dropout import Dropout
from .normalization import LayerNormalization


class _Prefixed(MutableMapping):
    """A live view of sublayers' ``params`` (or ``grads``) under names ``"<role>/<key>"``.

    Reading returns the sublayer's own array object, so in-place updates (``p -= lr * g``) change
    the sublayer; assigning or deleting an entry assigns or deletes it in the sublayer's dict.
    """

    def __init__(self, layers: dict[str, Layer], attr: str):
        self._layers, self._attr = layers, attr

    def _split(self, key: str) -> tuple[dict, str]:
        role, _, sub = key.partition("/")
        if role not in self._layers or not sub:
            raise KeyError(key)
        return getattr(self._layers[role], self._attr), sub

    def __getitem__(self, key):
        d, sub = self._split(key)
        return d[sub]

    def __setitem__(self, key, value):
        d, sub = self._split(key)
        d[sub] = value

    def __delitem__(self, key):
        d, sub = self._split(key)
        del d[sub]

    def __iter__(self) -> Iterator[str]:
        for role, layer in self._layers.items():
            for sub in getattr(layer, self._attr):
                yield f"{role}/{sub}"

    def __len__(self):
        return sum(len(getattr(layer, self._attr)) for layer in self._layers.values())

    def __repr__(self):
        return repr(dict(self))


class TransformerBlock(Layer):
    """One pre-LN Transformer block: ``h = x + Dropout(MHA(LN(x)))``, ``y = h + Dropout(FFN(LN(h)))``.

    ``FFN = Dense(ff_dim, relu) → Dense(features)``. Shapes: ``x (batch, T, features)`` → same shape.

    Pre-LN (Xiong et al. 2020) rather than the original post-LN ``LN(x + sublayer(x))``: the residual path
    from output to input is then a plain sum, never rescaled by a normalisation, so gradients reach early
    blocks with their size intact and training is stable without the long learning-rate warm-up that
    post-LN blocks need.

    Parameters
    ----------
    num_heads, key_dim : int
        Of the :class:`MultiHeadAttention` sublayer.
    ff_dim : int
        Hidden units of the feed-forward network.
    dropout : float
        Drop rate applied to each sublayer's output before it is added to the residual stream.
    causal : bool
        Each position attends only to itself and earlier positions (for next-token prediction).

    Attributes
    ----------
    ln_1, attention, dropout_1, ln_2, ffn_1, ffn_2, dropout_2 : Layer
        The sublayers, in the order they run.
    params, grads : MutableMapping
        Live views of the sublayers' arrays, named ``"<sublayer>/<name>"`` (``"attention/query_kernel"``,
        ``"ffn_1/kernel"``, ``"ln_1/gamma"`` ...). They hold the *same* array objects as the sublayers,
        so an optimizer's in-place update reaches them, and ``block.params["ffn_1/kernel"] = w`` sets
        ``block.ffn_1.params["kernel"]``.
    """

    supports_masking = True  # passes a padding mask on (Keras)

    def __init__(self, num_heads: int, key_dim: int, ff_dim: int, dropout: float = 0.0, causal: bool = False,
                 input_shape=None, name: str | None = None):
        super().__init__(input_shape=input_shape, name=name)
        if not isinstance(ff_dim, (int, np.integer)) or ff_dim < 1:
            raise ValueError(f"TransformerBlock: ff_dim must be a positive integer, got {ff_dim!r}")
        self.num_heads, self.key_dim, self.ff_dim = num_heads, key_dim, int(ff_dim)
        self.dropout, self.causal = float(dropout), bool(causal)
        n = self.name  # explicit sublayer names: no global name counters bumped, and they say whose they are
        self.ln_1 = LayerNormalization(name=f"{n}/ln_1")
        self.attention = MultiHeadAttention(num_heads, key_dim, name=f"{n}/attention")
        self.dropout_1 = Dropout(dropout, name=f"{n}/dropout_1")
        self.ln_2 = LayerNormalization(name=f"{n}/ln_2")
        self.ffn_1 = Dense(ff_dim, activation="relu", name=f"{n}/ffn_1")
        self.ffn_2: Dense | None = None  # created by build: its width is the input's feature count
        self.dropout_2 = Dropout(dropout, name=f"{n}/dropout_2")
        self._sublayers: dict[str, Layer] = {}  # filled by build, when ffn_2's width (= features) is known
        self.params = _Prefixed(self._sublayers, "params")
        self.grads = _Prefixed(self._sublayers, "grads")

    def build(self, input_shape, dtype=np.float32):
        f = input_shape[-1]
        self.ffn_2 = Dense(f, name=f"{self.name}/ffn_2")
        seq = (None, None, f)
        for role, layer, shape in (("ln_1", self.ln_1, seq), ("attention", self.attention, seq),
                                   ("ln_2", self.ln_2, seq), ("ffn_1", self.ffn_1, seq),
                                   ("ffn_2", self.ffn_2, (None, None, self.ff_dim))):
            layer.build(shape, dtype)
            self._sublayers[role] = layer
        self.built = True

    def check_input_shape(self, shape):
        f = self.ffn_2.units
        if shape[-1] != f:
            raise self.shape_error(shape, f"(batch, time, {f})", f"the last axis must have {f} features")

    def expected_input_desc(self):
        return "(batch, time, features)" if not self.built else f"(batch, time, {self.ffn_2.units})"

    def forward(self, x, training=False, mask=None):
        """``x (batch, T, features)`` → same shape; ``mask`` as in :meth:`MultiHeadAttention.forward`."""
        x = self._prepare(x, ndim=3)
        a = self.attention.forward(self.ln_1.forward(x), training, mask=mask, causal=self.causal)
        h = x + self.dropout_1.forward(a, training)
        f = self.ffn_2.forward(self.ffn_1.forward(self.ln_2.forward(h)))
        return h + self.dropout_2.forward(f, training)

    def backward(self, dout):
        """``dout (batch, T, features)`` → ``dx`` (same shape); fills the sublayers' ``grads`` (seen in ``grads``)."""
        df = self.ffn_1.backward(self.ffn_2.backward(self.dropout_2.backward(dout)))
        dh = dout + self.ln_2.backward(df)  # residual: the gradient flows around the FFN untouched
        da = self.ln_1.backward(self.attention.backward(self.dropout_1.backward(dh)))
        return dh + da

    @property
    def attention_scores(self) -> np.ndarray | None:
        """The attention sublayer's weights of the last forward, ``(batch, heads, T, T)``."""
        return self.attention.attention_scores

    def regularization_loss(self):
        return float(sum(layer.regularization_loss() for layer in self._sublayers.values()))

    def get_config(self):
        return {"name": self.name, "num_heads": self.num_heads, "key_dim": self.key_dim, "ff_dim": self.ff_dim,
                "dropout": self.dropout, "causal": self.causal}
