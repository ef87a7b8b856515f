"""Weight initializers with Keras 3's names, defaults and formulas.

Lower-case functions take a shape: ``he_normal((784, 128))``. Classes take settings and a seed and
are then called with a shape: ``HeNormal(seed=0)((784, 128))``. (In Keras the lower-case names are
aliases of the classes; here they are the functions the layers call.) ``get(name)`` returns an
initializer object for a Keras name.
"""

from __future__ import annotations

import inspect

from .base import Initializer
from .constant import Constant, Ones, Zeros, ones, zeros
from .distributions import (
    RandomNormal,
    RandomUniform,
    TruncatedNormal,
    random_normal,
    random_uniform,
    truncated_normal,
)
from .orthogonal import Orthogonal, orthogonal
from .variance_scaling import (
    GlorotNormal,
    GlorotUniform,
    HeNormal,
    HeUniform,
    LecunNormal,
    LecunUniform,
    VarianceScaling,
    compute_fans,
    glorot_normal,
    glorot_uniform,
    he_normal,
    he_uniform,
    lecun_normal,
    lecun_uniform,
)

_CLASSES = [Constant, GlorotNormal, GlorotUniform, HeNormal, HeUniform, LecunNormal, LecunUniform, Ones,
            Orthogonal, RandomNormal, RandomUniform, TruncatedNormal, VarianceScaling, Zeros]
_SNAKE = {"constant": Constant, "glorot_normal": GlorotNormal, "glorot_uniform": GlorotUniform,
          "he_normal": HeNormal, "he_uniform": HeUniform, "lecun_normal": LecunNormal,
          "lecun_uniform": LecunUniform, "ones": Ones, "orthogonal": Orthogonal, "random_normal": RandomNormal,
          "random_uniform": RandomUniform, "truncated_normal": TruncatedNormal, "variance_scaling": VarianceScaling,
          "zeros": Zeros, "normal": RandomNormal, "uniform": RandomUniform, "zero": Zeros, "one": Ones}
_TABLE = {**{cls.__name__: cls for cls in _CLASSES}, **_SNAKE}


def get(identifier):
    """An initializer for a Keras name (``'he_normal'`` or ``'HeNormal'``), a class, or a callable as it is.

    Raises
    ------
    ValueError
        If the name is unknown; the message lists the known names.
    """
    if inspect.isclass(identifier) and issubclass(identifier, Initializer):
        return identifier()
    if callable(identifier):
        return identifier
    if isinstance(identifier, str) and identifier in _TABLE:
        return _TABLE[identifier]()
    raise ValueError(f"unknown initializer {identifier!r}; expected one of {sorted(_SNAKE)}, "
                     "an initializer class or a callable taking a shape")


__all__ = [
    "Constant", "GlorotNormal", "GlorotUniform", "HeNormal", "HeUniform", "Initializer", "LecunNormal",
    "LecunUniform", "Ones", "Orthogonal", "RandomNormal", "RandomUniform", "TruncatedNormal", "VarianceScaling",
    "Zeros", "compute_fans", "get", "glorot_normal", "glorot_uniform", "he_normal", "he_uniform", "lecun_normal",
    "lecun_uniform", "ones", "orthogonal", "random_normal", "random_uniform", "truncated_normal", "zeros",
]
