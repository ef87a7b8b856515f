"""Graded exercises with instant feedback, and progress that persists.

In a chapter::

    from dlcore.exercises import check, progress
    check("ch03.sigmoid_grad")   # grades the `sigmoid_grad` your exercise cell defined: ✓/✗, a hint, a score
    progress()                   # every exercise of the course, and the date you passed it

``check`` never raises and never hangs: errors, endless loops (one time budget per check), ``None``,
wrong types, shapes or NaN in your answer become messages; an untouched stub reads "not attempted
yet"; a failure tells you how to repeat the same random inputs (``check(..., seed=1234)``).
``check(id, answer)`` grades ``answer`` instead of the name the exercise defines.
Each chapter's exercises (reference solution, tests, hints) are in ``dlcore/exercises/chNN.py``;
how a check is run is in ``grading.py`` and ``sandbox.py``; the teacher's bulk grader is
``python -m dlcore.exercises grade`` (``bulk.py``).
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys

from . import store
from .display import ProgressTable
from .grading import Check, Exercise, Result, grade
from .store import progress_file

_REGISTRY: dict[str, Exercise] = {}
_SUBMITTED: dict[str, object] = {}   # under the teacher's grader: what each check cell passed
_MISSING = object()


def register(*exercises: Exercise) -> None:
    """Add exercises to the registry (called by the ``chNN`` modules)."""
    for ex in exercises:
        if ex.id in _REGISTRY and _REGISTRY[ex.id] is not ex:
            raise ValueError(f"two exercises are called {ex.id!r}")
        _REGISTRY[ex.id] = ex


def _load_all() -> None:
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("ch"):
            importlib.import_module(f"{__name__}.{info.name}")
    from .fresh import attach
    attach(_REGISTRY.values())


def all_exercises() -> list[Exercise]:
    """Every exercise of the course, in chapter order."""
    _load_all()
    return sorted(_REGISTRY.values(), key=lambda ex: (ex.chapter, list(_REGISTRY).index(ex.id)))


def get(exercise_id: str) -> Exercise:
    """The exercise called ``exercise_id`` (e.g. ``"ch03.sigmoid_grad"``)."""
    _load_all()
    if exercise_id not in _REGISTRY:
        raise KeyError(f"no exercise {exercise_id!r}; known: {', '.join(sorted(_REGISTRY))}")
    return _REGISTRY[exercise_id]


class Message:
    """A one-sentence answer from :func:`check` when there is nothing to grade."""

    def __init__(self, text: str):
        self.text, self.passed = text, False

    def __repr__(self) -> str:
        return self.text


UnknownExercise = Message


def _find_answer(exercise: Exercise, frame_globals: dict | None):
    """The learner's answer by the name the exercise defines: in the caller's globals, then ``__main__``."""
    spaces = [frame_globals or {}, vars(sys.modules.get("__main__", object()))]
    for space in spaces:
        if exercise.answer in space:
            return space[exercise.answer]
    return _MISSING


def check(exercise_id, answer=_MISSING, seed: int | None = None) -> Result | Message:
    """Grade the answer to ``exercise_id`` and remember the result. Never raises.

    Parameters
    ----------
    exercise_id : str
        Such as ``"ch02.neuron_forward"``.
    answer : optional
        What to grade; by default the name the exercise cell defines (``neuron_forward``), looked
        up in the calling notebook.
    seed : int, optional
        The seed of the fresh random inputs; a failed check tells you the one it used.
    """
    try:
        exercise = get(exercise_id)
    except (KeyError, TypeError) as exc:
        return Message(f"Cannot check: {str(exc).strip(chr(39) + chr(34))}")
    if answer is _MISSING:
        caller = sys._getframe(1).f_globals if hasattr(sys, "_getframe") else None
        answer = _find_answer(exercise, caller)
    if os.environ.get("DLCORE_GRADING") == "1":
        if answer is not _MISSING:
            _SUBMITTED[exercise.id] = answer
        return Message(f"{exercise.title}: graded by the teacher's grader, not here.")
    if answer is _MISSING:
        return Message(f"{exercise.title}: `{exercise.answer}` is not defined yet. Run the exercise cell above "
                       f"(if it shows an error, fix it and run it again), then run this cell.")
    result = grade(exercise, answer, seed=seed)
    if not (result.not_attempted or result.interrupted):
        store.record(exercise.id, result.score, len(result.tests), result.passed)
    return result


def progress(chapter: int | None = None) -> ProgressTable:
    """A table of the exercises (of one ``chapter``, or the whole course) with your best result and the date you
    passed each; it is read from your progress file, so it survives restarts and spans chapters."""
    records = store.load()
    rows = [(ex, records.get(ex.id)) for ex in all_exercises() if chapter is None or ex.chapter == chapter]
    return ProgressTable(rows, store.progress_file(), store.problem())


def reset_progress(confirm: bool = False) -> Message:
    """Forget every exercise you passed: ``reset_progress(confirm=True)``. The old file is kept as a backup."""
    return Message(store.reset(confirm))


__all__ = ["Check", "Exercise", "Result", "all_exercises", "check", "get", "grade", "progress", "progress_file",
           "register", "reset_progress"]
