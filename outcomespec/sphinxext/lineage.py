"""What an indicator is built from: the definitions and cohorts it uses, however deeply.

The published definition lists every named definition an indicator depends on, so a reader
can follow `placements_3plus` down to `starts_placement_in_year` and on to the codes it
tests, without reading the framework file.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import attrs

from outcomespec import model as m

_CHILDREN = ("operand", "left", "right", "anchor", "value", "where", "order")


def expressions(indicator: m.Indicator) -> Iterator[m.Expr]:
    """The top-level expressions of an indicator's definition, in reading order."""
    for population in (indicator.cohort, indicator.numerator, indicator.denominator):
        if isinstance(population, m.Population):
            yield from population.filters
        elif population is not None:
            yield population
    for exclusion in indicator.exclusions:
        yield exclusion.condition
    if indicator.measure is not None:
        yield indicator.measure
    yield from indicator.breakdowns


def walk(expr: Any) -> Iterator[Any]:
    """Every node of an expression tree, parents before children, left to right.

    >>> lit = m.Literal(3.0, m.NUMBER)
    >>> [type(n).__name__ for n in walk(m.Negate(lit))]
    ['Negate', 'Literal']
    """
    stack = [expr]
    while stack:
        node = stack.pop()
        yield node
        children: list[Any] = [getattr(node, name, None) for name in _CHILDREN]
        children += list(getattr(node, "operands", ()) or ())
        children += list(getattr(node, "args", ()) or ())
        stack.extend(reversed([c for c in children if attrs.has(type(c))]))


def uses(indicator: m.Indicator, definitions: Mapping[str, m.Definition],
         cohorts: Mapping[str, m.Cohort]) -> tuple[str, ...]:
    """Qualified names of the cohorts and definitions an indicator depends on, directly or
    through other definitions, in order of first use."""
    found: dict[str, None] = {}
    pending: list[Any] = []
    pending.extend(population.cohort
                   for population in (indicator.cohort, indicator.numerator,
                                      indicator.denominator)
                   if isinstance(population, m.Population) and population.cohort)
    pending.extend(expressions(indicator))
    while pending:
        item = pending.pop(0)
        if isinstance(item, str):
            if item in found:
                continue
            found[item] = None
            if item in cohorts:
                population = cohorts[item].population
                pending.extend([population.cohort] if population.cohort else [])
                pending.extend(population.filters)
            elif item in definitions:
                pending.append(definitions[item].expr)
            continue
        pending.extend(node.definition for node in walk(item)
                       if isinstance(node, m.DefinitionRef))
    return tuple(found)
