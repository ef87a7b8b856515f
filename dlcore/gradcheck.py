"""Numerical gradients by central differences, and one-call checks of layers and models.

Always check in float64: with ``h = 1e-6`` the central difference has truncation error
``O(h^2) ~ 1e-12`` and round-off ``~ 1e-16 / h = 1e-10``; in float32 round-off alone is ``~ 1e-1``.
Avoid points where the function has a kink (ReLU at exactly 0, max-pool ties).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def numerical_gradient(f: Callable[[], float], x: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """Central-difference gradient of the scalar ``f()`` with respect to the array ``x``.

    ``x`` is perturbed **in place** one entry at a time (and restored), so ``f`` must read
    ``x`` each time it is called.

    Parameters
    ----------
    f : callable
        Takes no argument and returns a float that depends on ``x``.
    x : ndarray of float64
        The variable, any shape.
    h : float
        Step size.

    Returns
    -------
    ndarray
        Same shape as ``x``: ``(f(x + h e_i) - f(x - h e_i)) / (2h)`` for every entry ``i``.
    """
    if x.dtype != np.float64:
        raise ValueError(f"numerical_gradient needs a float64 array, got {x.dtype}: "
                         "float32 round-off swamps the difference")
    grad = np.zeros_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    if not np.shares_memory(flat, x):
        raise ValueError("numerical_gradient needs a contiguous array it can perturb in place")
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + h
        plus = float(f())
        flat[i] = old - h
        minus = float(f())
        flat[i] = old
        gflat[i] = (plus - minus) / (2 * h)
    return grad


def rel_error(a: np.ndarray, b: np.ndarray) -> float:
    """Relative error ``||a - b|| / max(||a|| + ||b||, 1e-12)`` between two arrays of the same shape.

    Below ``1e-7`` in float64 means the gradients agree; above ``1e-3`` means a bug.
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"rel_error needs arrays of the same shape, got {a.shape} and {b.shape}")
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-12))


def check_layer(layer, x: np.ndarray, training: bool = False, h: float = 1e-6,
                wrt_input: bool = True) -> dict[str, float]:
    """Compare a layer's ``backward`` with numerical gradients of ``sum(forward(x) * r)``.

    ``r`` is a fixed random array, so every output entry contributes with its own weight.
    The layer is built in float64 if it is not built yet (pass a float64 ``x``).

    Parameters
    ----------
    layer : Layer
        Any dlcore layer.
    x : ndarray of float64
        An input batch.
    training : bool
        Forward mode to check (for dropout, fix the layer's mask first; see ``Dropout``).
    h : float
        Finite-difference step.
    wrt_input : bool
        Also check ``dx`` (set False for integer inputs such as ``Embedding``'s).

    Returns
    -------
    dict
        ``{"x": err, "<param>": err, ...}`` relative errors (see :func:`rel_error`).
    """
    out = layer.forward(x, training=training)
    for name, p in layer.params.items():
        if p.dtype != np.float64:
            raise ValueError(f"check_layer: parameter {name!r} of {layer.name} is {p.dtype}; "
                             "build the layer on a float64 input")
    # its own generator: drawn from dlcore's, r could repeat the stream a test made x from
    r = np.random.default_rng(20260101).standard_normal(out.shape)

    def loss() -> float:
        return float(np.sum(layer.forward(x, training=training) * r))

    loss()  # caches for backward come from the same x
    dx = layer.backward(r.copy())
    errors = {}
    if wrt_input:
        errors["x"] = rel_error(dx, numerical_gradient(loss, x, h))
    for name, p in layer.params.items():
        analytic = layer.grads[name].copy()
        errors[name] = rel_error(analytic, numerical_gradient(loss, p, h))
    return errors


def check_model(model, x: np.ndarray, y: np.ndarray, h: float = 1e-6) -> dict[str, float]:
    """Compare a compiled model's backpropagated gradients of its loss with numerical ones.

    Returns ``{"<layer name>.<param>": rel_error}`` for every parameter of every layer.
    Uses inference-mode forward passes (dropout off), float64 parameters required.
    """
    def loss() -> float:
        return model.compute_loss(x, y, training=False)

    model.compute_loss(x, y, training=False)
    model.backpropagate()
    errors = {}
    for layer in model.layers:
        for name, p in layer.params.items():
            analytic = layer.grads[name].copy()
            errors[f"{layer.name}.{name}"] = rel_error(analytic, numerical_gradient(loss, p, h))
    return errors
