"""Every model expression is compiled and interpreted, and every kind of step evaluated and
explained: each dispatch has a case for each class of its union, and for no other."""

from __future__ import annotations

from outcomespec import model as m
from outcomespec.evaluation import plan as p
from outcomespec.evaluation.compiler import _children, _Compiler
from outcomespec.evaluation.execution import Execution
from outcomespec.evaluation.explanation import _Words
from outcomespec.evaluation.interpreter import _World
from outcomespec.model import rendering
from tests.dispatch import matched_classes, union_classes


def test_every_model_expression_is_compiled() -> None:
    """`_Compiler.expr` builds steps for each class of `model.Expr` (a bare duration by
    saying it has no value)."""
    assert union_classes(m.Expr) == matched_classes(_Compiler.expr)
    assert union_classes(m.Expr) == matched_classes(_children)


def test_every_model_expression_is_interpreted() -> None:
    """The reference interpreter gives a value for each class of `model.Expr`."""
    assert union_classes(m.Expr) == matched_classes(_World.value)


def test_every_model_expression_is_rendered() -> None:
    """Each class of `model.Expr` is written back as the language writes it."""
    assert union_classes(m.Expr) == matched_classes(rendering._form)


def test_every_step_is_evaluated_and_explained() -> None:
    """`Execution.compute` and the explanation's words have a case for each kind of step."""
    assert union_classes(p.Step) == matched_classes(Execution.compute)
    assert union_classes(p.Step) == matched_classes(_Words.step)
    assert len(union_classes(p.Step)) == 26
