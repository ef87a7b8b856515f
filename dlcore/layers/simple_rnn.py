"""``SimpleRNN``: the Elman recurrent layer ``h_t = activation(x_t @ kernel + h_{t-1} @ recurrent_kernel + bias)``.

The input projection of all steps is one GEMM before the loop, so the loop only does the
``(batch, units) @ (units, units)`` product and the activation; the weight gradients are
single GEMMs over all steps after the backward loop.
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


class SimpleRNN(Recurrent):
    """Fully connected recurrent layer.

    Shapes: ``x (batch, time, features)`` → ``(batch, units)``, or ``(batch, time, units)``
    with ``return_sequences=True``. ``kernel (features, units)`` (glorot uniform),
    ``recurrent_kernel (units, units)`` (orthogonal), ``bias (units,)`` (zeros), as in Keras.

    Parameters
    ----------
    units : int
        Size of the hidden state ``h``.
    activation : str or None
        Name from :mod:`dlcore.activations`; ``"tanh"`` as in Keras, ``None`` is linear.
    use_bias, kernel_initializer, recurrent_initializer, bias_initializer
        As :class:`~dlcore.layers.recurrent.Recurrent` (Keras' defaults: glorot uniform, orthogonal, zeros).
    kernel_regularizer, recurrent_regularizer, bias_regularizer
        Penalties added to the loss, as :class:`~dlcore.layers.recurrent.Recurrent`.
    dropout, recurrent_dropout, seed, return_sequences, return_state, go_backwards, zero_output_for_mask
        As :class:`~dlcore.layers.recurrent.Recurrent` (one input and one recurrent mask, as Keras).
    input_shape : tuple of int, optional
        ``(time, features)`` of one sample; ``time`` may be ``None`` (any length).
    name : str, optional
        Layer name.

    Attributes
    ----------
    states, state_grads : ndarray
        ``h_t`` after forward and ``dL/dh_t`` after backward, both ``(batch, time, units)``
        (see :class:`~dlcore.layers.recurrent.Recurrent`); plot ``norm(state_grads, axis=-1)``
        against ``t`` to see gradients vanish or explode.
    """

    # The constructor is Recurrent's: its signature is Keras' SimpleRNN's.

    def _run_forward(self, x):
        batch, n_t, n_in = x.shape
        n, dt = self.units, x.dtype
        masks = self.dropout_masks
        w, u, b = self.param("kernel", dt), self.param("recurrent_kernel", dt), self._bias(dt)
        act = activations.get(self.activation)
        is_tanh = str(self.activation).lower() == "tanh"
        w_aug = np.concatenate([w, b[None]])  # the bias row meets xa's ones column
        zs, xs = project_inputs(self._time_major_with_ones(x), w_aug, masks.inputs)  # pre-activations, all steps
        hbuf = np.zeros((n_t + 1, batch, n), dtype=dt)  # hbuf[0] = h_0 = 0
        tmp = np.empty((batch, n), dtype=dt)
        for t in range(n_t):
            if t:
                recurrent_matmul(hbuf[t], u, masks.recurrent, tmp)
                zs[t] += tmp
            if is_tanh:
                np.tanh(zs[t], out=hbuf[t + 1])
            else:
                hbuf[t + 1] = act(zs[t])
            if self._step_mask is not None:  # padding: keep h at masked steps
                carry_masked(hbuf[t + 1], hbuf[t], self._step_mask[t])
        self._cache = (xs, w, u, zs, hbuf)
        return hbuf[1:]

    def _run_backward(self, dhs):
        xs, w, u, zs, hbuf = self._cache
        n_t, batch = zs.shape[:2]
        n, hs, masks, step_mask = self.units, hbuf[1:], self.dropout_masks, self._step_mask
        elementwise = str(self.activation).lower() != "softmax"
        if elementwise:  # the local derivative of every step at once
            deriv = activations.backward(self.activation, zs, hs, np.ones_like(hs))
        dz = np.empty_like(zs)
        tmp = np.empty((batch, n), dtype=zs.dtype)
        u_t = np.ascontiguousarray(u.T)
        for t in range(n_t - 1, -1, -1):
            dh = dhs[t]
            if step_mask is not None:  # a masked step passes dh straight to step t - 1
                dh, dh_skip = dh * step_mask[t], dh * ~step_mask[t]
            if elementwise:
                np.multiply(dh, deriv[t], out=dz[t])
            else:  # softmax couples the units: a vector-Jacobian product per step
                dz[t] = activations.backward(self.activation, zs[t], hs[t], dh)
            if t:
                add_state_grad(dz[t], u_t, masks.recurrent, dhs[t - 1], tmp, self._fresh)
                if step_mask is not None:
                    dhs[t - 1] += dh_skip
        dw_aug, dx = input_grads(xs, dz, w, masks.inputs)  # kernel rows, then the bias row (ones column)
        self.grads["kernel"] = dw_aug[:-1]
        self.grads["bias"] = dw_aug[-1]
        # h_0 = 0 adds nothing to the recurrent kernel's gradient: skip step 0
        self.grads["recurrent_kernel"] = recurrent_kernel_grad(hbuf[1:-1], dz[1:], masks.recurrent)
        return dx
