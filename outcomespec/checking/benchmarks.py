"""Check units of comparison other than areas, and the indicators that benchmark them.

A `comparison` names a register dataset and its columns (each unit's code, name, region and
peer groups) and, for every dataset whose rows belong to a unit, the text column or
definition that says which (`rows ssda903.episodes by URN`). A framework or indicator that
`benchmark`s the units is evaluated per unit, so every dataset it counts must say that
(E260: otherwise its rows would be counted nowhere, silently); it is compared with its
peers and region, not with areas' neighbours; its funnels need a statistic that has one
(E262, for areas too); and no row of it counts a single child (E263).
"""

from __future__ import annotations

from collections.abc import Iterator

from outcomespec import model as m
from outcomespec.checking.context import Context
from outcomespec.checking.declarations import geo_fields, lookup_definition, qualify
from outcomespec.checking.expressions import check_expr
from outcomespec.language import syntax as s
from outcomespec.language.diagnostics import Diagnostic, Label
from outcomespec.language.source import Span

__all__ = ["COMPARISON_FIELDS", "check_benchmarked", "check_comparison",
           "resolve_benchmark"]

COMPARISON_FIELDS = ("code", "name", "region", "region_name", "peers")
"""What a comparison may say of its register's columns; `peers` may name several."""



def check_comparison(ctx: Context, node: s.Comparison) -> m.ComparisonUnits:
    """The register's columns (each one of its columns, E201) and each dataset's unit (a text
    column or definition of its rows, E261; one per dataset, E406)."""
    dataset, fields = geo_fields(ctx, node.dataset, tuple(
        item for item in node.items if isinstance(item, s.GeoField | s.Comment)),
        required=("code",), allowed=COMPARISON_FIELDS, several=("peers",))
    register = ctx.registry.datasets.get(dataset)
    name = qualify(ctx, node.name.text)
    rows: list[m.UnitRows] = []
    seen: dict[str, s.UnitRows] = {}
    for item in node.items:
        if not isinstance(item, s.UnitRows):
            continue
        decl = ctx.resolver.resolve(item.dataset, ["dataset"], "dataset")
        counted = ctx.registry.datasets.get(decl.qualified) if decl else None
        if counted is None:
            continue
        if counted.name in seen:
            ctx.report(Diagnostic.of(
                "E406", f"the unit of `{item.dataset.dotted}`'s rows is given twice", item.span,
                labels=[Label(seen[counted.name].span, "first given here")]))
            continue
        seen[counted.name] = item
        unit = check_expr(ctx, s.NameRef((item.by,), span=item.by.span), (counted,),
                          lookup_definition)
        if unit is None or unit.type.kind not in (m.ValueKind.TEXT, m.ValueKind.IDENTIFIER):
            ctx.registry.failed.add(_rows_key(name, counted.name))
        if unit is None:
            continue
        if unit.type.kind not in (m.ValueKind.TEXT, m.ValueKind.IDENTIFIER):
            ctx.report(Diagnostic.of(
                "E261", f"`{item.by.text}` is {unit.type:a}, not the text of a unit's code",
                item.by.span, help=f"name a text column of `{item.dataset.dotted}` holding "
                "the register's codes, or a definition giving them"))
            continue
        rows.append(m.UnitRows(counted.name, unit))
    return m.ComparisonUnits(
        name=name, title=node.title.value if node.title else None,
        dataset=dataset, level=register.rows if register else "unit",
        code=fields.get("code", [""])[0], name_column=_one(fields, "name"),
        region=_one(fields, "region"), region_name=_one(fields, "region_name"),
        peers=tuple(fields.get("peers", ())), rows=tuple(rows), span=node.span)


def _rows_key(comparison: str, dataset: str) -> str:
    """How a comparison's `rows` entry that failed to check is remembered, so that what
    needs it is not reported again."""
    return f"{comparison}:rows:{dataset}"


def _one(fields: dict[str, list[str]], key: str) -> str | None:
    return fields[key][0] if key in fields else None


def resolve_benchmark(ctx: Context, node: s.Benchmark) -> m.ComparisonUnits | None:
    """The units `benchmark NAME` names (E201 or E208 when it names none)."""
    decl = ctx.resolver.resolve(node.comparison, ["comparison"], "comparison")
    return ctx.registry.comparisons.get(decl.qualified) if decl else None


def check_benchmarked(ctx: Context, indicator: m.Indicator, node: s.Indicator,
                      units: m.ComparisonUnits | None) -> bool:
    """Whether an indicator's comparison fits it: every dataset it counts has units (E260)
    when it benchmarks `units`; its funnels fit its statistic (E262); it publishes no unit of
    one (E263)."""
    ok = True
    for comparator in indicator.comparators:
        if comparator.method is not None and comparator.method.funnel \
                and not indicator.statistic.has_funnel:
            ctx.report(Diagnostic.of(
                "E262", f"a {indicator.statistic.value} has no funnel: `{comparator.method}` "
                "compares proportions, rates and ratios", _compare_span(node),
                help="compare it by its confidence interval (leave out the method), or "
                "change the statistic"))
            ok = False
    if units is None:
        return ok
    for dataset, span in _counted(indicator, node):
        if units.rows_of(dataset) is None \
                and _rows_key(units.name, dataset) not in ctx.registry.failed:
            short = dataset.rsplit(".", 1)[-1]
            ctx.report(Diagnostic.of(
                "E260", f"`{indicator.id}` compares {units.level}s, but no {units.level} is "
                f"given for the rows of `{short}`", span,
                labels=[Label(units.span, f"`{units.name.rsplit('.', 1)[-1]}` declared here")],
                help=f"add `rows {short} by COLUMN` to the comparison, naming the column (or "
                f"definition) that holds each row's {units.level}"))
            ok = False
    if indicator.smallest is not None and indicator.smallest < m.SMALLEST_UNIT:
        ctx.report(Diagnostic.of(
            "E263", f"`suppress denominators below {indicator.smallest}` would publish a "
            f"{units.level} counting a single child, whose outcome the row would tell",
            next((f.span for f in node.fields if isinstance(f, s.SuppressSmall)),
                 node.name.span), help=f"withhold at least denominators below {m.SMALLEST_UNIT}; "
            "10 is usual for providers"))
        ok = False
    return ok


def _compare_span(node: s.Indicator) -> Span:
    return next((f.span for f in node.fields if isinstance(f, s.CompareField)), node.span)


def _counted(indicator: m.Indicator, node: s.Indicator) -> Iterator[tuple[str, Span]]:
    """Every dataset whose rows the indicator counts or adds up per unit, once, with where
    it says so: its cohort, a population numerator or denominator, and a `sum(…)` or
    `count(…)` per unit."""
    spans = {type(f): f.span for f in node.fields if not isinstance(f, s.Comment)}
    seen: set[str] = set()
    parts = ((indicator.cohort, spans.get(s.CohortField)),
             (indicator.numerator, spans.get(s.NumeratorField)),
             (indicator.denominator, spans.get(s.DenominatorField)))
    for quantity, span in parts:
        if quantity is None:
            continue
        if quantity.dataset not in seen:
            seen.add(quantity.dataset)
            yield quantity.dataset, span or node.span
