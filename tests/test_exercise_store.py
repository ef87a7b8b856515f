"""Progress persists in a small JSON file (dlcore/exercises/store.py) and check() finds answers by name."""

import json

import numpy as np
import pytest

from dlcore.exercises import check, progress, progress_file, reset_progress, store


@pytest.fixture(autouse=True)
def _own_file(tmp_path, monkeypatch):
    monkeypatch.setenv("DLCORE_PROGRESS_FILE", str(tmp_path / "progress.json"))
    monkeypatch.delenv("DLCORE_STATIC_SITE", raising=False)
    monkeypatch.delenv("DLCORE_GRADING", raising=False)
    monkeypatch.setattr(store, "_chosen", None)
    return tmp_path / "progress.json"


def neuron_forward(X, w, b):
    return 0.5 * (1 + np.tanh((X @ w + b) / 2))


def test_a_pass_is_saved_with_its_date_and_survives_a_restart(_own_file):
    assert check("ch02.neuron_forward").passed       # found by name in this module's globals
    saved = json.loads(_own_file.read_text())["exercises"]["ch02.neuron_forward"]
    assert saved["passed"] and saved["best"] == saved["of"]
    store_records = store.load()                     # what a new kernel would read
    assert "passed on" in repr(progress()) and store_records["ch02.neuron_forward"]["passed"] == saved["passed"]
    assert "ch13" in repr(progress())                 # the whole course


def test_a_later_failure_keeps_the_pass(_own_file):
    check("ch02.neuron_forward")
    check("ch02.neuron_forward", lambda X, w, b: X @ w)
    assert json.loads(_own_file.read_text())["exercises"]["ch02.neuron_forward"]["passed"]


def test_a_corrupt_file_is_kept_as_a_backup_and_reported(_own_file):
    _own_file.write_text("{not json")
    table = progress()
    assert "could not be read" in repr(table)
    assert list(_own_file.parent.glob("progress.json.corrupt-*"))
    check("ch02.neuron_forward")
    assert json.loads(_own_file.read_text())["exercises"]


def test_reset_needs_confirmation_and_keeps_a_backup(_own_file):
    check("ch02.neuron_forward")
    assert "Nothing was reset" in repr(reset_progress())
    assert _own_file.exists()
    assert "Progress reset" in repr(reset_progress(confirm=True))
    assert not _own_file.exists() and list(_own_file.parent.glob("progress.json.reset-*"))


def test_nothing_is_written_on_the_built_site(_own_file, monkeypatch):
    monkeypatch.setenv("DLCORE_STATIC_SITE", "1")
    check("ch02.neuron_forward")
    assert not _own_file.exists()


def test_the_file_can_be_chosen_with_a_function(tmp_path):
    progress_file(tmp_path / "elsewhere.json")
    check("ch02.neuron_forward")
    assert (tmp_path / "elsewhere.json").exists()


def test_a_check_cell_without_its_exercise_says_so_in_a_sentence():
    message = repr(check("ch02.logistic_gradient"))   # this module defines no logistic_gradient
    assert "`logistic_gradient` is not defined yet" in message and "Run the exercise cell" in message


def test_in_jupyterlite_progress_goes_to_the_browser_backed_drive(monkeypatch, tmp_path):
    from dlcore.exercises import store

    monkeypatch.delenv("DLCORE_PROGRESS_FILE", raising=False)
    monkeypatch.setattr(store, "_chosen", None)
    monkeypatch.setattr(store, "DRIVE", str(tmp_path))
    monkeypatch.setattr(store.sys, "platform", "emscripten")
    assert store.progress_file() == tmp_path / ".dlcore" / "progress.json"
    monkeypatch.setattr(store.sys, "platform", "linux")
    assert store.progress_file() == store.Path.home() / ".dlcore" / "progress.json"
