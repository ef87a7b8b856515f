"""A tiny scalar autograd engine: reverse-mode automatic differentiation on single numbers.

Every :class:`Value` remembers the values it was computed from and a small function,
``_backward``, that applies the chain rule for its operation: it adds
``(d output / d input) * output.grad`` to each input's ``grad``. ``backward()`` sorts the
graph so that every node comes after its inputs, then calls those functions from the output
back to the leaves. The sort uses an explicit stack instead of recursion, so a graph of
100,000 nodes does not hit Python's recursion limit.

>>> a, b = Value(2.0), Value(-3.0)
>>> loss = a * b + a          # loss = ab + a
>>> loss.backward()
>>> a.grad, b.grad            # d loss/da = b + 1, d loss/db = a
(-2.0, 2.0)
"""

from __future__ import annotations

import math
import numbers


class Value:
    """A scalar node of a computational graph, with its gradient.

    Parameters
    ----------
    data : float
        The number this node holds.
    _children : tuple of Value
        The inputs of the operation that produced it (empty for a leaf).
    _op : str
        Name of that operation, for display.
    label : str
        Optional name, for display.

    Attributes
    ----------
    grad : float
        ``d(output)/d(self)`` after ``output.backward()``. Gradients ADD UP: a value used twice
        gets both contributions, and so do repeated ``backward()`` calls, so set ``grad = 0``
        on the parameters before each new backward pass (like ``optimizer.zero_grad()``).
    """

    def __init__(self, data: float, _children: tuple = (), _op: str = "", label: str = ""):
        self.data = float(data)
        self.grad = 0.0
        self._prev = tuple(_children)
        self._op = _op
        self.label = label
        self._backward = lambda: None  # a leaf has no inputs to pass its gradient to

    @staticmethod
    def _wrap(other) -> Value:
        """Turn a Python/numpy number into a constant leaf, so ``v + 1`` and ``2 * v`` work."""
        if isinstance(other, Value):
            return other
        if isinstance(other, numbers.Real):
            return Value(other)
        return NotImplemented

    def __add__(self, other) -> Value:
        other = self._wrap(other)
        if other is NotImplemented:
            return other
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():  # d(a + b)/da = d(a + b)/db = 1
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other) -> Value:
        other = self._wrap(other)
        if other is NotImplemented:
            return other
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():  # d(ab)/da = b, d(ab)/db = a
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def __pow__(self, k: float) -> Value:
        if isinstance(k, Value) or not isinstance(k, numbers.Real):
            raise TypeError(f"Value ** k needs a number k, got {type(k).__name__}; use exp(k * log(v)) for a Value k")
        out = Value(self.data ** k, (self,), f"**{k}")

        def _backward():  # d(x^k)/dx = k x^(k-1)
            self.grad += k * self.data ** (k - 1) * out.grad
        out._backward = _backward
        return out

    # The rest is built from the operations above, so it needs no backward of its own.
    def __neg__(self) -> Value:
        return self * -1

    def __sub__(self, other) -> Value:
        other = self._wrap(other)
        return NotImplemented if other is NotImplemented else self + (-other)

    def __truediv__(self, other) -> Value:
        other = self._wrap(other)
        return NotImplemented if other is NotImplemented else self * other ** -1

    def __radd__(self, other) -> Value:  # other + self, when other is a number
        return self + other

    def __rmul__(self, other) -> Value:
        return self * other

    def __rsub__(self, other) -> Value:
        return other + (-self)

    def __rtruediv__(self, other) -> Value:
        return other * self ** -1

    def _unary(self, value: float, local_grad: float, op: str) -> Value:
        """A one-input node whose derivative at ``self.data`` is ``local_grad``."""
        out = Value(value, (self,), op)

        def _backward():
            self.grad += local_grad * out.grad
        out._backward = _backward
        return out

    def tanh(self) -> Value:
        """``tanh(x)``; derivative ``1 - tanh(x)**2``."""
        t = math.tanh(self.data)
        return self._unary(t, 1 - t * t, "tanh")

    def relu(self) -> Value:
        """``max(0, x)``; derivative 1 for ``x > 0``, else 0."""
        return self._unary(max(self.data, 0.0), float(self.data > 0), "relu")

    def exp(self) -> Value:
        """``e**x``; its own derivative."""
        e = math.exp(self.data)
        return self._unary(e, e, "exp")

    def log(self) -> Value:
        """Natural logarithm (``x > 0``); derivative ``1 / x``."""
        if self.data <= 0:
            raise ValueError(f"log needs a positive value, got {self.data}")
        return self._unary(math.log(self.data), 1 / self.data, "log")

    def sigmoid(self) -> Value:
        """``1 / (1 + e**-x)``, computed without overflow; derivative ``s (1 - s)``."""
        e = math.exp(-abs(self.data))  # in (0, 1]: never overflows
        s = 1 / (1 + e) if self.data >= 0 else e / (1 + e)
        return self._unary(s, s * (1 - s), "sigmoid")

    def backward(self) -> None:
        """Add ``d(self)/d(node)`` to the ``grad`` of every node this value depends on.

        Sets ``self.grad = 1`` and applies the chain rule in reverse topological order.
        """
        # Depth-first search with an explicit stack. A node is pushed twice: first to visit its
        # inputs, then (flag True) to be appended once all of them are in `order`.
        order, visited = [], set()
        stack = [(self, False)]
        while stack:
            node, inputs_done = stack.pop()
            if inputs_done:
                order.append(node)
            elif node not in visited:
                visited.add(node)
                stack.append((node, True))
                stack.extend((child, False) for child in node._prev if child not in visited)
        self.grad = 1.0
        for node in reversed(order):  # outputs before inputs: each grad is complete when it is passed on
            node._backward()

    def __repr__(self) -> str:
        name = f"label={self.label!r}, " if self.label else ""
        return f"Value({name}data={self.data:.6g}, grad={self.grad:.6g})"
