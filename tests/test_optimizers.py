import numpy as np
import pytest

from dlcore import optimizers


def _run(opt, steps=5, seed=0):
    rng = np.random.default_rng(seed)
    w = rng.normal(size=(3, 2))
    grads = [rng.normal(size=(3, 2)) for _ in range(steps)]
    for g in grads:
        opt.apply_gradients([(g, w)])
    return w, grads


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


def test_update_is_in_place():
    w = np.ones(3)
    ref = w
    optimizers.Adam().apply_gradients([(np.ones(3), w)])
    assert ref is w and np.all(w < 1)


def test_adam_first_step_is_lr_times_sign():
    w = np.zeros(4)
    optimizers.Adam(0.01).apply_gradients([(np.array([3.0, -0.2, 1e-3, -50.0]), w)])
    np.testing.assert_allclose(w, -0.01 * np.sign([3.0, -0.2, 1e-3, -50.0]), rtol=1e-3)


@pytest.mark.parametrize("make_ours, make_torch", [
    (lambda: optimizers.SGD(0.1), lambda p, t: t.optim.SGD(p, lr=0.1)),
    (lambda: optimizers.SGD(0.1, momentum=0.9), lambda p, t: t.optim.SGD(p, lr=0.1, momentum=0.9)),
    (lambda: optimizers.SGD(0.1, momentum=0.9, nesterov=True),
     lambda p, t: t.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True)),
    (lambda: optimizers.RMSprop(0.01), lambda p, t: t.optim.RMSprop(p, lr=0.01, alpha=0.9, eps=1e-7)),
    (lambda: optimizers.Adam(0.01), lambda p, t: t.optim.Adam(p, lr=0.01, eps=1e-7)),
])
def test_matches_torch(make_ours, make_torch):
    torch = pytest.importorskip("torch")
    ours, grads = _run(make_ours(), steps=6)
    w0 = np.random.default_rng(0).normal(size=(3, 2))
    p = torch.nn.Parameter(torch.tensor(w0))
    opt = make_torch([p], torch)
    for g in grads:
        opt.zero_grad()
        p.grad = torch.tensor(g)
        opt.step()
    np.testing.assert_allclose(ours, p.detach().numpy(), rtol=1e-10, atol=1e-12)


def test_bad_arguments():
    with pytest.raises(ValueError, match="learning_rate"):
        optimizers.SGD(-1)
    with pytest.raises(ValueError, match="momentum"):
        optimizers.SGD(0.1, momentum=1.5)
    with pytest.raises(ValueError, match="shape"):
        optimizers.SGD(0.1).apply_gradients([(np.ones(2), np.ones(3))])
    with pytest.raises(ValueError, match="unknown optimizer"):
        optimizers.get("adamw")


def test_get_returns_fresh_defaults():
    assert isinstance(optimizers.get("adam"), optimizers.Adam)
    assert optimizers.get("sgd").learning_rate == 0.01


def test_clipnorm_rescales_each_gradient():
    w1, w2 = np.zeros(2), np.zeros(2)
    g1, g2 = np.array([3.0, 4.0]), np.array([0.3, 0.4])
    optimizers.SGD(1.0, clipnorm=1.0).apply_gradients([(g1, w1), (g2, w2)])
    np.testing.assert_allclose(w1, [-0.6, -0.8])
    np.testing.assert_allclose(w2, [-0.3, -0.4])
    np.testing.assert_array_equal(g1, [3.0, 4.0])  # the layer's gradient array is left alone


def test_global_clipnorm_keeps_the_direction():
    w1, w2 = np.zeros(1), np.zeros(1)
    optimizers.SGD(1.0, global_clipnorm=1.0).apply_gradients([(np.array([6.0]), w1), (np.array([8.0]), w2)])
    np.testing.assert_allclose([w1[0], w2[0]], [-0.6, -0.8])
    w = np.zeros(1)
    optimizers.Adam(0.1, global_clipnorm=10.0).apply_gradients([(np.array([2.0]), w)])  # under the limit
    np.testing.assert_allclose(w, [-0.1], rtol=1e-6)


def test_clipping_arguments():
    with pytest.raises(ValueError, match="not both"):
        optimizers.SGD(0.1, clipnorm=1.0, global_clipnorm=1.0)
    with pytest.raises(ValueError, match="clipnorm"):
        optimizers.RMSprop(clipnorm=-1.0)
