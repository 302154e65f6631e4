"""How each value of the model reads in a published definition table.

One function per row of the table, each returning reST, so the wording of "Wilson score
interval, 95% and 99.8%" or "counts 1 to 5 suppressed" is decided in one place.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from typing import assert_never

from outcomespec import model as m
from outcomespec.sphinxext.lineage import uses as _uses
from outcomespec.sphinxext.markup import bullets, escape, literal, prose, role

KIND = {
    m.Kind.OUTCOME: "outcome: what happens to children and families",
    m.Kind.PROCESS: "process: what services do",
    m.Kind.CONTEXT: "context: the circumstances services work in; not a measure of performance",
}
STATISTIC = {
    m.Statistic.PROPORTION: "proportion: the numerator as a share of the denominator",
    m.Statistic.RATE: "rate: the numerator per unit of the denominator",
    m.Statistic.MEAN: "mean of the measure over the cohort",
    m.Statistic.MEDIAN: "median of the measure over the cohort",
    m.Statistic.COUNT: "count",
    m.Statistic.RATIO: "ratio: the numerator divided by the denominator",
}
SUBSET = {
    m.SubsetProof.PROVEN: "proven: the numerator is written as a refinement of the "
                          "denominator",
    m.SubsetProof.CHECK_ON_DATA: "checked on the data at every evaluation; offending records "
                                 "are reported",
    m.SubsetProof.NOT_APPLICABLE: "not applicable",
}
RELATION = {m.Relation.EXACT: "exactly", m.Relation.NARROWER: "narrower",
            m.Relation.BROADER: "broader", m.Relation.PROXY: "a proxy"}
POLARITY = {
    m.Polarity.HIGHER_IS_BETTER: "higher is better",
    m.Polarity.LOWER_IS_BETTER: "lower is better",
    m.Polarity.NO_JUDGEMENT: "no judgement: areas are shown as higher, similar or lower",
    m.Polarity.TARGET_RANGE: "good inside a target range",
}
CONFIDENCE = {
    m.ConfidenceMethod.WILSON: (
        "Wilson score interval",
        "Wilson EB (1927), Probable inference, the law of succession, and statistical "
        "inference. Journal of the American Statistical Association 22: 209\u2013212"),
    m.ConfidenceMethod.BYARS: (
        "Byar's approximation to the exact Poisson interval (the exact Poisson interval "
        "below 10 events)",
        "Breslow NE, Day NE (1987), Statistical Methods in Cancer Research, volume II: "
        "The Design and Analysis of Cohort Studies. IARC Scientific Publications 82"),
    m.ConfidenceMethod.STUDENT_T: (
        "Student's t interval for a mean",
        "Student (1908), The probable error of a mean. Biometrika 6: 1\u201325"),
}
METHODS_AS_IN = ("as OHID Fingertips and the PHEindicatormethods R package compute them")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


def day_month(period: m.ReportingPeriod) -> str:
    """The day the reporting year ends.

    >>> day_month(m.ReportingPeriod())
    '31 March'
    """
    return f"{period.day} {MONTHS[period.month - 1]}"


def suppression(counts: tuple[int, int] | None) -> str:
    """The small-number rule.

    >>> suppression((1, 5))
    'counts from 1 to 5 are suppressed, with every value derived from them'
    >>> suppression(None)
    'none'
    """
    if counts is None:
        return "none"
    low, high = counts
    return f"counts from {low} to {high} are suppressed, with every value derived from them"


def rounding(rule: tuple[tuple[m.AreaLevel, ...], int] | None) -> str:
    """Which counts are rounded, and to what.

    >>> rounding(((m.AreaLevel.ENGLAND, m.AreaLevel.REGION), 10))
    'England and region counts are rounded to the nearest 10'
    """
    if rule is None:
        return ""
    levels, nearest = rule
    names = [("England" if level is m.AreaLevel.ENGLAND else level.replace("_", " "))
             for level in levels]
    listed = " and ".join(names) if len(names) < 3 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"{listed} counts are rounded to the nearest {nearest}"


def population(population: m.Population | None, cohorts: Mapping[str, m.Cohort]) -> str:
    """A cohort, numerator or denominator as written, with the named cohort it starts from."""
    if population is None:
        return ""
    text = literal(population.span.text) or role("ospec:ds", population.dataset)
    cohort = cohorts.get(population.cohort or "")
    if cohort is None:
        if population.span.text.strip() == population.dataset.rsplit(".", 1)[-1]:
            return f"every row of {role('ospec:ds', population.dataset)}"
        return f"{text} (rows of {role('ospec:ds', population.dataset)})"
    named = role("ospec:def", cohort.name, cohort.title or cohort.name.rsplit(".", 1)[-1])
    if population.span.text.strip() == cohort.name.rsplit(".", 1)[-1]:
        return f"{named}: {literal(cohort.population.span.text)}"
    return f"{text}, where ``cohort`` is {named}"


def quantity(quantity: m.Quantity | None, cohorts: Mapping[str, m.Cohort]) -> str:
    """A numerator: a population of records or an area-level aggregate."""
    if isinstance(quantity, m.Population) or quantity is None:
        return population(quantity, cohorts)
    return literal(quantity.span.text)


def denominator(indicator: m.Indicator, cohorts: Mapping[str, m.Cohort]) -> str:
    """The denominator, saying so when it is the cohort."""
    if indicator.denominator is not None:
        return quantity(indicator.denominator, cohorts)
    if indicator.statistic in (m.Statistic.PROPORTION, m.Statistic.RATIO) and indicator.cohort:
        return "the cohort"
    return ""


def exclusions(items: Sequence[m.Exclusion]) -> str:
    """Each exclusion with the reason published beside it."""
    return bullets(literal(e.condition.span.text) + (f": {prose(e.reason)}" if e.reason else "")
                   for e in items)


def unit(value: m.Unit) -> str:
    """The unit, with the multiplier applied to the raw fraction.

    >>> unit(m.Unit("percent", 100.0)), unit(m.Unit("score", 1.0))
    ('percent (\u00d7 100)', 'score')
    """
    if value.multiplier == 1:
        return escape(value.label)
    return f"{escape(value.label)} (\u00d7 {value.multiplier:,g})"


def polarity(indicator: m.Indicator) -> str:
    """Polarity and the reason given for it; for a target range, the range and how an area
    is judged against it."""
    text = POLARITY[indicator.polarity].capitalize() + "."
    if indicator.target_range is not None:
        low, high = (f"{bound:g}" for bound in indicator.target_range)
        text = (f"Good between {low} and {high} ({escape(indicator.unit.label)}): an area is "
                "better when its 95% confidence interval lies inside the range, worse when "
                "it lies outside (too low or too high), otherwise similar; against other "
                "areas it is shown as higher, similar or lower.")
    rationale = " ".join(indicator.rationale.split())
    if rationale and rationale[-1] not in ".!?":
        rationale += "."
    return f"{text} {prose(rationale)}".strip()


def comparators(items: Sequence[m.Comparator]) -> str:
    """What each area is compared with, and how the judgement is made."""
    parts = []
    for item in items:
        match item.kind:
            case m.ComparatorKind.ENGLAND:
                parts.append("England (every local authority pooled)")
            case m.ComparatorKind.REGION:
                parts.append("the authority's region (its authorities pooled)")
            case m.ComparatorKind.NEIGHBOURS:
                how = ("the median of their values" if item.method is m.NeighbourMethod.MEDIAN
                       else "their counts pooled")
                parts.append(f"{literal(item.name or 'neighbours')}, {how}")
            case m.ComparatorKind.POPULATION:
                whose = " in the same area" if item.same_area else " in England"
                parts.append(f"the same measure for {role('ospec:ind', item.name or '')}"
                             f"{whose}")
            case m.ComparatorKind.TARGET:
                parts.append(f"a target of {item.target:g}")
            case _:
                assert_never(item.kind)
    if not parts:
        return "none"
    return bullets(parts) + ("\nSimilar when the comparator's value lies inside the area's "
                             "95% confidence interval; otherwise better or worse by polarity "
                             "(higher or lower when not judged), as OHID Fingertips judges.")


def confidence(indicator: m.Indicator) -> str:
    """The method, its levels, and the reference it comes from."""
    if indicator.confidence is m.ConfidenceMethod.NONE or not indicator.levels:
        return "none computed"
    name, citation = CONFIDENCE[indicator.confidence]
    levels = " and ".join(f"{level * 100:g}%" for level in indicator.levels)
    return f"{name}, {levels}, {METHODS_AS_IN}.\n\n{escape(citation)}."


def goals_served(indicator: m.Indicator, section: m.Section
                 ) -> tuple[tuple[str, m.Relation, bool], ...]:
    """(goal, relation, through its outcome) for every goal the indicator serves: its own
    links, then those of its outcome that it does not restate."""
    own = [(s.goal, s.relation, False) for s in indicator.serves]
    named = {goal for goal, _, _ in own}
    return (*own, *((s.goal, s.relation, True) for s in section.serves if s.goal not in named))


def reads(columns: Sequence[tuple[str, str]]) -> str:
    """The datasets an indicator's evaluation reads, each with the columns it reads."""
    by_dataset: dict[str, list[str]] = {}
    for dataset, column in columns:
        by_dataset.setdefault(dataset, []).append(column)
    return bullets(f"{role('ospec:ds', ds)}: {', '.join(literal(c) for c in cols)}"
                   for ds, cols in sorted(by_dataset.items()))


def uses(indicator: m.Indicator, definitions: Mapping[str, m.Definition],
         cohorts: Mapping[str, m.Cohort]) -> str:
    """Links to every named cohort and definition the indicator depends on."""
    names = _uses(indicator, definitions, cohorts)
    return ", ".join(role("ospec:def", name) for name in names
                     if name in definitions or name in cohorts)


def dedent(lines: Sequence[str]) -> str:
    """Lines cut from a file, their common indentation removed.

    >>> dedent(["  a", "    b"])
    'a\\n  b'
    """
    return textwrap.dedent("\n".join(line.rstrip() for line in lines)).strip("\n")
