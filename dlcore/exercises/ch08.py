"""Chapter 8 exercises. Statements and stubs are in chapters/08_training_end_to_end.ipynb."""

import functools
import numbers

import numpy as np

from . import expect, register
from .grading import Check, Exercise

# --------------------------------------------------------------------------------------------
# Exercise 8.1 — standardize with the training statistics only


def standardize(X_train, X_test):
    """Scale every column to mean 0 and standard deviation 1 using the TRAINING rows' statistics only.

    The test rows are shifted and divided by the same numbers, so nothing about them is used. A column
    that is constant in the training data gets a scale of 1 (it becomes 0, not NaN), as StandardScaler does.
    """
    mean = X_train.mean(axis=0)                   # one mean per column (feature)
    std = X_train.std(axis=0)                     # population std (ddof=0), one per column
    std = np.where(std == 0, 1.0, std)            # a constant column: avoid 0 / 0
    return (X_train - mean) / std, (X_test - mean) / std


def _std_case(seed, n_train=40, n_test=15, d=3, shift=0.0):
    rng = np.random.default_rng(seed)
    scales = np.array([1.0, 100.0, 0.01, 5.0, 20.0])[:d]
    offsets = np.array([3.0, -500.0, 0.2, 10.0, 0.0])[:d]
    X_train = rng.standard_normal((n_train, d)) * scales + offsets
    X_test = rng.standard_normal((n_test, d)) * scales + offsets + shift * scales
    return X_train, X_test


def _std_pair(f, X_train, X_test):
    out = f(X_train.copy(), X_test.copy())
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        raise AssertionError(f"your function returned {expect._describe(out)}; expected a pair "
                             "(X_train_s, X_test_s)")
    tr = expect.array(out[0], shape=X_train.shape, name="X_train_s")
    te = expect.array(out[1], shape=X_test.shape, name="X_test_s")
    return tr, te


def _check_std_shapes(f):
    X_train, X_test = _std_case(80)
    _std_pair(f, X_train, X_test)


def _check_std_train_part(f):
    X_train, X_test = _std_case(81, shift=3.0)
    tr, _ = _std_pair(f, X_train, X_test)
    mean, std = tr.mean(axis=0), tr.std(axis=0)
    if not np.allclose(mean, 0, atol=1e-9):
        raise AssertionError(f"the column means of X_train_s are {np.round(mean, 4).tolist()}, not 0: "
                             "compute the mean and std from X_train alone, one per column")
    if not np.allclose(std, 1, atol=1e-9):
        raise AssertionError(f"the column standard deviations of X_train_s are {np.round(std, 4).tolist()}, "
                             "not 1 (use np.std's default ddof=0, one value per column)")


def _check_std_test_part(f):
    # the test rows come from a shifted distribution: with training statistics their mean is NOT 0
    X_train, X_test = _std_case(82, shift=3.0)
    _, te = _std_pair(f, X_train, X_test)
    want = standardize(X_train, X_test)[1]
    if np.allclose(te.mean(axis=0), 0, atol=1e-9):
        raise AssertionError("the columns of X_test_s have mean exactly 0: you standardized the test rows with "
                             "their own statistics. Use the mean and std of X_train")
    expect.close(te, want, rtol=1e-7, atol=1e-9, name="X_test_s")


def _check_std_one_row(f):
    X_train, X_test = _std_case(83, n_test=1)
    _, te = _std_pair(f, X_train, X_test)
    expect.close(te, standardize(X_train, X_test)[1], rtol=1e-7, atol=1e-9, name="X_test_s for one test row")


def _check_std_constant_column(f):
    X_train, X_test = _std_case(84)
    X_train[:, 1] = 7.0          # a feature that never varies in the training data
    tr, te = _std_pair(f, X_train, X_test)
    if not np.all(tr[:, 1] == 0):
        raise AssertionError("a column that is constant in X_train should become 0 in X_train_s")
    expect.close(te, standardize(X_train, X_test)[1], rtol=1e-7, atol=1e-9, name="X_test_s")


register(Exercise(
    id="ch08.standardize", answer="standardize", title="Standardize with training statistics", kind="implement",
    solution=standardize, tests=[
        Check("returns a pair of arrays with the input shapes", _check_std_shapes,
              hint="return X_train_s, X_test_s — two arrays of the same shapes as the inputs."),
        Check("the training part has mean 0 and std 1 in every column", _check_std_train_part,
              hint="mean = X_train.mean(axis=0), std = X_train.std(axis=0): axis 0 runs over the rows, so you "
                   "get one number per column. Do not mix the test rows in."),
        Check("the test part is scaled with the training mean and std", _check_std_test_part,
              hint="The test rows play the part of future data: reuse the training mean and std for them."),
        Check("works for a test set of a single row", _check_std_one_row,
              hint="One row has standard deviation 0; its own statistics cannot standardize it, the training "
                   "ones can."),
        Check("a column that is constant in the training data becomes 0, not NaN", _check_std_constant_column,
              hint="Replace a standard deviation of 0 by 1 before dividing: np.where(std == 0, 1.0, std)."),
    ]))

# --------------------------------------------------------------------------------------------
# Exercise 8.2 — one full-batch gradient-descent step of the 2-layer network


def train_step(params, X, y, lr):
    """One full-batch gradient-descent step of the network X → ReLU(X W1 + b1) → softmax(H W2 + b2).

    ``y`` holds integer class labels (n,). The loss is the mean categorical cross-entropy, computed from
    the logits with a stable log-softmax. Returns the NEW parameters (the caller's dict is not modified)
    and the loss BEFORE the step.
    """
    n = len(X)
    Z1 = X @ params["W1"] + params["b1"]                 # (n, h)
    H = np.maximum(Z1, 0.0)                               # (n, h)
    Z2 = H @ params["W2"] + params["b2"]                  # (n, K): logits
    Z2 = Z2 - Z2.max(axis=1, keepdims=True)               # stable: the largest logit becomes 0
    log_P = Z2 - np.log(np.exp(Z2).sum(axis=1, keepdims=True))
    loss = -np.mean(log_P[np.arange(n), y])
    dZ2 = np.exp(log_P)                                    # P ...
    dZ2[np.arange(n), y] -= 1.0                            # ... minus the one-hot labels
    dZ2 /= n                                               # the loss is a mean over the n samples
    dZ1 = (dZ2 @ params["W2"].T) * (Z1 > 0)               # back through W2, then through the ReLU
    grads = {"W1": X.T @ dZ1, "b1": dZ1.sum(axis=0), "W2": H.T @ dZ2, "b2": dZ2.sum(axis=0)}
    new_params = {k: params[k] - lr * grads[k] for k in ("W1", "b1", "W2", "b2")}
    return new_params, float(loss)


def _step_case(n, d, h, K, seed, scale=1.0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    y = rng.integers(0, K, size=n)
    params = {"W1": scale * rng.standard_normal((d, h)) * np.sqrt(2 / d), "b1": scale * 0.1 * rng.standard_normal(h),
              "W2": scale * rng.standard_normal((h, K)) * np.sqrt(2 / h), "b2": scale * 0.1 * rng.standard_normal(K)}
    return params, X, y


def _copy(params):
    return {k: v.copy() for k, v in params.items()}


def _step_output(f, params, X, y, lr):
    out = f(_copy(params), X.copy(), y.copy(), lr)
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        raise AssertionError(f"your function returned {expect._describe(out)}; expected a pair (new_params, loss)")
    new, loss = out
    if not isinstance(new, dict) or set(new) != {"W1", "b1", "W2", "b2"}:
        raise AssertionError("new_params should be a dict with the keys 'W1', 'b1', 'W2', 'b2'")
    for k in ("W1", "b1", "W2", "b2"):
        expect.array(new[k], shape=params[k].shape, name=f"new_params[{k!r}]")
    if isinstance(loss, np.ndarray) and loss.size == 1:
        loss = loss.reshape(()).item()
    if isinstance(loss, bool) or not isinstance(loss, numbers.Number) or not np.isfinite(loss):
        raise AssertionError(f"the loss is {expect._describe(loss)}; expected one finite number")
    return new, float(loss)


def _compare_updates(new, params, X, y, lr):
    want, _ = train_step(params, X, y, lr)
    for k in ("b2", "W2", "b1", "W1"):             # output layer first: its error explains the others
        got_step, want_step = params[k] - new[k], params[k] - want[k]
        if np.allclose(got_step, want_step, rtol=1e-6, atol=1e-10):
            continue
        if np.allclose(got_step, -want_step, rtol=1e-6, atol=1e-10):
            raise AssertionError(f"{k} moved uphill: step against the gradient, params - lr * grad")
        if np.allclose(got_step, len(X) * want_step, rtol=1e-6, atol=1e-10):
            raise AssertionError(f"the step of {k} is n = {len(X)} times too large: the loss is a mean, so "
                                 "divide the output error P - Y by n")
        if np.allclose(got_step, 0):
            raise AssertionError(f"{k} did not change")
        raise AssertionError(f"the update of {k} differs from the reference")


def _check_step_format(f):
    params, X, y = _step_case(6, 2, 5, 3, seed=90)
    _step_output(f, params, X, y, 0.5)


def _check_step_loss(f):
    params, X, y = _step_case(12, 2, 8, 3, seed=91)
    _, loss = _step_output(f, params, X, y, 0.5)
    want = train_step(params, X, y, 0.5)[1]
    if np.isclose(loss, train_step(train_step(params, X, y, 0.5)[0], X, y, 0.5)[1], rtol=1e-7):
        raise AssertionError("you returned the loss after the step; return the loss of the parameters you "
                             "were given (computed in the forward pass, before the update)")
    if not np.isclose(loss, want, rtol=1e-7, atol=1e-12):
        raise AssertionError(f"your loss is {loss:.6g}, expected {want:.6g}: the mean over the n samples of "
                             "-log P[i, y_i]")


def _check_step_random(f):
    for seed, (n, d, h, K) in enumerate([(10, 2, 6, 3), (32, 4, 16, 5), (7, 3, 4, 2)]):
        params, X, y = _step_case(n, d, h, K, seed=92 + seed)
        new, _ = _step_output(f, params, X, y, 0.7)
        _compare_updates(new, params, X, y, 0.7)


def _check_step_relu(f):
    # half the hidden units are off for every sample: their incoming weights must not move
    params, X, y = _step_case(16, 3, 6, 3, seed=96)
    params["b1"][:3] = -50.0
    new, _ = _step_output(f, params, X, y, 1.0)
    if not np.allclose(new["W1"][:, :3], params["W1"][:, :3]):
        raise AssertionError("the weights into hidden units that are off (ReLU input < 0) for every sample "
                             "changed: multiply the hidden gradient by the ReLU mask (Z1 > 0)")
    _compare_updates(new, params, X, y, 1.0)


def _check_step_large_logits(f):
    params, X, y = _step_case(9, 2, 10, 4, seed=97, scale=40.0)   # logits in the thousands
    new, loss = _step_output(f, params, X, y, 0.1)
    want = train_step(params, X, y, 0.1)[1]
    if not np.isclose(loss, want, rtol=1e-7):
        raise AssertionError(f"your loss is {loss:.6g}, expected {want:.6g}")
    _compare_updates(new, params, X, y, 0.1)


register(Exercise(
    id="ch08.train_step", answer="train_step",
    title="One gradient-descent step of the spiral network", kind="implement",
    solution=train_step, tests=[
        Check("returns (new_params, loss) with the right keys and shapes", _check_step_format,
              hint="return {'W1': ..., 'b1': ..., 'W2': ..., 'b2': ...}, loss"),
        Check("returns the mean cross-entropy before the step", _check_step_loss,
              hint="loss = -np.mean(log_P[np.arange(n), y]), computed from the forward pass of the given params."),
        Check("updates all four parameters as the reference does", _check_step_random,
              hint="dZ2 = (P - Y) / n; dW2 = H.T @ dZ2; db2 = dZ2.sum(0); dZ1 = (dZ2 @ W2.T) * (Z1 > 0); "
                   "dW1 = X.T @ dZ1; db1 = dZ1.sum(0); then params - lr * grads."),
        Check("the hidden gradient goes through the ReLU", _check_step_relu,
              hint="A hidden unit whose input Z1 is negative outputs 0 and passes no gradient back."),
        Check("stays exact when the logits are in the thousands", _check_step_large_logits,
              hint="Subtract each row's largest logit before np.exp, and take the log of the softmax as "
                   "Z - log(sum(exp(Z))) rather than log(P)."),
    ]))

# --------------------------------------------------------------------------------------------
# Exercise 8.3 — predict the parameter count of a deeper spiral network


def deeper_spiral_parameter_count():
    """Input(2) → Dense(32) → Dense(32) → Dense(3): weights (in × out) plus one bias per unit in each layer."""
    return (2 * 32 + 32) + (32 * 32 + 32) + (32 * 3 + 3)          # 96 + 1056 + 99 = 1251


_COUNT_MISTAKES = {
    1184: "that is the number of weights alone; every unit of every Dense layer also has a bias",
    1253: "the input has no parameters: it only holds the 2 coordinates",
    387: "that is the chapter's network with one hidden layer of 64 units; this one has two layers of 32",
    69: "that is the number of units; count the weights and biases instead",
    67: "that is the number of units that compute; count their weights and biases",
}


def _count_value(answer):
    if isinstance(answer, bool) or not isinstance(answer, numbers.Number):
        raise AssertionError(f"your answer is {expect._describe(answer)}; expected a whole number")
    if float(answer) != int(answer) or answer < 0:
        raise AssertionError(f"{answer} is not a whole number of parameters")
    return int(answer)


def _check_count(answer):
    expect.number(_count_value(answer), deeper_spiral_parameter_count(), rtol=0, mistakes=_COUNT_MISTAKES)


register(Exercise(
    id="ch08.param_count", answer="answer_params", title="Count the parameters of a deeper network", kind="predict",
    solution=deeper_spiral_parameter_count(), tests=[
        Check("is a whole number", _count_value, hint="A parameter count is an integer, e.g. 1234."),
        Check("is what summary() reports as trainable parameters", _check_count,
              hint="A Dense layer with d inputs and u units has d·u weights and u biases; add the three layers."),
    ]))

# --------------------------------------------------------------------------------------------
# Exercise 8.4 — which evaluation is valid?

EVALUATIONS = {
    "a": "Standardize all 600 points, then split them 480/120, train on the 480 and report the accuracy on the 120.",
    "b": "Train on all 600 points and report the accuracy on the same 600 points.",
    "c": "Split 480/120 first; fit the scaler on the 480, train on them, transform the 120 with the same scaler "
         "and report the accuracy on the 120, measured once at the end.",
    "d": "Split 480/120 and fit the scaler on the 480; train for 3000 epochs, measure the accuracy on the 120 "
         "after every epoch, and report the best of those 3000 numbers.",
}


def valid_evaluation():
    """(c). (a) lets the test points shape the scaling (a leak); (b) measures memory, not generalization;
    (d) picks the best of 3000 test scores, which is a choice made on the test set and so an optimistic number."""
    return "c"


_EVALUATION_WHY = {
    "a": "the scaler's mean and std were computed with the 120 test points, so they leaked into training",
    "b": "accuracy on the training points measures how well the network remembers them; a lookup table scores "
         "100% there",
    "d": "choosing the epoch with the best test accuracy is tuning on the test set: the reported maximum is "
         "optimistic. Choose the epoch on a validation split and test once",
}


register(Exercise(
    id="ch08.valid_evaluation", answer="answer_evaluation", title="Which evaluation can you trust?", kind="choice",
    solution=valid_evaluation(), tests=[
        Check("the valid evaluation", lambda a: expect.choice(a, valid_evaluation(), _EVALUATION_WHY),
              hint="Ask of each procedure: did anything about the 120 test points influence the model, the "
                   "scaling or a choice, before the final number was measured?"),
    ]))

# --------------------------------------------------------------------------------------------
# Exercise 8.5 — tune width and epochs within a compute budget

SPIRAL_BUDGET = 2000        # hidden units × epochs: training time grows with both
SPIRAL_TARGET = 0.95        # held-out accuracy to reach
SPIRAL_LR = 1.0


@functools.lru_cache(maxsize=1)
def _spiral_data():
    """The chapter's spiral: 600 points, a 480/120 split, scaled with the training statistics."""
    from ..datasets import make_spirals
    from ..preprocessing import StandardScaler, train_test_split

    X, y = make_spirals(600, seed=0)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=120, seed=0)
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test


def spiral_held_out_accuracy(hidden, epochs, seed=0):
    """Train the chapter's 2-layer ReLU network (He init, full-batch gradient descent, learning rate 1.0)
    with ``hidden`` units for ``epochs`` epochs on the 480 training points; return the accuracy on the 120
    held-out points."""
    X_train, X_test, y_train, y_test = _spiral_data()
    rng = np.random.default_rng(seed)
    params = {"W1": rng.standard_normal((2, hidden)) * np.sqrt(2 / 2), "b1": np.zeros(hidden),
              "W2": rng.standard_normal((hidden, 3)) * np.sqrt(2 / hidden), "b2": np.zeros(3)}
    for _ in range(epochs):
        params, _ = train_step(params, X_train, y_train, SPIRAL_LR)
    logits = np.maximum(X_test @ params["W1"] + params["b1"], 0) @ params["W2"] + params["b2"]
    return float(np.mean(logits.argmax(axis=1) == y_test))


def spiral_settings():
    """32 hidden units for 50 epochs: 1600 unit-epochs, 96.7 % held-out accuracy. (64 units for 3000 epochs
    reach 99 % but cost 192,000; 2 units stay below 66 % however long they train.)"""
    return {"hidden": 32, "epochs": 50}


def _settings(answer):
    if not isinstance(answer, dict) or set(answer) != {"hidden", "epochs"}:
        raise AssertionError(f"your answer is {expect._describe(answer)}; expected a dict "
                             "{'hidden': <units>, 'epochs': <epochs>}")
    out = {}
    for key in ("hidden", "epochs"):
        v = answer[key]
        if isinstance(v, bool) or not isinstance(v, numbers.Number) or float(v) != int(v) or v < 1:
            raise AssertionError(f"answer[{key!r}] is {expect._describe(v)}; expected a whole number >= 1")
        out[key] = int(v)
    return out


def _check_budget(answer):
    s = _settings(answer)
    cost = s["hidden"] * s["epochs"]
    if cost > SPIRAL_BUDGET:
        raise AssertionError(f"{s['hidden']} units × {s['epochs']} epochs = {cost:,} unit-epochs, over the budget "
                             f"of {SPIRAL_BUDGET:,}")


def _check_target(answer):
    s = _settings(answer)
    if s["hidden"] * s["epochs"] > SPIRAL_BUDGET:
        raise AssertionError("over the budget, so not trained (see the previous check)")
    acc = spiral_held_out_accuracy(s["hidden"], s["epochs"])
    if acc < SPIRAL_TARGET:
        epochs = f"{s['epochs']} epoch" + ("s" if s["epochs"] != 1 else "")
        raise AssertionError(f"{s['hidden']} units for {epochs} reach {acc:.1%} held-out accuracy, "
                             f"below {SPIRAL_TARGET:.0%}")


register(Exercise(
    id="ch08.spiral_tune", answer="spiral_settings", title="Reach 95 % within a budget", kind="tune",
    solution=spiral_settings(), tests=[
        Check(f"costs at most {SPIRAL_BUDGET:,} hidden units × epochs", _check_budget,
              hint="64 units for 3000 epochs cost 192,000: far too much. Try fewer epochs first."),
        Check(f"reaches {SPIRAL_TARGET:.0%} held-out accuracy", _check_target,
              hint="Too few units cannot bend the boundary around three arms (2 units stay below 66 %); too few "
                   "epochs stop before it has formed. Try spiral_held_out_accuracy(hidden, epochs) for widths "
                   "between 8 and 64."),
    ]))
