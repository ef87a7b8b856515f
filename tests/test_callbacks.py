import numpy as np
import pytest

import dlcore
from dlcore import callbacks
from dlcore.layers import Dense, Input
from dlcore.models import Sequential

RNG = np.random.default_rng(0)
VAL_LOSSES = [1.0, 0.8, 0.81, 0.79, 0.795, 0.9, 0.7, 0.75, 0.76, 0.77, 0.78, 0.79]


class _FakeModel:
    """Just what callbacks touch: weights, stop_training, an optimizer with a learning rate."""

    def __init__(self):
        self.stop_training, self.step = False, 0
        self.optimizer = dlcore.optimizers.SGD(learning_rate=0.1)

    def get_weights(self):
        return [np.array([float(self.step)])]

    def set_weights(self, weights):
        self.step = int(weights[0][0])


def _drive(callback, model, values, monitor="val_loss"):
    """Feed the same logs to a (dlcore or Keras) callback; return the epochs run, weights, learning rates."""
    callback.set_model(model)
    callback.on_train_begin({})
    rates = []
    for epoch, value in enumerate(values):
        model.step = epoch
        callback.on_epoch_begin(epoch, {})
        callback.on_epoch_end(epoch, {monitor: value})
        rates.append(float(model.optimizer.learning_rate))
        if model.stop_training:
            break
    callback.on_train_end({})
    return epoch, model.step, rates


EARLY = [dict(patience=2), dict(patience=2, min_delta=0.02), dict(patience=1, restore_best_weights=True),
         dict(patience=3, restore_best_weights=True, start_from_epoch=2), dict(patience=2, baseline=0.75)]


@pytest.mark.parametrize("kwargs", EARLY)
def test_early_stopping_stops_and_restores(kwargs):
    epoch, step, _ = _drive(callbacks.EarlyStopping(**kwargs), _FakeModel(), VAL_LOSSES)
    assert epoch < len(VAL_LOSSES) - 1
    if kwargs.get("restore_best_weights"):
        assert VAL_LOSSES[step] == min(VAL_LOSSES[kwargs.get("start_from_epoch", 0):epoch + 1])


def test_early_stopping_with_accuracy_maximises_and_unknown_names_need_mode():
    epoch, _, _ = _drive(callbacks.EarlyStopping(monitor="val_accuracy", patience=1), _FakeModel(),
                         [0.5, 0.6, 0.55, 0.5, 0.7], monitor="val_accuracy")
    assert epoch == 2  # 0.55 does not beat 0.6: one epoch without improvement is the patience
    with pytest.raises(ValueError, match="mode='max'"):
        _drive(callbacks.EarlyStopping(monitor="val_f1"), _FakeModel(), [1.0], monitor="val_f1")


@pytest.mark.parametrize("kwargs", [dict(patience=1), dict(patience=2, factor=0.5, cooldown=1, min_lr=0.02)])
def test_reduce_lr_on_plateau_reduces(kwargs):
    _, _, rates = _drive(callbacks.ReduceLROnPlateau(**kwargs), _FakeModel(), VAL_LOSSES)
    assert rates[-1] < rates[0] and min(rates) >= kwargs.get("min_lr", 0)


class _KerasOptimizerStub:
    def __init__(self, keras):
        self.learning_rate = keras.Variable(0.1, dtype="float64")


@pytest.mark.parametrize("make", [lambda cb, kw=kw: cb.EarlyStopping(**kw) for kw in EARLY]
                         + [lambda cb: cb.ReduceLROnPlateau(patience=1),
                            lambda cb: cb.ReduceLROnPlateau(patience=2, factor=0.5, cooldown=1, min_lr=0.02),
                            lambda cb: cb.LearningRateScheduler(lambda epoch, lr: lr * 0.9 if epoch > 2 else lr)])
def test_same_decisions_as_keras(make):
    from keras_reference import keras_or_skip
    keras = keras_or_skip()
    ours = _drive(make(callbacks), _FakeModel(), VAL_LOSSES)
    model = _FakeModel()
    model.optimizer = _KerasOptimizerStub(keras)
    theirs = _drive(make(keras.callbacks), model, VAL_LOSSES)
    assert ours[:2] == theirs[:2]
    np.testing.assert_allclose(ours[2], theirs[2], rtol=1e-6)


def _model():
    model = Sequential([Input(shape=(2,)), Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    return model


def test_fit_calls_the_hooks_in_keras_order_and_returns_history():
    calls = []

    class Recorder(callbacks.Callback):
        def on_train_begin(self, logs=None):
            calls.append("train_begin")

        def on_epoch_begin(self, epoch, logs=None):
            calls.append(f"epoch_begin {epoch}")

        def on_train_batch_end(self, batch, logs=None):
            calls.append(f"batch_end {batch} {sorted(logs)}")

        def on_epoch_end(self, epoch, logs=None):
            calls.append(f"epoch_end {epoch} {sorted(logs)}")

        def on_train_end(self, logs=None):
            calls.append(f"train_end {self.model is model}")

    model = _model()
    x, y = RNG.normal(size=(10, 2)), RNG.normal(size=(10, 1))
    history = model.fit(x, y, batch_size=5, epochs=2, verbose=0, callbacks=[Recorder()], validation_data=(x, y))
    assert calls == ["train_begin", "epoch_begin 0", "batch_end 0 ['loss']", "batch_end 1 ['loss']",
                     "epoch_end 0 ['loss', 'val_loss']", "epoch_begin 1", "batch_end 0 ['loss']",
                     "batch_end 1 ['loss']", "epoch_end 1 ['loss', 'val_loss']", "train_end True"]
    assert isinstance(history, callbacks.History) and model.history is history


def test_scheduler_and_plateau_log_the_learning_rate_and_stop_training_is_honoured():
    model = _model()
    x, y = RNG.normal(size=(10, 2)), RNG.normal(size=(10, 1))
    stopper = callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: setattr(model, "stop_training", epoch == 2))
    history = model.fit(x, y, epochs=10, verbose=0,
                        callbacks=[callbacks.LearningRateScheduler(lambda epoch: 0.01 / (epoch + 1)), stopper])
    assert history.epoch == [0, 1, 2]
    np.testing.assert_allclose(history.history["learning_rate"], [0.01, 0.005, 0.01 / 3])


def test_a_plain_function_is_still_called_after_every_epoch():
    seen = []
    _model().fit(np.ones((4, 2)), np.ones((4, 1)), epochs=3, verbose=0,
                 callbacks=[lambda model, epoch, logs: seen.append(epoch)])
    assert seen == [0, 1, 2]


def test_model_checkpoint_names_files_by_epoch_and_saves_only_the_best(tmp_path):
    model = _model()
    x, y = RNG.normal(size=(10, 2)), RNG.normal(size=(10, 1))
    every = callbacks.ModelCheckpoint(str(tmp_path / "m_{epoch:02d}.keras"), monitor="loss")
    best = callbacks.ModelCheckpoint(str(tmp_path / "best.weights.h5"), save_best_only=True, save_weights_only=True,
                                     monitor="loss")
    model.fit(x, y, epochs=3, verbose=0, callbacks=[every, best])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["best.weights.h5", "m_01.keras", "m_02.keras", "m_03.keras"]
    np.testing.assert_allclose(dlcore.models.load_model(tmp_path / "m_03.keras").predict(x), model.predict(x))
    with pytest.raises(ValueError, match=r"\.weights\.h5"):
        callbacks.ModelCheckpoint("w.keras", save_weights_only=True)
