"""How results and progress look: HTML in Jupyter and on the built site, plain text elsewhere."""

from __future__ import annotations

import html

NOT_ATTEMPTED = ("Not attempted yet: write your answer in the exercise cell above, run it, "
                 "then run this cell again.")


def result_text(result) -> str:
    ex = result.exercise
    if result.not_attempted:
        return f"{ex.title} — {NOT_ATTEMPTED}"
    lines = [f"{ex.title} — {result.score}/{len(ex.tests)} tests passed"
             + (" — well done!" if result.passed else "")]
    for t in result.tests:
        lines.append(f"  {'✓' if t.passed else '✗'} {t.name}" + ("" if t.passed else f": {t.message}"))
        if not t.passed and t.hint:
            lines.append(f"      Hint: {t.hint}")
    return "\n".join(lines)


_STYLE = ("border:1px solid {c};border-left:6px solid {c};border-radius:4px;padding:0.5em 0.8em;"
          "margin:0.5em 0;font-family:system-ui,sans-serif")


def result_html(result) -> str:
    ex = result.exercise
    title = html.escape(ex.title)
    if result.not_attempted:
        return (f'<div class="dlcore-exercise not-attempted" style="{_STYLE.format(c="#56B4E9")}">'
                f"<strong>{title}</strong> — {html.escape(NOT_ATTEMPTED)}</div>")
    colour = "#009E73" if result.passed else "#E69F00"
    rows = []
    for t in result.tests:
        mark = '<span style="color:#009E73">✓</span>' if t.passed else '<span style="color:#D55E00">✗</span>'
        detail = "" if t.passed else f"<br><small>{html.escape(t.message)}</small>"
        hint = f"<br><small><em>Hint:</em> {html.escape(t.hint)}</small>" if (not t.passed and t.hint) else ""
        rows.append(f"<li style='list-style:none'>{mark} {html.escape(t.name)}{detail}{hint}</li>")
    verdict = " — well done!" if result.passed else ""
    return (f'<div class="dlcore-exercise" style="{_STYLE.format(c=colour)}"><strong>{title}</strong> — '
            f"{result.score}/{len(ex.tests)} tests passed{verdict}<ul style='padding-left:0.5em'>"
            f"{''.join(rows)}</ul></div>")


class ProgressTable:
    """Rows ``(exercise, best result or None)`` shown as a table."""

    def __init__(self, rows):
        self.rows = rows

    def _status(self, result, n_tests):
        if result is None or result.not_attempted:
            return "not attempted"
        return "passed" if result.passed else f"{result.score}/{n_tests}"

    def __repr__(self) -> str:
        passed = sum(1 for _, r in self.rows if r is not None and r.passed)
        lines = [f"Exercises passed in this session: {passed}/{len(self.rows)}"]
        for ex, r in self.rows:
            lines.append(f"  ch{ex.chapter:02d}  {ex.title:<48} {self._status(r, len(ex.tests))}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        passed = sum(1 for _, r in self.rows if r is not None and r.passed)
        body = "".join(
            f"<tr><td>{ex.chapter}</td><td>{html.escape(ex.title)}</td><td>{ex.kind}</td>"
            f"<td>{'✓ ' if r is not None and r.passed else ''}{self._status(r, len(ex.tests))}</td></tr>"
            for ex, r in self.rows)
        return (f"<p><strong>Exercises passed in this session: {passed}/{len(self.rows)}</strong></p>"
                "<table><thead><tr><th>Chapter</th><th>Exercise</th><th>Kind</th><th>Status</th></tr></thead>"
                f"<tbody>{body}</tbody></table>")
