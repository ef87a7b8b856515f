"""``im2col`` and ``col2im``: turning a convolution into one matrix product, and back.

A 2-D convolution slides a ``(kh, kw, cin)`` kernel over the image. Each output pixel is a dot
product between the kernel and the *patch* (window) of the input under it. If we copy every patch
into a row of a matrix — "image to columns", **im2col** — the whole convolution becomes a single
matrix product that BLAS runs at full speed::

    x     (N, H, W, C)                      NHWC images (channels last, as Keras)
    cols  (N * Ho * Wo, kh * kw * C)        one row per output pixel: its flattened patch
    kernel.reshape(kh * kw * C, cout)       one column per filter
    out = cols @ kernel2d                   (N * Ho * Wo, cout) -> reshape to (N, Ho, Wo, cout)

No Python loop is needed to build ``cols``: :func:`window_view` describes all patches as a
*strided view* of ``x`` (no copy, just clever strides), and ``reshape`` makes the one copy.

The backward pass needs the adjoint of im2col, **col2im**: every patch gradient is added back to
the pixels it came from. Patches overlap, so pixels receive several contributions. Instead of
looping over the ``N * Ho * Wo`` patches, :func:`col2im` loops over the ``kh * kw`` kernel
offsets (9 for a 3x3 kernel): the entries at offset ``(i, j)`` of all patches form one strided
slice of the image, added in one vectorised step.

A *dilated* kernel (``dilation=(dh, dw)``, Keras' ``dilation_rate``) reads every ``dh``-th row and
``dw``-th column: its ``kh x kw`` taps spread over ``dh (kh - 1) + 1`` rows, the kernel's *span*. That
changes nothing but one stride in the window view (the step from one tap to the next is ``dh`` rows
instead of 1) and where col2im's slices start; dilation 1 is the ordinary convolution.

Padding follows TensorFlow/Keras: ``"valid"`` uses no padding, ``"same"`` pads so that
``Ho = ceil(H / stride)``, with the odd pixel (if any) at the bottom/right (:func:`conv_output_length`).
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import as_strided

from .workspace import Workspace  # noqa: F401  (re-exported: it used to live here)


def conv_output_length(size: int | None, kernel: int, stride: int, padding: str,
                       dilation: int = 1) -> tuple[int | None, int, int]:
    """Output length along one axis and the padding before/after, as TensorFlow computes them.

    With ``span = dilation * (kernel - 1) + 1`` (the kernel length when not dilated):
    ``"valid"``: ``out = floor((size - span) / stride) + 1``, no padding.
    ``"same"``: ``out = ceil(size / stride)``; total padding ``max((out - 1) * stride + span - size, 0)``,
    split with the extra pixel *after* (bottom/right) — PyTorch's symmetric padding differs here.

    Parameters
    ----------
    size : int or None
        Input length (``None`` for unknown: returns ``(None, 0, 0)``).
    kernel, stride : int
        Window length and step.
    padding : {"valid", "same"}
    dilation : int
        Spacing between the kernel's taps (1: adjacent pixels).

    Returns
    -------
    (out, pad_before, pad_after) : tuple of int
        ``out <= 0`` means the image is smaller than the kernel (the caller raises).
    """
    if size is None:
        return None, 0, 0
    span = dilation * (kernel - 1) + 1
    if padding == "valid":
        return (size - span) // stride + 1, 0, 0
    out = -(-size // stride)
    total = max((out - 1) * stride + span - size, 0)
    return out, total // 2, total - total // 2


def window_view(x: np.ndarray, kernel: tuple[int, int], strides: tuple[int, int],
                out_hw: tuple[int, int], dilation: tuple[int, int] = (1, 1)) -> np.ndarray:
    """All ``kh x kw`` windows of ``x`` as a read-only strided view (no copy).

    ``view[n, r, c, i, j, ch] == x[n, r * sh + i * dh, c * sw + j * dw, ch]``.

    Parameters
    ----------
    x : ndarray, shape (N, H, W, C)
        Already padded images.
    kernel, strides, out_hw : pairs of int
        ``(kh, kw)``, ``(sh, sw)`` and the output size ``(Ho, Wo)``.
    dilation : pair of int
        ``(dh, dw)``: rows and columns between two taps of the kernel.

    Returns
    -------
    ndarray, shape (N, Ho, Wo, kh, kw, C)
        Writing to it is forbidden: overlapping windows share memory.
    """
    s_n, s_h, s_w, s_c = x.strides
    shape = (x.shape[0], out_hw[0], out_hw[1], kernel[0], kernel[1], x.shape[3])
    steps = (s_n, s_h * strides[0], s_w * strides[1], s_h * dilation[0], s_w * dilation[1], s_c)
    return as_strided(x, shape, steps, writeable=False)


def im2col(x: np.ndarray, kernel: tuple[int, int], strides: tuple[int, int], out_hw: tuple[int, int],
           out: np.ndarray | None = None, transposed: bool = False,
           dilation: tuple[int, int] = (1, 1)) -> np.ndarray:
    """Copy every window of ``x`` into one row (or one column) of a matrix.

    Parameters
    ----------
    x : ndarray, shape (N, H, W, C)
        Already padded images.
    kernel, strides, out_hw : pairs of int
        ``(kh, kw)``, ``(sh, sw)``, ``(Ho, Wo)``.
    out : ndarray, optional
        A buffer of the result's shape and dtype to fill (saves allocating, and page-faulting,
        megabytes at every call).
    transposed : bool
        Return ``cols.T`` laid out contiguously instead. With few channels (``C = 1``: grayscale)
        a row holds only ``kh * kw`` numbers and the copy crawls; the transposed layout copies
        long runs of ``Wo`` contiguous pixels instead, several times faster.
    dilation : pair of int
        ``(dh, dw)``, as in :func:`window_view`.

    Returns
    -------
    ndarray
        ``(N * Ho * Wo, kh * kw * C)``, or ``(kh * kw * C, N * Ho * Wo)`` if ``transposed``;
        the ``kh * kw * C`` axis is ordered like ``kernel.reshape(-1, cout)``.
    """
    view = window_view(x, kernel, strides, out_hw, dilation)
    n, ho, wo, kh, kw, c = view.shape
    if transposed:
        view = view.transpose(3, 4, 5, 0, 1, 2)  # (kh, kw, C, N, Ho, Wo)
        shape = (kh * kw * c, n * ho * wo)
    else:
        shape = (n * ho * wo, kh * kw * c)
    if out is None:
        return view.reshape(shape)
    np.copyto(out.reshape(view.shape), view)
    return out


def col2im(dcols: np.ndarray, x_shape: tuple[int, int, int, int], strides: tuple[int, int],
           transposed: bool = False, dilation: tuple[int, int] = (1, 1)) -> np.ndarray:
    """Adjoint of :func:`im2col`: add every patch gradient back onto the pixels it came from.

    Loops over the ``kh * kw`` kernel offsets only; each iteration adds one contiguous block of
    ``dcols`` into a strided slice of the image (never ``np.add.at``, which is far slower).

    Parameters
    ----------
    dcols : ndarray
        Patch gradients grouped by kernel offset: shape ``(kh, kw, N, Ho, Wo, C)``, or
        ``(kh, kw, C, N, Ho, Wo)`` if ``transposed`` (the layouts the backward matmuls produce).
    x_shape : tuple of int
        ``(N, H, W, C)``, the shape of the (padded) input of :func:`im2col`.
    strides : pair of int
        ``(sh, sw)``.
    transposed : bool
        Which of the two layouts ``dcols`` has.
    dilation : pair of int
        ``(dh, dw)``, as in :func:`im2col`.

    Returns
    -------
    ndarray, shape (N, H, W, C)
        A new array; pixels that no window covers get 0.
    """
    kh, kw = dcols.shape[:2]
    ho, wo = (dcols.shape[4], dcols.shape[5]) if transposed else (dcols.shape[3], dcols.shape[4])
    sh, sw = strides
    dh, dw = dilation
    dx = np.zeros(x_shape, dtype=dcols.dtype)
    target = dx.transpose(3, 0, 1, 2) if transposed else dx  # put dx's axes in dcols' order
    rows, cols = (2, 3) if transposed else (1, 2)
    for i in range(kh):
        for j in range(kw):
            index = [slice(None)] * 4
            top, left = i * dh, j * dw  # where tap (i, j) of the first window sits
            index[rows] = slice(top, top + (ho - 1) * sh + 1, sh)
            index[cols] = slice(left, left + (wo - 1) * sw + 1, sw)
            target[tuple(index)] += dcols[i, j]
    return dx
