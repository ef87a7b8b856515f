"""``Model``: compile / fit / evaluate / predict / summary, and backprop through a chain of layers.

Subclass it Keras-style (assign layers in ``__init__``, chain them in ``call``), use
:class:`~dlcore.models.Sequential`, or build a functional model with ``Model(inputs, outputs)``
(see :mod:`dlcore.models.functional`). Training is the loop every chapter builds by hand:
forward, loss, backward through the layers in reverse, optimizer step (:mod:`dlcore.models.training`).
"""

from __future__ import annotations

import inspect

import numpy as np

from .. import losses, optimizers
from ..layers.base import Layer
from ..losses.base import check_reduces
from ..tape import recording
from . import structure, training
from .compile_metrics import CompileMetrics
from .summary import print_summary
from .weights import WeightsMixin


class Model(WeightsMixin):
    """Base model. Subclasses define ``call(x)`` applying their layers one after another.

    ``Model(inputs, outputs)`` (as in Keras) returns a functional model instead, see
    :class:`~dlcore.models.functional.Functional`.

    Attributes
    ----------
    layers : list[Layer]
        The layers, in the order ``call`` applies them (for a subclass: known after the first call).
    stop_training : bool
        Set to True (e.g. from a callback) to end ``fit`` after the current epoch.
    """

    def __new__(cls, *args, **kwargs):
        if cls is Model and (args or "inputs" in kwargs or "outputs" in kwargs):
            from .functional import Functional
            return super().__new__(Functional)  # Python then runs Functional.__init__(*args, **kwargs)
        return super().__new__(cls)

    def __init__(self, name: str | None = None, trainable: bool = True):
        self.name = name or _default_name(self)
        self._chain: list[Layer] = []
        self.output_shapes: list[tuple] = []
        self.loss = None
        self.optimizer = None
        self._metric_specs: list = []
        self._weighted_metric_specs: list = []
        self._compile_metrics = CompileMetrics([], [])
        self._loss_weight = 1.0
        self._output_losses: dict[str, float] = {}  # several outputs: each one's loss in the last batch
        self._output_mask = None  # the padding mask of the last forward pass's output (Sequential, functional)
        self.stop_training = False
        self.history = None
        if not trainable:
            self.trainable = False

    # ----- structure ----------------------------------------------------------------------
    @property
    def layers(self) -> list[Layer]:
        return list(self._chain)

    @property
    def trainable(self) -> bool:
        """False when every layer is frozen; setting it sets ``trainable`` on every layer (as Keras)."""
        if not self._chain:  # no layers yet: what the constructor or the setter said
            return not getattr(self, "_frozen_all", False)
        return any(layer.trainable for layer in self._chain)

    @trainable.setter
    def trainable(self, value: bool) -> None:
        self._frozen_all = not value  # a subclass only knows its layers after the first call
        for layer in self._chain:
            layer.trainable = bool(value)

    def call(self, x, training: bool = False):
        raise NotImplementedError("subclass Model and define call(x), or use Sequential or Model(inputs, outputs)")

    def _forward(self, x, training: bool) -> np.ndarray:
        """Run ``call`` while recording the layer calls; check they form a chain."""
        if not hasattr(self, "_call_takes_training"):  # inspect once, not at every batch
            self._call_takes_training = "training" in inspect.signature(self.call).parameters
        with recording() as tape:
            out = self.call(x, training=training) if self._call_takes_training else self.call(x)
        if not tape:
            raise ValueError(f"{self.name}: call() applied no dlcore layer")
        previous = x
        for layer, inp, layer_out in tape:
            if inp is not previous:
                raise ValueError(f"{self.name}: call() must apply its layers one after another (each to the previous "
                                 f"layer's output) for dlcore to backpropagate; {layer.describe()} got another input. "
                                 "For branches, build a functional model: Model(inputs, outputs)")
            previous = layer_out
        if out is not tape[-1][2]:
            raise ValueError(f"{self.name}: call() must return the output of its last layer")
        self._chain = [layer for layer, _, _ in tape]
        self._build_input = (tuple(np.shape(x)[1:]), str(np.asarray(x).dtype))  # to rebuild it when loading
        if getattr(self, "_frozen_all", False):
            for layer in self._chain:
                layer.trainable = False
        self.output_shapes = [(None, *o.shape[1:]) for _, _, o in tape]
        return out

    def _backward(self, grad: np.ndarray) -> None:
        """Backpropagate ``dL/d(output)`` through the chain (the data needs no gradient)."""
        for layer in reversed(self._chain[1:]):
            grad = layer.backward(grad)
        first = self._chain[0]
        saved, first.input_grad = first.input_grad, False  # no one needs d(loss)/d(data)
        try:
            first.backward(grad)
        finally:
            first.input_grad = saved

    def _validate_input(self, x) -> None:
        """Check a whole input array before training on it (Sequential knows its input shape)."""

    def __call__(self, x, training: bool = False) -> np.ndarray:
        from ..layers.base import is_symbolic
        if is_symbolic(x):
            raise ValueError(f"{self.name}: dlcore cannot call a model on an Input (nesting models in a functional "
                             "model); use its layers directly")
        return self._forward(x, training)

    # ----- compile ----------------------------------------------------------------------
    def compile(self, optimizer="rmsprop", loss=None, loss_weights=None, metrics=None, weighted_metrics=None,
                run_eagerly=False, steps_per_execution=1, jit_compile="auto", auto_scale_loss=True) -> None:
        """Choose the optimizer, the loss and the metrics to report (Keras 3's signature and defaults).

        Parameters
        ----------
        optimizer : str or Optimizer
            ``'rmsprop'`` (default), ``'sgd'``, ``'adam'`` or an optimizer object.
        loss : str or Loss
            ``'mse'``, ``'binary_crossentropy'``, ``'categorical_crossentropy'``,
            ``'sparse_categorical_crossentropy'`` or a :class:`dlcore.losses.Loss`. No default: training
            without a loss raises.
        loss_weights : float or list of one float, optional
            Scales the loss (one output only).
        metrics : list, optional
            E.g. ``['accuracy', 'precision', 'recall', 'auc']`` or metric objects such as
            ``dlcore.metrics.AUC(curve='PR')``; ``'accuracy'`` becomes binary, categorical or sparse
            categorical accuracy from the shapes of the labels and outputs, as in Keras.
        weighted_metrics : list, optional
            Metrics weighted by ``sample_weight``/``class_weight`` (``metrics`` are not).
        run_eagerly, steps_per_execution, jit_compile, auto_scale_loss
            Accepted for Keras compatibility; dlcore always runs eagerly in numpy.
        """
        self.optimizer = optimizers.get(optimizer)
        self.loss = None if loss is None else check_reduces(losses.get(loss))
        self._loss_weight = _single_loss_weight(loss_weights)
        self._metric_specs = _as_list(metrics)
        self._weighted_metric_specs = _as_list(weighted_metrics)
        self._compile_metrics = CompileMetrics(self._metric_specs, self._weighted_metric_specs)

    @property
    def metrics_names(self) -> list[str]:
        """``["loss", <compiled metric names>...]``, the order of :meth:`evaluate`'s list."""
        return ["loss", *dict.fromkeys(self._compile_metrics.names)]

    def reset_metrics(self) -> None:
        """Reset the compiled metrics' accumulated state (``fit`` does it every epoch, ``evaluate`` every call)."""
        self._compile_metrics.reset_state()

    def _require_compiled(self, what: str) -> None:
        if self.optimizer is None:
            raise RuntimeError(f"call model.compile(optimizer=..., loss=...) before model.{what}()")
        if self.loss is None:
            raise ValueError(f"model.{what}() needs a loss, but compile() was called without one: "
                             f"model.compile(optimizer=..., loss='mse') (or another loss), as in Keras")

    def _check_data(self, x, y):
        """``x`` and ``y`` as arrays (a list of them for several inputs / outputs) with the same samples."""
        return training.check_xy(x, y)

    def _check_sample_weight(self, sample_weight, n: int):
        return training.check_sample_weight(sample_weight, n)

    def _update_metrics(self, y, y_pred, sample_weight, mask=None) -> dict:
        """Add one batch to the compiled metrics; returns their results so far ``{name: value}``."""
        self._compile_metrics.update_state(y, y_pred, sample_weight, mask=mask)
        return self._compile_metrics.result()

    # ----- one training step, in three visible parts -----------------------------------------
    def compute_loss(self, x, y, training: bool = False, sample_weight=None) -> float:
        """Forward pass and loss (plus the layers' regularization penalties); remembers what backprop needs."""
        out = self._forward(self._cast(x), training)
        weights = losses.apply_mask(sample_weight, self._output_mask)  # padded steps weigh 0, as in Keras
        self._last = (y, out, weights)
        data_loss = self._loss_weight * self.loss(y, out, sample_weight=weights)
        return data_loss + sum(layer.regularization_loss() for layer in self._chain)

    def backpropagate(self) -> None:
        """Backward pass: fill every layer's ``grads`` from the last :meth:`compute_loss`."""
        y, out, weights = self._last
        self._backward(self._loss_weight * self.loss.gradient(y, out, sample_weight=weights))

    def train_step(self, x, y, sample_weight=None) -> float:
        """Forward, backward and one optimizer update on the batch ``(x, y)``; returns the batch loss."""
        loss = self.compute_loss(x, y, training=True, sample_weight=sample_weight)
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

    # ----- fit / evaluate / predict (Keras' argument order) ------------------------------------
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None, validation_split=0.0,
            validation_data=None, shuffle=True, class_weight=None, sample_weight=None, initial_epoch=0,
            steps_per_epoch=None, validation_steps=None, validation_batch_size=None, validation_freq=1):
        """Train for ``epochs`` passes over ``(x, y)`` in mini-batches of ``batch_size`` (None: 32).

        See ``dlcore.models.training.fit`` for every argument; returns a
        :class:`~dlcore.callbacks.History`.
        """
        return training.fit(self, x, y, batch_size=batch_size, epochs=epochs, verbose=verbose, callbacks=callbacks,
                            validation_split=validation_split, validation_data=validation_data, shuffle=shuffle,
                            class_weight=class_weight, sample_weight=sample_weight, initial_epoch=initial_epoch,
                            steps_per_epoch=steps_per_epoch, validation_batch_size=validation_batch_size,
                            validation_freq=validation_freq)

    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None, steps=None,
                 callbacks=None, return_dict=False):
        """Loss and metrics on ``(x, y)`` in inference mode (dropout off, batch norm uses moving statistics).

        Returns the loss alone if no metrics were compiled, else ``[loss, metric, ...]`` in the order of
        ``metrics_names``, or a dict ``{"loss": ..., "accuracy": ...}`` with ``return_dict=True``.
        ``verbose`` 1 prints the result (``"auto"``: silent).
        """
        self._require_compiled("evaluate")
        x, y = self._check_data(x, y)
        sample_weight = self._check_sample_weight(sample_weight, structure.num_samples(x))
        result = self._test_logs(x, y, sample_weight, batch_size)
        if verbose not in ("auto", 0, None, False):
            print(training.format_logs(result))
        return _logs_result(result, return_dict)

    def _test_logs(self, x, y, sample_weight, batch_size=None) -> dict[str, float]:
        y_pred, mask = self._predict_masked(x, batch_size)
        self.reset_metrics()
        metrics = self._update_metrics(y, y_pred, sample_weight, mask)
        loss = dataset_loss(self.loss, y, y_pred, sample_weight, mask, batch_size or 32)
        return {"loss": self._loss_weight * loss + sum(layer.regularization_loss() for layer in self._chain),
                **metrics}

    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None) -> np.ndarray:
        """Outputs for ``x`` in inference mode, computed in batches (default: all at once)."""
        return self._predict_masked(x, batch_size)[0]

    def _predict_masked(self, x, batch_size=None) -> tuple[np.ndarray, np.ndarray | None]:
        """``predict``'s outputs and their padding mask (None without one)."""
        x = np.asarray(x)
        if x.ndim == 0 or len(x) == 0:
            raise ValueError(f"predict needs a batch of samples, got an array of shape {x.shape}")
        batch_size = len(x) if batch_size is None else training.check_batch_size(batch_size)
        outs, masks = [], []
        for i in range(0, len(x), batch_size):
            outs.append(self._forward(self._cast(x[i:i + batch_size]), False))
            masks.append(self._output_mask)
        mask = None if masks[0] is None else np.concatenate(masks)
        return (outs[0] if len(outs) == 1 else np.concatenate(outs)), mask

    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None, return_dict=False):
        """One update on one batch; returns its loss (and metrics) as Keras does: a float without
        metrics, else ``[loss, metric, ...]``, or a dict with ``return_dict=True``."""
        self._require_compiled("train_on_batch")
        x, y = self._check_data(x, y)
        n = structure.num_samples(x)
        sample_weight = (training.batch_weights(y, sample_weight, class_weight, n) if class_weight is not None
                         else self._check_sample_weight(sample_weight, n))
        loss = self.train_step(x, y, sample_weight)
        self.reset_metrics()
        metrics = self._update_metrics(y, self._last[1], sample_weight, self._output_mask)
        logs = {"loss": loss, **self._output_losses, **metrics}
        return _logs_result(logs, return_dict)

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        """Loss (and metrics) on one batch in inference mode, returned like :meth:`train_on_batch`."""
        x, y = self._check_data(x, y)
        return self.evaluate(x, y, batch_size=structure.num_samples(x), verbose=0, sample_weight=sample_weight,
                             return_dict=return_dict)

    def predict_on_batch(self, x) -> np.ndarray:
        """Outputs for one batch ``x`` in inference mode."""
        return self.predict(x)

    # ----- inspection (weights: see weights.py) ------------------------------------------------
    def summary(self, print_fn=None) -> None:
        """Print each layer's output shape and parameter count, and the totals, as Keras does.

        ``print_fn`` receives each line (default ``print``), as in Keras."""
        if not self.output_shapes:
            raise ValueError(f"{self.name} is not built yet: call it on a batch first (or give the first "
                             "layer input_shape=...)")
        print_summary(self, print_fn or print)

    def get_config(self) -> dict:
        return {"name": self.name}


def dataset_loss(loss_fn, y, y_pred, sample_weight, mask, batch_size: int) -> float:
    """The loss over a whole data set: Keras' mean of its batches' losses, weighted by the batch sizes.

    Without a padding mask that is simply the loss of all the samples at once. With one, each batch's
    weights depend on the number of real steps in that batch (see ``losses.apply_mask``), so the
    batches are weighed one by one (Keras' ``evaluate`` uses batches of 32 by default).
    """
    if mask is None:
        return loss_fn(y, y_pred, sample_weight=sample_weight)
    total = 0.0
    for i in range(0, len(y), batch_size):
        batch = slice(i, i + batch_size)
        w = None if sample_weight is None else sample_weight[batch]
        total += loss_fn(y[batch], y_pred[batch], sample_weight=losses.apply_mask(w, mask[batch])) * len(y[batch])
    return total / len(y)


def _as_list(specs) -> list:
    if specs is None:
        return []
    return [specs] if isinstance(specs, str) or callable(specs) else list(specs)


def _single_loss_weight(loss_weights) -> float:
    if loss_weights is None:
        return 1.0
    if isinstance(loss_weights, dict):
        loss_weights = list(loss_weights.values())
    if isinstance(loss_weights, (list, tuple)):
        if len(loss_weights) != 1:
            raise ValueError(f"loss_weights: dlcore models have one output, got {len(loss_weights)} weights")
        loss_weights = loss_weights[0]
    return float(loss_weights)


def _logs_result(logs: dict, return_dict: bool):
    """Keras' convention: a dict, or the loss alone without metrics, or the list of values."""
    if return_dict:
        return logs
    return logs["loss"] if len(logs) == 1 else list(logs.values())


def _default_name(model) -> str:
    from ..layers.base import _name_counts, _snake
    base = _snake(type(model).__name__)
    n = _name_counts[base]
    _name_counts[base] += 1
    return base if n == 0 else f"{base}_{n}"


