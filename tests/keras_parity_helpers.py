"""Keras 3 (torch backend, float64) as a numerical reference for dlcore: helpers for tests/test_keras_parity.py
(tests/keras_reference.py sets Keras up, for these and the other Keras comparison tests).

Keras is a *reference only*, like torch: it is never a dependency of the course. Importing this module
configures Keras through tests/keras_reference.py (torch backend, float64 throughout).
Everything here moves arrays between numpy and torch and asks torch's autograd for Keras' gradients.
"""

from __future__ import annotations

import numpy as np
import torch
from keras_reference import import_keras

keras = import_keras()  # torch backend, float64 without demotion (see keras_reference.py)


def tensor(a, requires_grad: bool = False) -> torch.Tensor:
    """A numpy array as a torch tensor (float64 stays float64; integers stay integers)."""
    t = torch.as_tensor(np.asarray(a))
    return t.requires_grad_(True) if requires_grad else t


def numpy(t) -> np.ndarray:
    """A torch tensor (or Keras variable) as a numpy array."""
    if hasattr(t, "value") and not isinstance(t, torch.Tensor):
        t = t.value
    return t.detach().cpu().numpy() if isinstance(t, torch.Tensor) else np.asarray(t)


def weight_key(layer, variable) -> str:
    """dlcore's name for a Keras variable: its path inside ``layer`` with ``/`` → ``_``,
    without the ``*_cell`` level of recurrent layers (``lstm/lstm_cell/kernel`` → ``kernel``,
    ``multi_head_attention/query/kernel`` → ``query_kernel``, ``.../attention_output/bias`` → ``output_bias``)."""
    parts = variable.path.split("/")
    if parts and parts[0] == layer.name:
        parts = parts[1:]
    parts = [p for p in parts if not p.endswith("_cell")]
    return "_".join(parts).replace("attention_output", "output")


def dlcore_state(layer) -> dict[str, np.ndarray]:
    """A dlcore layer's trainable ``params`` plus its non-trainable state (batch norm's moving statistics)."""
    state = dict(layer.params)
    for extra in ("moving_mean", "moving_variance"):
        if getattr(layer, extra, None) is not None:
            state[extra] = getattr(layer, extra)
    return state


def copy_weights(keras_layer, dl_layer) -> list[tuple[str, str]]:
    """Copy every Keras weight into the (built) dlcore layer; returns the (keras path, dlcore key) pairs.

    Weights are matched by name (:func:`weight_key`); if dlcore names them otherwise, by position,
    provided the shapes agree. Raises ``AssertionError`` when they cannot be matched.
    """
    state = dlcore_state(dl_layer)
    kvars = list(keras_layer.weights)
    assert len(kvars) == len(state), (f"Keras has {len(kvars)} weights {[v.path for v in kvars]}, "
                                      f"dlcore {len(state)} {list(state)}")
    keys = [weight_key(keras_layer, v) for v in kvars]
    if set(keys) != set(state):  # names differ: fall back to the order
        keys = list(state)
    pairs = []
    for v, key in zip(kvars, keys):
        w = numpy(v)
        assert state[key].shape == w.shape, f"{key}: dlcore shape {state[key].shape}, Keras {v.path} {w.shape}"
        if key in dl_layer.params:
            dl_layer.params[key] = w.copy()
        else:
            setattr(dl_layer, key, w.copy())
        pairs.append((v.path, key))
    return pairs


def layer_forward_backward(layer, inputs, dout: np.ndarray, training: bool = False, call_kwargs=None):
    """Keras' output, input gradient(s) and weight gradients for the vector-Jacobian product with ``dout``.

    ``inputs`` is an array or a list of arrays (float inputs get gradients; integer ids do not).
    Returns ``(out, dinputs, {variable path: grad})`` as numpy arrays; ``dinputs`` is a list.
    """
    arrays = inputs if isinstance(inputs, (list, tuple)) else [inputs]
    tensors = [tensor(a, requires_grad=np.issubdtype(np.asarray(a).dtype, np.floating)) for a in arrays]
    for v in layer.trainable_weights:
        v.value.grad = None
    args = tensors if isinstance(inputs, (list, tuple)) else tensors[:1]
    out = layer(*args, training=training, **(call_kwargs or {})) if not isinstance(inputs, list) \
        else layer(args, training=training, **(call_kwargs or {}))
    (out * tensor(dout)).sum().backward()
    dins = [numpy(t.grad) if t.requires_grad and t.grad is not None else None for t in tensors]
    grads = {v.path: numpy(v.value.grad) if v.value.grad is not None else np.zeros(v.shape)
             for v in layer.trainable_weights}
    return numpy(out), dins, grads


def loss_value_and_gradient(loss, y_true: np.ndarray, y_pred: np.ndarray) -> tuple[float, np.ndarray]:
    """A Keras loss's value (mean over the batch) and its gradient with respect to ``y_pred``."""
    p = tensor(y_pred, requires_grad=True)
    value = loss(tensor(y_true), p)
    value.backward()
    return float(value.detach()), numpy(p.grad)


def activation_value_and_gradient(fn, x: np.ndarray, dout: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A Keras activation's output and its vector-Jacobian product with ``dout``."""
    t = tensor(x, requires_grad=True)
    y = fn(t)
    (y * tensor(dout)).sum().backward()
    return numpy(y), numpy(t.grad)


def optimizer_trajectory(optimizer, w0: list[np.ndarray], grads: list[list[np.ndarray]]) -> list[list[np.ndarray]]:
    """Apply ``grads[t]`` (one list of arrays per step) with a Keras optimizer from weights ``w0``;
    return the weights after every step."""
    variables = [keras.Variable(w.copy(), dtype="float64") for w in w0]
    out = []
    for step in grads:
        optimizer.apply_gradients([(tensor(g.copy()), v) for g, v in zip(step, variables)])
        out.append([numpy(v).copy() for v in variables])
    return out
