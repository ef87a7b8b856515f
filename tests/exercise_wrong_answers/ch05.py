"""Plausible wrong answers for chapter 5's exercises."""

import numpy as np

# ---------------------------------------------------------------- 5.1 binary cross-entropy from logits

def _bce_naive_sigmoid_then_log(y, z):
    """The textbook formula on σ(z): log(0) = −inf once σ(z) rounds to 0 or 1 (|z| ≳ 37)."""
    p = 1 / (1 + np.exp(-z))
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def _bce_clipped_probabilities(y, z):
    """Finite, but clipping caps a confidently wrong answer at −log(1e-7) ≈ 16.1 instead of |z|."""
    p = np.clip(1 / (1 + np.exp(-z)), 1e-7, 1 - 1e-7)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def _bce_sum(y, z):
    return float(np.sum(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))))


def _bce_algebra_right_but_overflows(y, z):
    """log(1 + e^(−z)) + (1 − y) z is the same function, but exp(−z) overflows at z = −1000."""
    return float(np.mean(np.log(1 + np.exp(-z)) + (1 - y) * z))


def _bce_sign_error(y, z):
    return float(np.mean(np.maximum(z, 0) + z * y + np.log1p(np.exp(-np.abs(z)))))


def _bce_per_example(y, z):
    """Forgets the mean: returns the array of per-entry losses."""
    return np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))


# ---------------------------------------------------------------- 5.2 categorical cross-entropy

def _clip(p):
    return np.clip(p, 1e-7, 1 - 1e-7)


def _cce_sum_over_batch(y, p):
    return float(-np.sum(y * np.log(_clip(p))))


def _cce_mean_of_all_entries(y, p):
    return float(-np.mean(y * np.log(_clip(p))))


def _cce_wrong_axis(y, p):
    return float(-np.mean(np.sum(y * np.log(_clip(p)), axis=0)))


def _cce_no_clipping(y, p):
    return float(-np.mean(np.sum(y * np.log(p), axis=1)))


def _cce_binary_formula(y, p):
    """The seed's binary formula applied to one-hot labels, averaged over examples."""
    p = _clip(p)
    return float(-np.mean(np.sum(y * np.log(p) + (1 - y) * np.log(1 - p), axis=1)))


def _cce_forgot_minus(y, p):
    return float(np.mean(np.sum(y * np.log(_clip(p)), axis=1)))


# ---------------------------------------------------------------- 5.3 and 5.4

_Y = np.array([1.0, 0.0, 1.0, 0.0])
_P = np.array([0.9, 0.2, 0.6, 0.5])
_BCE_TERMS = -(_Y * np.log(_P) + (1 - _Y) * np.log(1 - _P))

WRONG = {
    "ch05.bce_from_logits": [_bce_naive_sigmoid_then_log, _bce_clipped_probabilities, _bce_sum,
                             _bce_algebra_right_but_overflows, _bce_sign_error, _bce_per_example],
    "ch05.categorical_crossentropy": [_cce_sum_over_batch, _cce_mean_of_all_entries, _cce_wrong_axis,
                                      _cce_no_clipping, _cce_binary_formula, _cce_forgot_minus],
    "ch05.bce_value": [
        round(float(np.sum(_BCE_TERMS)), 4),                       # sum instead of mean: 1.5325
        round(float(np.mean(_BCE_TERMS) / np.log(10)), 4),         # log base 10: 0.1664
        round(float(-np.mean(_Y * np.log(_P))), 4),                # forgot the (1 − y) term: 0.1540
        round(float(np.mean((_Y - _P) ** 2)), 4),                  # mean squared error: 0.1150
        round(float(-np.mean(np.log(_P))), 4),                     # −log p for every example, label ignored
        "0.3831",                                                  # right value, but a string
    ],
    "ch05.gaussian_nll": ["c", "a", "d", "mse"],
}


# --- issue 9: answers the grader used to accept or misjudge ----------------------------------------

def _bce_mean_over_two_axes(y, z):
    # right for a 2-D batch, but axis=(0, 1) fails on a 1-D one, which the statement allows
    return float(np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z))), axis=(0, 1)))


def _bce_abs_in_place(y, z):
    # right values, but np.abs(z, out=z) changes the caller's logits
    per_entry = np.maximum(z, 0) - z * y
    np.abs(z, out=z)
    return float(np.mean(per_entry + np.log1p(np.exp(-z))))


def _cce_clip_in_place(y, p):
    # right values, but out=p clips the caller's probabilities
    np.clip(p, 1e-7, 1 - 1e-7, out=p)
    return float(-np.mean(np.sum(y * np.log(p), axis=1)))


WRONG["ch05.bce_from_logits"] += [_bce_mean_over_two_axes, _bce_abs_in_place]
WRONG["ch05.categorical_crossentropy"] += [_cce_clip_in_place]
MUTATING = {"ch05.bce_from_logits": _bce_abs_in_place, "ch05.categorical_crossentropy": _cce_clip_in_place}
