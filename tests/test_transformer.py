"""Tests of dlcore.layers.transformer: the pre-LN TransformerBlock and its live, prefixed params/grads."""

import numpy as np
import pytest

from dlcore.gradcheck import check_layer
from dlcore.layers.attention import MultiHeadAttention
from dlcore.layers.transformer import TransformerBlock
from dlcore.random import set_seed

TOL = 1e-6
NAMES = {"ln_1/gamma", "ln_1/beta", "ln_2/gamma", "ln_2/beta", "ffn_1/kernel", "ffn_1/bias", "ffn_2/kernel",
         "ffn_2/bias", *(f"attention/{p}_{w}" for p in ("query", "key", "value", "output") for w in ("kernel", "bias"))}


def _randn(*shape, seed=0):
    return np.random.default_rng(seed + 1000).standard_normal(shape)  # never set_seed(seed)'s stream


def _block(f=4, seed=0, **kw):
    set_seed(seed)
    block = TransformerBlock(kw.pop("num_heads", 2), kw.pop("key_dim", 3), kw.pop("ff_dim", 6), **kw)
    block.build((None, None, f), np.float64)
    rng = np.random.default_rng(seed + 2000)
    for name, p in block.params.items():  # perturb biases/gamma/beta so every gradient is exercised
        if not name.endswith("kernel"):
            p += rng.standard_normal(p.shape) * 0.2
    return block


def test_params_are_the_sublayers_arrays_under_prefixed_names():
    block = TransformerBlock(2, 3, 8)
    assert len(block.params) == 0 and not block.built
    block.build((None, None, 5))  # as Sequential.summary does, before any data
    assert set(block.params) == NAMES
    assert block.params["attention/query_kernel"] is block.attention.params["query_kernel"]
    assert block.params["ffn_1/kernel"] is block.ffn_1.params["kernel"]
    assert block.params["ffn_1/kernel"].shape == (5, 8) and block.params["ffn_2/kernel"].shape == (8, 5)
    assert block.params["ln_2/gamma"] is block.ln_2.params["gamma"]
    mha = MultiHeadAttention(2, 3)
    mha.build((None, None, 5))
    assert block.count_params() == mha.count_params() + 2 * 2 * 5 + (5 * 8 + 8) + (8 * 5 + 5)
    assert block.compute_output_shape((None, 7, 5)) == (None, 7, 5)
    assert block.count_non_trainable() == 0


def test_in_place_updates_and_replacements_reach_the_sublayers():
    block = _block(seed=1)
    x = _randn(2, 3, 4, seed=1)
    y = block.forward(x)
    block.backward(np.ones_like(y))
    assert set(block.grads) == NAMES
    assert block.grads["ffn_2/bias"] is block.ffn_2.grads["bias"]
    np.testing.assert_allclose(block.grads["ffn_2/bias"], 6.0)  # d(sum y)/d(bias) = batch * time
    block.params["ffn_2/bias"] -= 0.5  # what an optimizer does: in place
    np.testing.assert_allclose(block.forward(x), y - 0.5, rtol=1e-12)
    new = np.zeros_like(block.params["ffn_2/bias"])
    block.params["ffn_2/bias"] = new  # replacing an entry replaces it in the sublayer
    assert block.ffn_2.params["bias"] is new
    with pytest.raises(KeyError):
        block.params["nope/kernel"]


def test_pre_ln_residual_structure():
    # with both sublayer outputs zeroed, a pre-LN block is the identity (post-LN would return LN(x))
    block = _block(seed=2)
    for name in ("attention/output_kernel", "attention/output_bias", "ffn_2/kernel", "ffn_2/bias"):
        block.params[name][...] = 0
    x = _randn(2, 5, 4, seed=2)
    np.testing.assert_array_equal(block.forward(x), x)
    # and with only the FFN zeroed, it is x + MHA(LN1(x))
    block2 = _block(seed=3)
    block2.params["ffn_2/kernel"][...] = 0
    block2.params["ffn_2/bias"][...] = 0
    expected = x + block2.attention.forward(block2.ln_1.forward(x))
    np.testing.assert_allclose(block2.forward(x), expected, rtol=1e-12)


@pytest.mark.parametrize("causal", [False, True])
@pytest.mark.parametrize("padding", [False, True])
def test_gradient_check(causal, padding):
    block = _block(seed=4, causal=causal)
    x = _randn(2, 4, 4, seed=4)
    mask = np.array([[1, 1, 1, 0], [1, 1, 1, 1]], dtype=bool) if padding else None
    forward = block.forward
    block.forward = lambda x, training=False: forward(x, training, mask=mask)
    errors = check_layer(block, x)
    errors.pop("attention/key_bias")  # its true gradient is exactly 0 (softmax is shift invariant)
    assert np.abs(block.grads["attention/key_bias"]).max() < 1e-12
    assert max(errors.values()) < TOL, errors


def test_gradient_check_training_with_dropout_and_frozen_masks():
    block = _block(seed=5, dropout=0.3)
    x = _randn(3, 4, 4, seed=5)
    a = block.forward(x, training=True)
    assert not np.array_equal(block.forward(x, training=True), a)  # fresh masks every step
    block.dropout_1.freeze_mask()
    block.dropout_2.freeze_mask()
    errors = check_layer(block, x, training=True)
    errors.pop("attention/key_bias")
    assert max(errors.values()) < TOL, errors


def test_causal_block_ignores_the_future_and_inference_is_deterministic():
    block = _block(f=6, seed=6, causal=True, dropout=0.5)
    x = _randn(2, 6, 6, seed=6)
    y = block.forward(x)
    np.testing.assert_array_equal(block.forward(x, training=False), y)  # dropout off at inference
    x2 = x.copy()
    x2[:, 3:] = _randn(2, 3, 6, seed=7)
    np.testing.assert_allclose(block.forward(x2)[:, :3], y[:, :3], rtol=1e-12)
    assert block.attention_scores.shape == (2, 2, 6, 6)
    np.testing.assert_array_equal(np.triu(block.attention_scores, k=1), 0)


def test_float32_dout_untouched_and_shape_errors():
    block = TransformerBlock(2, 4, 16, name="tb_test")
    x = _randn(2, 5, 8, seed=8).astype(np.float32)
    y = block.forward(x)
    assert y.dtype == np.float32 and y.shape == x.shape
    dout = np.ones_like(y)
    dx = block.backward(dout)
    np.testing.assert_array_equal(dout, 1)
    assert dx.dtype == np.float32
    with pytest.raises(ValueError, match=r"tb_test.*\(2, 5, 7\).*8"):
        block.forward(np.ones((2, 5, 7)))
    with pytest.raises(ValueError, match=r"tb_test.*\(2, 8\)"):
        block.forward(np.ones((2, 8)))
    with pytest.raises(ValueError, match="ff_dim"):
        TransformerBlock(2, 4, 0)
