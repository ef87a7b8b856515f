"""``GRU``: gated recurrent unit (Cho et al. 2014), Keras 3 default ``reset_after=True``.

For every step, with gates in Keras order z (update), r (reset), h (candidate)::

    [xz, xr, xh] = x_t @ kernel + bias[0]
    [hz, hr, hh] = h_{t-1} @ recurrent_kernel + bias[1]
    z = sigmoid(xz + hz);   r = sigmoid(xr + hr);   n = tanh(xh + r * hh)
    h_t = z * h_{t-1} + (1 - z) * n

(PyTorch's ``nn.GRU`` computes the same function, with gate blocks ordered r, z, n.)
Speed: as in :mod:`dlcore.layers.lstm` — one input GEMM before the loop, one recurrent
GEMM per step, one ``tanh`` for both sigmoid gates via ``sigmoid(z) = 0.5 + 0.5 tanh(z / 2)``,
and the weight gradients as GEMMs over all steps after the backward loop.
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


class GRU(Recurrent):
    """Gated recurrent unit layer (tanh / sigmoid, ``reset_after=True``, Keras defaults).

    Shapes: ``x (batch, time, features)`` → ``(batch, units)``, or ``(batch, time, units)``
    with ``return_sequences=True``. ``kernel (features, 3 units)`` (glorot uniform),
    ``recurrent_kernel (units, 3 units)`` (orthogonal), ``bias (2, 3 units)`` (zeros; row 0
    is added to the input projection, row 1 to the recurrent one); column blocks z, r, h.

    Parameters
    ----------
    units : int
        Size of the hidden state ``h``.
    activation, recurrent_activation : str or None
        Names from :mod:`dlcore.activations` for the candidate (``"tanh"``) and for z, r (``"sigmoid"``).
    return_sequences, return_state, go_backwards, dropout, recurrent_dropout, seed, zero_output_for_mask
        As :class:`~dlcore.layers.recurrent.Recurrent`. Recurrent dropout masks ``h_{t-1}`` in the
        recurrent product only; the direct path ``z * h_{t-1}`` uses the undropped state (as Keras).
    input_shape : tuple of int, optional
        ``(time, features)`` of one sample; ``time`` may be ``None`` (any length).
    name : str, optional
        Layer name.

    Attributes
    ----------
    states, state_grads : ndarray
        ``h_t`` after forward and ``dL/dh_t`` after backward, both ``(batch, time, units)``
        (see :class:`~dlcore.layers.recurrent.Recurrent`).
    """

    gates = 3

    def __init__(self, units: int, activation: str | None = "tanh", recurrent_activation: str | None = "sigmoid",
                 return_sequences: bool = False, return_state: bool = False, go_backwards: bool = False,
                 dropout: float = 0.0, recurrent_dropout: float = 0.0, seed: int | None = None,
                 zero_output_for_mask: bool = False, input_shape=None, name: str | None = None):
        super().__init__(units, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, dropout=dropout, recurrent_dropout=recurrent_dropout, seed=seed,
                         zero_output_for_mask=zero_output_for_mask, input_shape=input_shape, name=name)
        activations.get(activation), activations.get(recurrent_activation)  # fail now on a typo
        self.activation, self.recurrent_activation = activation, recurrent_activation

    def _initial_bias(self, dtype):
        return np.zeros((2, 3 * self.units), dtype=dtype)

    def _run_forward(self, x):
        batch, n_t, n_in = x.shape
        n, dt = self.units, x.dtype
        fast = str(self.activation).lower() == "tanh" and str(self.recurrent_activation).lower() == "sigmoid"
        act, rec_act = activations.get(self.activation), activations.get(self.recurrent_activation)
        masks = self.dropout_masks
        w, u, b = (self.param(key, dt) for key in ("kernel", "recurrent_kernel", "bias"))
        # sigmoid(z) = 0.5 + 0.5 * tanh(z / 2): halve the z and r columns once, then one tanh per step
        half = np.ones(3 * n, dtype=dt)
        half[:2 * n] = 0.5 if fast else 1.0
        u_half, b_rec = u * half, b[1] * half
        w_aug = np.concatenate([w, b[:1]]) * half  # the input bias row meets xa's ones column
        # input projection, then z, r, n
        acts, xs = project_inputs(self._time_major_with_ones(x), w_aug, masks.inputs)
        pre = None if fast else np.empty_like(acts)  # the general path keeps the pre-activations
        rec = np.empty((n_t, batch, 3 * n), dtype=dt)  # h_{t-1} @ recurrent_kernel + bias[1] (halved z, r)
        hbuf = np.zeros((n_t + 1, batch, n), dtype=dt)  # hbuf[0] = h_0 = 0
        tmp = np.empty((batch, n), dtype=dt)
        for t in range(n_t):
            a, rt = acts[t], rec[t]
            if t:
                recurrent_matmul(hbuf[t], u_half, masks.recurrent, rt)
                rt += b_rec
            else:  # h_0 = 0
                rt[...] = b_rec
            zr = a[:, :2 * n]
            zr += rt[:, :2 * n]
            if fast:
                np.tanh(zr, out=zr)
                zr *= 0.5
                zr += 0.5
            else:
                pre[t, :, :2 * n] = zr
                zr[...] = rec_act(zr)
            cand = a[:, 2 * n:]
            np.multiply(a[:, n:2 * n], rt[:, 2 * n:], out=tmp)  # r * hh
            cand += tmp
            if fast:
                np.tanh(cand, out=cand)
            else:
                pre[t, :, 2 * n:] = cand
                cand[...] = act(cand)
            h = hbuf[t + 1]  # z * h_{t-1} + (1 - z) * n  ==  n + z * (h_{t-1} - n)
            np.subtract(hbuf[t], cand, out=h)
            h *= a[:, :n]
            h += cand
            if self._step_mask is not None:  # padding: keep h at masked steps
                carry_masked(h, hbuf[t], self._step_mask[t])
        self._cache = (xs, w, u, acts, pre, rec, hbuf)
        return hbuf[1:]

    def _derivatives(self, acts, pre):
        """Local derivatives for all steps: of z, r and of the candidate n."""
        n = self.units
        if pre is None:  # sigmoid and tanh: from their outputs alone
            zr, cand = acts[..., :2 * n], acts[..., 2 * n:]
            return zr * (1 - zr), 1 - cand * cand
        ones = np.ones_like(pre)
        return (activations.backward(self.recurrent_activation, pre[..., :2 * n], acts[..., :2 * n], ones[..., :2 * n]),
                activations.backward(self.activation, pre[..., 2 * n:], acts[..., 2 * n:], ones[..., 2 * n:]))

    def _run_backward(self, dhs):
        xs, w, u, acts, pre, rec, hbuf = self._cache
        n_t, batch = acts.shape[:2]
        n, dt = self.units, acts.dtype
        masks, step_mask = self.dropout_masks, self._step_mask
        z, r, cand = acts[..., :n], acts[..., n:2 * n], acts[..., 2 * n:]
        rec_h = rec[..., 2 * n:]  # the recurrent candidate term hh (its columns were not halved)
        dzr, dn = self._derivatives(acts, pre)
        # Everything that does not depend on the incoming gradient, for all steps at once. With
        # a = xh + r * hh the candidate's pre-activation:  da = dh * (1 - z) n', and
        #   d(hz, hr, hh) = dh * [(h_{t-1} - n) z',  (1 - z) n' hh r',  (1 - z) n' r]
        da_dh = (1 - z) * dn
        m = np.empty((n_t, batch, 3, n), dtype=dt)
        np.multiply(hbuf[:-1] - cand, dzr[..., :n], out=m[:, :, 0])
        np.multiply(da_dh * rec_h, dzr[..., n:], out=m[:, :, 1])
        np.multiply(da_dh, r, out=m[:, :, 2])
        drec = np.empty((n_t, batch, 3 * n), dtype=dt)  # dL/d(h_{t-1} @ recurrent_kernel + bias[1])
        drec3 = drec.reshape(n_t, batch, 3, n)
        tmp = np.empty((batch, n), dtype=dt)
        u_t = np.ascontiguousarray(u.T)
        dh_cell = dhs if step_mask is None else np.empty_like(dhs)  # the part of dL/dh_t that reaches the cell
        for t in range(n_t - 1, -1, -1):
            dh = dhs[t]  # total dL/dh_t: the step t + 1 already added its part
            if step_mask is not None:  # a masked step passes dh straight to step t - 1
                dh_skip = dh * ~step_mask[t]
                dh = np.multiply(dh, step_mask[t], out=dh_cell[t])
            np.multiply(m[t], dh[:, None, :], out=drec3[t])
            if t:
                add_state_grad(drec[t], u_t, masks.recurrent, dhs[t - 1], tmp, self._fresh)
                np.multiply(dh, z[t], out=tmp)  # the direct path h_t = z * h_{t-1} + ...
                dhs[t - 1] += tmp
                if step_mask is not None:
                    dhs[t - 1] += dh_skip
        dx_proj = drec.copy()  # dL/d(x_t @ kernel + bias[0]): same for z and r, da for the candidate
        np.multiply(dh_cell, da_dh, out=dx_proj[..., 2 * n:])
        dw_aug, dx = input_grads(xs, dx_proj, w, masks.inputs)  # kernel rows, then the input bias row
        self.grads["kernel"] = dw_aug[:-1]
        # h_0 = 0 adds nothing to the recurrent kernel's gradient: skip step 0
        self.grads["recurrent_kernel"] = recurrent_kernel_grad(hbuf[1:-1], drec[1:], masks.recurrent)
        self.grads["bias"] = np.stack([dw_aug[-1], drec.reshape(-1, 3 * n).sum(axis=0)])
        return dx

    def get_config(self):
        return {**super().get_config(), "activation": self.activation,
                "recurrent_activation": self.recurrent_activation}
