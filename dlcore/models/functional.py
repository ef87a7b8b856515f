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

from ..layers.base import KerasTensor, Layer, shape_matches
from ..layers.input import Input
from . import structure, training
from .model import Model


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

    def _predict_masked(self, x, batch_size=None):
        """Several inputs: ``x`` is their list (or a dict by input name); several outputs: a list comes back."""
        if not self._is_multi_io():
            return super()._predict_masked(x, batch_size)
        xs = structure.as_arrays(x if len(self._inputs) > 1 else [x], self.input_names, "x")
        n = len(xs[0])
        if n == 0:
            raise ValueError("predict needs a batch of samples, got empty arrays")
        batch_size = n if batch_size is None else training.check_batch_size(batch_size)
        batches = []
        for i in range(0, n, batch_size):
            batch = [self._cast(a) for a in structure.take(xs, slice(i, i + batch_size))]
            out = self._forward(batch if len(self._inputs) > 1 else batch[0], False)
            batches.append(out if len(self._outputs) > 1 else [out])
        outs = [np.concatenate(parts) for parts in zip(*batches)]
        return (outs if len(self._outputs) > 1 else outs[0]), None

    def _require_compiled(self, what: str) -> None:
        if self._is_multi_io():
            raise NotImplementedError(f"model.{what}(): dlcore does not train or evaluate models with several inputs "
                                      "or outputs yet (predict, summary and save work)")
        super()._require_compiled(what)

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
