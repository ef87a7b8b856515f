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
four gates once the sigmoid columns of the weights are pre-halved. The weight gradients
are two GEMMs over all steps after the backward loop.
"""

from __future__ import annotations

import numpy as np

from .recurrent import Recurrent


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
    return_sequences : bool
        Return ``h_t`` for every step, not only the last.
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

    def _initial_bias(self, dtype):
        bias = np.zeros(4 * self.units, dtype=dtype)
        bias[self.units:2 * self.units] = 1.0  # forget gate open at the start: gradients flow through c
        return bias

    def _columns(self) -> np.ndarray:
        """Column indices taking Keras' (i, f, c, o) blocks to the internal (o, i, f, c), shape ``(4 units,)``."""
        n = self.units
        return np.concatenate([np.arange(k * n, (k + 1) * n) for k in self._ORDER])

    def _run_forward(self, x):
        batch, n_t, n_in = x.shape
        n, dt = self.units, x.dtype
        cols = self._columns()
        # sigmoid(z) = 0.5 + 0.5 * tanh(z / 2): halve the o, i, f columns once, then one tanh per step
        scale = np.ones(4 * n, dtype=dt)
        scale[:3 * n] = 0.5
        shift = 1 - scale
        # np.take keeps the result C-contiguous (fancy indexing [:, cols] returns a Fortran-ordered
        # array, which makes every per-step GEMM about twice as slow)
        w = np.take(self.param("kernel", dt), cols, axis=1)
        u = np.take(self.param("recurrent_kernel", dt), cols, axis=1)
        u_half = u * scale
        w_aug = np.concatenate([w, self.param("bias", dt)[None, cols]]) * scale  # bias row meets the ones column
        xa = self._time_major_with_ones(x)
        acts = (xa.reshape(-1, n_in + 1) @ w_aug).reshape(n_t, batch, 4 * n)  # pre-activations, then gate values
        hbuf = np.zeros((n_t + 1, batch, n), dtype=dt)  # hbuf[0] = h_0 = 0
        cbuf = np.zeros((n_t + 1, batch, n), dtype=dt)
        tanh_c = np.empty((n_t, batch, n), dtype=dt)
        z = np.empty((batch, 4 * n), dtype=dt)
        ig = np.empty((batch, n), dtype=dt)
        for t in range(n_t):
            a = acts[t]
            if t:  # h_0 = 0 contributes nothing
                np.matmul(hbuf[t], u_half, out=z)
                a += z
            np.tanh(a, out=a)
            a *= scale  # 0.5 + 0.5 tanh for o, i, f; identity for the candidate
            a += shift
            np.multiply(a[:, 2 * n:3 * n], cbuf[t], out=cbuf[t + 1])  # f * c_{t-1}
            np.multiply(a[:, n:2 * n], a[:, 3 * n:], out=ig)  # i * g
            cbuf[t + 1] += ig
            np.tanh(cbuf[t + 1], out=tanh_c[t])
            np.multiply(a[:, :n], tanh_c[t], out=hbuf[t + 1])  # o * tanh(c)
        self._cache = (xa, w, u, acts, hbuf, cbuf, tanh_c)
        self.cell_states = cbuf[1:].transpose(1, 0, 2)
        self.cell_states.flags.writeable = False
        return hbuf[1:]

    def _run_backward(self, dhs):
        xa, w, u, acts, hbuf, cbuf, tanh_c = self._cache
        n_t, batch, n_aug = xa.shape
        n, dt = self.units, xa.dtype
        o, i, f, g = (acts[..., k * n:(k + 1) * n] for k in range(4))
        # Everything that does not depend on the incoming gradient, for all steps at once
        # (written into preallocated arrays: fewer passes over memory, no temporaries):
        #   dz_o = dh * q,  q = tanh(c) o (1 - o);      dc += dh * k,  k = o (1 - tanh(c)^2)
        #   [dz_i, dz_f, dz_c] = dc * p,  p = [g i (1 - i), c_{t-1} f (1 - f), i (1 - g^2)]
        dsig = np.subtract(1, acts[..., :3 * n])
        dsig *= acts[..., :3 * n]  # s (1 - s) for o, i, f
        q = np.multiply(tanh_c, dsig[..., :n])
        k = np.multiply(tanh_c, tanh_c)
        np.subtract(1, k, out=k)
        k *= o
        p = np.empty((n_t, batch, 3, n), dtype=dt)
        np.multiply(g, dsig[..., n:2 * n], out=p[:, :, 0])
        np.multiply(cbuf[:-1], dsig[..., 2 * n:], out=p[:, :, 1])
        np.multiply(g, g, out=p[:, :, 2])
        np.subtract(1, p[:, :, 2], out=p[:, :, 2])
        p[:, :, 2] *= i
        dz = np.empty((n_t, batch, 4 * n), dtype=dt)  # dL/d(pre-activation), internal gate order
        dz4 = dz.reshape(n_t, batch, 4, n)
        dc = np.zeros((batch, n), dtype=dt)
        tmp = np.empty((batch, n), dtype=dt)
        u_t = np.ascontiguousarray(u.T)
        for t in range(n_t - 1, -1, -1):
            dh = dhs[t]  # total dL/dh_t: the step t + 1 already added its part
            np.multiply(dh, k[t], out=tmp)
            dc += tmp
            np.multiply(dh, q[t], out=dz4[t, :, 0])
            np.multiply(p[t], dc[:, None, :], out=dz4[t, :, 1:])
            if t:
                dc *= f[t]  # dL/dc_{t-1} through c_t = f * c_{t-1} + ...
                if self.return_sequences:
                    np.matmul(dz[t], u_t, out=tmp)
                    dhs[t - 1] += tmp
                else:  # dhs[t - 1] is still zero: write into it directly
                    np.matmul(dz[t], u_t, out=dhs[t - 1])
        dz2 = dz.reshape(-1, 4 * n)
        back = np.argsort(self._columns())  # internal columns -> Keras order
        dw_aug = np.take(xa.reshape(-1, n_aug).T @ dz2, back, axis=1)  # kernel rows, then the bias row
        self.grads["kernel"] = dw_aug[:-1]
        self.grads["bias"] = dw_aug[-1]
        # h_0 = 0 adds nothing to the recurrent kernel's gradient: skip step 0
        self.grads["recurrent_kernel"] = np.take(hbuf[1:-1].reshape(-1, n).T @ dz[1:].reshape(-1, 4 * n), back, axis=1)
        return (dz2 @ w.T).reshape(n_t, batch, n_aug - 1)
