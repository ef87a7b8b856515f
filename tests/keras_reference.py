"""Keras 3 (torch backend, float64) for the comparison tests; they skip when Keras is not installed."""

import os

import pytest


def keras_or_skip():
    """Import Keras 3 on the torch backend with float64 weights and arithmetic, or skip the test."""
    os.environ.setdefault("KERAS_BACKEND", "torch")
    keras = pytest.importorskip("keras", reason="Keras 3 is not installed: the comparison with Keras is skipped")
    keras.config.set_floatx("float64")  # on torch, Keras computes float64 matmuls in float32 otherwise
    return keras
