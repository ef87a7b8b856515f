"""How results and progress look: HTML in Jupyter and on the built site, plain text elsewhere."""

from __future__ import annotations

import html

NOT_ATTEMPTED = ("Not attempted yet: write your answer in the exercise cell above, run it, "
                 "then run this cell again.")
INTERRUPTED = "Check interrupted: nothing was graded. Run this cell again to check your answer."
MAX_PRINTED = 600


def _lines(result) -> tuple[str, list[tuple[bool, str, str]], list[str]]:
    """(headline, [(passed, name, message)], footer lines) — shared by text and HTML."""
    ex = result.exercise
    if result.interrupted:
        return f"{ex.title} — {INTERRUPTED}", [], []
    if result.not_attempted:
        return f"{ex.title} — {NOT_ATTEMPTED}", [], []
    head = f"{ex.title} — {result.score}/{len(result.tests)} tests passed" + (" — well done!" if result.passed else "")
    rows = [(t.passed, t.name, "" if t.passed else t.message) for t in result.tests]
    footer = []
    if not result.passed:
        if result.hint:
            footer.append(f"Hint: {result.hint}")
        if result.seed is not None and ex.kind == "implement":
            footer.append(f'To repeat these random inputs: check("{ex.id}", seed={result.seed})')
    if result.printed.strip():
        printed = result.printed.strip()
        printed = printed if len(printed) <= MAX_PRINTED else printed[:MAX_PRINTED] + "…"
        footer.append(f"Your code printed: {printed}")
    return head, rows, footer


def result_text(result) -> str:
    head, rows, footer = _lines(result)
    lines = [head] + [f"  {'✓' if ok else '✗'} {name}" + (f": {msg}" if msg else "") for ok, name, msg in rows]
    return "\n".join(lines + [f"  {line}" for line in footer])


_STYLE = ("border:1px solid {c};border-left:6px solid {c};border-radius:4px;padding:0.5em 0.8em;"
          "margin:0.5em 0;font-family:system-ui,sans-serif")


def result_html(result) -> str:
    head, rows, footer = _lines(result)
    if result.not_attempted or result.interrupted:
        return (f'<div class="dlcore-exercise not-attempted" style="{_STYLE.format(c="#56B4E9")}">'
                f"{html.escape(head)}</div>")
    colour = "#009E73" if result.passed else "#E69F00"
    items = []
    for ok, name, msg in rows:
        mark = '<span style="color:#009E73">✓</span>' if ok else '<span style="color:#D55E00">✗</span>'
        detail = f"<br><small>{html.escape(msg)}</small>" if msg else ""
        items.append(f"<li style='list-style:none'>{mark} {html.escape(name)}{detail}</li>")
    notes = "".join(f"<p style='margin:0.3em 0'><small>{html.escape(line)}</small></p>" for line in footer)
    return (f'<div class="dlcore-exercise" style="{_STYLE.format(c=colour)}"><strong>{html.escape(head)}</strong>'
            f"<ul style='padding-left:0.5em'>{''.join(items)}</ul>{notes}</div>")


class ProgressTable:
    """Rows ``(exercise, saved record or None)`` shown as a table; the record comes from :mod:`.store`."""

    def __init__(self, rows, path=None, problem: str = ""):
        self.rows, self.path, self.problem = rows, path, problem

    @staticmethod
    def _status(record) -> str:
        if not record:
            return "not attempted"
        if record.get("passed"):
            return f"passed on {record['passed']}"
        return f"{record.get('best', 0)}/{record.get('of', '?')} (last tried {record.get('last', '?')})"

    def _summary(self) -> str:
        passed = sum(1 for _, r in self.rows if r and r.get("passed"))
        return f"Exercises passed: {passed}/{len(self.rows)}" + (f" (saved in {self.path})" if self.path else "")

    def __repr__(self) -> str:
        lines = [self._summary()] + ([f"Note: {self.problem}"] if self.problem else [])
        for ex, r in self.rows:
            lines.append(f"  ch{ex.chapter:02d}  {ex.title:<48} {self._status(r)}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        body = "".join(
            f"<tr><td>{ex.chapter}</td><td>{html.escape(ex.title)}</td><td>{ex.kind}</td>"
            f"<td>{'✓ ' if r and r.get('passed') else ''}{html.escape(self._status(r))}</td></tr>"
            for ex, r in self.rows)
        note = f"<p><em>{html.escape(self.problem)}</em></p>" if self.problem else ""
        return (f"<p><strong>{html.escape(self._summary())}</strong></p>{note}"
                "<table><thead><tr><th>Chapter</th><th>Exercise</th><th>Kind</th><th>Status</th></tr></thead>"
                f"<tbody>{body}</tbody></table>")
