"""Turn a chapter's MyST Markdown into plain Markdown that Colab renders cleanly.

Colab shows Markdown cells with a CommonMark renderer plus math: MyST roles (``{term}``, ``{eq}`` …),
directives (``:::{exercise}`` …) and labels would appear as raw text, and a solution would sit in
plain sight. The notebooks stay the single source; at build time ``colab_copies.py`` writes a copy
of each chapter converted by :func:`convert_notebook`:

- roles become their text: a glossary term its words, ``{eq}`` the equation's number "(2.4)",
  ``{cite}`` "(Author, Year)", ``{doc}`` the chapter's title;
- labelled equations get ``\\tag{2.4}``, numbered as on the site (chapter.n, labelled ones only);
- admonitions become block quotes with a bold title, exercises a bold "Exercise 2.1 (title)",
  tabs a bold title per tab, and solutions and dropdowns HTML ``<details>``, closed until clicked.

Nothing here imports Sphinx, so the tests can run the conversion on its own.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field

ROLE = re.compile(r"\{(?P<role>[a-z][\w:-]*)\}`(?P<body>[^`]*)`")
FENCE = re.compile(r"^(?P<fence>:{3,}|`{3,}|~{3,})(?P<info>.*)$")
DIRECTIVE = re.compile(r"^\{(?P<name>[\w:-]+)\}\s*(?P<arg>.*)$")
OPTION = re.compile(r"^:(?P<key>[\w-]+):\s*(?P<value>.*)$")
TARGET = re.compile(r"^\((?P<label>[\w:.-]+)\)=\s*$")
EQ_CLOSE = re.compile(r"^(?P<math>.*?)\$\$\s*\((?P<label>[\w:.-]+)\)\s*$")
EMPTY_LINK = re.compile(r"\[\]\(#(?P<label>[\w:.-]+)\)")
ADMONITION_TITLES = {"note": "Note", "tip": "Tip", "warning": "Warning", "important": "Important",
                     "hint": "Hint", "caution": "Caution", "attention": "Attention", "seealso": "See also"}


@dataclass
class Book:
    """What a conversion needs to know beyond the cell text.

    ``equations`` maps an equation label to its number ("2.4"), ``exercises`` an exercise label to its
    number, ``sections`` a target label to its heading, ``documents`` a document path (as written in a
    ``{doc}`` role, without ``../``) to its title, and ``citations`` a BibTeX key to ``(authors, year)``.
    """

    equations: dict[str, str] = field(default_factory=dict)
    exercises: dict[str, str] = field(default_factory=dict)
    sections: dict[str, str] = field(default_factory=dict)
    documents: dict[str, str] = field(default_factory=dict)
    citations: dict[str, tuple[str, str]] = field(default_factory=dict)


def number_notebook(nb: dict, chapter: int, book: Book) -> None:
    """Record the notebook's labelled equations, exercises and section targets in ``book``, in page order."""
    n_eq = n_ex = 0
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        lines = "".join(cell["source"]).splitlines()
        for i, line in enumerate(lines):
            if m := EQ_CLOSE.match(line):
                n_eq += 1
                book.equations[m["label"]] = f"{chapter}.{n_eq}"
            elif (m := FENCE.match(line)) and line.lstrip(":`~").startswith("{exercise}"):
                n_ex += 1
                label = next((OPTION.match(x)["value"] for x in lines[i + 1:i + 4] if OPTION.match(x)
                              and OPTION.match(x)["key"] == "label"), None)
                if label:
                    book.exercises[label] = f"{chapter}.{n_ex}"
            elif (m := TARGET.match(line)) and i + 1 < len(lines):
                book.sections[m["label"]] = lines[i + 1].lstrip("#").strip()


def _cite(keys: str, book: Book, textual: bool) -> str:
    parts = []
    for key in (k.strip() for k in keys.split(",")):
        authors, year = book.citations.get(key, (key, ""))
        parts.append(f"{authors} ({year})" if textual else f"{authors}, {year}")
    return "; ".join(parts) if textual else "(" + "; ".join(parts) + ")"


def _role(match: re.Match, book: Book) -> str:
    role, body = match["role"], match["body"]
    text, _, target = body.partition(" <")
    target = target.rstrip(">") if target else body
    if role == "eq":
        return f"({book.equations.get(body, body)})"
    if role.startswith("cite"):
        return _cite(body, book, textual=role in ("cite:t", "cite:ts"))
    if role == "doc":
        title = book.documents.get(target.removeprefix("../"), target)
        return text if text != body else f"*{title}*"
    if role in ("ref", "numref"):
        return text if text != body else book.sections.get(target, target)
    if role == "math":
        return f"${body}$"
    return text  # term, abbr and the rest: their words


def convert_text(text: str, book: Book) -> str:
    """Roles, targets and links in running text (outside code)."""
    text = ROLE.sub(lambda m: _role(m, book), text)
    return EMPTY_LINK.sub(lambda m: f"*{book.sections.get(m['label'], m['label'])}*", text)


def _close_index(lines: list[str], start: int, fence: str) -> int:
    """Index of the line that closes the fence opened at ``start`` (or the end)."""
    char = fence[0]
    for j in range(start + 1, len(lines)):
        stripped = lines[j].strip()
        if stripped and set(stripped) == {char} and len(stripped) >= len(fence):
            return j
    return len(lines)


def _split_options(body: list[str]) -> tuple[dict[str, str], list[str]]:
    options = {}
    while body and (m := OPTION.match(body[0])):
        options[m["key"]] = m["value"]
        body = body[1:]
    return options, body


def _quote(lines: list[str]) -> list[str]:
    return [f"> {line}" if line else ">" for line in lines]


def _render_directive(name: str, arg: str, options: dict, inner: list[str], book: Book) -> list[str]:
    if name == "exercise":
        number = book.exercises.get(options.get("label", ""), "")
        return [f"**Exercise {number} ({arg})**" if arg else f"**Exercise {number}**", "", *inner]
    if name == "solution":
        number = book.exercises.get(arg.strip(), "")
        return ["<details>", f"<summary>Solution to Exercise {number} (click to show)</summary>", "", *inner,
                "", "</details>"]
    if name == "dropdown" or "dropdown" in options.get("class", "").split():
        return ["<details>", f"<summary>{convert_text(arg, book) or 'Details'}</summary>", "", *inner, "",
                "</details>"]
    if name == "admonition" or name in ADMONITION_TITLES:
        title = convert_text(arg, book) if name == "admonition" else ADMONITION_TITLES[name]
        return _quote([f"**{title}**", "", *inner])
    if name == "tab-item":
        return [f"**{convert_text(arg, book)}**", "", *inner]
    if name in ("tab-set", "div", "container"):
        return inner
    raise ValueError(f"no plain-Markdown form for the directive {{{name}}}: add one to _ext/plain_markdown.py")


def convert_markdown(text: str, book: Book) -> str:
    """A Markdown cell's MyST source as plain Markdown (CommonMark, HTML and ``$$`` math)."""
    return "\n".join(_convert_lines(text.splitlines(), book)).strip("\n")


def _convert_lines(lines: list[str], book: Book) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        fence = FENCE.match(line)
        if fence:
            end = _close_index(lines, i, fence["fence"])
            directive = DIRECTIVE.match(fence["info"].strip())
            if directive:
                options, body = _split_options(lines[i + 1:end])
                inner = _convert_lines(body, book)
                out += _render_directive(directive["name"], directive["arg"], options, inner, book)
            else:  # a plain code block: copied as it is
                out += lines[i:end + 1]
            i = end + 1
            continue
        if TARGET.match(line):
            i += 1
            continue
        if m := EQ_CLOSE.match(line):
            number = book.equations.get(m["label"], "")
            math = m["math"]
            out += ([f"{math} \\tag{{{number}}} $$"] if math.strip() else [f"\\tag{{{number}}}", "$$"])
            i += 1
            continue
        out.append(convert_text(line, book))
        i += 1
    return out


def convert_notebook(nb: dict, book: Book) -> dict:
    """A copy of ``nb`` whose Markdown cells are plain Markdown; figure code is folded as a Colab form."""
    nb = copy.deepcopy(nb)
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            cell["source"] = convert_markdown("".join(cell["source"]), book)
        elif {"hide-input", "remove-input"} & set(cell.get("metadata", {}).get("tags", [])):
            cell["metadata"]["cellView"] = "form"  # Colab shows the output and folds the code
            source = "".join(cell["source"])
            if not source.startswith("# @title"):
                cell["source"] = "# @title Code for the figure (double-click to show)\n" + source
    return nb
