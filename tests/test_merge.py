import numpy as np
import pytest

from dlcore.gradcheck import numerical_gradient, rel_error
from dlcore.layers import Add, Concatenate, Dense, Input

RNG = np.random.default_rng(0)


def _check_merge(layer, xs):
    r = RNG.standard_normal(layer.forward(xs).shape)

    def loss():
        return float(np.sum(layer.forward(xs) * r))

    loss()
    grads = layer.backward(r.copy())
    assert len(grads) == len(xs)
    return [rel_error(g, numerical_gradient(loss, x)) for g, x in zip(grads, xs)]


@pytest.mark.parametrize("layer, shapes", [
    (Add(), [(4, 3), (4, 3)]), (Add(), [(2, 5, 3), (2, 5, 3), (2, 5, 3)]),
    (Concatenate(), [(4, 3), (4, 2)]), (Concatenate(axis=1), [(2, 3, 4), (2, 1, 4), (2, 2, 4)]),
])
def test_gradients_match_numerical(layer, shapes):
    errors = _check_merge(layer, [RNG.normal(size=s) for s in shapes])
    assert max(errors) < 1e-8, errors


def test_values_and_shapes():
    a, b = np.ones((2, 3)), np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(Add()([a, b]), a + b)
    np.testing.assert_array_equal(Concatenate()([a, b[:, :2]]), np.hstack([a, b[:, :2]]))
    assert Add().compute_output_shape([(None, 3), (None, 3)]) == (None, 3)
    assert Concatenate().compute_output_shape([(None, 3), (None, 2)]) == (None, 5)


def test_symbolic_call_gives_output_shape():
    x = Input(shape=(6,))
    h = Dense(4)(x)
    assert Concatenate()([x, h]).shape == (None, 10)
    assert Add()([h, Dense(4)(x)]).shape == (None, 4)


def test_bad_inputs_raise_clearly():
    with pytest.raises(ValueError, match="list of at least 2 inputs"):
        Add()(np.ones((2, 3)))
    with pytest.raises(ValueError, match="same shape"):
        Add()([np.ones((2, 3)), np.ones((2, 4))])
    with pytest.raises(ValueError, match="match on every axis but axis -1"):
        Concatenate()([np.ones((2, 3)), np.ones((3, 3))])


def test_matches_keras():
    from keras_reference import keras_or_skip
    keras = keras_or_skip()
    a, b = RNG.normal(size=(3, 4)), RNG.normal(size=(3, 2))
    np.testing.assert_allclose(Concatenate()([a, b]), keras.ops.convert_to_numpy(keras.layers.Concatenate()([a, b])))
    np.testing.assert_allclose(Add()([a, a]), keras.ops.convert_to_numpy(keras.layers.Add()([a, a])))
