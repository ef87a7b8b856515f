"""Functional models: ``Model(inputs, outputs)`` from layers called on an ``Input``, with branches.

Calling layers on an :class:`~dlcore.layers.Input` records a graph (see ``KerasTensor`` in
``dlcore/layers/base.py``); this module runs it forwards in topological order and backwards in
reverse, adding up the gradients where a tensor feeds several layers (a skip connection). Padding masks
(``Embedding(mask_zero=True)``, ``Masking``) travel along the same edges as the data, as in Keras::

    inputs = Input(shape=(8,))
    h = Dense(8, activation="relu")(inputs)
    outputs = Dense(1)(Add()([inputs, h]))
    model = Model(inputs, outputs)

Several inputs and outputs are lists: ``Model([a, b], [y1, y2])`` takes ``[xa, xb]`` and returns
``[out1, out2]`` (see :mod:`dlcore.models.structure`).
"""

from __future__ import annotations

import numpy as np

from .. import losses
from ..layers.base import KerasTensor, Layer, shape_matches
from ..layers.input import Input
from . import structure, training
from .compile_loss import CompileLoss
from .compile_metrics import OutputMetrics
from .model import Model, dataset_loss


class InputLayer(Layer):
    """The first entry of a functional model's ``layers`` (as in Keras): no weights, output = input."""

    def __init__(self, shape: tuple, name: str | None = None):
        super().__init__(input_shape=shape, name=name)
        self.built = True

    def forward(self, x, training=False):
        return x

    def backward(self, dout):
        return dout

    def get_config(self):
        return {"name": self.name, "shape": list(self.input_shape)}


class Functional(Model):
    """A model defined by its input and output tensors (what ``Model(inputs, outputs)`` returns).

    Parameters
    ----------
    inputs : Input, or a list of Inputs
    outputs : KerasTensor, or a list of them, computed from ``inputs`` by layer calls.
    name : str, optional
    """

    def __init__(self, inputs, outputs, name: str | None = None, trainable: bool = True):
        super().__init__(name=name or "functional")
        self._inputs = _tensors(inputs, Input, "inputs", "an Input(shape=...)")
        self._outputs = _tensors(outputs, KerasTensor, "outputs", "the result of calling layers on the Input")
        self._input, self._output = self._inputs[0], self._outputs[0]  # the one input and output of most models
        self._nodes = _topological(self._outputs, self._inputs)
        self._chain = [node.layer for node in self._nodes]
        # "input" is Input's default name; Keras then calls the layer input_layer, input_layer_1, ...
        self._input_layers = [InputLayer(t.shape, name=None if t.name == "input" else t.name) for t in self._inputs]
        self._input_layer = self._input_layers[0]
        self.output_shapes = [*((None, *t.shape) for t in self._inputs), *(node.shape for node in self._nodes)]
        if not trainable:
            self.trainable = False

    @property
    def layers(self) -> list[Layer]:
        return [*self._input_layers, *self._chain]

    @property
    def inputs(self) -> list:
        return list(self._inputs)

    @property
    def outputs(self) -> list:
        return list(self._outputs)

    @property
    def input_names(self) -> list[str]:
        """The input layers' names (the keys of a dict ``x``)."""
        return [layer.name for layer in self._input_layers]

    @property
    def output_names(self) -> list[str]:
        """The names of the layers that compute the outputs (Keras names the losses and metrics after them)."""
        return [t.layer.name for t in self._outputs]

    def _is_multi_io(self) -> bool:
        return len(self._inputs) > 1 or len(self._outputs) > 1

    def _multi_output(self) -> bool:
        return len(self._outputs) > 1

    def _predict_masked(self, x, batch_size=None):
        """Several inputs: ``x`` is their list (or a dict by input name); several outputs: a list comes back,
        and a list of their padding masks."""
        if not self._is_multi_io():
            return super()._predict_masked(x, batch_size)
        xs = _as_list(x, self.input_names, "x")
        n = len(xs[0])
        if n == 0:
            raise ValueError("predict needs a batch of samples, got empty arrays")
        batch_size = n if batch_size is None else training.check_batch_size(batch_size)
        batches, batch_masks = [], []
        for i in range(0, n, batch_size):
            batch = self._cast(structure.take(xs, slice(i, i + batch_size)))
            out = self._forward(batch if len(self._inputs) > 1 else batch[0], False)
            batches.append(out if self._multi_output() else [out])
            batch_masks.append(self._output_mask if self._multi_output() else [self._output_mask])
        outs = [np.concatenate(parts) for parts in zip(*batches)]
        masks = [None if parts[0] is None else np.concatenate(parts) for parts in zip(*batch_masks)]
        return (outs, masks) if self._multi_output() else (outs[0], masks[0])

    # ----- several outputs: a loss and metrics per output (compile_loss.py, compile_metrics.py) -----
    def compile(self, optimizer="rmsprop", loss=None, loss_weights=None, metrics=None, weighted_metrics=None,
                run_eagerly=False, steps_per_execution=1, jit_compile="auto", auto_scale_loss=True) -> None:
        """As :meth:`Model.compile`; with several outputs ``loss``, ``loss_weights``, ``metrics`` and
        ``weighted_metrics`` may be lists (one entry per output) or dicts by output name
        (see :mod:`dlcore.models.compile_loss`)."""
        kwargs = dict(run_eagerly=run_eagerly, steps_per_execution=steps_per_execution, jit_compile=jit_compile,
                      auto_scale_loss=auto_scale_loss)  # accepted for Keras code; see Model.compile
        if not self._multi_output():
            return super().compile(optimizer, loss, loss_weights, metrics, weighted_metrics, **kwargs)
        super().compile(optimizer, **kwargs)
        self.loss = None if loss is None else CompileLoss(loss, loss_weights, self.output_names)
        self._metric_specs, self._weighted_metric_specs = metrics or [], weighted_metrics or []
        self._compile_metrics = OutputMetrics(metrics, weighted_metrics, self.output_names)

    @property
    def metrics_names(self) -> list[str]:
        """``["loss", <output>_loss ..., <output>_<metric> ...]``, the order of :meth:`evaluate`'s list."""
        if not self._multi_output() or self.loss is None:
            return super().metrics_names
        return ["loss", *self.loss.log_names, *dict.fromkeys(self._compile_metrics.names)]

    def _check_data(self, x, y):
        if not self._is_multi_io():
            return super()._check_data(x, y)
        if y is None:
            raise ValueError("y is missing: dlcore models need targets, fit(x, y) / evaluate(x, y)")
        xs, ys = _as_list(x, self.input_names, "x"), _as_list(y, self.output_names, "y")
        if len(xs[0]) != len(ys[0]):
            raise ValueError(f"x and y must have the same number of samples, got {len(xs[0])} and {len(ys[0])}")
        if len(xs[0]) == 0:
            raise ValueError("x and y are empty")
        return (xs if len(self._inputs) > 1 else xs[0]), (ys if self._multi_output() else ys[0])

    def _check_sample_weight(self, sample_weight, n: int):
        """One array for all outputs, or a list / dict with one per output (None: unweighted)."""
        if not self._multi_output():
            return super()._check_sample_weight(sample_weight, n)
        return [training.check_sample_weight(w, n) for w in structure.per_output(sample_weight, self.output_names)]

    def _cast(self, x):
        return [super(Functional, self)._cast(a) for a in x] if isinstance(x, list) else super()._cast(x)

    def compute_loss(self, x, y, training: bool = False, sample_weight=None) -> float:
        if not self._multi_output():
            return super().compute_loss(x, y, training, sample_weight)
        outs = self._forward(self._cast(x), training)
        sample_weights = sample_weight or [None] * len(outs)
        weights = [losses.apply_mask(w, mask) for w, mask in zip(sample_weights, self._output_mask)]
        self._last = (y, outs, weights)
        data_loss, self._output_losses = self.loss(y, outs, weights)
        return data_loss + sum(layer.regularization_loss() for layer in self._chain)

    def backpropagate(self) -> None:
        if not self._multi_output():
            return super().backpropagate()
        self._backward(self.loss.gradients(*self._last))

    def _update_metrics(self, y, y_pred, sample_weight, mask=None) -> dict:
        if not self._multi_output():
            return super()._update_metrics(y, y_pred, sample_weight, mask)
        n = len(y_pred)
        self._compile_metrics.update_state(y, y_pred, sample_weight or [None] * n, mask or [None] * n)
        return self._compile_metrics.result()

    def _test_logs(self, x, y, sample_weight, batch_size=None) -> dict[str, float]:
        if not self._multi_output():
            return super()._test_logs(x, y, sample_weight, batch_size)
        y_pred, masks = self._predict_masked(x, batch_size)
        sample_weights = sample_weight or [None] * len(y_pred)
        self.reset_metrics()
        metrics = self._update_metrics(y, y_pred, sample_weights, masks)
        data_loss, output_losses = self.loss.combine(lambda i, fn: dataset_loss(
            fn, y[i], y_pred[i], sample_weights[i], masks[i], batch_size or 32))
        regularization = sum(layer.regularization_loss() for layer in self._chain)
        return {"loss": data_loss + regularization, **output_losses, **metrics}

    def _validate_input(self, x) -> None:
        xs = x if len(self._inputs) > 1 else [x]
        for t, a in zip(self._inputs, xs):
            shape = np.shape(a)
            if not shape_matches(shape[1:], t.shape):
                raise ValueError(f"{self.name}: got input of shape {shape} for {t.name!r}, expected "
                                 f"{(None, *t.shape)} (the shape of its Input)")

    def _forward(self, x, training: bool):
        """The output for ``x``; with several inputs ``x`` is their list, with several outputs so is the result."""
        if len(self._inputs) > 1:
            x = structure.as_arrays(x, self.input_names, "x")
        self._validate_input(x)
        xs = x if len(self._inputs) > 1 else [x]
        values = {id(t): a for t, a in zip(self._inputs, xs)}
        masks = {id(t): None for t in self._inputs}
        for node in self._nodes:
            args = [values[id(t)] for t in node.inputs]
            arg_masks = [masks[id(t)] for t in node.inputs]
            if node.called_on_list:  # merge layers get lists: their inputs and their inputs' masks
                arg, mask = args, None if all(m is None for m in arg_masks) else arg_masks
            else:
                arg, mask = args[0], arg_masks[0]
            values[id(node)], masks[id(node)] = node.layer.forward_masked(
                arg, mask, training=node.layer.training_mode(training))
        if len(self._outputs) > 1:
            self._output_mask = [masks[id(t)] for t in self._outputs]
            return [values[id(t)] for t in self._outputs]
        self._output_mask = masks[id(self._output)]  # the loss and the metrics skip padded steps
        return values[id(self._output)]

    def _backward(self, grad) -> None:
        """Backpropagate ``dL/d(output)`` (a list, one per output, for several outputs)."""
        grads = dict(zip((id(t) for t in self._outputs), grad if len(self._outputs) > 1 else [grad]))
        data = {id(t) for t in self._inputs}
        for node in reversed(self._nodes):
            layer = node.layer
            only_data = all(id(t) in data for t in node.inputs)
            saved, layer.input_grad = layer.input_grad, not only_data  # nobody needs d(loss)/d(data)
            try:
                d_inputs = layer.backward(grads.pop(id(node)))
            finally:
                layer.input_grad = saved
            if only_data:
                continue
            d_inputs = d_inputs if node.called_on_list else [d_inputs]
            for t, d in zip(node.inputs, d_inputs):
                if id(t) not in data:  # a new array: merge layers hand out the same one twice
                    grads[id(t)] = grads[id(t)] + d if id(t) in grads else d


def _as_list(data, names: list[str], what: str) -> list[np.ndarray]:
    """``data`` for one input (output) or several as a list of arrays, one per name."""
    if len(names) > 1 or isinstance(data, dict):
        return structure.as_arrays(data, names, what)
    return structure.as_arrays([np.asarray(data)], names, what)


def _tensors(value, kind, label: str, expected: str) -> list:
    """``value`` (one tensor or a list of them) as a non-empty list of distinct ``kind`` tensors."""
    values = list(value) if isinstance(value, (list, tuple)) else [value]
    if not values:
        raise ValueError(f"Model: {label} is empty; expected {expected}")
    for v in values:
        if not isinstance(v, kind):
            raise ValueError(f"Model: {label} must be {expected} (or a list of them), got {type(v).__name__}")
    if len({id(v) for v in values}) != len(values):
        raise ValueError(f"Model: {label} lists the same tensor twice")
    if label == "outputs" and any(isinstance(v, Input) for v in values):
        raise ValueError("Model: an output must be computed by a layer, got an Input")
    return values


def _topological(outputs: list[KerasTensor], model_inputs: list[Input]) -> list[KerasTensor]:
    """The tensors ``outputs`` depend on, each after its inputs; checks the graph comes from ``model_inputs``."""
    order, seen, layers = [], set(), {}
    allowed = {id(t) for t in model_inputs}
    stack = [(output, False) for output in reversed(outputs)]
    while stack:  # iterative depth-first search: deep models do not hit the recursion limit
        node, expanded = stack.pop()
        if isinstance(node, Input):
            if id(node) not in allowed:
                raise ValueError(f"Model: the outputs depend on an Input that is not in inputs ({node!r})")
            continue
        if id(node) in seen:
            continue
        if expanded:
            seen.add(id(node))
            order.append(node)
            continue
        stack.append((node, True))
        stack.extend((t, False) for t in reversed(node.inputs) if id(t) not in seen)
    for node in order:
        if id(node.layer) in layers:
            raise ValueError(f"Model: {node.layer.describe()} is called twice; dlcore does not support shared "
                             "layers (create a second layer)")
        layers[id(node.layer)] = node
    return order
