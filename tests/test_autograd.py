"""Tests for dlcore.autograd: every operation against central differences, deep graphs, training."""

import doctest
import math

import numpy as np
import pytest

import dlcore.autograd
from dlcore.autograd import Value
from dlcore.gradcheck import numerical_gradient, rel_error

UNARY = {  # name -> (Value method, float function); inputs are kept away from kinks and the log's pole
    "tanh": (Value.tanh, math.tanh),
    "relu": (Value.relu, lambda x: max(x, 0.0)),
    "exp": (Value.exp, math.exp),
    "log": (lambda v: v.log(), math.log),
    "sigmoid": (Value.sigmoid, lambda x: 1 / (1 + math.exp(-x))),
}


def grad_of(f, xs):
    """Analytic gradient of ``f(*values)`` with respect to every entry of the float list ``xs``."""
    vs = [Value(x) for x in xs]
    f(*vs).backward()
    return np.array([v.grad for v in vs])


def num_grad(f, xs):
    x = np.array(xs, dtype=np.float64)
    return numerical_gradient(lambda: f(*[Value(t) for t in x]).data, x)


@pytest.mark.parametrize("name", sorted(UNARY))
@pytest.mark.parametrize("x", [-1.7, -0.3, 0.4, 2.2])
def test_unary_value_and_gradient(name, x):
    method, ref = UNARY[name]
    if name == "log":
        x = abs(x)
    assert method(Value(x)).data == pytest.approx(ref(x), rel=1e-12)
    assert rel_error(grad_of(method, [x]), num_grad(method, [x])) < 1e-7


@pytest.mark.parametrize("f", [
    lambda a, b: a + b, lambda a, b: a - b, lambda a, b: a * b, lambda a, b: a / b,
    lambda a, b: a ** 3 - b ** -2 + a ** 0.5, lambda a, b: -a * b,
    lambda a, b: 2 * a + 1 - b, lambda a, b: 1 - a, lambda a, b: 3 / a + b / 4, lambda a, b: a * 2.5 - 7 + b,
], ids=["add", "sub", "mul", "div", "pow", "neg", "radd_rmul", "rsub", "rtruediv", "mixed"])
def test_binary_ops_match_central_differences(f):
    xs = [1.3, 0.7]
    assert rel_error(grad_of(f, xs), num_grad(f, xs)) < 1e-7


def test_reflected_ops_values():
    v = Value(4.0)
    assert (2 * v).data == 8.0 and (1 - v).data == -3.0 and (1 / v).data == 0.25 and (v - 1).data == 3.0
    assert (3 + v).data == 7.0 and (v / 2).data == 2.0 and (-v).data == -4.0 and (v ** 2).data == 16.0
    assert (np.float64(2.0) + v).data == 6.0 and (v * np.int64(3)).data == 12.0


def test_node_used_twice_gets_both_contributions():
    a = Value(3.0)
    (a * a).backward()
    assert a.grad == 6.0
    b = Value(3.0)
    (b + b).backward()
    assert b.grad == 2.0
    c = Value(2.0)  # diamond: c feeds two paths that meet again
    d = c * 3
    e = c.tanh()
    (d * e + d).backward()
    t = math.tanh(2.0)
    assert c.grad == pytest.approx(3 * t + 6 * (1 - t * t) + 3, rel=1e-12)


def test_grads_accumulate_across_backward_calls():
    a = Value(1.5)
    loss = a * 4
    loss.backward()
    loss.backward()
    assert a.grad == 8.0


def test_power_rejects_value_exponent():
    with pytest.raises(TypeError, match="number"):
        Value(2.0) ** Value(3.0)


def test_log_of_non_positive_raises():
    with pytest.raises(ValueError, match="positive"):
        Value(0.0).log()


def test_sigmoid_is_stable_at_extremes():
    assert Value(-1000.0).sigmoid().data == 0.0
    assert Value(1000.0).sigmoid().data == 1.0


def test_repr_shows_data_grad_and_label():
    v = Value(1.25, label="w")
    v.grad = 0.5
    assert repr(v) == "Value(label='w', data=1.25, grad=0.5)"
    assert repr(Value(-2.0)) == "Value(data=-2, grad=0)"


def test_unsupported_operand_gives_type_error():
    with pytest.raises(TypeError):
        Value(1.0) + "a"
    with pytest.raises(TypeError):
        Value(1.0) / "a"


def mlp_loss(w1, b1, w2, b2, X, y):
    """Mean squared error of a 2-4-1 tanh MLP built from Values; weights are numpy float64 arrays."""
    W1 = [[Value(w) for w in row] for row in w1]
    B1 = [Value(b) for b in b1]
    W2 = [Value(w) for w in w2]
    B2 = Value(b2[0])
    total = Value(0.0)
    for x, t in zip(X, y):
        h = [sum((W1[i][j] * x[i] for i in range(len(x))), B1[j]).tanh() for j in range(len(B1))]
        out = sum((W2[j] * h[j] for j in range(len(h))), B2)
        total = total + (out - t) ** 2
    loss = total / len(X)
    return loss, (W1, B1, W2, B2)


def test_mlp_gradients_match_gradcheck():
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((5, 2)), rng.standard_normal(5)
    w1, b1 = rng.standard_normal((2, 4)), rng.standard_normal(4) * 0.1
    w2, b2 = rng.standard_normal(4), rng.standard_normal(1)
    loss, (W1, B1, W2, B2) = mlp_loss(w1, b1, w2, b2, X, y)
    loss.backward()
    analytic = {"w1": np.array([[v.grad for v in row] for row in W1]), "b1": np.array([v.grad for v in B1]),
                "w2": np.array([v.grad for v in W2]), "b2": np.array([B2.grad])}
    arrays = {"w1": w1, "b1": b1, "w2": w2, "b2": b2}
    for name, arr in arrays.items():
        numeric = numerical_gradient(lambda: mlp_loss(w1, b1, w2, b2, X, y)[0].data, arr)
        assert rel_error(analytic[name], numeric) < 1e-6, name


def test_random_expressions_match_gradcheck():
    rng = np.random.default_rng(1)
    ops = [lambda a, b: a * b, lambda a, b: a + b, lambda a, b: a - b, lambda a, b: a / (b * b + 1),
           lambda a, b: (a * 0.5).tanh() * b, lambda a, b: (a * 0.3).exp() + b, lambda a, b: (a - b).sigmoid()]
    for _ in range(20):
        steps = [(rng.integers(len(ops)), rng.integers(0, 10, 2)) for _ in range(8)]

        def expr(*vs, steps=steps):
            pool = list(vs)
            for k, (i, j) in steps:
                pool.append(ops[k](pool[i % len(pool)], pool[j % len(pool)]))
            return pool[-1] + pool[-2] * 0.5

        xs = list(rng.uniform(-1, 1, 3))
        assert rel_error(grad_of(expr, xs), num_grad(expr, xs)) < 1e-6


def test_long_chain_has_no_recursion_error():
    x = Value(0.5)
    y = x
    for _ in range(10_000):
        y = y * 1.0001 + 0.0  # two nodes per step: a 20,000-deep chain
    y.backward()
    assert x.grad == pytest.approx(1.0001 ** 10_000, rel=1e-9)


def test_graph_of_100k_nodes():
    leaves = [Value(float(i % 7)) for i in range(50_000)]
    total = Value(0.0)
    for v in leaves:  # 50,000 leaves + 50,000 additions, depth 50,000
        total = total + v
    total.backward()
    assert total.data == float(sum(i % 7 for i in range(50_000)))
    assert all(v.grad == 1.0 for v in leaves)


def test_value_mlp_training_reduces_loss():
    rng = np.random.default_rng(3)
    X = rng.standard_normal((8, 2))
    y = np.tanh(X[:, 0] - 0.5 * X[:, 1])
    w1, b1 = rng.standard_normal((2, 4)) * 0.5, np.zeros(4)
    w2, b2 = rng.standard_normal(4) * 0.5, np.zeros(1)
    losses = []
    for _ in range(15):
        loss, (W1, B1, W2, B2) = mlp_loss(w1, b1, w2, b2, X, y)
        loss.backward()
        losses.append(loss.data)
        w1 -= 0.2 * np.array([[v.grad for v in row] for row in W1])
        b1 -= 0.2 * np.array([v.grad for v in B1])
        w2 -= 0.2 * np.array([v.grad for v in W2])
        b2 -= 0.2 * B2.grad
    assert losses[-1] < 0.5 * losses[0]
    assert all(b <= a + 1e-12 for a, b in zip(losses, losses[1:]))


def test_module_doctest():
    assert doctest.testmod(dlcore.autograd).failed == 0
