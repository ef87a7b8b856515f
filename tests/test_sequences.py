"""``dlcore.utils.pad_sequences`` (dlcore/sequences.py): Keras' padding and cutting rules."""

import doctest

import numpy as np
import pytest

import dlcore.sequences
from dlcore.utils import pad_sequences

SEQS = [[1], [2, 3], [4, 5, 6]]


def test_docstring_examples():
    assert doctest.testmod(dlcore.sequences).failed == 0


@pytest.mark.parametrize("kw, expected", [
    ({}, [[0, 0, 1], [0, 2, 3], [4, 5, 6]]),
    ({"padding": "post"}, [[1, 0, 0], [2, 3, 0], [4, 5, 6]]),
    ({"value": -1}, [[-1, -1, 1], [-1, 2, 3], [4, 5, 6]]),
    ({"maxlen": 2}, [[0, 1], [2, 3], [5, 6]]),
    ({"maxlen": 2, "truncating": "post"}, [[0, 1], [2, 3], [4, 5]]),
    ({"maxlen": 4, "padding": "post", "truncating": "post"}, [[1, 0, 0, 0], [2, 3, 0, 0], [4, 5, 6, 0]]),
    ({"maxlen": 0}, [[], [], []]),
])
def test_padding_and_truncating(kw, expected):
    out = pad_sequences(SEQS, **kw)
    assert out.dtype == np.int32 and out.tolist() == expected


def test_empty_sequences_steps_with_a_shape_and_dtype():
    assert pad_sequences([[], [7]]).tolist() == [[0], [7]]
    out = pad_sequences([np.ones((2, 3)), np.ones((1, 3))], dtype="float64", value=0.5)
    assert out.shape == (2, 2, 3) and out[1, 0].tolist() == [0.5] * 3


@pytest.mark.parametrize("kw, sequences, message", [
    ({"padding": "middle"}, SEQS, "padding must be 'pre' or 'post'"),
    ({"truncating": "end"}, SEQS, "truncating must be 'pre' or 'post'"),
    ({"maxlen": -1}, SEQS, "maxlen must be a non-negative int"),
    ({}, [1, 2, 3], "a number where a sequence was expected"),
    ({}, [np.ones((2, 3)), np.ones((1, 4))], "has steps of shape (4,)"),
])
def test_bad_input_names_what_was_expected(kw, sequences, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        pad_sequences(sequences, **kw)


def test_matches_keras(keras):
    rng = np.random.default_rng(0)
    seqs = [rng.integers(1, 9, size=n).tolist() for n in (0, 3, 7, 5, 1)]
    for kw in ({}, {"maxlen": 4}, {"maxlen": 4, "padding": "post", "truncating": "post"}, {"value": 9, "maxlen": 8},
               {"dtype": "float32", "maxlen": 6, "truncating": "post"}):
        ours, theirs = pad_sequences(seqs, **kw), keras.utils.pad_sequences(seqs, **kw)
        assert ours.dtype == theirs.dtype and np.array_equal(ours, theirs), kw
