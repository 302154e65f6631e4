"""`python -m outcomespec.language.parser` rebuilds the parser's tables from the grammar and
writes them into the package (run it from the checkout after changing the grammar or
upgrading Lark; a test fails until then)."""

from pathlib import Path

from outcomespec.language.parser.grammar import OPTIONS, build_parser, grammar_text
from outcomespec.language.parser.tables import TABLES, stamp, tables_of, to_text


def main() -> int:
    """Build the tables and write them next to `tables.py`; prints where and how large."""
    path = Path(__file__).with_name(TABLES)
    text = to_text(tables_of(build_parser(), stamp(grammar_text(), OPTIONS)))
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path} ({len(text.encode('utf-8')):,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
