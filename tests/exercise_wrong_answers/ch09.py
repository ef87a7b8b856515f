"""Plausible wrong answers for chapter 9's exercises."""

import numpy as np

# ---------------------------------------------------------------- 9.1 inverted dropout


def _dropout_no_scale(x, rate, rng, training=True):
    """Forgets the 1/(1 − rate): the expected output shrinks to (1 − rate)·x."""
    if not training:
        return x
    return x * (rng.random(x.shape) >= rate)


def _dropout_also_at_inference(x, rate, rng, training=True):
    """Ignores the training flag: drops units at inference too."""
    return x * (rng.random(x.shape) >= rate) / (1 - rate)


def _dropout_classic_scaling_at_test(x, rate, rng, training=True):
    """The original (non-inverted) recipe mixed with the inverted one: scales by 1/(1 − rate) in training
    AND by (1 − rate) at inference."""
    if not training:
        return x * (1 - rate)
    return x * (rng.random(x.shape) >= rate) / (1 - rate)


def _dropout_rate_as_keep_probability(x, rate, rng, training=True):
    """Reads rate as the probability of KEEPING a unit (PyTorch's old keep_prob confusion)."""
    if not training:
        return x
    return x * (rng.random(x.shape) < rate) / (1 - rate)


def _dropout_same_mask_every_call(x, rate, rng, training=True):
    """Creates its own generator with a fixed seed: the same units are dropped at every step."""
    if not training:
        return x
    return x * (np.random.default_rng(0).random(x.shape) >= rate) / (1 - rate)


def _dropout_global_random(x, rate, rng, training=True):
    """Draws from numpy's global generator instead of the rng it is given: not reproducible."""
    if not training:
        return x
    return x * (np.random.random(x.shape) >= rate) / (1 - rate)  # noqa: NPY002 (the mistake being tested)


def _dropout_in_place(x, rate, rng, training=True):
    """Right values, but multiplies the caller's array in place."""
    if not training:
        return x
    x *= (rng.random(x.shape) >= rate) / (1 - rate)
    return x


def _dropout_divides_by_rate(x, rate, rng, training=True):
    if not training or rate == 0:
        return x
    return x * (rng.random(x.shape) >= rate) / rate


# ---------------------------------------------------------------- 9.2 gradient of an L2-regularized loss


def _residual(X, y, w, b):
    return X @ w + b - y


def _l2_grad_missing_factor_2(X, y, w, b, lam):
    r = _residual(X, y, w, b)
    return 2 / len(y) * X.T @ r + lam * w, 2 * np.mean(r)


def _l2_grad_regularizes_bias(X, y, w, b, lam):
    r = _residual(X, y, w, b)
    return 2 / len(y) * X.T @ r + 2 * lam * w, 2 * np.mean(r) + 2 * lam * b


def _l2_grad_sum_not_mean(X, y, w, b, lam):
    r = _residual(X, y, w, b)
    return 2 * X.T @ r + 2 * lam * w, 2 * np.sum(r)


def _l2_grad_half_mse(X, y, w, b, lam):
    """The gradient of ½·MSE for the data term (a common textbook convention), with the chapter's penalty."""
    r = _residual(X, y, w, b)
    return X.T @ r / len(y) + 2 * lam * w, float(np.mean(r))


def _l2_grad_sign_error(X, y, w, b, lam):
    r = y - (X @ w + b)
    return 2 / len(y) * X.T @ r + 2 * lam * w, 2 * np.mean(r)


def _l2_grad_minus_penalty(X, y, w, b, lam):
    r = _residual(X, y, w, b)
    return 2 / len(y) * X.T @ r - 2 * lam * w, 2 * np.mean(r)


WRONG = {
    "ch09.dropout_forward": [_dropout_no_scale, _dropout_also_at_inference, _dropout_classic_scaling_at_test,
                             _dropout_rate_as_keep_probability, _dropout_same_mask_every_call,
                             _dropout_global_random, _dropout_in_place, _dropout_divides_by_rate],
    "ch09.l2_gradient": [_l2_grad_missing_factor_2, _l2_grad_regularizes_bias, _l2_grad_sum_not_mean,
                         _l2_grad_half_mse, _l2_grad_sign_error, _l2_grad_minus_penalty],
    # (a) is the seed's claim: batch normalization as input preprocessing
    "ch09.batchnorm_statement": ["a", "c", "d", "B)"],
    # no penalty, far too weak, far too strong, a negative strength, a string
    "ch09.tune_l2": [0.0, 1e-6, 0.1, 1.0, -0.001, "0.001"],
}


# --- issue 9: answers the grader used to accept or misjudge ----------------------------------------

def _dropout_mask_shared_by_batch(x, rate, rng, training=True):
    # one mask for the features, the same for every sample of the batch
    if not training:
        return x
    keep = rng.random(x.shape[1:]) >= rate
    return x * keep / (1 - rate)


def _dropout_one_coin_per_row(x, rate, rng, training=True):
    # drops whole samples instead of entries
    if not training:
        return x
    keep = rng.random(x.shape[:1] + (1,) * (x.ndim - 1)) >= rate
    return x * keep / (1 - rate)


def _l2_gradient_in_place(X, y, w, b, lam):
    # right values, but X @ w + b - y is accumulated into the caller's y
    y -= X @ w + b
    y *= -1
    n = len(y)
    return 2 * X.T @ y / n + 2 * lam * w, float(2 * np.mean(y))


WRONG["ch09.dropout_forward"] += [_dropout_mask_shared_by_batch, _dropout_one_coin_per_row]
WRONG["ch09.l2_gradient"] += [_l2_gradient_in_place]
MUTATING = {"ch09.l2_gradient": _l2_gradient_in_place}
