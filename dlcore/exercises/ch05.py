"""Chapter 5 exercises. Statements and stubs are in chapters/05_loss_functions.ipynb."""

import numbers

import numpy as np

from . import expect, register
from .grading import Check, Exercise

EPSILON = 1e-7  # Keras' clipping constant, as in dlcore.losses


# ---------------------------------------------------------------- helpers for the checks

def _one_number(value, name="your function"):
    """The learner's result as a float: a number, or an array holding exactly one number."""
    if isinstance(value, np.ndarray) and value.size == 1 and np.issubdtype(value.dtype, np.number):
        value = value.reshape(()).item()
    if value is None or isinstance(value, bool) or not isinstance(value, numbers.Number):
        if isinstance(value, np.ndarray):
            raise AssertionError(f"{name} returned an array of shape {value.shape}; expected one number, "
                                 "the mean over the batch")
        raise AssertionError(f"{name} returned {expect._describe(value)}; expected one number")
    value = float(value)
    if not np.isfinite(value):
        raise AssertionError(f"{name} returned {value}: look for exp overflowing or log(0)")
    return value


def _same_number(value, expected, rtol=1e-7, atol=1e-10, what=""):
    got = _one_number(value)
    if not np.isclose(got, expected, rtol=rtol, atol=atol):
        shown_got, shown_want = expect.differ(got, expected)
        raise AssertionError(f"got {shown_got}, expected {shown_want}{what}")


def _softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


# ---------------------------------------------------------------- 5.1 stable BCE from logits

def binary_crossentropy_from_logits(y, z):
    """Mean binary cross-entropy of labels ``y`` and logits ``z`` (same shape), stable at any ``z``.

    Per entry, -[y log σ(z) + (1 - y) log(1 - σ(z))] simplifies to max(z, 0) - z·y + log(1 + e^(-|z|)):
    the exponent is never positive, so nothing overflows, and log1p keeps the last term exact.
    """
    y = np.asarray(y, dtype=np.float64)
    z = np.asarray(z, dtype=np.float64)
    per_entry = np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))
    return float(np.mean(per_entry))


def _bce_random(f):
    rng = np.random.default_rng(51)
    y = rng.integers(0, 2, size=(8, 1)).astype(float)
    z = rng.normal(0, 3, size=(8, 1))
    _same_number(f(y, z), binary_crossentropy_from_logits(y, z))


def _bce_extremes(f):
    y = np.array([[1.0], [0.0], [1.0], [0.0]])
    z = np.array([[1000.0], [-1000.0], [-1000.0], [1000.0]])  # two right, two confidently wrong
    _same_number(f(y, z), 500.0, what=" (two exact answers cost 0, two confidently wrong ones cost 1000 each)")


def _bce_mean(f):
    y = np.array([[1.0], [0.0], [1.0]])
    z = np.array([[0.5], [-2.0], [-1.0]])
    small = _one_number(f(y, z))
    big = _one_number(f(np.tile(y, (10, 1)), np.tile(z, (10, 1))))
    if not np.isclose(small, big, rtol=1e-9):
        raise AssertionError(f"the same 3 examples repeated 10 times give {big:.4g} instead of {small:.4g}: "
                             "the loss should not grow with the batch size")


def _bce_soft_columns(f):
    rng = np.random.default_rng(52)
    y = rng.uniform(0, 1, size=(5, 3))
    z = rng.normal(0, 4, size=(5, 3))
    _same_number(f(y, z), binary_crossentropy_from_logits(y, z))


def _bce_one_dimensional(f):
    y = np.array([1.0, 0.0, 1.0, 1.0, 0.0])
    z = np.array([2.0, -1.0, -0.5, 4.0, 3.0])
    _same_number(f(y, z), binary_crossentropy_from_logits(y, z), what=" for a 1-D batch of shape (5,)")


register(Exercise(
    id="ch05.bce_from_logits", answer="binary_crossentropy_from_logits",
    title="Binary cross-entropy from logits", kind="implement",
    solution=binary_crossentropy_from_logits, tests=[
        Check("matches the reference on random logits", _bce_random,
              hint="Per entry the loss is max(z, 0) − z·y + log(1 + exp(−|z|)); return its mean."),
        Check("exact at z = ±1000", _bce_extremes,
              hint="Never compute σ(z) and then its log, and never call exp on a positive number: "
                   "use log1p(exp(−|z|)). Clipping probabilities gives 16.1 instead of 1000."),
        Check("mean over the batch, not the sum", _bce_mean, hint="Use np.mean, not np.sum."),
        Check("a 1-D batch, shape (5,)", _bce_one_dimensional,
              hint="np.mean(...) with no axis averages over every entry, whatever the number of axes."),
        Check("soft labels and several outputs, shape (5, 3)", _bce_soft_columns,
              hint="Average over every entry of the (n, k) array; y may be any number in [0, 1]."),
    ]))


# ---------------------------------------------------------------- 5.2 categorical cross-entropy

def categorical_crossentropy(y_onehot, p):
    """Mean over the batch of -Σ_k y_k log p_k, for (n, K) one-hot labels and probabilities.

    Probabilities are clipped to [1e-7, 1 - 1e-7] first (as in Keras), so an exact 0 or 1 stays finite.
    """
    y_onehot = np.asarray(y_onehot, dtype=np.float64)
    p = np.clip(np.asarray(p, dtype=np.float64), EPSILON, 1 - EPSILON)
    per_example = -np.sum(y_onehot * np.log(p), axis=1)   # sum over the classes
    return float(np.mean(per_example))                    # mean over the batch


def _cce_one(f):
    _same_number(f(np.array([[0.0, 1.0, 0.0]]), np.array([[0.2, 0.7, 0.1]])), -np.log(0.7))


def _cce_random(f):
    rng = np.random.default_rng(53)
    y = np.eye(4)[rng.integers(0, 4, size=6)]
    p = _softmax(rng.normal(0, 2, size=(6, 4)))
    _same_number(f(y, p), categorical_crossentropy(y, p))


def _cce_axis(f):
    rng = np.random.default_rng(54)
    y = np.eye(3)[rng.integers(0, 3, size=7)]
    p = _softmax(rng.normal(0, 1, size=(7, 3)))
    got, want = _one_number(f(y, p)), categorical_crossentropy(y, p)
    total = want * 7
    for wrong, what in ((total, "the sum over the batch"), (total / 21, "the mean over all 21 entries"),
                        (total / 3, "a mean over the 3 columns")):
        if np.isclose(got, wrong, rtol=1e-7) and not np.isclose(got, want, rtol=1e-7):
            raise AssertionError(f"got {got:.6g}, which is {what}; expected {want:.6g}, "
                                 "the sum over classes averaged over the 7 examples")
    _same_number(got, want)


def _cce_extremes(f):
    y = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    p = np.array([[1.0, 0.0, 0.0], [1.0, 0.0, 0.0]])  # one exactly right, one certain and wrong
    _same_number(f(y, p), categorical_crossentropy(y, p), rtol=1e-6,
                 what=" (about 16.12 / 2: the wrong example is capped at −log(1e-7))")


register(Exercise(
    id="ch05.categorical_crossentropy", answer="categorical_crossentropy",
    title="Categorical cross-entropy over a batch", kind="implement",
    solution=categorical_crossentropy, tests=[
        Check("one example: −log 0.7", _cce_one, hint="Only the probability of the true class counts."),
        Check("matches the reference on a batch of 6 examples and 4 classes", _cce_random,
              hint="−Σ_k y_k log p_k for each row, then the mean of the rows."),
        Check("sums over classes (axis 1), averages over examples (axis 0)", _cce_axis,
              hint="np.sum(..., axis=1) first, then np.mean of the n results."),
        Check("finite when a probability is exactly 0 or 1", _cce_extremes,
              hint="Clip p to [1e-7, 1 − 1e-7] before the log: 0 · log 0 is nan in numpy."),
    ]))


# ---------------------------------------------------------------- 5.3 predict a BCE value

def bce_of_four_predictions():
    """−mean of ln 0.9, ln 0.8, ln 0.6, ln 0.5: each example costs −ln of the probability it gave its true label."""
    y = np.array([1.0, 0.0, 1.0, 0.0])
    p = np.array([0.9, 0.2, 0.6, 0.5])
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


_BCE4 = bce_of_four_predictions()


def _bce4_is_number(answer):
    if answer is None or isinstance(answer, bool) or not isinstance(answer, numbers.Number):
        raise AssertionError(f"your answer is {expect._describe(answer)}; expected a number such as 0.25")


_BCE4_MISTAKES = [
    (4 * _BCE4, "that is the sum of the four losses; the loss is their mean"),
    (_BCE4 / np.log(10), "that uses log base 10; cross-entropy uses the natural log"),
    (-(np.log(0.9) + np.log(0.6)) / 4, "that leaves out the (1 − y) log(1 − p) term of the label-0 examples"),
    (np.mean((np.array([1, 0, 1, 0]) - np.array([0.9, 0.2, 0.6, 0.5])) ** 2), "that is the mean squared error"),
]


def _bce4_value(answer):
    _bce4_is_number(answer)
    expect.number(answer, _BCE4, rtol=2e-3, mistakes=_BCE4_MISTAKES, fmt=".4f")


register(Exercise(
    id="ch05.bce_value", answer="answer_bce", title="Predict a binary cross-entropy", kind="predict",
    solution=_BCE4, tests=[
        Check("is a number", _bce4_is_number, hint="Write a number, e.g. answer_bce = 0.25."),
        Check("the value, to 3 significant digits", _bce4_value,
              hint="Each example costs −ln(probability given to its true label): −ln 0.9, −ln 0.8, ..."),
    ]))


# ---------------------------------------------------------------- 5.4 which loss is a Gaussian NLL

def gaussian_nll_choice():
    """(b): −log N(y; ŷ, σ²) = (y − ŷ)² / (2σ²) + ½ log(2πσ²), a positive multiple of the squared error plus a
    constant, so both have the same minimiser. (c) is the Laplace NLL, (a) the Bernoulli, (d) the categorical."""
    return "b"


register(Exercise(
    id="ch05.gaussian_nll", answer="answer_loss", title="Which loss is a Gaussian likelihood?", kind="choice",
    solution=gaussian_nll_choice(), tests=[
        Check("is one of the letters a–d", expect.letter, hint="Answer with a string, e.g. answer_loss = \"a\"."),
        Check("the right loss", lambda a: expect.choice(a, gaussian_nll_choice()),
              hint="Write −log of the Gaussian density (1/√(2πσ²)) exp(−(y − ŷ)²/(2σ²)) and drop what does not "
                   "depend on ŷ."),
    ]))
