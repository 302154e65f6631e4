"""Funnel charts: the SVG draws each unit given where its numbers put it, the funnel's limits
as `Funnel.limits` gives them, and the table gives the same numbers in words."""

from __future__ import annotations

import itertools
import re

import pytest

from outcomespec import model as m
from outcomespec.results.funnel_chart import (
    FunnelPoint,
    funnel_rows,
    render_funnel_html,
    render_funnel_svg,
)
from outcomespec.results.funnels import Funnel, FunnelGroup

FUNNEL = Funnel(m.Statistic.PROPORTION, 0.15, 100.0)
GROUP = FunnelGroup(framework="f", indicator="ended", breakdown="", column="vs_england",
                    code="E92000001", name="England", members=("SC1", "SC2", "SC3"),
                    funnel=FUNNEL, level=0.95)
POINTS = (FunnelPoint("SC1", "SC1", 1, 10, 10.0, "similar"),
          FunnelPoint("SC2", "SC2", 12, 20, 60.0, "worse"),
          FunnelPoint("SC3", "Home three", 0, 40, 0.0, "better"))


def test_the_table_gives_each_units_numbers_limits_and_judgement() -> None:
    """One row per unit: counts, value, its 95% limits at its own denominator (Wilson's, as
    `Funnel.limits` computes them) and the judgement in words."""
    header, *rows = funnel_rows(GROUP, POINTS, "percent")
    assert header[0] == "Unit"
    lower, upper = FUNNEL.limits([10, 20, 40], 0.95)
    assert [r[4] for r in rows] == [f"{lo:.1f} to {hi:.1f}" for lo, hi in
                                    zip(lower.tolist(), upper.tolist(), strict=True)]
    assert rows[1] == ("SC2", "12", "20", "60.0", rows[1][4], "Worse: outside the limits")
    assert rows[2][0] == "Home three (SC3)"


def test_the_svg_puts_each_unit_where_its_numbers_say() -> None:
    """Each unit is one mark with its value, denominator and judgement as its tooltip; the
    title and description name the chart for screen readers."""
    svg = render_funnel_svg(GROUP, POINTS, title="Ended", unit="percent", ident="x")
    marks = re.findall(r"<title>(SC\d: [^<]+)</title>", svg)
    assert marks == ["SC1: 10.0 of 10 (Within the limits)",
                     "SC2: 60.0 of 20 (Worse: outside the limits)",
                     "SC3: 0.0 of 40 (Better: outside the limits)"]
    assert 'aria-labelledby="x-t x-d"' in svg
    assert "3 units published, 2 outside the 95% limits" in svg
    assert svg.count("<polyline") == 4  # lower and upper, at 95% and 99.8%


def test_the_svg_draws_the_limits_of_the_funnel() -> None:
    """The upper 95% curve lies above England's line and narrows towards it as the
    denominator grows (SVG's y grows downwards)."""
    svg = render_funnel_svg(GROUP, POINTS, title="Ended", unit="percent")
    (centre,) = re.findall(r'<line x1="[^"]+" x2="[^"]+" y1="([^"]+)" y2="[^"]+" '
                           r'stroke="#0072B2" stroke-width', svg)
    (_, upper_95) = re.findall(r'<polyline points="([^"]+)" fill="none" stroke="#555555"',
                               svg)
    ys = [float(point.split(",")[1]) for point in upper_95.split()]
    assert len(ys) > 100
    assert all(b >= a for a, b in itertools.pairwise(ys))
    assert max(ys) < float(centre)


def test_a_page_of_charts_has_unique_ids_and_a_table_each() -> None:
    """Two charts on a page: ids never repeat, each chart has its table; no chart, a line
    that says why."""
    page = render_funnel_html([("A", "percent", GROUP, POINTS), ("B", "percent", GROUP,
                                                                   POINTS)], heading="Homes")
    ids = re.findall(r' id="([^"]+)"', page)
    assert len(ids) == len(set(ids)) == 4
    assert page.count("<table>") == page.count("<svg") == 2
    assert "No unit is published" in render_funnel_html([], heading="Homes")


@pytest.mark.parametrize("points", [POINTS, POINTS[:1]])
def test_the_same_numbers_draw_the_same_picture(points: tuple[FunnelPoint, ...]) -> None:
    """Rendering twice gives the same text, byte for byte."""
    first = render_funnel_svg(GROUP, points, title="T", unit="percent")
    assert first == render_funnel_svg(GROUP, points, title="T", unit="percent")
