"""LSTM forward + backward: dlcore vs ``torch.nn.LSTM`` (same thread count, float32).

T=50, batch 32, input 32, hidden 64, ``return_sequences=False``; the backward pass is that of
``sum(last output)`` with respect to the input and all weights. Run::

    BENCH_THREADS=1 python benchmarks/bench_lstm.py
    BENCH_THREADS=2 python benchmarks/bench_lstm.py

Without torch installed only the dlcore times are printed. ``--all`` also times GRU and SimpleRNN.
Target (dlcore / torch): LSTM <= 1.5. About 2.4 ms of dlcore's time is matrix products that torch
does too (the input projection, 50 small recurrent products each way, the weight gradients); the
rest is ~16 small numpy calls per time step (forward + backward), each a microsecond or two of
overhead that torch's fused C++ kernels do not pay. On a shared machine wall times swing with the
load, so the CPU time of this process is printed too (``cpu ratio``). Measured on a shared 2-core
machine, 1 thread: dlcore 5.5-6.0 ms, torch 3.5-4.0 ms, ratio 1.45-1.6 (before the gate-major
layout and the chunked backward: 6.1-7.3 ms, 1.6-1.8).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
from _timing import THREADS, have_torch, limit_threads

T, BATCH, N_IN, HIDDEN = 50, 32, 32, 64
ROUNDS = 3  # alternate dlcore and torch, keep each one's best median: fair on a shared, noisy machine


def best_times(fn) -> tuple[float, float]:
    """Median wall and CPU time (all threads of this process) of ``fn()`` in ms, 15 runs after 3 warm-ups."""
    for _ in range(3):
        fn()
    wall, cpu = [], []
    for _ in range(15):
        w0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - w0)
        cpu.append(time.process_time() - c0)
    return float(np.median(wall)) * 1e3, float(np.median(cpu)) * 1e3


def dlcore_step(layer, x: np.ndarray):
    """One forward + backward of ``sum(layer(x))`` (the last hidden state)."""
    def step():
        out = layer.forward(x)
        layer.backward(np.ones_like(out))
    return step


def torch_step(kind: str, x: np.ndarray):
    """The same with ``torch.nn.{LSTM,GRU,RNN}`` (batch_first), gradients w.r.t. input and weights."""
    import torch
    module = {"LSTM": torch.nn.LSTM, "GRU": torch.nn.GRU, "SimpleRNN": torch.nn.RNN}[kind](
        N_IN, HIDDEN, batch_first=True)
    xt = torch.tensor(x, requires_grad=True)

    def step():
        module.zero_grad(set_to_none=True)
        xt.grad = None
        out, _ = module(xt)
        out[:, -1].sum().backward()
    return step


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # a checkout works without installing dlcore
    from dlcore.layers.gru import GRU
    from dlcore.layers.lstm import LSTM
    from dlcore.layers.simple_rnn import SimpleRNN
    from dlcore.random import set_seed

    limit_threads()
    set_seed(0)
    x = np.random.default_rng(0).standard_normal((BATCH, T, N_IN)).astype(np.float32)
    kinds = {"LSTM": LSTM, "GRU": GRU, "SimpleRNN": SimpleRNN} if "--all" in sys.argv else {"LSTM": LSTM}
    print(f"forward + backward, T={T}, batch={BATCH}, input={N_IN}, hidden={HIDDEN}, float32, threads={THREADS}")
    print(f"{'layer':<10} {'dlcore ms':>10} {'torch ms':>10} {'ratio':>7} {'cpu ratio':>10}")
    for kind, cls in kinds.items():
        ours_fn = dlcore_step(cls(HIDDEN), x)
        theirs_fn = torch_step(kind, x) if have_torch() else None
        ours, theirs = [float("inf")] * 2, [float("inf")] * 2  # best (wall, cpu) medians
        for _ in range(ROUNDS):
            ours = [min(a, b) for a, b in zip(ours, best_times(ours_fn))]
            if theirs_fn is not None:
                theirs = [min(a, b) for a, b in zip(theirs, best_times(theirs_fn))]
        if theirs_fn is not None:
            print(f"{kind:<10} {ours[0]:>10.2f} {theirs[0]:>10.2f} {ours[0] / theirs[0]:>7.2f} "
                  f"{ours[1] / theirs[1]:>10.2f}")
        else:
            print(f"{kind:<10} {ours[0]:>10.2f} {'-':>10} {'-':>7} {'-':>10}")


if __name__ == "__main__":
    main()
