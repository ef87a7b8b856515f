"""Callbacks: code ``fit`` runs at fixed points of training, with Keras 3's names and semantics.

``fit`` calls, on every callback: ``set_model(model)``, ``set_params(params)``, ``on_train_begin(logs)``,
then per epoch ``on_epoch_begin(epoch, logs)``, per batch ``on_train_batch_begin(batch, logs)`` /
``on_train_batch_end(batch, logs)``, ``on_epoch_end(epoch, logs)`` (logs hold ``loss``, the metrics and
the ``val_`` values), and finally ``on_train_end(logs)``. Setting ``model.stop_training = True``
ends training after the current epoch.
"""

from __future__ import annotations

import os
import warnings

import numpy as np


class Callback:
    """Base class: override the hooks you need. ``self.model`` is the model being trained."""

    def __init__(self):
        self.model = None
        self.params: dict = {}

    def set_model(self, model) -> None:
        self.model = model

    def set_params(self, params: dict) -> None:
        self.params = params

    def on_train_begin(self, logs=None): ...
    def on_train_end(self, logs=None): ...
    def on_epoch_begin(self, epoch, logs=None): ...
    def on_epoch_end(self, epoch, logs=None): ...
    def on_train_batch_begin(self, batch, logs=None): ...
    def on_train_batch_end(self, batch, logs=None): ...


class History(Callback):
    """Per-epoch record of a ``fit`` call (what ``fit`` returns).

    Attributes
    ----------
    history : dict[str, list[float]]
        ``{"loss": [...], "accuracy": [...], "val_loss": [...], ...}``, one value per epoch.
    epoch : list[int]
        Epoch indices (0-based).
    params : dict
        ``epochs``, ``batch_size``, ``steps`` (updates per epoch), ``verbose``.
    """

    def __init__(self, params: dict | None = None):
        super().__init__()
        self.history: dict[str, list[float]] = {}
        self.epoch: list[int] = []
        self.params = params or {}

    def on_train_begin(self, logs=None):
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        self.append(epoch, logs or {})
        if self.model is not None:
            self.model.history = self

    def append(self, epoch: int, logs: dict[str, float]) -> None:
        self.epoch.append(epoch)
        for key, value in logs.items():
            # a metric with several thresholds logs an array (one value per threshold), as in Keras
            self.history.setdefault(key, []).append(float(value) if np.ndim(value) == 0 else np.asarray(value))

    def __repr__(self) -> str:
        last = {k: np.round(v[-1], 4) if np.ndim(v[-1]) else round(v[-1], 4) for k, v in self.history.items() if v}
        return f"<History epochs={len(self.epoch)} last={last}>"


class LambdaCallback(Callback):
    """A callback from plain functions: ``LambdaCallback(on_epoch_end=lambda epoch, logs: ...)``."""

    def __init__(self, on_epoch_begin=None, on_epoch_end=None, on_train_begin=None, on_train_end=None,
                 on_train_batch_begin=None, on_train_batch_end=None):
        super().__init__()
        for hook, fn in (("on_epoch_begin", on_epoch_begin), ("on_epoch_end", on_epoch_end),
                         ("on_train_begin", on_train_begin), ("on_train_end", on_train_end),
                         ("on_train_batch_begin", on_train_batch_begin), ("on_train_batch_end", on_train_batch_end)):
            if fn is not None:
                setattr(self, hook, fn)


class MonitorCallback(Callback):
    """Shared parts of callbacks that watch one logged value (``monitor``), improving when it goes down
    (``mode="min"``), up (``"max"``) or, with ``"auto"``, the way Keras infers from the name."""

    def __init__(self, monitor: str = "val_loss", mode: str = "auto", baseline=None, min_delta: float = 0.0):
        super().__init__()
        if mode not in ("auto", "min", "max"):
            warnings.warn(f"{type(self).__name__} mode {mode!r} is unknown, fallback to auto mode.", stacklevel=3)
            mode = "auto"
        self.monitor, self.mode, self.best = monitor, mode, baseline
        self.min_delta = abs(min_delta)
        self.monitor_op = None

    def _set_monitor_op(self) -> None:
        if self.mode in ("min", "max"):
            self.monitor_op = np.less if self.mode == "min" else np.greater
        else:
            name = self.monitor.removeprefix("val_")
            if name in ("loss", "mse", "mae", "mean_squared_error", "mean_absolute_error"):
                self.monitor_op = np.less
            elif name in ("accuracy", "acc") or name.endswith("accuracy"):
                self.monitor_op = np.greater
            else:
                raise ValueError(f"{type(self).__name__} callback received monitor={self.monitor}, but dlcore "
                                 "isn't able to automatically determine whether that metric should be maximized or "
                                 "minimized. Pass mode='max' or mode='min'.")
        if self.monitor_op is np.less:
            self.min_delta = -abs(self.min_delta)

    def _is_improvement(self, value, reference) -> bool:
        return reference is None or bool(self.monitor_op(value - self.min_delta, reference))

    def _current(self, logs, what: str):
        value = (logs or {}).get(self.monitor)
        if value is None:
            warnings.warn(f"{what} conditioned on metric `{self.monitor}` which is not available. "
                          f"Available metrics are: {','.join(logs or {})}", stacklevel=3)
        return value


class EarlyStopping(MonitorCallback):
    """Stop training when ``monitor`` has not improved by more than ``min_delta`` for ``patience`` epochs.

    Parameters
    ----------
    monitor : str
        Logged value to watch, default ``"val_loss"``.
    min_delta : float
        Smallest change that counts as an improvement.
    patience : int
        Epochs without improvement after which training stops.
    mode : {"auto", "min", "max"}
    baseline : float, optional
        Training keeps counting patience until the value beats this baseline.
    restore_best_weights : bool
        At the end of training, set the weights of the best epoch seen (as Keras 3: whether or not
        training stopped early).
    start_from_epoch : int
        Epochs to wait before watching at all (warm-up).
    """

    def __init__(self, monitor: str = "val_loss", min_delta: float = 0.0, patience: int = 0, verbose: int = 0,
                 mode: str = "auto", baseline=None, restore_best_weights: bool = False, start_from_epoch: int = 0):
        super().__init__(monitor, mode, min_delta=min_delta)
        self.patience, self.verbose, self.baseline = patience, verbose, baseline
        self.restore_best_weights, self.start_from_epoch = restore_best_weights, start_from_epoch
        self.wait = self.stopped_epoch = self.best_epoch = 0
        self.best_weights = None

    def on_train_begin(self, logs=None):
        self.wait = self.stopped_epoch = self.best_epoch = 0
        self.best, self.best_weights = None, None

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            self._set_monitor_op()
        current = self._current(logs, "Early stopping")
        if current is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights, self.best_epoch = self.model.get_weights(), epoch
        self.wait += 1
        if self._is_improvement(current, self.best):
            self.best, self.best_epoch = current, epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            if self.baseline is None or self._is_improvement(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose > 0:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                print(f"Restoring model weights from the end of the best epoch: {self.best_epoch + 1}.")
            self.model.set_weights(self.best_weights)


class ModelCheckpoint(MonitorCallback):
    """Save the model (or its weights) after every epoch, or only when ``monitor`` improved.

    ``filepath`` may contain ``{epoch:02d}`` and logged values (``{val_loss:.2f}``); it must end in
    ``.keras`` (whole model) or, with ``save_weights_only=True``, ``.weights.h5`` (see :mod:`dlcore.saving`
    for what dlcore writes there).
    """

    def __init__(self, filepath, monitor: str = "val_loss", verbose: int = 0, save_best_only: bool = False,
                 save_weights_only: bool = False, mode: str = "auto", save_freq="epoch",
                 initial_value_threshold=None):
        super().__init__(monitor, mode, initial_value_threshold)
        self.filepath, self.verbose = os.fspath(filepath), verbose
        self.save_best_only, self.save_weights_only = save_best_only, save_weights_only
        if save_freq != "epoch":
            raise ValueError(f"ModelCheckpoint: dlcore supports save_freq='epoch' only, got {save_freq!r}")
        if save_weights_only and not self.filepath.endswith(".weights.h5"):
            raise ValueError("When using save_weights_only=True in ModelCheckpoint, the filepath provided must end in "
                             f"`.weights.h5`. Received: filepath={self.filepath}")
        if not save_weights_only and not self.filepath.endswith((".keras", ".h5")):
            raise ValueError(f"The filepath provided must end in `.keras`. Received: filepath={self.filepath}")

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            self._set_monitor_op()
        logs = logs or {}
        filepath = self.filepath.format(epoch=epoch + 1, **logs)
        if self.save_best_only:
            current = logs.get(self.monitor)
            if current is None:
                warnings.warn(f"Can save best model only with {self.monitor} available.", stacklevel=2)
            elif self._is_improvement(current, self.best):
                if self.verbose > 0:
                    print(f"Epoch {epoch + 1}: {self.monitor} improved to {current:.5f}, saving model to {filepath}")
                self.best = current
            else:
                return
        dirname = os.path.dirname(filepath)
        if dirname:
            os.makedirs(dirname, exist_ok=True)
        if self.save_weights_only:
            self.model.save_weights(filepath)
        else:
            self.model.save(filepath)


class ReduceLROnPlateau(MonitorCallback):
    """Multiply the learning rate by ``factor`` when ``monitor`` has not improved for ``patience`` epochs.

    After a reduction, ``cooldown`` epochs pass before counting patience again; the rate never goes
    below ``min_lr``. Adds ``learning_rate`` to the logs (so to ``History``), as Keras does.
    """

    def __init__(self, monitor: str = "val_loss", factor: float = 0.1, patience: int = 10, verbose: int = 0,
                 mode: str = "auto", min_delta: float = 1e-4, cooldown: int = 0, min_lr: float = 0.0):
        super().__init__(monitor, mode, min_delta=min_delta)
        if factor >= 1.0:
            raise ValueError(f"ReduceLROnPlateau does not support a factor >= 1.0. Received factor={factor}")
        self.factor, self.patience, self.verbose = factor, patience, verbose
        self.cooldown, self.min_lr = cooldown, min_lr
        self.cooldown_counter = self.wait = 0

    def on_train_begin(self, logs=None):
        self.best, self.cooldown_counter, self.wait = None, 0, 0

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            self._set_monitor_op()
        logs = logs if logs is not None else {}
        optimizer = self.model.optimizer
        logs["learning_rate"] = float(optimizer.learning_rate)
        current = self._current(logs, "Learning rate reduction")
        if current is None:
            return
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.wait = 0
        if self._is_improvement(current, self.best):
            self.best, self.wait = current, 0
        elif self.cooldown_counter <= 0:
            self.wait += 1
            old_lr = float(optimizer.learning_rate)
            if self.wait >= self.patience and old_lr > np.float32(self.min_lr):
                optimizer.learning_rate = max(old_lr * self.factor, self.min_lr)
                if self.verbose > 0:
                    print(f"Epoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to {optimizer.learning_rate}.")
                self.cooldown_counter, self.wait = self.cooldown, 0


class LearningRateScheduler(Callback):
    """Set the learning rate at the start of every epoch to ``schedule(epoch, lr)`` (epoch from 0).

    ``schedule(epoch)`` with one argument is accepted too, as in Keras. Adds ``learning_rate`` to the logs.
    """

    def __init__(self, schedule, verbose: int = 0):
        super().__init__()
        self.schedule, self.verbose = schedule, verbose

    def on_epoch_begin(self, epoch, logs=None):
        optimizer = self.model.optimizer
        try:
            lr = self.schedule(epoch, float(optimizer.learning_rate))
        except TypeError:  # the one-argument form
            lr = self.schedule(epoch)
        if not isinstance(lr, (float, np.floating)):
            raise ValueError(f"The output of the `schedule` function should be a float. Got: {lr}")
        optimizer.learning_rate = float(lr)
        if self.verbose > 0:
            print(f"Epoch {epoch + 1}: LearningRateScheduler setting learning rate to {lr}.")

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = float(self.model.optimizer.learning_rate)


class _FunctionCallback(Callback):
    """dlcore's older form: a plain function ``fn(model, epoch, logs)`` called after every epoch."""

    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def on_epoch_end(self, epoch, logs=None):
        self.fn(self.model, epoch, logs)


def as_callback(obj) -> Callback:
    """``obj`` if it is a :class:`Callback`; a plain function ``fn(model, epoch, logs)`` is wrapped."""
    if isinstance(obj, Callback):
        return obj
    if callable(obj):
        return _FunctionCallback(obj)
    raise ValueError(f"callbacks must be dlcore.callbacks.Callback objects, got {type(obj).__name__}")
