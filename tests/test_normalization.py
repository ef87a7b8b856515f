"""Tests of dlcore.layers.normalization: BatchNormalization (Keras semantics) and LayerNormalization."""

import numpy as np
import pytest

from dlcore.gradcheck import check_layer
from dlcore.layers.normalization import BatchNormalization, LayerNormalization
from dlcore.random import set_seed
from dlcore.regularizers import L1L2

TOL = 1e-6


def _data(shape, seed=0, scale=3.0, shift=1.5):
    # offset: never the stream set_seed(seed) gives dlcore (a check_layer weight r proportional to x
    # would make some true gradients exactly 0 and their relative error meaningless)
    return np.random.default_rng(seed + 1000).standard_normal(shape) * scale + shift


def _assert_grads(errors):
    assert max(errors.values()) < TOL, errors


# ----- BatchNormalization --------------------------------------------------------------------------
def test_bn_params_and_state():
    bn = BatchNormalization(input_shape=(5,))
    bn.build((None, 5), np.float64)
    assert set(bn.params) == {"gamma", "beta"}
    np.testing.assert_array_equal(bn.params["gamma"], np.ones(5))
    np.testing.assert_array_equal(bn.params["beta"], np.zeros(5))
    np.testing.assert_array_equal(bn.moving_mean, np.zeros(5))
    np.testing.assert_array_equal(bn.moving_variance, np.ones(5))
    assert bn.count_params() == 20 and bn.count_non_trainable() == 10  # Keras counts the moving statistics too
    assert bn.compute_output_shape((None, 5)) == (None, 5)


@pytest.mark.parametrize("shape", [(64, 3), (8, 5, 6, 3)])
def test_bn_training_output_has_mean_beta_and_std_gamma(shape):
    x = _data(shape)
    bn = BatchNormalization()
    bn.build((None, *shape[1:]), np.float64)
    bn.params["gamma"][:] = [0.5, 2.0, 3.0]
    bn.params["beta"][:] = [-1.0, 0.0, 4.0]
    y = bn.forward(x, training=True)
    axes = tuple(range(len(shape) - 1))
    np.testing.assert_allclose(y.mean(axis=axes), [-1.0, 0.0, 4.0], atol=1e-10)
    # std = gamma * sqrt(var / (var + eps)), i.e. gamma up to ~eps / (2 var) ~ 6e-5 here
    np.testing.assert_allclose(y.std(axis=axes), [0.5, 2.0, 3.0], rtol=2e-4)


def test_bn_normalises_each_channel_over_batch_and_space_in_nhwc():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((4, 3, 3, 2)) * np.array([1.0, 10.0]) + np.array([5.0, -5.0])
    y = BatchNormalization(epsilon=1e-8).forward(x, training=True)
    for c in range(2):
        xc = x[..., c]
        np.testing.assert_allclose(y[..., c], (xc - xc.mean()) / xc.std(), atol=1e-6)


def test_bn_moving_statistics_update_with_biased_variance():
    x1, x2 = _data((10, 4), seed=2), _data((10, 4), seed=3, scale=0.5)
    bn = BatchNormalization(momentum=0.9)
    bn.forward(x1, training=True)
    np.testing.assert_allclose(bn.moving_mean, 0.1 * x1.mean(axis=0))
    np.testing.assert_allclose(bn.moving_variance, 0.9 + 0.1 * x1.var(axis=0))  # ddof=0, as Keras
    bn.forward(x2, training=True)
    mean = 0.9 * 0.1 * x1.mean(axis=0) + 0.1 * x2.mean(axis=0)
    var = 0.9 * (0.9 + 0.1 * x1.var(axis=0)) + 0.1 * x2.var(axis=0)
    np.testing.assert_allclose(bn.moving_mean, mean)
    np.testing.assert_allclose(bn.moving_variance, var)
    unbiased = 0.9 * (0.9 + 0.1 * x1.var(axis=0, ddof=1)) + 0.1 * x2.var(axis=0, ddof=1)
    assert not np.allclose(bn.moving_variance, unbiased)  # PyTorch's choice, not Keras'
    before = bn.moving_mean.copy()
    bn.forward(x2)  # inference leaves the state alone
    np.testing.assert_array_equal(bn.moving_mean, before)


def test_bn_inference_uses_moving_statistics_and_is_deterministic():
    x = _data((6, 3), seed=4)
    bn = BatchNormalization(epsilon=1e-3)
    bn.build((None, 3), np.float64)
    bn.moving_mean = np.array([1.0, -2.0, 0.5])
    bn.moving_variance = np.array([4.0, 0.25, 1.0])
    bn.params["gamma"][:] = [1.0, 2.0, -1.0]
    bn.params["beta"][:] = [0.0, 1.0, 3.0]
    y = bn.forward(x)
    expected = (x - bn.moving_mean) / np.sqrt(bn.moving_variance + 1e-3) * bn.params["gamma"] + bn.params["beta"]
    np.testing.assert_allclose(y, expected, rtol=1e-12)
    np.testing.assert_array_equal(bn.forward(x, training=False), y)
    # one sample's output does not depend on the rest of the batch at inference
    np.testing.assert_allclose(bn.forward(x[:1]), y[:1], rtol=1e-12)


@pytest.mark.parametrize("shape", [(6, 4), (3, 3, 2, 4)])
@pytest.mark.parametrize("training", [True, False])
def test_bn_gradient_check(shape, training):
    set_seed(5)
    x = _data(shape, seed=5)
    bn = BatchNormalization()
    bn.build((None, *shape[1:]), np.float64)
    rng = np.random.default_rng(6)
    bn.params["gamma"][:] = rng.uniform(0.5, 2.0, 4)
    bn.params["beta"][:] = rng.standard_normal(4)
    bn.moving_mean = rng.standard_normal(4)
    bn.moving_variance = rng.uniform(0.5, 2.0, 4)
    _assert_grads(check_layer(bn, x, training=training))


def test_bn_backward_leaves_dout_alone():
    x = _data((5, 3), seed=7)
    bn = BatchNormalization()
    bn.forward(x, training=True)
    dout = _data((5, 3), seed=8)
    keep = dout.copy()
    bn.backward(dout)
    np.testing.assert_array_equal(dout, keep)


def test_bn_shape_error_names_layer_and_shapes():
    bn = BatchNormalization(name="bn_test")
    bn.forward(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"bn_test.*\(2, 4\).*3"):
        bn.forward(np.ones((2, 4)))
    with pytest.raises(ValueError, match="bn_test"):
        bn.forward(np.ones(3))


def test_bn_float32():
    x = _data((8, 3)).astype(np.float32)
    bn = BatchNormalization()
    for training in (True, False):
        y = bn.forward(x, training=training)
        assert y.dtype == np.float32
        assert bn.backward(np.ones_like(y)).dtype == np.float32
    assert bn.moving_mean.dtype == np.float32


# ----- LayerNormalization --------------------------------------------------------------------------
def test_ln_normalises_each_sample_over_the_last_axis():
    x = _data((3, 4, 16), seed=9) * np.arange(1, 4)[:, None, None]
    ln = LayerNormalization(epsilon=1e-9)
    y = ln.forward(x)
    assert set(ln.params) == {"gamma", "beta"} and ln.params["gamma"].shape == (16,)
    np.testing.assert_allclose(y.mean(axis=-1), 0, atol=1e-10)
    np.testing.assert_allclose(y.std(axis=-1), 1, atol=1e-6)
    ln.params["gamma"][:] = 2.0
    ln.params["beta"][:] = -1.0
    np.testing.assert_allclose(ln.forward(x), 2 * y - 1, atol=1e-10)
    # independent of the batch: the same in training mode and on one sample alone
    np.testing.assert_array_equal(ln.forward(x, training=True), ln.forward(x))
    np.testing.assert_allclose(ln.forward(x[:1]), ln.forward(x)[:1], rtol=1e-12)


@pytest.mark.parametrize("shape", [(5, 8), (2, 3, 6)])
def test_ln_gradient_check(shape):
    set_seed(10)
    x = _data(shape, seed=10)
    ln = LayerNormalization()
    ln.build((None, *shape[1:]), np.float64)
    rng = np.random.default_rng(11)
    ln.params["gamma"][:] = rng.uniform(0.5, 2.0, shape[-1])
    ln.params["beta"][:] = rng.standard_normal(shape[-1])
    _assert_grads(check_layer(ln, x))


def test_ln_shape_errors_dtype_and_dout():
    ln = LayerNormalization(name="ln_test")
    y = ln.forward(np.ones((2, 5), dtype=np.float32) * np.arange(5, dtype=np.float32))
    assert y.dtype == np.float32
    dout = np.ones((2, 5), dtype=np.float32)
    assert ln.backward(dout).dtype == np.float32
    np.testing.assert_array_equal(dout, 1)
    with pytest.raises(ValueError, match=r"ln_test.*\(2, 3, 4\).*5"):
        ln.forward(np.ones((2, 3, 4)))


def test_invalid_arguments():
    with pytest.raises(ValueError, match="momentum"):
        BatchNormalization(momentum=1.5)
    with pytest.raises(ValueError, match="epsilon"):
        LayerNormalization(epsilon=0)


# ----- Keras' options: axis, center, scale, initializers, regularizers ------------------------------
def _penalised_grad_errors(layer, x, training=False, h=1e-6):
    """Relative errors of ``grads`` against numerical gradients of ``sum(out * r) + regularization_loss()``."""
    from dlcore.gradcheck import numerical_gradient, rel_error

    r = np.random.default_rng(99).standard_normal(layer.forward(x, training=training).shape)

    def loss():
        return float(np.sum(layer.forward(x, training=training) * r)) + layer.regularization_loss()

    loss()
    layer.backward(r.copy())
    return {k: rel_error(layer.grads[k].copy(), numerical_gradient(loss, p, h)) for k, p in layer.params.items()}


@pytest.mark.parametrize("center,scale,names", [(True, True, ["gamma", "beta"]), (False, True, ["gamma"]),
                                                (True, False, ["beta"]), (False, False, [])])
def test_center_and_scale_drop_beta_and_gamma_as_keras(center, scale, names):
    x = _data((6, 3), seed=12)
    bn = BatchNormalization(center=center, scale=scale, epsilon=1e-8)
    y = bn.forward(x, training=True)
    assert list(bn.params) == names
    assert [w.shape for w in bn.get_weights()] == [(3,)] * (len(names) + 2)  # then moving_mean, moving_variance
    assert bn.count_params() == 3 * (len(names) + 2)
    if not center and not scale:  # plain standardisation
        np.testing.assert_allclose(y, (x - x.mean(0)) / x.std(0), rtol=1e-6)
    bn.set_weights([np.full(3, 2.0)] * len(names) + [np.zeros(3), np.ones(3)])
    z = x / np.sqrt(1 + 1e-8)  # moving mean 0, moving variance 1
    np.testing.assert_allclose(bn.forward(x), z * (2.0 if scale else 1.0) + (2.0 if center else 0.0))
    ln = LayerNormalization(center=center, scale=scale)
    ln.forward(x)
    assert list(ln.params) == names and len(ln.get_weights()) == len(names)


def test_initializers_set_the_starting_weights_and_state():
    bn = BatchNormalization(beta_initializer="ones", gamma_initializer="zeros",
                            moving_mean_initializer=lambda shape, dtype: np.full(shape, 0.5, dtype),
                            moving_variance_initializer="RandomUniform")
    bn.build((None, 4), np.float64)
    np.testing.assert_array_equal(bn.params["beta"], 1)
    np.testing.assert_array_equal(bn.params["gamma"], 0)
    np.testing.assert_array_equal(bn.moving_mean, 0.5)
    assert bn.moving_variance.dtype == np.float64 and np.all(np.abs(bn.moving_variance) <= 0.05)
    assert len(set(bn.moving_variance)) == 4  # random, not a constant
    ln = LayerNormalization(gamma_initializer="random_normal", beta_initializer="constant")
    ln.build((None, 5), np.float32)
    assert ln.params["gamma"].dtype == np.float32 and ln.params["gamma"].std() > 0
    np.testing.assert_array_equal(ln.params["beta"], 0)  # Constant's default value is 0, as Keras'


@pytest.mark.parametrize("training", [True, False])
def test_bn_over_axis_1_is_bn_of_the_channels_last_layout(training):
    x = _data((4, 3, 2, 5), seed=13)  # (batch, C, H, W)
    first = BatchNormalization(axis=1, momentum=0.5)
    last = BatchNormalization(momentum=0.5)
    for layer in (first, last):
        layer.build((None, 3, 2, 5) if layer is first else (None, 2, 5, 3), np.float64)
        layer.params["gamma"][:] = [0.5, 2.0, -1.0]
        layer.params["beta"][:] = [1.0, 0.0, 3.0]
    y = first.forward(x, training=training)
    assert first.params["gamma"].shape == (3,) and first.moving_mean.shape == (3,)
    np.testing.assert_allclose(y, last.forward(x.transpose(0, 2, 3, 1), training=training).transpose(0, 3, 1, 2))
    np.testing.assert_allclose(first.moving_variance, last.moving_variance)
    with pytest.raises(ValueError, match=r"\(4, 4, 2, 5\).*axis=1 must have 3"):
        first.forward(np.ones((4, 4, 2, 5)))


@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("axis", [1, -2])
def test_bn_axis_gradient_check(axis, training):
    set_seed(14)
    bn = BatchNormalization(axis=axis, center=False)
    bn.build((None, 4, 3), np.float64)
    bn.params["gamma"][:] = np.random.default_rng(15).uniform(0.5, 2.0, 4)
    bn.moving_mean, bn.moving_variance = np.full(4, 0.3), np.full(4, 1.7)
    _assert_grads(check_layer(bn, _data((5, 4, 3), seed=14), training=training))


def test_ln_over_several_axes_normalises_each_sample_as_keras():
    x = _data((3, 4, 5), seed=16)
    ln = LayerNormalization(axis=[1, 2], epsilon=1e-9)
    y = ln.forward(x)
    assert ln.params["gamma"].shape == (4, 5) and ln.params["beta"].shape == (4, 5)
    flat = x.reshape(3, -1)
    np.testing.assert_allclose(y.reshape(3, -1), (flat - flat.mean(1, keepdims=True)) / flat.std(1, keepdims=True),
                               rtol=1e-6)
    one = LayerNormalization(axis=1)  # normalise over the time axis: one gamma per step
    assert one.forward(x).shape == x.shape and one.params["gamma"].shape == (4,)
    np.testing.assert_allclose(one.forward(x).mean(axis=1), 0, atol=1e-10)
    with pytest.raises(ValueError, match=r"axis=\[1, 2\]"):
        ln.forward(np.ones((3, 4, 6)))


@pytest.mark.parametrize("axis", [[1, 2], [-1, 1], 1])
def test_ln_axes_gradient_check(axis):
    set_seed(17)
    ln = LayerNormalization(axis=axis, gamma_initializer="random_normal", beta_initializer="random_normal")
    ln.build((None, 3, 4), np.float64)
    ln.params["gamma"] += 1.0
    _assert_grads(check_layer(ln, _data((2, 3, 4), seed=17)))


@pytest.mark.parametrize("make", [
    lambda: BatchNormalization(gamma_regularizer="l2", beta_regularizer="l1"),
    lambda: BatchNormalization(axis=1, scale=False, beta_regularizer=L1L2(l1=0.1, l2=0.3)),
    lambda: LayerNormalization(gamma_regularizer="l1", beta_regularizer="l2"),
])
@pytest.mark.parametrize("training", [True, False])
def test_penalties_add_to_the_loss_and_their_gradients_to_grads(make, training):
    set_seed(18)
    layer = make()
    layer.build((None, 3, 4), np.float64)
    rng = np.random.default_rng(19)
    for p in layer.params.values():  # away from L1's kink at 0
        p[:] = rng.uniform(0.5, 1.5, p.shape) * rng.choice([-1, 1], p.shape)
    expected = sum(getattr(layer, f"{k}_regularizer").penalty(p) for k, p in layer.params.items())
    assert layer.regularization_loss() == pytest.approx(expected) and expected > 0
    _assert_grads(_penalised_grad_errors(layer, _data((5, 3, 4), seed=18), training=training))


def test_invalid_axis_arguments():
    with pytest.raises(ValueError, match="axis"):
        BatchNormalization(axis=[1, 2])  # Keras' batch norm takes one axis
    with pytest.raises(ValueError, match="axis"):
        LayerNormalization(axis="last")
    with pytest.raises(ValueError, match=r"axis=3.*out of bounds"):
        BatchNormalization(axis=3).forward(np.ones((2, 3, 4)))
    with pytest.raises(ValueError, match="out of bounds"):
        LayerNormalization(axis=[1, -2]).forward(np.ones((2, 3, 4)))  # the same axis twice
