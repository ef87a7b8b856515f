"""The API page shows tests/keras_differences.py as it is (tests/test_keras_api.py checks the table itself)."""

from pathlib import Path

import keras_differences as table

API_PAGE = Path(__file__).resolve().parents[1] / "api.md"


def test_api_page_shows_the_current_table():
    text = API_PAGE.read_text(encoding="utf-8")
    assert text.count(table.START) == 1 and text.count(table.END) == 1, "api.md lost its generated section markers"
    shown = text[text.index(table.START):text.index(table.END) + len(table.END)]
    assert shown == table.as_markdown(), ("api.md's 'Where dlcore differs from Keras 3' section is out of date: "
                                          "run `python tests/keras_differences.py`")


def test_every_entry_appears_on_the_page_with_its_reason():
    page = table.as_markdown()
    reasons = [r for *_, r in table.CATEGORIES] + list(table.DIFFERENCES.values()) + list(table.PENDING.values())
    for reason in reasons + list(table.ADDITIONS.values()):
        assert reason[1:] in page, f"reason missing from the page: {reason!r}"
    assert page.count("\n### ") >= 8 and "## Where dlcore differs from Keras 3" in page
