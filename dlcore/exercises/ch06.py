"""Chapter 6 exercises. Statements and stubs are in chapters/06_gradient_descent.ipynb."""

import math
import numbers

import numpy as np

from . import expect, register
from .grading import Check, Exercise

# --------------------------------------------------------------------------------------------
# Exercise 6.1 — one step of Adam


def adam_step(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """One Adam update (Kingma & Ba 2015) of the weights ``w`` given their gradient ``g``.

    ``m`` and ``v`` are the running averages of ``g`` and ``g**2`` before this step, and ``t`` is the
    number of this step, counting from 1. Returns the new ``(w, m, v)``; the bias-corrected averages
    are used for the step only, never stored.
    """
    m = beta1 * m + (1 - beta1) * g              # running average of the gradient
    v = beta2 * v + (1 - beta2) * g * g          # running average of its square
    m_hat = m / (1 - beta1**t)                   # bias correction: both averages started at 0
    v_hat = v / (1 - beta2**t)
    w = w - lr * m_hat / (np.sqrt(v_hat) + eps)  # eps after the square root
    return w, m, v


def _three_arrays(result, shape):
    """The learner's result as three arrays of ``shape``."""
    if not isinstance(result, (tuple, list)) or len(result) != 3:
        raise AssertionError(f"your function returned {expect._describe(result)}; expected a tuple (w, m, v)")
    return [expect.array(r, shape=shape, name=f"the {name} you returned") for r, name in zip(result, "wmv")]


def _compare(result, expected, what):
    got = _three_arrays(result, np.shape(expected[0]))
    for name, a, b in zip(("w", "m", "v"), got, expected):
        if not np.allclose(a, b, rtol=1e-9, atol=1e-15):
            i = np.unravel_index(np.argmax(np.abs(a - b)), np.shape(b)) if np.ndim(b) else ()
            raise AssertionError(f"{what}: the new {name} is {float(np.asarray(a)[i]):.10g} at index "
                                 f"{tuple(int(k) for k in i)}, expected {float(np.asarray(b)[i]):.10g}")


def _call(f, w, g, m, v, t, **kw):
    return f(w.copy(), g.copy(), m.copy(), v.copy(), t, **kw)


def _check_first_step(f):
    w = np.array([0.5, -1.0, 2.0, 0.0])
    g = np.array([1e-3, 1.0, 1e3, -5.0])            # gradients of very different sizes
    z = np.zeros(4)
    expected = adam_step(w, g, z, z, 1, lr=0.1)
    _compare(_call(f, w, g, z, z, 1, lr=0.1), expected, "first step (t = 1) from m = v = 0")


def _check_sequence(f):
    rng = np.random.default_rng(61)
    w = rng.normal(size=(3, 4))
    m, v = np.zeros((3, 4)), np.zeros((3, 4))
    w_ref, m_ref, v_ref = w.copy(), m.copy(), v.copy()
    for t in range(1, 11):
        g = rng.normal(size=(3, 4)) * 3.0
        w_ref, m_ref, v_ref = adam_step(w_ref, g, m_ref, v_ref, t, lr=0.01)
        result = _call(f, w, g, m, v, t, lr=0.01)
        _compare(result, (w_ref, m_ref, v_ref), f"step t = {t} of ten, feeding back your own (w, m, v)")
        w, m, v = (np.asarray(r, dtype=float) for r in result)


def _check_late_step(f):
    rng = np.random.default_rng(62)
    w, g = rng.normal(size=5), rng.normal(size=5)
    m, v = rng.normal(size=5) * 0.1, rng.uniform(0.1, 1.0, size=5)
    kw = dict(lr=0.003, beta1=0.8, beta2=0.99, eps=1e-6)
    _compare(_call(f, w, g, m, v, 37, **kw), adam_step(w, g, m, v, 37, **kw), "step t = 37 with beta1 = 0.8, "
             "beta2 = 0.99")


def _check_tiny_gradients(f):
    w = np.array([1.0, -2.0, 3.0])
    g = np.array([1e-9, -2e-8, 5e-10])              # comparable to eps = 1e-8
    z = np.zeros(3)
    expected = adam_step(w, g, z, z, 1, lr=0.1)
    _compare(_call(f, w, g, z, z, 1, lr=0.1), expected, "gradients of size 1e-9")


register(Exercise(
    id="ch06.adam_step", answer="adam_step", title="One step of Adam", kind="implement",
    solution=adam_step, tests=[
        Check("first step from m = v = 0: every weight moves by about lr, whatever its gradient's size",
              _check_first_step,
              hint="Without the bias correction m/(1 − β₁ᵗ) and v/(1 − β₂ᵗ), the first step is about 3.16·lr "
                   "instead of lr."),
        Check("ten steps in a row, on a (3, 4) array, match the reference (w, m and v)", _check_sequence,
              hint="Update m and v first, then correct copies of them for the step. Return the *uncorrected* m "
                   "and v: they are the state the next step starts from."),
        Check("a later step (t = 37) with other β₁, β₂, ε", _check_late_step,
              hint="Use the step number t you are given in 1 − β₁ᵗ and 1 − β₂ᵗ (t counts from 1), and the "
                   "beta1, beta2, eps arguments rather than the default values."),
        Check("tiny gradients, where ε matters", _check_tiny_gradients,
              hint="ε is added after the square root: m̂ / (√v̂ + ε), not m̂ / √(v̂ + ε)."),
    ]))

# --------------------------------------------------------------------------------------------
# Exercise 6.2 — predict the number of updates


def digits_updates():
    """1437 training images in mini-batches of 32: ⌈1437 / 32⌉ = 45 updates per epoch (44 full batches and a last
    batch of 29), so 15 epochs make 15 · 45 = 675 updates."""
    per_epoch = math.ceil(1437 / 32)
    return (per_epoch, 15 * per_epoch)


_UPDATES = digits_updates()


def _pair(answer):
    if isinstance(answer, list):
        answer = tuple(answer)
    if not isinstance(answer, tuple) or len(answer) != 2:
        raise AssertionError(f"your answer is {expect._describe(answer)}; expected a pair of whole numbers "
                             "(per_epoch, total), e.g. (10, 100)")
    for x in answer:
        if isinstance(x, bool) or not isinstance(x, numbers.Number) or float(x) != int(x):
            raise AssertionError(f"{x!r} is not a whole number: updates are counted, so both entries are "
                                 "integers")
    return int(answer[0]), int(answer[1])


_PER_EPOCH_MISTAKES = {
    44: "1437 / 32 = 44.9, and the 29 examples left over form a last, smaller batch: round up",
    32: "32 is the batch size, the number of examples per update, not the number of updates",
    1437: "1437 updates per epoch would be stochastic gradient descent, one example per update",
    1: "one update per epoch is batch gradient descent, with the whole training set in each update",
}


def _per_epoch(answer):
    expect.number(_pair(answer)[0], _UPDATES[0], rtol=0, name="per_epoch", mistakes=_PER_EPOCH_MISTAKES)


def _total(answer):
    per_epoch, total = _pair(answer)
    if total == 15:
        raise AssertionError("15 is the number of epochs; each epoch makes many updates")
    if total != _UPDATES[1]:
        raise AssertionError(f"total = {total} is not right: it is the number of epochs times the "
                             "number of updates per epoch")


register(Exercise(
    id="ch06.updates_per_epoch", answer="answer_updates", title="How many updates?", kind="predict",
    solution=_UPDATES, tests=[
        Check("is a pair of whole numbers", _pair, hint="Write answer_updates = (per_epoch, total)."),
        Check("updates per epoch", _per_epoch,
              hint="One update per mini-batch; an epoch is one pass over all 1437 images. Does 32 divide 1437?"),
        Check("updates in total", _total, hint="15 epochs, each with the same number of updates."),
    ]))

# --------------------------------------------------------------------------------------------
# Exercise 6.3 — the definition of batch gradient descent


def batch_gd_choice():
    """(b): batch (full-batch) gradient descent averages the gradient over the whole training set for every
    update, so it makes one update per epoch. (a) is mini-batch gradient descent, (c) stochastic gradient
    descent, and (d) describes parameter averaging, a distributed-training scheme."""
    return "b"


_CHOICE_WHY = {
    "a": "that is mini-batch gradient descent (the definition one source gives for batch gradient descent)",
    "c": "one example per update is stochastic gradient descent",
    "d": "averaging the weights of several copies is a distributed-training scheme, not batch gradient descent",
}


register(Exercise(
    id="ch06.batch_gd_definition", answer="answer_batch", title="What is batch gradient descent?", kind="choice",
    solution=batch_gd_choice(), tests=[
        Check("is one of the letters a–d", expect.letter, hint="Answer with a string, e.g. answer_batch = \"a\"."),
        Check("the right definition", lambda a: expect.choice(a, batch_gd_choice(), _CHOICE_WHY),
              hint="The 'batch' of batch gradient descent is the entire training set: how many updates per epoch "
                   "does that make?"),
    ]))

# --------------------------------------------------------------------------------------------
# Exercise 6.4 — tune the learning rate of plain gradient descent

QUAD_CURVATURES = np.array([1.0, 10.0])   # L(w) = ½ (1·w₁² + 10·w₂²)
QUAD_START = np.array([3.0, 1.0])
QUAD_STEPS = 60
QUAD_TARGET = 1e-6


def quadratic_gd_losses(lr, steps=QUAD_STEPS):
    """The loss after each of ``steps`` plain gradient-descent steps on L(w) = ½ (w₁² + 10 w₂²) from (3, 1)."""
    w = QUAD_START.copy()
    losses = []
    for _ in range(steps):
        w = w - lr * QUAD_CURVATURES * w          # ∇L = (1·w₁, 10·w₂)
        losses.append(0.5 * float(np.sum(QUAD_CURVATURES * w**2)))
    return np.array(losses)


def tuned_learning_rate():
    """Each coordinate is multiplied by (1 − η λ) per step. η = 2 / (λ_min + λ_max) = 2/11 ≈ 0.18 makes the two
    factors equal in size (|1 − η| = |1 − 10η| = 9/11), the fastest rate; anything in about [0.12, 0.187] reaches
    the target in 60 steps, while η ≥ 2/10 = 0.2 never converges."""
    return 2 / (QUAD_CURVATURES.min() + QUAD_CURVATURES.max())


def _lr_number(answer):
    if answer is None or isinstance(answer, bool) or not isinstance(answer, numbers.Number) \
            or not np.isfinite(float(answer)):
        raise AssertionError(f"your answer is {expect._describe(answer)}; expected a number such as 0.05")
    if float(answer) <= 0:
        raise AssertionError(f"η = {answer} is not positive: gradient descent steps *against* the gradient "
                             "with a positive learning rate")


def _lr_stable(answer):
    _lr_number(answer)
    lr = float(answer)
    with np.errstate(over="ignore", invalid="ignore"):
        losses = quadratic_gd_losses(lr)
    if lr >= 2 / QUAD_CURVATURES.max():
        final = losses[-1]
        raise AssertionError(f"with η = {lr:g} the steep coordinate is multiplied by 1 − 10η = {1 - 10 * lr:+.3g} "
                             f"per step, so it never shrinks: the loss is {final:.3g} after {QUAD_STEPS} steps")


def _lr_reaches(answer):
    _lr_stable(answer)
    lr = float(answer)
    losses = quadratic_gd_losses(lr)
    if not losses.min() < QUAD_TARGET:
        flat, steep = abs(1 - lr * QUAD_CURVATURES.min()), abs(1 - lr * QUAD_CURVATURES.max())
        slow = "flat" if flat >= steep else "steep"
        raise AssertionError(f"with η = {lr:g} the loss is {losses[-1]:.3g} after {QUAD_STEPS} steps, above "
                             f"{QUAD_TARGET:g}: per step the flat coordinate is multiplied by {flat:.3g} and the "
                             f"steep one by {steep:.3g}, so the {slow} one is too slow")


register(Exercise(
    id="ch06.tune_lr", answer="answer_lr", title="Tune the learning rate", kind="tune",
    solution=tuned_learning_rate(), tests=[
        Check("is a positive number", _lr_number, hint="Write a number, e.g. answer_lr = 0.05."),
        Check("gradient descent does not diverge", _lr_stable,
              hint="Along the steep direction (curvature 10) the step multiplies w₂ by 1 − 10η; "
                   "|1 − 10η| must be below 1."),
        Check(f"the loss falls below {QUAD_TARGET:g} within {QUAD_STEPS} steps", _lr_reaches,
              hint="Along the flat direction (curvature 1) w₁ shrinks by 1 − η per step: take η as large as the "
                   "steep direction allows, close to the η that makes |1 − η| = |1 − 10η|."),
    ]))
