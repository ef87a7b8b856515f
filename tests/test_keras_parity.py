"""dlcore computes what Keras 3 computes wherever it uses a Keras name (the course contract).

Every case builds the same object in both libraries *from the same code* (a lambda that receives
``keras.layers`` or ``dlcore.layers``, ``keras.optimizers`` or ``dlcore.optimizers`` ...), copies Keras'
weights into dlcore, and compares in float64: outputs, input gradients and weight gradients of every layer
(Keras' through torch autograd), values and gradients of every loss and activation, optimizer trajectories
over several steps, and whole ``fit`` histories from the same initial weights with ``shuffle=False``.
Metrics are compared over several batches (Keras' ``update_state``/``result``), with and without
``sample_weight``. A meta-test fails when dlcore gains a Keras name that no case here covers.

Keras (3.15.1, torch backend) is a reference only, like torch: without it the module is skipped.
"""

from __future__ import annotations

import os
import warnings

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "torch")  # before Keras' first import: its default backend is TensorFlow
pytest.importorskip("keras", reason="keras (a reference only, like torch) is not installed: "
                                    "`pip install keras==3.15.1` runs the Keras parity tests")
pytest.importorskip("torch", reason="the Keras reference runs on the torch backend: install torch")
kr = pytest.importorskip("keras_parity_helpers", reason="Keras could not be set up on the torch backend")
keras = kr.keras

import dlcore  # noqa: E402
from dlcore import activations as dl_activations  # noqa: E402
from dlcore import layers as dl_layers  # noqa: E402
from dlcore import losses as dl_losses  # noqa: E402
from dlcore import metrics as dl_metrics  # noqa: E402
from dlcore import optimizers as dl_optimizers  # noqa: E402

# Keras 3.15.1's torch backend trips numpy 2's __array__(copy=...) deprecation on every weight read
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:keras.*")

RTOL, ATOL = 1e-7, 1e-10  # float64 on both sides: differences are summation order, ~1e-15 relative

# Cases whose dlcore feature is on a branch not yet merged into main: xfail(strict=False) "not merged yet".
# Empty now that keras-models, keras-funcs and keras-layers have landed.
PENDING: set[str] = set()
# Differences from Keras that no branch fixes (reported to the lead): strict xfail, so a fix is noticed.
KNOWN_DIFFERENCES: dict[str, str] = {}


def _marks(id_: str) -> list:
    if id_ in KNOWN_DIFFERENCES:
        return [pytest.mark.xfail(strict=True, reason=KNOWN_DIFFERENCES[id_])]
    return [pytest.mark.xfail(strict=False, reason="not merged yet")] if id_ in PENDING else []


def _case(id_: str, *args, **kw):
    return pytest.param(*args, id=id_, marks=_marks(id_), **kw)


def _pending(id_: str):
    """The same marks for a test that is not parametrized."""
    def decorate(fn):
        for mark in _marks(id_):
            fn = mark(fn)
        return fn
    return decorate


def close(actual, expected, what: str, rtol=RTOL, atol=ATOL):
    np.testing.assert_allclose(np.asarray(actual), np.asarray(expected), rtol=rtol, atol=atol, err_msg=what)


def rng(seed=0):
    return np.random.default_rng(seed)


# ============================================================================ layers
# (id, Keras name covered, build(L) called with L = keras.layers and L = dlcore.layers, input maker,
#  training flags to compare). Inputs are kept away from ReLU/max-pool ties.
def _x(*shape):
    return lambda r: r.normal(size=shape)


def _ids(*shape, high=7):
    return lambda r: r.integers(0, high, size=shape)


def _padded_steps(*shape):
    """Random sequences with all-zero steps (what ``Masking`` skips): the last two of sample 0, step 1 of sample 1."""
    def make(r):
        x = r.normal(size=shape)
        x[0, -2:] = 0.0
        x[1, 1] = 0.0
        return x
    return make


LAYER_CASES = [
    ("Dense", "Dense", lambda L: L.Dense(3), _x(4, 5)),
    ("Dense-relu", "Dense", lambda L: L.Dense(3, activation="relu"), _x(4, 5)),
    ("Dense-softmax", "Dense", lambda L: L.Dense(4, activation="softmax"), _x(4, 5)),
    ("Dense-3d", "Dense", lambda L: L.Dense(3, activation="tanh", use_bias=False), _x(2, 3, 5)),
    ("Activation-sigmoid", "Activation", lambda L: L.Activation("sigmoid"), _x(4, 5)),
    ("Activation-softmax", "Activation", lambda L: L.Activation("softmax"), _x(4, 5)),
    ("Conv2D-valid", "Conv2D", lambda L: L.Conv2D(4, 3), _x(2, 6, 6, 3)),
    ("Conv2D-same-stride", "Conv2D", lambda L: L.Conv2D(2, (3, 2), strides=2, padding="same",
                                                       activation="tanh"), _x(2, 7, 6, 3)),
    ("Conv2D-dilated-valid", "Conv2D", lambda L: L.Conv2D(3, 3, dilation_rate=(2, 1), activation="tanh"),
     _x(2, 7, 6, 2)),
    ("Conv2D-dilated-same", "Conv2D", lambda L: L.Conv2D(2, (2, 3), padding="same", dilation_rate=(3, 2)),
     _x(2, 7, 8, 3)),
    ("MaxPool2D", "MaxPool2D", lambda L: L.MaxPool2D(), _x(2, 6, 6, 3)),
    ("MaxPooling2D-stride", "MaxPooling2D", lambda L: L.MaxPooling2D(pool_size=3, strides=2), _x(2, 7, 7, 2)),
    ("AveragePooling2D", "AveragePooling2D", lambda L: L.AveragePooling2D(2), _x(2, 6, 6, 3)),
    ("AvgPool2D-same", "AvgPool2D", lambda L: L.AvgPool2D(2, padding="same"), _x(2, 5, 5, 2)),
    ("Flatten", "Flatten", lambda L: L.Flatten(), _x(2, 3, 4, 2)),
    ("BatchNormalization", "BatchNormalization", lambda L: L.BatchNormalization(), _x(6, 4)),
    ("BatchNormalization-conv", "BatchNormalization", lambda L: L.BatchNormalization(momentum=0.9, epsilon=1e-2),
     _x(3, 4, 4, 2)),
    ("LayerNormalization", "LayerNormalization", lambda L: L.LayerNormalization(), _x(3, 4, 5)),
    # Keras' options: another axis, no beta/gamma (fewer weights), initial values from the initializers
    ("BatchNormalization-axis1-noscale", "BatchNormalization",
     lambda L: L.BatchNormalization(axis=1, scale=False, momentum=0.8, beta_initializer="random_normal"),
     _x(3, 4, 5)),
    ("BatchNormalization-nocenter", "BatchNormalization",
     lambda L: L.BatchNormalization(center=False, gamma_initializer="random_normal",
                                    moving_mean_initializer="random_normal", moving_variance_initializer="ones"),
     _x(5, 2, 3)),
    ("BatchNormalization-plain", "BatchNormalization", lambda L: L.BatchNormalization(center=False, scale=False),
     _x(6, 3)),
    ("LayerNormalization-axes", "LayerNormalization",
     lambda L: L.LayerNormalization(axis=[1, 2], gamma_initializer="random_normal",
                                    beta_initializer="random_normal"), _x(3, 4, 5)),
    # (not axis=1 of a 3-D input: Keras' torch backend hands it to torch's layer_norm, which only does trailing axes)
    ("LayerNormalization-last2-plain", "LayerNormalization",
     lambda L: L.LayerNormalization(axis=(-2, -1), center=False, scale=False), _x(3, 4, 5)),
    ("LayerNormalization-noscale", "LayerNormalization",
     lambda L: L.LayerNormalization(scale=False, beta_initializer="random_normal"), _x(3, 5)),
    ("SimpleRNN", "SimpleRNN", lambda L: L.SimpleRNN(4), _x(3, 5, 2)),
    ("SimpleRNN-seq", "SimpleRNN", lambda L: L.SimpleRNN(4, return_sequences=True), _x(3, 5, 2)),
    ("LSTM", "LSTM", lambda L: L.LSTM(4), _x(3, 5, 2)),
    ("LSTM-seq", "LSTM", lambda L: L.LSTM(3, return_sequences=True), _x(3, 5, 2)),
    ("GRU", "GRU", lambda L: L.GRU(4), _x(3, 5, 2)),
    ("GRU-seq", "GRU", lambda L: L.GRU(3, return_sequences=True), _x(3, 5, 2)),
    ("Embedding", "Embedding", lambda L: L.Embedding(7, 3), _ids(2, 5)),
    ("MultiHeadAttention", "MultiHeadAttention", lambda L: L.MultiHeadAttention(num_heads=2, key_dim=3), _x(2, 4, 5)),
    ("MultiHeadAttention-options", "MultiHeadAttention",  # dropout is off at inference
     lambda L: L.MultiHeadAttention(2, 3, value_dim=2, dropout=0.5, use_bias=True, output_shape=4, seed=1,
                                    bias_initializer="random_normal"), _x(2, 4, 5)),
    ("Embedding-initializer", "Embedding", lambda L: L.Embedding(7, 3, embeddings_initializer="he_normal"),
     _ids(2, 5)),
    ("GlobalAveragePooling1D", "GlobalAveragePooling1D", lambda L: L.GlobalAveragePooling1D(), _x(2, 5, 3)),
    ("Dropout-inference", "Dropout", lambda L: L.Dropout(0.5), _x(4, 5)),
    ("ReLU", "ReLU", lambda L: L.ReLU(), lambda r: r.normal(size=(4, 5)) + 0.01),
    ("ReLU-options", "ReLU", lambda L: L.ReLU(max_value=1.5, negative_slope=0.1, threshold=0.3),
     lambda r: r.normal(size=(3, 4, 5)) + 0.01),
    ("Add", "Add", lambda L: L.Add(), lambda r: [r.normal(size=(3, 4)), r.normal(size=(3, 4))]),
    ("Add-three", "Add", lambda L: L.Add(), lambda r: [r.normal(size=(2, 3, 2)) for _ in range(3)]),
    ("Concatenate", "Concatenate", lambda L: L.Concatenate(), lambda r: [r.normal(size=(3, 4)), r.normal(size=(3, 2))]),
    ("Concatenate-axis1", "Concatenate", lambda L: L.Concatenate(axis=1),
     lambda r: [r.normal(size=(2, 3, 2)), r.normal(size=(2, 1, 2))]),
    # keras-layers branch
    ("Conv1D", "Conv1D", lambda L: L.Conv1D(4, 3, activation="relu"), _x(2, 7, 3)),
    ("Conv1D-same", "Conv1D", lambda L: L.Conv1D(2, 2, strides=2, padding="same"), _x(2, 7, 3)),
    ("Conv1D-dilated-causal", "Conv1D", lambda L: L.Conv1D(3, 3, padding="causal", dilation_rate=2,
                                                          activation="tanh"), _x(2, 9, 2)),
    ("Conv1D-dilated-same", "Conv1D", lambda L: L.Conv1D(2, 2, padding="same", dilation_rate=3), _x(2, 8, 3)),
    ("MaxPooling1D", "MaxPooling1D", lambda L: L.MaxPooling1D(2), _x(2, 6, 3)),
    ("MaxPool1D-stride", "MaxPool1D", lambda L: L.MaxPool1D(3, strides=2), _x(2, 7, 3)),
    ("AveragePooling1D", "AveragePooling1D", lambda L: L.AveragePooling1D(2), _x(2, 6, 3)),
    ("AvgPool1D-same", "AvgPool1D", lambda L: L.AvgPool1D(2, padding="same"), _x(2, 5, 3)),
    ("GlobalMaxPooling1D", "GlobalMaxPooling1D", lambda L: L.GlobalMaxPooling1D(), _x(2, 5, 3)),
    ("GlobalAveragePooling2D", "GlobalAveragePooling2D", lambda L: L.GlobalAveragePooling2D(), _x(2, 4, 4, 3)),
    ("GlobalMaxPooling2D", "GlobalMaxPooling2D", lambda L: L.GlobalMaxPooling2D(), _x(2, 4, 4, 3)),
    ("GlobalAvgPool1D", "GlobalAvgPool1D", lambda L: L.GlobalAvgPool1D(), _x(2, 5, 3)),
    ("GlobalMaxPool1D", "GlobalMaxPool1D", lambda L: L.GlobalMaxPool1D(), _x(2, 5, 3)),
    ("GlobalAvgPool2D", "GlobalAvgPool2D", lambda L: L.GlobalAvgPool2D(), _x(2, 3, 4, 2)),
    ("GlobalMaxPool2D", "GlobalMaxPool2D", lambda L: L.GlobalMaxPool2D(), _x(2, 3, 4, 2)),
    ("Reshape", "Reshape", lambda L: L.Reshape((3, 4)), _x(2, 12)),
    ("Reshape-infer", "Reshape", lambda L: L.Reshape((-1, 2)), _x(2, 3, 4)),
    ("Bidirectional-LSTM", "Bidirectional", lambda L: L.Bidirectional(L.LSTM(3)), _x(2, 4, 2)),
    ("Bidirectional-GRU-seq", "Bidirectional", lambda L: L.Bidirectional(L.GRU(2, return_sequences=True)),
     _x(2, 4, 3)),
    ("TimeDistributed-Dense", "TimeDistributed", lambda L: L.TimeDistributed(L.Dense(3)), _x(2, 4, 5)),
    ("RepeatVector", "RepeatVector", lambda L: L.RepeatVector(3), _x(2, 4)),
    ("LeakyReLU", "LeakyReLU", lambda L: L.LeakyReLU(), _x(4, 5)),
    ("LeakyReLU-slope", "LeakyReLU", lambda L: L.LeakyReLU(negative_slope=0.1), _x(4, 5)),
    ("Rescaling", "Rescaling", lambda L: L.Rescaling(1 / 16, offset=-0.5), _x(2, 4, 4, 1)),
    ("UpSampling2D", "UpSampling2D", lambda L: L.UpSampling2D(2), _x(2, 3, 3, 2)),
    ("UpSampling2D-bilinear", "UpSampling2D", lambda L: L.UpSampling2D((2, 3), interpolation="bilinear"),
     _x(2, 3, 4, 2)),
    ("ZeroPadding2D", "ZeroPadding2D", lambda L: L.ZeroPadding2D(1), _x(2, 3, 3, 2)),
    ("ZeroPadding2D-asym", "ZeroPadding2D", lambda L: L.ZeroPadding2D(((1, 0), (2, 1))), _x(2, 3, 3, 2)),
    ("Conv2DTranspose", "Conv2DTranspose", lambda L: L.Conv2DTranspose(2, 3, strides=2, padding="same"),
     _x(2, 3, 3, 4)),
    ("Conv2DTranspose-valid", "Conv2DTranspose", lambda L: L.Conv2DTranspose(3, 2), _x(2, 3, 3, 2)),
    ("Conv2DTranspose-dilated-same", "Conv2DTranspose",
     lambda L: L.Conv2DTranspose(2, 3, padding="same", dilation_rate=(2, 1)), _x(2, 4, 3, 2)),
    ("Conv2DTranspose-dilated-valid", "Conv2DTranspose", lambda L: L.Conv2DTranspose(2, 2, dilation_rate=3),
     _x(2, 3, 4, 2)),
    ("LSTM-relu-sigmoid", "LSTM", lambda L: L.LSTM(3, activation="relu", recurrent_activation="sigmoid"),
     _x(2, 4, 2)),
    ("LSTM-go_backwards", "LSTM", lambda L: L.LSTM(3, go_backwards=True, return_sequences=True), _x(2, 4, 2)),
    ("GRU-reset_before", "GRU", lambda L: L.GRU(3, reset_after=False), _x(2, 4, 2)),
    ("GRU-reset_before-backwards-seq", "GRU", lambda L: L.GRU(3, reset_after=False, go_backwards=True,
                                                              return_sequences=True), _x(2, 5, 3)),
    ("GRU-go_backwards", "GRU", lambda L: L.GRU(3, go_backwards=True), _x(2, 4, 2)),
    ("SimpleRNN-relu", "SimpleRNN", lambda L: L.SimpleRNN(3, activation="relu", go_backwards=True), _x(2, 4, 2)),
    # use_bias and the initializers (compared after copying Keras' weights: the same weights, the same layout)
    ("LSTM-no-bias", "LSTM", lambda L: L.LSTM(3, use_bias=False, return_sequences=True), _x(2, 4, 2)),
    ("GRU-no-bias", "GRU", lambda L: L.GRU(3, use_bias=False), _x(2, 4, 2)),
    ("GRU-reset_before-no-bias", "GRU", lambda L: L.GRU(3, use_bias=False, reset_after=False), _x(2, 4, 2)),
    ("SimpleRNN-no-bias", "SimpleRNN", lambda L: L.SimpleRNN(3, use_bias=False, return_sequences=True), _x(2, 4, 2)),
    ("SimpleRNN-initializers", "SimpleRNN", lambda L: L.SimpleRNN(3, kernel_initializer="he_normal",
                                                                  recurrent_initializer="glorot_uniform",
                                                                  bias_initializer="random_normal"), _x(2, 4, 2)),
    ("Bidirectional-LSTM-no-bias", "Bidirectional",
     lambda L: L.Bidirectional(L.LSTM(2, use_bias=False, unit_forget_bias=False)), _x(2, 4, 3)),
    ("Masking", "Masking", lambda L: L.Masking(), _padded_steps(3, 5, 2)),
    ("Masking-value", "Masking", lambda L: L.Masking(mask_value=0.5),
     lambda r: np.where(r.random((2, 4, 1)) < 0.4, 0.5, r.normal(size=(2, 4, 3)))),
]
TRAINING_CASES = {"BatchNormalization", "BatchNormalization-conv", "BatchNormalization-axis1-noscale",
                  "BatchNormalization-nocenter", "BatchNormalization-plain"}  # compared in training mode too


def _call_keras(klayer, x, training, dout):
    # Keras' MultiHeadAttention takes (query, value); dlcore's forward(x) is self-attention
    if isinstance(klayer, keras.layers.MultiHeadAttention):
        t = kr.tensor(x, requires_grad=True)
        for v in klayer.trainable_weights:
            v.value.grad = None
        out = klayer(t, t, training=training)
        (out * kr.tensor(dout)).sum().backward()
        return kr.numpy(out), [kr.numpy(t.grad)], {v.path: kr.numpy(v.value.grad) for v in klayer.trainable_weights}
    return kr.layer_forward_backward(klayer, x, dout, training=training)


def _build_pair(build, x):
    klayer = build(keras.layers)
    try:
        dlayer = build(dl_layers)
    except (AttributeError, TypeError) as e:
        pytest.fail(f"dlcore cannot build this Keras layer: {type(e).__name__}: {e}")
    if isinstance(klayer, keras.layers.MultiHeadAttention):
        kout = klayer(kr.tensor(x), kr.tensor(x))
    else:
        kout = klayer([kr.tensor(a) for a in x] if isinstance(x, list) else kr.tensor(x))
    dlayer.forward(x)  # builds the dlcore layer in float64
    pairs = kr.copy_weights(klayer, dlayer)
    return klayer, dlayer, kr.numpy(kout).shape, pairs


@pytest.mark.parametrize("training", [False, True], ids=["inference", "training"])
@pytest.mark.parametrize("case_id,name,build,make_x", [_case(c[0], *c) for c in LAYER_CASES])
def test_layer_matches_keras(case_id, name, build, make_x, training):
    if training and case_id not in TRAINING_CASES:
        pytest.skip("the layer behaves the same in training and inference")
    x = make_x(rng(1))
    klayer, dlayer, out_shape, pairs = _build_pair(build, x)
    wrapper = name in ("Bidirectional", "TimeDistributed")  # Keras' paths hold generated sub-layer names
    for kpath, key in ([] if wrapper else pairs):  # the same parameter names as Keras (the contract)
        assert key == kr.weight_key(klayer, next(v for v in klayer.weights if v.path == kpath)), (kpath, key)
    dout = rng(2).normal(size=out_shape)
    kout, kdx, kgrads = _call_keras(klayer, x, training, dout)
    out = dlayer.forward(x, training=training)
    close(out, kout, f"{case_id}: forward output")
    dx = dlayer.backward(dout.copy())
    for i, (d, k) in enumerate(zip(dx if isinstance(x, list) else [dx], kdx)):
        if k is not None:
            close(d, k, f"{case_id}: gradient with respect to input {i}")
    for v in klayer.trainable_weights:
        key = dict(pairs)[v.path]
        close(dlayer.grads[key], kgrads[v.path], f"{case_id}: gradient of {key}")
    if training:
        state = kr.dlcore_state(dlayer)
        for v in klayer.non_trainable_weights:
            close(state[dict(pairs)[v.path]], kr.numpy(v), f"{case_id}: {v.path} after a training step")


@_pending("Normalization")
def test_normalization_adapt_matches_keras():
    """``Normalization().adapt(data)`` learns the per-feature mean and variance; the output and its gradient agree."""
    data = rng(12).normal(loc=3, scale=2, size=(50, 4))
    x = rng(13).normal(size=(6, 4))
    klayer, dlayer = keras.layers.Normalization(), dl_layers.Normalization()
    klayer.adapt(data)
    dlayer.adapt(data)
    dout = rng(14).normal(size=x.shape)
    kout, kdx, _ = kr.layer_forward_backward(klayer, x, dout)
    close(dlayer.forward(x), kout, "Normalization: output after adapt")
    close(dlayer.backward(dout.copy()), kdx[0], "Normalization: gradient with respect to the input")


def test_dropout_training_matches_keras_semantics():
    """Inverted dropout: kept units are scaled by 1/(1 - rate), dropped ones are 0, about `rate` are dropped."""
    x = rng(3).uniform(1, 2, size=(200, 50))
    for lib in (keras.layers, dl_layers):
        layer = lib.Dropout(0.3)
        out = kr.numpy(layer(kr.tensor(x), training=True)) if lib is keras.layers else layer.forward(x, training=True)
        kept = out != 0
        close(out[kept], x[kept] / 0.7, f"{lib.__name__}: kept units scaled by 1/(1 - rate)")
        assert abs(1 - kept.mean() - 0.3) < 0.02, f"{lib.__name__}: dropped fraction {1 - kept.mean():.3f}, rate 0.3"


def test_attention_dropout_in_training_matches_keras_given_its_mask(monkeypatch):
    """MultiHeadAttention(dropout=...) in training: dlcore, given the mask Keras drew (read off Keras' dropout
    sub-layer), computes Keras' output, input gradient and weight gradients; the mask itself is inverted dropout."""
    x = rng(1).normal(size=(2, 4, 5))
    klayer, dlayer, out_shape, pairs = _build_pair(
        lambda L: L.MultiHeadAttention(2, 3, dropout=0.4, seed=7, bias_initializer="random_normal"), x)
    drop, seen = klayer._dropout_layer, {}
    keras_call = drop.call

    def recording_call(inputs, training=False):
        out = keras_call(inputs, training=training)
        seen["mask"] = kr.numpy(out) / kr.numpy(inputs)  # the weights are softmax outputs: never 0
        return out

    monkeypatch.setattr(drop, "call", recording_call)
    dout = rng(2).normal(size=out_shape)
    kout, kdx, kgrads = _call_keras(klayer, x, True, dout)
    mask = seen["mask"]
    assert mask.shape == (2, 2, 4, 4) and np.allclose(mask[mask != 0], 1 / 0.6) and 0 < np.mean(mask == 0) < 1
    dlayer.dropout_layer.fixed_mask = mask
    close(dlayer.forward(x, training=True), kout, "attention dropout: forward output")
    close(dlayer.backward(dout.copy()), kdx[0], "attention dropout: gradient with respect to the input")
    for v in klayer.trainable_weights:
        key = dict(pairs)[v.path]
        close(dlayer.grads[key], kgrads[v.path], f"attention dropout: gradient of {key}")
    close(dlayer.forward(x), kr.numpy(klayer(kr.tensor(x), kr.tensor(x))), "attention dropout: off at inference")


PENALTY_CASES = [
    ("BatchNormalization-penalties", lambda L, R: L.BatchNormalization(axis=1, gamma_regularizer=R.L2(0.3),
                                                                       beta_regularizer=R.L1(0.2)), _x(3, 4, 2)),
    ("LayerNormalization-penalties", lambda L, R: L.LayerNormalization(gamma_regularizer=R.L1L2(0.1, 0.2),
                                                                       beta_regularizer=R.L2(0.5)), _x(3, 4)),
    ("Embedding-penalty", lambda L, R: L.Embedding(6, 3, embeddings_regularizer=R.L1L2(l1=0.05, l2=0.4)),
     _ids(2, 3, high=6)),
    ("MultiHeadAttention-penalties", lambda L, R: L.MultiHeadAttention(2, 3, kernel_regularizer=R.L2(0.2),
                                                                       bias_regularizer=R.L1(0.1)), _x(2, 3, 4)),
]


@pytest.mark.parametrize("case_id,build,make_x", [_case(c[0], *c) for c in PENALTY_CASES])
def test_weight_penalties_and_their_gradients_match_keras(case_id, build, make_x):
    """``regularization_loss()`` is the sum of Keras' ``layer.losses``, and ``backward`` of a zero ``dout`` leaves
    exactly the penalty's gradient in ``grads`` (Keras': torch autograd of ``sum(layer.losses)``)."""
    x = make_x(rng(3))
    klayer, dlayer, out_shape, pairs = _build_pair(lambda L: build(L, keras.regularizers if L is keras.layers
                                                                   else dlcore.regularizers), x)
    for v in klayer.trainable_weights:  # away from 0, L1's kink
        v.assign(kr.tensor(rng(4).uniform(0.5, 1.5, v.shape) * rng(5).choice([-1, 1], v.shape)))
    pairs = kr.copy_weights(klayer, dlayer)
    for v in klayer.trainable_weights:
        v.value.grad = None
    penalty = sum(klayer.losses)
    penalty.backward()
    close(dlayer.regularization_loss(), kr.numpy(penalty), f"{case_id}: the penalty")
    dlayer.forward(x)
    dlayer.backward(np.zeros(out_shape))
    for v in klayer.trainable_weights:
        key = dict(pairs)[v.path]
        close(dlayer.grads[key], kr.numpy(v.value.grad), f"{case_id}: the penalty's gradient for {key}")


def test_dropout_noise_shape_matches_keras_semantics():
    """noise_shape=(None, 1, None): one mask per (sample, feature), shared by every step; kept units scaled."""
    x = rng(9).uniform(1, 2, size=(60, 5, 30))
    for lib in (keras.layers, dl_layers):
        layer = lib.Dropout(0.25, noise_shape=(None, 1, None), seed=3)
        out = kr.numpy(layer(kr.tensor(x), training=True)) if lib is keras.layers else layer.forward(x, training=True)
        kept = out != 0
        assert np.all(kept == kept[:, :1, :]), f"{lib.__name__}: the mask differs between steps"
        close(out[kept], x[kept] / 0.75, f"{lib.__name__}: kept units scaled by 1/(1 - rate)")
        assert abs(1 - kept.mean() - 0.25) < 0.03, f"{lib.__name__}: dropped fraction {1 - kept.mean():.3f}"


# ============================================================================ activations
def _activation_names():
    return sorted(n for n in dl_activations.names() if hasattr(keras.activations, n))


@pytest.mark.parametrize("name", [_case(n, n) for n in _activation_names()])
def test_activation_matches_keras(name):
    x = rng(4).normal(scale=3, size=(5, 6))
    x[np.abs(x) < 1e-3] = 0.5  # stay off the kinks
    dout = rng(5).normal(size=x.shape)
    ky, kdx = kr.activation_value_and_gradient(keras.activations.get(name), x, dout)
    y = dl_activations.get(name)(x)
    close(y, ky, f"{name}: value")
    close(dl_activations.backward(name, x, y, dout), kdx, f"{name}: gradient")


@_pending("leaky_relu-default")
def test_leaky_relu_default_slope_is_keras():
    x = np.array([-2.0, -0.5, 1.0])
    close(dl_activations.leaky_relu(x), kr.numpy(keras.activations.leaky_relu(kr.tensor(x))), "leaky_relu default")


# ============================================================================ losses
def _probs(r, shape):
    e = np.exp(r.normal(size=shape))
    return e / e.sum(axis=-1, keepdims=True)


def _loss_data(kind, r):
    if kind == "regression":
        return r.normal(size=(6, 3)), r.normal(size=(6, 3))
    if kind == "binary":
        return r.integers(0, 2, size=(6, 1)).astype(float), r.uniform(0.02, 0.98, size=(6, 1))
    if kind == "binary-logits":
        return r.integers(0, 2, size=(6, 1)).astype(float), r.normal(scale=3, size=(6, 1))
    if kind == "binary-extreme":  # clipping at 1e-7: confidently wrong and exactly right
        return np.array([[1.0], [0.0], [1.0], [0.0]]), np.array([[0.0], [1.0], [1.0], [0.0]])
    if kind == "categorical":
        return np.eye(4)[r.integers(0, 4, size=6)], _probs(r, (6, 4))
    if kind == "categorical-logits":
        return np.eye(4)[r.integers(0, 4, size=6)], r.normal(scale=3, size=(6, 4))
    if kind == "categorical-logits-huge":
        return np.eye(3)[[0, 1, 2]], np.array([[1000.0, 0, -1000], [1000, 0, -1000], [0, 1, 2]])
    if kind == "sparse":
        return r.integers(0, 4, size=6), _probs(r, (6, 4))
    if kind == "sparse-logits":
        return r.integers(0, 4, size=6), r.normal(scale=3, size=(6, 4))
    if kind == "positive":  # counts and sizes: msle and poisson
        return r.uniform(0.1, 3.0, size=(6, 3)), r.uniform(0.1, 3.0, size=(6, 3))
    if kind == "soft":  # two probability vectors per sample: KL divergence
        return _probs(r, (6, 4)), _probs(r, (6, 4))
    if kind == "hinge":  # labels -1/1, scores away from the margin's kink at 1
        return r.choice([-1.0, 1.0], size=(6, 3)), r.normal(scale=2, size=(6, 3))
    raise ValueError(kind)


LOSS_CASES = [  # (id, dlcore name / Keras class, from_logits, data)
    ("mse", "mse", "MeanSquaredError", False, "regression"),
    ("mean_squared_error", "mean_squared_error", "MeanSquaredError", False, "regression"),
    ("binary_crossentropy", "binary_crossentropy", "BinaryCrossentropy", False, "binary"),
    ("binary_crossentropy-extreme", "binary_crossentropy", "BinaryCrossentropy", False, "binary-extreme"),
    ("binary_crossentropy-logits", "binary_crossentropy", "BinaryCrossentropy", True, "binary-logits"),
    ("categorical_crossentropy", "categorical_crossentropy", "CategoricalCrossentropy", False, "categorical"),
    ("categorical_crossentropy-logits", "categorical_crossentropy", "CategoricalCrossentropy", True,
     "categorical-logits"),
    ("categorical_crossentropy-logits-huge", "categorical_crossentropy", "CategoricalCrossentropy", True,
     "categorical-logits-huge"),
    ("sparse_categorical_crossentropy", "sparse_categorical_crossentropy", "SparseCategoricalCrossentropy", False,
     "sparse"),
    ("sparse_categorical_crossentropy-logits", "sparse_categorical_crossentropy", "SparseCategoricalCrossentropy",
     True, "sparse-logits"),
    ("mae", "mae", "MeanAbsoluteError", False, "regression"),
    ("huber", "huber", "Huber", False, "regression"),
    ("msle", "msle", "MeanSquaredLogarithmicError", False, "positive"),
    ("poisson", "poisson", "Poisson", False, "positive"),
    ("kld", "kld", "KLDivergence", False, "soft"),
    ("hinge", "hinge", "Hinge", False, "hinge"),
]


@pytest.mark.parametrize("case_id,name,keras_class,from_logits,data", [_case(c[0], *c) for c in LOSS_CASES])
def test_loss_matches_keras(case_id, name, keras_class, from_logits, data):
    y, p = _loss_data(data, rng(6))
    kwargs = {"from_logits": True} if from_logits else {}
    klo = getattr(keras.losses, keras_class)(**kwargs)
    try:
        dlo = dl_losses.get(name, from_logits=from_logits) if from_logits else dl_losses.get(name)
    except ValueError as e:
        pytest.fail(f"dlcore has no loss {name!r}: {e}")
    kval, kgrad = kr.loss_value_and_gradient(klo, y, p)
    close(dlo(y, p), kval, f"{case_id}: value")
    close(dlo.gradient(y, p), kgrad, f"{case_id}: gradient with respect to y_pred")
    # the class spelled as in Keras computes the same
    if hasattr(dl_losses, keras_class):
        close(getattr(dl_losses, keras_class)(**kwargs)(y, p), kval, f"dlcore.losses.{keras_class}: value")


# Keras' loss options, each class built with the same arguments in both libraries
# (id, Keras class, constructor arguments, data, sample weights or None)
LOSS_OPTION_CASES = [
    ("BinaryCrossentropy-label_smoothing", "BinaryCrossentropy", dict(label_smoothing=0.2), "binary", None),
    ("BinaryCrossentropy-label_smoothing-logits", "BinaryCrossentropy",
     dict(from_logits=True, label_smoothing=0.3), "binary-logits", "per-sample"),
    ("CategoricalCrossentropy-label_smoothing", "CategoricalCrossentropy", dict(label_smoothing=0.1),
     "categorical", "per-sample"),
    ("CategoricalCrossentropy-label_smoothing-logits", "CategoricalCrossentropy",
     dict(from_logits=True, label_smoothing=0.1), "categorical-logits", None),
    ("SparseCategoricalCrossentropy-ignore_class", "SparseCategoricalCrossentropy",
     dict(from_logits=True, ignore_class=2), "sparse-logits", "per-sample"),
    ("MeanSquaredError-sum", "MeanSquaredError", dict(reduction="sum"), "regression", "per-sample"),
    ("Huber-mean_with_sample_weight", "Huber", dict(reduction="mean_with_sample_weight"), "regression", "per-sample"),
    ("CategoricalCrossentropy-none", "CategoricalCrossentropy", dict(reduction=None, label_smoothing=0.1),
     "categorical", "per-sample"),
]


@pytest.mark.parametrize("case_id,keras_class,kwargs,data,weights", [_case(c[0], *c) for c in LOSS_OPTION_CASES])
def test_loss_options_match_keras(case_id, keras_class, kwargs, data, weights):
    import torch
    y, p = _loss_data(data, rng(7))
    w = None if weights is None else rng(8).uniform(0.0, 2.0, size=len(y))
    klo, dlo = getattr(keras.losses, keras_class)(**kwargs), getattr(dl_losses, keras_class)(**kwargs)
    t = kr.tensor(p, requires_grad=True)
    # a copy: Keras multiplies the weights by ignore_class's mask in place (keras/src/losses/loss.py apply_mask)
    kvalue = klo(kr.tensor(y), t, sample_weight=None if w is None else kr.tensor(w.copy()))
    kvalue.sum().backward()  # reduction=None: the gradient of the sum, what Keras' fit minimizes
    assert isinstance(kvalue, torch.Tensor)
    close(dlo(y, p, sample_weight=w), kr.numpy(kvalue), f"{case_id}: value")
    close(dlo.gradient(y, p, sample_weight=w), kr.numpy(t.grad), f"{case_id}: gradient with respect to y_pred")


# ============================================================================ optimizers
OPTIMIZER_CASES = [
    ("SGD", "SGD", lambda O: O.SGD()),
    ("SGD-momentum", "SGD", lambda O: O.SGD(learning_rate=0.1, momentum=0.9)),
    ("SGD-nesterov", "SGD", lambda O: O.SGD(learning_rate=0.1, momentum=0.9, nesterov=True)),
    ("RMSprop", "RMSprop", lambda O: O.RMSprop()),
    ("RMSprop-rho", "RMSprop", lambda O: O.RMSprop(learning_rate=0.01, rho=0.8, epsilon=1e-3)),
    ("RMSprop-momentum-centered", "RMSprop", lambda O: O.RMSprop(learning_rate=0.01, momentum=0.5, centered=True)),
    ("Adam", "Adam", lambda O: O.Adam()),
    ("Adam-eps", "Adam", lambda O: O.Adam(learning_rate=0.01, epsilon=1e-2)),
    ("Adam-amsgrad", "Adam", lambda O: O.Adam(learning_rate=0.01, amsgrad=True)),
    ("Adam-clipnorm", "Adam", lambda O: O.Adam(learning_rate=0.01, clipnorm=0.5)),
    ("SGD-global_clipnorm", "SGD", lambda O: O.SGD(learning_rate=0.1, global_clipnorm=0.5)),
    ("SGD-clipvalue", "SGD", lambda O: O.SGD(learning_rate=0.1, clipvalue=0.3)),
    ("SGD-weight_decay", "SGD", lambda O: O.SGD(learning_rate=0.1, momentum=0.9, weight_decay=0.01)),
    ("Adam-weight_decay", "Adam", lambda O: O.Adam(learning_rate=0.01, weight_decay=0.1)),
    ("AdamW", "AdamW", lambda O: O.AdamW()),
    ("AdamW-wd", "AdamW", lambda O: O.AdamW(learning_rate=0.01, weight_decay=0.1)),
    ("Adagrad", "Adagrad", lambda O: O.Adagrad()),
    ("Adagrad-lr", "Adagrad", lambda O: O.Adagrad(learning_rate=0.1, initial_accumulator_value=0.5)),
    ("Nadam", "Nadam", lambda O: O.Nadam()),
    ("Nadam-lr", "Nadam", lambda O: O.Nadam(learning_rate=0.01)),
]


@pytest.mark.parametrize("case_id,name,build", [_case(c[0], *c) for c in OPTIMIZER_CASES])
def test_optimizer_matches_keras_over_steps(case_id, name, build):
    r = rng(7)
    w0 = [r.normal(size=(3, 2)), r.normal(size=(2,))]
    grads = [[r.normal(scale=s, size=w.shape) for w in w0] for s in (1.0, 0.5, 2.0, 0.1, 1.0, 0.3, 1.5)]
    expected = kr.optimizer_trajectory(build(keras.optimizers), w0, grads)
    try:
        opt = build(dl_optimizers)
    except (AttributeError, TypeError, ValueError) as e:
        pytest.fail(f"dlcore cannot build this Keras optimizer: {type(e).__name__}: {e}")
    params = [w.copy() for w in w0]
    for step, (g, want) in enumerate(zip(grads, expected), 1):
        opt.apply_gradients(zip([gi.copy() for gi in g], params))
        for i, (p, e) in enumerate(zip(params, want)):
            close(p, e, f"{case_id}: parameter {i} after step {step}", rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("name", [_case(n, n) for n in ["sgd", "rmsprop", "adam", "adamw", "adagrad", "nadam"]])
def test_optimizer_by_name_has_keras_defaults(name):
    k = keras.optimizers.get(name)
    try:
        d = dl_optimizers.get(name)
    except ValueError as e:
        pytest.fail(str(e))
    for attr in ("learning_rate", "momentum", "rho", "epsilon", "beta_1", "beta_2", "weight_decay",
                 "initial_accumulator_value", "nesterov", "amsgrad", "centered"):
        if hasattr(k, attr) and getattr(k, attr) is not None:
            kv = getattr(k, attr)
            kv = float(kr.numpy(kv)) if not isinstance(kv, (int, float, bool)) else kv
            assert hasattr(d, attr), f"dlcore {name} has no {attr} (Keras: {kv})"
            dv = getattr(d, attr)
            assert (dv or 0) == pytest.approx(kv or 0, rel=1e-6), f"{name}.{attr}: dlcore {dv}, Keras {kv}"


# ============================================================================ metrics
def _metric_batches(kind, r):
    """Three batches (y_true, y_pred, sample_weight); weights are 0.5, 1 or 2: exact in float32, which Keras'
    torch segment_sum (AUC's bucket counts) uses."""
    batches = []
    for n in (9, 16, 6):
        w = r.choice([0.5, 1.0, 2.0], size=n)
        if kind in ("binary", "logits"):
            y = r.integers(0, 2, size=(n, 1)).astype(float)
            p = r.normal(scale=3, size=(n, 1)) if kind == "logits" else r.uniform(size=(n, 1))
            if kind == "binary":
                p[:3, 0] = [0.0, 0.5, 1.0]  # the end points and a threshold itself
        elif kind == "multi":  # multi-label: one 0/1 label per column
            y, p = r.integers(0, 2, size=(n, 3)).astype(float), r.uniform(size=(n, 3))
        elif kind == "onehot":
            y, p = np.eye(4)[r.integers(0, 4, size=n)], _probs(r, (n, 4))
        elif kind == "sparse":
            y, p = r.integers(0, 4, size=n), _probs(r, (n, 4))
        else:
            raise ValueError(kind)
        batches.append((y, p, w))
    return batches


METRIC_CASES = [  # (id, Keras name covered, build(M) with M = keras.metrics or dlcore.metrics, data)
    ("Precision", "Precision", lambda M: M.Precision(), "binary"),
    ("Precision-thresholds", "Precision", lambda M: M.Precision(thresholds=[0.0, 0.3, 0.5, 0.7]), "binary"),
    ("Precision-evenly", "Precision", lambda M: M.Precision(thresholds=[0.0, 0.25, 0.5, 0.75, 1.0]), "binary"),
    ("Precision-top_k", "Precision", lambda M: M.Precision(top_k=2), "onehot"),
    ("Precision-class_id", "Precision", lambda M: M.Precision(class_id=1, thresholds=0.3), "onehot"),
    ("Recall", "Recall", lambda M: M.Recall(), "binary"),
    ("Recall-0.3", "Recall", lambda M: M.Recall(thresholds=0.3), "binary"),
    ("Recall-multi-label", "Recall", lambda M: M.Recall(thresholds=[0.2, 0.6]), "multi"),
    ("AUC", "AUC", lambda M: M.AUC(), "binary"),
    ("AUC-PR", "AUC", lambda M: M.AUC(curve="PR"), "binary"),
    ("AUC-minoring", "AUC", lambda M: M.AUC(num_thresholds=11, summation_method="minoring"), "binary"),
    ("AUC-PR-majoring", "AUC", lambda M: M.AUC(curve="PR", summation_method="majoring"), "binary"),
    ("AUC-thresholds", "AUC", lambda M: M.AUC(thresholds=[0.1, 0.4, 0.45, 0.9]), "binary"),
    ("AUC-logits", "AUC", lambda M: M.AUC(from_logits=True), "logits"),
    ("AUC-flattened", "AUC", lambda M: M.AUC(label_weights=[1.0, 2.0, 0.5]), "multi"),
    ("AUC-multi_label", "AUC", lambda M: M.AUC(multi_label=True, label_weights=[1.0, 2.0, 0.5]), "multi"),
    ("AUC-PR-multi_label", "AUC", lambda M: M.AUC(curve="PR", multi_label=True), "multi"),
    # the functions, through MeanMetricWrapper (what compile does with them)
    ("binary_accuracy", "binary_accuracy", lambda M: M.MeanMetricWrapper(M.binary_accuracy), "binary"),
    ("categorical_accuracy", "categorical_accuracy", lambda M: M.MeanMetricWrapper(M.categorical_accuracy),
     "onehot"),
    ("sparse_categorical_accuracy", "sparse_categorical_accuracy",
     lambda M: M.MeanMetricWrapper(M.sparse_categorical_accuracy), "sparse"),
    ("top_k_categorical_accuracy", "top_k_categorical_accuracy",
     lambda M: M.MeanMetricWrapper(M.top_k_categorical_accuracy, k=2), "onehot"),
    ("sparse_top_k_categorical_accuracy", "sparse_top_k_categorical_accuracy",
     lambda M: M.MeanMetricWrapper(M.sparse_top_k_categorical_accuracy, k=2), "sparse"),
    ("mean_squared_error", "mean_squared_error", lambda M: M.MeanMetricWrapper(M.mean_squared_error), "multi"),
    ("mean_absolute_error", "mean_absolute_error", lambda M: M.MeanMetricWrapper(M.mean_absolute_error), "binary"),
]


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "sample_weight"])
@pytest.mark.parametrize("case_id,name,build,data", [_case(c[0], *c) for c in METRIC_CASES])
def test_metric_matches_keras_over_batches(case_id, name, build, data, weighted):
    """update_state over several batches, result after each (the running value), then reset_state."""
    kmetric, dmetric = build(keras.metrics), build(dl_metrics)
    batches = _metric_batches(data, rng(15))
    for i, (y, p, w) in enumerate(batches):
        kmetric.update_state(y, p, sample_weight=w if weighted else None)
        dmetric.update_state(y, p, sample_weight=w if weighted else None)
        close(dmetric.result(), kr.numpy(kmetric.result()), f"{case_id}: result after batch {i + 1}")
    assert np.any(kr.numpy(kmetric.result()) > 0), f"{case_id}: Keras returned zeros (a vacuous comparison)"
    kmetric.reset_state()
    dmetric.reset_state()
    y, p, _ = batches[0]
    kmetric.update_state(y, p)
    dmetric.update_state(y, p)
    close(dmetric.result(), kr.numpy(kmetric.result()), f"{case_id}: result after reset_state and one batch")


def test_metric_names_match_keras(monkeypatch):
    """Default names count per class from the first instance on (auc, auc_1, ...), as Keras' auto_name."""
    from collections import defaultdict

    from keras.src.utils.naming import reset_uids
    reset_uids()
    monkeypatch.setattr(dlcore.layers.base, "_name_counts", defaultdict(int))
    for build in (lambda M: M.AUC(), lambda M: M.AUC(curve="PR"), lambda M: M.Precision(),
                  lambda M: M.Recall(name="r"), lambda M: M.Recall(),
                  lambda M: M.MeanMetricWrapper(M.mean_squared_error)):
        assert build(dl_metrics).name == build(keras.metrics).name


# ============================================================================ fit histories
def _digits(n=240, flat=True):
    x, y = dlcore.datasets.load_digits()
    x = x[:n] / 16.0
    return (x.reshape(len(x), -1) if flat else x[..., None]), y[:n]


FIT_CASES = [  # (id, build(L) -> list of layers, input maker, compile(O) kwargs, fit kwargs)
    ("mlp-sgd-sparse", lambda L: [L.Dense(16, activation="relu"), L.Dense(10, activation="softmax")],
     lambda: _digits(), lambda O: dict(optimizer=O.SGD(learning_rate=0.1), loss="sparse_categorical_crossentropy",
                                       metrics=["accuracy"]), dict(epochs=4, batch_size=32)),
    ("mlp-adam-onehot-valsplit", lambda L: [L.Dense(12, activation="tanh"), L.Dense(10, activation="softmax")],
     lambda: (_digits()[0], np.eye(10)[_digits()[1]]),
     lambda O: dict(optimizer=O.Adam(learning_rate=0.01), loss="categorical_crossentropy", metrics=["accuracy"]),
     dict(epochs=4, batch_size=50, validation_split=0.25)),
    ("binary-rmsprop-logits", lambda L: [L.Dense(8, activation="tanh"), L.Dense(1)],
     lambda: (_digits()[0], (_digits()[1] % 2).astype(float)),
     lambda O: dict(optimizer=O.RMSprop(learning_rate=0.01), loss=dl_or_keras_loss(O, "BinaryCrossentropy", True)),
     dict(epochs=3, batch_size=40)),
    ("normalization-options-l2", lambda L: [L.Dense(6, activation="tanh"),
                                            L.BatchNormalization(scale=False, beta_regularizer=reg(L, 0.02)),
                                            L.LayerNormalization(center=False, gamma_regularizer=reg(L, 0.05)),
                                            L.Dense(2)],
     lambda: (rng(8).normal(size=(90, 3)), rng(9).normal(size=(90, 2))),
     lambda O: dict(optimizer=O.SGD(learning_rate=0.05), loss="mse"), dict(epochs=3, batch_size=16)),
    ("embedding-l2", lambda L: [L.Embedding(9, 4, embeddings_regularizer=reg(L, 0.01)), L.GlobalAveragePooling1D(),
                                L.Dense(1)],
     lambda: (rng(12).integers(0, 9, size=(60, 5)), rng(13).normal(size=(60, 1))),
     lambda O: dict(optimizer=O.Adam(learning_rate=0.01), loss="mse"), dict(epochs=3, batch_size=20)),
    ("regression-l2", lambda L: [L.Dense(8, activation="sigmoid", kernel_regularizer=reg(L, 0.01)), L.Dense(2)],
     lambda: (rng(8).normal(size=(90, 3)), rng(9).normal(size=(90, 2))),
     lambda O: dict(optimizer=O.SGD(learning_rate=0.05, momentum=0.9), loss="mse"), dict(epochs=3, batch_size=16)),
    ("cnn-adam", lambda L: [L.Conv2D(4, 3, activation="relu"), L.MaxPool2D(), L.Flatten(),
                            L.Dense(10, activation="softmax")],
     lambda: _digits(120, flat=False), lambda O: dict(optimizer=O.Adam(), loss="sparse_categorical_crossentropy",
                                                     metrics=["accuracy"]), dict(epochs=3, batch_size=32)),
    ("lstm-rmsprop", lambda L: [L.LSTM(5), L.Dense(1)],
     lambda: (rng(10).normal(size=(60, 6, 2)), rng(11).normal(size=(60, 1))),
     lambda O: dict(optimizer=O.RMSprop(), loss="mse"), dict(epochs=3, batch_size=20)),
    # callbacks (built from keras.callbacks or dlcore.callbacks by the same code)
    ("earlystopping-restore", lambda L: [L.Dense(16, activation="relu"), L.Dense(10, activation="softmax")],
     lambda: _digits(), lambda O: dict(optimizer=O.SGD(learning_rate=0.2), loss="sparse_categorical_crossentropy",
                                       metrics=["accuracy"]),
     dict(epochs=12, batch_size=40, validation_split=0.25),
     lambda C: [C.EarlyStopping(monitor="val_accuracy", min_delta=0.02, patience=1, restore_best_weights=True)]),
    ("learning-rate-scheduler", lambda L: [L.Dense(8, activation="tanh"), L.Dense(2)],
     lambda: (rng(8).normal(size=(90, 3)), rng(9).normal(size=(90, 2))),
     lambda O: dict(optimizer=O.SGD(learning_rate=0.1), loss="mse"), dict(epochs=4, batch_size=30),
     lambda C: [C.LearningRateScheduler(lambda epoch, lr: lr * 0.5)]),
    ("reduce-lr-on-plateau", lambda L: [L.Dense(8, activation="tanh"), L.Dense(2)],
     lambda: (rng(8).normal(size=(90, 3)), rng(9).normal(size=(90, 2))),
     lambda O: dict(optimizer=O.Adam(learning_rate=0.05), loss="mse"), dict(epochs=6, batch_size=30),
     lambda C: [C.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=0, min_delta=0.02)]),
    # stateful metrics: precision, recall and AUC accumulate confusion counts over the epoch's batches
    ("binary-precision-recall-auc", lambda L: [L.Dense(8, activation="tanh"), L.Dense(1, activation="sigmoid")],
     lambda: (_digits()[0], (_digits()[1] % 2).astype(float)[:, None]),
     lambda O: dict(optimizer=O.SGD(learning_rate=0.1), loss="binary_crossentropy",
                    metrics=["precision", "recall", "auc"]),
     dict(epochs=3, batch_size=32, validation_split=0.25)),
    ("binary-metric-objects-weighted", lambda L: [L.Dense(6, activation="relu"), L.Dense(1, activation="sigmoid")],
     lambda: (_digits()[0], (_digits()[1] >= 5).astype(float)[:, None]),
     lambda O: dict(optimizer=O.Adam(learning_rate=0.01), loss="binary_crossentropy",
                    metrics=[metrics_of(O).Precision(), metrics_of(O).Recall(thresholds=0.3),
                             metrics_of(O).AUC(curve="PR"), metrics_of(O).AUC(), "auc", "accuracy"],
                    weighted_metrics=["auc", "precision"]),
     dict(epochs=3, batch_size=40, validation_split=0.25, sample_weight=np.tile([0.5, 1.0, 2.0], 80))),
]


def metrics_of(O):
    """The metrics module of the library whose optimizers module is ``O``."""
    return keras.metrics if O is keras.optimizers else dl_metrics


def _padded_ids(n=48, length=7, vocab=9, seed=12):
    """Id sequences of random lengths 1..length, zero-padded at the end (0 is the padding id), and binary labels:
    whether the sequence holds more ids above vocab / 2 than below."""
    r = rng(seed)
    x = np.zeros((n, length), dtype=np.int64)
    for i, size in enumerate(r.integers(1, length + 1, size=n)):
        x[i, :size] = r.integers(1, vocab, size=size)
    above = ((x > vocab // 2) & (x > 0)).sum(axis=1)
    below = ((x <= vocab // 2) & (x > 0)).sum(axis=1)
    return x, (above > below).astype(float)[:, None]


def _padded_series(n=40, length=6, seed=13):
    """Float sequences of 2 features and random lengths, zero-padded before them; target: mean of feature 0."""
    r = rng(seed)
    x = np.zeros((n, length, 2))
    for i, size in enumerate(r.integers(1, length + 1, size=n)):
        x[i, length - size:] = r.normal(size=(size, 2))
    real = np.any(x != 0, axis=-1)
    return x, (x[..., 0].sum(axis=1) / real.sum(axis=1))[:, None]


FIT_CASES += [  # weight penalties of recurrent layers: history["loss"] holds them (Keras adds layer.losses)
    ("gru-regularizers", lambda L: [L.GRU(4, kernel_regularizer=reg(L, 0.01), recurrent_regularizer=reg(L, 0.02),
                                          bias_regularizer=reg(L, 0.05)), L.Dense(1)],
     lambda: (rng(10).normal(size=(60, 6, 2)), rng(11).normal(size=(60, 1))),
     lambda O: dict(optimizer=O.SGD(learning_rate=0.1), loss="mse"), dict(epochs=3, batch_size=20)),
    ("lstm-no-bias-l1l2", lambda L: [L.LSTM(3, use_bias=False, return_sequences=True,
                                            recurrent_regularizer=l1_l2(L, 0.01, 0.02)),
                                     L.SimpleRNN(2, kernel_regularizer=reg(L, 0.03)), L.Dense(1)],
     lambda: (rng(12).normal(size=(40, 5, 2)), rng(13).normal(size=(40, 1))),
     lambda O: dict(optimizer=O.Adam(learning_rate=0.01), loss="mse"), dict(epochs=3, batch_size=10)),
    ("bidirectional-gru-regularizers", lambda L: [L.Bidirectional(L.GRU(3, reset_after=False,
                                                                        kernel_regularizer=reg(L, 0.02))),
                                                  L.Dense(1)],
     lambda: (rng(14).normal(size=(40, 5, 2)), rng(15).normal(size=(40, 1))),
     lambda O: dict(optimizer=O.RMSprop(learning_rate=0.01), loss="mse"), dict(epochs=3, batch_size=10)),
]


FIT_CASES += [  # padding masks: Embedding(mask_zero=True) / Masking -> recurrent layers and GlobalAveragePooling1D
    ("masked-embedding-lstm", lambda L: [L.Embedding(9, 4, mask_zero=True), L.LSTM(5),
                                         L.Dense(1, activation="sigmoid")],
     _padded_ids, lambda O: dict(optimizer=O.Adam(learning_rate=0.02), loss="binary_crossentropy",
                                 metrics=["accuracy"]), dict(epochs=3, batch_size=16)),
    ("masked-embedding-bidirectional-gru", lambda L: [L.Embedding(9, 4, mask_zero=True), L.Bidirectional(L.GRU(3)),
                                                      L.Dense(1, activation="sigmoid")],
     _padded_ids, lambda O: dict(optimizer=O.RMSprop(learning_rate=0.01), loss="binary_crossentropy"),
     dict(epochs=3, batch_size=16)),
    ("masked-embedding-seq-pooling", lambda L: [L.Embedding(9, 4, mask_zero=True),
                                                L.SimpleRNN(4, return_sequences=True), L.Dense(3, activation="tanh"),
                                                L.GlobalAveragePooling1D(), L.Dense(1)],
     _padded_ids, lambda O: dict(optimizer=O.SGD(learning_rate=0.1), loss="mse"), dict(epochs=3, batch_size=12)),
    ("masking-lstm-seq-pooling", lambda L: [L.Masking(), L.LSTM(4, return_sequences=True),
                                            L.GlobalAveragePooling1D(), L.Dense(1)],
     _padded_series, lambda O: dict(optimizer=O.Adam(learning_rate=0.01), loss="mse"), dict(epochs=3, batch_size=10)),
    ("masked-sequence-output-loss", lambda L: [L.Embedding(9, 4, mask_zero=True), L.LSTM(3, return_sequences=True),
                                               L.TimeDistributed(L.Dense(1))],
     lambda: (_padded_ids()[0], rng(14).normal(size=(48, 7, 1))),
     lambda O: dict(optimizer=O.SGD(learning_rate=0.1), loss="mse"), dict(epochs=2, batch_size=16)),
    # the mask also weighs the metrics (mean metrics count real steps only), the validation loss (per batch of
    # validation data) and the sample weights (times the mask). No weighted_metrics with sample weights under a
    # mask: Keras 3.15.1's loss multiplies the batch's sample_weight tensor in place by the mask's total/valid
    # weights (keras/src/losses/loss.py apply_mask, `sample_weight *= float_mask`), which then leak into the
    # weighted metrics of evaluate; dlcore weighs them by sample_weight * mask, as Keras means to.
    ("masked-sequence-output-metrics-validation", lambda L: [L.Embedding(9, 4, mask_zero=True),
                                                             L.GRU(3, return_sequences=True),
                                                             L.TimeDistributed(L.Dense(1, activation="sigmoid"))],
     lambda: (_padded_ids()[0], (rng(15).random(size=(48, 7, 1)) > 0.5).astype(float)),
     lambda O: dict(optimizer=O.Adam(learning_rate=0.05), loss="binary_crossentropy", metrics=["accuracy", "mae"]),
     dict(epochs=2, batch_size=10, validation_split=0.25, validation_batch_size=5,
          sample_weight=rng(16).uniform(0.5, 2.0, size=(48, 7)))),  # Keras 3.15.1 needs one weight per step
    ("masked-sequence-output-sparse", lambda L: [L.Embedding(9, 4, mask_zero=True), L.LSTM(3, return_sequences=True),
                                                 L.Dense(4, activation="softmax")],
     lambda: (_padded_ids()[0], rng(17).integers(0, 4, size=(48, 7))),
     lambda O: dict(optimizer=O.SGD(learning_rate=0.5), loss="sparse_categorical_crossentropy",
                    metrics=["accuracy"]), dict(epochs=2, batch_size=16)),
]


def reg(L, factor):
    """An L2 penalty, from the library that builds the layer."""
    return (keras.regularizers if L is keras.layers else dlcore.regularizers).L2(factor)


def l1_l2(L, l1, l2):
    """An L1 + L2 penalty, from the library that builds the layer."""
    return (keras.regularizers if L is keras.layers else dlcore.regularizers).L1L2(l1=l1, l2=l2)


def dl_or_keras_loss(O, cls, from_logits):
    lib = keras.losses if O is keras.optimizers else dl_losses
    return getattr(lib, cls)(from_logits=from_logits)


@pytest.mark.parametrize("case_id,build,data,compile_kw,fit_kw,callbacks",
                         [_case(c[0], *c, *([None] * (6 - len(c)))) for c in FIT_CASES])
def test_fit_history_matches_keras(case_id, build, data, compile_kw, fit_kw, callbacks, monkeypatch):
    from collections import defaultdict

    from keras.src.utils.naming import reset_uids
    reset_uids()  # default names (auc, auc_1, ...) counted from zero in both libraries
    monkeypatch.setattr(dlcore.layers.base, "_name_counts", defaultdict(int))
    x, y = data()
    kmodel = keras.Sequential([keras.Input(shape=x.shape[1:]), *build(keras.layers)])
    dlcore.set_seed(0)
    dmodel = dlcore.Sequential([dlcore.layers.Input(shape=x.shape[1:]), *build(dl_layers)])
    dmodel.build(x.shape[1:], dtype=np.float64)
    for kl, dl in zip(kmodel.layers, dmodel.layers):
        kr.copy_weights(kl, dl)
    kmodel.compile(**compile_kw(keras.optimizers))
    dmodel.compile(**compile_kw(dl_optimizers))
    if callbacks is not None:
        fit_kw = dict(fit_kw)
        kh = kmodel.fit(x, y, shuffle=False, verbose=0, callbacks=callbacks(keras.callbacks), **fit_kw).history
        dh = dmodel.fit(x, y, shuffle=False, verbose=0, callbacks=callbacks(dlcore.callbacks), **fit_kw).history
    else:
        kh = kmodel.fit(x, y, shuffle=False, verbose=0, **fit_kw).history
        dh = dmodel.fit(x, y, shuffle=False, verbose=0, **fit_kw).history
    assert len(dh["loss"]) == len(kh["loss"]), f"epochs run: Keras {len(kh['loss'])}, dlcore {len(dh['loss'])}"
    assert set(kh) == set(dh), f"history keys: Keras {sorted(kh)}, dlcore {sorted(dh)}"
    for key in kh:
        close(dh[key], kh[key], f"{case_id}: history[{key!r}] per epoch", rtol=1e-8, atol=1e-10)
    for kw, dw in zip(kmodel.get_weights(), [w for layer in dmodel.layers for w in kr.dlcore_state(layer).values()]):
        close(dw, kw, f"{case_id}: weights after fit", rtol=1e-7, atol=1e-9)
    close(dmodel.predict(x), kr.numpy(kmodel.predict(x, verbose=0)), f"{case_id}: predict after fit", rtol=1e-7)


def test_functional_masked_branches_match_keras():
    """A padding mask through a functional model with branches and merges: Embedding(mask_zero=True) feeds
    an LSTM and a GRU (both use the mask), Concatenate and Add merge it, GlobalAveragePooling1D averages only
    the real steps. Outputs and one training step agree with Keras."""
    x, y = _padded_ids(n=12)

    def build(L, Input):
        layers = [L.Embedding(9, 4, mask_zero=True), L.LSTM(3, return_sequences=True),
                  L.GRU(2, return_sequences=True), L.Concatenate(), L.Dense(5), L.Add(), L.GlobalAveragePooling1D(),
                  L.Dense(1, activation="sigmoid")]
        emb, lstm, gru, concat, dense, add, pool, out = layers
        inputs = Input(shape=(x.shape[1],))
        e = emb(inputs)
        h = concat([lstm(e), gru(e)])
        return inputs, out(pool(add([dense(h), h]))), layers

    k_in, k_out, k_layers = build(keras.layers, keras.Input)
    kmodel = keras.Model(k_in, k_out)
    dlcore.set_seed(0)
    d_in, d_out, d_layers = build(dl_layers, dl_layers.Input)
    dmodel = dlcore.Model(d_in, d_out)
    d_layers[0].dtype = np.dtype(np.float64)
    d_layers[0].build((None, x.shape[1]), dtype=np.float64)
    for kl, dl in zip(k_layers, d_layers):
        kr.copy_weights(kl, dl)
    close(dmodel.predict(x), kr.numpy(kmodel.predict(x, verbose=0)), "masked functional model: predict")
    for model, O in ((kmodel, keras.optimizers), (dmodel, dl_optimizers)):
        model.compile(optimizer=O.SGD(learning_rate=0.5), loss="binary_crossentropy")
    kh = kmodel.fit(x, y, batch_size=len(x), shuffle=False, verbose=0).history
    dh = dmodel.fit(x, y, batch_size=len(x), shuffle=False, verbose=0).history
    close(dh["loss"], kh["loss"], "masked functional model: loss")
    close(dmodel.predict(x), kr.numpy(kmodel.predict(x, verbose=0)), "masked functional model: predict after a step")


def test_masked_sequence_output_evaluate_and_batches_match_keras():
    """Loss and metrics of a masked sequence output in evaluate (Keras' default batches of 32: each batch's real
    steps set its weights), train_on_batch and test_on_batch, with and without sample_weight."""
    x, _ = _padded_ids()
    y = rng(18).normal(size=(48, 7, 2))
    w = rng(19).uniform(0.5, 2.0, size=(48, 7))  # one per step: with a mask, Keras 3.15.1 rejects shape (48,)

    def build(L):
        return [L.Embedding(9, 4, mask_zero=True), L.LSTM(3, return_sequences=True), L.Dense(2)]

    kmodel = keras.Sequential([keras.Input(shape=x.shape[1:]), *build(keras.layers)])
    dlcore.set_seed(0)
    dmodel = dlcore.Sequential([dlcore.layers.Input(shape=x.shape[1:]), *build(dl_layers)])
    dmodel.build(x.shape[1:], dtype=np.float64)
    for kl, dl in zip(kmodel.layers, dmodel.layers):
        kr.copy_weights(kl, dl)
    for model, O in ((kmodel, keras.optimizers), (dmodel, dl_optimizers)):
        model.compile(optimizer=O.SGD(learning_rate=0.3), loss="mse", metrics=["mae"])  # weighted: see FIT_CASES
    for kw in ({}, {"sample_weight": w}, {"batch_size": 7, "sample_weight": w}):
        kcopy = {k: np.copy(v) if k == "sample_weight" else v for k, v in kw.items()}  # Keras may write to w
        kresult = kmodel.evaluate(x, y, verbose=0, **kcopy)
        close(dmodel.evaluate(x, y, verbose=0, **kw), kresult, f"evaluate {sorted(kw)}")
    for weights in (None, w[:20]):
        kb = kmodel.train_on_batch(x[:20], y[:20], sample_weight=None if weights is None else weights.copy(),
                                   return_dict=True)
        db = dmodel.train_on_batch(x[:20], y[:20], sample_weight=weights, return_dict=True)
        assert set(db) == set(kb)
        close([db[k] for k in kb], [float(v) for v in kb.values()], f"train_on_batch (weights: {weights is not None})")
        kb = kmodel.test_on_batch(x[20:], y[20:], sample_weight=None if weights is None else w[20:].copy())
        db = dmodel.test_on_batch(x[20:], y[20:], sample_weight=None if weights is None else w[20:])
        close(db, kb, f"test_on_batch (weights: {weights is not None})")
    close(dmodel.predict(x), kr.numpy(kmodel.predict(x, verbose=0)), "predict after the batches")


def _initializers(L):
    return keras.initializers if L is keras.layers else dlcore.initializers


DETERMINISTIC = dict(kernel_initializer="ones", recurrent_initializer="zeros")  # the cases' other weights


@pytest.mark.parametrize("build", [
    lambda L: L.SimpleRNN(3, kernel_initializer="ones", recurrent_initializer=_initializers(L).Constant(-0.5),
                          bias_initializer=_initializers(L).Constant(0.25)),
    lambda L: L.LSTM(3, kernel_initializer="zeros", recurrent_initializer="ones",
                     bias_initializer=_initializers(L).Constant(0.25)),  # unit_forget_bias: the f block is 1
    lambda L: L.LSTM(3, bias_initializer=_initializers(L).Constant(0.25), unit_forget_bias=False, **DETERMINISTIC),
    lambda L: L.LSTM(3, bias_initializer="ones", use_bias=False, **DETERMINISTIC),
    lambda L: L.GRU(3, kernel_initializer=_initializers(L).Constant(0.5), recurrent_initializer="ones",
                    bias_initializer="ones"),  # one call for the whole (2, 3 units) bias
    lambda L: L.GRU(3, bias_initializer=_initializers(L).Constant(-1.0), reset_after=False, **DETERMINISTIC),
], ids=["SimpleRNN", "LSTM-unit_forget_bias", "LSTM-no-unit_forget_bias", "LSTM-no-bias", "GRU", "GRU-reset_before"])
def test_recurrent_initial_weights_match_keras(build):
    """Deterministic initializers, by name and by object: the same weights as Keras' before any copying."""
    x = rng(3).normal(size=(2, 4, 2))
    klayer, dlayer = build(keras.layers), build(dl_layers)
    klayer(kr.tensor(x))
    dlayer.forward(x)
    theirs, ours = [kr.numpy(w) for w in klayer.weights], dlayer.get_weights()
    assert [w.shape for w in ours] == [w.shape for w in theirs]
    for k, d in zip(theirs, ours):
        np.testing.assert_array_equal(d, k)


def test_frozen_sequential_matches_keras():
    """``Sequential(layers, trainable=False)``: no trainable weights, all of them non-trainable, fit changes none."""
    x, y = rng(14).normal(size=(20, 3)), rng(15).normal(size=(20, 1))
    models = []
    for lib, L in ((keras, keras.layers), (dlcore, dl_layers)):
        model = lib.Sequential([L.Input(shape=(3,)), L.Dense(4, activation="tanh"), L.Dense(1)], trainable=False)
        model.add(L.Dense(2))  # added after the model was frozen: frozen too
        model.compile(optimizer="sgd", loss="mse")
        before = [np.array(w) for w in model.get_weights()]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Keras warns that the model has no trainable weights
            model.fit(x, np.hstack([y, y]), epochs=1, verbose=0)
        for a, b in zip(before, model.get_weights()):
            close(b, a, f"{lib.__name__}: a frozen model's weights after fit")
        models.append(model)
    kmodel, dmodel = models
    assert dmodel.trainable is kmodel.trainable is False
    assert len(dmodel.trainable_weights) == len(kmodel.trainable_weights) == 0
    assert len(dmodel.non_trainable_weights) == len(kmodel.non_trainable_weights) == 6


# ============================================================================ every Keras name is covered
def _public(module):
    return {n for n in getattr(module, "__all__", dir(module)) if not n.startswith("_")}


def test_every_dlcore_layer_with_a_keras_twin_has_a_case():
    twins = {n for n in _public(dl_layers) if hasattr(keras.layers, n)} - {"Input", "Layer"}
    covered = {c[1] for c in LAYER_CASES} | {"Dropout", "Normalization"}
    assert twins <= covered, f"dlcore layers with a Keras twin but no parity case: {sorted(twins - covered)}"


def test_every_dlcore_optimizer_with_a_keras_twin_has_a_case():
    twins = {n for n in _public(dl_optimizers) if hasattr(keras.optimizers, n) and n[0].isupper()} - {"Optimizer"}
    covered = {c[1] for c in OPTIMIZER_CASES}
    assert twins <= covered, f"dlcore optimizers with a Keras twin but no parity case: {sorted(twins - covered)}"


def test_every_dlcore_metric_with_a_keras_twin_has_a_case():
    twins = {n for n in _public(dl_metrics) if hasattr(keras.metrics, n)} - {"Metric", "get"}
    covered = {c[1] for c in METRIC_CASES} | {"MeanMetricWrapper"}  # the function cases run through it
    assert twins <= covered, f"dlcore metrics with a Keras twin but no parity case: {sorted(twins - covered)}"


def test_every_dlcore_loss_with_a_keras_twin_has_a_case():
    twins = {n for n in _public(dl_losses) if hasattr(keras.losses, n)} - {"Loss", "get", "serialize", "deserialize"}
    covered = {c[1] for c in LOSS_CASES} | {c[2] for c in LOSS_CASES}
    assert twins <= covered, f"dlcore losses with a Keras twin but no parity case: {sorted(twins - covered)}"


def _two_in_two_out(L, Input):
    """Inputs a (3 features) and b (2) -> a shared tanh layer -> y1 (regression) and y2 (sigmoid)."""
    a, b = Input(shape=(3,), name="a"), Input(shape=(2,), name="b")
    layers = [L.Dense(4, activation="tanh"), L.Dense(1, name="y1"), L.Dense(1, activation="sigmoid", name="y2")]
    h = layers[0](L.Concatenate()([a, b]))
    return [a, b], [layers[1](h), layers[2](h)], layers


MULTI_OUTPUT_CASES = [
    ("lists-loss-weights", dict(loss=["mse", "binary_crossentropy"], loss_weights=[1.0, 0.5],
                                metrics=[["mae"], ["accuracy"]]), dict(validation_split=0.25)),
    ("dicts-weighted-metrics", dict(loss={"y2": "binary_crossentropy", "y1": "mse"},
                                    loss_weights={"y1": 2.0, "y2": 1.0}, metrics={"y1": ["mae", "mse"]},
                                    weighted_metrics={"y2": ["accuracy"]}),
     dict(sample_weight=rng(21).uniform(0.5, 2.0, size=40))),
    ("one-loss-for-both", dict(loss="mse", metrics=["mae", "mae"]), dict(validation_split=0.2, batch_size=7)),
]


@pytest.mark.parametrize("case_id,compile_kw,fit_kw", MULTI_OUTPUT_CASES, ids=[c[0] for c in MULTI_OUTPUT_CASES])
def test_two_input_two_output_fit_history_and_evaluate_match_keras(case_id, compile_kw, fit_kw):
    r = rng(20)
    x = [r.normal(size=(40, 3)), r.normal(size=(40, 2))]
    y = [r.normal(size=(40, 1)), (r.random(size=(40, 1)) > 0.5).astype(float)]
    k_in, k_out, k_layers = _two_in_two_out(keras.layers, keras.Input)
    kmodel = keras.Model(k_in, k_out)
    dlcore.set_seed(0)
    d_in, d_out, d_layers = _two_in_two_out(dl_layers, dl_layers.Input)
    dmodel = dlcore.Model(d_in, d_out)
    for layer, fan_in in zip(d_layers, (5, 4, 4)):
        layer.build((None, fan_in), dtype=np.float64)
    for kl, dl in zip(k_layers, d_layers):
        kr.copy_weights(kl, dl)
    kmodel.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), **compile_kw)
    dmodel.compile(optimizer=dl_optimizers.SGD(learning_rate=0.1), **compile_kw)
    fit_kw = dict(dict(epochs=3, batch_size=16), **fit_kw)
    kh = kmodel.fit(x, y, shuffle=False, verbose=0, **fit_kw).history
    dh = dmodel.fit(x, y, shuffle=False, verbose=0, **fit_kw).history
    assert set(kh) == set(dh), f"history keys: Keras {sorted(kh)}, dlcore {sorted(dh)}"
    for key in kh:
        close(dh[key], kh[key], f"{case_id}: history[{key!r}] per epoch", rtol=1e-8, atol=1e-10)
    for got, want in zip(dmodel.predict(x), kmodel.predict(x, verbose=0)):
        close(got, kr.numpy(want), f"{case_id}: predict after fit", rtol=1e-7)
    w = rng(22).uniform(0.5, 2.0, size=40)
    k_eval = kmodel.evaluate(x, y, sample_weight=w, verbose=0, return_dict=True)
    d_eval = dmodel.evaluate(x, y, sample_weight=w, return_dict=True)
    assert set(k_eval) == set(d_eval)
    for key in k_eval:
        close(d_eval[key], k_eval[key], f"{case_id}: evaluate[{key!r}]", rtol=1e-10)
    close(dmodel.evaluate(x, y), kmodel.evaluate(x, y, verbose=0), f"{case_id}: evaluate's list", rtol=1e-10)
