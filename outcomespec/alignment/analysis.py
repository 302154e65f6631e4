"""Alignment: how frameworks line up against shared goals, and against each other.

A shared framework declares goals; outcomes, enablers and indicators of other frameworks say
which goals they serve, and how closely (`exact`, `narrower`, `broader`, `proxy`). `align`
reports, for checked frameworks:

- **coverage**: for each goal, everything that serves it, and each framework's strongest
  relation to it (exact > narrower > broader > proxy);
- **duplicates**: two indicators, in different frameworks or the same one, that compute the
  same quantity: equal statistic and unit multiplier, and equal cohort, numerator,
  denominator, exclusions and measure once definitions are inlined, conditions put in a fixed
  order and named cohorts expanded (`alignment.quantities`). An indicator declared `from`
  another is reported as a duplicate with `reuse` set, so a deliberate reuse is not mistaken
  for the same definition written twice;
- **near-duplicates**: the same statistic over the same datasets, differing in one condition
  only one of them requires, or only in numbers, dates and durations (a 12 rather than 24
  month window; age 19 rather than 17) and the unit's multiplier; each difference is
  described in words with the expression text;
- **polarity conflicts**: one says higher is better and the other lower, for two duplicates,
  two near-duplicates, or two indicators that both serve one goal `exact`ly; and two
  duplicates of which only one is judged (the other says `no_judgement`);
- goals served **only by process or context** indicators, or only by enablers;
- goals **nothing measures**.

The order of everything is fixed by names and declaration order, never by the order the
frameworks were given in: only `Alignment.frameworks` keeps that order (it orders the columns).
"""

from __future__ import annotations

from collections.abc import Sequence

from outcomespec import model as m
from outcomespec.alignment.expressions import Normaliser
from outcomespec.alignment.quantities import Quantity, differences, quantity_of
from outcomespec.alignment.values import (
    Alignment,
    Duplicate,
    GoalCoverage,
    IndicatorRef,
    Link,
    PolarityConflict,
)

_OPPOSITE = {m.Polarity.HIGHER_IS_BETTER, m.Polarity.LOWER_IS_BETTER}
_Conflict = tuple[m.Indicator, m.Indicator, str | None, str]
"""Two indicators, the goal both serve exactly (or None) and why they should agree."""


def align(frameworks: Sequence[m.Framework], *, modules: Sequence[m.Framework] = ()
          ) -> Alignment:
    """Align checked frameworks: goal coverage, duplicates, near-duplicates, conflicts, gaps.

    `modules` are the other checked modules the frameworks import (`api.Framework.modules`,
    `CheckResult.frameworks`): their goals are reported and their definitions inlined, but
    their indicators are not aligned. A framework given twice counts once.

    >>> empty = m.Framework(name="empty", kind=m.ModuleKind.FRAMEWORK, path="empty.ospec")
    >>> report = align([empty])
    >>> report.frameworks, report.goals, report.duplicates
    (('empty',), (), ())
    """
    chosen: dict[str, m.Framework] = {}
    for framework in frameworks:
        chosen.setdefault(framework.name, framework)
    known = {module.name: module for module in modules} | chosen
    ordered = [chosen[name] for name in sorted(chosen)]
    indicators = [i for framework in ordered for i in framework.indicators]
    refs = {i.name: _ref(i) for i in indicators}
    links, outcome_links = _links(ordered)
    goals = _coverage(known, links)
    normaliser = Normaliser({d.name: d for f in known.values() for d in f.definitions})
    quantities = {i.name: quantity_of(i, normaliser) for i in indicators}
    roots = _roots(known)
    duplicates: list[Duplicate] = []
    near: list[Duplicate] = []
    conflicts: list[_Conflict] = []
    for index, first in enumerate(indicators):
        for second in indicators[index + 1:]:
            pair = _compare(first, second, quantities, roots)
            if pair is None:
                continue
            duplicate = Duplicate(refs[first.name], refs[second.name], *pair)
            (near if duplicate.differences else duplicates).append(duplicate)
            if {first.polarity, second.polarity} == _OPPOSITE:
                nearly = "nearly " if duplicate.differences else ""
                reason = f"they compute {nearly}the same quantity"
                if duplicate.reuse:
                    reason += ", one reused from the other with its polarity overridden"
                conflicts.append((first, second, None, reason))
            elif m.Polarity.TARGET_RANGE in (first.polarity, second.polarity) and (
                    first.polarity, first.target_range) != (second.polarity,
                                                            second.target_range):
                conflicts.append((first, second, None, _range_conflict(first, second)))
            elif not duplicate.differences and first.polarity is not second.polarity:
                judged = second if first.polarity is m.Polarity.NO_JUDGEMENT else first
                conflicts.append((first, second, None, (
                    f"they compute the same quantity, but only `{judged.framework}` judges "
                    f"it (`{judged.polarity.value}`)")))
    conflicts += _goal_conflicts(indicators, links)
    position = {i.name: n for n, i in enumerate(indicators)}
    conflicts.sort(key=lambda c: (position[c[0].name], position[c[1].name], c[2] or ""))
    return Alignment(
        frameworks=tuple(chosen),
        goals=goals,
        duplicates=tuple(duplicates),
        near_duplicates=tuple(near),
        conflicts=tuple(PolarityConflict(refs[a.name], refs[b.name], goal, reason)
                        for a, b, goal, reason in conflicts),
        process_only=tuple(g.goal for g in goals
                           if g.links and not any(link in outcome_links for link in g.links)),
        unmeasured=tuple(g.goal for g in goals if not g.links),
        titles=tuple(sorted((name, framework.title) for name, framework in chosen.items()
                            if framework.title)),
    )


def _range_conflict(first: m.Indicator, second: m.Indicator) -> str:
    """Why two indicators of (nearly) the same quantity disagree when one of them is good
    inside a range: each side's judgement, with the reason it gives."""
    sides = []
    for indicator in (first, second):
        if indicator.target_range is not None:
            low, high = (f"{bound:g}" for bound in indicator.target_range)
            how = f"good between {low} and {high} ({indicator.unit.label})"
        else:
            how = indicator.polarity.value.replace("_", " ")
        sides.append(f"`{indicator.framework}` judges it {how}: \"{indicator.rationale}\"")
    return f"they compute the same quantity, judged differently: {'; '.join(sides)}"


def _ref(indicator: m.Indicator) -> IndicatorRef:
    return IndicatorRef(indicator.framework, indicator.id, indicator.title,
                        indicator.kind.value, indicator.polarity.value)


def _links(frameworks: list[m.Framework]) -> tuple[list[Link], set[Link]]:
    """Every link to a goal, by framework name then declaration order; and those that measure
    an outcome (an outcome heading, or an outcome indicator)."""
    links: list[Link] = []
    outcome_links: set[Link] = set()
    for framework in frameworks:
        for section in framework.sections:
            outcome = section.name.rsplit(".", 1)[-1]
            for serving in section.serves:
                link = Link(serving.goal, framework.name, outcome, None, serving.relation, None)
                links.append(link)
                if section.kind is m.SectionKind.OUTCOME:
                    outcome_links.add(link)
            for indicator in section.indicators:
                for serving in indicator.serves:
                    link = Link(serving.goal, framework.name, outcome, indicator.id,
                                serving.relation, indicator.kind.value)
                    links.append(link)
                    if indicator.kind is m.Kind.OUTCOME:
                        outcome_links.add(link)
    return links, outcome_links


def _coverage(known: dict[str, m.Framework], links: list[Link]) -> tuple[GoalCoverage, ...]:
    """Goals by module name, then as declared; goals served but not declared in any module
    given come last, by name, titled with their own name."""
    declared = [goal for name in sorted(known) for goal in known[name].goals]
    titles = {goal.name: goal.title for goal in declared}
    served = sorted({link.goal for link in links} - set(titles))
    titles |= {name: name.rsplit(".", 1)[-1] for name in served}
    return tuple(GoalCoverage(name, title, tuple(link for link in links if link.goal == name))
                 for name, title in titles.items())


def _roots(known: dict[str, m.Framework]) -> dict[str, str]:
    """Each reused indicator → the indicator it was first declared as (following `from`)."""
    registry = {i.name: i for framework in known.values() for i in framework.indicators}
    roots = {}
    for indicator in registry.values():
        origin, seen = indicator.origin, set()
        while origin is not None and origin not in seen:
            seen.add(origin)
            roots[indicator.name] = origin
            found = registry.get(origin)
            origin = found.origin if found is not None else None
    return roots


def _compare(first: m.Indicator, second: m.Indicator, quantities: dict[str, Quantity],
             roots: dict[str, str]) -> tuple[tuple[str, ...], bool] | None:
    """(differences, reuse) when the two are duplicates or near-duplicates, else None."""
    found = differences(quantities[first.name], quantities[second.name],
                        (f"{first.framework}.{first.id}", f"{second.framework}.{second.id}"))
    if found is None:
        return None
    root_first = roots.get(first.name, first.name)
    root_second = roots.get(second.name, second.name)
    reuse = (first.origin is not None or second.origin is not None) and root_first == root_second
    return found, reuse


def _goal_conflicts(indicators: list[m.Indicator], links: list[Link]) -> list[_Conflict]:
    """Pairs of indicators serving one goal exactly, one higher and one lower is better."""
    found: list[_Conflict] = []
    for goal in dict.fromkeys(link.goal for link in links):
        serving = {(link.framework, link.indicator) for link in links
                   if link.goal == goal and link.relation is m.Relation.EXACT}
        exact = [i for i in indicators if (i.framework, i.id) in serving]
        for index, first in enumerate(exact):
            found += [(first, second, goal, f"both serve `{goal}` exactly")
                      for second in exact[index + 1:]
                      if {first.polarity, second.polarity} == _OPPOSITE]
    return found


__all__ = [
    "Alignment",
    "Duplicate",
    "GoalCoverage",
    "IndicatorRef",
    "Link",
    "PolarityConflict",
    "align",
]
