"""Progress that survives kernel restarts: a small JSON file in the learner's home.

``~/.dlcore/progress.json`` by default, or the file named by the environment variable
``DLCORE_PROGRESS_FILE``, or one set with :func:`progress_file`. The home directory is where it
should be everywhere: locally, on Binder and Colab. In JupyterLite Pyodide's home lives in memory
and is lost on reload, so there the file goes to ``/drive/.dlcore/`` — JupyterLite's own file
browser, kept in the browser's storage (IndexedDB). Writes are atomic (a temporary file,
then ``os.replace``). A file that cannot be read is set aside as ``progress.json.corrupt-<time>``
(never deleted) and a new one started; the learner is told. On the built site
(``DLCORE_STATIC_SITE=1``) and in the teacher's grader (``DLCORE_GRADING=1``) nothing is written.

The file::

    {"version": 1, "exercises": {"ch02.neuron_forward": {"best": 4, "of": 6, "passed": "2025-01-31",
                                                         "last": "2025-02-01"}}}
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import sys
import tempfile
from pathlib import Path

VERSION = 1
_chosen: Path | None = None
_last_problem = ""

DRIVE = "/drive"  # JupyterLite's file browser, kept in the browser's storage


def progress_file(path: str | os.PathLike | None = None) -> Path:
    """The progress file; with ``path``, use that file from now on (in this session)."""
    global _chosen
    if path is not None:
        _chosen = Path(path).expanduser()
    if _chosen is not None:
        return _chosen
    env = os.environ.get("DLCORE_PROGRESS_FILE")
    if env:
        return Path(env).expanduser()
    return _home() / ".dlcore" / "progress.json"


def _home() -> Path:
    """The learner's home; in JupyterLite the browser-backed ``/drive``, since Pyodide's own home is lost on reload."""
    if sys.platform == "emscripten" and Path(DRIVE).is_dir():
        return Path(DRIVE)
    return Path.home()


def writing_disabled() -> bool:
    return os.environ.get("DLCORE_STATIC_SITE") == "1" or os.environ.get("DLCORE_GRADING") == "1"


def problem() -> str:
    """What went wrong the last time the file was read or written ("" when nothing did)."""
    return _last_problem


def load() -> dict[str, dict]:
    """``{exercise id: record}`` from the file; an unreadable file is backed up and reported, never raised."""
    global _last_problem
    path = progress_file()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as exc:
        _last_problem = f"could not read {path}: {exc}"
        return {}
    try:
        data = json.loads(text)
        records = data["exercises"]
        if not isinstance(records, dict) or not all(isinstance(r, dict) for r in records.values()):
            raise ValueError("'exercises' is not a table of records")
        return records
    except (ValueError, KeyError, TypeError) as exc:
        backup = path.with_name(f"{path.name}.corrupt-{_dt.datetime.now():%Y%m%d-%H%M%S}")
        try:
            os.replace(path, backup)
            _last_problem = (f"your progress file {path} could not be read ({exc}); it was kept as {backup.name} "
                             "and a new one started")
        except OSError:
            _last_problem = f"your progress file {path} could not be read ({exc})"
        return {}


def _save(records: dict[str, dict]) -> None:
    global _last_problem
    if writing_disabled():
        return
    path = progress_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".progress-", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump({"version": VERSION, "exercises": records}, out, indent=1, sort_keys=True)
        os.replace(tmp, path)
    except OSError as exc:
        _last_problem = f"could not save your progress to {path}: {exc}"


def record(exercise_id: str, score: int, of: int, passed: bool, today: str | None = None) -> None:
    """Remember a graded attempt: the best score, the date of the first pass and of the last attempt."""
    if writing_disabled():
        return
    today = today or _dt.date.today().isoformat()
    records = load()
    old = records.get(exercise_id, {})
    new = {"best": max(score, int(old.get("best", 0)) if old.get("of") == of else score), "of": of, "last": today}
    if old.get("passed") or passed:
        new["passed"] = old.get("passed") or today
    records[exercise_id] = new
    _save(records)


def reset(confirm: bool = False) -> str:
    """Forget all progress (the file is kept as a backup ``progress.json.reset-<time>``)."""
    if confirm is not True:
        return "Nothing was reset: call reset_progress(confirm=True) to forget every exercise you passed."
    path = progress_file()
    if writing_disabled() or not path.exists():
        return "There was no saved progress to reset."
    backup = path.with_name(f"{path.name}.reset-{_dt.datetime.now():%Y%m%d-%H%M%S}")
    try:
        os.replace(path, backup)
    except OSError as exc:
        return f"Could not reset {path}: {exc}"
    return f"Progress reset (the old file is kept as {backup})."
