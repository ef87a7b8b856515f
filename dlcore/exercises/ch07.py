"""Chapter 7 exercises. Statements and stubs are in chapters/07_backpropagation.ipynb."""

import math
import numbers

import numpy as np

from . import expect, register
from .grading import Check, Exercise

# ---------------------------------------------------------------- helpers for the checks


def _pair(value, name="your function"):
    """The learner's (grad_a, grad_b) as two floats."""
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise AssertionError(f"{name} returned {expect._describe(value)}; expected a pair (grad_a, grad_b)")
    out = []
    for part in value:
        if isinstance(part, np.ndarray) and part.size == 1:
            part = part.reshape(()).item()
        if part is None or isinstance(part, bool) or not isinstance(part, numbers.Number):
            raise AssertionError(f"{name} returned {expect._describe(part)} inside the pair; expected two numbers")
        part = float(part)
        if not math.isfinite(part):
            raise AssertionError(f"{name} returned {part}: look for a division by zero")
        out.append(part)
    return tuple(out)


def _triple(value, name="dense_backward"):
    """The learner's (dx, dW, db) as three arrays."""
    if not isinstance(value, (tuple, list)) or len(value) != 3:
        raise AssertionError(f"{name} returned {expect._describe(value)}; expected a tuple (dx, dW, db)")
    return tuple(np.asarray(v) if isinstance(v, np.ndarray) else v for v in value)


# ---------------------------------------------------------------- 7.1 the backward of a division node

def div_backward(a, b, out_grad):
    """Gradients that the node z = a / b passes back to its inputs, given out_grad = ∂L/∂z.

    ∂z/∂a = 1/b and ∂z/∂b = −a/b²; each is multiplied by the upstream gradient (the chain rule).
    """
    return out_grad / b, -out_grad * a / b**2


class _Node:
    """A minimal scalar autograd node, as built in the chapter, whose division calls the answer under test."""

    div_rule = staticmethod(div_backward)

    def __init__(self, data, children=()):
        self.data, self.grad, self._prev = float(data), 0.0, children
        self._backward = lambda: None

    @staticmethod
    def _wrap(v):
        return v if isinstance(v, _Node) else _Node(v)

    def __add__(self, other):
        other = self._wrap(other)
        out = _Node(self.data + other.data, (self, other))

        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = self._wrap(other)
        out = _Node(self.data * other.data, (self, other))

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def __truediv__(self, other):
        other = self._wrap(other)
        out = _Node(self.data / other.data, (self, other))
        rule = type(self).div_rule

        def _backward():
            ga, gb = _pair(rule(self.data, other.data, out.grad), "div_backward")
            self.grad += ga
            other.grad += gb
        out._backward = _backward
        return out

    def backward(self):
        order, seen, stack = [], set(), [(self, False)]
        while stack:
            node, done = stack.pop()
            if done:
                order.append(node)
            elif node not in seen:
                seen.add(node)
                stack.append((node, True))
                stack.extend((c, False) for c in node._prev)
        self.grad = 1.0
        for node in reversed(order):
            node._backward()


def _graph_grads(rule, f, xs):
    """Gradients of f(*nodes) at xs, with division differentiated by ``rule``."""
    node_type = type("_LearnerNode", (_Node,), {"div_rule": staticmethod(rule)})
    nodes = [node_type(x) for x in xs]
    f(*nodes).backward()
    return np.array([n.grad for n in nodes])


def _numeric_grads(f, xs, h=1e-6):
    xs = np.array(xs, dtype=float)
    grads = []
    for i in range(len(xs)):
        up, down = xs.copy(), xs.copy()
        up[i] += h
        down[i] -= h
        grads.append((f(*up) - f(*down)) / (2 * h))
    return np.array(grads)


def _div_one_node(f):
    ga, gb = _pair(f(6.0, 2.0, 1.0), "div_backward")
    if np.isclose(ga, 0.5) and np.isclose(gb, 1.5):
        raise AssertionError("for z = 6 / 2 you returned ∂L/∂b = +1.5; the quotient rule gives −a/b² = −1.5")
    if np.isclose(ga, 2.0) and np.isclose(gb, 6.0):
        raise AssertionError("you returned (b, a): that is the rule of a multiplication node, not of a division")
    if not (np.isclose(ga, 0.5) and np.isclose(gb, -1.5)):
        raise AssertionError(f"for z = 6 / 2 with ∂L/∂z = 1 you returned ({ga:.4g}, {gb:.4g}); "
                             "expected (∂z/∂a, ∂z/∂b) = (1/2, −6/4) = (0.5, −1.5)")


def _div_upstream(f):
    ga, gb = _pair(f(6.0, 2.0, 3.0), "div_backward")
    if np.isclose(ga, 0.5) and np.isclose(gb, -1.5):
        raise AssertionError("with ∂L/∂z = 3 you returned the same as with ∂L/∂z = 1: "
                             "multiply the local derivatives by out_grad")
    if not (np.isclose(ga, 1.5) and np.isclose(gb, -4.5)):
        raise AssertionError(f"for z = 6 / 2 with ∂L/∂z = 3 you returned ({ga:.4g}, {gb:.4g}); expected (1.5, −4.5)")


_GRAPHS = [  # (name, function of nodes or floats, point)
    ("x / (1 + x²)", lambda x: x / (x * x + 1.0), [0.7]),
    ("(a / b) / c", lambda a, b, c: (a / b) / c, [1.3, -0.8, 2.5]),
    ("a / a (= 1, gradient 0)", lambda a: a / a, [1.7]),
    ("a neuron with a division: (w·x + b) / (1 + x·x)", lambda w, x, b: (w * x + b) / (x * x + 1.0), [0.4, -1.2, 0.3]),
]


def _div_in_graphs(f):
    for name, g, xs in _GRAPHS:
        got = _graph_grads(f, g, xs)
        want = _numeric_grads(g, xs)
        if not np.allclose(got, want, rtol=1e-6, atol=1e-8):
            raise AssertionError(f"in the graph {name} at {xs} your node gives the gradients "
                                 f"{np.round(got, 5).tolist()}, central differences give {np.round(want, 5).tolist()}")


register(Exercise(
    id="ch07.div_backward", answer="div_backward", title="The backward of a division node", kind="implement",
    solution=div_backward, tests=[
        Check("one node: z = 6 / 2, ∂L/∂z = 1", _div_one_node,
              hint="∂(a/b)/∂a = 1/b and ∂(a/b)/∂b = −a/b²."),
        Check("multiplies by the upstream gradient", _div_upstream,
              hint="The chain rule: what you pass back is (local derivative) × out_grad."),
        Check("inside four graphs, against central differences", _div_in_graphs,
              hint="Return the two contributions; the Value class adds them to a.grad and b.grad with +=."),
    ]))


# ---------------------------------------------------------------- 7.2 predict a gradient by hand

def neuron_gradient_w2():
    """∂L/∂w₂ for L = (tanh(w₁x₁ + w₂x₂ + b) − y)² at x = (1, −2), w = (0.5, 0.25), b = 0.3, y = 1.

    z = 0.5 − 0.5 + 0.3 = 0.3, a = tanh(0.3); ∂L/∂a = 2(a − y); ∂a/∂z = 1 − a²; ∂z/∂w₂ = x₂ = −2.
    """
    x1, x2, w1, w2, b, y = 1.0, -2.0, 0.5, 0.25, 0.3, 1.0
    z = w1 * x1 + w2 * x2 + b
    a = math.tanh(z)
    return 2 * (a - y) * (1 - a**2) * x2


_G = neuron_gradient_w2()
_A = math.tanh(0.3)


def _g_is_number(answer):
    if answer is None or isinstance(answer, bool) or not isinstance(answer, numbers.Number):
        raise AssertionError(f"your answer is {expect._describe(answer)}; expected a number such as -0.5")


_G_MISTAKES = [
    (-_G, "the sign is flipped: the prediction is below the target, so increasing z lowers the loss, "
          "and ∂z/∂w₂ = x₂ is negative"),
    (_G / 2, "that forgets the factor 2 from the derivative of the square"),
    (2 * (_A - 1) * (-2.0), "that forgets the derivative of tanh, 1 − tanh²(z)"),
    (2 * (_A - 1) * (1 - _A**2), "that is ∂L/∂z (and ∂L/∂w₁, since x₁ = 1); for w₂ multiply by ∂z/∂w₂ = x₂ = −2"),
    (2 * (_A - 1) * (1 - _A**2) * 0.25, "that multiplies by w₂; the derivative of w₂·x₂ with respect to w₂ is x₂"),
]


def _g_value(answer):
    _g_is_number(answer)
    expect.number(answer, _G, rtol=2e-3, mistakes=_G_MISTAKES, fmt=".4f")


register(Exercise(
    id="ch07.neuron_gradient", answer="answer_grad", title="A gradient by hand", kind="predict",
    solution=_G, tests=[
        Check("is a number", _g_is_number, hint="Write a number, e.g. answer_grad = -0.5."),
        Check("the value, to 3 significant digits", _g_value,
              hint="Forward first: z, a = tanh(z), L. Then multiply the local derivatives backwards: "
                   "2(a − y), then 1 − a², then ∂z/∂w₂."),
    ]))


# ---------------------------------------------------------------- 7.3 dense_backward

def dense_backward(dout, x, W):
    """Backward pass of z = x @ W + b for a batch: x (n, d_in), W (d_in, d_out), dout = ∂L/∂z (n, d_out).

    Returns dx = dout Wᵀ (n, d_in), dW = xᵀ dout (d_in, d_out), db = Σ over the batch of dout (d_out,).
    """
    dx = dout @ W.T
    dW = x.T @ dout
    db = dout.sum(axis=0)
    return dx, dW, db


def _dense_case(seed, n, d_in, d_out):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d_out)), rng.normal(size=(n, d_in)), rng.normal(size=(d_in, d_out))


def _dense_shapes(f):
    dout, x, W = _dense_case(70, 5, 3, 4)
    dx, dW, db = _triple(f(dout, x, W))
    expect.array(dx, shape=(5, 3), name="dx")
    expect.array(dW, shape=(3, 4), name="dW")
    expect.array(db, shape=(4,), name="db")


def _dense_values(f):
    for seed, shape in zip((71, 72, 73), ((5, 3, 4), (32, 7, 2), (1, 4, 6))):
        dout, x, W = _dense_case(seed, *shape)
        refs = dense_backward(dout, x, W)  # before the call: an answer might change dout in place
        got = _triple(f(dout.copy(), x.copy(), W.copy()))
        for part, mine, ref in zip(("dx", "dW", "db"), got, refs):
            expect.close(mine, ref, rtol=1e-9, atol=1e-12, name=f"{part} for a batch of shape {shape[:2]}")


def _dense_bias_sum(f):
    dout, x, W = _dense_case(74, 8, 3, 2)
    db = expect.array(_triple(f(dout.copy(), x.copy(), W.copy()))[2], name="db")
    if db.shape == (2,) and np.allclose(db, dout.mean(axis=0)):
        raise AssertionError("db is the mean of dout over the batch; the bias is used by every example, "
                             "so its gradient is the SUM of their contributions (the 1/n is already in dout)")
    if db.shape == (8, 2):
        raise AssertionError("db has one row per example; sum them over the batch axis (axis 0)")
    expect.close(db, dout.sum(axis=0), rtol=1e-9, name="db")


def _dense_square(f):
    dout, x, W = _dense_case(75, 6, 4, 4)  # d_in = d_out: a transpose does not change the shape
    dx, dW, _ = _triple(f(dout.copy(), x.copy(), W.copy()))
    dW = expect.array(dW, shape=(4, 4), name="dW")
    dx = expect.array(dx, shape=(6, 4), name="dx")
    if np.allclose(dW, (x.T @ dout).T) and not np.allclose(dW, x.T @ dout):
        raise AssertionError("dW is the transpose of xᵀ·dout: with 4 inputs and 4 outputs the shape cannot tell, "
                             "the values can. Entry [i, j] must connect input i to output j")
    if np.allclose(dx, dout @ W) and not np.allclose(dx, dout @ W.T):
        raise AssertionError("dx = dout·W: the backward pass multiplies by Wᵀ")
    expect.close(dW, x.T @ dout, rtol=1e-9, name="dW")
    expect.close(dx, dout @ W.T, rtol=1e-9, name="dx")


register(Exercise(
    id="ch07.dense_backward", answer="dense_backward", title="The backward pass of a dense layer", kind="implement",
    solution=dense_backward, tests=[
        Check("returns (dx, dW, db) with the shapes of x, W and b", _dense_shapes,
              hint="Each gradient has the shape of the thing it is the gradient of: x (n, d_in), W (d_in, d_out), "
                   "b (d_out,)."),
        Check("matches the reference on three random batches (n = 5, 32, 1)", _dense_values,
              hint="dx = dout @ W.T, dW = x.T @ dout, db = dout.sum(axis=0)."),
        Check("db sums over the batch", _dense_bias_sum, hint="Sum, not mean: dout already holds the 1/n."),
        Check("no transposes lost when d_in = d_out", _dense_square,
              hint="Write the index form: z[k, j] = Σ_i x[k, i] W[i, j] + b[j], "
                   "so ∂L/∂W[i, j] = Σ_k x[k, i] dout[k, j]."),
    ]))


# ---------------------------------------------------------------- 7.4 what backpropagation does

def backprop_statement():
    """(b): backpropagation computes ∂L/∂θ for every parameter with the chain rule, output to input, in one
    backward pass; updating θ is the optimizer's job. (a) confuses it with the update, (c) calls it a training
    method that replaces the forward pass, (d) describes numerical differentiation."""
    return "b"


_BACKPROP_WHY = {
    "a": "it is the claim of one of the source documents. After backpropagation every weight is exactly what it was "
         "before: the update is a separate step",
    "c": "it calls backpropagation a training method that replaces the forward pass. It needs the forward pass (its "
         "stored values), and by itself it changes nothing: it only computes gradients",
    "d": "it describes numerical differentiation by finite differences: two forward passes per parameter. "
         "Backpropagation gets every gradient exactly from one backward pass",
}


register(Exercise(
    id="ch07.what_backprop_does", answer="answer_backprop", title="What backpropagation does", kind="choice",
    solution=backprop_statement(), tests=[
        Check("is one of the letters a–d", expect.letter,
              hint="Answer with a string, e.g. answer_backprop = \"a\"."),
        Check("the right statement", lambda a: expect.choice(a, backprop_statement(), _BACKPROP_WHY),
              hint="Look at what model.backpropagate() changed and what optimizer.apply_gradients() changed."),
    ]))
