"""Keras 3 as a numerical reference for dlcore (torch backend, float64); tests skip when Keras is missing.

Keras is a *reference only*, like torch: never a dependency of the course (``.ci/run`` installs it).
:func:`import_keras` configures it before use: ``KERAS_BACKEND=torch``, ``floatx = float64``, and no
demotion of float64 in Keras's type promotion. Keras 3 mirrors JAX's default on every backend but
TensorFlow: ``dtypes.result_type("float64", "float64")`` is ``"float32"``
(``keras/src/backend/common/dtypes.py``, ``BIT64_TO_BIT32_DTYPE``), so even with floatx float64 a Dense
layer would multiply in float32 (errors ~1e-7) and the comparison would measure float32 rounding.

- :func:`keras_or_skip` and the ``keras`` fixture (registered in conftest.py) for tests that compare;
- :func:`keras_layer_output` runs a Keras layer with given weights; :func:`assert_close_to_keras` compares.

Set ``DLCORE_KERAS_LOG=path`` to append every measured deviation to a file (for reports).
"""

from __future__ import annotations

import os

import numpy as np
import pytest


def import_keras():
    """Keras 3 on the torch backend, computing in float64 (raises ImportError when it cannot be set up)."""
    os.environ.setdefault("KERAS_BACKEND", "torch")
    import keras

    if keras.backend.backend() != "torch":  # someone imported keras with another backend first
        raise ImportError(f"the Keras reference needs the torch backend, got {keras.backend.backend()!r}")
    keras.config.set_floatx("float64")
    from keras.src.backend.common import dtypes

    dtypes.BIT64_TO_BIT32_DTYPE["float64"] = "float64"
    return keras


def keras_or_skip():
    """:func:`import_keras`, or skip the test with the reason."""
    try:
        return import_keras()
    except ImportError as exc:
        pytest.skip(f"Keras 3 (a reference only: pip install keras==3.15.1 torch==2.13.0) is not usable: {exc}")


@pytest.fixture
def keras():
    """The keras module, set up by :func:`import_keras`, or a skip."""
    return keras_or_skip()


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
