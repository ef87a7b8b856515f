"""``UpSampling2D``: enlarge NHWC images by whole factors (no parameters).

``"nearest"`` repeats every pixel. ``"bilinear"`` blends the two nearest pixels of each axis, with
*half-pixel centres*, as Keras 3 does (``ops.image.resize``; on the torch backend
``F.interpolate(mode="bilinear", align_corners=False, antialias=False)``): output pixel ``o`` of an
axis upsampled ``s`` times sits at input coordinate ``(o + 0.5) / s - 0.5``, clamped to ``[0, n - 1]``.

Along one axis that is a fixed linear map, a matrix ``A (s n, n)`` with at most two non-zeros per
row; bilinear upsampling applies ``A_h`` to the rows and ``A_w`` to the columns: ``y = A_h x A_w^T``
for every image and channel. Its backward is the same with the transposed matrices:
``dx = A_h^T dy A_w`` — every input pixel collects the gradient of the outputs it was blended into,
with the weights it was blended with.
"""

from __future__ import annotations

import numpy as np

from .base import Layer
from .conv import as_pair

INTERPOLATIONS = ("nearest", "bilinear")
KERAS_ONLY = ("bicubic", "lanczos3", "lanczos5")  # Keras accepts these; dlcore does not implement them


def linear_upsampling_matrix(n: int, factor: int) -> np.ndarray:
    """The ``(factor * n, n)`` matrix of 1-D linear upsampling with half-pixel centres (float64).

    Row ``o`` holds the weights of output ``o``: ``1 - f`` at ``i`` and ``f`` at ``i + 1``, where
    ``i + f = max((o + 0.5) / factor - 0.5, 0)`` (``i`` integer, ``0 <= f < 1``). At the last pixel
    ``i + 1`` would fall outside, and its weight goes to ``i`` (edge pixels repeat), as in torch.

    >>> linear_upsampling_matrix(2, 2)
    array([[1.  , 0.  ],
           [0.75, 0.25],
           [0.25, 0.75],
           [0.  , 1.  ]])
    """
    out = np.arange(factor * n)
    # torch's formula and operation order (scale = in / out): the same float64 weights
    source = np.maximum((n / (factor * n)) * (out + 0.5) - 0.5, 0.0)
    left = source.astype(int)  # floor: source >= 0
    frac = source - left
    right = np.minimum(left + 1, n - 1)
    a = np.zeros((factor * n, n))
    np.add.at(a, (out, left), 1.0 - frac)
    np.add.at(a, (out, right), frac)  # adds to the same entry at the last pixel
    return a


class UpSampling2D(Layer):
    """Upsample by ``(sh, sw)``: ``x (batch, H, W, C)`` → ``(batch, sh * H, sw * W, C)``.

    ``"nearest"`` repeats every pixel ``sh x sw`` times; the gradient of a pixel is the sum over
    its copies. ``"bilinear"`` interpolates (see the module docstring); the gradient of a pixel
    is the weighted sum over the outputs it contributes to.

    Parameters
    ----------
    size : int or (int, int)
        Factors ``(sh, sw)``.
    interpolation : {"nearest", "bilinear"}
        Keras' default ``"nearest"``, or ``"bilinear"`` (Keras 3's half-pixel centres, no
        antialiasing). Keras' ``"bicubic"`` and ``"lanczos*"`` are not implemented: ``ValueError``.
    input_shape : (H, W, C), optional
        Shape of one image.
    name : str, optional
        Layer name.
    """

    def __init__(self, size=(2, 2), interpolation: str = "nearest", input_shape=None, name: str | None = None):
        super().__init__(input_shape=input_shape, name=name)
        self.size = as_pair(size, "UpSampling2D: size")
        if not isinstance(interpolation, str) or interpolation.lower() not in INTERPOLATIONS:
            known = isinstance(interpolation, str) and interpolation.lower() in KERAS_ONLY
            raise ValueError(f"UpSampling2D: interpolation must be 'nearest' or 'bilinear', got {interpolation!r}"
                             + (" (a Keras option that dlcore does not implement)" if known else ""))
        self.interpolation = interpolation.lower()  # as Keras: "Bilinear" is "bilinear"

    def compute_output_shape(self, input_shape):
        n, h, w, c = input_shape
        return (n, None if h is None else h * self.size[0], None if w is None else w * self.size[1], c)

    def forward(self, x, training=False):
        """``x (batch, H, W, C)`` → ``(batch, sh * H, sw * W, C)``."""
        x = self._prepare(x, ndim=4)
        n, h, w, c = x.shape
        sh, sw = self.size
        if self.interpolation == "bilinear":
            a_h = linear_upsampling_matrix(h, sh).astype(x.dtype, copy=False)  # (sh H, H)
            a_w = linear_upsampling_matrix(w, sw).astype(x.dtype, copy=False)  # (sw W, W)
            self._matrices = (a_h, a_w)
            # y[b, o, p, c] = sum_{i, j} a_h[o, i] x[b, i, j, c] a_w[p, j]: rows, then columns
            return np.einsum("oi,bijc,pj->bopc", a_h, x, a_w, optimize=True)
        # one copy through a broadcast view: (n, h, sh, w, sw, c) with the repeats as stride-0 axes
        return np.broadcast_to(x[:, :, None, :, None, :], (n, h, sh, w, sw, c)).reshape(n, h * sh, w * sw, c)

    def backward(self, dout):
        """``dout (batch, sh * H, sw * W, C)`` → ``dx (batch, H, W, C)``."""
        dout = np.asarray(dout)
        n, ho, wo, c = dout.shape
        sh, sw = self.size
        if self.interpolation == "bilinear":
            a_h, a_w = self._matrices
            # the transposed map: dx[b, i, j, c] = sum_{o, p} a_h[o, i] dout[b, o, p, c] a_w[p, j]
            return np.einsum("oi,bopc,pj->bijc", a_h, dout, a_w, optimize=True)
        return dout.reshape(n, ho // sh, sh, wo // sw, sw, c).sum(axis=(2, 4))

    def get_config(self):
        return {"name": self.name, "size": self.size, "interpolation": self.interpolation}
