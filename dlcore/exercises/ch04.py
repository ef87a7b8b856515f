"""Chapter 4 exercises. Statements and stubs are in chapters/04_layers_forward_pass.ipynb."""

import numbers

import numpy as np

from . import expect, register
from .grading import Check, Exercise

# --------------------------------------------------------------------------------------------
# Exercise 4.1 — implement the forward pass of a 2-layer ReLU / softmax network


def mlp_forward(X, params):
    """Forward pass of a 2-layer MLP: X (n, d) → H = ReLU(X W1 + b1) (n, h) → P = softmax(H W2 + b2) (n, K).

    ``params`` holds W1 (d, h), b1 (h,), W2 (h, K), b2 (K,). The softmax is taken along axis 1 (over the
    K classes of each sample) after subtracting each row's maximum, so exp never overflows.
    """
    H = np.maximum(X @ params["W1"] + params["b1"], 0.0)      # (n, h): hidden activations
    Z = H @ params["W2"] + params["b2"]                         # (n, K): class scores (logits)
    Z = Z - Z.max(axis=1, keepdims=True)                        # stable: the largest score becomes 0
    E = np.exp(Z)
    return E / E.sum(axis=1, keepdims=True)                     # (n, K): each row sums to 1


def _random_case(n, d, h, K, seed, scale=1.0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    params = {"W1": scale * rng.standard_normal((d, h)), "b1": scale * rng.standard_normal(h),
              "W2": scale * rng.standard_normal((h, K)), "b2": scale * rng.standard_normal(K)}
    return X, params


def _copy(params):
    return {k: v.copy() for k, v in params.items()}


def _check_small_batch(f):
    X, params = _random_case(n=5, d=3, h=4, K=2, seed=1)
    P = expect.array(f(X, _copy(params)), shape=(5, 2))
    sums = P.sum(axis=1)
    if not np.allclose(sums, 1.0, atol=1e-9):
        raise AssertionError(f"the rows of your output sum to {np.round(sums, 4).tolist()}, not to 1: "
                             "each sample's K class probabilities must add up to 1")


def _check_random(f):
    for seed, (n, d, h, K) in enumerate([(10, 7, 6, 3), (32, 4, 9, 5), (3, 2, 8, 10)]):
        X, params = _random_case(n, d, h, K, seed=10 + seed)
        expect.close(f(X, _copy(params)), mlp_forward(X, params), rtol=1e-7, atol=1e-10)


def _check_one_sample(f):
    X, params = _random_case(n=1, d=5, h=3, K=4, seed=3)
    expect.close(f(X, _copy(params)), mlp_forward(X, params), rtol=1e-7, atol=1e-10)


def _check_hidden_relu(f):
    # every hidden pre-activation is negative, so ReLU makes H = 0 and the output is softmax(b2) for each row
    rng = np.random.default_rng(4)
    X = np.abs(rng.standard_normal((6, 3)))
    params = {"W1": -np.abs(rng.standard_normal((3, 5))), "b1": -np.ones(5),
              "W2": rng.standard_normal((5, 3)), "b2": np.array([1.0, 0.0, -1.0])}
    expect.close(f(X, _copy(params)), mlp_forward(X, params), rtol=1e-7, atol=1e-10)


def _check_large_scores(f):
    X, params = _random_case(n=8, d=4, h=6, K=3, seed=5, scale=30.0)   # class scores in the thousands
    expect.close(f(X, _copy(params)), mlp_forward(X, params), rtol=1e-7, atol=1e-10)


register(Exercise(
    id="ch04.mlp_forward", answer="mlp_forward", title="A 2-layer forward pass", kind="implement",
    solution=mlp_forward, tests=[
        Check("a batch of 5 samples gives a (5, 2) array whose rows sum to 1", _check_small_batch,
              hint="X @ W1 is (n, h); after the output layer you have (n, K). Normalise along axis=1, "
                   "the class axis, with keepdims=True."),
        Check("matches the reference on random networks of several sizes", _check_random,
              hint="H = np.maximum(X @ W1 + b1, 0), then softmax(H @ W2 + b2). Use both biases, and W2, "
                   "not W1 transposed."),
        Check("works for a batch of one sample", _check_one_sample,
              hint="With n = 1 a softmax along axis 0 gives all ones: take it along axis 1."),
        Check("the hidden layer is a ReLU", _check_hidden_relu,
              hint="Negative hidden pre-activations must become exactly 0: np.maximum(Z1, 0), not a sigmoid "
                   "or no activation."),
        Check("stays finite when the class scores are in the thousands", _check_large_scores,
              hint="exp(1000) overflows to inf. Subtract each row's maximum score before np.exp "
                   "(Z - Z.max(axis=1, keepdims=True)); the softmax does not change."),
    ]))

# --------------------------------------------------------------------------------------------
# Exercise 4.2 — predict the parameter count of an MLP


def digits_mlp_parameter_count():
    """64 → 32 → 32 → 10: each Dense layer has (inputs × units) weights plus one bias per unit."""
    return (64 * 32 + 32) + (32 * 32 + 32) + (32 * 10 + 10)        # 2080 + 1056 + 330 = 3466


_PARAM_MISTAKES = {
    3392: "that is the number of weights alone; every unit also has a bias",
    3530: "the input layer has no parameters: it holds the 64 features and computes nothing",
    138: "that is the number of units (64 + 32 + 32 + 10); count the weights and biases instead",
    74: "that is the number of units that compute (32 + 32 + 10); count their weights and biases",
}


def _check_count_is_integer(answer):
    if isinstance(answer, bool) or not isinstance(answer, numbers.Number):
        raise AssertionError(f"your answer is {expect._describe(answer)}; expected a whole number")
    if float(answer) != int(answer) or answer < 0:
        raise AssertionError(f"{answer} is not a whole number of parameters")


def _check_count_value(answer):
    _check_count_is_integer(answer)
    expect.number(answer, digits_mlp_parameter_count(), rtol=0, mistakes=_PARAM_MISTAKES)


register(Exercise(
    id="ch04.param_count", answer="n_params", title="Count the parameters", kind="predict",
    solution=digits_mlp_parameter_count(), tests=[
        Check("is a whole number", _check_count_is_integer, hint="A parameter count is an integer, e.g. 1234."),
        Check("is the number of weights and biases", _check_count_value,
              hint="Dense layer with d inputs and h units: d·h weights + h biases. Add the three layers."),
    ]))

# --------------------------------------------------------------------------------------------
# Exercise 4.3 — predict shapes through a stack of layers


def layer_stack_shapes():
    """X (50, 12) → Dense(30) → Dense(20) → Dense(3): the batch axis stays 50 and the last axis becomes 3.

    The second Dense layer maps 30 features to 20 units: kernel (30, 20) = (inputs, units), bias (20,),
    one per unit, shared by all 50 samples.
    """
    return {"output": (50, 3), "kernel": (30, 20), "bias": (20,)}


def _shape_entry(answer, key):
    if not isinstance(answer, dict):
        raise AssertionError(f"your answer is {expect._describe(answer)}; expected a dict like "
                             "{'output': (..., ...), 'kernel': (..., ...), 'bias': (...,)}")
    if key not in answer:
        raise AssertionError(f"your dict has no entry {key!r}")
    value = answer[key]
    if isinstance(value, list):
        value = tuple(value)
    if not isinstance(value, tuple) or not all(isinstance(v, numbers.Integral) for v in value):
        raise AssertionError(f"answer[{key!r}] is {expect._describe(value)}; expected a tuple of ints such as "
                             "(4, 5) — a 1-D shape is written (5,)")
    return tuple(int(v) for v in value)


def _shape_check(key, mistakes):
    def run(answer):
        expect.equal(_shape_entry(answer, key), layer_stack_shapes()[key], name=f"the {key} shape", mistakes=mistakes)
    return run


register(Exercise(
    id="ch04.layer_shapes", answer="shapes", title="Shapes through a layer stack", kind="predict",
    solution=layer_stack_shapes(), tests=[
        Check("shape of the network's output", _shape_check("output", {
            (3,): "the batch axis is kept: one row of 3 probabilities per sample",
            (3, 50): "batch-first: samples are rows, so the batch axis comes first",
            (50, 20): "that is the second layer's output; the stack has a third Dense layer"}),
              hint="Every Dense layer keeps the batch axis and replaces the last axis by its number of units."),
        Check("shape of the second Dense layer's kernel", _shape_check("kernel", {
            (20, 30): "with batch-first rows the kernel is (inputs, units), so that X @ W works",
            (12, 30): "that is the first layer's kernel",
            (20, 3): "that is the third layer's kernel"}),
              hint="The second layer receives the first layer's 30 features and has 20 units: (inputs, units)."),
        Check("shape of the second Dense layer's bias", _shape_check("bias", {
            (20, 1): "a column-shaped bias does not broadcast over the rows; it is a vector of shape (20,)",
            (50, 20): "the bias does not depend on the sample: one number per unit, shared by the batch",
            (1, 20): "Dense stores its bias as a 1-D vector of shape (20,)"}),
              hint="One bias per unit, shared by every sample: a 1-D vector, written (h,)."),
    ]))

# --------------------------------------------------------------------------------------------
# Exercise 4.4 — choose the right statement about shapes

SHAPE_STATEMENTS = {
    "a": "The input layer multiplies X by its own (d, d) weight matrix before the first hidden layer.",
    "b": "A Dense layer's kernel (d, h) and bias (h,) do not depend on the batch size n; the bias is "
         "broadcast over the n rows of X @ W.",
    "c": "The bias of a hidden layer must have shape (h, 1), so that it is added to every sample.",
    "d": "A ReLU layer changes the number of columns of its input, because it zeroes the negative entries.",
}


def right_shape_statement():
    """(b): parameters are per unit, never per sample; (a) the input layer computes nothing, (c) an (h, 1) bias
    fails to broadcast against (n, h) unless n = h or n = 1: with n = h it adds a different number to each
    sample, with n = 1 it turns the one sample into an (h, h) array; (d) activations act elementwise and keep
    the shape."""
    return "b"


_SHAPE_WHY = {
    "a": "the input layer has no weights: it only holds the d features",
    "c": "(h, 1) does not broadcast against (n, h) unless n = h or n = 1, and then it silently adds one number per "
         "sample instead of one per unit (n = h) or returns an (h, h) array (n = 1)",
    "d": "an activation is applied elementwise and keeps the shape (n, h)",
}


register(Exercise(
    id="ch04.shape_statement", answer="statement", title="Which statement about shapes is right?", kind="choice",
    solution=right_shape_statement(), tests=[
        Check("the right statement", lambda a: expect.choice(a, right_shape_statement(), _SHAPE_WHY),
              hint="Ask of each statement: does this array's shape involve n, the number of samples?"),
    ]))

# --------------------------------------------------------------------------------------------
# Exercise 4.5 — tune the width of a one-hidden-layer network


def uat_target(x):
    """The 1-D function of the chapter's width demo: sin(3x) + 0.3x on [-2, 2]."""
    return np.sin(3 * x) + 0.3 * x


UAT_INTERVAL = (-2.0, 2.0)
UAT_BUDGET = 48          # at most this many hidden units
UAT_TOLERANCE = 0.01     # maximum |network − target| on the interval


def interpolating_relu_network(h):
    """W1 (1, h), b1 (h,), W2 (h, 1), b2 (1,) of the ReLU network that joins f at h + 1 equally spaced knots.

    Unit i switches on at knot x_i (weight 1, bias −x_i); its output weight is the change of slope there.
    """
    a, b = UAT_INTERVAL
    knots = np.linspace(a, b, h + 1)
    slopes = np.diff(uat_target(knots)) / np.diff(knots)
    W2 = np.concatenate([[slopes[0]], np.diff(slopes)])[:, None]
    return np.ones((1, h)), -knots[:-1], W2, np.array([uat_target(a)])


def interpolation_max_error(h, points=4001):
    """max |g(x) − f(x)| over a fine grid of the interval, for the interpolating network with h units."""
    W1, b1, W2, b2 = interpolating_relu_network(h)
    x = np.linspace(*UAT_INTERVAL, points)[:, None]
    g = np.maximum(x @ W1 + b1, 0) @ W2 + b2
    return float(np.max(np.abs(g[:, 0] - uat_target(x[:, 0]))))


def smallest_width():
    """The smallest h whose interpolating network is within the tolerance: 43 (max error 0.0097; 42 gives 0.0102)."""
    return next(h for h in range(1, UAT_BUDGET + 1) if interpolation_max_error(h) <= UAT_TOLERANCE)


def _width_value(answer):
    if isinstance(answer, bool) or not isinstance(answer, numbers.Number) or float(answer) != int(answer):
        raise AssertionError(f"your width is {expect._describe(answer)}; expected a whole number of units")
    return int(answer)


def _check_budget(answer):
    h = _width_value(answer)
    if not 1 <= h <= UAT_BUDGET:
        raise AssertionError(f"a width of {h} is outside the budget of 1 to {UAT_BUDGET} hidden units")


def _check_accuracy(answer):
    h = _width_value(answer)
    if h < 1:
        raise AssertionError("a network needs at least one hidden unit")
    err = interpolation_max_error(min(h, 10_000))
    if err > UAT_TOLERANCE:
        raise AssertionError(f"with {h} units the largest error is {err:.4f}, above {UAT_TOLERANCE}")


register(Exercise(
    id="ch04.uat_width", answer="uat_width", title="How wide must the network be?", kind="tune",
    solution=smallest_width(), tests=[
        Check(f"uses at most {UAT_BUDGET} hidden units", _check_budget,
              hint="Wider always helps here, but the budget is part of the task."),
        Check(f"approximates sin(3x) + 0.3x within {UAT_TOLERANCE} on [-2, 2]", _check_accuracy,
              hint="The error shrinks about 4× each time the width doubles; try widths between 32 and 48 "
                   "with the chapter's max_error(h)."),
    ]))
