"""Syntax errors as diagnostics, with our own names for what was expected: Lark's terminal
names mean nothing to a policy analyst."""

from __future__ import annotations

import re

from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from outcomespec.language.diagnostics import Diagnostic, Label
from outcomespec.language.parser.grammar import python_parser
from outcomespec.language.parser.scanning import Scan
from outcomespec.language.source import Source, Span

_TERMINAL_NAMES = {
    "NAME": "a name",
    "CODE": "a code",
    "STRING": "quoted text",
    "NUMBER": "a number",
    "SIGNED_NUMBER": "a number",
    "GROUPED_NUMBER": "a number such as 10,000",
    "DATE": "a date (YYYY-MM-DD)",
    "PERCENT": "a percentage such as 95%",
    "COMPARE_OP": "a comparison (=, !=, <, <=, >, >=)",
    "ADD_OP": "`+` or `-`",
    "MUL_OP": "`*` or `/`",
    "$END": "the end of the file",
}


_WORD_GROUPS = (
    (
        frozenset(
            {
                "version",
                "publisher",
                "description",
                "source",
                "caveats",
                "owner",
                "reviewed",
                "status",
                "licence",
                "definition",
                "url",
                "note",
            }
        ),
        "a metadata field (version, description, source, owner, status, …)",
    ),
    (
        frozenset({"count", "sum", "min", "max", "any", "all", "first", "last"}),
        "an aggregation (count, sum, min, max, any, all, first, last)",
    ),
    (
        frozenset({"years", "year", "months", "month", "weeks", "week", "days", "day"}),
        "a unit of time (years, months, weeks, days)",
    ),
)


def _describe_expected(names: set[str]) -> str:
    terminals = {t.name: t for t in python_parser().terminals}
    words: set[str] = set()
    values = {
        terminals[n].pattern.value
        for n in names
        if n in terminals and terminals[n].pattern.type == "str"
    }
    for group, phrase in _WORD_GROUPS:
        if group <= values:
            words.add(phrase)
            names = {
                n for n in names if n not in terminals or terminals[n].pattern.value not in group
            }
    for name in names:
        if name in _TERMINAL_NAMES:
            words.add(_TERMINAL_NAMES[name])
            continue
        terminal = terminals.get(name)
        if terminal is None:
            continue
        pattern = terminal.pattern
        if pattern.type == "str":
            words.add(f"`{pattern.value}`")
        else:
            alternatives = re.fullmatch(r"\(\?:([a-z_|]+)\)", pattern.value)
            if alternatives:
                words.update(f"`{w}`" for w in alternatives.group(1).split("|"))
            else:
                words.add(name.lower())
    ordered = sorted(words, key=lambda w: (w.startswith("`"), w))
    if len(ordered) > 16:
        ordered = [*ordered[:16], "…"]
    return ", ".join(ordered)


def _accepts_at(text: str, position: int) -> set[str]:
    """Exactly which terminals the parser would accept at `position` (for lexer errors)."""
    try:
        interactive = python_parser().parse_interactive(text[:position])
        interactive.exhaust_lexer()
        return set(interactive.accepts())  # type: ignore[no-untyped-call]
    except UnexpectedInput:
        return set()


def syntax_diagnostic(source: Source, error: UnexpectedInput, scan: Scan) -> Diagnostic:
    position = getattr(error, "pos_in_stream", None) or 0
    if isinstance(error, UnexpectedCharacters):
        char = source.text[position : position + 1]
        span = Span(source, position, position + 1)
        shown = repr(char) if not char.isprintable() or char.isspace() else f"`{char}`"
        allowed = _accepts_at(source.text, position)
        return Diagnostic.of(
            "E102",
            f"unexpected character {shown}",
            span,
            help=f"expected {_describe_expected(allowed)}" if allowed else None,
        )
    assert isinstance(error, UnexpectedToken)
    token = error.token
    try:
        accepted = set(error.interactive_parser.accepts())  # type: ignore[no-untyped-call]
    except UnexpectedInput:
        accepted = set(error.expected)
    expected = _describe_expected(accepted)
    if token.type == "$END":
        end = len(source.text.rstrip())
        span = Span(source, end, end)
        labels = []
        if scan.open_brackets:
            start = scan.open_brackets[-1]
            labels.append(Label(Span(source, start, start + 1), "this is never closed"))
        return Diagnostic.of(
            "E103",
            "the file ends too early",
            span,
            labels=labels,
            help=f"expected {expected}",
        )
    start = token.start_pos if token.start_pos is not None else position
    span = Span(source, start, start + max(1, len(str(token))))
    return Diagnostic.of("E101", f"unexpected `{token}`", span, help=f"expected {expected}")


# ------------------------------------------------------------------ tree building
