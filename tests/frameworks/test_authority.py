"""One authority's figures before publication (docs/authority.rst): Hartlepool's synthetic XML
returns, evaluated with the National Framework against DfE's published 2025 comparators.

Hartlepool's own run must give the row the national synthetic run (every authority's CSV
tables, the same seed) gives it with the same comparators, figure for figure; and England's
and the North East's rows must be DfE's published 2025 rows, read here from the CSV files with
the `csv` module, independently of outcomespec's loader.
"""

from __future__ import annotations

import csv
import functools
import math
import shutil
from pathlib import Path
from typing import NamedTuple

import pytest

import outcomespec
from outcomespec.api import Run
from outcomespec.synthetic.generator import generate
from tests.paths import REPO

HARTLEPOOL = "805"
NORTH_EAST = "E12000001"
DFE = REPO / "frameworks" / "data" / "dfe"
FRAMEWORK = REPO / "frameworks" / "csc_national_framework.ospec"
PUBLISHED_TABLES = ("cla_numbers", "cin_referrals", "cpp_subsequent_plans",
                    "placement_stability", "care_leavers_activity", "local_authorities")
"""What the tutorial puts beside the returns: DfE's five tables and its list of authorities
(with those since merged, which the older rows of the tables name)."""
FIGURES = ("numerator", "denominator", "value", "lower_95", "upper_95", "lower_99_8",
           "upper_99_8", "suppressed", "note", "vs_england", "vs_region", "vs_neighbours")


class Published(NamedTuple):
    """Where DfE publishes an indicator: a table, the rows of its figure and of its
    denominator, and the columns of the value and the counts."""

    table: str
    rows: dict[str, str]
    denominator_rows: dict[str, str]
    value: str
    numerator: str
    denominator: str


LONG_TERM = ("Children looked after continuously for at least 2.5 years on 31 March aged "
             "under 16 years")
PUBLISHED = {
    "cla_rate_per_10k": Published(
        "cla_numbers", {"population_type": "Children looked after on 31 March each year"},
        {"population_type": "Children looked after on 31 March each year"},
        "rate_per_10000", "children_count", "population_estimate"),
    "rereferrals_12m": Published("cin_referrals", {}, {}, "rereferral_percent",
                                 "rereferral_count", "referral_count"),
    "cpp_second_or_subsequent": Published("cpp_subsequent_plans", {}, {},
                                          "CPP_subsequent_percent", "CPP_subsequent",
                                          "CPP_start"),
    "placements_3plus": Published(
        "placement_stability", {"cla_group": "CLA on 31 March", "placement_stability":
                                "With 3 or more placements during the year"},
        {"cla_group": "CLA on 31 March", "placement_stability": "Total children"},
        "children_percent", "children_count", "children_count"),
    "long_term_stability": Published(
        "placement_stability", {"cla_group": LONG_TERM, "placement_stability":
                                "Living with the same carer for at least 2 years"},
        {"cla_group": LONG_TERM, "placement_stability": "Total children"},
        "children_percent", "children_count", "children_count"),
    "care_leavers_19_21_eet": Published(
        "care_leavers_activity", {"care_leaver_age": "19 to 21 years", "breakdown":
                                  "Total in education, employment or training"},
        {"care_leaver_age": "19 to 21 years", "breakdown": "Total"},
        "care_leaver_percent", "care_leaver_count", "care_leaver_count"),
}
"""The six indicators, as docs/authority.rst says DfE publishes them."""


@functools.cache
def dfe_rows(table: str) -> tuple[dict[str, str], ...]:
    with (DFE / f"{table}.csv").open(encoding="utf-8-sig", newline="") as stream:
        return tuple(csv.DictReader(stream))


def published_row(table: str, level: str, code: str, where: dict[str, str]) -> dict[str, str]:
    """DfE's one 2025 row of a table for England (`National`) or a region, in a category."""
    column = "country_code" if level == "National" else "region_code"
    (row,) = [r for r in dfe_rows(table) if r["time_period"] == "2025"
              and r["geographic_level"] == level and r[column] == code
              and all(r[k] == v for k, v in where.items())]
    return row


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Hartlepool's XML returns alone, and every authority's CSV tables, both with DfE's
    published tables beside them."""
    xml = tmp_path_factory.mktemp("xml")
    generate(xml, years=(2025,), scale=0.1, format="xml")
    national = tmp_path_factory.mktemp("csv")
    generate(national, years=(2025,), scale=0.1)
    found = {"alone": xml / "2025" / HARTLEPOOL, "national": national / "2025"}
    for folder in found.values():
        for name in PUBLISHED_TABLES:
            shutil.copyfile(DFE / f"{name}.csv", folder / f"{name}.csv")
    return found


@functools.cache
def framework() -> outcomespec.Framework:
    return outcomespec.load(FRAMEWORK, root=REPO / "frameworks")


@pytest.fixture(scope="module")
def runs(folders: dict[str, Path]) -> dict[str, Run]:
    """Both evaluated with published comparators."""
    # The SSDA903 XML has no distance from home (DfE derives it from the postcodes after the
    # return): its indicator is not evaluated, no error in the file.
    return {"alone": framework().run(folders["alone"], 2025, area=HARTLEPOOL,
                                     comparators="published"),
            "national": framework().run(folders["national"], 2025, comparators="published")}


def rows(run: Run, **where: str) -> dict[str, dict[str, object]]:
    """The run's rows of all children (no breakdown) that match, by indicator."""
    return {str(r["indicator"]): r for r in run.results.rows()
            if not r["breakdown"] and all(r[k] == v for k, v in where.items())}


def same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-12)
    return a == b


def test_hartlepool_alone_gives_the_national_row(runs: dict[str, Run]) -> None:
    """Each published indicator: Hartlepool's counts, value, limits, suppression and
    judgements from its own returns are the national run's, and it is judged."""
    alone = rows(runs["alone"], la_code=HARTLEPOOL)
    national = rows(runs["national"], la_code=HARTLEPOOL)
    for indicator in PUBLISHED:
        mine, theirs = alone[indicator], national[indicator]
        assert {k: (mine[k], theirs[k]) for k in FIGURES if not same(mine[k], theirs[k])} == {}
        assert mine["value"] is not None, indicator
        assert mine["vs_england"] in ("better", "worse", "similar", "higher", "lower")
        assert mine["vs_neighbours"] in ("better", "worse", "similar", "higher", "lower")


def test_hartlepool_alone_computes_every_figure_its_returns_hold(runs: dict[str, Run]) -> None:
    """Every indicator the XML returns can give has the national run's counts and value;
    only the distance from home (derived by DfE after the return) is not evaluated."""
    alone = rows(runs["alone"], la_code=HARTLEPOOL)
    national = rows(runs["national"], la_code=HARTLEPOOL)
    differ = {i for i in alone if not all(same(alone[i][k], national[i][k])
                                          for k in ("numerator", "denominator", "value"))}
    assert differ == {"placed_20_miles"}
    assert str(alone["placed_20_miles"]["note"]).startswith("not_evaluated")
    assert [d.code for d in runs["alone"].diagnostics if d.is_error] == []
    (skipped,) = [s for s in runs["alone"].evaluation.skipped
                  if s.indicator.id == "placed_20_miles"]
    assert skipped.reason == (
        "reads column `PL_DISTANCE` of `ssda903.episodes`, which no SSDA903 return carries "
        f"(`{runs['alone'].loads['ssda903.episodes'].report.source}`): give the table as a "
        "CSV file that has the column")
    assert sum(alone[i]["value"] is not None for i in alone) >= 12


def test_unpublished_comparators_are_blank_for_one_authority(runs: dict[str, Run]) -> None:
    """An indicator DfE's tables do not publish pools; pooled from one authority, England
    would be Hartlepool itself, so it is not compared (the national run compares it)."""
    alone = rows(runs["alone"], la_code=HARTLEPOOL)
    national = rows(runs["national"], la_code=HARTLEPOOL)
    assert alone["foster_care"]["value"] is not None
    assert alone["foster_care"]["vs_england"] == "not_compared"
    assert national["foster_care"]["vs_england"] in ("better", "worse", "similar")


@pytest.mark.parametrize("run_name", ["alone", "national"])
@pytest.mark.parametrize(("area_type", "level", "code"),
                         [("england", "National", "E92000001"),
                          ("region", "Regional", NORTH_EAST)])
def test_england_and_region_are_dfe_published_rows(runs: dict[str, Run], run_name: str,
                                                   area_type: str, level: str,
                                                   code: str) -> None:
    """England's and the North East's value and counts are DfE's 2025 figures as printed."""
    got = rows(runs[run_name], area_type=area_type, area_code=code)
    for indicator, published in PUBLISHED.items():
        row = published_row(published.table, level, code, published.rows)
        base = published_row(published.table, level, code, published.denominator_rows)
        result = got[indicator]
        assert result["value"] == float(row[published.value]), indicator
        assert result["numerator"] == float(row[published.numerator]), indicator
        assert result["denominator"] == float(base[published.denominator]), indicator


def test_hartlepool_is_judged_against_the_published_england(runs: dict[str, Run]) -> None:
    """Three or more placements: Hartlepool's judgement against England follows from DfE's
    published England value and Hartlepool's own 95% interval (lower is better)."""
    mine = rows(runs["alone"], la_code=HARTLEPOOL)["placements_3plus"]
    england = float(published_row("placement_stability", "National", "E92000001",
                                  PUBLISHED["placements_3plus"].rows)["children_percent"])
    lower, upper = float(str(mine["lower_95"])), float(str(mine["upper_95"]))
    expected = ("similar" if lower <= england <= upper
                else "better" if upper < england else "worse")
    assert mine["vs_england"] == expected


def test_declared_comparators_stay_pooled(folders: dict[str, Path]) -> None:
    """The national run as declared pools England and the regions, as before the
    publications were declared: the published tables beside the data are not read."""
    declared = framework().run(folders["national"], 2025)
    pooled = framework().run(folders["national"], 2025, comparators="pooled")
    assert list(declared.results.rows()) == list(pooled.results.rows())
    assert not {"dfe_tables." + name for name in PUBLISHED_TABLES} & set(declared.loads)
    england = rows(declared, area_type="england")["placements_3plus"]
    assert england["numerator"] != 8500  # DfE's published count: not taken
