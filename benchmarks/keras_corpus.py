"""Side by side: the beginner Keras programs of tests/keras_corpus/ under real Keras and under dlcore.

Each program runs in a fresh process with only its import line changed (``import keras`` /
``import dlcore as keras``), one BLAS/OpenMP thread. Prints one row per program: accuracy on its
held-out data and seconds (wall clock, and CPU time of the process: on a busy machine the CPU time is
the fairer number). No assertions: tests/test_keras_corpus.py checks the results.

    python benchmarks/keras_corpus.py [program ...]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "keras_corpus"))
import _runner  # noqa: E402


def _fmt(run: _runner.Run, what: str) -> str:
    if run.returncode != 0 or run.accuracy is None:
        return "error"
    return f"{run.accuracy:.3f}" if what == "acc" else f"{run.wall_seconds:.1f} ({run.cpu_seconds:.1f})"


def main(names: list[str]) -> None:
    paths = [p for p in _runner.programs() if not names or p.stem in names]
    header = f"| {'program':<16} | keras acc | dlcore acc | keras s (cpu) | dlcore s (cpu) |"
    print(header)
    print("|" + "|".join("-" * (len(c)) for c in header.split("|")[1:-1]) + "|")
    failures = []
    for path in paths:
        runs = {backend: _runner.run(path, backend) for backend in ("keras", "dlcore")}
        print(f"| {path.stem:<16} | {_fmt(runs['keras'], 'acc'):>9} | {_fmt(runs['dlcore'], 'acc'):>10} "
              f"| {_fmt(runs['keras'], 's'):>13} | {_fmt(runs['dlcore'], 's'):>14} |", flush=True)
        failures += [r for r in runs.values() if r.returncode != 0 or r.accuracy is None]
    for run in failures:
        print("\n" + run.describe())


if __name__ == "__main__":
    main(sys.argv[1:])
