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

from outcomespec.alignment import NOT_SERVED, RELATION_COLOURS
from outcomespec.results.funnel_chart import JUDGEMENT_COLOURS

_WORDS = {"better": ("o", "Better than England"), "similar": ("o", "Similar"),
          "worse": ("o", "Worse"), "higher": ("s", "Higher (not judged)"),
          "lower": ("s", "Lower (not judged)"), "not_compared": ("o", "Not compared")}
JUDGEMENTS = {name: (JUDGEMENT_COLOURS[name], *_WORDS[name]) for name in _WORDS}
"""Judgement against England → (colour, marker, legend) of the area's mark: the colours of
`outcomespec.results.funnel_chart` (Okabe and Ito's, colour-blind-safe), and squares for
indicators that are not judged. The table beside each chart gives the judgement in words."""

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


def spine_table(rows: Sequence[SpineRow], *, area: str) -> tuple[tuple[str, ...], ...]:
    """The numbers of a spine chart as a table, its header first: everything the picture
    shows, as text (WCAG 1.1.1: the picture alone would hide them from people who cannot
    see it).

    >>> row = SpineRow("a", "A", "percent", "higher_is_better", 50.0, "not_compared", 40.0,
    ...                None, 44.0, (10.0, 30.0, 50.0, 70.0))
    >>> header, first = spine_table([row], area="Hartlepool")
    >>> header[:3], first[:5]
    (('Indicator', 'Hartlepool', 'England'), ('A', '50.0%', '40.0%', '–', '44.0%'))
    >>> first[5:]
    ('10.0%', '30.0% to 50.0%', '70.0%', 'not compared')
    """
    header = ("Indicator", area, "England", "Region", "Statistical neighbours (median)",
              "Lowest authority", "Middle half of authorities", "Highest authority",
              "Compared with England")
    body = []
    for row in rows:
        low, q1, q3, high = row.spread or (None, None, None, None)
        middle = (f"{format_value(q1, row.unit)} to {format_value(q3, row.unit)}"
                  if row.spread else format_value(None, row.unit))
        body.append((row.title, *(format_value(v, row.unit) for v in (
            row.value, row.england, row.region, row.neighbours, low)), middle,
            format_value(high, row.unit), row.judgement.replace("_", " ")))
    return (header, *body)


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
        colour, marker, _ = JUDGEMENTS.get(row.judgement, JUDGEMENTS["not_compared"])
        axes.plot([x(row.value)], [y], marker=marker, ms=8, mfc=colour, mec="#333333",
                  mew=0.8, zorder=4)


def _spine_legend(figure: Figure) -> None:
    handles = [
        *(Line2D([], [], marker=marker, ls="", ms=7, mfc=colour, mec="#333333", label=label)
          for colour, marker, label in JUDGEMENTS.values()),
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
            background, text = RELATION_COLOURS.get(relation, RELATION_COLOURS[None])
            axes.add_patch(Rectangle((c + 0.04, r + 0.06), 0.92, 0.88, facecolor=background,
                                     edgecolor="#B1B4B6", linewidth=0.8))
            axes.text(c + 0.5, r + 0.5, relation or NOT_SERVED, ha="center", va="center",
                      fontsize=8, color=text)
    figure.legend(handles=[Patch(facecolor=background, edgecolor="#B1B4B6",
                                 label=relation or NOT_SERVED)
                           for relation, (background, _) in RELATION_COLOURS.items()],
                  loc="lower center", ncol=5, fontsize=7.5, frameon=False, borderaxespad=0.1)
    return render_svg(figure)
