"""The grammar and the Lark parsers built from it (cached: building takes longer than
parsing a framework)."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Any

from lark import Lark


def grammar_text() -> str:
    """The grammar, read from inside the installed package."""
    return files("outcomespec.language").joinpath("outcomespec.lark").read_text(encoding="utf-8")


@cache
def python_parser() -> Lark:
    """The one cached parser (building it takes longer than parsing a framework).

    Positions are not propagated by Lark (that costs a third of the parse); the builder
    derives every span from its tokens instead.
    """
    return build_parser()


@cache
def fast_parser() -> Lark:
    """The same parser on lark-cython's lexer and LALR loop, when that optional extra is
    installed (`pip install outcomespec[fast]`); otherwise the pure-Python one."""
    try:
        import lark_cython  # type: ignore[import-not-found,import-untyped,unused-ignore]  # noqa: PLC0415 - optional extra
    except ImportError:
        return python_parser()
    return build_parser(plugins=lark_cython.plugins)


def build_parser(*, strict: bool = False, plugins: Any = None) -> Lark:
    """A fresh parser; `strict=True` makes Lark reject any grammar conflict or collision."""
    options: dict[str, Any] = {"_plugins": plugins} if plugins is not None else {}
    return Lark(
        grammar_text(),
        parser="lalr",
        lexer="contextual",
        maybe_placeholders=True,
        strict=strict,
        **options,
    )
