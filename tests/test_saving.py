import zipfile

import numpy as np
import pytest

import dlcore
from dlcore import saving
from dlcore.layers import (
    GRU,
    LSTM,
    Add,
    BatchNormalization,
    Bidirectional,
    Conv1D,
    Conv2D,
    Conv2DTranspose,
    Dense,
    Dropout,
    Embedding,
    Flatten,
    GlobalAveragePooling1D,
    Input,
    MaxPool2D,
    SimpleRNN,
    TimeDistributed,
    UpSampling2D,
)
from dlcore.models import Model, Sequential, load_model

RNG = np.random.default_rng(0)


def _trained(model, x, y, loss="mse"):
    model.compile(optimizer="adam", loss=loss, metrics=["mae"])
    model.fit(x, y, epochs=2, verbose=0)
    return model


@pytest.mark.parametrize("build", [
    lambda: (Sequential([Input(shape=(3,)), Dense(4, activation="relu", kernel_regularizer="l2"),
                         BatchNormalization(), Dropout(0.2), Dense(1)]), (3,)),
    lambda: (Sequential([Input(shape=(6, 6, 1)), Conv2D(2, 3, padding="same", activation="relu"), MaxPool2D(),
                         Flatten(), Dense(1)]), (6, 6, 1)),
    lambda: (Sequential([Input(shape=(5, 2)), LSTM(3), Dense(1)]), (5, 2)),
    # options that change the weights' shapes or the computation must come back from the config
    lambda: (Sequential([Input(shape=(9, 2)), Conv1D(3, 3, padding="causal", dilation_rate=2),
                         GRU(3, reset_after=False), Dense(1)]), (9, 2)),
    lambda: (Sequential([Input(shape=(5, 2)), LSTM(3, use_bias=False, unit_forget_bias=False, return_sequences=True,
                                                 kernel_regularizer="l2", recurrent_initializer="he_normal"),
                         Bidirectional(GRU(2, use_bias=False, reset_after=False, recurrent_regularizer="l1",
                                           return_sequences=True)),
                         TimeDistributed(Dense(2, use_bias=False)), Flatten(), Dense(1)]), (5, 2)),
    lambda: (Sequential([Input(shape=(3, 3, 1)), UpSampling2D(2, interpolation="bilinear"), Conv2D(1, 3),
                         Flatten(), Dense(1)]), (3, 3, 1)),
    lambda: (Sequential([Input(shape=(9, 8, 2)), Conv2D(3, 3, padding="same", dilation_rate=(2, 1)),
                         Conv2D(2, 2, dilation_rate=3), Conv2DTranspose(2, 3, dilation_rate=(1, 2)),
                         Flatten(), Dense(1)]), (9, 8, 2)),
])
def test_sequential_round_trip_gives_identical_predictions(tmp_path, build):
    model, shape = build()
    x, y = RNG.normal(size=(16, *shape)), RNG.normal(size=(16, 1))
    _trained(model, x, y)
    model.save(tmp_path / "m.keras")
    loaded = load_model(tmp_path / "m.keras")
    np.testing.assert_array_equal(loaded.predict(x), model.predict(x))
    assert [type(la) for la in loaded.layers] == [type(la) for la in model.layers]
    assert loaded.evaluate(x, y) == pytest.approx(model.evaluate(x, y))  # compiled again, same loss and metric
    assert type(loaded.optimizer) is type(model.optimizer)



def test_recurrent_options_come_back_from_the_file(tmp_path):
    from dlcore.initializers import Constant
    from dlcore.regularizers import L1L2
    rnn = SimpleRNN(3, activation="relu", use_bias=False, kernel_initializer=Constant(0.2),
                    recurrent_regularizer=L1L2(l1=0.01, l2=0.02), dropout=0.25, seed=4, go_backwards=True)
    lstm = LSTM(2, recurrent_activation="hard_sigmoid", unit_forget_bias=False, bias_regularizer="l2",
                return_state=False, recurrent_dropout=0.1)
    model = Sequential([Input(shape=(4, 2)), SimpleRNN(2, return_sequences=True), rnn, Dense(1)])
    model.build((4, 2))
    model.save(tmp_path / "r.keras")
    loaded = load_model(tmp_path / "r.keras").layers[1]
    assert (loaded.activation, loaded.use_bias, loaded.dropout, loaded.seed, loaded.go_backwards) == \
        ("relu", False, 0.25, 4, True)
    assert type(loaded.kernel_initializer) is Constant and loaded.kernel_initializer.value == 0.2
    assert (loaded.recurrent_regularizer.l1, loaded.recurrent_regularizer.l2) == (0.01, 0.02)
    model = Sequential([Input(shape=(4, 2)), lstm])
    model.build((4, 2))
    model.save(tmp_path / "l.keras")
    loaded = load_model(tmp_path / "l.keras").layers[0]
    assert (loaded.recurrent_activation, loaded.unit_forget_bias, loaded.recurrent_dropout) == \
        ("hard_sigmoid", False, 0.1)
    assert type(loaded.bias_regularizer).__name__ == "L2" and loaded.kernel_regularizer is None

def test_embedding_model_and_saving_module_alias(tmp_path):
    model = Sequential([Input(shape=(4,)), Embedding(10, 3), GlobalAveragePooling1D(), Dense(1)])
    x = RNG.integers(0, 10, size=(8, 4))
    _trained(model, x, RNG.normal(size=(8, 1)))
    model.save(str(tmp_path / "e.keras"))
    np.testing.assert_array_equal(saving.load_model(str(tmp_path / "e.keras")).predict(x), model.predict(x))


def test_functional_round_trip(tmp_path):
    inputs = Input(shape=(3,))
    outputs = Dense(1)(Add()([inputs, Dense(3, activation="tanh")(inputs)]))
    model = Model(inputs, outputs)
    x = RNG.normal(size=(8, 3))
    _trained(model, x, RNG.normal(size=(8, 1)))
    model.save(tmp_path / "f.keras")
    np.testing.assert_array_equal(load_model(tmp_path / "f.keras").predict(x), model.predict(x))


@saving.register_keras_serializable()
class _Net(Model):
    def __init__(self, units=4, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.hidden = Dense(units, activation="tanh")
        self.out = Dense(1)

    def call(self, x):
        return self.out(self.hidden(x))

    def get_config(self):
        return {"units": self.units, "name": self.name}


class _Unregistered(_Net):
    pass


def test_registered_subclassed_model_round_trip_and_unregistered_error(tmp_path):
    model = _Net(units=5)
    x = RNG.normal(size=(8, 3))
    _trained(model, x, RNG.normal(size=(8, 1)))
    model.save(tmp_path / "s.keras")
    loaded = load_model(tmp_path / "s.keras")
    assert isinstance(loaded, _Net) and loaded.units == 5
    np.testing.assert_array_equal(loaded.predict(x), model.predict(x))
    other = _Unregistered()
    other.predict(x)
    with pytest.raises(ValueError, match="register_keras_serializable"):
        other.save(tmp_path / "u.keras")


def test_save_and_load_weights(tmp_path):
    model = Sequential([Input(shape=(3,)), Dense(4), BatchNormalization(), Dense(1)])
    x = RNG.normal(size=(16, 3))
    _trained(model, x, RNG.normal(size=(16, 1)))
    model.save_weights(tmp_path / "w.weights.h5")
    fresh = Sequential([Input(shape=(3,)), Dense(4), BatchNormalization(), Dense(1)])
    fresh.build(dtype=np.float64)  # trained on float64 data, dlcore's weights are float64
    fresh.load_weights(tmp_path / "w.weights.h5")
    np.testing.assert_array_equal(fresh.predict(x), model.predict(x))
    with pytest.raises(ValueError, match=r"\.weights\.h5"):
        model.save_weights(tmp_path / "w.npz")
    small = Sequential([Input(shape=(3,)), Dense(1)])
    small.build()
    with pytest.raises(ValueError, match="do not fit"):
        small.load_weights(tmp_path / "w.weights.h5")


def test_bad_files_get_clear_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="missing.keras"):
        load_model(tmp_path / "missing.keras")
    junk = tmp_path / "junk.keras"
    junk.write_bytes(RNG.bytes(200))
    with pytest.raises(ValueError, match="junk.keras.*not a .keras file saved by dlcore"):
        load_model(junk)
    other_zip = tmp_path / "other.keras"
    with zipfile.ZipFile(other_zip, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(ValueError, match="other.keras.*not a model saved by dlcore"):
        load_model(other_zip)
    bad_weights = tmp_path / "bad.weights.h5"
    bad_weights.write_bytes(b"\x89HDF\r\n\x1a\n" + RNG.bytes(100))
    model = Sequential([Input(shape=(3,)), Dense(1)])
    model.build()
    with pytest.raises(ValueError, match="bad.weights.h5.*save_weights"):
        model.load_weights(bad_weights)


def test_pickled_arrays_are_refused(tmp_path):
    evil = tmp_path / "evil.weights.h5"
    with open(evil, "wb") as f:
        np.savez(f, _format=np.array("dlcore-weights-weights-1"), w00000=np.array([object()], dtype=object))
    model = Sequential([Input(shape=(3,)), Dense(1)])
    model.build()
    with pytest.raises(ValueError, match="evil.weights.h5"):
        model.load_weights(evil)


def test_a_file_saved_by_keras_is_recognised(tmp_path):
    from keras_reference import keras_or_skip
    keras = keras_or_skip()
    theirs = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])
    theirs.save(tmp_path / "k.keras")
    with pytest.raises(ValueError, match="k.keras.*saved by Keras"):
        load_model(tmp_path / "k.keras")
    dlcore.set_seed(0)


@pytest.mark.parametrize("optimizer", ["sgd", "rmsprop", "adam", "adamw", "nadam", "adagrad"])
def test_a_model_compiled_with_any_optimizer_saves_and_loads(tmp_path, optimizer):
    """Optimizers and initializers live in sub-packages (dlcore.optimizers.adam …); saving must still find them."""
    import dlcore
    from dlcore.layers import Dense, Input

    dlcore.set_seed(3)
    model = dlcore.Sequential([Input(shape=(4,)), Dense(3, activation="relu", kernel_initializer="he_normal"),
                               Dense(1, activation="sigmoid")])
    model.compile(optimizer=optimizer, loss="binary_crossentropy", metrics=["accuracy"])
    x = np.random.default_rng(0).random((16, 4))
    model.fit(x, (x.sum(axis=1) > 2).astype(float)[:, None], epochs=1, verbose=0)
    path = tmp_path / "m.keras"
    model.save(path)
    loaded = dlcore.models.load_model(path)
    assert type(loaded.optimizer) is type(model.optimizer)
    np.testing.assert_array_equal(loaded.predict(x), model.predict(x))


def test_metric_objects_and_functions_are_saved_with_their_arguments(tmp_path):
    from dlcore import metrics
    model = Sequential([Input(shape=(3,)), Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy",
                  metrics=["accuracy", "precision", metrics.Recall(thresholds=[0.3, 0.6], name="recalls"),
                           metrics.AUC(curve="PR", num_thresholds=50, name="pr_auc"), metrics.binary_accuracy],
                  weighted_metrics=[metrics.Precision(top_k=1, name="top_precision")])
    x, y = RNG.normal(size=(20, 3)), RNG.integers(0, 2, size=(20, 1)).astype(float)
    w = RNG.choice([0.5, 2.0], size=20)
    model.fit(x, y, epochs=1, verbose=0)
    model.save(tmp_path / "m.keras")
    loaded = load_model(tmp_path / "m.keras")
    assert loaded.metrics_names == model.metrics_names == [
        "loss", "accuracy", "precision", "recalls", "pr_auc", "binary_accuracy", "top_precision"]
    ours, theirs = (m.evaluate(x, y, sample_weight=w, verbose=0, return_dict=True) for m in (model, loaded))
    for name in ours:
        np.testing.assert_allclose(theirs[name], ours[name], err_msg=name)
    objects = {m.name: m for m in loaded._compile_metrics._objects}  # rebuilt with the saved arguments
    assert objects["recalls"].thresholds == [0.3, 0.6]
    assert (objects["pr_auc"].curve, objects["pr_auc"].num_thresholds) == ("PR", 50)


def test_your_own_metric_function_is_left_out_with_a_warning(tmp_path):
    model = Sequential([Input(shape=(3,)), Dense(1)])
    model.compile(optimizer="adam", loss="mse", metrics=["mae", lambda y, p: 0.0])
    model(RNG.normal(size=(2, 3)))
    with pytest.warns(UserWarning, match="not a dlcore metric, so it is not saved"):
        model.save(tmp_path / "m.keras")
    assert load_model(tmp_path / "m.keras").metrics_names == ["loss", "mae"]


def test_multi_input_multi_output_functional_round_trip(tmp_path):
    import dlcore
    from dlcore.layers import Concatenate
    dlcore.set_seed(3)
    a, b = dlcore.layers.Input(shape=(3,), name="a"), dlcore.layers.Input(shape=(2,), name="b")
    h = dlcore.layers.Dense(4, activation="tanh")(Concatenate()([a, b]))
    model = dlcore.Model([a, b], [dlcore.layers.Dense(1)(h), dlcore.layers.Dense(2, activation="softmax")(b)])
    x = [np.random.default_rng(3).normal(size=(4, 3)), np.random.default_rng(4).normal(size=(4, 2))]
    model.save(tmp_path / "m.keras")
    loaded = dlcore.saving.load_model(tmp_path / "m.keras")
    assert [t.name for t in loaded.inputs] == ["a", "b"] and len(loaded.outputs) == 2
    for ours, theirs in zip(loaded.predict(x), model.predict(x)):
        np.testing.assert_allclose(ours, theirs, rtol=1e-6)


def test_multi_output_compile_state_round_trips(tmp_path):
    """Per-output losses, loss weights and metrics (lists and dicts by output name) are saved and restored."""
    from test_functional import _two_in_two_out, _two_io_data
    model = _two_in_two_out()
    x, y = _two_io_data()
    model.compile(optimizer="sgd", loss={"y1": "mse", "y2": "categorical_crossentropy"}, loss_weights=[1.0, 0.5],
                  metrics={"y2": ["accuracy"]}, weighted_metrics=[["mae"], None])
    model.save(tmp_path / "two_outputs.keras")
    loaded = dlcore.saving.load_model(tmp_path / "two_outputs.keras")
    assert loaded.metrics_names == model.metrics_names == ["loss", "y1_loss", "y2_loss", "y2_accuracy", "y1_mae"]
    np.testing.assert_allclose(loaded.evaluate(x, y), model.evaluate(x, y), rtol=1e-5)


def test_keras_options_of_normalization_embedding_and_attention_round_trip(tmp_path):
    from dlcore.layers import LayerNormalization, MultiHeadAttention
    from dlcore.regularizers import L2

    model = Sequential([
        Input(shape=(5,)),
        Embedding(10, 4, embeddings_initializer="he_uniform", embeddings_regularizer=L2(0.01)),
        MultiHeadAttention(2, 3, dropout=0.2, seed=1, kernel_initializer="orthogonal", kernel_regularizer="l2",
                           bias_regularizer="l1"),
        LayerNormalization(axis=[1, 2], scale=False, beta_regularizer="l1"),
        BatchNormalization(axis=1, center=False, gamma_regularizer=L2(0.05), moving_variance_initializer="ones"),
        GlobalAveragePooling1D(), Dense(1)])
    x = RNG.integers(0, 10, size=(16, 5))
    y = RNG.normal(size=(16, 1))
    _trained(model, x, y)
    model.save(tmp_path / "opts.keras")
    loaded = load_model(tmp_path / "opts.keras")
    assert [saving.layer_config(la) for la in loaded.layers] == [saving.layer_config(la) for la in model.layers]
    assert [w.shape for w in loaded.get_weights()] == [w.shape for w in model.get_weights()]
    np.testing.assert_array_equal(loaded.predict(x), model.predict(x))
    assert loaded.evaluate(x, y) == pytest.approx(model.evaluate(x, y))  # the penalties come back too
    assert sum(la.regularization_loss() for la in loaded.layers) > 0


def test_frozen_sequential_round_trip(tmp_path):
    model = Sequential([Input(shape=(3,)), Dense(2), BatchNormalization()], trainable=False)
    model.build()
    model.save(tmp_path / "frozen.keras")
    loaded = load_model(tmp_path / "frozen.keras")
    assert loaded.trainable is False and loaded.trainable_weights == []
