"""Plausible wrong answers for chapter 10's exercises."""

import numpy as np

# ---------------------------------------------------------------- 10.2 conv2d_forward


def _conv_loops(x, w, b, stride, padding, flip=False, bias=True, transpose_kernel=False, mean=False,
                channels_first=False, plus_one=1):
    """A straightforward loop implementation with switches for the classic mistakes."""
    if flip:
        w = w[::-1, ::-1]
    if transpose_kernel:
        w = w.transpose(1, 0, 2, 3)
    xp = np.pad(x, ((0, 0), (padding, padding), (padding, padding), (0, 0)))
    n, hp, wp, _ = xp.shape
    kh, kw, _, cout = w.shape
    ho, wo = (hp - kh) // stride + plus_one, (wp - kw) // stride + plus_one
    out = np.zeros((n, ho, wo, cout))
    for i in range(ho):
        for j in range(wo):
            patch = xp[:, i * stride:i * stride + kh, j * stride:j * stride + kw, :]   # (n, kh, kw, cin)
            for f in range(cout):
                s = np.sum(patch * w[:, :, :, f], axis=(1, 2, 3))
                if mean:
                    s = s / w[:, :, :, f].size
                out[:, i, j, f] = s + (b[f] if bias else 0.0)
    return out.transpose(0, 3, 1, 2) if channels_first else out


def _conv_flipped(x, w, b, stride=1, padding=0):
    """True convolution: the kernel flipped in both spatial directions."""
    return _conv_loops(x, w, b, stride, padding, flip=True)


def _conv_no_bias(x, w, b, stride=1, padding=0):
    return _conv_loops(x, w, b, stride, padding, bias=False)


def _conv_swapped_kernel_axes(x, w, b, stride=1, padding=0):
    """Reads the kernel as w[column, row]: fine for square symmetric kernels only (and crashes on rectangular ones)."""
    return _conv_loops(x, w, b, stride, padding, transpose_kernel=True)


def _conv_channels_first(x, w, b, stride=1, padding=0):
    """Returns (N, C_out, Ho, Wo), PyTorch's layout."""
    return _conv_loops(x, w, b, stride, padding, channels_first=True)


def _conv_mean(x, w, b, stride=1, padding=0):
    """Averages patch × kernel instead of summing."""
    return _conv_loops(x, w, b, stride, padding, mean=True)


def _conv_ignores_padding(x, w, b, stride=1, padding=0):
    return _conv_loops(x, w, b, stride, 0)


def _conv_ignores_stride(x, w, b, stride=1, padding=0):
    return _conv_loops(x, w, b, 1, padding)


def _conv_off_by_one(x, w, b, stride=1, padding=0):
    """Forgets the + 1 of the output size: the last window position is missing."""
    return _conv_loops(x, w, b, stride, padding, plus_one=0)


def _conv_pads_in_place(x, w, b, stride=1, padding=0):
    """Right values, but scales x in place and back (corrupting the caller's array on the way)."""
    x *= 1.0
    x += 0.0
    out = _conv_loops(x, w, b, stride, padding)
    x[...] = 0.0
    return out


# ---------------------------------------------------------------- 10.3 maxpool_backward


def _windows(x, pool):
    n, h, wd, c = x.shape
    ho, wo = h // pool, wd // pool
    win = x[:, :ho * pool, :wo * pool, :].reshape(n, ho, pool, wo, pool, c)
    return win, ho, wo


def _unwindow(dwin, x, pool, ho, wo):
    n, _, _, c = x.shape
    dx = np.zeros(x.shape)
    dx[:, :ho * pool, :wo * pool, :] = dwin.reshape(n, ho * pool, wo * pool, c)
    return dx


def _pool_average(dout, x, pool):
    """The backward of AVERAGE pooling: dout / pool² to every pixel of the window."""
    win, ho, wo = _windows(x, pool)
    dwin = np.broadcast_to(dout[:, :, None, :, None, :] / pool**2, win.shape)
    return _unwindow(dwin, x, pool, ho, wo)


def _pool_spread(dout, x, pool):
    """Copies the window's gradient to every pixel of the window."""
    win, ho, wo = _windows(x, pool)
    dwin = np.broadcast_to(dout[:, :, None, :, None, :], win.shape)
    return _unwindow(dwin, x, pool, ho, wo)


def _pool_mask_all_maxima(dout, x, pool):
    """A mask x == max: right without ties, but every tied maximum gets the whole gradient."""
    win, ho, wo = _windows(x, pool)
    mx = win.max(axis=(2, 4), keepdims=True)
    dwin = (win == mx) * dout[:, :, None, :, None, :]
    return _unwindow(dwin, x, pool, ho, wo)


def _pool_split_ties(dout, x, pool):
    """Splits the gradient evenly among tied maxima (a valid subgradient, but not the convention asked for)."""
    win, ho, wo = _windows(x, pool)
    mask = win == win.max(axis=(2, 4), keepdims=True)
    dwin = mask / mask.sum(axis=(2, 4), keepdims=True) * dout[:, :, None, :, None, :]
    return _unwindow(dwin, x, pool, ho, wo)


def _pool_last_max(dout, x, pool):
    """Loops over the window and keeps the LAST maximum (>= instead of >)."""
    n, h, wd, c = x.shape
    ho, wo = h // pool, wd // pool
    dx = np.zeros(x.shape)
    for b in range(n):
        for ch in range(c):
            for i in range(ho):
                for j in range(wo):
                    best, where = -np.inf, (0, 0)
                    for u in range(pool):
                        for v in range(pool):
                            if x[b, i * pool + u, j * pool + v, ch] >= best:
                                best, where = x[b, i * pool + u, j * pool + v, ch], (u, v)
                    dx[b, i * pool + where[0], j * pool + where[1], ch] = dout[b, i, j, ch]
    return dx


def _pool_cropped(dout, x, pool):
    """Returns dx only for the covered part: shape (N, Ho·pool, Wo·pool, C)."""
    win, ho, wo = _windows(x, pool)
    mx = win.max(axis=(2, 4), keepdims=True)
    dwin = (win == mx) * dout[:, :, None, :, None, :]
    n, _, _, c = x.shape
    return dwin.reshape(n, ho * pool, wo * pool, c)


def _pool_argmax_whole_image(dout, x, pool):
    """Sends the gradient to the maximum of the whole image, not of each window."""
    dx = np.zeros(x.shape)
    for b in range(x.shape[0]):
        for ch in range(x.shape[3]):
            i, j = np.unravel_index(np.argmax(x[b, :, :, ch]), x.shape[1:3])
            dx[b, i, j, ch] = dout[b, :, :, ch].sum()
    return dx


WRONG = {
    "ch10.conv_output_shape": [
        (16, 24, 16, 32),      # ignored the stride
        (16, 14, 10, 32),      # "same" padding: ⌈H/S⌉
        (16, 11, 7, 32),       # forgot the + 1
        (16, 13, 9, 32),       # rounded up
        (16, 32, 12, 8),       # channels first
        (16, 12, 8, 3),        # kept the input channels
        (16, 8, 12, 32),       # rows and columns swapped
        (16, 12, 12, 32),      # assumed a square image
        "(16, 12, 8, 32)",     # right, but a string
    ],
    "ch10.conv2d_forward": [_conv_flipped, _conv_no_bias, _conv_swapped_kernel_axes, _conv_channels_first, _conv_mean,
                            _conv_ignores_padding, _conv_ignores_stride, _conv_off_by_one, _conv_pads_in_place],
    "ch10.maxpool_backward": [_pool_average, _pool_spread, _pool_mask_all_maxima, _pool_split_ties, _pool_last_max,
                              _pool_cropped, _pool_argmax_whole_image],
    "ch10.conv_param_count": [
        5 * 5 * 48 * 128,                      # no biases: 153,600
        5 * 5 * 128 + 128,                     # forgot the input channels: 3,328
        5 * 5 * 48 + 1,                        # one filter: 1,201
        (5 * 5 * 48 * 128 + 128) * 14 * 14,    # counted once per output position
        (5 * 5 * 48 * 128 + 128) * 32,         # times the batch size
        5 * 5 * 48 * 128 + 128 * 14 * 14,      # one bias per output position
        3 * 3 * 48 * 128 + 128,                # a 3×3 kernel
        153728.5,                              # not a whole number
    ],
    "ch10.pooling_parameters": ["a", "c", "d", "pooling"],
}
