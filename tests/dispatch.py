"""Which classes a dispatch handles: the `case Class(...)` patterns of its `match`.

mypy proves each dispatch complete (`assert_never`); these helpers let the tests say so too,
by reading the patterns of the function's source, so that a node type added to a union
without a case fails a test that names the dispatch and the type.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
import types
import typing
from collections.abc import Callable, Iterator
from typing import Any


def matched_classes(function: Callable[..., Any]) -> set[str]:
    """The names of the classes `function`'s `match` statements test for, in every case."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    return {name for node in ast.walk(tree) if isinstance(node, ast.match_case)
            for name in _classes(node.pattern)}


def _classes(pattern: ast.pattern) -> Iterator[str]:
    if isinstance(pattern, ast.MatchClass):
        yield pattern.cls.attr if isinstance(pattern.cls, ast.Attribute) else ast.unparse(
            pattern.cls)
    elif isinstance(pattern, ast.MatchOr):
        for alternative in pattern.patterns:
            yield from _classes(alternative)
    elif isinstance(pattern, ast.MatchAs) and pattern.pattern is not None:
        yield from _classes(pattern.pattern)


def union_classes(union: Any) -> set[str]:
    """The names of the classes of a union type alias."""
    assert isinstance(union, types.UnionType)
    return {cls.__name__ for cls in typing.get_args(union)}
