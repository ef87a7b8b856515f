"""``Embedding``: a trainable lookup table from integer ids to vectors (``embeddings[ids]``).

It is a Dense layer on one-hot inputs, without ever building the one-hot matrix: the
forward pass is a row lookup and the backward pass adds each output gradient into the row
it came from (``np.add.at``, so an id that occurs several times collects every gradient).
"""

from __future__ import annotations

import numpy as np

from .. import initializers, regularizers
from .base import Layer
from .dense import weight_penalty


class Embedding(Layer):
    """Maps integer ids to dense vectors.

    Shapes: ``ids (batch, time)`` (any shape of ids works) → ``(batch, time, output_dim)``;
    ``embeddings (input_dim, output_dim)``, initialised uniform in ``[-0.05, 0.05]`` by default, as in Keras.

    Parameters
    ----------
    input_dim : int
        Vocabulary size: valid ids are ``0 .. input_dim - 1``.
    output_dim : int
        Length of each embedding vector.
    embeddings_initializer : str or callable
        How ``embeddings`` start: Keras' default ``"uniform"`` (``RandomUniform(-0.05, 0.05)``), or any name
        from :mod:`dlcore.initializers`.
    embeddings_regularizer : Regularizer or str, optional
        Penalty on the whole table (see :mod:`dlcore.regularizers`), as Keras: its gradient reaches every
        row, also the rows of ids absent from the batch.
    input_shape : tuple of int, optional
        Shape of one sample, e.g. ``(time,)``; ``None`` entries match any length.
    name : str, optional
        Layer name.
    dtype : numpy dtype
        Dtype of ``embeddings`` and of the output (default float32). Integer ids carry no float
        dtype to copy, so pass ``np.float64`` for gradient checks.
    mask_zero : bool
        Id 0 is padding (Keras): :meth:`compute_mask` gives ``ids != 0`` and ``output_mask`` holds it
        after each forward. ``Sequential`` and functional models pass it on, as Keras does, to the
        layers that use it: a recurrent layer (which then carries its state over the padding),
        ``GlobalAveragePooling1D`` (which averages the real tokens only) or ``MultiHeadAttention``
        (which ignores padding keys). Calling layers by hand, pass it yourself as ``mask=``.

    Notes
    -----
    Ids must be integers, or floats holding whole numbers (as Keras accepts); anything else,
    or an id outside ``[0, input_dim)``, raises ``ValueError``. ``backward`` returns ``None``:
    there is no gradient with respect to integer ids.
    """

    supports_masking = True  # makes the padding mask with mask_zero=True (Keras)

    def __init__(self, input_dim: int, output_dim: int, embeddings_initializer="uniform",
                 embeddings_regularizer=None, mask_zero: bool = False, input_shape=None, name: str | None = None,
                 dtype=np.float32):
        super().__init__(name=name)
        # e.g. (time,); None entries (variable-length sequences, as in Keras) match any length
        self.input_shape = None if input_shape is None else tuple(None if d is None else int(d) for d in input_shape)
        for what, value in (("input_dim", input_dim), ("output_dim", output_dim)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"Embedding: {what} must be a positive integer, got {value!r}")
        if not np.issubdtype(np.dtype(dtype), np.floating):
            raise ValueError(f"Embedding: dtype must be a float dtype, got {dtype!r}")
        self.input_dim, self.output_dim = int(input_dim), int(output_dim)
        self.dtype = np.dtype(dtype)
        self.mask_zero = bool(mask_zero)
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.output_mask: np.ndarray | None = None

    def build(self, input_shape, dtype=None):
        """Create ``embeddings (input_dim, output_dim)``; ``dtype`` defaults to the layer's ``dtype``."""
        dtype = self.dtype if dtype is None or not np.issubdtype(np.dtype(dtype), np.floating) else np.dtype(dtype)
        self.params["embeddings"] = self.embeddings_initializer((self.input_dim, self.output_dim), dtype=dtype)
        self.built = True

    def compute_output_shape(self, input_shape):
        return (*input_shape, self.output_dim)

    def expected_input_desc(self):
        return "(batch, time) integer ids" if self.input_shape is None else (None, *self.input_shape)

    def forward(self, x, training=False):
        """``ids (batch, time)`` → ``(batch, time, output_dim)`` in the dtype of ``embeddings``."""
        ids = self._ids(x)
        if not self.built:
            self.build((None, *ids.shape[1:]))
        self._ids_cache = ids
        self.output_mask = self.compute_mask(ids)  # what a model passes on to the next layers
        return self.params["embeddings"][ids]  # fancy indexing returns a new array

    def compute_mask(self, inputs, mask=None) -> np.ndarray | None:
        """``ids (batch, time)`` → bool ``(batch, time)``, True for real tokens (``ids != 0``).

        None without ``mask_zero``. A model calls it after every forward and hands the mask to the
        following layers that take one (recurrent layers, ``GlobalAveragePooling1D``, attention).
        """
        return (np.asarray(inputs) != 0) if self.mask_zero else None

    def backward(self, dout):
        """``dout (batch, time, output_dim)`` → ``None``; fills ``grads["embeddings"]``."""
        ids, table = self._ids_cache, self.params["embeddings"]
        dout = np.asarray(dout)
        if dout.shape != (*ids.shape, self.output_dim):
            raise ValueError(f"{self.describe()}: backward got dout of shape {dout.shape}, "
                             f"expected {(*ids.shape, self.output_dim)}")
        grad = np.zeros_like(table)
        # unbuffered add: every occurrence of a repeated id contributes (grad[ids] += dout would keep only one)
        np.add.at(grad, ids.reshape(-1), dout.reshape(-1, self.output_dim))
        if self.embeddings_regularizer is not None:  # the penalty is on the whole table, as Keras'
            grad += self.embeddings_regularizer.gradient(table)
        self.grads["embeddings"] = grad
        return None

    def regularization_loss(self):
        return weight_penalty(self, {"embeddings": self.embeddings_regularizer})

    def _ids(self, x) -> np.ndarray:
        """Validate ``x`` as integer ids in ``[0, input_dim)`` and return them as an int64 array."""
        arr = np.asarray(x)
        valid = f"valid ids are integers in [0, {self.input_dim}) (input_dim={self.input_dim})"
        if arr.ndim == 0:
            raise self.shape_error(arr.shape, self.expected_input_desc(), "pass a batch of id sequences")
        declared = self.input_shape
        if declared is not None and (len(declared) != arr.ndim - 1
                                     or any(d is not None and d != s for d, s in zip(declared, arr.shape[1:]))):
            raise self.shape_error(arr.shape, (None, *self.input_shape), "it was declared with input_shape")
        if arr.dtype == bool or not (np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)):
            raise ValueError(f"{self.describe()}: ids must be integers, got dtype {arr.dtype}; {valid}")
        if np.issubdtype(arr.dtype, np.floating):
            bad = arr[arr != np.round(arr)]  # also catches nan and inf
            if bad.size:
                raise ValueError(f"{self.describe()}: got the non-integer id {bad.flat[0].item()!r}; {valid}")
        bad = arr[(arr < 0) | (arr >= self.input_dim)]
        if bad.size:
            value = bad.flat[0].item()
            raise ValueError(f"{self.describe()}: got the id {value!r}, outside [0, {self.input_dim}); {valid}")
        return arr.astype(np.int64)

    def get_config(self):
        return {"name": self.name, "input_dim": self.input_dim, "output_dim": self.output_dim,
                "mask_zero": self.mask_zero}
