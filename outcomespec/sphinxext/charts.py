"""The docs' pictures as SVG text: the alignment heat map and Fingertips-style spine charts.

Pure functions from values to SVG, drawn with matplotlib's object API on the SVG canvas
(no pyplot, no global backend or state) and made byte-for-byte reproducible: a fixed hash
salt for element ids, no date in the metadata, text kept as text. Rebuilding the site
therefore never changes a picture whose numbers did not change.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence

import matplotlib
from attrs import frozen
from matplotlib.axes import Axes
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

JUDGEMENT_COLOURS = {
    "better": "#92D050", "similar": "#FFC000", "worse": "#C00000",
    "higher": "#BED2FF", "lower": "#5555E6", "not_compared": "#FFFFFF",
}
"""Fingertips' benchmark colours (RAG3, and blue for indicators not judged)."""

RELATION_COLOURS = {"exact": "#1B7837", "narrower": "#5AAE61", "broader": "#A6DBA0",
                    "proxy": "#D9F0D3", None: "#F4F4F4"}
"""Darker is closer: how strongly a framework serves a goal."""

_SPREAD, _QUARTILES, _ENGLAND = "#D9D9D9", "#8C8C8C", "#E31A1C"


@frozen
class SpineRow:
    """One indicator of a spine chart: the area, its comparators and the spread of all
    local authorities (min, 25th percentile, 75th percentile, max)."""

    indicator: str
    title: str
    unit: str
    polarity: str
    value: float | None
    judgement: str
    england: float | None
    region: float | None
    neighbours: float | None
    spread: tuple[float, float, float, float] | None


def render_svg(figure: Figure) -> str:
    """A figure as deterministic SVG text."""
    buffer = io.StringIO()
    FigureCanvasSVG(figure)
    with matplotlib.rc_context({"svg.hashsalt": "outcomespec", "svg.fonttype": "none"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": "outcomespec"})
    return buffer.getvalue()


def format_value(value: float | None, unit: str) -> str:
    """A value as the chart shows it.

    >>> format_value(11.111, "percent"), format_value(66.9, "per 10,000"), format_value(None, "")
    ('11.1%', '66.9', '–')
    """
    if value is None:
        return "\u2013"
    if unit == "percent":
        return f"{value:.1f}%"
    return f"{value:,.1f}" if abs(value) < 1000 else f"{value:,.0f}"


def spine_position(value: float, row: SpineRow) -> float:
    """Where a value sits on its row, from 0 (worst, or lowest) to 1 (best, or highest),
    with England at 0.5 and the farthest authority at an end, as Fingertips scales it.

    >>> row = SpineRow("a", "A", "percent", "lower_is_better", 5.0, "better", 10.0, None,
    ...                None, (4.0, 8.0, 12.0, 20.0))
    >>> spine_position(20.0, row), spine_position(10.0, row), spine_position(5.0, row)
    (0.0, 0.5, 0.75)
    """
    if row.spread is None or row.england is None:
        return 0.5
    low, _, _, high = row.spread
    reach = max(row.england - low, high - row.england) or 1.0
    offset = (value - row.england) / reach / 2
    return 0.5 - offset if row.polarity == "lower_is_better" else 0.5 + offset


def render_spine_chart(rows: Sequence[SpineRow], *, area: str) -> str:
    """Fingertips' spine chart: each indicator's spread of authorities centred on England,
    with the area (coloured by its judgement against England), its region and its
    statistical neighbours marked.

    >>> row = SpineRow("a", "A", "percent", "higher_is_better", 50.0, "better", 40.0, 45.0,
    ...                44.0, (10.0, 30.0, 50.0, 70.0))
    >>> render_spine_chart([row], area="Hartlepool").startswith("<?xml")
    True
    """
    count = max(len(rows), 1)
    figure = Figure(figsize=(10.0, 0.55 * count + 1.3))
    axes = figure.add_axes((0.0, 0.0, 1.0, 1.0))
    axes.set_xlim(0.0, 1.0)
    axes.set_ylim(-1.6, count + 0.6)
    axes.set_axis_off()
    bar_left, bar_width = 0.66, 0.24
    top = count - 0.05
    area_label = "\n".join(textwrap.wrap(area, 16)[:2])
    for x, text, align in ((0.005, "Indicator", "left"), (0.50, area_label, "right"),
                           (0.58, "England", "right"), (bar_left - 0.005, "Worst or\nlowest",
                                                        "right"),
                           (bar_left + bar_width + 0.005, "Best or\nhighest", "left")):
        axes.text(x, top, text, ha=align, va="bottom", fontweight="bold", fontsize=8.5)
    for index, row in enumerate(rows):
        y = len(rows) - 1 - index
        if index % 2 == 0:
            axes.add_patch(Rectangle((0.0, y - 0.5), 1.0, 1.0, color="#F5F5F5", zorder=0))
        label = "\n".join(textwrap.wrap(row.title, 62)[:2])
        axes.text(0.005, y, label, va="center", fontsize=8)
        axes.text(0.50, y, format_value(row.value, row.unit), ha="right", va="center")
        axes.text(0.58, y, format_value(row.england, row.unit), ha="right", va="center")
        _spine(axes, row, y, bar_left, bar_width)
    _spine_legend(figure)
    return render_svg(figure)


def _spine(axes: Axes, row: SpineRow, y: float, left: float, width: float) -> None:
    if row.spread is None or row.england is None:
        axes.text(left + width / 2, y, "no spread to show", ha="center", va="center",
                  fontsize=7.5, color="#666666")
        return
    low, q1, q3, high = row.spread
    worst, best = (high, low) if row.polarity == "lower_is_better" else (low, high)
    axes.text(left - 0.005, y, format_value(worst, row.unit), ha="right", va="center",
              fontsize=7.5)
    axes.text(left + width + 0.005, y, format_value(best, row.unit), ha="left", va="center",
              fontsize=7.5)

    def x(value: float) -> float:
        return left + width * spine_position(value, row)

    for a, b, colour, h in ((low, high, _SPREAD, 0.36), (q1, q3, _QUARTILES, 0.36)):
        start, end = sorted((x(a), x(b)))
        axes.add_patch(Rectangle((start, y - h / 2), end - start, h, color=colour, zorder=1))
    axes.plot([x(row.england)] * 2, [y - 0.3, y + 0.3], color=_ENGLAND, lw=1.6, zorder=2)
    if row.region is not None:
        axes.plot([x(row.region)], [y], marker="D", ms=6.5, mfc="none", mec="#000000",
                  mew=1.1, zorder=3)
    if row.neighbours is not None:
        axes.plot([x(row.neighbours)], [y], marker="^", ms=6.5, mfc="none", mec="#444444",
                  mew=1.1, zorder=3)
    if row.value is not None:
        axes.plot([x(row.value)], [y], marker="o", ms=8,
                  mfc=JUDGEMENT_COLOURS.get(row.judgement, "#FFFFFF"), mec="#333333",
                  mew=0.8, zorder=4)


def _spine_legend(figure: Figure) -> None:
    def dot(label: str, colour: str) -> Line2D:
        return Line2D([], [], marker="o", ls="", ms=7, mfc=colour, mec="#333333", label=label)

    handles = [
        dot("Better than England", JUDGEMENT_COLOURS["better"]),
        dot("Similar", JUDGEMENT_COLOURS["similar"]),
        dot("Worse", JUDGEMENT_COLOURS["worse"]),
        dot("Lower (not judged)", JUDGEMENT_COLOURS["lower"]),
        dot("Higher (not judged)", JUDGEMENT_COLOURS["higher"]),
        dot("Not compared", JUDGEMENT_COLOURS["not_compared"]),
        Line2D([], [], marker="D", ls="", ms=6, mfc="none", mec="#000000", label="Region"),
        Line2D([], [], marker="^", ls="", ms=6, mfc="none", mec="#444444",
               label="Statistical neighbours"),
        Line2D([], [], color=_ENGLAND, lw=1.6, label="England"),
        Patch(color=_QUARTILES, label="25th to 75th percentile"),
        Patch(color=_SPREAD, label="Range of authorities"),
    ]
    figure.legend(handles=handles, loc="lower center", ncol=6, fontsize=7.5, frameon=False,
                  handletextpad=0.4, columnspacing=1.0, borderaxespad=0.2)


def render_heatmap(goals: Sequence[str], frameworks: Sequence[str],
                   relations: Sequence[Sequence[str | None]]) -> str:
    """The alignment matrix: a row per goal, a column per framework, each cell coloured by
    the strongest relation by which the framework serves the goal.

    >>> svg = render_heatmap(["Stable homes"], ["national"], [["exact"]])
    >>> "exact" in svg
    True
    """
    rows, columns = len(goals), len(frameworks)
    labels = ["\n".join(textwrap.wrap(name.replace("_", " "), 18)) for name in frameworks]
    label_lines = max((label.count("\n") + 1 for label in labels), default=1)
    top_inches = 0.2 + 0.16 * label_lines
    figure = Figure(figsize=(3.6 + 1.5 * max(columns, 1),
                             0.6 + top_inches + 0.42 * max(rows, 1)))
    label_width = 3.4 / figure.get_figwidth()
    bottom, top = 0.45 / figure.get_figheight(), top_inches / figure.get_figheight()
    axes = figure.add_axes((label_width, bottom, 1 - label_width - 0.02, 1 - bottom - top))
    axes.set_xlim(0, max(columns, 1))
    axes.set_ylim(max(rows, 1), 0)
    axes.set_xticks([c + 0.5 for c in range(columns)], labels, fontsize=8)
    axes.xaxis.tick_top()
    axes.set_yticks([r + 0.5 for r in range(rows)],
                    ["\n".join(textwrap.wrap(goal, 48)[:2]) for goal in goals], fontsize=8)
    axes.tick_params(length=0)
    for side in axes.spines.values():
        side.set_visible(False)
    for r, row in enumerate(relations):
        for c, relation in enumerate(row):
            colour = RELATION_COLOURS.get(relation, RELATION_COLOURS[None])
            axes.add_patch(Rectangle((c + 0.04, r + 0.06), 0.92, 0.88, color=colour))
            dark = relation in ("exact", "narrower")
            axes.text(c + 0.5, r + 0.5, relation or "\u2013", ha="center", va="center",
                      fontsize=8, color="#FFFFFF" if dark else "#222222")
    figure.legend(handles=[Patch(color=RELATION_COLOURS[k], label=k or "not served")
                           for k in ("exact", "narrower", "broader", "proxy", None)],
                  loc="lower center", ncol=5, fontsize=7.5, frameon=False, borderaxespad=0.1)
    return render_svg(figure)
