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
    """

    def __init__(self, metrics: list, weighted_metrics: list):
        # "accuracy" waits for the first batch (its flavour depends on the shapes); the others exist now
        self._specs = [(spec, False) for spec in metrics] + [(spec, True) for spec in weighted_metrics]
        self._objects = [None if _is_accuracy(spec) else _metric_object(spec) for spec, _ in self._specs]
        self.names = _log_names([spec if isinstance(spec, str) else obj.name
                                 for (spec, _), obj in zip(self._specs, self._objects)],
                                [weighted for _, weighted in self._specs])

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

    def result(self) -> dict:
        """``{log name: value}`` (a later metric with a clashing name replaces an earlier one, as in Keras)."""
        return {name: metric.result() for name, metric in zip(self.names, self._objects) if metric is not None}


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
