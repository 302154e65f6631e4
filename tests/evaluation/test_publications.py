"""Published comparators: a single authority's return judged against published England, its
region and its neighbours gives the national run's row for that authority.

The "published" table is the national run's own results, written at full precision and read
back through a dataset that declares the results' columns by their names in the file; so the
national run with pooled comparators, the national run with published ones and Hartlepool's
files alone with published ones must agree on Hartlepool's row, figure for figure.
"""

from __future__ import annotations

import csv
import functools
import math
import shutil
from pathlib import Path

import pytest

import outcomespec
from outcomespec.api import Run
from outcomespec.synthetic.generator import generate
from tests.paths import REPO

FRAMEWORK = """\
framework published_test "Published comparators, tested" {
  import "datasets/ssda903.ospec"
  import "datasets/ons_population.ospec"
  import "datasets/geography.ospec"
  period year ending 31 March
  suppress counts 1..5

  dataset national "The national run's results, as published" {
    rows area_year_category
    area area_code
    period year year_ending
    column "framework" as framework_name text
    column "indicator" as indicator_id text
    column "period" as year integer
    column "area_type" as area_type text
    column "area_code" as area_code text
    column "la_code" as la_code text optional
    column "numerator" as numerator_count number optional
    column "denominator" as denominator_count number optional
    column "value" as published_value number optional
    column "lower_95" as lower_95 number optional
    column "upper_95" as upper_95 number optional
    column "lower_99_8" as lower_99_8 number optional
    column "upper_99_8" as upper_99_8 number optional
  }

  define looked_after_at_end "Looked after on the last day of the year" for episodes =
      DECOM <= period.end and (DEC is missing or DEC > period.end)
  cohort cla_31_march "Children looked after at 31 March" =
      header where any(episodes where looked_after_at_end)

  outcome safe "Safe" {
    indicator cla_rate "Children looked after at 31 March per 10,000 children" {
      kind outcome
      statistic rate
      numerator cla_31_march
      denominator sum(population_estimate of ons_population for period - 1)
      unit per 10,000
      polarity lower_is_better "For the test: fewer children in care."
      compare england published, region published, statistical_neighbours median published
      confidence byars 95%, 99.8%

      publication national where indicator_id = "cla_rate" {
        value published_value
        numerator numerator_count
        denominator denominator_count
        limits lower_95 .. upper_95 at 95%, lower_99_8 .. upper_99_8 at 99.8%
      }
    }
  }
}
"""

HARTLEPOOL = "805"
COLUMNS = ("framework", "indicator", "period", "area_type", "area_code", "la_code",
           "numerator", "denominator", "value", "lower_95", "upper_95", "lower_99_8",
           "upper_99_8")
AREA_COLUMN = {"ons_population": "old_la_code"}
"""The column naming the authority of each table of a return that is not `LA`."""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("published")
    shutil.copytree(REPO / "frameworks" / "datasets", root / "datasets")
    (root / "published_test.ospec").write_text(FRAMEWORK, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Synthetic returns of every authority for 2025."""
    target = tmp_path_factory.mktemp("england")
    generate(target, years=(2025,), scale=0.05)
    return target / "2025"


@functools.cache
def framework(root: Path) -> outcomespec.Framework:
    return outcomespec.load(root / "published_test.ospec", root=root)


def publish(run: Run, target: Path) -> Path:
    """The run's results as a published table, every figure at full precision."""
    with (target / "national.csv").open("w", encoding="utf-8", newline="") as stream:
        out = csv.writer(stream, lineterminator="\n")
        out.writerow(COLUMNS)
        for row in run.results.rows():
            out.writerow(["" if row[c] is None else repr(row[c]) if isinstance(row[c], float)
                          else row[c] for c in COLUMNS])
    return target / "national.csv"


def only_hartlepool(source: Path, target: Path) -> None:
    """Hartlepool's rows of each table of the return, without the column naming it."""
    target.mkdir()
    for path in source.glob("*.csv"):
        with path.open(encoding="utf-8", newline="") as stream:
            reader = csv.DictReader(stream)
            header = list(reader.fieldnames or [])
            rows = list(reader)
        column = AREA_COLUMN.get(path.stem, "LA")
        if column not in header or path.stem in ("local_authorities",
                                                 "statistical_neighbours_2025"):
            shutil.copyfile(path, target / path.name)
            continue
        with (target / path.name).open("w", encoding="utf-8", newline="") as stream:
            out = csv.DictWriter(stream, [h for h in header if h != column],
                                 lineterminator="\n", extrasaction="ignore")
            out.writeheader()
            out.writerows(r for r in rows if r[column].strip() == HARTLEPOOL)


@pytest.fixture(scope="module")
def runs(project: Path, data: Path, tmp_path_factory: pytest.TempPathFactory
         ) -> dict[str, Run]:
    """The national run pooled; published from it; Hartlepool's files alone, published."""
    fw = framework(project)
    pooled = fw.run(data, 2025, comparators="pooled")
    national = tmp_path_factory.mktemp("national")
    for path in data.glob("*.csv"):
        shutil.copyfile(path, national / path.name)
    published_table = publish(pooled, national)
    alone = tmp_path_factory.mktemp("alone") / "805"
    only_hartlepool(data, alone)
    shutil.copyfile(published_table, alone / "national.csv")
    return {"pooled": pooled, "published": fw.run(national, 2025),
            "alone": fw.run(alone, 2025, area=HARTLEPOOL)}


def row(run: Run, area_type: str, la_code: str = "") -> dict[str, object]:
    found = [r for r in run.results.rows() if r["area_type"] == area_type
             and (not la_code or r["la_code"] == la_code)]
    return found[0]


def same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-12)
    return a == b


def test_single_return_gives_the_national_row(runs: dict[str, Run]) -> None:
    """Hartlepool alone, published comparators: the national run's Hartlepool row, judged."""
    national = row(runs["pooled"], "local_authority", HARTLEPOOL)
    alone = row(runs["alone"], "local_authority", HARTLEPOOL)
    assert national["value"] is not None
    different = {k: (national[k], alone[k]) for k in national if not same(national[k], alone[k])}
    # Its rank among the authorities is the national run's alone: one return ranks nothing.
    assert different == {k: (national[k], None) for k in ("rank", "rank_of", "quartile")}
    assert national["rank_of"] > 140  # the authorities with a value
    assert national["vs_england"] in ("better", "worse", "similar")
    assert national["vs_neighbours"] in ("better", "worse", "similar")


def test_single_return_publishes_england_its_region_and_itself(runs: dict[str, Run]) -> None:
    """Three rows: England and North East as the national run gave them, then Hartlepool."""
    rows = list(runs["alone"].results.rows())
    assert [(r["area_type"], r["area_code"]) for r in rows] == [
        ("england", "E92000001"), ("region", "E12000001"), ("local_authority", "E06000001")]
    for alone in rows[:2]:
        national = next(r for r in runs["pooled"].results.rows()
                        if r["area_code"] == alone["area_code"])
        for name in ("numerator", "denominator", "value", "lower_95", "upper_99_8"):
            assert same(alone[name], national[name]), name


def test_published_national_run_equals_the_pooled_one(runs: dict[str, Run]) -> None:
    """Comparators published from the pooled run's figures judge every authority alike,
    except those the pooled run hid to protect its regions' and England's sums (published
    totals tie no sum to the authorities, so nothing is hidden for them)."""
    pooled = {r["area_code"]: r for r in runs["pooled"].results.rows()}
    differ = {r["area_code"] for r in runs["published"].results.rows()
              if [r[k] for k in ("vs_england", "vs_region", "vs_neighbours")]
              != [pooled[r["area_code"]][k] for k in ("vs_england", "vs_region",
                                                       "vs_neighbours")]}
    assert len(differ) < 10
    assert all(pooled[code]["suppressed"] and pooled[code]["value"] is None for code in differ)


def test_published_without_its_table_is_blank_and_said(project: Path, data: Path) -> None:
    """No `national.csv`: England and the regions blank (`not_evaluated`), D161 said."""
    run = framework(project).run(data, 2025)
    assert "D161" in [d.code for d in run.diagnostics]
    england = row(run, "england")
    assert england["value"] is None
    assert str(england["note"]).startswith("not_evaluated")
    assert england["vs_england"] == "not_compared" or england["vs_england"] is None
