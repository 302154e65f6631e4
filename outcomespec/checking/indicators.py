"""Check outcomes, enablers, indicators and goals.

The rules here are the ones the design insists on: every indicator says whether higher is
better and why, and context indicators are never judged (both checked by `checker.judging`,
with the rest of how an indicator is judged and shown); a proportion's numerator counts the
same units as its denominator and, where it is written as a refinement, provably a subset.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs

from outcomespec import model as m
from outcomespec.checking.benchmarks import check_benchmarked, resolve_benchmark
from outcomespec.checking.context import Context, Settings
from outcomespec.checking.declarations import (
    INDICATOR_META,
    check_meta,
    check_population,
    lookup_definition,
    qualify,
)
from outcomespec.checking.expressions import check_condition, check_expr
from outcomespec.checking.judging import Presentation, check_enum
from outcomespec.checking.periods import check_cohort_selection
from outcomespec.checking.publications import check_publication, check_published_comparators
from outcomespec.language import syntax as s
from outcomespec.language.diagnostics import Diagnostic, Label, did_you_mean

_SINGLE = (
    s.KindField, s.StatisticField, s.CohortField, s.NumeratorField, s.DenominatorField,
    s.MeasureField, s.UnitField, s.DecimalsField, s.PolarityField, s.CompareField,
    s.PublicationField, s.ConfidenceField, s.SuppressCounts, s.SuppressNone, s.SuppressSmall,
    s.BreakdownField, s.Benchmark,
)
_DEFINING = (
    s.KindField, s.StatisticField, s.CohortField, s.NumeratorField, s.DenominatorField,
    s.MeasureField, s.ExcludeField, s.UnitField, s.Benchmark,
)
_FIELD_WORD = {
    s.KindField: "kind", s.StatisticField: "statistic", s.CohortField: "cohort",
    s.NumeratorField: "numerator", s.DenominatorField: "denominator",
    s.MeasureField: "measure", s.ExcludeField: "exclude", s.UnitField: "unit",
    s.DecimalsField: "decimals", s.PublicationField: "publication",
    s.PolarityField: "polarity", s.CompareField: "compare", s.ConfidenceField: "confidence",
    s.SuppressCounts: "suppress", s.SuppressNone: "suppress", s.BreakdownField: "breakdown",
    s.SuppressSmall: "suppress denominators", s.Benchmark: "benchmark",
}
RELATIONS = tuple(relation.value for relation in m.Relation)


def check_serves(ctx: Context, node: s.Serves) -> m.Serving | None:
    """A link to a goal (E411 when the name is not a goal) with a known relation."""
    decl = ctx.resolver.resolve(node.goal, ["goal", "section", "indicator", "definition",
                                            "cohort", "dataset", "codelist", "geography",
                                            "level", "neighbours"], "goal")
    ok = True
    if node.relation.text not in RELATIONS:
        ctx.report(Diagnostic.of(
            "E410", f"`{node.relation.text}` is not a relation", node.relation.span,
            help=did_you_mean(node.relation.text, RELATIONS) or "use " + ", ".join(RELATIONS)))
        ok = False
    if decl is None:
        return None
    if decl.kind != "goal":
        ctx.report(Diagnostic.of("E411", f"`{node.goal.dotted}` is not a goal", node.goal.span,
                                 help="`serves` names a `goal` of a shared framework"))
        return None
    return m.Serving(decl.qualified, m.Relation(node.relation.text)) if ok else None


def check_goal(ctx: Context, node: s.Goal) -> m.Goal:
    """A goal: title, metadata, and (for goals refining others) what they serve."""
    serves = tuple(x for x in (check_serves(ctx, i) for i in node.items
                               if isinstance(i, s.Serves)) if x)
    meta = check_meta(ctx, [i for i in node.items if isinstance(i, s.Meta)], INDICATOR_META)
    goal = m.Goal(qualify(ctx, node.name.text), node.title.value, serves, meta, span=node.span)
    ctx.registry.goals[goal.name] = goal
    return goal


def check_section(ctx: Context, node: s.Section, defaults: Settings) -> m.Section:
    """An outcome or enabler and its indicators."""
    serves = tuple(x for x in (check_serves(ctx, i) for i in node.items
                               if isinstance(i, s.Serves)) if x)
    meta = check_meta(ctx, [i for i in node.items if isinstance(i, s.Meta)], INDICATOR_META)
    name = qualify(ctx, node.name.text)
    indicators = []
    for item in node.items:
        if isinstance(item, s.Indicator):
            indicator = check_indicator(ctx, item, name, defaults)
            if indicator is not None:
                indicators.append(indicator)
                ctx.registry.indicators[indicator.name] = indicator
    return m.Section(name=name, kind=m.SectionKind(node.kind), title=node.title.value,
                     indicators=tuple(indicators), serves=serves, metadata=meta, span=node.span)


def check_indicator(
    ctx: Context, node: s.Indicator, section: str, defaults: Settings
) -> m.Indicator | None:
    """One indicator: fields present once, consistent with the statistic, judged sensibly."""
    fields: dict[type, Any] = {}
    for field in node.fields:
        if isinstance(field, s.Comment):
            continue
        key = s.SuppressCounts if isinstance(field, s.SuppressNone) else type(field)
        if isinstance(field, _SINGLE) and key in fields:
            word = _FIELD_WORD[type(field)]
            ctx.report(Diagnostic.of("E406", f"`{word}` is given twice", field.span,
                                     labels=[Label(fields[key].span, "first given here")]))
            continue
        if isinstance(field, _SINGLE):
            fields[key] = field
    if node.origin is not None:
        return _reuse(ctx, node, section, fields, defaults)
    if node.title is None:
        ctx.report(Diagnostic.of("E401", f"indicator `{node.name.text}` has no title",
                                 node.name.span, help='write the title after the name: '
                                 f'`indicator {node.name.text} "Title" {{`'))
    return _Indicator(ctx, node, section, fields, defaults).build()


def _reuse(
    ctx: Context, node: s.Indicator, section: str, fields: dict[type, Any],
    defaults: Settings,
) -> m.Indicator | None:
    """An indicator taken `from` another framework, with only presentation overridden."""
    assert node.origin is not None
    for field in node.fields:
        if isinstance(field, _DEFINING):
            ctx.report(Diagnostic.of(
                "E407", f"`{_FIELD_WORD[type(field)]}` cannot be overridden on an indicator "
                f"reused from `{node.origin.dotted}`", field.span,
                help="declare a new indicator if it computes something different"))
    decl = ctx.resolver.resolve(node.origin, ["indicator"], "indicator")
    original = ctx.registry.indicators.get(decl.qualified) if decl else None
    if original is None:
        if decl is not None and decl.module == ctx.module \
                and decl.node.span.start > node.span.start:
            ctx.report(Diagnostic.of(
                "E212", f"`{node.origin.dotted}` is declared below the indicator that reuses "
                "it", node.origin.span, labels=[Label(decl.node.name.span, "declared here")],
                help="move the reusing indicator after it, or reuse it from another file"))
        return None
    shown = Presentation(ctx, node, fields, defaults)
    changes: dict[str, Any] = {
        "name": qualify(ctx, node.name.text),
        "framework": ctx.module,
        "section": section,
        "origin": original.name,
        "span": node.span,
    }
    if node.title is not None:
        changes["title"] = node.title.value
    if s.PolarityField in fields:
        polarity = shown.polarity(original.kind)
        if polarity is not None:
            changes["polarity"], changes["rationale"], changes["target_range"] = polarity
    if s.CompareField in fields or "polarity" in changes:
        changes["comparators"] = shown.one_target(
            changes.get("polarity", original.polarity),
            shown.comparators() if s.CompareField in fields else original.comparators)
    publication_field = fields.get(s.PublicationField)
    if publication_field is not None:
        publication = check_publication(ctx, publication_field, original.statistic)
        if publication is None:
            return None
        changes["publication"] = publication
    elif original.publication is None and not check_published_comparators(ctx, node, None):
        return None
    if s.DecimalsField in fields:
        decimals = shown.decimals(original.statistic)
        if decimals is None:
            return None
        changes["decimals"] = decimals
    if s.ConfidenceField in fields:
        method_levels = shown.confidence(original.statistic)
        if method_levels is not None:
            changes["confidence"], changes["levels"] = method_levels
    if s.SuppressCounts in fields:
        changes["suppression"] = shown.suppression()
    if s.SuppressSmall in fields:
        changes["smallest"] = shown.smallest()
    if s.BreakdownField in fields:
        changes["breakdowns"] = _Indicator(ctx, node, section, fields, defaults).breakdowns(
            original.cohort)
    serves = _serves(ctx, node)
    if serves:
        changes["serves"] = serves
    meta = _metadata(ctx, node)
    if meta:
        changes["metadata"] = tuple((dict(original.metadata) | dict(meta)).items())
    return attrs.evolve(original, **changes)


def _serves(ctx: Context, node: s.Indicator) -> tuple[m.Serving, ...]:
    links = (check_serves(ctx, f) for f in node.fields if isinstance(f, s.Serves))
    return tuple(x for x in links if x)


def _metadata(ctx: Context, node: s.Indicator) -> tuple[tuple[str, str], ...]:
    meta = [f for f in node.fields if isinstance(f, s.Meta)]
    return check_meta(ctx, meta, INDICATOR_META)


class _Indicator:
    """Builds one indicator model; each method checks one concern of what it computes, and
    `shown` (`checker.judging`) the concerns of how it is judged and shown."""

    def __init__(self, ctx: Context, node: s.Indicator, section: str,
                 fields: dict[type, Any], defaults: Settings) -> None:
        self.ctx = ctx
        self.node = node
        self.section = section
        self.fields = fields
        self.shown = Presentation(ctx, node, fields, defaults)

    def report(self, code: str, message: str, span: Any, **kwargs: Any) -> None:
        self.ctx.report(Diagnostic.of(code, message, span, **kwargs))

    def require(self, field_type: type, what: str, example: str) -> Any:
        field = self.fields.get(field_type)
        if field is None:
            self.report("E401", f"indicator `{self.node.name.text}` has no {what}",
                        self.node.name.span, help=f"add `{example}`")
        return field

    def build(self) -> m.Indicator | None:
        kind_field = self.require(s.KindField, "kind", "kind outcome")
        statistic_field = self.require(s.StatisticField, "statistic", "statistic proportion")
        kind = check_enum(self.ctx, m.Kind, kind_field.value, "kind") if kind_field else None
        statistic = (check_enum(self.ctx, m.Statistic, statistic_field.value, "statistic")
                     if statistic_field else None)
        polarity = self.shown.polarity(kind) if self.require(
            s.PolarityField, "polarity", 'polarity lower_is_better "why lower is better"') \
            else None
        parts = self.quantities(statistic)
        units, benchmarked = self.units()
        self.shown.units = units
        comparators = self.shown.one_target(polarity[0] if polarity else None,
                                            self.shown.comparators())
        publication_field: s.PublicationField | None = self.fields.get(s.PublicationField)
        publication = (None if publication_field is None
                       else check_publication(self.ctx, publication_field, statistic))
        sourced = check_published_comparators(self.ctx, self.node, publication_field)
        breakdowns = self.breakdowns(parts[0])
        if kind is None or statistic is None:
            return None
        unit = self.shown.unit(statistic)
        confidence = self.shown.confidence(statistic)
        decimals = self.shown.decimals(statistic)
        if parts[-1] is False or unit is None or polarity is None or confidence is None \
                or decimals is None or not sourced or not benchmarked \
                or (publication_field is not None and publication is None):
            return None
        cohort, numerator, denominator, measure, exclusions, proof = parts
        indicator = m.Indicator(
            name=qualify(self.ctx, self.node.name.text),
            framework=self.ctx.module,
            section=self.section,
            title=self.node.title.value if self.node.title else self.node.name.text,
            kind=kind,
            statistic=statistic,
            cohort=cohort,
            numerator=numerator,
            denominator=denominator,
            measure=measure,
            exclusions=exclusions,
            unit=unit,
            polarity=polarity[0],
            rationale=polarity[1],
            target_range=polarity[2],
            comparators=comparators,
            confidence=confidence[0],
            levels=confidence[1],
            suppression=self.shown.suppression(),
            smallest=self.shown.smallest(),
            benchmark=units.name if units is not None else None,
            decimals=decimals,
            publication=publication,
            breakdowns=breakdowns,
            serves=_serves(self.ctx, self.node),
            metadata=_metadata(self.ctx, self.node),
            numerator_subset=proof,
            span=self.node.span,
        )
        return indicator if check_benchmarked(self.ctx, indicator, self.node, units) else None

    def units(self) -> tuple[m.ComparisonUnits | None, bool]:
        """The units the indicator compares (its own `benchmark`, else the framework's;
        None: areas), and whether the name given resolves."""
        field: s.Benchmark | None = self.fields.get(s.Benchmark)
        if field is None:
            return self.shown.defaults.benchmark, True
        units = resolve_benchmark(self.ctx, field)
        return units, units is not None

    # -------------------------------------------------------------- what is computed
    def quantities(self, statistic: m.Statistic | None) -> tuple[Any, ...]:
        """(cohort, numerator, denominator, measure, exclusions, proof), or ends in False."""
        ctx = self.ctx
        failed = False
        cohort_field: s.CohortField | None = self.fields.get(s.CohortField)
        cohort = None
        if cohort_field is not None:
            cohort = check_population(ctx, cohort_field.population, "cohort")
            failed |= cohort is None
        exclusions: list[m.Exclusion] = []
        for field in self.node.fields:
            if isinstance(field, s.ExcludeField):
                if cohort is None:
                    if cohort_field is None:
                        self.report("E404", "`exclude` removes units from the cohort, but "
                                    "there is no cohort", field.span)
                    failed = True
                    continue
                rows = (ctx.registry.datasets[cohort.dataset],)
                condition = check_condition(ctx, field.expr, rows, lookup_definition,
                                            "an exclusion")
                if condition is None:
                    failed = True
                    continue
                exclusions.append(m.Exclusion(condition, field.reason.value
                                              if field.reason else None))
        numerator = self.quantity(s.NumeratorField, cohort)
        denominator = self.quantity(s.DenominatorField, cohort)
        failed |= numerator is False or denominator is False
        measure = None
        measure_field: s.MeasureField | None = self.fields.get(s.MeasureField)
        if measure_field is not None and cohort is not None:
            rows = (ctx.registry.datasets[cohort.dataset],)
            measure = check_expr(ctx, measure_field.expr, rows, lookup_definition)
            if measure is not None and measure.type.kind is not m.ValueKind.NUMBER:
                self.report("E301", f"the measure must be a number, not {measure.type:a}",
                            measure_field.expr.span)
                measure = None
            failed |= measure is None
        proof: m.SubsetProof | None = m.SubsetProof.NOT_APPLICABLE
        if statistic is None:
            failed = True
        if not failed and statistic is not None:
            failed |= not self.fits_statistic(statistic)
        if not failed and statistic is m.Statistic.PROPORTION and cohort_field is not None:
            proof = self.subset_proof(cohort, numerator)
            failed |= proof is None
        if failed:
            return (cohort, None, None, None, (), False)
        return (cohort, numerator, denominator, measure, tuple(exclusions), proof)

    def quantity(self, field_type: type, cohort: m.Population | None) -> Any:
        field = self.fields.get(field_type)
        if field is None:
            return None
        quantity = field.quantity
        if isinstance(quantity, s.Population):
            if (len(quantity.base.parts) == 1 and quantity.base.parts[0].text == "cohort"
                    and self.ctx.resolver.find(quantity.base) is None):
                if cohort is None:
                    self.report("E201", "`cohort` refers to this indicator's cohort, but it has "
                                "none", quantity.base.span)
                    return False
                if not check_cohort_selection(self.ctx, quantity.periods, cohort, "cohort"):
                    return False
                if quantity.where is None:
                    return cohort
                rows = (self.ctx.registry.datasets[cohort.dataset],)
                condition = check_condition(self.ctx, quantity.where, rows, lookup_definition,
                                            "the numerator's `where`")
                if condition is None:
                    return False
                return m.Population(cohort.dataset, (*cohort.filters, condition),
                                    cohort.cohort, cohort.periods, span=quantity.span)
            population = check_population(self.ctx, quantity, "population")
            return False if population is None else population
        checked = check_expr(self.ctx, quantity, (), lookup_definition)
        if checked is None:
            return False
        if not isinstance(checked, m.Aggregate) or checked.type.kind is not m.ValueKind.NUMBER:
            self.report("E304", "a numerator or denominator is a population or a "
                        "`sum(…)`/`count(…)` per area", quantity.span)
            return False
        return checked

    def fits_statistic(self, statistic: m.Statistic) -> bool:
        present = {t for t in self.fields if t in (s.CohortField, s.NumeratorField,
                                                  s.DenominatorField, s.MeasureField)}
        needs: dict[m.Statistic, tuple[Sequence[type], Sequence[type]]] = {
            m.Statistic.PROPORTION: ((s.NumeratorField,), (s.MeasureField,)),
            m.Statistic.RATE: ((s.NumeratorField, s.DenominatorField), (s.MeasureField,)),
            m.Statistic.COUNT: ((s.NumeratorField,), (s.MeasureField, s.DenominatorField)),
            m.Statistic.RATIO: ((s.NumeratorField, s.DenominatorField), (s.MeasureField,)),
            m.Statistic.MEAN: ((s.CohortField, s.MeasureField),
                               (s.NumeratorField, s.DenominatorField)),
            m.Statistic.MEDIAN: ((s.CohortField, s.MeasureField),
                                 (s.NumeratorField, s.DenominatorField)),
        }
        required, forbidden = needs[statistic]
        ok = True
        for field_type in required:
            if field_type not in present:
                word = _FIELD_WORD[field_type]
                self.report("E404", f"a {statistic.value} needs a `{word}`",
                            self.fields[s.StatisticField].span,
                            help=f"add `{word} …` to indicator `{self.node.name.text}`")
                ok = False
        for field_type in forbidden:
            if field_type in present:
                word = _FIELD_WORD[field_type]
                self.report("E404", f"a {statistic.value} has no `{word}`",
                            self.fields[field_type].span,
                            help="remove it, or change the statistic")
                ok = False
        if statistic is m.Statistic.PROPORTION and not present & {s.CohortField,
                                                                 s.DenominatorField}:
            self.report("E404", "a proportion needs a `cohort` or a `denominator`",
                        self.fields[s.StatisticField].span)
            ok = False
        if (statistic is m.Statistic.PROPORTION and {s.CohortField, s.DenominatorField}
                <= present):
            self.report("E404", "give a proportion a `cohort` or a `denominator`, not both",
                        self.fields[s.DenominatorField].span,
                        help="the cohort is the denominator of a proportion")
            ok = False
        return ok

    def subset_proof(self, cohort: m.Population | None, numerator: Any) -> m.SubsetProof | None:
        if cohort is None or not isinstance(numerator, m.Population):
            if isinstance(numerator, m.Aggregate):
                span = self.fields[s.NumeratorField].span
                self.report("E405", "the cohort counts units but the numerator is a sum per "
                            "area", span, help="write the numerator as `cohort where …`")
                return None
            return m.SubsetProof.NOT_APPLICABLE
        registry = self.ctx.registry
        cohort_rows = registry.datasets[cohort.dataset].rows
        numerator_rows = registry.datasets[numerator.dataset].rows
        if cohort_rows != numerator_rows:
            span = self.fields[s.NumeratorField].span
            self.report("E405", f"the numerator counts each {numerator_rows} but the cohort "
                        f"counts each {cohort_rows}", span,
                        labels=[Label(self.fields[s.CohortField].span, "the cohort")],
                        help="count the same unit in both, e.g. `numerator cohort where …`")
            return None
        if numerator.dataset == cohort.dataset and numerator.periods == cohort.periods and all(
            f in numerator.filters for f in cohort.filters
        ):
            return m.SubsetProof.PROVEN
        self.report("W602", "the numerator is not written as a refinement of the cohort; "
                    "it will be checked on the data", self.fields[s.NumeratorField].span,
                    help="write `numerator cohort where …` to make this provable")
        return m.SubsetProof.CHECK_ON_DATA

    def breakdowns(self, cohort: m.Population | None) -> tuple[m.Expr, ...]:
        field: s.BreakdownField | None = self.fields.get(s.BreakdownField)
        if field is None:
            return ()
        if cohort is None:
            self.report("E404", "breakdowns split the cohort, but there is no cohort",
                        field.span)
            return ()
        rows = (self.ctx.registry.datasets[cohort.dataset],)
        found = []
        for name in field.names:
            checked = check_expr(self.ctx, s.NameRef((name,), span=name.span), rows,
                                 lookup_definition)
            if checked is None:
                continue
            if checked.type.kind not in (m.ValueKind.CODE, m.ValueKind.BOOLEAN):
                self.report("E301", f"breakdowns need codes or conditions; `{name.text}` is a "
                            f"{checked.type}", name.span)
                continue
            found.append(checked)
        return tuple(found)
