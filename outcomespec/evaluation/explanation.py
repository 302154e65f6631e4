"""The plan explained to people and tools: what `outcomespec explain` prints.

It reads like the framework file. Each indicator's cohort, numerator, denominator, measure,
exclusions and breakdowns are quoted as the author wrote them; the datasets and columns it
reads are named, with the periods it reads them for; and each of its steps is written in the
language's own words — `DEC within 12 months before this.DECOM`, `RNE in {S, P}`,
`sum(children_count of cla_numbers where #9) per local authority` — where a step that reads
another step's value names it `#N`, and a step shared with another indicator (computed once
for both) is marked `*`.

`Explanation.to_dict` gives the same for tools, in the shape docs/cli.rst documents (its
`version` changes only when a key is removed or changes meaning).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import assert_never

from attrs import frozen

from outcomespec import model as m
from outcomespec.evaluation import plan as p
from outcomespec.model.rendering import (
    render_duration,
    render_expr,
    render_literal,
    short_name,
)

VERSION = 1
"""The version of the JSON shape."""


@frozen(kw_only=True)
class StepLine:
    """One step in words."""

    id: int
    kind: str
    """The kind of step: `compare`, `reduce_areas`, … (the plan's class, in snake case)."""
    rows: str
    """The rows it has a value for: `per row of episodes`, `per local authority`, …"""
    inputs: tuple[int, ...]
    text: str
    shared: bool
    """Whether another indicator of the plan uses it too (it is computed once)."""
    definition: str | None = None
    """The definition it computes, by its qualified name, if it computes one."""

    def to_dict(self) -> dict[str, object]:
        return {"id": self.id, "kind": self.kind, "rows": self.rows,
                "inputs": list(self.inputs), "text": self.text, "shared": self.shared,
                "definition": self.definition}


@frozen(kw_only=True)
class Read:
    """A dataset an indicator reads: the columns, and the periods of its rows."""

    dataset: str
    columns: tuple[str, ...]
    periods: tuple[str, ...]
    """How each selection reads its period column (`in the reporting period`, `for period -
    1`); empty for a dataset without one."""

    def __str__(self) -> str:
        periods = f", {' and '.join(self.periods)}" if self.periods else ""
        return f"{self.dataset} ({', '.join(self.columns) or 'no column'}){periods}"

    def to_dict(self) -> dict[str, object]:
        return {"dataset": self.dataset, "columns": list(self.columns),
                "periods": list(self.periods)}


@frozen(kw_only=True)
class IndicatorExplanation:
    """One indicator: what it computes as written, what it reads, and its steps."""

    name: str
    id: str
    title: str
    statistic: str
    unit: str
    parts: tuple[tuple[str, str], ...]
    """(cohort / exclude / numerator / denominator / measure / breakdown, text as written)."""
    problem: str | None
    """Why this version cannot evaluate it; None when it can."""
    reads: tuple[Read, ...]
    steps: tuple[StepLine, ...]

    def to_dict(self) -> dict[str, object]:
        return {"indicator": self.id, "name": self.name, "title": self.title,
                "statistic": self.statistic, "unit": self.unit,
                "parts": [{"part": part, "text": text} for part, text in self.parts],
                "not_evaluable": self.problem, "reads": [r.to_dict() for r in self.reads],
                "steps": [s.to_dict() for s in self.steps]}


@frozen(kw_only=True)
class Explanation:
    """A framework's plan in words."""

    framework: str
    title: str | None
    path: str
    steps: int
    shared: int
    """How many steps more than one indicator uses."""
    indicators: tuple[IndicatorExplanation, ...]

    def render_text(self) -> str:
        """The explanation as `outcomespec explain` prints it."""
        lines = [f"{self.framework}: {self.title or self.framework} ({self.path})",
                 f"{_count(self.steps, 'step')} for {_count(len(self.indicators), 'indicator')}"
                 f"; {self.shared} used by more than one (marked *), each computed once"]
        for indicator in self.indicators:
            lines += ["", f"{indicator.id}  {indicator.title}",
                      f"  {indicator.statistic}, {indicator.unit}"]
            lines += [f"  {part:<12} {text}" for part, text in indicator.parts]
            if indicator.problem:
                lines.append(f"  not evaluable: {indicator.problem}")
                continue
            for i, read in enumerate(indicator.reads):
                lines.append(f"  {'reads' if i == 0 else '':<12} {read}")
            shared = sum(1 for step in indicator.steps if step.shared)
            lines.append(f"  {'steps':<12} {len(indicator.steps)}, of which {shared} shared")
            for step in indicator.steps:
                mark = "*" if step.shared else " "
                named = f"  = {short_name(step.definition)}" if step.definition else ""
                lines.append(f"  {mark} #{step.id:<5}{step.text + named:<64} {step.rows}")
        return "\n".join(lines) + "\n"

    def to_dict(self) -> dict[str, object]:
        """The explanation for tools (one element of the JSON's `frameworks`)."""
        return {"framework": self.framework, "title": self.title, "path": self.path,
                "steps": self.steps, "shared_steps": self.shared,
                "indicators": [i.to_dict() for i in self.indicators]}


def explanation_document(explanations: Sequence[Explanation]) -> dict[str, object]:
    """The JSON form of the explanations of several frameworks, with its version.

    >>> explanation_document([])
    {'version': 1, 'frameworks': []}
    """
    return {"version": VERSION, "frameworks": [e.to_dict() for e in explanations]}


def explain_plan(plan: p.Plan, framework: m.Framework, modules: Sequence[m.Framework]
                 ) -> Explanation:
    """The plan of `framework` (whose imported `modules` declare its datasets) in words.

    >>> empty = m.Framework(name="empty", kind=m.ModuleKind.FRAMEWORK, path="empty.ospec")
    >>> print(explain_plan(p.Plan((), ()), empty, ()).render_text(), end="")
    empty: empty (empty.ospec)
    0 steps for 0 indicators; 0 used by more than one (marked *), each computed once
    """
    users: dict[int, int] = {}
    for indicator_plan in plan.indicators:
        for step_id in plan.reachable(indicator_plan.roots):
            users[step_id] = users.get(step_id, 0) + 1
    datasets = {d.name: d for module in (framework, *modules) for d in module.datasets}
    words = _Words(plan)
    names = dict(plan.definitions)
    indicators = []
    for indicator_plan in plan.indicators:
        indicator = indicator_plan.indicator
        used = sorted(plan.reachable(indicator_plan.roots))
        indicators.append(IndicatorExplanation(
            name=indicator.name, id=indicator.id, title=indicator.title,
            statistic=indicator.statistic.value, unit=indicator.unit.label,
            parts=_parts(indicator), problem=indicator_plan.problem,
            reads=_reads(plan, indicator_plan, datasets),
            steps=tuple(StepLine(id=i, kind=_kind(plan.steps[i]), rows=str(plan.steps[i].space),
                                 inputs=plan.steps[i].inputs, text=words.step(plan.steps[i]),
                                 shared=users[i] > 1, definition=names.get(i))
                        for i in used)))
    return Explanation(framework=framework.name, title=framework.title, path=framework.path,
                       steps=len(plan.steps), shared=sum(1 for n in users.values() if n > 1),
                       indicators=tuple(indicators))


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _kind(step: p.Step) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(step).__name__).lower()


def _parts(indicator: m.Indicator) -> tuple[tuple[str, str], ...]:
    """The parts of an indicator that say what it computes, as written."""
    found: list[tuple[str, str]] = []
    if indicator.cohort is not None:
        found.append(("cohort", _written(indicator.cohort)))
    found += [("exclude", _written(e.condition) + (f' "{e.reason}"' if e.reason else ""))
              for e in indicator.exclusions]
    for part, value in (("numerator", indicator.numerator),
                        ("denominator", indicator.denominator),
                        ("measure", indicator.measure)):
        if value is not None:
            found.append((part, _written(value)))
    found += [("breakdown", _written(b)) for b in indicator.breakdowns]
    return tuple(found)


def _written(node: m.Expr | m.Population) -> str:
    """What the author wrote, on one line; for a node made in code, its rendering."""
    text = " ".join(node.span.text.split())
    if text:
        return text
    if isinstance(node, m.Population):
        where = " and ".join(render_expr(f) for f in node.filters)
        periods = f" {node.periods}" if str(node.periods) else ""
        return f"{short_name(node.dataset)}{periods}{f' where {where}' if where else ''}"
    return render_expr(node)


def _reads(plan: p.Plan, indicator_plan: p.IndicatorPlan, datasets: Mapping[str, m.Dataset]
           ) -> tuple[Read, ...]:
    columns: dict[str, list[str]] = {name: [] for name in indicator_plan.datasets}
    for dataset, column in plan.columns_read(indicator_plan):
        columns.setdefault(dataset, []).append(column)
    periods: dict[str, list[str]] = {}
    for dataset, selection in indicator_plan.reads:
        declared = datasets.get(dataset)
        if declared is not None and declared.period is not None:
            words = str(selection) or "in the reporting period"
            if words not in periods.setdefault(dataset, []):
                periods[dataset].append(words)
    return tuple(Read(dataset=name, columns=tuple(found), periods=tuple(periods.get(name, ())))
                 for name, found in sorted(columns.items()))


class _Words:
    """Steps written in the language's words, naming the steps they read `#N` unless those
    are a constant, a column or a bound of the period, which are written out."""

    def __init__(self, plan: p.Plan) -> None:
        self.steps = plan.steps
        self.definitions = {step: short_name(name) for step, name in plan.definitions}

    def operand(self, step_id: int) -> str:
        """A step read by another: a definition by its name, a constant, column or bound of
        the period as written, any other step as `#N`."""
        step = self.steps[step_id]
        if step_id in self.definitions:
            return self.definitions[step_id]
        match step:
            case p.Constant() | p.PeriodBound():
                return self.step(step)
            case p.ReadColumn():
                return step.column
            case p.PairSide() if isinstance(self.steps[step.values], p.ReadColumn):
                inner = step.side is p.Side.INNER
                return ("" if inner else "this.") + self.operand(step.values)
            case _:
                return f"#{step_id}"

    def condition(self, step_id: int) -> str:
        """A `where`: an `and` of steps is written out, so that its parts show, unless it is
        a definition."""
        step = self.steps[step_id]
        if isinstance(step, p.And) and step_id not in self.definitions:
            return " and ".join(self.operand(i) for i in step.operands)
        return self.operand(step_id)

    def aggregate(self, function: m.AggregateFunction, dataset: str, where: int, value: int,
                  order: int) -> str:
        of = "" if function in _COUNTS_ROWS else f"{self.operand(value)} of "
        everywhere = self.steps[where] == p.Constant(value=True, type=m.BOOLEAN)
        condition = "" if everywhere else f" where {self.condition(where)}"
        by = f" by {self.operand(order)}" if function in _ORDERED else ""
        return f"{function}({of}{short_name(dataset)}{condition}{by})"

    def step(self, step: p.Step) -> str:
        o = self.operand
        match step:
            case p.Constant():
                return render_literal(m.Literal(step.value, step.type))
            case p.PeriodBound():
                return f"period.{step.field}"
            case p.ReadColumn():
                return f"{short_name(step.dataset)}.{step.column}"
            case p.PeriodMask():
                selection = str(m.Periods(step.offsets)) or "in the reporting period"
                return f"{short_name(step.dataset)} rows {selection} (by {step.column})"
            case p.AreaIndex():
                if step.column is None:
                    return f"no area column: rows of {short_name(step.dataset)} are in no area"
                return f"the local authority {step.column} names"
            case p.UnitIndex():
                return f"the one of {short_name(step.units)} that {o(step.codes)} names"
            case p.Key():
                return f"the {step.link} that {', '.join(step.identifiers)} identify" \
                    if len(step.identifiers) > 1 else \
                    f"the {step.link} that {step.identifiers[0]} identifies"
            case p.And() | p.Or():
                word = " and " if isinstance(step, p.And) else " or "
                return word.join(o(i) for i in step.operands)
            case p.Not():
                return f"not {o(step.operand)}"
            case p.Negate():
                return f"-{o(step.operand)}"
            case p.Arithmetic():
                return f"{o(step.left)} {step.op} {o(step.right)}"
            case p.ShiftDates():
                return f"{o(step.dates)} {step.op} {render_duration(step.duration)}"
            case p.Compare():
                return f"{o(step.left)} {step.op} {o(step.right)}"
            case p.CodeTest():
                return (f"{o(step.operand)} {'not in' if step.negated else 'in'} "
                        f"{{{', '.join(step.codes)}}}")
            case p.MissingTest():
                return f"{o(step.operand)} is {'not ' if step.negated else ''}missing"
            case p.InPeriod():
                return f"{o(step.operand)} in period"
            case p.Within():
                return (f"{o(step.operand)} within {render_duration(step.duration)} "
                        f"{step.direction} {o(step.anchor)}")
            case p.Call():
                return f"{step.function}({', '.join(o(i) for i in step.args)})"
            case p.ReduceAreas():
                area_index = self.steps[step.areas]
                assert isinstance(area_index, p.AreaIndex | p.UnitIndex)
                return self.aggregate(step.function, area_index.dataset, step.where,
                                      step.value, step.order)
            case p.ReduceUnits():
                key = self.steps[step.keys]
                assert isinstance(key, p.Key)
                return self.aggregate(step.function, key.dataset, step.where, step.value,
                                      step.order)
            case p.GatherUnits():
                return f"{o(step.per_unit)} of each row's {self.unit(step.keys)}"
            case p.Pair():
                return (f"each row of {short_name(step.outer)} with each row of "
                        f"{short_name(step.inner)} of the same {step.link}")
            case p.PairSide():
                row = "related row" if step.side is p.Side.INNER else "row itself (this)"
                return f"{o(step.values)} of each pair's {row}"
            case p.ReducePairs():
                pair = self.steps[step.pairs]
                assert isinstance(pair, p.Pair)
                return (self.aggregate(step.function, pair.inner, step.where, step.value,
                                       step.order) + f" over the pairs {o(step.pairs)}")
            case p.Window():
                selected = self.steps[step.selected] != p.Constant(value=True, type=m.BOOLEAN)
                where = f"{self.condition(step.selected)} and " if selected else ""
                this = "this." if isinstance(self.steps[step.anchor], p.ReadColumn) else ""
                return (f"{step.function}({short_name(step.inner)} for same {step.link.unit} "
                        f"where {where}{o(step.dates)} within "
                        f"{render_duration(step.duration)} {step.direction} "
                        f"{this}{o(step.anchor)})")
            case _:
                assert_never(step)

    def unit(self, keys: int) -> str:
        key = self.steps[keys]
        return key.link.unit if isinstance(key, p.Key) else "unit"


_COUNTS_ROWS = (m.AggregateFunction.COUNT, m.AggregateFunction.ANY)
_ORDERED = (m.AggregateFunction.FIRST, m.AggregateFunction.LAST)

__all__ = ["VERSION", "Explanation", "IndicatorExplanation", "Read", "StepLine",
           "explain_plan", "explanation_document"]
