"""Chapter 2 exercises. Statements and stubs are in chapters/02_artificial_neuron.ipynb."""

import numbers

import numpy as np

from . import expect, register
from .grading import Check, Exercise

# ----------------------------------------------------------------------------------------------
# Exercise 2.1: the forward pass of one sigmoid neuron on a batch


def neuron_forward(X, w, b):
    """Outputs of one sigmoid neuron for a batch: X (n, d), w (d,), b a number -> a (n,)."""
    z = X @ w + b                      # (n, d) @ (d,) -> (n,); the bias is added to every sample
    return 0.5 * (1 + np.tanh(z / 2))  # = 1 / (1 + exp(-z)), without overflow for large |z|


def _forward_cases(rng):
    """(X, w, b) triples: a batch, a single sample, one feature, and a negative bias."""
    return [
        (rng.standard_normal((5, 3)), rng.standard_normal(3), 0.7),
        (rng.standard_normal((1, 4)), rng.standard_normal(4), -1.3),
        (rng.standard_normal((6, 1)), rng.standard_normal(1), 2.0),
        (rng.standard_normal((8, 2)) * 3, rng.standard_normal(2), -2.5),
    ]


def _check_forward_random(f):
    for X, w, b in _forward_cases(np.random.default_rng(2)):
        expect.close(f(X.copy(), w.copy(), b), neuron_forward(X, w, b), rtol=1e-6, atol=1e-9,
                     name=f"neuron_forward on X of shape {X.shape}")


def _check_forward_large(f):
    X = np.array([[1000.0, 0.0], [-1000.0, 0.0], [3.0, -4.0]])
    w, b = np.array([1.0, 2.0]), 0.5
    expect.close(f(X, w, b), neuron_forward(X, w, b), atol=1e-9, name="neuron_forward at z = ±1000")


register(Exercise(
    id="ch02.neuron_forward", answer="neuron_forward", title="One neuron, a whole batch", kind="implement",
    solution=neuron_forward, tests=[
        Check("one sample: X = [[1, 2]], w = [0.5, -0.25], b = 1 gives σ(1) = 0.7311",
              lambda f: expect.close(f(np.array([[1.0, 2.0]]), np.array([0.5, -0.25]), 1.0), [1 / (1 + np.exp(-1))],
                                     name="neuron_forward"),
              hint="z = 1·0.5 + 2·(−0.25) + 1 = 1, then a = σ(z) = 1 / (1 + e^(−z)). Did you add b, and apply σ?"),
        Check("returns one output per sample, shape (n,)",
              lambda f: expect.array(f(np.ones((7, 3)), np.ones(3), 0.0), shape=(7,), name="neuron_forward"),
              hint="X @ w with w of shape (d,) is already (n,); do not turn w into a column (d, 1)."),
        Check("matches the reference on random batches (n = 1 to 8, d = 1 to 4, several biases)",
              _check_forward_random,
              hint="a = σ(X @ w + b): the bias is added (not subtracted) to every sample's weighted sum, "
                   "and the activation is the sigmoid, not tanh or a step."),
        Check("finite and right at z = ±1000", _check_forward_large,
              hint="σ(1000) = 1 and σ(−1000) = 0; if you see NaN, compute σ(z) as 0.5 * (1 + np.tanh(z / 2))."),
    ]))

# ----------------------------------------------------------------------------------------------
# Exercise 2.2: predict the output of a given neuron

PREDICT_W = np.array([2.0, -1.0, 0.5])
PREDICT_B = -1.0
PREDICT_X = np.array([1.0, 3.0, 2.0])


def neuron_output_value():
    """z = 2·1 + (−1)·3 + 0.5·2 + (−1) = −1, so a = σ(−1) = 1 / (1 + e) ≈ 0.2689."""
    z = PREDICT_W @ PREDICT_X + PREDICT_B
    return float(1 / (1 + np.exp(-z)))


def _is_number(value):
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and bool(np.isfinite(value))


def _check_probability(answer):
    if not _is_number(answer):
        raise AssertionError(f"your answer is {answer!r}; expected a number such as 0.5")
    if not 0 < float(answer) < 1:
        raise AssertionError(f"your answer is {answer}, but a sigmoid neuron's output is always between 0 and 1")


register(Exercise(
    id="ch02.neuron_output", answer="answer_output", title="Predict a neuron's output", kind="predict",
    solution=neuron_output_value(), tests=[
        Check("is a number between 0 and 1", _check_probability,
              hint="The output is a = σ(z), not z itself; σ maps every z into (0, 1)."),
        Check("equals σ(w·x + b) to three decimals",
              lambda a: expect.number(a, neuron_output_value(), rtol=0, atol=5e-4),
              hint="Multiply each input by its weight, add the three products AND the bias (b = −1), "
                   "then apply σ(z) = 1 / (1 + e^(−z))."),
    ]))

# ----------------------------------------------------------------------------------------------
# Exercise 2.3: which statement about the bias is right?


def bias_statement():
    """(b): b is added to the weighted sum before the activation, z = w·x + b, so it moves the
    threshold w·x = −b where the neuron switches (in 2-D, it shifts the decision line), and it is
    learned like the weights. (a) is the source documents' "output offset"; (c) confuses the bias
    with a connection; (d) forgets that b is learned."""
    return "b"


register(Exercise(
    id="ch02.bias_statement", answer="answer_bias", title="What the bias does", kind="choice",
    solution=bias_statement(), tests=[
        Check("is one of 'a', 'b', 'c', 'd'", expect.letter, hint="Write the letter in quotes, e.g. \"a\"."),
        Check("is the right statement", lambda a: expect.choice(a, bias_statement()),
              hint="Where is b added: to the output a = f(z), or to z before f? What happens to the line "
                   "w·x + b = 0 when only b changes? And is b learned?"),
    ]))

# ----------------------------------------------------------------------------------------------
# Exercise 2.4: the gradient of the mean binary cross-entropy


def logistic_gradient(X, y, w, b):
    """Gradient of the mean BCE of p = σ(X w + b) with respect to w (shape (d,)) and b (a number)."""
    p = 0.5 * (1 + np.tanh((X @ w + b) / 2))  # σ(z), as in neuron_forward
    error = p - y                               # dL/dz for each sample, times n
    return X.T @ error / len(y), float(np.mean(error))


def _bce(X, y, w, b):
    z = X @ w + b
    return float(np.mean(np.logaddexp(0, z) - y * z))  # = mean BCE of σ(z), exact at any |z|


def _gradient_cases(rng):
    cases = []
    for n, d in [(12, 3), (5, 1), (40, 4)]:
        X = rng.standard_normal((n, d))
        y = (rng.random(n) < 0.5).astype(float)
        cases.append((X, y, rng.standard_normal(d), float(rng.standard_normal())))
    return cases


def _unpack_gradient(result, d):
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise AssertionError("logistic_gradient must return a pair (dw, db), e.g. `return dw, db`")
    dw, db = result
    dw = expect.array(dw, shape=(d,), name="dw")
    db = expect.array(db, name="db")
    if db.size != 1:
        raise AssertionError(f"db has shape {db.shape}; expected a single number (the bias is one number)")
    return dw, float(db.reshape(()))


def _check_gradient_numeric(f):
    for X, y, w, b in _gradient_cases(np.random.default_rng(3)):
        dw, db = _unpack_gradient(f(X.copy(), y.copy(), w.copy(), b), X.shape[1])
        h = 1e-6
        num_dw = np.array([(_bce(X, y, w + h * e, b) - _bce(X, y, w - h * e, b)) / (2 * h) for e in np.eye(len(w))])
        num_db = (_bce(X, y, w, b + h) - _bce(X, y, w, b - h)) / (2 * h)
        expect.close(dw, num_dw, rtol=1e-5, atol=1e-7, name=f"dw (n = {len(y)}, d = {len(w)})")
        expect.close(db, num_db, rtol=1e-5, atol=1e-7, name=f"db (n = {len(y)}, d = {len(w)})")


def _check_gradient_mean(f):
    X, y, w, b = _gradient_cases(np.random.default_rng(4))[0]
    once = _unpack_gradient(f(X, y, w, b), X.shape[1])
    twice = _unpack_gradient(f(np.vstack([X, X]), np.concatenate([y, y]), w, b), X.shape[1])
    expect.close(twice[0], once[0], rtol=1e-6, atol=1e-9, name="dw on the data set repeated twice")
    expect.close(twice[1], once[1], rtol=1e-6, atol=1e-9, name="db on the data set repeated twice")


register(Exercise(
    id="ch02.logistic_gradient", answer="logistic_gradient",
    title="The gradient of logistic regression", kind="implement",
    solution=logistic_gradient, tests=[
        Check("returns (dw, db) with dw of shape (d,) and db one number",
              lambda f: _unpack_gradient(f(np.ones((4, 3)), np.array([0.0, 1.0, 0.0, 1.0]), np.zeros(3), 0.0), 3),
              hint="`return dw, db` with dw = X.T @ (p - y) / n, shape (d,), and db a float."),
        Check("matches a numerical gradient of the mean BCE (three data sets)", _check_gradient_numeric,
              hint="For BCE with a sigmoid, dL/dz_i = (p_i − y_i) / n: no extra σ′(z) factor (that would be MSE), "
                   "and the sign is p − y, not y − p."),
        Check("is a mean: repeating every sample twice leaves it unchanged", _check_gradient_mean,
              hint="Divide BOTH dw and db by n (or use np.mean): a summed gradient grows with the data set size."),
    ]))

# ----------------------------------------------------------------------------------------------
# Exercise 2.5: tune the learning rate

TUNE_STEPS = 10
TUNE_TARGET = 0.08


def two_blobs(n=200, seed=0):
    """The chapter's two clouds: n/2 points around (0.5, 0.5) labelled 0, n/2 around (2.5, 2.5) labelled 1."""
    rng = np.random.default_rng(seed)
    y = np.repeat([0.0, 1.0], n // 2)
    centres = np.array([[0.5, 0.5], [2.5, 2.5]])
    X = centres[y.astype(int)] + 0.7 * rng.standard_normal((n, 2))
    return X, y


def tune_data():
    """The two clouds, standardised: every feature shifted and scaled to mean 0 and standard deviation 1."""
    X, y = two_blobs()
    return (X - X.mean(axis=0)) / X.std(axis=0), y


def gd_logistic_regression(X, y, learning_rate, steps):
    """Full-batch gradient descent on the mean BCE from w = 0, b = 0.

    Returns the final (w, b) and the losses before each step and after the last (steps + 1 values).
    """
    w, b, losses = np.zeros(X.shape[1]), 0.0, []
    for _ in range(steps):
        losses.append(_bce(X, y, w, b))
        dw, db = logistic_gradient(X, y, w, b)
        w, b = w - learning_rate * dw, b - learning_rate * db
    losses.append(_bce(X, y, w, b))
    return w, b, np.array(losses)


def tuned_learning_rate():
    """About 12: from w = 0, ten steps bring the mean BCE below 0.08 (the best possible is 0.069) for
    learning rates between about 6 and 21. Smaller steps are too short (1 leaves the loss at 0.16);
    larger ones overshoot: the first step makes w so large that the neuron is overconfident on the
    points it gets wrong (50 leaves the loss at 0.15)."""
    return 12.0


def _check_positive(answer):
    if not _is_number(answer):
        raise AssertionError(f"learning_rate is {answer!r}; expected a finite number such as 0.5")
    if answer <= 0:
        raise AssertionError(f"learning_rate is {answer}; a step against the gradient needs a positive learning rate")


def _check_reaches_target(answer):
    _check_positive(answer)
    X, y = tune_data()
    w, _, losses = gd_logistic_regression(X, y, float(answer), TUNE_STEPS)
    if not losses[-1] < TUNE_TARGET:
        raise AssertionError(f"after {TUNE_STEPS} steps the loss is {losses[-1]:.3f} (target < {TUNE_TARGET}) "
                             f"and the weights have length {np.linalg.norm(w):.2f}")


register(Exercise(
    id="ch02.tune_learning_rate", answer="learning_rate", title="A learning rate for logistic regression", kind="tune",
    solution=tuned_learning_rate(), tests=[
        Check("is a positive number", _check_positive, hint="e.g. learning_rate = 0.5"),
        Check(f"reaches a mean BCE below {TUNE_TARGET} in {TUNE_STEPS} steps", _check_reaches_target,
              hint="Try values spread over several orders of magnitude (0.1, 1, 10, 100). Too small: the loss "
                   "creeps down from 0.693 and the weights stay short. Too large: the first step makes the "
                   "weights so long that the neuron is overconfident on the points it gets wrong."),
    ]))
