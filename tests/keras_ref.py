"""Keras 3 as a numerical reference for the layer tests (torch backend, float64).

``keras_layer_output`` builds the Keras layer, copies our weights across with ``set_weights`` and
returns its output as numpy. Tests that use it skip, with the reason, when keras is not installed.
Precision: Keras 3.15's ``dtypes.result_type("float64", "float64")`` is ``"float32"``, so on the torch
backend ``keras.ops.matmul`` and ``keras.ops.mean`` compute float64 inputs in float32 and return them
as float64 (1e-8 to 1e-7 off; measured). Comparisons through those ops use ``atol=1e-6``; the others
(convolutions, pooling, reshapes) match to 1e-10 or better. A wrong formula is off by far more.
Set ``DLCORE_KERAS_LOG=path`` to append every measured deviation to a file (for reports).
"""

from __future__ import annotations

import os

import numpy as np
import pytest


@pytest.fixture
def keras():
    """The keras module with floatx float64 for the test (restored afterwards)."""
    os.environ.setdefault("KERAS_BACKEND", "torch")
    module = pytest.importorskip("keras", reason="keras is not installed: no comparison with Keras")
    old = module.config.floatx()
    module.config.set_floatx("float64")
    yield module
    module.config.set_floatx(old)


def keras_layer_output(keras, layer, x, weights=None, **call_kwargs) -> np.ndarray:
    """``layer(x)`` for a Keras layer after ``set_weights(weights)`` (built on ``x`` first)."""
    layer(x, **call_kwargs)
    if weights is not None:
        layer.set_weights([np.asarray(w, dtype=np.float64) for w in weights])
    out = layer(x, **call_kwargs)
    if isinstance(out, (list, tuple)):
        return [keras.ops.convert_to_numpy(o) for o in out]
    return keras.ops.convert_to_numpy(out)


def assert_close_to_keras(what: str, ours, theirs, atol: float = 1e-10) -> float:
    """Assert ``ours`` matches Keras' output within ``atol``; returns (and may log) the max deviation."""
    ours, theirs = np.asarray(ours), np.asarray(theirs)
    assert ours.shape == theirs.shape, f"{what}: shape {ours.shape} vs Keras {theirs.shape}"
    dev = float(np.max(np.abs(ours - theirs))) if ours.size else 0.0
    log = os.environ.get("DLCORE_KERAS_LOG")
    if log:
        with open(log, "a") as f:
            f.write(f"{what}\t{dev:.3e}\n")
    assert dev <= atol, f"{what}: max deviation from Keras {dev:.3e} > {atol:.0e}"
    assert np.abs(theirs).max() > 0 or not theirs.size, f"{what}: Keras returned zeros (a vacuous comparison)"
    return dev
