"""``Recurrent``: what ``SimpleRNN``, ``LSTM`` and ``GRU`` share.

The constructor options of all three (Keras' names and defaults: activation, ``use_bias``, the
initializers and regularizers of ``kernel``, ``recurrent_kernel`` and ``bias``, dropout,
``return_sequences`` ...), input checks (a 3-D ``(batch, time, features)`` array), building the
weights, the weight penalties, output shapes, and the time-major bookkeeping around a subclass's
loop over time steps. A subclass holds its own cell: the weight shapes and the time loops.

Subclasses work **time-major**: the loop over ``t`` reads and writes ``a[t]``, a
contiguous ``(batch, ...)`` block, which is what makes the per-step numpy calls cheap.
They implement ``_run_forward(x) -> hs`` and ``_run_backward(dhs) -> dxt`` returning
``(time, batch, ...)`` arrays; this class converts them back to ``(batch, time, ...)``.
The dropout masks, the padding mask and ``return_state`` are handled here and by the
helpers of :mod:`dlcore.layers.recurrent_ops`, which the time loops call.
"""

from __future__ import annotations

import numpy as np

from .. import activations, initializers, regularizers
from .base import Layer, as_float
from .dense import weight_penalty
from .recurrent_ops import DropoutMasks


class Recurrent(Layer):
    """Base class of the recurrent layers (not used directly).

    Shapes: ``x (batch, time, features)`` → ``(batch, units)``, or ``(batch, time, units)``
    with ``return_sequences=True``. ``kernel (features, gates * units)``,
    ``recurrent_kernel (units, gates * units)``; ``bias`` is subclass-specific.
    The initial state is zeros and ``backward`` runs backpropagation through time over
    the whole sequence.

    Parameters
    ----------
    units : int
        Size of the hidden state ``h``.
    activation : str or None
        Name from :mod:`dlcore.activations` (``"tanh"`` as in Keras; ``None`` is linear): of the new
        state (``SimpleRNN``), of the candidate and the cell state (``LSTM``, ``GRU``).
    use_bias : bool
        Whether the layer has ``bias`` (without it, ``get_weights()`` is ``[kernel, recurrent_kernel]``).
    kernel_initializer, recurrent_initializer, bias_initializer : str or callable
        Names from :mod:`dlcore.initializers` or initializer objects; Keras' defaults
        ``"glorot_uniform"``, ``"orthogonal"`` and ``"zeros"``. Each is called once with the whole
        weight's shape (``(features, gates * units)``, ``(units, gates * units)``, the bias shape).
    kernel_regularizer, recurrent_regularizer, bias_regularizer : Regularizer or str, optional
        Penalties on ``kernel``, ``recurrent_kernel`` and ``bias``, added to the loss (see
        :mod:`dlcore.regularizers`); ``backward`` adds their gradients to ``grads``.
    dropout, recurrent_dropout : float
        Fractions of the inputs ``x_t`` and of the previous state ``h_{t-1}`` dropped in training.
        As Keras, one mask per sequence is drawn and reused at every step (per gate block, for
        LSTM and GRU with ``recurrent_dropout > 0``, Keras' ``implementation=1``); see
        :class:`~dlcore.layers.recurrent_ops.DropoutMasks` for freezing them.
    seed : int, optional
        Seed of the dropout masks' own generator.
    return_sequences : bool
        Return every step's ``h_t`` instead of only the last one.
    return_state : bool
        Return ``[output, h_T]`` (``[output, h_T, c_T]`` for the LSTM), as Keras; ``backward``
        then takes the list of their gradients (``None`` entries count as zeros).
    go_backwards : bool
        Read the sequence from its last step to its first (the output is not reversed back).
    zero_output_for_mask : bool
        With a padding ``mask``, output zeros at masked steps instead of the carried state
        (Keras' option; ``Bidirectional`` switches it on with ``return_sequences``).
    input_shape : tuple of int, optional
        ``(time, features)`` of one sample; ``time`` may be ``None`` (sequences of any length).
    name : str, optional
        Layer name.

    Attributes
    ----------
    states : ndarray or None
        Hidden states ``h_1 .. h_T`` of the last forward, shape ``(batch, time, units)``
        (a read-only view).
    dropout_masks : DropoutMasks
        The masks of the last training-mode forward, with ``freeze()`` / ``unfreeze()``.
    state_grads : ndarray or None
        After ``backward``: ``dL/dh_t`` for every step, shape ``(batch, time, units)``.
        It is the *total* gradient reaching ``h_t`` (from the output at ``t``, if any,
        plus through ``h_{t+1}``), the quantity whose norm shrinks or explodes with
        distance from the loss (vanishing/exploding gradients).
    """

    supports_masking = True  # uses a padding mask, and passes it on with return_sequences (Keras)
    gates = 1  # number of units-wide blocks in the columns of kernel / recurrent_kernel

    def __init__(self, units: int, activation: str | None = "tanh", use_bias: bool = True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None, *,
                 dropout: float = 0.0, recurrent_dropout: float = 0.0, seed: int | None = None,
                 return_sequences: bool = False, return_state: bool = False, go_backwards: bool = False,
                 zero_output_for_mask: bool = False, input_shape=None, name: str | None = None):
        super().__init__(name=name)
        # (time, features); time may be None for variable-length sequences, as in Keras
        self.input_shape = None if input_shape is None else tuple(None if d is None else int(d) for d in input_shape)
        if isinstance(units, bool) or not isinstance(units, (int, np.integer)) or units < 1:
            raise ValueError(f"{type(self).__name__}: units must be a positive integer, got {units!r}")
        self.units = int(units)
        self.activation = self._checked_activation(activation)
        if not isinstance(use_bias, (bool, np.bool_)):
            raise ValueError(f"{type(self).__name__}: use_bias must be True or False, got {use_bias!r}")
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.return_sequences, self.return_state = bool(return_sequences), bool(return_state)
        self.go_backwards, self.zero_output_for_mask = bool(go_backwards), bool(zero_output_for_mask)
        # Keras' implementation=1 (one mask per gate block) is what recurrent_dropout switches on
        blocks = self.gates if recurrent_dropout else 1
        self.dropout_masks = DropoutMasks(dropout, recurrent_dropout, blocks, seed, type(self).__name__)
        self.dropout, self.recurrent_dropout = self.dropout_masks.rate, self.dropout_masks.recurrent_rate
        self.seed = seed
        self.states: np.ndarray | None = None
        self.state_grads: np.ndarray | None = None
        self._out_shape: tuple | None = None

    # ----- options, building and shapes --------------------------------------------------
    @staticmethod
    def _checked_activation(name: str | None) -> str | None:
        """``name`` itself, once :mod:`dlcore.activations` knows it (a typo fails now, not at the first forward)."""
        activations.get(name)
        return name

    def _sigmoid_tanh(self) -> bool:
        """Whether a gated layer has Keras' default activations (tanh, and sigmoid gates): its fast path."""
        return (str(self.activation).lower() == "tanh"
                and str(getattr(self, "recurrent_activation", None)).lower() == "sigmoid")

    def build(self, input_shape, dtype=np.float32):
        n_in, width = input_shape[-1], self.gates * self.units
        # the time loops want C-contiguous weights (an initializer given as a function may not care)
        self.params["kernel"] = np.ascontiguousarray(self.kernel_initializer((n_in, width), dtype=dtype))
        recurrent = self.recurrent_initializer((self.units, width), dtype=dtype)
        self.params["recurrent_kernel"] = np.ascontiguousarray(recurrent)
        if self.use_bias:
            self.params["bias"] = np.ascontiguousarray(self._initial_bias(dtype), dtype=dtype)
        self.built = True

    def _bias_shape(self) -> tuple[int, ...]:
        """``(gates * units,)``; the GRU's ``reset_after`` has two rows."""
        return (self.gates * self.units,)

    def _initial_bias(self, dtype) -> np.ndarray:
        """``bias_initializer(bias shape)``; the LSTM overrides it (``unit_forget_bias``)."""
        return self.bias_initializer(self._bias_shape(), dtype=dtype)

    def _bias(self, dtype) -> np.ndarray:
        """``bias`` in ``dtype``, or zeros of its shape with ``use_bias=False``.

        The time loops add the bias through a ones column of the inputs; a zero row there costs
        nothing measurable and keeps one code path (``backward`` drops its gradient).
        """
        return self.param("bias", dtype) if self.use_bias else np.zeros(self._bias_shape(), dtype=dtype)

    def _regularizers(self) -> dict:
        return {"kernel": self.kernel_regularizer, "recurrent_kernel": self.recurrent_regularizer,
                "bias": self.bias_regularizer}

    def regularization_loss(self) -> float:
        """Sum of the penalties on ``kernel``, ``recurrent_kernel`` and ``bias`` (0 without regularizers)."""
        return weight_penalty(self, self._regularizers())

    def check_input_shape(self, shape):
        n_in = self.params["kernel"].shape[0]
        if shape[-1] != n_in:
            raise self.shape_error(shape, f"(batch, time, {n_in})", f"the last axis must have {n_in} features")

    def expected_input_desc(self):
        return "(batch, time, features)" if not self.built else f"(batch, time, {self.params['kernel'].shape[0]})"

    def compute_output_shape(self, input_shape):
        if len(input_shape) != 3:
            raise self.shape_error(input_shape, "(batch, time, features)", "a recurrent layer needs a 3-D input")
        batch, time = input_shape[0], input_shape[1]
        return (batch, time, self.units) if self.return_sequences else (batch, self.units)

    # ----- forward / backward around the subclass's time loop ---------------------------
    def forward(self, x, training=False, mask=None):
        """``x (batch, time, features)`` → ``(batch, units)`` or ``(batch, time, units)``.

        ``mask (batch, time)`` of bool (True = real step, e.g. ``Embedding.compute_mask``): at a
        masked step the state is carried over unchanged (and so is the output), as Keras does.
        """
        x = self._prepare_sequence(x)
        self._step_mask = None if mask is None else self._check_mask(mask, x.shape)
        if self.go_backwards:
            x = x[:, ::-1]
            self._step_mask = None if mask is None else self._step_mask[::-1]
        self.dropout_masks.draw(training, x.shape[0], x.shape[2], self.units, x.dtype)
        hs = self._run_forward(x)  # (time, batch, units)
        self.states = hs.transpose(1, 0, 2)
        self.states.flags.writeable = False  # a view of the cache backward needs: protect it
        self.state_grads = None
        self._out_shape = (x.shape[0], x.shape[1], self.units) if self.return_sequences else (x.shape[0], self.units)
        out = self.states.copy() if self.return_sequences else hs[-1].copy()
        if self.zero_output_for_mask and self._step_mask is not None:
            out *= self._output_mask()
        return [out, *(s.copy() for s in self._final_states())] if self.return_state else out

    def compute_mask(self, inputs, mask=None):
        """The mask goes on with ``return_sequences`` (the output keeps the time axis); else it ends here."""
        return mask if self.return_sequences else None

    def _output_mask(self) -> np.ndarray:
        """The padding mask shaped like the output: ``(batch, time, 1)`` or ``(batch, 1)`` (the last step)."""
        return self._step_mask.transpose(1, 0, 2) if self.return_sequences else self._step_mask[-1]

    def _final_states(self) -> list[np.ndarray]:
        """``[h_T]`` (the LSTM adds ``c_T``), each ``(batch, units)``."""
        return [self.states[:, -1]]

    def _check_mask(self, mask, shape) -> np.ndarray:
        """``mask (batch, time)`` → time-major ``(time, batch, 1)`` bool."""
        mask = np.asarray(mask, dtype=bool)
        if mask.shape != shape[:2]:
            raise self.shape_error(shape, f"a mask of shape {shape[:2]}", f"got mask of shape {mask.shape}")
        return np.ascontiguousarray(mask.T[:, :, None])

    def backward(self, dout):
        """``dout`` shaped like the forward output → ``dx (batch, time, features)``; fills ``grads``.

        With ``return_state``, ``dout`` is the list ``[d_output, d_h_T(, d_c_T)]``.
        Also sets ``state_grads`` (``dL/dh_t``, shape ``(batch, time, units)``).
        """
        if self._out_shape is None:
            raise RuntimeError(f"{self.describe()}: backward called before forward")
        batch, t_steps = self.states.shape[:2]
        dtype = self.states.dtype
        extra = []
        if self.return_state:
            n_out = 1 + len(self._final_states())
            if not isinstance(dout, (list, tuple)) or len(dout) != n_out:
                raise ValueError(f"{self.describe()}: with return_state=True backward takes a list of {n_out} "
                                 "gradients [d_output, d_h, ...], one per output")
            dout, extra = dout[0], [np.zeros((batch, self.units), dtype) if d is None else np.asarray(d, dtype)
                                    for d in dout[1:]]
        dout = np.zeros(self._out_shape, dtype) if dout is None else np.asarray(dout)
        if dout.shape != self._out_shape:
            raise ValueError(f"{self.describe()}: backward got dout of shape {dout.shape}, expected {self._out_shape} "
                             f"(the shape forward returned; return_sequences={self.return_sequences})")
        if self.zero_output_for_mask and self._step_mask is not None:
            dout = dout * self._output_mask()  # a new array: dout stays untouched
        # dhs[t] starts as the gradient arriving at h_t from the output; the subclass adds
        # the part flowing back from step t + 1 and so turns it into the total dL/dh_t.
        if self.return_sequences:
            dhs = np.array(dout.transpose(1, 0, 2), dtype=dtype, order="C")  # a copy: dout stays untouched
        else:
            dhs = np.zeros((t_steps, batch, self.units), dtype=dtype)
            dhs[-1] = dout
        if extra:
            dhs[-1] += extra[0]
        self._final_state_grads = extra[1:]  # the LSTM's d c_T
        # when nothing but the step t itself writes into dhs[t - 1], the loops may overwrite it
        self._fresh = not (self.return_sequences or self._step_mask is not None)
        dxt = self._run_backward(dhs)
        if not self.use_bias:
            del self.grads["bias"]  # the loops' gradient of the zero bias row
        for key, regularizer in self._regularizers().items():
            if regularizer is not None and key in self.params:
                self.grads[key] = self.grads[key] + regularizer.gradient(self.param(key, dtype))
        self.state_grads = dhs.transpose(1, 0, 2)
        self.state_grads.flags.writeable = False
        dx = dxt.transpose(1, 0, 2)
        return np.ascontiguousarray(dx[:, ::-1] if self.go_backwards else dx)

    @staticmethod
    def _time_major_with_ones(x: np.ndarray) -> np.ndarray:
        """``x (batch, time, features)`` → ``(time, batch, features + 1)``, the last column all ones.

        Time-major so that every step's slice ``[t]`` is contiguous; the ones column lets the
        input GEMM add the bias (and the weight-gradient GEMM sum the bias gradient) for free.
        """
        batch, t_steps, n_in = x.shape
        xa = np.empty((t_steps, batch, n_in + 1), dtype=x.dtype)
        xa[..., :n_in] = x.transpose(1, 0, 2)
        xa[..., n_in] = 1.0
        return xa

    def _run_forward(self, x: np.ndarray) -> np.ndarray:
        """``x (batch, time, features)`` → hidden states ``(time, batch, units)``; caches for backward.

        Subclasses keep the states in a ``(time + 1, batch, units)`` buffer whose row 0 is the
        zero initial state, so ``buf[:-1]`` are the previous states ``h_{t-1}`` without a copy.
        """
        raise NotImplementedError

    def _run_backward(self, dhs: np.ndarray) -> np.ndarray:
        """Backprop through time; ``dhs (time, batch, units)`` is updated in place to the total ``dL/dh_t``.

        Returns ``dxt (time, batch, features)`` and fills ``grads``.
        """
        raise NotImplementedError

    # ----- helpers ---------------------------------------------------------------------
    def _prepare_sequence(self, x) -> np.ndarray:
        """Validate a ``(batch, time, features)`` input, build on first use, return it as floats."""
        shape = np.shape(x)
        if len(shape) != 3:
            hint = "a recurrent layer needs a 3-D input (batch, time, features)"
            if len(shape) == 2:
                hint += ("; add a time axis: x[:, :, None] for a sequence of scalars, "
                         "or x[:, None, :] for a single time step")
            raise self.shape_error(shape, self.expected_input_desc(), hint)
        if shape[1] == 0:
            raise self.shape_error(shape, self.expected_input_desc(), "the sequence needs at least one time step")
        declared = self.input_shape
        if declared is not None and any(d is not None and d != s for d, s in zip(declared, shape[1:])):
            raise self.shape_error(shape, (None, *declared), "it was declared with input_shape")
        x = as_float(x, f"input of {self.describe()}")
        if not self.built:
            self.build((None, *x.shape[1:]), dtype=x.dtype)
        self.check_input_shape(x.shape)
        return x

    def get_config(self):
        config = {"name": self.name, "units": self.units, "activation": self.activation}
        if hasattr(self, "recurrent_activation"):
            config["recurrent_activation"] = self.recurrent_activation
        return {**config, "use_bias": self.use_bias, "kernel_initializer": self.kernel_initializer,
                "recurrent_initializer": self.recurrent_initializer, "bias_initializer": self.bias_initializer,
                "kernel_regularizer": self.kernel_regularizer, "recurrent_regularizer": self.recurrent_regularizer,
                "bias_regularizer": self.bias_regularizer, "dropout": self.dropout,
                "recurrent_dropout": self.recurrent_dropout, "seed": self.seed,
                "return_sequences": self.return_sequences, "return_state": self.return_state,
                "go_backwards": self.go_backwards}
