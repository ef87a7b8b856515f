"""Layers: one short class per file, each a forward/backward pair (see ``dlcore/layers/base.py``).

- ``Dense`` (dense.py): ``(n, ..., in)`` → ``(n, ..., units)``
- ``Activation`` (activation.py): any shape → the same shape
- ``Conv2D`` (conv.py, with im2col.py): ``(n, H, W, C)`` → ``(n, H', W', filters)``
- ``MaxPool2D``, ``AveragePooling2D`` (pooling.py): ``(n, H, W, C)`` → ``(n, H/p, W/p, C)``
- ``Flatten`` (flatten.py): ``(n, ...)`` → ``(n, prod)``
- ``Dropout`` (dropout.py): any shape → the same shape
- ``BatchNormalization``, ``LayerNormalization`` (normalization.py): the same shape
- ``Embedding`` (embedding.py): integer ``(n, T)`` → ``(n, T, dim)``
- ``Masking`` (masking.py): ``(n, T, F)`` → the same; marks all-``mask_value`` steps as padding
- ``SimpleRNN``, ``LSTM``, ``GRU`` (simple_rnn.py, lstm.py, gru.py): ``(n, T, F)`` → ``(n, units)`` or ``(n, T, units)``
- ``MultiHeadAttention`` (attention.py), ``TransformerBlock`` (transformer.py): ``(n, T, F)`` → ``(n, T, F)``
- ``Add``, ``Concatenate`` (merge.py): a list of arrays → one array (functional models' skip connections)
- ``GlobalAveragePooling1D/2D``, ``GlobalMaxPooling1D/2D`` (global_pooling.py): ``(n, ..., F)`` → ``(n, F)``
- ``Conv1D`` (conv1d.py): ``(n, T, C)`` → ``(n, T', filters)``; ``MaxPooling1D``, ``AveragePooling1D`` (pooling1d.py)
- ``Conv2DTranspose`` (conv_transpose.py): ``(n, H, W, C)`` → ``(n, H * s, W * s, filters)``
- ``UpSampling2D`` (upsampling.py), ``ZeroPadding2D`` (zero_padding.py): larger images
- ``Reshape``, ``RepeatVector`` (reshape.py); ``LeakyReLU`` (leaky_relu.py); ``ReLU`` (relu.py);
  ``Rescaling`` (rescaling.py)
- ``Normalization`` (feature_normalization.py): standardise with statistics from ``adapt(data)``
- ``TimeDistributed`` (time_distributed.py), ``Bidirectional`` (bidirectional.py): wrappers
"""

from .activation import Activation
from .attention import MultiHeadAttention, scaled_dot_product_attention
from .base import KerasTensor, Layer
from .bidirectional import Bidirectional
from .conv import Conv2D
from .conv1d import Conv1D
from .conv_transpose import Conv2DTranspose
from .dense import Dense
from .dropout import Dropout
from .embedding import Embedding
from .feature_normalization import Normalization
from .flatten import Flatten
from .global_pooling import GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalMaxPooling1D, GlobalMaxPooling2D
from .gru import GRU
from .input import Input
from .leaky_relu import LeakyReLU
from .lstm import LSTM
from .masking import Masking
from .merge import Add, Concatenate
from .normalization import BatchNormalization, LayerNormalization
from .pooling import AveragePooling2D, AvgPool2D, MaxPool2D, MaxPooling2D
from .pooling1d import AveragePooling1D, AvgPool1D, MaxPool1D, MaxPooling1D
from .relu import ReLU
from .rescaling import Rescaling
from .reshape import RepeatVector, Reshape
from .simple_rnn import SimpleRNN
from .time_distributed import TimeDistributed
from .transformer import TransformerBlock
from .upsampling import UpSampling2D
from .zero_padding import ZeroPadding2D

GlobalAvgPool1D, GlobalAvgPool2D = GlobalAveragePooling1D, GlobalAveragePooling2D  # Keras' aliases
GlobalMaxPool1D, GlobalMaxPool2D = GlobalMaxPooling1D, GlobalMaxPooling2D

__all__ = ["GRU", "LSTM", "Activation", "Add", "Concatenate", "KerasTensor",
           "AveragePooling1D", "AveragePooling2D", "AvgPool1D", "AvgPool2D",
           "BatchNormalization", "Bidirectional", "Conv1D", "Conv2D", "Conv2DTranspose", "Dense", "Dropout",
           "Embedding", "Flatten", "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalAvgPool1D",
           "GlobalAvgPool2D", "GlobalMaxPool1D", "GlobalMaxPool2D", "GlobalMaxPooling1D", "GlobalMaxPooling2D",
           "Input", "Layer", "LayerNormalization", "LeakyReLU", "Masking", "MaxPool1D", "MaxPool2D", "MaxPooling1D",
           "MaxPooling2D", "MultiHeadAttention", "Normalization", "ReLU", "RepeatVector", "Rescaling", "Reshape",
           "SimpleRNN", "TimeDistributed", "TransformerBlock", "UpSampling2D", "ZeroPadding2D",
           "scaled_dot_product_attention"]
