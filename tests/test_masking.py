"""Padding masks travel through models as in Keras: ``Embedding(mask_zero=True)`` or ``Masking`` makes
the mask, recurrent layers / ``GlobalAveragePooling1D`` / attention use it, ``Dense`` / ``Dropout`` /
``TimeDistributed`` pass it on, and layers that drop the time axis end it.

The definition of masking is the test: a zero-padded batch gives, sample by sample, what the unpadded
sequences give alone, forward and backward (weight gradients), in ``Sequential`` and functional models.
"""

from __future__ import annotations

import numpy as np
import pytest

from dlcore import Model, Sequential
from dlcore.gradcheck import check_model
from dlcore.layers import (
    GRU,
    LSTM,
    Add,
    Bidirectional,
    Concatenate,
    Dense,
    Dropout,
    Embedding,
    Flatten,
    GlobalAveragePooling1D,
    Input,
    Masking,
    MultiHeadAttention,
    SimpleRNN,
    TimeDistributed,
)

VOCAB = 9
SEQS = [[3, 1, 4, 1, 5], [2, 6], [5, 3, 5, 8], [7]]  # lengths 5, 2, 4, 1; id 0 is padding


def padded(seqs, length=6, pre=False):
    """The sequences zero-padded to ``length`` (after them, or before with ``pre=True``)."""
    out = np.zeros((len(seqs), length), dtype=np.int64)
    for i, s in enumerate(seqs):
        if pre:
            out[i, length - len(s):] = s
        else:
            out[i, :len(s)] = s
    return out


def _head(kind):
    """Layers after the embedding: each consumes the mask in its own way."""
    return {
        "LSTM": lambda: [LSTM(4), Dense(2, activation="tanh")],
        "GRU": lambda: [GRU(4), Dense(2)],
        "SimpleRNN": lambda: [SimpleRNN(4), Dense(2)],
        "LSTM-go_backwards": lambda: [LSTM(3, go_backwards=True), Dense(2)],
        "Bidirectional-LSTM": lambda: [Bidirectional(LSTM(3)), Dense(2)],
        "Bidirectional-GRU-seq-pool": lambda: [Bidirectional(GRU(3, return_sequences=True)),
                                               GlobalAveragePooling1D(), Dense(2)],
        # Dense, Dropout and TimeDistributed pass the mask on to the pooling / the second LSTM
        "LSTM-seq-Dense-pool": lambda: [LSTM(4, return_sequences=True), Dense(3, activation="tanh"), Dropout(0.5),
                                        GlobalAveragePooling1D(), Dense(2)],
        "stacked-LSTM": lambda: [LSTM(4, return_sequences=True), TimeDistributed(Dense(3)), LSTM(3), Dense(2)],
        "GRU-seq-attention-pool": lambda: [GRU(4, return_sequences=True), MultiHeadAttention(num_heads=2, key_dim=2),
                                           GlobalAveragePooling1D(), Dense(2)],
    }[kind]()


KINDS = ["LSTM", "GRU", "SimpleRNN", "LSTM-go_backwards", "Bidirectional-LSTM", "Bidirectional-GRU-seq-pool",
         "LSTM-seq-Dense-pool", "stacked-LSTM", "GRU-seq-attention-pool"]


def _sequential(kind, seed=0):
    import dlcore
    dlcore.set_seed(seed)
    model = Sequential([Input((None,)), Embedding(VOCAB, 3, mask_zero=True, dtype=np.float64), *_head(kind)])
    model.compile(loss="mse", optimizer="sgd")
    return model


def _functional(kind, seed=0):
    import dlcore
    dlcore.set_seed(seed)
    inputs = Input((None,))
    h = Embedding(VOCAB, 3, mask_zero=True, dtype=np.float64)(inputs)
    for layer in _head(kind):
        h = layer(h)
    model = Model(inputs, h)
    model.compile(loss="mse", optimizer="sgd")
    return model


def _weight_grads(model, x, y):
    model.compute_loss(x, y)
    model.backpropagate()
    return [g.copy() for layer in model.layers for g in layer.grads.values()]


@pytest.mark.parametrize("build", [_sequential, _functional], ids=["Sequential", "functional"])
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("pre", [False, True], ids=["post-padding", "pre-padding"])
def test_padded_batch_equals_each_sequence_alone(kind, build, pre):
    model = build(kind)
    x = padded(SEQS, pre=pre)
    y = np.random.default_rng(0).normal(size=(len(SEQS), 2))
    out = model.predict(x)
    alone = np.concatenate([model.predict(np.array([s])) for s in SEQS])
    np.testing.assert_allclose(out, alone, rtol=1e-12, atol=1e-12)
    # backward: the batch loss is the mean of the samples' losses, so its gradients are the mean of theirs
    batch = _weight_grads(model, x, y)
    per_sample = [_weight_grads(model, np.array([s]), y[i:i + 1]) for i, s in enumerate(SEQS)]
    for k, g in enumerate(batch):
        np.testing.assert_allclose(g, np.mean([p[k] for p in per_sample], axis=0), rtol=1e-10, atol=1e-13)


def test_without_mask_zero_padding_changes_the_result():
    """The test above can fail: without the mask, the padding is read as tokens."""
    import dlcore
    dlcore.set_seed(0)
    model = Sequential([Input((None,)), Embedding(VOCAB, 3, dtype=np.float64), LSTM(4)])
    alone = np.concatenate([model.predict(np.array([s])) for s in SEQS])
    assert not np.allclose(model.predict(padded(SEQS)), alone, atol=1e-6)


def test_padding_tokens_get_no_gradient():
    model = _sequential("Bidirectional-GRU-seq-pool")
    emb = model.layers[0]
    model.compute_loss(padded(SEQS), np.ones((len(SEQS), 2)))
    model.backpropagate()
    np.testing.assert_array_equal(emb.grads["embeddings"][0], 0.0)  # id 0 occurs only as padding
    assert np.all(np.abs(emb.grads["embeddings"][[1, 3, 5]]).sum(axis=1) > 0)


@pytest.mark.parametrize("kind", ["LSTM", "Bidirectional-GRU-seq-pool", "LSTM-seq-Dense-pool",
                                  "GRU-seq-attention-pool"])
def test_masked_model_gradients_match_numerical(kind):
    model = _sequential(kind, seed=1)
    # Keras' small initial embeddings make attention almost uniform: its query/key gradients would be
    # ~1e-10, all round-off; larger vectors give gradients worth checking
    x, y = padded(SEQS), np.random.default_rng(1).normal(size=(len(SEQS), 2))
    model.predict(x)  # builds the layers
    model.layers[0].params["embeddings"] *= 20
    errors = check_model(model, x, y)
    assert max(errors.values()) < 1e-6, errors


def test_mask_propagation_rules_follow_keras():
    mask = np.array([[True, True, False]])
    x = np.ones((1, 3, 2))
    assert Embedding(5, 2, mask_zero=True).compute_mask(np.array([[1, 2, 0]])).tolist() == mask.tolist()
    assert Embedding(5, 2).compute_mask(np.array([[1, 2, 0]])) is None
    for passes in (Dense(2), Dropout(0.2), TimeDistributed(Dense(2)), LSTM(2, return_sequences=True),
                   Bidirectional(GRU(2, return_sequences=True)), MultiHeadAttention(num_heads=1, key_dim=2)):
        assert passes.compute_mask(x, mask) is mask, passes
    for ends in (LSTM(2), Bidirectional(GRU(2)), GlobalAveragePooling1D(), Flatten()):
        assert ends.compute_mask(x, mask) is None, ends


def test_masking_layer_marks_all_mask_value_steps():
    x = np.array([[[1.0, 0.0], [0.0, 0.0], [2.0, 3.0]], [[-1.0, -1.0], [0.5, -1.0], [-1.0, -1.0]]])
    np.testing.assert_array_equal(Masking().compute_mask(x), [[True, False, True], [True, True, True]])
    layer = Masking(mask_value=-1.0)
    np.testing.assert_array_equal(layer.compute_mask(x), [[True, True, True], [False, True, False]])
    out = layer.forward(x)
    np.testing.assert_array_equal(out[1], [[0.0, 0.0], [0.5, -1.0], [0.0, 0.0]])
    # the output is x or 0 step by step, so the gradient passes or stops (no finite differences here:
    # nudging a padding value unmasks its step)
    np.testing.assert_array_equal(layer.backward(np.ones_like(x))[1], [[0, 0], [1, 1], [0, 0]])


def test_masking_layer_in_a_model_equals_the_unpadded_sequences():
    import dlcore
    dlcore.set_seed(3)
    rng = np.random.default_rng(3)
    lengths = [4, 2, 3]
    seqs = [rng.normal(size=(n, 2)) for n in lengths]
    x = np.zeros((3, 5, 2))
    for i, s in enumerate(seqs):
        x[i, :len(s)] = s
    model = Sequential([Input((None, 2)), Masking(), LSTM(3, return_sequences=True), GlobalAveragePooling1D()])
    alone = np.concatenate([model.predict(s[None]) for s in seqs])
    np.testing.assert_allclose(model.predict(x), alone, rtol=1e-12, atol=1e-12)


def test_merge_layers_combine_masks_as_keras():
    a, b = np.array([[True, False, False]]), np.array([[False, True, False]])
    x = [np.ones((1, 3, 2)), np.ones((1, 3, 4))]
    assert Add().compute_mask(x, [a, b]).tolist() == [[True, True, False]]
    assert Add().compute_mask(x, [a, None]) is None
    assert Concatenate().compute_mask(x, [a, b]).tolist() == [[True, True, False]]
    assert Concatenate().compute_mask(x, [a, None]).tolist() == [[True, True, True]]  # no mask: all real
    assert Concatenate(axis=1).compute_mask(x[:1] * 2, [a, b]).tolist() == [[True, False, False, False, True, False]]
    assert Concatenate().compute_mask(x, None) is None


def test_functional_branches_carry_the_mask_to_both_paths():
    """Two recurrent branches read the same masked embedding and are concatenated."""
    import dlcore
    dlcore.set_seed(4)
    inputs = Input((None,))
    e = Embedding(VOCAB, 3, mask_zero=True, dtype=np.float64)(inputs)
    h = Concatenate()([LSTM(3)(e), GRU(2)(e)])
    model = Model(inputs, Dense(1)(h))
    alone = np.concatenate([model.predict(np.array([s])) for s in SEQS])
    np.testing.assert_allclose(model.predict(padded(SEQS)), alone, rtol=1e-12, atol=1e-12)


def test_input_accepts_free_sizes_for_variable_length_sequences():
    assert Input((None,)).shape == (None,) and Input((None, 3)).shape == (None, 3)
    for bad in ((0,), (-2, 3), (2.5,)):
        with pytest.raises(ValueError, match="positive ints or None"):
            Input(bad)
    model = Sequential([Input((None, 3)), LSTM(2)])
    assert model.predict(np.ones((2, 4, 3))).shape == model.predict(np.ones((2, 7, 3))).shape == (2, 2)
    with pytest.raises(ValueError, match="declared input shape"):
        model.predict(np.ones((2, 4, 5)))


# ----- the loss and the metrics of a masked sequence output -----------------------------------------------
def _sequence_output_model(seed=5, loss="mse", metrics=None):
    """Embedding(mask_zero=True) -> LSTM(return_sequences=True) -> TimeDistributed(Dense): the output keeps the mask."""
    import dlcore
    dlcore.set_seed(seed)
    model = Sequential([Input((6,)), Embedding(VOCAB, 3, mask_zero=True), LSTM(3, return_sequences=True),
                        TimeDistributed(Dense(2))])
    model.build(dtype=np.float64)
    model.layers[0].params["embeddings"] *= 20  # larger vectors: gradients well above round-off
    model.compile(optimizer="sgd", loss=loss, metrics=metrics)
    return model


def test_masked_sequence_output_loss_averages_the_real_steps_only():
    model = _sequence_output_model()
    x = padded(SEQS)
    y = np.random.default_rng(5).normal(size=(len(SEQS), 6, 2))
    w = np.array([1.0, 2.0, 0.5, 3.0])
    out = model.predict(x)
    real = x != 0
    step_loss = ((out - y) ** 2).mean(axis=-1)  # (batch, steps): mse of each step
    by_hand = step_loss[real].sum() / real.sum()
    np.testing.assert_allclose(model.compute_loss(x, y), by_hand, rtol=1e-12)
    np.testing.assert_allclose(model.evaluate(x, y, verbose=0), by_hand, rtol=1e-12)
    # sample weights multiply their sample's steps; the division stays by the number of real steps (Keras)
    weighted = (step_loss * w[:, None])[real].sum() / real.sum()
    np.testing.assert_allclose(model.compute_loss(x, y, sample_weight=w), weighted, rtol=1e-12)
    np.testing.assert_allclose(model.evaluate(x, y, sample_weight=w, verbose=0), weighted, rtol=1e-12)
    # what sits at the padded steps of y does not matter
    y_noisy = np.where(real[..., None], y, 99.0)
    np.testing.assert_allclose(model.evaluate(x, y_noisy, verbose=0), by_hand, rtol=1e-12)


def test_masked_sequence_output_metrics_count_the_real_steps():
    model = _sequence_output_model(loss="mse", metrics=["mae"])
    x = padded(SEQS)
    y = np.random.default_rng(6).normal(size=(len(SEQS), 6, 2))
    out = model.predict(x)
    real = x != 0
    mae = np.abs(out - y).mean(axis=-1)[real].mean()
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    np.testing.assert_allclose(logs["mae"], mae, rtol=1e-12)
    logs = model.train_on_batch(x, y, return_dict=True)
    np.testing.assert_allclose(logs["mae"], mae, rtol=1e-12)  # measured on the outputs before the update


def test_masked_sequence_output_gradients_match_numerical():
    model = _sequence_output_model(seed=7)
    x = padded(SEQS)
    y = np.random.default_rng(7).normal(size=(len(SEQS), 6, 2))
    errors = check_model(model, x, y)
    assert max(errors.values()) < 1e-6, errors
    # a padded step's output gets no gradient, so its target does not move any weight
    model.compute_loss(x, y)
    model.backpropagate()
    dense_grads = {k: g.copy() for k, g in model.layers[2].grads.items()}
    model.compute_loss(x, np.where((x != 0)[..., None], y, -50.0))
    model.backpropagate()
    for k, g in model.layers[2].grads.items():
        np.testing.assert_allclose(g, dense_grads[k], rtol=1e-12, atol=1e-15)


def test_fully_padded_batch_has_zero_loss():
    model = _sequence_output_model()
    assert model.compute_loss(np.zeros((2, 6), dtype=np.int64), np.ones((2, 6, 2))) == 0.0
