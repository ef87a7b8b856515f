import math
import os

import numpy as np
import pytest

import dlcore
from dlcore import initializers

CONV = (3, 3, 64, 96)  # fan_in 576, fan_out 864; 55 296 samples
DENSE = (500, 300)
TRUNCATED_STD = 0.87962566103423978  # std of a standard normal truncated to (-2, 2)

# name -> (std of the samples, bound on |w|) as functions of (fan_in, fan_out); Keras' formulas
VARIANCE_SCALING = {
    "glorot_uniform": (lambda i, o: math.sqrt(2 / (i + o)), lambda i, o: math.sqrt(6 / (i + o))),
    "glorot_normal": (lambda i, o: math.sqrt(2 / (i + o)), lambda i, o: 2 * math.sqrt(2 / (i + o)) / TRUNCATED_STD),
    "he_uniform": (lambda i, o: math.sqrt(2 / i), lambda i, o: math.sqrt(6 / i)),
    "he_normal": (lambda i, o: math.sqrt(2 / i), lambda i, o: 2 * math.sqrt(2 / i) / TRUNCATED_STD),
    "lecun_uniform": (lambda i, o: math.sqrt(1 / i), lambda i, o: math.sqrt(3 / i)),
    "lecun_normal": (lambda i, o: math.sqrt(1 / i), lambda i, o: 2 * math.sqrt(1 / i) / TRUNCATED_STD),
}


@pytest.fixture(scope="module")
def keras():
    os.environ.setdefault("KERAS_BACKEND", "torch")
    return pytest.importorskip("keras")


def _check_sample(w, std, bound=None):
    n = w.size
    assert abs(w.mean()) < 5 * std / math.sqrt(n)
    assert abs(w.std() / std - 1) < 0.02
    if bound is not None:
        assert np.abs(w).max() <= bound
        assert np.abs(w).max() > 0.97 * bound  # the distribution really reaches out to the bound


@pytest.mark.parametrize("shape", [DENSE, CONV])
@pytest.mark.parametrize("name", sorted(VARIANCE_SCALING))
def test_variance_scaling_statistics(name, shape):
    dlcore.set_seed(0)
    fan_in, fan_out = initializers.compute_fans(shape)
    std, bound = (f(fan_in, fan_out) for f in VARIANCE_SCALING[name])
    w = getattr(initializers, name)(shape, dtype=np.float64)
    assert w.shape == shape and w.dtype == np.float64
    _check_sample(w, std, bound)


@pytest.mark.parametrize("name", sorted(VARIANCE_SCALING))
def test_keras_draws_have_the_same_statistics(keras, name):
    theirs = keras.ops.convert_to_numpy(keras.initializers.get(name)(DENSE))
    ours = initializers.get(name)(DENSE)
    assert abs(ours.std() / theirs.std() - 1) < 0.03
    # not the maximum: Keras' torch backend keeps an out-of-range draw when 4 tries in a row miss
    assert abs(np.quantile(np.abs(ours), 0.999) / np.quantile(np.abs(theirs), 0.999) - 1) < 0.03


def test_fixed_scale_initializers_have_keras_defaults():
    dlcore.set_seed(1)
    _check_sample(initializers.random_normal((400, 500), dtype=np.float64), 0.05)
    _check_sample(initializers.random_uniform((400, 500), dtype=np.float64), 0.05 / math.sqrt(3), 0.05)
    _check_sample(initializers.truncated_normal((400, 500), dtype=np.float64), 0.05 * TRUNCATED_STD, 0.1)
    w = initializers.RandomNormal(mean=3.0, stddev=2.0)((200, 500))
    assert abs(w.mean() - 3.0) < 0.02 and abs(w.std() - 2.0) < 0.02


def test_truncated_normal_has_the_keras_correction_factor():
    z = initializers.distributions.truncated_standard_normal((1_000_000,), np.random.default_rng(0))
    assert np.abs(z).max() < 2
    assert abs(z.std() - initializers.distributions.TRUNCATED_STD) < 2e-3


def test_compute_fans_follows_keras(keras):
    from keras.src.initializers.random_initializers import compute_fans

    for shape in [(), (7,), (5, 3), (3, 3, 16, 32), (2, 3, 4, 5, 6)]:
        assert initializers.compute_fans(shape) == compute_fans(shape)


def test_constants():
    assert initializers.zeros((2, 3)).tolist() == [[0.0] * 3] * 2
    assert initializers.ones((2,)).dtype == np.float32
    assert np.all(initializers.get("ones")((4,)) == 1)
    assert np.all(initializers.Constant(0.5)((3, 2), dtype=np.float64) == 0.5)


def test_orthogonal_columns_are_orthonormal():
    for shape in [(50, 20), (20, 50), (4, 5, 20)]:
        q = initializers.Orthogonal(gain=2.0)(shape, dtype=np.float64).reshape(-1, shape[-1])
        small = q.T @ q if q.shape[0] >= q.shape[1] else q @ q.T
        np.testing.assert_allclose(small, 4 * np.eye(min(q.shape)), atol=1e-12)


def test_set_seed_fixes_the_draws():
    dlcore.set_seed(5)
    a = initializers.he_normal((30, 40))
    b = initializers.HeNormal()((30, 40))
    dlcore.set_seed(5)
    assert np.array_equal(initializers.he_normal((30, 40)), a)
    assert np.array_equal(initializers.get("HeNormal")((30, 40)), b)
    assert not np.array_equal(a, b)  # seed=None: consecutive calls continue the shared generator


def test_an_integer_seed_repeats_like_keras():
    init = initializers.GlorotNormal(seed=3)
    assert np.array_equal(init((10, 10)), init((10, 10)))
    assert not np.array_equal(init((10, 10)), initializers.GlorotNormal(seed=4)((10, 10)))
    with pytest.raises(ValueError, match="seed"):
        initializers.HeUniform(seed=-1)


def test_get_accepts_keras_names_classes_and_callables():
    for name in ["he_normal", "HeNormal", "glorot_uniform", "GlorotUniform", "lecun_normal", "normal", "uniform",
                 "zeros", "zero", "one", "orthogonal", "truncated_normal", "random_uniform", "variance_scaling"]:
        assert initializers.get(name)((4, 3)).shape == (4, 3), name
    assert isinstance(initializers.get("he_uniform"), initializers.HeUniform)
    assert isinstance(initializers.get(initializers.LecunUniform), initializers.LecunUniform)
    assert initializers.get(initializers.he_normal) is initializers.he_normal
    with pytest.raises(ValueError, match="he_normal"):
        initializers.get("he_norml")


def test_bad_arguments_name_what_was_expected():
    with pytest.raises(ValueError, match="shape must be a tuple"):
        initializers.he_normal(784)
    with pytest.raises(ValueError, match="mode"):
        initializers.VarianceScaling(mode="fan_sum")
    with pytest.raises(ValueError, match="distribution"):
        initializers.VarianceScaling(distribution="normal")
    with pytest.raises(ValueError, match="minval"):
        initializers.RandomUniform(minval=1.0, maxval=0.0)
