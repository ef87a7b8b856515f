"""Plausible wrong answers for chapter 2's exercises."""

import numpy as np


def _sigmoid(z):
    return 0.5 * (1 + np.tanh(z / 2))


# --- 2.1 neuron_forward ---------------------------------------------------------------------------
def _forward_no_bias(X, w, b):
    return _sigmoid(X @ w)


def _forward_no_activation(X, w, b):
    return X @ w + b


def _forward_bias_subtracted(X, w, b):
    return _sigmoid(X @ w - b)


def _forward_column_output(X, w, b):
    return _sigmoid(X @ w.reshape(-1, 1) + b)  # (n, 1) instead of (n,)


def _forward_tanh(X, w, b):
    return np.tanh(X @ w + b)


def _forward_step(X, w, b):
    return (X @ w + b > 0).astype(float)  # the perceptron, not the sigmoid neuron


def _forward_wrong_axis(X, w, b):
    return _sigmoid((X * w).sum(axis=0) + b)  # sums over the samples instead of the features


# --- 2.4 logistic_gradient ------------------------------------------------------------------------
def _gradient_summed(X, y, w, b):
    error = _sigmoid(X @ w + b) - y
    return X.T @ error, float(error.sum())


def _gradient_seed(X, y, w, b):
    error = _sigmoid(X @ w + b) - y
    return X.T @ error, float(error.mean())  # the source document: dw summed, db averaged


def _gradient_mse(X, y, w, b):
    p = _sigmoid(X @ w + b)
    error = 2 * (p - y) * p * (1 - p)  # the gradient of MSE, not of BCE
    return X.T @ error / len(y), float(error.mean())


def _gradient_wrong_sign(X, y, w, b):
    error = y - _sigmoid(X @ w + b)
    return X.T @ error / len(y), float(error.mean())


def _gradient_no_bias(X, y, w, b):
    error = _sigmoid(X @ w + b) - y
    return X.T @ error / len(y)  # forgets db


WRONG = {
    "ch02.neuron_forward": [_forward_no_bias, _forward_no_activation, _forward_bias_subtracted,
                            _forward_column_output, _forward_tanh, _forward_step, _forward_wrong_axis],
    "ch02.neuron_output": [
        -1.0,                             # z, not σ(z)
        0.5,                              # forgot the bias: z = 0
        float(1 / (1 + np.exp(-1.0))),    # bias with the wrong sign: z = +1
        float(1 / (1 + np.exp(-5.0))),    # ignored the minus sign of w2: z = 2 + 3 + 1 − 1 = 5
        0.27,                             # rounded too early
    ],
    "ch02.bias_statement": ["a", "c", "d", 2],
    "ch02.logistic_gradient": [_gradient_summed, _gradient_seed, _gradient_mse, _gradient_wrong_sign,
                               _gradient_no_bias],
    "ch02.tune_learning_rate": [0.1, 1.0, 50.0, -12.0, "12"],
}


# --- issue 9: answers the grader used to accept or misjudge ----------------------------------------

def _forward_scales_x_in_place(X, w, b):
    # right values, but X *= w changes the caller's X
    X *= w
    return 0.5 * (1 + np.tanh((X.sum(axis=1) + b) / 2))


def _gradient_changes_y_in_place(X, y, w, b):
    # right values, but y -= p changes the caller's labels
    y -= 0.5 * (1 + np.tanh((X @ w + b) / 2))
    return X.T @ -y / len(y), float(np.mean(-y))


WRONG["ch02.neuron_forward"] += [_forward_scales_x_in_place]
WRONG["ch02.logistic_gradient"] += [_gradient_changes_y_in_place]
MUTATING = {"ch02.neuron_forward": _forward_scales_x_in_place, "ch02.logistic_gradient": _gradient_changes_y_in_place}
