"""``LSTM``: long short-term memory (Hochreiter & Schmidhuber 1997), Keras parameter layout.

For every step, with ``sigma`` the logistic sigmoid and gates in Keras order i, f, c, o::

    [zi, zf, zc, zo] = x_t @ kernel + h_{t-1} @ recurrent_kernel + bias
    i, f, o = sigma(zi), sigma(zf), sigma(zo);   g = tanh(zc)
    c_t = f * c_{t-1} + i * g;                   h_t = o * tanh(c_t)

Speed (numpy pays ~1 microsecond per call, whatever the array's size, so the loop over time
must make few calls, each on a compact block of memory):

* The gates are stored as ``(time, 4, batch, units)`` in the internal order o, i, f, g: a
  step's gates are one contiguous block and every gate of every step is one contiguous
  ``(batch, units)`` block (a ufunc on a strided column slice runs several times slower); the
  sigmoid gates o, i, f and the gates whose gradient is ``dc * something`` (i, f, g) are each a
  single slice.
* The kernels are stored as four ``(in, units)`` blocks, so ``x @ kernel`` for all steps and
  ``h_{t-1} @ recurrent_kernel`` at each step are single *batched* products (``np.matmul`` over
  the gate axis) that write straight into this layout.
* ``sigmoid(z) = 0.5 + 0.5 tanh(z / 2)``: once the sigmoid columns of the weights are halved,
  one ``tanh`` call covers all four gates (other ``activation`` / ``recurrent_activation``
  names take a general path that stores the pre-activations).
* The backward pass walks back through the steps in chunks of a few steps. The local
  derivatives that do not depend on the incoming gradient are computed for a whole chunk at
  once: a few calls per chunk, on arrays small enough to stay in the processor's cache (the same
  passes over all steps at once would stream megabytes from main memory). Per step there remain
  five elementwise calls and one product with the recurrent kernel; the weight gradients are
  products over all steps after the loop.
"""

from __future__ import annotations

import numpy as np

from .. import activations
from .recurrent import Recurrent
from .recurrent_ops import add_state_grad, carry_masked, input_grads, recurrent_kernel_grad
from .workspace import Workspace


class LSTM(Recurrent):
    """Long short-term memory layer (tanh / sigmoid, Keras defaults).

    Shapes: ``x (batch, time, features)`` → ``(batch, units)``, or ``(batch, time, units)``
    with ``return_sequences=True``. ``kernel (features, 4 units)`` (glorot uniform),
    ``recurrent_kernel (units, 4 units)`` (orthogonal), ``bias (4 units,)`` with the
    forget-gate block initialised to 1 (Keras ``unit_forget_bias``); column blocks in
    Keras order i, f, c, o (the same as PyTorch's i, f, g, o with ``weight_ih = kernel.T``).

    Parameters
    ----------
    units : int
        Size of the hidden state ``h`` and of the cell state ``c``.
    activation, recurrent_activation : str or None
        Names from :mod:`dlcore.activations` for the candidate and ``c`` (``"tanh"``) and for
        the gates i, f, o (``"sigmoid"``).
    use_bias, kernel_initializer, recurrent_initializer, bias_initializer
        As :class:`~dlcore.layers.recurrent.Recurrent` (Keras' defaults: glorot uniform, orthogonal, zeros).
    unit_forget_bias : bool
        ``True`` (Keras' default): the forget gate's bias block starts at 1 (the other blocks from
        ``bias_initializer``), so at first ``c`` is carried along and gradients flow back through it
        (Jozefowicz et al. 2015). ``False``: the whole bias from ``bias_initializer``.
    kernel_regularizer, recurrent_regularizer, bias_regularizer
        Penalties added to the loss, as :class:`~dlcore.layers.recurrent.Recurrent`.
    **options
        ``dropout``, ``recurrent_dropout``, ``seed``, ``return_sequences``, ``return_state``,
        ``go_backwards``, ``zero_output_for_mask``, ``input_shape``, ``name``: as
        :class:`~dlcore.layers.recurrent.Recurrent`; ``return_state`` gives ``[out, h_T, c_T]``.

    Attributes
    ----------
    states, state_grads : ndarray
        ``h_t`` after forward and ``dL/dh_t`` after backward, both ``(batch, time, units)``
        (see :class:`~dlcore.layers.recurrent.Recurrent`).
    cell_states : ndarray
        ``c_t`` of the last forward, ``(batch, time, units)``.
    chunk_floats : int
        Speed only: the backward pass prepares its derivatives for chunks of steps holding about
        this many numbers per gate (the results do not depend on it).
    """

    gates = 4
    # Keras column blocks (i, f, c, o) -> internal order (o, i, f, g): sigmoid gates o, i, f first
    _ORDER = (3, 0, 1, 2)
    # 16384 float32 = 64 KB per gate: a chunk's arrays stay in the processor's cache
    chunk_floats = 16384

    def __init__(self, units: int, activation: str | None = "tanh", recurrent_activation: str | None = "sigmoid",
                 use_bias: bool = True, kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", unit_forget_bias: bool = True, kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, **options):
        super().__init__(units, activation, use_bias, kernel_initializer, recurrent_initializer, bias_initializer,
                         kernel_regularizer, recurrent_regularizer, bias_regularizer, **options)
        self.recurrent_activation = self._checked_activation(recurrent_activation)
        self.unit_forget_bias = bool(unit_forget_bias)
        self.workspace = Workspace()  # the megabyte-sized internal arrays, reused from call to call

    def _initial_bias(self, dtype):
        if not self.unit_forget_bias:
            return super()._initial_bias(dtype)
        # forget gate open at the start: gradients flow through c (as Keras, the i block, then f, then c and o)
        n = self.units
        return np.concatenate([self.bias_initializer((n,), dtype=dtype), np.ones(n, dtype=dtype),
                               self.bias_initializer((2 * n,), dtype=dtype)])

    def _gate_blocks(self, a: np.ndarray) -> np.ndarray:
        """Keras columns ``(rows, 4 units)`` → contiguous internal gate blocks ``(4, rows, units)``."""
        blocks = a.reshape(a.shape[0], 4, self.units).transpose(1, 0, 2)
        return np.ascontiguousarray(blocks[list(self._ORDER)])

    def _keras_columns(self, a: np.ndarray) -> np.ndarray:
        """Columns ``(rows, 4 units)`` in the internal gate order → Keras order (a new array)."""
        return a.reshape(len(a), 4, self.units)[:, np.argsort(self._ORDER)].reshape(len(a), -1)

    def _masks(self):
        """The dropout masks with their gate blocks in the internal order, each ``(1 or 4, batch, width)``."""
        m = self.dropout_masks
        return tuple(None if a is None else a[list(self._ORDER)] if len(a) == 4 else a for a in (m.inputs, m.recurrent))

    def _final_states(self):
        return [self.states[:, -1], self.cell_states[:, -1]]

    def _run_forward(self, x):
        batch, n_t, n_in = x.shape
        n, dt, fast = self.units, x.dtype, self._sigmoid_tanh()
        in_masks, rec_masks = self._masks()
        w_aug = np.concatenate([self.param("kernel", dt), self._bias(dt)[None]])  # bias row: ones column
        w = self._gate_blocks(w_aug)  # (4, features + 1, units)
        u = self._gate_blocks(self.param("recurrent_kernel", dt))  # (4, units, units)
        # sigmoid(z) = 0.5 + 0.5 * tanh(z / 2): halve the o, i, f blocks once, then one tanh per step
        scale = np.array([0.5, 0.5, 0.5, 1.0] if fast else [1.0] * 4, dtype=dt)[:, None, None]
        w_half, u_half = w * scale, u * scale
        # input dropout: each gate block k sees x_t * m_k (the ones column stays 1)
        xs = self._time_major_with_ones(x)[None]  # (1 or 4, time, batch, features + 1)
        if in_masks is not None:
            xs = np.repeat(xs, len(in_masks), axis=0)
            xs[..., :-1] *= in_masks[:, None]
        # the input part of every gate at every step: one batched product, (time, 4, batch, units)
        acts = self.workspace.get("acts", (n_t, 4, batch, n), dt)  # pre-activations, then gates
        np.matmul(xs.transpose(1, 0, 2, 3), w_half, out=acts)
        pre = None if fast else np.empty_like(acts)  # the general path keeps the pre-activations
        act, rec_act = activations.get(self.activation), activations.get(self.recurrent_activation)
        # h_0 .. h_T and c_0 .. c_T; np.empty rather than np.zeros: the loop writes every later row
        hbuf, cbuf = np.empty((n_t + 1, batch, n), dtype=dt), np.empty((n_t + 1, batch, n), dtype=dt)
        hbuf[0], cbuf[0] = 0, 0  # the initial state
        tanh_c = self.workspace.get("tanh_c", (n_t, batch, n), dt)  # activation(c_t)
        z = np.empty((4, batch, n), dtype=dt)
        ig = np.empty((batch, n), dtype=dt)
        step_mask = self._step_mask
        for t in range(n_t):
            a = acts[t]  # (4, batch, units): the gates o, i, f, g of step t
            if t:  # h_0 = 0 contributes nothing
                h = hbuf[t] if rec_masks is None else hbuf[t] * rec_masks  # recurrent dropout: h * r_k
                np.matmul(h, u_half, out=z)  # (batch, units) @ (4, units, units): all gates at once
                a += z
            if fast:
                np.tanh(a, out=a)
                a[:3] *= 0.5  # 0.5 + 0.5 tanh = sigmoid for o, i, f
                a[:3] += 0.5
            else:
                pre[t] = a
                a[:3], a[3] = rec_act(a[:3]), act(a[3])
            o, i, f, g = a
            np.multiply(f, cbuf[t], out=cbuf[t + 1])  # f * c_{t-1}
            np.multiply(i, g, out=ig)  # i * g
            cbuf[t + 1] += ig
            if fast:
                np.tanh(cbuf[t + 1], out=tanh_c[t])
            else:
                tanh_c[t] = act(cbuf[t + 1])
            np.multiply(o, tanh_c[t], out=hbuf[t + 1])  # o * tanh(c)
            if step_mask is not None:  # padding: keep h and c at masked steps
                carry_masked(hbuf[t + 1], hbuf[t], step_mask[t])
                carry_masked(cbuf[t + 1], cbuf[t], step_mask[t])
        self._cache = (xs, w, u, acts, pre, hbuf, cbuf, tanh_c)
        self.cell_states = cbuf[1:].transpose(1, 0, 2)
        self.cell_states.flags.writeable = False
        return hbuf[1:]

    def _derivatives(self, acts, pre, cbuf, tanh_c):
        """``derivatives(t0, t1) -> (d_gates (steps, 4, batch, units), d_act_c (steps, batch, units))``.

        For the steps ``t0 .. t1 - 1``: ``d_gates`` holds o', i', f' (recurrent activation) and
        g' (activation), ``d_act_c`` the derivative of activation at c_t. For sigmoid / tanh they
        come from the outputs alone (``sigmoid' = s (1 - s)``, ``tanh' = 1 - tanh^2``).
        """
        if pre is None:
            def derivatives(t0, t1):
                a, buf = acts[t0:t1], self.workspace.get
                d_gates = np.multiply(a, a, out=buf("d_gates", a.shape, a.dtype))
                np.subtract(a[:, :3], d_gates[:, :3], out=d_gates[:, :3])  # s - s^2 for o, i, f
                np.subtract(1, d_gates[:, 3], out=d_gates[:, 3])  # 1 - g^2
                d_act_c = np.multiply(tanh_c[t0:t1], tanh_c[t0:t1], out=buf("d_act_c", tanh_c[t0:t1].shape, a.dtype))
                np.subtract(1, d_act_c, out=d_act_c)  # 1 - tanh(c)^2
                return d_gates, d_act_c
            return derivatives
        ones = np.ones_like(pre)  # "linear" returns these ones themselves: one slice per derivative
        rec, act = self.recurrent_activation, self.activation
        all_gates = np.concatenate([activations.backward(rec, pre[:, :3], acts[:, :3], ones[:, :3]),
                                    activations.backward(act, pre[:, 3:], acts[:, 3:], ones[:, 3:])], axis=1)
        all_act_c = activations.backward(act, cbuf[1:], tanh_c, np.ones_like(tanh_c))
        return lambda t0, t1: (all_gates[t0:t1], all_act_c[t0:t1])

    def _run_backward(self, dhs):
        xs, w, u, acts, pre, hbuf, cbuf, tanh_c = self._cache
        n_t, _, batch, n = acts.shape
        dt = acts.dtype
        in_masks, rec_masks = self._masks()
        derivatives = self._derivatives(acts, pre, cbuf, tanh_c)
        buf = self.workspace.get
        # dL/d(pre-activation) as (time, batch, 4 units), gate columns in the internal order:
        # each step's dz is one matrix, so dL/dh_{t-1} is one product with the recurrent kernel
        dz = buf("dz", (n_t, batch, 4 * n), dt)
        dz4 = dz.reshape(n_t, batch, 4, n)  # the same memory, gate k of step t at dz4[t, :, k]
        dc = np.zeros((batch, n), dtype=dt)
        if self._final_state_grads:  # return_state: the gradient of c_T
            dc += self._final_state_grads[0]
        dc_rows = dc[:, None, :]  # (batch, 1, units): dc for each of the gates i, f, g (a view)
        tmp = np.empty((batch, n), dtype=dt)
        u_t = np.ascontiguousarray(u.transpose(0, 2, 1)).reshape(4 * n, n)  # the recurrent kernel, transposed
        step_mask = self._step_mask
        # The steps go backwards in chunks of a few steps. Everything that does not depend on the
        # incoming gradient is computed for a whole chunk at once (a few calls instead of a few per
        # step; a chunk's arrays, a few hundred KB, stay in the processor's cache, all steps would not):
        #   dz_o = dh * q,  q = act(c) o';      dc += dh * k,  k = o act'(c)
        #   [dz_i, dz_f, dz_g] = dc * p,  p = [g i',  c_{t-1} f',  i g']
        chunk = max(1, self.chunk_floats // (batch * n))
        for t1 in range(n_t, 0, -chunk):
            t0 = max(0, t1 - chunk)
            d_gates, k = derivatives(t0, t1)
            o, i, f, g = (acts[t0:t1, j] for j in range(4))
            q = np.multiply(tanh_c[t0:t1], d_gates[:, 0], out=buf("q", k.shape, dt))
            k *= o
            p = buf("p", (t1 - t0, batch, 3, n), dt)
            np.multiply(g, d_gates[:, 1], out=p[:, :, 0])
            np.multiply(cbuf[t0:t1], d_gates[:, 2], out=p[:, :, 1])
            np.multiply(i, d_gates[:, 3], out=p[:, :, 2])
            for t in range(t1 - 1, t0 - 1, -1):
                dh = dhs[t]  # total dL/dh_t: the step t + 1 already added its part
                if step_mask is not None:  # a masked step passes dh and dc straight to step t - 1
                    keep = step_mask[t]
                    dh, dh_skip, dc_skip = dh * keep, dh * ~keep, dc * ~keep
                    dc *= keep
                np.multiply(dh, k[t - t0], out=tmp)
                dc += tmp
                np.multiply(dh, q[t - t0], out=dz4[t, :, 0])
                np.multiply(p[t - t0], dc_rows, out=dz4[t, :, 1:])
                if t:
                    dc *= f[t - t0]  # dL/dc_{t-1} through c_t = f * c_{t-1} + ...
                    add_state_grad(dz[t], u_t, rec_masks, dhs[t - 1], tmp, self._fresh)
                    if step_mask is not None:
                        dc += dc_skip
                        dhs[t - 1] += dh_skip
        w_cols = w[:, :-1].transpose(1, 0, 2).reshape(-1, 4 * n)  # (features, 4 units), internal order
        dw_aug, dx = input_grads(xs, dz, w_cols, in_masks)
        dw_aug = self._keras_columns(dw_aug)  # kernel rows, then the bias row
        self.grads["kernel"] = dw_aug[:-1]
        self.grads["bias"] = dw_aug[-1]
        # h_0 = 0 adds nothing to the recurrent kernel's gradient: skip step 0
        self.grads["recurrent_kernel"] = self._keras_columns(recurrent_kernel_grad(hbuf[1:-1], dz[1:], rec_masks))
        return dx

    def get_config(self):
        return {**super().get_config(), "unit_forget_bias": self.unit_forget_bias}
