"""``Recurrent``: what ``SimpleRNN``, ``LSTM`` and ``GRU`` share.

Input checks (a 3-D ``(batch, time, features)`` array), building ``kernel``,
``recurrent_kernel`` and ``bias``, output shapes, ``return_sequences``, and the
time-major bookkeeping around a subclass's loop over time steps.

Subclasses work **time-major**: the loop over ``t`` reads and writes ``a[t]``, a
contiguous ``(batch, ...)`` block, which is what makes the per-step numpy calls cheap.
They implement ``_run_forward(x) -> hs`` and ``_run_backward(dhs) -> dxt`` returning
``(time, batch, ...)`` arrays; this class converts them back to ``(batch, time, ...)``.
"""

from __future__ import annotations

import numpy as np

from .. import initializers
from .base import Layer, as_float


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
    return_sequences : bool
        Return every step's ``h_t`` instead of only the last one.
    input_shape : tuple of int, optional
        ``(time, features)`` of one sample; ``time`` may be ``None`` (sequences of any length).
    name : str, optional
        Layer name.

    Attributes
    ----------
    states : ndarray or None
        Hidden states ``h_1 .. h_T`` of the last forward, shape ``(batch, time, units)``
        (a read-only view).
    state_grads : ndarray or None
        After ``backward``: ``dL/dh_t`` for every step, shape ``(batch, time, units)``.
        It is the *total* gradient reaching ``h_t`` (from the output at ``t``, if any,
        plus through ``h_{t+1}``), the quantity whose norm shrinks or explodes with
        distance from the loss (vanishing/exploding gradients).
    """

    gates = 1  # number of units-wide blocks in the columns of kernel / recurrent_kernel

    def __init__(self, units: int, return_sequences: bool = False, input_shape=None, name: str | None = None):
        super().__init__(name=name)
        # (time, features); time may be None for variable-length sequences, as in Keras
        self.input_shape = None if input_shape is None else tuple(None if d is None else int(d) for d in input_shape)
        if isinstance(units, bool) or not isinstance(units, (int, np.integer)) or units < 1:
            raise ValueError(f"{type(self).__name__}: units must be a positive integer, got {units!r}")
        self.units = int(units)
        self.return_sequences = bool(return_sequences)
        self.states: np.ndarray | None = None
        self.state_grads: np.ndarray | None = None
        self._out_shape: tuple | None = None

    # ----- building and shapes ---------------------------------------------------------
    def build(self, input_shape, dtype=np.float32):
        n_in, width = input_shape[-1], self.gates * self.units
        self.params["kernel"] = initializers.glorot_uniform((n_in, width), dtype=dtype)
        # orthogonal() may return a transposed (Fortran-ordered) array; keep params C-contiguous
        recurrent = initializers.orthogonal((self.units, width), dtype=dtype)
        self.params["recurrent_kernel"] = np.ascontiguousarray(recurrent)
        self.params["bias"] = self._initial_bias(dtype)
        self.built = True

    def _initial_bias(self, dtype) -> np.ndarray:
        """Zeros of shape ``(gates * units,)``; LSTM and GRU override."""
        return np.zeros(self.gates * self.units, dtype=dtype)

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
    def forward(self, x, training=False):
        """``x (batch, time, features)`` → ``(batch, units)`` or ``(batch, time, units)``."""
        x = self._prepare_sequence(x)
        hs = self._run_forward(x)  # (time, batch, units)
        self.states = hs.transpose(1, 0, 2)
        self.states.flags.writeable = False  # a view of the cache backward needs: protect it
        self.state_grads = None
        self._out_shape = (x.shape[0], x.shape[1], self.units) if self.return_sequences else (x.shape[0], self.units)
        return self.states.copy() if self.return_sequences else hs[-1].copy()

    def backward(self, dout):
        """``dout`` shaped like the forward output → ``dx (batch, time, features)``; fills ``grads``.

        Also sets ``state_grads`` (``dL/dh_t``, shape ``(batch, time, units)``).
        """
        if self._out_shape is None:
            raise RuntimeError(f"{self.describe()}: backward called before forward")
        dout = np.asarray(dout)
        if dout.shape != self._out_shape:
            raise ValueError(f"{self.describe()}: backward got dout of shape {dout.shape}, expected {self._out_shape} "
                             f"(the shape forward returned; return_sequences={self.return_sequences})")
        batch, t_steps = self.states.shape[:2]
        dtype = self.states.dtype
        # dhs[t] starts as the gradient arriving at h_t from the output; the subclass adds
        # the part flowing back from step t + 1 and so turns it into the total dL/dh_t.
        if self.return_sequences:
            dhs = np.array(dout.transpose(1, 0, 2), dtype=dtype, order="C")  # a copy: dout stays untouched
        else:
            dhs = np.zeros((t_steps, batch, self.units), dtype=dtype)
            dhs[-1] = dout
        dxt = self._run_backward(dhs)
        self.state_grads = dhs.transpose(1, 0, 2)
        self.state_grads.flags.writeable = False
        return np.ascontiguousarray(dxt.transpose(1, 0, 2))

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
        return {"name": self.name, "units": self.units, "return_sequences": self.return_sequences}
