"""Plausible wrong answers for chapter 11's exercises."""

import numpy as np


def _sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))


# ---------------------------------------------------------------- 11.1 rnn_step


def _rnn_u_transposed(x, h, W, U, b):
    """Column-vector habit: U h becomes h @ U.T in the row convention."""
    return np.tanh(x @ W + h @ U.T + b)


def _rnn_no_tanh(x, h, W, U, b):
    return x @ W + h @ U + b


def _rnn_no_state(x, h, W, U, b):
    """Forgets the recurrent term: a dense layer applied to each step."""
    return np.tanh(x @ W + b)


def _rnn_no_bias(x, h, W, U, b):
    return np.tanh(x @ W + h @ U)


def _rnn_sigmoid(x, h, W, U, b):
    return _sigmoid(x @ W + h @ U + b)


def _rnn_naive_tanh(x, h, W, U, b):
    """tanh written with exponentials: exp(2z) overflows for large z and gives inf/inf = nan."""
    z = x @ W + h @ U + b
    e = np.exp(2 * z)
    return (e - 1) / (e + 1)


def _rnn_state_outside(x, h, W, U, b):
    """Adds the old state after the squashing (a 'leaky' update that is not the Elman RNN)."""
    return np.tanh(x @ W + b) + h @ U


# ---------------------------------------------------------------- 11.2 lstm_step


def _lstm_generic(x, h, c, K, R, b, order="ifco", cand=np.tanh, forget=True, out_tanh=True, swap=False):
    n = h.shape[-1]
    z = x @ K + h @ R + b
    blocks = dict(zip(order, (z[..., k * n:(k + 1) * n] for k in range(4))))
    i, f, g, o = _sigmoid(blocks["i"]), _sigmoid(blocks["f"]), cand(blocks["c"]), _sigmoid(blocks["o"])
    c_new = (f * c if forget else c) + i * g
    h_new = o * np.tanh(c_new) if out_tanh else o * c_new
    return (c_new, h_new) if swap else (h_new, c_new)


def _lstm_order_ifoc(*args):
    """Gate order i, f, o, c (a common reading of diagrams)."""
    return _lstm_generic(*args, order="ifoc")


def _lstm_order_fico(*args):
    return _lstm_generic(*args, order="fico")


def _lstm_sigmoid_candidate(*args):
    return _lstm_generic(*args, cand=_sigmoid)


def _lstm_no_forget(*args):
    """The 1997 LSTM without a forget gate: c_t = c_prev + i ⊙ c̃ (and the f block ignored)."""
    return _lstm_generic(*args, forget=False)


def _lstm_no_cell_tanh(*args):
    return _lstm_generic(*args, out_tanh=False)


def _lstm_swapped_outputs(*args):
    return _lstm_generic(*args, swap=True)


def _lstm_all_tanh(x, h, c, K, R, b):
    """tanh on every gate: gates can become negative."""
    n = h.shape[-1]
    z = np.tanh(x @ K + h @ R + b)
    i, f, g, o = (z[..., k * n:(k + 1) * n] for k in range(4))
    c_new = f * c + i * g
    return o * np.tanh(c_new), c_new


def _lstm_ignores_h_prev(x, h, c, K, R, b):
    """Forgets the recurrent kernel."""
    return _lstm_generic(x, np.zeros_like(h), c, K, R, b)


# ---------------------------------------------------------------- 11.3 the parameter count (F = 10, n = 64)

_F, _N = 10, 64

WRONG = {
    "ch11.rnn_step": [_rnn_u_transposed, _rnn_no_tanh, _rnn_no_state, _rnn_no_bias, _rnn_sigmoid, _rnn_naive_tanh,
                      _rnn_state_outside],
    "ch11.lstm_step": [_lstm_order_ifoc, _lstm_order_fico, _lstm_sigmoid_candidate, _lstm_no_forget,
                       _lstm_no_cell_tanh, _lstm_swapped_outputs, _lstm_all_tanh, _lstm_ignores_h_prev],
    "ch11.lstm_params": [
        _F * _N + _N * _N + _N,                 # one block: a SimpleRNN(64), 4,800
        4 * (_F * _N + _N * _N),                # no biases, 18,944
        3 * (_F * _N + _N * _N + 2 * _N),       # a GRU(64), 14,592
        4 * (_F * _N + _N * _N + 2 * _N),       # PyTorch's two biases, 19,456
        4 * (_F * _N + _N * _N) + _N,           # one shared bias, 19,008
        4 * _N * _F + _N * _N + 4 * _N,         # recurrent matrix counted once, not per gate
        "19200",                                # the right number, as a string
    ],
    "ch11.lstm_gradients": ["a", "b", "d", "solves"],
}


# --- issue 9: answers the grader used to accept or misjudge ----------------------------------------

def _rnn_state_in_place(x_t, h_prev, W, U, b):
    # right values, but the new state is written into the caller's h_prev
    h_prev[...] = np.tanh(x_t @ W + h_prev @ U + b)
    return h_prev


def _lstm_cell_in_place(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias):
    # right values, but the cell state is updated in the caller's c_prev
    n = h_prev.shape[-1]
    z = x_t @ kernel + h_prev @ recurrent_kernel + bias
    sig = lambda a: 0.5 * (1 + np.tanh(a / 2))  # noqa: E731
    c_prev *= sig(z[:, n:2 * n])
    c_prev += sig(z[:, :n]) * np.tanh(z[:, 2 * n:3 * n])
    return sig(z[:, 3 * n:]) * np.tanh(c_prev), c_prev


WRONG["ch11.rnn_step"] += [_rnn_state_in_place]
WRONG["ch11.lstm_step"] += [_lstm_cell_in_place]
WRONG["ch11.lstm_params"] += [19200.5]           # no whole number
MUTATING = {"ch11.rnn_step": _rnn_state_in_place, "ch11.lstm_step": _lstm_cell_in_place}
