"""Expressions of the checked model in normal form, compared, and written back as text.

Two frameworks often compute the same thing in different words: one names a definition the
other writes out, one lists conditions in another order. Normalising removes what does not
change the value, so that equal normal forms mean the same computation:

- named definitions are inlined (a `this.` reference shifts the definition's rows outward);
- `and` / `or` chains are flattened, repeated conditions dropped, and the rest put in a fixed
  order; `not` is pushed into `in {…}` and `is missing`, and a double `not` removed;
- a comparison puts its constant on the right (`19 <= age(…)` reads `age(…) >= 19`), and `=`,
  `!=`, `+` and `*` order their operands;
- numbers are compared by value (`12` = `12.0`) and durations in months and days
  (`1 year` = `12 months`).

Spans take no part in equality, so where a thing was written never matters.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, assert_never

import attrs

from outcomespec import model as m
from outcomespec.model.rendering import is_measure, render_expr

_OP = m.ComparisonOp
_MIRRORED = {_OP.LT: _OP.GT, _OP.LE: _OP.GE, _OP.GT: _OP.LT, _OP.GE: _OP.LE, _OP.EQ: _OP.EQ,
             _OP.NE: _OP.NE}
_INCLUSIVE = {_OP.LT: _OP.LE, _OP.GT: _OP.GE}
"""`x > 0` of a whole number is `x >= 1`."""
_CONSTANT = (m.Literal, m.Duration, m.PeriodValue)


def conjuncts(expr: m.Expr) -> tuple[m.Expr, ...]:
    """The conditions of an `and` chain, or the expression alone.

    >>> yes = m.Literal(True, m.BOOLEAN)
    >>> both = m.Logical(m.LogicalOp.AND, (yes, yes))
    >>> len(conjuncts(m.Logical(m.LogicalOp.AND, (yes, both))))
    3
    """
    if isinstance(expr, m.Logical) and expr.op is m.LogicalOp.AND:
        return tuple(c for operand in expr.operands for c in conjuncts(operand))
    return (expr,)


def sort_key(expr: m.Expr) -> tuple[str, str]:
    """A fixed order that keeps expressions differing only in constants side by side."""
    return render_expr(expr, constants=False), render_expr(expr)


class Normaliser:
    """Normal forms of expressions, inlining the named definitions it is given.

    >>> age = m.ColumnRef("d.people", "AGE", m.NUMBER)
    >>> adult = m.Comparison(m.ComparisonOp.LE, m.Literal(18.0, m.NUMBER), age)
    >>> render_expr(Normaliser({}).expr(m.Not(m.Not(adult))))
    'AGE >= 18'
    """

    def __init__(self, definitions: Mapping[str, m.Definition]) -> None:
        self.definitions = definitions
        self.inlined: dict[str, m.Expr] = {}
        self.inlining: set[str] = set()

    def expr(self, expr: m.Expr) -> m.Expr:
        """The normal form of `expr`."""
        match expr:
            case m.Literal():
                if expr.type.kind is m.ValueKind.NUMBER:
                    return m.Literal(float(expr.value), m.NUMBER)
                return expr
            case m.Duration():
                return m.Duration(0, expr.years * 12 + expr.months, expr.days)
            case m.PeriodValue() | m.ColumnRef():
                return expr
            case m.DefinitionRef():
                return self.definition(expr)
            case m.Logical():
                return self.logical(expr)
            case m.Not():
                return _negated(self.expr(expr.operand))
            case m.Negate():
                return m.Negate(self.expr(expr.operand), _plain(expr.type))
            case m.Arithmetic():
                left, right = self.expr(expr.left), self.expr(expr.right)
                commutes = expr.op in (m.ArithmeticOp.ADD, m.ArithmeticOp.MULTIPLY)
                if commutes and expr.type.kind is m.ValueKind.NUMBER:
                    left, right = sorted((left, right), key=sort_key)
                return m.Arithmetic(expr.op, left, right, _plain(expr.type))
            case m.Comparison():
                left, right = self.expr(expr.left), self.expr(expr.right)
                op = expr.op
                if _is_constant(left) and not _is_constant(right):
                    left, right, op = right, left, _MIRRORED[op]
                elif op in (_OP.EQ, _OP.NE) and _is_constant(left) == _is_constant(right):
                    left, right = sorted((left, right), key=sort_key)
                whole = expr.right if _is_constant(expr.left) else expr.left
                if op in _INCLUSIVE and whole.type.integer and isinstance(right, m.Literal) \
                        and isinstance(right.value, float) and right.value.is_integer():
                    # Whole numbers: `x > 0` and `x >= 1` count the same rows.
                    step = 1.0 if op is _OP.GT else -1.0
                    op, right = _INCLUSIVE[op], m.Literal(right.value + step, m.NUMBER)
                return m.Comparison(op, left, right)
            case m.CodeTest():
                return m.CodeTest(self.expr(expr.operand), expr.codes, expr.negated)
            case m.MissingTest():
                return m.MissingTest(self.expr(expr.operand), expr.negated)
            case m.InPeriod():
                return m.InPeriod(self.expr(expr.operand))
            case m.Within():
                duration = self.expr(expr.duration)
                assert isinstance(duration, m.Duration)
                return m.Within(self.expr(expr.operand), duration, expr.direction,
                                self.expr(expr.anchor))
            case m.Call():
                return m.Call(expr.function, tuple(self.expr(a) for a in expr.args),
                              _plain(expr.type))
            case m.Aggregate():
                return m.Aggregate(
                    function=expr.function, dataset=expr.dataset, type=_plain(expr.type),
                    value=self.optional(expr.value), link=expr.link,
                    where=self.optional(expr.where), order=self.optional(expr.order),
                    periods=expr.periods)
            case _:
                assert_never(expr)

    def optional(self, expr: m.Expr | None) -> m.Expr | None:
        """The normal form of an optional part (an aggregate's value, `where`, `by`)."""
        return None if expr is None else self.expr(expr)

    def definition(self, ref: m.DefinitionRef) -> m.Expr:
        """The definition's expression in place of its name; the name if it is unknown."""
        name = ref.definition
        definition = self.definitions.get(name)
        if definition is None or name in self.inlining:
            return m.DefinitionRef(name, ref.type, ref.depth)
        if name not in self.inlined:
            self.inlining.add(name)
            self.inlined[name] = self.expr(definition.expr)
            self.inlining.discard(name)
        return _shift(self.inlined[name], ref.depth)

    def logical(self, expr: m.Logical) -> m.Expr:
        """A flat, ordered chain without repeats; a chain of one is that condition."""
        found: dict[m.Expr, None] = {}
        for operand in expr.operands:
            normal = self.expr(operand)
            if isinstance(normal, m.Logical) and normal.op is expr.op:
                found.update(dict.fromkeys(normal.operands))
            else:
                found[normal] = None
        operands = tuple(sorted(found, key=sort_key))
        return operands[0] if len(operands) == 1 else m.Logical(expr.op, operands)


def _plain(value_type: m.ValueType) -> m.ValueType:
    """Numbers compare by value: whether one was written as a whole number does not count."""
    return m.NUMBER if value_type.kind is m.ValueKind.NUMBER else value_type


def _negated(expr: m.Expr) -> m.Expr:
    match expr:
        case m.Not():
            return expr.operand
        case m.CodeTest():
            return m.CodeTest(expr.operand, expr.codes, not expr.negated)
        case m.MissingTest():
            return m.MissingTest(expr.operand, not expr.negated)
        case _:
            return m.Not(expr)


def _is_constant(expr: m.Expr) -> bool:
    if isinstance(expr, _CONSTANT):
        return True
    if isinstance(expr, m.Arithmetic):
        return _is_constant(expr.left) and _is_constant(expr.right)
    if isinstance(expr, m.Negate):
        return _is_constant(expr.operand)
    return False


def _shift(expr: m.Expr, by: int, level: int = 0) -> m.Expr:
    """A definition's expression moved `by` rows outward: used as `this.name`, its own row is
    the enclosing row. Inside an aggregation, references to that aggregation's rows stay."""
    if by == 0:
        return expr
    match expr:
        case m.ColumnRef() | m.DefinitionRef():
            return attrs.evolve(expr, depth=expr.depth + by) if expr.depth >= level else expr
        case m.Aggregate():
            return _children(expr, lambda child: _shift(child, by, level + 1))
        case _:
            return _children(expr, lambda child: _shift(child, by, level))


def _children(expr: m.Expr, change: Callable[[m.Expr], m.Expr]) -> m.Expr:
    """`expr` with `change` applied to each of its sub-expressions."""
    changes: dict[str, Any] = {}
    for field in attrs.fields(type(expr)):
        value = getattr(expr, field.name)
        if _is_expr(value):
            changes[field.name] = change(value)
        elif isinstance(value, tuple) and value and all(_is_expr(v) for v in value):
            changes[field.name] = tuple(change(v) for v in value)
    return attrs.evolve(expr, **changes) if changes else expr


def _is_expr(value: object) -> bool:
    return attrs.has(type(value)) and not isinstance(value, m.ValueType)


# ------------------------------------------------------------------ differing in constants


def constant_differences(first: m.Expr, second: m.Expr) -> list[tuple[m.Expr, m.Expr]] | None:
    """The constants that differ between two expressions of the same shape, or None when the
    shapes differ (other operators, columns, codes, functions or text). Constants are
    numbers, dates and durations.

    >>> window = m.ColumnRef("d.referrals", "PREVIOUS", m.DATE)
    >>> anchor = m.ColumnRef("d.referrals", "REFDATE", m.DATE)
    >>> a = m.Within(window, m.Duration(0, 12, 0), m.Direction.BEFORE, anchor)
    >>> b = m.Within(window, m.Duration(0, 24, 0), m.Direction.BEFORE, anchor)
    >>> [(render_expr(x), render_expr(y)) for x, y in constant_differences(a, b)]
    [('12 months', '24 months')]
    """
    found: list[tuple[m.Expr, m.Expr]] = []
    return found if _same_shape(first, second, found) else None


def _same_shape(first: Any, second: Any, found: list[tuple[m.Expr, m.Expr]]) -> bool:
    if type(first) is not type(second):
        return False
    if isinstance(first, m.Literal | m.Duration):
        if first == second:
            return True
        if first.type.kind is not second.type.kind or not is_measure(first):
            return False
        found.append((first, second))
        return True
    if not _is_expr(first):
        return bool(first == second)
    for field in attrs.fields(type(first)):
        if not field.eq:
            continue
        a, b = getattr(first, field.name), getattr(second, field.name)
        if isinstance(a, tuple) and isinstance(b, tuple):
            if len(a) != len(b) or not all(_same_shape(x, y, found)
                                           for x, y in zip(a, b, strict=True)):
                return False
        elif not _same_shape(a, b, found):
            return False
    return True
