"""Every blank has a reason: published markers kept from loading to the results' `note` column,
zero denominators, numerators above their denominators, indicators not evaluated, and pooled
values that leave authorities out."""

from __future__ import annotations

import csv
import io
import json
import math
import re
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import outcomespec
from outcomespec import model as m
from outcomespec.evaluation.areas import AreaFrame, IndicatorTotals
from outcomespec.evaluation.evaluator import Skipped
from outcomespec.model.notes import MARKER_NOTES, NOTES, Marker, Note, marker_of, parse_note
from outcomespec.results.builder import Results, build_results
from tests.paths import REPO

NE = "E12000001"

FRAMEWORK = """\
framework published "Indicators from a published table" {
  period year ending 31 March
  suppress none
  dataset counts "A published table, one row per authority, year and category" {
    rows area_year_category  area la  period year
    missing "c", "k", "low", "u", "x", "z", ":"
    column la text  column year integer  column category text
    column number integer optional  column total integer optional
  }
  outcome all "Everything" {
    indicator share "Share of the total" {
      kind outcome  statistic proportion  unit percent
      numerator sum(number of counts where category = "a")
      denominator sum(total of counts where category = "a")
      polarity lower_is_better "fewer is better"
      compare england
      confidence wilson 95%
    }
    indicator both "Both categories" {
      kind context  statistic count
      numerator sum(number of counts)
      polarity no_judgement "context"
      confidence byars 95%
    }
  }
}
"""

# la, year, category, number, total: 201 publishes `c` and 202 `x`, 203 has `z` in one row
# and `c` in the other, 204 a number above its total, 205 a total of 0, 206 has no row.
ROWS = [
    ("201", 2025, "a", "c", "40"), ("201", 2025, "b", "7", "30"),
    ("202", 2025, "a", "x", "x"), ("202", 2025, "b", "3", "10"),
    ("203", 2025, "a", "z", "12"), ("203", 2025, "b", "c", "9"),
    ("204", 2025, "a", "50", "20"), ("204", 2025, "b", "2", "8"),
    ("205", 2025, "a", "0", "0"), ("205", 2025, "b", "1", "1"),
    ("207", 2025, "a", "12", "60"), ("207", 2025, "b", "low", "5"),
    ("208", 2025, "a", "30", "100"), ("208", 2025, "b", "10", "50"),
    ("206", 2024, "a", "1", "2"),
]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> outcomespec.api.Run:
    """The framework above evaluated on the table above, for 2025."""
    folder = tmp_path_factory.mktemp("published")
    (folder / "notes.ospec").write_text(FRAMEWORK, encoding="utf-8")
    with (folder / "counts.csv").open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["la", "year", "category", "number", "total"])
        writer.writerows(ROWS)
    return outcomespec.load(folder / "notes.ospec").run(folder, 2025)


def rows(run: outcomespec.api.Run, indicator: str) -> dict[str, dict[str, Any]]:
    """One indicator's rows by area code (an authority's DfE code: the geography gives no ONS
    code, so its `area_code` is blank)."""
    return {r["la_code"] or r["area_code"]: r for r in run.results.rows()
            if r["indicator"] == indicator}


# ------------------------------------------------------------------ the vocabulary


def test_every_note_has_a_meaning_and_its_words_in_each_layout() -> None:
    """The thirteen notes of the shared contract, each explained and worded for Fingertips,
    and each blank one with a symbol of DfE's (`incomplete` keeps its number)."""
    assert [note.value for note in Note] == [
        "suppressed", "suppressed_secondary", "published_suppressed", "rounds_to_zero",
        "low_reliability", "not_available", "not_applicable", "no_data_for_period",
        "area_did_not_exist", "zero_denominator", "numerator_exceeds_denominator",
        "not_evaluated", "incomplete"]
    assert set(NOTES) == set(Note)
    for note, info in NOTES.items():
        assert info.meaning.endswith("."), note
        assert info.fingertips, note
        assert (info.symbol is None) == (note is Note.INCOMPLETE), note
        assert info.symbol in (None, "c", "k", "u", "x", "z"), note


def test_the_docs_list_every_note_as_the_code_defines_it() -> None:
    """docs/notes.rst's table: each note, in order, with its meaning, EES symbol and
    Fingertips wording exactly as `outcomespec.model.notes.NOTES` has them."""
    text = (REPO / "docs" / "notes.rst").read_text(encoding="utf-8")
    table = re.findall(r"\n   \* - ``(\w+)``\n     - (.+)\n     - (.+)\n     - (.+)", text)
    assert [keyword for keyword, *_ in table] == [note.value for note in Note]
    for keyword, meaning, symbol, fingertips in table:
        info = Note(keyword).info
        assert meaning == info.meaning
        assert symbol == (f"``{info.symbol}``" if info.symbol else "(the number)")
        assert fingertips == info.fingertips


def test_dfe_symbols_become_markers_in_order_of_precedence() -> None:
    """c > u > k (also `low`) > x and `:` > z > an empty cell, brackets and case aside."""
    symbols = ["c", "[C]", "u", "k", "low", "x", ":", "[x]", "z", "-"]
    assert [marker_of(s) for s in symbols] == [
        Marker.SUPPRESSED, Marker.SUPPRESSED, Marker.LOW_RELIABILITY, Marker.ROUNDS_TO_ZERO,
        Marker.ROUNDS_TO_ZERO, Marker.NOT_AVAILABLE, Marker.NOT_AVAILABLE,
        Marker.NOT_AVAILABLE, Marker.NOT_APPLICABLE, Marker.NOT_AVAILABLE]
    assert sorted(Marker)[1:] == [Marker.EMPTY, Marker.NOT_APPLICABLE, Marker.NOT_AVAILABLE,
                                  Marker.ROUNDS_TO_ZERO, Marker.LOW_RELIABILITY,
                                  Marker.SUPPRESSED]
    assert MARKER_NOTES[Marker.SUPPRESSED] is Note.PUBLISHED_SUPPRESSED
    assert MARKER_NOTES[Marker.EMPTY] is MARKER_NOTES[Marker.NOT_AVAILABLE]


def test_a_note_splits_into_keyword_and_detail() -> None:
    """`keyword: detail` (the detail may hold colons); an empty cell is no note."""
    assert parse_note("not_evaluated: needs `a`: see x") == (Note.NOT_EVALUATED,
                                                              "needs `a`: see x")
    assert parse_note("suppressed") == (Note.SUPPRESSED, "")
    assert parse_note("") is None
    with pytest.raises(ValueError, match="surprise"):
        parse_note("surprise: not in the vocabulary")


# ------------------------------------------------------------------ markers from loading


def test_loading_keeps_which_symbol_made_each_value_missing(run: outcomespec.api.Run) -> None:
    """`number` holds c, x, z, c, low on their rows (markers 6, 3, 2, 6, 4), 0 elsewhere;
    `total` only the `x`; the text column `category` none."""
    table = run.loads["published.counts"].table
    assert table is not None
    assert table.markers["number"].tolist() == [6, 0, 3, 0, 2, 6, 0, 0, 0, 0, 0, 4, 0, 0, 0]
    assert table.markers["total"].tolist() == [0, 0, 3] + [0] * 12
    assert "category" not in table.markers
    assert np.isnan(table.columns["number"][[0, 2, 4, 5, 11]]).all()


def test_markers_are_kept_from_a_dataframe_too(tmp_path: Path) -> None:
    """A pandas table of text cells gives the same markers as the CSV file."""
    pandas = pytest.importorskip("pandas")
    (tmp_path / "notes.ospec").write_text(FRAMEWORK, encoding="utf-8")
    frame = pandas.DataFrame(ROWS, columns=["la", "year", "category", "number", "total"])
    loaded = outcomespec.load(tmp_path / "notes.ospec").run({"counts": frame}, 2025)
    table = loaded.loads["published.counts"].table
    assert table is not None
    assert table.markers["number"].tolist() == [6, 0, 3, 0, 2, 6, 0, 0, 0, 0, 0, 4, 0, 0, 0]


# ------------------------------------------------------------------ notes of LAs


def test_each_blank_local_authority_says_why(run: outcomespec.api.Run) -> None:
    """Each LA of `share`: its value, or blank with the reason its cells give."""
    share = rows(run, "share")
    expected = {
        "201": (None, "published_suppressed: numerator"),
        "202": (None, "not_available: numerator and denominator"),
        "203": (None, "not_applicable: numerator"),
        "204": (None, "numerator_exceeds_denominator"),
        "205": (None, "zero_denominator"),
        "206": (None, "not_available: numerator and denominator"),  # no row for 2025
        "207": (20.0, ""),
        "208": (30.0, ""),
    }
    assert {code: (row["value"], row["note"]) for code, row in share.items()
            if row["area_type"] == "local_authority"} == expected
    assert (share["204"]["numerator"], share["204"]["denominator"]) == (50, 20)
    assert (share["204"]["lower_95"], share["204"]["vs_england"]) == (None, "not_compared")
    assert (share["201"]["numerator"], share["201"]["denominator"]) == (None, 40)
    assert not any(row["suppressed"] for row in share.values())


def test_the_strongest_symbol_names_a_total_of_several_rows(run: outcomespec.api.Run) -> None:
    """`both` adds up two rows: 203's `z` and `c` make `published_suppressed`; 207's `low`
    makes `rounds_to_zero`; 202's `x` `not_available`; 204 and 205 add up."""
    both = rows(run, "both")
    assert both["203"]["note"] == "published_suppressed: numerator"
    assert both["207"]["note"] == "rounds_to_zero: numerator"
    assert both["202"]["note"] == "not_available: numerator"
    assert (both["204"]["value"], both["205"]["value"], both["208"]["value"]) == (52, 1, 40)


def test_england_pools_what_is_known_and_says_how_much_is_left_out(
        run: outcomespec.api.Run) -> None:
    """England's share pools 207 and 208 only (42 / 160), leaving out five authorities whose
    counts are not known and 204, whose numerator is above its total; 205's 0 / 0 is in."""
    england = rows(run, "share")["E92000001"]
    assert (england["numerator"], england["denominator"]) == (42 + 0, 60 + 100 + 40 + 12 + 0)
    assert england["value"] == pytest.approx(100 * 42 / 212)
    assert england["note"] == ("incomplete: 4 authorities' counts not known; 1 authority's "
                               "numerator larger than its denominator")


def test_a_numerator_above_its_denominator_is_a_warning_naming_where(
        run: outcomespec.api.Run) -> None:
    """D210 names the indicator, the authority, both counts and the columns they add up."""
    (warning,) = [d for d in run.diagnostics if d.code == "D210"]
    assert warning.severity.value == "warning"
    assert warning.message == ("`share`: the numerator of 204, 50, is larger than its "
                               "denominator, 20")
    assert warning.help is not None
    assert "`number` of `published.counts`" in warning.help
    assert "`total` of `published.counts`" in warning.help
    assert "numerator_exceeds_denominator" in warning.help


def test_the_layouts_write_the_notes(run: outcomespec.api.Run) -> None:
    """CSV and JSON carry the note; EES writes DfE's symbols; Fingertips its value note."""
    results = run.results
    text = results.to_csv()
    assert text is not None
    by_code = {(r["indicator"], r["la_code"]): r for r in csv.DictReader(io.StringIO(text))}
    assert by_code[("share", "201")]["note"] == "published_suppressed: numerator"
    records = json.loads(results.to_json() or "")
    assert {r["note"] for r in records if r["la_code"] == "205"} == {"zero_denominator", ""}
    ees = {(r["indicator"], r["old_la_code"]): r for r in csv.DictReader(io.StringIO(
        results.to_ees_csv() or ""))}
    assert [ees[("share", code)]["value"] for code in
            ("201", "202", "203", "204", "205", "206")] == ["c", "x", "z", "x", "z", "x"]
    assert (ees[("share", "201")]["numerator"], ees[("share", "201")]["denominator"]) == (
        "c", "40")
    assert ees[("both", "207")]["numerator"] == "k"
    fingertips = {(r["Indicator ID"], r["Area Code"] or r["Area Name"]): r
                  for r in csv.DictReader(io.StringIO(results.to_fingertips_csv() or ""))}
    assert fingertips[("share", "201")]["Value note"] == (
        "Value suppressed for disclosure control in the source data: numerator")
    assert fingertips[("share", "E92000001")]["Value note"].startswith(
        "Aggregated from all known lower geography values: 4 authorities'")


def test_pandas_and_arrow_carry_the_note_as_text(run: outcomespec.api.Run) -> None:
    """The note column, after `suppressed`, in the DataFrame and the Arrow table."""
    pandas = pytest.importorskip("pandas")
    pa = pytest.importorskip("pyarrow")
    frame = run.results.to_pandas()
    assert isinstance(frame, pandas.DataFrame)
    assert list(frame.columns).index("note") == list(frame.columns).index("suppressed") + 1
    assert frame.loc[frame["la_code"] == "205", "note"].tolist() == ["zero_denominator", ""]
    table = run.results.to_arrow()
    assert table.schema.field("note").type == pa.string()
    assert table.column("note").to_pylist() == list(run.results.note)


def test_note_counts_say_how_many_values_and_blanks(run: outcomespec.api.Run) -> None:
    """`share` and `both` over 8 LAs (no regions) and England: the values, and the blanks
    by reason."""
    counts = run.results.note_counts()
    assert counts.values == 7  # share: 207, 208, England; both: 204, 205, 208, England
    assert counts.blanks == {Note.PUBLISHED_SUPPRESSED: 3, Note.NOT_AVAILABLE: 4,
                             Note.NOT_APPLICABLE: 1, Note.NUMERATOR_EXCEEDS_DENOMINATOR: 1,
                             Note.ZERO_DENOMINATOR: 1, Note.ROUNDS_TO_ZERO: 1}
    assert counts.qualified == {Note.INCOMPLETE: 2}
    assert counts.blank + counts.values == len(run.results)


# ------------------------------------------------------------------ results alone


def indicator(statistic: m.Statistic = m.Statistic.PROPORTION,
              suppression: tuple[int, int] | None = (1, 5)) -> m.Indicator:
    """A checked indicator `csc.x`."""
    unit = m.Unit("percent", 100.0) if statistic is m.Statistic.PROPORTION else \
        m.Unit("per 10,000", 10_000.0)
    return m.Indicator(name="csc.x", framework="csc", section="s", title="X",
                       kind=m.Kind.OUTCOME, statistic=statistic, unit=unit,
                       polarity=m.Polarity.LOWER_IS_BETTER,
                       comparators=(m.Comparator(m.ComparatorKind.ENGLAND),),
                       confidence=m.ConfidenceMethod.WILSON
                       if statistic is m.Statistic.PROPORTION else m.ConfidenceMethod.BYARS,
                       levels=(0.95,), suppression=suppression,
                       numerator_subset=m.SubsetProof.PROVEN)


def frame(n: int = 4) -> AreaFrame:
    """`n` LAs in one region."""
    return AreaFrame(tuple(f"E0600000{i}" for i in range(n)), tuple(f"LA {i}" for i in range(n)),
                     [0] * n, (NE,), ("North East",))


def test_a_skipped_indicator_is_published_as_noted_blank_rows() -> None:
    """An indicator not evaluated has a row for England, the region and each LA, blank, not
    suppressed, not compared, its note giving the keyword and the reason."""
    evaluated = IndicatorTotals(indicator(), [10, 20, 30, 40], [100] * 4)
    gone = attrs.evolve(indicator(), name="csc.gone", title="Gone")
    results = build_results([evaluated], frame(), 2025, skipped=[
        Skipped(gone, "needs `episodes`, which was not supplied"),
        Skipped(gone, "the data hold no rows for 2025", note="no_data_for_period")])
    skipped = [r for r in results.rows() if r["indicator"] == "gone"]
    assert len(skipped) == 2 * 6
    assert [r["area_name"] for r in skipped[:6]] == ["England", "North East", "LA 0", "LA 1",
                                                     "LA 2", "LA 3"]
    for row in skipped:
        assert (row["value"], row["numerator"], row["lower_95"], row["suppressed"],
                row["vs_england"]) == (None, None, None, False, "not_compared")
    assert {r["note"] for r in skipped} == {
        "not_evaluated: needs `episodes`, which was not supplied",
        "no_data_for_period: the data hold no rows for 2025"}
    assert [r["indicator"] for r in results.rows()][:6] == ["x"] * 6  # evaluated rows first


def test_suppression_notes_say_primary_or_secondary() -> None:
    """LA 0's 3 is `suppressed`; LA 1, hidden with it, `suppressed_secondary`."""
    results = build_results([IndicatorTotals(indicator(), [3, 20, 30, 40], [100] * 4)],
                            frame(), 2025)
    notes = {r["area_name"]: r["note"] for r in results.rows()}
    assert notes == {"England": "", "North East": "", "LA 0": "suppressed",
                     "LA 1": "suppressed_secondary", "LA 2": "", "LA 3": ""}


def test_a_rate_with_a_population_of_zero_is_blank_not_infinite() -> None:
    """A rate whose denominator is 0 has no value and says so; England leaves nothing out."""
    results = build_results([IndicatorTotals(indicator(m.Statistic.RATE, None),
                                             [0, 20, 30, 40], [0, 1000, 2000, 3000])],
                            frame(), 2025)
    row = next(r for r in results.rows() if r["area_name"] == "LA 0")
    assert (row["value"], row["note"]) == (None, "zero_denominator")
    england = next(r for r in results.rows() if r["area_type"] == "england")
    assert (england["value"], england["note"]) == (pytest.approx(10_000 * 90 / 6000), "")


COUNT = st.one_of(st.just(math.nan), st.just(0.0), st.integers(1, 400).map(float))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(COUNT, COUNT, st.integers(0, 6)), min_size=1, max_size=12),
       st.booleans())
def test_every_blank_value_has_a_note(cells: list[tuple[float, float, int]],
                                      suppress: bool) -> None:
    """Whatever the counts (unknown, zero, small, numerator above denominator), a value is
    blank only with a note, and a note other than `incomplete` only on a blank."""
    nums, dens, markers = zip(*cells, strict=True)
    marks = [marker if math.isnan(n) else 0 for n, marker in zip(nums, markers, strict=True)]
    totals = IndicatorTotals(indicator(suppression=(1, 5) if suppress else None), nums, dens,
                             numerator_markers=marks)
    results: Results = build_results([totals], frame(len(cells)), 2025)
    for value, note in zip(results.value.tolist(), results.note, strict=True):
        if math.isnan(value):
            assert note, (nums, dens)
        else:
            assert note == "" or note.startswith("incomplete: "), (nums, dens, note)
