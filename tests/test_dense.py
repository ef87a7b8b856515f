import numpy as np
import pytest

from dlcore.gradcheck import check_layer
from dlcore.layers import Activation, Dense
from dlcore.regularizers import L1L2

RNG = np.random.default_rng(0)


@pytest.mark.parametrize("activation", [None, "sigmoid", "tanh", "relu", "leaky_relu", "softmax"])
@pytest.mark.parametrize("shape", [(1, 3), (4, 5), (2, 3, 4)])
def test_gradients(activation, shape):
    errors = check_layer(Dense(int(RNG.integers(1, 6)), activation=activation), RNG.normal(size=shape))
    assert max(errors.values()) < 1e-6, errors


def test_regularized_kernel_gradient_includes_the_penalty():
    layer = Dense(3, kernel_regularizer=L1L2(l1=0.1, l2=0.2))
    x = RNG.normal(size=(4, 2))
    layer.forward(x)
    w = layer.params["kernel"]
    assert layer.regularization_loss() == pytest.approx(0.1 * np.abs(w).sum() + 0.2 * (w**2).sum())
    layer.backward(np.zeros((4, 3)))
    np.testing.assert_allclose(layer.grads["kernel"], 0.1 * np.sign(w) + 0.4 * w)


def test_shapes_and_keras_layout():
    layer = Dense(7, input_dim=3)
    y = layer.forward(np.zeros((5, 3)))
    assert y.shape == (5, 7)
    assert layer.params["kernel"].shape == (3, 7) and layer.params["bias"].shape == (7,)
    assert layer.compute_output_shape((None, 3)) == (None, 7)
    assert layer.count_params() == 28


def test_wrong_feature_count_names_layer_and_shapes():
    layer = Dense(4, name="hidden")
    layer.forward(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"Dense layer 'hidden'.*\(2, 5\).*\(batch, 3\)"):
        layer.forward(np.zeros((2, 5)))


def test_declared_input_dim_is_enforced():
    with pytest.raises(ValueError, match=r"\(2, 4\).*\(None, 3\)"):
        Dense(4, input_dim=3).forward(np.zeros((2, 4)))


def test_bad_arguments():
    with pytest.raises(ValueError, match="units"):
        Dense(0)
    with pytest.raises(ValueError, match="unknown activation"):
        Dense(3, activation="relux")
    with pytest.raises(ValueError, match="numeric"):
        Dense(3).forward(np.array([["a", "b"]]))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_in_is_dtype_out(dtype):
    layer = Dense(3, activation="relu")
    assert layer.forward(np.ones((2, 4), dtype=dtype)).dtype == dtype
    assert layer.backward(np.ones((2, 3), dtype=dtype)).dtype == dtype


def test_backward_does_not_modify_dout_and_forward_is_deterministic():
    layer = Dense(3, activation="softmax")
    x = RNG.normal(size=(4, 2))
    y1 = layer.forward(x)
    np.testing.assert_array_equal(y1, layer.forward(x))
    dout = RNG.normal(size=(4, 3))
    keep = dout.copy()
    layer.backward(dout)
    np.testing.assert_array_equal(dout, keep)


def test_replacing_a_parameter_takes_effect():
    layer = Dense(2)
    x = np.ones((1, 3))
    layer.forward(x)
    layer.params["kernel"] = np.zeros((3, 2))
    layer.params["bias"] = np.array([1.0, 2.0])
    np.testing.assert_array_equal(layer.forward(x), [[1.0, 2.0]])


def test_integer_input_is_accepted_as_float32():
    assert Dense(2).forward(np.array([[1, 2]])).dtype == np.float32


@pytest.mark.parametrize("name", ["relu", "sigmoid", "tanh", "softmax", "leaky_relu"])
def test_activation_layer(name):
    x = RNG.normal(size=(3, 4))
    x[np.abs(x) < 1e-3] = 0.3
    errors = check_layer(Activation(name), x)
    assert errors["x"] < 1e-7
    with pytest.raises(ValueError, match="unknown activation"):
        Activation("swishy")


def test_bias_options_and_penalties_reach_the_model_loss():
    from dlcore.models import Sequential
    layer = Dense(3, bias_initializer="ones", bias_regularizer=L1L2(l2=0.5), kernel_regularizer=L1L2(l1=0.1))
    x = RNG.normal(size=(4, 2))
    layer.forward(x)
    np.testing.assert_array_equal(layer.params["bias"], 1.0)
    b, w = layer.params["bias"], layer.params["kernel"]
    assert layer.regularization_loss() == pytest.approx(0.5 * np.sum(b**2) + 0.1 * np.abs(w).sum())
    layer.backward(np.zeros((4, 3)))
    np.testing.assert_allclose(layer.grads["bias"], 2 * 0.5 * b)
    model = Sequential([layer])
    model.compile(loss="mse", optimizer="sgd")
    y = np.zeros((4, 3))
    assert model.compute_loss(x, y) == pytest.approx(np.mean((layer.forward(x) - y) ** 2) + layer.regularization_loss())
    no_bias = Dense(2, use_bias=False)
    no_bias.forward(x)
    assert set(no_bias.params) == {"kernel"}


def test_matches_keras_with_bias_initializer(keras):
    from keras_reference import assert_close_to_keras, keras_layer_output
    x = RNG.normal(size=(3, 4))
    layer = Dense(2, activation="tanh", bias_initializer="ones")
    ours = layer.forward(x)
    theirs = keras_layer_output(keras, keras.layers.Dense(2, activation="tanh", bias_initializer="ones"), x,
                                [layer.params["kernel"]] + [layer.params["bias"]])
    assert_close_to_keras("Dense tanh bias_initializer=ones", ours, theirs, atol=1e-6)  # see keras_ref: float32 matmul
