"""Sequence tasks for recurrent networks, shaped ``(batch, time, features)`` like Keras' RNN inputs.

- :func:`sine_sequences`: predict the next value of a noisy sine wave (short memory; any RNN learns it).
- :func:`adding_problem`: add the two marked numbers of a long sequence (Hochreiter & Schmidhuber, 1997).

The adding problem needs memory over half the sequence: for ``length=50`` a ``SimpleRNN`` stays at the
baseline of always predicting the mean (vanishing gradients) while an ``LSTM`` learns it. Measured with
``Sequential([SimpleRNN(32) or LSTM(32), Dense(1)])``, MSE, Adam(1e-2), batch 32, 2000 training and 500
validation sequences, 10 epochs: validation MSE 0.15-0.16 (the baseline) for the SimpleRNN at every epoch,
0.01-0.02 for the LSTM from epoch 9 (about 6 s on one core). Each docstring gives the baseline to beat.
"""

from __future__ import annotations

import numpy as np

from .synthetic import _check_count, _check_noise, _rng


def sine_sequences(n_samples: int = 1000, length: int = 20, noise: float = 0.05,
                   seed: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Noisy sine waves; the target is the next, noise-free value.

    Sequence ``i`` is ``x_t = sin(w_i t + phi_i) + noise * N(0, 1)`` for ``t = 0 .. length - 1``,
    with frequency ``w_i`` uniform in ``[0.2, 0.6]`` radians per step (periods of 10 to 31 steps)
    and phase ``phi_i`` uniform in ``[0, 2 pi)``; the target is ``sin(w_i * length + phi_i)``.

    Baselines (mean squared error): predicting the mean, 0, gives about 0.5; repeating the last
    input gives about ``0.085 + noise**2``. A small RNN trained with MSE gets well below both.

    Parameters
    ----------
    n_samples : int
        Number of sequences (>= 1).
    length : int
        Time steps per sequence (>= 1).
    noise : float
        Standard deviation of the noise on the inputs (>= 0).
    seed : int, optional
        Fixes frequencies, phases and noise.

    Returns
    -------
    X : ndarray of float64, shape (n_samples, length, 1)
    y : ndarray of float64, shape (n_samples, 1)
    """
    n = _check_count("sine_sequences: n_samples", n_samples)
    T = _check_count("sine_sequences: length", length)
    noise = _check_noise(noise, "sine_sequences: noise")
    rng = _rng(seed)
    w = rng.uniform(0.2, 0.6, size=(n, 1))
    phi = rng.uniform(0.0, 2 * np.pi, size=(n, 1))
    t = np.arange(T)
    X = np.sin(w * t + phi) + noise * rng.standard_normal((n, T))
    y = np.sin(w * T + phi)
    return X[:, :, None], y


def adding_problem(n_samples: int = 1000, length: int = 50,
                   seed: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The adding problem: output the sum of the two marked numbers in a sequence.

    Channel 0 holds numbers uniform in ``[0, 1]``; channel 1 is 1 at exactly two steps, one
    in the first half and one in the second half of the sequence, and 0 elsewhere.
    The target is the sum of the two marked numbers, in ``[0, 2]``.

    Baseline: always predicting the mean, 1.0, gives a mean squared error of
    ``Var(u1 + u2) = 2 / 12 ≈ 0.167``; a model that beats it clearly (say MSE < 0.05) has
    learned to carry the first marked number across about ``length / 2`` steps.

    Parameters
    ----------
    n_samples : int
        Number of sequences (>= 1).
    length : int
        Time steps per sequence (>= 2).
    seed : int, optional
        Fixes numbers and marker positions.

    Returns
    -------
    X : ndarray of float64, shape (n_samples, length, 2)
        ``X[..., 0]`` the numbers, ``X[..., 1]`` the markers.
    y : ndarray of float64, shape (n_samples, 1)

    References
    ----------
    S. Hochreiter and J. Schmidhuber, "Long short-term memory", Neural Computation 9(8), 1997.
    """
    n = _check_count("adding_problem: n_samples", n_samples)
    T = _check_count("adding_problem: length", length, minimum=2)
    rng = _rng(seed)
    values = rng.uniform(0.0, 1.0, size=(n, T))
    half = T // 2
    first = rng.integers(0, half, size=n)
    second = rng.integers(half, T, size=n)
    markers = np.zeros((n, T))
    rows = np.arange(n)
    markers[rows, first] = 1.0
    markers[rows, second] = 1.0
    y = (values[rows, first] + values[rows, second])[:, None]
    return np.stack([values, markers], axis=2), y

