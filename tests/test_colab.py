"""The plain-Markdown copies of the chapters that the Colab button opens (_ext/plain_markdown.py, colab_copies.py).

Colab renders Markdown as CommonMark: rendered by a plain CommonMark renderer, no copy may show a MyST
role, directive, label or option, and every solution must sit in a closed ``<details>``.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from book_build import HTML
from colab_config import repository
from markdown_it import MarkdownIt

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "_ext"))
import colab_copies  # noqa: E402
from plain_markdown import Book, convert_markdown  # noqa: E402

# What MyST syntax looks like once a CommonMark renderer has passed over it (as text in the HTML).
MYST_LEFTOVERS = re.compile(r"\{[a-z][\w:-]*\}`|\{[a-z][\w:-]*\}<code>|^:{3,}|:::\{|```\{|^\([\w:.-]+\)=|"
                            r"^:(?:class|label|name|sync|pyobject):|\$\$\s*\([\w:.-]+\)|\]\(#", re.M)


@pytest.fixture(scope="module")
def copies():
    book, notebooks = colab_copies.build_book_index(ROOT, ["references.bib"])
    from plain_markdown import convert_notebook
    return book, {path.name: convert_notebook(nb, book) for path, nb in notebooks.items()}


def _book() -> Book:
    return Book(equations={"ch2-neuron": "2.2"}, exercises={"ex-a": "2.1"}, sections={"sec-x": "The brain"},
                documents={"chapters/07_backpropagation": "Chapter 7, Backpropagation"},
                citations={"lecun2015": ("LeCun et al.", "2015"), "hinton2006": ("Hinton and Salakhutdinov", "2006")})


def test_roles_become_their_text_numbers_and_citations():
    text = ("A {term}`neuron`, {term}`weights <weight>`, see {eq}`ch2-neuron`, {cite}`lecun2015,hinton2006`, "
            "{cite:t}`lecun2015`, {doc}`../chapters/07_backpropagation`, "
            "{doc}`there <../chapters/07_backpropagation>`, "
            "{ref}`sec-x` and [](#sec-x).")
    assert convert_markdown(text, _book()) == (
        "A neuron, weights, see (2.2), (LeCun et al., 2015; Hinton and Salakhutdinov, 2006), LeCun et al. (2015), "
        "*Chapter 7, Backpropagation*, there, The brain and *The brain*.")


def test_labelled_equations_get_the_sites_number_and_targets_vanish():
    text = "(sec-x)=\n## Title\n\n$$\na = f(z)\n$$ (ch2-neuron)\n\n$$ b = 1 $$ (ch2-neuron)"
    assert convert_markdown(text, _book()) == "## Title\n\n$$\na = f(z)\n\\tag{2.2}\n$$\n\n$$ b = 1  \\tag{2.2} $$"


def test_exercise_solution_admonition_dropdown_and_tabs():
    text = (":::{exercise} Forward pass\n:label: ex-a\nWrite `f`.\n:::\n\n"
            ":::{solution} ex-a\n:class: dropdown\n```python\nx = {1: 2}\n```\nBecause.\n:::\n\n"
            ":::{admonition} Misconception: \"x\"\n:class: warning\nNo, {term}`y`.\n:::\n\n"
            "::::{tab-set}\n:::{tab-item} dlcore\n:sync: a\nA\n:::\n::::")
    assert convert_markdown(text, _book()) == (
        "**Exercise 2.1 (Forward pass)**\n\nWrite `f`.\n\n"
        "<details>\n<summary>Solution to Exercise 2.1 (click to show)</summary>\n\n```python\nx = {1: 2}\n```\n"
        "Because.\n\n</details>\n\n"
        "> **Misconception: \"x\"**\n>\n> No, y.\n\n"
        "**dlcore**\n\nA")


def test_an_unknown_directive_is_an_error_not_raw_text():
    with pytest.raises(ValueError, match="glue"):
        convert_markdown(":::{glue} x\n:::", _book())


def test_no_copy_shows_myst_syntax_once_rendered_as_commonmark(copies):
    _, notebooks = copies
    md = MarkdownIt("commonmark")
    leftovers = []
    for name, nb in notebooks.items():
        for i, cell in enumerate(nb["cells"]):
            if cell["cell_type"] == "markdown":
                html = md.render(cell["source"])
                text = re.sub(r"<(?!code>)[^>]+>", "", html)
                leftovers += [f"{name} cell {i}: {m.group(0)!r}" for m in MYST_LEFTOVERS.finditer(text)]
    assert not leftovers, "\n".join(leftovers[:20])


def test_every_solution_is_closed_until_clicked_and_shows_the_reference_code(copies):
    book, notebooks = copies
    n_solutions = 0
    for name, nb in notebooks.items():
        markdown = "\n\n".join(c["source"] for c in nb["cells"] if c["cell_type"] == "markdown")
        for block in re.findall(r"<details>\n<summary>Solution to Exercise (.*?)</details>", markdown, re.S):
            n_solutions += 1
            assert "# reference solution: dlcore/exercises/" in block, f"{name}: a solution without its code"
        assert "<details open" not in markdown
    assert n_solutions == len(book.exercises) >= 52


def test_solution_code_in_the_notebooks_matches_dlcore_exercises():
    sys.path.insert(0, str(ROOT / "tools"))
    import sync_solutions

    assert sync_solutions.main(["--check"]) == 0, "run: python tools/sync_solutions.py"


@pytest.mark.slow
def test_every_colab_button_opens_a_published_plain_markdown_copy(built_book):
    pages = sorted((HTML / "chapters").glob("*.html"))
    assert len(pages) == len(list((ROOT / "chapters").glob("*.ipynb")))
    for page in pages:
        urls = re.findall(r'href="(https://colab\.research\.google\.com/[^"]+)"', page.read_text(encoding="utf-8"))
        assert len(set(urls)) == 1, f"{page.name}: expected one Colab link, found {urls}"
        path = urlsplit(urls[0]).path
        prefix = "/github/" + urlsplit(repository()[0]).path.strip("/") + "/blob/colab/"
        assert path.startswith(prefix), path
        copy = HTML / colab_copies.COLAB_DIR / path.removeprefix(prefix)
        assert copy.exists(), f"{page.name}: the Colab button opens {copy.relative_to(HTML)}, which was not published"
        nb = json.loads(copy.read_text(encoding="utf-8"))
        assert not any(c.get("outputs") for c in nb["cells"] if c["cell_type"] == "code")
        assert nb["cells"][0]["source"].startswith("# ") and "{term}" not in json.dumps(nb)
