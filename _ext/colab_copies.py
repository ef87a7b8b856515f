"""Publish a plain-Markdown copy of every chapter for Colab, and point the Colab button at it.

Colab renders Markdown cells as plain CommonMark, so the MyST source would show raw roles,
directives and open solutions. After an HTML build this extension writes each chapter, converted
by ``plain_markdown.py``, to ``<site>/colab/chapters/NN_name.ipynb``. The publishing workflow
(``.github/workflows/pages.yml``) pushes that folder to the branch named by ``colab_branch``
(default ``colab``), and every Colab launch button opens the copy on that branch:
``https://colab.research.google.com/github/<org>/<repo>/blob/colab/chapters/NN_name.ipynb``.
The copies are generated from the notebooks at every build; nobody edits them.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from plain_markdown import Book, convert_notebook, number_notebook  # noqa: E402

COLAB_DIR = "colab"


def _title(nb: dict) -> str:
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown" and (m := re.search(r"^# (.+)$", "".join(cell["source"]), re.M)):
            return m.group(1).strip()
    return ""


def _citations(bibfile: Path) -> dict[str, tuple[str, str]]:
    """BibTeX key → ("Rumelhart et al.", "1986"), as the site's author–year citations read."""
    from pybtex.database import parse_file

    cites = {}
    for key, entry in parse_file(str(bibfile)).entries.items():
        people = entry.persons.get("author") or entry.persons.get("editor") or []
        last = [" ".join(p.last_names).replace("{", "").replace("}", "") for p in people]
        if not last:
            names = entry.fields.get("organization", key)
        elif len(last) == 1:
            names = last[0]
        elif len(last) == 2:
            names = f"{last[0]} and {last[1]}"
        else:
            names = f"{last[0]} et al."
        cites[key] = (names, entry.fields.get("year", "n.d."))
    return cites


def chapter_paths(srcdir: Path) -> list[Path]:
    """The chapter notebooks in table-of-contents order."""
    toc = (srcdir / "_toc.yml").read_text(encoding="utf-8")
    return [srcdir / f"{f}.ipynb" for f in re.findall(r"file:\s*(chapters/\S+)", toc)
            if (srcdir / f"{f}.ipynb").exists()]


def build_book_index(srcdir: Path, bibfiles: list[str]) -> tuple[Book, dict[Path, dict]]:
    """Numbers, titles and citations for the whole book, and every chapter notebook."""
    book = Book()
    for bib in bibfiles:
        book.citations.update(_citations(srcdir / bib))
    notebooks = {}
    for path in chapter_paths(srcdir):
        nb = json.loads(path.read_text(encoding="utf-8"))
        chapter = int(path.name[:2])
        number_notebook(nb, chapter, book)
        book.documents[f"chapters/{path.stem}"] = f"Chapter {chapter}, {_title(nb)}"
        notebooks[path] = nb
    return book, notebooks


def write_colab_copies(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    srcdir = Path(app.srcdir)
    book, notebooks = build_book_index(srcdir, list(app.config.bibtex_bibfiles or []))
    out = Path(app.outdir) / COLAB_DIR / "chapters"
    out.mkdir(parents=True, exist_ok=True)
    for path, nb in notebooks.items():
        text = json.dumps(convert_notebook(nb, book), indent=1, ensure_ascii=False) + "\n"
        (out / path.name).write_text(text, encoding="utf-8")


def point_colab_at_copies(app, pagename, templatename, context, doctree) -> None:
    """Rewrite the theme's Colab launch URL ``…/blob/<branch>/<path>`` to ``…/blob/<colab_branch>/<path>``."""
    for group in context.get("header_buttons", []):
        for button in group.get("buttons", []):
            if button.get("text") == "Colab":
                button["url"] = re.sub(r"/blob/[^/]+/", f"/blob/{app.config.colab_branch}/", button["url"], count=1)


def setup(app):
    app.add_config_value("colab_branch", "colab", "html")
    app.connect("html-page-context", point_colab_at_copies, priority=900)  # after the theme's (501)
    app.connect("build-finished", write_colab_copies)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
