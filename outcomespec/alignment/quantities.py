"""What an indicator computes, in normal form, and how two such quantities differ.

A quantity is the indicator's statistic, its unit's multiplier, and its parts: the cohort
(for a proportion, the denominator, however it was written), the numerator, the denominator,
the exclusions and the measure. A population part is its dataset and the set of conditions
its rows pass, so the order they were written in and the named cohort they came from do not
count; a numerator that refines the cohort keeps only the conditions it adds. An aggregate
part (`sum(… of … where …)`) is the aggregate with its `where` split into conditions the same
way. Titles, metadata, polarity, comparators, confidence, suppression and breakdowns are not
part of the quantity: they say how a value is shown and judged, not what it is.
"""

from __future__ import annotations

import attrs
from attrs import frozen

from outcomespec import model as m
from outcomespec.alignment.expressions import (
    Normaliser,
    conjuncts,
    constant_differences,
    sort_key,
)
from outcomespec.model.rendering import render_expr


@frozen
class Part:
    """One part of a quantity: a population, an aggregate, the exclusions or the measure."""

    role: str
    dataset: str | None
    head: m.Expr | None
    """The aggregate without its `where`, or the measure; None for populations."""
    conditions: tuple[m.Expr, ...]
    """The conditions, in normal form, without repeats, in a fixed order."""
    refines: bool = False
    """True when these are the conditions a numerator adds to the cohort's."""
    periods: m.Periods = m.CURRENT
    """The periods a population reads (an aggregate's are in its `head`)."""


@frozen
class Quantity:
    """What an indicator computes; equal quantities are duplicates."""

    statistic: m.Statistic
    multiplier: float
    parts: tuple[Part, ...]
    unit: str = attrs.field(default="", eq=False)


def quantity_of(indicator: m.Indicator, normaliser: Normaliser) -> Quantity:
    """The normal form of what `indicator` computes."""
    proportion = indicator.statistic is m.Statistic.PROPORTION
    base, denominator = indicator.cohort, indicator.denominator
    if proportion and base is None and isinstance(denominator, m.Population):
        base, denominator = denominator, None
    parts: list[Part] = []
    cohort = None
    if base is not None:
        cohort = _population("denominator" if proportion else "cohort", base, normaliser, None)
        parts.append(cohort)
    if indicator.exclusions:
        excluded = {normaliser.expr(e.condition): None for e in indicator.exclusions}
        parts.append(Part("exclusions", cohort.dataset if cohort else None, None,
                          _ordered(excluded)))
    for role, quantity in (("numerator", indicator.numerator), ("denominator", denominator)):
        if isinstance(quantity, m.Population):
            parts.append(_population(role, quantity, normaliser, cohort))
        elif quantity is not None:
            parts.append(_aggregate(role, quantity, normaliser))
    if indicator.measure is not None:
        parts.append(Part("measure", cohort.dataset if cohort else None,
                          normaliser.expr(indicator.measure), ()))
    return Quantity(indicator.statistic, indicator.unit.multiplier, tuple(parts),
                    indicator.unit.label)


def _ordered(conditions: dict[m.Expr, None] | list[m.Expr]) -> tuple[m.Expr, ...]:
    return tuple(sorted(dict.fromkeys(conditions), key=sort_key))


def _population(role: str, population: m.Population, normaliser: Normaliser,
                cohort: Part | None) -> Part:
    found = [c for f in population.filters for c in conjuncts(normaliser.expr(f))]
    if (cohort is not None and cohort.dataset == population.dataset
            and cohort.periods == population.periods and set(cohort.conditions) <= set(found)):
        added = [c for c in found if c not in cohort.conditions]
        return Part(role, population.dataset, None, _ordered(added), refines=True,
                    periods=population.periods)
    return Part(role, population.dataset, None, _ordered(found), periods=population.periods)


def _aggregate(role: str, aggregate: m.Aggregate, normaliser: Normaliser) -> Part:
    normal = normaliser.expr(aggregate)
    assert isinstance(normal, m.Aggregate)
    where = conjuncts(normal.where) if normal.where is not None else ()
    return Part(role, normal.dataset, attrs.evolve(normal, where=None), _ordered(list(where)))


def differences(first: Quantity, second: Quantity, names: tuple[str, str]
                ) -> tuple[str, ...] | None:
    """How two quantities differ, in words: () when they are equal, the differences when
    they are near-duplicates, None when they are not.

    Near-duplicates have the same statistic and read the same datasets in the same parts,
    and differ either in one condition that only one of them requires, or only in constants
    (a 12 rather than 24 month window; age 19 rather than 17) and the unit's multiplier.
    Constants are numbers, dates and durations: text selects what is counted, so two
    indicators reading different categories of a published table are not near-duplicates.
    `names` name the two indicators in the descriptions.
    """
    if first == second:
        return ()
    if first.statistic is not second.statistic or _layout(first) != _layout(second):
        return None
    a, b = (f"`{name}`" for name in names)
    changed: list[str] = []
    added: list[str] = []
    if first.multiplier != second.multiplier:
        changed.append(f"unit: {first.unit} in {a} but {second.unit} in {b}")
    for one, other in zip(first.parts, second.parts, strict=True):
        if one.head != other.head:
            if (one.head is None or other.head is None
                    or constant_differences(one.head, other.head) is None):
                return None
            changed.append(f"{one.role}: `{render_expr(one.head)}` in {a} but "
                           f"`{render_expr(other.head)}` in {b}")
        only_first = [c for c in one.conditions if c not in other.conditions]
        only_second = [c for c in other.conditions if c not in one.conditions]
        for condition in list(only_first):
            twin = next((c for c in only_second
                         if constant_differences(condition, c) is not None), None)
            if twin is None:
                continue
            only_first.remove(condition)
            only_second.remove(twin)
            changed.append(f"{one.role}: `{render_expr(condition)}` in {a} but "
                           f"`{render_expr(twin)}` in {b}")
        verb = "excludes" if one.role == "exclusions" else "requires"
        added.extend(f"{one.role}: only {a} {verb} `{render_expr(c)}`" for c in only_first)
        added.extend(f"{one.role}: only {b} {verb} `{render_expr(c)}`" for c in only_second)
    if added and (len(added) > 1 or changed):
        return None
    return (*changed, *added)


def _layout(quantity: Quantity) -> tuple[tuple[str, str | None, bool, m.Periods], ...]:
    return tuple((p.role, p.dataset, p.refines, p.periods) for p in quantity.parts)
