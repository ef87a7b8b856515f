"""Execute every chapter once, then build the book from those executions; shared by the whole test session.

Each chapter notebook runs once, two at a time (the machine's cores), each kernel with one BLAS thread.
The executed notebooks go into myst-nb's execution cache (``_build/.jupyter_cache``, emptied first: the
cache does not notice edits to dlcore), so ``jupyter-book build`` then finds every chapter there and
executes nothing. tests/test_chapters.py reports each chapter, tests/test_book.py the build, and the
site tests (test_site.py, test_links.py) use the built HTML.

The test command runs in several pytest-xdist workers: the first that needs the book builds it while
holding a file lock, and writes what happened (each chapter's run, the build log) next to the build, keyed
by the test run; the others wait for the lock and read that file. tests/conftest.py starts the build in
the background as soon as the collected tests need it, so it overlaps the unit tests.
"""

from __future__ import annotations

import concurrent.futures
import functools
import json
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"
CACHE = ROOT / "_build" / ".jupyter_cache"
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
# last run's seconds per chapter: the longest chapters start first, so the two workers finish together
TIMES = ROOT / "_build" / ".chapter_seconds.json"

CELL_TIMEOUT = 300  # seconds without a cell finishing; generous because CI machines are shared
WORKERS = min(2, os.cpu_count() or 1)
# numpy's BLAS would start one thread per core in every kernel; two kernels on two cores then fight
ONE_BLAS_THREAD = {name: "1" for name in (
    "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS")}
# the chapters run as the book build runs them (_ext/offline_assets.py sets this there): interactive figures
# become frame players, and no exercise progress is written
BUILD_ENV = {**ONE_BLAS_THREAD, "DLCORE_STATIC_SITE": "1"}
SKIP_REASON = "skipped because the book did not build (see test_book.py::test_book_builds_with_warnings_as_errors)"

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


@dataclass(frozen=True)
class ChapterRun:
    """One chapter's execution: ``error`` is None, or a short report naming the cell and the error."""

    path: Path
    seconds: float
    error: str | None


@dataclass(frozen=True)
class BookBuild:
    """The book build: ``ok``, the log, and why it did not run (chapters that failed to execute)."""

    ok: bool
    log: str
    not_run_because: str | None = None

    @property
    def executed(self) -> list[str]:
        """Notebooks the build executed itself (none when every chapter came from the cache)."""
        return sorted({Path(p).name for p in re.findall(r"(\S+\.ipynb): Executing notebook", self.log)})

    @property
    def cached(self) -> list[str]:
        """Notebooks the build took from the execution cache."""
        return sorted({Path(p).name for p in re.findall(r"(\S+\.ipynb): Using cached notebook", self.log)})


def _cell_report(nb, index: int | None, problem: str) -> str:
    """``chapter, cell N `first line`: problem`` plus the error's last lines, if the cell has one."""
    if index is None:
        return problem
    cell = nb.cells[index]
    lines = [ln for ln in cell.source.splitlines() if ln.strip()][:2]
    head = " | ".join(lines) if lines else "(empty)"
    report = [f"cell {index + 1} of {len(nb.cells)} `{head[:160]}`: {problem}"]
    errors = [out for out in cell.get("outputs", []) if out.get("output_type") == "error"]
    if errors:
        tb = _ANSI.sub("", "\n".join(errors[-1].get("traceback", []))).strip().splitlines()
        report.append("  " + "\n  ".join(tb[-6:]))
    return "\n".join(report)


def _execute(path: str) -> tuple[str, str | None, float, str | None]:
    """Run one notebook in a fresh kernel (in a worker process); return (path, executed JSON, seconds, error)."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    os.environ.update(BUILD_ENV)  # the kernel inherits this process's environment
    nb = nbformat.read(path, as_version=4)
    # myst-nb honours a notebook's own execution metadata; so do we, or the build would disagree
    own = nb.metadata.get("execution", {})
    timeout, allow_errors = own.get("timeout", CELL_TIMEOUT), own.get("allow_errors", False)
    where = "the notebook's metadata execution.timeout" if "timeout" in own else "CELL_TIMEOUT in tests/book_build.py"
    started: list[int] = []
    client = NotebookClient(
        nb, timeout=timeout, allow_errors=allow_errors, resources={"metadata": {"path": str(Path(path).parent)}},
        # no timing metadata: the cache hashes code cells with their metadata, as myst-nb reads them from disk
        record_timing=False, on_cell_start=lambda cell, cell_index: started.append(cell_index))
    t0 = time.perf_counter()
    error = None
    try:
        client.execute()
    except CellTimeoutError:
        error = _cell_report(nb, started[-1] if started else None,
                             f"timed out: the cell ran longer than the {timeout} s cell timeout ({where})")
    except CellExecutionError as exc:
        error = _cell_report(nb, started[-1] if started else None, f"raised {exc.ename}: {exc.evalue}"[:400])
    except DeadKernelError as exc:
        error = _cell_report(nb, started[-1] if started else None, f"the kernel died ({exc})"[:400])
    except Exception as exc:  # noqa: BLE001 - a kernel that cannot start is reported like a cell error
        error = _cell_report(nb, started[-1] if started else None, f"{type(exc).__name__}: {exc}"[:400])
    seconds = time.perf_counter() - t0
    return path, (nbformat.writes(nb) if error is None else None), seconds, error


def execute_chapters() -> dict[str, ChapterRun]:
    """Every chapter's run by file name (executed once per test run, shared by the workers)."""
    return session_build()[0]


def build_book() -> BookBuild:
    """The book build over the chapters executed once (built once per test run, shared by the workers)."""
    return session_build()[1]


# one id per test run, the same in every xdist worker (xdist sets it); a lone pytest process makes its own
RUN_ID = os.environ.get("PYTEST_XDIST_TESTRUNUID") or f"{os.getpid()}-{time.time_ns()}"
LOCK = ROOT / "_build" / ".session_build.lock"


@functools.lru_cache(maxsize=1)
def session_build() -> tuple[dict[str, ChapterRun], BookBuild]:
    """The chapters' runs and the book build of this test run: made by the first caller, read by the rest."""
    from filelock import FileLock

    LOCK.parent.mkdir(parents=True, exist_ok=True)
    result = LOCK.with_name(f".session_build-{RUN_ID}.json")
    with FileLock(str(LOCK)):  # thread-local: also makes a test wait for conftest's background build
        if result.exists():
            saved = json.loads(result.read_text())
            runs = {name: ChapterRun(Path(run["path"]), run["seconds"], run["error"])
                    for name, run in saved["runs"].items()}
            return runs, BookBuild(**saved["book"])
        for old in LOCK.parent.glob(".session_build-*.json"):  # earlier test runs'
            old.unlink()
        runs = _execute_all_chapters()
        book = _build_book(runs)
        result.write_text(json.dumps({
            "runs": {name: {"path": str(run.path), "seconds": run.seconds, "error": run.error}
                     for name, run in runs.items()},
            "book": {"ok": book.ok, "log": book.log, "not_run_because": book.not_run_because}}))
        return runs, book


def _execute_all_chapters() -> dict[str, ChapterRun]:
    """Execute every chapter once, in parallel, into a fresh execution cache; the runs by file name."""
    import nbformat
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    shutil.rmtree(CACHE, ignore_errors=True)
    CACHE.parent.mkdir(parents=True, exist_ok=True)
    cache = get_cache(str(CACHE))
    try:
        last = json.loads(TIMES.read_text())
    except (OSError, ValueError):
        last = {}
    order = sorted(CHAPTERS, key=lambda p: -last.get(p.name, p.stat().st_size / 1e4))
    runs: dict[str, ChapterRun] = {}
    # "spawn": a clean interpreter per worker, nothing inherited from pytest's process state
    with concurrent.futures.ProcessPoolExecutor(WORKERS, mp_context=multiprocessing.get_context("spawn")) as pool:
        for path, executed, seconds, error in pool.map(_execute, [str(p) for p in order]):
            runs[Path(path).name] = ChapterRun(Path(path), seconds, error)
            if executed is not None:
                bundle = CacheBundleIn(nbformat.reads(executed, as_version=4), path,
                                       data={"execution_seconds": seconds})
                cache.cache_notebook_bundle(bundle, check_validity=False, overwrite=True)
                # the build looks the chapter up by the hash of its source: a miss would execute it again
                cache.match_cache_notebook(nbformat.read(path, as_version=4))
    TIMES.write_text(json.dumps({name: round(run.seconds, 1) for name, run in runs.items()}, indent=1))
    return runs


def _build_book(runs: dict[str, ChapterRun]) -> BookBuild:
    """``jupyter-book build . --all -W -n --keep-going`` over the chapters executed by :func:`execute_chapters`.

    When a chapter does not execute the build is not run: it would execute that chapter again only to
    fail the same way, and test_chapters.py already names the cell.
    """
    failed = sorted(name for name, run in runs.items() if run.error)
    if failed:
        return BookBuild(False, "", f"not built because {len(failed)} chapter(s) did not execute "
                                    f"(see tests/test_chapters.py): {', '.join(failed)}")
    shutil.rmtree(ROOT / "_build" / "jupyter_execute", ignore_errors=True)
    jb = Path(sys.executable).with_name("jupyter-book")
    # --all: re-read every page, so that every warning is reported again (not only for changed pages)
    cmd = [str(jb) if jb.exists() else "jupyter-book", "build", str(ROOT), "--all", "-W", "-n", "--keep-going"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=3600, cwd=ROOT, env={**os.environ, **BUILD_ENV})
    ok = proc.returncode == 0 and (HTML / "index.html").exists()
    return BookBuild(ok, proc.stdout + proc.stderr)


def warnings_in(log: str, limit: int = 15) -> str:
    """The distinct WARNING/ERROR lines of a build log, at most ``limit``, paths made relative."""
    lines = []
    for line in _ANSI.sub("", log).splitlines():
        if re.search(r"\b(WARNING|ERROR|CRITICAL)\b|Traceback|Exception occurred", line):
            line = line.replace(str(ROOT) + os.sep, "").strip()
            if line not in lines:
                lines.append(line)
    more = f"\n... and {len(lines) - limit} more" if len(lines) > limit else ""
    return "\n".join(ln[:300] for ln in lines[:limit]) + more
