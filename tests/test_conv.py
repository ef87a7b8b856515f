"""Tests of Conv2D and the im2col helpers: naive-loop and PyTorch references, gradient checks, shapes, errors."""

from __future__ import annotations

import numpy as np
import pytest

import dlcore.layers.conv as conv_module
from dlcore.gradcheck import check_layer, rel_error
from dlcore.layers.conv import Conv2D
from dlcore.layers.flatten import Flatten
from dlcore.layers.im2col import col2im, conv_output_length, im2col
from dlcore.layers.pooling import MaxPool2D
from dlcore.random import set_seed

# (batch, H, W, cin, filters, kernel_size, strides, padding)
CONFIGS = [
    (2, 7, 7, 1, 3, 3, 1, "valid"),
    (2, 6, 8, 3, 2, (3, 2), 1, "same"),
    (3, 7, 6, 2, 4, 3, 2, "same"),
    (2, 8, 8, 4, 3, 3, 2, "same"),  # even size, stride 2: TF pads 0 on top, 1 at the bottom
    (2, 9, 7, 5, 2, (2, 3), 3, "valid"),
    (1, 10, 9, 3, 2, (4, 3), (3, 2), "same"),
    (2, 5, 5, 6, 3, 1, 1, "valid"),
    (2, 6, 7, 2, 2, 5, 1, "same"),
]


# dilated kernels, strides 1: (batch, H, W, cin, filters, kernel_size, dilation_rate, padding); odd sizes
DILATED_CONFIGS = [
    (2, 7, 9, 2, 3, 3, (2, 2), "valid"),
    (2, 7, 9, 2, 3, 3, (2, 2), "same"),
    (1, 9, 7, 3, 2, (3, 2), (2, 1), "valid"),
    (2, 7, 5, 1, 2, (2, 3), (2, 1), "same"),
    (1, 11, 8, 2, 2, 2, (3, 2), "same"),  # even span 4 x 3: TF's odd padding pixel at the bottom
    (2, 5, 5, 1, 2, 3, 2, "same"),  # the span (5) is the whole image
]


def tf_pads(size: int, k: int, s: int, d: int = 1) -> tuple[int, int]:
    """TensorFlow 'same' padding, written independently of conv_output_length."""
    out = int(np.ceil(size / s))
    total = max((out - 1) * s + d * (k - 1) + 1 - size, 0)
    return total // 2, total - total // 2


def naive_conv(x, kernel, bias, strides, padding, dilation=(1, 1)):
    """Reference: explicit loops over output pixels, float64; tap (i, j) reads pixel (r sh + i dh, c sw + j dw)."""
    n, h, w, _ = x.shape
    kh, kw, _, cout = kernel.shape
    (sh, sw), (dh, dw) = strides, dilation
    if padding == "same":
        (pt, pb), (pl, pr) = tf_pads(h, kh, sh, dh), tf_pads(w, kw, sw, dw)
        x = np.pad(x, ((0, 0), (pt, pb), (pl, pr), (0, 0)))
    span_h, span_w = dh * (kh - 1) + 1, dw * (kw - 1) + 1
    ho, wo = (x.shape[1] - span_h) // sh + 1, (x.shape[2] - span_w) // sw + 1
    out = np.zeros((n, ho, wo, cout))
    for r in range(ho):
        for c in range(wo):
            patch = x[:, r * sh:r * sh + span_h:dh, c * sw:c * sw + span_w:dw, :]
            out[:, r, c, :] = np.tensordot(patch, kernel, axes=([1, 2, 3], [0, 1, 2])) + bias
    return out


def make_layer(cfg, activation=None, seed=0, dilated=False):
    """A built layer for a CONFIGS entry (or a DILATED_CONFIGS one), its input and the generator."""
    n, h, w, cin, f, k, s, pad = cfg
    set_seed(seed)
    if dilated:
        layer = Conv2D(f, k, dilation_rate=s, padding=pad, activation=activation)
    else:
        layer = Conv2D(f, k, strides=s, padding=pad, activation=activation)
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, h, w, cin))
    layer.forward(x)
    layer.params["bias"] = rng.standard_normal(f)
    return layer, x, rng


@pytest.fixture(params=[0, 100], ids=["row-layout", "transposed-layout"])
def layout(request, monkeypatch):
    """Run a test with each im2col layout forced."""
    monkeypatch.setattr(conv_module, "TRANSPOSED_MAX_CHANNELS", request.param)
    return request.param


@pytest.mark.parametrize("cfg", CONFIGS)
def test_forward_matches_naive_loops(cfg, layout):
    layer, x, _ = make_layer(cfg)
    expected = naive_conv(x, layer.params["kernel"], layer.params["bias"], layer.strides, layer.padding)
    np.testing.assert_allclose(layer.forward(x), expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("cfg", CONFIGS)
def test_gradients_match_numerical(cfg, layout):
    layer, x, _ = make_layer(cfg, activation="tanh")
    errors = check_layer(layer, x)
    assert max(errors.values()) <= 1e-6, errors


def test_gradient_with_relu_and_no_bias():
    set_seed(1)
    layer = Conv2D(3, (2, 3), strides=(1, 2), padding="same", activation="relu", use_bias=False)
    x = np.random.default_rng(1).standard_normal((2, 5, 6, 2))
    errors = check_layer(layer, x)
    assert set(errors) == {"x", "kernel"} and max(errors.values()) <= 1e-6, errors


@pytest.mark.parametrize("cfg", DILATED_CONFIGS)
def test_dilated_forward_matches_naive_loops(cfg, layout):
    layer, x, _ = make_layer(cfg, dilated=True)
    expected = naive_conv(x, layer.params["kernel"], layer.params["bias"], (1, 1), layer.padding, layer.dilation_rate)
    np.testing.assert_allclose(layer.forward(x), expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("cfg", DILATED_CONFIGS)
def test_dilated_gradients_match_numerical(cfg, layout):
    layer, x, _ = make_layer(cfg, activation="tanh", dilated=True)
    errors = check_layer(layer, x)
    assert set(errors) == {"x", "kernel", "bias"} and max(errors.values()) <= 1e-6, errors


def test_dilated_kernel_reads_every_dth_pixel():
    # one impulse, a kernel of ones: the impulse reaches the outputs whose taps cover it, d pixels apart
    layer = Conv2D(1, 3, dilation_rate=(2, 3), padding="same", use_bias=False)
    layer.build((None, 9, 9, 1), dtype=np.float64)
    layer.params["kernel"] = np.ones((3, 3, 1, 1))
    x = np.zeros((1, 9, 9, 1))
    x[0, 4, 4] = 1.0
    rows, cols = np.nonzero(layer.forward(x)[0, :, :, 0])
    assert sorted(set(rows.tolist())) == [2, 4, 6] and sorted(set(cols.tolist())) == [1, 4, 7]


@pytest.mark.parametrize(("cfg", "dilated"), [(c, False) for c in CONFIGS] + [(c, True) for c in DILATED_CONFIGS])
def test_forward_and_backward_match_torch(cfg, dilated, layout):
    torch = pytest.importorskip("torch", reason="torch is not installed: no comparison with F.conv2d")
    F = torch.nn.functional
    layer, x, rng = make_layer(cfg, activation="sigmoid", dilated=dilated)
    y = layer.forward(x)
    dout = rng.standard_normal(y.shape)
    dx = layer.backward(dout)

    (kh, kw), (sh, sw), (dh, dw) = layer.kernel_size, layer.strides, layer.dilation_rate
    xt = torch.tensor(x.transpose(0, 3, 1, 2), requires_grad=True)  # NHWC -> NCHW
    wt = torch.tensor(layer.params["kernel"].transpose(3, 2, 0, 1), requires_grad=True)  # -> (cout, cin, kh, kw)
    bt = torch.tensor(layer.params["bias"], requires_grad=True)
    xin = xt
    if layer.padding == "same":  # torch pads symmetrically; TF puts the odd pixel bottom/right
        (pt, pb), (pl, pr) = tf_pads(x.shape[1], kh, sh, dh), tf_pads(x.shape[2], kw, sw, dw)
        xin = F.pad(xt, (pl, pr, pt, pb))
    yt = torch.sigmoid(F.conv2d(xin, wt, bt, stride=(sh, sw), dilation=(dh, dw)))
    yt.backward(torch.tensor(dout.transpose(0, 3, 1, 2)))

    np.testing.assert_allclose(y, yt.detach().numpy().transpose(0, 2, 3, 1), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(dx, xt.grad.numpy().transpose(0, 2, 3, 1), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(layer.grads["kernel"], wt.grad.numpy().transpose(2, 3, 1, 0), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(layer.grads["bias"], bt.grad.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize(("size", "k", "s", "padding", "expected"), [
    (28, 3, 1, "valid", (26, 0, 0)),
    (13, 3, 1, "valid", (11, 0, 0)),
    (7, 3, 2, "valid", (3, 0, 0)),
    (8, 3, 2, "valid", (3, 0, 0)),
    (28, 3, 1, "same", (28, 1, 1)),
    (28, 3, 2, "same", (14, 0, 1)),  # odd total padding: the extra pixel goes after
    (7, 3, 2, "same", (4, 1, 1)),
    (10, 4, 3, "same", (4, 1, 2)),
    (5, 1, 2, "same", (3, 0, 0)),
    (6, 2, 2, "same", (3, 0, 0)),
])
def test_conv_output_length_follows_tensorflow(size, k, s, padding, expected):
    assert conv_output_length(size, k, s, padding) == expected


@pytest.mark.parametrize(("size", "k", "d", "padding", "expected"), [
    (9, 3, 2, "valid", (5, 0, 0)),  # span 5
    (9, 3, 4, "valid", (1, 0, 0)),  # span 9: one window
    (8, 3, 4, "valid", (0, 0, 0)),  # too small (out < 1): the caller raises
    (9, 3, 2, "same", (9, 2, 2)),
    (7, 2, 3, "same", (7, 1, 2)),  # span 4: the odd pixel after
    (3, 3, 3, "same", (3, 3, 3)),  # more padding than image
])
def test_conv_output_length_with_dilation_uses_the_span(size, k, d, padding, expected):
    assert conv_output_length(size, k, 1, padding, dilation=d) == expected


def test_same_stride_2_is_aligned_like_tensorflow():
    # A kernel that copies its top-left pixel: with TF's (0 top, 1 bottom) padding, y[r, c] = x[2r, 2c].
    layer = Conv2D(1, 3, strides=2, padding="same", use_bias=False)
    x = np.arange(64, dtype=np.float64).reshape(1, 8, 8, 1)
    layer.forward(x)
    kernel = np.zeros((3, 3, 1, 1))
    kernel[0, 0] = 1.0
    layer.params["kernel"] = kernel
    np.testing.assert_array_equal(layer.forward(x)[0, :, :, 0], x[0, ::2, ::2, 0])


@pytest.mark.parametrize(("shape", "filters", "k", "s", "padding", "out"), [
    ((None, 28, 28, 1), 32, 3, 1, "valid", (None, 26, 26, 32)),
    ((4, 28, 28, 1), 8, 3, 2, "same", (4, 14, 14, 8)),
    ((2, 7, 9, 3), 5, (3, 2), (2, 3), "same", (2, 4, 3, 5)),
    ((2, 7, 9, 3), 5, (3, 2), (2, 3), "valid", (2, 3, 3, 5)),
    ((1, 5, 5, 2), 4, 5, 1, "valid", (1, 1, 1, 4)),
    ((3, 11, 6, 2), 2, (1, 4), (4, 1), "valid", (3, 3, 3, 2)),
])
def test_output_shapes(shape, filters, k, s, padding, out):
    layer = Conv2D(filters, k, strides=s, padding=padding)
    assert layer.compute_output_shape(shape) == out
    x = np.zeros((2 if shape[0] is None else shape[0], *shape[1:]), dtype=np.float32)
    assert layer.forward(x).shape == (x.shape[0], *out[1:])


@pytest.mark.parametrize(("shape", "k", "d", "padding", "out"), [
    ((None, 28, 28, 1), 3, 2, "valid", (None, 24, 24, 4)),
    ((2, 9, 7, 3), (3, 2), (2, 3), "valid", (2, 5, 4, 4)),
    ((2, 9, 7, 3), (3, 2), (2, 3), "same", (2, 9, 7, 4)),
    ((1, 5, 6, 1), 3, (2, 1), "valid", (1, 1, 4, 4)),
])
def test_dilated_output_shapes(shape, k, d, padding, out):
    layer = Conv2D(4, k, dilation_rate=d, padding=padding)
    assert layer.compute_output_shape(shape) == out
    x = np.zeros((2 if shape[0] is None else shape[0], *shape[1:]), dtype=np.float32)
    assert layer.forward(x).shape == (x.shape[0], *out[1:])


def test_seed_model_parameter_counts_and_shapes():
    layers = [Conv2D(32, (3, 3), activation="relu", input_shape=(28, 28, 1)), MaxPool2D(2),
              Conv2D(64, (3, 3), activation="relu"), MaxPool2D(2), Flatten()]
    shape = (None, 28, 28, 1)
    shapes = []
    for layer in layers:
        layer.build(shape)
        shape = layer.compute_output_shape(shape)
        shapes.append(shape)
    assert shapes == [(None, 26, 26, 32), (None, 13, 13, 32), (None, 11, 11, 64), (None, 5, 5, 64), (None, 1600)]
    assert [layer.count_params() for layer in layers] == [320, 0, 18_496, 0, 0]
    assert layers[0].params["kernel"].shape == (3, 3, 1, 32) and layers[0].params["bias"].shape == (32,)
    x = np.random.default_rng(0).random((3, 28, 28, 1), dtype=np.float32)
    for layer in layers:
        x = layer.forward(x)
    assert x.shape == (3, 1600)


def test_backward_does_not_modify_dout_and_returns_fresh_arrays():
    layer, x, rng = make_layer((2, 6, 6, 2, 3, 3, 1, "same"))  # linear: dz is dout itself inside backward
    y1 = layer.forward(x)
    y1_copy = y1.copy()
    dout = rng.standard_normal(y1.shape)
    dout_copy = dout.copy()
    dx1 = layer.backward(dout)
    dx1_copy = dx1.copy()
    np.testing.assert_array_equal(dout, dout_copy)
    layer.forward(x * 2)  # reuses the layer's scratch buffers...
    layer.backward(dout * 3)
    np.testing.assert_array_equal(y1, y1_copy)  # ...but never the arrays it handed out
    np.testing.assert_array_equal(dx1, dx1_copy)


def test_backward_uses_the_latest_forward():
    layer, x, rng = make_layer((2, 6, 5, 3, 2, 3, 2, "same"))
    x2 = rng.standard_normal(x.shape)
    dout = rng.standard_normal(layer.forward(x).shape)
    layer.forward(x)
    layer.forward(x2)
    layer.backward(dout)
    fresh, _, _ = make_layer((2, 6, 5, 3, 2, 3, 2, "same"))
    fresh.params = {k: v.copy() for k, v in layer.params.items()}
    fresh.forward(x2)
    fresh.backward(dout)
    np.testing.assert_allclose(layer.grads["kernel"], fresh.grads["kernel"], rtol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_is_preserved(dtype):
    layer = Conv2D(4, 3, padding="same")
    x = np.random.default_rng(0).standard_normal((2, 5, 5, 3)).astype(dtype)
    y = layer.forward(x)
    dx = layer.backward(np.ones_like(y))
    assert y.dtype == dx.dtype == layer.params["kernel"].dtype == layer.grads["kernel"].dtype == dtype
    assert layer.grads["bias"].dtype == dtype
    if dtype == np.float32:  # the float32 path computes the same numbers, to float32 precision
        reference = Conv2D(4, 3, padding="same")
        reference.forward(x.astype(np.float64))
        reference.params = {k: v.astype(np.float64) for k, v in layer.params.items()}
        np.testing.assert_allclose(y, reference.forward(x.astype(np.float64)), rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(dx, reference.backward(np.ones(y.shape)), rtol=1e-5, atol=1e-5)


def test_replacing_the_kernel_takes_effect():
    layer = Conv2D(2, 3)
    x = np.random.default_rng(0).standard_normal((1, 4, 4, 1))
    layer.forward(x)
    layer.params["kernel"] = np.zeros((3, 3, 1, 2))
    layer.params["bias"] = np.array([1.0, -2.0])
    np.testing.assert_array_equal(layer.forward(x), np.broadcast_to([1.0, -2.0], (1, 2, 2, 2)))


def test_wrong_rank_is_a_value_error_with_hint():
    layer = Conv2D(8, 3, name="conv_a")
    with pytest.raises(ValueError, match=r"conv_a.*\(8, 28, 28\).*x\[\.\.\., None\]"):
        layer.forward(np.zeros((8, 28, 28)))


def test_channels_first_input_is_a_value_error_with_hint():
    layer = Conv2D(8, 3, name="conv_b")
    layer.forward(np.zeros((2, 28, 28, 1)))
    with pytest.raises(ValueError, match=r"conv_b.*\(8, 1, 28, 28\).*\(batch, height, width, 1\).*channels-last"):
        layer.forward(np.zeros((8, 1, 28, 28)))
    with pytest.raises(ValueError, match=r"conv_b.*\(2, 28, 28, 3\)") as info:
        layer.forward(np.zeros((2, 28, 28, 3)))  # simply the wrong channel count: no NCHW hint
    assert "channels-last" not in str(info.value)


def test_declared_input_shape_mismatch_is_a_value_error_with_hint():
    layer = Conv2D(8, 3, input_shape=(28, 28, 1), name="conv_c")
    with pytest.raises(ValueError, match=r"conv_c.*\(8, 1, 28, 28\).*\(None, 28, 28, 1\).*channels-last"):
        layer.forward(np.zeros((8, 1, 28, 28)))
    assert not layer.built


def test_image_smaller_than_kernel():
    with pytest.raises(ValueError, match=r"conv_d.*\(1, 2, 5, 1\).*smaller than the kernel"):
        Conv2D(2, 3, name="conv_d").forward(np.zeros((1, 2, 5, 1)))
    with pytest.raises(ValueError, match="smaller than the kernel"):
        Conv2D(2, 3).compute_output_shape((None, 5, 2, 1))
    assert Conv2D(2, 3, padding="same").forward(np.zeros((1, 2, 2, 1))).shape == (1, 2, 2, 2)
    # a dilated 3x3 kernel spans 5x5 pixels: the error says so
    with pytest.raises(ValueError, match=r"\(1, 4, 9, 1\).*at least \(5, 5\) pixels.*smaller than the kernel"):
        Conv2D(2, 3, dilation_rate=2).forward(np.zeros((1, 4, 9, 1)))


def test_strides_and_dilation_together_are_an_error_as_in_keras():
    with pytest.raises(ValueError, match=r"Conv2D: strides > 1 cannot be combined with dilation_rate > 1.*"
                                         r"strides=\(2, 1\) and dilation_rate=\(1, 2\)"):
        Conv2D(2, 3, strides=(2, 1), dilation_rate=(1, 2))
    with pytest.raises(ValueError, match=r"dilation_rate must be a positive int or a pair of them, got 0"):
        Conv2D(2, 3, dilation_rate=0)
    with pytest.raises(ValueError, match=r"dilation_rate must be a positive int or a pair.*\(2, 2, 2\)"):
        Conv2D(2, 3, dilation_rate=(2, 2, 2))
    layer = Conv2D(2, 3, dilation_rate=(2, 1), name="atrous")
    assert layer.get_config()["dilation_rate"] == (2, 1)
    assert Conv2D(2, 3, dilation_rate=1).dilation_rate == (1, 1) and Conv2D(2, 3, strides=2).strides == (2, 2)


@pytest.mark.parametrize("kwargs", [
    {"filters": 0, "kernel_size": 3}, {"filters": 2, "kernel_size": (3, 0)}, {"filters": 2, "kernel_size": (1, 2, 3)},
    {"filters": 2, "kernel_size": 3, "strides": 0}, {"filters": 2, "kernel_size": 3, "padding": "full"},
    {"filters": 2, "kernel_size": 3, "activation": "relux"}, {"filters": 2, "kernel_size": 3, "input_shape": (28, 28)},
])
def test_bad_arguments(kwargs):
    with pytest.raises(ValueError):
        Conv2D(**kwargs)


def test_backward_rejects_a_dout_of_the_wrong_shape():
    layer = Conv2D(2, 3)
    y = layer.forward(np.zeros((1, 5, 5, 1)))
    with pytest.raises(ValueError, match=r"\(1, 3, 3, 3\).*\(1, 3, 3, 2\)"):
        layer.backward(np.zeros((*y.shape[:3], 3)))


@pytest.mark.parametrize("transposed", [False, True])
@pytest.mark.parametrize(("strides", "dilation"), [((2, 2), (1, 1)), ((1, 1), (2, 3))])
def test_im2col_matches_loops_and_col2im_is_its_adjoint(transposed, strides, dilation):
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 7, 6, 3))
    kernel, out_hw = (3, 2), (3, 3)
    (sh, sw), (dh, dw) = strides, dilation
    cols = im2col(x, kernel, strides, out_hw, transposed=transposed, dilation=dilation)
    rows = cols.T if transposed else cols
    row = 0
    for n in range(2):
        for r in range(3):
            for c in range(3):
                patch = x[n, sh * r:sh * r + 2 * dh + 1:dh, sw * c:sw * c + dw + 1:dw, :]
                np.testing.assert_array_equal(rows[row], patch.ravel())
                row += 1
    # <im2col(x), g> == <x, col2im(g)> for any g: col2im is exactly the transpose of im2col
    g = rng.standard_normal(cols.shape)
    layout = (3, 2, 3, 2, 3, 3) if transposed else (2, 3, 3, 3, 2, 3)
    grouped = g.reshape(layout).transpose((0, 1, 2, 3, 4, 5) if transposed else (3, 4, 0, 1, 2, 5))
    back = col2im(np.ascontiguousarray(grouped), x.shape, strides, transposed=transposed, dilation=dilation)
    assert rel_error(np.sum(cols * g), np.sum(x * back)) < 1e-14


def test_batch_size_can_change_between_calls(layout):
    # the scratch buffers are reused across calls: a smaller then larger batch must still be exact
    layer, x, rng = make_layer((4, 6, 5, 3, 2, 3, 2, "same"))
    for n in (4, 1, 3, 4):
        xb = rng.standard_normal((n, *x.shape[1:]))
        y = layer.forward(xb)
        np.testing.assert_allclose(y, naive_conv(xb, layer.params["kernel"], layer.params["bias"], (2, 2), "same"),
                                   rtol=1e-12, atol=1e-12)
        dout = rng.standard_normal(y.shape)
        dx = layer.backward(dout)
        # <dout, dy/dx . v> for linear layers: the adjoint identity sum(dout * conv(v)) == sum(dx * v), bias-free
        v = rng.standard_normal(xb.shape)
        lhs = np.sum(dout * (layer.forward(v) - layer.params["bias"]))
        assert abs(lhs - np.sum(dx * v)) <= 1e-10 * (1 + abs(lhs))


def test_regularizers_bias_initializer_and_keras(keras):
    from keras_reference import assert_close_to_keras, keras_layer_output

    from dlcore.regularizers import L1L2
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 5, 5, 2))
    layer = Conv2D(3, 3, padding="same", activation="tanh", bias_initializer="ones",
                   kernel_regularizer=L1L2(l2=0.3), bias_regularizer=L1L2(l1=0.2))
    layer.forward(x)
    np.testing.assert_array_equal(layer.params["bias"], 1.0)
    w, b = layer.params["kernel"], layer.params["bias"]
    assert layer.regularization_loss() == pytest.approx(0.3 * np.sum(w**2) + 0.2 * np.abs(b).sum())
    dout = rng.standard_normal((2, 5, 5, 3))
    layer.backward(dout)
    plain = Conv2D(3, 3, padding="same", activation="tanh")
    plain.forward(x)
    plain.params = {"kernel": w, "bias": b}
    plain.forward(x)
    plain.backward(dout)
    np.testing.assert_allclose(layer.grads["kernel"], plain.grads["kernel"] + 0.6 * w, atol=1e-12)
    np.testing.assert_allclose(layer.grads["bias"], plain.grads["bias"] + 0.2 * np.sign(b), atol=1e-12)
    ref = keras.layers.Conv2D(3, 3, padding="same", activation="tanh")
    assert_close_to_keras("Conv2D same tanh", layer.forward(x), keras_layer_output(keras, ref, x, [w, b]))
