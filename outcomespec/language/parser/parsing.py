"""Parse framework text into the syntax tree. The only package that imports Lark.

Lark's errors are turned into diagnostics here, with our own names for what was expected
(Lark's terminal names mean nothing to a policy analyst), and comments are placed into the
tree so that the formatter can keep them.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from attrs import frozen
from lark import Token, Tree
from lark.exceptions import UnexpectedInput

from outcomespec.language import syntax as s
from outcomespec.language.diagnostics import Diagnostic
from outcomespec.language.parser.builder import (
    MAX_DEPTH,
    MAX_DIGITS,
    Builder,
    LiteralError,
    TooDeepError,
)
from outcomespec.language.parser.errors import syntax_diagnostic
from outcomespec.language.parser.grammar import (
    build_parser,
    fast_parser,
    grammar_text,
    python_parser,
)
from outcomespec.language.parser.scanning import scan
from outcomespec.language.source import Source, Span


@frozen
class ParseResult:
    """The tree, when the text parses, and the diagnostics found on the way."""

    file: s.File | None
    diagnostics: tuple[Diagnostic, ...]


def parse_source(source: Source) -> ParseResult:
    """Parse one file's text; never raises for bad input.

    >>> from outcomespec.language.source import Source
    >>> result = parse_source(Source("f.ospec", 'library x { }'))
    >>> result.file.modules[0].name.text, result.diagnostics
    ('x', ())
    """
    with _collector_paused():
        return _parse(source)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while a file is parsed: the parse makes an object for
    every token and node, none of them in a cycle, and the collector would walk them all
    again and again as they pile up (half the time of a large parse). Reference counting
    still frees everything; the collector runs as before once the parse is over."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _parse(source: Source) -> ParseResult:
    scanned = scan(source.text)
    if scanned.unterminated is not None:
        start = scanned.unterminated
        end = source.text.find("\n", start)
        span = Span(source, start, end if end >= 0 else len(source.text))
        return ParseResult(
            None,
            (
                Diagnostic.of(
                    "E106",
                    'text is missing its closing `"`',
                    span,
                    help='close the text with `"` on the same line',
                ),
            ),
        )
    try:
        tree = fast_parser().parse(source.text)
    except UnexpectedInput:
        try:  # the pure-Python parser explains errors best (it knows what it would accept)
            python_parser().parse(source.text)
        except UnexpectedInput as error:
            return ParseResult(None, (syntax_diagnostic(source, error, scanned),))
        raise
    try:
        built = Builder(source, scanned.comments).build(tree)
    except TooDeepError as error:
        start = _first_operand(error.subtree)
        span = Span(source, start, start + 1)
        return ParseResult(
            None,
            (
                Diagnostic.of(
                    "E104",
                    f"nested more than {MAX_DEPTH} levels deep",
                    span,
                    help="name parts of the expression with `define`",
                ),
            ),
        )
    except LiteralError as error:
        return ParseResult(None, (error.diagnostic,))
    return ParseResult(built, ())


def _first_operand(tree: Tree[Token]) -> int:
    """Where the first operand under `tree` starts: its first token past the keywords and
    brackets that open expressions (`not`, `-`, `(`, `this.`, `period.`, `{`)."""
    stack: list[Any] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, Tree):
            stack.extend(reversed(node.children))
        elif node is not None and node.type not in _OPENING:
            return int(node.start_pos)
    return 0


_OPENING = frozenset({"NOT", "MINUS", "LPAR", "THIS", "PERIOD", "DOT", "LBRACE"})
"""Lark's names for the tokens that open an expression."""


__all__ = ["MAX_DEPTH", "MAX_DIGITS", "ParseResult", "build_parser", "grammar_text",
           "parse_source"]
