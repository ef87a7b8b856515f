import numpy as np
import pytest

import dlcore
from dlcore.gradcheck import check_model
from dlcore.layers import Dense, Input
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
