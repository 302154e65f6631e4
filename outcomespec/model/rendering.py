"""Expressions of the model written back as the language writes them.

What people read about a checked framework (the plan `explain` prints, the differences
`align` reports) quotes its expressions as an author would write them: `DEC within 12 months
before this.DECOM`, `RNE in {P, S}`, `"Local authority"`, never a Python repr. Names of
datasets and definitions lose their module (the text is read beside the framework that
declares them); code groups are spelt out as their codes; a duration is written in the largest
units its parts hold (`12 months` stays 12 months, a week is 7 days).
"""

from __future__ import annotations

from typing import assert_never

from outcomespec.model.expressions import (
    Aggregate,
    Arithmetic,
    ArithmeticOp,
    Call,
    CodeTest,
    ColumnRef,
    Comparison,
    DefinitionRef,
    Duration,
    Expr,
    InPeriod,
    Literal,
    Logical,
    LogicalOp,
    MissingTest,
    Negate,
    Not,
    PeriodValue,
    Within,
)
from outcomespec.model.types import ValueKind

_OR, _AND, _NOT, _COMPARE, _SUM, _PRODUCT, _UNARY, _ATOM = range(1, 9)
_MEASURES = (ValueKind.NUMBER, ValueKind.DATE)


def render_expr(expr: Expr, *, constants: bool = True) -> str:
    """An expression as the language writes it (`constants=False` writes each number, date
    and duration as `…`).

    >>> from outcomespec import model as m
    >>> age = m.Call(m.Function.AGE, (m.ColumnRef("d.people", "DOB", m.DATE),
    ...                               m.PeriodValue(m.PeriodField.END, m.DATE)), m.NUMBER)
    >>> older = m.Comparison(m.ComparisonOp.GE, age, m.Literal(19.0, m.NUMBER))
    >>> render_expr(m.Logical(m.LogicalOp.OR, (older, m.Not(older))))
    'age(DOB, period.end) >= 19 or not age(DOB, period.end) >= 19'
    >>> render_expr(older, constants=False)
    'age(DOB, period.end) >= …'
    """
    return _text(expr, 0, constants)


def render_literal(literal: Literal) -> str:
    """A constant as written: `true`, `12`, `0.5`, `"Local authority"`, `2024-03-31`.

    >>> from outcomespec import model as m
    >>> render_literal(m.Literal('say "hi"', m.TEXT)), render_literal(m.Literal(12.0, m.NUMBER))
    ('"say \\\\"hi\\\\""', '12')
    """
    value = literal.value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if literal.type.kind is ValueKind.TEXT:
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return value


def render_duration(duration: Duration) -> str:
    """A length of calendar time as written.

    >>> render_duration(Duration(1, 6, 0)), render_duration(Duration(0, 0, 1))
    ('1 year 6 months', '1 day')
    """
    parts = [f"{count} {unit}{'s' if count != 1 else ''}"
             for count, unit in ((duration.years, "year"), (duration.months, "month"),
                                 (duration.days, "day")) if count]
    return " ".join(parts) or "0 days"


def is_measure(constant: Literal | Duration) -> bool:
    """Whether a constant sets how much or when (an age, a count, a date, a duration), as
    opposed to text and true/false, which select what is counted.

    >>> from outcomespec import model as m
    >>> is_measure(m.Literal(18.0, m.NUMBER)), is_measure(m.Literal("Local authority", m.TEXT))
    (True, False)
    """
    return isinstance(constant, Duration) or constant.type.kind in _MEASURES


def short_name(qualified: str) -> str:
    """A declaration's name without its module.

    >>> short_name("ssda903.episodes")
    'episodes'
    """
    return qualified.rsplit(".", 1)[-1]


def breakdown_label(expr: Expr) -> str:
    """The name a breakdown's categories are published under: its column or definition,
    else `breakdown`.

    >>> from outcomespec import model as m
    >>> breakdown_label(m.ColumnRef("lib.header", "SEX", m.TEXT))
    'SEX'
    """
    if isinstance(expr, ColumnRef):
        return expr.column
    if isinstance(expr, DefinitionRef):
        return short_name(expr.definition)
    return "breakdown"


def _text(expr: Expr, outer: int, constants: bool) -> str:
    level, text = _form(expr, constants)
    return f"({text})" if level < outer else text


def _form(expr: Expr, constants: bool) -> tuple[int, str]:
    """How tightly the expression binds, and its text."""
    def sub(child: Expr, level: int) -> str:
        return _text(child, level, constants)

    match expr:
        case Literal():
            return _ATOM, render_literal(expr) if constants or not is_measure(expr) else "…"
        case Duration():
            return _ATOM, render_duration(expr) if constants else "…"
        case PeriodValue():
            return _ATOM, f"period.{expr.name}"
        case ColumnRef():
            return _ATOM, "this." * expr.depth + expr.column
        case DefinitionRef():
            return _ATOM, "this." * expr.depth + short_name(expr.definition)
        case Logical():
            level = _OR if expr.op is LogicalOp.OR else _AND
            return level, f" {expr.op} ".join(sub(o, level + 1) for o in expr.operands)
        case Not():
            return _NOT, "not " + sub(expr.operand, _NOT)
        case Negate():
            return _UNARY, "-" + sub(expr.operand, _UNARY)
        case Arithmetic():
            level = _SUM if expr.op in (ArithmeticOp.ADD, ArithmeticOp.SUBTRACT) else _PRODUCT
            return level, f"{sub(expr.left, level)} {expr.op} {sub(expr.right, level + 1)}"
        case Comparison() | CodeTest() | MissingTest() | InPeriod() | Within():
            return _COMPARE, _condition(expr, constants)
        case Call():
            return _ATOM, f"{expr.function}({', '.join(sub(a, 0) for a in expr.args)})"
        case Aggregate():
            value = f"{sub(expr.value, 0)} of " if expr.value is not None else ""
            where = f" where {sub(expr.where, 0)}" if expr.where is not None else ""
            order = f" by {sub(expr.order, 0)}" if expr.order is not None else ""
            periods = f" {expr.periods}" if str(expr.periods) else ""
            return _ATOM, (f"{expr.function}({value}{short_name(expr.dataset)}{periods}"
                           f"{where}{order})")
        case _:
            assert_never(expr)


def _condition(expr: Comparison | CodeTest | MissingTest | InPeriod | Within,
               constants: bool) -> str:
    def sub(child: Expr) -> str:
        return _text(child, _SUM, constants)

    match expr:
        case Comparison():
            return f"{sub(expr.left)} {expr.op} {sub(expr.right)}"
        case CodeTest():
            codes = ", ".join(sorted(expr.codes))
            return f"{sub(expr.operand)} {'not in' if expr.negated else 'in'} {{{codes}}}"
        case MissingTest():
            return f"{sub(expr.operand)} is {'not ' if expr.negated else ''}missing"
        case InPeriod():
            return f"{sub(expr.operand)} in period"
        case Within():
            return (f"{sub(expr.operand)} within {sub(expr.duration)} {expr.direction} "
                    f"{sub(expr.anchor)}")
        case _:
            assert_never(expr)
