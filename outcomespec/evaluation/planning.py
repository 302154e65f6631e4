"""Compile checked indicators into a plan: a deduplicated list of kernel steps.

The plan says *how* (which kernel, over which rows), the model said *what*. A step is
identified by its kernel, the rows it lives on, its inputs and its parameters, so an
expression written in two indicators — or a definition used by ten — becomes one step and
is computed once per evaluation. Nothing here runs a computation or generates code.

Row spaces: a dataset's rows (its qualified name), `scalar`, `key:UNIT` (one value per
unit, e.g. per child), `area` (one value per local authority), and `pairs:…` (every pair
of an outer row and a related inner row, for aggregations whose filter refers to `this`).

Every population and aggregation over a dataset with a period column reads only the rows
of the periods it names (the reporting period unless it says otherwise): a `period_mask`
step per (dataset, periods), shared like any other, joins its conditions.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from attrs import define, field, frozen

from outcomespec import model as m

SCALAR = "scalar"
AREA = "area"


class PlanError(Exception):
    """A checked construct this version cannot evaluate (reported, never silently skipped)."""


@frozen
class Step:
    """One kernel application."""

    kernel: str
    space: str
    inputs: tuple[int, ...]
    params: tuple[Any, ...]


@frozen
class IndicatorPlan:
    """The steps that give one indicator its per-area totals."""

    indicator: m.Indicator
    datasets: tuple[str, ...]
    cohort: int | None
    cohort_dataset: str | None
    exclusions: tuple[int, ...]
    numerator: int | None
    numerator_dataset: str | None
    denominator: int | None
    denominator_dataset: str | None
    measure: int | None
    breakdowns: tuple[tuple[str, int], ...]
    problem: str | None = None
    reads: tuple[tuple[str, m.Periods], ...] = ()
    """(dataset, periods) of every population and aggregation: what rows it needs."""


@frozen
class Plan:
    """Every step of every indicator, in dependency order, and what each indicator uses."""

    steps: tuple[Step, ...]
    indicators: tuple[IndicatorPlan, ...]

    def reachable(self, roots: tuple[int | None, ...]) -> set[int]:
        """The steps `roots` depend on, themselves included."""
        seen: set[int] = set()
        stack = [r for r in roots if r is not None]
        while stack:
            step = stack.pop()
            if step not in seen:
                seen.add(step)
                stack.extend(self.steps[step].inputs)
        return seen

    def roots(self, plan: IndicatorPlan) -> tuple[int | None, ...]:
        """The final steps of one indicator."""
        return (plan.cohort, *plan.exclusions, plan.numerator, plan.denominator, plan.measure,
                *(step for _, step in plan.breakdowns))

    def explain(self) -> str:
        """The plan for people: per indicator, the columns it reads and its steps, with the
        steps it shares with other indicators marked (they are computed once)."""
        users: dict[int, int] = {}
        for plan in self.indicators:
            for step_id in self.reachable(self.roots(plan)):
                users[step_id] = users.get(step_id, 0) + 1
        lines = [f"{len(self.steps)} steps for {len(self.indicators)} indicators; "
                 f"{sum(1 for n in users.values() if n > 1)} steps shared"]
        for plan in self.indicators:
            indicator = plan.indicator
            lines.append("")
            lines.append(f"{indicator.name}  {indicator.title}")
            if plan.problem:
                lines.append(f"  not evaluable: {plan.problem}")
                continue
            by_dataset: dict[str, list[str]] = {}
            for dataset, column in self.columns_read(plan):
                by_dataset.setdefault(dataset, []).append(column)
            reads = "; ".join(f"{d} ({', '.join(c)})" for d, c in sorted(by_dataset.items()))
            lines.append(f"  reads   {reads or 'nothing'}")
            used = sorted(self.reachable(self.roots(plan)))
            lines.append(f"  steps   {len(used)}, of which "
                         f"{sum(1 for s in used if users[s] > 1)} shared")
            for step_id in used:
                step = self.steps[step_id]
                mark = "*" if users[step_id] > 1 else " "
                inputs = ", ".join(f"#{i}" for i in step.inputs)
                lines.append(f"  {mark} #{step_id:<4} {step.kernel:<12} {step.space:<34} "
                             f"{inputs:<16} {_describe(step)}".rstrip())
        return "\n".join(lines) + "\n"

    def columns_read(self, plan: IndicatorPlan) -> tuple[tuple[str, str], ...]:
        """(dataset, column) pairs an indicator reads, in a stable order."""
        found = set()
        for step_id in self.reachable(self.roots(plan)):
            step = self.steps[step_id]
            if step.kernel == "column":
                found.add((step.params[0], step.params[1]))
            elif step.kernel == "key":
                found.add((step.params[0], step.params[2]))
            elif step.kernel in ("area_index", "period_mask") and step.params[1]:
                found.add((step.params[0], step.params[1]))
        return tuple(sorted(found))


@define
class _Compiler:
    definitions: Mapping[str, m.Definition]
    codelists: Mapping[str, m.Codelist]
    datasets: Mapping[str, m.Dataset]
    steps: list[Step] = field(factory=list)
    index: dict[Step, int] = field(factory=dict)
    reads: dict[tuple[str, m.Periods], None] = field(factory=dict)
    """What the indicator being compiled reads, in order of first use."""

    def add(self, kernel: str, space: str, inputs: tuple[int, ...] = (),
            params: tuple[Any, ...] = ()) -> int:
        step = Step(kernel, space, inputs, params)
        found = self.index.get(step)
        if found is None:
            found = self.index[step] = len(self.steps)
            self.steps.append(step)
        return found

    # -------------------------------------------------------------- expressions
    def expr(self, expr: m.Expr, frame: _Frame) -> int:
        match expr:
            case m.Literal():
                value = expr.value
                return self.add("literal", SCALAR, (), (value, expr.type))
            case m.PeriodValue():
                return self.add("period", SCALAR, (), (expr.name,))
            case m.Duration():
                raise PlanError("a duration on its own has no value")
            case m.ColumnRef():
                return frame.ref(self, self.add("column", expr.dataset, (),
                                                (expr.dataset, expr.column, expr.type)),
                                 expr.depth)
            case m.DefinitionRef():
                definition = self.definitions[expr.definition]
                home = _Frame(definition.dataset)
                return frame.ref(self, self.expr(definition.expr, home), expr.depth)
            case m.Logical():
                operands = tuple(self.expr(o, frame) for o in expr.operands)
                return self.add(expr.op, frame.space, operands)
            case m.Not():
                return self.add("not", frame.space, (self.expr(expr.operand, frame),))
            case m.Negate():
                return self.add("negate", frame.space, (self.expr(expr.operand, frame),))
            case m.Arithmetic():
                left = self.expr(expr.left, frame)
                if isinstance(expr.right, m.Duration):
                    return self.add("shift_dates", frame.space, (left,),
                                    (expr.right, 1 if expr.op == "+" else -1))
                return self.add("arith", frame.space, (left, self.expr(expr.right, frame)),
                                (expr.op,))
            case m.Comparison():
                inputs = (self.expr(expr.left, frame), self.expr(expr.right, frame))
                return self.add("compare", frame.space, inputs, (expr.op, expr.left.type))
            case m.CodeTest():
                codelist = self.codelists[expr.operand.type.codelist or ""]
                positions = tuple(sorted(codelist.code_values.index(c) for c in expr.codes))
                return self.add("code_test", frame.space, (self.expr(expr.operand, frame),),
                                (positions, expr.negated))
            case m.MissingTest():
                return self.add("missing", frame.space, (self.expr(expr.operand, frame),),
                                (expr.operand.type, expr.negated))
            case m.InPeriod():
                return self.add("in_period", frame.space, (self.expr(expr.operand, frame),))
            case m.Within():
                inputs = (self.expr(expr.operand, frame), self.expr(expr.anchor, frame))
                return self.add("within", frame.space, inputs,
                                (expr.duration, expr.direction))
            case m.Call():
                args = tuple(self.expr(a, frame) for a in expr.args)
                return self.add("call", frame.space, args, (expr.function,))
            case m.Aggregate():
                return self.aggregate(expr, frame)
        raise AssertionError(f"unhandled expression {type(expr).__name__}")

    def period_mask(self, dataset: str, periods: m.Periods) -> int | None:
        """The rows of `dataset` in the periods read (None: every row is read)."""
        self.reads[(dataset, periods)] = None
        column = self.datasets[dataset].period
        if column is None or periods.offsets is None:
            return None
        return self.add("period_mask", dataset, (), (dataset, column, periods.offsets))

    def aggregate(self, expr: m.Aggregate, frame: _Frame) -> int:
        inner = expr.dataset
        params = (expr.function, expr.type)
        if expr.link is None:
            plain = _Frame(inner)
            where, value, order = self.parts(expr, plain)
            area = self.add("area_index", inner, (), (inner, self.datasets[inner].area))
            return self.add("reduce", AREA, (area, where, value, order), params)
        if frame.pairs is not None:
            raise PlanError("aggregations nested inside an aggregation that uses `this` are "
                            "not supported yet")
        outer = frame.space
        by_area = None not in (self.datasets[outer].area, self.datasets[inner].area)
        space = f"{expr.link}|{'area' if by_area else 'id'}"
        outer_key = self.add("key", outer, (), (outer, expr.link,
                                                self.identifier(outer, expr.link), by_area))
        inner_key = self.add("key", inner, (), (inner, expr.link,
                                                self.identifier(inner, expr.link), by_area))
        if not any(_correlated(part) for part in (expr.value, expr.where, expr.order)
                   if part is not None):
            where, value, order = self.parts(expr, _Frame(inner))
            per_key = self.add("reduce", f"key:{space}", (inner_key, where, value, order),
                               params)
            return self.add("gather_key", outer, (per_key, outer_key), params)
        window = self.window(expr, outer, outer_key, inner_key)
        if window is not None:
            return window
        pairs = self.add("pairs", f"pairs:{outer}|{inner}|{space}", (outer_key, inner_key))
        paired = _Frame(f"pairs:{outer}|{inner}|{space}", pairs=pairs)
        where, value, order = self.parts(expr, paired)
        return self.add("reduce_pairs", outer, (pairs, where, value, order), params)

    def window(self, expr: m.Aggregate, outer: str, outer_key: int, inner_key: int
               ) -> int | None:
        """`any` or `count` of the related rows whose date is `within` a span before or after
        a date of this row, every other condition being on the related rows alone (as in a
        re-referral): planned without pairing every two rows of a child, whose number grows
        with the square of a child's rows, as a count of each row's run among the related
        rows sorted by (key, date) (`pairs.window_counts`). None for any other shape."""
        if expr.function not in ("any", "count") or expr.where is None:
            return None
        where = expr.where
        conditions = (where.operands if isinstance(where, m.Logical) and where.op == "and"
                      else (where,))
        correlated = [c for c in conditions if _correlated(c)]
        if len(correlated) != 1 or not isinstance(within := correlated[0], m.Within):
            return None
        if (within.operand.type.kind is not m.ValueKind.DATE or _correlated(within.operand)
                or not _of_this_row(within.anchor)):
            return None
        inner_frame = _Frame(expr.dataset)
        rest = tuple(self.expr(c, inner_frame) for c in conditions if c is not within)
        mask = self.period_mask(expr.dataset, expr.periods)
        rest = rest if mask is None else (mask, *rest)
        selected = (self.add("literal", SCALAR, (), (True, m.BOOLEAN)) if not rest
                    else rest[0] if len(rest) == 1 else self.add("and", expr.dataset, rest))
        dates = self.expr(within.operand, inner_frame)
        anchor = self.expr(within.anchor, _Frame(outer, lift=1))
        return self.add("window", outer, (outer_key, anchor, inner_key, dates, selected),
                        (expr.function, within.duration, within.direction))

    def identifier(self, dataset: str, unit: str) -> str:
        return self.datasets[dataset].identifier_units()[unit]

    def parts(self, expr: m.Aggregate, frame: _Frame) -> tuple[int, int, int]:
        """The steps of an aggregation's `where` (its period mask joined), value and order."""
        everywhere = self.add("literal", SCALAR, (), (True, m.BOOLEAN))
        where = self.expr(expr.where, frame) if expr.where is not None else everywhere
        mask = self.period_mask(expr.dataset, expr.periods)
        if mask is not None:
            mask = frame.ref(self, mask, 0)
            where = mask if expr.where is None else self.add("and", frame.space, (mask, where))
        value = self.expr(expr.value, frame) if expr.value is not None else everywhere
        order = self.expr(expr.order, frame) if expr.order is not None else everywhere
        return where, value, order

    def population(self, population: m.Population) -> int:
        frame = _Frame(population.dataset)
        mask = self.period_mask(population.dataset, population.periods)
        filters = tuple(self.expr(f, frame) for f in population.filters)
        if mask is not None:
            filters = (mask, *filters)
        if not filters:
            return self.add("literal", SCALAR, (), (True, m.BOOLEAN))
        return filters[0] if len(filters) == 1 else self.add("and", population.dataset, filters)

    def quantity(self, quantity: m.Quantity | None) -> tuple[int | None, str | None]:
        if quantity is None:
            return None, None
        if isinstance(quantity, m.Population):
            return self.population(quantity), quantity.dataset
        return self.expr(quantity, _Frame(SCALAR)), None

    def indicator(self, indicator: m.Indicator) -> IndicatorPlan:
        self.reads = {}
        cohort = self.population(indicator.cohort) if indicator.cohort else None
        cohort_dataset = indicator.cohort.dataset if indicator.cohort else None
        frame = _Frame(cohort_dataset or SCALAR)
        exclusions = tuple(self.expr(e.condition, frame) for e in indicator.exclusions)
        numerator, numerator_dataset = self.quantity(indicator.numerator)
        denominator, denominator_dataset = self.quantity(indicator.denominator)
        measure = self.expr(indicator.measure, frame) if indicator.measure else None
        breakdowns = tuple((_label(b), self.expr(b, frame)) for b in indicator.breakdowns)
        roots = (cohort, *exclusions, numerator, denominator, measure,
                 *(step for _, step in breakdowns))
        used = Plan(tuple(self.steps), ()).reachable(roots)
        datasets = {self.steps[s].params[0] for s in used
                    if self.steps[s].kernel in ("column", "key", "area_index", "period_mask")}
        datasets |= {d for d in (cohort_dataset, numerator_dataset, denominator_dataset) if d}
        return IndicatorPlan(indicator, tuple(sorted(datasets)), cohort, cohort_dataset,
                             exclusions, numerator, numerator_dataset, denominator,
                             denominator_dataset, measure, breakdowns, reads=tuple(self.reads))


@frozen
class _Frame:
    """Where an expression is being compiled: a row space, and for pair spaces the pairs."""

    space: str
    pairs: int | None = None
    lift: int = 0
    """How many levels of `this` lead to this frame's rows (1 for a `this.X` compiled on
    the outer rows themselves)."""

    def ref(self, compiler: _Compiler, step: int, depth: int) -> int:
        """Bring a value computed on its own rows into this frame's rows."""
        if self.pairs is None:
            if depth != self.lift:
                raise PlanError("`this` outside an aggregation")
            return step
        side = "pair_inner" if depth == 0 else "pair_outer"
        return compiler.add(side, self.space, (step, self.pairs))


def _describe(step: Step) -> str:
    """A short reading of a step's parameters."""
    match step.kernel:
        case "column":
            return f"{step.params[0]}.{step.params[1]}"
        case "literal":
            return repr(step.params[0])
        case "period":
            return f"period.{step.params[0]}"
        case "compare" | "arith":
            return str(step.params[0])
        case "code_test":
            return ("not in " if step.params[1] else "in ") + f"codes {list(step.params[0])}"
        case "reduce" | "reduce_pairs" | "gather_key":
            return str(step.params[0])
        case "within":
            d = step.params[0]
            return f"{d.years}y {d.months}m {d.days}d {step.params[1]}"
        case "key":
            return f"{step.params[0]}.{step.params[2]} identifies a {step.params[1]}"
        case "missing":
            return "is not missing" if step.params[1] else "is missing"
        case "period_mask":
            dataset, column, offsets = step.params
            return f"{dataset}.{column} {str(m.Periods(offsets)) or 'in the reporting period'}"
        case _:
            return ", ".join(str(p) for p in step.params if not isinstance(p, m.ValueType))


def _correlated(expr: m.Expr) -> bool:
    return any(isinstance(node, (m.ColumnRef, m.DefinitionRef)) and node.depth > 0
               for node in _walk(expr))


def _of_this_row(expr: m.Expr) -> bool:
    """Whether `expr` reads only the enclosing row (`this.X`), with no aggregation."""
    nodes = list(_walk(expr))
    return not any(isinstance(node, m.Aggregate) for node in nodes) and all(
        node.depth == 1 for node in nodes if isinstance(node, (m.ColumnRef, m.DefinitionRef)))


def _walk(expr: Any) -> Iterator[Any]:
    stack = [expr]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, m.Aggregate):
            continue  # its own rows: `this` inside refers to a different row
        for name in ("operand", "left", "right", "anchor"):
            child = getattr(node, name, None)
            if child is not None:
                stack.append(child)
        stack.extend(getattr(node, "operands", ()) or ())
        stack.extend(getattr(node, "args", ()) or ())


def _label(expr: m.Expr) -> str:
    if isinstance(expr, m.ColumnRef):
        return expr.column
    if isinstance(expr, m.DefinitionRef):
        return expr.definition.rsplit(".", 1)[-1]
    return "breakdown"


def compile_plan(frameworks: tuple[m.Framework, ...], indicators: tuple[m.Indicator, ...]
                 ) -> Plan:
    """The plan for `indicators`, sharing every step they have in common."""
    compiler = _Compiler(
        definitions={d.name: d for f in frameworks for d in f.definitions},
        codelists={c.name: c for f in frameworks for c in f.codelists},
        datasets={d.name: d for f in frameworks for d in f.datasets},
    )
    plans = []
    for indicator in indicators:
        before = len(compiler.steps)
        try:
            plans.append(compiler.indicator(indicator))
        except PlanError as error:
            del compiler.steps[before:]
            compiler.index = {s: i for i, s in enumerate(compiler.steps)}
            plans.append(IndicatorPlan(indicator, (), None, None, (), None, None, None, None,
                                       None, (), problem=str(error)))
    return Plan(tuple(compiler.steps), tuple(plans))
