"""Side by side: the beginner Keras programs of tests/keras_corpus/ under real Keras and under dlcore.

Each program runs in a fresh process with only its import line changed (``import keras`` /
``import dlcore as keras``), one BLAS/OpenMP thread. Prints one row per program: accuracy on its
held-out data and seconds (wall clock, and CPU time of the process: on a busy machine the CPU time is
the fairer number). No assertions: tests/test_keras_corpus.py checks the results.

With ``--seeds N`` every program runs N times per library, its ``keras.utils.set_random_seed(s)`` shifted
to ``s + k`` for k = 0..N-1 (see tests/keras_corpus/_runner.py; the program text is unchanged). The row
then shows mean ± sample standard deviation of the accuracy per library and Welch's comparison of the two
means: the difference, its standard error ``sqrt(sd_keras**2 / N + sd_dlcore**2 / N)``, and whether
``|difference| <= 2 SE`` ("within noise"). With N = 5 that is a rough screen (about a 5-10% false alarm rate
per program), not a proof; a program flagged "no" deserves a look at why.

    python benchmarks/keras_corpus.py [--seeds N] [program ...]
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "keras_corpus"))
import _runner  # noqa: E402

BACKENDS = ("keras", "dlcore")
NOISE_SE = 2.0  # |difference of means| within this many Welch standard errors counts as noise


def _fmt(run: _runner.Run, what: str) -> str:
    if run.returncode != 0 or run.accuracy is None:
        return "error"
    return f"{run.accuracy:.3f}" if what == "acc" else f"{run.wall_seconds:.1f} ({run.cpu_seconds:.1f})"


def _failed(run: _runner.Run) -> bool:
    return run.returncode != 0 or run.accuracy is None


def single(paths: list[Path]) -> list[_runner.Run]:
    """One run per program and library, as written (the seed in the program)."""
    header = f"| {'program':<16} | keras acc | dlcore acc | keras s (cpu) | dlcore s (cpu) |"
    print(header)
    print("|" + "|".join("-" * (len(c)) for c in header.split("|")[1:-1]) + "|")
    failures = []
    for path in paths:
        runs = {backend: _runner.run(path, backend) for backend in BACKENDS}
        print(f"| {path.stem:<16} | {_fmt(runs['keras'], 'acc'):>9} | {_fmt(runs['dlcore'], 'acc'):>10} "
              f"| {_fmt(runs['keras'], 's'):>13} | {_fmt(runs['dlcore'], 's'):>14} |", flush=True)
        failures += [r for r in runs.values() if _failed(r)]
    return failures


def welch(a: list[float], b: list[float]) -> tuple[float, float]:
    """``(mean(a) - mean(b), its standard error sqrt(var(a)/len(a) + var(b)/len(b)))``, sample variances."""
    return statistics.mean(a) - statistics.mean(b), math.sqrt(
        statistics.variance(a) / len(a) + statistics.variance(b) / len(b))


def seeded(paths: list[Path], n_seeds: int) -> list[_runner.Run]:
    """``n_seeds`` runs per program and library; mean ± sd and Welch's difference of means."""
    header = (f"| {'program':<16} | keras acc (mean ± sd) | dlcore acc (mean ± sd) | keras − dlcore | SE    "
              f"| within {NOISE_SE:g} SE | keras cpu s | dlcore cpu s |")
    print(f"{n_seeds} seeds per library (program seed + 0..{n_seeds - 1})")
    print(header)
    print("|" + "|".join("-" * (len(c)) for c in header.split("|")[1:-1]) + "|")
    failures = []
    for path in paths:
        runs = {backend: [_runner.run(path, backend, seed=k) for k in range(n_seeds)] for backend in BACKENDS}
        failures += [r for rs in runs.values() for r in rs if _failed(r)]
        if any(_failed(r) for rs in runs.values() for r in rs):
            print(f"| {path.stem:<16} | error (see below) |", flush=True)
            continue
        acc = {b: [r.accuracy for r in rs] for b, rs in runs.items()}
        cpu = {b: statistics.mean(r.cpu_seconds for r in rs) for b, rs in runs.items()}
        diff, se = welch(acc["keras"], acc["dlcore"])
        within = "yes" if abs(diff) <= NOISE_SE * se else "NO"
        cells = [f"{statistics.mean(acc[b]):.3f} ± {statistics.stdev(acc[b]):.3f}" for b in BACKENDS]
        print(f"| {path.stem:<16} | {cells[0]:>21} | {cells[1]:>22} | {diff:>+13.3f} | {se:.3f} "
              f"| {within:>11} | {cpu['keras']:>11.1f} | {cpu['dlcore']:>12.1f} |", flush=True)
        print(f"|   per seed       | {' '.join(f'{a:.3f}' for a in acc['keras'])} "
              f"| {' '.join(f'{a:.3f}' for a in acc['dlcore'])} |", flush=True)
    return failures


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=None, metavar="N",
                        help="run every program N times per library (N >= 2) and compare mean accuracies")
    parser.add_argument("programs", nargs="*", help="program names (default: all)")
    args = parser.parse_args(argv)
    known = {p.stem for p in _runner.programs()}
    unknown = sorted(set(args.programs) - known)
    if unknown:
        parser.error(f"unknown program(s) {unknown}; the corpus has {sorted(known)}")
    if args.seeds is not None and args.seeds < 2:
        parser.error(f"--seeds needs N >= 2 to estimate a spread, got {args.seeds}")
    paths = [p for p in _runner.programs() if not args.programs or p.stem in args.programs]
    failures = single(paths) if args.seeds is None else seeded(paths, args.seeds)
    for run in failures:
        print("\n" + run.describe())


if __name__ == "__main__":
    main(sys.argv[1:])
