"""The grammar and the parser: strict LALR, spans, comments, and syntax errors as diagnostics."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from outcomespec.language import syntax as s
from outcomespec.language.parser import MAX_DEPTH, build_parser, parse_source
from outcomespec.language.parser.builder import RULES, Builder
from outcomespec.language.parser.grammar import python_parser
from outcomespec.language.source import Source, Span
from tests import strategies
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


def test_the_builder_has_a_method_for_every_subtree() -> None:
    """`RULES` names exactly the rules and aliases that make a subtree (all but `_rules` and
    a `?rule`'s single-child alternatives), and each is a method of the builder."""
    made = set()
    for rule in python_parser().rules:
        name = str(rule.alias or rule.origin.name)
        inlined = rule.options.expand1 and rule.alias is None and len(rule.expansion) == 1
        if not name.startswith("_") and not inlined:
            made.add(name)
    assert set(RULES) == made
    assert all(callable(getattr(Builder, name, None)) for name in RULES)


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


_SPANS = 'library x {\n  dataset t {\n    column a identifier\n    column b code sex\n  }\n' \
    '  define d for t = not (a or b) and c * (d + e) > count(t where f in {S})\n' \
    '  define e for t = this.a is not missing and -(period.end) < x(1, (2))\n}\n'


def _spans(text: str) -> dict[str, list[str]]:
    """The text of every node's span in `text`, by node class, in the order of a walk."""
    found: dict[str, list[str]] = {}
    for node, _ in _nodes_with_parents(parse(text), None):
        found.setdefault(type(node).__name__, []).append(node.span.text)
    return found


def _nodes_with_parents(node: Any, parent: Any) -> Iterator[tuple[Any, Any]]:
    """Every syntax node under `node` (itself included), each with its parent node."""
    stack = [(node, parent)]
    while stack:
        current, above = stack.pop()
        yield current, above
        stack.extend((child, current) for child in s.children(current))


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("Dataset", ["dataset t {\n    column a identifier\n    column b code sex\n  }"]),
        ("Column", ["column b code sex", "column a identifier"]),
        ("IdentifierType", ["identifier"]),
        ("Not", ["not (a or b)"]),
        ("Logical", ["this.a is not missing and -(period.end) < x(1, (2))",
                     "not (a or b) and c * (d + e) > count(t where f in {S})", "a or b"]),
        ("Binary", ["-(period.end) < x(1, (2))", "c * (d + e) > count(t where f in {S})",
                    "c * (d + e)", "d + e"]),
        ("Aggregate", ["count(t where f in {S})"]),
        ("CodeLiterals", ["{S}"]),
        ("Negate", ["-(period.end)"]),
        ("Call", ["x(1, (2))"]),
        ("OuterRef", ["this.a"]),
        ("IsMissing", ["this.a is not missing"]),
    ],
)
def test_a_span_runs_from_the_first_token_to_the_last(kind: str, expected: list[str]) -> None:
    """A node's span covers its keywords and brackets: a block through its `}`, `not (…)`
    from `not`, a call through its `)`, a code set from `{`."""
    assert _spans(_SPANS)[kind] == expected


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(strategies.ospec_texts())
def test_spans_nest_and_are_trimmed(text: str) -> None:
    """Every node's span lies within its parent's, and starts and ends on a token (never on
    blank space), in any text the parser accepts; the file's is the whole text."""
    file = parse(text)
    assert file.span.text == text
    for node, parent in _nodes_with_parents(file, None):
        span: Span = node.span
        if parent is not None:
            assert span.text, type(node).__name__
            assert span.text == span.text.strip(), (type(node).__name__, span.text)
            assert parent.span.start <= span.start <= span.end <= parent.span.end, (
                type(parent).__name__, type(node).__name__, span.text)


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


@pytest.mark.parametrize(
    ("nesting", "column"),
    [("not " * (MAX_DEPTH + 5) + "LS", 4 * (MAX_DEPTH + 5) + 30),
     ("-(" * (MAX_DEPTH + 5) + "LS" + ")" * (MAX_DEPTH + 5), 2 * (MAX_DEPTH + 5) + 30)],
)
def test_too_deep_points_at_the_first_operand(nesting: str, column: int) -> None:
    """E104 points at the first operand under the node too deep, past the `not`, `-` and
    brackets that open it (brackets add no depth: they make no node)."""
    assert errors("library x { define d for t = " + nesting + " }") == [
        ("E104", f"nested more than {MAX_DEPTH} levels deep", (1, column))]


def test_deep_parentheses_do_not_crash() -> None:
    """10,000 nested parentheses parse (they add no tree depth)."""
    file = parse("library x { define d for t = " + "(" * 10000 + "x" + ")" * 10000 + " }")
    assert isinstance(file.modules[0].items[0], s.Definition)


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_is_as_it_was_after_a_parse(enabled: bool) -> None:
    """Parsing pauses Python's cycle collector and leaves it as it found it, on or off,
    after a clean parse and after a syntax error alike."""
    was = gc.isenabled()
    try:
        if not enabled:
            gc.disable()
        for text in ("library x { }", "library x { version ; }"):
            parse_source(Source("t.ospec", text))
            assert gc.isenabled() is enabled
    finally:
        if was:
            gc.enable()
