"""Chapter 11 exercises. Statements and stubs are in chapters/11_recurrent_networks.ipynb."""

import numbers

import numpy as np

from . import expect, register
from .grading import Check, Exercise

# ---------------------------------------------------------------- helpers for the checks


def _sigmoid(z):
    """A sigmoid that never overflows: σ(z) = (1 + tanh(z/2)) / 2."""
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def _diagnose(got, expected, mistakes, name):
    """Compare ``got`` with ``expected``; if it matches a known mistake instead, say which one."""
    got = expect.array(got, shape=np.shape(expected), name=name)
    if np.allclose(got, expected, rtol=1e-7, atol=1e-10):
        return
    for wrong, why in mistakes:
        if np.shape(wrong) == got.shape and np.allclose(got, wrong, rtol=1e-7, atol=1e-10):
            raise AssertionError(f"{name}: {why}")
    expect.close(got, expected, rtol=1e-7, atol=1e-10, name=name)


# ---------------------------------------------------------------- 11.1 one step of a simple RNN

def rnn_step(x_t, h_prev, W, U, b):
    """One step of a simple RNN for a batch: h_t = tanh(x_t W + h_prev U + b).

    x_t (batch, features), h_prev (batch, units), W (features, units), U (units, units), b (units,);
    returns h_t (batch, units). np.tanh is stable for any input (it never overflows).
    """
    return np.tanh(x_t @ W + h_prev @ U + b)


def _rnn_case(seed, batch, features, units, scale=1.0):
    rng = np.random.default_rng(seed)
    return (scale * rng.standard_normal((batch, features)), np.tanh(rng.standard_normal((batch, units))),
            rng.standard_normal((features, units)) / np.sqrt(features),
            rng.standard_normal((units, units)) / np.sqrt(units), 0.5 * rng.standard_normal(units))


def _rnn_copy(case):
    return tuple(a.copy() for a in case)


def _rnn_mistakes(x, h, W, U, b):
    z = x @ W + h @ U + b
    return [
        (np.tanh(x @ W + h @ U.T + b), "you multiplied h_prev by Uᵀ. In the row convention h_prev (batch, units) is "
                                        "multiplied by U from the right: h_prev @ U, as x_t @ W"),
        (z, "this is the pre-activation: apply tanh to it"),
        (np.tanh(x @ W + b), "the previous state h_prev is missing: without h_prev @ U nothing is carried over time"),
        (np.tanh(x @ W + h @ U), "the bias b is missing"),
        (_sigmoid(z), "a simple RNN (Keras' SimpleRNN) uses tanh, not the sigmoid"),
        (np.maximum(z, 0.0), "a simple RNN (Keras' SimpleRNN) uses tanh, not ReLU"),
    ]


def _rnn_shape(f):
    x, h, W, U, b = _rnn_case(1, batch=5, features=3, units=4)
    expect.array(f(x, h, W, U, b), shape=(5, 4), name="rnn_step")


def _rnn_values(f):
    for seed, (batch, features, units) in zip((2, 3, 4), ((5, 3, 4), (1, 6, 2), (16, 4, 4))):
        case = _rnn_case(seed, batch, features, units)
        _diagnose(f(*_rnn_copy(case)), rnn_step(*case), _rnn_mistakes(*case),
                  f"rnn_step on a batch of {batch}, {features} features, {units} units")


def _rnn_uses_state(f):
    x, h, W, U, b = _rnn_case(5, batch=4, features=3, units=5)
    out_a = expect.array(f(x.copy(), h.copy(), W.copy(), U.copy(), b.copy()), shape=(4, 5), name="rnn_step")
    out_b = expect.array(f(x.copy(), -h, W.copy(), U.copy(), b.copy()), shape=(4, 5), name="rnn_step")
    if np.allclose(out_a, out_b):
        raise AssertionError("changing h_prev did not change your output: the new state must depend on the old one")
    _diagnose(out_b, rnn_step(x, -h, W, U, b), _rnn_mistakes(x, -h, W, U, b), "rnn_step")


def _rnn_large(f):
    x, h, W, U, b = _rnn_case(6, batch=8, features=3, units=4, scale=1000.0)   # pre-activations in the thousands
    out = expect.array(f(x, h, W, U, b), shape=(8, 4), name="rnn_step on pre-activations of ±1000")
    if np.abs(out).max() > 1.0 + 1e-12:
        raise AssertionError("tanh lies in [-1, 1], but your output has values outside it")
    _diagnose(out, rnn_step(x, h, W, U, b), _rnn_mistakes(x, h, W, U, b), "rnn_step on pre-activations of ±1000")


def _rnn_sequence(f):
    """Run the answer over a whole sequence and compare with dlcore's SimpleRNN."""
    from ..layers import SimpleRNN

    rng = np.random.default_rng(7)
    x = rng.standard_normal((3, 9, 2))
    layer = SimpleRNN(4, return_sequences=True)
    states = layer.forward(x)
    W, U, b = (layer.params[k].copy() for k in ("kernel", "recurrent_kernel", "bias"))
    h = np.zeros((3, 4))
    for t in range(9):
        h = expect.array(f(x[:, t].copy(), h, W.copy(), U.copy(), b.copy()), shape=(3, 4), name=f"rnn_step at t={t}")
        if not np.allclose(h, states[:, t], rtol=1e-7, atol=1e-10):
            raise AssertionError(f"looping your rnn_step over a sequence departs from dlcore's SimpleRNN at step {t}")


register(Exercise(
    id="ch11.rnn_step", answer="rnn_step", title="One step of a simple RNN", kind="implement",
    solution=rnn_step, tests=[
        Check("returns the new state, shape (batch, units)", _rnn_shape,
              hint="x_t @ W is (batch, units) and so is h_prev @ U: add them and the bias."),
        Check("matches the reference on three random batches", _rnn_values,
              hint="h_t = tanh(x_t @ W + h_prev @ U + b), equation (ch11-rnn)."),
        Check("the new state depends on the previous state", _rnn_uses_state,
              hint="The recurrent term h_prev @ U is what makes the network recurrent."),
        Check("stays in [-1, 1] for pre-activations of ±1000", _rnn_large,
              hint="Use np.tanh; a tanh written with np.exp overflows for large inputs."),
        Check("looped over 9 steps, reproduces dlcore's SimpleRNN", _rnn_sequence,
              hint="Start from h = 0 and feed each step's output back in as h_prev."),
    ]))


# ---------------------------------------------------------------- 11.2 one step of an LSTM

def lstm_step(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias):
    """One LSTM step with Keras' layout: columns of kernel (F, 4n), recurrent_kernel (n, 4n) and bias (4n,)
    are four blocks of n for the gates in the order i (input), f (forget), c (candidate), o (output).

    Returns (h_t, c_t), each (batch, n): c_t = f ⊙ c_prev + i ⊙ tanh(z_c), h_t = o ⊙ tanh(c_t).
    """
    n = h_prev.shape[-1]
    z = x_t @ kernel + h_prev @ recurrent_kernel + bias       # (batch, 4n) pre-activations
    i = _sigmoid(z[..., :n])                                 # input gate: how much to write
    f = _sigmoid(z[..., n:2 * n])                            # forget gate: how much of c_prev to keep
    g = np.tanh(z[..., 2 * n:3 * n])                         # candidate values, in [-1, 1]
    o = _sigmoid(z[..., 3 * n:])                             # output gate: how much of the cell to show
    c_t = f * c_prev + i * g
    h_t = o * np.tanh(c_t)
    return h_t, c_t


def _lstm_case(seed, batch, features, n, scale=1.0):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((batch, features)), np.tanh(rng.standard_normal((batch, n))),
            2.0 * rng.standard_normal((batch, n)),
            scale * rng.standard_normal((features, 4 * n)) / np.sqrt(features),
            scale * rng.standard_normal((n, 4 * n)) / np.sqrt(n), rng.standard_normal(4 * n))


def _pair(value, shape):
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise AssertionError(f"lstm_step returned {expect._describe(value)}; expected a pair (h_t, c_t)")
    h = expect.array(value[0], shape=shape, name="h_t (the first element you returned)")
    c = expect.array(value[1], shape=shape, name="c_t (the second element you returned)")
    return h, c


def _lstm_variant(x, h, c, K, R, b, order="ifco", cand=np.tanh, forget=True, out_tanh=True):
    """The LSTM step with one thing changed, to recognise common mistakes."""
    n = h.shape[-1]
    z = x @ K + h @ R + b
    blocks = dict(zip(order, (z[..., k * n:(k + 1) * n] for k in range(4))))
    i, f, g, o = _sigmoid(blocks["i"]), _sigmoid(blocks["f"]), cand(blocks["c"]), _sigmoid(blocks["o"])
    c_new = (f * c if forget else c) + i * g
    return (o * np.tanh(c_new) if out_tanh else o * c_new), c_new


def _lstm_mistakes(case):
    order = "the gate order: Keras' blocks are i, f, c, o (input, forget, candidate, output)"
    variants = [
        (dict(order="ifoc"), f"{order}; you read the output gate from the third block and the candidate from the "
                             "fourth"),
        (dict(order="fico"), f"{order}; you swapped the input and forget gates"),
        (dict(order="icfo"), f"{order}; you swapped the forget gate and the candidate"),
        (dict(order="oifc"), f"{order} (o, i, f, c is an internal layout, not Keras')"),
        (dict(cand=_sigmoid), "the candidate c̃ uses tanh, not the sigmoid: it must be able to write negative values "
                              "into the cell"),
        (dict(forget=False), "the forget gate is missing: the old cell state is multiplied by f before adding i ⊙ c̃"),
        (dict(out_tanh=False), "h_t = o ⊙ tanh(c_t): you forgot the tanh on the cell state"),
    ]
    out = []
    for kwargs, why in variants:
        h_w, c_w = _lstm_variant(*case, **kwargs)
        out.append(((h_w, c_w), why))
    return out


def _lstm_compare(f, case, label):
    shape = case[1].shape
    h_ref, c_ref = lstm_step(*case)
    got = f(*(a.copy() for a in case))
    if isinstance(got, (tuple, list)) and len(got) == 2 and not np.allclose(h_ref, c_ref):
        g0, g1 = (np.asarray(v) if isinstance(v, np.ndarray) else v for v in got)
        if (isinstance(g0, np.ndarray) and g0.shape == shape and np.allclose(g0, c_ref)
                and isinstance(g1, np.ndarray) and g1.shape == shape and np.allclose(g1, h_ref)):
            raise AssertionError("you returned (c_t, h_t); return (h_t, c_t), in that order")
    h, c = _pair(got, shape)
    if np.allclose(h, h_ref, rtol=1e-7, atol=1e-10) and np.allclose(c, c_ref, rtol=1e-7, atol=1e-10):
        return
    for (h_w, c_w), why in _lstm_mistakes(case):
        if np.allclose(h, h_w, rtol=1e-7, atol=1e-10) and np.allclose(c, c_w, rtol=1e-7, atol=1e-10):
            raise AssertionError(f"{label}: {why}")
    expect.close(c, c_ref, rtol=1e-7, atol=1e-10, name=f"c_t ({label})")
    expect.close(h, h_ref, rtol=1e-7, atol=1e-10, name=f"h_t ({label})")


def _lstm_shapes(f):
    case = _lstm_case(11, batch=5, features=3, n=4)
    _pair(f(*(a.copy() for a in case)), (5, 4))


def _lstm_first_step(f):
    """From h_0 = c_0 = 0, as dlcore's LSTM starts: compare with the layer's first step."""
    from ..layers import LSTM

    rng = np.random.default_rng(12)
    x = rng.standard_normal((4, 1, 3))
    layer = LSTM(5)
    layer.forward(x)
    layer.params["bias"][...] = rng.standard_normal(20)   # every gate's bias differs: the order shows
    h_layer = layer.forward(x)
    K, R, b = (layer.params[k].copy() for k in ("kernel", "recurrent_kernel", "bias"))
    zeros = np.zeros((4, 5))
    case = (x[:, 0], zeros, zeros, K, R, b)
    h, c = _pair(f(*(a.copy() for a in case)), (4, 5))
    if not (np.allclose(h, h_layer, rtol=1e-7, atol=1e-10) and np.allclose(c, layer.cell_states[:, 0],
                                                                          rtol=1e-7, atol=1e-10)):
        _lstm_compare(f, case, "first step from h = c = 0, against dlcore's LSTM")


def _lstm_random(f):
    for seed, (batch, features, n) in zip((13, 14, 15), ((5, 3, 4), (1, 2, 6), (8, 4, 3))):
        _lstm_compare(f, _lstm_case(seed, batch, features, n), f"batch of {batch}, {features} features, {n} units")


def _lstm_forget(f):
    """Forget gate shut (f ≈ 0) and wide open (f ≈ 1) with the input gate shut: c_t is then c_prev·f."""
    case = list(_lstm_case(16, batch=3, features=2, n=4))
    case[3][...] = 0.0
    case[4][...] = 0.0
    for f_bias, label in ((30.0, "forget gate open, input gate shut: the cell must keep c_prev"),
                          (-30.0, "forget gate shut, input gate shut: the cell must be erased")):
        b = np.zeros(16)
        b[:4], b[4:8] = -30.0, f_bias          # i ≈ 0; f ≈ 1 or 0
        case[5] = b
        _lstm_compare(f, tuple(case), label)


def _lstm_sequence(f):
    from ..layers import LSTM

    rng = np.random.default_rng(17)
    x = rng.standard_normal((3, 8, 2))
    layer = LSTM(4, return_sequences=True)
    layer.forward(x)
    layer.params["bias"][...] = rng.standard_normal(16)
    states = layer.forward(x)
    K, R, b = (layer.params[k].copy() for k in ("kernel", "recurrent_kernel", "bias"))
    h = c = np.zeros((3, 4))
    for t in range(8):
        h, c = _pair(f(x[:, t].copy(), h, c, K.copy(), R.copy(), b.copy()), (3, 4))
        if not (np.allclose(h, states[:, t], rtol=1e-7, atol=1e-10)
                and np.allclose(c, layer.cell_states[:, t], rtol=1e-7, atol=1e-10)):
            raise AssertionError(f"looping your lstm_step over a sequence departs from dlcore's LSTM at step {t}")


register(Exercise(
    id="ch11.lstm_step", answer="lstm_step", title="One step of an LSTM", kind="implement",
    solution=lstm_step, tests=[
        Check("returns a pair (h_t, c_t), each (batch, units)", _lstm_shapes,
              hint="units = h_prev.shape[-1]; the pre-activations have 4·units columns."),
        Check("first step from zero states matches dlcore's LSTM", _lstm_first_step,
              hint="Split the 4·units columns into blocks i, f, c, o (Keras order)."),
        Check("matches the reference with non-zero h_prev and c_prev", _lstm_random,
              hint="c_t = f ⊙ c_prev + i ⊙ tanh(z_c) and h_t = o ⊙ tanh(c_t), equations (ch11-lstm-gates) to "
                   "(ch11-lstm-h)."),
        Check("the forget gate keeps or erases the cell", _lstm_forget,
              hint="The old cell state enters c_t only through f ⊙ c_prev."),
        Check("looped over 8 steps, reproduces dlcore's LSTM", _lstm_sequence,
              hint="Feed each step's (h_t, c_t) back in as (h_prev, c_prev)."),
    ]))


# ---------------------------------------------------------------- 11.3 how many parameters has an LSTM?

def lstm_parameter_count(features=10, units=64):
    """Four gates, each with an input weight matrix (F·n), a recurrent one (n·n) and a bias (n): 4·(F·n + n·n + n).

    For F = 10 and n = 64: 4 · (640 + 4096 + 64) = 19,200.
    """
    return 4 * (features * units + units * units + units)


_LSTM_PARAMS = lstm_parameter_count()


def _count_is_number(answer):
    if answer is None or isinstance(answer, bool) or not isinstance(answer, numbers.Number):
        raise AssertionError(f"your answer is {expect._describe(answer)}; expected a whole number such as 1234")


def _lstm_parameter_mistakes(F=10, n=64):
    """Wrong counts of the parameters of LSTM(n) on F features, and what each one got wrong."""
    return {
        F * n + n * n + n: "that is one gate's worth, the parameter count of a SimpleRNN(64): an LSTM has four "
                           "such blocks (i, f, c, o)",
        4 * (F * n + n * n): "the four bias vectors (4 · 64 numbers) are missing",
        3 * (F * n + n * n + n): "that counts three blocks; an LSTM has four (i, f, c, o). Three is a GRU without its "
                                 "second bias",
        3 * (F * n + n * n + 2 * n): "that is a GRU(64) with Keras' reset_after=True (two bias rows); an LSTM has "
                                     "four blocks",
        4 * (F * n + n * n + 2 * n): "Keras' LSTM has one bias per gate, not two (PyTorch's has two: 19,456)",
        4 * (F * n + n * n) + n: "each of the four gates has its own bias: 4 · 64 bias numbers, not 64",
        4 * (F * n + n + n): "the recurrent matrix U is (units, 4·units): n·n per gate, not n",
        4 * n * (F + n + 1) + F * n: "count each matrix once: W is (F, 4n), U is (n, 4n), b is (4n,)",
    }


def _count_value(answer):
    _count_is_number(answer)
    expect.whole(answer, name="answer_lstm_params")   # 19200.5 is no count, however close
    expect.number(answer, _LSTM_PARAMS, rtol=0, atol=0, mistakes=_lstm_parameter_mistakes())


register(Exercise(
    id="ch11.lstm_params", answer="answer_lstm_params", title="Counting the parameters of an LSTM", kind="predict",
    solution=_LSTM_PARAMS, tests=[
        Check("is a number", _count_is_number, hint="Write a number, e.g. answer_lstm_params = 1234."),
        Check("the exact count", _count_value,
              hint="kernel (F, 4n) + recurrent_kernel (n, 4n) + bias (4n,), with F = 10 and n = 64."),
    ]))


# ---------------------------------------------------------------- 11.4 LSTMs and vanishing gradients

def lstm_gradient_statement():
    """(c): the cell state is updated additively, c_t = f ⊙ c_{t−1} + i ⊙ c̃_t, so along the cell the gradient is
    multiplied elementwise by forget-gate values the network learns; with f near 1 it survives many steps. This
    mitigates vanishing gradients without abolishing them (at initialisation the chapter measures a 10⁻⁵ decay over
    50 steps), and exploding gradients can still occur. (a) is the source document's "solves", (b) reverses the
    role of the sigmoid's derivative (≤ 1/4, it shrinks gradients), (d) confuses the cell state with unlimited
    memory: every step multiplies it by f ≤ 1 and the chapter's LSTM still decays at initialisation."""
    return "c"


_LSTM_GRADIENT_WHY = {
    "a": "it is the source document's claim. The chapter measured the LSTM's gradient shrinking by a factor of about "
         "10⁻⁵ over 50 steps at initialisation and growing when the recurrent weights are large: LSTMs mitigate the "
         "problem, and LSTM training still uses gradient clipping",
    "b": "it gets the sigmoid backwards: its derivative is at most 1/4, so a sigmoid on the path would shrink the "
         "gradient. What helps is that the cell path has no squashing derivative and no matrix, only f",
    "d": "it is wrong twice: every step multiplies the cell by the forget gate (f ≤ 1), and the chapter's LSTM at "
         "initialisation still lost a factor of about 10⁵ in 50 steps",
}


register(Exercise(
    id="ch11.lstm_gradients", answer="answer_lstm", title="LSTMs and vanishing gradients", kind="choice",
    solution=lstm_gradient_statement(), tests=[
        Check("is one of the letters a–d", expect.letter,
              hint="Answer with a string, e.g. answer_lstm = \"a\"."),
        Check("the right statement", lambda a: expect.choice(a, lstm_gradient_statement(), _LSTM_GRADIENT_WHY),
              hint="Look at equation (ch11-cell-path) and at the LSTM curves of the gradient-flow explorer."),
    ]))
