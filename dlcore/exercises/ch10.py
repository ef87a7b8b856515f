"""Chapter 10 exercises. Statements and stubs are in chapters/10_convolutional_networks.ipynb."""

import numbers

import numpy as np

from . import expect, register
from .grading import Check, Exercise

# ---------------------------------------------------------------- helpers for the checks


def _int_tuple(answer, length, name="your answer"):
    """The learner's answer as a tuple of ``length`` Python ints (a list or numpy ints are fine)."""
    if isinstance(answer, np.ndarray):
        answer = tuple(answer.tolist())
    if not isinstance(answer, (tuple, list)) or len(answer) != length:
        raise AssertionError(f"{name} is {expect._describe(answer)}; expected a tuple of {length} whole numbers")
    out = []
    for v in answer:
        if isinstance(v, bool) or not isinstance(v, numbers.Number) or float(v) != int(v):
            raise AssertionError(f"{name} contains {v!r}; every entry of a shape is a whole number")
        out.append(int(v))
    return tuple(out)


def _whole_number(answer, name="your answer"):
    if answer is None or isinstance(answer, bool) or not isinstance(answer, numbers.Number):
        raise AssertionError(f"{name} is {expect._describe(answer)}; expected a whole number")
    if float(answer) != int(answer):
        raise AssertionError(f"{name} is {answer}; a number of parameters is a whole number")
    return int(answer)


# ---------------------------------------------------------------- 10.1 the output shape of a conv layer

def conv_output_shape():
    """Output shape of Conv2D(32, kernel_size=5, strides=2, padding="valid") on x of shape (16, 28, 20, 3).

    Batch and layout are unchanged (NHWC); the channel axis becomes the number of filters, 32.
    Each spatial axis follows ⌊(H + 2P − K)/S⌋ + 1 with P = 0: ⌊23/2⌋ + 1 = 12 rows, ⌊15/2⌋ + 1 = 8 columns.
    """
    n, h, w, _ = 16, 28, 20, 3
    k, s, filters = 5, 2, 32
    return (n, (h - k) // s + 1, (w - k) // s + 1, filters)


_SHAPE = conv_output_shape()


def _shape_is_tuple(answer):
    _int_tuple(answer, 4, "answer_shape")


def _shape_layout(answer):
    n, a, b, c = _int_tuple(answer, 4, "answer_shape")
    if n != 16:
        raise AssertionError(f"the first axis is {n}; the batch axis keeps its 16 images")
    if a == 32 and c != 32:
        raise AssertionError("you put the 32 filters on axis 1: that is PyTorch's channels-first layout (N, C, H, W); "
                             "dlcore and Keras use channels-last (N, H, W, C)")
    if c == 3:
        raise AssertionError("the last axis is 3, the input's channels; a conv layer outputs one channel per filter")
    if c != 32:
        raise AssertionError(f"the last axis is {c}; it holds one feature map per filter")


_SPATIAL_MISTAKES = {  # (rows, cols) → what went wrong
    (24, 16): "that is the output at stride 1: divide the number of steps by the stride 2",
    (14, 10): "that is ⌈H/S⌉, the output of padding=\"same\"; with \"valid\" padding the 5×5 window must fit",
    (11, 7): "that forgets the + 1: the first window position counts too",
    (13, 9): "that rounds (H − K)/S up; windows that would stick out of the image are dropped, so round down",
    (12, 12): "the image is 28 × 20, not square: compute the columns from W = 20",
    (8, 12): "rows and columns are swapped: the image has H = 28 rows and W = 20 columns",
}


def _shape_spatial(answer):
    _, h, w, _ = _int_tuple(answer, 4, "answer_shape")
    expect.equal((h, w), _SHAPE[1:3], name="(height, width)", mistakes=_SPATIAL_MISTAKES)


register(Exercise(
    id="ch10.conv_output_shape", answer="answer_shape", title="The output shape of a conv layer", kind="predict",
    solution=_SHAPE, tests=[
        Check("is a shape: a tuple of four whole numbers", _shape_is_tuple,
              hint="Write a tuple such as (16, 10, 10, 8)."),
        Check("batch axis first, one channel per filter last", _shape_layout,
              hint="NHWC: (batch, height, width, channels); a conv layer has as many output channels as filters."),
        Check("height and width", _shape_spatial,
              hint="Equation (ch10-out-size), ⌊(H + 2P − K)/S⌋ + 1, with P = 0, K = 5, S = 2, once for H = 28 and "
                   "once for W = 20."),
    ]))


# ---------------------------------------------------------------- 10.2 conv2d_forward by hand

def conv2d_forward(x, w, b, stride=1, padding=0):
    """Cross-correlation of NHWC images, as Conv2D computes it (no kernel flip).

    x (N, H, W, C_in), w (kh, kw, C_in, C_out), b (C_out,); ``padding`` zeros are added on every side.
    out[n, i, j, f] = b[f] + Σ_{u, v, c} xp[n, i·S + u, j·S + v, c] · w[u, v, c, f], shape (N, Ho, Wo, C_out).
    The loop runs over the kh·kw kernel offsets only: at offset (u, v) the pixels under that kernel entry,
    for every output position at once, form one strided slice of the padded image.
    """
    xp = np.pad(x, ((0, 0), (padding, padding), (padding, padding), (0, 0)))
    kh, kw, _, cout = w.shape
    ho = (xp.shape[1] - kh) // stride + 1
    wo = (xp.shape[2] - kw) // stride + 1
    out = np.zeros((x.shape[0], ho, wo, cout)) + b
    for u in range(kh):
        for v in range(kw):
            under = xp[:, u:u + stride * (ho - 1) + 1:stride, v:v + stride * (wo - 1) + 1:stride, :]
            out += under @ w[u, v]          # (N, Ho, Wo, C_in) @ (C_in, C_out)
    return out


def _conv_case(seed, n, h, wd, cin, kh, kw, cout):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, h, wd, cin)), rng.normal(size=(kh, kw, cin, cout)), rng.normal(size=cout)


def _conv_call(f, x, w, b, stride, padding, name="conv2d_forward"):
    out = f(x.copy(), w.copy(), b.copy(), stride, padding)
    return expect.array(out, name=name)


def _conv_diagnose(got, x, w, b, stride, padding):
    """Name the classic mistakes when ``got`` has the right shape but wrong values."""
    suspects = [
        (conv2d_forward(x, w[::-1, ::-1], b, stride, padding),
         "your output is the reference computed with the kernel flipped: that is the mathematicians' convolution. "
         "Conv2D in every framework computes cross-correlation: do not flip the kernel"),
        (conv2d_forward(x, w, np.zeros_like(b), stride, padding),
         "your output is right except for the bias: add b[f] to every position of feature map f"),
        (conv2d_forward(x, w / (w.shape[0] * w.shape[1] * w.shape[2]), b, stride, padding),
         "you averaged over the window instead of summing: a convolution is a weighted SUM"),
    ]
    if w.shape[0] == w.shape[1]:
        suspects.append((conv2d_forward(x, w.transpose(1, 0, 2, 3), b, stride, padding),
                         "your kernel is transposed: w[u, v] multiplies the pixel u rows down and v columns right"))
    for ref, why in suspects:
        if ref.shape == got.shape and np.allclose(got, ref, rtol=1e-7, atol=1e-9):
            raise AssertionError(why)


def _conv_compare(f, x, w, b, stride, padding, what):
    want = conv2d_forward(x, w, b, stride, padding)
    got = _conv_call(f, x, w, b, stride, padding)
    if got.shape != want.shape:
        n, ho, wo, cout = want.shape
        if got.shape == (n, cout, ho, wo):
            raise AssertionError(f"{what}: you returned (N, C_out, Ho, Wo) = {got.shape}; "
                                 f"return channels last, {want.shape}")
        raise AssertionError(f"{what}: your output has shape {got.shape}, expected {want.shape} "
                             f"from ⌊(H + 2P − K)/S⌋ + 1")
    if not np.allclose(got, want, rtol=1e-7, atol=1e-9):
        _conv_diagnose(got, x, w, b, stride, padding)
        expect.close(got, want, rtol=1e-7, atol=1e-9, name=what)


def _conv_edge(f):
    x = np.zeros((1, 6, 6, 1))
    x[0, :, 3:, 0] = 1.0                                  # 0 in the left half, 1 in the right half
    w = np.tile(np.array([1.0, 0.0, -1.0]), (3, 1))[:, :, None, None]  # left minus right
    got = _conv_call(f, x, w, np.zeros(1), 1, 0)
    if got.shape != (1, 4, 4, 1):
        raise AssertionError(f"for a 6×6 image and a 3×3 kernel your output has shape {got.shape}, "
                             "expected (1, 4, 4, 1)")
    row = got[0, 0, :, 0]
    if np.allclose(row, [0, 3, 3, 0]):
        raise AssertionError("the edge filter gave +3 at the edge, the chapter's example gives −3: you flipped the "
                             "kernel (true convolution); Conv2D computes cross-correlation")
    if not np.allclose(got[0, :, :, 0], np.tile([0.0, -3.0, -3.0, 0.0], (4, 1))):
        raise AssertionError(f"the chapter's edge example gives every row [0, −3, −3, 0]; your first row is "
                             f"{np.round(row, 3).tolist()}")


def _conv_valid(f):
    for seed, dims in enumerate([(2, 7, 6, 3, 3, 3, 4), (1, 5, 9, 2, 2, 4, 3), (3, 4, 4, 1, 3, 3, 2)]):
        x, w, b = _conv_case(100 + seed, *dims)
        _conv_compare(f, x, w, b, 1, 0, f"stride 1, no padding, x {x.shape}, w {w.shape}")


def _conv_bias(f):
    x, w, b = _conv_case(110, 2, 5, 5, 2, 3, 3, 3)
    got = _conv_call(f, np.zeros_like(x), w, b, 1, 0)
    if got.shape == (2, 3, 3, 3) and np.allclose(got, 0):
        raise AssertionError("on a black image (all zeros) your output is 0 everywhere: the bias is missing")
    expect.close(got, np.broadcast_to(b, (2, 3, 3, 3)), rtol=1e-9, atol=1e-12,
                 name="conv2d_forward on an all-zero image (should be b at every position)")


def _conv_stride(f):
    for seed, (stride, dims) in enumerate([(2, (2, 7, 7, 2, 3, 3, 3)), (2, (1, 8, 6, 3, 3, 3, 2)),
                                           (3, (2, 10, 9, 1, 2, 2, 3))]):
        x, w, b = _conv_case(120 + seed, *dims)
        _conv_compare(f, x, w, b, stride, 0, f"stride {stride}, x {x.shape}, w {w.shape}")


def _conv_padding(f):
    for seed, (stride, padding, dims) in enumerate([(1, 1, (2, 5, 6, 2, 3, 3, 3)), (2, 1, (1, 7, 7, 3, 3, 3, 2)),
                                                    (1, 2, (1, 4, 4, 1, 5, 5, 2))]):
        x, w, b = _conv_case(130 + seed, *dims)
        _conv_compare(f, x, w, b, stride, padding, f"stride {stride}, padding {padding}, x {x.shape}")


def _conv_dlcore(f):
    from ..layers import Conv2D
    for seed, (stride, dims) in enumerate([(1, (2, 9, 8, 3, 3, 3, 4)), (2, (2, 9, 8, 3, 3, 2, 4))]):
        x, w, b = _conv_case(140 + seed, *dims)
        layer = Conv2D(w.shape[3], w.shape[:2], strides=stride, padding="valid")
        layer.build((None, *x.shape[1:]), dtype=np.float64)
        layer.params["kernel"][...] = w
        layer.params["bias"][...] = b
        want = layer.forward(x)
        got = _conv_call(f, x, w, b, stride, 0)
        if got.shape != want.shape:
            raise AssertionError(f"dlcore's Conv2D gives shape {want.shape}, yours {got.shape}")
        expect.close(got, want, rtol=1e-7, atol=1e-9, name=f"conv2d_forward vs Conv2D (stride {stride})")


register(Exercise(
    id="ch10.conv2d_forward", answer="conv2d_forward",
    title="A convolution layer's forward pass by hand", kind="implement",
    solution=conv2d_forward, tests=[
        Check("the chapter's edge example: columns [0, −3, −3, 0]", _conv_edge,
              hint="out[n, i, j, f] = b[f] + Σ over u, v, c of x[n, i·S + u, j·S + v, c] · w[u, v, c, f]; "
                   "no flip."),
        Check("random inputs, stride 1, no padding, rectangular kernels", _conv_valid,
              hint="Loop over output rows i and columns j (or over kernel offsets u, v); the channel sum is a dot "
                   "product over the last axis of x and the third axis of w."),
        Check("adds the bias", _conv_bias, hint="Each filter f has one bias b[f], added at every position."),
        Check("strides 2 and 3", _conv_stride,
              hint="Output size ⌊(H − K)/S⌋ + 1; the window of output (i, j) starts at row i·S, column j·S."),
        Check("zero padding of 1 and 2 pixels", _conv_padding,
              hint="Pad first: np.pad(x, ((0, 0), (P, P), (P, P), (0, 0))), then convolve the padded image."),
        Check("agrees with dlcore.layers.Conv2D", _conv_dlcore,
              hint="Same layout as Conv2D: x (N, H, W, C_in), w (kh, kw, C_in, C_out), output channels last."),
    ]))


# ---------------------------------------------------------------- 10.3 the backward pass of max pooling

def maxpool_backward(dout, x, pool):
    """Gradient of non-overlapping pool×pool max pooling (stride = pool, "valid") with respect to its input.

    x (N, H, W, C), dout (N, H // pool, W // pool, C). Each window's gradient goes, whole, to the position of
    its maximum (the first one in row-major order on ties, as dlcore, PyTorch and TensorFlow do); every other
    pixel, including the rows and columns no window covers, gets 0.
    """
    n, h, wd, c = x.shape
    ho, wo = h // pool, wd // pool
    windows = x[:, :ho * pool, :wo * pool, :].reshape(n, ho, pool, wo, pool, c)
    windows = windows.transpose(0, 1, 3, 5, 2, 4).reshape(n, ho, wo, c, pool * pool)
    first_max = windows.argmax(axis=-1)                          # (N, Ho, Wo, C), the first maximum on ties
    dwin = np.zeros(windows.shape)
    np.put_along_axis(dwin, first_max[..., None], dout[..., None], axis=-1)
    dwin = dwin.reshape(n, ho, wo, c, pool, pool).transpose(0, 1, 4, 2, 5, 3)
    dx = np.zeros(x.shape)
    dx[:, :ho * pool, :wo * pool, :] = dwin.reshape(n, ho * pool, wo * pool, c)
    return dx


def _pool_call(f, dout, x, pool, name="maxpool_backward"):
    got = f(dout.copy(), x.copy(), pool)
    return expect.array(got, name=name)


def _pool_dlcore(x, dout, pool):
    from ..layers import MaxPool2D
    layer = MaxPool2D(pool)
    layer.forward(x)
    return layer.backward(dout)


def _pool_diagnose(got, dout, x, pool):
    ho, wo = x.shape[1] // pool, x.shape[2] // pool
    up = np.zeros(x.shape)
    up[:, :ho * pool, :wo * pool, :] = dout.repeat(pool, axis=1).repeat(pool, axis=2)
    if np.allclose(got, up / pool**2):
        raise AssertionError("you spread each window's gradient evenly over its pixels: that is the backward of "
                             "AVERAGE pooling. Max pooling passed on only the maximum, so only it gets gradient")
    if np.allclose(got, up):
        raise AssertionError("you copied each window's gradient to all of its pixels; only the maximum influenced "
                             "the output, so the other pixels get 0")


def _pool_one_window(f):
    x = np.array([[1.0, 3.0], [2.0, 0.0]])[None, :, :, None]
    dout = np.array([[[[5.0]]]])
    got = _pool_call(f, dout, x, 2)
    if got.shape != (1, 2, 2, 1):
        raise AssertionError(f"for x of shape (1, 2, 2, 1) you returned shape {got.shape}; dx has the shape of x")
    _pool_diagnose(got, dout, x, 2)
    if not np.allclose(got[0, :, :, 0], [[0.0, 5.0], [0.0, 0.0]]):
        raise AssertionError(f"window [[1, 3], [2, 0]] with upstream gradient 5: expected [[0, 5], [0, 0]], got "
                             f"{np.round(got[0, :, :, 0], 3).tolist()}")


def _pool_random(f):
    rng = np.random.default_rng(200)
    for pool, shape in ((2, (2, 6, 8, 3)), (3, (1, 9, 6, 2)), (2, (4, 4, 4, 1))):
        x = rng.normal(size=shape)                     # continuous values: no ties
        ho, wo = shape[1] // pool, shape[2] // pool
        dout = rng.normal(size=(shape[0], ho, wo, shape[3]))
        got = _pool_call(f, dout, x, pool)
        if got.shape != x.shape:
            raise AssertionError(f"for x of shape {x.shape} you returned shape {got.shape}; dx has the shape of x")
        if not np.allclose(got, _pool_dlcore(x, dout, pool), rtol=1e-9, atol=1e-12):
            _pool_diagnose(got, dout, x, pool)
        expect.close(got, _pool_dlcore(x, dout, pool), rtol=1e-9, atol=1e-12,
                     name=f"dx for pool {pool} and x of shape {shape}")


def _pool_ragged(f):
    rng = np.random.default_rng(201)
    x = rng.normal(size=(2, 5, 7, 2))
    dout = rng.normal(size=(2, 2, 3, 2))
    got = _pool_call(f, dout, x, 2)
    if got.shape != x.shape:
        raise AssertionError(f"for x of shape (2, 5, 7, 2) you returned shape {got.shape}; dx has the shape of x, "
                             "with zeros in the last row and column that no 2×2 window covers")
    expect.close(got, _pool_dlcore(x, dout, 2), rtol=1e-9, atol=1e-12, name="dx for a 5 × 7 image and pool 2")


def _pool_ties(f):
    # ReLU outputs: many windows are all zeros, some have two equal maxima
    x = np.array([[0.0, 0.0, 2.0, 1.0],
                  [0.0, 0.0, 0.5, 2.0],
                  [3.0, 1.0, 0.0, 4.0],
                  [1.0, 3.0, 4.0, 0.0]])[None, :, :, None]
    dout = np.array([[1.0, 2.0], [3.0, 4.0]])[None, :, :, None]
    want = _pool_dlcore(x, dout, 2)
    got = _pool_call(f, dout, x, 2)
    if got.shape != x.shape:
        raise AssertionError(f"you returned shape {got.shape}, expected {x.shape}")
    total = float(got.sum())
    if np.isclose(total, 4 * 1.0 + 2 * 2.0 + 2 * 3.0 + 2 * 4.0):  # each tied maximum got the window's gradient
        raise AssertionError("on ties you gave the full gradient to every maximum, so the window passes back more "
                             "gradient than it received; give it all to the first maximum in row-major order")
    if not np.allclose(got, want):
        raise AssertionError("on ties (equal maxima, e.g. a window of zeros after a ReLU) the whole gradient goes to "
                             f"the FIRST maximum in row-major order; expected\n{want[0, :, :, 0].tolist()}, got\n"
                             f"{np.round(got[0, :, :, 0], 3).tolist()}")


register(Exercise(
    id="ch10.maxpool_backward", answer="maxpool_backward", title="The backward pass of max pooling", kind="implement",
    solution=maxpool_backward, tests=[
        Check("one window by hand: [[1, 3], [2, 0]], upstream gradient 5", _pool_one_window,
              hint="Only the 3 was passed on by the forward pass, so only it receives the 5."),
        Check("random inputs: pool 2 and 3, several channels, batch", _pool_random,
              hint="For each window find the position of its maximum (np.argmax on the flattened window) and put "
                   "dout there; the other pixels stay 0."),
        Check("a 5 × 7 image: uncovered pixels get 0", _pool_ragged,
              hint="Windows that do not fit are dropped by the forward pass; start from dx = np.zeros_like(x)."),
        Check("ties go to the first maximum", _pool_ties,
              hint="np.argmax returns the first maximum; a mask x == max marks every tied maximum."),
    ]))


# ---------------------------------------------------------------- 10.4 the parameters of a conv layer

def conv_parameter_count():
    """Parameters of Conv2D(128, kernel_size=5, strides=2, padding="same") on inputs with 48 channels.

    Each of the 128 filters has a 5 × 5 × 48 kernel and one bias: 5·5·48·128 + 128 = 153,728. The image size
    (28 × 28), the batch size (32), the stride and the padding do not enter: the same weights slide everywhere.
    """
    kh, kw, cin, cout = 5, 5, 48, 128
    return kh * kw * cin * cout + cout


_PARAMS = conv_parameter_count()


def _params_is_number(answer):
    _whole_number(answer, "n_params")


_PARAMS_MISTAKES = {
    5 * 5 * 48 * 128: "that forgets the 128 biases, one per filter",
    5 * 5 * 128 + 128: "that forgets the input channels: each filter is 5 × 5 × 48, it looks at all 48 channels",
    5 * 5 * 48 + 1: "that is ONE filter; the layer has 128 of them",
    5 * 5 * 48 * 128 + 128 * 14 * 14: "the bias is one number per filter, not one per output position",
    _PARAMS * 14 * 14: "the weights are shared by all 14 × 14 output positions: count them once",
    _PARAMS * 28 * 28: "the weights are shared by all positions: the image size does not enter",
    _PARAMS * 32: "the batch size does not enter: every image uses the same weights",
    28 * 28 * 48 * 14 * 14 * 128 + 14 * 14 * 128: "that is a DENSE layer from the image to the output maps; "
                                                  "a conv layer shares a small kernel",
}


def _params_value(answer):
    expect.number(_whole_number(answer, "n_params"), _PARAMS, rtol=0, name="n_params", mistakes=_PARAMS_MISTAKES,
                  fmt=",")


register(Exercise(
    id="ch10.conv_param_count", answer="n_params", title="Count a conv layer's parameters", kind="predict",
    solution=_PARAMS, tests=[
        Check("is a whole number", _params_is_number, hint="Write a number, e.g. n_params = 1234."),
        Check("the count", _params_value,
              hint="Equation (ch10-params): every filter has kh·kw·C_in weights and one bias, so the layer has "
                   "kh·kw·C_in·C_out + C_out parameters."),
    ]))


# ---------------------------------------------------------------- 10.5 what pooling does to the parameter count

def pooling_statement():
    """(b): a pooling layer has no parameters; it shrinks the feature maps, so the Dense layer after Flatten gets
    fewer inputs (1600 instead of 7744 features in the source's CNN: 204,928 instead of 991,360 weights) and
    later layers compute less. (a) is the source's imprecise claim, (c) treats max as learned, (d) overclaims.
    """
    return "b"


_POOLING_WHY = {
    "a": "it says the pooling layer removes parameters of the conv layer before it. That layer's kernel does not "
         "depend on the image size at all, and the pooling layer itself has count_params() == 0",
    "c": "the max is a fixed operation with nothing to learn (count_params() == 0)",
    "d": "it overclaims: a 2×2 max pool ignores shifts only inside its windows, and the Dense layers after it are "
         "not shift-invariant at all (the chapter's shifted digits lost accuracy)",
}


register(Exercise(
    id="ch10.pooling_parameters", answer="answer_pooling",
    title="What pooling does to the parameter count", kind="choice",
    solution=pooling_statement(), tests=[
        Check("is one of the letters a–d", expect.letter,
              hint="Answer with a string, e.g. answer_pooling = \"a\"."),
        Check("the right statement", lambda a: expect.choice(a, pooling_statement(), _POOLING_WHY),
              hint="Look at the summary() of the source's CNN with and without its second MaxPool2D."),
    ]))
