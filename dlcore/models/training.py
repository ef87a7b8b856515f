"""The ``fit`` loop: mini-batches, epochs, validation, sample/class weights and callbacks, as in Keras 3."""

from __future__ import annotations

import math
import time

import numpy as np

from ..callbacks import History, as_callback
from ..random import get_rng
from . import structure
from .history import format_logs, should_print

__all__ = ["batch_weights", "check_batch_size", "check_sample_weight", "check_xy", "fit", "format_logs"]


def fit(model, x, y, batch_size=None, epochs=1, verbose="auto", callbacks=None, validation_split=0.0,
        validation_data=None, shuffle=True, class_weight=None, sample_weight=None, initial_epoch=0,
        steps_per_epoch=None, validation_batch_size=None, validation_freq=1) -> History:
    """Train ``model`` for epochs ``initial_epoch .. epochs - 1`` over ``(x, y)`` in mini-batches.

    ``batch_size=None`` means 32 as in Keras; ``batch_size=len(x)`` is full-batch gradient descent
    (one update per epoch), ``batch_size=1`` is stochastic gradient descent (``len(x)`` updates).

    Parameters
    ----------
    x, y : array-like
        Inputs ``(n, ...)`` and targets ``(n, ...)``; for several inputs (outputs) a list of arrays in
        the model's order, or a dict by input (output) name.
    verbose : "auto", 0, 1 or 2
        0 silent, 1 (and "auto") about ten progress lines, 2 one line per epoch.
    callbacks : list of Callback, optional
        See :mod:`dlcore.callbacks` (a plain function ``fn(model, epoch, logs)`` is also accepted and
        called after every epoch).
    validation_split : float
        Fraction held out for validation: the LAST ``n - floor(n * (1 - validation_split))`` rows,
        taken before shuffling (as Keras).
    validation_data : tuple, optional
        ``(x_val, y_val)`` or ``(x_val, y_val, sample_weight_val)``, evaluated after every epoch.
    shuffle : bool
        Reshuffle the training samples every epoch.
    class_weight : dict, optional
        ``{class index: weight}``; each sample's loss is multiplied by its class's weight.
    sample_weight : array of shape (n,), optional
        Per-sample loss weights: the batch loss is ``sum(w_i * l_i) / batch_size``. For a sequence
        output ``(n, steps, ...)`` also ``(n, steps)``, one weight per step. If the output carries a
        padding mask (``Embedding(mask_zero=True)`` ... ``return_sequences=True``), padded steps weigh 0
        and the loss is the mean over the real steps (``dlcore.losses.apply_mask``, as Keras).
    initial_epoch : int
        Epoch to start from (to resume a run); ``History.epoch`` counts from it.

    Returns
    -------
    History

    Raises
    ------
    FloatingPointError
        As soon as the loss is NaN or infinite (training diverged): lower the learning rate. The
        exception's ``history`` attribute (also ``model.history``) holds the completed epochs.
    """
    model._require_compiled("fit")
    x, y = model._check_data(x, y)
    model._validate_input(x)
    n = structure.num_samples(x)
    sample_weight = model._check_sample_weight(sample_weight, n)
    if class_weight is not None and sample_weight is not None:
        raise ValueError("You cannot use class_weight and sample_weight at the same time (as in Keras)")
    if not 0.0 <= validation_split < 1.0:
        raise ValueError(f"validation_split must be in [0, 1), got {validation_split!r}")
    if validation_split and validation_data is None:
        cut = int(math.floor(n * (1.0 - validation_split)))  # Keras' split point
        if cut == 0 or cut == n:
            raise ValueError(f"validation_split={validation_split} leaves no training or no validation sample "
                             f"out of {n}")
        train, held_out = slice(None, cut), slice(cut, None)
        validation_data = tuple(structure.rows(data, held_out) for data in (x, y, sample_weight))
        x, y, sample_weight = (structure.rows(data, train) for data in (x, y, sample_weight))
        n = cut
    validation_data = _check_validation(model, validation_data)
    if class_weight is not None:  # training rows only: validation is never class-weighted
        sample_weight = batch_weights(y, None, class_weight, n)
    for label, value in (("epochs", epochs), ("initial_epoch", initial_epoch)):
        if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 0:
            raise ValueError(f"{label} must be a non-negative integer, got {value!r}")
    verbose = 1 if verbose == "auto" else int(verbose)
    batch_size = 32 if batch_size is None else check_batch_size(batch_size)
    steps = -(-n // batch_size)
    if steps_per_epoch is not None:
        steps = min(steps, check_batch_size(steps_per_epoch))
    history = History({"epochs": epochs, "batch_size": batch_size, "steps": steps, "verbose": verbose})
    callbacks = [as_callback(cb) for cb in (callbacks or [])] + [history]  # History last: it sees every log
    for callback in callbacks:
        callback.set_model(model)
        callback.set_params(history.params)
    model.stop_training = False
    model.history = history
    _call(callbacks, "on_train_begin", {})
    for epoch in range(initial_epoch, epochs):
        start = time.perf_counter()
        _call(callbacks, "on_epoch_begin", epoch, {})
        order = get_rng().permutation(n) if shuffle else np.arange(n)
        logs = _train_epoch(model, x, y, sample_weight, order, batch_size, steps, epoch, callbacks, history)
        if validation_data is not None and (epoch + 1 - initial_epoch) % validation_freq == 0:
            x_val, y_val, w_val = validation_data
            val = model._test_logs(x_val, y_val, w_val, validation_batch_size or batch_size)
            logs.update({f"val_{k}": v for k, v in val.items()})
        _call(callbacks, "on_epoch_end", epoch, logs)
        if should_print(epoch, epochs, verbose):
            print(f"Epoch {epoch + 1}/{epochs} - {time.perf_counter() - start:.2f}s - {format_logs(logs)}")
        if model.stop_training:
            break
    _call(callbacks, "on_train_end", {})
    return history


def _train_epoch(model, x, y, sample_weight, order, batch_size, steps, epoch, callbacks, history) -> dict:
    """One pass over the shuffled batches; returns the epoch's logs (the loss's mean weighted as Keras does,
    the metrics accumulated over the batches by their objects)."""
    loss_sums, seen = {}, 0
    model.reset_metrics()  # the epoch's metrics accumulate over its batches (counts, weighted sums)
    for step in range(steps):
        idx = order[step * batch_size:(step + 1) * batch_size]
        _call(callbacks, "on_train_batch_begin", step, {})
        w, y_batch = structure.rows(sample_weight, idx), structure.rows(y, idx)
        with np.errstate(over="ignore", invalid="ignore"):
            loss = model.train_step(structure.rows(x, idx), y_batch, w)
        if not np.isfinite(loss):
            error = FloatingPointError(_diverged_message(loss, epoch, step, model.optimizer))
            error.history = model.history = history  # the epochs completed before it diverged
            raise error
        seen += len(idx)
        for name, value in {"loss": loss, **model._output_losses}.items():  # means weighted by batch size
            loss_sums[name] = loss_sums.get(name, 0.0) + value * len(idx)
        logs = {**{name: total / seen for name, total in loss_sums.items()},
                **model._update_metrics(y_batch, model._last[1], w, model._output_mask)}
        _call(callbacks, "on_train_batch_end", step, dict(logs))
    return logs


def _call(callbacks, hook: str, *args) -> None:
    for callback in callbacks:
        getattr(callback, hook)(*args)


def check_xy(x, y):
    """``x`` and ``y`` as arrays with the same (non-zero) number of samples."""
    if y is None:
        raise ValueError("y is missing: dlcore models need targets, fit(x, y) / evaluate(x, y)")
    x, y = np.asarray(x), np.asarray(y)
    if x.ndim == 0 or y.ndim == 0:
        raise ValueError(f"x and y must have a batch axis, got shapes {x.shape} and {y.shape}")
    if len(x) != len(y):
        raise ValueError(f"x and y must have the same number of samples, got {len(x)} and {len(y)}")
    if len(x) == 0:
        raise ValueError("x and y are empty")
    return x, y


def check_batch_size(batch_size) -> int:
    if not isinstance(batch_size, (int, np.integer)) or isinstance(batch_size, bool) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
    return int(batch_size)


def check_sample_weight(sample_weight, n: int):
    """``None`` or a float64 array of shape ``(n,)``, or ``(n, steps)`` (one weight per step of a sequence
    output; the loss checks the steps)."""
    if sample_weight is None:
        return None
    w = np.asarray(sample_weight, dtype=np.float64)
    if w.ndim == 2 and w.shape[1] == 1:
        w = w[:, 0]
    if w.ndim == 0 or len(w) != n:
        raise ValueError(f"sample_weight must have shape ({n},), one weight per sample (or ({n}, steps) for a "
                         f"sequence output), got {w.shape}")
    return w


def batch_weights(y, sample_weight, class_weight, n: int):
    """Sample weights times class weights (Keras: the class is ``argmax(y)`` for one-hot labels, else
    ``round(y)``; classes missing from ``class_weight`` weigh 1)."""
    if class_weight is not None and isinstance(y, list):
        raise ValueError("class_weight is not supported for a model with several outputs (as in Keras); "
                         "pass sample_weight instead")
    sample_weight = check_sample_weight(sample_weight, n)
    if class_weight is None:
        return sample_weight
    if not isinstance(class_weight, dict):
        raise ValueError(f"class_weight must be a dict {{class index: weight}}, got {type(class_weight).__name__}")
    labels = np.asarray(y)
    if labels.ndim > 1:
        labels = np.argmax(labels, axis=-1) if labels.shape[-1] != 1 else labels[..., 0]
    labels = np.round(labels).astype(np.int64).reshape(len(labels), -1)[:, 0]
    weights = np.array([float(class_weight.get(int(c), 1.0)) for c in labels])
    if sample_weight is None:
        return weights
    return sample_weight * weights.reshape(weights.shape + (1,) * (sample_weight.ndim - 1))


def _check_validation(model, validation_data):
    if validation_data is None:
        return None
    if not isinstance(validation_data, (tuple, list)) or len(validation_data) not in (2, 3):
        raise ValueError("validation_data must be a tuple (x_val, y_val) or (x_val, y_val, sample_weight_val)")
    x_val, y_val = model._check_data(validation_data[0], validation_data[1])
    w_val = model._check_sample_weight(validation_data[2] if len(validation_data) == 3 else None,
                                       structure.num_samples(x_val))
    return x_val, y_val, w_val


def _diverged_message(loss, epoch, step, optimizer) -> str:
    lr = getattr(optimizer, "learning_rate", None)
    advice = f"Lower the learning rate (it is {lr:g}; try {lr / 10:g})" if lr else "Lower the learning rate"
    return (f"The loss became {loss} at epoch {epoch + 1}, batch {step + 1}: training diverged. {advice}, "
            "or check the inputs for NaN/inf and scale them.")
