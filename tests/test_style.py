"""The tests' own style (STYLE.md): every test says in its first line what it checks."""

from __future__ import annotations

import ast
import functools
from pathlib import Path

from tests.paths import TESTS


@functools.cache
def _tests() -> tuple[tuple[Path, ast.FunctionDef | ast.AsyncFunctionDef], ...]:
    """Every test function of tests/, in modules and in classes (read once for both tests)."""
    return tuple((path, node) for path in sorted(TESTS.rglob("test_*.py"))
                 for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                 if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
                 and node.name.startswith("test"))


def _summary(node: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
    """The first line of a function's docstring as written, "" when it has none."""
    docstring = ast.get_docstring(node, clean=False)
    return docstring.split("\n", 1)[0].strip() if docstring else ""


def test_every_test_has_a_docstring_whose_first_line_says_what_it_checks() -> None:
    """Each test function in tests/ has a docstring, its first line not blank."""
    undocumented = [f"{path.relative_to(TESTS)}:{node.lineno} {node.name}"
                    for path, node in _tests() if not _summary(node)]
    assert undocumented == []


def test_the_style_check_sees_every_test_module() -> None:
    """The check reads the tests of every package (a test placed elsewhere is still read)."""
    folders = {path.parent.name for path, _ in _tests()}
    assert {"alignment", "api", "checking", "cli", "evaluation", "language", "loading",
            "results", "synthetic", "tests"} <= folders
    assert len(_tests()) > 500


def test_a_test_without_a_docstring_is_found() -> None:
    """A function without a docstring, or with a blank first line, has no summary."""
    module = ast.parse('def test_a():\n    pass\n\ndef test_b():\n    """\n    Late."""\n\n'
                       'def test_c():\n    """Says what."""\n')
    functions = [node for node in module.body if isinstance(node, ast.FunctionDef)]
    assert [_summary(node) for node in functions] == ["", "", "Says what."]
