"""Plausible wrong answers for chapter 6's exercises."""

import numpy as np

# ---------------------------------------------------------------- 6.1 one step of Adam


def _adam_no_bias_correction(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g**2
    return w - lr * m / (np.sqrt(v) + eps), m, v


def _adam_corrects_m_only(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g**2
    return w - lr * (m / (1 - beta1**t)) / (np.sqrt(v) + eps), m, v


def _adam_eps_inside_sqrt(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g**2
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return w - lr * m_hat / np.sqrt(v_hat + eps), m, v


def _adam_t_off_by_one(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """Counts steps from 0 and adds 1 again: the correction uses t + 1."""
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g**2
    m_hat, v_hat = m / (1 - beta1 ** (t + 1)), v / (1 - beta2 ** (t + 1))
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


def _adam_stores_corrected_moments(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """Overwrites m and v with their bias-corrected values, so the next step starts from the wrong state."""
    m = (beta1 * m + (1 - beta1) * g) / (1 - beta1**t)
    v = (beta2 * v + (1 - beta2) * g**2) / (1 - beta2**t)
    return w - lr * m / (np.sqrt(v) + eps), m, v


def _adam_no_square_root(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g**2
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return w - lr * m_hat / (v_hat + eps), m, v


def _adam_ignores_arguments(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """Hard-codes the default betas and eps instead of using the arguments."""
    m = 0.9 * m + 0.1 * g
    v = 0.999 * v + 0.001 * g**2
    m_hat, v_hat = m / (1 - 0.9**t), v / (1 - 0.999**t)
    return w - lr * m_hat / (np.sqrt(v_hat) + 1e-8), m, v


def _adam_plus_sign(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g**2
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return w + lr * m_hat / (np.sqrt(v_hat) + eps), m, v


def _adam_returns_w_only(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g**2
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps)


WRONG = {
    "ch06.adam_step": [_adam_no_bias_correction, _adam_corrects_m_only, _adam_eps_inside_sqrt, _adam_t_off_by_one,
                       _adam_stores_corrected_moments, _adam_no_square_root, _adam_ignores_arguments,
                       _adam_plus_sign, _adam_returns_w_only],
    "ch06.updates_per_epoch": [
        (44, 660),           # floor(1437 / 32): forgot the last, smaller batch
        (1437 / 32, 15 * 1437 / 32),   # 44.9 per epoch: updates are whole numbers
        (45, 15),            # total = the number of epochs
        (32, 480),           # the batch size taken for the number of updates
        (1437, 21555),       # stochastic gradient descent
        (1, 15),             # batch gradient descent
        675,                 # the total alone, not a pair
    ],
    "ch06.batch_gd_definition": ["a", "c", "d", "mini-batch"],
    "ch06.tune_lr": [0.01, 0.1, 0.2, 0.25, 1.0, -0.18],
}


# --- issue 9: answers the grader used to accept -----------------------------------------------------

def _adam_in_place(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    # right values, but m, v and w are updated in the caller's arrays
    m *= beta1
    m += (1 - beta1) * g
    v *= beta2
    v += (1 - beta2) * g * g
    w -= lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps)
    return w, m, v


WRONG["ch06.adam_step"] += [_adam_in_place]
MUTATING = {"ch06.adam_step": _adam_in_place}
