"""outcomespec.sphinxext.wording: how a target range and a same-area population read."""

from __future__ import annotations

from attrs import evolve

from outcomespec import model as m
from outcomespec.sphinxext import wording
from tests.results.cases import POPULATION, indicator


def test_a_target_range_reads_as_the_range_and_how_areas_are_judged() -> None:
    """`target_range 8 .. 12.5` reads "Good between 8 and 12.5 (percent)", then why."""
    ranged = evolve(indicator(polarity=m.Polarity.TARGET_RANGE), target_range=(8.0, 12.5),
                    rationale="Too few and too many both say something is wrong")
    assert wording.polarity(ranged) == (
        "Good between 8 and 12.5 (percent): an area is better when its 95% confidence "
        "interval lies inside the range, worse when it lies outside (too low or too high), "
        "otherwise similar; against other areas it is shown as higher, similar or lower. Too "
        "few and too many both say something is wrong.")


def test_a_population_says_whose_value_it_is() -> None:
    """A population is England's, or (`same area`) the area's own."""
    england = wording.comparators((m.Comparator(POPULATION, "csc.all_pupils"),))
    own = wording.comparators((m.Comparator(POPULATION, "csc.all_pupils", same_area=True),))
    assert "the same measure for :ospec:ind:`csc.all_pupils` in England" in england
    assert "the same measure for :ospec:ind:`csc.all_pupils` in the same area" in own
