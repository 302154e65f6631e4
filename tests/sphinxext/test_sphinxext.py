"""The Sphinx extension, by building whole small sites: the `ospec` domain's objects,
citations and index pages, its warnings, rebuilds after an edit, parallel builds, and the
real docs/ site with every shipped indicator's anchor.

The small sites publish the fixture project of tests/golden/rest/project/ (see
tests/test_pages.py, which compares the generated reST itself).
"""

from __future__ import annotations

import re
import shutil
from io import StringIO
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

import outcomespec
from outcomespec.sphinxext.domain import OutcomeSpecDomain, anchor_for
from tests.paths import REPO, TESTS

PROJECT = TESTS / "golden" / "rest" / "project"

CONF = """
extensions = ["outcomespec.sphinxext"]
ospec_root = "../project"
ospec_frameworks = ["../project/*.ospec"]
ospec_demo_charts = False
"""

PAGES = {
    "index.rst": """Test site
=========

.. toctree::

   family
   goals
   other
   data
   alignment
   diagnostics
   citations
""",
    "family.rst": ".. ospec:framework-file:: ../project/family.ospec\n",
    "goals.rst": ".. ospec:framework-file:: ../project/goals.ospec\n",
    "other.rst": ".. ospec:framework-file:: ../project/other.ospec\n",
    "data.rst": "Data\n====\n\n.. ospec:libraries::\n",
    "alignment.rst": "Alignment\n=========\n\n.. ospec:alignment::\n",
    "diagnostics.rst": "Diagnostics\n===========\n\n.. ospec:diagnostics::\n",
    "citations.rst": """Citations
=========

* indicator :ospec:ind:`family.short_care`
* short :ospec:ind:`~family.short_care`
* titled :ospec:ind:`The short care one <family.short_care>`
* unqualified :ospec:ind:`leavers_eet`
* framework :ospec:fw:`family`
* library :ospec:fw:`records`
* outcome :ospec:out:`family.stable`
* goal :ospec:goal:`goals.healthy`
* dataset :ospec:ds:`records.header`
* code list :ospec:cl:`records.sex`
* definition :ospec:def:`records.looked_after_at_end`
* diagnostic :ospec:diag:`E201`
* any :any:`family.sdq`
""",
}


class Site:
    """A built site: its output directory and what Sphinx warned about."""

    def __init__(self, app: SphinxTestApp, warnings: str) -> None:
        self.app = app
        self.outdir = Path(app.outdir)
        self.warnings = warnings

    def html(self, page: str) -> str:
        """The HTML of one page."""
        return (self.outdir / f"{page}.html").read_text(encoding="utf-8")


def _write(root: Path, pages: dict[str, str], conf: str) -> Path:
    if not (root / "project").exists():
        shutil.copytree(PROJECT, root / "project")
    docs = root / "docs"
    docs.mkdir(exist_ok=True)
    (docs / "conf.py").write_text(conf, encoding="utf-8")
    for name, text in pages.items():
        (docs / name).write_text(text, encoding="utf-8")
    return docs


def build(root: Path, pages: dict[str, str] | None = None, *, conf: str = CONF,
          parallel: int = 0, fresh: bool = False) -> Site:
    """Write (or rewrite) the site's pages, build it as HTML, and keep the warnings."""
    docs = _write(root, PAGES if pages is None else pages, conf)
    warnings = StringIO()
    app = SphinxTestApp("html", srcdir=docs, builddir=root / "_build", status=StringIO(),
                        warning=warnings, parallel=parallel, freshenv=fresh)
    try:
        app.build()
    finally:
        app.cleanup()
    return Site(app, warnings.getvalue())


def _ids(html: str) -> set[str]:
    return set(re.findall(r'id="([^"]+)"', html))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """The fixture project's site, built once for the tests that only read it."""
    return build(tmp_path_factory.mktemp("site"))


def test_site_builds_without_warnings(site: Site) -> None:
    """Every page renders and every citation resolves: nothing is warned about."""
    assert site.warnings == ""


def test_every_indicator_has_its_anchor_on_its_framework_page(site: Site) -> None:
    """Each indicator's qualified name is an id on its framework's page."""
    for name in ("family", "other"):
        framework = outcomespec.load(PROJECT / f"{name}.ospec", root=PROJECT)
        ids = _ids(site.html(name))
        for indicator in framework.indicators:
            assert anchor_for("indicator", indicator.name) in ids, indicator.name
            assert indicator.name in ids


def test_every_object_type_is_described_with_its_anchor(site: Site) -> None:
    """Frameworks, outcomes, goals, datasets, code lists, definitions and diagnostics have
    their prefixed anchors on the pages describing them."""
    expected = {
        "family": ["framework.family", "outcome.family.stable", "outcome.family.workforce",
                   "definition.family.in_care"],
        "goals": ["framework.goals", "goal.goals.healthy"],
        "data": ["framework.records", "dataset.records.header", "codelist.records.sex",
                 "definition.records.looked_after_at_end"],
        "diagnostics": ["diagnostic.E201", "diagnostic.D109"],
    }
    for page, anchors in expected.items():
        ids = _ids(site.html(page))
        assert set(anchors) <= ids, (page, set(anchors) - ids)


def test_citations_link_to_the_described_objects(site: Site) -> None:
    """Each role links to the page and anchor of the object it names."""
    html = site.html("citations")
    for href in ("family.html#family.short_care", "family.html#framework.family",
                 "data.html#framework.records",
                 "family.html#outcome.family.stable", "goals.html#goal.goals.healthy",
                 "data.html#dataset.records.header", "data.html#codelist.records.sex",
                 "data.html#definition.records.looked_after_at_end",
                 "diagnostics.html#diagnostic.E201", "family.html#family.leavers_eet",
                 "family.html#family.sdq"):
        assert f'href="{href}"' in html, href


def test_tilde_shows_only_the_last_name_and_titles_are_kept(site: Site) -> None:
    """`~family.short_care` reads `short_care`; an explicit title is shown as written."""
    text = re.sub(r"<[^>]+>", "", site.html("citations"))
    assert "short short_care\n" in text
    assert "titled The short care one\n" in text


def test_pages_cross_reference_each_other(site: Site) -> None:
    """Indicator pages link to the goals, datasets and the same measure elsewhere."""
    family = site.html("family")
    assert 'href="goals.html#goal.goals.good_start"' in family
    assert 'href="data.html#dataset.records.leavers"' in family
    assert 'href="other.html#other.leavers_in_eet"' in family
    goals = site.html("goals")
    assert 'href="family.html#family.leavers_eet"' in goals
    assert 'href="other.html#other.leavers_in_eet"' in goals


def test_indicator_page_shows_definition_source_and_goals(site: Site) -> None:
    """The indicator's definition table, its highlighted source and its goals are there."""
    family = site.html("family")
    section = family[family.index('id="family.short_care"'):]
    section = section[:section.index('id="family.leavers_eet"')]
    for text in ("Definition", "Numerator", "Denominator", "Exclusions", "Polarity",
                 "Confidence", "Wilson EB (1927)", "Suppression", "Breakdowns", "Owner",
                 "Last reviewed", "Status", "Version", "Goals served", "Reads"):
        assert text in section, text
    assert 'class="highlight-ospec' in section
    assert "family.ospec, lines 31" in section


def test_index_pages_group_indicators(site: Site) -> None:
    """By goal (with the relation), by polarity and by data source."""
    goals = site.html("ospec-goals")
    assert "Care leavers make a good start in adult life (goals.good_start)" in goals
    assert "Children are healthy (goals.healthy)" in goals
    assert "family.leavers_eet" in goals
    assert "exact, through its outcome" in goals
    polarity = site.html("ospec-polarity")
    for group in ("Higher is better", "Lower is better", "No judgement"):
        assert group in polarity
    sources = site.html("ospec-sources")
    assert "Care leavers (records.leavers)" in sources
    assert 'href="family.html#family.sdq"' in sources


def test_general_index_lists_every_object(site: Site) -> None:
    """The general index has an entry per object with its type."""
    genindex = site.html("genindex")
    for entry in ("family.short_care (indicator)", "records.header (dataset)",
                  "goals.healthy (goal)", "E201 (diagnostic)", "records.sex (code list)"):
        assert entry in genindex, entry


def test_alignment_page_draws_its_heat_map(site: Site) -> None:
    """The alignment page has the matrix and the heat map, copied as an SVG image."""
    html = site.html("alignment")
    assert "ospec-heatmap" in html
    assert (site.outdir / "_images" / "alignment.svg").exists()
    assert "Duplicated definitions" in html


def test_dangling_citations_warn(tmp_path: Path) -> None:
    """A citation of an object no page describes is a warning, for every role."""
    pages = {"index.rst": "Index\n=====\n\n"
             + "".join(f"* :ospec:{role}:`nowhere.{role}`\n"
                       for role in ("fw", "out", "ind", "goal", "ds", "cl", "def", "diag"))}
    built = build(tmp_path, pages)
    for role, label in (("fw", "framework"), ("ind", "indicator"), ("cl", "code list"),
                        ("diag", "diagnostic")):
        assert f"no ospec {label} is described as 'nowhere.{role}'" in built.warnings
    assert built.warnings.count("WARNING") == 8


def test_ambiguous_unqualified_citation_warns(tmp_path: Path) -> None:
    """`leavers` names no single indicator when two frameworks end that way: it warns."""
    text = (".. ospec:indicator:: a.leavers\n\n.. ospec:indicator:: b.leavers\n\n"
            ":ospec:ind:`leavers` and :ospec:ind:`a.leavers`\n")
    built = build(tmp_path, {"index.rst": "Index\n=====\n\n" + text})
    assert "no ospec indicator is described as 'leavers'" in built.warnings
    assert built.warnings.count("WARNING") == 1


def test_duplicate_description_warns(tmp_path: Path) -> None:
    """Describing one object twice (on one page or two) is a warning naming the other."""
    pages = {
        "index.rst": "Index\n=====\n\n.. toctree::\n\n   again\n\n"
                     ".. ospec:indicator:: f.x\n\n.. ospec:dataset:: lib.d\n\n"
                     ".. ospec:dataset:: lib.d\n",
        "again.rst": "Again\n=====\n\n.. ospec:indicator:: f.x\n",
    }
    built = build(tmp_path, pages)
    assert "duplicate description of ospec dataset lib.d: also described earlier in index" \
        in built.warnings
    assert re.search(r"duplicate description of ospec indicator f\.x: also described in "
                     r"(index|again)", built.warnings)


def test_framework_errors_are_warnings_with_their_location(tmp_path: Path) -> None:
    """A framework file that does not check is reported, with its code, file and line."""
    _write(tmp_path, {}, CONF)
    (tmp_path / "project" / "broken.ospec").write_text(
        'framework broken "Broken" {\n  outcome a "A" {\n    indicator x "X" {\n'
        '      kind outcome\n      statistic proportion\n      unit percent\n'
        '      polarity sideways "?"\n    }\n  }\n}\n', encoding="utf-8")
    built = build(tmp_path, {"index.rst": ".. ospec:framework-file:: ../project/broken.ospec\n"},
                  conf=CONF.replace('["../project/*.ospec"]', "[]"))
    assert re.search(r"broken\.ospec:\d+: WARNING: error\[E\d+\]", built.warnings)


def test_editing_a_framework_file_rebuilds_its_page(tmp_path: Path) -> None:
    """The framework file is a dependency of its page: a new title appears on rebuild."""
    first = build(tmp_path)
    assert first.warnings == ""
    assert "Children looked after per 10,000 children" in first.html("family")
    file = tmp_path / "project" / "family.ospec"
    file.write_text(file.read_text("utf-8").replace(
        '"Children looked after per 10,000 children"', '"Children in care per 10,000"'),
        encoding="utf-8")
    second = build(tmp_path)
    assert second.warnings == ""
    assert "Children in care per 10,000" in second.html("family")
    assert "Children looked after per 10,000 children" not in second.html("family")


def test_parallel_build_merges_what_each_reader_found(tmp_path: Path) -> None:
    """Read in parallel, every object is known to every page, and a duplicate described in
    two documents read by different processes is still warned about."""
    pages = dict(PAGES)
    pages["index.rst"] += "   dup1\n   dup2\n"
    pages["dup1.rst"] = "Dup one\n=======\n\n.. ospec:goal:: extra.goal\n"
    pages["dup2.rst"] = "Dup two\n=======\n\n.. ospec:goal:: extra.goal\n"
    built = build(tmp_path, pages, parallel=4)
    assert "duplicate description of ospec goal extra.goal" in built.warnings
    assert built.warnings.count("WARNING") == 1
    html = built.html("citations")
    assert 'href="family.html#family.short_care"' in html
    assert 'href="diagnostics.html#diagnostic.E201"' in html


def test_extension_declares_parallel_safety(site: Site) -> None:
    """Reading and writing in parallel are declared safe; the three index pages exist."""
    extension = site.app.extensions["outcomespec.sphinxext"]
    assert extension.parallel_read_safe is True
    assert extension.parallel_write_safe is True
    assert {i.name for i in OutcomeSpecDomain.indices} == {"goals", "polarity", "sources"}


def _shipped_frameworks() -> list[outcomespec.Framework]:
    frameworks = REPO / "frameworks"
    loaded = [outcomespec.load(path, root=frameworks)
              for path in sorted(frameworks.glob("*.ospec"))]
    return [f for f in loaded if f.model.kind == "framework"]


def test_every_shipped_framework_has_a_page() -> None:
    """Each framework in frameworks/ has docs/frameworks/NAME.rst rendering it, listed in
    the frameworks toctree: adding a framework without its page fails here."""
    toctree = (REPO / "docs" / "frameworks" / "index.rst").read_text("utf-8")
    for framework in _shipped_frameworks():
        page = REPO / "docs" / "frameworks" / f"{framework.name}.rst"
        assert page.exists(), f"add {page.relative_to(REPO)} for {framework.name}"
        assert f"../../frameworks/{framework.name}.ospec" in page.read_text("utf-8")
        assert f"\n   {framework.name}\n" in toctree


def test_real_docs_build_with_every_shipped_indicator_anchored(tmp_path: Path) -> None:
    """The docs/ site builds with no warning (charts on, small synthetic data), every
    indicator of every shipped framework has its anchor on its framework's page, every
    contents caption has a heading level, and every spine chart has its numbers in a table
    beside it."""
    missing = [page for page in ("tutorial", "language", "cli", "api")
               if not (REPO / "docs" / f"{page}.rst").exists()]
    assert not missing, f"docs/ lacks {missing}"
    warnings = StringIO()
    app = SphinxTestApp("html", srcdir=REPO / "docs", builddir=tmp_path / "_build",
                        status=StringIO(), warning=warnings, freshenv=True,
                        confoverrides={"ospec_demo_scale": 0.02, "html_theme": "alabaster"})
    try:
        app.build()
    finally:
        app.cleanup()
    assert warnings.getvalue() == ""
    outdir = Path(app.outdir)
    for framework in _shipped_frameworks():
        ids = _ids((outdir / "frameworks" / f"{framework.name}.html").read_text("utf-8"))
        absent = [i.name for i in framework.indicators if i.name not in ids]
        assert not absent, f"{framework.name}: no anchor for {absent}"
    charts = list((outdir / "_images").glob("spine-csc_national_framework.*.svg"))
    assert charts
    national = (outdir / "frameworks" / "csc_national_framework.html").read_text("utf-8")
    assert national.count('class="ospec-chart-data') == len(charts)
    assert "Compared with England" in national
    authority = (outdir / "authority.html").read_text("utf-8")
    assert (outdir / "_images" / "authority-805.svg").exists()
    assert authority.count('class="ospec-chart-data') == 1
    assert "Hartlepool (805)" in authority
    for page in outdir.rglob("*.html"):
        text = page.read_text("utf-8")
        assert 'role="heading">' not in text, page.name  # each has an aria-level
    index = (outdir / "index.html").read_text("utf-8")
    assert '<p class="caption" role="heading" aria-level="2">' in index  # under the h1
    assert '<p class="caption" role="heading" aria-level="3">' in index  # sidebar, under h2
