"""The `.ospec` Pygments lexer: a reviewed token stream of a tour of the language, agreement
with the grammar's keywords, every shipped file lexed cleanly, and never a crash.

`OUTCOMESPEC_UPDATE_GOLDEN=1` rewrites `tests/golden/highlighting/tour.tokens` from the
current output. Review the diff by eye before keeping it: the colours people see follow it.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pygments")

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pygments.lexers import (
    get_lexer_by_name,
    get_lexer_for_filename,
    get_lexer_for_mimetype,
)
from pygments.token import (
    Comment,
    Error,
    Keyword,
    Literal,
    Name,
    Number,
    Operator,
    Punctuation,
    String,
    Whitespace,
)

from outcomespec.checking import check_paths
from outcomespec.language import highlighting
from outcomespec.language.highlighting import OutcomeSpecLexer
from outcomespec.language.parser.grammar import grammar_text, python_parser
from tests.paths import REPO, TESTS

GOLDEN = TESTS / "golden" / "highlighting"
TOUR = GOLDEN / "tour.ospec"
TOKENS = GOLDEN / "tour.tokens"
UPDATE = os.environ.get("OUTCOMESPEC_UPDATE_GOLDEN") == "1"
"""Set OUTCOMESPEC_UPDATE_GOLDEN=1 to rewrite tour.tokens; review the diff after."""

TokenType = type(Keyword)

PROPERTY = settings(max_examples=300, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def lex(text: str) -> list[tuple[TokenType, str]]:
    """Every token of `text`, as the lexer yields them (no newline added, nothing stripped)."""
    return [(ttype, value) for _, ttype, value in OutcomeSpecLexer().get_tokens_unprocessed(text)]


def visible(text: str) -> list[tuple[str, str]]:
    """The tokens of `text` other than whitespace, with their types as text."""
    return [(str(ttype), value) for ttype, value in lex(text) if ttype not in Whitespace]


def render_tokens(text: str) -> str:
    """One line per token, `TokenType<TAB>repr(value)`, whitespace left out."""
    return "".join(f"{ttype}\t{value!r}\n" for ttype, value in visible(text))


def shipped_files() -> list[Path]:
    """Every framework file of the repository that is meant to be valid."""
    paths = [*REPO.glob("frameworks/**/*.ospec"), *REPO.glob("tests/data/frameworks/*.ospec"),
             *REPO.glob("tests/golden/format/*.ospec"), TOUR]
    return sorted(paths)


def grammar_keywords() -> set[str]:
    """The words quoted in the grammar: its keywords, including whole-token terminals."""
    text = re.sub(r"//[^\n]*", "", grammar_text())
    return set(re.findall(r'"([A-Za-z_][A-Za-z0-9_]*)"', text))


def emitted_types() -> set[TokenType]:
    """Every token type a rule of the lexer can emit (bygroups keep theirs in a closure)."""
    found: set[TokenType] = set()
    for rules in OutcomeSpecLexer.tokens.values():
        for rule in rules:
            if not isinstance(rule, tuple):  # include(...) and default(...)
                continue
            action = rule[1]
            if isinstance(action, TokenType):
                found.add(action)
                continue
            for cell in action.__closure__ or ():
                if isinstance(cell.cell_contents, tuple):
                    found.update(t for t in cell.cell_contents if isinstance(t, TokenType))
    return found - {Whitespace}


# ------------------------------------------------------------------ the golden tour


def test_tour_tokens_match_golden() -> None:
    """The tour lexes to exactly the reviewed token stream."""
    actual = render_tokens(TOUR.read_text(encoding="utf-8"))
    if UPDATE:
        TOKENS.write_text(actual, encoding="utf-8", newline="\n")
    assert TOKENS.exists(), "no tour.tokens; run with OUTCOMESPEC_UPDATE_GOLDEN=1"
    assert actual == TOKENS.read_text(encoding="utf-8")


def test_tour_checks_clean() -> None:
    """The tour is a valid framework: no error and no warning."""
    result = check_paths([TOUR], REPO / "tests")
    assert [d.message for d in result.diagnostics] == []


def test_tour_uses_every_rule_of_the_grammar() -> None:
    """Every rule and alias of the grammar that makes a node appears in the tour's parse."""
    parser = python_parser()
    rules = {str(rule.alias or rule.origin.name) for rule in parser.rules
             if rule.alias or not (rule.options.expand1 or rule.origin.name.startswith("_"))}
    used = {str(tree.data) for tree in parser.parse(TOUR.read_text(encoding="utf-8"))
            .iter_subtrees()}
    assert rules - used == set()


def test_every_token_type_appears_in_the_tour() -> None:
    """The tour shows every colour the lexer can give, so the golden file covers them all."""
    assert emitted_types() == {
        Comment.Single, String.Double, String.Escape, Number, Literal.Date, Operator,
        Operator.Word, Punctuation, Keyword, Keyword.Declaration, Keyword.Type,
        Keyword.Constant, Name, Name.Class, Name.Builtin, Name.Namespace, Name.Constant,
    }
    in_tour = {ttype for ttype, _ in lex(TOUR.read_text(encoding="utf-8"))}
    assert emitted_types() - in_tour == set()


# ------------------------------------------------------------------ agreement with the grammar


def test_grammar_keywords_are_the_lexers_reserved_words() -> None:
    """The lexer's word lists hold exactly the grammar's keywords: neither drifts alone."""
    assert grammar_keywords() == set(highlighting.RESERVED)


@pytest.mark.parametrize("word", sorted(grammar_keywords()))
def test_every_grammar_keyword_is_coloured_as_a_keyword(word: str) -> None:
    """Standing alone, each keyword of the grammar is a keyword, operator word or built-in."""
    ((ttype, value),) = lex(word)
    assert value == word
    assert ttype in Keyword or ttype in Operator.Word or ttype in Name.Builtin, ttype


# ------------------------------------------------------------------ context decides


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('outcome safe "Children are safe" {',
         [("Token.Keyword.Declaration", "outcome"), ("Token.Name.Class", "safe"),
          ("Token.Literal.String.Double", '"Children are safe"'), ("Token.Punctuation", "{")]),
        ("kind outcome", [("Token.Keyword", "kind"), ("Token.Keyword.Constant", "outcome")]),
        ("kind outcom", [("Token.Keyword", "kind"), ("Token.Name", "outcom")]),
        ("statistic count", [("Token.Keyword", "statistic"), ("Token.Keyword.Constant", "count")]),
        ("count(episodes)",
         [("Token.Name.Builtin", "count"), ("Token.Punctuation", "("), ("Token.Name", "episodes"),
          ("Token.Punctuation", ")")]),
        ('cohort cla "Children looked after" = header',
         [("Token.Keyword.Declaration", "cohort"), ("Token.Name.Class", "cla"),
          ("Token.Literal.String.Double", '"Children looked after"'), ("Token.Operator", "="),
          ("Token.Name", "header")]),
        ("cohort cla where SEX in {M}",
         [("Token.Keyword", "cohort"), ("Token.Name", "cla"), ("Token.Keyword", "where"),
          ("Token.Name", "SEX"), ("Token.Keyword", "in"), ("Token.Punctuation", "{"),
          ("Token.Name.Constant", "M"), ("Token.Punctuation", "}")]),
        ("numerator cohort where x",
         [("Token.Keyword", "numerator"), ("Token.Name.Builtin", "cohort"),
          ("Token.Keyword", "where"), ("Token.Name", "x")]),
        ('breakdown = "Total"',
         [("Token.Name", "breakdown"), ("Token.Operator", "="),
          ("Token.Literal.String.Double", '"Total"')]),
        ("DEC in period and DEC > period.end",
         [("Token.Name", "DEC"), ("Token.Keyword", "in"), ("Token.Name.Builtin", "period"),
          ("Token.Operator.Word", "and"), ("Token.Name", "DEC"), ("Token.Operator", ">"),
          ("Token.Name.Builtin", "period"), ("Token.Punctuation", "."),
          ("Token.Name", "end")]),
        ("period year ending 31 March",
         [("Token.Keyword", "period"), ("Token.Keyword", "year"), ("Token.Keyword", "ending"),
          ("Token.Literal.Number", "31"), ("Token.Keyword.Constant", "March")]),
        ("period year", [("Token.Keyword", "period"), ("Token.Name", "year")]),
        ("sum(children of population)",
         [("Token.Name.Builtin", "sum"), ("Token.Punctuation", "("), ("Token.Name", "children"),
          ("Token.Keyword", "of"), ("Token.Name", "population"), ("Token.Punctuation", ")")]),
        ("column CHILD identifier child",
         [("Token.Keyword.Declaration", "column"), ("Token.Name.Class", "CHILD"),
          ("Token.Keyword.Type", "identifier"), ("Token.Name", "child")]),
        ("column ID identifier optional",
         [("Token.Keyword.Declaration", "column"), ("Token.Name.Class", "ID"),
          ("Token.Keyword.Type", "identifier"), ("Token.Keyword", "optional")]),
        ("compare england, statistical_neighbours median",
         [("Token.Keyword", "compare"), ("Token.Keyword.Constant", "england"),
          ("Token.Punctuation", ","), ("Token.Name", "statistical_neighbours"),
          ("Token.Keyword.Constant", "median")]),
        ("unit per 10,000",
         [("Token.Keyword", "unit"), ("Token.Keyword", "per"), ("Token.Literal.Number", "10,000")]),
        ("confidence wilson 95%, 99.8%",
         [("Token.Keyword", "confidence"), ("Token.Keyword.Constant", "wilson"),
          ("Token.Literal.Number", "95%"), ("Token.Punctuation", ","),
          ("Token.Literal.Number", "99.8%")]),
        ("serves shared.safe exact",
         [("Token.Keyword", "serves"), ("Token.Name.Namespace", "shared"),
          ("Token.Punctuation", "."), ("Token.Name", "safe"),
          ("Token.Keyword.Constant", "exact")]),
        ("suppress counts 1..5",
         [("Token.Keyword", "suppress"), ("Token.Keyword", "counts"),
          ("Token.Literal.Number", "1"), ("Token.Operator", ".."),
          ("Token.Literal.Number", "5")]),
        (r'note "a \"b\" \d"',
         [("Token.Keyword", "note"), ("Token.Literal.String.Double", '"a '),
          ("Token.Literal.String.Escape", '\\"'), ("Token.Literal.String.Double", "b"),
          ("Token.Literal.String.Escape", '\\"'), ("Token.Literal.String.Double", ' \\d"')]),
        ("x ≥ 3", [("Token.Name", "x"), ("Token.Error", "≥"), ("Token.Literal.Number", "3")]),
    ],
)
def test_context_decides_the_colour(text: str, expected: list[tuple[str, str]]) -> None:
    """Words that are keywords, values and names by turns get the colour of their role."""
    assert visible(text) == expected


def test_codelist_codes_are_constants() -> None:
    """Codes, digits included, are constants inside a codelist; a meta key there stays one."""
    text = 'codelist sex { note "n" 1 "Male" until 2024 group known = 1, M  }'
    assert visible(text) == [
        ("Token.Keyword.Declaration", "codelist"), ("Token.Name.Class", "sex"),
        ("Token.Punctuation", "{"), ("Token.Keyword", "note"),
        ("Token.Literal.String.Double", '"n"'), ("Token.Name.Constant", "1"),
        ("Token.Literal.String.Double", '"Male"'), ("Token.Keyword", "until"),
        ("Token.Literal.Number", "2024"), ("Token.Keyword.Declaration", "group"),
        ("Token.Name.Class", "known"), ("Token.Operator", "="), ("Token.Name.Constant", "1"),
        ("Token.Punctuation", ","), ("Token.Name.Constant", "M"), ("Token.Punctuation", "}"),
    ]


# ------------------------------------------------------------------ shipped files


@pytest.mark.parametrize("path", shipped_files(), ids=lambda p: str(p.relative_to(REPO)))
def test_shipped_file_lexes_without_errors(path: Path) -> None:
    """Every shipped framework file lexes with no Error token, and its text round-trips."""
    text = path.read_text(encoding="utf-8")
    tokens = lex(text)
    assert "".join(value for _, value in tokens) == text
    assert [value for ttype, value in tokens if ttype is Error] == []


def test_shipped_files_are_found() -> None:
    """The shipped frameworks and datasets are among the files checked above."""
    names = {path.name for path in shipped_files()}
    assert {"csc_national_framework.ospec", "ssda903.ospec", "mini903.ospec",
            "demo.ospec", "tour.ospec"} <= names


# ------------------------------------------------------------------ registration and layering


def test_registered_with_pygments() -> None:
    """The entry point makes Pygments find the lexer by alias, file name and MIME type."""
    assert isinstance(get_lexer_by_name("ospec"), OutcomeSpecLexer)
    assert isinstance(get_lexer_by_name("outcomespec"), OutcomeSpecLexer)
    assert isinstance(get_lexer_for_filename("frameworks/x.ospec"), OutcomeSpecLexer)
    assert isinstance(get_lexer_for_mimetype("text/x-outcomespec"), OutcomeSpecLexer)


def test_imports_only_pygments_and_the_standard_library() -> None:
    """The lexer sits in the lowest layer: nothing of outcomespec, nothing but Pygments."""
    tree = ast.parse(Path(highlighting.__file__).read_text(encoding="utf-8"))
    modules = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
               for alias in node.names}
    modules |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    tops = {module.split(".")[0] for module in modules}
    assert tops - set(sys.stdlib_module_names) - {"__future__"} == {"pygments"}


def test_importing_outcomespec_does_not_import_the_lexer() -> None:
    """Pygments is optional: `import outcomespec` must not reach the lexer."""
    code = ("import sys, outcomespec, outcomespec.api; "
            "print('outcomespec.language.highlighting' in sys.modules, 'pygments' in sys.modules)")
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert output.stdout.split() == ["False", "False"]


# ------------------------------------------------------------------ properties

PIECES = st.sampled_from([
    *highlighting.RESERVED, *highlighting.STATISTICS, *highlighting.RELATIONS, "March",
    "x", "A1", "0", "12", "2025-03-31", "10,000", "95%", '"', '"t"', "\\", "{", "}", "(",
    ")", ",", ".", "..", "=", "<=", "-", "*", "#", "\n", " ", "\t", "é", "≥",
])


@PROPERTY
@given(st.text())
def test_any_text_lexes_and_round_trips(text: str) -> None:
    """Arbitrary text never makes the lexer raise, and its tokens spell the text exactly."""
    tokens = lex(text)
    assert "".join(value for _, value in tokens) == text
    assert all(value for _, value in tokens)


@PROPERTY
@given(st.lists(st.tuples(PIECES, st.sampled_from(["", " ", "\n"])), max_size=40))
def test_language_like_text_lexes_and_round_trips(parts: list[tuple[str, str]]) -> None:
    """Keywords, names and symbols in any order reach every state of the lexer and back."""
    text = "".join(piece + gap for piece, gap in parts)
    assert "".join(value for _, value in lex(text)) == text
