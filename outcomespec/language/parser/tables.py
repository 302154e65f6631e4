"""The parser's LALR tables, built once from the grammar and shipped as data (JSON, never
pickle): building them takes longer than checking every shipped framework, loading them a
fraction of that.

The file records what it was built from (the grammar's SHA-256, the parser's options, Lark's
version); a parser is made from it only when all three match, and built from the grammar
otherwise. A test fails when the file is stale. After changing the grammar or upgrading Lark,
regenerate it from the checkout:

    python -m outcomespec.language.parser

Lark numbers its states and tokens in an order that follows Python's string hashing, which
differs from process to process; the file holds them renumbered in one fixed order
(`canonical`), so that every build of one grammar gives the same file, byte for byte.
"""

from __future__ import annotations

import hashlib
import json
from collections import deque
from importlib.resources import files
from typing import Any

import lark
from lark import Lark
from lark.grammar import Rule
from lark.lexer import TerminalDef

TABLES = "tables.json"
"""The file's name, next to this module."""

_TUPLE, _INT_KEYS = "(tuple)", "(int keys)"
"""How a tuple and a dict with whole-number keys are written in JSON (which has neither)."""

_SHIFT = 0
"""Lark's code for a shift (1 is a reduce) in its serialized parse table."""


def stamp(grammar: str, options: dict[str, Any]) -> dict[str, Any]:
    """What the tables are built from: they fit a parser only when all of it is the same."""
    return {
        "grammar_sha256": hashlib.sha256(grammar.encode("utf-8")).hexdigest(),
        "options": options,
        "lark": lark.__version__,
    }


def tables_of(parser: Lark, made_from: dict[str, Any]) -> dict[str, Any]:
    """The parser's tables, canonical and stamped with what they were `made_from`."""
    data, memo = parser.memo_serialize([TerminalDef, Rule])
    return {"stamp": made_from, "data": canonical(data), "memo": memo}


def canonical(data: dict[str, Any]) -> dict[str, Any]:
    """Lark's serialized parser with its tokens numbered in name order and its states in the
    order a breadth-first walk from the start state meets them (following shifts in token
    order): the same for every build of one grammar."""
    table = data["parser"]["parser"]
    names: dict[int, str] = table["tokens"]
    states: dict[int, dict[int, tuple[int, Any]]] = table["states"]
    token = {name: index for index, name in enumerate(sorted(names.values()))}

    def in_token_order(actions: dict[int, tuple[int, Any]]) -> list[tuple[int, tuple[int, Any]]]:
        return sorted(actions.items(), key=lambda item: names[item[0]])

    number: dict[int, int] = {}
    waiting = deque(table["start_states"][start] for start in sorted(table["start_states"]))
    while waiting:
        state = waiting.popleft()
        if state not in number:
            number[state] = len(number)
            waiting.extend(arg for _, (action, arg) in in_token_order(states[state])
                           if action == _SHIFT)
    if len(number) != len(states):
        msg = f"{len(states) - len(number)} parser states cannot be reached from the start"
        raise ValueError(msg)
    renumbered = {
        "tokens": {index: name for name, index in token.items()},
        "states": {
            number[state]: {
                token[names[tok]]: (action, number[arg] if action == _SHIFT else arg)
                for tok, (action, arg) in in_token_order(states[state])
            }
            for state in sorted(states, key=number.__getitem__)
        },
        "start_states": {key: number[state] for key, state in table["start_states"].items()},
        "end_states": {key: number[state] for key, state in table["end_states"].items()},
    }
    return {**data, "parser": {**data["parser"], "parser": renumbered}}


def encode(value: Any) -> Any:
    """`value` in JSON's terms, reversibly: tuples and dicts with whole-number keys tagged
    (`decode` undoes it)."""
    if isinstance(value, tuple):
        return {_TUPLE: [encode(item) for item in value]}
    if isinstance(value, list):
        return [encode(item) for item in value]
    if isinstance(value, dict):
        if value and all(type(key) is int for key in value):
            return {_INT_KEYS: [[key, encode(item)] for key, item in value.items()]}
        if not all(isinstance(key, str) for key in value) or {_TUPLE, _INT_KEYS} & value.keys():
            msg = f"cannot write a dict with keys {sorted(map(repr, value))[:5]} as JSON"
            raise TypeError(msg)
        return {key: encode(item) for key, item in value.items()}
    return value


def _decoded(pairs: dict[str, Any]) -> Any:
    """One JSON object back as written by `encode` (inner objects come first)."""
    if len(pairs) == 1:
        if _TUPLE in pairs:
            return tuple(pairs[_TUPLE])
        if _INT_KEYS in pairs:
            return dict(pairs[_INT_KEYS])
    return pairs


def decode(text: str) -> Any:
    """The value `encode` wrote, from its JSON text."""
    return json.loads(text, object_hook=_decoded)


def to_text(tables: dict[str, Any]) -> str:
    """The file's text: one line (it is read by machines; the order is fixed by `canonical`)."""
    return json.dumps(encode(tables), ensure_ascii=False, separators=(",", ":")) + "\n"


def read_tables(expected: dict[str, Any]) -> dict[str, Any] | None:
    """The shipped tables when they were made from what is `expected`, else None."""
    try:
        text = files("outcomespec.language.parser").joinpath(TABLES).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    return tables_in(text, expected)


def tables_in(text: str, expected: dict[str, Any]) -> dict[str, Any] | None:
    """The tables written in `text` when they were made from what is `expected`; None for
    any others, and for a file that is not whole (the parser is then built instead).

    >>> tables_in('{"stamp": {"lark": "1.0"}, "data": {}}', {"lark": "1.0"})["data"]
    {}
    >>> tables_in('{"stamp": {"lark": "1.0"', {"lark": "1.0"}) is None
    True
    """
    try:
        tables = decode(text)
    except ValueError:
        return None
    if isinstance(tables, dict) and tables.get("stamp") == expected:
        return tables
    return None


def parser_from(tables: dict[str, Any], plugins: Any = None) -> Lark:
    """A parser made from the tables (lark-cython's `plugins` work as when building), by
    Lark's own loader of its serialized parsers (private, as `memo_serialize` is: the stamp
    keeps a file from another version of Lark from reaching it)."""
    options: dict[str, Any] = {"_plugins": plugins} if plugins is not None else {}
    loaded: Lark = Lark._load_from_dict(  # type: ignore[no-untyped-call]
        tables["data"], tables["memo"], **options)
    return loaded
