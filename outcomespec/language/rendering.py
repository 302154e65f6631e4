"""Render diagnostics for people (text with a caret frame) and for tools (JSON).

The text form follows compilers people already know:

    path:line:col: error[E201]: unknown name `DECMO`
       |
    12 |   numerator cohort where DECMO in period
       |                          ^^^^^
       = help: did you mean `DECOM`?
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from outcomespec.language.diagnostics import Diagnostic, Label
from outcomespec.language.source import Span

_COLOURS = {"error": "\x1b[1;31m", "warning": "\x1b[1;33m", "help": "\x1b[1;36m",
            "note": "\x1b[1;34m", "reset": "\x1b[0m", "bold": "\x1b[1m"}


def render_text(diagnostic: Diagnostic, *, colour: bool = False) -> str:
    """One diagnostic as text, with source frames for its span and labels.

    >>> from outcomespec.language.source import Source
    >>> src = Source("f.ospec", "cohort header where DECMO in period")
    >>> d = Diagnostic.of("E201", "unknown name `DECMO`", Span(src, 20, 25),
    ...                   help="did you mean `DECOM`?")
    >>> print(render_text(d))
    f.ospec:1:21: error[E201]: unknown name `DECMO`
      |
    1 | cohort header where DECMO in period
      |                     ^^^^^
      = help: did you mean `DECOM`?
    """
    def paint(text: str, style: str) -> str:
        return f"{_COLOURS[style]}{text}{_COLOURS['reset']}" if colour else text

    severity = diagnostic.severity.value
    where = diagnostic.path or "<input>"
    if diagnostic.span is not None:
        line, col = diagnostic.span.start_position
        where = f"{where}:{line}:{col}"
    elif diagnostic.line is not None:
        where = f"{where}:{diagnostic.line}"
    lines = [f"{where}: {paint(f'{severity}[{diagnostic.code}]', severity)}: "
             f"{paint(diagnostic.message, 'bold') if colour else diagnostic.message}"]
    frames: list[tuple[Span, str, str]] = []
    if diagnostic.span is not None:
        frames.append((diagnostic.span, "", "^"))
    frames.extend((label.span, label.message, "-") for label in diagnostic.labels)
    if frames:
        gutter = max(len(str(span.end_position[0])) for span, _, _ in frames)
        lines.append(" " * (gutter + 1) + "|")
        for span, message, mark in frames:
            lines.extend(_frame(span, message, mark, gutter, diagnostic, paint))
    if diagnostic.help:
        lines.append(" " * (gutter + 1 if frames else 0) + f"= {paint('help', 'help')}: "
                     f"{diagnostic.help}")
    return "\n".join(lines)


def _frame(span: Span, message: str, mark: str, gutter: int, diagnostic: Diagnostic,
           paint: object) -> list[str]:
    line, col = span.start_position
    end_line, end_col = span.end_position
    text = span.source.line_text(line)
    out = []
    if diagnostic.span is not None and span.source is not diagnostic.span.source:
        out.append(" " * gutter + f"--> {span.source.path}:{line}:{col}")
    out.append(f"{line:>{gutter}} | {text.expandtabs(1)}")
    width = (end_col - col) if end_line == line else max(1, len(text) - col + 1)
    carets = mark * max(1, width)
    suffix = f" {message}" if message else ""
    out.append(" " * gutter + " | " + " " * (col - 1) + carets + suffix)
    return out


def render_all(diagnostics: Iterable[Diagnostic], *, colour: bool = False) -> str:
    """Every diagnostic, separated by blank lines, then a one-line summary."""
    items = list(diagnostics)
    blocks = [render_text(d, colour=colour) for d in items]
    errors = sum(1 for d in items if d.is_error)
    warnings = len(items) - errors
    summary = f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
    return "\n\n".join([*blocks, summary]) + "\n"


def render_json(diagnostics: Iterable[Diagnostic]) -> str:
    """Diagnostics as a JSON array for editors and CI tools (1-based lines and columns).

    >>> render_json([])
    '[]'
    """
    return json.dumps([_as_dict(d) for d in diagnostics], indent=2, ensure_ascii=False)


def _location(span: Span | None) -> dict[str, object] | None:
    if span is None:
        return None
    (line, col), (end_line, end_col) = span.start_position, span.end_position
    return {"path": span.source.path, "line": line, "column": col,
            "end_line": end_line, "end_column": end_col}


def _label(label: Label) -> dict[str, object]:
    return {"message": label.message, "location": _location(label.span)}


def _as_dict(d: Diagnostic) -> dict[str, object]:
    return {
        "code": d.code,
        "severity": d.severity.value,
        "message": d.message,
        "path": d.path,
        "location": _location(d.span) or (
            {"path": d.path, "line": d.line} if d.line is not None else None),
        "labels": [_label(label) for label in d.labels],
        "help": d.help,
    }
