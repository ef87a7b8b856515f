"""Tests of the Keras options of ``SimpleRNN``, ``LSTM`` and ``GRU`` (dlcore.layers.recurrent and recurrent_ops):
dropout and recurrent dropout (masks fixed over time, frozen for gradient checks), ``return_state``,
``go_backwards``, the padding ``mask`` (``Embedding(mask_zero=True)``), and other activations — against
numerical gradients and against Keras 3's outputs.
"""

import numpy as np
import pytest
from keras_reference import assert_close_to_keras, keras_layer_output

from dlcore.gradcheck import numerical_gradient, rel_error
from dlcore.layers import GRU, LSTM, Embedding, SimpleRNN
from dlcore.random import set_seed

LAYERS = [SimpleRNN, LSTM, GRU]
each_layer = pytest.mark.parametrize("layer_cls", LAYERS, ids=lambda cls: cls.__name__)
# Keras 3's recurrent layers on the torch backend agree with float64 math to ~1e-7 only (6e-8 measured even
# without options; our float64 layers match torch.nn to 1e-12 in test_recurrent.py). A wrong mask or
# direction shows up as deviations of order 0.1, far above this.
KERAS_RNN_ATOL = 1e-6


@pytest.fixture(autouse=True)
def _seed():
    set_seed(0)


def gradient_errors(layer, x, run, douts):
    """Relative errors of ``layer.backward(douts)`` against numerical gradients of ``sum(run(x) * douts)``."""
    def loss():
        out = run(x)
        outs, ds = (out, douts) if isinstance(out, list) else ([out], [douts])
        return float(sum(np.sum(o * d) for o, d in zip(outs, ds)))

    loss()
    dx = layer.backward(douts)
    errors = {"x": rel_error(dx, numerical_gradient(loss, x))}
    for key, p in layer.params.items():
        errors[key] = rel_error(layer.grads[key].copy(), numerical_gradient(loss, p))
    return errors


def random_layer(layer_cls, seed, **options):
    rng = np.random.default_rng(seed)
    batch, time, feats, units = (int(v) for v in (rng.integers(1, 4), rng.integers(2, 6), rng.integers(1, 4),
                                                  rng.integers(1, 5)))
    layer = layer_cls(units, **options)
    layer.build((None, time, feats), dtype=np.float64)
    layer.params["bias"] = rng.standard_normal(layer.params["bias"].shape)
    return layer, rng.standard_normal((batch, time, feats)), rng


@each_layer
@pytest.mark.parametrize("dropout, recurrent_dropout", [(0.4, 0.0), (0.0, 0.5), (0.3, 0.3)])
@pytest.mark.parametrize("return_sequences", [False, True])
def test_dropout_gradients_with_frozen_masks(layer_cls, dropout, recurrent_dropout, return_sequences):
    layer, x, rng = random_layer(layer_cls, 11, dropout=dropout, recurrent_dropout=recurrent_dropout,
                                 return_sequences=return_sequences)
    out = layer.forward(x, training=True)
    layer.dropout_masks.freeze()
    masks = layer.dropout_masks
    blocks = layer.gates if recurrent_dropout else 1  # Keras' implementation=1: one mask per gate block
    assert masks.inputs is None or masks.inputs.shape == (blocks, x.shape[0], x.shape[2])
    assert masks.recurrent is None or masks.recurrent.shape == (blocks, x.shape[0], layer.units)
    errors = gradient_errors(layer, x, lambda v: layer.forward(v, training=True), rng.standard_normal(out.shape))
    assert max(errors.values()) < 1e-6, errors


@each_layer
def test_dropout_masks_are_wired_where_keras_puts_them(layer_cls):
    layer, x, _ = random_layer(layer_cls, 3, dropout=0.5, recurrent_dropout=0.5, return_sequences=True)
    reference = layer.forward(x)
    assert not np.allclose(layer.forward(x, training=True), reference)  # something was dropped
    masks = layer.dropout_masks
    masks.inputs[...], masks.recurrent[...] = 1.0, 1.0  # keep everything: inference output
    masks.freeze()
    np.testing.assert_allclose(layer.forward(x, training=True), reference, atol=1e-14)
    masks.inputs[...] = 0.0  # drop every input: as if x were zero
    np.testing.assert_allclose(layer.forward(x, training=True), layer.forward(np.zeros_like(x)), atol=1e-14)
    masks.unfreeze()
    np.testing.assert_array_equal(layer.forward(x, training=False), reference)  # no dropout at inference


@each_layer
@pytest.mark.parametrize("return_sequences", [False, True])
def test_return_state_values_and_gradients(layer_cls, return_sequences):
    layer, x, rng = random_layer(layer_cls, 5, return_state=True, return_sequences=return_sequences)
    outs = layer.forward(x)
    assert len(outs) == (3 if layer_cls is LSTM else 2)
    np.testing.assert_array_equal(outs[1], layer.states[:, -1])
    if layer_cls is LSTM:
        np.testing.assert_array_equal(outs[2], layer.cell_states[:, -1])
    douts = [rng.standard_normal(o.shape) for o in outs]
    errors = gradient_errors(layer, x, layer.forward, douts)
    assert max(errors.values()) < 1e-6, errors
    with pytest.raises(ValueError, match="return_state"):
        layer.backward(douts[0])


@each_layer
@pytest.mark.parametrize("return_sequences", [False, True])
def test_padding_mask_gradients(layer_cls, return_sequences):
    layer, x, rng = random_layer(layer_cls, 8, return_sequences=return_sequences)
    mask = rng.random(x.shape[:2]) > 0.4
    mask[:, 0] = True
    out = layer.forward(x, mask=mask)
    errors = gradient_errors(layer, x, lambda v: layer.forward(v, mask=mask), rng.standard_normal(out.shape))
    assert max(errors.values()) < 1e-6, errors


@each_layer
@pytest.mark.parametrize("options", [{"return_sequences": True}, {"go_backwards": True, "return_sequences": True},
                                     {"go_backwards": True}], ids=["seq", "backwards-seq", "backwards"])
def test_go_backwards_and_mask_match_keras(keras, layer_cls, options):
    layer, x, _ = random_layer(layer_cls, 9, **options)
    mask = np.ones(x.shape[:2], dtype=bool)
    mask[0, -2:] = False  # padding at the end of the first sample
    ref = getattr(keras.layers, layer_cls.__name__)(layer.units, **options)
    weights = [layer.params[k] for k in ("kernel", "recurrent_kernel", "bias")]
    for m in (None, mask):
        theirs = keras_layer_output(keras, ref, x, weights, mask=m)
        name = f"{layer_cls.__name__} {sorted(options)} mask={m is not None}"
        assert_close_to_keras(name, layer.forward(x, mask=m), theirs, KERAS_RNN_ATOL)
    errors = gradient_errors(layer, x, lambda v: layer.forward(v, mask=mask), np.ones(theirs.shape))
    assert max(errors.values()) < 1e-6, errors


@pytest.mark.parametrize("layer_cls", [LSTM, GRU], ids=lambda c: c.__name__)
@pytest.mark.parametrize("activation, recurrent_activation", [("sigmoid", "tanh"), ("linear", "sigmoid"),
                                                              ("tanh", "linear")])
def test_other_activations_match_keras_and_gradients(keras, layer_cls, activation, recurrent_activation):
    options = {"activation": activation, "recurrent_activation": recurrent_activation, "return_sequences": True}
    layer, x, rng = random_layer(layer_cls, 4, **options)
    ref = getattr(keras.layers, layer_cls.__name__)(layer.units, **options)
    theirs = keras_layer_output(keras, ref, x, [layer.params[k] for k in ("kernel", "recurrent_kernel", "bias")])
    assert_close_to_keras(f"{layer_cls.__name__} {activation}/{recurrent_activation}", layer.forward(x), theirs,
                          KERAS_RNN_ATOL)
    errors = gradient_errors(layer, x, layer.forward, rng.standard_normal(theirs.shape))
    assert max(errors.values()) < 1e-6, errors


def test_embedding_mask_zero_feeds_an_lstm_like_keras(keras):
    ids = np.array([[3, 1, 4, 0, 0], [2, 7, 1, 8, 2]])
    emb, lstm = Embedding(10, 3, mask_zero=True, dtype=np.float64), LSTM(4)
    h = lstm.forward(emb.forward(ids), mask=emb.output_mask)
    np.testing.assert_array_equal(emb.output_mask, ids != 0)
    np.testing.assert_array_equal(h[0], lstm.states[0, 2])  # the padding left the state of step 2 unchanged
    k_emb, k_lstm = keras.layers.Embedding(10, 3, mask_zero=True), keras.layers.LSTM(4)
    model = keras.Sequential([keras.Input((5,), dtype="int64"), k_emb, k_lstm])
    k_emb.set_weights([emb.params["embeddings"]])
    k_lstm.set_weights([lstm.params[k] for k in ("kernel", "recurrent_kernel", "bias")])
    assert_close_to_keras("Embedding(mask_zero) + LSTM", h, keras.ops.convert_to_numpy(model(ids)), KERAS_RNN_ATOL)


def test_bad_rates_and_freezing_too_early_raise():
    with pytest.raises(ValueError, match="dropout"):
        LSTM(3, dropout=1.0)
    with pytest.raises(ValueError, match="recurrent_dropout"):
        GRU(3, recurrent_dropout=-0.1)
    with pytest.raises(ValueError, match="training=True"):
        SimpleRNN(3, dropout=0.2).dropout_masks.freeze()
    with pytest.raises(ValueError, match=r"mask of shape \(2, 4\)"):
        LSTM(3).forward(np.zeros((2, 4, 1)), mask=np.ones((2, 3), bool))


# ----- use_bias, initializers and regularizers (Keras' constructor options, shared by the three layers) -----
GATED_VARIANTS = [(SimpleRNN, {}), (LSTM, {}), (GRU, {}), (GRU, {"reset_after": False})]
each_variant = pytest.mark.parametrize("layer_cls, extra", GATED_VARIANTS,
                                       ids=["SimpleRNN", "LSTM", "GRU", "GRU-reset_before"])


def built_layer(layer_cls, seed, **options):
    """A float64 layer built for random (batch, time, features) inputs, with random (not initial) weights."""
    rng = np.random.default_rng(seed)
    layer = layer_cls(3, **options)
    layer.build((None, 4, 2), dtype=np.float64)
    for key, p in layer.params.items():
        layer.params[key] = rng.standard_normal(p.shape)
    return layer, rng.standard_normal((2, 4, 2)), rng


@each_variant
@pytest.mark.parametrize("return_sequences", [False, True])
def test_use_bias_false_has_no_bias_and_correct_gradients(layer_cls, extra, return_sequences):
    layer, x, rng = built_layer(layer_cls, 21, use_bias=False, return_sequences=return_sequences, **extra)
    assert list(layer.params) == ["kernel", "recurrent_kernel"]  # Keras' get_weights() without the bias
    assert [w.shape for w in layer.get_weights()] == [p.shape for p in layer.params.values()]
    out = layer.forward(x)
    errors = gradient_errors(layer, x, layer.forward, rng.standard_normal(out.shape))
    assert set(layer.grads) == {"kernel", "recurrent_kernel"}
    assert max(errors.values()) < 1e-6, errors


@each_variant
def test_use_bias_false_is_a_zero_bias(layer_cls, extra):
    with_bias, x, _ = built_layer(layer_cls, 22, **extra)
    without = layer_cls(3, use_bias=False, **extra)
    without.build((None, 4, 2), dtype=np.float64)
    without.set_weights([with_bias.params["kernel"], with_bias.params["recurrent_kernel"]])
    with_bias.params["bias"][...] = 0.0
    np.testing.assert_allclose(without.forward(x), with_bias.forward(x), rtol=1e-13, atol=1e-14)


@each_variant
def test_regularizers_add_their_penalty_and_its_gradient(layer_cls, extra):
    from dlcore import regularizers
    penalties = {"kernel_regularizer": regularizers.L2(0.03), "recurrent_regularizer": regularizers.L1L2(0.02, 0.05),
                 "bias_regularizer": "l1"}  # by name: L1(0.01), as Keras
    layer, x, rng = built_layer(layer_cls, 23, return_sequences=True, **penalties, **extra)
    w = layer.params
    expected = (0.03 * np.sum(w["kernel"] ** 2) + 0.02 * np.sum(np.abs(w["recurrent_kernel"]))
                + 0.05 * np.sum(w["recurrent_kernel"] ** 2) + 0.01 * np.sum(np.abs(w["bias"])))
    assert layer.regularization_loss() == pytest.approx(expected, rel=1e-12)
    dout = rng.standard_normal((2, 4, 3))

    def loss():  # what fit minimises: the data term plus the penalties
        return float(np.sum(layer.forward(x) * dout)) + layer.regularization_loss()

    loss()
    layer.backward(dout)
    for key, p in layer.params.items():  # grads hold the penalty's gradient too (as Dense's)
        assert rel_error(layer.grads[key].copy(), numerical_gradient(loss, p)) < 1e-6, key


def test_regularizers_without_bias_and_unbuilt_layers():
    from dlcore import regularizers
    layer = LSTM(2, use_bias=False, bias_regularizer=regularizers.L2(1.0))
    assert layer.regularization_loss() == 0.0  # not built: no weights yet
    layer.build((None, 3, 2), dtype=np.float64)
    assert layer.regularization_loss() == 0.0  # no bias to penalise
    assert SimpleRNN(2).regularization_loss() == 0.0


@each_variant
def test_initializers_by_name_and_by_object_get_the_whole_weight_shapes(layer_cls, extra):
    from dlcore import initializers
    shapes = []

    def recording(shape, dtype=np.float32):
        shapes.append(tuple(shape))
        return np.full(shape, 0.25, dtype=dtype)

    if layer_cls is LSTM:
        extra = {"unit_forget_bias": False}  # the bias from bias_initializer alone (see test_lstm.py for True)
    layer = layer_cls(3, kernel_initializer="ones", recurrent_initializer=initializers.Constant(-0.5),
                      bias_initializer=recording, **extra)
    layer.build((None, 4, 2), dtype=np.float64)
    width = layer.gates * 3
    np.testing.assert_array_equal(layer.params["kernel"], np.ones((2, width)))
    np.testing.assert_array_equal(layer.params["recurrent_kernel"], np.full((3, width), -0.5))
    np.testing.assert_array_equal(layer.params["bias"], np.full(layer.params["bias"].shape, 0.25))
    assert shapes == [layer.params["bias"].shape]
    assert all(p.dtype == np.float64 and p.flags.c_contiguous for p in layer.params.values())


@each_layer
def test_seeded_and_named_initializers(layer_cls):
    from dlcore import initializers
    a, b = (layer_cls(4, kernel_initializer=initializers.HeNormal(seed=7), recurrent_initializer="zeros")
            for _ in range(2))
    for layer in (a, b):
        layer.build((None, 5, 300), dtype=np.float64)
    np.testing.assert_array_equal(a.params["kernel"], b.params["kernel"])  # a seed gives the same weights
    np.testing.assert_array_equal(a.params["recurrent_kernel"], 0.0)
    # he_normal's fan_in is the feature count: std sqrt(2 / 300) (truncated normal, as Keras)
    assert np.std(a.params["kernel"]) == pytest.approx(np.sqrt(2 / 300), rel=0.15)


def test_default_initializers_are_keras():
    layer = GRU(3)
    assert type(layer.kernel_initializer).__name__ == "GlorotUniform"
    assert type(layer.recurrent_initializer).__name__ == "Orthogonal"
    assert type(layer.bias_initializer).__name__ == "Zeros"
    assert layer.use_bias is True and layer.kernel_regularizer is None


def test_bad_constructor_options_raise():
    with pytest.raises(ValueError, match="use_bias"):
        SimpleRNN(3, use_bias="no")
    with pytest.raises(ValueError, match="unknown initializer 'glorot'"):
        LSTM(3, kernel_initializer="glorot")
    with pytest.raises(ValueError, match="unknown regularizer 'l3'"):
        GRU(3, recurrent_regularizer="l3")
    with pytest.raises(ValueError, match="activation"):
        GRU(3, recurrent_activation="sigmoidd")
    with pytest.raises(TypeError):
        LSTM(3, "tanh", "sigmoid", True, "glorot_uniform", "orthogonal", "zeros", True, None, None, None, 0.5)


def test_positional_arguments_bind_as_in_keras():
    from dlcore import regularizers
    l2 = regularizers.L2(0.1)
    rnn = SimpleRNN(3, "relu", False, "ones", "zeros", "ones", l2)
    assert (rnn.activation, rnn.use_bias, rnn.kernel_regularizer) == ("relu", False, l2)
    lstm = LSTM(3, "tanh", "hard_sigmoid", True, "ones", "zeros", "ones", False, l2)
    assert (lstm.recurrent_activation, lstm.unit_forget_bias, lstm.kernel_regularizer) == ("hard_sigmoid", False, l2)
    gru = GRU(3, "tanh", "sigmoid", False, "ones", "zeros", "zeros", None, None, l2)
    assert (gru.use_bias, gru.bias_regularizer) == (False, l2)


@each_layer
def test_config_holds_the_new_options(layer_cls):
    config = layer_cls(3, use_bias=False, kernel_regularizer="l2", dropout=0.25).get_config()
    assert config["use_bias"] is False and config["dropout"] == 0.25
    assert type(config["kernel_regularizer"]).__name__ == "L2"
    assert type(config["recurrent_initializer"]).__name__ == "Orthogonal"
    assert ("recurrent_activation" in config) == (layer_cls is not SimpleRNN)
