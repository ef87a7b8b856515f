"""Tests of dlcore.layers.dropout: inverted dropout statistics, determinism, frozen-mask gradient check."""

import numpy as np
import pytest

from dlcore.gradcheck import check_layer
from dlcore.layers.dropout import Dropout
from dlcore.random import set_seed

# data come from default_rng(1000 + k), never from the stream set_seed(k) hands dlcore: a mask or a
# check_layer weight drawn from the same stream as x would be correlated with x


@pytest.mark.parametrize("rate", [-0.1, 1.0, 1.5, True, "0.5"])
def test_invalid_rate_raises(rate):
    with pytest.raises(ValueError, match="rate"):
        Dropout(rate)


def test_inference_is_identity_and_deterministic():
    set_seed(0)
    x = np.random.default_rng(1000).standard_normal((4, 5))
    layer = Dropout(0.5)
    out1, out2 = layer.forward(x), layer.forward(x, training=False)
    np.testing.assert_array_equal(out1, x)
    np.testing.assert_array_equal(out1, out2)
    np.testing.assert_array_equal(layer.backward(np.ones_like(x)), np.ones_like(x))


@pytest.mark.parametrize("rate", [0.2, 0.5, 0.8])
def test_fraction_dropped_and_mean_preserved(rate):
    set_seed(1)
    x = np.random.default_rng(1001).uniform(0.0, 1.6, size=(1000, 1000))
    out = Dropout(rate).forward(x, training=True)
    dropped = np.mean(out == 0)
    assert abs(dropped - rate) < 3e-3, dropped
    # inverted dropout: the survivors are scaled by 1/(1-rate), so the mean is unchanged
    assert abs(out.mean() - x.mean()) < 0.01 * x.mean(), (out.mean(), x.mean())
    kept = out != 0
    np.testing.assert_allclose(out[kept], x[kept] / (1 - rate), rtol=1e-12)


def test_rate_zero_training_is_identity():
    x = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(Dropout(0.0).forward(x, training=True), x)


def test_fresh_mask_each_call_and_seeding():
    x = np.ones((50, 40))
    set_seed(3)
    layer = Dropout(0.5)
    a, b = layer.forward(x, training=True), layer.forward(x, training=True)
    assert not np.array_equal(a, b)
    set_seed(3)
    np.testing.assert_array_equal(Dropout(0.5).forward(x, training=True), a)  # set_seed fixes the masks
    # an own seed gives the same sequence of masks whatever the global generator did
    s1, s2 = Dropout(0.5, seed=7), Dropout(0.5, seed=7)
    set_seed(4)
    first = s1.forward(x, training=True)
    set_seed(5)
    np.testing.assert_array_equal(s2.forward(x, training=True), first)


def test_backward_uses_the_mask_and_leaves_dout_alone():
    set_seed(2)
    x = np.random.default_rng(1002).standard_normal((8, 6))
    layer = Dropout(0.4)
    out = layer.forward(x, training=True)
    dout = np.random.default_rng(1003).standard_normal(x.shape)
    keep = dout.copy()
    dx = layer.backward(dout)
    np.testing.assert_array_equal(dout, keep)
    np.testing.assert_allclose(dx, dout * (out != 0) / 0.6)


def test_gradient_check_training_with_frozen_mask():
    set_seed(4)
    x = np.random.default_rng(1004).standard_normal((5, 7))
    layer = Dropout(0.3)
    with pytest.raises(ValueError, match="no mask"):
        layer.freeze_mask()
    out = layer.forward(x, training=True)
    layer.freeze_mask()
    np.testing.assert_array_equal(layer.forward(x, training=True), out)  # the mask is reused
    errors = check_layer(layer, x, training=True)
    assert errors["x"] < 1e-8, errors
    layer.unfreeze_mask()
    assert not np.array_equal(layer.forward(x, training=True), out)


def test_fixed_mask_attribute_and_its_shape_check():
    layer = Dropout(0.5)
    layer.fixed_mask = np.array([[2.0, 0.0], [0.0, 2.0]])
    np.testing.assert_array_equal(layer.forward(np.ones((2, 2)), training=True), layer.fixed_mask)
    with pytest.raises(ValueError, match=r"dropout.*\(3, 2\).*\(2, 2\)"):
        layer.forward(np.ones((3, 2)), training=True)


def test_float32_in_float32_out():
    x = np.ones((4, 3), dtype=np.float32)
    layer = Dropout(0.5)
    assert layer.forward(x, training=True).dtype == np.float32
    assert layer.backward(np.ones_like(x)).dtype == np.float32
    assert layer.forward(x).dtype == np.float32


def test_noise_shape_shares_one_draw_along_its_axes_of_size_1():
    set_seed(6)
    x = np.random.default_rng(1006).uniform(1, 2, size=(40, 7, 30))  # (batch, steps, features)
    layer = Dropout(0.4, noise_shape=(None, 1, None))  # the same features dropped at every step
    out = layer.forward(x, training=True)
    kept = out != 0
    assert np.all(kept == kept[:, :1, :]), "a feature is dropped at every step or at none"
    np.testing.assert_allclose(out[kept], x[kept] / 0.6)
    assert abs(1 - kept[:, 0].mean() - 0.4) < 0.05  # about `rate` of the (sample, feature) pairs
    assert not np.all(kept == kept[:1])  # but each sample draws its own
    dout = np.random.default_rng(1007).standard_normal(x.shape)
    np.testing.assert_allclose(layer.backward(dout), dout * kept / 0.6)
    # explicit sizes equal to the input's work as None does; (1, 1, F) drops a feature for the whole batch
    channels = Dropout(0.5, noise_shape=[1, 1, 30]).forward(x, training=True) != 0
    assert np.all(channels == channels[:1, :1])
    assert Dropout(0.5, noise_shape=[40, 7, 1]).forward(x, training=True).shape == x.shape


def test_noise_shape_draws_as_many_numbers_as_its_shape():
    """The seed gives the same stream as before: a mask of noise_shape is drawn, then broadcast."""
    x = np.ones((6, 5, 4))
    a = Dropout(0.5, noise_shape=(None, 1, None), seed=9).forward(x, training=True)
    b = Dropout(0.5, seed=9).forward(np.ones((6, 1, 4)), training=True)
    np.testing.assert_array_equal(a, np.broadcast_to(b, x.shape))


def test_noise_shape_gradient_check_with_frozen_mask():
    set_seed(8)
    x = np.random.default_rng(1008).standard_normal((4, 3, 5))
    layer = Dropout(0.3, noise_shape=(None, 1, None))
    layer.forward(x, training=True)
    layer.freeze_mask()
    assert check_layer(layer, x, training=True)["x"] < 1e-8


def test_noise_shape_errors():
    for bad, what in [("abc", "tuple or list"), (5, "tuple or list"), ((None, 0), "positive ints or None"),
                      ((2.5, None), "positive ints or None")]:
        with pytest.raises(ValueError, match=what):
            Dropout(0.5, noise_shape=bad)
    with pytest.raises(ValueError, match=r"noise_shape \(None, 1\) has 2 axes, the input \(2, 3, 4\) has 3"):
        Dropout(0.5, noise_shape=(None, 1)).forward(np.ones((2, 3, 4)), training=True)
    with pytest.raises(ValueError, match=r"does not broadcast to the input \(2, 3, 4\)"):
        Dropout(0.5, noise_shape=(None, 2, None)).forward(np.ones((2, 3, 4)), training=True)
    assert Dropout(0.5, noise_shape=(None, 2)).forward(np.ones((2, 3))).shape == (2, 3)  # inference: not used


def test_noise_shape_matches_keras_semantics():
    from keras_reference import keras_or_skip
    keras = keras_or_skip()
    x = np.random.default_rng(1009).uniform(1, 2, size=(30, 6, 20))
    out = keras.ops.convert_to_numpy(keras.layers.Dropout(0.3, noise_shape=(None, 1, None), seed=1)(x, training=True))
    kept = out != 0
    assert np.all(kept == kept[:, :1, :])  # Keras shares the draw along the axis of size 1 too
    np.testing.assert_allclose(out[kept], x[kept] / 0.7)
    ours = Dropout(0.3, noise_shape=(None, 1, None), seed=1)
    assert ours.get_config()["noise_shape"] == keras.layers.Dropout(0.3, noise_shape=(None, 1, None)).noise_shape
