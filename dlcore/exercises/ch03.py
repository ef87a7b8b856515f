"""Chapter 3 exercises. Statements and stubs are in chapters/03_activation_functions.ipynb."""

import numpy as np

from . import expect, register
from .grading import Check, Exercise

# ----------------------------------------------------------------------------------------------
# Exercise 3.1: the derivative of the sigmoid, stable for any input


def sigmoid_grad(z):
    """σ'(z) = σ(z)(1 − σ(z)), computed from a sigmoid that never overflows.

    σ(z) = (1 + tanh(z/2)) / 2 is the same function as 1 / (1 + exp(−z)), but tanh never overflows.
    """
    s = 0.5 * (1.0 + np.tanh(np.asarray(z, dtype=float) / 2.0))
    return s * (1.0 - s)


def _tails_match(f):
    z = np.array([-1000.0, -50.0, -20.0, 20.0, 50.0, 1000.0])
    expect.close(f(z.copy()), sigmoid_grad(z), rtol=1e-6, atol=1e-12)


def _no_overflow(f):
    z = np.array([-1000.0, 1000.0])
    with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
        expect.close(f(z.copy()), [0.0, 0.0], atol=1e-12)


def _random_batch(f):
    z = 3.0 * np.random.default_rng(30).standard_normal((3, 4, 5))
    expect.close(f(z.copy()), sigmoid_grad(z), rtol=1e-6, atol=1e-10)


register(Exercise(
    id="ch03.sigmoid_grad", answer="sigmoid_grad", title="The derivative of the sigmoid", kind="implement",
    solution=sigmoid_grad, tests=[
        Check("σ′(0) = 0.25", lambda f: expect.close(f(np.array([0.0])), [0.25]),
              hint="σ(0) = 1/2, so σ′(0) = 1/2 · (1 − 1/2). Apply the sigmoid to z first: the derivative is "
                   "σ(z)(1 − σ(z)), not z(1 − z)."),
        Check("matches σ(z)(1 − σ(z)) on a random batch of shape (3, 4, 5)", _random_batch,
              hint="Work elementwise with numpy (no loops, no math.exp) and return an array of the input's shape."),
        Check("correct and finite far in the tails (|z| = 20, 50, 1000)", _tails_match,
              hint="exp(1000) is inf in float64, and inf / inf is nan. Compute σ(z) stably first "
                   "(e.g. σ(z) = (1 + tanh(z/2)) / 2), then σ(z)(1 − σ(z))."),
        Check("no overflow at z = ±1000", _no_overflow,
              hint="Your code computes exp of a large positive number somewhere (np.where evaluates BOTH "
                   "branches). Use exp(−|z|), which is at most 1, or the tanh form of the sigmoid."),
    ]))

# ----------------------------------------------------------------------------------------------
# Exercise 3.2: a numerically stable softmax over the last axis of a batch


def softmax(z):
    """exp(z) / Σ exp(z) along the last axis, after subtracting each row's maximum (which changes nothing).

    The shift makes the largest exponent exp(0) = 1, so nothing overflows and every denominator is ≥ 1.
    """
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _rows_sum_to_one(f):
    z = np.random.default_rng(31).standard_normal((4, 5))
    p = expect.array(f(z.copy()), shape=(4, 5))
    expect.close(p.sum(axis=-1), np.ones(4), name="the sums of your rows")


def _batch_2d(f):
    z = 2.0 * np.random.default_rng(32).standard_normal((4, 5))
    expect.close(f(z.copy()), softmax(z), rtol=1e-6, atol=1e-12)


def _batch_3d(f):
    z = 2.0 * np.random.default_rng(33).standard_normal((2, 3, 5))
    expect.close(f(z.copy()), softmax(z), rtol=1e-6, atol=1e-12)


_HUGE = np.array([[1000.0, 0.0, -1000.0], [-1000.0, -1000.0, -1000.0], [1e4, 1e4, 0.0]])


def _huge_logits(f):
    expect.close(f(_HUGE.copy()), [[1.0, 0.0, 0.0], [1 / 3, 1 / 3, 1 / 3], [0.5, 0.5, 0.0]], rtol=1e-9, atol=1e-12)


def _single_vector(f):
    expect.close(f(np.array([1.0, 2.0, 3.0])), softmax(np.array([1.0, 2.0, 3.0])), rtol=1e-9)


register(Exercise(
    id="ch03.softmax", answer="softmax", title="A stable softmax for a batch", kind="implement",
    solution=softmax, tests=[
        Check("each row of a (4, 5) batch sums to 1", _rows_sum_to_one,
              hint="Normalise over the LAST axis: sum with axis=-1 and keepdims=True so the sums broadcast."),
        Check("matches the reference on a (4, 5) batch", _batch_2d,
              hint="softmax(z)_k = exp(z_k) / Σ_j exp(z_j), computed separately for every row."),
        Check("normalises over the last axis of a (2, 3, 5) input", _batch_3d,
              hint="Use axis=-1 (not axis=1 or axis=0) so that any number of leading batch axes works."),
        Check("exact for huge logits such as [1000, 0, −1000]", _huge_logits,
              hint="Subtract each row's own maximum (z.max(axis=-1, keepdims=True)) before exp; a single global "
                   "maximum is not enough when rows differ a lot."),
        Check("works on a single vector of shape (K,)", _single_vector,
              hint="axis=-1 with keepdims=True also works for 1-D input."),
    ]))

# ----------------------------------------------------------------------------------------------
# Exercise 3.3: how much can a gradient shrink through stacked sigmoids?


def sigmoid_chain_bound(layers=5):
    """Each sigmoid multiplies the backward signal by σ′(z) ≤ σ′(0) = 1/4, so L of them by at most (1/4)^L.

    For L = 5: 1/1024 ≈ 0.000977.
    """
    return 0.25**layers


def _between_zero_and_one(answer):
    expect.number(answer, 0.5, rtol=0, atol=0.5)  # a number in [0, 1]


register(Exercise(
    id="ch03.sigmoid_chain_bound", answer="chain_bound", title="A gradient through five sigmoids", kind="predict",
    solution=sigmoid_chain_bound(), tests=[
        Check("a number between 0 and 1", _between_zero_and_one,
              hint="Every factor σ′(z) lies between 0 and 1/4, so their product does too."),
        Check("the largest possible factor", lambda a: expect.number(a, sigmoid_chain_bound(), rtol=1e-3),
              hint="The factors multiply (chain rule), they do not add; each is at most σ′(0) = 1/4 "
                   "(not σ(0) = 1/2)."),
    ]))

# ----------------------------------------------------------------------------------------------
# Exercise 3.4: which statement about ReLU is true?


def relu_true_statement():
    """(b): for z < 0 the derivative of ReLU is exactly 0, so a unit that is negative on every input gets no
    gradient at all and gradient descent cannot change it; leaky ReLU keeps a slope α > 0 there.

    (a) is the source's invented "sparse activation function" (about half the outputs are zero at
    initialisation, not most); (c) is the invented "dead-median problem" (near 0 is where σ′ is largest);
    (d) confuses the activation with the layer width; (e) confuses the fixed activation with the trained
    weights and biases.
    """
    return "b"


register(Exercise(
    id="ch03.relu_statement", answer="relu_answer", title="The true statement about ReLU", kind="choice",
    solution=relu_true_statement(), tests=[
        Check("one of the letters a–e", lambda a: expect.letter(a, choices="abcde"),
              hint='Answer with a string such as "a".'),
        Check("the true statement", lambda a: expect.choice(a, relu_true_statement(), choices="abcde"),
              hint="Look at the derivative of ReLU for z < 0, and at what happened to the dead unit in the "
                   "chapter while it was trained."),
    ]))
