"""The ``Layer`` base class: parameters, gradients, lazy building and shape checks.

A layer is a forward/backward pair. ``forward(x)`` remembers what ``backward`` needs;
``backward(dout)`` returns ``dx`` and fills ``grads`` (same keys as ``params``).
Weights are created by ``build`` from the first input's shape and dtype, and read from
``params`` at every forward, so replacing ``layer.params["kernel"]`` takes effect.
"""

from __future__ import annotations

import re
from collections import defaultdict

import numpy as np

from ..tape import record

_name_counts: defaultdict[str, int] = defaultdict(int)


def _snake(name: str) -> str:
    # Conv2D -> conv2d, SimpleRNN -> simple_rnn, GlobalAveragePooling1D -> global_average_pooling1d (as Keras)
    return re.sub(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()


def shape_matches(shape: tuple, declared: tuple) -> bool:
    """Whether ``shape`` fits ``declared``, where ``None`` in ``declared`` matches any size."""
    return len(shape) == len(declared) and all(d is None or d == s for s, d in zip(shape, declared))


def as_float(x, what: str = "input") -> np.ndarray:
    """Return ``x`` as a floating ndarray (float32 for integer/bool input), refusing non-numbers."""
    arr = np.asarray(x)
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise ValueError(f"{what} must be a numeric array, got dtype {arr.dtype}")
    if not np.issubdtype(arr.dtype, np.floating):
        arr = arr.astype(np.float32)
    return arr


class Layer:
    """Base class of every dlcore layer.

    Parameters
    ----------
    input_shape : tuple of int, optional
        Shape of one sample (without the batch axis), as in Keras; lets a model be built,
        and summarised, before it sees data.
    name : str, optional
        Defaults to the snake-case class name plus a counter (``dense``, ``dense_1`` ...).

    Attributes
    ----------
    params : dict[str, ndarray]
        Trainable arrays, by Keras name (``kernel``, ``bias`` ...).
    grads : dict[str, ndarray]
        Gradients of the loss with respect to ``params``, filled by ``backward``.
    built : bool
        Whether ``params`` exist yet.
    input_grad : bool
        Whether ``backward`` must compute ``dx``. A model sets it to False on its first layer
        while backpropagating: nothing needs the gradient with respect to the data, and skipping
        it saves a matrix product per step (PyTorch skips it too: data does not require grad).
        Layers that honour it return ``None`` then.
    """

    def __init__(self, input_shape: tuple[int, ...] | None = None, name: str | None = None):
        base = _snake(type(self).__name__)
        if name is None:
            n = _name_counts[base]
            _name_counts[base] += 1
            name = base if n == 0 else f"{base}_{n}"
        self.name = name
        # None marks a free dimension, e.g. input_shape=(None, 8) for sequences of any length
        self.input_shape = None if input_shape is None else tuple(None if d is None else int(d) for d in input_shape)
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self.built = False
        self.trainable = True
        self.input_grad = True

    # ----- building -------------------------------------------------------------------
    def build(self, input_shape: tuple, dtype=np.float32) -> None:
        """Create ``params`` for inputs of ``input_shape`` (batch axis first, may be None)."""
        self.built = True

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        """Output shape for an input shape (batch axis first, may be None). Default: unchanged."""
        return tuple(input_shape)

    def _prepare(self, x, ndim: int | None = None, min_ndim: int | None = None) -> np.ndarray:
        """Convert ``x`` to a float array, check its rank, build on first use, check the shape."""
        x = as_float(x, f"input of {self.describe()}")
        if ndim is not None and x.ndim != ndim:
            raise self.shape_error(x.shape, self.expected_input_desc(), f"expected a {ndim}-D input")
        if min_ndim is not None and x.ndim < min_ndim:
            raise self.shape_error(x.shape, self.expected_input_desc(), f"expected at least {min_ndim} dimensions")
        if not self.built:
            if self.input_shape is not None and not shape_matches(x.shape[1:], self.input_shape):
                raise self.shape_error(x.shape, (None, *self.input_shape), "it was declared with input_shape")
            self.build((None, *x.shape[1:]), dtype=x.dtype)
        self.check_input_shape(x.shape)
        return x

    def check_input_shape(self, shape: tuple) -> None:
        """Raise ``ValueError`` if ``shape`` does not fit the built layer. Default: accept."""

    def expected_input_desc(self):
        """What input shape the layer expects, for error messages."""
        return "(batch, ...)" if self.input_shape is None else (None, *self.input_shape)

    # ----- the pair every layer implements ---------------------------------------------
    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        """Compute the output for ``x``; ``training`` switches dropout/batch-norm behaviour."""
        raise NotImplementedError

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """Given ``dL/d(output)``, fill ``grads`` and return ``dL/d(input)``."""
        raise NotImplementedError

    def __call__(self, x, training: bool = False) -> np.ndarray:
        out = self.forward(x, training=training)
        record(self, x, out)  # a subclassed Model backpropagates through the calls it recorded
        return out

    # ----- helpers ---------------------------------------------------------------------
    def param(self, key: str, dtype) -> np.ndarray:
        """``params[key]`` in ``dtype`` (a no-op when it already is), so float64 in gives float64 out."""
        p = self.params[key]
        return p if p.dtype == dtype else p.astype(dtype)

    def regularization_loss(self) -> float:
        """Penalty this layer adds to the loss (weight decay); 0 by default."""
        return 0.0

    def count_params(self) -> int:
        """Number of trainable scalars."""
        return int(sum(p.size for p in self.params.values()))

    def count_non_trainable(self) -> int:
        """Number of non-trainable state scalars (e.g. batch norm's moving statistics)."""
        return 0

    def describe(self) -> str:
        return f"{type(self).__name__} layer '{self.name}'"

    def shape_error(self, got: tuple, expected, detail: str = "") -> ValueError:
        """A ``ValueError`` naming this layer, the shape it got and the shape it expected."""
        msg = f"{self.describe()}: got input of shape {tuple(got)}, expected {expected}"
        return ValueError(msg + (f" ({detail})" if detail else ""))

    def get_config(self) -> dict:
        return {"name": self.name}

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name!r} built={self.built}>"
