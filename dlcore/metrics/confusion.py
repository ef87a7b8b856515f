"""Precision and Recall (Keras 3's classes): ratios of confusion counts accumulated over every batch.

- precision = TP / (TP + FP): of the samples predicted positive, the fraction that are positive;
- recall = TP / (TP + FN): of the positive samples, the fraction predicted positive.

An output counts as a positive prediction when ``y_pred > threshold`` (0.5 by default). Both are 0
when nothing has been predicted (or is) positive, as in Keras.
"""

from __future__ import annotations

import numpy as np

from .base import Metric, divide_no_nan
from .counts import NEG_INF, check_inputs, confusion_counts, evenly_spaced, keep_top_k, parse_thresholds


class _ThresholdedRatio(Metric):
    """What Precision and Recall share: arguments, input checks and counting at the thresholds.

    Subclasses define ``reset_state``, ``_accumulate(tp, fp, fn)`` (the counts they keep) and ``_ratio``.
    """

    def __init__(self, thresholds=None, top_k: int | None = None, class_id: int | None = None,
                 name: str | None = None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        what = type(self).__name__
        if top_k is not None and not (isinstance(top_k, (int, np.integer)) and top_k >= 1):
            raise ValueError(f"{what}: top_k must be a positive integer or None, got {top_k!r}")
        if class_id is not None and not (isinstance(class_id, (int, np.integer)) and class_id >= 0):
            raise ValueError(f"{what}: class_id must be a non-negative integer (a column of y_pred), got {class_id!r}")
        self.init_thresholds, self.top_k, self.class_id = thresholds, top_k, class_id
        # with top_k and no thresholds, every one of the k highest outputs counts as a positive prediction
        self.thresholds = parse_thresholds(thresholds, what, default=0.5 if top_k is None else NEG_INF)
        self._evenly = evenly_spaced(self.thresholds)
        self.reset_state()

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        """Add the batch's true positives and false positives (precision) or false negatives (recall).

        Parameters
        ----------
        y_true : array of 0/1 labels, the shape of ``y_pred`` (a trailing axis of 1 may differ)
        y_pred : array ``(n, ...)`` of scores, usually probabilities
        sample_weight : array ``(n,)`` or the shape of ``y_pred``, optional
        """
        y_true, y_pred, weights = check_inputs(y_true, y_pred, sample_weight, self.name)
        if self.top_k is not None:
            y_pred = keep_top_k(y_pred, self.top_k, self.name)
        if self.class_id is not None:
            if y_pred.ndim < 2 or self.class_id >= y_pred.shape[-1]:
                raise ValueError(f"{self.name}: class_id={self.class_id} needs outputs of shape (n, classes) with "
                                 f"more than {self.class_id} classes, got shape {y_pred.shape}")
            y_true, y_pred, weights = (a[..., self.class_id, None] for a in (y_true, y_pred, weights))
        tp, fp, _, fn = confusion_counts(y_true, y_pred, weights, self.thresholds, self._evenly)
        self._accumulate(tp, fp, fn)

    def result(self):
        """A float, or an array with one value per threshold when several were given."""
        ratio = self._ratio()
        return float(ratio[0]) if len(self.thresholds) == 1 else ratio

    def get_config(self) -> dict:
        return {**super().get_config(), "thresholds": self.init_thresholds, "top_k": self.top_k,
                "class_id": self.class_id}


class Precision(_ThresholdedRatio):
    """Precision ``TP / (TP + FP)`` over all batches since the last reset (Keras 3's ``Precision``).

    Parameters
    ----------
    thresholds : float or list of floats in [0, 1], optional
        An output is a positive prediction when ``y_pred > threshold``. Default 0.5; with a list,
        ``result()`` returns one precision per threshold.
    top_k : int, optional
        Only the ``k`` highest outputs of each row count as positive predictions (with no
        ``thresholds``: all of them, whatever their value).
    class_id : int, optional
        Score only column ``class_id`` of multi-class outputs (one-hot labels).
    name : str, optional
        Log name; default ``"precision"`` (``"precision_1"``, ... for further instances, as Keras).

    Examples
    --------
    >>> m = Precision()
    >>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1])   # TP = 2, FP = 1
    >>> round(m.result(), 4)
    0.6667
    """

    def reset_state(self) -> None:
        self.true_positives = np.zeros(len(self.thresholds))
        self.false_positives = np.zeros(len(self.thresholds))

    def _accumulate(self, tp, fp, fn) -> None:
        self.true_positives = self.true_positives + tp
        self.false_positives = self.false_positives + fp

    def _ratio(self) -> np.ndarray:
        return divide_no_nan(self.true_positives, self.true_positives + self.false_positives)


class Recall(_ThresholdedRatio):
    """Recall ``TP / (TP + FN)`` over all batches since the last reset (Keras 3's ``Recall``).

    Takes the same arguments as :class:`Precision`; the default name is ``"recall"``.

    Examples
    --------
    >>> m = Recall()
    >>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1])   # TP = 2, FN = 1
    >>> round(m.result(), 4)
    0.6667
    """

    def reset_state(self) -> None:
        self.true_positives = np.zeros(len(self.thresholds))
        self.false_negatives = np.zeros(len(self.thresholds))

    def _accumulate(self, tp, fp, fn) -> None:
        self.true_positives = self.true_positives + tp
        self.false_negatives = self.false_negatives + fn

    def _ratio(self) -> np.ndarray:
        return divide_no_nan(self.true_positives, self.true_positives + self.false_negatives)
