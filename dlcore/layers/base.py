"""The ``Layer`` base class: parameters, gradients, lazy building and shape checks.

A layer is a forward/backward pair. ``forward(x)`` remembers what ``backward`` needs;
``backward(dout)`` returns ``dx`` and fills ``grads`` (same keys as ``params``).
Weights are created by ``build`` from the first input's shape and dtype, and read from
``params`` at every forward, so replacing ``layer.params["kernel"]`` takes effect.

Calling a layer on an :class:`~dlcore.layers.Input` (or on the result of such a call) does not
compute anything: it returns a :class:`KerasTensor` that records the call, from which
``Model(inputs, outputs)`` builds a functional model, as in Keras.

Masks (Keras' padding masks, ``(batch, time)`` of bool, True = real step) travel alongside the data
inside a model: :meth:`Layer.forward_masked` hands a layer the mask if its ``forward`` takes ``mask=``
and returns :meth:`Layer.compute_mask`, the mask for the next layer.
"""

from __future__ import annotations

import functools
import inspect
import re
from collections import defaultdict

import numpy as np

from ..tape import record
from .input import Input

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


class KerasTensor:
    """A symbolic output: what ``layer(x)`` returns when ``x`` is an ``Input`` or another ``KerasTensor``.

    Attributes
    ----------
    shape : tuple
        Output shape, batch axis first (``None``).
    layer : Layer
        The layer that produced it.
    inputs : list
        The ``Input`` objects or ``KerasTensor`` the layer was called on.
    called_on_list : bool
        Whether the layer was called on a list (merge layers), so it gets a list at run time too.
    """

    def __init__(self, shape: tuple, layer: Layer, inputs: list, called_on_list: bool = False):
        self.shape, self.layer, self.inputs = tuple(shape), layer, inputs
        self.called_on_list = called_on_list

    def __repr__(self) -> str:
        return f"<KerasTensor shape={self.shape}, name={self.layer.name}>"


@functools.cache
def _forward_takes_mask(cls: type) -> bool:
    """Whether ``cls.forward`` has a ``mask`` parameter (inspected once per class)."""
    return "mask" in inspect.signature(cls.forward).parameters


def is_symbolic(x) -> bool:
    """Whether ``x`` (or, for a list, any item) is an ``Input`` or a ``KerasTensor``."""
    items = x if isinstance(x, (list, tuple)) else [x]
    return any(isinstance(item, (Input, KerasTensor)) for item in items)


def symbolic_shape(x) -> tuple:
    """Shape with the batch axis (``None``) of an ``Input`` or ``KerasTensor``."""
    return (None, *x.shape) if isinstance(x, Input) else x.shape


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
    supports_masking : bool
        Whether the layer passes a padding mask on to the next layer (Keras' attribute): True for
        layers that keep the time axis step by step (``Dense``, ``Dropout``, ``Activation``, ...).
        A layer without it ends the mask, as in Keras (``Flatten``, ``Conv1D``, ...).
    """

    supports_masking = False

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

    # ----- masks: which time steps are real (Keras' masking) ----------------------------
    def compute_mask(self, inputs, mask=None):
        """The mask for the next layer, given this layer's ``inputs`` and their ``mask`` (Keras' name).

        Default: ``mask`` unchanged if ``supports_masking``, else None. Layers that make a mask
        (``Embedding(mask_zero=True)``, ``Masking``) or end one (a recurrent layer without
        ``return_sequences``) override it.
        """
        return mask if self.supports_masking else None

    def forward_masked(self, x, mask, training: bool = False):
        """``forward(x)`` for a model's loop: returns ``(output, mask for the next layer)``.

        ``mask`` is passed to ``forward`` only if it takes ``mask=`` (recurrent layers, global average
        pooling, attention); the mask itself gets no gradient. Keras does the same in ``Layer.__call__``.
        """
        if mask is not None and _forward_takes_mask(type(self)):
            out = self.forward(x, training=training, mask=mask)
        else:
            out = self.forward(x, training=training)
        return out, self.compute_mask(x, mask)

    def __call__(self, x, training: bool = False, **kwargs) -> np.ndarray:
        """``forward(x)``; keywords such as ``mask=`` go to ``forward``. On an ``Input`` it records the call."""
        if is_symbolic(x):
            if kwargs:
                raise ValueError(f"{self.describe()}: keyword arguments ({', '.join(kwargs)}) cannot be recorded in "
                                 "a functional model; masks from Embedding(mask_zero=True) or Masking are passed "
                                 "on automatically")
            return self._call_symbolic(x)
        out = self.forward(x, training=self.training_mode(training), **kwargs)
        record(self, x, out)  # a subclassed Model backpropagates through the calls it recorded
        return out

    def _call_symbolic(self, x) -> KerasTensor:
        """Build the layer for the symbolic input's shape and return its symbolic output."""
        inputs = list(x) if isinstance(x, (list, tuple)) else [x]
        if not all(isinstance(item, (Input, KerasTensor)) for item in inputs):
            raise ValueError(f"{self.describe()}: cannot mix Input/KerasTensor and arrays in one call")
        shapes = [symbolic_shape(item) for item in inputs]
        shape = shapes if isinstance(x, (list, tuple)) else shapes[0]
        if not self.built:
            if self.input_shape is not None and not isinstance(x, (list, tuple)) \
                    and not shape_matches(shape[1:], self.input_shape):
                raise self.shape_error(shape, (None, *self.input_shape), "it was declared with input_shape")
            self.build(shape)
        elif not isinstance(x, (list, tuple)):
            self.check_input_shape(shape)
        return KerasTensor(self.compute_output_shape(shape), self, inputs, isinstance(x, (list, tuple)))

    def training_mode(self, training: bool) -> bool:
        """The mode to run in: a frozen layer with state (batch norm) runs in inference mode, as in Keras 3."""
        return bool(training) and (self.trainable or not self.state_names_list())

    # ----- helpers ---------------------------------------------------------------------
    def param(self, key: str, dtype) -> np.ndarray:
        """``params[key]`` in ``dtype`` (a no-op when it already is), so float64 in gives float64 out."""
        p = self.params[key]
        return p if p.dtype == dtype else p.astype(dtype)

    def regularization_loss(self) -> float:
        """Penalty this layer adds to the loss (weight decay); 0 by default."""
        return 0.0

    # ----- weights, in Keras' order ----------------------------------------------------
    state_names: tuple[str, ...] | None = None  # None: the ndarray attributes called moving_* (batch norm's)

    def state_names_list(self) -> list[str]:
        """Names of the non-trainable state arrays (attributes), e.g. ``["moving_mean", "moving_variance"]``."""
        if self.state_names is not None:
            return list(self.state_names)
        return [k for k, v in vars(self).items() if k.startswith("moving_") and isinstance(v, np.ndarray)]

    @property
    def weights(self) -> list[np.ndarray]:
        """All weight arrays (not copies): ``params`` in order, then the state (Keras' ``layer.weights``)."""
        return [*self.params.values(), *(getattr(self, k) for k in self.state_names_list())]

    @property
    def trainable_weights(self) -> list[np.ndarray]:
        """The arrays ``fit`` updates: ``params``, or none when ``trainable`` is False."""
        return list(self.params.values()) if self.trainable else []

    @property
    def non_trainable_weights(self) -> list[np.ndarray]:
        """The state arrays (plus ``params`` when ``trainable`` is False), in Keras' order."""
        state = [getattr(self, k) for k in self.state_names_list()]
        return state if self.trainable else [*self.params.values(), *state]

    def get_weights(self) -> list[np.ndarray]:
        """Copies of the weights in Keras' order (``Dense``: kernel, bias; ``BatchNormalization``: gamma,
        beta, moving_mean, moving_variance; ``LSTM``: kernel, recurrent_kernel, bias)."""
        return [np.array(w, copy=True) for w in self.weights]

    def set_weights(self, weights: list) -> None:
        """Set the weights from a list like :meth:`get_weights` returns (same count, shapes, order)."""
        names = [*self.params, *self.state_names_list()]
        if len(weights) != len(names):
            raise ValueError(f"{self.describe()}: set_weights got {len(weights)} arrays, expected {len(names)} "
                             f"({', '.join(names) or 'no weights'}){'' if self.built else '; build the layer first'}")
        for key, w in zip(names, weights):
            target = self.params[key] if key in self.params else getattr(self, key)
            if np.shape(w) != target.shape:
                raise ValueError(f"{self.describe()}: set_weights got shape {np.shape(w)} for {key!r}, "
                                 f"expected {target.shape}")
            if key in self.params:
                target[...] = w  # in place: the optimizer's state is keyed by the array
            else:
                setattr(self, key, np.array(w, dtype=target.dtype))

    def count_params(self) -> int:
        """Number of scalars in all weights, trainable or not (as Keras' ``count_params``)."""
        return int(sum(np.size(w) for w in self.weights))

    def count_non_trainable(self) -> int:
        """Number of scalars in ``non_trainable_weights``."""
        return int(sum(np.size(w) for w in self.non_trainable_weights))

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
