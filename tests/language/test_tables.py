"""The parser's tables shipped as JSON: current with the grammar, reversibly encoded, used only
when they fit, and parsing exactly as a parser built from the grammar."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lark import Lark

from outcomespec.language.parser import grammar
from outcomespec.language.parser.grammar import OPTIONS, build_parser, grammar_text
from outcomespec.language.parser.tables import (
    TABLES,
    canonical,
    decode,
    encode,
    parser_from,
    read_tables,
    stamp,
    tables_in,
    tables_of,
    to_text,
)
from tests.paths import REPO

SHIPPED = REPO / "outcomespec" / "language" / "parser" / TABLES


def _shipped() -> dict[str, Any]:
    tables = read_tables(stamp(grammar_text(), OPTIONS))
    assert tables is not None, "the shipped tables do not fit the grammar"
    return tables


def test_shipped_tables_are_those_the_grammar_builds() -> None:
    """A parser built from the grammar now gives the shipped file byte for byte (else run
    `python -m outcomespec.language.parser` and commit tables.json)."""
    built = to_text(tables_of(build_parser(), stamp(grammar_text(), OPTIONS)))
    assert built == SHIPPED.read_text(encoding="utf-8"), (
        "tables.json is stale: run `python -m outcomespec.language.parser`")


def test_canonical_numbering_does_not_depend_on_lark_order() -> None:
    """Renumbering already canonical tables changes nothing, and every state is reachable."""
    data = _shipped()["data"]
    assert canonical(data) == data
    table = data["parser"]["parser"]
    assert table["start_states"] == {"start": 0}
    assert sorted(table["states"]) == list(range(len(table["states"])))


_KEYS = st.text(max_size=5).filter(lambda key: key not in ("(tuple)", "(int keys)"))
_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: (st.lists(inner, max_size=4) | st.tuples(inner, inner)
                   | st.dictionaries(_KEYS, inner, max_size=4)
                   | st.dictionaries(st.integers(), inner, min_size=1, max_size=4)),
    max_leaves=20,
)


@given(_VALUES)
def test_encoding_round_trips(value: Any) -> None:
    """Whatever mixes tuples, lists, dicts with text or whole-number keys comes back equal,
    with the same types (JSON alone would turn tuples into lists and keys into text)."""
    back = decode(json.dumps(encode(value)))
    assert back == value
    assert repr(back) == repr(value)


def test_a_dict_with_mixed_keys_is_refused() -> None:
    """A dict whose keys are neither all text nor all whole numbers cannot be written."""
    with pytest.raises(TypeError, match="cannot write"):
        encode({1: "a", "b": 2})


@pytest.mark.parametrize("change", ["grammar", "lark", "options"])
def test_tables_for_anything_else_are_not_used(change: str) -> None:
    """Tables stamped for another grammar, Lark version or options are not read."""
    expected = stamp(grammar_text(), OPTIONS)
    match change:
        case "grammar":
            expected = stamp(grammar_text() + "\n// changed\n", OPTIONS)
        case "lark":
            expected = {**expected, "lark": "0.0.1"}
        case "options":
            expected = stamp(grammar_text(), {**OPTIONS, "maybe_placeholders": False})
    assert read_tables(expected) is None


@pytest.mark.parametrize("damage", ["truncated", "not an object", "not JSON"])
def test_a_damaged_file_is_not_used(damage: str) -> None:
    """A tables file cut short, or holding something else, is read as no tables at all."""
    text = SHIPPED.read_text(encoding="utf-8")
    damaged = {"truncated": text[: len(text) // 2], "not an object": "[1, 2]",
               "not JSON": "\x00tables"}[damage]
    assert tables_in(damaged, stamp(grammar_text(), OPTIONS)) is None
    assert tables_in(text, stamp(grammar_text(), OPTIONS)) == _shipped()


def test_without_fitting_tables_the_parser_is_built(monkeypatch: pytest.MonkeyPatch) -> None:
    """When the tables do not fit, the parser is built from the grammar and parses alike."""
    monkeypatch.setattr(grammar, "read_tables", lambda expected: None)
    grammar.shipped_tables.cache_clear()
    try:
        built = grammar._parser(plugins=None)
    finally:
        grammar.shipped_tables.cache_clear()
    text = (REPO / "frameworks" / "csc_national_framework.ospec").read_text(encoding="utf-8")
    assert built.parse(text) == parser_from(_shipped()).parse(text)


def _lark_cython_plugins() -> Any:
    return pytest.importorskip("lark_cython").plugins


@pytest.mark.parametrize("engine", ["python", "lark-cython"])
def test_a_parser_from_the_tables_parses_as_one_built(engine: str) -> None:
    """Every shipped framework and library parses to the same tree from the tables as with
    a parser built from the grammar, on Lark's own loop and on lark-cython's."""
    plugins = _lark_cython_plugins() if engine == "lark-cython" else None
    loaded, built = parser_from(_shipped(), plugins), build_parser(plugins=plugins)
    assert isinstance(loaded, Lark)
    files = sorted((REPO / "frameworks").rglob("*.ospec"))
    assert len(files) >= 10
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert loaded.parse(text) == built.parse(text), path.name
