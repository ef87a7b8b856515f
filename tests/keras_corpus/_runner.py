"""Run a corpus program under real Keras or under dlcore, changing only its import line.

Every program in this folder is plain beginner Keras code whose one line ``import keras`` is the
only thing that names the library. For dlcore that line becomes ``import dlcore as keras``; nothing
else in the text changes. Each run is a fresh Python process in an empty temporary folder (programs
may write files, e.g. ModelCheckpoint's), with one BLAS/OpenMP thread and this repository's dlcore first
on the path. Used by tests/test_keras_corpus.py and benchmarks/keras_corpus.py.

Seeds: every program calls ``keras.utils.set_random_seed(0)`` once, as a beginner would. To repeat the
same experiment with other random draws (initial weights, dropout masks, shuffles) without touching the
program's text, ``run(..., seed=k)`` starts it through a short launcher (``SEEDED_LAUNCHER``) that imports
the library first and wraps its ``utils.set_random_seed`` so the program's ``set_random_seed(s)`` seeds
with ``s + k``. ``seed=None`` (the default, used by the tests) runs the program directly.
"""

from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
IMPORT_LINES = {"keras": "import keras", "dlcore": "import dlcore as keras"}
RESULT = re.compile(r"^RESULT accuracy=([0-9.]+)\s*$", re.MULTILINE)
LIBRARIES = {"keras": "keras", "dlcore": "dlcore"}  # backend -> module whose utils.set_random_seed is wrapped
SEEDED_LAUNCHER = """\
import importlib, os, runpy, sys

library = importlib.import_module(sys.argv[1])
offset = int(os.environ["CORPUS_SEED_OFFSET"])
set_random_seed_as_written = library.utils.set_random_seed
calls = []


def set_random_seed(seed):
    calls.append(seed)
    set_random_seed_as_written(seed + offset)


library.utils.set_random_seed = set_random_seed
script = sys.argv[2]
sys.argv = [script]
runpy.run_path(script, run_name="__main__")
if not calls:  # a seed offset that changes nothing would fake a spread of zero
    sys.exit(f"{script} never called keras.utils.set_random_seed: the seed offset had no effect")
"""


def programs() -> list[Path]:
    """The corpus programs (every ``*.py`` here not starting with ``_``), sorted by name."""
    return sorted(p for p in HERE.glob("*.py") if not p.name.startswith("_"))


def program_text(path: Path, backend: str) -> str:
    """The program's text for ``backend`` (``"keras"`` or ``"dlcore"``): only the import line differs."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    hits = [i for i, line in enumerate(lines) if line.rstrip("\n") == IMPORT_LINES["keras"]]
    if len(hits) != 1:
        raise ValueError(f"{path.name}: expected exactly one line 'import keras', found {len(hits)}")
    if backend not in IMPORT_LINES:
        raise ValueError(f"backend must be one of {sorted(IMPORT_LINES)}, got {backend!r}")
    lines[hits[0]] = IMPORT_LINES[backend] + "\n"
    return "".join(lines)


@dataclass
class Run:
    program: str
    backend: str
    returncode: int
    accuracy: float | None
    wall_seconds: float
    cpu_seconds: float
    stdout: str
    stderr: str

    def describe(self) -> str:
        tail = "\n".join(self.stderr.strip().splitlines()[-15:])
        return (f"{self.program} under {self.backend}: exit code {self.returncode}, accuracy {self.accuracy}\n"
                f"--- stdout ---\n{self.stdout.strip()}\n--- stderr (last lines) ---\n{tail}")


def run(path: Path, backend: str, timeout: float = 900, seed: int | None = None) -> Run:
    """Run ``path`` under ``backend`` in a fresh process; parse its ``RESULT accuracy=...`` line.

    ``seed=k`` (a non-negative integer) shifts the program's ``set_random_seed(s)`` to ``s + k``; see the
    module docstring. ``None`` runs the program exactly as written.
    """
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
        raise ValueError(f"seed must be None or a non-negative integer, got {seed!r}")
    env = dict(os.environ, KERAS_BACKEND="torch", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1",
               OPENBLAS_NUM_THREADS="1", PYTHONHASHSEED="0", PYTHONWARNINGS="ignore",
               PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep))
    with tempfile.TemporaryDirectory(prefix=f"corpus-{backend}-") as tmp:
        script = Path(tmp) / path.name
        script.write_text(program_text(path, backend), encoding="utf-8")
        command = [sys.executable, str(script)]
        if seed is not None:
            launcher = Path(tmp) / "_seeded_launcher.py"
            launcher.write_text(SEEDED_LAUNCHER, encoding="utf-8")
            command = [sys.executable, str(launcher), LIBRARIES[backend], str(script)]
            env["CORPUS_SEED_OFFSET"] = str(seed)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        proc = subprocess.run(command, cwd=tmp, env=env, capture_output=True, text=True,
                              timeout=timeout)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    match = RESULT.search(proc.stdout)
    return Run(path.stem, backend, proc.returncode, float(match.group(1)) if match else None, wall, cpu,
               proc.stdout, proc.stderr)
