"""``LSTM``: long short-term memory (Hochreiter & Schmidhuber 1997), Keras parameter layout.

For every step, with ``sigma`` the logistic sigmoid and gates in Keras order i, f, c, o::

    [zi, zf, zc, zo] = x_t @ kernel + h_{t-1} @ recurrent_kernel + bias
    i, f, o = sigma(zi), sigma(zf), sigma(zo);   g = tanh(zc)
    c_t = f * c_{t-1} + i * g;                   h_t = o * tanh(c_t)

Speed: the input projection of all steps is one GEMM before the loop; inside the loop
there is one ``(batch, units) @ (units, 4 units)`` GEMM and a few in-place ufunc calls on
slices of preallocated buffers. The gates are stored internally in the order o, i, f, c
(sigmoid gates contiguous, and the three gates whose gradient is ``dc * something``
contiguous), and ``sigmoid(z) = 0.5 + 0.5 tanh(z / 2)`` lets one ``tanh`` call cover all
four gates once the sigmoid columns of the weights are pre-halved (other ``activation`` /
``recurrent_activation`` names take a general path that stores the pre-activations). The
weight gradients are two GEMMs over all steps after the backward loop.
"""

from __future__ import annotations

import numpy as np

from .. import activations
from .recurrent import Recurrent
from .recurrent_ops import (
    add_state_grad,
    carry_masked,
    input_grads,
    project_inputs,
    recurrent_kernel_grad,
    recurrent_matmul,
)
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
    return_sequences, return_state, go_backwards, dropout, recurrent_dropout, seed, zero_output_for_mask
        As :class:`~dlcore.layers.recurrent.Recurrent`; ``return_state`` gives ``[out, h_T, c_T]``.
    input_shape : tuple of int, optional
        ``(time, features)`` of one sample; ``time`` may be ``None`` (any length).
    name : str, optional
        Layer name.

    Attributes
    ----------
    states, state_grads : ndarray
        ``h_t`` after forward and ``dL/dh_t`` after backward, both ``(batch, time, units)``
        (see :class:`~dlcore.layers.recurrent.Recurrent`).
    cell_states : ndarray
        ``c_t`` of the last forward, ``(batch, time, units)``.
    """

    gates = 4
    # Keras column blocks (i, f, c, o) -> internal order (o, i, f, c)
    _ORDER = (3, 0, 1, 2)

    def __init__(self, units: int, activation: str | None = "tanh", recurrent_activation: str | None = "sigmoid",
                 return_sequences: bool = False, return_state: bool = False, go_backwards: bool = False,
                 dropout: float = 0.0, recurrent_dropout: float = 0.0, seed: int | None = None,
                 zero_output_for_mask: bool = False, input_shape=None, name: str | None = None):
        super().__init__(units, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, dropout=dropout, recurrent_dropout=recurrent_dropout, seed=seed,
                         zero_output_for_mask=zero_output_for_mask, input_shape=input_shape, name=name)
        activations.get(activation), activations.get(recurrent_activation)  # fail now on a typo
        self.activation, self.recurrent_activation = activation, recurrent_activation
        self.workspace = Workspace()  # the megabyte-sized internal arrays, reused from call to call

    def _initial_bias(self, dtype):
        bias = np.zeros(4 * self.units, dtype=dtype)
        bias[self.units:2 * self.units] = 1.0  # forget gate open at the start: gradients flow through c
        return bias

    def _columns(self) -> np.ndarray:
        """Column indices taking Keras' (i, f, c, o) blocks to the internal (o, i, f, c), shape ``(4 units,)``."""
        n = self.units
        return np.concatenate([np.arange(k * n, (k + 1) * n) for k in self._ORDER])

    def _masks(self):
        """The dropout masks with their gate blocks in the internal order."""
        m = self.dropout_masks
        return tuple(None if a is None else a[list(self._ORDER)] if len(a) == 4 else a for a in (m.inputs, m.recurrent))

    def _final_states(self):
        return [self.states[:, -1], self.cell_states[:, -1]]

    def _fast(self) -> bool:
        return str(self.activation).lower() == "tanh" and str(self.recurrent_activation).lower() == "sigmoid"

    def _run_forward(self, x):
        batch, n_t, n_in = x.shape
        n, dt, fast = self.units, x.dtype, self._fast()
        cols = self._columns()
        in_masks, rec_masks = self._masks()
        # sigmoid(z) = 0.5 + 0.5 * tanh(z / 2): halve the o, i, f columns once, then one tanh per step
        scale = np.ones(4 * n, dtype=dt)
        scale[:3 * n] = 0.5 if fast else 1.0
        # as (batch, 4 units) arrays: a same-shape ufunc runs ~1.7x faster than a broadcast one
        scale_rows = np.tile(scale, (batch, 1))
        shift_rows = 1 - scale_rows
        # np.take keeps the result C-contiguous (fancy indexing [:, cols] returns a Fortran-ordered
        # array, which makes every per-step GEMM about twice as slow)
        w = np.take(self.param("kernel", dt), cols, axis=1)
        u = np.take(self.param("recurrent_kernel", dt), cols, axis=1)
        u_half = u * scale
        w_aug = np.concatenate([w, self.param("bias", dt)[None, cols]]) * scale  # bias row meets the ones column
        acts, xs = project_inputs(self._time_major_with_ones(x), w_aug, in_masks)  # pre-activations, then gates
        pre = None if fast else np.empty_like(acts)  # the general path keeps the pre-activations
        act, rec_act = activations.get(self.activation), activations.get(self.recurrent_activation)
        hbuf = np.zeros((n_t + 1, batch, n), dtype=dt)  # hbuf[0] = h_0 = 0
        cbuf = np.zeros((n_t + 1, batch, n), dtype=dt)
        tanh_c = self.workspace.get("tanh_c", (n_t, batch, n), dt)  # activation(c_t)
        z = np.empty((batch, 4 * n), dtype=dt)
        ig = np.empty((batch, n), dtype=dt)
        step_mask = self._step_mask
        for t in range(n_t):
            a = acts[t]
            if t:  # h_0 = 0 contributes nothing
                recurrent_matmul(hbuf[t], u_half, rec_masks, z)
                a += z
            if fast:
                np.tanh(a, out=a)
                a *= scale_rows  # 0.5 + 0.5 tanh for o, i, f; identity for the candidate
                a += shift_rows
            else:
                pre[t] = a
                a[:, :3 * n], a[:, 3 * n:] = rec_act(a[:, :3 * n]), act(a[:, 3 * n:])
            np.multiply(a[:, 2 * n:3 * n], cbuf[t], out=cbuf[t + 1])  # f * c_{t-1}
            np.multiply(a[:, n:2 * n], a[:, 3 * n:], out=ig)  # i * g
            cbuf[t + 1] += ig
            if fast:
                np.tanh(cbuf[t + 1], out=tanh_c[t])
            else:
                tanh_c[t] = act(cbuf[t + 1])
            np.multiply(a[:, :n], tanh_c[t], out=hbuf[t + 1])  # o * tanh(c)
            if step_mask is not None:  # padding: keep h and c at masked steps
                carry_masked(hbuf[t + 1], hbuf[t], step_mask[t])
                carry_masked(cbuf[t + 1], cbuf[t], step_mask[t])
        self._cache = (xs, w, u, acts, pre, hbuf, cbuf, tanh_c)
        self.cell_states = cbuf[1:].transpose(1, 0, 2)
        self.cell_states.flags.writeable = False
        return hbuf[1:]

    def _derivatives(self, acts, pre, cbuf, tanh_c):
        """Local derivatives for all steps: of the o, i, f gates, of the candidate g, and of activation(c)."""
        n = self.units
        if pre is None:  # sigmoid' = s (1 - s) and tanh' = 1 - tanh^2: from the outputs alone
            sig, g, buf = acts[..., :3 * n], acts[..., 3 * n:], self.workspace.get
            dsig = np.subtract(1, sig, out=buf("dsig", sig.shape, sig.dtype))
            dsig *= sig
            dg = np.multiply(g, g, out=buf("dg", g.shape, g.dtype))
            np.subtract(1, dg, out=dg)
            dact_c = np.multiply(tanh_c, tanh_c, out=buf("dact_c", tanh_c.shape, tanh_c.dtype))
            np.subtract(1, dact_c, out=dact_c)
            return dsig, dg, dact_c
        ones = np.ones_like(pre)  # "linear" returns these ones themselves: one slice per derivative
        rec, act = self.recurrent_activation, self.activation
        return (activations.backward(rec, pre[..., :3 * n], acts[..., :3 * n], ones[..., :3 * n]),
                activations.backward(act, pre[..., 3 * n:], acts[..., 3 * n:], ones[..., 3 * n:]),
                activations.backward(act, cbuf[1:], tanh_c, np.ones_like(tanh_c)))

    def _run_backward(self, dhs):
        xs, w, u, acts, pre, hbuf, cbuf, tanh_c = self._cache
        n_t, batch = acts.shape[:2]
        n, dt = self.units, acts.dtype
        in_masks, rec_masks = self._masks()
        o, i, f, g = (acts[..., k * n:(k + 1) * n] for k in range(4))
        # Everything that does not depend on the incoming gradient, for all steps at once
        # (written into reused arrays: fewer passes over memory, no temporaries, no page faults):
        #   dz_o = dh * q,  q = act(c) o';      dc += dh * k,  k = o act'(c)
        #   [dz_i, dz_f, dz_c] = dc * p,  p = [g i',  c_{t-1} f',  i g']
        dsig, dg, k = self._derivatives(acts, pre, cbuf, tanh_c)
        buf = self.workspace.get
        q = np.multiply(tanh_c, dsig[..., :n], out=buf("q", tanh_c.shape, dt))
        k *= o
        p = buf("p", (n_t, batch, 3, n), dt)
        np.multiply(g, dsig[..., n:2 * n], out=p[:, :, 0])
        np.multiply(cbuf[:-1], dsig[..., 2 * n:], out=p[:, :, 1])
        np.multiply(i, dg, out=p[:, :, 2])
        dz = buf("dz", (n_t, batch, 4 * n), dt)  # dL/d(pre-activation), internal gate order
        dz4 = dz.reshape(n_t, batch, 4, n)
        dc = np.zeros((batch, n), dtype=dt)
        if self._final_state_grads:  # return_state: the gradient of c_T
            dc += self._final_state_grads[0]
        tmp = np.empty((batch, n), dtype=dt)
        u_t = np.ascontiguousarray(u.T)
        step_mask = self._step_mask
        for t in range(n_t - 1, -1, -1):
            dh = dhs[t]  # total dL/dh_t: the step t + 1 already added its part
            if step_mask is not None:  # a masked step passes dh and dc straight to step t - 1
                keep = step_mask[t]
                dh, dh_skip, dc_skip = dh * keep, dh * ~keep, dc * ~keep
                dc *= keep
            np.multiply(dh, k[t], out=tmp)
            dc += tmp
            np.multiply(dh, q[t], out=dz4[t, :, 0])
            np.multiply(p[t], dc[:, None, :], out=dz4[t, :, 1:])
            if t:
                dc *= f[t]  # dL/dc_{t-1} through c_t = f * c_{t-1} + ...
                add_state_grad(dz[t], u_t, rec_masks, dhs[t - 1], tmp, self._fresh)
                if step_mask is not None:
                    dc += dc_skip
                    dhs[t - 1] += dh_skip
        back = np.argsort(self._columns())  # internal columns -> Keras order
        dw_aug, dx = input_grads(xs, dz, w, in_masks)
        dw_aug = np.take(dw_aug, back, axis=1)  # kernel rows, then the bias row
        self.grads["kernel"] = dw_aug[:-1]
        self.grads["bias"] = dw_aug[-1]
        # h_0 = 0 adds nothing to the recurrent kernel's gradient: skip step 0
        self.grads["recurrent_kernel"] = np.take(recurrent_kernel_grad(hbuf[1:-1], dz[1:], rec_masks), back, axis=1)
        return dx

    def get_config(self):
        return {**super().get_config(), "activation": self.activation,
                "recurrent_activation": self.recurrent_activation}
