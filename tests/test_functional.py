import numpy as np
import pytest

import dlcore
from dlcore.gradcheck import check_model
from dlcore.layers import Add, BatchNormalization, Concatenate, Dense, Input
from dlcore.models import Functional, InputLayer, Model

RNG = np.random.default_rng(0)


def _residual(dtype_input=None):
    inputs = Input(shape=(4,))
    h = Dense(4, activation="tanh")(inputs)
    h = Dense(4)(h)
    skip = Add()([inputs, h])  # y = x + f(x)
    joined = Concatenate()([skip, Dense(2, activation="tanh")(inputs)])
    outputs = Dense(3, activation="softmax")(joined)
    return Model(inputs, outputs)


def _float64(model):
    for layer in model.layers:
        for key, p in layer.params.items():
            layer.params[key] = p.astype(np.float64)
    return model


def test_model_of_inputs_and_outputs_is_functional_with_an_input_layer():
    model = _residual()
    assert isinstance(model, Functional) and isinstance(model, Model)
    assert isinstance(model.layers[0], InputLayer) and len(model.layers) == 7
    assert model.predict(RNG.normal(size=(5, 4))).shape == (5, 3)


def test_gradients_through_branches_match_numerical():
    model = _float64(_residual())
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    errors = check_model(model, RNG.normal(size=(6, 4)), RNG.integers(0, 3, size=6))
    assert max(errors.values()) < 1e-6, errors


def test_fit_evaluate_summary(capsys):
    dlcore.set_seed(0)
    x = RNG.normal(size=(200, 4))
    y = (x[:, 0] + x[:, 1] > 0).astype(int) + (x[:, 2] > 1)
    model = _residual()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=20, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert set(model.evaluate(x, y, return_dict=True)) == {"loss", "accuracy"}
    model.summary()
    out = capsys.readouterr().out
    assert "InputLayer" in out and "Add" in out and f"Total params: {model.count_params():,}" in out


def test_a_frozen_branch_does_not_change():
    inputs = Input(shape=(3,))
    frozen = Dense(3)
    outputs = Dense(1)(Add()([inputs, frozen(inputs)]))
    model = Model(inputs=inputs, outputs=outputs)
    frozen.trainable = False
    before = frozen.get_weights()
    model.compile(optimizer="sgd", loss="mse")
    model.fit(RNG.normal(size=(32, 3)), RNG.normal(size=(32, 1)), epochs=2, verbose=0)
    for a, b in zip(before, frozen.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_structure_errors_are_clear():
    a, b = Input(shape=(3,)), Input(shape=(3,))
    with pytest.raises(ValueError, match="not in inputs"):
        Model(a, Dense(1)(Add()([a, b])))
    shared = Dense(3)
    with pytest.raises(ValueError, match="called twice"):
        Model(a, shared(shared(a)))
    with pytest.raises(ValueError, match="same tensor twice"):
        Model([a, a], Dense(1)(a))
    with pytest.raises(ValueError, match=r"\(None, 3\)"):
        Model(a, Dense(1)(a)).predict(np.ones((2, 5)))


def test_batch_norm_in_a_functional_model_matches_sequential_forward():
    inputs = Input(shape=(3,))
    model = Model(inputs, Dense(2)(BatchNormalization()(inputs)))
    x = RNG.normal(size=(8, 3)).astype(np.float32)
    assert model.predict(x).shape == (8, 2) and model.count_params() == 12 + 8


def test_forward_matches_keras_with_the_same_weights():
    from keras_reference import keras_or_skip
    keras = keras_or_skip()
    model = _float64(_residual())
    ki = keras.Input(shape=(4,))
    h = keras.layers.Dense(4, activation="tanh")(ki)
    h = keras.layers.Dense(4)(h)
    joined = keras.layers.Concatenate()([keras.layers.Add()([ki, h]), keras.layers.Dense(2, activation="tanh")(ki)])
    theirs = keras.Model(ki, keras.layers.Dense(3, activation="softmax")(joined))
    assert [type(la).__name__ for la in theirs.layers] == [type(la).__name__ for la in model.layers]
    theirs.set_weights(model.get_weights())
    x = RNG.normal(size=(5, 4))
    np.testing.assert_allclose(model.predict(x), theirs.predict(x, verbose=0), rtol=1e-6)  # Keras: float32 matmul
    assert model.count_params() == theirs.count_params()


# ----- several inputs and outputs ----------------------------------------------------------------------
def _two_in_two_out():
    import dlcore
    from dlcore.layers import Concatenate
    dlcore.set_seed(2)
    a, b = Input(shape=(3,), name="a"), Input(shape=(2,), name="b")
    h = Dense(4, activation="tanh")(Concatenate()([a, b]))
    y1 = Dense(1, name="y1")(h)
    # y2 also reads b directly: the gradient of b's branch and of the shared h add up
    y2 = Dense(2, activation="softmax", name="y2")(Add()([Dense(2)(b), Dense(2)(h)]))
    return _float64(Model([a, b], [y1, y2]))


def test_multi_input_multi_output_forward_and_backward_match_numerical():
    from dlcore.gradcheck import numerical_gradient, rel_error
    model = _two_in_two_out()
    r = np.random.default_rng(0)
    xa, xb = r.normal(size=(5, 3)), r.normal(size=(5, 2))
    out = model.predict([xa, xb])
    assert isinstance(out, list) and [o.shape for o in out] == [(5, 1), (5, 2)]
    assert model.output_names == ["y1", "y2"] and model.input_names == ["a", "b"]
    r1, r2 = r.normal(size=(5, 1)), r.normal(size=(5, 2))

    def f():
        o1, o2 = model._forward([xa, xb], False)
        return float(np.sum(o1 * r1) + np.sum(o2 * r2))

    f()
    model._backward([r1, r2])
    for layer in model.layers:
        for k, p in layer.params.items():
            analytic = layer.grads[k].copy()
            assert rel_error(analytic, numerical_gradient(f, p)) < 1e-7, (layer.name, k)


def test_multi_io_predict_batches_dicts_and_errors():
    model = _two_in_two_out()
    xa, xb = np.ones((7, 3)), np.arange(14.0).reshape(7, 2)
    whole = model.predict([xa, xb])
    for got in (model.predict([xa, xb], batch_size=3), model.predict({"b": xb, "a": xa})):
        for g, w in zip(got, whole):
            np.testing.assert_allclose(g, w, rtol=1e-12)
    with pytest.raises(ValueError, match="expected a list of 2 arrays, got 1"):
        model.predict([xa])
    with pytest.raises(ValueError, match="same number of samples"):
        model.predict([xa, xb[:3]])
    with pytest.raises(ValueError, match="unknown \\['c'\\]"):
        model.predict({"a": xa, "c": xb})
    with pytest.raises(ValueError, match="for 'b'"):
        model.predict([xa, np.ones((7, 4))])
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(NotImplementedError, match="several inputs"):
        model.fit([xa, xb], [np.ones((7, 1)), np.ones((7, 2))])
