import numpy as np
import pytest

import dlcore
from dlcore.gradcheck import check_model
from dlcore.layers import LSTM, BatchNormalization, Conv2D, Dense, Flatten, Input
from dlcore.models import Model, Sequential

RNG = np.random.default_rng(0)


def _binary_data(n=64):
    x = RNG.normal(size=(n, 3))
    return x, (x[:, :1] > 0).astype(float)


def _mlp(loss="binary_crossentropy", optimizer="adam", metrics=("accuracy",)):
    model = Sequential([Input(shape=(3,)), Dense(8, activation="tanh"), Dense(1, activation="sigmoid")])
    model.compile(loss=loss, optimizer=optimizer, metrics=list(metrics))
    return model


def test_summary_counts_like_keras(capsys):
    model = Sequential([Dense(10, input_dim=8, activation="relu"), Dense(1, activation="sigmoid")])
    model.summary()
    out = capsys.readouterr().out
    assert "(None, 10)" in out and "Total params: 101" in out and "Trainable params: 101" in out
    assert "Non-trainable params: 0" in out


def test_summary_before_build_says_how_to_build():
    with pytest.raises(ValueError, match="not built"):
        Sequential([Dense(3)]).summary()


def test_model_gradients_match_numerical():
    model = Sequential([Dense(5, activation="tanh"), Dense(4, activation="relu"), Dense(3, activation="softmax")])
    model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd")
    errors = check_model(model, RNG.normal(size=(6, 4)), RNG.integers(0, 3, size=6))
    assert max(errors.values()) < 1e-6, errors


def test_fit_history_and_evaluate_formats():
    dlcore.set_seed(0)
    x, y = _binary_data()
    model = _mlp()
    history = model.fit(x, y, epochs=3, batch_size=16, validation_split=0.25, verbose=0)
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert history.epoch == [0, 1, 2] and history.params["steps"] == 3  # 48 training samples / 16
    assert model.metrics_names == ["loss", "accuracy"]
    scores = model.evaluate(x, y)
    assert isinstance(scores, list) and len(scores) == 2
    as_dict = model.evaluate(x, y, return_dict=True)
    assert as_dict["accuracy"] == scores[1]


def test_evaluate_without_metrics_returns_the_loss():
    x, y = _binary_data()
    model = _mlp(metrics=())
    model.fit(x, y, epochs=1, verbose=0)
    assert isinstance(model.evaluate(x, y), float)


@pytest.mark.parametrize("batch_size, updates", [(64, 1), (10, 7), (1, 64)])
def test_updates_per_epoch(batch_size, updates):
    x, y = _binary_data()
    model = _mlp()
    model.fit(x, y, epochs=2, batch_size=batch_size, verbose=0)
    assert model.optimizer.iterations == 2 * updates


def test_fit_is_reproducible_with_set_seed():
    x, y = _binary_data()
    runs = []
    for _ in range(2):
        dlcore.set_seed(42)
        model = _mlp()
        runs.append(model.fit(x, y, epochs=3, batch_size=8, verbose=0).history["loss"])
    assert runs[0] == runs[1]


def test_divergence_raises_with_advice():
    dlcore.set_seed(0)
    model = Sequential([Dense(16, activation="relu"), Dense(1)])
    model.compile(loss="mse", optimizer=dlcore.optimizers.SGD(learning_rate=5.0))
    x = RNG.normal(size=(64, 3)) * 10
    with pytest.raises(FloatingPointError, match="lower the learning rate|Lower the learning rate") as info:
        model.fit(x, RNG.normal(size=(64, 1)), epochs=100, verbose=0)
    assert "epoch" in str(info.value) and "try 0.5" in str(info.value)
    completed = info.value.history.history["loss"]
    assert model.history is info.value.history and all(np.isfinite(completed))


def test_verbose_prints_progress(capsys):
    x, y = _binary_data()
    _mlp().fit(x, y, epochs=3, verbose=1, validation_data=(x, y))
    out = capsys.readouterr().out
    assert out.count("Epoch") == 3 and "val_accuracy" in out


def test_verbose_1_keeps_long_runs_short(capsys):
    x, y = _binary_data(8)
    _mlp().fit(x, y, epochs=100, verbose=1)
    assert capsys.readouterr().out.count("Epoch") <= 12


def test_input_errors_are_clear():
    model = _mlp()
    x, y = _binary_data()
    with pytest.raises(ValueError, match="same number of samples"):
        model.fit(x, y[:10])
    with pytest.raises(ValueError, match="batch_size"):
        model.fit(x, y, batch_size=0)
    with pytest.raises(RuntimeError, match="compile"):
        Sequential([Dense(1)]).fit(x, y)
    with pytest.raises(ValueError, match=r"\(64, 5\).*\(None, 3\)"):
        model.fit(np.zeros((64, 5)), y, verbose=0)


def test_predict_in_batches_equals_all_at_once():
    x, _ = _binary_data()
    model = _mlp()
    np.testing.assert_allclose(model.predict(x, batch_size=7), model.predict(x))


def test_get_and_set_weights_round_trip():
    x, y = _binary_data()
    model = _mlp()
    model.fit(x, y, epochs=1, verbose=0)
    saved = model.get_weights()
    before = model.predict(x)
    model.fit(x, y, epochs=2, verbose=0)
    model.set_weights(saved)
    np.testing.assert_allclose(model.predict(x), before)


class _Net(Model):
    def __init__(self):
        super().__init__()
        self.hidden = Dense(8, activation="relu")
        self.out = Dense(1, activation="sigmoid")

    def call(self, x):
        return self.out(self.hidden(x))


class _Branching(Model):
    def __init__(self):
        super().__init__()
        self.a = Dense(2)
        self.b = Dense(2)

    def call(self, x):
        self.a(x)
        return self.b(x)


def test_subclassed_model_trains_and_summarises(capsys):
    dlcore.set_seed(0)
    x, y = _binary_data(200)
    net = _Net()
    net.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    history = net.fit(x, y, epochs=30, batch_size=32, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert len(net.layers) == 2
    net.summary()
    assert "Total params: 41" in capsys.readouterr().out


def test_subclassed_model_must_chain_its_layers():
    net = _Branching()
    net.compile(loss="mse", optimizer="sgd")
    with pytest.raises(ValueError, match="one after another"):
        net.fit(np.zeros((4, 2)), np.zeros((4, 2)), verbose=0)


def test_backprop_skips_only_the_data_gradient_and_restores_the_flag():
    model = _mlp()
    x, y = _binary_data()
    model.fit(x, y, epochs=1, verbose=0)
    assert all(layer.input_grad for layer in model.layers)
    first = model.layers[0]
    first.forward(x)
    assert first.backward(np.ones((64, 8), dtype=np.float32)).shape == (64, 3)
    first.input_grad = False
    assert first.backward(np.ones((64, 8), dtype=np.float32)) is None


# ----- Keras 3 signatures, defaults and conventions -----------------------------------------------
def test_fit_arguments_are_positional_in_keras_order():
    x, y = _binary_data()
    model = _mlp()
    model.fit(x, y, 32, 3, 0)  # batch_size=32, epochs=3, verbose=0
    assert model.optimizer.iterations == 3 * 2


def test_compile_defaults_to_rmsprop_and_needs_a_loss_to_train():
    model = Sequential([Input(shape=(3,)), Dense(1)])
    model.compile()
    assert isinstance(model.optimizer, dlcore.optimizers.RMSprop)
    x, y = _binary_data()
    for call in (lambda: model.fit(x, y, verbose=0), lambda: model.evaluate(x, y),
                 lambda: model.train_on_batch(x, y)):
        with pytest.raises(ValueError, match="needs a loss"):
            call()


@pytest.mark.parametrize("n, split", [(10, 0.25), (64, 0.25), (7, 0.3), (600, 0.2), (33, 0.1)])
def test_validation_split_holds_out_the_rows_keras_does(n, split):
    x, y = RNG.normal(size=(n, 3)), RNG.integers(0, 2, size=(n, 1)).astype(float)
    model = _mlp()
    history = model.fit(x, y, batch_size=1, epochs=1, validation_split=split, verbose=0)
    assert history.params["steps"] == int(np.floor(n * (1 - split)))


def test_initial_epoch_and_the_on_batch_methods():
    x, y = _binary_data()
    model = _mlp()
    assert model.fit(x, y, epochs=5, initial_epoch=2, verbose=0).epoch == [2, 3, 4]
    loss, acc = model.train_on_batch(x[:8], y[:8])
    assert isinstance(loss, float) and 0 <= acc <= 1
    assert set(model.test_on_batch(x, y, return_dict=True)) == {"loss", "accuracy"}
    np.testing.assert_array_equal(model.predict_on_batch(x), model.predict(x))


def test_sample_weight_and_class_weight_scale_the_loss():
    x, y = _binary_data(8)
    model = _mlp(metrics=())
    w = np.arange(8.0)
    per_sample = model.loss.per_sample(y, model.predict(x))
    assert model.evaluate(x, y, sample_weight=w) == pytest.approx(np.sum(w * per_sample) / 8)
    before = model.get_weights()
    by_class = model.train_on_batch(x, y, class_weight={0: 0.5, 1: 2.0})
    model.set_weights(before)
    explicit = model.train_on_batch(x, y, sample_weight=np.where(y[:, 0] == 1, 2.0, 0.5))
    assert by_class == pytest.approx(explicit)
    with pytest.raises(ValueError, match="class_weight and sample_weight"):
        model.fit(x, y, class_weight={0: 1.0}, sample_weight=w, verbose=0)


def test_weights_counts_and_frozen_layers(capsys):
    bn, dense = BatchNormalization(), Dense(4)
    model = Sequential([Input(shape=(3,)), dense, bn, Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.build()
    assert model.count_params() == 16 + 16 + 5
    assert [w.shape for w in bn.get_weights()] == [(4,)] * 4 and len(model.non_trainable_weights) == 2
    model.summary()
    out = capsys.readouterr().out
    assert "Total params: 37" in out and "Trainable params: 29" in out and "Non-trainable params: 8" in out
    dense.trainable = bn.trainable = False
    frozen = dense.get_weights() + bn.get_weights()
    x = RNG.normal(size=(32, 3)).astype(np.float32)
    model.fit(x, RNG.normal(size=(32, 1)), epochs=2, verbose=0)
    for a, b in zip(frozen, dense.get_weights() + bn.get_weights()):
        np.testing.assert_array_equal(a, b)  # nor the moving statistics: a frozen BatchNormalization runs in inference
    assert len(model.trainable_weights) == 2
    assert model.get_layer(index=1) is bn and model.get_layer(name=bn.name) is bn
    with pytest.raises(ValueError, match="no layer named"):
        model.get_layer("nope")


def _keras_twin(keras, kind):
    if kind == "dense_bn":
        ours = Sequential([Input(shape=(3,)), Dense(4, activation="tanh"), BatchNormalization(), Dense(2)])
        theirs = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(4, activation="tanh"),
                                   keras.layers.BatchNormalization(), keras.layers.Dense(2)])
        return ours, theirs, (3,)
    if kind == "conv":
        ours = Sequential([Input(shape=(5, 5, 2)), Conv2D(3, 3, activation="relu"), Flatten(), Dense(1)])
        theirs = keras.Sequential([keras.Input(shape=(5, 5, 2)), keras.layers.Conv2D(3, 3, activation="relu"),
                                   keras.layers.Flatten(), keras.layers.Dense(1)])
        return ours, theirs, (5, 5, 2)
    ours = Sequential([Input(shape=(4, 2)), LSTM(3), Dense(1)])
    theirs = keras.Sequential([keras.Input(shape=(4, 2)), keras.layers.LSTM(3), keras.layers.Dense(1)])
    return ours, theirs, (4, 2)


@pytest.mark.parametrize("kind", ["dense_bn", "conv", "lstm"])
def test_weights_order_counts_and_predictions_match_keras(kind):
    from keras_reference import keras_or_skip
    keras = keras_or_skip()
    ours, theirs, shape = _keras_twin(keras, kind)
    ours.build(dtype=np.float64)
    assert [w.shape for w in ours.get_weights()] == [tuple(w.shape) for w in theirs.get_weights()]
    assert ours.count_params() == theirs.count_params()
    x = RNG.normal(size=(6, *shape))
    ours.compile(optimizer="sgd", loss="mse")
    ours.fit(x, RNG.normal(size=(6, ours.output_shapes[-1][-1])), epochs=1, verbose=0)  # moves BN statistics
    theirs.set_weights(ours.get_weights())
    np.testing.assert_allclose(ours.predict(x), theirs.predict(x, verbose=0), rtol=1e-5, atol=1e-7)


def test_weighted_training_step_matches_keras():
    from keras_reference import keras_or_skip
    keras = keras_or_skip()
    x, y = _binary_data(16)
    ours = _mlp(optimizer=dlcore.optimizers.SGD(learning_rate=0.5), metrics=())
    ours.build(dtype=np.float64)
    theirs = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(8, activation="tanh"),
                               keras.layers.Dense(1, activation="sigmoid")])
    theirs.compile(optimizer=keras.optimizers.SGD(learning_rate=0.5), loss="binary_crossentropy")
    theirs.set_weights(ours.get_weights())
    w = RNG.uniform(0, 2, size=16)
    assert ours.train_on_batch(x, y, sample_weight=w) == pytest.approx(theirs.train_on_batch(x, y, sample_weight=w),
                                                                       rel=1e-5)
    for a, b in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)


def test_build_takes_keras_batch_shape_too():
    """``build((None, 10, 3))`` as in Keras, and ``build((10, 3))`` as before, give the same weights' shapes."""
    from dlcore.layers import LSTM, Dense

    shapes = []
    for input_shape in [(None, 10, 3), (10, 3)]:
        model = Sequential([LSTM(4), Dense(2)])
        model.build(input_shape)
        shapes.append([w.shape for w in model.get_weights()])
    assert shapes[0] == shapes[1] == [(3, 16), (4, 16), (16,), (4, 2), (2,)]


def test_sequential_trainable_false_freezes_the_model_and_layers_added_later(capsys):
    model = Sequential([Input(shape=(3,)), Dense(4, activation="tanh"), BatchNormalization()], trainable=False)
    model.add(Dense(1))
    assert model.trainable is False and not any(layer.trainable for layer in model.layers)
    model.compile(optimizer="sgd", loss="mse")
    model.build()
    assert model.trainable_weights == [] and len(model.non_trainable_weights) == 2 + 4 + 2
    model.summary()
    assert "Trainable params: 0" in capsys.readouterr().out
    before = model.get_weights()
    x = RNG.normal(size=(16, 3))
    model.fit(x, RNG.normal(size=(16, 1)), epochs=1, verbose=0)
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)
    model.trainable = True
    assert all(layer.trainable for layer in model.layers) and len(model.trainable_weights) == 6
    assert Sequential(trainable=False).trainable is False and Sequential().trainable is True
