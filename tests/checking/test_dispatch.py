"""The checker's dispatches handle every node type of the syntax tree they are given."""

from __future__ import annotations

from outcomespec.checking.declarations import _column_type
from outcomespec.checking.expressions import _Checker
from outcomespec.checking.judging import Presentation
from outcomespec.language import syntax as s
from tests.dispatch import matched_classes, union_classes


def test_every_syntax_expression_is_checked() -> None:
    """`_Checker.check` has a case for each class of `syntax.Expr`, and for no other."""
    assert union_classes(s.Expr) == matched_classes(_Checker.check)
    assert {"Within", "Membership", "OuterRef"} <= union_classes(s.Expr)


def test_every_column_type_is_checked() -> None:
    """Column types (`date`, `identifier child`, `code sex`) each have a case."""
    assert union_classes(s.ColumnType) == matched_classes(_column_type)


def test_every_comparator_is_checked() -> None:
    """`england`, `region`, neighbours, another population and a target each have a case."""
    assert union_classes(s.Comparator) == matched_classes(Presentation.comparator)
