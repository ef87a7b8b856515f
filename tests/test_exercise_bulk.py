"""The teacher's bulk grader (dlcore/exercises/bulk.py): a row per notebook, never a crash or a false pass."""

import csv
import sys

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from dlcore.exercises.__main__ import main

RIGHT = {
    "neuron_forward": "import numpy as np\ndef neuron_forward(X, w, b):\n"
                      "    return 0.5 * (1 + np.tanh((X @ w + b) / 2))",
    "answer_output": "answer_output = 0.2689",
    "answer_bias": "answer_bias = 'b'",
    "logistic_gradient": "import numpy as np\ndef logistic_gradient(X, y, w, b):\n"
                         "    e = 0.5 * (1 + np.tanh((X @ w + b) / 2)) - y\n"
                         "    return X.T @ e / len(y), float(e.mean())",
    "learning_rate": "learning_rate = 12.0",
}
IDS = ["ch02.neuron_forward", "ch02.neuron_output", "ch02.bias_statement", "ch02.logistic_gradient",
       "ch02.tune_learning_rate"]


def _notebook(path, cells):
    nb = new_notebook(cells=[new_code_cell(c) for c in cells])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)


def _checks():
    return [f'from dlcore.exercises import check\ncheck("{i}")' for i in IDS]


pytestmark = pytest.mark.xdist_group("exercise_bulk")  # the class is graded once, in one worker


@pytest.fixture(scope="module")
def rows(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("class")
    _notebook(tmp / "right.ipynb", list(RIGHT.values()) + _checks())
    _notebook(tmp / "renamed_no_checks.ipynb", list(reversed(RIGHT.values())))   # no check cells, reordered
    faked = dict(RIGHT, neuron_forward="def neuron_forward(X, w, b):\n    return 0.5")
    _notebook(tmp / "patched.ipynb", list(faked.values()) + _checks() + [
        "import numpy as np, dlcore.exercises as dx, dlcore.exercises.expect as ex\n"
        "np.allclose = np.isclose = lambda *a, **k: True\nex.close = ex.same = ex.number = lambda *a, **k: None\n"
        "dx.grade = lambda *a, **k: None"])
    _notebook(tmp / "hangs.ipynb", [RIGHT["answer_bias"],
                                    "def neuron_forward(X, w, b):\n    while True:\n        try:\n            pass\n"
                                    "        except BaseException:\n            pass",
                                    "while True:\n    try:\n        pass\n    except BaseException:\n        pass"])
    _notebook(tmp / "exits.ipynb", [RIGHT["answer_output"], "import os\nos._exit(1)", RIGHT["answer_bias"]])
    (tmp / "broken.ipynb").write_text("{not a notebook")
    out = tmp / "grades.csv"
    assert main(["grade", str(tmp), "--out", str(out), "--jobs", "2", "--timeout", "120", "--cell-timeout", "8",
                 "--chapter", "2"]) == 0
    return {r["notebook"].rsplit("/", 1)[-1]: r for r in csv.DictReader(out.open())}


def test_a_right_notebook_gets_full_marks(rows):
    assert float(rows["right.ipynb"]["total"]) == 5 and rows["right.ipynb"]["max"] == "5"


def test_answers_are_found_by_name_without_check_cells(rows):
    assert float(rows["renamed_no_checks.ipynb"]["total"]) == 5


def test_patching_numpy_or_dlcore_in_the_kernel_fakes_nothing(rows):
    row = rows["patched.ipynb"]
    assert float(row["ch02.neuron_forward"]) < 1 and float(row["total"]) < 5
    assert float(row["ch02.bias_statement"]) == 1


def test_a_hanging_notebook_gets_a_row_with_what_it_answered(rows):
    row = rows["hangs.ipynb"]
    assert float(row["ch02.bias_statement"]) == 1 and float(row["ch02.neuron_forward"]) < 1


def test_a_notebook_that_kills_its_kernel_gets_a_row(rows):
    row = rows["exits.ipynb"]
    assert float(row["ch02.neuron_output"]) == 1 and float(row["ch02.bias_statement"]) == 1


def test_an_unreadable_notebook_gets_a_row(rows):
    assert "unreadable" in rows["broken.ipynb"]["status"]


def test_no_notebooks_is_an_error(tmp_path):
    assert main(["grade", str(tmp_path), "--out", str(tmp_path / "g.csv")]) == 2


if sys.platform == "win32":  # pragma: no cover
    pytestmark = pytest.mark.skip("the bulk grader needs fork")
