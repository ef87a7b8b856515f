"""Plausible wrong answers for chapter 4's exercises."""

import numpy as np


def _softmax_rows(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def _forward_no_hidden_activation(X, p):
    # forgot the ReLU: the two layers collapse into one linear map
    return _softmax_rows((X @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"])


def _forward_sigmoid_hidden(X, p):
    # used a sigmoid where the network has a ReLU
    H = 1 / (1 + np.exp(-(X @ p["W1"] + p["b1"])))
    return _softmax_rows(H @ p["W2"] + p["b2"])


def _forward_softmax_axis0(X, p):
    # normalised over the batch instead of over the classes
    Z = np.maximum(X @ p["W1"] + p["b1"], 0) @ p["W2"] + p["b2"]
    E = np.exp(Z - Z.max(axis=0, keepdims=True))
    return E / E.sum(axis=0, keepdims=True)


def _forward_naive_softmax(X, p):
    # exp without subtracting the maximum: overflows for large scores
    E = np.exp(np.maximum(X @ p["W1"] + p["b1"], 0) @ p["W2"] + p["b2"])
    return E / E.sum(axis=1, keepdims=True)


def _forward_missing_output_bias(X, p):
    return _softmax_rows(np.maximum(X @ p["W1"] + p["b1"], 0) @ p["W2"])


def _forward_seed_code(X, p):
    # the source document's bug: the output layer reuses W1 transposed and the hidden bias
    H = np.maximum(X @ p["W1"] + p["b1"], 0)
    return _softmax_rows(H @ p["W1"].T + p["b1"][: p["W1"].shape[0]])


def _forward_argmax(X, p):
    # returns class indices instead of probabilities
    return np.argmax(np.maximum(X @ p["W1"] + p["b1"], 0) @ p["W2"] + p["b2"], axis=1)


def _forward_in_place(X, p):
    # right numbers, but shifts the caller's output bias in place
    Z = np.maximum(X @ p["W1"] + p["b1"], 0) @ p["W2"]
    p["b2"] -= p["b2"].max()
    return _softmax_rows(Z + p["b2"])


WRONG = {
    "ch04.mlp_forward": [_forward_no_hidden_activation, _forward_sigmoid_hidden, _forward_softmax_axis0,
                         _forward_naive_softmax, _forward_missing_output_bias, _forward_seed_code, _forward_argmax,
                         _forward_in_place],
    "ch04.param_count": [
        64 * 32 + 32 * 32 + 32 * 10,                              # weights only: 3392
        (64 * 32 + 32) + (32 * 32 + 32) + (32 * 10 + 10) + 64,    # gave the input layer biases: 3530
        64 + 32 + 32 + 10,                                        # counted units: 138
        (64 + 1) * (32 + 1) + (32 + 1) * (32 + 1) + (32 + 1) * (10 + 1),   # off by one on both sides
        "3466",                                                   # a string, not a number
    ],
    "ch04.layer_shapes": [
        {"output": (3, 50), "kernel": (20, 30), "bias": (20, 1)},   # column (samples-as-columns) convention
        {"output": (3,), "kernel": (30, 20), "bias": (20,)},        # dropped the batch axis
        {"output": (50, 3), "kernel": (12, 30), "bias": (30,)},     # looked at the first layer
        {"output": (50, 3), "kernel": (30, 20), "bias": (50, 20)},  # one bias per sample
        [(50, 3), (30, 20), (20,)],                                 # not a dict
    ],
    "ch04.shape_statement": ["a", "c", "d", "B or C"],
    "ch04.uat_width": [32, 42, 100, 0, 43.5],
}
