"""``pad_sequences``: lists of different lengths → one array, as ``keras.utils.pad_sequences``.

A batch must be a rectangle, so sequences (word ids of sentences, say) are padded with ``value``
(0: the id ``Embedding(mask_zero=True)`` treats as padding) or cut to one length. Keras pads and cuts
at the *start* by default ("pre"), which keeps each sequence's last steps next to the output of a
recurrent layer that returns its final state.
"""

from __future__ import annotations

import numpy as np

__all__ = ["pad_sequences"]


def pad_sequences(sequences, maxlen: int | None = None, dtype="int32", padding: str = "pre",
                  truncating: str = "pre", value=0.0) -> np.ndarray:
    """Pad (or cut) every sequence to ``maxlen`` steps: ``(num_samples, maxlen, *step_shape)``.

    Parameters
    ----------
    sequences : list of sequences
        Each a list or array of steps (numbers, or arrays of one shape).
    maxlen : int, optional
        Output length; the longest sequence's length when omitted.
    dtype : numpy dtype
        Of the result (Keras' default ``"int32"``, for word ids).
    padding, truncating : {"pre", "post"}
        Pad / cut at the start ("pre", Keras' default) or at the end ("post").
    value : number
        The padding value.

    Returns
    -------
    np.ndarray
        Shape ``(len(sequences), maxlen)`` (plus the steps' own shape).

    Examples
    --------
    >>> pad_sequences([[1], [2, 3], [4, 5, 6]]).tolist()
    [[0, 0, 1], [0, 2, 3], [4, 5, 6]]
    >>> pad_sequences([[1], [2, 3], [4, 5, 6]], maxlen=2, padding="post").tolist()
    [[1, 0], [2, 3], [5, 6]]
    """
    for name, where in (("padding", padding), ("truncating", truncating)):
        if where not in ("pre", "post"):
            raise ValueError(f"pad_sequences: {name} must be 'pre' or 'post', got {where!r}")
    try:
        arrays = [np.asarray(s) for s in sequences]
    except TypeError as error:
        raise ValueError("pad_sequences: sequences must be a list of sequences (lists or arrays of steps)") from error
    if any(a.ndim == 0 for a in arrays):
        raise ValueError("pad_sequences: sequences must be a list of sequences (lists or arrays of steps), "
                         "got a number where a sequence was expected")
    if maxlen is None:
        maxlen = max((len(a) for a in arrays), default=0)
    elif isinstance(maxlen, bool) or not isinstance(maxlen, (int, np.integer)) or maxlen < 0:
        raise ValueError(f"pad_sequences: maxlen must be a non-negative int or None, got {maxlen!r}")
    step_shape = next((a.shape[1:] for a in arrays if len(a)), ())
    out = np.full((len(arrays), maxlen, *step_shape), value, dtype=dtype)
    for row, a in enumerate(arrays):
        if not len(a) or maxlen == 0:
            continue
        if a.shape[1:] != step_shape:
            raise ValueError(f"pad_sequences: sequence {row} has steps of shape {a.shape[1:]}, "
                             f"the others {step_shape}")
        kept = a[-maxlen:] if truncating == "pre" else a[:maxlen]
        if padding == "pre":
            out[row, maxlen - len(kept):] = kept
        else:
            out[row, :len(kept)] = kept
    return out
