"""Tests for ``dlcore.layers.embedding.Embedding``: lookup, gradient accumulation, dtypes, id validation."""

import numpy as np
import pytest

from dlcore.gradcheck import check_layer, numerical_gradient, rel_error
from dlcore.initializers import RandomUniform
from dlcore.layers.embedding import Embedding
from dlcore.random import set_seed
from dlcore.regularizers import L1L2


@pytest.fixture(autouse=True)
def _seed():
    set_seed(0)


def test_lookup_and_shapes():
    layer = Embedding(10, 4)
    ids = np.array([[1, 2, 2, 9], [0, 0, 5, 3]])
    out = layer.forward(ids)
    assert out.shape == (2, 4, 4) and out.dtype == np.float32
    table = layer.params["embeddings"]
    assert table.shape == (10, 4) and table.dtype == np.float32
    assert np.abs(table).max() <= 0.05 and np.abs(table).max() > 0.01  # Keras' uniform(-0.05, 0.05)
    for b in range(2):
        for t in range(4):
            np.testing.assert_array_equal(out[b, t], table[ids[b, t]])
    assert layer.compute_output_shape((None, 4)) == (None, 4, 4)
    assert layer.count_params() == 40


def test_build_before_data_and_declared_input_shape():
    layer = Embedding(7, 3, input_shape=(5,), name="emb")
    layer.build((None, 5))  # what Sequential.summary() does
    assert layer.params["embeddings"].shape == (7, 3) and layer.count_params() == 21
    assert layer.forward(np.zeros((2, 5), dtype=int)).shape == (2, 5, 3)
    with pytest.raises(ValueError, match=r"emb.*\(2, 6\)"):
        layer.forward(np.zeros((2, 6), dtype=int))


def test_gradient_matches_numerical_with_repeated_ids():
    layer = Embedding(6, 3, dtype=np.float64)
    ids = np.array([[1, 4, 1, 1], [4, 0, 5, 1]])
    errors = check_layer(layer, ids, wrt_input=False)
    assert set(errors) == {"embeddings"} and errors["embeddings"] < 1e-6


def test_repeated_ids_accumulate_and_unused_rows_get_zero():
    layer = Embedding(5, 2, dtype=np.float64)
    ids = np.array([[3, 3, 1], [3, 0, 1]])
    layer.forward(ids)
    dout = np.arange(12, dtype=np.float64).reshape(2, 3, 2)
    assert layer.backward(dout) is None  # no gradient for integer ids
    g = layer.grads["embeddings"]
    np.testing.assert_array_equal(g[3], dout[0, 0] + dout[0, 1] + dout[1, 0])
    np.testing.assert_array_equal(g[1], dout[0, 2] + dout[1, 2])
    np.testing.assert_array_equal(g[0], dout[1, 1])
    np.testing.assert_array_equal(g[2], 0.0)
    np.testing.assert_array_equal(g[4], 0.0)


def test_backward_leaves_dout_untouched_and_checks_its_shape():
    layer = Embedding(5, 2, name="emb")
    layer.forward(np.array([[1, 2, 1]]))
    dout = np.ones((1, 3, 2), dtype=np.float32)
    layer.backward(dout)
    np.testing.assert_array_equal(dout, 1.0)
    with pytest.raises(ValueError, match=r"emb.*\(1, 3, 3\).*\(1, 3, 2\)"):
        layer.backward(np.ones((1, 3, 3)))


@pytest.mark.parametrize("bad, value", [(10, "10"), (-1, "-1"), (12, "12")])
def test_out_of_range_ids_raise_naming_layer_value_and_range(bad, value):
    layer = Embedding(10, 2, name="words")
    with pytest.raises(ValueError, match=rf"words.*id {value}\b.*\[0, 10\)"):
        layer.forward(np.array([[0, 3, bad]]))


def test_non_integer_ids_raise_but_whole_floats_are_accepted():
    layer = Embedding(10, 2, name="words")
    with pytest.raises(ValueError, match=r"words.*2\.5.*\[0, 10\)"):
        layer.forward(np.array([[1.0, 2.5]]))
    with pytest.raises(ValueError, match=r"words.*nan"):
        layer.forward(np.array([[1.0, np.nan]]))
    with pytest.raises(ValueError, match=r"words.*integers"):
        layer.forward(np.array([["a", "b"]]))
    np.testing.assert_array_equal(layer.forward(np.array([[1.0, 2.0]])), layer.forward(np.array([[1, 2]])))


def test_dtype_argument_and_invalid_arguments():
    assert Embedding(4, 2, dtype=np.float64).forward(np.array([[1]])).dtype == np.float64
    with pytest.raises(ValueError, match="input_dim"):
        Embedding(0, 2)
    with pytest.raises(ValueError, match="output_dim"):
        Embedding(4, 2.5)
    with pytest.raises(ValueError, match="dtype"):
        Embedding(4, 2, dtype=np.int32)


def test_replacing_the_table_takes_effect_and_forward_is_deterministic():
    layer = Embedding(4, 2)
    ids = np.array([[0, 3]])
    first = layer.forward(ids)
    np.testing.assert_array_equal(first, layer.forward(ids, training=True))
    layer.params["embeddings"] = np.arange(8, dtype=np.float32).reshape(4, 2)
    np.testing.assert_array_equal(layer.forward(ids), [[[0, 1], [6, 7]]])


def test_variable_length_declared_input_shape():
    layer = Embedding(5, 2, input_shape=(None,), name="emb")
    assert layer.compute_output_shape((None, None)) == (None, None, 2)
    assert layer.forward(np.zeros((1, 3), dtype=int)).shape == (1, 3, 2)
    assert layer.forward(np.zeros((2, 8), dtype=int)).shape == (2, 8, 2)
    with pytest.raises(ValueError, match=r"emb.*\(2, 8, 1\)"):
        layer.forward(np.zeros((2, 8, 1), dtype=int))


def test_mask_zero_computes_the_padding_mask(keras):
    from keras_reference import assert_close_to_keras, keras_layer_output
    ids = np.array([[5, 2, 0, 0], [1, 0, 3, 0]])
    layer = Embedding(6, 3, mask_zero=True, dtype=np.float64)
    out = layer.forward(ids)
    np.testing.assert_array_equal(layer.output_mask, ids != 0)
    np.testing.assert_array_equal(layer.compute_mask(ids), ids != 0)
    assert Embedding(6, 3).compute_mask(ids) is None
    ref = keras.layers.Embedding(6, 3, mask_zero=True)
    assert_close_to_keras("Embedding mask_zero", out, keras_layer_output(keras, ref, ids, [layer.params["embeddings"]]))
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(ref.compute_mask(ids)), layer.output_mask)


def test_embeddings_initializer_as_keras():
    np.testing.assert_array_equal(Embedding(4, 3, embeddings_initializer="ones").forward(np.array([[1, 2]])), 1.0)
    table = Embedding(50, 8, embeddings_initializer="he_normal", dtype=np.float64)
    table.build((None, 3))
    w = table.params["embeddings"]
    assert w.dtype == np.float64 and np.abs(w).max() > 0.05  # not the default uniform(-0.05, 0.05)
    assert w.std() == pytest.approx(np.sqrt(2 / 50), rel=0.15)  # He: std sqrt(2 / fan_in), fan_in = input_dim
    same = [Embedding(5, 2, embeddings_initializer=RandomUniform(seed=3)) for _ in range(2)]
    for layer in same:
        layer.build((None, 1))
    np.testing.assert_array_equal(same[0].params["embeddings"], same[1].params["embeddings"])
    with pytest.raises(ValueError, match="initializer"):
        Embedding(4, 2, embeddings_initializer="no_such_init")


def test_embeddings_regularizer_penalises_the_whole_table():
    """The penalty covers every row, so rows of ids absent from the batch get its gradient too (as Keras)."""
    layer = Embedding(6, 3, embeddings_regularizer=L1L2(l1=0.01, l2=0.2), dtype=np.float64)
    ids = np.array([[1, 4, 1], [4, 0, 1]])
    r = np.random.default_rng(1).standard_normal((2, 3, 3))
    layer.forward(ids)
    table = layer.params["embeddings"]
    assert layer.regularization_loss() == pytest.approx(0.01 * np.abs(table).sum() + 0.2 * (table**2).sum())
    layer.backward(r)
    np.testing.assert_allclose(layer.grads["embeddings"][5], 0.01 * np.sign(table[5]) + 0.4 * table[5])

    def loss():
        return float(np.sum(layer.forward(ids) * r)) + layer.regularization_loss()

    assert rel_error(layer.grads["embeddings"], numerical_gradient(loss, table)) < 1e-6
    assert Embedding(3, 2).regularization_loss() == 0.0
