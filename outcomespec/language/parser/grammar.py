"""The grammar and the Lark parsers made from it: from the shipped tables (`tables`) when they
match the grammar, else built (building takes longer than parsing a framework)."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Any

from lark import Lark

from outcomespec.language.parser.tables import parser_from, read_tables, stamp

OPTIONS: dict[str, Any] = {"parser": "lalr", "lexer": "contextual", "maybe_placeholders": True,
                           "keep_all_tokens": True}
"""How Lark builds the parser. Every token stays in the tree, keywords and brackets too, so
that the builder takes each node's span from its first and last token (Lark's own
`propagate_positions` would add two thirds to the parse; keeping the tokens costs nothing)."""


def grammar_text() -> str:
    """The grammar, read from inside the installed package."""
    return files("outcomespec.language").joinpath("outcomespec.lark").read_text(encoding="utf-8")


@cache
def python_parser() -> Lark:
    """The one cached parser, made once per process."""
    return _parser(plugins=None)


@cache
def fast_parser() -> Lark:
    """The same parser on lark-cython's lexer and LALR loop, when that optional extra is
    installed (`pip install outcomespec[fast]`); otherwise the pure-Python one."""
    try:
        import lark_cython  # type: ignore[import-not-found,import-untyped,unused-ignore]  # noqa: PLC0415 - optional extra
    except ImportError:
        return python_parser()
    return _parser(plugins=lark_cython.plugins)


def _parser(plugins: Any) -> Lark:
    """From the shipped tables when they were made from this grammar, these options and
    this version of Lark; else built from the grammar."""
    tables = shipped_tables()
    return build_parser(plugins=plugins) if tables is None else parser_from(tables, plugins)


@cache
def shipped_tables() -> dict[str, Any] | None:
    """The shipped tables, read once, when they fit (None otherwise)."""
    return read_tables(stamp(grammar_text(), OPTIONS))


def build_parser(*, strict: bool = False, plugins: Any = None) -> Lark:
    """A fresh parser built from the grammar; `strict=True` makes Lark reject any grammar
    conflict or terminal collision."""
    options: dict[str, Any] = {"_plugins": plugins} if plugins is not None else {}
    return Lark(grammar_text(), strict=strict, **OPTIONS, **options)
