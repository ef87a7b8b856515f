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

from .recurrent import Recurrent


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
    """

    gates = 3

    def _initial_bias(self, dtype):
        return np.zeros((2, 3 * self.units), dtype=dtype)

    def _run_forward(self, x):
        batch, n_t, n_in = x.shape
        n, dt = self.units, x.dtype
        w, u, b = (self.param(key, dt) for key in ("kernel", "recurrent_kernel", "bias"))
        # sigmoid(z) = 0.5 + 0.5 * tanh(z / 2): halve the z and r columns once, then one tanh per step
        half = np.ones(3 * n, dtype=dt)
        half[:2 * n] = 0.5
        u_half, b_rec = u * half, b[1] * half
        xa = self._time_major_with_ones(x)
        w_aug = np.concatenate([w, b[:1]]) * half  # the input bias row meets xa's ones column
        acts = (xa.reshape(-1, n_in + 1) @ w_aug).reshape(n_t, batch, 3 * n)  # input projection, then z, r, n
        rec = np.empty((n_t, batch, 3 * n), dtype=dt)  # h_{t-1} @ recurrent_kernel + bias[1] (halved z, r)
        hbuf = np.zeros((n_t + 1, batch, n), dtype=dt)  # hbuf[0] = h_0 = 0
        tmp = np.empty((batch, n), dtype=dt)
        for t in range(n_t):
            a, rt = acts[t], rec[t]
            if t:
                np.matmul(hbuf[t], u_half, out=rt)
                rt += b_rec
            else:  # h_0 = 0
                rt[...] = b_rec
            zr = a[:, :2 * n]
            zr += rt[:, :2 * n]
            np.tanh(zr, out=zr)
            zr *= 0.5
            zr += 0.5
            cand = a[:, 2 * n:]
            np.multiply(a[:, n:2 * n], rt[:, 2 * n:], out=tmp)  # r * hh
            cand += tmp
            np.tanh(cand, out=cand)
            h = hbuf[t + 1]  # z * h_{t-1} + (1 - z) * n  ==  n + z * (h_{t-1} - n)
            np.subtract(hbuf[t], cand, out=h)
            h *= a[:, :n]
            h += cand
        self._cache = (xa, w, u, acts, rec, hbuf)
        return hbuf[1:]

    def _run_backward(self, dhs):
        xa, w, u, acts, rec, hbuf = self._cache
        n_t, batch, n_aug = xa.shape
        n, dt = self.units, xa.dtype
        z, r, cand = acts[..., :n], acts[..., n:2 * n], acts[..., 2 * n:]
        rec_h = rec[..., 2 * n:]  # the recurrent candidate term hh (its columns were not halved)
        # Everything that does not depend on the incoming gradient, for all steps at once. With
        # a = xh + r * hh the candidate's pre-activation:  da = dh * (1 - z)(1 - n^2), and
        #   d(hz, hr, hh) = dh * [(h_{t-1} - n) z (1 - z),  (1 - z)(1 - n^2) hh r (1 - r),  (1 - z)(1 - n^2) r]
        da_dh = (1 - z) * (1 - cand * cand)
        m = np.empty((n_t, batch, 3, n), dtype=dt)
        np.multiply((hbuf[:-1] - cand) * z, 1 - z, out=m[:, :, 0])
        np.multiply(da_dh * rec_h * r, 1 - r, out=m[:, :, 1])
        np.multiply(da_dh, r, out=m[:, :, 2])
        drec = np.empty((n_t, batch, 3 * n), dtype=dt)  # dL/d(h_{t-1} @ recurrent_kernel + bias[1])
        drec3 = drec.reshape(n_t, batch, 3, n)
        tmp = np.empty((batch, n), dtype=dt)
        u_t = np.ascontiguousarray(u.T)
        for t in range(n_t - 1, -1, -1):
            dh = dhs[t]  # total dL/dh_t: the step t + 1 already added its part
            np.multiply(m[t], dh[:, None, :], out=drec3[t])
            if t:
                if self.return_sequences:
                    np.matmul(drec[t], u_t, out=tmp)
                    dhs[t - 1] += tmp
                else:  # dhs[t - 1] is still zero: write into it directly
                    np.matmul(drec[t], u_t, out=dhs[t - 1])
                np.multiply(dh, z[t], out=tmp)  # the direct path h_t = z * h_{t-1} + ...
                dhs[t - 1] += tmp
        dx_proj = drec.copy()  # dL/d(x_t @ kernel + bias[0]): same for z and r, da for the candidate
        np.multiply(dhs, da_dh, out=dx_proj[..., 2 * n:])
        dx2 = dx_proj.reshape(-1, 3 * n)
        dw_aug = xa.reshape(-1, n_aug).T @ dx2  # kernel rows, then the input bias row (ones column)
        self.grads["kernel"] = dw_aug[:-1]
        # h_0 = 0 adds nothing to the recurrent kernel's gradient: skip step 0
        self.grads["recurrent_kernel"] = hbuf[1:-1].reshape(-1, n).T @ drec[1:].reshape(-1, 3 * n)
        self.grads["bias"] = np.stack([dw_aug[-1], drec.reshape(-1, 3 * n).sum(axis=0)])
        return (dx2 @ w.T).reshape(n_t, batch, n_aug - 1)
