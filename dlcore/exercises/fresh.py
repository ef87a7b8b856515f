"""Fresh random inputs for every implement exercise: one generator of argument tuples per exercise.

A lookup table of the fixed tests' inputs must not pass a check, so each check also draws new
inputs from the check's seed (new every run; ``check(..., seed=N)`` repeats a run) and compares
the learner's outputs with the reference solution's, computed first, on the test's own arrays.
:func:`attach` gives each exercise its ``fresh`` test when the registry loads.
"""

from __future__ import annotations

import numpy as np

from . import expect


def _dims(rng, *bounds):
    return [int(rng.integers(lo, hi + 1)) for lo, hi in bounds]


def _neuron(rng):
    n, d = _dims(rng, (1, 9), (1, 5))
    yield rng.standard_normal((n, d)) * rng.uniform(0.5, 4), rng.standard_normal(d), float(rng.normal(0, 2))


def _logistic(rng):
    n, d = _dims(rng, (2, 30), (1, 5))
    yield (rng.standard_normal((n, d)), (rng.random(n) < 0.5).astype(float), rng.standard_normal(d),
           float(rng.normal()))


def _elementwise(rng):
    shape = tuple(_dims(rng, (1, 5), (1, 6)))
    yield (rng.normal(0, 8, size=shape),)


def _mlp(rng):
    n, d, h, k = _dims(rng, (1, 8), (1, 5), (1, 7), (2, 5))
    params = {"W1": rng.standard_normal((d, h)), "b1": rng.standard_normal(h),
              "W2": rng.standard_normal((h, k)), "b2": rng.standard_normal(k)}
    yield rng.standard_normal((n, d)), params


def _bce(rng):
    n, k = _dims(rng, (2, 9), (1, 4))
    yield rng.random(n), rng.normal(0, 5, size=n)               # a 1-D batch
    yield rng.random((n, k)), rng.normal(0, 5, size=(n, k))


def _cce(rng):
    n, k = _dims(rng, (1, 9), (2, 6))
    z = rng.normal(0, 2, size=(n, k))
    p = np.exp(z - z.max(axis=1, keepdims=True))
    yield np.eye(k)[rng.integers(0, k, size=n)], p / p.sum(axis=1, keepdims=True)


def _adam(rng):
    shape = tuple(_dims(rng, (1, 4), (1, 5)))
    w, g, m = (rng.standard_normal(shape) for _ in range(3))
    yield w, g, m, rng.random(shape), int(rng.integers(1, 50)), float(rng.uniform(1e-3, 0.1))


def _div(rng):
    a, b, g = rng.normal(0, 3), rng.choice([-1, 1]) * rng.uniform(0.3, 4), rng.normal()
    yield float(a), float(b), float(g)


def _dense(rng):
    n, d_in, d_out = _dims(rng, (1, 8), (1, 6), (1, 6))
    yield rng.standard_normal((n, d_out)), rng.standard_normal((n, d_in)), rng.standard_normal((d_in, d_out))


def _standardize(rng):
    n, m, d = _dims(rng, (3, 20), (1, 8), (1, 4))
    scale, offset = rng.uniform(0.01, 100, size=d), rng.normal(0, 50, size=d)
    yield rng.standard_normal((n, d)) * scale + offset, rng.standard_normal((m, d)) * scale + offset


def _train_step(rng):
    n, d, h, k = _dims(rng, (2, 12), (1, 4), (2, 8), (2, 4))
    params = {"W1": rng.standard_normal((d, h)), "b1": 0.1 * rng.standard_normal(h),
              "W2": rng.standard_normal((h, k)), "b2": 0.1 * rng.standard_normal(k)}
    yield params, rng.standard_normal((n, d)), rng.integers(0, k, size=n), float(rng.uniform(0.05, 1))


def _l2(rng):
    n, d = _dims(rng, (3, 20), (1, 5))
    yield (rng.normal(size=(n, d)), rng.normal(size=n), rng.normal(size=d), float(rng.normal()),
           float(rng.uniform(0, 2)))


def _conv(rng):
    n, h, w, cin, k, cout = _dims(rng, (1, 2), (3, 7), (3, 7), (1, 3), (1, 3), (1, 3))
    stride, padding = int(rng.integers(1, 3)), int(rng.integers(0, 2))
    yield (rng.normal(size=(n, h, w, cin)), rng.normal(size=(k, k, cin, cout)), rng.normal(size=cout),
           stride, padding)


def _maxpool(rng):
    pool = int(rng.integers(2, 4))
    n, ho, wo, c = _dims(rng, (1, 2), (1, 3), (1, 3), (1, 3))
    x = rng.normal(size=(n, ho * pool + int(rng.integers(0, pool)), wo * pool, c))
    yield rng.normal(size=(n, ho, wo, c)), x, pool


def _rnn(rng):
    batch, features, units = _dims(rng, (1, 5), (1, 4), (1, 6))
    yield (rng.standard_normal((batch, features)), np.tanh(rng.standard_normal((batch, units))),
           rng.standard_normal((features, units)), rng.standard_normal((units, units)) / 2,
           rng.standard_normal(units))


def _lstm(rng):
    batch, features, n = _dims(rng, (1, 4), (1, 4), (1, 5))
    yield (rng.standard_normal((batch, features)), np.tanh(rng.standard_normal((batch, n))),
           rng.standard_normal((batch, n)), rng.standard_normal((features, 4 * n)),
           rng.standard_normal((n, 4 * n)) / 2, rng.standard_normal(4 * n))


def _attention(rng):
    b, tq, tk, dk, dv = _dims(rng, (1, 3), (1, 5), (1, 5), (1, 4), (1, 4))
    spread = rng.uniform(1, 30, size=(b, tq, 1))   # rows on very different scales: a global max underflows
    yield rng.normal(size=(b, tq, dk)) * spread, rng.normal(size=(b, tk, dk)), rng.normal(size=(b, tk, dv))


def _causal(rng):
    yield (int(rng.integers(1, 12)),)


def _reparameterize(rng):
    shape = tuple(_dims(rng, (1, 5), (1, 4)))
    yield rng.normal(size=shape), rng.normal(0, 3, size=shape), rng.standard_normal(shape)


def _kl(rng):
    shape = tuple(_dims(rng, (1, 6), (1, 4)))
    yield rng.normal(size=shape), rng.normal(0, 2, size=shape)


def _dropout_fresh(f, rng):
    """Dropout's output is random: check what any right answer does, on a fresh shape and rate."""
    shape = tuple(_dims(rng, (20, 60), (20, 60)))
    rate = float(rng.uniform(0.1, 0.7))
    x = rng.uniform(0.5, 2.0, size=shape)
    out = expect.array(f(x, rate, np.random.default_rng(int(rng.integers(1 << 30))), training=True), shape=shape)
    kept = out != 0
    if not np.allclose(out[kept], x[kept] / (1 - rate), rtol=1e-9):
        raise AssertionError(f"with rate = {rate:.3f} the kept entries are not x / (1 − rate)")
    if abs(float(np.mean(~kept)) - rate) > 4 * np.sqrt(rate * (1 - rate) / x.size) + 0.01:
        raise AssertionError(f"{np.mean(~kept):.1%} of the entries were dropped with rate = {rate:.3f}")


CASES = {
    "ch02.neuron_forward": _neuron, "ch02.logistic_gradient": _logistic, "ch03.sigmoid_grad": _elementwise,
    "ch03.softmax": _elementwise, "ch04.mlp_forward": _mlp, "ch05.bce_from_logits": _bce,
    "ch05.categorical_crossentropy": _cce, "ch06.adam_step": _adam, "ch07.div_backward": _div,
    "ch07.dense_backward": _dense, "ch08.standardize": _standardize, "ch08.train_step": _train_step,
    "ch09.l2_gradient": _l2, "ch10.conv2d_forward": _conv, "ch10.maxpool_backward": _maxpool,
    "ch11.rnn_step": _rnn, "ch11.lstm_step": _lstm, "ch12.attention": _attention, "ch12.causal_mask": _causal,
    "ch13.reparameterize": _reparameterize, "ch13.gaussian_kl": _kl,
}
CUSTOM = {"ch09.dropout_forward": _dropout_fresh}


def compare_with(reference, cases):
    """A ``fresh(f, rng)`` test: ``f`` must return what ``reference`` returns on every case drawn from ``rng``."""
    def fresh(f, rng):
        for args in cases(rng):
            want = reference(*args)          # the reference first, on the test's own arrays
            shapes = ", ".join(str(a.shape) if isinstance(a, np.ndarray) else expect.fmt(a, 4)
                               for a in args if not isinstance(a, dict))
            expect.same(f(*args), want, name=f"on inputs of shapes/values ({shapes}) your function",
                        rtol=1e-6, atol=1e-9)
    return fresh


def attach(exercises) -> None:
    """Give every implement exercise listed here its fresh-inputs test."""
    for ex in exercises:
        if ex.fresh is None and ex.id in CASES:
            ex.fresh = compare_with(ex.solution, CASES[ex.id])
        elif ex.fresh is None and ex.id in CUSTOM:
            ex.fresh = CUSTOM[ex.id]
