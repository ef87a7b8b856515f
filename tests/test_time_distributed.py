"""Tests of ``TimeDistributed``: shared weights over steps, gradients, Keras' outputs, shapes."""

import numpy as np
import pytest
from keras_reference import assert_close_to_keras, keras_layer_output

from dlcore.gradcheck import check_layer
from dlcore.layers import Conv2D, Dense, TimeDistributed


@pytest.mark.parametrize("make, shape", [(lambda: Dense(3, activation="tanh"), (2, 4, 5)),
                                         (lambda: Conv2D(2, 2, activation="sigmoid"), (2, 3, 4, 4, 1))])
def test_gradients_and_keras(keras, make, shape):
    rng = np.random.default_rng(0)
    layer, x = TimeDistributed(make()), rng.standard_normal(shape)
    layer.forward(x)
    layer.params["bias"] = rng.standard_normal(layer.params["bias"].shape)
    assert max(check_layer(layer, x).values()) < 1e-7
    inner = layer.layer
    ref_inner = (keras.layers.Dense(inner.units, activation="tanh") if isinstance(inner, Dense)
                 else keras.layers.Conv2D(inner.filters, inner.kernel_size, activation="sigmoid"))
    theirs = keras_layer_output(keras, keras.layers.TimeDistributed(ref_inner), x,
                                [layer.params["kernel"], layer.params["bias"]])
    # Keras' float64 on the torch backend agrees to ~1e-7 here (measured 1e-7), see keras_ref
    assert_close_to_keras(f"TimeDistributed({type(inner).__name__})", layer.forward(x), theirs, atol=1e-6)
    assert layer.compute_output_shape((None, *shape[1:])) == (None, *theirs.shape[1:])


def test_params_are_the_inner_layers_and_errors():
    dense = Dense(2)
    layer = TimeDistributed(dense)
    layer.forward(np.ones((1, 3, 4)))
    assert layer.params is dense.params and layer.count_params() == 10
    with pytest.raises(ValueError, match=r"\(1, 4\)"):
        layer.forward(np.ones((1, 4)))
    with pytest.raises(ValueError, match="wraps a dlcore layer"):
        TimeDistributed("dense")
