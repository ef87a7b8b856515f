"""Beginner Keras programs run unchanged on dlcore: only the line ``import keras`` becomes ``import dlcore as keras``.

Each program in tests/keras_corpus/ is run twice in fresh processes (see tests/keras_corpus/_runner.py), once
under real Keras 3 (torch backend) and once under dlcore. Both runs must reach the program's target accuracy,
and they must agree within TOLERANCE: the two libraries draw different initial weights, dropout masks and
shuffles, so the accuracies are two samples of the same random experiment, not equal numbers. The test sets
have 180-400 examples; at these accuracies one run's binomial standard error is 0.015-0.037, the difference of
two independent runs' about 1.4 times that, and seed-to-seed training variation adds to it, so each tolerance
is about three standard deviations of that difference (measured over 5 seeds per library with
``python benchmarks/keras_corpus.py --seeds 5``, which also compares the mean accuracies: that is the
"same accuracy within noise" check; one run per library here only guards against regressions).

Keras is a reference only, like torch: without it the Keras runs are skipped and dlcore must still reach the
targets.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

import dlcore

sys.path.insert(0, str(Path(__file__).resolve().parent / "keras_corpus"))
import _runner  # noqa: E402

pytestmark = pytest.mark.slow  # end-to-end training in subprocesses (about 14 runs of 1-25 s of CPU each)

# program -> (accuracy both libraries must reach, largest allowed |keras - dlcore| difference)
# (5-seed means ± sd per library measured: keras / dlcore)
TARGETS = {
    "mlp_digits": (0.85, 0.07),       # 397 test digits: SE 0.016 per run (0.899 ± 0.006 / 0.899 ± 0.006)
    "cnn_digits": (0.78, 0.08),       # 397 test digits, only 8 epochs (0.856 ± 0.016 / 0.841 ± 0.014)
    "lstm_text": (0.27, 0.08),        # 355 test characters; the most frequent alone gives 0.17 (0.368 / 0.378)
    # 180 test digits 5-9, and the frozen features learned on 0-4 vary a lot from seed to seed:
    # (0.786 ± 0.036 / 0.777 ± 0.062, single runs 0.69-0.84), so one run's target and tolerance are wide
    "transfer_digits": (0.65, 0.15),
    "residual_digits": (0.83, 0.07),  # 397 test digits
    "padded_text": (0.90, 0.05),      # 400 test sentences, learned almost perfectly by both
    "two_heads": (0.85, 0.07),        # 397 test digits (the digit head; the even/odd head is printed)
}
HAS_KERAS = importlib.util.find_spec("keras") is not None and importlib.util.find_spec("torch") is not None
_keras_runs: dict[str, _runner.Run] = {}
# What `import dlcore as keras` needs at top level beyond dlcore.layers/models/callbacks/optimizers: the programs
# call keras.Input(...) and keras.utils.set_random_seed(0). Until dlcore/__init__.py exposes them the runs are
# xfail "not merged yet".
_TOP_LEVEL_MISSING = [n for n in ("Input", "utils") if not hasattr(dlcore, n)]
_REASON = f"not merged yet: no dlcore.{' or dlcore.'.join(_TOP_LEVEL_MISSING)} for `import dlcore as keras`"
_NOT_MERGED = [pytest.mark.xfail(strict=False, reason=_REASON)] if _TOP_LEVEL_MISSING else []


def test_every_program_has_a_target():
    assert {p.stem for p in _runner.programs()} == set(TARGETS)


def test_only_the_import_line_differs():
    for path in _runner.programs():
        keras_text, dlcore_text = (_runner.program_text(path, b).splitlines() for b in ("keras", "dlcore"))
        changed = [(a, b) for a, b in zip(keras_text, dlcore_text) if a != b]
        assert len(keras_text) == len(dlcore_text) and changed == [("import keras", "import dlcore as keras")]


def _keras_run(name: str) -> _runner.Run:
    if name not in _keras_runs:
        _keras_runs[name] = _runner.run(_runner.HERE / f"{name}.py", "keras")
    return _keras_runs[name]


@pytest.mark.parametrize("name", [pytest.param(n, marks=_NOT_MERGED) for n in sorted(TARGETS)])
def test_program_runs_on_keras_and_dlcore_alike(name):
    target, tolerance = TARGETS[name]
    dl = _runner.run(_runner.HERE / f"{name}.py", "dlcore")
    assert dl.returncode == 0 and dl.accuracy is not None, dl.describe()
    assert dl.accuracy >= target, f"dlcore reached {dl.accuracy:.4f}, the target is {target}\n{dl.describe()}"
    if not HAS_KERAS:
        pytest.skip("keras (a reference only) is not installed: dlcore reached the target; no comparison")
    ke = _keras_run(name)
    assert ke.returncode == 0 and ke.accuracy is not None, ke.describe()
    assert ke.accuracy >= target, f"Keras reached {ke.accuracy:.4f}, the target is {target}: the program is too hard"
    assert abs(ke.accuracy - dl.accuracy) <= tolerance, (
        f"{name}: Keras {ke.accuracy:.4f} vs dlcore {dl.accuracy:.4f}, more than {tolerance} apart")


def _write(tmp_path, text: str):
    path = tmp_path / "seeded.py"
    path.write_text(text, encoding="utf-8")
    return path


_PRINTS_A_DRAW = """\
import keras
import numpy as np

keras.utils.set_random_seed(0)
print(f"RESULT accuracy={np.random.random():.12f}")
"""


def test_a_seed_shifts_the_programs_own_seed(tmp_path):
    import numpy as np
    path = _write(tmp_path, _PRINTS_A_DRAW)
    draws = {seed: _runner.run(path, "dlcore", timeout=300, seed=seed) for seed in (None, 0, 3)}
    for r in draws.values():
        assert r.returncode == 0 and r.accuracy is not None, r.describe()
    expected = {}
    for seed, program_seed in ((None, 0), (0, 0), (3, 3)):
        np.random.seed(program_seed)  # noqa: NPY002 (what set_random_seed(program_seed) does to numpy)
        expected[seed] = round(np.random.random(), 12)  # noqa: NPY002
    assert {s: r.accuracy for s, r in draws.items()} == expected


def test_a_seed_for_a_program_without_set_random_seed_is_an_error(tmp_path):
    path = _write(tmp_path, _PRINTS_A_DRAW.replace("keras.utils.set_random_seed(0)\n", ""))
    r = _runner.run(path, "dlcore", timeout=300, seed=1)
    assert r.returncode != 0 and "never called keras.utils.set_random_seed" in r.stderr


def test_a_seed_must_be_a_non_negative_integer(tmp_path):
    for bad in (-1, 1.5, True):
        with pytest.raises(ValueError, match="seed must be None or a non-negative integer"):
            _runner.run(_write(tmp_path, _PRINTS_A_DRAW), "dlcore", seed=bad)
