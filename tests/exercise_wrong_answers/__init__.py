"""Plausible wrong answers for every exercise, one module per chapter (``chNN.py``).

Each module defines ``WRONG = {"chNN.exercise_id": [wrong_answer, ...]}`` with at least two
entries per exercise: the mistakes learners really make (wrong sign, wrong axis, missing bias,
naive unstable formula, off-by-one …). tests/test_exercises.py proves the grader rejects them all.
"""
