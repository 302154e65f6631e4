"""The formatter: canonical layout, round trip through the parser, comments kept."""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outcomespec.language import formatter, syntax
from outcomespec.language.diagnostics import Diagnostic
from outcomespec.language.formatter import format_file, format_source
from outcomespec.language.parser import parse_source
from outcomespec.language.source import Source
from tests import strategies
from tests.paths import TESTS

GOLDEN = TESTS / "golden" / "format"
UPDATE = os.environ.get("OUTCOMESPEC_UPDATE_GOLDEN") == "1"
"""Set OUTCOMESPEC_UPDATE_GOLDEN=1 to rewrite the expected files; review the diff after."""

PROPERTY = settings(max_examples=200, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _parse(text: str, path: str = "test.ospec") -> syntax.File:
    result = parse_source(Source(path, text))
    assert result.diagnostics == (), [d.message for d in result.diagnostics]
    assert result.file is not None
    return result.file


def _walk(node: syntax.Node) -> Iterator[syntax.Node]:
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(syntax.children(current))


def _comment_texts(file: syntax.File) -> Counter[str]:
    return Counter(n.text.strip() for n in _walk(file) if isinstance(n, syntax.Comment))


def _define(expression: str) -> str:
    """Format `expression` as the body of a definition and return the formatted expression."""
    text = format_source(Source("e.ospec", f"library l {{ define d for t = {expression} }}"))
    assert isinstance(text, str)
    match = re.fullmatch(r"library l \{\n  define d for t = (.*)\n\}\n", text, re.DOTALL)
    assert match is not None, text
    return match.group(1)


# ------------------------------------------------------------------ properties


@PROPERTY
@given(strategies.files())
def test_round_trip(tree: syntax.File) -> None:
    """Parsing the formatted text of a generated tree gives back the same tree."""
    assert _parse(format_file(tree)) == tree


@PROPERTY
@given(strategies.files())
def test_idempotent(tree: syntax.File) -> None:
    """Formatting formatted text again changes nothing."""
    once = format_file(tree)
    assert format_file(_parse(once)) == once


@PROPERTY
@given(strategies.files())
def test_output_ends_with_one_newline_and_has_no_trailing_space(tree: syntax.File) -> None:
    """Every formatted file ends in exactly one newline, and no line ends in spaces."""
    text = format_file(tree)
    assert text.endswith("\n")
    assert not text.endswith("\n\n")
    assert all(line == line.rstrip(" ") for line in text.split("\n"))


@st.composite
def _commented_texts(draw: st.DrawFn) -> tuple[str, list[str]]:
    """Formatted text with comments added at line ends and between lines; and those comments."""
    lines = format_file(draw(strategies.files())).split("\n")[:-1]
    added: list[str] = []
    out: list[str] = []
    for line in lines:
        between = draw(st.lists(strategies.comments, max_size=1))
        at_end = draw(st.lists(strategies.comments, max_size=1))
        out.extend(between)
        out.append("  ".join([line, *at_end]))
        added.extend(between + at_end)
    tail = draw(st.lists(strategies.comments, max_size=2))
    out.extend(tail)
    added.extend(tail)
    return "\n".join(out) + "\n", added


@PROPERTY
@given(_commented_texts())
def test_every_comment_kept(case: tuple[str, list[str]]) -> None:
    """Formatting keeps every comment of any parseable text, wherever it was written."""
    text, added = case
    before = _parse(text)
    formatted = format_file(before)
    after = _parse(formatted)
    assert _comment_texts(after) == _comment_texts(before)
    kept = list(_comment_texts(after).elements())
    # A comment added after one already ending a line joins it; either way its text is kept.
    assert all(any(comment.strip() in k for k in kept) for comment in added)
    assert format_file(after) == formatted


@PROPERTY
@given(strategies.ospec_texts())
def test_ospec_texts_parse(text: str) -> None:
    """The fuzzing strategy for other stages only produces text that parses."""
    assert isinstance(format_source(Source("fuzz.ospec", text)), str)


# ------------------------------------------------------------------ every node type


def _syntax_classes() -> set[type]:
    return {
        value for value in vars(syntax).values()
        if isinstance(value, type) and attrs.has(value) and value.__module__ == syntax.__name__
    }


def test_every_node_class_is_handled() -> None:
    """The formatter's dispatch covers every node class defined in `outcomespec.language.syntax`."""
    assert {cls.__name__ for cls in _syntax_classes() - set(formatter.HANDLED_NODES)} == set()
    assert set(formatter.HANDLED_NODES) <= _syntax_classes()
    assert {syntax.Within, syntax.GeoField, syntax.TargetComparator} <= _syntax_classes()


def test_goldens_use_every_node_class() -> None:
    """Between them, the golden inputs contain every node class, so each is formatted."""
    seen = {
        type(node)
        for path in sorted(GOLDEN.glob("*.ospec"))
        if not path.name.endswith(".formatted.ospec")
        for node in _walk(_parse(path.read_text(encoding="utf-8"), path.name))
    }
    assert {cls.__name__ for cls in _syntax_classes() - seen} == set()


# ------------------------------------------------------------------ goldens


def _golden_inputs() -> list[Path]:
    return sorted(p for p in GOLDEN.glob("*.ospec") if not p.name.endswith(".formatted.ospec"))


@pytest.mark.parametrize("path", _golden_inputs(), ids=lambda p: p.stem)
def test_golden(path: Path) -> None:
    """Each golden input formats to exactly its reviewed `.formatted.ospec` file."""
    expected_path = path.with_name(f"{path.stem}.formatted.ospec")
    text = path.read_text(encoding="utf-8")
    formatted = format_source(Source(path.name, text))
    assert isinstance(formatted, str)
    if UPDATE:
        expected_path.write_text(formatted, encoding="utf-8")
    assert formatted == expected_path.read_text(encoding="utf-8")
    assert _parse(formatted) == _parse(text)
    assert format_source(Source(expected_path.name, formatted)) == formatted


def test_golden_set_is_complete() -> None:
    """The golden cases the formatter promises are all present."""
    stems = {path.stem for path in _golden_inputs()}
    assert stems >= {
        "messy_indicator", "comments", "long_condition", "parentheses", "codelist",
        "dataset", "geography",
    }


# ------------------------------------------------------------------ expressions


@pytest.mark.parametrize(
    ("written", "formatted"),
    [
        ("a - (b - c)", "a - (b - c)"),
        ("(a - b) - c", "a - b - c"),
        ("a / (b * c)", "a / (b * c)"),
        ("(a + b) * c", "(a + b) * c"),
        ("a + (b * c)", "a + b * c"),
        ("-(a * b)", "-(a * b)"),
        ("(-a) * b", "-a * b"),
        ("- (-a)", "- -a"),
        ("not (a and b)", "not (a and b)"),
        ("(not a) and b", "not a and b"),
        ("not (a = b)", "not a = b"),
        ("(a = b) = c", "(a = b) = c"),
        ("(a or b) and c", "(a or b) and c"),
        ("a or (b and c)", "a or b and c"),
        ("a or (b or c)", "a or (b or c)"),
        ("((a and b))", "a and b"),
        ("(a + 1) in {V3,V4}", "a + 1 in {V3, V4}"),
        ("(a in {X}) = true", "(a in {X}) = true"),
        ("(x is missing) or (y is not missing)", "x is missing or y is not missing"),
        ("DECOM within 12 months before (period.end - 1 day)",
         "DECOM within 12 months before period.end - 1 day"),
        ("count((a or b) of eps where (c) by (d))", "count(a or b of eps where c by d)"),
        ("f((a), (b or c))", "f(a, b or c)"),
        ("this.X<=  2025-03-31", "this.X <= 2025-03-31"),
        # `\"` and `\\` are the only escapes; any other backslash is kept, and written doubled
        ('"say \\"hi\\" \\\\ \\q"', '"say \\"hi\\" \\\\ \\\\q"'),
    ],
)
def test_parentheses_and_spacing(written: str, formatted: str) -> None:
    """Expressions keep exactly the parentheses their tree needs, and canonical spacing."""
    assert _define(written) == formatted


def test_long_condition_breaks_before_each_operand() -> None:
    """A top-level `and` over 100 characters puts each later operand on its own line."""
    operands = [f"column_number_{i} is not missing" for i in range(5)]
    written = f"library l {{ define d for t = {' and '.join(operands)} }}"
    text = format_source(Source("l.ospec", written))
    assert text == (
        "library l {\n"
        "  define d for t = column_number_0 is not missing\n"
        "      and column_number_1 is not missing\n"
        "      and column_number_2 is not missing\n"
        "      and column_number_3 is not missing\n"
        "      and column_number_4 is not missing\n"
        "}\n"
    )


def test_short_condition_stays_on_one_line() -> None:
    """A condition that fits in 100 characters is not broken."""
    assert _define("a and b or c") == "a and b or c"


def test_unit_per_is_grouped_by_thousands() -> None:
    """`unit per 10000` is written with a thousands separator, as in published tables."""
    text = format_source(Source(
        "u.ospec", 'framework f { outcome o "O" { indicator i { unit per 10000 } } }'))
    assert isinstance(text, str)
    assert "    unit per 10,000\n" in text


# ------------------------------------------------------------------ edges


def test_does_not_format_text_that_does_not_parse() -> None:
    """Text that does not parse gives the parser's diagnostics, never formatted text."""
    source = Source("bad.ospec", "library x {\n  define a for t = (b\n")
    result = format_source(source)
    assert isinstance(result, tuple)
    assert result == parse_source(source).diagnostics
    [diagnostic] = result
    assert isinstance(diagnostic, Diagnostic)
    assert (diagnostic.code, diagnostic.message) == ("E103", "the file ends too early")
    assert [label.message for label in diagnostic.labels] == ["this is never closed"]


def test_does_not_format_text_with_a_syntax_error() -> None:
    """A misplaced word gives E101 and no text, even though the rest of the file is fine."""
    result = format_source(Source("bad.ospec", "library x {\n  status draft draft\n}\n"))
    assert isinstance(result, tuple)
    assert [(d.code, d.message) for d in result] == [("E101", "unexpected `draft`")]


def test_unterminated_text_gives_e106() -> None:
    """An unterminated quoted text is reported, not formatted."""
    result = format_source(Source("bad.ospec", 'library x "open {\n}\n'))
    assert isinstance(result, tuple)
    assert [d.code for d in result] == ["E106"]


def test_empty_file_formats_to_one_newline() -> None:
    """An empty file (nothing but whitespace) formats to a single newline."""
    assert format_source(Source("empty.ospec", "\n\n  \n")) == "\n"


def test_comment_only_file() -> None:
    """A file of comments alone keeps them, one per line, without the blank lines."""
    assert format_source(Source("c.ospec", "  # one\n\n\n# two   \n")) == "# one\n# two\n"
