"""The published page of a framework, as reST: its outcomes and enablers, and a definition
table for every indicator, generated from the checked model alone.

Pure functions: the same model gives the same text, so tests compare the text with golden
files and the published definitions can never drift from what is computed. The directives
(`directives.py`) gather what a page needs from the files and parse the text this returns.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from attrs import field, frozen

from outcomespec import model as m
from outcomespec.model.rendering import breakdown_label
from outcomespec.sphinxext import wording as w
from outcomespec.sphinxext.markup import (
    bullets,
    code_block,
    directive,
    escape,
    field_list,
    heading,
    join_blocks,
    list_table,
    literal,
    oneline,
    prose,
    role,
)
from outcomespec.sphinxext.sources import render_codelist, render_dataset, render_definition


@frozen
class Related:
    """An indicator that measures the same thing, and how we know (the alignment report's
    words: `code` between backticks)."""

    indicator: str
    title: str
    how: str
    differences: tuple[str, ...] = ()


@frozen
class ServedBy:
    """An outcome, enabler or indicator that states it serves a goal."""

    framework: str
    kind: str
    name: str
    title: str
    relation: m.Relation


@frozen
class Chart:
    """A picture shown under an outcome: the image's path as the page refers to it, and
    its numbers as a table (header first) to show beside it."""

    path: str
    alt: str
    caption: str
    table: tuple[tuple[str, ...], ...] = ()


@frozen
class FrameworkPage:
    """Everything a framework's page shows, gathered from the files and the other
    frameworks published beside it."""

    framework: m.Framework
    modules: tuple[m.Framework, ...]
    path: str
    """The file as readers should see its path (relative to the project)."""
    columns: Mapping[str, tuple[tuple[str, str], ...]] = field(factory=dict)
    """Indicator → the (dataset, column) pairs its evaluation reads."""
    problems: Mapping[str, str] = field(factory=dict)
    """Indicator → why this version cannot evaluate it."""
    related: Mapping[str, tuple[Related, ...]] = field(factory=dict)
    served_by: Mapping[str, tuple[ServedBy, ...]] = field(factory=dict)
    charts: Mapping[str, Chart] = field(factory=dict)
    """Outcome or enabler → its spine chart of demo results."""


def served_by(frameworks: Sequence[m.Framework]) -> dict[str, tuple[ServedBy, ...]]:
    """Goal → every outcome, enabler and indicator of the frameworks that serves it."""
    found: dict[str, list[ServedBy]] = {}
    for fw in frameworks:
        for section in fw.sections:
            for serving in section.serves:
                found.setdefault(serving.goal, []).append(ServedBy(
                    fw.name, section.kind, section.name, section.title, serving.relation))
            for indicator in section.indicators:
                for serving in indicator.serves:
                    found.setdefault(serving.goal, []).append(ServedBy(
                        fw.name, "indicator", indicator.name, indicator.title,
                        serving.relation))
    return {goal: tuple(items) for goal, items in found.items()}


def render_framework(page: FrameworkPage) -> str:
    """The whole page of one framework (or library) file.

    >>> fw = m.Framework(name="demo", kind=m.ModuleKind.FRAMEWORK, title="Demo framework",
    ...                  path="demo.ospec", suppression=None)
    >>> print(render_framework(FrameworkPage(fw, (fw,), "demo.ospec")).splitlines()[1])
    Demo framework
    """
    fw = page.framework
    title = fw.title or fw.name
    outcomes = [s for s in fw.sections if s.kind is m.SectionKind.OUTCOME]
    enablers = [s for s in fw.sections if s.kind is m.SectionKind.ENABLER]
    blocks = [heading(title, "=", overline=True), _framework_object(page)]
    if fw.sections:
        blocks.append(_summary(fw.sections))
    blocks += [render_section(page, section) for section in (*outcomes, *enablers)]
    if fw.goals:
        blocks.append(heading("Goals", "="))
        blocks += [render_goal(goal, page.served_by.get(goal.name, ())) for goal in fw.goals]
    named: tuple[m.Cohort | m.Definition, ...] = (*fw.cohorts, *fw.definitions)
    if named:
        blocks.append(heading("Definitions and cohorts", "="))
        blocks += [render_definition(item, page.path) for item in named]
    if fw.datasets or fw.codelists:
        blocks.append(heading("Datasets and code lists", "="))
        blocks += [render_dataset(item) for item in fw.datasets]
        blocks += [render_codelist(item) for item in fw.codelists]
    return join_blocks(blocks)


def _framework_object(page: FrameworkPage) -> str:
    fw = page.framework
    meta = dict(fw.metadata)
    imports = [role("ospec:fw", name) for name in fw.imports]
    fields = [
        ("Identifier", literal(fw.name)),
        ("File", literal(page.path)),
        ("Version", escape(meta.get("version", ""))),
        ("Publisher", escape(meta.get("publisher", ""))),
        ("Source", _text_or_link(meta.get("source", ""))),
        ("Licence", escape(meta.get("licence", ""))),
        ("Status", escape(meta.get("status", ""))),
        ("Owner", escape(meta.get("owner", ""))),
        ("Last reviewed", escape(meta.get("reviewed", ""))),
        ("Reporting period", f"year ending {w.day_month(fw.period)}"),
        ("Suppression", w.suppression(fw.suppression) if fw.indicators else ""),
        ("Rounding", w.rounding(fw.rounding) if fw.indicators else ""),
        ("Imports", ", ".join(imports)),
    ]
    notes = [prose(text) for key, text in fw.metadata if key in ("description", "note")]
    counts = [f"{n} {word}{'s' * (n != 1)}" for n, word in (
        (len([s for s in fw.sections if s.kind is m.SectionKind.OUTCOME]), "outcome"),
        (len([s for s in fw.sections if s.kind is m.SectionKind.ENABLER]), "enabler"),
        (len(fw.indicators), "indicator"), (len(fw.goals), "goal")) if n]
    summary = f"This framework declares {', '.join(counts)}." if counts else ""
    body = join_blocks([field_list(fields), *notes, summary])
    return directive("ospec:framework", fw.name,
                     [("title", oneline(fw.title or fw.name)), ("kind", fw.kind)], body)


def _summary(sections: Sequence[m.Section]) -> str:
    rows = []
    for section in sorted(sections, key=lambda s: s.kind is not m.SectionKind.OUTCOME):
        indicators = [f"{role('ospec:ind', i.name, i.title)}" for i in section.indicators]
        rows.append((role("ospec:out", section.name, section.title), section.kind,
                     bullets(indicators) if indicators else "none yet"))
    return join_blocks([heading("Outcomes and enablers", "="),
                        list_table(rows, header=("Heading", "Kind", "Indicators"),
                                   widths=(4, 1, 6))])


def render_section(page: FrameworkPage, section: m.Section) -> str:
    """An outcome or enabler: what it is, the goals it serves, its chart and indicators."""
    fields = [
        ("Kind", section.kind),
        ("Serves", _serves(section.serves)),
        *((key.capitalize(), escape(text)) for key, text in section.metadata),
        ("Indicators", str(len(section.indicators))),
    ]
    body = [field_list(fields)]
    chart = page.charts.get(section.name)
    if chart is not None:
        body.append(directive("figure", chart.path, [("alt", oneline(chart.alt)),
                                                     ("class", "ospec-spine-chart")],
                              escape(chart.caption)))
        body.append(chart_table(chart))
    blocks = [heading(section.title, "="),
              directive("ospec:outcome", section.name,
                        [("title", oneline(section.title)), ("kind", section.kind)],
                        join_blocks(body))]
    blocks += [render_indicator(page, indicator, section) for indicator in section.indicators]
    return join_blocks(blocks)


def chart_table(chart: Chart) -> str:
    """A chart's numbers as a table (nothing when it has none).

    >>> print(chart_table(Chart("a.svg", "A chart", "", (("Name", "Value"), ("a*", "1")))), end="")
    .. list-table:: The chart's numbers
       :header-rows: 1
       :class: ospec-chart-data
    <BLANKLINE>
       * - Name
         - Value
       * - a\\*
         - 1
    """
    if not chart.table:
        return ""
    header, *rows = chart.table
    return list_table([tuple(escape(cell) for cell in row) for row in rows],
                      title="The chart's numbers", header=[escape(cell) for cell in header],
                      classes="ospec-chart-data")


def render_indicator(page: FrameworkPage, indicator: m.Indicator, section: m.Section) -> str:
    """One indicator: its definition table, its source, and the same measure elsewhere."""
    goals = w.goals_served(indicator, section)
    options = [
        ("title", oneline(indicator.title)),
        ("kind", indicator.kind.value),
        ("polarity", indicator.polarity.value),
        ("serves", ", ".join(f"{goal} {relation}{' via-outcome' if via else ''}"
                             for goal, relation, via in goals)),
        ("datasets", " ".join(sorted({ds for ds, _ in page.columns.get(indicator.name, ())}))),
    ]
    body = [_description(indicator),
            list_table(definition_rows(page, indicator, section),
                       title="Definition", widths=(1, 3), stub_columns=1,
                       classes="ospec-definition"),
            source_block(indicator, page.path)]
    related = page.related.get(indicator.name, ())
    if related:
        body.append(directive("rubric", "Indicators that measure the same thing"))
        body.append(bullets(_related(r) for r in related))
    return join_blocks([heading(indicator.title, "-"),
                        directive("ospec:indicator", indicator.name,
                                  [(k, v) for k, v in options if v], join_blocks(body))])


def _related(related: Related) -> str:
    text = f"{role('ospec:ind', related.indicator, related.title or None)}: {prose(related.how)}"
    if related.differences:
        text += "\n\n" + bullets(prose(d) for d in related.differences)
    return text


def _description(indicator: m.Indicator) -> str:
    meta = indicator.metadata
    return join_blocks(prose(text) for key, text in meta if key in ("description",
                                                                     "definition"))


def definition_rows(page: FrameworkPage, indicator: m.Indicator,
                    section: m.Section) -> list[tuple[str, str]]:
    """The rows of an indicator's definition table (METeOR's items and more), in order."""
    fw = page.framework
    meta = dict(indicator.metadata)
    framework_meta = dict(fw.metadata)
    known = {c.name: c for mod in page.modules for c in mod.cohorts}
    named = {x.name: x for mod in page.modules for x in mod.definitions}
    rows = [
        ("Identifier", literal(indicator.name)),
        ("Title", escape(indicator.title)),
        ("Framework", role("ospec:fw", fw.name, fw.title or fw.name)),
        ("Outcome" if section.kind is m.SectionKind.OUTCOME else "Enabler",
         role("ospec:out", section.name, section.title)),
        ("Reused from", role("ospec:ind", indicator.origin) if indicator.origin else ""),
        ("Kind", w.KIND[indicator.kind]),
        ("Statistic", w.STATISTIC[indicator.statistic]),
        ("Cohort", w.population(indicator.cohort, known)),
        ("Numerator", w.quantity(indicator.numerator, known)),
        ("Denominator", w.denominator(indicator, known)),
        ("Measure", literal(indicator.measure.span.text) if indicator.measure else ""),
        ("Numerator within denominator", w.SUBSET[indicator.numerator_subset]
         if indicator.statistic is m.Statistic.PROPORTION else ""),
        ("Exclusions", w.exclusions(indicator.exclusions)),
        ("Unit", w.unit(indicator.unit)),
        ("Polarity", w.polarity(indicator)),
        ("Comparators", w.comparators(indicator.comparators)),
        ("Confidence", w.confidence(indicator)),
        ("Suppression", w.suppression(indicator.suppression)),
        ("Rounding", w.rounding(fw.rounding)),
        ("Breakdowns", ", ".join(literal(b.span.text or breakdown_label(b))
                                 for b in indicator.breakdowns) or "none (all children)"),
        ("Reporting period", f"year ending {w.day_month(fw.period)}"),
        ("Goals served", _goals(w.goals_served(indicator, section))),
        ("Data source", escape(meta.get("source", ""))),
        ("Reads", w.reads(page.columns.get(indicator.name, ()))),
        ("Definitions used", w.uses(indicator, named, known)),
        ("Evaluation", escape(page.problems[indicator.name])
         if indicator.name in page.problems else ""),
        ("Caveats", prose(meta.get("caveats", ""))),
        ("Notes", "\n\n".join(prose(v) for k, v in indicator.metadata if k == "note")),
        ("Link", _text_or_link(meta.get("url", ""))),
        ("Owner", escape(meta.get("owner") or framework_meta.get("publisher", "not stated"))),
        ("Last reviewed", escape(meta.get("reviewed") or framework_meta.get("reviewed")
                                 or "not stated")),
        ("Status", escape(meta.get("status") or framework_meta.get("status") or "not stated")),
        ("Version", escape(meta.get("version") or framework_meta.get("version")
                           or "not stated")),
    ]
    return [(name, value) for name, value in rows if value]


def _serves(serves: Sequence[m.Serving]) -> str:
    return ", ".join(f"{role('ospec:goal', s.goal)} ({w.RELATION[s.relation]})"
                     for s in serves)


def _goals(goals: Sequence[tuple[str, m.Relation, bool]]) -> str:
    return ", ".join(f"{role('ospec:goal', goal)} ({w.RELATION[relation]}"
                     f"{', through its outcome' if via else ''})"
                     for goal, relation, via in goals) or "none stated"


def source_block(indicator: m.Indicator, path: str) -> str:
    """The indicator as written, with the comments just above it, numbered as in the file."""
    span = indicator.span
    if not span.text:
        return ""
    line, column = span.start_position
    text = span.source.text
    start = span.start - (column - 1)
    comments: list[str] = []
    row = line - 1
    while row >= 1 and span.source.line_text(row).lstrip().startswith("#"):
        comments.insert(0, span.source.line_text(row))
        row -= 1
    body = text[start:span.end].split("\n")
    code = w.dedent([*comments, *body])
    first = line - len(comments)
    last = span.end_position[0]
    caption = f"{path}, lines {first}\u2013{last}" if last > first else f"{path}, line {first}"
    return code_block(code, caption=caption, first_line=first)


def render_goal(goal: m.Goal, served_by: Sequence[ServedBy]) -> str:
    """A shared goal, with every outcome and indicator that states it serves it."""
    fields = [("Identifier", literal(goal.name)),
              ("Part of", _serves(goal.serves)),
              *((key.capitalize(), escape(text)) for key, text in goal.metadata)]
    rows = [(role("ospec:fw", s.framework), s.kind,
             role("ospec:ind" if s.kind == "indicator" else "ospec:out", s.name, s.title),
             w.RELATION[s.relation]) for s in served_by]
    table = (list_table(rows, title="Served by", header=("Framework", "Kind", "Serves it",
                                                         "Relation"), widths=(2, 1, 5, 1))
             if rows else "No published framework states that it serves this goal yet.")
    return join_blocks([heading(goal.title, "-"),
                        directive("ospec:goal", goal.name, [("title", oneline(goal.title))],
                                  join_blocks([field_list(fields), table]))])


def _text_or_link(text: str) -> str:
    if text.startswith(("https://", "http://")) and " " not in text:
        return f"`{text} <{text}>`__"
    return escape(text)
