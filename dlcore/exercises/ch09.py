"""Chapter 9 exercises. Statements and stubs are in chapters/09_regularization.ipynb."""

import numbers

import numpy as np

from . import expect, register
from .grading import Check, Exercise

# ---------------------------------------------------------------- 9.1 inverted dropout


def dropout_forward(x, rate, rng, training=True):
    """Inverted dropout: in training, zero each entry with probability ``rate`` and divide the survivors by
    ``1 - rate``, so every entry keeps its expected value; at inference, return ``x`` unchanged."""
    x = np.asarray(x, dtype=float)
    if not training or rate == 0:
        return x
    keep = rng.random(x.shape) >= rate          # a fresh mask at every call, P(keep) = 1 - rate
    return x * keep / (1.0 - rate)               # a new array: x itself is not modified


def _positive_batch(seed, shape=(40, 50)):
    return np.random.default_rng(seed).uniform(0.5, 2.0, size=shape)


def _dropout_inference(f):
    x = _positive_batch(91)
    out = expect.array(f(x, 0.5, np.random.default_rng(0), training=False), shape=x.shape)
    if np.any(out == 0):
        raise AssertionError(f"with training=False, {int(np.sum(out == 0))} of {x.size} entries are 0: "
                             "dropout must drop nothing at inference")
    if not np.allclose(out, x, rtol=1e-12, atol=0):
        ratio = float(np.median(out / x))
        raise AssertionError(f"with training=False the output is {ratio:.3g} times the input; it must be the input "
                             "itself (inverted dropout already did its scaling during training)")


def _dropout_values(f):
    x = _positive_batch(92)
    out = expect.array(f(x, 0.3, np.random.default_rng(1), training=True), shape=x.shape)
    dropped = out == 0
    kept = ~dropped
    if not dropped.any():
        raise AssertionError("in training, no entry was set to 0")
    if np.allclose(out[kept], x[kept]):
        raise AssertionError("the kept entries are unchanged: divide them by (1 − rate) = 0.7")
    if not np.allclose(out[kept], x[kept] / 0.7, rtol=1e-9):
        ratio = float(np.median(out[kept] / x[kept]))
        raise AssertionError(f"the kept entries are {ratio:.4g} times the input; expected 1 / (1 − rate) = "
                             f"{1 / 0.7:.4g}")


def _dropout_fraction_and_mean(f):
    x = np.ones((200, 500))
    out = expect.array(f(x, 0.3, np.random.default_rng(2), training=True), shape=x.shape)
    frac = float(np.mean(out == 0))
    if not 0.28 < frac < 0.32:
        raise AssertionError(f"{frac:.1%} of the entries were dropped with rate = 0.3; expected about 30% "
                             "(rate is the fraction to DROP)")
    mean = float(out.mean())
    if not 0.98 < mean < 1.02:
        raise AssertionError(f"the mean of the output is {mean:.3f} for an input of ones; inverted dropout keeps "
                             "it at 1")


def _dropout_fresh_mask(f):
    x = np.ones((30, 40))
    rng = np.random.default_rng(3)
    a = expect.array(f(x, 0.5, rng, training=True), shape=x.shape)
    b = expect.array(f(x, 0.5, rng, training=True), shape=x.shape)
    if np.array_equal(a == 0, b == 0):
        raise AssertionError("two calls with the same generator dropped exactly the same entries: draw a new "
                             "mask from rng at every call")
    c = expect.array(f(x, 0.5, np.random.default_rng(4), training=True), shape=x.shape)
    d = expect.array(f(x, 0.5, np.random.default_rng(4), training=True), shape=x.shape)
    if not np.array_equal(c, d):
        raise AssertionError("two generators with the same seed gave different masks: draw the mask from the "
                             "rng argument (rng.random(x.shape)), not from np.random")


def _dropout_shape_and_input(f):
    x = _positive_batch(93, shape=(4, 5, 6))
    expect.array(f(x, 0.25, np.random.default_rng(5), training=True), shape=x.shape)
    same = expect.array(f(x, 0.0, np.random.default_rng(6), training=True), shape=x.shape)
    if not np.allclose(same, x):
        raise AssertionError("with rate = 0 nothing should change")


def _dropout_independent(f):
    x = np.ones((200, 300))
    dropped = expect.array(f(x, 0.5, np.random.default_rng(7), training=True), shape=x.shape) == 0
    rows_all_or_none = np.mean(dropped.all(axis=1) | (~dropped).all(axis=1))
    cols_all_or_none = np.mean(dropped.all(axis=0) | (~dropped).all(axis=0))
    if rows_all_or_none > 0.5 or cols_all_or_none > 0.5:
        raise AssertionError("whole rows (or columns) are dropped or kept together: draw one coin per ENTRY, "
                             "rng.random(x.shape), not one per row or per feature")
    if np.mean(np.all(dropped == dropped[0], axis=1)) > 0.5:
        raise AssertionError("every row of the batch has the same mask: draw a mask of the whole shape x.shape, "
                             "not one of shape x.shape[1:] shared by the batch")


register(Exercise(
    id="ch09.dropout_forward", answer="dropout_forward", title="Inverted dropout", kind="implement",
    solution=dropout_forward, tests=[
        Check("inference (training=False) returns x unchanged", _dropout_inference,
              hint="At inference dropout is the identity: return x. The 1/(1 − rate) scaling happens in training."),
        Check("training: every entry is 0 or x / (1 − rate)", _dropout_values,
              hint="Multiply x by a 0/1 mask and divide by (1 − rate)."),
        Check("drops a fraction ≈ rate and keeps the mean", _dropout_fraction_and_mean,
              hint="keep = rng.random(x.shape) >= rate keeps each entry with probability 1 − rate."),
        Check("a fresh mask from rng at every call", _dropout_fresh_mask,
              hint="Draw the mask inside the function from the rng you are given; do not create a generator."),
        Check("each entry is dropped on its own (not whole rows, not one mask for the batch)", _dropout_independent,
              hint="keep = rng.random(x.shape) >= rate: one random number per entry of x."),
        Check("any shape and rate = 0", _dropout_shape_and_input,
              hint="Use rng.random(x.shape) and return x * keep / (1 − rate), a new array; avoid x *= ..."),
    ]))


# ---------------------------------------------------------------- 9.2 gradient of an L2-regularized loss


def l2_regularized_gradient(X, y, w, b, lam):
    """Gradient of L(w, b) = mean((X w + b − y)²) + lam · Σ w² (Keras' L2 convention, bias not penalised).

    The data term gives (2/n) Xᵀr and 2·mean(r) for the residual r = X w + b − y; the penalty adds
    2·lam·w to the weight gradient only.
    """
    X, y, w = np.asarray(X, float), np.asarray(y, float), np.asarray(w, float)
    r = X @ w + b - y
    n = len(y)
    dw = 2.0 / n * (X.T @ r) + 2.0 * lam * w
    db = 2.0 * float(np.mean(r))
    return dw, db


def _l2_loss(X, y, w, b, lam):
    return float(np.mean((X @ w + b - y) ** 2) + lam * np.sum(w ** 2))


def _numeric_grad(X, y, w, b, lam, h=1e-6):
    dw = np.zeros_like(w)
    for i in range(len(w)):
        e = np.zeros_like(w)
        e[i] = h
        dw[i] = (_l2_loss(X, y, w + e, b, lam) - _l2_loss(X, y, w - e, b, lam)) / (2 * h)
    db = (_l2_loss(X, y, w, b + h, lam) - _l2_loss(X, y, w, b - h, lam)) / (2 * h)
    return dw, db


def _linear_problem(seed, n=12, d=4):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    y = rng.normal(size=n)
    w = rng.normal(size=d)
    b = float(rng.normal())
    return X, y, w, b


def _unpack(result, d):
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise AssertionError(f"your function returned {expect._describe(result)}; expected a pair (dw, db)")
    dw, db = result
    dw = expect.array(dw, shape=(d,), name="dw")
    db_arr = np.asarray(db)
    if not np.issubdtype(db_arr.dtype, np.number) or db_arr.size != 1:
        raise AssertionError(f"db is {expect._describe(db)}; expected one number")
    db = float(db_arr.reshape(-1)[0])
    if not np.isfinite(db):
        raise AssertionError("db is NaN or infinite")
    return dw, db


def _l2_shapes(f):
    X, y, w, b = _linear_problem(60)
    _unpack(f(X, y, w, b, 0.1), 4)


def _l2_no_penalty(f):
    X, y, w, b = _linear_problem(61)
    dw, db = _unpack(f(X, y, w, b, 0.0), 4)
    want_w, want_b = _numeric_grad(X, y, w, b, 0.0)
    if np.allclose(dw, want_w / 2, rtol=1e-5) and not np.allclose(dw, want_w, rtol=1e-5):
        raise AssertionError("with lam = 0 your dw is half the gradient of the mean squared error: "
                             "d/dw of r² is 2 r x")
    if np.allclose(dw, -want_w, rtol=1e-5):
        raise AssertionError("with lam = 0 your dw has the wrong sign: the residual is prediction − target")
    if np.allclose(dw, want_w * len(y), rtol=1e-5):
        raise AssertionError("with lam = 0 your dw is n times too large: the loss is a mean over the examples")
    expect.close(dw, want_w, rtol=1e-5, atol=1e-7, name="dw (lam = 0)")
    expect.close(db, want_b, rtol=1e-5, atol=1e-7, name="db (lam = 0)")


def _l2_penalty(f):
    X, y, w, b = _linear_problem(62)
    lam = 0.7
    dw, _ = _unpack(f(X, y, w, b, lam), 4)
    want_w, _ = _numeric_grad(X, y, w, b, lam)
    if np.allclose(dw, want_w - lam * w, rtol=1e-5):
        raise AssertionError("the penalty lam·Σw² contributes 2·lam·w to dw, not lam·w")
    expect.close(dw, want_w, rtol=1e-5, atol=1e-7, name="dw")


def _l2_bias(f):
    X, y, w, _ = _linear_problem(63)
    b, lam = 3.0, 2.0
    _, db = _unpack(f(X, y, w, b, lam), 4)
    _, want_b = _numeric_grad(X, y, w, b, lam)
    if np.isclose(db, want_b + 2 * lam * b, rtol=1e-5) or np.isclose(db, want_b + lam * b, rtol=1e-5):
        raise AssertionError("db contains a penalty term, but the bias is not regularized: only Σw² is penalised")
    expect.close(db, want_b, rtol=1e-5, atol=1e-7, name="db")


def _l2_mean(f):
    X, y, w, b = _linear_problem(64, n=5)
    lam = 0.2
    small = _unpack(f(X, y, w, b, lam), 4)
    big = _unpack(f(np.tile(X, (4, 1)), np.tile(y, 4), w, b, lam), 4)
    if not (np.allclose(small[0], big[0], rtol=1e-9) and np.isclose(small[1], big[1], rtol=1e-9)):
        raise AssertionError("the same 5 examples repeated 4 times changed the gradient: average over the "
                             "examples (divide by n), do not sum")


register(Exercise(
    id="ch09.l2_gradient", answer="l2_regularized_gradient",
    title="The gradient of an L2-regularized loss", kind="implement",
    solution=l2_regularized_gradient, tests=[
        Check("returns (dw of shape (d,), db a number)", _l2_shapes, hint="return dw, db"),
        Check("lam = 0: the gradient of the mean squared error", _l2_no_penalty,
              hint="With r = X @ w + b − y: dw = (2/n) X.T @ r and db = 2·mean(r)."),
        Check("the penalty adds 2·lam·w to dw", _l2_penalty, hint="d/dw (lam·w²) = 2·lam·w."),
        Check("the bias is not penalised", _l2_bias, hint="The penalty is lam·Σw²: b does not appear in it."),
        Check("a mean over the examples, not a sum", _l2_mean, hint="Divide the data term by n = len(y)."),
    ]))


# ---------------------------------------------------------------- 9.3 which statement about batch normalization


def batchnorm_choice():
    """(b). Batch normalization is a layer inside the network: in training it normalises each feature with the
    current mini-batch's mean and variance, then applies a learnable scale γ and shift β; at inference it uses the
    moving averages it collected during training. (a) is the seed's claim (preprocessing of the input), (c) is layer
    normalization, (d) is what BN avoids at inference."""
    return "b"


_BATCHNORM_WHY = {
    "a": "batch normalization is a layer inside the network, applied to hidden activations at every step, with "
         "learnable γ and β — standardizing the inputs once is preprocessing",
    "c": "that describes layer normalization (statistics over the features of one example)",
    "d": "at inference a BN layer uses its moving averages, so one example's output does not depend on the rest of "
         "its batch",
}


register(Exercise(
    id="ch09.batchnorm_statement", answer="answer_bn", title="What batch normalization does", kind="choice",
    solution=batchnorm_choice(), tests=[
        Check("is one of the letters a–d", expect.letter, hint="Answer with a string, e.g. answer_bn = \"a\"."),
        Check("the right statement", lambda a: expect.choice(a, batchnorm_choice(), _BATCHNORM_WHY),
              hint="Where does a BN layer sit, which statistics does it use in training, and which at inference?"),
    ]))


# ---------------------------------------------------------------- 9.4 tune the L2 strength

POLY_DEGREE = 9
NOISE = 0.2
TARGET_MSE = 0.06


def _sample(n, rng):
    """n inputs uniform in [−1, 1] and targets sin(3x) + N(0, 0.2²), drawn from ``rng`` (as in the chapter)."""
    x = rng.uniform(-1, 1, n)
    return x, np.sin(3 * x) + rng.normal(0, NOISE, n)


def polynomial_training_data():
    """The chapter's 20 training points: the first draw from ``np.random.default_rng(37)``."""
    return _sample(20, np.random.default_rng(37))


def _hidden_test_data():
    """5,000 fresh points the chapter never shows, from another seed."""
    return _sample(5000, np.random.default_rng(2024))


def _features(x, degree=POLY_DEGREE):
    return np.stack([x ** k for k in range(1, degree + 1)], axis=1)


def ridge_fit(x, y, lam, degree=POLY_DEGREE):
    """Minimise mean((Φw + b − y)²) + lam·Σw² over w and b (bias not penalised), as a least-squares problem:
    stack the rows Φ/√n with √lam·I under them (the bias column gets no penalty row)."""
    phi = _features(x, degree)
    n, d = phi.shape
    A = np.vstack([np.hstack([phi, np.ones((n, 1))]) / np.sqrt(n),
                   np.hstack([np.sqrt(lam) * np.eye(d), np.zeros((d, 1))])])
    theta = np.linalg.lstsq(A, np.concatenate([y / np.sqrt(n), np.zeros(d)]), rcond=None)[0]
    return theta[:-1], theta[-1]


def hidden_test_mse(lam):
    """Test MSE on 5,000 fresh points of the degree-9 fit with L2 strength ``lam`` on the 20 training points."""
    w, b = ridge_fit(*polynomial_training_data(), lam)
    x, y = _hidden_test_data()
    return float(np.mean((_features(x) @ w + b - y) ** 2))


def a_good_l2_strength():
    """The λ with the lowest validation error in the chapter's sweep: 10^-3.25 ≈ 5.6e-4 (fresh-data MSE ≈ 0.046).
    Every λ from about 3e-5 to 5e-3 reaches the target 0.06; λ = 0 gives about 7.9 and λ = 0.1 about 0.16."""
    return 10 ** -3.25


def _lam_is_number(answer):
    if answer is None or isinstance(answer, bool) or not isinstance(answer, numbers.Real):
        raise AssertionError(f"your answer is {expect._describe(answer)}; expected a number such as 0.01")
    if not np.isfinite(answer) or answer < 0:
        raise AssertionError(f"λ = {answer} is not allowed: the strength of a penalty is a finite number ≥ 0")


def _lam_reaches_target(answer):
    _lam_is_number(answer)
    mse = hidden_test_mse(float(answer))
    if mse > TARGET_MSE:
        side = ("too weak: the curve still wiggles through the noise" if answer < a_good_l2_strength() else
                "too strong: the curve is too flat to follow sin 3x")
        raise AssertionError(f"with λ = {float(answer):.3g} the test MSE on fresh data is {mse:.4f} > "
                             f"{TARGET_MSE}; λ is {side}")


register(Exercise(
    id="ch09.tune_l2", answer="lam_answer", title="Tune the L2 strength", kind="tune",
    solution=a_good_l2_strength(), tests=[
        Check("is a number ≥ 0", _lam_is_number, hint="Write a number, e.g. lam_answer = 0.01."),
        Check(f"test MSE on 5,000 fresh points ≤ {TARGET_MSE}", _lam_reaches_target,
              hint="Pick the λ where the VALIDATION error of the chapter's sweep is lowest; the slider shows "
                   "the fit at each λ."),
    ]))
