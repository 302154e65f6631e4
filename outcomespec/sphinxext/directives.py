"""Directives that read framework files at build time and publish them.

- `.. ospec:framework-file:: PATH` — a framework's (or library's) whole page;
- `.. ospec:libraries::` — every library file the published frameworks import;
- `.. ospec:alignment::` — the published frameworks aligned against the shared goals;
- `.. ospec:diagnostics::` — every diagnostic code with its explanation;
- `.. ospec:funnel:: CSV` — a funnel chart of the units in a CSV, with its numbers
  (`outcomespec.sphinxext.funnels`);
- `.. ospec:authority-spine:: PATH` — one authority's spine chart against published figures.

Each gathers what its page needs, asks a pure function in `pages`, `sources`, `matrix` or
`reference` for the reST, and parses it. Every file read is noted as a dependency, so
editing a framework file rebuilds the pages that show it. The published frameworks are
those named by conf.py's `ospec_frameworks`.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import ClassVar

from docutils.nodes import Node  # type: ignore[import-untyped]  # docutils ships no types
from docutils.parsers.rst import directives  # type: ignore[import-untyped]
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from outcomespec import Diagnostic, OutcomeSpecError
from outcomespec import model as m
from outcomespec.alignment import Alignment, align
from outcomespec.language.codes import CODES
from outcomespec.results.funnel_chart import funnel_rows, render_funnel_svg
from outcomespec.sphinxext import authority, spines
from outcomespec.sphinxext.charts import render_heatmap, render_spine_chart, spine_table
from outcomespec.sphinxext.funnels import funnel_of
from outcomespec.sphinxext.markup import directive, escape, join_blocks, oneline
from outcomespec.sphinxext.matrix import related_measures, render_alignment, same_identifiers
from outcomespec.sphinxext.pages import (
    Chart,
    FrameworkPage,
    chart_table,
    render_framework,
    served_by,
)
from outcomespec.sphinxext.reference import render_diagnostics
from outcomespec.sphinxext.site import Loaded, load_framework, published, root_for
from outcomespec.sphinxext.sources import libraries_of, render_library

logger = logging.getLogger(__name__)


def framework_page(loaded: Loaded, site: Sequence[Loaded],
                   charts: Mapping[str, Chart] | None = None) -> FrameworkPage:
    """Everything the page of `loaded` shows, with `site` the frameworks published beside it
    (to align them, and to list who serves each goal)."""
    fw = loaded.framework
    models = [x.framework.model for x in site]
    if fw.model.name not in {model.name for model in models}:
        models.append(fw.model)
    modules = [module for x in (*site, loaded) for module in x.framework.modules]
    related = (same_identifiers(models, related_measures(align(models, modules=modules)))
               if fw.model.kind is m.ModuleKind.FRAMEWORK else {})
    return FrameworkPage(
        fw.model, fw.modules, loaded.shown(),
        columns={p.indicator.name: fw.plan.columns_read(p) for p in fw.plan.indicators},
        problems={p.indicator.name: p.problem for p in fw.plan.indicators if p.problem},
        related=related, served_by=served_by(models), charts=charts or {})


class _OspecDirective(SphinxDirective):
    """Loading, dependency notes and warnings shared by the directives."""

    def confdir(self) -> Path:
        """Where the `ospec_*` paths start: the source directory (conf.py's, unless `-c`)."""
        return Path(self.env.srcdir)

    def cache(self) -> Path:
        """Where demo data and generated pictures are kept between builds."""
        return Path(self.env.doctreedir) / "ospec"

    def load(self, path: Path) -> Loaded | None:
        """A checked framework, or None after warning with its diagnostics."""
        root = root_for(self.confdir(), self.config.ospec_root, path)
        self.env.note_dependency(str(path))
        try:
            loaded = load_framework(path, root)
        except OutcomeSpecError as error:
            for diagnostic in error.diagnostics:
                self._warn_diagnostic(diagnostic)
            if not error.diagnostics:
                logger.warning("cannot load %s", path, location=self.get_location())
            return None
        for file in loaded.files:
            self.env.note_dependency(str(file))
        for diagnostic in loaded.framework.warnings:
            self._warn_diagnostic(diagnostic)
        return loaded

    def _warn_diagnostic(self, diagnostic: Diagnostic) -> None:
        if diagnostic.span is not None:
            location = f"{diagnostic.span.source.path}:{diagnostic.span.start_position[0]}"
        elif diagnostic.path:
            location = f"{diagnostic.path}:{diagnostic.line or 0}"
        else:
            location = self.get_location()
        logger.warning("%s[%s]: %s", diagnostic.severity.value, diagnostic.code,
                       diagnostic.message, location=location, type="ospec",
                       subtype="framework")

    def site(self) -> list[Loaded]:
        """The published frameworks (libraries among them are left out)."""
        loaded = [self.load(path)
                  for path in published(self.confdir(), self.config.ospec_frameworks)]
        return [x for x in loaded
                if x is not None and x.framework.model.kind is m.ModuleKind.FRAMEWORK]

    def picture(self, name: str, svg: str) -> str:
        """Write a generated SVG and give its path as this page's image directive needs it."""
        folder = self.cache() / "charts"
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{name}.svg"
        if not target.exists() or target.read_text("utf-8") != svg:
            target.write_text(svg, encoding="utf-8")
        here = Path(self.env.doc2path(self.env.docname)).parent
        return Path(os.path.relpath(target, here)).as_posix()

    def parse(self, text: str) -> list[Node]:
        return self.parse_text_to_nodes(text, allow_section_headings=True)


class FrameworkFile(_OspecDirective):
    """`.. ospec:framework-file:: ../frameworks/csc_national_framework.ospec`"""

    required_arguments = 1

    def run(self) -> list[Node]:
        """The framework's page: outcomes, enablers, indicators, goals, definitions."""
        _, absolute = self.env.relfn2path(self.arguments[0])
        loaded = self.load(Path(absolute))
        if loaded is None:
            return []
        page = framework_page(loaded, self.site(), self.charts(loaded))
        return self.parse(render_framework(page))

    def charts(self, loaded: Loaded) -> dict[str, Chart]:
        """A spine chart of the demo results per outcome, when conf.py asks for them."""
        demo = self.cache() / f"spines-{loaded.framework.name}.json"
        if not self.config.ospec_demo_charts or not demo.exists():
            return {}
        self.env.note_dependency(str(demo))
        results = spines.read(demo)
        charts = {}
        for section in loaded.framework.model.sections:
            rows = results.sections.get(section.name)
            if not rows:
                continue
            area = f"{results.area_name} ({results.area})"
            svg = render_spine_chart(rows, area=area)
            name = f"spine-{section.name}"
            caption = (f"Demo results, {results.period}: {area} against England, its region "
                       f"and its statistical neighbours, on synthetic data (scale "
                       f"{results.scale:g}). Not real figures; \u2013 marks a value suppressed or "
                       f"not available. The table below gives the chart's numbers.")
            charts[section.name] = Chart(
                self.picture(name, svg), f"Spine chart for {section.title}: {area} against "
                "England, its region and its statistical neighbours; the numbers are in the "
                "table below it", caption, spine_table(rows, area=area))
        return charts


class Libraries(_OspecDirective):
    """`.. ospec:libraries::` — datasets, code lists and definitions the frameworks import."""

    def run(self) -> list[Node]:
        """A section per library file, in first-import order."""
        site = self.site()
        modules = [module for x in site for module in x.framework.modules]
        libraries = libraries_of([x.framework.model for x in site], modules)
        blocks = []
        for library in libraries:
            owner = next(x for x in site if x.file_of(library.name) is not None)
            blocks.append(render_library(library, owner.shown(owner.file_of(library.name))))
        return self.parse("\n".join(blocks))


class AlignmentMatrix(_OspecDirective):
    """`.. ospec:alignment::` — goals × frameworks, duplicates, conflicts and gaps."""

    def run(self) -> list[Node]:
        """The alignment report of the published frameworks, with its heat map."""
        site = self.site()
        alignment: Alignment = align(
            [x.framework.model for x in site],
            modules=[module for x in site for module in x.framework.modules])
        titles = {x.framework.name: x.framework.model.title or x.framework.name for x in site}
        heatmap = None
        if alignment.goals and alignment.frameworks:
            svg = render_heatmap([goal.title for goal in alignment.goals],
                                 [titles.get(fw, fw) for fw in alignment.frameworks],
                                 [[goal.strongest(fw) for fw in alignment.frameworks]
                                  for goal in alignment.goals])
            heatmap = Chart(self.picture("alignment", svg),
                            "Goals by frameworks heat map; the table below it gives the same",
                            "The strongest relation by which each framework serves each goal, "
                            "darker for a closer relation; the table below gives the same in "
                            "words, with how many measures serve each goal.")
        return self.parse(render_alignment(alignment, titles, heatmap))


class Diagnostics(_OspecDirective):
    """`.. ospec:diagnostics::` — the diagnostics reference."""

    def run(self) -> list[Node]:
        """Every registered code, by series."""
        return self.parse(render_diagnostics(CODES.values()))


class FunnelChart(_OspecDirective):
    """`.. ospec:funnel:: data/homes.csv` with `:title:`, `:statistic:`, `:unit:`,
    `:multiplier:`, `:polarity:` and `:centre:`."""

    required_arguments = 1
    option_spec = {"title": directives.unchanged_required,  # noqa: RUF012  # docutils' API
                   "statistic": directives.unchanged, "unit": directives.unchanged,
                   "multiplier": directives.unchanged, "polarity": directives.unchanged,
                   "centre": directives.unchanged}

    def run(self) -> list[Node]:
        """The picture, its caption and the table of its numbers."""
        _, absolute = self.env.relfn2path(self.arguments[0])
        self.env.note_dependency(absolute)
        with Path(absolute).open(encoding="utf-8", newline="") as f:
            units = [(r["code"], float(r["numerator"]), float(r["denominator"]))
                     for r in csv.DictReader(f)]
        title = self.options["title"]
        unit = self.options.get("unit", "percent")
        centre = self.options.get("centre")
        group, points = funnel_of(
            units, statistic=m.Statistic(self.options.get("statistic", "proportion")),
            multiplier=float(self.options.get("multiplier", 100)),
            polarity=m.Polarity(self.options.get("polarity", "lower_is_better")),
            centre=float(centre) if centre is not None else None)
        name = f"funnel-{Path(absolute).stem}"
        svg = render_funnel_svg(group, points, title=title, unit=unit, ident=name)
        chart = Chart(self.picture(name, svg),
                      f"Funnel chart: {title}; the numbers are in the table below it",
                      f"{title}: each unit at its denominator, against the funnel limits at "
                      "95% (dashed) and 99.8% around England's value (the straight line).",
                      funnel_rows(group, points, unit))
        text = directive("figure", chart.path, [("alt", oneline(chart.alt)),
                                                ("class", "ospec-funnel-chart")],
                         escape(chart.caption)) + "\n" + chart_table(chart)
        return self.parse(text)


class AuthoritySpine(_OspecDirective):
    """`.. ospec:authority-spine:: ../frameworks/csc_national_framework.ospec` with
    `:area: 805`, `:published: ../frameworks/dfe_published.ospec`, `:tables:
    ../frameworks/data/dfe` and `:scale: 0.1` — the authority's synthetic XML returns
    evaluated with published comparators, drawn against DfE's published figures (see
    `authority`); the seed and period are conf.py's `ospec_demo_*`."""

    required_arguments = 1
    option_spec: ClassVar[dict[str, Callable[[str], object]]] = {
        "area": directives.unchanged_required, "published": directives.unchanged_required,
        "tables": directives.unchanged_required, "scale": float}

    def run(self) -> list[Node]:
        """The chart and the table of its numbers (nothing when conf.py turns charts off)."""
        if not self.config.ospec_demo_charts:
            return []
        paths = [Path(self.env.relfn2path(path)[1]) for path in
                 (self.arguments[0], self.options["published"], self.options["tables"])]
        loaded, published = self.load(paths[0]), self.load(paths[1])
        if loaded is None or published is None:
            return []
        settings = spines.DemoSettings(
            float(self.options.get("scale", self.config.ospec_demo_scale)),
            int(self.config.ospec_demo_seed), int(self.config.ospec_demo_period),
            str(self.options["area"]))
        tables = sorted(paths[2].glob("*.csv"))
        for table in tables:
            self.env.note_dependency(str(table))
        results = spines.read(authority.prepare_authority(
            loaded.framework, published.framework, paths[2],
            (*loaded.files, *published.files, *tables), settings, self.cache()))
        rows = [row for section in loaded.framework.model.sections
                for row in results.sections.get(section.name, ())]
        area = f"{results.area_name} ({results.area})"
        chart = Chart(
            self.picture(f"authority-{results.area}", render_spine_chart(rows, area=area)),
            f"Spine chart: {area}'s synthetic figures against DfE's published England, "
            "region, statistical neighbours and authorities; the numbers are in the table "
            "below it",
            f"{area}, {results.period}: its figures from synthetic returns (scale "
            f"{results.scale:g}, not real) against DfE's published figures for England, its "
            "region, its statistical neighbours (median) and every other authority. The "
            "table below gives the chart's numbers.",
            spine_table(rows, area=area))
        return self.parse(join_blocks([
            directive("figure", chart.path, [("alt", oneline(chart.alt)),
                                             ("class", "ospec-spine-chart")],
                      escape(chart.caption)),
            chart_table(chart)]))
