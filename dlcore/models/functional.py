"""Functional models: ``Model(inputs, outputs)`` from layers called on an ``Input``, with branches.

Calling layers on an :class:`~dlcore.layers.Input` records a graph (see ``KerasTensor`` in
``dlcore/layers/base.py``); this module runs it forwards in topological order and backwards in
reverse, adding up the gradients where a tensor feeds several layers (a skip connection). Padding masks
(``Embedding(mask_zero=True)``, ``Masking``) travel along the same edges as the data, as in Keras::

    inputs = Input(shape=(8,))
    h = Dense(8, activation="relu")(inputs)
    outputs = Dense(1)(Add()([inputs, h]))
    model = Model(inputs, outputs)
"""

from __future__ import annotations

import numpy as np

from ..layers.base import KerasTensor, Layer, shape_matches
from ..layers.input import Input
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
    inputs : Input (or a list of one)
    outputs : KerasTensor (or a list of one), computed from ``inputs`` by layer calls.
    name : str, optional
    """

    def __init__(self, inputs, outputs, name: str | None = None, trainable: bool = True):
        super().__init__(name=name or "functional")
        self._input = _single(inputs, Input, "inputs", "an Input(shape=...)")
        self._output = _single(outputs, KerasTensor, "outputs", "the result of calling layers on the Input")
        self._nodes = _topological(self._output, self._input)
        self._chain = [node.layer for node in self._nodes]
        named = self._input.name != "input"  # Input's default name; Keras calls the layer input_layer
        self._input_layer = InputLayer(self._input.shape, name=self._input.name if named else None)
        self.output_shapes = [(None, *self._input.shape), *(node.shape for node in self._nodes)]
        if not trainable:
            self.trainable = False

    @property
    def layers(self) -> list[Layer]:
        return [self._input_layer, *self._chain]

    @property
    def inputs(self) -> list:
        return [self._input]

    @property
    def outputs(self) -> list:
        return [self._output]

    def _validate_input(self, x) -> None:
        shape = np.shape(x)
        if not shape_matches(shape[1:], self._input.shape):
            raise ValueError(f"{self.name}: got input of shape {shape}, expected {(None, *self._input.shape)} "
                             "(the shape of its Input)")

    def _forward(self, x, training: bool) -> np.ndarray:
        self._validate_input(x)
        values, masks = {id(self._input): x}, {id(self._input): None}
        for node in self._nodes:
            args = [values[id(t)] for t in node.inputs]
            arg_masks = [masks[id(t)] for t in node.inputs]
            if node.called_on_list:  # merge layers get lists: their inputs and their inputs' masks
                arg, mask = args, None if all(m is None for m in arg_masks) else arg_masks
            else:
                arg, mask = args[0], arg_masks[0]
            values[id(node)], masks[id(node)] = node.layer.forward_masked(
                arg, mask, training=node.layer.training_mode(training))
        self._output_mask = masks[id(self._output)]  # the loss and the metrics skip padded steps
        return values[id(self._output)]

    def _backward(self, grad: np.ndarray) -> None:
        grads = {id(self._output): grad}
        for node in reversed(self._nodes):
            layer = node.layer
            only_data = all(t is self._input for t in node.inputs)
            saved, layer.input_grad = layer.input_grad, not only_data  # nobody needs d(loss)/d(data)
            try:
                d_inputs = layer.backward(grads.pop(id(node)))
            finally:
                layer.input_grad = saved
            if only_data:
                continue
            d_inputs = d_inputs if node.called_on_list else [d_inputs]
            for t, d in zip(node.inputs, d_inputs):
                if t is not self._input:  # a new array: merge layers hand out the same one twice
                    grads[id(t)] = grads[id(t)] + d if id(t) in grads else d


def _single(value, kind, label: str, expected: str):
    if isinstance(value, (list, tuple)):
        if len(value) != 1:
            raise ValueError(f"Model: dlcore functional models have one input and one output; {label} has "
                             f"{len(value)} items")
        value = value[0]
    if not isinstance(value, kind):
        raise ValueError(f"Model: {label} must be {expected}, got {type(value).__name__}")
    return value


def _topological(output: KerasTensor, model_input: Input) -> list[KerasTensor]:
    """The tensors ``output`` depends on, each after its inputs; checks the graph comes from ``model_input``."""
    order, seen, layers = [], set(), {}
    stack = [(output, False)]
    while stack:  # iterative depth-first search: deep models do not hit the recursion limit
        node, expanded = stack.pop()
        if isinstance(node, Input):
            if node is not model_input:
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
