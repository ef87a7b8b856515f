"""``Model``: compile / fit / evaluate / predict / summary, and backprop through a chain of layers.

Subclass it Keras-style (assign layers in ``__init__``, chain them in ``call``) or use
:class:`~dlcore.models.Sequential`. Training is the loop every chapter builds by hand:
forward, loss, backward through the layers in reverse, optimizer step.
"""

from __future__ import annotations

import inspect
import time

import numpy as np

from .. import losses, optimizers
from .. import metrics as metrics_lib
from ..layers.base import Layer
from ..random import get_rng
from ..tape import recording
from .history import History, format_logs, should_print
from .summary import print_summary


class Model:
    """Base model. Subclasses define ``call(x)`` applying their layers one after another.

    Attributes
    ----------
    layers : list[Layer]
        The layers, in the order ``call`` applies them (for a subclass: known after the first call).
    stop_training : bool
        Set to True (e.g. from a callback) to end ``fit`` after the current epoch.
    """

    def __init__(self, name: str | None = None):
        self.name = name or _default_name(self)
        self._chain: list[Layer] = []
        self.output_shapes: list[tuple] = []
        self.loss = None
        self.optimizer = None
        self.compiled_metrics: dict[str, object] = {}
        self.stop_training = False

    # ----- structure ----------------------------------------------------------------------
    @property
    def layers(self) -> list[Layer]:
        return list(self._chain)

    def call(self, x, training: bool = False):
        raise NotImplementedError("subclass Model and define call(x), or use Sequential")

    def _forward(self, x, training: bool) -> np.ndarray:
        """Run ``call`` while recording the layer calls; check they form a chain."""
        if not hasattr(self, "_call_takes_training"):  # inspect once, not at every batch
            self._call_takes_training = "training" in inspect.signature(self.call).parameters
        wants_training = self._call_takes_training
        with recording() as tape:
            out = self.call(x, training=training) if wants_training else self.call(x)
        if not tape:
            raise ValueError(f"{self.name}: call() applied no dlcore layer")
        previous = x
        for layer, inp, layer_out in tape:
            if inp is not previous:
                raise ValueError(f"{self.name}: call() must apply its layers one after another (each to the previous "
                                 f"layer's output) for dlcore to backpropagate; {layer.describe()} got another input")
            previous = layer_out
        if out is not tape[-1][2]:
            raise ValueError(f"{self.name}: call() must return the output of its last layer")
        self._chain = [layer for layer, _, _ in tape]
        self.output_shapes = [(None, *o.shape[1:]) for _, _, o in tape]
        return out

    def _validate_input(self, x) -> None:
        """Check a whole input array before training on it (Sequential knows its input shape)."""

    def __call__(self, x, training: bool = False) -> np.ndarray:
        return self._forward(x, training)

    # ----- compile ----------------------------------------------------------------------
    def compile(self, loss="mse", optimizer="sgd", metrics=None) -> None:
        """Choose the loss, the optimizer and the metrics to report.

        Parameters
        ----------
        loss : str or Loss
            ``'mse'``, ``'binary_crossentropy'``, ``'categorical_crossentropy'``,
            ``'sparse_categorical_crossentropy'`` or a :class:`dlcore.losses.Loss`.
        optimizer : str or Optimizer
            ``'sgd'``, ``'rmsprop'``, ``'adam'`` (default settings) or an optimizer object.
        metrics : list of str, optional
            E.g. ``['accuracy']``.
        """
        self.loss = losses.get(loss)
        self.optimizer = optimizers.get(optimizer)
        if isinstance(metrics, str):
            metrics = [metrics]
        self.compiled_metrics = {name if isinstance(name, str) else name.__name__: metrics_lib.get(name, self.loss)
                                 for name in (metrics or [])}

    @property
    def metrics_names(self) -> list[str]:
        """``["loss", <compiled metric names>...]``, the order of :meth:`evaluate`'s list."""
        return ["loss", *self.compiled_metrics]

    def _require_compiled(self, what: str) -> None:
        if self.loss is None or self.optimizer is None:
            raise RuntimeError(f"call model.compile(loss=..., optimizer=...) before model.{what}()")

    # ----- one training step, in three visible parts -----------------------------------------
    def compute_loss(self, x, y, training: bool = False) -> float:
        """Forward pass and loss (plus the layers' regularization penalties); remembers what backprop needs."""
        out = self._forward(self._cast(x), training)
        self._last = (y, out)
        return self.loss(y, out) + sum(layer.regularization_loss() for layer in self._chain)

    def backpropagate(self) -> None:
        """Backward pass: fill every layer's ``grads`` from the last :meth:`compute_loss`."""
        y, out = self._last
        grad = self.loss.gradient(y, out)
        for layer in reversed(self._chain[1:]):
            grad = layer.backward(grad)
        first = self._chain[0]
        saved, first.input_grad = first.input_grad, False  # no one needs d(loss)/d(data)
        try:
            first.backward(grad)
        finally:
            first.input_grad = saved

    def train_step(self, x, y) -> float:
        """Forward, backward and one optimizer update on the batch ``(x, y)``; returns the batch loss."""
        loss = self.compute_loss(x, y, training=True)
        if not np.isfinite(loss):
            return loss  # fit reports it before touching the weights
        self.backpropagate()
        self.optimizer.apply_gradients(
            (layer.grads[k], p) for layer in self._chain if layer.trainable for k, p in layer.params.items())
        return loss

    def _cast(self, x):
        """Floating inputs are cast to the built parameters' dtype (Keras casts to float32 likewise)."""
        x = np.asarray(x)
        if np.issubdtype(x.dtype, np.floating):
            for layer in self._chain:
                for p in layer.params.values():
                    return x if p.dtype == x.dtype else x.astype(p.dtype)
        return x

    # ----- fit / evaluate / predict ------------------------------------------------------------
    def fit(self, x, y, epochs: int = 1, batch_size: int | None = 32, validation_data=None,
            validation_split: float = 0.0, shuffle: bool = True, verbose: int = 1, callbacks=None) -> History:
        """Train for ``epochs`` passes over ``(x, y)`` in mini-batches of ``batch_size``.

        ``batch_size=None`` means 32 as in Keras; ``batch_size=len(x)`` is full-batch gradient descent
        (one update per epoch), ``batch_size=1`` is stochastic gradient descent (``len(x)`` updates).

        Parameters
        ----------
        x, y : array-like
            Inputs ``(n, ...)`` and targets ``(n, ...)``.
        validation_data : tuple, optional
            ``(x_val, y_val)`` evaluated after every epoch (``val_loss``, ``val_<metric>``).
        validation_split : float
            Fraction of ``(x, y)`` held out for validation, taken from the END of the data before
            shuffling (as Keras does).
        shuffle : bool
            Reshuffle the training samples every epoch.
        verbose : int
            0 silent, 1 about ten progress lines, 2 one line per epoch.
        callbacks : list of callables, optional
            Each is called as ``cb(model, epoch, logs)`` after every epoch; set ``model.stop_training``
            to stop early.

        Returns
        -------
        History

        Raises
        ------
        FloatingPointError
            As soon as the loss is NaN or infinite (training diverged): lower the learning rate. The
            exception's ``history`` attribute (also ``model.history``) holds the completed epochs.
        """
        self._require_compiled("fit")
        x, y = _check_xy(x, y)
        self._validate_input(x)
        if not 0.0 <= validation_split < 1.0:
            raise ValueError(f"validation_split must be in [0, 1), got {validation_split!r}")
        if validation_split and validation_data is None:
            cut = len(x) - int(round(len(x) * validation_split))
            if cut < 1 or cut == len(x):
                raise ValueError(f"validation_split={validation_split} leaves no training or no validation sample "
                                 f"out of {len(x)}")
            x, y, validation_data = x[:cut], y[:cut], (x[cut:], y[cut:])
        if not isinstance(epochs, (int, np.integer)) or epochs < 0:
            raise ValueError(f"epochs must be a non-negative integer, got {epochs!r}")
        n = len(x)
        batch_size = 32 if batch_size is None else _check_batch_size(batch_size)
        steps = -(-n // batch_size)
        history = History({"epochs": epochs, "batch_size": batch_size, "steps": steps})
        self.stop_training = False
        for epoch in range(epochs):
            start = time.perf_counter()
            order = get_rng().permutation(n) if shuffle else np.arange(n)
            totals = dict.fromkeys(self.metrics_names, 0.0)
            for step in range(steps):
                idx = order[step * batch_size:(step + 1) * batch_size]
                with np.errstate(over="ignore", invalid="ignore"):
                    loss = self.train_step(x[idx], y[idx])
                if not np.isfinite(loss):
                    error = FloatingPointError(_diverged_message(loss, epoch, step, self.optimizer))
                    error.history = self.history = history  # the epochs completed before it diverged
                    raise error
                totals["loss"] += loss * len(idx)
                for name, fn in self.compiled_metrics.items():
                    totals[name] += fn(y[idx], self._last[1]) * len(idx)
            logs = {k: v / n for k, v in totals.items()}
            if validation_data is not None:
                val = self.evaluate(*validation_data, batch_size=batch_size, return_dict=True)
                logs.update({f"val_{k}": v for k, v in val.items()})
            history.append(epoch, logs)
            if should_print(epoch, epochs, verbose):
                print(f"Epoch {epoch + 1}/{epochs} - {time.perf_counter() - start:.2f}s - {format_logs(logs)}")
            for callback in callbacks or []:
                callback(self, epoch, logs)
            if self.stop_training:
                break
        self.history = history
        return history

    def evaluate(self, x, y, batch_size: int | None = None, verbose: int = 0, return_dict: bool = False):
        """Loss and metrics on ``(x, y)`` in inference mode (dropout off, batch norm uses moving statistics).

        Returns the loss alone if no metrics were compiled, else ``[loss, metric, ...]`` in the order of
        ``metrics_names``, or a dict ``{"loss": ..., "accuracy": ...}`` with ``return_dict=True``.
        """
        self._require_compiled("evaluate")
        x, y = _check_xy(x, y)
        y_pred = self.predict(x, batch_size=batch_size)
        result = {"loss": self.loss(y, y_pred) + sum(layer.regularization_loss() for layer in self._chain)}
        result.update({name: fn(y, y_pred) for name, fn in self.compiled_metrics.items()})
        if verbose:
            print(format_logs(result))
        if return_dict:
            return result
        return result["loss"] if len(result) == 1 else list(result.values())

    def predict(self, x, batch_size: int | None = None, verbose: int = 0) -> np.ndarray:
        """Outputs for ``x`` in inference mode, computed in batches (default: all at once)."""
        x = np.asarray(x)
        if x.ndim == 0 or len(x) == 0:
            raise ValueError(f"predict needs a batch of samples, got an array of shape {x.shape}")
        batch_size = len(x) if batch_size is None else _check_batch_size(batch_size)
        outs = [self._forward(self._cast(x[i:i + batch_size]), False) for i in range(0, len(x), batch_size)]
        return outs[0] if len(outs) == 1 else np.concatenate(outs)

    # ----- inspection ---------------------------------------------------------------------------
    def count_params(self) -> int:
        """Trainable scalars in all layers."""
        return sum(layer.count_params() for layer in self._chain)

    def summary(self, print_fn=print) -> None:
        """Print each layer's output shape and parameter count, and the totals, as Keras does."""
        if not self.output_shapes:
            raise ValueError(f"{self.name} is not built yet: call it on a batch first (or give the first "
                             "layer input_shape=...)")
        print_summary(self, print_fn)

    def get_weights(self) -> list[np.ndarray]:
        """Copies of all parameter arrays, layer by layer."""
        return [p.copy() for layer in self._chain for p in layer.params.values()]

    def set_weights(self, weights: list[np.ndarray]) -> None:
        """Copy ``weights`` (as returned by :meth:`get_weights`) into the parameters, in place."""
        targets = [p for layer in self._chain for p in layer.params.values()]
        if len(weights) != len(targets):
            raise ValueError(f"set_weights: got {len(weights)} arrays, the model has {len(targets)}")
        for target, w in zip(targets, weights):
            if np.shape(w) != target.shape:
                raise ValueError(f"set_weights: array of shape {np.shape(w)} for a parameter of shape {target.shape}")
            target[...] = w


def _default_name(model) -> str:
    from ..layers.base import _name_counts, _snake
    base = _snake(type(model).__name__)
    n = _name_counts[base]
    _name_counts[base] += 1
    return base if n == 0 else f"{base}_{n}"


def _check_xy(x, y):
    x, y = np.asarray(x), np.asarray(y)
    if x.ndim == 0 or y.ndim == 0:
        raise ValueError(f"x and y must have a batch axis, got shapes {x.shape} and {y.shape}")
    if len(x) != len(y):
        raise ValueError(f"x and y must have the same number of samples, got {len(x)} and {len(y)}")
    if len(x) == 0:
        raise ValueError("x and y are empty")
    return x, y


def _check_batch_size(batch_size) -> int:
    if not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
    return int(batch_size)


def _diverged_message(loss, epoch, step, optimizer) -> str:
    lr = getattr(optimizer, "learning_rate", None)
    advice = f"Lower the learning rate (it is {lr:g}; try {lr / 10:g})" if lr else "Lower the learning rate"
    return (f"The loss became {loss} at epoch {epoch + 1}, batch {step + 1}: training diverged. {advice}, "
            "or check the inputs for NaN/inf and scale them.")
