"""The TextMate grammar editors use (editors/vscode) is generated from the lexer's word lists
and kept in step with the parser's grammar, as the Pygments lexer is."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

pytest.importorskip("pygments")

from outcomespec.language import highlighting
from outcomespec.language.textmate import SCOPE, render_grammar, textmate_grammar
from tests.language.test_highlighting import grammar_keywords
from tests.paths import REPO

COMMITTED = REPO / "editors" / "vscode" / "syntaxes" / "outcomespec.tmLanguage.json"


def patterns(node: Any) -> list[str]:
    """Every regular expression in the grammar (`match`, `begin`, `end`)."""
    if isinstance(node, dict):
        found = [node[k] for k in ("match", "begin", "end") if isinstance(node.get(k), str)]
        return found + [p for value in node.values() for p in patterns(value)]
    if isinstance(node, list):
        return [p for value in node for p in patterns(value)]
    return []


def test_committed_grammar_is_generated() -> None:
    """editors/vscode's grammar is exactly what the generator writes (regenerate it with
    `python -m outcomespec.language.textmate editors/vscode/syntaxes/…` when this fails)."""
    assert COMMITTED.read_text(encoding="utf-8") == render_grammar()


def test_every_keyword_of_the_grammar_is_coloured() -> None:
    """Each keyword of outcomespec.lark is one of the words the grammar's patterns name."""
    named = {word for pattern in patterns(textmate_grammar())
             for word in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", pattern)}
    assert grammar_keywords() - named == set()
    assert grammar_keywords() == set(highlighting.RESERVED)


def test_every_pattern_compiles() -> None:
    """The patterns use only what Python's `re` and Oniguruma share, so each compiles."""
    found = patterns(textmate_grammar())
    assert len(found) > 20
    for pattern in found:
        re.compile(pattern)


@pytest.mark.parametrize(("text", "rule", "expected"), [
    ("kind outcome", "values", "outcome"),
    ("statistic count", "values", "count"),
    ("polarity lower_is_better", "values", "lower_is_better"),
    ("confidence wilson", "values", "wilson"),
    ("serves shared.safe exact", "values", "exact"),
    ("dataset episodes", "declaration", "episodes"),
    ('cohort cla "Children looked after" =', "cohort-declaration", "cla"),
])
def test_words_take_the_colour_of_their_role(text: str, rule: str, expected: str) -> None:
    """The value after a field, the name after a declaration keyword, are picked out."""
    entry = textmate_grammar()["repository"][rule]
    found = [match.group(match.lastindex or 0)
             for pattern in patterns(entry) for match in [re.search(pattern, text)] if match]
    assert expected in found


def test_misspelt_value_is_not_a_value() -> None:
    """`kind outcom` is not coloured as a value: the checker would refuse it."""
    entry = textmate_grammar()["repository"]["values"]
    assert not any(re.search(p, "kind outcom") for p in patterns(entry)[:1])


def test_grammar_names_its_scope_and_files() -> None:
    """The grammar is for `*.ospec` files under the scope the editor package names."""
    grammar = json.loads(COMMITTED.read_text(encoding="utf-8"))
    assert (grammar["scopeName"], grammar["fileTypes"]) == (SCOPE, ["ospec"])
