"""The teacher's bulk grader: ``python -m dlcore.exercises grade SUBMISSIONS… --out grades.csv``.

Each submitted notebook runs in a fresh Jupyter kernel (nbclient), several at a time; then its
exercises are graded and a CSV row written: one score per exercise (tests passed / tests), a
total, and a status.

Threat model — what a submission can do, and why it cannot fake a pass:

* The learner's code runs only in the kernel (and in processes the kernel forks). The grader
  process never runs it, never unpickles anything from it, and computes every reference itself,
  from dlcore as it was imported before any submission ran.
* After the notebook has run, the grader asks the kernel, call by call, for the learner's
  function's output on inputs the grader chose (fresh random ones, from a seed the kernel never
  sees in advance, besides the fixed ones), or for the answer's value. Requests and replies are
  plain data (:mod:`.plain`). The grader compares; a patched numpy, a patched ``dlcore``, a
  replaced ``check`` in the kernel change nothing but the kernel's own replies, and a reply can
  only pass by *being* right — which needs a working answer.
* The answer is found by name (``Exercise.answer``), or as the object the check cell passed to
  ``check`` (recorded in the kernel), so renamed, deleted or reordered cells do not matter.
* A cell that runs longer than ``--cell-timeout`` is interrupted, the kernel restarted, and the
  notebook run again without it; a kernel that dies (``os._exit``) is handled the same way. Each
  learner call runs in a child the kernel forks and kills at the exercise's time budget. A
  notebook that takes longer than ``--timeout`` altogether is killed and gets a row of zeros
  with status ``time limit``. Nothing a notebook does can stop the grader or the other rows.
* Not covered: a learner may copy the published solution (it ships with the course), and the
  kernel runs as the grader's user — run the grader in a throw-away container (as GitHub
  Classroom does) if submissions might attack the machine itself (files, network).
"""

from __future__ import annotations

import ast
import base64
import csv
import os
import re
import signal
import sys
import tempfile
import time
from pathlib import Path

from . import all_exercises, grading, plain, sandbox

CHECK_ID = re.compile(r"""check\(\s*["'](ch\d\d)\.\w+["']""")
TIMEOUT_ERROR = "DlcoreCellTimeout"


# ---------------------------------------------------------------- kernel side (imported in the kernel)

class KernelHarness:
    """Runs in the submission's kernel: serves the grader's requests for one answer at a time."""

    def __init__(self, namespace: dict):
        self.namespace, self.channels = namespace, {}

    def _answer(self, exercise_id: str, name: str):
        submitted = getattr(sys.modules.get("dlcore.exercises"), "_SUBMITTED", {})
        if exercise_id in submitted:
            return submitted[exercise_id]
        return self.namespace.get(name, _MISSING)

    def request(self, exercise_id: str, name: str, data: str, timeout: float) -> str:
        if exercise_id not in self.channels:
            answer = self._answer(exercise_id, name)
            if answer is _MISSING:
                return base64.b64encode(plain.encode({"stopped": "missing"})).decode()
            self.channels[exercise_id] = sandbox.ForkedAnswer(answer, timeout)
        channel = self.channels[exercise_id]
        channel.remaining = timeout
        reply = channel.request_raw(base64.b64decode(data))
        return base64.b64encode(reply).decode()


_MISSING = object()


# ---------------------------------------------------------------- grader side

class KernelChannel:
    """The grader's channel to one answer in a kernel (see :func:`.grading.grade`'s ``isolate``)."""

    def __init__(self, run_code, exercise, budget: float):
        self.run_code, self.exercise, self.remaining = run_code, exercise, budget
        self.encoder, self.decoder = plain.Encoder(), plain.Decoder()

    def request(self, req: dict) -> dict:
        if self.remaining <= 0:
            return {"stopped": "budget"}
        data = base64.b64encode(self.encoder.encode(req)).decode()
        code = (f"_dlcore_harness.request({self.exercise.id!r}, {self.exercise.answer!r}, {data!r}, "
                f"{self.remaining!r})")
        start = time.monotonic()
        text = self.run_code(code, self.remaining + 10)
        self.remaining -= time.monotonic() - start
        try:
            return self.decoder.decode(base64.b64decode(ast.literal_eval(text)))
        except Exception:  # noqa: BLE001 — no reply, or a garbled one: the answer is not graded
            return {"stopped": "no reply from the notebook's kernel"}

    def close(self) -> None:
        pass


def chapter_of(nb, path: Path, chapter: int | None) -> int | None:
    """The chapter a submission belongs to: ``chapter``, else its check cells, else its file name."""
    if chapter is not None:
        return chapter
    found = [m for cell in nb.cells if cell.cell_type == "code" for m in CHECK_ID.findall(cell.source)]
    if found:
        return int(max(set(found), key=found.count)[2:])
    m = re.match(r"(\d\d)_", path.name)
    return int(m.group(1)) if m else None


def _execute(nb, skip: set[int], deadline: float, cell_timeout: float, cwd: str):
    """Start a kernel and run the notebook's code cells except ``skip``. Returns (client, hung cell or None)."""
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError

    client = NotebookClient(nb, timeout=int(cell_timeout), kernel_name="python3", allow_errors=True,
                            interrupt_on_timeout=True, startup_timeout=60,
                            error_on_timeout={"ename": TIMEOUT_ERROR, "evalue": "cell timeout", "traceback": []},
                            resources={"metadata": {"path": cwd}})
    client.km = client.create_kernel_manager()
    client.start_new_kernel()
    client.start_new_kernel_client()
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or index in skip:
            continue
        client.timeout = max(1, int(min(cell_timeout, deadline - time.monotonic())))
        try:
            client.execute_cell(cell, index)
        except DeadKernelError:
            return client, index
        except Exception:  # noqa: BLE001 — an nbclient error on a learner cell: skip that cell
            return client, index
        if any(o.get("ename") == TIMEOUT_ERROR for o in cell.get("outputs", [])):
            return client, index
        if time.monotonic() > deadline:
            return client, index
    return client, None


def _shutdown(client) -> None:
    try:
        client._cleanup_kernel()
    except Exception:  # noqa: BLE001
        try:
            client.km.shutdown_kernel(now=True)
        except Exception:  # noqa: BLE001
            pass


def _run_code(client, code: str, timeout: float) -> str:
    """Run ``code`` in the kernel; the text of its result ("" if none)."""
    from nbformat.v4 import new_code_cell

    cell = new_code_cell(code)
    client.timeout = max(1, int(timeout))
    try:  # nbclient stores the cell in the notebook: use the scratch cell grade_notebook appended
        client.execute_cell(cell, len(client.nb.cells) - 1, store_history=False)
    except Exception:  # noqa: BLE001
        return ""
    for out in cell.outputs:
        if out.get("output_type") == "execute_result":
            return out.get("data", {}).get("text/plain", "")
    return ""


def grade_notebook(path: str, chapter: int | None = None, timeout: float = 300, cell_timeout: float = 60,
                   seed: int | None = None) -> dict:
    """Run one submission in a fresh kernel and grade it: a row ``{"notebook", "chapter", "status", id: score…}``."""
    import nbformat

    start = time.monotonic()
    deadline = start + timeout
    row: dict = {"notebook": str(path), "status": "ok"}
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as exc:  # noqa: BLE001
        return row | {"status": f"unreadable notebook: {plain.safe_text(exc, 200)}"}
    ch = chapter_of(nb, Path(path), chapter)
    exercises = [ex for ex in all_exercises() if ex.chapter == ch]
    row["chapter"] = ch
    if not exercises:
        return row | {"status": "could not tell the chapter (use --chapter)"}
    os.environ.update(DLCORE_GRADING="1", DLCORE_PROGRESS_FILE=os.devnull)
    skip: set[int] = set()
    with tempfile.TemporaryDirectory(prefix="dlcore-grade-") as cwd:
        while True:
            client, hung = _execute(nb, skip, deadline, cell_timeout, cwd)
            if hung is None or time.monotonic() > deadline or len(skip) >= 5:
                break
            skip.add(hung)
            _shutdown(client)
        if skip:
            row["status"] = f"cells skipped (time limit or dead kernel): {sorted(skip)}"
        from nbformat.v4 import new_code_cell
        nb.cells.append(new_code_cell(""))   # the scratch cell the grader's requests run in
        try:
            _run_code(client, "import dlcore.exercises.bulk as _dlcore_bulk\n"
                              "_dlcore_harness = _dlcore_bulk.KernelHarness(globals())", 60)
            seed = grading.new_seed() if seed is None else seed
            row["seed"] = seed
            for ex in exercises:
                budget = min(ex.time_limit, max(0.0, deadline - time.monotonic()))
                result = grading.grade(ex, ex.answer, seed=seed,
                                       isolate=lambda _a, b, ex=ex, cap=budget: KernelChannel(
                                           lambda code, t: _run_code(client, code, t), ex, min(b, cap)))
                row[ex.id] = round(result.score / result.total, 3) if result.tests else 0.0
        finally:
            _shutdown(client)
    row["total"] = round(sum(row.get(ex.id, 0.0) for ex in exercises), 3)
    row["max"] = len(exercises)
    row["seconds"] = round(time.monotonic() - start, 1)
    return row


# ---------------------------------------------------------------- many notebooks, in parallel

def _worker(path, chapter, timeout, cell_timeout, conn):
    os.setsid()
    try:
        conn.send(grade_notebook(path, chapter, timeout, cell_timeout))
    except BaseException as exc:  # noqa: BLE001 — a row, never a crash
        conn.send({"notebook": str(path), "status": f"grader error: {plain.safe_text(exc, 200)}"})
    finally:
        conn.close()
        os._exit(0)


def grade_all(paths: list[str], jobs: int, timeout: float, cell_timeout: float, chapter: int | None = None,
              progress=print) -> list[dict]:
    """Grade ``paths`` with ``jobs`` notebooks at a time; each gets ``timeout`` seconds, then is killed."""
    import multiprocessing as mp

    all_exercises()  # import every reference before any submission runs
    ctx = mp.get_context("fork")
    pending, running, rows = list(enumerate(paths)), {}, {}
    while pending or running:
        while pending and len(running) < jobs:
            i, path = pending.pop(0)
            receive, send = ctx.Pipe(duplex=False)
            proc = ctx.Process(target=_worker, args=(path, chapter, timeout, cell_timeout, send))
            proc.start()
            send.close()
            running[i] = (proc, receive, time.monotonic(), path)
        for i, (proc, receive, started, path) in list(running.items()):
            row = None
            if receive.poll(0):
                try:
                    row = receive.recv()
                except EOFError:
                    row = {"notebook": str(path), "status": "grader worker ended without a row"}
            elif not proc.is_alive():
                row = {"notebook": str(path), "status": "grader worker ended without a row"}
            elif time.monotonic() - started > timeout + 30:
                row = {"notebook": str(path), "status": "time limit"}
            if row is not None:
                _end(proc)
                rows[i] = row
                del running[i]
                progress(f"[{len(rows)}/{len(paths)}] {path}: {row.get('total', 0)} ({row['status']})")
        time.sleep(0.05)
    return [rows[i] for i in range(len(paths))]


def _end(proc) -> None:
    if proc.is_alive():
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except OSError:
            proc.kill()
    proc.join(5)


def write_csv(rows: list[dict], out: str) -> None:
    """One row per notebook: notebook, chapter, one column per exercise, total, max, status, seed, seconds."""
    ids = sorted({k for r in rows for k in r if re.match(r"ch\d\d\.", k)})
    chapters = {int(i[2:4]) for i in ids}
    ids = [ex.id for ex in all_exercises() if ex.chapter in chapters]
    columns = ["notebook", "chapter", *ids, "total", "max", "status", "seed", "seconds"]
    with open(out, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, columns, extrasaction="ignore")
        writer.writeheader()
        for r in rows:
            mine = {int(k[2:4]) for k in r if re.match(r"ch\d\d\.", k)} or {r.get("chapter")}
            writer.writerow({c: r.get(c, 0.0 if c in ids and int(c[2:4]) in mine else "") for c in columns})


def find_notebooks(items: list[str]) -> list[str]:
    """The ``.ipynb`` files named, or found (recursively) in the directories named."""
    found = []
    for item in items:
        p = Path(item)
        found += sorted(str(q) for q in p.rglob("*.ipynb") if ".ipynb_checkpoints" not in q.parts) if p.is_dir() \
            else [str(p)]
    return found
