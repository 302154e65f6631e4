"""Resolve and type expressions.

An expression is checked against the rows it will be evaluated on: `rows[0]` is the dataset
whose row is current, `rows[1]` the row an enclosing aggregation is computed for (`this`),
and so on. At indicator level there is no current row and only area-level aggregations are
allowed. A failed sub-expression yields None and is not reported again further up, so one
mistake gives one diagnostic.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import TypeVar, assert_never

from outcomespec import model as m
from outcomespec.checking.context import Context
from outcomespec.checking.periods import check_selection, period_column_help
from outcomespec.checking.scope import KIND_WORDS, Decl
from outcomespec.language import syntax as s
from outcomespec.language.diagnostics import (
    Diagnostic,
    Label,
    did_you_mean,
    with_article,
)

Rows = tuple[m.Dataset, ...]
Word = TypeVar("Word", bound=enum.Enum)
DefinitionLookup = Callable[[Context, str, s.NameRef], m.Definition | None]

PERIOD_FIELDS = {m.PeriodField.START: m.DATE, m.PeriodField.END: m.DATE,
                 m.PeriodField.YEAR: m.NUMBER}

FUNCTIONS: dict[m.Function, tuple[tuple[m.ValueKind, ...], m.ValueType, str]] = {
    m.Function.AGE: ((m.ValueKind.DATE, m.ValueKind.DATE), m.NUMBER,
                     "age(date of birth, on date): whole years completed"),
    m.Function.YEARS_BETWEEN: ((m.ValueKind.DATE, m.ValueKind.DATE), m.NUMBER,
                               "years_between(from, to): whole years"),
    m.Function.MONTHS_BETWEEN: ((m.ValueKind.DATE, m.ValueKind.DATE), m.NUMBER,
                                "months_between(from, to): whole months"),
    m.Function.DAYS_BETWEEN: ((m.ValueKind.DATE, m.ValueKind.DATE), m.NUMBER,
                              "days_between(from, to): days"),
}

_UNIT_DAYS = {"day": 1, "days": 1, "week": 7, "weeks": 7}
_ORDERED = (m.AggregateFunction.FIRST, m.AggregateFunction.LAST)
_COUNTS_ROWS = (m.AggregateFunction.COUNT, m.AggregateFunction.ANY)
_NEEDS_VALUE = (m.AggregateFunction.SUM, m.AggregateFunction.MIN, m.AggregateFunction.MAX,
                m.AggregateFunction.ALL, m.AggregateFunction.COUNT_DISTINCT, *_ORDERED)


def check_expr(
    ctx: Context, expr: s.Expr, rows: Rows, definition: DefinitionLookup
) -> m.Expr | None:
    """The typed model of `expr`, or None after reporting why it has none."""
    return _Checker(ctx, definition).check(expr, rows)


def check_condition(
    ctx: Context, expr: s.Expr, rows: Rows, definition: DefinitionLookup, role: str
) -> m.Expr | None:
    """Like `check_expr`, but the result must be true/false (E302) and do something (E502)."""
    checked = check_expr(ctx, expr, rows, definition)
    if checked is None:
        return None
    if checked.type.kind is not m.ValueKind.BOOLEAN:
        ctx.report(Diagnostic.of(
            "E302", f"{role} must be a condition, but this is {checked.type:a}", expr.span,
            help="compare it with something, e.g. `>= 3`, or test `is missing`"))
        return None
    if isinstance(checked, m.Literal):
        ctx.report(Diagnostic.of(
            "E502", f"{role} is always {str(checked.value).lower()}", expr.span,
            help="remove the condition, or write the test you meant"))
    return checked


class _Checker:
    def __init__(self, ctx: Context, definition: DefinitionLookup) -> None:
        self.ctx = ctx
        self.definition = definition

    def report(self, code: str, message: str, node: object, **kwargs: object) -> None:
        self.ctx.report(Diagnostic.of(code, message, getattr(node, "span", None), **kwargs))  # type: ignore[arg-type]

    def check(self, expr: s.Expr, rows: Rows) -> m.Expr | None:
        match expr:
            case s.NumberLit():
                return m.Literal(float(expr.text), _number_type(expr.text), span=expr.span)
            case s.StringLit():
                return m.Literal(expr.value, m.TEXT, span=expr.span)
            case s.DateLit():
                return m.Literal(expr.text, m.DATE, span=expr.span)
            case s.BoolLit():
                return m.Literal(expr.value, m.BOOLEAN, span=expr.span)
            case s.DurationLit():
                return self.duration(expr)
            case s.PeriodRef():
                field = _member(m.PeriodField, expr.name.text)
                if field is None:
                    self.report("E201", f"the reporting period has no `{expr.name.text}`",
                                expr.name, help=did_you_mean(expr.name.text, PERIOD_FIELDS)
                                or "use `period.start`, `period.end` or `period.year`")
                    return None
                return m.PeriodValue(field, PERIOD_FIELDS[field], span=expr.span)
            case s.NameRef():
                return self.name(expr, rows, depth=0)
            case s.OuterRef():
                if len(rows) < 2:
                    self.report("E210", f"`this.{expr.name.text}` is not inside an aggregation",
                                expr, help="`this` refers to the row an aggregation such as "
                                "`count(...)` is computed for")
                    return None
                ref = s.NameRef((expr.name,), span=expr.span)
                return self.name(ref, rows[1:], depth=1)
            case s.Call():
                return self.call(expr, rows)
            case s.Aggregate():
                return self.aggregate(expr, rows)
            case s.Not():
                operand = self.boolean(expr.operand, rows, "`not`")
                return None if operand is None else m.Not(operand, span=expr.span)
            case s.Negate():
                operand = self.check(expr.operand, rows)
                if operand is None:
                    return None
                if operand.type.kind is not m.ValueKind.NUMBER:
                    self.report("E301", f"cannot negate {operand.type:a}", expr)
                    return None
                return m.Negate(operand, operand.type, span=expr.span)
            case s.Logical():
                operands = [self.boolean(o, rows, f"`{expr.op}`") for o in expr.operands]
                if any(o is None for o in operands):
                    return None
                return m.Logical(m.LogicalOp(expr.op),
                                 tuple(o for o in operands if o is not None), span=expr.span)
            case s.Binary():
                return self.binary(expr, rows)
            case s.Membership():
                return self.membership(expr, rows)
            case s.InPeriod():
                operand = self.check(expr.operand, rows)
                if operand is None:
                    return None
                if operand.type.kind is not m.ValueKind.DATE:
                    self.report("E301", f"`in period` needs a date, not {operand.type:a}",
                                expr.operand)
                    return None
                return m.InPeriod(operand, span=expr.span)
            case s.IsMissing():
                return self.missing(expr, rows)
            case s.Within():
                return self.within(expr, rows)
            case _:
                assert_never(expr)

    def boolean(self, expr: s.Expr, rows: Rows, role: str) -> m.Expr | None:
        checked = self.check(expr, rows)
        if checked is not None and checked.type.kind is not m.ValueKind.BOOLEAN:
            self.report("E302", f"{role} needs a condition, but this is {checked.type:a}", expr)
            return None
        return checked

    # -------------------------------------------------------------- names
    def name(self, ref: s.NameRef, rows: Rows, depth: int) -> m.Expr | None:
        written = ref.dotted
        if rows and len(ref.parts) == 1:
            column = rows[0].column(written)
            if column is not None and column.name == rows[0].period:
                self.period_column(ref, rows[0], None)
                return None
            if column is not None:
                return m.ColumnRef(rows[0].name, column.name, column.type, depth, span=ref.span)
        decl = self.ctx.resolver.find(ref)
        if decl is not None and decl.kind == "definition":
            self.ctx.resolver.mark_used(decl, ref)
            definition = self.definition(self.ctx, decl.qualified, ref)
            if definition is None:
                return None
            if not rows or definition.dataset != rows[0].name:
                where = f"rows of `{_short(rows[0].name)}`" if rows else "indicator level"
                self.report("E208", f"`{written}` is defined for rows of "
                            f"`{_short(definition.dataset)}`, not for {where}", ref,
                            labels=[Label(definition.span, "defined here")],
                            help=f"use it inside an aggregation over "
                            f"`{_short(definition.dataset)}`, e.g. "
                            f"`any({_short(definition.dataset)} where {written})`")
                return None
            return m.DefinitionRef(definition.name, definition.expr.type, depth, span=ref.span)
        if not rows:
            self.report("E201", f"`{written}` is not in scope at indicator level", ref,
                        help="columns are in scope only in a `where`, `measure` or inside an "
                        "aggregation over their dataset")
            return None
        dataset = rows[0]
        candidates = [c.name for c in dataset.columns] + [
            d.qualified.rsplit(".", 1)[-1]
            for d in self._definitions_for(dataset.name)
        ]
        if decl is not None:
            self.report("E208", f"`{written}` is {KIND_WORDS[decl.kind]}, not a column of "
                        f"`{_short(dataset.name)}` or a definition for it", ref)
            return None
        self.report("E201", f"`{written}` is not a column of `{_short(dataset.name)}` or a "
                    f"definition for it", ref, help=did_you_mean(written, candidates))
        return None

    def _definitions_for(self, dataset: str) -> list[Decl]:
        scope = self.ctx.resolver.scope
        found = []
        for decl in list(scope.local.values()) + [d for ds in scope.unqualified.values()
                                                    for d, _ in ds]:
            if decl.kind == "definition":
                target = decl.node.dataset.text
                if dataset.endswith("." + target) or dataset == target:
                    found.append(decl)
        return found

    def period_column(self, ref: s.NameRef, dataset: m.Dataset, other: s.Expr | None) -> None:
        """E220: the period column written in a condition (`time_period = period.year - 1`)."""
        self.report("E220", f"`{ref.dotted}` is the period column of "
                    f"`{_short(dataset.name)}`: its rows are read for the reporting period "
                    "without a condition", ref, help=period_column_help(dataset, other))

    # -------------------------------------------------------------- operators
    def binary(self, expr: s.Binary, rows: Rows) -> m.Expr | None:
        for side, other in ((expr.left, expr.right), (expr.right, expr.left)):
            if (rows and isinstance(side, s.NameRef) and len(side.parts) == 1
                    and rows[0].period is not None and side.dotted == rows[0].period):
                self.period_column(side, rows[0], other)
                return None
        code_hint = self.code_written_as_name(expr, rows)
        if code_hint is not None:
            self.report("E301", f"`{code_hint[1]}` is a code; codes are tested with `in`",
                        expr, help=f"write `{code_hint[0]} {'not ' * (expr.op == '!=')}in "
                        f"{{{code_hint[1]}}}`")
            return None
        left = self.check(expr.left, rows)
        right = self.check(expr.right, rows)
        if left is None or right is None:
            return None
        lk, rk = left.type.kind, right.type.kind
        op = expr.op
        number, date, duration = m.ValueKind.NUMBER, m.ValueKind.DATE, m.ValueKind.DURATION
        arithmetic = _member(m.ArithmeticOp, op)
        if arithmetic is not None:
            if lk is number and rk is number:
                integer = (left.type.integer and right.type.integer
                           and arithmetic is not m.ArithmeticOp.DIVIDE)
                result = m.ValueType(number, integer=integer)
                return m.Arithmetic(arithmetic, left, right, result, span=expr.span)
            moves = (m.ArithmeticOp.ADD, m.ArithmeticOp.SUBTRACT)
            if arithmetic in moves and lk is date and rk is duration:
                return m.Arithmetic(arithmetic, left, right, m.DATE, span=expr.span)
            if arithmetic is m.ArithmeticOp.ADD and lk is duration and rk is date:
                return m.Arithmetic(arithmetic, right, left, m.DATE, span=expr.span)
            hint = ("use `days_between(a, b)` or `months_between(a, b)` to subtract dates"
                    if lk is date and rk is date else None)
            self.report("E301", f"cannot apply `{op}` to {left.type:a} and {right.type:a}",
                        expr, help=hint)
            return None
        comparable = (
            (lk is rk and lk in (number, date))
            or (op in ("=", "!=") and _same_kind(left.type, right.type))
        )
        if not comparable:
            hint = None
            if lk is m.ValueKind.CODE or rk is m.ValueKind.CODE:
                hint = "test codes with `in {…}`, e.g. `COLUMN in {CODE}`"
            self.report("E301", f"cannot compare {left.type:a} with {right.type:a} using "
                        f"`{op}`", expr, help=hint)
            return None
        return m.Comparison(m.ComparisonOp(op), left, right, span=expr.span)

    def code_written_as_name(self, expr: s.Binary, rows: Rows) -> tuple[str, str] | None:
        """`LS = C2`: a code column compared with a bare word that is one of its codes."""
        if expr.op not in ("=", "!=") or not rows:
            return None
        if not (isinstance(expr.left, s.NameRef) and isinstance(expr.right, s.NameRef)
                and len(expr.left.parts) == len(expr.right.parts) == 1):
            return None
        column = rows[0].column(expr.left.dotted)
        word = expr.right.dotted
        if column is None or column.type.codelist is None or rows[0].column(word) is not None:
            return None
        codelist = self.ctx.registry.codelists.get(column.type.codelist)
        if codelist is None or word not in codelist.code_values:
            return None
        return column.name, word

    def membership(self, expr: s.Membership, rows: Rows) -> m.Expr | None:
        operand = self.check(expr.operand, rows)
        if operand is None:
            return None
        if operand.type.kind is not m.ValueKind.CODE or operand.type.codelist is None:
            self.report("E303", f"`in` tests codes, but this is {operand.type:a}",
                        expr.operand, help="compare numbers and dates with `=`, `<`, `>`")
            return None
        codelist = self.ctx.registry.codelists.get(operand.type.codelist)
        if codelist is None:
            return None
        codes = self.code_set(expr.codes, codelist)
        if codes is None:
            return None
        if set(codes) >= set(codelist.code_values):
            outcome = "never holds" if expr.negated else "holds for every row with a code"
            self.report("E502", f"every code of `{_short(codelist.name)}` is in this set, so the "
                        f"test {outcome}", expr,
                        help="remove the test, or list only the codes you mean")
        return m.CodeTest(operand, frozenset(codes), expr.negated, span=expr.span)

    def code_set(self, codes: s.CodeSet, codelist: m.Codelist) -> tuple[str, ...] | None:
        if isinstance(codes, s.CodeGroupRef):
            group = codelist.group(codes.name.text)
            if group is None:
                names = [name for name, _ in codelist.groups]
                self.report("E201", f"`{_short(codelist.name)}` has no group "
                            f"`{codes.name.text}`", codes.name,
                            help=did_you_mean(codes.name.text, names)
                            or (f"its groups are {', '.join(names)}" if names
                                else "write the codes out: `{A, B}`"))
                return None
            return group
        known = {code.code: code for code in codelist.codes}
        seen: set[str] = set()
        ok = True
        for code in codes.codes:
            if code.text in seen:
                self.report("E503", f"code `{code.text}` appears twice in this set", code)
            seen.add(code.text)
            info = known.get(code.text)
            if info is None:
                ok = False
                self.report("E207", f"`{code.text}` is not a code of "
                            f"`{_short(codelist.name)}`", code,
                            help=did_you_mean(code.text, known))
            elif info.since is not None or info.until is not None:
                years = _years(info)
                self.report("W601", f"code `{code.text}` is valid only {years}", code,
                            help="in other collection years no row carries it")
        return tuple(c.text for c in codes.codes) if ok else None

    def missing(self, expr: s.IsMissing, rows: Rows) -> m.Expr | None:
        operand = self.check(expr.operand, rows)
        if operand is None:
            return None
        if isinstance(operand, m.ColumnRef):
            dataset = self.ctx.registry.datasets.get(operand.dataset)
            column = dataset.column(operand.column) if dataset else None
            if column is not None and not column.optional:
                self.report("E502", f"`{column.name}` is never missing, so this test always "
                            f"{'fails' if not expr.negated else 'holds'}", expr,
                            labels=[Label(column.span, "declared without `optional`")],
                            help="declare the column `optional` if it may be empty")
        return m.MissingTest(operand, expr.negated, span=expr.span)

    def within(self, expr: s.Within, rows: Rows) -> m.Expr | None:
        operand = self.check(expr.operand, rows)
        anchor = self.check(expr.anchor, rows)
        if operand is None or anchor is None:
            return None
        for side in (operand, anchor):
            if side.type.kind is not m.ValueKind.DATE:
                self.report("E301", f"`within` compares dates, not {side.type:a}", side)
                return None
        duration = self.duration(expr.duration)
        if duration is None:
            return None
        return m.Within(operand, duration, m.Direction(expr.direction), anchor, span=expr.span)

    def duration(self, expr: s.DurationLit) -> m.Duration | None:
        """Whole years, months and days: calendar arithmetic has no half month."""
        years = months = days = 0
        for amount, unit in expr.parts:
            value = float(amount.text)
            if not value.is_integer():
                self.report("E105", f"`{amount.text} {unit}` is not a whole number of "
                            f"{unit.rstrip('s')}s", amount,
                            help="write whole units, e.g. `1 year 6 months` for 1.5 years")
                return None
            if unit.startswith("year"):
                years += int(value)
            elif unit.startswith("month"):
                months += int(value)
            else:
                days += int(value) * _UNIT_DAYS[unit]
        return m.Duration(years, months, days, span=expr.span)

    # -------------------------------------------------------------- calls and aggregations
    def call(self, expr: s.Call, rows: Rows) -> m.Expr | None:
        name = expr.function.text
        function = _member(m.Function, name)
        if function is None:
            self.report("E201", f"unknown function `{name}`", expr.function,
                        help=did_you_mean(name, FUNCTIONS)
                        or "functions: " + ", ".join(sorted(FUNCTIONS)))
            return None
        kinds, result, usage = FUNCTIONS[function]
        args = [self.check(a, rows) for a in expr.args]
        if any(a is None for a in args):
            return None
        checked = tuple(a for a in args if a is not None)
        if len(checked) != len(kinds) or any(
            a.type.kind is not k for a, k in zip(checked, kinds, strict=False)
        ):
            given = ", ".join(str(a.type) for a in checked)
            self.report("E304", f"`{name}` was given ({given})", expr, help=f"use {usage}")
            return None
        return m.Call(function, checked, result, span=expr.span)

    def aggregate(self, expr: s.Aggregate, rows: Rows) -> m.Expr | None:
        decl = self.ctx.resolver.resolve(expr.source, ["dataset"], "dataset")
        if decl is None:
            return None
        dataset = self.ctx.registry.datasets.get(decl.qualified)
        if dataset is None:
            return None
        link = self.link(expr, dataset, rows)
        periods = check_selection(self.ctx, expr.periods, dataset)
        if link is False or periods is None:
            return None
        inner = (dataset, *rows)
        value = self.check(expr.value, inner) if expr.value is not None else None
        where = (self.boolean(expr.where, inner, "`where`")
                 if expr.where is not None else None)
        order = self.check(expr.order, inner) if expr.order is not None else None
        if (expr.value is not None and value is None) or (expr.where is not None
                                                          and where is None):
            return None
        result = self.aggregate_type(expr, value, order)
        if result is None:
            return None
        return m.Aggregate(function=m.AggregateFunction(expr.function), dataset=dataset.name,
                           type=result, value=value, link=link if isinstance(link, str) else None,
                           where=where, order=order, periods=periods, span=expr.span)

    def link(self, expr: s.Aggregate, dataset: m.Dataset, rows: Rows) -> str | bool | None:
        if not rows:
            if expr.link is not None:
                self.report("E209", "`for same` needs a row to be the same as; at indicator "
                            "level aggregations are per area", expr.link)
                return False
            if dataset.area is None:
                self.report("E209", f"`{_short(dataset.name)}` has no `area` column, so it "
                            "cannot be summed per area", expr.source,
                            labels=[Label(dataset.span, "declared here")],
                            help="add `area COLUMN` to the dataset")
                return False
            return None
        outer = rows[0]
        inner_units = dataset.identifier_units()
        outer_units = outer.identifier_units()
        if expr.link is not None:
            unit = expr.link.text
            if unit not in inner_units or unit not in outer_units:
                missing = _short(dataset.name if unit not in inner_units else outer.name)
                self.report("E209", f"`{missing}` has no identifier of a {unit}", expr.link,
                            help=did_you_mean(unit, set(inner_units) & set(outer_units)))
                return False
            return self.same_identity(expr, unit, dataset, outer)
        if outer.rows in inner_units:
            return self.same_identity(expr, outer.rows, dataset, outer)
        shared = sorted(set(inner_units) & set(outer_units))
        if len(shared) == 1:
            return self.same_identity(expr, shared[0], dataset, outer)
        if not shared:
            self.report("E209", f"rows of `{_short(dataset.name)}` cannot be related to rows "
                        f"of `{_short(outer.name)}`: they share no identifier", expr.source,
                        help="declare an `identifier UNIT` column in both")
        else:
            self.report("E209", f"rows of `{_short(dataset.name)}` relate to rows of "
                        f"`{_short(outer.name)}` through {', '.join(shared)}", expr.source,
                        help=f"say which with `for same {shared[0]}`")
        return False

    def same_identity(self, expr: s.Aggregate, unit: str, inner: m.Dataset, outer: m.Dataset
                      ) -> str | bool:
        """`unit`, when both datasets identify it alike: within the same units, and
        national in both or in neither (E253); else False. Related otherwise, the rows of
        two authorities, or of two children's referrals numbered alike, would be one."""
        shapes = [(tuple(c.type.unit for c in d.unit_path(unit)), d.national(unit))
                  for d in (inner, outer)]
        if shapes[0] == shapes[1]:
            return unit
        words = [_identity(unit, *shape) for shape in shapes]
        self.report("E253", f"`{_short(inner.name)}` identifies {with_article(unit)} "
                    f"{words[0]}, but `{_short(outer.name)}` identifies it {words[1]}: their "
                    "rows cannot be related on it",
                    expr.link or expr.source,
                    labels=[Label(inner.span, f"`{_short(inner.name)}` declared here"),
                            Label(outer.span, f"`{_short(outer.name)}` declared here")],
                    help=f"declare the {unit}'s identifier the same way in both datasets")
        return False

    def aggregate_type(
        self, expr: s.Aggregate, value: m.Expr | None, order: m.Expr | None
    ) -> m.ValueType | None:
        function = m.AggregateFunction(expr.function)
        needs_value = function in _NEEDS_VALUE
        if needs_value and value is None:
            self.report("E304", f"`{function}` needs a value: `{function}(COLUMN of "
                        f"{expr.source.dotted})`", expr)
            return None
        if function in _COUNTS_ROWS and value is not None:
            self.report("E304", f"`{function}` counts rows and takes no value; put the "
                        "condition after `where`", expr.value)
            return None
        if function in _ORDERED and order is None:
            self.report("E304", f"`{function}` needs an order: `{function}(… by DATE_COLUMN)`",
                        expr)
            return None
        if function not in _ORDERED and order is not None:
            self.report("E304", "`by` orders rows for `first` and `last` only", expr.order)
            return None
        if function is m.AggregateFunction.COUNT:
            return m.ValueType(m.ValueKind.NUMBER, integer=True)
        if function is m.AggregateFunction.COUNT_DISTINCT:
            if value is not None and value.type.kind is m.ValueKind.BOOLEAN:
                self.report("E304", "`count distinct` counts values, and a condition has only "
                            "two: count the rows where it holds with `count(… where …)`",
                            expr.value)
                return None
            return m.ValueType(m.ValueKind.NUMBER, integer=True)
        if function is m.AggregateFunction.ANY:
            return m.BOOLEAN
        assert value is not None
        kind = value.type.kind
        if function is m.AggregateFunction.ALL:
            if kind is not m.ValueKind.BOOLEAN:
                self.report("E304", "`all` needs a condition to hold for every row", expr.value)
                return None
            return m.BOOLEAN
        if function is m.AggregateFunction.SUM and kind is not m.ValueKind.NUMBER:
            self.report("E304", f"`sum` adds numbers, not {value.type:a}", expr.value)
            return None
        extremes = (m.AggregateFunction.MIN, m.AggregateFunction.MAX)
        if function in extremes and kind not in (m.ValueKind.NUMBER, m.ValueKind.DATE):
            self.report("E304", f"`{function}` needs numbers or dates, not {value.type:a}",
                        expr.value)
            return None
        return value.type


def _identity(unit: str, path: tuple[str | None, ...], national: bool) -> str:
    """How a dataset identifies `unit`: "within a child", "on its own, the same in every
    local authority"."""
    outer = [with_article(u or "") for u in path[:-1]]
    how = f"within {' within '.join(outer)}" if outer else "on its own"
    return how + (", the same in every local authority" if national else "")



def _member(words: type[Word], text: str) -> Word | None:
    """The member of an enumeration of words that `text` spells, or None."""
    try:
        return words(text)
    except ValueError:
        return None


def _number_type(text: str) -> m.ValueType:
    return m.ValueType(m.ValueKind.NUMBER, integer="." not in text)


def _same_kind(a: m.ValueType, b: m.ValueType) -> bool:
    if a.kind is not b.kind:
        return False
    if a.kind is m.ValueKind.IDENTIFIER:
        return a.unit == b.unit
    return a.kind is not m.ValueKind.CODE or a.codelist == b.codelist


def _short(qualified: str) -> str:
    return qualified.rsplit(".", 1)[-1]


def _years(code: m.Code) -> str:
    if code.since is not None and code.until is not None:
        return f"from collection year {code.since} until {code.until}"
    if code.since is not None:
        return f"from collection year {code.since}"
    return f"until collection year {code.until}"
