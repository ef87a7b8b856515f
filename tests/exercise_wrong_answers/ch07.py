"""Plausible wrong answers for chapter 7's exercises."""

import math

# ---------------------------------------------------------------- 7.1 the backward of a division node


def _div_forgot_minus(a, b, g):
    """The quotient rule without its minus sign."""
    return g / b, g * a / b**2


def _div_mul_rule(a, b, g):
    """The multiplication node's rule, copied: each input gets the other factor."""
    return b * g, a * g


def _div_forgot_upstream(a, b, g):
    """Local derivatives only: the chain rule's factor out_grad is missing."""
    return 1 / b, -a / b**2


def _div_forgot_a(a, b, g):
    """d(1/b)/db = −1/b², forgetting that the numerator is a."""
    return g / b, -g / b**2


def _div_swapped(a, b, g):
    return -g * a / b**2, g / b


# ---------------------------------------------------------------- 7.3 dense_backward


def _dense_transposed_dW(dout, x, W):
    """dW = doutᵀ x has shape (d_out, d_in): the transpose of the right answer."""
    return dout @ W.T, dout.T @ x, dout.sum(axis=0)


def _dense_mean_db(dout, x, W):
    """Averages the bias gradient over the batch (the 1/n is already inside dout)."""
    return dout @ W.T, x.T @ dout, dout.mean(axis=0)


def _dense_no_sum_db(dout, x, W):
    """Returns one bias gradient per example."""
    return dout @ W.T, x.T @ dout, dout


def _dense_dx_without_transpose(dout, x, W):
    """dx = dout W: only works by accident when W is square, and is wrong even then."""
    return dout @ W, x.T @ dout, dout.sum(axis=0)


def _dense_divides_by_n_again(dout, x, W):
    """Divides by the batch size once more, as if dout did not already come from a mean loss."""
    n = len(x)
    return dout @ W.T, x.T @ dout / n, dout.sum(axis=0) / n


def _dense_transposed_square_only(dout, x, W):
    """Right on rectangular W by luck of shape-fixing, but takes (xᵀ dout)ᵀ whenever it is square."""
    dW = x.T @ dout
    if dW.shape[0] == dW.shape[1]:
        dW = dW.T
    return dout @ W.T, dW, dout.sum(axis=0)


def _dense_in_place(dout, x, W):
    """Right values, but doubles dout in place (and halves the results), corrupting the caller's array."""
    dout *= 2
    return dout @ W.T / 2, x.T @ dout / 2, dout.sum(axis=0) / 2


def _dense_returns_dict(dout, x, W):
    return {"dx": dout @ W.T, "dW": x.T @ dout, "db": dout.sum(axis=0)}


# ---------------------------------------------------------------- 7.2 values

_A = math.tanh(0.3)
_DLDZ = 2 * (_A - 1) * (1 - _A**2)

WRONG = {
    "ch07.div_backward": [_div_forgot_minus, _div_mul_rule, _div_forgot_upstream, _div_forgot_a, _div_swapped],
    "ch07.neuron_gradient": [
        round(_DLDZ * 2, 4),                      # sign flipped: −2.5942
        round(_DLDZ * -2 / 2, 4),                 # forgot the 2 of the square: 1.2971
        round(2 * (_A - 1) * -2, 4),              # forgot tanh′: 2.8345
        round(_DLDZ, 4),                          # stopped at ∂L/∂z (= ∂L/∂w₁): −1.2971
        round(_DLDZ * 0.25, 4),                   # multiplied by w₂ instead of x₂
        round(2 * (1 / (1 + math.exp(-0.3)) - 1) * (1 / (1 + math.exp(-0.3))) * (1 - 1 / (1 + math.exp(-0.3)))
              * -2, 4),                           # used a sigmoid instead of tanh
        "2.5942",                                 # right value, but a string
    ],
    "ch07.dense_backward": [_dense_transposed_dW, _dense_mean_db, _dense_no_sum_db, _dense_dx_without_transpose,
                            _dense_divides_by_n_again, _dense_transposed_square_only, _dense_in_place,
                            _dense_returns_dict],
    "ch07.what_backprop_does": ["a", "c", "d", "backprop"],
}
