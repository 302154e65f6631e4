"""Check an indicator's `publication`: where its figures are published, and which comparators
are taken from it.

A publication names rows of a published table, one per area and reporting period, and the
columns holding the value, its counts and its confidence limits. What can be known before
the table is read is checked here: the table names each row's area (E431), the columns are
numbers of that table (E201, E301), every part is given once (E406) and the value is given
at all (E401), and a comparator taken from the publication has one (E430). Whether the table
holds a row for England, a region or an authority in the period evaluated is known only
from the data, and is a data diagnostic of evaluation (D160, D161).
"""

from __future__ import annotations

from typing import Any

from outcomespec import model as m
from outcomespec.checking.context import Context
from outcomespec.checking.declarations import (
    DESCRIPTIVE_META,
    check_meta,
    check_population,
    lookup_definition,
)
from outcomespec.checking.expressions import check_condition
from outcomespec.language import syntax as s
from outcomespec.language.diagnostics import Diagnostic, Label, did_you_mean

__all__ = ["check_publication", "check_published_comparators"]


def check_publication(ctx: Context, node: s.PublicationField, statistic: m.Statistic | None
                      ) -> m.Publication | None:
    """The publication's model, or None after reporting what is wrong with it."""
    rows = check_population(ctx, node.rows, "publication")
    if rows is None:
        return None
    dataset = ctx.registry.datasets[rows.dataset]
    if dataset.area is None:
        ctx.report(Diagnostic.of(
            "E431", f"the publication's table `{node.rows.base.dotted}` names no area for its "
            "rows", node.rows.span,
            help="declare the columns naming each row's area in the dataset: `area "
            "old_la_code or region_code or country_code`, or `area area_code`"))
        return None
    parts = _Parts(ctx, node, dataset)
    value = parts.value()
    numerator = parts.count("numerator", rows)
    denominator = parts.count("denominator", rows)
    limits = parts.limits()
    meta = check_meta(ctx, [i for i in node.items if isinstance(i, s.Meta)], DESCRIPTIVE_META)
    if "denominator" in parts.spans and statistic is not None \
            and statistic in (m.Statistic.COUNT, m.Statistic.MEAN, m.Statistic.MEDIAN):
        ctx.report(Diagnostic.of(
            "E404", f"a {statistic.value} has no denominator to publish", parts.spans[
                "denominator"], help="remove the publication's `denominator`"))
        return None
    if value is None or parts.failed:
        return None
    return m.Publication(rows=rows, value=value, numerator=numerator, denominator=denominator,
                         limits=limits, metadata=meta, span=node.span)


def check_published_comparators(ctx: Context, node: s.Indicator,
                                publication: s.PublicationField | None) -> bool:
    """E430 for each comparator declared `published` when the indicator has no publication;
    whether there was none."""
    compare = next((f for f in node.fields if isinstance(f, s.CompareField)), None)
    if compare is None or publication is not None:
        return True
    published = [c for c in compare.comparators if getattr(c, "published", False)]
    for comparator in published:
        ctx.report(Diagnostic.of(
            "E430", "this comparator is `published`, but the indicator has no publication",
            comparator.span,
            help="say where its figures are published: `publication TABLE where … { value "
            "COLUMN }`, or remove `published` to pool it from the areas evaluated"))
    return not published


class _Parts:
    """The parts of one publication, each checked against its table's columns."""

    def __init__(self, ctx: Context, node: s.PublicationField, dataset: m.Dataset) -> None:
        self.ctx = ctx
        self.node = node
        self.dataset = dataset
        self.failed = False
        self.spans: dict[str, Any] = {}
        self.items: dict[str, list[Any]] = {}
        for item in node.items:
            match item:
                case s.PublishedValue():
                    key = "value"
                case s.PublishedCount(which=which):
                    key = which
                case s.PublishedLimits():
                    key = "limits"
                case _:
                    continue
            if key in self.spans:
                ctx.report(Diagnostic.of(
                    "E406", f"the publication's `{key}` is given twice", item.span,
                    labels=[Label(self.spans[key], "first given here")]))
                self.failed = True
                continue
            self.spans[key] = item.span
            self.items[key] = [item]

    def column(self, name: s.Name, role: str) -> str | None:
        """The number column `name` of the table (E201 unknown, E301 not a number)."""
        column = self.dataset.column(name.text)
        short = self.dataset.name.rsplit(".", 1)[-1]
        if column is None:
            self.ctx.report(Diagnostic.of(
                "E201", f"the publication's {role} `{name.text}` is not a column of `{short}`",
                name.span, help=did_you_mean(name.text, [c.name for c in self.dataset.columns])))
            self.failed = True
            return None
        if column.type.kind is not m.ValueKind.NUMBER:
            self.ctx.report(Diagnostic.of(
                "E301", f"the publication's {role} `{name.text}` is {column.type:a}, not a "
                "number", name.span, help=f"name the column of `{short}` that holds the "
                f"{role} as a number (`integer` or `number`)"))
            self.failed = True
            return None
        return column.name

    def value(self) -> str | None:
        found = self.items.get("value")
        if not found:
            self.ctx.report(Diagnostic.of(
                "E401", "the publication does not say which column holds the value",
                self.node.rows.span, help="add `value COLUMN` inside its braces"))
            return None
        return self.column(found[0].column, "value")

    def count(self, which: str, rows: m.Population) -> m.PublishedCount | None:
        found = self.items.get(which)
        if not found:
            return None
        item: s.PublishedCount = found[0]
        column = self.column(item.column, which)
        own = None
        if item.where is not None:
            condition = check_condition(self.ctx, item.where, (self.dataset,),
                                        lookup_definition, f"the published {which}'s `where`")
            if condition is None:
                self.failed = True
                return None
            own = m.Population(rows.dataset, (condition,), periods=rows.periods,
                               span=item.where.span)
        return None if column is None else m.PublishedCount(column=column, rows=own)

    def limits(self) -> tuple[m.PublishedLimits, ...]:
        found = self.items.get("limits")
        if not found:
            return ()
        limits: list[m.PublishedLimits] = []
        for pair in found[0].levels:
            level = float(pair.level[:-1]) / 100
            if any(abs(level - known.level) < 1e-9 for known in limits):
                self.ctx.report(Diagnostic.of("E406", f"limits at {pair.level} are given twice",
                                              pair.span))
                self.failed = True
                continue
            lower = self.column(pair.lower, "lower limit")
            upper = self.column(pair.upper, "upper limit")
            if lower is not None and upper is not None:
                limits.append(m.PublishedLimits(level, lower, upper))
        return tuple(limits)
