"""Run a corpus program under real Keras or under dlcore, changing only its import line.

Every program in this folder is plain beginner Keras code whose one line ``import keras`` is the
only thing that names the library. For dlcore that line becomes ``import dlcore as keras``; nothing
else in the text changes. Each run is a fresh Python process in an empty temporary folder (programs
may write files, e.g. ModelCheckpoint's), with one BLAS/OpenMP thread and this repository's dlcore first
on the path. Used by tests/test_keras_corpus.py and benchmarks/keras_corpus.py.
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


def run(path: Path, backend: str, timeout: float = 900) -> Run:
    """Run ``path`` under ``backend`` in a fresh process; parse its ``RESULT accuracy=...`` line."""
    env = dict(os.environ, KERAS_BACKEND="torch", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1",
               OPENBLAS_NUM_THREADS="1", PYTHONHASHSEED="0", PYTHONWARNINGS="ignore",
               PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep))
    with tempfile.TemporaryDirectory(prefix=f"corpus-{backend}-") as tmp:
        script = Path(tmp) / path.name
        script.write_text(program_text(path, backend), encoding="utf-8")
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, str(script)], cwd=tmp, env=env, capture_output=True, text=True,
                              timeout=timeout)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    match = RESULT.search(proc.stdout)
    return Run(path.stem, backend, proc.returncode, float(match.group(1)) if match else None, wall, cpu,
               proc.stdout, proc.stderr)
