"""The alignment report for people: plain text, and one self-contained HTML page.

Both show the same things in the same order: the goals × frameworks table (the strongest
relation of anything in each framework to each goal), what serves each goal, duplicates,
near-duplicates, polarity conflicts, goals served only by process or context measures, and
goals nothing measures. The HTML page needs no script and no other file; every piece of text
from a framework is escaped. It is written to be read by everyone (WCAG 2.2 AA, checked with
axe-core by `.ci/axe_check.py`): its content is the page's `main` landmark, the table's
columns are headed by the frameworks' titles, and every relation is named in words in its
cell, in the colours of `RELATION_COLOURS` (the docs' heat map uses the same).
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from outcomespec.alignment.values import (
        Alignment,
        Duplicate,
        GoalCoverage,
        IndicatorRef,
        Link,
        PolarityConflict,
    )

RELATIONS = ("exact", "narrower", "broader", "proxy")
"""Relations of an outcome or indicator to a goal, strongest first."""

NOTHING = "·"
"""A cell of the text table where nothing in the framework serves the goal."""

NOT_SERVED = "not served"
"""The words of such a cell in the HTML table and the docs' heat map."""

RELATION_COLOURS: dict[str | None, tuple[str, str]] = {
    "exact": ("#08306B", "#FFFFFF"),
    "narrower": ("#2171B5", "#FFFFFF"),
    "broader": ("#6BAED6", "#0B0C0C"),
    "proxy": ("#C6DBEF", "#0B0C0C"),
    None: ("#FFFFFF", "#505A5F"),
}
"""Relation (None: not served) → (background, text) colours: one hue, darker for a closer
relation, so that the order reads without telling hues apart (colour-blind safe), each step
at least 14 points of lightness from the next, and every text at least 5:1 against its
background (WCAG 1.4.3 asks 4.5:1). The words in the cells say the same."""

_POLARITY = {"higher_is_better": "higher is better", "lower_is_better": "lower is better",
             "no_judgement": "not judged", "target_range": "good inside a target range"}
_HEADINGS = {
    "coverage": "Goals × frameworks: the strongest relation of anything in each framework "
                "to each goal",
    "links": "Goals and what serves them",
    "duplicates": "Duplicates: indicators that compute the same quantity",
    "near_duplicates": "Near-duplicates: indicators that differ only in one condition or "
                       "in constants",
    "conflicts": "Polarity conflicts: indicators that should agree on whether higher is "
                 "better",
    "process_only": "Goals served only by process or context indicators, or by enablers",
    "unmeasured": "Goals no framework measures",
}


def _title(alignment: Alignment) -> str:
    count = len(alignment.frameworks)
    names = ", ".join(alignment.frameworks) or "none"
    return f"Alignment of {count} framework{'' if count == 1 else 's'}: {names}"


def _where(link: Link) -> str:
    if link.indicator is None:
        return f"{link.outcome} (the outcome itself)"
    return f"{link.outcome} / {link.indicator} ({link.kind} indicator)"


def _goal_titles(alignment: Alignment) -> dict[str, str]:
    return {g.goal: g.title for g in alignment.goals}


def _reuse_note(duplicate: Duplicate) -> str:
    return "reused with `from`, not written twice" if duplicate.reuse else ""


# ------------------------------------------------------------------ text


def render_text(alignment: Alignment) -> str:
    """The report as text, one heading per part, counts in the headings."""
    lines = [_title(alignment), ""]
    lines += _heading("coverage", None)
    lines += _text_table(alignment)
    lines += ["", *_heading("links", None)]
    for goal in alignment.goals:
        lines += _text_links(goal)
    if not alignment.goals:
        lines.append("  (no goals)")
    for name in ("duplicates", "near_duplicates"):
        found: tuple[Duplicate, ...] = getattr(alignment, name)
        lines += ["", *_heading(name, len(found))]
        for duplicate in found:
            sign = "=" if name == "duplicates" else "≈"
            lines += [f"  {_text_ref(duplicate.first)}",
                      f"  {sign} {_text_ref(duplicate.second)}"]
            notes = [*duplicate.differences, _reuse_note(duplicate)]
            lines += [f"      {note}" for note in notes if note]
        lines += ["  (none)"] if not found else []
    lines += ["", *_heading("conflicts", len(alignment.conflicts))]
    for conflict in alignment.conflicts:
        lines += [f"  {_text_judged(conflict.first)}", f"  ≠ {_text_judged(conflict.second)}",
                  f"      {conflict.reason}"]
    lines += ["  (none)"] if not alignment.conflicts else []
    titles = _goal_titles(alignment)
    for name in ("process_only", "unmeasured"):
        goals: tuple[str, ...] = getattr(alignment, name)
        lines += ["", *_heading(name, len(goals))]
        lines += [f"  {goal}: {titles.get(goal, '')}" for goal in goals] or ["  (none)"]
    return "\n".join(lines) + "\n"


def _heading(name: str, count: int | None) -> list[str]:
    return [_HEADINGS[name] + (f" ({count})" if count is not None else "")]


def _text_table(alignment: Alignment) -> list[str]:
    header = ["goal", *alignment.frameworks]
    rows = [[g.goal, *(g.strongest(f) or NOTHING for f in alignment.frameworks)]
            for g in alignment.goals]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    return ["  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
            .rstrip() for row in [header, *rows]]


def _text_links(goal: GoalCoverage) -> list[str]:
    lines = [f"  {goal.goal}: {goal.title}"]
    if not goal.links:
        return [*lines, "    nothing serves it"]
    width = max(len(link.framework) for link in goal.links)
    lines += [f"    {link.framework.ljust(width)}  {link.relation.ljust(8)}  {_where(link)}"
              for link in goal.links]
    return lines


def _text_ref(ref: IndicatorRef) -> str:
    return f'{ref.qualified} "{ref.title}"'


def _text_judged(ref: IndicatorRef) -> str:
    return f"{ref.qualified}: {_POLARITY.get(ref.polarity, ref.polarity)}"


# ------------------------------------------------------------------ HTML

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem; color: #0B0C0C; line-height: 1.4; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border: 1px solid #B1B4B6; padding: 0.35rem 0.6rem; text-align: left;
         vertical-align: top; }
thead th { background: #F3F2F1; }
th span, th.goal span { display: block; font-weight: normal; }
td { text-align: center; }
code { font-size: 0.95em; }
.legend span { display: inline-block; padding: 0.1rem 0.5rem; margin-right: 0.3rem;
               border: 1px solid #B1B4B6; }
"""


def _relation_style() -> str:
    """The CSS classes of the relations' cells, from `RELATION_COLOURS`."""
    return "".join(f".{relation or 'none'} {{ background: {background}; color: {text}; }}\n"
                   for relation, (background, text) in RELATION_COLOURS.items())


def render_html(alignment: Alignment) -> str:
    """The report as one HTML page, its table coloured by the strongest relation."""
    count = len(alignment.frameworks)
    title = f"Alignment of {count} framework{'' if count == 1 else 's'}"
    names = ", ".join(f"{escape(alignment.title(f))} (<code>{escape(f)}</code>)"
                      for f in alignment.frameworks) or "none"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{title}</title>",
        f"<style>{_STYLE}{_relation_style()}</style>",
        "</head>",
        "<body>",
        "<main>",
        f"<h1>{title}</h1>",
        f"<p>Frameworks, in the order of the table's columns: {names}.</p>",
        f"<h2>{escape(_HEADINGS['coverage'])}</h2>",
        *_html_table(alignment),
        f"<h2>{escape(_HEADINGS['links'])}</h2>",
        *_html_links(alignment),
    ]
    for name in ("duplicates", "near_duplicates"):
        found: tuple[Duplicate, ...] = getattr(alignment, name)
        parts.append(f"<h2>{escape(_HEADINGS[name])} ({len(found)})</h2>")
        parts += _html_list([_html_duplicate(d) for d in found])
    parts.append(f"<h2>{escape(_HEADINGS['conflicts'])} ({len(alignment.conflicts)})</h2>")
    parts += _html_list([_html_conflict(c) for c in alignment.conflicts])
    titles = _goal_titles(alignment)
    for name in ("process_only", "unmeasured"):
        goals: tuple[str, ...] = getattr(alignment, name)
        parts.append(f"<h2>{escape(_HEADINGS[name])} ({len(goals)})</h2>")
        parts += _html_list([f"<code>{escape(g)}</code>: {escape(titles.get(g, ''))}"
                             for g in goals])
    parts += ["</main>", "</body>", "</html>"]
    return "\n".join(parts) + "\n"


def _html_table(alignment: Alignment) -> list[str]:
    head = "".join(f'<th scope="col">{escape(alignment.title(f))}<span><code>{escape(f)}'
                   "</code></span></th>" for f in alignment.frameworks)
    rows = ["<table>", f'<thead><tr><th scope="col">Goal</th>{head}</tr></thead>', "<tbody>"]
    for goal in alignment.goals:
        cells = []
        for framework in alignment.frameworks:
            relation = goal.strongest(framework)
            served = "; ".join(f"{link.relation}: {_where(link)}" for link in goal.links
                               if link.framework == framework)
            tip = f' title="{escape(served)}"' if served else ""
            cells.append(f'<td class="{relation or "none"}"{tip}>'
                         f"{escape(relation or NOT_SERVED)}</td>")
        rows.append(f'<tr><th scope="row" class="goal"><code>{escape(goal.goal)}</code>'
                    f"<span>{escape(goal.title)}</span></th>{''.join(cells)}</tr>")
    rows += ["</tbody>", "</table>"]
    legend = "".join(f'<span class="{r}">{r}</span>' for r in RELATIONS)
    rows.append(f'<p class="legend">Strongest first: {legend}'
                f'<span class="none">{NOT_SERVED}: nothing in the framework serves the goal'
                "</span></p>")
    return rows


def _html_links(alignment: Alignment) -> list[str]:
    parts = ["<dl>"]
    for goal in alignment.goals:
        parts.append(f"<dt><code>{escape(goal.goal)}</code>: {escape(goal.title)}</dt>")
        parts += [f"<dd>{escape(link.framework)}: <strong>{escape(link.relation)}</strong> "
                  f"{escape(_where(link))}</dd>" for link in goal.links]
        if not goal.links:
            parts.append("<dd>nothing serves it</dd>")
    parts.append("</dl>")
    return parts


def _html_list(items: list[str]) -> list[str]:
    if not items:
        return ["<p>None.</p>"]
    return ["<ul>", *(f"<li>{item}</li>" for item in items), "</ul>"]


def _html_sentence(text: str) -> str:
    """A sentence of the report, escaped, with its `quoted` names and expressions as code."""
    pieces = text.split("`")
    if len(pieces) % 2 == 0:  # an unpaired backtick: leave the text as it is
        return escape(text)
    return "".join(f"<code>{escape(p)}</code>" if i % 2 else escape(p)
                   for i, p in enumerate(pieces))


def _html_ref(ref: IndicatorRef) -> str:
    return f"<code>{escape(ref.qualified)}</code> “{escape(ref.title)}”"


def _html_duplicate(duplicate: Duplicate) -> str:
    notes = [n for n in (*duplicate.differences, _reuse_note(duplicate)) if n]
    text = f"{_html_ref(duplicate.first)} and {_html_ref(duplicate.second)}"
    if notes:
        text += "<ul>" + "".join(f"<li>{_html_sentence(n)}</li>" for n in notes) + "</ul>"
    return text


def _html_conflict(conflict: PolarityConflict) -> str:
    def judged(ref: IndicatorRef) -> str:
        return f"{_html_ref(ref)} ({escape(_POLARITY.get(ref.polarity, ref.polarity))})"

    return (f"{judged(conflict.first)} and {judged(conflict.second)}: "
            f"{_html_sentence(conflict.reason)}")
