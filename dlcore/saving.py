"""Saving and loading: ``model.save("m.keras")`` / ``load_model``, ``save_weights`` / ``load_weights``.

dlcore's ``.keras`` file is a zip holding ``dlcore_config.json`` (architecture and compile settings, as
JSON) and ``model.weights.npz`` (the arrays, numpy's format). It is NOT Keras' format: Keras cannot
read it and dlcore cannot read Keras' files (it says so). Loading never unpickles anything: classes are
looked up by name among dlcore's layers, losses, optimizers, regularizers and initializers, and
the classes you register with :func:`register_keras_serializable`.
``save_weights`` writes a plain ``.npz`` archive, also under Keras' required name ``*.weights.h5``.
"""

from __future__ import annotations

import importlib
import inspect
import io
import json
import os
import warnings
import zipfile

import numpy as np

FORMAT = "dlcore-model"
WEIGHTS_FORMAT = "dlcore-weights"
VERSION = 1
_CONFIG, _WEIGHTS = "dlcore_config.json", "model.weights.npz"
_MODULES = ("dlcore.layers", "dlcore.losses", "dlcore.optimizers", "dlcore.regularizers", "dlcore.initializers",
            "dlcore.activations", "dlcore.models", "dlcore.models.functional", "dlcore.metrics")
_registered: dict[str, type] = {}


def register_keras_serializable(package: str = "Custom", name: str | None = None):
    """Class decorator: lets ``load_model`` rebuild a subclassed ``Model`` or a custom ``Layer``.

    The class is rebuilt as ``cls.from_config(config)`` if it defines it, else ``cls(**config)``
    with ``config = obj.get_config()``.
    """
    def register(cls):
        _registered[f"{package}>{name or cls.__name__}"] = cls
        cls._registered_name = f"{package}>{name or cls.__name__}"
        return cls
    return register


# ----- whole models ------------------------------------------------------------------------------
def save_model(model, filepath, overwrite: bool = True) -> None:
    """Write ``model`` (architecture, weights, compile settings) to ``filepath`` ending in ``.keras``."""
    filepath = os.fspath(filepath)
    if not filepath.endswith(".keras"):
        raise ValueError(f"save: the file name must end in .keras, got {filepath!r}")
    _check_overwrite(filepath, overwrite)
    if not model.layers or not model.output_shapes:
        raise ValueError(f"save: {model.name} is not built yet; call it on data (or fit it) before saving")
    config = {"format": FORMAT, "version": VERSION, "model": _model_config(model), "compile": _compile_config(model)}
    with zipfile.ZipFile(filepath, "w") as archive:
        archive.writestr(_CONFIG, json.dumps(config, indent=1))
        archive.writestr(_WEIGHTS, _npz_bytes(model.get_weights(), "model"))


def load_model(filepath, custom_objects: dict | None = None, compile: bool = True, safe_mode: bool = True):
    """Rebuild a model saved by ``model.save`` (dlcore's ``.keras`` files only), compiled as it was."""
    filepath = os.fspath(filepath)
    config, weights = _read_model_file(filepath)
    registry = {**_registered, **(custom_objects or {})}
    try:
        model = _build_model(config["model"], registry)
        model.set_weights(weights)
    except (KeyError, TypeError, ValueError) as error:
        raise ValueError(f"load_model: {filepath!r} is a dlcore file but its model could not be rebuilt: {error}") \
            from error
    if compile and config.get("compile"):
        c = config["compile"]
        model.compile(optimizer=_decode(c["optimizer"]), loss=_decode(c["loss"]), metrics=_decode(c["metrics"]) or None,
                      weighted_metrics=_decode(c.get("weighted_metrics")) or None, loss_weights=c.get("loss_weights"))
    return model


def _read_model_file(filepath: str):
    if not os.path.isfile(filepath):
        raise FileNotFoundError(f"load_model: no file {filepath!r} (expected a .keras file saved by dlcore)")
    if not zipfile.is_zipfile(filepath):
        raise ValueError(f"load_model: {filepath!r} is not a .keras file saved by dlcore (expected a zip archive "
                         f"with {_CONFIG} and {_WEIGHTS})")
    with zipfile.ZipFile(filepath) as archive:
        names = archive.namelist()
        if _CONFIG not in names or _WEIGHTS not in names:
            keras_made = "config.json" in names and "model.weights.h5" in names
            raise ValueError(f"load_model: {filepath!r} " + (
                "was saved by Keras, not dlcore; dlcore reads only its own .keras files (rebuild the model in "
                "dlcore and copy the weights with set_weights)" if keras_made else
                f"is a zip archive without {_CONFIG} and {_WEIGHTS}, so not a model saved by dlcore"))
        config = json.loads(archive.read(_CONFIG))
        weights = _npz_arrays(archive.read(_WEIGHTS), filepath, "model")
    if config.get("format") != FORMAT or config.get("version", 0) > VERSION:
        raise ValueError(f"load_model: {filepath!r} has format {config.get('format')!r} version "
                         f"{config.get('version')!r}; expected {FORMAT!r} version <= {VERSION}")
    return config, weights


# ----- weights only ------------------------------------------------------------------------------
def save_weights(model, filepath, overwrite: bool = True) -> None:
    """Write the model's weights (``get_weights()`` order) to ``*.weights.h5`` or ``*.weights.npz``.

    The content is a numpy ``.npz`` archive whatever the suffix (``.weights.h5`` is accepted so that
    Keras code runs unchanged; the file is not HDF5).
    """
    filepath = os.fspath(filepath)
    if not filepath.endswith((".weights.h5", ".weights.npz")):
        raise ValueError(f"save_weights: the file name must end in .weights.h5 (or .weights.npz), got {filepath!r}")
    _check_overwrite(filepath, overwrite)
    with open(filepath, "wb") as f:
        f.write(_npz_bytes(model.get_weights(), "weights"))


def load_weights(model, filepath) -> None:
    """Set ``model``'s weights from a file written by ``save_weights`` (or from a dlcore ``.keras`` file)."""
    filepath = os.fspath(filepath)
    if filepath.endswith(".keras"):
        weights = _read_model_file(filepath)[1]
    else:
        if not os.path.isfile(filepath):
            raise FileNotFoundError(f"load_weights: no file {filepath!r} (expected a file written by save_weights)")
        with open(filepath, "rb") as f:
            weights = _npz_arrays(f.read(), filepath, "weights")
    if not model.layers or not model.output_shapes:
        raise ValueError(f"load_weights: build {model.name} first (call it on a batch) so it has weights to set")
    try:
        model.set_weights(weights)
    except ValueError as error:
        raise ValueError(f"load_weights: the weights in {filepath!r} do not fit {model.name}: {error}") from error


def _check_overwrite(filepath: str, overwrite: bool) -> None:
    if not overwrite and os.path.exists(filepath):
        raise FileExistsError(f"{filepath!r} exists and overwrite=False")


def _npz_bytes(arrays: list, kind: str) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, _format=np.array(f"{WEIGHTS_FORMAT}-{kind}-{VERSION}"),
             **{f"w{i:05d}": np.asarray(a) for i, a in enumerate(arrays)})
    return buffer.getvalue()


def _npz_arrays(data: bytes, filepath: str, kind: str) -> list[np.ndarray]:
    expected = f"a dlcore {kind} file (a numpy .npz archive written by {'save' if kind == 'model' else 'save_weights'})"
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:  # never unpickle: a file could run code
            arrays = {k: npz[k] for k in npz.files}
    except (ValueError, OSError, zipfile.BadZipFile) as error:
        raise ValueError(f"{filepath!r} is not {expected}: {error}") from error
    if str(arrays.pop("_format", "")).rsplit("-", 1)[0] != f"{WEIGHTS_FORMAT}-{kind}":
        raise ValueError(f"{filepath!r} is not {expected}")
    return [arrays[k] for k in sorted(arrays)]


# ----- configs: JSON only, rebuilt from an allowlist of classes --------------------------------------
def _model_config(model) -> dict:
    from .models import Sequential
    from .models.functional import Functional
    base = {"class_name": type(model).__name__, "name": model.name,
            "trainable": [layer.trainable for layer in model.layers]}
    if isinstance(model, Functional):
        index = {id(node): i for i, node in enumerate(model._nodes)}
        index.update({id(t): -1 - k for k, t in enumerate(model._inputs)})  # Input k is -1 - k
        nodes = [{"layer": layer_config(node.layer), "list": node.called_on_list,
                  "inputs": [index[id(t)] for t in node.inputs]} for node in model._nodes]
        return {**base, "kind": "functional", "input_shape": list(model._input.shape), "nodes": nodes,
                "input_name": model._input.name,
                "inputs": [{"shape": list(t.shape), "name": t.name} for t in model._inputs],
                "outputs": [index[id(t)] for t in model._outputs]}
    if isinstance(model, Sequential):
        shape = model._input_shape or model.output_shapes and _first_input_shape(model)
        dtypes = [str(w.dtype) for w in model.weights]
        return {**base, "kind": "sequential", "input_shape": _encode(shape),
                "dtype": dtypes[0] if dtypes else "float32",
                "layers": [layer_config(layer) for layer in model.layers]}
    registered = type(model).__dict__.get("_registered_name")  # not inherited: a subclass registers itself
    if registered is None:
        raise ValueError(f"save: {type(model).__name__} is a subclassed Model; decorate the class with "
                         "@dlcore.saving.register_keras_serializable() (and give it get_config() if its __init__ "
                         "takes arguments) so load_model can rebuild it")
    shape, dtype = model._build_input
    return {**base, "kind": "subclassed", "registered_name": registered, "config": _encode(model.get_config()),
            "input_shape": list(shape), "input_dtype": dtype}


def _first_input_shape(model):
    first = model.layers[0]
    return first.input_shape


def _build_model(config: dict, registry: dict):
    from .layers.input import Input
    from .models import Model, Sequential
    kind = config["kind"]
    if kind == "sequential":
        shape = _decode(config["input_shape"])
        layers = [_build_layer(c, registry) for c in config["layers"]]
        model = Sequential(([Input(shape=tuple(shape))] if shape else []) + layers, name=config["name"])
        if shape:
            model.build(tuple(shape), dtype=np.dtype(config.get("dtype", "float32")))
    elif kind == "functional":
        specs = config.get("inputs") or [{"shape": config["input_shape"], "name": config.get("input_name")}]
        inputs = [Input(shape=tuple(spec["shape"]), name=spec["name"]) for spec in specs]
        tensors = []
        for node in config["nodes"]:
            args = [inputs[-1 - i] if i < 0 else tensors[i] for i in node["inputs"]]
            tensors.append(_build_layer(node["layer"], registry)(args if node["list"] else args[0]))
        outputs = [tensors[i] for i in config.get("outputs", [len(tensors) - 1])]
        model = Model(inputs if len(inputs) > 1 else inputs[0], outputs if len(outputs) > 1 else outputs[0],
                      name=config["name"])
    else:
        cls = registry.get(config["registered_name"])
        if cls is None:
            raise ValueError(f"class {config['registered_name']!r} is not registered; decorate it with "
                             "@register_keras_serializable() or pass custom_objects={...}")
        cfg = _decode(config["config"])
        model = cls.from_config(cfg) if hasattr(cls, "from_config") else cls(**_init_kwargs(cls, cfg))
        model(np.zeros((1, *config["input_shape"]), dtype=config["input_dtype"]))  # builds the layers
    for layer, trainable in zip(model.layers, config.get("trainable", [])):
        layer.trainable = trainable
    return model


def _init_parameter_names(cls) -> list[str]:
    """The names ``cls(...)`` accepts. When an ``__init__`` takes ``**options`` (``LSTM``'s, handed on to
    ``Recurrent``), the next ``__init__`` up the class hierarchy adds its own."""
    names = []
    for owner in cls.__mro__:
        if "__init__" not in vars(owner) or owner is object:
            continue
        params = inspect.signature(vars(owner)["__init__"]).parameters.values()
        names += [p.name for p in params if p.name != "self" and p.name not in names
                  and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
        if not any(p.kind is p.VAR_KEYWORD for p in params):
            break
    return names


def layer_config(layer) -> dict:
    """``{"class_name", "config"}`` of a layer: its constructor arguments, read from its attributes."""
    config = {}
    for key in _init_parameter_names(type(layer)):
        if not hasattr(layer, key):
            continue
        try:
            config[key] = _encode(getattr(layer, key))
        except TypeError:
            warnings.warn(f"save: {layer.describe()}: argument {key!r} cannot be saved; it gets its default back",
                          stacklevel=3)
    from .layers.base import Layer
    # get_config's values win, except for a wrapped layer (Bidirectional's, TimeDistributed's): saved whole above
    config.update({k: _encode(v) for k, v in layer.get_config().items()
                   if k == "name" or (k in config and not isinstance(getattr(layer, k), Layer))})
    name = type(layer).__dict__.get("_registered_name", type(layer).__name__)
    return {"class_name": name, "config": config}


def _build_layer(config: dict, registry: dict):
    from .layers.base import Layer
    name = config["class_name"]
    cls = registry.get(name) or _lookup(name, ("dlcore.layers", "dlcore.models.functional"))
    if not (isinstance(cls, type) and issubclass(cls, Layer)):
        raise ValueError(f"unknown layer class {name!r}; register custom layers with @register_keras_serializable()")
    return cls(**_init_kwargs(cls, _decode(config["config"])))


def _init_kwargs(cls, config: dict) -> dict:
    params = inspect.signature(cls.__init__).parameters
    if any(p.kind == p.VAR_KEYWORD for p in params.values()):
        return config
    return {k: v for k, v in config.items() if k in params}


def _compile_config(model) -> dict | None:
    if model.optimizer is None:
        return None
    from .models.compile_loss import CompileLoss
    if isinstance(model.loss, CompileLoss):  # several outputs: the loss(es), weights and metrics as given
        return {"optimizer": _encode(model.optimizer), "loss": _encode(model.loss.spec),
                "metrics": _savable_per_output(model._metric_specs),
                "weighted_metrics": _savable_per_output(model._weighted_metric_specs),
                "loss_weights": _encode(model.loss.weights_spec)}
    return {"optimizer": _encode(model.optimizer), "loss": _encode(model.loss),
            "metrics": _savable_metrics(model._metric_specs),
            "weighted_metrics": _savable_metrics(model._weighted_metric_specs),
            "loss_weights": model._loss_weight}


def _savable_per_output(specs):
    """Per-output metrics (a list with an entry per output, or a dict by output name), each made savable."""
    def savable(entry):
        return None if entry is None else _savable_metrics(entry if isinstance(entry, (list, tuple)) else [entry])
    if isinstance(specs, dict):
        return {name: savable(entry) for name, entry in specs.items()}
    return [savable(entry) for entry in specs]


def _savable_metrics(specs: list) -> list:
    """Names, dlcore's metric functions and dlcore metric objects (with their arguments); your own
    functions or classes cannot be saved (a file names no code): a warning, and they are left out."""
    saved = []
    for spec in specs:
        try:
            saved.append(_encode(spec))
        except TypeError:
            warnings.warn(f"save: the metric {getattr(spec, '__name__', spec)!r} is not a dlcore metric, so it is not "
                          "saved; load_model compiles without it", stacklevel=4)
    return saved


def _encode(value):
    """JSON for numbers, strings, tuples, lists, dicts, and dlcore objects/functions (by class name and
    constructor arguments); ``TypeError`` for anything else."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (np.integer, np.floating, np.bool_)):
        return value.item()
    if isinstance(value, np.dtype) or (isinstance(value, type) and issubclass(value, np.generic)):
        return {"__dtype__": np.dtype(value).name}
    if isinstance(value, tuple):
        return {"__tuple__": [_encode(v) for v in value]}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {k: _encode(v) for k, v in value.items()}
    module = getattr(value, "__module__", None) or type(value).__module__
    if inspect.isfunction(value) and _is_dlcore(module):
        return {"__function__": f"{module}.{value.__name__}"}
    if _is_dlcore(type(value).__module__) and type(value).__module__.startswith("dlcore.metrics"):
        cls = type(value)  # a metric's arguments are its get_config() (e.g. the thresholds as given)
        return {"__object__": f"{cls.__module__}.{cls.__name__}", "config": _encode(value.get_config())}
    if _is_dlcore(type(value).__module__):
        cls = type(value)
        args = {k: _encode(getattr(value, k)) for k in _init_parameter_names(cls) if hasattr(value, k)}
        return {"__object__": f"{cls.__module__}.{cls.__name__}", "config": args}
    raise TypeError(f"cannot save {type(value).__name__} values")


def _is_dlcore(module: str | None) -> bool:
    """Whether ``module`` is one of the packages whose objects can be saved (or a submodule of one, e.g.
    ``dlcore.optimizers.adam``)."""
    return bool(module) and any(module == m or module.startswith(m + ".") for m in _MODULES)


def _decode(value):
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "__dtype__" in value:
        return np.dtype(value["__dtype__"])
    if "__tuple__" in value:
        return tuple(_decode(v) for v in value["__tuple__"])
    if "__function__" in value:
        module, name = value["__function__"].rsplit(".", 1)
        return _lookup(name, (module,))
    if "__object__" in value:
        module, name = value["__object__"].rsplit(".", 1)
        cls = _lookup(name, (module,))
        return cls(**_init_kwargs(cls, _decode(value["config"])))
    return {k: _decode(v) for k, v in value.items()}


def _lookup(name: str, modules: tuple[str, ...]):
    """``module.name`` for an allowlisted dlcore module only (a file cannot name arbitrary code)."""
    for module_name in modules:
        if not _is_dlcore(module_name):
            raise ValueError(f"refusing to load {module_name}.{name}: not a dlcore module")
        found = getattr(importlib.import_module(module_name), name, None)
        if found is not None and not name.startswith("_"):
            return found
    raise ValueError(f"unknown name {name!r} in {', '.join(modules)}")
