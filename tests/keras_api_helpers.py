"""Compare dlcore's public API with Keras 3's, name by name and parameter by parameter (for tests/test_keras_api.py).

:func:`find_differences` walks every area (``dlcore.layers`` against ``keras.layers`` ...), and for every
public name both libraries have, compares ``inspect.signature`` of the constructor, function or method:

- ``missing``: a Keras parameter dlcore does not accept;
- ``default``: dlcore accepts it with another default (``1`` and ``(1, 1)`` count as the same: both
  libraries expand an int to a tuple; ``0`` and ``0.0`` too);
- ``required``: dlcore requires a parameter Keras has a default for, or lacks in its signature;
- ``(argument order)``: a positional call binds another parameter in dlcore than in Keras;
- ``(object)``: a Keras class is a function or an instance in dlcore, or a Keras function an instance
  (not compared further; a dlcore class standing for a Keras function, like ``Input``, is compared).

It also lists the dlcore names Keras does not have under that name. Keras only is imported by the caller.
"""

from __future__ import annotations

import inspect
import types
from dataclasses import dataclass
from numbers import Number

import dlcore

AREAS = ("layers", "activations", "initializers", "optimizers", "losses", "metrics", "callbacks", "regularizers",
         "models", "saving", "utils")
# The methods of Sequential and Model compared with Keras' (Keras' Sequential and Model share them).
MODEL_METHODS = ("compile", "fit", "evaluate", "predict", "train_on_batch", "test_on_batch", "predict_on_batch",
                 "save", "save_weights", "load_weights", "summary", "get_layer", "get_weights", "set_weights",
                 "count_params")
ORDER = "(argument order)"
OBJECT = "(object)"
EMPTY = inspect.Parameter.empty
POSITIONAL = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)


@dataclass(frozen=True)
class Difference:
    """One way a dlcore name differs from Keras': ``key`` is ``("layers.Dense", "use_bias")``."""

    key: tuple[str, str]
    kind: str  # missing, default, required, order
    detail: str

    def __str__(self) -> str:
        return f"{self.key[0]}({self.key[1]}): {self.kind}: {self.detail}"


def public_names(module) -> set[str]:
    """The public names of a dlcore module: ``__all__`` plus every public function, class or constant
    defined in dlcore (not submodules, not names it imported from numpy or the standard library)."""
    names = set(getattr(module, "__all__", ()))
    for name in dir(module):
        obj = getattr(module, name)
        if name.startswith("_") or name == "annotations" or isinstance(obj, types.ModuleType):
            continue
        owner = getattr(obj, "__module__", None) if (inspect.isclass(obj) or callable(obj)) else None
        if owner is not None and owner.startswith("dlcore"):
            names.add(name)
        elif owner is None and isinstance(obj, (Number, str, tuple, dict, frozenset)):
            names.add(name)
        elif not inspect.isclass(obj) and not inspect.isroutine(obj) and type(obj).__module__.startswith("dlcore"):
            names.add(name)  # an instance, e.g. dlcore.losses.mse
    return names


def _own_parameters(obj) -> tuple[list[inspect.Parameter], bool]:
    """Parameters of a callable without ``self``, ``*args`` and ``**kwargs``; and whether it takes ``**kwargs``."""
    target = obj.__init__ if inspect.isclass(obj) else obj
    params = [p for p in inspect.signature(target).parameters.values() if p.name != "self"]
    var_kw = any(p.kind is p.VAR_KEYWORD for p in params)
    return [p for p in params if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)], var_kw


def parameters(obj, method: str | None = None) -> list[inspect.Parameter]:
    """The parameters dlcore's ``obj`` (or its ``method``) accepts. When ``__init__`` (or the method) takes
    ``**kwargs``, the next definition up the MRO adds its parameters: dlcore's ``**kwargs`` are only ever
    forwarded to ``super()`` (``Adam(**options)`` to ``Optimizer``)."""
    attr = method or "__init__"
    params, var_kw = _own_parameters(getattr(obj, method) if method else obj)
    if inspect.isclass(obj) and var_kw:
        seen = {p.name for p in params}
        owners = [c for c in obj.__mro__ if attr in vars(c) and c is not object]
        for base in owners[1:]:
            more, var_kw = _own_parameters(vars(base)[attr] if method else base)
            params += [p.replace(kind=p.KEYWORD_ONLY) for p in more if p.name not in seen]
            seen |= {p.name for p in more}
            if not var_kw:
                break
    return params


def keras_parameters(obj, layer_keywords=(), method: str | None = None) -> list[inspect.Parameter]:
    """The parameters Keras' ``obj`` (or its ``method``) accepts: its own, plus, for a layer whose ``__init__``
    takes ``**kwargs``, ``layer_keywords`` (what ``Layer.__init__`` accepts). Keras' intermediate base
    classes (``BaseConv(rank, ...)``, ``BasePooling(pool_dimensions, ...)``) are filled in by the subclass,
    so they are not followed."""
    params, var_kw = _own_parameters(getattr(obj, method) if method else obj)
    if var_kw and not method:
        seen = {p.name for p in params}
        params += [p for p in layer_keywords if p.name not in seen]
    return params


def same_default(ours, theirs) -> bool:
    """Whether two defaults mean the same (an int n and a tuple of n's do: both libraries expand it)."""
    if isinstance(ours, bool) or isinstance(theirs, bool):
        return ours is theirs
    if isinstance(ours, Number) and isinstance(theirs, tuple):
        return all(t == ours for t in theirs)
    if isinstance(theirs, Number) and isinstance(ours, tuple):
        return all(o == theirs for o in ours)
    if isinstance(ours, Number) and isinstance(theirs, Number):
        return ours == theirs
    if isinstance(ours, type) or isinstance(theirs, type) or callable(ours) or callable(theirs):
        return ours is theirs
    try:
        return type(ours) is type(theirs) and bool(ours == theirs)
    except (TypeError, ValueError):
        return False


def compare(label: str, ours, theirs, keras_base_keywords=(), method=None) -> tuple[list[Difference], int]:
    """The differences of ``ours`` from ``theirs`` (Keras'), or of their ``method``, and how many Keras
    parameters were compared."""
    our_params = {p.name: p for p in parameters(ours, method=method)}
    their_params = keras_parameters(theirs, keras_base_keywords, method=method)
    found = []
    for p in their_params:
        mine = our_params.get(p.name)
        if mine is None:
            found.append(Difference((label, p.name), "missing",
                                    "Keras: " + ("required" if p.default is EMPTY else f"default {p.default!r}")))
        elif p.default is not EMPTY and mine.default is EMPTY:
            found.append(Difference((label, p.name), "required", f"Keras: default {p.default!r}"))
        elif not same_default(mine.default, p.default):
            theirs_text = "required" if p.default is EMPTY else f"{p.default!r}"
            found.append(Difference((label, p.name), "default", f"dlcore {mine.default!r}, Keras {theirs_text}"))
    their_names = {p.name for p in their_params}
    for p in our_params.values():
        if p.name not in their_names and p.default is EMPTY:
            found.append(Difference((label, p.name), "required", "dlcore requires it; Keras has no such parameter"))
    # positional calls: up to the first Keras parameter dlcore lacks (listed already), the same names in order
    our_positional = [p.name for p in our_params.values() if p.kind in POSITIONAL]
    their_positional = [p.name for p in their_params if p.kind in POSITIONAL]
    for i, name in enumerate(their_positional):
        if name not in our_params:
            break
        if i >= len(our_positional) or our_positional[i] != name:
            found.append(Difference((label, ORDER), "order",
                                    f"Keras {their_positional[:i + 1]}, dlcore {our_positional[:i + 1]}"))
            break
    return found, len(their_params)


def keras_layer_keywords(keras) -> list[inspect.Parameter]:
    """Keyword arguments every Keras layer takes through ``**kwargs``: ``Layer.__init__``'s own, and
    ``input_shape``/``input_dim`` that it pops from ``kwargs`` (``keras/src/layers/layer.py``)."""
    own, _ = _own_parameters(keras.layers.Layer)
    extra = [inspect.Parameter(n, inspect.Parameter.KEYWORD_ONLY, default=None) for n in ("input_shape", "input_dim")]
    return own + extra


def keras_model_constructors(keras) -> dict[str, object]:
    """Keras' ``Model(inputs, outputs)`` and ``Sequential`` constructors (``keras.Model`` itself takes ``*args``)."""
    from keras.src.models.functional import Functional

    return {"Model": Functional, "Sequential": keras.Sequential}


def kind(obj) -> str:
    """``"class"``, ``"function"`` or ``"instance"`` (a callable object such as ``dlcore.losses.mse``)."""
    return "class" if inspect.isclass(obj) else "function" if inspect.isroutine(obj) else "instance"


@dataclass
class Comparison:
    differences: list[Difference]
    names_compared: list[str]
    parameters_compared: int
    dlcore_only: list[str]  # "area.name" that Keras does not have under that name


def find_differences(keras) -> Comparison:
    """Compare every area, the model constructors and methods, and ``Input``."""
    found, compared, n_params, only = [], [], 0, []
    layer_kw = keras_layer_keywords(keras)
    constructors = keras_model_constructors(keras)
    for area in AREAS:
        ours_module, theirs_module = getattr(dlcore, area), getattr(keras, area)
        for name in sorted(public_names(ours_module)):
            label = f"{area}.{name}"
            if not hasattr(theirs_module, name):
                only.append(label)
                continue
            ours, theirs = getattr(ours_module, name), getattr(theirs_module, name)
            if area == "models" and name in constructors:
                ours = dlcore.models.functional.Functional if name == "Model" else ours
                theirs = constructors[name]
            if kind(ours) != kind(theirs) and not (kind(ours) == "class" and kind(theirs) == "function"):
                # (a dlcore class for a Keras function, like Input, is called the same way: compared below)
                found.append(Difference((label, OBJECT), "object", f"dlcore: {kind(ours)}, Keras: {kind(theirs)}"))
                continue
            diffs, n = compare(label, ours, theirs, layer_kw if area == "layers" else ())
            found += diffs
            compared.append(label)
            n_params += n
    ours_classes = {"Sequential": dlcore.Sequential, "Model": dlcore.models.functional.Functional}
    for model, ours_cls in ours_classes.items():
        for method in MODEL_METHODS:
            shared = (getattr(ours_cls, method) is getattr(ours_classes["Model"], method)
                      and getattr(constructors[model], method) is getattr(constructors["Model"], method))
            if model == "Sequential" and shared:
                continue  # the same method in both libraries' Model: compared (and listed) once, as Model's
            label = f"{model}.{method}"
            diffs, n = compare(label, ours_cls, constructors[model], method=method)
            found += diffs
            compared.append(label)
            n_params += n
    return Comparison(found, compared, n_params, only)
