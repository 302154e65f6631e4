"""Compile checked indicators into a plan (`outcomespec.evaluation.plan`).

One function per model expression type builds the steps it needs, in the space of the rows
it is compiled on; `_Compiler.add` keeps each distinct step once, so shared definitions,
cohorts and conditions are computed once however many indicators use them.

Every population and aggregation over a dataset with a period column reads only the rows
of the periods it names (the reporting period unless it says otherwise): a `PeriodMask` step
per (dataset, periods), shared like any other, joins its conditions. An aggregation over
related rows whose filter refers to `this` pairs the related rows (`Pair`), unless it is a
window of dates that can be counted from sorted rows (`Window`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import assert_never

import attrs
from attrs import define, field, frozen

from outcomespec import model as m
from outcomespec.evaluation import plan as p
from outcomespec.model.rendering import breakdown_label, short_name


class PlanError(Exception):
    """A checked construct this version cannot evaluate (reported, never silently skipped)."""


@define
class _Compiler:
    definitions: Mapping[str, m.Definition]
    codelists: Mapping[str, m.Codelist]
    datasets: Mapping[str, m.Dataset]
    steps: list[p.Step] = field(factory=list)
    index: dict[p.Step, int] = field(factory=dict)
    reads: dict[tuple[str, m.Periods], None] = field(factory=dict)
    """What the indicator being compiled reads, in order of first use."""
    named: dict[int, str] = field(factory=dict)
    """Step → the definition it computes (the first, when two compute the same)."""
    comparisons: Mapping[str, m.ComparisonUnits] = field(factory=dict)
    units: m.ComparisonUnits | None = None
    """The units the indicator being compiled compares (None: areas)."""

    def add(self, step: p.Step) -> int:
        """The position of `step` in the plan, added unless an equal step is there."""
        found = self.index.get(step)
        if found is None:
            found = self.index[step] = len(self.steps)
            self.steps.append(step)
        return found

    def everywhere(self) -> int:
        """The condition that holds for every row."""
        return self.add(p.Constant(value=True, type=m.BOOLEAN))

    # -------------------------------------------------------------- expressions
    def expr(self, expr: m.Expr, frame: _Frame) -> int:
        space = frame.space
        match expr:
            case m.Literal():
                return self.add(p.Constant(value=expr.value, type=expr.type))
            case m.PeriodValue():
                return self.add(p.PeriodBound(field=expr.name))
            case m.Duration():
                raise PlanError("a duration on its own has no value")
            case m.ColumnRef():
                column = p.ReadColumn(dataset=expr.dataset, column=expr.column, type=expr.type)
                return frame.ref(self, self.add(column), expr.depth)
            case m.DefinitionRef():
                definition = self.definitions[expr.definition]
                home = _Frame(p.Rows(definition.dataset))
                computed = self.expr(definition.expr, home)
                self.named.setdefault(computed, definition.name)
                return frame.ref(self, computed, expr.depth)
            case m.Logical():
                operands = tuple(self.expr(o, frame) for o in expr.operands)
                match expr.op:
                    case m.LogicalOp.AND:
                        return self.add(p.And(space=space, operands=operands))
                    case m.LogicalOp.OR:
                        return self.add(p.Or(space=space, operands=operands))
                    case _:
                        assert_never(expr.op)
            case m.Not():
                return self.add(p.Not(space=space, operand=self.expr(expr.operand, frame)))
            case m.Negate():
                return self.add(p.Negate(space=space, operand=self.expr(expr.operand, frame)))
            case m.Arithmetic():
                left = self.expr(expr.left, frame)
                if isinstance(expr.right, m.Duration):
                    return self.add(p.ShiftDates(space=space, op=expr.op, dates=left,
                                                 duration=expr.right))
                return self.add(p.Arithmetic(space=space, op=expr.op, left=left,
                                             right=self.expr(expr.right, frame)))
            case m.Comparison():
                return self.add(p.Compare(space=space, op=expr.op,
                                          left=self.expr(expr.left, frame),
                                          right=self.expr(expr.right, frame),
                                          type=expr.left.type))
            case m.CodeTest():
                codes = self.codelists[expr.operand.type.codelist or ""].code_values
                positions = tuple(sorted(codes.index(c) for c in expr.codes))
                return self.add(p.CodeTest(space=space, operand=self.expr(expr.operand, frame),
                                           codes=tuple(codes[i] for i in positions),
                                           positions=positions, negated=expr.negated))
            case m.MissingTest():
                return self.add(p.MissingTest(space=space,
                                              operand=self.expr(expr.operand, frame),
                                              type=expr.operand.type, negated=expr.negated))
            case m.InPeriod():
                return self.add(p.InPeriod(space=space, operand=self.expr(expr.operand, frame)))
            case m.Within():
                return self.add(p.Within(space=space, operand=self.expr(expr.operand, frame),
                                         anchor=self.expr(expr.anchor, frame),
                                         duration=expr.duration, direction=expr.direction))
            case m.Call():
                return self.add(p.Call(space=space, function=expr.function,
                                       args=tuple(self.expr(a, frame) for a in expr.args)))
            case m.Aggregate():
                return self.aggregate(expr, frame)
            case _:
                assert_never(expr)

    def period_mask(self, dataset: str, periods: m.Periods) -> int | None:
        """The rows of `dataset` in the periods read (None: every row is read)."""
        self.reads[(dataset, periods)] = None
        column = self.datasets[dataset].period
        if column is None or periods.offsets is None:
            return None
        return self.add(p.PeriodMask(dataset=dataset, column=column, offsets=periods.offsets))

    def aggregate(self, expr: m.Aggregate, frame: _Frame) -> int:
        inner = expr.dataset
        if expr.link is None:
            where, value, order = self.parts(expr, _Frame(p.Rows(inner)))
            areas = (self.add(p.AreaIndex(dataset=inner, column=self.datasets[inner].area))
                     if self.units is None else self.unit_index(inner))
            return self.add(p.ReduceAreas(function=expr.function, type=expr.type, areas=areas,
                                          where=where, value=value, order=order))
        if frame.pairs is not None:
            raise PlanError("aggregations nested inside an aggregation that uses `this` are "
                            "not supported yet")
        outer = frame.space
        assert isinstance(outer, p.Rows), "the checker relates aggregations to rows only"
        link = p.Link(expr.link, None not in (self.datasets[outer.dataset].area,
                                              self.datasets[inner].area)
                      and not self.datasets[inner].national(expr.link))
        outer_keys = self.key(outer.dataset, link)
        inner_keys = self.key(inner, link)
        if not any(_correlated(part) for part in (expr.value, expr.where, expr.order)
                   if part is not None):
            where, value, order = self.parts(expr, _Frame(p.Rows(inner)))
            per_unit = self.add(p.ReduceUnits(link=link, function=expr.function,
                                              type=expr.type, keys=inner_keys, where=where,
                                              value=value, order=order))
            return self.add(p.GatherUnits(space=outer, function=expr.function, type=expr.type,
                                          per_unit=per_unit, keys=outer_keys))
        window = self.window(expr, outer, link, outer_keys, inner_keys)
        if window is not None:
            return window
        pairs = self.add(p.Pair(outer=outer.dataset, inner=inner, link=link,
                                outer_keys=outer_keys, inner_keys=inner_keys))
        paired = _Frame(p.Pairs(outer.dataset, inner, link), pairs=pairs)
        where, value, order = self.parts(expr, paired)
        return self.add(p.ReducePairs(space=outer, function=expr.function, type=expr.type,
                                      pairs=pairs, where=where, value=value, order=order))

    def unit_index(self, dataset: str) -> int:
        """The unit of comparison of each row of `dataset`, for an indicator comparing units
        other than areas (the checker makes sure its comparison says, E260)."""
        assert self.units is not None
        unit = self.units.rows_of(dataset)
        if unit is None:
            raise PlanError(f"the rows of `{short_name(dataset)}` belong to no "
                            f"{self.units.level}")
        codes = self.expr(unit, _Frame(p.Rows(dataset)))
        return self.add(p.UnitIndex(dataset=dataset, units=self.units.name, codes=codes))

    def key(self, dataset: str, link: p.Link) -> int:
        identifiers = tuple(c.name for c in self.datasets[dataset].unit_path(link.unit))
        return self.add(p.Key(dataset=dataset, link=link, identifiers=identifiers))

    def identified_units(self, column: m.ColumnRef, frame: _Frame) -> int:
        """An identifier column as the units it identifies (codes equal exactly when the
        units are one), for `count distinct`: an assessment is counted once, not once per
        child whose assessments are numbered alike."""
        dataset = self.datasets[column.dataset]
        unit = column.type.unit or ""
        link = p.Link(unit, dataset.area is not None and not dataset.national(unit))
        return frame.ref(self, self.key(column.dataset, link), column.depth)

    def window(self, expr: m.Aggregate, outer: p.Rows, link: p.Link, outer_keys: int,
               inner_keys: int) -> int | None:
        """`any` or `count` of the related rows whose date is `within` a span before or after
        a date of this row, every other condition being on the related rows alone (as in a
        re-referral): planned without pairing every two rows of a child, whose number grows
        with the square of a child's rows, as a count of each row's run among the related
        rows sorted by (key, date) (`pairs.window_counts`). None for any other shape."""
        counted = (m.AggregateFunction.ANY, m.AggregateFunction.COUNT)
        if expr.function not in counted or expr.where is None:
            return None
        where = expr.where
        conditions = (where.operands if isinstance(where, m.Logical)
                      and where.op is m.LogicalOp.AND else (where,))
        correlated = [c for c in conditions if _correlated(c)]
        if len(correlated) != 1 or not isinstance(within := correlated[0], m.Within):
            return None
        if (within.operand.type.kind is not m.ValueKind.DATE or _correlated(within.operand)
                or not _of_this_row(within.anchor)):
            return None
        inner = p.Rows(expr.dataset)
        rest = tuple(self.expr(c, _Frame(inner)) for c in conditions if c is not within)
        mask = self.period_mask(expr.dataset, expr.periods)
        rest = rest if mask is None else (mask, *rest)
        selected = (self.everywhere() if not rest else rest[0] if len(rest) == 1
                    else self.add(p.And(space=inner, operands=rest)))
        dates = self.expr(within.operand, _Frame(inner))
        anchor = self.expr(within.anchor, _Frame(outer, lift=1))
        return self.add(p.Window(space=outer, function=expr.function, inner=expr.dataset,
                                 link=link, duration=within.duration,
                                 direction=within.direction, outer_keys=outer_keys,
                                 anchor=anchor, inner_keys=inner_keys, dates=dates,
                                 selected=selected))

    def parts(self, expr: m.Aggregate, frame: _Frame) -> tuple[int, int, int]:
        """The steps of an aggregation's `where` (its period mask joined), value and order."""
        everywhere = self.everywhere()
        where = self.expr(expr.where, frame) if expr.where is not None else everywhere
        mask = self.period_mask(expr.dataset, expr.periods)
        if mask is not None:
            mask = frame.ref(self, mask, 0)
            where = mask if expr.where is None else self.add(p.And(space=frame.space,
                                                                   operands=(mask, where)))
        if (expr.function is m.AggregateFunction.COUNT_DISTINCT
                and isinstance(expr.value, m.ColumnRef)
                and expr.value.type.kind is m.ValueKind.IDENTIFIER and expr.value.type.unit):
            value = self.identified_units(expr.value, frame)
        else:
            value = self.expr(expr.value, frame) if expr.value is not None else everywhere
        order = self.expr(expr.order, frame) if expr.order is not None else everywhere
        return where, value, order

    def population(self, population: m.Population) -> int:
        rows = p.Rows(population.dataset)
        mask = self.period_mask(population.dataset, population.periods)
        filters = tuple(self.expr(f, _Frame(rows)) for f in population.filters)
        if mask is not None:
            filters = (mask, *filters)
        if not filters:
            return self.everywhere()
        return filters[0] if len(filters) == 1 else self.add(p.And(space=rows, operands=filters))

    def quantity(self, quantity: m.Quantity | None) -> tuple[int | None, str | None]:
        if quantity is None:
            return None, None
        if isinstance(quantity, m.Population):
            return self.population(quantity), quantity.dataset
        return self.expr(quantity, _Frame(p.SCALAR)), None

    def indicator(self, indicator: m.Indicator) -> p.IndicatorPlan:
        self.reads = {}
        self.units = (self.comparisons.get(indicator.benchmark)
                      if indicator.benchmark is not None else None)
        if indicator.benchmark is not None and self.units is None:
            raise PlanError(f"its units, `{indicator.benchmark}`, are not declared")
        cohort = self.population(indicator.cohort) if indicator.cohort else None
        cohort_dataset = indicator.cohort.dataset if indicator.cohort else None
        frame = _Frame(p.Rows(cohort_dataset) if cohort_dataset else p.SCALAR)
        exclusions = tuple(self.expr(e.condition, frame) for e in indicator.exclusions)
        numerator, numerator_dataset = self.quantity(indicator.numerator)
        denominator, denominator_dataset = self.quantity(indicator.denominator)
        measure = self.expr(indicator.measure, frame) if indicator.measure else None
        breakdowns = tuple((breakdown_label(b), self.expr(b, frame))
                           for b in indicator.breakdowns)
        counted = sorted({d for d in (cohort_dataset, numerator_dataset, denominator_dataset)
                          if d is not None})
        units = (() if self.units is None
                 else tuple((dataset, self.unit_index(dataset)) for dataset in counted))
        found = p.IndicatorPlan(
            indicator=indicator, cohort=cohort, cohort_dataset=cohort_dataset,
            exclusions=exclusions, numerator=numerator, numerator_dataset=numerator_dataset,
            denominator=denominator, denominator_dataset=denominator_dataset,
            measure=measure, breakdowns=breakdowns, units=units, reads=tuple(self.reads))
        publication = self.publication(indicator.publication)
        used = p.Plan(tuple(self.steps), ()).reachable(found.roots)
        datasets = {dataset for s in used for dataset, _ in p.step_columns(self.steps[s])}
        datasets |= {s.dataset for s in (self.steps[i] for i in used)
                     if isinstance(s, p.AreaIndex)}
        datasets |= {d for d in (cohort_dataset, numerator_dataset, denominator_dataset) if d}
        if self.units is not None:  # the units themselves come from their register
            datasets.add(self.units.dataset)
        return attrs.evolve(found, datasets=tuple(sorted(datasets)), publication=publication)

    def publication(self, publication: m.Publication | None) -> p.PublicationPlan | None:
        """The steps selecting a publication's rows (its periods' rows, filtered); what it
        reads is not the indicator's own reading (`reads`)."""
        if publication is None:
            return None
        reads = self.reads
        self.reads = {}

        def rows(count: m.PublishedCount | None) -> int | None:
            return None if count is None or count.rows is None else self.population(count.rows)

        found = p.PublicationPlan(dataset=publication.dataset,
                                  rows=self.population(publication.rows),
                                  numerator_rows=rows(publication.numerator),
                                  denominator_rows=rows(publication.denominator))
        self.reads = reads
        return found


@frozen
class _Frame:
    """Where an expression is being compiled: a space of rows, and for pair spaces the
    pairs."""

    space: p.Space
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
        side = p.Side.INNER if depth == 0 else p.Side.OUTER
        return compiler.add(p.PairSide(space=self.space, side=side, values=step,
                                       pairs=self.pairs))


def _correlated(expr: m.Expr) -> bool:
    return any(isinstance(node, (m.ColumnRef, m.DefinitionRef)) and node.depth > 0
               for node in _walk(expr))


def _of_this_row(expr: m.Expr) -> bool:
    """Whether `expr` reads only the enclosing row (`this.X`), with no aggregation."""
    nodes = list(_walk(expr))
    return not any(isinstance(node, m.Aggregate) for node in nodes) and all(
        node.depth == 1 for node in nodes if isinstance(node, (m.ColumnRef, m.DefinitionRef)))


def _walk(expr: m.Expr) -> Iterator[m.Expr]:
    """`expr` and the expressions under it, not entering aggregations: `this` inside one
    refers to a different row."""
    stack = [expr]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(_children(node))


def _children(expr: m.Expr) -> tuple[m.Expr, ...]:
    match expr:
        case (m.Literal() | m.Duration() | m.PeriodValue() | m.ColumnRef() | m.DefinitionRef()
              | m.Aggregate()):
            return ()
        case m.Logical():
            return expr.operands
        case m.Not() | m.Negate() | m.CodeTest() | m.MissingTest() | m.InPeriod():
            return (expr.operand,)
        case m.Arithmetic() | m.Comparison():
            return (expr.left, expr.right)
        case m.Within():
            return (expr.operand, expr.anchor)
        case m.Call():
            return expr.args
        case _:
            assert_never(expr)


def compile_plan(frameworks: tuple[m.Framework, ...], indicators: tuple[m.Indicator, ...]
                 ) -> p.Plan:
    """The plan for `indicators`, sharing every step they have in common; an indicator this
    version cannot evaluate has no steps, and says why (`IndicatorPlan.problem`).

    >>> compile_plan((), ())
    Plan(steps=(), indicators=(), definitions=())
    """
    compiler = _Compiler(
        definitions={d.name: d for f in frameworks for d in f.definitions},
        codelists={c.name: c for f in frameworks for c in f.codelists},
        datasets={d.name: d for f in frameworks for d in f.datasets},
        comparisons={c.name: c for f in frameworks for c in f.comparisons},
    )
    plans = []
    for indicator in indicators:
        before = len(compiler.steps)
        try:
            plans.append(compiler.indicator(indicator))
        except PlanError as error:
            del compiler.steps[before:]
            compiler.index = {s: i for i, s in enumerate(compiler.steps)}
            compiler.named = {s: d for s, d in compiler.named.items() if s < before}
            plans.append(p.IndicatorPlan(indicator=indicator, problem=str(error)))
    return p.Plan(tuple(compiler.steps), tuple(plans), tuple(sorted(compiler.named.items())))


__all__ = ["PlanError", "compile_plan"]
