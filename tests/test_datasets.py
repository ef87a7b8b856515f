"""Tests for dlcore.datasets: shapes, geometry, determinism, learnability, argument checks, package data."""

import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

from dlcore import datasets
from dlcore.random import set_seed

GENERATORS = {  # name -> call with a seed
    "moons": lambda seed: datasets.make_moons(100, seed=seed),
    "circles": lambda seed: datasets.make_circles(100, seed=seed),
    "spirals": lambda seed: datasets.make_spirals(90, seed=seed),
    "sine": lambda seed: datasets.sine_sequences(20, 7, seed=seed),
    "adding": lambda seed: datasets.adding_problem(20, 8, seed=seed),
}


def softmax_regression_accuracy(X, y, epochs=500, lr=1.0):
    """Training accuracy of a linear softmax classifier fitted by full-batch gradient descent."""
    k = y.max() + 1
    W, b, Y = np.zeros((X.shape[1], k)), np.zeros(k), np.eye(k)[y]
    for _ in range(epochs):
        s = X @ W + b
        p = np.exp(s - s.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        d = (p - Y) / len(X)
        W -= lr * X.T @ d
        b -= lr * d.sum(axis=0)
    return np.mean((X @ W + b).argmax(axis=1) == y)


def two_layer_relu_accuracy(Xtr, ytr, Xte, yte, seed, hidden=64, lr=1.0, epochs=3000):
    """Held-out accuracy of the course's 2-layer ReLU net (He init, full-batch GD on softmax cross-entropy)."""
    rng = np.random.default_rng(seed)
    k = ytr.max() + 1
    W1, b1 = rng.standard_normal((2, hidden)) * np.sqrt(2 / 2), np.zeros(hidden)
    W2, b2 = rng.standard_normal((hidden, k)) * np.sqrt(2 / hidden), np.zeros(k)
    Y = np.eye(k)[ytr]
    for _ in range(epochs):
        z = Xtr @ W1 + b1
        h = np.maximum(z, 0)
        s = h @ W2 + b2
        p = np.exp(s - s.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        d = (p - Y) / len(Xtr)
        dz = (d @ W2.T) * (z > 0)
        W2 -= lr * h.T @ d
        b2 -= lr * d.sum(axis=0)
        W1 -= lr * Xtr.T @ dz
        b1 -= lr * dz.sum(axis=0)
    return np.mean((np.maximum(Xte @ W1 + b1, 0) @ W2 + b2).argmax(axis=1) == yte)


def test_xor():
    X, y = datasets.xor()
    assert X.shape == (4, 2) and y.shape == (4, 1) and X.dtype == y.dtype == np.float64
    np.testing.assert_array_equal(y[:, 0], np.logical_xor(X[:, 0], X[:, 1]))
    assert datasets.xor(dtype=np.float32)[0].dtype == np.float32


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_same_seed_same_data_other_seed_other_data(name):
    a, b, c = GENERATORS[name](3), GENERATORS[name](3), GENERATORS[name](4)
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v)
    assert not np.array_equal(a[0], c[0])


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_seed_none_follows_set_seed(name):
    set_seed(11)
    a = GENERATORS[name](None)
    set_seed(11)
    b = GENERATORS[name](None)
    np.testing.assert_array_equal(a[0], b[0])


@pytest.mark.parametrize("n", [1, 7, 200])
def test_moons_shapes_balance_and_geometry(n):
    X, y = datasets.make_moons(n, noise=0.0, seed=0)
    assert X.shape == (n, 2) and y.shape == (n,) and X.dtype == np.float64 and y.dtype == np.int64
    assert np.sum(y == 0) == n // 2 and np.sum(y == 1) == n - n // 2
    upper, lower = X[y == 0], X[y == 1]
    np.testing.assert_allclose(np.hypot(upper[:, 0], upper[:, 1]), 1.0)
    assert np.all(upper[:, 1] >= -1e-12)
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1, lower[:, 1] - 0.5), 1.0)
    assert np.all(lower[:, 1] <= 0.5 + 1e-12)


def test_moons_noise_scale_and_shuffled():
    X0, y0 = datasets.make_moons(2000, noise=0.0, seed=1)
    X1, y1 = datasets.make_moons(2000, noise=0.1, seed=1)
    np.testing.assert_array_equal(y0, y1)  # same shuffle, so the noise is the only difference
    assert np.std(X1 - X0) == pytest.approx(0.1, rel=0.05)
    assert 0 < np.mean(y1[:1000]) < 1  # not sorted by class


@pytest.mark.parametrize("factor", [0.0, 0.3, 0.8])
def test_circles_geometry(factor):
    X, y = datasets.make_circles(101, noise=0.0, factor=factor, seed=0)
    assert X.shape == (101, 2) and np.sum(y == 0) == 50 and np.sum(y == 1) == 51
    np.testing.assert_allclose(np.hypot(*X[y == 0].T), 1.0)
    np.testing.assert_allclose(np.hypot(*X[y == 1].T), factor, atol=1e-12)


def test_spirals_shapes_classes_and_geometry():
    X, y = datasets.make_spirals(600, seed=0)
    assert X.shape == (600, 2) and y.dtype == np.int64
    np.testing.assert_array_equal(np.bincount(y), [200, 200, 200])
    assert np.abs(X).max() <= 1.0 + 1e-12
    X, y = datasets.make_spirals(31, n_classes=4, noise=0.0, seed=0)
    np.testing.assert_array_equal(np.bincount(y), [8, 8, 8, 7])
    r = np.hypot(X[:, 0], X[:, 1])
    angle = np.arctan2(X[:, 0], X[:, 1])  # x = r sin(angle), y = r cos(angle)
    expected = 4.0 * y + 4.0 * r
    ok = r < 1e-12
    ok |= np.isclose(np.angle(np.exp(1j * (angle - expected))), 0.0, atol=1e-9)
    assert ok.all()


def test_spirals_are_not_linearly_separable():
    for seed in range(3):
        X, y = datasets.make_spirals(600, seed=seed)
        assert softmax_regression_accuracy(X, y) < 0.6


@pytest.mark.parametrize("seed", [0, 1])
def test_spirals_course_network_reaches_95_percent(seed):
    X, y = datasets.make_spirals(600, seed=seed)
    acc = two_layer_relu_accuracy(X[:480], y[:480], X[480:], y[480:], seed=100 + seed)
    assert acc >= 0.95


def test_sine_sequences_shapes_and_baselines():
    X, y = datasets.sine_sequences(3000, 20, noise=0.05, seed=0)
    assert X.shape == (3000, 20, 1) and y.shape == (3000, 1) and X.dtype == y.dtype == np.float64
    assert np.mean(y ** 2) == pytest.approx(0.5, abs=0.03)  # predicting the mean, 0
    assert np.mean((X[:, -1] - y) ** 2) == pytest.approx(0.085 + 0.05 ** 2, abs=0.01)  # repeating the last input
    # learnable: least squares on the last 4 inputs (fitted on half, scored on the other half) beats both
    A = np.c_[X[:, -4:, 0], np.ones(3000)]
    coef = np.linalg.lstsq(A[:1500], y[:1500], rcond=None)[0]
    assert np.mean((A[1500:] @ coef - y[1500:]) ** 2) < 0.02
    clean, _ = datasets.sine_sequences(5, 9, noise=0.0, seed=1)
    assert np.abs(clean).max() <= 1.0


def test_adding_problem_structure_and_baseline():
    X, y = datasets.adding_problem(4000, 50, seed=0)
    assert X.shape == (4000, 50, 2) and y.shape == (4000, 1)
    values, markers = X[..., 0], X[..., 1]
    assert values.min() >= 0 and values.max() <= 1
    assert set(np.unique(markers)) == {0.0, 1.0}
    np.testing.assert_array_equal(markers[:, :25].sum(axis=1), 1)
    np.testing.assert_array_equal(markers[:, 25:].sum(axis=1), 1)
    np.testing.assert_allclose(y[:, 0], (values * markers).sum(axis=1))
    assert np.mean((y - 1.0) ** 2) == pytest.approx(1 / 6, abs=0.01)
    X, y = datasets.adding_problem(3, 2, seed=1)
    np.testing.assert_array_equal(X[..., 1], 1.0)


@pytest.mark.parametrize("call, match", [
    (lambda: datasets.make_moons(0), "n_samples"),
    (lambda: datasets.make_moons(2.5), "n_samples"),
    (lambda: datasets.make_moons(True), "n_samples"),
    (lambda: datasets.make_moons(10, noise=-0.1), "noise"),
    (lambda: datasets.make_moons(10, noise=float("nan")), "noise"),
    (lambda: datasets.make_moons(10, seed=-1), "seed"),
    (lambda: datasets.make_moons(10, seed="a"), "seed"),
    (lambda: datasets.make_circles(10, factor=1.0), "factor"),
    (lambda: datasets.make_circles(10, noise=-1), "noise"),
    (lambda: datasets.make_spirals(10, n_classes=1), "n_classes"),
    (lambda: datasets.make_spirals(2, n_classes=3), "n_samples"),
    (lambda: datasets.make_spirals(30, noise=-0.2), "noise"),
    (lambda: datasets.sine_sequences(0), "n_samples"),
    (lambda: datasets.sine_sequences(5, length=0), "length"),
    (lambda: datasets.sine_sequences(5, noise=-1), "noise"),
    (lambda: datasets.adding_problem(5, length=1), "length"),
    (lambda: datasets.adding_problem(-3), "n_samples"),
    (lambda: datasets.load_text("hamlet"), "aesop"),
    (lambda: datasets.char_vocab(""), "non-empty"),
])
def test_bad_arguments_raise_value_error(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_load_text_and_char_vocab():
    text = datasets.load_text()
    assert text == datasets.load_text("aesop")
    assert 5000 < len(text) < 10000 and text.isascii() and "\r" not in text
    assert text.startswith("The Wolf and the Lamb\n\n")
    assert "Slow but steady wins the race." in text
    chars, char_to_id = datasets.char_vocab(text)
    assert chars == sorted(set(text)) and len(chars) == len(char_to_id)
    ids = [char_to_id[c] for c in text]
    assert "".join(chars[i] for i in ids) == text
    assert datasets.char_vocab("abca") == (["a", "b", "c"], {"a": 0, "b": 1, "c": 2})


def test_load_digits():
    X, y = datasets.load_digits()
    assert X.shape == (1797, 8, 8) and X.dtype == np.float64 and y.shape == (1797,) and y.dtype == np.int64
    assert X.min() == 0 and X.max() == 16 and np.all(X == np.round(X))
    counts = np.bincount(y)
    assert len(counts) == 10 and counts.min() >= 170 and counts.sum() == 1797
    assert y[0] == 0 and X[0, 0, 2] == 5 and X[0, 1, 2] == 13  # the well-known first image, a zero
    flat, y2 = datasets.load_digits(dtype=np.float32, return_images=False)
    assert flat.shape == (1797, 64) and flat.dtype == np.float32
    np.testing.assert_array_equal(flat.reshape(-1, 8, 8), X)
    X[:] = -1  # the caller's copy must not change what the next call returns
    y[:] = -1
    X3, y3 = datasets.load_digits()
    assert X3.min() == 0 and y3.min() == 0


def test_data_load_from_a_zipped_package(tmp_path):
    """importlib.resources, not __file__ paths: the data also load when dlcore is not a plain directory."""
    root = Path(datasets.__file__).resolve().parents[1]
    archive = tmp_path / "dlcore.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for path in root.rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                z.write(path, path.relative_to(root.parent))
    code = ("import sys; sys.path.insert(0, sys.argv[1]); import dlcore.datasets as d; "
            "assert d.__file__.startswith(sys.argv[1]), d.__file__; "
            "print(d.load_digits()[0].shape, len(d.load_text()) > 5000)")
    out = subprocess.run([sys.executable, "-c", code, str(archive)], capture_output=True, text=True, timeout=60,
                         cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "(1797, 8, 8) True"
