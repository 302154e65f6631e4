"""Proof on published data: `frameworks/dfe_published.ospec` reproduces DfE's published figures.

For 2021-2025 and each of the six indicators, every local authority's numerator and
denominator must be its published counts, and its value rounded as DfE rounds (whole numbers
for the children looked after tables, one decimal place for the children in need tables,
whole-number rates) must be its published figure. LAs whose published cells hold a symbol (`c`
suppressed, `x` not available, `z` not applicable, `u` low reliability) are counted, and their
value must be blank with the note the symbol gives (`published_suppressed`, ...). As the
framework declares, England and the regions are DfE's published rows (`compare england
published`): their counts and value exactly as printed. Pooled instead (`comparators=
"pooled"`, most tests below), England is pooled from the LAs whose counts are known, says how
many it leaves out (`incomplete`), and must round to the published national figure; where it
cannot, the test says why and checks the explanation against the files.

Data: `frameworks/data/dfe/` (Open Government Licence v3.0, see its README.md); the files are
read here with the `csv` module, independently of outcomespec's loader.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import math
import statistics
import sys
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from statistics import NormalDist
from typing import Any, NamedTuple

import pytest

import outcomespec
from outcomespec.cli import main
from outcomespec.results.judgement import neighbour_median
from tests.paths import REPO

FRAMEWORKS = REPO / "frameworks"
FRAMEWORK = FRAMEWORKS / "dfe_published.ospec"
DATA = FRAMEWORKS / "data" / "dfe"
PERIODS = (2021, 2022, 2023, 2024, 2025)


class Spec(NamedTuple):
    """Where an indicator's published figures are: file, rows, and the three columns."""

    file: str
    where: dict[str, str]
    numerator: tuple[str, dict[str, str]]
    denominator: tuple[str, dict[str, str]]
    published: tuple[str, dict[str, str]]
    places: int


THREE_PLUS = {"placement_stability": "With 3 or more placements during the year"}
SAME_CARER = {"placement_stability": "Living with the same carer for at least 2 years"}
EET = {"breakdown": "Total in education, employment or training"}
SPECS = {
    "placements_3plus": Spec(
        "placement_stability.csv", {"cla_group": "CLA on 31 March"},
        ("children_count", THREE_PLUS),
        ("children_count", {"placement_stability": "Total children"}),
        ("children_percent", THREE_PLUS), 0),
    "long_term_stability": Spec(
        "placement_stability.csv",
        {"cla_group": "Children looked after continuously for at least 2.5 years on 31 March "
                      "aged under 16 years"},
        ("children_count", SAME_CARER),
        ("children_count", {"placement_stability": "Total children"}),
        ("children_percent", SAME_CARER), 0),
    "care_leavers_19_21_eet": Spec(
        "care_leavers_activity.csv", {"care_leaver_age": "19 to 21 years"},
        ("care_leaver_count", EET), ("care_leaver_count", {"breakdown": "Total"}),
        ("care_leaver_percent", EET), 0),
    # The CLA table prints the population it divided by: that it equals ours proves the
    # framework's pairing of reporting year Y with the ONS estimate of mid-(Y-1).
    "cla_rate_per_10k": Spec(
        "cla_numbers.csv", {"population_type": "Children looked after on 31 March each year"},
        ("children_count", {}), ("population_estimate", {}), ("rate_per_10000", {}), 0),
    "rereferrals_12m": Spec(
        "cin_referrals.csv", {}, ("rereferral_count", {}), ("referral_count", {}),
        ("rereferral_percent", {}), 1),
    "cpp_second_or_subsequent": Spec(
        "cpp_subsequent_plans.csv", {}, ("CPP_subsequent", {}), ("CPP_start", {}),
        ("CPP_subsequent_percent", {}), 1),
}

# LA rows skipped because a published cell holds a symbol, 2021..2025, as the files show:
# placements: `c` numerators (and City of London's `c` denominator in 2025), Isles of Scilly
# `z/0/z`; long-term stability likewise; care leavers: one `0/0/z`; CLA rate: Isles of Scilly
# `z` every year, City of London `c` in 2025; CIN: `c` for small counts (City of London, Isles
# of Scilly, Rutland, Westminster, Kensington and Chelsea), `x` for Hackney 2021-2022 (cyber
# attack), `u` for Herefordshire's referrals 2023-2024, Doncaster's plans 2022 and Hampshire
# 2024 (both tables). Authorities that did not exist in a year (Northamptonshire from 2022,
# Cumbria from 2024, their successors before) have no results row: the CIN tables have no row
# for them and the CLA tables print them as `z` throughout.
SKIPPED = {
    "placements_3plus": (4, 2, 4, 4, 3),
    "long_term_stability": (2, 3, 2, 4, 3),
    "care_leavers_19_21_eet": (1, 1, 1, 1, 1),
    "cla_rate_per_10k": (1, 1, 1, 1, 2),
    "rereferrals_12m": (2, 2, 3, 4, 0),
    "cpp_second_or_subsequent": (5, 5, 4, 3, 2),
}
# The local authorities of each year: those with a row in the CIN referrals table, which
# leaves out the authorities that did not exist that year.
EXISTING = {2021: 151, 2022: 152, 2023: 152, 2024: 153, 2025: 153}

# The note a published symbol gives a count it makes unknown, strongest first; "" is a cell
# that is empty or not there at all.
SYMBOL_NOTES = {"c": "published_suppressed", "u": "low_reliability", "k": "rounds_to_zero",
                "x": "not_available", ":": "not_available", "z": "not_applicable",
                "": "not_available"}


class Cells(NamedTuple):
    """One area's published numerator, denominator and figure, as printed."""

    num: str
    den: str
    value: str


def dfe_round(value: float, places: int) -> Decimal:
    """Round as DfE does: halves away from zero, with the dashboard's `true_round` tolerance."""
    # DfE publishes 46/80 as 58%, but 46 / 80 * 100 is 57.49999999999999 in binary floating
    # point, which Python's `round` (halves to even, and below the half anyway) makes 57. The
    # dashboard's R `true_round` adds sqrt(machine epsilon) before truncating; so do we.
    scaled = math.trunc(abs(value) * 10**places + 0.5 + math.sqrt(sys.float_info.epsilon))
    return Decimal(int(math.copysign(scaled, value))).scaleb(-places)


def _number(text: str) -> float | None:
    """A published cell as a number, or None for a symbol (c, k, u, x, z) or an empty cell."""
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return None


@functools.cache
def _table(name: str) -> tuple[dict[str, str], ...]:
    """A data file's rows, keys and values stripped (files carry a BOM and trailing spaces)."""
    with (DATA / name).open(encoding="utf-8-sig", newline="") as stream:
        return tuple({key.strip(): (value or "").strip() for key, value in row.items()}
                     for row in csv.DictReader(stream))


def _matches(row: dict[str, str], where: dict[str, str]) -> bool:
    return all(row[column] == value for column, value in where.items())


@functools.cache
def _published(indicator: str, year: int) -> tuple[dict[str, Cells], Cells]:
    """The published LA cells (by 3-digit code) and national cells of one indicator and year."""
    spec = SPECS[indicator]
    found: dict[tuple[str, str], dict[str, str]] = {}
    for row in _table(spec.file):
        if row["time_period"] != str(year) or not _matches(row, spec.where):
            continue
        key = (row["geographic_level"], row["old_la_code"])
        for part, (column, where) in zip(("num", "den", "value"),
                                         (spec.numerator, spec.denominator, spec.published),
                                         strict=True):
            if _matches(row, where):
                found.setdefault(key, {})[part] = row[column]
    las = {code: Cells(**cells) for (level, code), cells in found.items()
           if level == "Local authority"}
    return las, Cells(**found[("National", "")])


def _as_read(indicator: str, code: str, year: int, cells: Cells) -> Cells:
    """An LA's published cells as the framework reads its counts: the CLA rate's denominator
    comes from the ONS table (previous mid-year), not from the CLA table's own column."""
    if indicator == "cla_rate_per_10k":
        return cells._replace(den=_population(code, year - 1))
    return cells


def _population(code: str, year: int) -> str:
    """An LA's ONS mid-year estimate of children as published ("" when it has no row)."""
    found = [r["population_estimate"] for r in _table("ons_population.csv")
             if r["old_la_code"] == code and r["time_period"] == str(year)
             and r["geographic_level"] == "Local authority"]
    return found[0] if found else ""


def _published_row(file: str, code: str, year: int) -> dict[str, str]:
    """One LA's row of a one-row-per-area table (the CIN tables) in one year."""
    (row,) = (r for r in _table(file) if r["old_la_code"] == code and r["time_period"] == str(year))
    return row


@functools.cache
def _framework() -> outcomespec.Framework:
    return outcomespec.load(FRAMEWORK, root=FRAMEWORKS)


@functools.cache
def _run(year: int) -> outcomespec.Run:
    """England and the regions pooled from the authorities (not as declared)."""
    return _framework().run(DATA, year, comparators="pooled")


@functools.cache
def _declared(year: int) -> outcomespec.Run:
    """As the framework declares: England and the regions DfE's published rows."""
    return _framework().run(DATA, year)


def _rows(year: int, indicator: str, area_type: str) -> dict[str, dict[str, Any]]:
    """The results rows of one indicator and area type, by area code (an authority by its
    DfE code)."""
    return {row["la_code"] or row["area_code"]: row for row in _run(year).results.rows()
            if row["indicator"] == indicator and row["area_type"] == area_type}


def _england(year: int, indicator: str) -> dict[str, Any]:
    return _rows(year, indicator, "england")["E92000001"]


def _pooled(year: int, indicator: str, *extra: tuple[float, float]) -> float:
    """England's value from its pooled counts plus extra (numerator, denominator) counts."""
    england = _england(year, indicator)
    num = england["numerator"] + sum(n for n, _ in extra)
    den = england["denominator"] + sum(d for _, d in extra)
    return float(num * (10_000 if indicator == "cla_rate_per_10k" else 100) / den)


def _counts(row: dict[str, str], indicator: str) -> tuple[float, float]:
    """(numerator, denominator) of a published CIN row, as numbers."""
    spec = SPECS[indicator]
    return float(row[spec.numerator[0]]), float(row[spec.denominator[0]])


def _cases() -> list[tuple[str, int]]:
    return [(indicator, year) for indicator in SPECS for year in PERIODS]


def expected_note(cells: Cells) -> str:
    """The note an LA's row must carry, worked out from its published cells alone: the
    strongest symbol among its counts' cells, naming the counts that hold one; else a zero
    denominator; else none."""
    symbols = {part: cell for part, cell in (("numerator", cells.num),
                                             ("denominator", cells.den))
               if _number(cell) is None}
    if symbols:
        strongest = min(symbols.values(), key=list(SYMBOL_NOTES).index)
        return f"{SYMBOL_NOTES[strongest]}: {' and '.join(symbols)}"
    return "zero_denominator" if _number(cells.den) == 0 else ""


# ------------------------------------------------------------------ every LA


@pytest.mark.parametrize(("indicator", "year"), _cases())
def test_every_la_matches_its_published_counts_and_figure(indicator: str, year: int) -> None:
    """Each LA's counts equal the published ones and its value rounds to its published figure."""
    published, _ = _published(indicator, year)
    rows = _rows(year, indicator, "local_authority")
    assert set(rows) == _existing(year)
    assert len(rows) == EXISTING[year]
    assert all(_number(cell) is None for code, cells in published.items() if code not in rows
               for cell in cells)  # only authorities with nothing published are left out
    places = SPECS[indicator].places
    checked = skipped = 0
    for code, row in rows.items():
        cells = published[code]
        assert row["note"] == expected_note(_as_read(indicator, code, year, cells)), (code, cells)
        assert (row["value"] is None) == bool(row["note"]), (code, cells)
        num, den, value = (_number(cell) for cell in cells)
        # Published counts must be ours even beside a suppressed cell.
        assert num is None or row["numerator"] == num, (code, row["numerator"], cells)
        assert den is None or row["denominator"] == den, (code, row["denominator"], cells)
        if num is None or den is None or value is None:
            skipped += 1
            continue
        checked += 1
        assert dfe_round(row["value"], places) == Decimal(cells.value), (code, row["value"], cells)
    assert skipped == SKIPPED[indicator][year - 2021]
    assert checked == EXISTING[year] - skipped


def _existing(year: int) -> set[str]:
    """The authorities with a row of `year` in the CIN referrals table."""
    return {row["old_la_code"] for row in _table("cin_referrals.csv")
            if row["time_period"] == str(year) and row["geographic_level"] == "Local authority"}


@pytest.mark.parametrize("year", PERIODS)
def test_england_pools_exactly_the_authorities_of_the_year(year: int) -> None:
    """England's counts are the sums of the counts of the year's authorities' results rows."""
    for indicator in SPECS:
        rows = _rows(year, indicator, "local_authority")
        england = _england(year, indicator)
        for part in ("numerator", "denominator"):
            pooled = sum(row[part] for row in rows.values() if row[part] is not None)
            assert england[part] == pooled, (indicator, part)


@pytest.mark.parametrize(("indicator", "year"), _cases())
def test_england_says_how_many_authorities_it_leaves_out(indicator: str, year: int) -> None:
    """England pools only the LAs whose counts are known, and its note says how many are not:
    those of the year with a symbol in a count's published cell, and those with no row at
    all; with none unknown, England has no note."""
    published, _ = _published(indicator, year)
    existing = _existing(year)
    unknown = len(existing - set(published))
    for code, cells in published.items():
        if code not in existing:
            continue
        counted = _as_read(indicator, code, year, cells)
        unknown += _number(counted.num) is None or _number(counted.den) is None
    england = _england(year, indicator)
    assert england["value"] is not None
    assert england["note"] == ("" if not unknown else
                               f"incomplete: {unknown} authorit"
                               f"{'y' if unknown == 1 else 'ies'}'{'s' if unknown == 1 else ''} "
                               "counts not known")


def test_a_published_c_is_a_blank_that_says_so_in_every_layout() -> None:
    """Westminster's 2023 repeat plans (`c` second plans of 102): blank, noted, and `c` in
    DfE's tidy layout; Hackney's 2021 re-referrals (`x`): not available, `x`."""
    westminster = _rows(2023, "cpp_second_or_subsequent", "local_authority")["213"]
    assert _published("cpp_second_or_subsequent", 2023)[0]["213"] == ("c", "102", "c")
    assert (westminster["value"], westminster["suppressed"], westminster["note"]) == (
        None, False, "published_suppressed: numerator")
    assert westminster["denominator"] == 102
    hackney = _rows(2021, "rereferrals_12m", "local_authority")["204"]
    assert (hackney["numerator"], hackney["denominator"], hackney["note"]) == (
        None, None, "not_available: numerator and denominator")
    ees = {(r["indicator"], r["old_la_code"]): r for r in csv.DictReader(io.StringIO(
        _run(2023).results.to_ees_csv() or ""))}
    row = ees[("cpp_second_or_subsequent", "213")]
    assert (row["numerator"], row["denominator"], row["value"]) == ("c", "102", "c")
    hackney_ees = {(r["indicator"], r["old_la_code"]): r for r in csv.DictReader(io.StringIO(
        _run(2021).results.to_ees_csv() or ""))}[("rereferrals_12m", "204")]
    assert (hackney_ees["numerator"], hackney_ees["denominator"], hackney_ees["value"]) == (
        "x", "x", "x")


def test_exact_halves_round_up_as_published() -> None:
    """DfE rounds halves up: all 14 LA values that are exact halves are published rounded up."""
    halves = []
    for indicator, spec in SPECS.items():
        scale = (10_000 if indicator == "cla_rate_per_10k" else 100) * 10**spec.places
        for year in PERIODS:
            for code, cells in _published(indicator, year)[0].items():
                num, den = _number(cells.num), _number(cells.den)
                if num is None or not den:
                    continue
                exact = Fraction(int(num) * scale, int(den))
                if exact.denominator == 2:
                    halves.append((indicator, year, code))
                    assert Decimal(cells.value).scaleb(spec.places) == math.ceil(exact)
    assert len(halves) == 14  # 52.5 -> 53 and 62.5 -> 63: not halves to even
    # Two of them fall below the half in floating point: 46 / 80 * 100 = 57.49999999999999
    # (num * 100 / den would be 57.5 exactly), which Python's round() makes 57.
    lambeth = _rows(2024, "long_term_stability", "local_authority")["208"]
    hounslow = _rows(2021, "care_leavers_19_21_eet", "local_authority")["313"]
    assert _published("long_term_stability", 2024)[0]["208"] == ("46", "80", "58")
    assert _published("care_leavers_19_21_eet", 2021)[0]["313"] == ("115", "200", "58")
    for row in (lambeth, hounslow):
        assert row["value"] == pytest.approx(57.5, abs=1e-12)
        assert dfe_round(row["value"], 0) == 58


# ------------------------------------------------------------------ England

# (indicator, year) -> England's pooled value rounded as DfE rounds, where it is not the
# published national figure; each is explained and checked by a test below.
KNOWN_DIFFERENCES = {
    ("rereferrals_12m", 2021): "22.8",  # published 22.7
    ("rereferrals_12m", 2024): "21.5",  # published 22.4
    ("cpp_second_or_subsequent", 2022): "22.6",  # published 22.7
    ("cpp_second_or_subsequent", 2023): "23.5",  # published 23.6
}


@pytest.mark.parametrize(("indicator", "year"), _cases())
def test_england_rounds_to_the_published_national_figure(indicator: str, year: int) -> None:
    """England pooled from the LAs, rounded as DfE rounds, is the published national figure."""
    _, national = _published(indicator, year)
    expected = KNOWN_DIFFERENCES.get((indicator, year), national.value)
    assert dfe_round(_england(year, indicator)["value"], SPECS[indicator].places) \
        == Decimal(expected), national


# National totals that include an LA's figures of another year, because its return for the
# year was missing (`x`: Hackney 2021 and 2022, after a cyber attack) or unreliable (`u`:
# Hampshire 2024): DfE carried its last good year into England's totals.
CARRIED = {
    ("rereferrals_12m", 2021): ("204", 2020),
    ("rereferrals_12m", 2022): ("204", 2020),
    ("cpp_second_or_subsequent", 2021): ("204", 2020),
    ("cpp_second_or_subsequent", 2022): ("204", 2020),
    ("rereferrals_12m", 2024): ("850", 2023),
    ("cpp_second_or_subsequent", 2024): ("850", 2023),
}


@pytest.mark.parametrize(("indicator", "year"),
                         # 2024 re-referrals also hold Herefordshire's unpublished (u) counts:
                         # see test_rereferrals_2024_include_hampshire_2023_and_herefordshire...
                         [case for case in _cases() if case != ("rereferrals_12m", 2024)])
def test_england_counts_are_the_published_totals(indicator: str, year: int) -> None:
    """Published national counts are England's pooled counts, plus suppressed and carried cells."""
    # DfE rounds national counts to the nearest 10 and counts the LA cells it suppressed (`c`,
    # 1 to 5 each), which the pooled counts leave out: so the unrounded national count, within
    # 5 of the published one, lies between the pooled count and the pooled count plus 5 per `c`
    # cell. The CLA rate's denominator is the ONS England estimate itself, exactly.
    england = _england(year, indicator)
    published, national = _published(indicator, year)
    extra = (0.0, 0.0)
    if (indicator, year) in CARRIED:
        code, carried_year = CARRIED[(indicator, year)]
        extra = _counts(_published_row(SPECS[indicator].file, code, carried_year), indicator)
    for part, pooled, added in (("num", england["numerator"], extra[0]),
                                ("den", england["denominator"], extra[1])):
        total = float(getattr(national, part))
        if indicator == "cla_rate_per_10k" and part == "den":
            assert pooled == total
            continue
        suppressed = sum(getattr(cells, part) == "c" for cells in published.values())
        low, high = pooled + added, pooled + added + 5 * suppressed
        assert low <= total + 5, (part, low, total)
        assert total - 5 <= high, (part, high, total)


def test_rereferrals_2021_include_hackney_2020() -> None:
    """2021 re-referrals: England's total has Hackney's 2020 figures (its 2021 cells are x)."""
    hackney = _published("rereferrals_12m", 2021)[0]["204"]
    assert hackney == ("x", "x", "x")
    carried = _counts(_published_row("cin_referrals.csv", "204", 2020), "rereferrals_12m")
    assert carried == (789, 5031)
    # Without Hackney: 135,056 / 592,724 = 22.79% -> 22.8; with its 2020 counts 135,845 /
    # 597,755 = 22.73% -> 22.7, and both counts round to the published 135,850 and 597,760.
    assert dfe_round(_pooled(2021, "rereferrals_12m"), 1) == Decimal("22.8")
    assert dfe_round(_pooled(2021, "rereferrals_12m", carried), 1) == Decimal("22.7")
    england = _england(2021, "rereferrals_12m")
    assert (england["numerator"] + carried[0], england["denominator"] + carried[1]) \
        == (135_845, 597_755)


def test_rereferrals_2024_include_hampshire_2023_and_herefordshire_unpublished() -> None:
    """2024 re-referrals: England has Hampshire's 2023 figures and Herefordshire's `u` ones."""
    published, national = _published("rereferrals_12m", 2024)
    assert published["850"] == ("u", "u", "u") == published["884"]
    carried = _counts(_published_row("cin_referrals.csv", "850", 2023), "rereferrals_12m")
    assert carried == (11_807, 30_502)
    # Pooled without them: 127,246 / 590,572 = 21.55% -> 21.5; with Hampshire's 2023 counts,
    # 139,053 / 621,074 = 22.39% -> 22.4, the published figure.
    assert dfe_round(_pooled(2024, "rereferrals_12m"), 1) == Decimal("21.5")
    assert dfe_round(_pooled(2024, "rereferrals_12m", carried), 1) == Decimal("22.4")
    # What is left of the published totals (139,080 / 621,880) is Herefordshire's own 2024
    # counts, published as `u` (about 806 referrals and 17 to 32 re-referrals), with the `c`
    # cells of City of London and the Isles of Scilly and the rounding to 10.
    england = _england(2024, "rereferrals_12m")
    left = (float(national.num) - england["numerator"] - carried[0],
            float(national.den) - england["denominator"] - carried[1])
    assert left == (27, 806)


def test_cpp_2022_percentage_leaves_out_doncaster() -> None:
    """2022 repeat plans: the published 22.7% is not 14,550 / 64,390 (22.6%); see below."""
    published, national = _published("cpp_second_or_subsequent", 2022)
    assert dfe_round(float(national.num) / float(national.den) * 100, 1) == Decimal("22.6")
    assert national.value == "22.7"
    assert published["204"] == ("x", "x", "x")
    assert published["371"] == ("u", "437", "u")  # Doncaster: second plans unreliable
    carried = _counts(_published_row("cpp_subsequent_plans.csv", "204", 2020),
                      "cpp_second_or_subsequent")
    assert carried == (69, 374)
    # Pooled: 14,476 / 64,013 = 22.61% -> 22.6; with Hackney's 2020 counts 14,545 / 64,387 =
    # 22.59% -> 22.6 still. Leaving Doncaster's 437 plans out of the denominator as well, whose
    # count of second plans is unreliable: 14,545 / 63,950 = 22.74% -> 22.7, the published one.
    assert dfe_round(_pooled(2022, "cpp_second_or_subsequent", carried), 1) == Decimal("22.6")
    doncaster = _rows(2022, "cpp_second_or_subsequent", "local_authority")["371"]
    assert doncaster["denominator"] == 437
    without = _pooled(2022, "cpp_second_or_subsequent", carried, (0, -437))
    assert dfe_round(without, 1) == Decimal("22.7")


def test_cpp_2023_suppressed_numerators() -> None:
    """2023 repeat plans: three suppressed LA numerators, left out, move England to 23.5."""
    published, national = _published("cpp_second_or_subsequent", 2023)
    suppressed = sorted(code for code, cells in published.items() if cells.num == "c")
    assert suppressed == ["201", "213", "857"]  # City of London, Westminster, Rutland
    england = _england(2023, "cpp_second_or_subsequent")
    assert (england["numerator"], england["denominator"]) == (15_035, 63_868)
    # 15,035 / 63,868 = 23.54% -> 23.5. The published total 15,050 is at least 15,045
    # unrounded, so the three cells hold at least 10 plans; with them (and City of London's
    # suppressed denominator, 1 to 5) England is at least 15,045 / 63,873 = 23.55% -> 23.6.
    least = float(national.num) - 5 - england["numerator"]
    assert least == 10
    for den in (0, 5):
        assert dfe_round(_pooled(2023, "cpp_second_or_subsequent", (least, den)), 1) \
            == Decimal("23.6")


# Regions pooled from their LAs whose rounded value is not the published regional figure, and
# why: the same causes as for England, in the region of the LA concerned. London authorities
# lie in Inner or Outer London (their region in the tables), so London itself is not pooled.
KNOWN_REGIONAL = {
    ("long_term_stability", 2024, "E13000001"): "suppressed LA numerators left out",
    ("rereferrals_12m", 2021, "E13000001"): "Hackney x, its 2020 figures in the total",
    ("rereferrals_12m", 2022, "E13000001"): "Hackney x, its 2020 figures in the total",
    ("rereferrals_12m", 2024, "E12000005"): "Herefordshire u, counted in the total",
    ("rereferrals_12m", 2024, "E12000008"): "Hampshire u, its 2023 figures in the total",
    ("cpp_second_or_subsequent", 2021, "E13000001"): "Hackney x; suppressed numerators",
    ("cpp_second_or_subsequent", 2022, "E12000003"): "Doncaster u, left out of the percentage",
    ("cpp_second_or_subsequent", 2022, "E12000004"): "Rutland's suppressed numerator left out",
    ("cpp_second_or_subsequent", 2023, "E13000001"): "suppressed numerators left out",
    ("cpp_second_or_subsequent", 2024, "E12000008"): "Hampshire u, its 2023 figures in the total",
    ("cpp_second_or_subsequent", 2024, "E13000001"): "City of London's suppressed cells",
}


@pytest.mark.parametrize("indicator", SPECS)
def test_regions_round_to_the_published_regional_figures(indicator: str) -> None:
    """Each region pooled from its LAs rounds to its published figure, but for known reasons."""
    spec = SPECS[indicator]
    differing = set()
    for year in PERIODS:
        published = {row["region_code"]: row[spec.published[0]] for row in _table(spec.file)
                     if row["time_period"] == str(year) and row["geographic_level"] == "Regional"
                     and _matches(row, spec.where) and _matches(row, spec.published[1])}
        regions = _rows(year, indicator, "region")
        assert len(regions) == 10  # 8 regions, Inner London, Outer London
        for code, row in regions.items():
            if dfe_round(row["value"], spec.places) != Decimal(published[code]):
                differing.add((indicator, year, code))
    assert differing == {key for key in KNOWN_REGIONAL if key[0] == indicator}


# ------------------------------------------------------------------ 2025 fixtures (DOMAIN §10)


def test_placements_2025_hartlepool_blackpool_and_neighbours() -> None:
    """2025 3+ placements: Hartlepool similar to England, Blackpool better, SN median 9.06."""
    rows = _rows(2025, "placements_3plus", "local_authority")
    england = _england(2025, "placements_3plus")
    hartlepool, blackpool = rows["805"], rows["890"]
    assert (hartlepool["numerator"], hartlepool["denominator"]) == (31, 332)
    assert round(hartlepool["value"], 3) == 9.337
    assert (round(hartlepool["lower_95"], 3), round(hartlepool["upper_95"], 3)) \
        == (6.656, 12.949)
    assert hartlepool["vs_england"] == "similar"
    assert (blackpool["numerator"], blackpool["denominator"]) == (41, 531)
    assert round(blackpool["upper_95"], 3) == 10.307
    # Just below England: the published 10.395% (8,500 / 81,770) and the pooled 10.389%.
    assert blackpool["upper_95"] < england["value"] < 10.395
    assert blackpool["vs_england"] == "better"
    # Hartlepool's 10 neighbours (2025 model), nearest first.
    (model,) = (r for r in _table("statistical_neighbours_2025.csv") if r["old_la_code"] == "805")
    peers = [model[f"SN_{k}"] for k in range(1, 11)]
    assert peers == ["807", "394", "393", "890", "806", "390", "840", "876", "372", "340"]
    median = statistics.median(rows[code]["value"] for code in peers)
    assert median == pytest.approx(9.06, abs=0.005)
    frame = _run(2025).evaluation.frame
    values = [rows[code]["value"] for code in frame.codes]
    ours = neighbour_median(values, frame.neighbours["statistical_neighbours"])
    assert ours[frame.codes.index("805")] == pytest.approx(median, rel=1e-12)
    assert hartlepool["vs_neighbours"] == "similar"
    # The dashboard takes the median of the published whole numbers instead: 9.
    published, _ = _published("placements_3plus", 2025)
    assert statistics.median(int(published[code].value) for code in peers) == 9


def _wilson(x: float, n: float, z: float) -> tuple[float, float]:
    """Wilson score interval of x/n, as in OHID's PHEindicatormethods."""
    root = z * math.sqrt(z * z + 4 * x * (1 - x / n))
    return (2 * x + z * z - root) / (2 * (n + z * z)), (2 * x + z * z + root) / (2 * (n + z * z))


def _fingertips(value: float, lower: float, upper: float, comparator: float) -> str:
    """Fingertips' rule for a lower-is-better indicator against a point comparator."""
    if lower <= comparator <= upper:
        return "similar"
    return "better" if value < comparator else "worse"


def test_cli_eval_writes_published_counts_wilson_limits_and_judgements(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`outcomespec eval --period 2025 --out r.json` writes 3+ placements as an independent
    check gives, each authority judged against DfE's published England (10%)."""
    monkeypatch.chdir(REPO)
    out = tmp_path / "r.json"
    assert main(["eval", "frameworks/dfe_published.ospec", "--data", "frameworks/data/dfe",
                 "--period", "2025", "--out", str(out)]) == 0
    assert "153 local authorities" in capsys.readouterr().err
    rows = [r for r in json.loads(out.read_text(encoding="utf-8"))
            if r["indicator"] == "placements_3plus"]
    (england,) = (r for r in rows if r["area_type"] == "england")
    las = {r["la_code"]: r for r in rows if r["area_type"] == "local_authority"}
    assert len(las) == EXISTING[2025]
    published, _ = _published("placements_3plus", 2025)
    z = NormalDist().inv_cdf(0.975)
    comparator = england["value"]
    assert (england["numerator"], england["denominator"], comparator) == (8500, 81770, 10)
    checked = 0
    for code, row in las.items():
        cells = published[code]
        if not all(_number(cell) is not None for cell in cells):
            continue
        x, n = float(cells.num), float(cells.den)
        assert (row["numerator"], row["denominator"]) == (x, n)
        value, lower, upper = (row[c] for c in ("value", "lower_95", "upper_95"))
        low, high = _wilson(x, n, z)
        assert value == pytest.approx(100 * x / n, rel=1e-12)
        assert (lower, upper) == (pytest.approx(100 * low, abs=1e-9),
                                  pytest.approx(100 * high, abs=1e-9))
        assert row["vs_england"] == _fingertips(value, lower, upper, comparator), code
        checked += 1
    assert checked == EXISTING[2025] - SKIPPED["placements_3plus"][-1]
    # Blackpool was better than the pooled 10.4%; its interval holds DfE's published 10%.
    for code, name, verdict in (("805", "Hartlepool", "similar"),
                                ("890", "Blackpool", "similar"),
                                ("341", "Liverpool", "better"),
                                ("806", "Middlesbrough", "similar")):
        assert (las[code]["area_name"], las[code]["vs_england"]) == (name, verdict)


def test_csv_prints_values_as_dfe_prints_them(tmp_path: Path) -> None:
    """The CSV layout prints each value to DfE's places (whole numbers for placements, one
    decimal for re-referrals), counts whole: every authority's printed figure is DfE's."""
    text = _declared(2025).results.to_csv()
    assert text is not None
    rows = list(csv.DictReader(io.StringIO(text)))
    for indicator, places in (("placements_3plus", 0), ("rereferrals_12m", 1)):
        published, _ = _published(indicator, 2025)
        found = {r["la_code"]: r for r in rows
                 if r["indicator"] == indicator and r["area_type"] == "local_authority"}
        compared = 0
        for code, cells in published.items():
            if code not in found or not found[code]["value"] or _number(cells.value) is None:
                continue
            printed = found[code]["value"]
            assert float(printed) == float(cells.value), code
            assert len(printed.partition(".")[2]) == places, code
            assert "." not in found[code]["numerator"]
            compared += 1
        assert compared > 140


@pytest.mark.parametrize("indicator", SPECS)
def test_england_and_regions_are_dfe_published_rows(indicator: str) -> None:
    """As declared, England and every region are DfE's own rows for 2025: its counts and
    its value as printed, with no note."""
    spec = SPECS[indicator]
    rows = [r for r in _table(spec.file) if r["time_period"] == "2025"
            and r["geographic_level"] in ("National", "Regional") and _matches(r, spec.where)
            and _matches(r, spec.published[1])]
    ours = {r["area_code"]: r for r in _declared(2025).results.rows()
            if r["indicator"] == indicator and r["area_type"] in ("england", "region")}
    checked = 0
    for row in rows:
        code = row["region_code"] or row["country_code"]
        if code not in ours:
            continue  # London as a whole: DfE's regions here are Inner and Outer London
        value = _number(row[spec.published[0]])
        assert ours[code]["value"] == value, (indicator, code)
        assert ours[code]["note"] == "", (indicator, code)
        checked += 1
    assert checked == 11


# ------------------------------------------------------------------ the area table


AREA_COLUMNS = ("time_period", "time_identifier", "geographic_level", "country_code",
                "country_name", "region_code", "region_name", "old_la_code", "la_name",
                "new_la_code")


def test_local_authorities_are_those_of_the_tables() -> None:
    """local_authorities.csv: every LA of the six tables, 2013-2025, named as in its latest
    year, with any earlier ONS code, and the first and last reporting years in which the
    tables publish a value for it (blank at the tables' ends)."""
    latest: dict[str, tuple[int, tuple[str, ...]]] = {}
    ons_codes: dict[str, set[str]] = {}
    valued: dict[str, set[int]] = {}
    for file in sorted({spec.file for spec in SPECS.values()} | {"ons_population.csv"}):
        for row in _table(file):
            if row["geographic_level"] != "Local authority":
                continue
            # ONS mid-year Y is the population of reporting year Y + 1.
            year = int(row["time_period"]) + (file == "ons_population.csv")
            code = row["old_la_code"]
            area = tuple(row[c] for c in ("new_la_code", "la_name", "region_code", "region_name"))
            if code not in latest or year > latest[code][0]:
                latest[code] = (year, area)
            ons_codes.setdefault(code, set()).add(row["new_la_code"])
            if any(_number(value) is not None for column, value in row.items()
                   if column not in AREA_COLUMNS):
                valued.setdefault(code, set()).add(year)
    first = min(min(years) for years in valued.values())
    last = max(max(years) for years in valued.values())
    assert (first, last) == (2013, 2025)
    expected = []
    for code in sorted(latest):
        new, name, region, region_name = latest[code][1]
        years = sorted(valued[code])
        assert years == list(range(years[0], years[-1] + 1)), code  # existed without a break
        (former,) = ons_codes[code] - {new} or {""}
        expected.append((code, new, former, name, region, region_name,
                         "" if years[0] == first else str(years[0]),
                         "" if years[-1] == last else str(years[-1])))
    shipped = [tuple(r.values()) for r in _table("local_authorities.csv")]
    assert shipped == expected
    assert len(shipped) == 158
    lifetimes = {r[0]: r[-2:] for r in shipped if any(r[-2:])}
    # The structural changes: Dorset 2019, Northamptonshire 2021, Cumbria 2023.
    assert lifetimes == {
        "835": ("", "2019"), "836": ("", "2019"), "837": ("", "2019"),
        "838": ("2020", ""), "839": ("2020", ""),
        "928": ("", "2021"), "940": ("2022", ""), "941": ("2022", ""),
        "909": ("", "2023"), "942": ("2024", ""), "943": ("2024", "")}
    codes = set(latest)
    neighbours = {r[f"SN_{k}"] for r in _table("statistical_neighbours_2025.csv")
                  for k in range(1, 11)}
    assert neighbours <= codes
