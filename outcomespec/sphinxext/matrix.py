"""The alignment page, as reST: the goals × frameworks matrix, duplicated and nearly
duplicated definitions, polarity conflicts and the goals measured badly or not at all; and,
for each indicator page, the indicators elsewhere that measure the same thing.

Pure functions of `outcomespec.alignment.Alignment`, the report `outcomespec align` prints.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from outcomespec import model as m
from outcomespec.alignment import Alignment, Duplicate, IndicatorRef
from outcomespec.sphinxext.markup import (
    bullets,
    directive,
    escape,
    heading,
    join_blocks,
    list_table,
    oneline,
    prose,
    role,
)
from outcomespec.sphinxext.pages import Chart, Related
from outcomespec.sphinxext.wording import RELATION


def _indicator(ref: IndicatorRef) -> str:
    return role("ospec:ind", ref.qualified, ref.title)


def related_measures(alignment: Alignment) -> dict[str, tuple[Related, ...]]:
    """Indicator → the indicators that compute the same quantity, nearly the same, or
    serve one of its goals exactly as it does.

    >>> related_measures(Alignment((), (), (), (), (), (), ()))
    {}
    """
    found: dict[str, dict[str, Related]] = {}

    def note(one: IndicatorRef, other: IndicatorRef, how: str,
             differences: tuple[str, ...] = ()) -> None:
        found.setdefault(one.qualified, {}).setdefault(
            other.qualified, Related(other.qualified, other.title, how, differences))

    for duplicate in alignment.duplicates:
        how = ("the same indicator, reused" if duplicate.reuse
               else "computes the same quantity")
        note(duplicate.first, duplicate.second, how)
        note(duplicate.second, duplicate.first, how)
    for duplicate in alignment.near_duplicates:
        how = "computes nearly the same quantity"
        note(duplicate.first, duplicate.second, how, duplicate.differences)
        note(duplicate.second, duplicate.first, how, duplicate.differences)
    for goal in alignment.goals:
        exact = [link for link in goal.links
                 if link.relation is m.Relation.EXACT and link.indicator]
        for link in exact:
            for other in exact:
                if other.framework != link.framework:
                    first = f"{link.framework}.{link.indicator}"
                    second = f"{other.framework}.{other.indicator}"
                    found.setdefault(first, {}).setdefault(second, Related(
                        second, "", f"serves the goal `{goal.goal}` exactly, as this one does"))
    return {name: tuple(items.values()) for name, items in found.items()}


def same_identifiers(frameworks: Sequence[m.Framework],
                     known: Mapping[str, tuple[Related, ...]] | None = None
                     ) -> dict[str, tuple[Related, ...]]:
    """`known`, with each indicator also related to the indicators of other frameworks that
    have its identifier: the shipped frameworks give one measure one id (DESIGN.md's stable
    ids), whatever data computes it.

    >>> same_identifiers([])
    {}
    """
    found = {name: dict.fromkeys(items) for name, items in (known or {}).items()}
    by_id: dict[str, list[m.Indicator]] = {}
    for framework in frameworks:
        for indicator in framework.indicators:
            by_id.setdefault(indicator.id, []).append(indicator)
    for indicators in by_id.values():
        for one in indicators:
            listed = {r.indicator for r in found.get(one.name, {})}
            for other in indicators:
                if other.framework != one.framework and other.name not in listed:
                    found.setdefault(one.name, {})[Related(
                        other.name, other.title, "has the same identifier in another "
                        "framework")] = None
    return {name: tuple(items) for name, items in found.items() if items}


def render_alignment(alignment: Alignment, titles: Mapping[str, str],
                     heatmap: Chart | None = None) -> str:
    """The whole alignment report as sections of a page.

    >>> print(render_alignment(Alignment((), (), (), (), (), (), ()), {}).splitlines()[0])
    Goals and frameworks
    """
    blocks = [heading("Goals and frameworks", "-"), _matrix(alignment, titles)]
    if heatmap is not None:
        blocks.insert(1, directive("figure", heatmap.path,
                                   [("alt", oneline(heatmap.alt)),
                                    ("class", "ospec-heatmap")], escape(heatmap.caption)))
    sections = (
        ("Duplicated definitions", _duplicates(alignment.duplicates),
         "No two indicators compute the same quantity."),
        ("Nearly duplicated definitions", _duplicates(alignment.near_duplicates),
         "No two indicators compute nearly the same quantity."),
        ("Polarity conflicts", bullets(
            f"{_indicator(c.first)} ({c.first.polarity.replace('_', ' ')}) and "
            f"{_indicator(c.second)} ({c.second.polarity.replace('_', ' ')}): "
            f"{prose(c.reason)}" for c in alignment.conflicts),
         "No two indicators that should agree are judged in opposite directions."),
        ("Goals measured only by processes or enablers", _goals(alignment.process_only),
         "Every goal that is served is served by at least one outcome measure."),
        ("Goals nothing measures", _goals(alignment.unmeasured),
         "Every goal is served by at least one framework."),
    )
    for title, body, empty in sections:
        blocks += [heading(title, "-"), body or empty]
    return join_blocks(blocks)


def _matrix(alignment: Alignment, titles: Mapping[str, str]) -> str:
    header = ("Goal", *(role("ospec:fw", fw, titles.get(fw, fw)) for fw in alignment.frameworks))
    rows = []
    for goal in alignment.goals:
        cells = [role("ospec:goal", goal.goal, goal.title)]
        for fw in alignment.frameworks:
            relation = goal.strongest(fw)
            count = sum(1 for link in goal.links if link.framework == fw)
            cells.append(f"{RELATION[relation]} ({count})" if relation else "")
        rows.append(tuple(cells))
    if not rows:
        return "No goals are declared or served."
    return join_blocks([
        list_table(rows, header=header, widths=(4, *([2] * len(alignment.frameworks))),
                   classes="ospec-alignment"),
        "Each cell is the strongest relation by which the framework serves the goal "
        "(exactly, narrower, broader, a proxy), with how many of its outcomes, enablers and "
        "indicators state that they serve it. Each goal's page lists them.",
    ])


def _duplicates(items: Sequence[Duplicate]) -> str:
    entries = []
    for duplicate in items:
        text = f"{_indicator(duplicate.first)} and {_indicator(duplicate.second)}"
        if duplicate.reuse:
            text += " (one reused from the other)"
        if duplicate.differences:
            text += "\n\n" + bullets(prose(d) for d in duplicate.differences)
        entries.append(text)
    return bullets(entries)


def _goals(names: Sequence[str]) -> str:
    return bullets(role("ospec:goal", name) for name in names)

