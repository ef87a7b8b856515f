"""Time dlcore's Conv2D and MaxPool2D (forward + backward, float32) against PyTorch on the same threads.

Run from the repository root::

    BENCH_THREADS=1 python benchmarks/bench_conv.py
    BENCH_THREADS=2 python benchmarks/bench_conv.py

dlcore is timed through its layer objects (``forward(x, training=True)`` then ``backward``);
torch runs ``conv2d``/``max_pool2d`` forward and autograd backward with respect to the input and
the weights, on NCHW copies of the same data. Targets (dlcore / torch): case (a) <= 1.5, (b) <= 3.0.
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from _timing import THREADS, have_torch, limit_threads, median_time  # noqa: E402

limit_threads()

import numpy as np  # noqa: E402

from dlcore.layers.conv import Conv2D  # noqa: E402
from dlcore.layers.im2col import conv_output_length  # noqa: E402
from dlcore.layers.pooling import MaxPool2D  # noqa: E402

# (label, batch, H, W, cin, cout, kernel, stride, padding, target ratio)
CONV_CASES = [
    ("(a) conv 1->8 3x3 28x28 valid", 64, 28, 28, 1, 8, 3, 1, "valid", 1.5),
    ("(b) conv 16->32 3x3 14x14 valid", 64, 14, 14, 16, 32, 3, 1, "valid", 3.0),
    ("conv 1->32 3x3 28x28 valid", 64, 28, 28, 1, 32, 3, 1, "valid", None),
    ("conv 32->64 3x3 13x13 valid", 64, 13, 13, 32, 64, 3, 1, "valid", None),
    ("conv 3->16 3x3 32x32 same s2", 64, 32, 32, 3, 16, 3, 2, "same", None),
]
# (label, batch, H, W, C, pool)
POOL_CASES = [
    ("maxpool 2x2 26x26x32", 64, 26, 26, 32, 2),
    ("maxpool 2x2 11x11x64", 64, 11, 11, 64, 2),
]


def paired_times(ours, theirs, rounds: int = 3) -> tuple[float, float | None]:
    """Median times of ``ours`` and ``theirs`` (or None), alternated over ``rounds`` and the best round kept.

    Alternating, and keeping each side's best round, keeps a burst of load from other processes
    on a shared machine from landing on one side only.
    """
    t_ours, t_theirs = [], []
    for _ in range(rounds):
        t_ours.append(median_time(ours, repeats=9, warmup=2))
        if theirs is not None:
            t_theirs.append(median_time(theirs, repeats=9, warmup=2))
    return min(t_ours), (min(t_theirs) if t_theirs else None)


def time_conv(batch, h, w, cin, cout, k, s, padding, rng):
    x = rng.standard_normal((batch, h, w, cin)).astype(np.float32)
    layer = Conv2D(cout, k, strides=s, padding=padding)
    dout = rng.standard_normal(layer.compute_output_shape(x.shape)).astype(np.float32)

    def step():
        layer.forward(x, training=True)
        layer.backward(dout)

    step()  # builds the kernel that torch copies
    if not have_torch():
        return paired_times(step, None)
    import torch
    import torch.nn.functional as F

    xt = torch.from_numpy(x.transpose(0, 3, 1, 2).copy()).requires_grad_()
    wt = torch.from_numpy(layer.params["kernel"].transpose(3, 2, 0, 1).copy()).requires_grad_()
    bt = torch.zeros(cout, requires_grad=True)
    gt = torch.from_numpy(dout.transpose(0, 3, 1, 2).copy())
    (_, top, bottom), (_, left, right) = (conv_output_length(n, k, s, padding) for n in (h, w))
    symmetric = top == bottom and left == right  # else pad TF-style (extra pixel bottom/right) explicitly

    def torch_step():
        xin = xt if symmetric else F.pad(xt, (left, right, top, bottom))
        y = F.conv2d(xin, wt, bt, stride=s, padding=(top, left) if symmetric else 0)
        y.backward(gt)
        xt.grad = wt.grad = bt.grad = None

    return paired_times(step, torch_step)


def time_pool(batch, h, w, c, p, rng):
    x = rng.standard_normal((batch, h, w, c)).astype(np.float32)
    layer = MaxPool2D(p)
    dout = rng.standard_normal(layer.compute_output_shape(x.shape)).astype(np.float32)

    def step():
        layer.forward(x, training=True)
        layer.backward(dout)

    if not have_torch():
        return paired_times(step, None)
    import torch
    import torch.nn.functional as F

    xt = torch.from_numpy(x.transpose(0, 3, 1, 2).copy()).requires_grad_()
    gt = torch.from_numpy(dout.transpose(0, 3, 1, 2).copy())

    def torch_step():
        F.max_pool2d(xt, p).backward(gt)
        xt.grad = None

    return paired_times(step, torch_step)


def main() -> None:
    rng = np.random.default_rng(0)
    print(f"threads: {THREADS}")
    if not have_torch():
        print("torch not installed: dlcore times only")
    print(f"{'case':36s} {'dlcore ms':>10s} {'torch ms':>10s} {'ratio':>7s} {'target':>7s}")
    rows = [(label, time_conv(*cfg[:-1], rng), cfg[-1]) for label, *cfg in CONV_CASES]
    rows += [(label, time_pool(*cfg, rng), None) for label, *cfg in POOL_CASES]
    for label, (ours, theirs), target in rows:
        ratio = f"{ours / theirs:7.2f}" if theirs else f"{'-':>7s}"
        torch_ms = f"{theirs * 1e3:10.2f}" if theirs else f"{'-':>10s}"
        goal = f"{'<= ' + str(target):>7s}" if target else ""
        print(f"{label:36s} {ours * 1e3:10.2f} {torch_ms} {ratio} {goal}")


if __name__ == "__main__":
    main()
