"""Plausible wrong answers for chapter 3's exercises."""

import numpy as np

# --- ch03.sigmoid_grad -------------------------------------------------------------------------


def _sigmoid_grad_of_the_input(z):
    # the source's sigmoid_derivative(a) = a(1 − a) expects the sigmoid's OUTPUT; applied to z it is wrong
    return z * (1 - z)


def _sigmoid_grad_naive_formula(z):
    # e^{−z} / (1 + e^{−z})² is right on paper, but at z = −1000 it is inf / inf = nan
    return np.exp(-z) / (1 + np.exp(-z)) ** 2


def _sigmoid_grad_naive_sigmoid(z):
    # correct values, but exp(1000) overflows on the way (a RuntimeWarning the learner ignores)
    s = 1 / (1 + np.exp(-z))
    return s * (1 - s)


def _sigmoid_grad_where_both_branches(z):
    # the "stable" two-branch sigmoid, but np.where evaluates exp(−z) and exp(z) everywhere: both overflow
    s = np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z)))
    return s * (1 - s)


def _sigmoid_grad_returns_sigmoid(z):
    # forgot to differentiate
    return 0.5 * (1 + np.tanh(z / 2))


def _sigmoid_grad_wrong_sign(z):
    s = 0.5 * (1 + np.tanh(z / 2))
    return s * (1 + s)


# --- ch03.softmax ------------------------------------------------------------------------------


def _softmax_naive(z):
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def _softmax_wrong_axis(z):
    e = np.exp(z - z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def _softmax_axis_one(z):
    # right for a 2-D batch only: fails on (2, 3, 5) and on a single vector
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _softmax_global_max(z):
    # one maximum for the whole batch: a row far below it underflows to 0 / 0
    e = np.exp(z - z.max())
    return e / e.sum(axis=-1, keepdims=True)


def _softmax_no_keepdims(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1)


def _softmax_in_place(z):
    z -= z.max(axis=-1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=-1, keepdims=True)
    return z


def _softmax_sum_not_exp(z):
    # normalises the shifted logits instead of their exponentials
    e = z - z.min(axis=-1, keepdims=True)
    return e / e.sum(axis=-1, keepdims=True)


WRONG = {
    "ch03.sigmoid_grad": [_sigmoid_grad_of_the_input, _sigmoid_grad_naive_formula, _sigmoid_grad_naive_sigmoid,
                          _sigmoid_grad_where_both_branches, _sigmoid_grad_returns_sigmoid, _sigmoid_grad_wrong_sign],
    "ch03.softmax": [_softmax_naive, _softmax_wrong_axis, _softmax_axis_one, _softmax_global_max,
                     _softmax_no_keepdims, _softmax_in_place, _softmax_sum_not_exp],
    "ch03.sigmoid_chain_bound": [
        0.25,          # one sigmoid only
        1.25,          # added the five factors instead of multiplying them
        0.5**5,        # used σ(0) = 1/2 instead of σ′(0) = 1/4
        0.0066**5,     # used σ′(5), the value far in the tail, as the bound
        "0.0009765625",  # right number, but a string
    ],
    "ch03.relu_statement": [
        "a",   # the source's "sparse activation function"
        "c",   # the source's "dead-median problem"
        "d",   # the activation changes the shape
        "e",   # the activation is trained
    ],
}


# --- issue 9: answers the grader used to accept -----------------------------------------------------

def _sigmoid_grad_naive_in_errstate(z):
    # the naive sigmoid with its overflow silenced inside the function: still exp(1000) on the way
    with np.errstate(over="ignore"):
        s = 1 / (1 + np.exp(-z))
    return s * (1 - s)


def _sigmoid_grad_halves_z_in_place(z):
    # right values, but z /= 2 changes the caller's array
    z /= 2
    s = 0.5 * (1 + np.tanh(z))
    return s * (1 - s)


WRONG["ch03.sigmoid_grad"] += [_sigmoid_grad_naive_in_errstate, _sigmoid_grad_halves_z_in_place]
MUTATING = {"ch03.sigmoid_grad": _sigmoid_grad_halves_z_in_place}
