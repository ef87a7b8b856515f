"""The metrics given to ``compile``: one object per metric, reset, updated per batch, read out (Keras 3's way).

``fit`` resets them at the start of every epoch, updates them with every batch's labels and outputs,
and logs their results after each batch (the epoch so far); ``evaluate`` resets, updates with all
its data and reads them. Plain ``metrics`` ignore ``sample_weight``/``class_weight``;
``weighted_metrics`` use them. Log names follow Keras' ``CompileMetrics.result``.
"""

from __future__ import annotations

from .. import metrics as metrics_lib


class CompileMetrics:
    """The compiled ``metrics`` and ``weighted_metrics`` of a model.

    Parameters
    ----------
    metrics, weighted_metrics : list
        Names (``"accuracy"``, ``"auc"``, ...), functions, ``Metric`` classes or objects.
    output_name : str, optional
        For one output of several: the log names start with it (``y1_mae``).
    """

    def __init__(self, metrics: list, weighted_metrics: list, output_name: str | None = None):
        # "accuracy" waits for the first batch (its flavour depends on the shapes); the others exist now
        self._specs = [(spec, False) for spec in metrics] + [(spec, True) for spec in weighted_metrics]
        self._objects = [None if _is_accuracy(spec) else _metric_object(spec) for spec, _ in self._specs]
        self.names = _log_names([spec if isinstance(spec, str) else obj.name
                                 for (spec, _), obj in zip(self._specs, self._objects)],
                                [weighted for _, weighted in self._specs])
        if output_name is not None:
            self.names = [f"{output_name}_{name}" for name in self.names]

    def build(self, y_true, y_pred) -> None:
        """Create the accuracy metrics, whose kind Keras picks from the shapes of the first batch."""
        for i, (spec, _) in enumerate(self._specs):
            if self._objects[i] is None:
                self._objects[i] = _metric_object(spec, y_true, y_pred)

    def reset_state(self) -> None:
        for metric in self._objects:
            if metric is not None:
                metric.reset_state()

    def update_state(self, y_true, y_pred, sample_weight=None, mask=None) -> None:
        """Add one batch. ``mask``: the output's padding mask ``(batch, steps)``; as in Keras only the mean
        metrics (accuracy, mse, ...) read it, counting the real steps only, while Precision/Recall/AUC don't."""
        self.build(y_true, y_pred)
        for metric, (_, weighted) in zip(self._objects, self._specs):
            weights = sample_weight if weighted else None
            if mask is not None and isinstance(metric, metrics_lib.MeanMetricWrapper):
                metric.update_state(y_true, y_pred, sample_weight=weights, mask=mask)
            else:
                metric.update_state(y_true, y_pred, sample_weight=weights)

    def result(self, weighted: bool | None = None) -> dict:
        """``{log name: value}`` (a later metric with a clashing name replaces an earlier one, as in Keras);
        ``weighted`` True or False: only the ``weighted_metrics`` or only the ``metrics``."""
        return {name: metric.result() for name, metric, (_, w) in zip(self.names, self._objects, self._specs)
                if metric is not None and weighted in (None, w)}


class OutputMetrics:
    """The compiled metrics of a model with several outputs: a :class:`CompileMetrics` per output.

    ``metrics`` (and ``weighted_metrics``) is a list with one entry per output (a metric or a list of
    them, None for none) or a dict ``{output name: metrics}``, as in Keras. Logs are named
    ``<output>_<metric>``: every output's ``metrics`` first, then the ``weighted_metrics``.
    """

    def __init__(self, metrics, weighted_metrics, output_names: list[str]):
        self._outputs = [CompileMetrics(m, w, output_name=name) for m, w, name in zip(
            _per_output(metrics, output_names, "metrics"),
            _per_output(weighted_metrics, output_names, "weighted_metrics"), output_names)]
        self.names = [name for weighted in (False, True) for output in self._outputs
                      for name, (_, w) in zip(output.names, output._specs) if w == weighted]

    def reset_state(self) -> None:
        for output in self._outputs:
            output.reset_state()

    def update_state(self, ys: list, outs: list, sample_weights: list, masks: list) -> None:
        """Add one batch: lists with one entry per output."""
        for output, y, out, w, mask in zip(self._outputs, ys, outs, sample_weights, masks):
            output.update_state(y, out, w, mask=mask)

    def result(self) -> dict:
        return {name: value for weighted in (False, True) for output in self._outputs
                for name, value in output.result(weighted).items()}


def _per_output(specs, names: list[str], label: str) -> list[list]:
    """Each output's list of metrics, from a list with one entry per output or a dict by output name."""
    if not specs:
        return [[] for _ in names]
    if isinstance(specs, dict):
        unknown = [key for key in specs if key not in names]
        if unknown:
            raise ValueError(f"{label}: unknown output names {unknown}; the model's outputs are {names}")
        specs = [specs.get(name) for name in names]
    elif not isinstance(specs, (list, tuple)) or len(specs) != len(names):
        count = len(specs) if isinstance(specs, (list, tuple)) else "not a list"
        raise ValueError(f"{label}: the model has {len(names)} outputs {names}, so give a list with one entry per "
                         f"output (a metric or a list of metrics), e.g. {label}=[['mae'], ['accuracy']], or a dict "
                         f"{{output name: metrics}}; got {specs!r} ({count})")
    return [[] if s is None else list(s) if isinstance(s, (list, tuple)) else [s] for s in specs]


def _is_accuracy(spec) -> bool:
    return isinstance(spec, str) and spec.lower() in ("accuracy", "acc")


def _metric_object(spec, y_true=None, y_pred=None) -> metrics_lib.Metric:
    metric = metrics_lib.as_metric(metrics_lib.get(spec, y_true, y_pred))
    if isinstance(spec, str):
        metric.name = spec  # Keras logs a metric given by name under that name, e.g. "AUC" or "acc"
    return metric


def _log_names(names: list[str], weighted: list[bool]) -> list[str]:
    """Keras' log names: a repeated name gets ``_1``, ``_2`` ...; a weighted metric whose name is taken
    becomes ``weighted_<name>`` (numbered if that is taken too). Unweighted metrics are named first."""
    seen: dict[str, int] = {}
    result = [""] * len(names)
    for i in [i for i, w in enumerate(weighted) if not w] + [i for i, w in enumerate(weighted) if w]:
        name = names[i]
        if name in seen and weighted[i]:
            name = f"weighted_{name}"
        if name not in seen:
            seen[name] = 1
        else:
            seen[name] += 1
            name = f"{name}_{seen[name] - 1}"
        result[i] = name
    return result
