"""Every exercise of the course is provably graded.

For each exercise registered in ``dlcore.exercises``:
- its reference solution passes every check;
- the stub in its chapter notebook (the code cell tagged ``exercise`` before the cell that calls
  ``check("<id>")``) does not pass — it reads "not attempted yet"; the stub defines the name the
  exercise's ``answer`` says, which ``check("<id>")`` looks up;
- at least two plausible wrong answers (``tests/exercise_wrong_answers/chNN.py``) are rejected;
- an answer that changes its arguments in place gets exactly that ✗, and every other test passes.
"""

import importlib
import json
import pkgutil
import re
from pathlib import Path

import numpy as np
import pytest

import dlcore
from dlcore.exercises import all_exercises, grade

ROOT = Path(__file__).resolve().parents[1]
EXERCISE_BOX = re.compile(r"^:::\{exercise\}\s*(.+?)\s*$", re.M)
CHECK_CALL = re.compile(r"""^\s*check\(\s*["'](ch\d\d\.\w+)["']\s*(?:,\s*(.+?))?\s*\)\s*$""", re.M)
EXERCISES = all_exercises()


def _wrong_answers(kind="WRONG") -> dict:
    import exercise_wrong_answers as package

    wrong = {}
    for info in pkgutil.iter_modules(package.__path__):
        wrong.update(getattr(importlib.import_module(f"exercise_wrong_answers.{info.name}"), kind, {}))
    return wrong


def _stubs() -> dict:
    """``{exercise id: (notebook name, stub source, answer expression, exercise box title)}`` from every chapter."""
    stubs = {}
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        all_cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        for i, cell in enumerate(all_cells):
            if cell["cell_type"] != "code":
                continue
            for exercise_id, answer in CHECK_CALL.findall("".join(cell["source"])):
                before = all_cells[:i]
                tagged = [c for c in before if "exercise" in c.get("metadata", {}).get("tags", [])]
                assert tagged, f"{path.name}: no cell tagged 'exercise' before check({exercise_id!r}, ...)"
                assert exercise_id not in stubs, f"{exercise_id} is checked in two places"
                boxes = [m for c in before if c["cell_type"] == "markdown"
                         for m in EXERCISE_BOX.findall("".join(c["source"]))]
                stubs[exercise_id] = (path.name, "".join(tagged[-1]["source"]), answer, boxes[-1] if boxes else None)
    return stubs


WRONG = _wrong_answers()
MUTATING = _wrong_answers("MUTATING")
STUBS = _stubs()
IDS = [ex.id for ex in EXERCISES]
BY_ID = {ex.id: ex for ex in EXERCISES}


def _answer_from_stub(exercise_id):
    _, source, expression, _ = STUBS[exercise_id]
    namespace = {"np": np, "dlcore": dlcore}
    exec(compile(source, f"<stub {exercise_id}>", "exec"), namespace)
    return eval(expression or BY_ID[exercise_id].answer, namespace)


@pytest.mark.parametrize("exercise", EXERCISES, ids=IDS)
def test_reference_solution_passes(exercise):
    result = grade(exercise, exercise.solution)
    assert result.passed, repr(result)


@pytest.mark.parametrize("exercise", EXERCISES, ids=IDS)
def test_notebook_stub_is_not_accepted(exercise):
    assert exercise.id in STUBS, f"{exercise.id} is not checked in any chapter notebook"
    result = grade(exercise, _answer_from_stub(exercise.id))
    assert not result.passed and result.not_attempted, repr(result)


@pytest.mark.parametrize("exercise", EXERCISES, ids=IDS)
def test_exercise_box_and_check_result_share_the_title(exercise):
    assert exercise.id in STUBS, f"{exercise.id} is not checked in any chapter notebook"
    assert STUBS[exercise.id][3] == exercise.title, (
        f"the notebook's exercise box says {STUBS[exercise.id][3]!r}, the check says {exercise.title!r}")


@pytest.mark.parametrize("exercise", EXERCISES, ids=IDS)
def test_plausible_wrong_answers_are_rejected(exercise):
    wrong = WRONG.get(exercise.id, [])
    assert len(wrong) >= 2, f"{exercise.id} needs at least two wrong answers in tests/exercise_wrong_answers/"
    for answer in wrong:
        with np.errstate(all="ignore"):
            result = grade(exercise, answer)
        assert not result.passed, f"wrong answer {answer!r} was accepted for {exercise.id}"


@pytest.mark.parametrize("exercise_id", sorted(MUTATING))
def test_an_answer_that_changes_its_arguments_gets_its_own_cross(exercise_id):
    result = grade(BY_ID[exercise_id], MUTATING[exercise_id])
    failed = [t for t in result.tests if not t.passed]
    assert [t.name for t in failed] == ["leaves its arguments unchanged"], repr(result)
    assert "changed its argument" in failed[0].message and " in place" in failed[0].message


@pytest.mark.parametrize("exercise", EXERCISES, ids=IDS)
def test_check_cells_name_the_answer_the_exercise_looks_up(exercise):
    _, source, expression, _ = STUBS[exercise.id]
    assert not expression or expression == exercise.answer, (
        f"the check cell passes {expression!r} but the exercise looks up {exercise.answer!r}")
    assert re.search(rf"^(def\s+{exercise.answer}\b|{exercise.answer}\s*=)", source, re.M), (
        f"the exercise cell of {exercise.id} does not define {exercise.answer}")


def test_every_checked_id_exists_and_wrong_answers_name_real_exercises():
    assert set(STUBS) <= set(IDS), set(STUBS) - set(IDS)
    assert set(WRONG) <= set(IDS), set(WRONG) - set(IDS)


def test_core_chapters_have_at_least_three_exercises():
    chapters = {int(name[:2]) for name in (p.name for p in (ROOT / "chapters").glob("*.ipynb"))}
    for chapter in sorted(chapters & set(range(2, 13))):
        count = sum(ex.chapter == chapter for ex in EXERCISES)
        assert count >= 3, f"chapter {chapter} has {count} graded exercises; core chapters need at least 3"
