"""Check how an indicator is judged and shown: polarity, comparators, confidence, unit, suppression.

An indicator reused `from` another framework may override all of these but the unit, and
nothing it computes: the two change for different reasons, so they are checked apart. The
quantities, statistic and subset proof are checked by `outcomespec.checking.indicators`,
which imports this module (never the other way round).
"""

from __future__ import annotations

from typing import Any, Literal, assert_never

from outcomespec import model as m
from outcomespec.checking.context import Context, Settings
from outcomespec.checking.scope import Decl
from outcomespec.language import syntax as s
from outcomespec.language.diagnostics import Diagnostic, Label, did_you_mean

Polarity = tuple[m.Polarity, str, tuple[float, float] | None]
"""An indicator's polarity, the reason for it, and its target range if it has one."""

_METHODS = {
    m.Statistic.PROPORTION: (m.ConfidenceMethod.WILSON, m.ConfidenceMethod.NONE),
    m.Statistic.RATE: (m.ConfidenceMethod.BYARS, m.ConfidenceMethod.NONE),
    m.Statistic.COUNT: (m.ConfidenceMethod.BYARS, m.ConfidenceMethod.NONE),
    m.Statistic.MEAN: (m.ConfidenceMethod.STUDENT_T, m.ConfidenceMethod.NONE),
    m.Statistic.MEDIAN: (m.ConfidenceMethod.NONE,),
    m.Statistic.RATIO: (m.ConfidenceMethod.NONE,),
}
"""The confidence methods that fit each statistic; the first is the default."""


DEFAULT_DECIMALS = {statistic: 0 if statistic is m.Statistic.COUNT else 1
                    for statistic in m.Statistic}
"""Decimal places a value is published to when the indicator does not say: whole numbers for
a count, one place otherwise (DfE's children in need percentages and rates; its children
looked after percentages are whole numbers, which those indicators declare)."""

MAX_DECIMALS = 6
"""The most decimal places a value may be published to."""


def check_enum(ctx: Context, enum_type: Any, name: s.Name, what: str) -> Any:
    """The member of `enum_type` that `name` spells, or None after E410 listing the options."""
    try:
        return enum_type(name.text)
    except ValueError:
        options = [e.value for e in enum_type]
        ctx.report(Diagnostic.of(
            "E410", f"`{name.text}` is not a {what}", name.span,
            help=did_you_mean(name.text, options) or "use " + ", ".join(options)))
        return None


class Presentation:
    """Checks the fields of one indicator that say how it is judged and shown.

    `fields` holds each field given once, by syntax type, as `check_indicator` collected
    them; `defaults` holds the framework's defaults. Each method checks one field and
    returns None (after reporting why) when the field is wrong.
    """

    def __init__(self, ctx: Context, node: s.Indicator, fields: dict[type, Any],
                 defaults: Settings) -> None:
        self.ctx = ctx
        self.node = node
        self.fields = fields
        self.defaults = defaults
        self.units: m.ComparisonUnits | None = None
        """The units the indicator compares, when not areas (set before `comparators`)."""

    def report(self, code: str, message: str, span: Any, **kwargs: Any) -> None:
        self.ctx.report(Diagnostic.of(code, message, span, **kwargs))

    # -------------------------------------------------------------- how it is judged
    def polarity(self, kind: m.Kind | None) -> Polarity | None:
        """(polarity, rationale, target range) of the `polarity` field, or None."""
        field: s.PolarityField | None = self.fields.get(s.PolarityField)
        if field is None:
            return None
        value = check_enum(self.ctx, m.Polarity, field.value, "polarity")
        if value is None:
            return None
        bounds = self.target_range(field, value)
        if bounds is False:
            return None
        if field.rationale is None or not field.rationale.value.strip():
            written = field.value.text + ("" if field.bounds is None
                                          else f" {field.bounds[0]} .. {field.bounds[1]}")
            self.report("E402", f"`polarity {field.value.text}` needs a reason", field.span,
                        help=f'write `polarity {written} "why"`')
            return None
        if kind is m.Kind.CONTEXT and value is not m.Polarity.NO_JUDGEMENT:
            kind_field = self.fields.get(s.KindField)
            self.report("E403", f"a context indicator cannot be `{value.value}`",
                        field.value.span,
                        labels=[Label(kind_field.span, "kind is context")] if kind_field else (),
                        help="use `polarity no_judgement \"…\"`, or change the kind")
            return None
        return value, field.rationale.value, bounds

    def target_range(self, field: s.PolarityField, value: m.Polarity
                     ) -> tuple[float, float] | Literal[False] | None:
        """The range of `polarity target_range LOW .. HIGH`: required there and nowhere
        else (E440), the low end first (E105). False after an error."""
        if value is not m.Polarity.TARGET_RANGE:
            if field.bounds is not None:
                self.report("E440", f"`{value.value}` takes no range: only `target_range` "
                            "is judged against one", field.span,
                            help=f'write `polarity {value.value} "why"`, or `polarity '
                            f'target_range {field.bounds[0]} .. {field.bounds[1]} "why"`')
                return False
            return None
        if field.bounds is None:
            self.report("E440", "`target_range` needs the range inside which a value is good",
                        field.span, help='write it in the indicator\'s unit: `polarity '
                        'target_range 10 .. 15 "why both ends matter"`')
            return False
        low, high = (float(b) for b in field.bounds)
        if low > high:
            self.report("E105", f"target range {field.bounds[0]} .. {field.bounds[1]} holds no "
                        "value", field.span,
                        help=f"write the low end first: {field.bounds[1]} .. {field.bounds[0]}")
            return False
        return low, high

    def one_target(self, polarity: m.Polarity | None,
                   comparators: tuple[m.Comparator, ...]) -> tuple[m.Comparator, ...]:
        """The comparators, less a `target` beside a target range (E441): the range is the
        indicator's target, and one area has one judgement against its target."""
        if polarity is not m.Polarity.TARGET_RANGE:
            return comparators
        field: s.CompareField | None = self.fields.get(s.CompareField)
        for comparator in comparators:
            if comparator.kind is m.ComparatorKind.TARGET:
                spans = [c.span for c in field.comparators
                         if isinstance(c, s.TargetComparator)] if field else []
                self.report("E441", "a target range is this indicator's target: a second "
                            "target cannot be judged as well", spans[0] if spans else None,
                            help="remove `target N`, or judge by direction instead of a range")
        return tuple(c for c in comparators if c.kind is not m.ComparatorKind.TARGET)

    def comparators(self) -> tuple[m.Comparator, ...]:
        field: s.CompareField | None = self.fields.get(s.CompareField)
        if field is None:
            return (m.Comparator(m.ComparatorKind.ENGLAND),)
        found: list[m.Comparator] = []
        for item in field.comparators:
            comparator = self.comparator(item)
            if comparator is None:
                continue
            if comparator in found:
                self.report("E406", "this comparator is given twice", item.span)
                continue
            if any(c.kind == comparator.kind for c in found):
                word = ("statistical neighbours"
                        if comparator.kind is m.ComparatorKind.NEIGHBOURS else comparator.kind)
                self.report("E406", f"only one {word} comparator can be judged; "
                            "this second one would be ignored", item.span,
                            help="keep the one the published judgement uses; declare another "
                            "indicator to judge against the other")
                continue
            found.append(comparator)
        return tuple(found)

    def comparator(self, item: s.Comparator) -> m.Comparator | None:
        geographies = self.visible_geographies()
        match item:
            case s.EnglandComparator():
                ok, method = self.funnel_method(item.method)
                return (m.Comparator(m.ComparatorKind.ENGLAND, method=method,
                                     published=item.published) if ok else None)
            case s.RegionComparator():
                ok, method = self.funnel_method(item.method)
                if not ok:
                    return None
                if self.units is not None:
                    if self.units.region is None:
                        self.report("E412", f"`region` needs the {self.units.level}s' region",
                                    item.span, help="add `region COLUMN` to comparison "
                                    f"`{self.units.name.rsplit('.', 1)[-1]}`")
                        return None
                    return m.Comparator(m.ComparatorKind.REGION, method=method)
                providers = [(d, g) for d, g in geographies
                             if any(level.name == m.AreaLevel.REGION for level in g.levels)]
                if not providers:
                    self.report("E412", "`region` needs a geography with a `region` level",
                                item.span, help='import "datasets/geography.ospec"')
                    return None
                self.ctx.resolver.mark_used(providers[0][0])
                return m.Comparator(m.ComparatorKind.REGION, method=method,
                                    published=item.published)
            case s.NeighboursComparator() if self.units is not None:
                return self.peers(item, self.units)
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
                method = self.neighbour_method(item.method, m.NeighbourMethod.MEDIAN)
                if method is not None and method.funnel:
                    self.report("E264", f"each authority has neighbours of its own: no one "
                                f"funnel can be drawn among `{item.name.text}`",
                                item.method.span if item.method else item.span,
                                help="use `median` or `pooled` for neighbours, and `england "
                                "funnel` or `region funnel` for a funnel")
                    return None
                return None if method is None else m.Comparator(
                    m.ComparatorKind.NEIGHBOURS, item.name.text, method,
                    published=item.published)
            case s.PopulationComparator():
                decl = self.ctx.resolver.resolve(item.indicator, ["indicator"], "indicator")
                if decl is None:
                    return None
                return m.Comparator(m.ComparatorKind.POPULATION, decl.qualified,
                                    same_area=item.same_area)
            case s.TargetComparator():
                return m.Comparator(m.ComparatorKind.TARGET, target=float(item.value))
            case _:
                assert_never(item)

    def peers(self, item: s.NeighboursComparator, units: m.ComparisonUnits
              ) -> m.Comparator | None:
        """A peer group of benchmarked units (`provider_type pooled`): one of the columns
        the comparison groups its units by, their counts pooled unless said otherwise."""
        if item.name.text not in units.peers:
            self.report("E412", f"the {units.level}s have no peer group `{item.name.text}`",
                        item.name.span, help=did_you_mean(item.name.text, units.peers)
                        or f"add `peers {item.name.text}` to comparison "
                        f"`{units.name.rsplit('.', 1)[-1]}`")
            return None
        method = self.neighbour_method(item.method, m.NeighbourMethod.POOLED)
        return None if method is None else m.Comparator(
            m.ComparatorKind.NEIGHBOURS, item.name.text, method)

    def neighbour_method(self, word: s.Name | None, default: m.NeighbourMethod
                         ) -> m.NeighbourMethod | None:
        """How neighbours or peers make a comparator (`median`, `pooled`, `funnel`,
        `overdispersed_funnel`), E410 for any other word."""
        if word is None:
            return default
        if word.text not in set(m.NeighbourMethod):
            self.report("E410", f"`{word.text}` is not a way to combine neighbours",
                        word.span, help=did_you_mean(word.text, tuple(m.NeighbourMethod))
                        or "use `median` (DfE's convention), `pooled`, `funnel` or "
                        "`overdispersed_funnel`")
            return None
        return m.NeighbourMethod(word.text)

    def funnel_method(self, word: s.Name | None) -> tuple[bool, m.NeighbourMethod | None]:
        """`england funnel`, `region overdispersed_funnel`: whether the method after
        `england` or `region` is one (E410 if not), and which (None: judged by confidence
        interval)."""
        if word is None:
            return True, None
        funnels = [method.value for method in m.NeighbourMethod if method.funnel]
        if word.text not in funnels:
            self.report("E410", f"`{word.text}` is not a way to compare with "
                        "England or a region", word.span,
                        help=did_you_mean(word.text, funnels)
                        or "use `funnel` or `overdispersed_funnel`, or nothing")
            return False, None
        return True, m.NeighbourMethod(word.text)

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
        method = check_enum(self.ctx, m.ConfidenceMethod, field.method, "confidence method")
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

    # -------------------------------------------------------------- how it is shown
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

    def smallest(self) -> int | None:
        """`suppress denominators below N`: this indicator's, else the framework's."""
        field: s.SuppressSmall | None = self.fields.get(s.SuppressSmall)
        return int(float(field.below.text)) if field is not None else self.defaults.smallest

    def decimals(self, statistic: m.Statistic) -> int | None:
        """`decimals N` (0 to 6; E410 otherwise); without it, whole numbers for a count and
        one decimal place for every other statistic."""
        field: s.DecimalsField | None = self.fields.get(s.DecimalsField)
        if field is None:
            return DEFAULT_DECIMALS[statistic]
        text = field.places.text
        if "." in text or int(text) > MAX_DECIMALS:
            self.report("E410", f"`decimals {text}` is not a number of decimal places",
                        field.places.span,
                        help=f"give a whole number from 0 to {MAX_DECIMALS}, e.g. `decimals 0` "
                        "for whole numbers (DfE's children looked after percentages)")
            return None
        return int(text)

    def suppression(self) -> tuple[int, int] | None:
        field = self.fields.get(s.SuppressCounts)
        if isinstance(field, s.SuppressNone):
            return None
        if isinstance(field, s.SuppressCounts):
            return int(float(field.low.text)), int(float(field.high.text))
        return self.defaults.suppression
