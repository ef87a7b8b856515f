"""Layers: one short class per file, each a forward/backward pair (see ``dlcore/layers/base.py``).

- ``Dense`` (dense.py): ``(n, ..., in)`` → ``(n, ..., units)``
- ``Activation`` (activation.py): any shape → the same shape
- ``Conv2D`` (conv.py, with im2col.py): ``(n, H, W, C)`` → ``(n, H', W', filters)``
- ``MaxPool2D``, ``AveragePooling2D`` (pooling.py): ``(n, H, W, C)`` → ``(n, H/p, W/p, C)``
- ``Flatten`` (flatten.py): ``(n, ...)`` → ``(n, prod)``
- ``Dropout`` (dropout.py): any shape → the same shape
- ``BatchNormalization``, ``LayerNormalization`` (normalization.py): the same shape
- ``Embedding`` (embedding.py): integer ``(n, T)`` → ``(n, T, dim)``
- ``SimpleRNN``, ``LSTM``, ``GRU`` (simple_rnn.py, lstm.py, gru.py): ``(n, T, F)`` → ``(n, units)`` or ``(n, T, units)``
- ``MultiHeadAttention`` (attention.py), ``TransformerBlock`` (transformer.py): ``(n, T, F)`` → ``(n, T, F)``
- ``GlobalAveragePooling1D`` (global_pooling.py): ``(n, T, F)`` → ``(n, F)``
- ``Add``, ``Concatenate`` (merge.py): a list of arrays → one array (functional models' skip connections)
"""

from .activation import Activation
from .attention import MultiHeadAttention, scaled_dot_product_attention
from .base import KerasTensor, Layer
from .conv import Conv2D
from .dense import Dense
from .dropout import Dropout
from .embedding import Embedding
from .flatten import Flatten
from .global_pooling import GlobalAveragePooling1D
from .gru import GRU
from .input import Input
from .lstm import LSTM
from .merge import Add, Concatenate
from .normalization import BatchNormalization, LayerNormalization
from .pooling import AveragePooling2D, AvgPool2D, MaxPool2D, MaxPooling2D
from .simple_rnn import SimpleRNN
from .transformer import TransformerBlock

__all__ = ["GRU", "LSTM", "Activation", "Add", "AveragePooling2D", "AvgPool2D", "BatchNormalization", "Concatenate",
           "Conv2D", "Dense", "Dropout", "Embedding", "Flatten", "GlobalAveragePooling1D", "Input", "KerasTensor",
           "Layer", "LayerNormalization",
           "MaxPool2D", "MaxPooling2D", "MultiHeadAttention", "SimpleRNN", "TransformerBlock",
           "scaled_dot_product_attention"]
