"""The published pages as reST, and the pictures as SVG: pure functions compared as text.

The fixture project `tests/golden/rest/project/` (a framework, a second framework measuring
one thing the same way, a goals framework and a library) is rendered and compared with the
golden files beside it. `OUTCOMESPEC_UPDATE_GOLDEN=1` rewrites them from the current output;
review every change by eye, as it is what readers of the published site will read.
"""

from __future__ import annotations

import os
import re

import attrs
import numpy as np
import pytest
from docutils.core import publish_doctree
from docutils.utils import Reporter
from hypothesis import given
from hypothesis import strategies as st

from outcomespec import model as m
from outcomespec.alignment import RELATION_COLOURS, align
from outcomespec.language.codes import CODES, CodeInfo
from outcomespec.sphinxext import charts, lineage, markup, spines
from outcomespec.sphinxext.directives import framework_page
from outcomespec.sphinxext.matrix import related_measures, render_alignment, same_identifiers
from outcomespec.sphinxext.pages import (
    Chart,
    Related,
    definition_rows,
    render_framework,
    source_block,
)
from outcomespec.sphinxext.reference import SERIES, render_diagnostics
from outcomespec.sphinxext.site import Loaded, load_framework
from outcomespec.sphinxext.sources import libraries_of, render_library
from tests.paths import TESTS

GOLDEN = TESTS / "golden" / "rest"
PROJECT = GOLDEN / "project"
UPDATE = os.environ.get("OUTCOMESPEC_UPDATE_GOLDEN") == "1"
FRAMEWORKS = ("family", "goals", "other")


def _load(name: str) -> Loaded:
    return load_framework(PROJECT / f"{name}.ospec", PROJECT)


def _site() -> list[Loaded]:
    return [_load(name) for name in FRAMEWORKS]


def _compare(name: str, text: str) -> None:
    expected = GOLDEN / name
    if UPDATE:
        expected.write_text(text, encoding="utf-8")
    assert expected.exists(), f"no {expected}; run with OUTCOMESPEC_UPDATE_GOLDEN=1"
    assert text == expected.read_text(encoding="utf-8")


def _docutils_problems(text: str) -> list[str]:
    """Warnings docutils gives for reST that uses only standard directives and roles."""
    doctree = publish_doctree(text, settings_overrides={
        "report_level": Reporter.SEVERE_LEVEL + 1, "halt_level": Reporter.SEVERE_LEVEL + 1})
    return [node.astext() for node in doctree.findall(lambda n: n.tagname == "system_message")
            if node["level"] >= Reporter.WARNING_LEVEL]


@pytest.mark.parametrize("name", FRAMEWORKS)
def test_framework_page_matches_golden(name: str) -> None:
    """Each framework's page is exactly the golden text."""
    page = framework_page(_load(name), _site())
    _compare(f"{name}.rst", render_framework(page))


def test_library_page_matches_golden() -> None:
    """The library the frameworks import is published once, as the golden text."""
    site = _site()
    modules = [module for x in site for module in x.framework.modules]
    libraries = libraries_of([x.framework.model for x in site], modules)
    assert [lib.name for lib in libraries] == ["records"]
    shown = site[0].shown(site[0].file_of("records"))
    assert shown == "project/records.ospec"
    _compare("records.rst", render_library(libraries[0], shown))


def test_alignment_page_matches_golden() -> None:
    """The alignment report of the fixture frameworks, with its heat map, is the golden text."""
    site = _site()
    alignment = align([x.framework.model for x in site],
                      modules=[module for x in site for module in x.framework.modules])
    titles = {x.framework.name: x.framework.model.title or x.framework.name for x in site}
    text = render_alignment(alignment, titles, Chart("charts/alignment.svg", "Heat map",
                                                     "Strongest relations."))
    _compare("alignment.rst", text)


def test_every_indicator_table_is_at_least_as_complete_as_meteor() -> None:
    """Each indicator's definition table has every row METeOR's specifications have."""
    loaded = _load("family")
    page = framework_page(loaded, _site())
    required = {"Identifier", "Title", "Kind", "Statistic", "Numerator", "Denominator",
                "Unit", "Polarity", "Comparators", "Confidence", "Suppression", "Breakdowns",
                "Data source", "Reads", "Owner", "Last reviewed", "Status", "Version",
                "Goals served"}
    for section in loaded.framework.model.sections:
        for indicator in section.indicators:
            names = {name for name, _ in definition_rows(page, indicator, section)}
            missing = required - names - ({"Denominator", "Numerator"}
                                          if indicator.statistic is m.Statistic.MEAN else set())
            missing -= {"Data source"} if not dict(indicator.metadata).get("source") else set()
            assert not missing, f"{indicator.name} lacks {sorted(missing)}"


def test_indicator_rows_read_as_published() -> None:
    """Rows of `short_care` say what its file says, in words."""
    loaded = _load("family")
    page = framework_page(loaded, _site())
    section = loaded.framework.model.sections[0]
    indicator = next(i for i in section.indicators if i.id == "short_care")
    rows = dict(definition_rows(page, indicator, section))
    assert rows["Owner"] == "Family team"
    assert rows["Last reviewed"] == "2025-01-31"
    assert rows["Version"] == "2"
    assert rows["Polarity"] == "Lower is better. Fewer moves are better for children\\_in\\_care."
    assert "Wilson EB (1927)" in rows["Confidence"]
    assert rows["Breakdowns"] == "``SEX``"
    assert ":ospec:ds:`records.episodes`: ``CHILD``, ``DEC``, ``DECOM``, ``LS``" in rows["Reads"]
    assert rows["Definitions used"] == (":ospec:def:`family.in_care`, "
                                        ":ospec:def:`records.looked_after_at_end`")
    assert rows["Exclusions"] == ("* ``DOB is missing``: The date of birth is needed to place "
                                  "the child\n")


def test_related_measures_name_the_same_quantity_elsewhere() -> None:
    """The duplicate in `other` is named on `family.leavers_eet`, and vice versa."""
    site = _site()
    alignment = align([x.framework.model for x in site],
                      modules=[module for x in site for module in x.framework.modules])
    related = related_measures(alignment)
    assert [r.indicator for r in related["family.leavers_eet"]] == ["other.leavers_in_eet"]
    assert [r.indicator for r in related["other.leavers_in_eet"]] == ["family.leavers_eet"]
    assert related["family.leavers_eet"][0].how == "computes the same quantity"


def test_same_identifier_in_another_framework_is_related() -> None:
    """An indicator with the same id in another framework is named, once, after what the
    alignment found."""
    family = _load("family").framework.model
    copy = attrs.evolve(family, name="copy", sections=tuple(
        attrs.evolve(section, indicators=tuple(
            attrs.evolve(i, name=f"copy.{i.id}", framework="copy") for i in section.indicators))
        for section in family.sections))
    related = same_identifiers([family, copy])
    assert [r.indicator for r in related["family.sdq"]] == ["copy.sdq"]
    assert related["copy.sdq"][0].how == "has the same identifier in another framework"
    known = {"family.sdq": (Related("copy.sdq", "Copy", "computes the same quantity"),)}
    assert same_identifiers([family, copy], known)["family.sdq"] == known["family.sdq"]


def test_source_block_keeps_comments_and_line_numbers() -> None:
    """The indicator's source starts at the comment above it, numbered as in the file."""
    loaded = _load("family")
    indicator = loaded.framework.model.indicators[0]
    block = source_block(indicator, "project/family.ospec")
    assert ":lineno-start: 18" in block
    assert "project/family.ospec, lines 18\u201329" in block
    assert "\n   # Looked after children per 10,000" in block
    assert "\n   indicator care_rate" in block
    assert "\n     kind context" in block


def test_generated_pages_parse_without_docutils_warnings() -> None:
    """Apart from the `ospec` directives, the generated reST is valid: tables, lists, fields."""
    page = render_framework(framework_page(_load("family"), _site()))
    plain = re.sub(r"\.\. ospec:\w+::.*\n(   :\w+:.*\n)*", ".. container::\n\n", page)
    plain = re.sub(r":ospec:\w+:`", "`", plain)
    plain = plain.replace(".. code-block:: ospec", ".. code:: text")
    plain = re.sub(r"   :(linenos|lineno-start|caption):.*\n", "", plain)
    assert _docutils_problems(plain) == []


def test_diagnostics_reference_lists_every_code_once_in_series_order() -> None:
    """Every registered code has one entry; series headings come in the declared order."""
    text = render_diagnostics(CODES.values())
    listed = re.findall(r"^\.\. ospec:diagnostic:: (\S+)$", text, flags=re.M)
    assert sorted(listed) == sorted(CODES)
    assert len(listed) == len(set(listed))
    headings = [line for line in text.splitlines()
                if line in {title for _, title in SERIES} | {"Other codes"}]
    order = [title for _, title in SERIES if title in headings]
    assert headings == order


def test_diagnostic_explanation_code_becomes_literal() -> None:
    """`code` in an explanation is a literal; a word glued to it stays valid reST."""
    text = render_diagnostics([CodeInfo("E999", "error", "`this` here",
                                        "Write `x`s and *not* `y`.")])
    assert "**``this`` here.** Write ``x``\\ s and \\*not\\* ``y``." in text


@given(st.text(alphabet=st.characters(codec="utf-8", categories=["L", "N", "P", "S", "Zs"]),
               min_size=1, max_size=40))
def test_escaped_text_reads_back_as_written(text: str) -> None:
    """Whatever a title holds, the escaped reST shows exactly that text (spaces collapsed)."""
    flat = " ".join(text.split())
    if not flat:
        return
    doctree = publish_doctree(markup.escape(text), settings_overrides={
        "report_level": 5, "halt_level": 5})
    problems = list(doctree.findall(lambda n: n.tagname == "system_message"))
    assert problems == []
    assert doctree.astext() == flat


@pytest.mark.parametrize(("code", "expected"), [
    ("count(episodes)\n   >= 3", "``count(episodes) >= 3``"),
    ('x = "`"', ':literal:`x = "\\`"`'),
    ("a\\", ":literal:`a\\\\`"),
])
def test_literal_reads_back_as_written(code: str, expected: str) -> None:
    """Code shown inline survives backticks and a trailing backslash."""
    assert markup.literal(code) == expected
    doctree = publish_doctree(f"Text {expected} more.")
    assert " ".join(code.split()) in doctree.astext()


def test_role_title_cannot_end_the_role() -> None:
    """A title holding `<`, `>` and backticks is escaped inside the citation."""
    assert markup.role("ospec:ind", "f.a", "A <b> `c`") == ":ospec:ind:`A \\<b\\> \\`c\\` <f.a>`"


def test_lineage_follows_definitions_through_cohorts() -> None:
    """A cohort's definitions are used by every indicator counting that cohort."""
    loaded = _load("family")
    modules = loaded.framework.modules
    definitions = {d.name: d for mod in modules for d in mod.definitions}
    cohorts = {c.name: c for mod in modules for c in mod.cohorts}
    care_rate = loaded.framework.model.indicators[0]
    assert lineage.uses(care_rate, definitions, cohorts) == (
        "family.in_care", "records.looked_after_at_end")


# ------------------------------------------------------------------ pictures


def _spine_row(**changes: object) -> charts.SpineRow:
    values: dict[str, object] = {
        "indicator": "a", "title": "A measure", "unit": "percent",
        "polarity": "higher_is_better", "value": 50.0, "judgement": "better",
        "england": 40.0, "region": 45.0, "neighbours": 44.0,
        "spread": (10.0, 30.0, 50.0, 70.0)}
    values.update(changes)
    return charts.SpineRow(**values)  # type: ignore[arg-type]


def test_spine_chart_svg_is_reproducible() -> None:
    """The same rows give byte-identical SVG with no date, text kept as text."""
    rows = [_spine_row(), _spine_row(indicator="b", polarity="lower_is_better", value=None,
                                     judgement="not_compared")]
    first = charts.render_spine_chart(rows, area="Hartlepool (805)")
    assert first == charts.render_spine_chart(rows, area="Hartlepool (805)")
    assert "<dc:date>" not in first
    assert "Hartlepool (805)" in first
    assert "A measure" in first


def test_spine_chart_colours_the_area_by_its_judgement() -> None:
    """The area's marker is filled with the colour of its judgement."""
    for judgement, (colour, _, _) in charts.JUDGEMENTS.items():
        svg = charts.render_spine_chart([_spine_row(judgement=judgement)], area="X")
        assert colour.lower() in svg.lower()


def test_spine_table_gives_every_number_the_chart_shows() -> None:
    """The table beside a spine chart has, per indicator, the area, England, region,
    neighbours, the spread of authorities and the judgement in words."""
    rows = [_spine_row(), _spine_row(title="B measure", unit="per 10,000", value=None,
                                     judgement="not_compared", region=None, spread=None)]
    header, first, second = charts.spine_table(rows, area="Hartlepool (805)")
    assert header[1] == "Hartlepool (805)"
    assert first == ("A measure", "50.0%", "40.0%", "45.0%", "44.0%", "10.0%",
                     "30.0% to 50.0%", "70.0%", "better")
    assert second == ("B measure", "–", "40.0", "–", "44.0", "–", "–", "–", "not compared")


def _luminance(colour: str) -> float:
    """WCAG 2 relative luminance of `#RRGGBB`."""
    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    red, green, blue = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


def _contrast(one: str, other: str) -> float:
    high, low = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_relation_colours_keep_their_text_readable_and_their_order_visible() -> None:
    """Every relation's words are at least 4.5:1 against its colour (WCAG 1.4.3), and the
    colours grow lighter from exact to not served, so the order shows without hue."""
    assert _contrast("#FFFFFF", "#000000") == pytest.approx(21.0)
    for background, text in RELATION_COLOURS.values():  # the report's and the heat map's
        assert _contrast(background, text) >= 4.5, (background, text)
    lightness = [_luminance(background) for background, _ in RELATION_COLOURS.values()]
    assert lightness == sorted(lightness)
    assert len(set(lightness)) == len(lightness)


def test_spine_position_puts_england_in_the_middle_and_better_on_the_right() -> None:
    """England at 0.5; the farthest authority at an end; better to the right."""
    higher = _spine_row(spread=(10.0, 30.0, 50.0, 70.0), england=40.0)
    assert charts.spine_position(40.0, higher) == 0.5
    assert charts.spine_position(70.0, higher) == 1.0
    assert charts.spine_position(10.0, higher) == 0.0
    lower = _spine_row(polarity="lower_is_better", spread=(10.0, 30.0, 50.0, 70.0),
                       england=40.0)
    assert charts.spine_position(10.0, lower) == 1.0


def test_heatmap_shows_every_goal_framework_and_relation() -> None:
    """Goal titles, framework names and relations are all in the picture."""
    svg = charts.render_heatmap(["Stable homes", "Good start"], ["family", "other"],
                                [["exact", None], ["proxy", "broader"]])
    for text in ("Stable homes", "Good start", "family", "other", "exact", "proxy", "broader"):
        assert text in svg
    assert svg == charts.render_heatmap(["Stable homes", "Good start"], ["family", "other"],
                                        [["exact", None], ["proxy", "broader"]])


def test_percentile_matches_numpy() -> None:
    """Linear interpolation between order statistics, as NumPy's default."""
    values = [3.0, 1.0, 4.0, 1.5, 9.0, 2.6]
    for fraction in (0.0, 0.25, 0.5, 0.75, 1.0):
        assert spines.percentile(values, fraction) == pytest.approx(
            float(np.percentile(values, fraction * 100)))


def _result(area_type: str, code: str, value: float | None, *, region: str = "R1",
            suppressed: bool = False, judgement: str = "similar") -> dict[str, object]:
    return {"framework": "family", "indicator": "short_care", "breakdown": "",
            "area_type": area_type, "area_code": code, "value": value, "unit": "percent",
            "suppressed": suppressed, "region_code": region if area_type != "england" else "",
            "vs_england": judgement}


def test_spine_rows_take_spread_region_and_neighbour_median() -> None:
    """Spread over the authorities shown, the area's region, the neighbours' median;
    suppressed values count nowhere."""
    rows = [
        _result("england", "E92000001", 12.0),
        _result("region", "R1", 11.0), _result("region", "R2", 30.0),
        _result("local_authority", "805", 10.0, judgement="better"),
        _result("local_authority", "806", 20.0), _result("local_authority", "807", 14.0),
        _result("local_authority", "808", 99.0, suppressed=True),
        _result("local_authority", "809", 30.0, region="R2"),
    ]
    model = _load("family").framework.model
    found = spines.spine_rows(rows, model, "805", {"statistical_neighbours": ["806", "807"]})
    (row,) = found["family.stable"]
    assert row.value == 10.0
    assert row.judgement == "better"
    assert row.england == 12.0
    assert row.region == 11.0
    assert row.neighbours is None  # short_care declares no neighbours comparator
    assert row.spread == (10.0, 13.0, 22.5, 30.0)
    section = model.sections[0]
    compared = attrs.evolve(section.indicators[1], comparators=(
        m.Comparator(m.ComparatorKind.NEIGHBOURS, "statistical_neighbours",
                     m.NeighbourMethod.MEDIAN),))
    with_neighbours = attrs.evolve(model, sections=(
        attrs.evolve(section, indicators=(compared,)),))
    found = spines.spine_rows(rows, with_neighbours, "805",
                              {"statistical_neighbours": ["806", "807", "808"]})
    assert found["family.stable"][0].neighbours == 17.0
