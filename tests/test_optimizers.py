import os

import numpy as np
import pytest

from dlcore import optimizers

STEPS = 6


def _problem(seed=0, scale=1.0):
    """Two parameters (3, 2) and (4,) with STEPS gradients each; small ``scale`` makes epsilon matter."""
    rng = np.random.default_rng(seed)
    params = [rng.normal(size=(3, 2)), rng.normal(size=4)]
    grads = [[scale * rng.normal(size=p.shape) for p in params] for _ in range(STEPS)]
    return params, grads


def _run_ours(opt, params, grads, lr_after=None):
    params = [p.copy() for p in params]
    for step, gs in enumerate(grads):
        if lr_after is not None and step == lr_after[0]:
            opt.learning_rate = lr_after[1]
        opt.apply_gradients(zip(gs, params))
    return params


@pytest.fixture(scope="module")
def keras():
    os.environ.setdefault("KERAS_BACKEND", "torch")
    keras = pytest.importorskip("keras")
    before = keras.config.floatx()
    keras.config.set_floatx("float64")  # else the torch backend may compute in float32
    yield keras
    keras.config.set_floatx(before)


def _run_keras(keras, opt, params, grads, lr_after=None):
    variables = [keras.Variable(p.copy(), dtype="float64") for p in params]
    for step, gs in enumerate(grads):
        if lr_after is not None and step == lr_after[0]:
            opt.learning_rate = lr_after[1]
        opt.apply_gradients([(keras.ops.convert_to_tensor(g), v) for g, v in zip(gs, variables)])
    return [keras.ops.convert_to_numpy(v) for v in variables]


KERAS_CASES = [
    ("SGD", dict(learning_rate=0.1)),
    ("SGD", dict(learning_rate=0.1, momentum=0.9)),
    ("SGD", dict(learning_rate=0.1, momentum=0.9, nesterov=True, weight_decay=0.05)),
    ("RMSprop", dict()),
    ("RMSprop", dict(learning_rate=0.01, rho=0.8, momentum=0.5, centered=True)),
    ("RMSprop", dict(learning_rate=0.01, momentum=0.9, clipvalue=1e-4)),
    ("Adam", dict(learning_rate=0.01)),
    ("Adam", dict(learning_rate=0.01, beta_1=0.5, beta_2=0.9, epsilon=1e-3, amsgrad=True)),
    ("Adam", dict(learning_rate=0.01, weight_decay=0.1, clipnorm=1e-4)),
    ("AdamW", dict(learning_rate=0.01)),
    ("AdamW", dict(learning_rate=0.01, weight_decay=0.3, amsgrad=True, global_clipnorm=1e-4)),
    ("Adagrad", dict(learning_rate=0.1)),
    ("Adagrad", dict(learning_rate=0.1, initial_accumulator_value=0.0, epsilon=1e-3)),
    ("Nadam", dict(learning_rate=0.01)),
    ("Nadam", dict(learning_rate=0.01, beta_1=0.8, epsilon=1e-5, weight_decay=0.1)),
]


@pytest.mark.parametrize("name, kwargs", KERAS_CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(KERAS_CASES)])
@pytest.mark.parametrize("scale", [1.0, 1e-4])  # at 1e-4 Adam's epsilon placement changes the result
def test_matches_keras(keras, name, kwargs, scale):
    params, grads = _problem(scale=scale)
    ours = _run_ours(getattr(optimizers, name)(**kwargs), params, grads)
    theirs = _run_keras(keras, getattr(keras.optimizers, name)(**kwargs), params, grads)
    # Keras on torch rounds the norm in (global_)clipnorm to float32 (ops.maximum with a Python float)
    rtol = 1e-7 if {"clipnorm", "global_clipnorm"} & set(kwargs) else 1e-10
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=rtol, atol=1e-13)


@pytest.mark.parametrize("name", ["SGD", "RMSprop", "Adam", "Adagrad", "Nadam"])
def test_defaults_and_get_match_keras(keras, name):
    params, grads = _problem(scale=1e-3)
    ours = _run_ours(optimizers.get(name.lower()), params, grads)
    theirs = _run_keras(keras, keras.optimizers.get(name.lower()), params, grads)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-13)


def test_learning_rate_can_be_changed_between_steps_as_in_keras(keras):
    params, grads = _problem()
    ours = _run_ours(optimizers.Adam(0.01), params, grads, lr_after=(3, 0.002))
    theirs = _run_keras(keras, keras.optimizers.Adam(0.01), params, grads, lr_after=(3, 0.002))
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-13)
    with pytest.raises(ValueError, match="learning_rate"):
        optimizers.Adam().learning_rate = 0.0


# PyTorch runs the same algorithms; where it places epsilon differently we compare at epsilon = 0.
TORCH_CASES = [
    (lambda: optimizers.SGD(0.1), lambda p, t: t.optim.SGD(p, lr=0.1)),
    (lambda: optimizers.SGD(0.1, momentum=0.9), lambda p, t: t.optim.SGD(p, lr=0.1, momentum=0.9)),
    (lambda: optimizers.SGD(0.1, momentum=0.9, nesterov=True),
     lambda p, t: t.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True)),
    (lambda: optimizers.RMSprop(0.01, epsilon=0.0), lambda p, t: t.optim.RMSprop(p, lr=0.01, alpha=0.9, eps=0.0)),
    (lambda: optimizers.RMSprop(0.01, momentum=0.5, centered=True, epsilon=0.0),
     lambda p, t: t.optim.RMSprop(p, lr=0.01, alpha=0.9, eps=0.0, momentum=0.5, centered=True)),
    (lambda: optimizers.Adam(0.01, epsilon=0.0), lambda p, t: t.optim.Adam(p, lr=0.01, eps=0.0)),
    (lambda: optimizers.Adam(0.01, epsilon=0.0, amsgrad=True),
     lambda p, t: t.optim.Adam(p, lr=0.01, eps=0.0, amsgrad=True)),
    (lambda: optimizers.AdamW(0.01, weight_decay=0.1, epsilon=0.0),
     lambda p, t: t.optim.AdamW(p, lr=0.01, weight_decay=0.1, eps=0.0)),
    (lambda: optimizers.Adagrad(0.1, epsilon=0.0),
     lambda p, t: t.optim.Adagrad(p, lr=0.1, initial_accumulator_value=0.1, eps=0.0)),
    (lambda: optimizers.Nadam(0.01), lambda p, t: t.optim.NAdam(p, lr=0.01, eps=1e-7, momentum_decay=1.0)),
]


@pytest.mark.parametrize("make_ours, make_torch", TORCH_CASES)
def test_matches_torch(make_ours, make_torch):
    torch = pytest.importorskip("torch")
    params, grads = _problem()
    ours = _run_ours(make_ours(), params, grads)
    tensors = [torch.nn.Parameter(torch.tensor(p)) for p in params]
    default_dtype = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)  # NAdam keeps its momentum product in a default-dtype tensor
    try:
        opt = make_torch(tensors, torch)
        for gs in grads:
            opt.zero_grad()
            for p, g in zip(tensors, gs):
                p.grad = torch.tensor(g)
            opt.step()
    finally:
        torch.set_default_dtype(default_dtype)
    for a, p in zip(ours, tensors):
        np.testing.assert_allclose(a, p.detach().numpy(), rtol=1e-10, atol=1e-12)


def test_adam_epsilon_is_added_to_the_uncorrected_root():
    # Keras' form: at t = 1, sqrt(v) = sqrt(1 - b2) |g|, so the step is lr g / (|g| + eps / sqrt(1 - b2))
    g = np.array([3.0, -0.2, 1e-3, 1e-6, -50.0])
    w = np.zeros(5)
    optimizers.Adam(0.01).apply_gradients([(g, w)])
    np.testing.assert_allclose(w, -0.01 * g / (np.abs(g) + 1e-7 / np.sqrt(1 - 0.999)), rtol=1e-12)
    textbook = -0.01 * g / (np.abs(g) + 1e-7)
    assert abs(w[3] - textbook[3]) > 1e-3  # visible once |g| is near epsilon


def test_sgd_step_by_hand():
    w = np.array([1.0, -2.0])
    optimizers.SGD(0.1).apply_gradients([(np.array([0.5, 1.0]), w)])
    np.testing.assert_allclose(w, [0.95, -2.1])


def test_momentum_by_hand():
    w = np.array([0.0])
    opt = optimizers.SGD(0.1, momentum=0.9)
    opt.apply_gradients([(np.array([1.0]), w)])  # v = -0.1
    opt.apply_gradients([(np.array([1.0]), w)])  # v = -0.09 - 0.1 = -0.19
    np.testing.assert_allclose(w, [-0.29])


def test_weight_decay_by_hand():
    w = np.array([2.0])
    optimizers.SGD(0.1, weight_decay=0.5).apply_gradients([(np.array([1.0]), w)])
    np.testing.assert_allclose(w, [2.0 * (1 - 0.1 * 0.5) - 0.1])  # decay first, then the step


def test_update_is_in_place_for_every_optimizer():
    for name in ["sgd", "rmsprop", "adam", "adamw", "adagrad", "nadam"]:
        w = np.ones(3)
        ref = w
        optimizers.get(name).apply_gradients([(np.ones(3), w)])
        assert ref is w and np.all(w < 1), name


def test_float32_parameters_stay_float32():
    for name in ["sgd", "rmsprop", "adam", "adamw", "adagrad", "nadam"]:
        w = np.ones(3, dtype=np.float32)
        optimizers.get(name).apply_gradients([(np.ones(3, dtype=np.float32), w)])
        assert w.dtype == np.float32, name


def test_bad_arguments():
    with pytest.raises(ValueError, match="learning_rate"):
        optimizers.SGD(-1)
    with pytest.raises(ValueError, match="momentum"):
        optimizers.SGD(0.1, momentum=1.5)
    with pytest.raises(ValueError, match="beta_2"):
        optimizers.Nadam(beta_2=1.0)
    with pytest.raises(ValueError, match="weight_decay"):
        optimizers.AdamW(weight_decay=None)
    with pytest.raises(ValueError, match="weight_decay"):
        optimizers.SGD(weight_decay=-0.1)
    with pytest.raises(ValueError, match="initial_accumulator_value"):
        optimizers.Adagrad(initial_accumulator_value=-1)
    with pytest.raises(ValueError, match="shape"):
        optimizers.SGD(0.1).apply_gradients([(np.ones(2), np.ones(3))])
    with pytest.raises(ValueError, match="unknown optimizer"):
        optimizers.get("adamax")
    with pytest.raises(TypeError):
        optimizers.Adam(0.1, rho=0.9)  # an RMSprop argument


def test_get_returns_fresh_defaults():
    assert isinstance(optimizers.get("adam"), optimizers.Adam)
    assert isinstance(optimizers.get("AdamW"), optimizers.AdamW)
    assert optimizers.get("sgd").learning_rate == 0.01
    assert optimizers.get("adam") is not optimizers.get("adam")
    opt = optimizers.Nadam()
    assert optimizers.get(opt) is opt


def test_clipnorm_rescales_each_gradient():
    w1, w2 = np.zeros(2), np.zeros(2)
    g1, g2 = np.array([3.0, 4.0]), np.array([0.3, 0.4])
    optimizers.SGD(1.0, clipnorm=1.0).apply_gradients([(g1, w1), (g2, w2)])
    np.testing.assert_allclose(w1, [-0.6, -0.8])
    np.testing.assert_allclose(w2, [-0.3, -0.4])
    np.testing.assert_array_equal(g1, [3.0, 4.0])  # the layer's gradient array is left alone


def test_clipvalue_clips_each_element():
    w = np.zeros(3)
    optimizers.SGD(1.0, clipvalue=0.5).apply_gradients([(np.array([2.0, -0.1, -7.0]), w)])
    np.testing.assert_allclose(w, [-0.5, 0.1, 0.5])


def test_global_clipnorm_keeps_the_direction():
    w1, w2 = np.zeros(1), np.zeros(1)
    optimizers.SGD(1.0, global_clipnorm=1.0).apply_gradients([(np.array([6.0]), w1), (np.array([8.0]), w2)])
    np.testing.assert_allclose([w1[0], w2[0]], [-0.6, -0.8])
    w = np.zeros(1)
    optimizers.SGD(0.1, global_clipnorm=10.0).apply_gradients([(np.array([2.0]), w)])  # under the limit
    np.testing.assert_allclose(w, [-0.2])


def test_clipping_arguments():
    with pytest.raises(ValueError, match="only one"):
        optimizers.SGD(0.1, clipnorm=1.0, global_clipnorm=1.0)
    with pytest.raises(ValueError, match="only one"):
        optimizers.Adam(clipvalue=1.0, clipnorm=1.0)
    with pytest.raises(ValueError, match="clipnorm"):
        optimizers.RMSprop(clipnorm=-1.0)
    with pytest.raises(ValueError, match="clipvalue"):
        optimizers.Adagrad(clipvalue=0)
