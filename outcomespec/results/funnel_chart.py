"""Funnel charts of results: each unit published, against the funnel it was judged by.

A funnel chart puts each unit (a children's home, an authority) at its denominator (x) and
its value (y), with the peers' value as a line and the funnel limits at 95% and 99.8% as
curves that narrow as the denominator grows; a unit outside the curves is outside the
limits. The chart draws exactly the funnel the judgements used (`Results.funnels`), and
only what the results publish: a unit withheld (a small home) is neither a point nor a
row. The same numbers are given as a table beside it (`funnel_rows`), and each point's
colour is its judgement, in the colour-blind-safe palette of the docs' spine charts, so
that nothing is said by colour alone.

The picture is plain SVG text written here (no plotting library): the `outcomespec demo`
report and the docs draw the same picture from the same function, and it is byte-for-byte
the same for the same numbers.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

import numpy as np
from attrs import frozen

from outcomespec.results.funnels import FUNNEL_LEVELS, FunnelGroup
from outcomespec.results.table import Results

__all__ = ["JUDGEMENTS", "JUDGEMENT_COLOURS", "FunnelPoint", "funnel_points", "funnel_rows",
           "render_funnel_html", "render_funnel_svg"]

JUDGEMENT_COLOURS = {"better": "#0072B2", "similar": "#F0E442", "worse": "#D55E00",
                     "higher": "#CC79A7", "lower": "#882255", "not_compared": "#FFFFFF"}
"""Judgement → colour of a unit's mark, here and in the docs' spine charts: Okabe and Ito's
colour-blind-safe blue, yellow and vermillion for better, similar and worse (in place of
Fingertips' red and green)."""
JUDGEMENTS = {
    "better": ("o", "Better: outside the limits"),
    "similar": ("o", "Within the limits"),
    "worse": ("o", "Worse: outside the limits"),
    "higher": ("s", "Above the limits (not judged)"),
    "lower": ("s", "Below the limits (not judged)"),
    "not_compared": ("o", "Not compared"),
}
"""Judgement → (marker, words) of a unit in a funnel chart: squares for indicators that are
not judged; the words say the judgement in the table and each mark's tooltip."""

WIDTH, HEIGHT = 640, 400
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 40, 48
CURVE_POINTS = 120
_LINES = {0.95: "#555555", 0.998: "#000000"}
"""Stroke of the 95% (grey, dashed) and 99.8% (black) limits."""


@frozen
class FunnelPoint:
    """One unit published: its code, name, counts, value and judgement against the funnel."""

    code: str
    name: str
    numerator: float
    denominator: float
    value: float
    judgement: str


def funnel_points(results: Results, group: FunnelGroup) -> tuple[FunnelPoint, ...]:
    """The units of `group` that `results` publishes a value for, by denominator."""
    members = set(group.members)
    found = [FunnelPoint(row["area_code"], row["area_name"], row["numerator"],
                         row["denominator"], row["value"], row[group.column])
             for row in results.rows()
             if row["indicator"] == group.indicator and row["framework"] == group.framework
             and row["breakdown"] == group.breakdown and row["area_code"] in members
             and row["value"] is not None and row["denominator"] is not None]
    return tuple(sorted(found, key=lambda p: (p.denominator, p.code)))


def funnel_rows(group: FunnelGroup, points: Sequence[FunnelPoint], unit: str
                ) -> tuple[tuple[str, ...], ...]:
    """The chart's numbers as a table: a header, then each unit's name, counts, value, the
    95% limits at its denominator and its judgement in words."""
    header = ("Unit", "Numerator", "Denominator", f"Value ({unit})", "95% limits",
              "Judgement")
    lower, upper = group.funnel.limits([p.denominator for p in points], FUNNEL_LEVELS[0])
    return (header, *((f"{p.name} ({p.code})" if p.name != p.code else p.code,
                       f"{p.numerator:,.0f}", f"{p.denominator:,.0f}", f"{p.value:.1f}",
                       f"{lo:.1f} to {hi:.1f}", JUDGEMENTS[p.judgement][1])
                      for p, lo, hi in zip(points, lower.tolist(), upper.tolist(),
                                           strict=True)))


def _scale(low: float, high: float, start: float, end: float) -> tuple[float, float]:
    """The (factor, offset) mapping low..high onto start..end."""
    factor = (end - start) / (high - low) if high > low else 0.0
    return factor, start - low * factor


def _ticks(high: float) -> list[float]:
    """About five round ticks from 0 to `high`."""
    step = 10 ** math.floor(math.log10(high / 5)) if high > 0 else 1
    step *= next((k for k in (1, 2, 5, 10) if high / (step * k) <= 6), 10)
    return [i * step for i in range(int(high / step) + 1)]


def render_funnel_svg(group: FunnelGroup, points: Sequence[FunnelPoint], *, title: str,
                      unit: str, ident: str = "funnel") -> str:
    """The funnel chart as SVG text, titled and described for screen readers (`ident`: a
    prefix for its element ids, unique in the page)."""
    n_max = max([p.denominator for p in points] + [10.0]) * 1.05
    ns = np.linspace(max(n_max / CURVE_POINTS, 1.0), n_max, CURVE_POINTS)
    curves = {level: group.funnel.limits(ns, level) for level in FUNNEL_LEVELS}
    centre = group.funnel.centre * group.funnel.multiplier
    finite = [v for lo, hi in curves.values() for v in (*lo.tolist(), *hi.tolist())
              if math.isfinite(v)]
    y_max = max([centre, *(p.value for p in points), *finite]) * 1.05 or 1.0
    xf, xo = _scale(0, n_max, LEFT, WIDTH - RIGHT)
    yf, yo = _scale(0, y_max, HEIGHT - BOTTOM, TOP)

    def x(v: float) -> str:
        return f"{v * xf + xo:.1f}"

    def y(v: float) -> str:
        return f"{v * yf + yo:.1f}"

    outside = sum(p.judgement not in ("similar", "not_compared") for p in points)
    description = (f"{len(points)} units published, {outside} outside the 95% limits; "
                   f"{group.name} value {centre:.1f} {unit}. The table after the chart "
                   "gives every unit's numbers.")
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
             f'role="img" aria-labelledby="{ident}-t {ident}-d" width="{WIDTH}" '
             f'height="{HEIGHT}">',
             f'<title id="{ident}-t">{html.escape(title)}</title>',
             f'<desc id="{ident}-d">{html.escape(description)}</desc>',
             f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#FFFFFF"/>']
    parts.extend(f'<text x="{x(tick)}" y="{HEIGHT - BOTTOM + 16}" font-size="11" '
                 f'text-anchor="middle">{tick:,.0f}</text>' for tick in _ticks(n_max))
    for tick in _ticks(y_max):
        parts.append(f'<text x="{LEFT - 6}" y="{float(y(tick)) + 4:.1f}" font-size="11" '
                     f'text-anchor="end">{tick:g}</text>')
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(tick)}" y2="{y(tick)}" '
                     'stroke="#E5E5E5"/>')
    parts.append(f'<text x="{(LEFT + WIDTH - RIGHT) / 2:.0f}" y="{HEIGHT - 12}" '
                 'font-size="12" text-anchor="middle">Denominator</text>')
    parts.append(f'<text x="14" y="{(TOP + HEIGHT - BOTTOM) / 2:.0f}" font-size="12" '
                 f'text-anchor="middle" transform="rotate(-90 14 '
                 f'{(TOP + HEIGHT - BOTTOM) / 2:.0f})">{html.escape(unit)}</text>')
    parts.append(f'<line x1="{x(0)}" x2="{x(n_max)}" y1="{y(centre)}" y2="{y(centre)}" '
                 'stroke="#0072B2" stroke-width="1.5"/>')
    for level, (lower, upper) in curves.items():
        dash = ' stroke-dasharray="5 3"' if level == FUNNEL_LEVELS[0] else ""
        for curve in (lower, upper):
            path = " ".join(f"{x(n)},{y(v)}" for n, v in zip(ns.tolist(), curve.tolist(),
                                                             strict=True) if math.isfinite(v))
            parts.append(f'<polyline points="{path}" fill="none" stroke="{_LINES[level]}"'
                         f'{dash}/>')
    for p in points:
        marker, words = JUDGEMENTS[p.judgement]
        colour = JUDGEMENT_COLOURS[p.judgement]
        label = html.escape(f"{p.code}: {p.value:.1f} of {p.denominator:,.0f} ({words})")
        shape = (f'<circle cx="{x(p.denominator)}" cy="{y(p.value)}" r="4"' if marker == "o"
                 else f'<rect x="{float(x(p.denominator)) - 4:.1f}" '
                 f'y="{float(y(p.value)) - 4:.1f}" width="8" height="8"')
        parts.append(f'{shape} fill="{colour}" stroke="#000000"><title>{label}</title>'
                     f'</{"circle" if marker == "o" else "rect"}>')
    legend = [("95% limits", _LINES[0.95], True), ("99.8% limits", _LINES[0.998], False),
              (f"{group.name} value", "#0072B2", False)]
    for i, (words, stroke, dashed) in enumerate(legend):
        left = LEFT + i * 170
        dash = ' stroke-dasharray="5 3"' if dashed else ""
        parts.append(f'<line x1="{left}" x2="{left + 24}" y1="18" y2="18" stroke="{stroke}"'
                     f'{dash}/><text x="{left + 30}" y="22" font-size="12">'
                     f'{html.escape(words)}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def render_funnel_html(charts: Sequence[tuple[str, str, FunnelGroup, Sequence[FunnelPoint]]],
                       *, heading: str) -> str:
    """A page of funnel charts, each (title, unit, funnel, points) with its table."""
    body = [f"<h1>{html.escape(heading)}</h1>"]
    if not charts:
        body.append("<p>No unit is published on any funnel: every one was withheld (too "
                    "small to publish) or had no value.</p>")
    for i, (title, unit, group, points) in enumerate(charts):
        header, *rows = funnel_rows(group, points, unit)
        body.append(f"<h2>{html.escape(title)}</h2>")
        svg = render_funnel_svg(group, points, title=title, unit=unit, ident=f"funnel-{i}")
        body.append(f"<figure>{svg}"
                    f"<figcaption>Against {html.escape(group.name)}, at the 95% and 99.8% "
                    f"limits{' widened for overdispersion' if group.funnel.adjusted else ''}."
                    "</figcaption></figure>")
        cells = "".join(f'<th scope="col">{html.escape(h)}</th>' for h in header)
        lines = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row)
                        + "</tr>" for row in rows)
        body.append(f'<table><caption>The numbers of the chart above'
                    f"</caption><thead><tr>{cells}</tr></thead><tbody>{lines}</tbody>"
                    "</table>")
    return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{html.escape(heading)}</title>"
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            "<style>body{font-family:sans-serif;max-width:60rem;margin:auto;padding:1rem}"
            "table{border-collapse:collapse}td,th{border:1px solid #999;padding:.2rem .5rem}"
            "svg{max-width:100%;height:auto}</style></head><body><main>"
            + "\n".join(body) + "</main></body></html>\n")
