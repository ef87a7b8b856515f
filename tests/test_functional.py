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


def _two_io_data(n=20, seed=3):
    r = np.random.default_rng(seed)
    y2 = np.eye(2)[r.integers(0, 2, size=n)]
    return [r.normal(size=(n, 3)), r.normal(size=(n, 2))], [r.normal(size=(n, 1)), y2]


def test_multi_output_evaluate_is_the_weighted_sum_of_each_outputs_loss():
    from dlcore import losses
    model = _two_in_two_out()
    x, y = _two_io_data()
    model.compile(optimizer="sgd", loss=["mse", "categorical_crossentropy"], loss_weights=[1.0, 0.25],
                  metrics=[["mae"], ["accuracy"]])
    logs = model.evaluate(x, y, return_dict=True)
    assert list(logs) == model.metrics_names == ["loss", "y1_loss", "y2_loss", "y1_mae", "y2_accuracy"]
    out1, out2 = model.predict(x)
    np.testing.assert_allclose(logs["y1_loss"], losses.get("mse")(y[0], out1), rtol=1e-12)
    np.testing.assert_allclose(logs["y2_loss"], losses.get("categorical_crossentropy")(y[1], out2), rtol=1e-12)
    np.testing.assert_allclose(logs["loss"], logs["y1_loss"] + 0.25 * logs["y2_loss"], rtol=1e-12)
    np.testing.assert_allclose(logs["y1_mae"], np.mean(np.abs(y[0] - out1)), rtol=1e-12)
    assert model.evaluate(x, y) == list(logs.values())
    assert model.test_on_batch(x, y) == pytest.approx(list(logs.values()), rel=1e-12)


def test_multi_output_fit_history_validation_and_dicts():
    x, y = _two_io_data()
    model = _two_in_two_out()
    model.compile(optimizer="sgd", loss={"y2": "categorical_crossentropy", "y1": "mse"},
                  metrics={"y2": "accuracy"})
    history = model.fit({"a": x[0], "b": x[1]}, {"y1": y[0], "y2": y[1]}, epochs=3, batch_size=8,
                        validation_split=0.25, verbose=0).history
    assert set(history) == {"loss", "y1_loss", "y2_loss", "y2_accuracy",
                            "val_loss", "val_y1_loss", "val_y2_loss", "val_y2_accuracy"}
    assert all(len(v) == 3 for v in history.values())
    held_out = model.evaluate([a[15:] for a in x], [b[15:] for b in y], return_dict=True)
    np.testing.assert_allclose(history["val_loss"][-1], held_out["loss"], rtol=1e-12)
    history = model.fit(x, y, epochs=1, verbose=0, validation_data=(x, y)).history
    assert history["loss"][0] > 0 and "val_y2_accuracy" in history


def test_loss_weights_scale_each_outputs_gradient():
    """With weight 0 on y2, y2's own layer gets no gradient: one step leaves it unchanged."""
    x, y = _two_io_data()
    for weights, y2_moves in (([1.0, 0.0], False), ({"y1": 1.0, "y2": 2.0}, True)):
        model = _two_in_two_out()
        model.compile(optimizer=dlcore.optimizers.SGD(learning_rate=0.1), loss="mse", loss_weights=weights)
        y2_layer = next(layer for layer in model.layers if layer.name == "y2")
        before = y2_layer.get_weights()[0].copy()
        logs = model.train_on_batch(x, y, return_dict=True)
        assert set(logs) == {"loss", "y1_loss", "y2_loss"}
        assert (not np.allclose(y2_layer.get_weights()[0], before)) == y2_moves


def test_multi_output_sample_weight_per_output_or_shared():
    x, y = _two_io_data()
    model = _two_in_two_out()
    model.compile(optimizer="sgd", loss="mse")
    w = np.linspace(0.5, 2.0, 20)
    shared = model.evaluate(x, y, sample_weight=w, return_dict=True)
    by_output = model.evaluate(x, y, sample_weight={"y1": w, "y2": np.ones(20)}, return_dict=True)
    plain = model.evaluate(x, y, return_dict=True)
    assert by_output["y1_loss"] == pytest.approx(shared["y1_loss"], rel=1e-12)
    assert by_output["y2_loss"] == pytest.approx(plain["y2_loss"], rel=1e-12)
    assert shared["y2_loss"] != pytest.approx(plain["y2_loss"])


def test_multi_output_compile_and_fit_errors():
    x, y = _two_io_data()
    model = _two_in_two_out()
    with pytest.raises(ValueError, match="unknown \\['y3'\\]"):
        model.compile(loss={"y1": "mse", "y3": "mse"})
    with pytest.raises(ValueError, match="one entry per output"):
        model.compile(loss=["mse"])
    with pytest.raises(ValueError, match="one weight per output"):
        model.compile(loss="mse", loss_weights=0.5)
    with pytest.raises(ValueError, match="metrics: the model has 2 outputs"):
        model.compile(loss="mse", metrics=["mae", "mse", "accuracy"])
    with pytest.raises(ValueError, match="unknown output names \\['z'\\]"):
        model.compile(loss="mse", metrics={"z": ["mae"]})
    model.compile(optimizer="sgd", loss="mse", metrics=["mae", "mae"])  # a flat list: one metric per output
    assert model.metrics_names == ["loss", "y1_loss", "y2_loss", "y1_mae", "y2_mae"]
    with pytest.raises(ValueError, match="expected a list of 2 arrays, got 1"):
        model.fit(x, y[:1], verbose=0)
    with pytest.raises(ValueError, match="class_weight"):
        model.fit(x, y, class_weight={0: 1.0}, verbose=0)
    with pytest.raises(ValueError, match="same number of samples"):
        model.evaluate(x, [y[0][:5], y[1][:5]])
