"""MLP 784-256-10 train step (forward, backward, SGD update), batch 128, float32: dlcore vs PyTorch CPU.

Run: ``python benchmarks/bench_mlp.py`` (``BENCH_THREADS=2`` to use both cores for both libraries).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import numpy as np  # noqa: E402
from _timing import THREADS, have_torch, limit_threads, median_time  # noqa: E402

import dlcore  # noqa: E402
from dlcore.layers import Dense  # noqa: E402
from dlcore.models import Sequential  # noqa: E402

BATCH, N_IN, N_HIDDEN, N_OUT = 128, 784, 256, 10


def dlcore_step():
    dlcore.set_seed(0)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((BATCH, N_IN), dtype=np.float32)
    y = rng.integers(0, N_OUT, BATCH)
    model = Sequential([Dense(N_HIDDEN, activation="relu"), Dense(N_OUT, activation="softmax")])
    model.compile(loss="sparse_categorical_crossentropy", optimizer=dlcore.optimizers.SGD(0.01))
    return lambda: model.train_step(x, y)


def torch_step():
    import torch

    torch.manual_seed(0)
    x = torch.randn(BATCH, N_IN)
    y = torch.randint(0, N_OUT, (BATCH,))
    model = torch.nn.Sequential(torch.nn.Linear(N_IN, N_HIDDEN), torch.nn.ReLU(), torch.nn.Linear(N_HIDDEN, N_OUT))
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    loss_fn = torch.nn.CrossEntropyLoss()

    def step():
        opt.zero_grad()
        loss_fn(model(x), y).backward()
        opt.step()
    return step


def main() -> None:
    limit_threads()
    ours = median_time(dlcore_step(), repeats=50, warmup=5)
    print(f"MLP {N_IN}-{N_HIDDEN}-{N_OUT} train step (forward, backward, SGD), batch {BATCH}, float32, "
          f"threads={THREADS}")
    print(f"{'case':<12} {'dlcore ms':>10} {'torch ms':>10} {'ratio':>7} {'target':>7}")
    if not have_torch():
        print(f"{'mlp':<12} {ours * 1e3:>10.3f} {'-':>10} {'-':>7} {'<= 1.0':>7}")
        print("torch not installed: dlcore times only")
        return
    theirs = median_time(torch_step(), repeats=50, warmup=5)
    print(f"{'mlp':<12} {ours * 1e3:>10.3f} {theirs * 1e3:>10.3f} {ours / theirs:>7.2f} {'<= 1.0':>7}")


if __name__ == "__main__":
    main()
