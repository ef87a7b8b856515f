"""Plausible wrong answers for chapter 12's exercises."""

import numpy as np


def _softmax(z, axis=-1):
    z = z - z.max(axis=axis, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=axis, keepdims=True)


# ---------------------------------------------------------------- 12.1 attention


def _att_no_scaling(Q, K, V, mask=None):
    """Forgets the 1/√d_k."""
    scores = Q @ np.swapaxes(K, -1, -2)
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    w = _softmax(scores)
    return w @ V, w


def _att_divides_by_dk(Q, K, V, mask=None):
    """Divides by d_k instead of √d_k."""
    scores = Q @ np.swapaxes(K, -1, -2) / Q.shape[-1]
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    w = _softmax(scores)
    return w @ V, w


def _att_wrong_axis(Q, K, V, mask=None):
    """Softmax over the queries (axis -2): the columns sum to 1."""
    scores = Q @ np.swapaxes(K, -1, -2) / np.sqrt(Q.shape[-1])
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    w = _softmax(scores, axis=-2)
    return w @ V, w


def _att_mask_after_softmax(Q, K, V, mask=None):
    """Zeroes the forbidden weights after the softmax, so the rows no longer sum to 1."""
    w = _softmax(Q @ np.swapaxes(K, -1, -2) / np.sqrt(Q.shape[-1]))
    if mask is not None:
        w = w * mask
    return w @ V, w


def _att_mask_multiplies_scores(Q, K, V, mask=None):
    """Multiplies the scores by the mask: forbidden scores become 0, not -inf, and still get weight."""
    scores = Q @ np.swapaxes(K, -1, -2) / np.sqrt(Q.shape[-1])
    if mask is not None:
        scores = scores * mask
    w = _softmax(scores)
    return w @ V, w


def _att_mask_inverted(Q, K, V, mask=None):
    """Reads True as 'forbidden'."""
    scores = Q @ np.swapaxes(K, -1, -2) / np.sqrt(Q.shape[-1])
    if mask is not None:
        scores = np.where(mask, -np.inf, scores)
    w = _softmax(scores)
    return w @ V, w


def _att_naive_exp(Q, K, V, mask=None):
    """exp without subtracting the row maximum: overflows for large scores."""
    scores = Q @ np.swapaxes(K, -1, -2) / np.sqrt(Q.shape[-1])
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    e = np.exp(scores)
    w = e / e.sum(axis=-1, keepdims=True)
    return w @ V, w


def _att_plain_transpose(Q, K, V, mask=None):
    """K.T: right for 2-D arrays, wrong once there are batch and head axes."""
    scores = Q @ K.T / np.sqrt(Q.shape[-1])
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    w = _softmax(scores)
    return w @ V, w


def _att_returns_out_only(Q, K, V, mask=None):
    """Returns only the output, not the weights."""
    scores = Q @ np.swapaxes(K, -1, -2) / np.sqrt(Q.shape[-1])
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    return _softmax(scores) @ V


# ---------------------------------------------------------------- 12.2 causal_mask


def _mask_strict(T):
    """Off by one: the diagonal is left out, so position 0 sees nothing."""
    return np.tril(np.ones((T, T), dtype=bool), k=-1)


def _mask_transposed(T):
    """The upper triangle: every position sees the future instead of the past."""
    return np.triu(np.ones((T, T), dtype=bool))


def _mask_one_ahead(T):
    """Off by one the other way: position t also sees t + 1."""
    return np.tril(np.ones((T, T), dtype=bool), k=1)


def _mask_additive(T):
    """An additive mask (0 allowed, -inf forbidden): a different convention from the boolean one asked for."""
    return np.where(np.tril(np.ones((T, T), dtype=bool)), 0.0, -np.inf)


# ---------------------------------------------------------------- 12.3 the shape of the attention weights

# ---------------------------------------------------------------- 12.4 BERT versus GPT

WRONG = {
    "ch12.attention": [_att_no_scaling, _att_divides_by_dk, _att_wrong_axis, _att_mask_after_softmax,
                       _att_mask_multiplies_scores, _att_mask_inverted, _att_naive_exp, _att_plain_transpose,
                       _att_returns_out_only],
    "ch12.causal_mask": [_mask_strict, _mask_transposed, _mask_one_ahead, _mask_additive],
    "ch12.weights_shape": [(32, 10, 10), (32, 8, 10, 16), (8, 32, 10, 10), (32, 10, 8, 10), [32, 8, 10, 64]],
    "ch12.bert_vs_gpt": ["a", "c", "d"],
}


# --- issue 9: answers the grader used to accept -----------------------------------------------------

def _att_global_max(Q, K, V, mask=None):
    # one maximum for the whole array instead of one per row: NaN when rows are on different scales
    scores = Q @ np.swapaxes(K, -1, -2) / np.sqrt(Q.shape[-1])
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    e = np.exp(scores - scores.max())
    weights = e / e.sum(axis=-1, keepdims=True)
    return weights @ V, weights


def _att_scales_q_in_place(Q, K, V, mask=None):
    # right values, but Q /= √d_k changes the caller's queries
    Q /= np.sqrt(Q.shape[-1])
    scores = Q @ np.swapaxes(K, -1, -2)
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    e = np.exp(scores - scores.max(axis=-1, keepdims=True))
    weights = e / e.sum(axis=-1, keepdims=True)
    return weights @ V, weights


WRONG["ch12.attention"] += [_att_global_max, _att_scales_q_in_place]
MUTATING = {"ch12.attention": _att_scales_q_in_place}
