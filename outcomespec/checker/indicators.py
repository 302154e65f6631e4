"""Check outcomes, enablers, indicators and goals.

The rules here are the ones the design insists on: every indicator says whether higher is
better and why; context indicators are never judged; a proportion's numerator counts the
same units as its denominator and, where it is written as a refinement, provably a subset.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs

from outcomespec import model as m
from outcomespec import syntax as s
from outcomespec.checker.context import Context
from outcomespec.checker.declarations import (
    INDICATOR_META,
    check_meta,
    check_population,
    lookup_definition,
    qualify,
)
from outcomespec.checker.expressions import check_condition, check_expr
from outcomespec.checker.scope import Decl
from outcomespec.diagnostics import Diagnostic, Label, did_you_mean

_SINGLE = (
    s.KindField, s.StatisticField, s.CohortField, s.NumeratorField, s.DenominatorField,
    s.MeasureField, s.UnitField, s.PolarityField, s.CompareField, s.ConfidenceField,
    s.SuppressCounts, s.SuppressNone, s.BreakdownField,
)
_DEFINING = (
    s.KindField, s.StatisticField, s.CohortField, s.NumeratorField, s.DenominatorField,
    s.MeasureField, s.ExcludeField, s.UnitField,
)
_FIELD_WORD = {
    s.KindField: "kind", s.StatisticField: "statistic", s.CohortField: "cohort",
    s.NumeratorField: "numerator", s.DenominatorField: "denominator",
    s.MeasureField: "measure", s.ExcludeField: "exclude", s.UnitField: "unit",
    s.PolarityField: "polarity", s.CompareField: "compare", s.ConfidenceField: "confidence",
    s.SuppressCounts: "suppress", s.SuppressNone: "suppress", s.BreakdownField: "breakdown",
}
RELATIONS = ("exact", "broader", "narrower", "proxy")
_METHODS = {
    m.Statistic.PROPORTION: (m.ConfidenceMethod.WILSON, m.ConfidenceMethod.NONE),
    m.Statistic.RATE: (m.ConfidenceMethod.BYARS, m.ConfidenceMethod.NONE),
    m.Statistic.COUNT: (m.ConfidenceMethod.BYARS, m.ConfidenceMethod.NONE),
    m.Statistic.MEAN: (m.ConfidenceMethod.STUDENT_T, m.ConfidenceMethod.NONE),
    m.Statistic.MEDIAN: (m.ConfidenceMethod.NONE,),
    m.Statistic.RATIO: (m.ConfidenceMethod.NONE,),
}


def _enum(ctx: Context, enum_type: Any, name: s.Name, what: str) -> Any:
    try:
        return enum_type(name.text)
    except ValueError:
        options = [e.value for e in enum_type]
        ctx.report(Diagnostic.of(
            "E410", f"`{name.text}` is not a {what}", name.span,
            help=did_you_mean(name.text, options) or "use " + ", ".join(options)))
        return None


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
    return m.Serving(decl.qualified, node.relation.text) if ok else None


def check_goal(ctx: Context, node: s.Goal) -> m.Goal:
    """A goal: title, metadata, and (for goals refining others) what they serve."""
    serves = tuple(x for x in (check_serves(ctx, i) for i in node.items
                               if isinstance(i, s.Serves)) if x)
    meta = check_meta(ctx, [i for i in node.items if isinstance(i, s.Meta)], INDICATOR_META)
    goal = m.Goal(qualify(ctx, node.name.text), node.title.value, serves, meta, span=node.span)
    ctx.registry.goals[goal.name] = goal
    return goal


def check_section(ctx: Context, node: s.Section, defaults: dict[str, Any]) -> m.Section:
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
    return m.Section(name, node.kind, node.title.value, tuple(indicators), serves, meta,
                     span=node.span)


def check_indicator(
    ctx: Context, node: s.Indicator, section: str, defaults: dict[str, Any]
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
    defaults: dict[str, Any],
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
        return None
    builder = _Indicator(ctx, node, section, fields, defaults)
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
        polarity = builder.polarity(original.kind)
        if polarity is not None:
            changes["polarity"], changes["rationale"] = polarity
    if s.CompareField in fields:
        changes["comparators"] = builder.comparators()
    if s.ConfidenceField in fields:
        method_levels = builder.confidence(original.statistic)
        if method_levels is not None:
            changes["confidence"], changes["levels"] = method_levels
    if s.SuppressCounts in fields:
        changes["suppression"] = builder.suppression()
    serves = builder.serves()
    if serves:
        changes["serves"] = serves
    meta = builder.metadata()
    if meta:
        changes["metadata"] = tuple((dict(original.metadata) | dict(meta)).items())
    return attrs.evolve(original, **changes)


class _Indicator:
    """Builds one indicator model; each method checks one concern."""

    def __init__(self, ctx: Context, node: s.Indicator, section: str,
                 fields: dict[type, Any], defaults: dict[str, Any]) -> None:
        self.ctx = ctx
        self.node = node
        self.section = section
        self.fields = fields
        self.defaults = defaults

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
        kind = _enum(self.ctx, m.Kind, kind_field.value, "kind") if kind_field else None
        statistic = (_enum(self.ctx, m.Statistic, statistic_field.value, "statistic")
                     if statistic_field else None)
        polarity = self.polarity(kind) if self.require(
            s.PolarityField, "polarity", 'polarity lower_is_better "why lower is better"') \
            else None
        parts = self.quantities(statistic)
        comparators = self.comparators()
        breakdowns = self.breakdowns(parts[0])
        if kind is None or statistic is None:
            return None
        unit = self.unit(statistic)
        confidence = self.confidence(statistic)
        if parts[-1] is False or unit is None or polarity is None or confidence is None:
            return None
        cohort, numerator, denominator, measure, exclusions, proof = parts
        return m.Indicator(
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
            comparators=comparators,
            confidence=confidence[0],
            levels=confidence[1],
            suppression=self.suppression(),
            breakdowns=breakdowns,
            serves=self.serves(),
            metadata=self.metadata(),
            numerator_subset=proof,
            span=self.node.span,
        )

    # -------------------------------------------------------------- judgement
    def polarity(self, kind: m.Kind | None) -> tuple[m.Polarity, str] | None:
        field: s.PolarityField | None = self.fields.get(s.PolarityField)
        if field is None:
            return None
        value = _enum(self.ctx, m.Polarity, field.value, "polarity")
        if value is None:
            return None
        if field.rationale is None or not field.rationale.value.strip():
            self.report("E402", f"`polarity {field.value.text}` needs a reason", field.span,
                        help=f'write `polarity {field.value.text} "why"`')
            return None
        if kind is m.Kind.CONTEXT and value is not m.Polarity.NO_JUDGEMENT:
            kind_field = self.fields.get(s.KindField)
            self.report("E403", f"a context indicator cannot be `{value.value}`",
                        field.value.span,
                        labels=[Label(kind_field.span, "kind is context")] if kind_field else (),
                        help="use `polarity no_judgement \"…\"`, or change the kind")
            return None
        return value, field.rationale.value

    def comparators(self) -> tuple[m.Comparator, ...]:
        field: s.CompareField | None = self.fields.get(s.CompareField)
        if field is None:
            return (m.Comparator("england"),)
        found: list[m.Comparator] = []
        for item in field.comparators:
            comparator = self.comparator(item)
            if comparator is None:
                continue
            if comparator in found:
                self.report("E406", "this comparator is given twice", item.span)
                continue
            found.append(comparator)
        return tuple(found)

    def comparator(self, item: s.Comparator) -> m.Comparator | None:
        geographies = self.visible_geographies()
        match item:
            case s.EnglandComparator():
                return m.Comparator("england")
            case s.RegionComparator():
                providers = [(d, g) for d, g in geographies
                             if any(level.name == "region" for level in g.levels)]
                if not providers:
                    self.report("E412", "`region` needs a geography with a `region` level",
                                item.span, help='import "datasets/geography.ospec"')
                    return None
                self.ctx.resolver.mark_used(providers[0][0])
                return m.Comparator("region")
            case s.NeighboursComparator():
                sets = {n.name: d for d, g in geographies for n in g.neighbours}
                if item.name.text in sets:
                    self.ctx.resolver.mark_used(sets[item.name.text])
                else:
                    self.report("E412", f"no geography declares neighbours "
                                f"`{item.name.text}`", item.name.span,
                                help=did_you_mean(item.name.text, sets)
                                or "declare them with `neighbours NAME from DATASET { … }`")
                    return None
                method = item.method.text if item.method else "median"
                if method not in ("median", "pooled"):
                    self.report("E410", f"`{method}` is not a way to combine neighbours",
                                item.method.span if item.method else item.span,
                                help=did_you_mean(method, ("median", "pooled"))
                                or "use `median` (DfE's convention) or `pooled`")
                    return None
                return m.Comparator("neighbours", item.name.text, method)
            case s.PopulationComparator():
                decl = self.ctx.resolver.resolve(item.indicator, ["indicator"], "indicator")
                if decl is None:
                    return None
                return m.Comparator("population", decl.qualified)
            case s.TargetComparator():
                return m.Comparator("target", target=float(item.value))
        raise AssertionError(item)

    def visible_geographies(self) -> list[tuple[Decl, m.Geography]]:
        scope = self.ctx.resolver.scope
        decls = [d for d in scope.local.values() if d.kind == "geography"]
        decls += [d for found in scope.unqualified.values() for d, _ in found
                  if d.kind == "geography"]
        for _, table in scope.qualifiers.values():
            decls += [d for d in table.values() if d.kind == "geography"]
        found = [(d, self.ctx.registry.geographies.get(d.qualified)) for d in decls]
        return [(d, g) for d, g in found if g is not None]

    def confidence(
        self, statistic: m.Statistic
    ) -> tuple[m.ConfidenceMethod, tuple[float, ...]] | None:
        allowed = _METHODS[statistic]
        field: s.ConfidenceField | None = self.fields.get(s.ConfidenceField)
        if field is None:
            method = allowed[0]
            return method, (() if method is m.ConfidenceMethod.NONE else (0.95, 0.998))
        method = _enum(self.ctx, m.ConfidenceMethod, field.method, "confidence method")
        if method is None:
            return None
        if method not in allowed:
            self.report("E409", f"`{method.value}` limits do not fit a {statistic.value}",
                        field.method.span,
                        help="use " + " or ".join(f"`{a.value}`" for a in allowed))
            return None
        levels = tuple(float(level[:-1]) / 100 for level in field.levels)
        if method is m.ConfidenceMethod.NONE:
            if levels:
                self.report("E502", "`confidence none` takes no levels", field.span)
            return method, ()
        if len(set(levels)) != len(levels):
            self.report("E406", "a confidence level is given twice", field.span)
        return method, tuple(sorted(set(levels))) or (0.95, 0.998)

    def suppression(self) -> tuple[int, int] | None:
        field = self.fields.get(s.SuppressCounts)
        if isinstance(field, s.SuppressNone):
            return None
        if isinstance(field, s.SuppressCounts):
            return int(float(field.low.text)), int(float(field.high.text))
        default: tuple[int, int] | None = self.defaults.get("suppression", (1, 5))
        return default

    def serves(self) -> tuple[m.Serving, ...]:
        links = (check_serves(self.ctx, f) for f in self.node.fields if isinstance(f, s.Serves))
        return tuple(x for x in links if x)

    def metadata(self) -> tuple[tuple[str, str], ...]:
        meta = [f for f in self.node.fields if isinstance(f, s.Meta)]
        return check_meta(self.ctx, meta, INDICATOR_META)

    # -------------------------------------------------------------- what is computed
    def unit(self, statistic: m.Statistic) -> m.Unit | None:
        field: s.UnitField | None = self.fields.get(s.UnitField)
        if field is None:
            if statistic in (m.Statistic.COUNT, m.Statistic.RATIO):
                return m.Unit("count" if statistic is m.Statistic.COUNT else "ratio", 1.0)
            self.report("E401", f"indicator `{self.node.name.text}` has no unit",
                        self.node.name.span,
                        help="add `unit percent`" if statistic is m.Statistic.PROPORTION
                        else "add `unit per 10,000`" if statistic is m.Statistic.RATE
                        else 'add `unit "score"`')
            return None
        fits = {
            m.Statistic.PROPORTION: ("percent", "named"),
            m.Statistic.RATE: ("per",),
            m.Statistic.MEAN: ("named",),
            m.Statistic.MEDIAN: ("named",),
            m.Statistic.COUNT: ("named",),
            m.Statistic.RATIO: ("named", "per", "percent"),
        }[statistic]
        if field.kind not in fits:
            self.report("E408", f"a {statistic.value} cannot be shown "
                        f"{'in percent' if field.kind == 'percent' else 'per ' + field.value}"
                        if field.kind != "named" else
                        f"a {statistic.value} needs `unit per N`", field.span,
                        help="use " + " or ".join({"percent": "`unit percent`",
                                                   "per": "`unit per 10,000`",
                                                   "named": '`unit "…"`'}[k] for k in fits))
            return None
        if field.kind == "percent":
            return m.Unit("percent", 100.0)
        if field.kind == "per":
            value = int(field.value)
            if value <= 0:
                self.report("E105", "`per` needs a positive number", field.span)
                return None
            return m.Unit(f"per {value:,}", float(value))
        return m.Unit(field.value, 1.0)

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
                if quantity.where is None:
                    return cohort
                rows = (self.ctx.registry.datasets[cohort.dataset],)
                condition = check_condition(self.ctx, quantity.where, rows, lookup_definition,
                                            "the numerator's `where`")
                if condition is None:
                    return False
                return m.Population(cohort.dataset, (*cohort.filters, condition),
                                    cohort.cohort, span=quantity.span)
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
        if numerator.dataset == cohort.dataset and all(
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
