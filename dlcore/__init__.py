"""dlcore: a small, fast, gradient-checked numpy deep-learning library for the course
*Neural networks from scratch*. Names follow Keras (``Sequential``, ``Dense``, ``compile``, ``fit``)."""

from . import (
    activations,
    autograd,
    callbacks,
    datasets,
    gradcheck,
    initializers,
    layers,
    losses,
    metrics,
    models,
    optimizers,
    preprocessing,
    regularizers,
    saving,
    utils,
)
from .layers import Input
from .models import Model, Sequential
from .random import get_rng, set_seed
from .threads import get_num_threads, limit_on_import, set_num_threads

limit_on_import()  # one BLAS thread for the course's small matrices (see dlcore/threads.py)

__version__ = "0.1.0"

__all__ = ["Input", "Model", "Sequential", "activations", "autograd", "callbacks", "datasets", "get_num_threads",
           "get_rng", "gradcheck", "initializers", "layers", "losses", "metrics", "models", "optimizers",
           "preprocessing", "regularizers", "saving", "set_num_threads", "set_seed", "utils"]
