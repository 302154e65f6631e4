"""Parse framework text into the syntax tree (`outcomespec.language.syntax`) with Lark.

The only place Lark is imported: the grammar and its parsers (`grammar`), their LALR tables
shipped as JSON (`tables`; `python -m outcomespec.language.parser` regenerates them), the
token scanner (`scanning`), the tree builder (`builder`), syntax errors worded for people
(`errors`) and parsing a source (`parsing`).
"""

from outcomespec.language.parser.parsing import (
    MAX_DEPTH,
    MAX_DIGITS,
    ParseResult,
    build_parser,
    grammar_text,
    parse_source,
)

__all__ = ["MAX_DEPTH", "MAX_DIGITS", "ParseResult", "build_parser", "grammar_text",
           "parse_source"]
