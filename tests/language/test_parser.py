"""The grammar and the parser: strict LALR, spans, comments, and syntax errors as diagnostics."""

from __future__ import annotations

import pytest

from outcomespec.language import syntax as s
from outcomespec.language.parser import MAX_DEPTH, build_parser, parse_source
from outcomespec.language.source import Source
from tests.paths import REPO, TESTS

DATA = TESTS / "data" / "frameworks"


def parse(text: str) -> s.File:
    result = parse_source(Source("t.ospec", text))
    assert result.diagnostics == (), result.diagnostics
    assert result.file is not None
    return result.file


def errors(text: str) -> list[tuple[str, str, tuple[int, int]]]:
    result = parse_source(Source("t.ospec", text))
    assert result.file is None
    return [(d.code, d.message, d.span.start_position if d.span else (0, 0))
            for d in result.diagnostics]


def test_grammar_builds_strict() -> None:
    """The grammar has no LALR conflicts and no terminal collisions (Lark strict mode)."""
    pytest.importorskip("interegular")
    parser = build_parser(strict=True)
    assert parser.options.parser == "lalr"


def test_shipped_grammar_is_the_top_level_file() -> None:
    """The package's grammar is the one in grammar/ (a link, so they cannot drift)."""
    packaged = (REPO / "outcomespec" / "language" / "outcomespec.lark").read_text(encoding="utf-8")
    assert packaged == (REPO / "grammar" / "outcomespec.lark").read_text(encoding="utf-8")


def test_parses_the_demo_framework() -> None:
    """A realistic framework parses into one module with its sections and indicators."""
    file = parse((DATA / "demo.ospec").read_text(encoding="utf-8"))
    module = file.modules[0]
    assert (module.kind, module.name.text) == ("framework", "demo")
    section = next(i for i in module.items if isinstance(i, s.Section))
    names = [i.name.text for i in section.items if isinstance(i, s.Indicator)]
    assert names == ["placements_3plus", "cla_rate"]


def test_precedence_and_flat_logic() -> None:
    """`and` binds tighter than `or`; chains are flat; arithmetic is left-associative."""
    file = parse("library x { define d for t = a or b and c and not e or f - g - h > 1 }")
    definition = file.modules[0].items[0]
    assert isinstance(definition, s.Definition)
    expr = definition.expr
    assert isinstance(expr, s.Logical)
    assert expr.op == "or"
    assert len(expr.operands) == 3
    middle = expr.operands[1]
    assert isinstance(middle, s.Logical)
    assert middle.op == "and"
    assert len(middle.operands) == 3
    assert isinstance(middle.operands[2], s.Not)
    last = expr.operands[2]
    assert isinstance(last, s.Binary)
    assert last.op == ">"
    minus = last.left
    assert isinstance(minus, s.Binary)
    assert minus.op == "-"
    assert isinstance(minus.left, s.Binary)


def test_history_window_and_aggregation() -> None:
    """`within 12 months before this.X` and `for same child` parse into their nodes."""
    file = parse(
        "library x { define r for referrals = any(referrals for same child "
        "where CINreferralDate within 1 year 6 months before this.CINreferralDate) }")
    definition = file.modules[0].items[0]
    assert isinstance(definition, s.Definition)
    agg = definition.expr
    assert isinstance(agg, s.Aggregate)
    assert (agg.function, agg.source.dotted, agg.link.text if agg.link else None) == (
        "any", "referrals", "child")
    window = agg.where
    assert isinstance(window, s.Within)
    length = window.duration
    assert [(n.text, u) for n, u in length.parts] == [("1", "year"), ("6", "months")]
    assert isinstance(window.anchor, s.OuterRef)
    assert window.anchor.name.text == "CINreferralDate"


def test_codes_may_start_with_digits() -> None:
    """Codes such as `1A` and `10` lex as codes inside code sets and codelists."""
    file = parse('library x { codelist c { 1A "a" 10 "b" } define d for t = X in {1A, 10} }')
    codelist = file.modules[0].items[0]
    assert isinstance(codelist, s.Codelist)
    assert [e.code.text for e in codelist.items if isinstance(e, s.CodeEntry)] == ["1A", "10"]


def test_spans_point_at_the_text() -> None:
    """Every node keeps its span; spans do not take part in equality."""
    text = 'library x {\n  define d "Title" for t = DECOM in period\n}\n'
    file = parse(text)
    definition = file.modules[0].items[0]
    assert isinstance(definition, s.Definition)
    assert definition.expr.span.text == "DECOM in period"
    assert definition.expr.span.start_position == (2, 28)
    assert file == parse(text.replace("\n", "\n\n   "))


def test_comments_become_items() -> None:
    """Standalone and trailing comments are kept as `Comment` items of their block."""
    file = parse('# top\nlibrary x {\n  # above\n  version "1"  # trailing\n}\n# end\n')
    assert [type(i).__name__ for i in file.items] == ["Comment", "Module", "Comment"]
    items = file.modules[0].items
    assert [(type(i).__name__, getattr(i, "trailing", None)) for i in items] == [
        ("Comment", False), ("Meta", None), ("Comment", True)]


def test_syntax_error_names_what_was_expected() -> None:
    """An unexpected word is E101 at its line and column, listing what may come there."""
    result = parse_source(Source("t.ospec", 'framework x "t" {\n  kind outcome\n}'))
    (diagnostic,) = result.diagnostics
    assert diagnostic.code == "E101"
    assert diagnostic.span is not None
    assert diagnostic.span.start_position == (2, 3)
    assert diagnostic.help is not None
    assert "`outcome`" in diagnostic.help


def test_unclosed_block_points_at_its_opening() -> None:
    """A truncated file is E103, with a label on the brace that is never closed."""
    result = parse_source(Source("t.ospec", 'library x {\n  codelist c {\n    A "a"\n'))
    (diagnostic,) = result.diagnostics
    assert diagnostic.code == "E103"
    assert diagnostic.labels[0].span.start_position == (2, 14)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ('library x { version "open }', "E106"),
        ("library x { reviewed 2025-02-30 }", "E105"),
        ("library x { version ; }", "E102"),
        ("library x { suppress counts 5..1 }", "E105"),
        ("library x { define d for t = " + "not " * (MAX_DEPTH + 5) + "x }", "E104"),
    ],
)
def test_bad_input_gets_one_diagnostic(text: str, code: str) -> None:
    """Each malformed input gives exactly one diagnostic with the expected code."""
    assert [e[0] for e in errors(text)] == [code]


def test_deep_parentheses_do_not_crash() -> None:
    """10,000 nested parentheses parse (they add no tree depth)."""
    file = parse("library x { define d for t = " + "(" * 10000 + "x" + ")" * 10000 + " }")
    assert isinstance(file.modules[0].items[0], s.Definition)
