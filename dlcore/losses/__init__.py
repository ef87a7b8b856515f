"""Loss functions: value (mean over the batch) and gradient with respect to the prediction.

Each loss is a callable object: ``loss(y_true, y_pred, sample_weight=None) -> float``,
``loss.per_sample(y_true, y_pred) -> (batch,)`` and ``loss.gradient(y_true, y_pred, sample_weight=None)
-> dL/dy_pred`` (same shape as ``y_pred``, already divided by the batch size). With ``sample_weight``
``w`` the loss is ``sum(w_i * l_i) / batch`` (Keras' default ``reduction="sum_over_batch_size"``; every
class also takes Keras' ``"sum"``, ``"mean"``, ``"mean_with_sample_weight"`` and ``None``, and ``name``).
Names, defaults and formulas are Keras 3's (``keras.losses``).

- ``base.py``: the :class:`Loss` base class;
- ``crossentropy.py``: binary, categorical and sparse categorical cross-entropy, KL divergence;
- ``regression.py``: mean squared / absolute / squared-logarithmic error, Huber, Poisson;
- ``hinge.py``: the hinge loss.
"""

from __future__ import annotations

from .base import EPSILON, Loss, apply_mask
from .crossentropy import BinaryCrossentropy, CategoricalCrossentropy, KLDivergence, SparseCategoricalCrossentropy
from .hinge import Hinge
from .regression import Huber, MeanAbsoluteError, MeanSquaredError, MeanSquaredLogarithmicError, Poisson

__all__ = ["EPSILON", "Loss", "BinaryCrossentropy", "CategoricalCrossentropy", "SparseCategoricalCrossentropy",
           "KLDivergence", "MeanSquaredError", "MeanAbsoluteError", "Huber", "MeanSquaredLogarithmicError",
           "Poisson", "Hinge", "apply_mask", "get"]

mse = MeanSquaredError()
binary_crossentropy = BinaryCrossentropy()
categorical_crossentropy = CategoricalCrossentropy()
sparse_categorical_crossentropy = SparseCategoricalCrossentropy()

_TABLE = {
    "mse": MeanSquaredError, "mean_squared_error": MeanSquaredError,
    "binary_crossentropy": BinaryCrossentropy, "bce": BinaryCrossentropy,
    "categorical_crossentropy": CategoricalCrossentropy,
    "sparse_categorical_crossentropy": SparseCategoricalCrossentropy,
    "mae": MeanAbsoluteError, "mean_absolute_error": MeanAbsoluteError,
    "huber": Huber,
    "hinge": Hinge,
    "kld": KLDivergence, "kl_divergence": KLDivergence,
    "poisson": Poisson,
    "msle": MeanSquaredLogarithmicError, "mean_squared_logarithmic_error": MeanSquaredLogarithmicError,
}


def get(identifier, from_logits: bool = False) -> Loss:
    """Return a loss by its Keras name (``'mse'``, ``'mae'``, ``'huber'``, ``'hinge'``, ``'kld'``, ``'poisson'``,
    ``'msle'``, ``'binary_crossentropy'``, ``'categorical_crossentropy'``, ``'sparse_categorical_crossentropy'``
    or a long form such as ``'mean_absolute_error'``), or ``identifier`` itself if it is already a :class:`Loss`."""
    if isinstance(identifier, Loss):
        return identifier
    if isinstance(identifier, str) and identifier.lower() in _TABLE:
        cls = _TABLE[identifier.lower()]
        if not from_logits:
            return cls()
        if not issubclass(cls, CategoricalCrossentropy | BinaryCrossentropy):
            raise ValueError(f"from_logits=True applies to the cross-entropies only, not to {identifier!r}")
        return cls(from_logits=True)
    raise ValueError(f"unknown loss {identifier!r}; expected one of {sorted(_TABLE)} or a dlcore.losses.Loss object")
