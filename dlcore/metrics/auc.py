"""AUC (Keras 3's class): the area under the ROC or precision-recall curve, from counts at 200 thresholds.

Every batch adds its TP, FP, TN, FN at thresholds ``-eps, 1/199, 2/199, ..., 198/199, 1 + eps``
(eps = 1e-7, so that outputs of exactly 0 and 1 fall inside). At the end:

- ROC: points (false positive rate, recall) at each threshold, joined by straight lines (trapezoids);
- PR: points (recall, precision), with precision interpolated between thresholds as Davis & Goadrich
  (2006) do: TP and TP + FP vary linearly, so precision does not (Keras' ``interpolate_pr_auc``).

With 200 thresholds this approximates the exact AUC (e.g. scikit-learn's ``roc_auc_score``) closely
when the outputs are probabilities spread over [0, 1].
"""

from __future__ import annotations

import numpy as np

from .base import Metric, divide_no_nan
from .counts import EPSILON, check_inputs, confusion_counts, evenly_spaced, parse_thresholds

CURVES = {"roc": "ROC", "pr": "PR"}
SUMMATIONS = ("interpolation", "minoring", "majoring")


class AUC(Metric):
    """Area under the ROC (default) or PR curve, accumulated over all batches (Keras 3's ``AUC``).

    Parameters
    ----------
    num_thresholds : int
        Number of thresholds (> 1) discretizing the curve, default 200.
    curve : {"ROC", "PR"}
        Receiver operating characteristic (recall against false positive rate) or precision-recall.
    summation_method : {"interpolation", "minoring", "majoring"}
        ``"interpolation"``: trapezoids for ROC, Davis & Goadrich interpolation for PR;
        ``"minoring"``/``"majoring"``: rectangles of the lower/higher of the two ends (bounds).
    name : str, optional
        Log name; default ``"auc"`` (``"auc_1"``, ... for further instances, as Keras).
    thresholds : list of floats in [0, 1], optional
        Thresholds to use instead of ``num_thresholds`` evenly spaced ones.
    multi_label : bool
        False (default): every output entry is one prediction (flattened). True: one AUC per column
        of ``(n, labels)`` outputs, then their mean (weighted by ``label_weights``).
    num_labels : int, optional
        Number of columns with ``multi_label`` (else learned from the first batch).
    label_weights : list of floats, optional
        Weight of each column: multiplies its predictions' weights (flattened) or its AUC in the mean.
    from_logits : bool
        Apply a sigmoid to the outputs first (for a model ending in a linear unit).

    Examples
    --------
    >>> m = AUC(num_thresholds=3)
    >>> m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
    >>> m.result()   # tp = [2, 1, 0], fp = [2, 0, 0] -> recall [1, 0.5, 0], fp rate [1, 0, 0]
    0.75
    """

    def __init__(self, num_thresholds: int = 200, curve: str = "ROC", summation_method: str = "interpolation",
                 name: str | None = None, dtype=None, thresholds=None, multi_label: bool = False,
                 num_labels: int | None = None, label_weights=None, from_logits: bool = False):
        if not isinstance(curve, str) or curve.lower() not in CURVES:
            raise ValueError(f"AUC: curve must be 'ROC' or 'PR', got {curve!r}")
        if not isinstance(summation_method, str) or summation_method.lower() not in SUMMATIONS:
            raise ValueError(f"AUC: summation_method must be one of {list(SUMMATIONS)}, got {summation_method!r}")
        if thresholds is not None:
            inner = sorted(parse_thresholds(thresholds, "AUC"))
            self._evenly = evenly_spaced(np.array([0.0, *inner, 1.0]))
        else:
            if not isinstance(num_thresholds, (int, np.integer)) or num_thresholds <= 1:
                raise ValueError(f"AUC: num_thresholds must be an integer > 1, got {num_thresholds!r}")
            inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self._evenly = True
        if num_labels is not None and not multi_label:
            raise ValueError("AUC: num_labels is needed only when multi_label=True")
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.num_thresholds = len(inner) + 2
        self._thresholds = np.array([0.0 - EPSILON, *inner, 1.0 + EPSILON])
        self.curve, self.summation_method = CURVES[curve.lower()], summation_method.lower()
        self.multi_label, self.num_labels, self.from_logits = bool(multi_label), num_labels, bool(from_logits)
        self.label_weights = None if label_weights is None else np.asarray(label_weights, dtype=np.float64)
        self.reset_state()

    @property
    def thresholds(self) -> list[float]:
        """All thresholds, including the end points ``-1e-7`` and ``1 + 1e-7``."""
        return list(self._thresholds)

    def reset_state(self) -> None:
        if self.multi_label and not self.num_labels:
            shape = ()  # becomes (thresholds, labels) when the first batch shows the number of labels
        else:
            shape = (self.num_thresholds, self.num_labels) if self.multi_label else (self.num_thresholds,)
        self.true_positives, self.false_positives = np.zeros(shape), np.zeros(shape)
        self.true_negatives, self.false_negatives = np.zeros(shape), np.zeros(shape)

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        """Add the batch's TP, FP, TN and FN at every threshold.

        Parameters
        ----------
        y_true : array of 0/1 labels, the shape of ``y_pred`` (a trailing axis of 1 may differ)
        y_pred : array ``(n, ...)`` of probabilities (or logits with ``from_logits=True``);
            ``(n, labels)`` with ``multi_label``
        sample_weight : array ``(n,)`` or the shape of ``y_pred``, optional
        """
        y_true, y_pred, weights = check_inputs(y_true, y_pred, sample_weight, self.name)
        if self.multi_label and y_pred.ndim != 2:
            raise ValueError(f"{self.name}: multi_label=True needs outputs of shape (n, labels), got {y_pred.shape}")
        if self.from_logits:
            y_pred = 1.0 / (1.0 + np.exp(-y_pred))
        if self.label_weights is not None and not self.multi_label:
            weights = weights * self.label_weights  # weights each column's predictions before flattening
        tp, fp, tn, fn = confusion_counts(y_true, y_pred, weights, self._thresholds, self._evenly, self.multi_label)
        self.true_positives = self.true_positives + tp
        self.false_positives = self.false_positives + fp
        self.true_negatives = self.true_negatives + tn
        self.false_negatives = self.false_negatives + fn

    def result(self) -> float:
        """The area: the sum of the pieces between consecutive thresholds (mean over labels if multi-label)."""
        if np.ndim(self.true_positives) == 0:  # multi_label and no batch yet
            return 0.0
        if self.curve == "PR" and self.summation_method == "interpolation":
            pieces = self._interpolated_pr_pieces()
        else:
            tp, fp, tn, fn = self.true_positives, self.false_positives, self.true_negatives, self.false_negatives
            recall = divide_no_nan(tp, tp + fn)
            if self.curve == "ROC":
                x, y = divide_no_nan(fp, fp + tn), recall
            else:
                x, y = recall, divide_no_nan(tp, tp + fp)
            heights = {"interpolation": (y[:-1] + y[1:]) / 2, "minoring": np.minimum(y[:-1], y[1:]),
                       "majoring": np.maximum(y[:-1], y[1:])}[self.summation_method]
            pieces = (x[:-1] - x[1:]) * heights  # thresholds rise, so x falls: widths x[i] - x[i+1] >= 0
        by_label = pieces.sum(axis=0)
        if not self.multi_label:
            return float(by_label)
        if self.label_weights is None:
            return float(np.mean(by_label))
        return float(divide_no_nan(np.sum(by_label * self.label_weights), np.sum(self.label_weights)))

    def _interpolated_pr_pieces(self) -> np.ndarray:
        """Area under precision-recall between consecutive thresholds, with TP and P = TP + FP linear in
        between (Davis & Goadrich 2006; Keras' closed form): ``slope * (dTP + intercept * log(P_A / P_B))
        / (TP + FN)``."""
        tp, fp, fn = self.true_positives, self.false_positives, self.false_negatives
        dtp = tp[:-1] - tp[1:]
        p = tp + fp
        dp = p[:-1] - p[1:]
        slope = divide_no_nan(dtp, np.maximum(dp, 0))
        intercept = tp[1:] - slope * p[1:]
        both_positive = (p[:-1] > 0) & (p[1:] > 0)
        p_ratio = np.where(both_positive, divide_no_nan(p[:-1], np.maximum(p[1:], 0)), 1.0)
        return divide_no_nan(slope * (dtp + intercept * np.log(p_ratio)), np.maximum(tp[1:] + fn[1:], 0))

    def get_config(self) -> dict:
        config = {**super().get_config(), "num_thresholds": self.num_thresholds, "curve": self.curve,
                  "summation_method": self.summation_method, "multi_label": self.multi_label,
                  "num_labels": self.num_labels, "from_logits": self.from_logits,
                  "label_weights": None if self.label_weights is None else self.label_weights.tolist()}
        if self.init_thresholds is not None:
            config["thresholds"] = self.thresholds[1:-1]
        return config
