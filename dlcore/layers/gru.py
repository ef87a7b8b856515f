"""``GRU``: gated recurrent unit (Cho et al. 2014), both of Keras 3's variants.

For every step, with gates in Keras order z (update), r (reset), h (candidate). The default
``reset_after=True`` (Keras 3's and cuDNN's) resets *after* the recurrent product::

    [xz, xr, xh] = x_t @ kernel + bias[0]
    [hz, hr, hh] = h_{t-1} @ recurrent_kernel + bias[1]
    z = sigmoid(xz + hz);   r = sigmoid(xr + hr);   n = tanh(xh + r * hh)
    h_t = z * h_{t-1} + (1 - z) * n

``reset_after=False`` (the original paper's) resets the state *before* it::

    [xz, xr, xh] = x_t @ kernel + bias                (one bias vector)
    z = sigmoid(xz + h_{t-1} @ U_z);   r = sigmoid(xr + h_{t-1} @ U_r)
    n = tanh(xh + (r * h_{t-1}) @ U_h)                (U_z, U_r, U_h: column blocks of recurrent_kernel)
    h_t = z * h_{t-1} + (1 - z) * n

(PyTorch's ``nn.GRU`` computes the first, with gate blocks ordered r, z, n; it has no second.)
Speed: as in :mod:`dlcore.layers.lstm` — one input GEMM before the loop, one recurrent
GEMM per step (two for ``reset_after=False``: ``n`` needs ``r`` first), one ``tanh`` for both
sigmoid gates via ``sigmoid(z) = 0.5 + 0.5 tanh(z / 2)`` (``reset_after=True``), and the weight
gradients as GEMMs over all steps after the backward loop.
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
    is added to the input projection, row 1 to the recurrent one) — or ``bias (3 units,)``,
    added to the input projection only, with ``reset_after=False``; column blocks z, r, h.
    ``get_weights()`` is ``[kernel, recurrent_kernel, bias]`` in both variants, as in Keras.

    Parameters
    ----------
    units : int
        Size of the hidden state ``h``.
    activation, recurrent_activation : str or None
        Names from :mod:`dlcore.activations` for the candidate (``"tanh"``) and for z, r (``"sigmoid"``).
    use_bias, kernel_initializer, recurrent_initializer, bias_initializer
        As :class:`~dlcore.layers.recurrent.Recurrent` (Keras' defaults: glorot uniform, orthogonal, zeros;
        ``bias_initializer`` is called with the whole bias shape, ``(2, 3 units)`` with ``reset_after``).
    kernel_regularizer, recurrent_regularizer, bias_regularizer
        Penalties added to the loss, as :class:`~dlcore.layers.recurrent.Recurrent`.
    reset_after : bool
        ``True`` (Keras 3's default): ``n = tanh(xh + r * (h_{t-1} @ U_h + b_h))``, two bias rows.
        ``False``: ``n = tanh(xh + (r * h_{t-1}) @ U_h)``, one bias vector (see the module docstring).
    **options
        ``dropout``, ``recurrent_dropout``, ``seed``, ``return_sequences``, ``return_state``,
        ``go_backwards``, ``zero_output_for_mask``, ``input_shape``, ``name``: as
        :class:`~dlcore.layers.recurrent.Recurrent`. Recurrent dropout masks ``h_{t-1}`` in the
        recurrent product only; the direct path ``z * h_{t-1}`` uses the undropped state (as Keras).

    Attributes
    ----------
    states, state_grads : ndarray
        ``h_t`` after forward and ``dL/dh_t`` after backward, both ``(batch, time, units)``
        (see :class:`~dlcore.layers.recurrent.Recurrent`).
    """

    gates = 3

    def __init__(self, units: int, activation: str | None = "tanh", recurrent_activation: str | None = "sigmoid",
                 use_bias: bool = True, kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 reset_after: bool = True, **options):
        if not isinstance(reset_after, (bool, np.bool_)):
            raise ValueError(f"GRU: reset_after must be True (Keras 3's default: reset the recurrent product) or "
                             f"False (reset h_(t-1) before its product), got {reset_after!r}")
        super().__init__(units, activation, use_bias, kernel_initializer, recurrent_initializer, bias_initializer,
                         kernel_regularizer, recurrent_regularizer, bias_regularizer, **options)
        self.recurrent_activation = self._checked_activation(recurrent_activation)
        self.reset_after = bool(reset_after)

    def _bias_shape(self):
        return (2, 3 * self.units) if self.reset_after else (3 * self.units,)

    def _run_forward(self, x):
        if not self.reset_after:
            return self._run_forward_reset_before(x)
        batch, n_t, n_in = x.shape
        n, dt = self.units, x.dtype
        fast = self._sigmoid_tanh()
        act, rec_act = activations.get(self.activation), activations.get(self.recurrent_activation)
        masks = self.dropout_masks
        w, u, b = self.param("kernel", dt), self.param("recurrent_kernel", dt), self._bias(dt)
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
        if not self.reset_after:
            return self._run_backward_reset_before(dhs)
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

    # ----- reset_after=False: the reset gate scales h_{t-1} before the candidate's product --------
    def _run_forward_reset_before(self, x):
        """The time loop of ``reset_after=False`` (plain code: one activation call per gate group)."""
        batch, n_t, _ = x.shape
        n, dt = self.units, x.dtype
        act, rec_act = activations.get(self.activation), activations.get(self.recurrent_activation)
        masks = self.dropout_masks
        w, u, b = self.param("kernel", dt), self.param("recurrent_kernel", dt), self._bias(dt)
        # recurrent dropout (Keras' implementation=1): z and r see h_{t-1} * m_z, h_{t-1} * m_r; the candidate
        # sees r * (h_{t-1} * m_h), which is (r * h_{t-1}) * m_h: recurrent_matmul masks reset_h with m_h
        zr_masks, h_masks = (None, None) if masks.recurrent is None else (masks.recurrent[:2], masks.recurrent[2:])
        u_zr, u_h = u[:, :2 * n], u[:, 2 * n:]
        # pre[t] starts as x_t @ kernel + bias and becomes the pre-activations of z, r and n
        pre, xs = project_inputs(self._time_major_with_ones(x), np.concatenate([w, b[None]]), masks.inputs)
        acts = np.empty_like(pre)  # z, r, n for every step
        hbuf = np.zeros((n_t + 1, batch, n), dtype=dt)  # hbuf[0] = h_0 = 0
        reset_h = np.zeros((n_t, batch, n), dtype=dt)  # r * h_{t-1}, the input of the candidate's product
        tmp_zr, tmp = np.empty((batch, 2 * n), dtype=dt), np.empty((batch, n), dtype=dt)
        for t in range(n_t):
            p, a, h_prev = pre[t], acts[t], hbuf[t]
            if t:  # h_0 = 0 adds nothing to the recurrent products
                recurrent_matmul(h_prev, u_zr, zr_masks, tmp_zr)
                p[:, :2 * n] += tmp_zr
            a[:, :2 * n] = rec_act(p[:, :2 * n])
            z, r = a[:, :n], a[:, n:2 * n]
            np.multiply(r, h_prev, out=reset_h[t])
            if t:
                recurrent_matmul(reset_h[t], u_h, h_masks, tmp)
                p[:, 2 * n:] += tmp
            cand = a[:, 2 * n:]
            cand[...] = act(p[:, 2 * n:])
            h = hbuf[t + 1]  # z * h_{t-1} + (1 - z) * n  ==  n + z * (h_{t-1} - n)
            np.subtract(h_prev, cand, out=h)
            h *= z
            h += cand
            if self._step_mask is not None:  # padding: keep h at masked steps
                carry_masked(h, h_prev, self._step_mask[t])
        self._cache = (xs, w, u, acts, pre, reset_h, hbuf)
        return hbuf[1:]

    def _run_backward_reset_before(self, dhs):
        """Backprop through time for ``reset_after=False``; ``dhs`` becomes the total ``dL/dh_t``."""
        xs, w, u, acts, pre, reset_h, hbuf = self._cache
        n_t, batch = acts.shape[:2]
        n, dt = self.units, acts.dtype
        masks, step_mask = self.dropout_masks, self._step_mask
        zr_masks, h_masks = (None, None) if masks.recurrent is None else (masks.recurrent[:2], masks.recurrent[2:])
        u_zr_t, u_h_t = np.ascontiguousarray(u[:, :2 * n].T), np.ascontiguousarray(u[:, 2 * n:].T)
        ones = np.ones_like(pre)
        d_zr = activations.backward(self.recurrent_activation, pre[..., :2 * n], acts[..., :2 * n], ones[..., :2 * n])
        d_cand = activations.backward(self.activation, pre[..., 2 * n:], acts[..., 2 * n:], ones[..., 2 * n:])
        dpre = np.empty_like(pre)  # dL/d(pre-activations of z, r, n) for every step
        d_reset_h = np.empty((batch, n), dtype=dt)
        tmp = np.empty((batch, n), dtype=dt)
        for t in range(n_t - 1, -1, -1):
            dh, h_prev = dhs[t], hbuf[t]  # dh: total dL/dh_t (step t + 1 already added its part)
            z, r, cand = acts[t, :, :n], acts[t, :, n:2 * n], acts[t, :, 2 * n:]
            if step_mask is not None:  # a masked step passes dh straight to step t - 1
                dh_skip = dh * ~step_mask[t]
                dh = dh * step_mask[t]
            dz, dr, da = dpre[t, :, :n], dpre[t, :, n:2 * n], dpre[t, :, 2 * n:]
            np.multiply(dh * (1 - z), d_cand[t], out=da)  # h_t = z h_{t-1} + (1 - z) n,  n = act(a)
            np.multiply(dh * (h_prev - cand), d_zr[t, :, :n], out=dz)
            # a = xh + ((r * h_{t-1}) * m_h) @ U_h: back through the product, then through r * h_{t-1}
            np.matmul(da, u_h_t, out=d_reset_h)
            if h_masks is not None:
                d_reset_h *= h_masks[0]
            np.multiply(d_reset_h * h_prev, d_zr[t, :, n:], out=dr)
            if t:
                dh_prev = dhs[t - 1]
                add_state_grad(dpre[t, :, :2 * n], u_zr_t, zr_masks, dh_prev, tmp, self._fresh)  # via z and r
                dh_prev += d_reset_h * r  # via r * h_{t-1}
                dh_prev += dh * z  # the direct path
                if step_mask is not None:
                    dh_prev += dh_skip
        dw_aug, dx = input_grads(xs, dpre, w, masks.inputs)  # kernel rows, then the bias row
        self.grads["kernel"], self.grads["bias"] = dw_aug[:-1], dw_aug[-1]
        # h_0 = 0 (so r * h_0 = 0 too) adds nothing to the recurrent kernel's gradient: skip step 0
        self.grads["recurrent_kernel"] = np.concatenate([
            recurrent_kernel_grad(hbuf[1:-1], dpre[1:, :, :2 * n], zr_masks),
            recurrent_kernel_grad(reset_h[1:], dpre[1:, :, 2 * n:], h_masks)], axis=1)
        return dx

    def get_config(self):
        return {**super().get_config(), "reset_after": self.reset_after}
