"""Tests of dlcore.layers.attention: scaled dot-product attention and MultiHeadAttention."""

import numpy as np
import pytest

from dlcore.gradcheck import check_layer, numerical_gradient, rel_error
from dlcore.layers.attention import (
    MultiHeadAttention,
    scaled_dot_product_attention,
    scaled_dot_product_attention_backward,
)
from dlcore.random import set_seed

TOL = 1e-6


def _randn(*shape, seed=0):
    return np.random.default_rng(seed + 1000).standard_normal(shape)  # never set_seed(seed)'s stream


def _naive_attention(q, k, v, mask=None):
    """Loop-and-formula reference over one (Tq, d) @ (Tk, d) problem."""
    s = q @ k.T / np.sqrt(q.shape[-1])
    if mask is not None:
        s = np.where(mask, s, -1e300)
    w = np.exp(s - s.max(axis=-1, keepdims=True))
    w = w / w.sum(axis=-1, keepdims=True)
    return w @ v, w


# ----- the function -----------------------------------------------------------------------------
def test_sdpa_matches_the_formula_and_rows_sum_to_one():
    q, k, v = _randn(2, 3, 4, 5, seed=1), _randn(2, 3, 6, 5, seed=2), _randn(2, 3, 6, 7, seed=3)
    out, w = scaled_dot_product_attention(q, k, v)
    assert out.shape == (2, 3, 4, 7) and w.shape == (2, 3, 4, 6)
    np.testing.assert_allclose(w.sum(axis=-1), 1, rtol=1e-12)
    for i in range(2):
        for j in range(3):
            ref_out, ref_w = _naive_attention(q[i, j], k[i, j], v[i, j])
            np.testing.assert_allclose(out[i, j], ref_out, rtol=1e-10)
            np.testing.assert_allclose(w[i, j], ref_w, rtol=1e-10)


def test_sdpa_mask_gives_exact_zeros_and_a_fully_masked_row_gives_zeros_not_nan():
    q, k, v = _randn(4, 3, seed=4), _randn(5, 3, seed=5), _randn(5, 2, seed=6)
    mask = np.random.default_rng(7).random((4, 5)) > 0.4
    mask[2] = False  # query 2 may attend to nothing
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # no 0/0, no inf - inf
        out, w = scaled_dot_product_attention(q, k, v, mask)
    assert np.all(w[~mask] == 0)
    np.testing.assert_array_equal(w[2], 0)
    np.testing.assert_array_equal(out[2], 0)
    for i in (0, 1, 3):
        ref_out, ref_w = _naive_attention(q[i:i + 1], k[mask[i]], v[mask[i]])
        np.testing.assert_allclose(out[i], ref_out[0], rtol=1e-10)
        np.testing.assert_allclose(w[i, mask[i]], ref_w[0], rtol=1e-10)


def test_sdpa_is_stable_for_huge_scores():
    q, k, v = _randn(3, 4, seed=8) * 1e4, _randn(3, 4, seed=9) * 1e4, _randn(3, 2, seed=10)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        out, w = scaled_dot_product_attention(q, k, v)
    assert np.all(np.isfinite(out))
    np.testing.assert_allclose(w.sum(axis=-1), 1)


@pytest.mark.parametrize("use_mask", [False, True])
def test_sdpa_backward_gradient_check(use_mask):
    q, k, v = _randn(2, 4, 3, seed=11), _randn(2, 5, 3, seed=12), _randn(2, 5, 2, seed=13)
    mask = (np.random.default_rng(14).random((2, 4, 5)) > 0.3) if use_mask else None
    if use_mask:
        mask[0, 1] = False
    r = _randn(2, 4, 2, seed=15)
    out, w = scaled_dot_product_attention(q, k, v, mask)
    dq, dk, dv = scaled_dot_product_attention_backward(r, q, k, v, w)

    def loss():
        return float(np.sum(scaled_dot_product_attention(q, k, v, mask)[0] * r))

    for analytic, arr in ((dq, q), (dk, k), (dv, v)):
        assert rel_error(analytic, numerical_gradient(loss, arr)) < TOL


@pytest.mark.parametrize("masked", [False, True])
def test_sdpa_matches_torch(masked):
    torch = pytest.importorskip("torch")
    q, k, v = _randn(2, 3, 5, 4, seed=16), _randn(2, 3, 6, 4, seed=17), _randn(2, 3, 6, 3, seed=18)
    mask = np.tril(np.ones((5, 6), dtype=bool)) if masked else None
    out, _ = scaled_dot_product_attention(q, k, v, mask)
    ref = torch.nn.functional.scaled_dot_product_attention(
        torch.from_numpy(q), torch.from_numpy(k), torch.from_numpy(v),
        attn_mask=None if mask is None else torch.from_numpy(mask))
    np.testing.assert_allclose(out, ref.numpy(), rtol=1e-10, atol=1e-12)


# ----- MultiHeadAttention ------------------------------------------------------------------------
def _mha(f=6, seed=0, **kw):
    set_seed(seed)
    if "dropout_seed" in kw:  # the layer's own seed (of its dropout masks)
        kw["seed"] = kw.pop("dropout_seed")
    layer = MultiHeadAttention(kw.pop("num_heads", 2), kw.pop("key_dim", 3), **kw)
    layer.build((None, None, f), np.float64)
    rng = np.random.default_rng(seed + 2000)
    for name in layer.params:  # non-zero biases, so their gradients are exercised
        if name.endswith("bias"):
            layer.params[name][...] = rng.standard_normal(layer.params[name].shape) * 0.3
    return layer


def test_mha_parameter_layouts_and_output_shape():
    layer = MultiHeadAttention(num_heads=4, key_dim=3, value_dim=5, output_shape=7)
    y = layer.forward(np.ones((2, 9, 6), dtype=np.float32))
    shapes = {k: v.shape for k, v in layer.params.items()}
    assert shapes == {"query_kernel": (6, 4, 3), "query_bias": (4, 3), "key_kernel": (6, 4, 3), "key_bias": (4, 3),
                      "value_kernel": (6, 4, 5), "value_bias": (4, 5), "output_kernel": (4, 5, 7),
                      "output_bias": (7,)}
    assert y.shape == (2, 9, 7) and y.dtype == np.float32
    assert layer.compute_output_shape((None, 9, 6)) == (None, 9, 7)
    assert layer.attention_scores.shape == (2, 4, 9, 9)
    assert MultiHeadAttention(2, 3).compute_output_shape((None, 5, 8)) == (None, 5, 8)
    no_bias = MultiHeadAttention(2, 3, use_bias=False)
    no_bias.build((None, 5, 8))
    assert set(no_bias.params) == {"query_kernel", "key_kernel", "value_kernel", "output_kernel"}
    assert no_bias.count_params() == 3 * 8 * 6 + 6 * 8


def _naive_mha(layer, x, mask=None):
    """Per-sample, per-head loops over the Keras formulas: a reference that shares no reshaping with the layer."""
    p = layer.params
    b, t, _ = x.shape
    out = np.zeros((b, t, p["output_kernel"].shape[-1]))
    for i in range(b):
        for h in range(layer.num_heads):
            q = x[i] @ p["query_kernel"][:, h] + p["query_bias"][h]
            k = x[i] @ p["key_kernel"][:, h] + p["key_bias"][h]
            v = x[i] @ p["value_kernel"][:, h] + p["value_bias"][h]
            o, _ = _naive_attention(q, k, v, None if mask is None else mask[i])
            out[i] += o @ p["output_kernel"][h]
    return out + p["output_bias"]


def test_mha_matches_naive_loops_with_and_without_mask():
    layer = _mha(f=5, num_heads=3, key_dim=2, value_dim=4)
    x = _randn(2, 4, 5, seed=20)
    np.testing.assert_allclose(layer.forward(x), _naive_mha(layer, x), rtol=1e-10)
    np.testing.assert_allclose(layer.attention_scores.sum(axis=-1), 1, rtol=1e-12)
    causal = np.broadcast_to(np.tril(np.ones((4, 4), dtype=bool)), (2, 4, 4))
    np.testing.assert_allclose(layer.forward(x, causal=True), _naive_mha(layer, x, causal), rtol=1e-10)
    np.testing.assert_allclose(layer.forward(x, mask=causal), _naive_mha(layer, x, causal), rtol=1e-10)


@pytest.mark.parametrize("mode", ["none", "causal", "padding", "padding+causal"])
def test_mha_gradient_check(mode):
    layer = _mha(f=4, seed=1, num_heads=2, key_dim=3, value_dim=2)
    x = _randn(2, 5, 4, seed=21)
    mask = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], dtype=bool) if "padding" in mode else None
    causal = "causal" in mode
    forward = layer.forward
    layer.forward = lambda x, training=False: forward(x, training, mask=mask, causal=causal)
    errors = check_layer(layer, x)
    # key_bias adds q . b_k to every score of a row: softmax ignores it, so its true gradient is exactly 0
    kb = errors.pop("key_bias")
    assert np.abs(layer.grads["key_bias"]).max() < 1e-12, kb
    assert max(errors.values()) < TOL, errors


def test_mha_permutation_equivariance():
    layer = _mha(seed=2)
    x = _randn(2, 6, 6, seed=22)
    perm = np.array([3, 0, 5, 1, 4, 2])
    y = layer.forward(x)
    np.testing.assert_allclose(layer.forward(x[:, perm]), y[:, perm], rtol=1e-10, atol=1e-12)
    assert not np.allclose(layer.forward(x[:, perm]), y)  # the output does change with the order


def test_mha_causal_output_ignores_the_future():
    layer = _mha(seed=3)
    x = _randn(2, 6, 6, seed=23)
    y = layer.forward(x, causal=True)
    np.testing.assert_allclose(np.triu(layer.attention_scores, k=1), 0)
    x2 = x.copy()
    x2[:, 4:] += _randn(2, 2, 6, seed=24)
    y2 = layer.forward(x2, causal=True)
    np.testing.assert_array_equal(y2[:, :4], y[:, :4])
    assert not np.allclose(y2[:, 4:], y[:, 4:])
    assert not np.allclose(layer.forward(x2)[:, :4], layer.forward(x)[:, :4])  # without the mask it would leak


def test_mha_padding_mask_hides_padding_keys():
    layer = _mha(seed=4)
    x = _randn(2, 5, 6, seed=25)
    mask = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 0]], dtype=bool)
    y = layer.forward(x, mask=mask)
    np.testing.assert_array_equal(layer.attention_scores[0, :, :, 3:], 0)
    np.testing.assert_array_equal(layer.attention_scores[1, :, :, 4:], 0)
    x2 = x.copy()
    x2[0, 3:] = 100.0
    x2[1, 4:] = -50.0
    np.testing.assert_allclose(layer.forward(x2, mask=mask)[0, :3], y[0, :3], rtol=1e-12)
    np.testing.assert_allclose(layer.forward(x2, mask=mask)[1, :4], y[1, :4], rtol=1e-12)
    # a sample with no real token: every query sees nothing, the output is the output bias, not NaN
    y0 = layer.forward(x, mask=np.array([[0] * 5, [1] * 5], dtype=bool))
    np.testing.assert_allclose(y0[0], np.broadcast_to(layer.params["output_bias"], (5, 6)))


def test_mha_matches_torch_multihead_attention():
    torch = pytest.importorskip("torch")
    layer = _mha(f=6, seed=5, num_heads=2, key_dim=3)
    x = _randn(2, 4, 6, seed=26)
    p = layer.params
    ref = torch.nn.MultiheadAttention(6, 2, batch_first=True, dtype=torch.float64)
    with torch.no_grad():  # torch computes x @ W.T, Keras-style kernels are x @ K: W = K.reshape(F, -1).T
        ref.in_proj_weight.copy_(torch.from_numpy(np.concatenate(
            [p[f"{n}_kernel"].reshape(6, 6).T for n in ("query", "key", "value")])))
        ref.in_proj_bias.copy_(torch.from_numpy(np.concatenate(
            [p[f"{n}_bias"].reshape(-1) for n in ("query", "key", "value")])))
        ref.out_proj.weight.copy_(torch.from_numpy(p["output_kernel"].reshape(6, 6).T.copy()))
        ref.out_proj.bias.copy_(torch.from_numpy(p["output_bias"]))
        xt = torch.from_numpy(x)
        causal = torch.from_numpy(~np.tril(np.ones((4, 4), dtype=bool)))  # torch: True = NOT allowed
        expected, weights = ref(xt, xt, xt, attn_mask=causal, average_attn_weights=False)
    np.testing.assert_allclose(layer.forward(x, causal=True), expected.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(layer.attention_scores, weights.numpy(), rtol=1e-10, atol=1e-12)


def test_mha_shape_errors_name_layer_and_shapes():
    layer = MultiHeadAttention(2, 3, name="mha_test")
    with pytest.raises(ValueError, match=r"mha_test.*\(4, 6\)"):
        layer.forward(np.ones((4, 6)))
    layer.forward(np.ones((1, 3, 6)))
    with pytest.raises(ValueError, match=r"mha_test.*\(1, 3, 5\).*6"):
        layer.forward(np.ones((1, 3, 5)))
    with pytest.raises(ValueError, match=r"mha_test.*\(2, 4\)"):
        layer.forward(np.ones((2, 3, 6)), mask=np.ones((2, 4), dtype=bool))
    with pytest.raises(ValueError, match="num_heads"):
        MultiHeadAttention(0, 3)


def test_mha_deterministic_and_leaves_dout_alone():
    layer = _mha(seed=6)
    x = _randn(2, 5, 6, seed=27).astype(np.float32)
    y = layer.forward(x)
    np.testing.assert_array_equal(layer.forward(x, training=False), y)
    assert y.dtype == np.float32
    dout = _randn(2, 5, 6, seed=28).astype(np.float32)
    keep = dout.copy()
    dx = layer.backward(dout)
    np.testing.assert_array_equal(dout, keep)
    assert dx.dtype == np.float32 and dx.shape == x.shape
    assert all(g.dtype == np.float32 for g in layer.grads.values())


# ----- Keras' options: dropout on the attention weights, initializers, regularizers ---------------
def test_mha_dropout_only_in_training_and_unbiased():
    layer = _mha(f=4, seed=7, dropout=0.4)
    plain = _mha(f=4, seed=7)  # the same weights (same set_seed), no dropout
    x = _randn(1, 5, 4, seed=30)
    y = plain.forward(x)
    np.testing.assert_array_equal(layer.forward(x), y)  # inference: no dropout
    np.testing.assert_array_equal(layer.forward(x, training=False), y)
    draws = np.stack([layer.forward(x, training=True) for _ in range(3000)])
    mask = layer.dropout_layer.mask
    assert mask.shape == (1, 2, 5, 5) and set(np.unique(mask)) == {0.0, 1 / 0.6}  # on the (T, T) weights per head
    np.testing.assert_allclose(layer.attention_scores.sum(-1), 1.0)  # the weights before dropout, as Keras returns
    assert not np.allclose(draws[0], y)
    # inverted dropout keeps the expectation: the mean output over many masks is the inference output
    spread = draws.std(axis=0) / np.sqrt(len(draws))
    assert np.all(np.abs(draws.mean(axis=0) - y) < 5 * spread + 1e-12)
    dropped = np.mean([np.mean(layer.dropout_layer._draw_mask((2, 5, 5), np.float64) == 0) for _ in range(200)])
    assert abs(dropped - 0.4) < 0.02


def test_mha_dropout_seed_gives_reproducible_masks():
    x = _randn(2, 4, 6, seed=31)
    a, b = _mha(seed=8, dropout=0.5, dropout_seed=42), _mha(seed=8, dropout=0.5, dropout_seed=42)
    np.testing.assert_array_equal(a.forward(x, training=True), b.forward(x, training=True))
    np.testing.assert_array_equal(a.forward(x, training=True), b.forward(x, training=True))
    assert not np.array_equal(a.forward(x, training=True), a.forward(x, training=True))  # a new mask each step
    with pytest.raises(ValueError, match="rate"):
        MultiHeadAttention(2, 3, dropout=1.0)


@pytest.mark.parametrize("mode", ["none", "padding+causal"])
def test_mha_dropout_gradient_check_with_a_frozen_mask(mode):
    layer = _mha(f=4, seed=9, num_heads=2, key_dim=3, value_dim=2, dropout=0.3, dropout_seed=1)
    x = _randn(2, 5, 4, seed=32)
    mask = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], dtype=bool) if mode != "none" else None
    forward = layer.forward
    layer.forward = lambda x, training=False: forward(x, training, mask=mask, causal=mode != "none")
    layer.forward(x, training=True)
    layer.dropout_layer.freeze_mask()
    assert np.mean(layer.dropout_layer.mask == 0) > 0.1
    errors = check_layer(layer, x, training=True)
    errors.pop("key_bias")  # exactly 0 (softmax ignores a shift of a whole row), see test_mha_gradient_check
    assert max(errors.values()) < TOL, errors


def test_mha_regularizers_penalise_every_kernel_and_bias():
    from dlcore.regularizers import L1L2

    layer = _mha(f=4, seed=10, kernel_regularizer=L1L2(l1=0.01, l2=0.1), bias_regularizer="l2")
    expected = sum(0.01 * np.abs(p).sum() + 0.1 * (p**2).sum() if k.endswith("kernel") else 0.01 * (p**2).sum()
                   for k, p in layer.params.items())
    assert layer.regularization_loss() == pytest.approx(expected)
    x = _randn(2, 3, 4, seed=33)
    r = _randn(2, 3, 4, seed=34)

    def loss():
        return float(np.sum(layer.forward(x) * r)) + layer.regularization_loss()

    loss()
    layer.backward(r.copy())
    for key, p in layer.params.items():
        assert rel_error(layer.grads[key].copy(), numerical_gradient(loss, p)) < TOL, key
    assert MultiHeadAttention(2, 3).regularization_loss() == 0.0


def test_mha_initializers_as_keras_einsum_dense():
    f, h, dk = 16, 4, 8
    set_seed(11)
    layer = MultiHeadAttention(h, dk, bias_initializer="ones")
    layer.build((None, None, f), np.float64)
    limit = np.sqrt(6 / (f + h * dk))  # Glorot with the fans of the (F, H*dk) matrix, as Keras' EinsumDense
    q = layer.params["query_kernel"]
    assert np.abs(q).max() <= limit and np.abs(q).max() > 0.9 * limit  # the 3-D fans would give limit / 2
    assert all(np.all(layer.params[f"{p}_bias"] == 1) for p in ("query", "key", "value", "output"))
    seen = []

    def record(shape, dtype=np.float32):
        seen.append(tuple(shape))
        return np.zeros(shape, dtype)

    MultiHeadAttention(h, dk, value_dim=3, output_shape=5, kernel_initializer=record).build((None, None, f))
    assert seen == [(f, h, dk), (f, h, dk), (f, h, 3), (h, 3, 5)]  # other initializers see the real shape
    ortho = MultiHeadAttention(h, dk, kernel_initializer="orthogonal")
    ortho.build((None, None, f), np.float64)
    flat = ortho.params["key_kernel"].reshape(f * h, dk)  # Keras' orthogonal flattens all but the last axis
    np.testing.assert_allclose(flat.T @ flat, np.eye(dk), atol=1e-10)
