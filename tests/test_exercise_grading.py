"""The grader itself: it never raises, never hangs, and explains every kind of wrong answer."""

import numpy as np
import pytest

from dlcore.exercises import check, expect, progress
from dlcore.exercises.grading import Check, Exercise, grade


def _square_solution(x):
    return x**2


SQUARE = Exercise(
    id="ch99.square", title="Square an array", kind="implement", solution=_square_solution, time_limit=0.5,
    tests=[
        Check("squares a vector", lambda f: expect.close(f(np.array([1.0, -2.0])), [1.0, 4.0]), hint="use **"),
        Check("keeps the shape", lambda f: expect.array(f(np.zeros((2, 3))), shape=(2, 3)), hint="elementwise"),
    ])
NUMBER = Exercise(id="ch99.number", title="A number", kind="predict", solution=42,
                  tests=[Check("value", lambda a: expect.number(a, 42), hint="six times seven")])


def test_solution_passes():
    result = grade(SQUARE, SQUARE.solution)
    assert result.passed and result.score == 3  # two tests and "leaves its arguments unchanged"
    assert "3/3 tests passed" in repr(result) and "✓" in result._repr_html_()


def test_stub_reads_not_attempted():
    def stub(x):
        raise NotImplementedError
    for answer, ex in ((stub, SQUARE), (..., NUMBER)):
        result = grade(ex, answer)
        assert result.not_attempted and not result.passed
        assert "Not attempted yet" in repr(result) and "Not attempted yet" in result._repr_html_()


@pytest.mark.parametrize("answer, message", [
    (lambda x: None, "forget the `return`"),
    (lambda x: [1.0, 4.0], "expected a numpy array"),
    (lambda x: x * 2, "wrong value at index (1,)"),
    (lambda x: x.sum(), "shape"),
    (lambda x: x / 0.0, "NaN or infinite"),
    (lambda x: 1 / 0, "ZeroDivisionError"),
    (lambda x: exec("import sys; sys.exit(1)"), "SystemExit"),
    (lambda x: _forever(), "endless loop"),
    (lambda x: __import__("os")._exit(3), "ended the Python process (exit code 3)"),
])
def test_wrong_answers_get_a_message_never_an_exception(answer, message):
    with np.errstate(all="ignore"):
        result = grade(SQUARE, answer)
    assert not result.passed
    assert any(message in t.message for t in result.tests), [t.message for t in result.tests]
    assert "Hint:" in repr(result)


def _forever():
    while True:
        pass


def test_time_limit_also_works_off_the_main_thread():
    import threading
    out = {}
    thread = threading.Thread(target=lambda: out.setdefault("r", grade(SQUARE, lambda x: _forever())))
    thread.start()
    thread.join(10)
    assert not thread.is_alive() and "endless loop" in out["r"].tests[0].message


def test_answer_is_not_mutated_between_tests():
    data = {"value": [1, 2]}

    def mutate(answer):
        answer["value"].append(3)
        expect.equal(len(answer["value"]), 3)

    ex = Exercise(id="ch99.mutate", title="t", kind="predict", solution=data,
                  tests=[Check("a", mutate), Check("b", mutate)])
    assert grade(ex, data).passed and data == {"value": [1, 2]}


def test_predict_checks():
    assert not grade(NUMBER, "42").passed
    assert not grade(NUMBER, 41).passed
    assert grade(NUMBER, 42.0).passed


def test_check_unknown_id_does_not_raise():
    assert "Cannot check" in repr(check("ch99.nope", 1))


def test_progress_lists_exercises(tmp_path, monkeypatch):
    monkeypatch.setenv("DLCORE_PROGRESS_FILE", str(tmp_path / "p.json"))
    table = progress()
    assert "Exercises passed: 0/" in repr(table) and "<table>" in table._repr_html_()


def test_bad_exercise_definitions_are_refused():
    with pytest.raises(ValueError, match="kind"):
        Exercise(id="ch99.x", title="t", kind="essay", solution=1, tests=[Check("a", lambda a: None)])
    with pytest.raises(ValueError, match="no tests"):
        Exercise(id="ch99.x", title="t", kind="predict", solution=1, tests=[])


def test_letter_accepts_one_letter_in_any_case_and_rejects_the_rest():
    assert expect.letter(" B ") == "b"
    assert expect.letter("e", choices="abcde") == "e"
    for wrong in ("e", "ab", "b or c", "", 2, None, ["a"]):
        with pytest.raises(AssertionError, match=r"; expected one letter as a string: 'a', 'b', 'c' or 'd'$"):
            expect.letter(wrong)
    with pytest.raises(AssertionError, match=r"^your answer is str 'f'; .*'a', 'b', 'c', 'd' or 'e'$"):
        expect.letter("f", choices="abcde")


def test_choice_explains_each_wrong_letter():
    why = {"a": "the bias is added before the activation", "c": "the bias is no connection"}
    expect.choice(" B", "b", why)
    expect.choice("e", "e", choices="abcde")
    with pytest.raises(AssertionError, match=r"^\(a\) is not right: the bias is added before the activation$"):
        expect.choice("A", "b", why)
    with pytest.raises(AssertionError, match=r"^\(d\) is not right$"):  # a wrong letter without an explanation
        expect.choice("d", "b", why)
    with pytest.raises(AssertionError, match="expected one letter as a string"):
        expect.choice("b or c", "b", why)


def test_number_names_a_known_mistake():
    pairs = [(4.0, "that is the sum; the loss is their mean"), (0.5, "that forgets the factor 2")]
    expect.number(1.0015, 1.0, rtol=2e-3, mistakes=pairs)
    with pytest.raises(AssertionError, match=r"^your answer is 4.0030, which is not right: that is the sum; the loss"):
        expect.number(4.003, 1.0, rtol=2e-3, mistakes=pairs, fmt=".4f")
    with pytest.raises(AssertionError, match=r"^your answer is 3, which is not right$"):
        expect.number(3, 1.0, rtol=2e-3, mistakes=pairs)
    counts = {153600: "that forgets the 128 biases"}  # a dict works too
    with pytest.raises(expect.Mistake, match=r"^n_params is 153,600, which is not right: that forgets the 128 biases$"):
        expect.number(153600, 153728, rtol=0, name="n_params", mistakes=counts, fmt=",")
    with pytest.raises(AssertionError, match=r"^your answer is str '0.5'; expected a number$"):
        expect.number("0.5", 1.0, mistakes=pairs)
    with pytest.raises(AssertionError, match=r"^your answer is 1.003, which is not right$"):
        expect.number(1.003, 1.0, rtol=2e-3, mistakes=[(1.0015, "within the tolerance of the answer: never said")])


def test_equal_names_a_known_mistake():
    mistakes = {(32, 10, 10): "one head's worth", "c": "never used for a tuple"}
    expect.equal([32, 8, 10, 10], (32, 8, 10, 10), mistakes=mistakes)
    with pytest.raises(AssertionError, match=r"^the shape is tuple \(32, 10, 10\), which is not right: one head's"):
        expect.equal([32, 10, 10], (32, 8, 10, 10), name="the shape", mistakes=mistakes)
    with pytest.raises(AssertionError, match=r"^your answer is tuple \(8, 32, 10, 10\), which is not right$"):
        expect.equal((8, 32, 10, 10), (32, 8, 10, 10), mistakes=mistakes)
    with pytest.raises(AssertionError, match=r"^your answer is dict \{'a': 1\}, which is not right$"):  # unhashable
        expect.equal({"a": 1}, (32, 8, 10, 10), mistakes=mistakes)
