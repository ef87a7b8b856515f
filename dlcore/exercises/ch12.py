"""Chapter 12 exercises. Statements and stubs are in chapters/12_attention_transformers.ipynb."""

import numpy as np

from . import expect, register
from .grading import Check, Exercise

# ---------------------------------------------------------------- helpers for the checks


def _pair(value, name="attention"):
    """The learner's (out, weights) as two finite arrays."""
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise AssertionError(f"{name} returned {expect._describe(value)}; expected a tuple (out, weights)")
    return tuple(expect.array(v, name=f"{name} ({part})") for v, part in zip(value, ("out", "weights")))


def _softmax_rows(scores, axis=-1):
    """A stable softmax, used to build the reference variants that the checks compare against."""
    z = scores - scores.max(axis=axis, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=axis, keepdims=True)


def _qkv(seed, q_shape, k_shape, v_shape, scale=1.0):
    rng = np.random.default_rng(seed)
    return (scale * rng.normal(size=q_shape), scale * rng.normal(size=k_shape), rng.normal(size=v_shape))


# ---------------------------------------------------------------- 12.1 scaled dot-product attention

def attention(Q, K, V, mask=None):
    """Scaled dot-product attention softmax(Q Kᵀ / √d_k) V over the last two axes.

    Q (..., T_q, d_k), K (..., T_k, d_k), V (..., T_k, d_v); mask, if given, is boolean and broadcastable to
    (..., T_q, T_k) with True where a query may attend to a key. Masked scores become −∞ BEFORE the softmax,
    so their weights are exactly 0 and every row still sums to 1. Subtracting each row's maximum keeps exp
    from overflowing. Returns (out (..., T_q, d_v), weights (..., T_q, T_k)).
    """
    d_k = Q.shape[-1]
    scores = Q @ np.swapaxes(K, -1, -2) / np.sqrt(d_k)
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    scores = scores - scores.max(axis=-1, keepdims=True)
    weights = np.exp(scores)
    weights = weights / weights.sum(axis=-1, keepdims=True)
    return weights @ V, weights


def _diagnose_scores(Q, K, V, weights):
    """Name the classic mistake whose weights equal the learner's, if any."""
    d_k = Q.shape[-1]
    raw = Q @ np.swapaxes(K, -1, -2)
    mistakes = [
        (_softmax_rows(raw), "you forgot to divide the scores by √d_k"),
        (_softmax_rows(raw / d_k), "you divided the scores by d_k; the formula divides by √d_k"),
        (_softmax_rows(raw * np.sqrt(d_k)), "you multiplied the scores by √d_k instead of dividing"),
        (_softmax_rows(raw / np.sqrt(d_k), axis=-2), "the softmax runs over the wrong axis: over the queries "
                                                     "(axis -2), so the COLUMNS sum to 1. Each query's weights "
                                                     "over the keys must sum to 1: use axis=-1"),
    ]
    for wrong, why in mistakes:
        if weights.shape == wrong.shape and np.allclose(weights, wrong, atol=1e-9):
            raise AssertionError(why)


def _call_masked(f, Q, K, V, mask):
    """Call the learner's attention with a mask in which every query may attend to at least one key."""
    with np.errstate(all="ignore"):
        result = f(Q.copy(), K.copy(), V.copy(), mask.copy())
    if (isinstance(result, (tuple, list)) and len(result) == 2 and isinstance(result[1], np.ndarray)
            and np.issubdtype(result[1].dtype, np.number) and np.any(np.isnan(result[1]))):
        raise AssertionError("some weights are NaN, although every query in this test may attend to at least one "
                             "key. Is your mask inverted (True means 'may attend'), or is the softmax taken over "
                             "the wrong axis?")
    return _pair(result)


def _att_shapes(f):
    Q, K, V = _qkv(120, (5, 4), (7, 4), (7, 3))
    out, weights = _pair(f(Q, K, V))
    expect.array(weights, shape=(5, 7), name="weights (5 queries, 7 keys)")
    expect.array(out, shape=(5, 3), name="out (5 queries, d_v = 3)")


def _att_rows_sum_to_one(f):
    Q, K, V = _qkv(121, (6, 8), (6, 8), (6, 8))
    _, weights = _pair(f(Q, K, V))
    weights = expect.array(weights, shape=(6, 6), name="weights")
    _diagnose_scores(Q, K, V, weights)
    if np.any(weights < 0):
        raise AssertionError("some weights are negative; a softmax gives weights in [0, 1]")
    if not np.allclose(weights.sum(axis=-1), 1.0, atol=1e-9):
        raise AssertionError(f"the rows of the weights sum to {np.round(weights.sum(axis=-1), 3).tolist()}; "
                             "each query's weights over the keys must sum to 1")


def _att_values(f):
    for seed, (tq, tk, dk, dv) in zip((122, 123, 124), ((5, 7, 4, 3), (3, 3, 16, 2), (1, 9, 64, 5))):
        Q, K, V = _qkv(seed, (tq, dk), (tk, dk), (tk, dv))
        want_out, want_w = attention(Q, K, V)
        out, weights = _pair(f(Q.copy(), K.copy(), V.copy()))
        weights = expect.array(weights, shape=want_w.shape, name=f"weights for T_q={tq}, T_k={tk}, d_k={dk}")
        _diagnose_scores(Q, K, V, weights)
        expect.close(weights, want_w, rtol=1e-7, atol=1e-10, name=f"weights for T_q={tq}, T_k={tk}, d_k={dk}")
        expect.close(out, want_out, rtol=1e-7, atol=1e-10, name=f"out for T_q={tq}, T_k={tk}, d_k={dk}")


def _att_batched(f):
    Q, K, V = _qkv(125, (2, 3, 6, 8), (2, 3, 5, 8), (2, 3, 5, 4))  # (batch, heads, T, d)
    want_out, want_w = attention(Q, K, V)
    try:
        out, weights = _pair(f(Q.copy(), K.copy(), V.copy()))
    except ValueError as exc:
        raise AssertionError(f"with batch and head axes your code raised ValueError: {exc}. K.T reverses ALL axes; "
                             "swap only the last two: np.swapaxes(K, -1, -2)") from None
    expect.close(weights, want_w, rtol=1e-7, atol=1e-10, name="weights for (batch=2, heads=3, T_q=6, T_k=5)")
    expect.close(out, want_out, rtol=1e-7, atol=1e-10, name="out for (batch=2, heads=3, T_q=6, T_k=5)")


def _att_mask(f):
    Q, K, V = _qkv(126, (2, 6, 4), (2, 6, 4), (2, 6, 3))
    mask = np.tril(np.ones((6, 6), dtype=bool))          # causal: query t sees keys 0..t
    want_out, want_w = attention(Q, K, V, mask)
    out, weights = _call_masked(f, Q, K, V, mask)
    weights = expect.array(weights, shape=(2, 6, 6), name="masked weights")
    if np.any(np.abs(weights[:, ~mask]) > 1e-12):
        if np.allclose(weights[:, mask], 0) or np.allclose(weights, attention(Q, K, V, ~mask)[1], atol=1e-9):
            raise AssertionError("the mask is inverted: True means 'may attend', so the weights must be 0 where the "
                                 "mask is False")
        raise AssertionError("some keys the mask forbids (mask False) got a nonzero weight; set their scores to "
                             "-np.inf before the softmax")
    if not np.allclose(weights.sum(axis=-1), 1.0, atol=1e-9):
        raise AssertionError("the forbidden weights are 0, but the rows no longer sum to 1 "
                             f"(first rows: {np.round(weights[0].sum(axis=-1), 3).tolist()}): the mask was applied "
                             "AFTER the softmax. Mask the scores with -inf first, then normalise")
    expect.close(weights, want_w, rtol=1e-7, atol=1e-10, name="masked weights")
    expect.close(out, want_out, rtol=1e-7, atol=1e-10, name="masked out")


def _att_padding_mask(f):
    Q, K, V = _qkv(127, (2, 5, 4), (2, 5, 4), (2, 5, 2))
    keep = np.array([[True, True, True, False, False], [True, True, True, True, True]])[:, None, :]  # (2, 1, T_k)
    want_out, want_w = attention(Q, K, V, keep)
    out, weights = _call_masked(f, Q, K, V, keep)
    expect.close(weights, want_w, rtol=1e-7, atol=1e-10, name="weights with a padding mask of shape (2, 1, 5)")
    expect.close(out, want_out, rtol=1e-7, atol=1e-10, name="out with a padding mask of shape (2, 1, 5)")


def _att_stable(f):
    Q, K, V = _qkv(128, (4, 4), (6, 4), (6, 3), scale=30.0)   # scores of size ~ 1000
    want_out, want_w = attention(Q, K, V)
    with np.errstate(all="ignore"):
        result = f(Q.copy(), K.copy(), V.copy())
    if isinstance(result, (tuple, list)) and len(result) == 2:
        w = np.asarray(result[1], dtype=float) if isinstance(result[1], np.ndarray) else None
        if w is not None and not np.all(np.isfinite(w)):
            raise AssertionError("with scores around 1000, exp overflows to inf and the weights become NaN; "
                                 "subtract each row's maximum score before exp (the softmax does not change)")
    out, weights = _pair(result)
    expect.close(weights, want_w, rtol=1e-7, atol=1e-10, name="weights for large scores")
    expect.close(out, want_out, rtol=1e-7, atol=1e-10, name="out for large scores")


def _att_row_scales(f):
    # valid scores, but on very different scales per row: one global maximum makes row 2 exp(−2970) = 0 → 0/0
    Q, K = np.array([[100.0], [1.0]]), np.array([[30.0], [29.0], [-5.0]])
    V = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]])
    want_out, want_w = attention(Q, K, V)
    with np.errstate(all="ignore"):
        result = f(Q, K, V)
    weights = result[1] if isinstance(result, (tuple, list)) and len(result) == 2 else None
    if isinstance(weights, np.ndarray) and weights.shape == (2, 3) and np.any(np.isnan(weights[1])):
        raise AssertionError("the second query's weights are NaN although its scores (30, 29, −5) are ordinary: "
                             "you subtracted ONE maximum for the whole array (3000, from the first row), so every "
                             "exp of the second row underflows to 0 and 0/0 = NaN")
    out, weights = _pair(result)
    expect.close(weights, want_w, rtol=1e-7, atol=1e-10, name="weights for rows on different scales")
    expect.close(out, want_out, rtol=1e-7, atol=1e-10, name="out for rows on different scales")


register(Exercise(
    id="ch12.attention", answer="attention", title="Scaled dot-product attention with a mask", kind="implement",
    solution=attention, tests=[
        Check("returns (out, weights) with shapes (T_q, d_v) and (T_q, T_k)", _att_shapes,
              hint="scores = Q @ Kᵀ has one row per query and one column per key; out = weights @ V."),
        Check("weights are in [0, 1] and each row sums to 1", _att_rows_sum_to_one,
              hint="Take the softmax over the keys: the last axis, axis=-1."),
        Check("matches softmax(QKᵀ/√d_k)V on three random cases", _att_values,
              hint="Divide the scores by np.sqrt(d_k), where d_k = Q.shape[-1]."),
        Check("works with batch and head axes (2, 3, T, d)", _att_batched,
              hint="Use np.swapaxes(K, -1, -2) instead of K.T, and reduce over axis=-1."),
        Check("a causal mask: forbidden weights are 0 and rows still sum to 1", _att_mask,
              hint="scores = np.where(mask, scores, -np.inf) before the softmax; exp(-inf) = 0."),
        Check("a padding mask that broadcasts, shape (batch, 1, T_k)", _att_padding_mask,
              hint="np.where broadcasts the mask against the scores for you."),
        Check("no overflow for scores around 1000", _att_stable,
              hint="Subtract scores.max(axis=-1, keepdims=True) before np.exp."),
        Check("rows on very different scales: each row's own maximum", _att_row_scales,
              hint="Subtract each ROW's maximum, scores.max(axis=-1, keepdims=True), not scores.max()."),
    ]))


# ---------------------------------------------------------------- 12.2 the causal mask

def causal_mask(T):
    """Boolean (T, T) mask with mask[t, s] = True when s ≤ t: query t may attend to itself and to earlier positions.

    The lower triangle, diagonal included: np.tril of a matrix of ones.
    """
    return np.tril(np.ones((T, T), dtype=bool))


def _mask_array(f, T):
    m = f(T)
    if not isinstance(m, np.ndarray):
        raise AssertionError(f"causal_mask({T}) returned {expect._describe(m)}; expected a numpy array")
    if m.shape != (T, T):
        raise AssertionError(f"causal_mask({T}) returned shape {m.shape}; expected ({T}, {T})")
    if m.dtype != bool:
        if np.issubdtype(m.dtype, np.floating) and np.any(np.isinf(m)):
            raise AssertionError("you returned an additive mask (0 and -inf). Here the mask is boolean, True where "
                                 "attention is allowed, as dlcore and Keras use it")
        raise AssertionError(f"causal_mask({T}) returned dtype {m.dtype}; return a boolean array "
                             "(e.g. np.ones((T, T), dtype=bool))")
    return m


def _mask_dtype_shape(f):
    _mask_array(f, 5)


def _mask_diagonal(f):
    m = _mask_array(f, 5)
    if not np.all(np.diag(m)):
        raise AssertionError("the diagonal is False: position t may not attend to itself, so position 0 sees "
                             "nothing at all. The diagonal must be True (np.tril with k=0, not k=-1)")


def _mask_future(f):
    m = _mask_array(f, 5)
    future = np.triu(np.ones((5, 5), dtype=bool), k=1)
    if np.any(m[future]):
        if np.all(m[future]) and not np.any(m[future.T]):
            raise AssertionError("your mask is transposed: row t must allow the columns s ≤ t (the past), "
                                 "yours allows s ≥ t (the future)")
        if np.all(np.diag(m, k=1)) and not np.any(np.triu(m, k=2)):
            raise AssertionError("position t may also see position t + 1: an off-by-one (np.tril with k=1)")
        raise AssertionError("some query may attend to a later position (mask[t, s] = True for some s > t)")


def _mask_past(f):
    m = _mask_array(f, 5)
    past = np.tril(np.ones((5, 5), dtype=bool), k=-1)
    if not np.all(m[past]):
        raise AssertionError("some query may not attend to an earlier position: every s < t must be True")


def _mask_sizes(f):
    for T in (1, 2, 9):
        expect.equal(_mask_array(f, T).tolist(), causal_mask(T).tolist(), name=f"causal_mask({T})")


def _mask_in_attention(f):
    from ..layers.attention import scaled_dot_product_attention
    rng = np.random.default_rng(129)
    T = 6
    m = _mask_array(f, T)
    q, k, v = rng.normal(size=(3, T, 4))
    out, _ = scaled_dot_product_attention(q, k, v, m)
    k2, v2 = k.copy(), v.copy()
    k2[4:] += 5.0                                    # change the last two positions
    v2[4:] -= 5.0
    out2, _ = scaled_dot_product_attention(q, k2, v2, m)
    if not np.allclose(out[:4], out2[:4]):
        raise AssertionError("with your mask, the outputs at positions 0–3 changed when only positions 4 and 5 "
                             "changed: the mask leaks the future")


register(Exercise(
    id="ch12.causal_mask", answer="causal_mask", title="The causal mask", kind="implement",
    solution=causal_mask, tests=[
        Check("a boolean array of shape (T, T)", _mask_dtype_shape,
              hint="np.ones((T, T), dtype=bool) is a start."),
        Check("each position may attend to itself (the diagonal)", _mask_diagonal,
              hint="mask[t, t] is True: otherwise the first position has nothing to attend to."),
        Check("no position attends to a later one", _mask_future,
              hint="Row t is the query, column s the key: True only for s ≤ t, the lower triangle."),
        Check("each position attends to every earlier one", _mask_past,
              hint="Below the diagonal everything is True."),
        Check("right for T = 1, 2 and 9", _mask_sizes, hint="np.tril keeps the lower triangle with the diagonal."),
        Check("used in attention, outputs ignore later positions", _mask_in_attention,
              hint="The output at t may only depend on inputs 0..t."),
    ]))


# ---------------------------------------------------------------- 12.3 predict the shape of the attention weights

def attention_weights_shape():
    """MultiHeadAttention(num_heads=8, key_dim=16) on x of shape (32, 10, 64): attention_scores is
    (batch, heads, T_query, T_key) = (32, 8, 10, 10). One T × T matrix of weights per sequence and per head;
    neither key_dim nor the 64 features appear (they are summed over in the dot products)."""
    return (32, 8, 10, 10)


_SHAPE_MISTAKES = {
    (32, 10, 10): "that is one head's worth: each of the 8 heads has its own weights, on axis 1",
    (32, 8, 10, 16): "key_dim is the size of each query and key; the weights compare T queries with T keys",
    (32, 8, 10, 64): "the weights compare T queries with T keys; the 64 features do not appear",
    (8, 32, 10, 10): "dlcore (and Keras) put the batch axis first: (batch, heads, T, T)",
    (32, 10, 8, 10): "the heads axis comes right after the batch axis: (batch, heads, T_query, T_key)",
    (32, 10, 10, 8): "the heads axis comes right after the batch axis: (batch, heads, T_query, T_key)",
    (32, 8, 10): "the weights are a matrix per head: every query has a weight for every key",
}


def _shape_is_tuple(answer):
    if not isinstance(answer, (tuple, list)) or not all(isinstance(n, (int, np.integer)) and not isinstance(n, bool)
                                                       for n in answer):
        raise AssertionError(f"your answer is {expect._describe(answer)}; expected a tuple of integers "
                             "such as (32, 10)")


def _shape_value(answer):
    _shape_is_tuple(answer)
    expect.equal(tuple(int(n) for n in answer), attention_weights_shape(), name="your shape", mistakes=_SHAPE_MISTAKES)


register(Exercise(
    id="ch12.weights_shape", answer="answer_shape", title="The shape of the attention weights", kind="predict",
    solution=attention_weights_shape(), tests=[
        Check("is a tuple of integers", _shape_is_tuple, hint="Write e.g. answer_shape = (32, 10)."),
        Check("the shape", _shape_value,
              hint="One weight for every (query, key) pair, in every head, for every sequence of the batch."),
    ]))


# ---------------------------------------------------------------- 12.4 BERT versus GPT

def bert_gpt_statement():
    """(b): BERT is an encoder-only Transformer pretrained by masked language modelling (plus next-sentence prediction),
    so every position sees both sides; GPT is decoder-only, pretrained by next-token prediction under a causal mask.
    (a) is the source document's claim: the original Transformer is encoder–decoder, BERT and GPT-2 are not.
    (c) swaps the two. (d) is false on every count."""
    return "b"


_BERT_GPT_WHY = {
    "a": "it is the claim of one of the source documents. The original Transformer is an encoder–decoder, but BERT "
         "keeps only the encoder stack and GPT-2 only the (causally masked) decoder stack",
    "c": "it swaps the two: BERT's encoder sees both sides of every position and does not generate text left to "
         "right; GPT's causal mask lets each position see only the past, which is what makes it a generator",
    "d": "it is wrong twice: the two differ in architecture (encoder vs decoder) and in objective (masked tokens vs "
         "next token), and BERT-Large outperforms BERT-Base (GLUE average 82.1 vs 79.6 in the BERT paper)",
}


register(Exercise(
    id="ch12.bert_vs_gpt", answer="answer_bert_gpt", title="BERT versus GPT", kind="choice",
    solution=bert_gpt_statement(), tests=[
        Check("is one of the letters a–d", expect.letter,
              hint="Answer with a string, e.g. answer_bert_gpt = \"a\"."),
        Check("the right statement", lambda a: expect.choice(a, bert_gpt_statement(), _BERT_GPT_WHY),
              hint="Which half of the original Transformer does each keep, and which tokens does each predict?"),
    ]))
