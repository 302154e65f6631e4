"""The revision report for people (text, one self-contained HTML page) and tools (JSON).

All three say the same things in the same order: the indicators added, removed, renamed and
changed, each change as the old and new text with what exactly differs; the definitions and
settings that changed; and, when data were given, each changed indicator's break in the
series (England's value, then each region's and authority's, under both versions). Values are
shown to one decimal place (JSON keeps them whole); a blank value says why. Every piece of
text from a framework is escaped in the HTML page.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any, assert_never

from outcomespec.revision.changes import IndicatorChange, Revision, Status
from outcomespec.revision.series import Movement, SeriesBreak

BLANK = "—"
"""A value one version does not publish (its note says why)."""


def to_dict(revision: Revision, breaks: Sequence[SeriesBreak] = ()) -> dict[str, Any]:
    """The report as plain data, for `json.dumps` (a documented, stable shape)."""
    return {
        "framework": revision.framework,
        "old": revision.old,
        "new": revision.new,
        "same_meaning": revision.empty,
        "indicators": [_indicator_dict(c) for c in revision.indicators],
        "definitions": [{"name": d.name, "status": d.status.value, "old": d.old, "new": d.new}
                        for d in revision.definitions],
        "settings": [{"setting": s.setting, "old": s.old, "new": s.new}
                     for s in revision.settings],
        "series": [_break_dict(b) for b in breaks],
    }


def _indicator_dict(change: IndicatorChange) -> dict[str, Any]:
    return {"indicator": change.indicator, "status": change.status.value,
            "title": change.title, "old_indicator": change.old_indicator,
            "changes": [{"aspect": c.aspect.value, "old": c.old, "new": c.new,
                         "details": list(c.details)} for c in change.changes]}


def _break_dict(series: SeriesBreak) -> dict[str, Any]:
    return {"indicator": series.indicator, "old_indicator": series.old_indicator,
            "title": series.title, "unit": series.unit, "period": series.period,
            "local_authorities": series.counts(),
            "areas": [{"area_type": m.area_type, "area_code": m.area_code,
                       "area_name": m.area_name, "old": m.old, "new": m.new,
                       "change": m.change, "old_numerator": m.old_numerator,
                       "new_numerator": m.new_numerator, "old_denominator": m.old_denominator,
                       "new_denominator": m.new_denominator, "old_note": m.old_note,
                       "new_note": m.new_note} for m in series.movements]}


# ------------------------------------------------------------------ text


def render_text(revision: Revision, breaks: Sequence[SeriesBreak] = ()) -> str:
    """The report as text: one block per indicator, then definitions, settings, series."""
    lines = [f"{revision.framework}: {revision.old} → {revision.new}"]
    if revision.empty:
        lines.append("same meaning: no indicator, definition or setting changed")
        return "\n".join(lines) + "\n"
    lines.append(_summary(revision))
    for change in revision.indicators:
        lines += ["", _heading(change)]
        for aspect in change.changes:
            lines.append(f"  {aspect.aspect.value}:")
            lines.append(f"    old: {aspect.old or BLANK}")
            lines.append(f"    new: {aspect.new or BLANK}")
            lines += [f"    - {detail}" for detail in aspect.details]
    if revision.definitions:
        lines += ["", "definitions:"]
        for definition in revision.definitions:
            lines.append(f"  {definition.status.value} {_short(definition.name)}")
            if definition.old:
                lines.append(f"    old: {definition.old}")
            if definition.new:
                lines.append(f"    new: {definition.new}")
    if revision.settings:
        lines += ["", "settings:"]
        lines += [f"  {s.setting}: {s.old or BLANK} → {s.new or BLANK}"
                  for s in revision.settings]
    for series in breaks:
        lines += ["", *_series_text(series)]
    return "\n".join(lines) + "\n"


def _summary(revision: Revision) -> str:
    counts = {status: sum(1 for c in revision.indicators if c.status is status)
              for status in Status}
    parts = [f"{counts[s]} {s.value}" for s in Status if counts[s]]
    return "indicators: " + (", ".join(parts) if parts else "none changed")


def _heading(change: IndicatorChange) -> str:
    match change.status:
        case Status.RENAMED:
            return (f"renamed {change.old_indicator} → {change.indicator}: {change.title}"
                    + ("" if change.changes else " (same meaning)"))
        case Status.ADDED | Status.REMOVED | Status.CHANGED:
            return f"{change.status.value} {change.indicator}: {change.title}"
        case _:
            assert_never(change.status)


def _series_text(series: SeriesBreak) -> list[str]:
    counts = series.counts()
    lines = [f"break in the series of {series.indicator} ({series.unit}), {series.period}: "
             f"local authorities {counts['up']} up, {counts['down']} down, "
             f"{counts['same']} unchanged, {counts['not compared']} not compared"]
    width = max([len(_area(m)) for m in series.movements] + [4])
    lines.append(f"  {'area':<{width}}  {'old':>9}  {'new':>9}  {'change':>8}")
    for movement in series.movements:
        notes = _notes(movement)
        lines.append(f"  {_area(movement):<{width}}  {_value(movement.old):>9}  "
                     f"{_value(movement.new):>9}  {_signed(movement.change):>8}"
                     + (f"  {notes}" if notes else ""))
    return lines


def _area(movement: Movement) -> str:
    if movement.area_type == "local_authority":
        return f"{movement.area_name} ({movement.area_code})"
    if movement.area_type == "region":
        return f"{movement.area_name} (region)"
    return movement.area_name


def _notes(movement: Movement) -> str:
    if movement.old_note == movement.new_note:
        return movement.new_note
    parts = [f"old: {movement.old_note}" if movement.old_note else "",
             f"new: {movement.new_note}" if movement.new_note else ""]
    return "; ".join(p for p in parts if p)


def _value(value: float | None) -> str:
    return BLANK if value is None else f"{value:,.1f}"


def _signed(value: float | None) -> str:
    return BLANK if value is None else f"{value:+,.1f}"


def _short(qualified: str) -> str:
    return qualified.rsplit(".", 1)[-1]


# ------------------------------------------------------------------ HTML

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem; max-width: 70rem; color: #0b0c0c; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; }
th, td { border: 1px solid #b1b4b6; padding: 0.25rem 0.5rem; text-align: left;
         vertical-align: top; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
code { white-space: pre-wrap; }
"""


def render_html(revision: Revision, breaks: Sequence[SeriesBreak] = ()) -> str:
    """The report as one HTML page, needing no script and no other file."""
    title = f"{revision.framework}: {revision.old} → {revision.new}"
    body = [f"<h1>{escape(title)}</h1>"]
    if revision.empty:
        body.append("<p>Same meaning: no indicator, definition or setting changed.</p>")
    else:
        body.append(f"<p>{escape(_summary(revision))}</p>")
    for change in revision.indicators:
        body.append(f"<h2>{escape(_heading(change))}</h2>")
        if change.changes:
            body.append(_changes_table(change))
    if revision.definitions:
        body.append("<h2>Definitions</h2>")
        body.append(_table("Definitions added, removed or changed",
                           ("definition", "status", "old", "new"),
                           [(_short(d.name), d.status.value, _code(d.old), _code(d.new))
                            for d in revision.definitions], escaped=(2, 3)))
    if revision.settings:
        body.append("<h2>Settings</h2>")
        body.append(_table("Framework settings changed", ("setting", "old", "new"),
                           [(s.setting, s.old, s.new) for s in revision.settings]))
    for series in breaks:
        body.append(f"<h2>Break in the series: {escape(series.indicator)}, "
                    f"{series.period}</h2>")
        body.append(_series_table(series))
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
            + "\n".join(body) + "\n</body>\n</html>\n")


def _changes_table(change: IndicatorChange) -> str:
    rows = [(c.aspect.value, _code(c.old), _code(c.new),
             "<br>".join(escape(d) for d in c.details)) for c in change.changes]
    return _table(f"What changed in {change.indicator}", ("aspect", "old", "new", "details"),
                  rows, escaped=(1, 2, 3))


def _series_table(series: SeriesBreak) -> str:
    rows = [(_area(m), _value(m.old), _value(m.new), _signed(m.change), _notes(m))
            for m in series.movements]
    return _table(f"{series.title} ({series.unit}): each area's value under the old and new "
                  "definitions", ("area", "old", "new", "change", "note"), rows,
                  numbers=(1, 2, 3))


def _table(caption: str, headers: Sequence[str], rows: Sequence[Sequence[str]], *,
           escaped: Sequence[int] = (), numbers: Sequence[int] = ()) -> str:
    """A table with a caption and column headers; cells in `escaped` are already HTML."""
    head = "".join(f"<th scope=\"col\">{escape(h)}</th>" for h in headers)
    lines = [f"<table>\n<caption>{escape(caption)}</caption>\n<thead><tr>{head}</tr></thead>",
             "<tbody>"]
    for row in rows:
        cells = []
        for index, cell in enumerate(row):
            text = cell if index in escaped else escape(cell)
            kind = " class=\"number\"" if index in numbers else ""
            tag = "th scope=\"row\"" if index == 0 else f"td{kind}"
            cells.append(f"<{tag}>{text}</{tag.split(maxsplit=1)[0]}>")
        lines.append("<tr>" + "".join(cells) + "</tr>")
    lines.append("</tbody>\n</table>")
    return "\n".join(lines)


def _code(text: str) -> str:
    return f"<code>{escape(text)}</code>" if text else BLANK
