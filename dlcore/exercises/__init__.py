"""Graded exercises with instant feedback.

In a chapter::

    from dlcore.exercises import check, progress
    check("ch03.sigmoid_grad", sigmoid_grad)   # ✓/✗ per test, hints, a score
    progress()                                 # every exercise and what you passed in this session

``check`` never raises and never hangs: errors, endless loops (time limit), ``None``, wrong
types, shapes or NaN in your answer become messages. An untouched stub reads "not attempted yet".
Each chapter's exercises (reference solution, tests, hints) are in ``dlcore/exercises/chNN.py``.
"""

from __future__ import annotations

import importlib
import pkgutil

from .display import ProgressTable
from .grading import Check, Exercise, Result, grade

_REGISTRY: dict[str, Exercise] = {}
_BEST: dict[str, Result] = {}


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


def check(exercise_id: str, answer) -> Result:
    """Grade ``answer`` for the exercise ``exercise_id`` and remember the best result. Never raises."""
    try:
        exercise = get(exercise_id)
    except KeyError as exc:
        return UnknownExercise(str(exc))
    result = grade(exercise, answer)
    best = _BEST.get(exercise_id)
    if best is None or best.not_attempted or (not result.not_attempted and result.score >= best.score):
        _BEST[exercise_id] = result
    return result


class UnknownExercise:
    """What :func:`check` shows for an id that does not exist (a typo in the check cell)."""

    def __init__(self, message: str):
        self.message = message.strip("'\"")
        self.passed = False

    def __repr__(self) -> str:
        return f"Cannot check: {self.message}"


def progress(chapter: int | None = None) -> ProgressTable:
    """A table of the exercises (of one ``chapter``, or all) and your best result in this session."""
    rows = [(ex, _BEST.get(ex.id)) for ex in all_exercises() if chapter is None or ex.chapter == chapter]
    return ProgressTable(rows)


__all__ = ["Check", "Exercise", "Result", "all_exercises", "check", "get", "grade", "progress", "register"]
