"""outcomespec.synthetic.generator: determinism, loading, coherence, calibration, agreement.

Small runs (20 authorities at a fifth of their volumes) for the files; one national simulation
of 2025 (no files) for the calibration bands.
"""

from __future__ import annotations

import csv
import filecmp
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pytest

import outcomespec
from outcomespec import model as m
from outcomespec.checking import check_paths
from outcomespec.loading.loader import LoadResult, codelists_of, load_directory
from outcomespec.loading.tables import Table
from outcomespec.synthetic import codes as c
from outcomespec.synthetic.generator import (
    GenerationReport,
    Simulation,
    figures,
    generate,
    simulation,
)
from outcomespec.synthetic.reference import add_years, collection_year, year_end, year_start
from tests.paths import REPO

FRAMEWORKS = REPO / "frameworks"
LIBRARIES = ("ssda903", "cin_census", "geography", "ons_population", "ofsted")
SMALL = {"las": 20, "scale": 0.2}


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> GenerationReport:
    """Two years of files for 20 authorities."""
    return generate(tmp_path_factory.mktemp("small"), years=(2024, 2025), seed=7, **SMALL)


@pytest.fixture(scope="module")
def small_sim() -> Simulation:
    """The simulation behind `small`."""
    return simulation(years=(2024, 2025), seed=7, **SMALL)


@pytest.fixture(scope="module")
def national() -> Simulation:
    """England at full scale, reporting year 2025 only."""
    return simulation(years=(2025,), scale=1.0)


def load(directory: Path) -> dict[str, LoadResult]:
    """Every shipped dataset library's tables read from `directory`."""
    result = check_paths([FRAMEWORKS / "datasets" / f"{name}.ospec" for name in LIBRARIES],
                         FRAMEWORKS)
    assert result.ok
    datasets = [d for module in result.frameworks for d in module.datasets]
    return load_directory(datasets, directory, codelists_of(result.frameworks))


def tables(loads: Mapping[str, LoadResult]) -> dict[str, Table]:
    """Short dataset name → table."""
    return {name.rsplit(".", 1)[-1]: result.table for name, result in loads.items()
            if result.table is not None}


def days(values: np.ndarray) -> np.ndarray:
    """datetime64 → days since 1970, NaT as the smallest int64."""
    return np.asarray(values, dtype="datetime64[D]").astype(np.int64)


def test_same_seed_same_files(small: GenerationReport, tmp_path: Path) -> None:
    """The same arguments write the same files, byte for byte; another seed does not."""
    again = generate(tmp_path / "again", years=(2024, 2025), seed=7, **SMALL)
    other = generate(tmp_path / "other", years=(2025,), seed=8, **SMALL)
    for year in (2024, 2025):
        names = sorted(p.name for p in (small.directory / str(year)).iterdir())
        assert names == sorted(p.name for p in (again.directory / str(year)).iterdir())
        _, mismatch, errors = filecmp.cmpfiles(small.directory / str(year),
                                                   again.directory / str(year), names,
                                                   shallow=False)
        assert (mismatch, errors) == ([], [])
    assert not filecmp.cmp(small.directory / "2025" / "episodes.csv",
                           other.directory / "2025" / "episodes.csv", shallow=False)
    assert again.england == small.england


def test_files_and_row_counts(small: GenerationReport) -> None:
    """Every file is written for every year, with the rows the report gives."""
    expected = {"header", "episodes", "oc2", "oc3", "uasc", "child_identifiers", "cin_details",
                "child_protection_plans", "local_authorities", "statistical_neighbours_2025",
                "ons_population", "providers"}
    for year in (2024, 2025):
        assert set(small.rows[year]) == expected
        for name, rows in small.rows[year].items():
            with (small.directory / str(year) / f"{name}.csv").open(newline="") as f:
                assert sum(1 for _ in csv.reader(f)) - 1 == rows, name


def test_files_load_without_errors(small: GenerationReport) -> None:
    """The files load against the shipped libraries with no diagnostics, every row kept,
    keys unique within each authority."""
    for year in (2024, 2025):
        loads = load(small.directory / str(year))
        assert len(loads) == len(small.rows[year])
        for name, result in loads.items():
            assert result.table is not None, name
            assert result.report.rows_kept == small.rows[year][name.rsplit(".", 1)[-1]]
            assert result.diagnostics == (), (name, result.diagnostics[:3])
            dataset = result.table.dataset
            if dataset.key and dataset.area:
                columns = [result.table.values(k) for k in (dataset.area, *dataset.key)]
                pairs = {tuple(str(v) for v in row) for row in zip(*columns, strict=True)}
                assert len(pairs) == result.table.n_rows, name


def test_identifiers_reused_across_authorities_load(small: GenerationReport) -> None:
    """Identifiers reused across authorities load without a duplicate-key error."""
    loads = load(small.directory / "2025")
    assert not [d for r in loads.values() for d in r.diagnostics if d.is_error]


def test_codes_valid_in_their_year(small: GenerationReport) -> None:
    """Placement codes are those of the year each episode began; sex codes those of the
    return's year (1/2 until 2024, M/F from 2025; CIN GenderCurrent then Sex)."""
    result = check_paths([FRAMEWORKS / "datasets" / "ssda903.ospec"], FRAMEWORKS)
    placement = {cl.name.rsplit(".", 1)[-1]: cl for cl in result.frameworks[0].codelists}[
        "placement"]
    window = {code.code: (code.since or 0, code.until or 9999) for code in placement.codes}
    for year in (2024, 2025):
        t = tables(load(small.directory / str(year)))
        episodes = t["episodes"]
        codes = np.asarray(episodes.code_tables["PLACE"])[episodes.values("PLACE")]
        began = collection_year(days(episodes.values("DECOM")))
        since = np.array([window[str(code)][0] for code in codes])
        until = np.array([window[str(code)][1] for code in codes])
        assert np.all((since <= began) & (began <= until))
        sexes = set(np.asarray(t["header"].code_tables["SEX"])[t["header"].values("SEX")])
        assert sexes == ({"1", "2"} if year <= 2024 else {"M", "F"})
        with (small.directory / str(year) / "child_identifiers.csv").open() as f:
            header = f.readline().strip().split(",")
        assert ("GenderCurrent" in header) == (year <= 2024)
        assert ("Sex" in header) == (year >= 2025)


def test_episodes_are_coherent(small_sim: Simulation) -> None:
    """Episodes of a child do not overlap; X1 ends exactly the episodes followed the same day
    by the next of the period; RNE S starts each period; nobody is looked after from their
    18th birthday; placement codes are valid when the episode begins."""
    ep = small_sim.episodes
    same_child = ep.child[1:] == ep.child[:-1]
    assert np.all(ep.dec > ep.decom)
    assert np.all(~same_child | (ep.decom[1:] >= ep.dec[:-1]))
    next_same_period = np.append(ep.period[1:] == ep.period[:-1], False)
    next_start = np.append(ep.decom[1:], -1)
    assert np.array_equal(ep.rec == c.X1, next_same_period)
    assert np.all(~next_same_period | (next_start == ep.dec))
    first = np.append(True, ep.period[1:] != ep.period[:-1])
    assert np.array_equal(ep.rne == c.RNE_S, first)
    assert np.all(ep.dec <= add_years(small_sim.dob[ep.child], 18) - 1)
    assert np.all(c.place_valid(ep.place, collection_year(ep.decom)))
    periods = small_sim.periods
    assert np.all(periods.end <= add_years(small_sim.dob[periods.child], 18) - 1)


def test_episodes_file_holds_histories(small: GenerationReport) -> None:
    """Each year's episodes are every child looked after in the year with all their earlier
    episodes; episodes still open on 31 March have no end date or reason."""
    t = tables(load(small.directory / "2025"))["episodes"]
    decom, dec = days(t.values("DECOM")), days(t.values("DEC"))
    rec = t.values("REC")
    end, start = year_end(2025), year_start(2025)
    no_end = dec == np.iinfo(np.int64).min
    assert np.all(decom <= end)
    assert np.array_equal(no_end, rec < 0)
    key = np.char.add(np.char.add(t.values("LA").astype(str), "/"),
                      t.values("CHILD").astype(str))
    in_year = no_end | (dec >= start)
    assert set(key) == set(key[in_year])  # every child was looked after in the year
    assert np.sum(decom < start - 3 * 365) > 0  # with history


def test_need_is_coherent(small: GenerationReport) -> None:
    """Episodes of need of a child do not overlap; NumberOfPreviousCPP counts the child's
    earlier plans, which are in the file."""
    t = tables(load(small.directory / "2025"))
    details, plans = t["cin_details"], t["child_protection_plans"]
    who = np.char.add(np.char.add(details.values("LA").astype(str), "/"),
                      details.values("LAchildID").astype(str))
    referral = days(details.values("CINreferralDate"))
    closure = days(details.values("CINclosureDate"))
    order = np.lexsort((referral, who))
    who, referral, closure = who[order], referral[order], closure[order]
    same = who[1:] == who[:-1]
    open_end = np.where(closure == np.iinfo(np.int64).min, np.iinfo(np.int64).max, closure)
    assert np.all(~same | (referral[1:] > open_end[:-1]))
    plan_who = np.char.add(np.char.add(plans.values("LA").astype(str), "/"),
                           plans.values("LAchildID").astype(str))
    plan_start = days(plans.values("CPPstartDate"))
    previous = plans.values("NumberOfPreviousCPP")
    in_year = plan_start >= year_start(2025)
    assert np.sum(in_year & (previous >= 1)) > 0
    for i in np.flatnonzero(in_year):
        earlier = np.sum((plan_who == plan_who[i]) & (plan_start < plan_start[i]))
        assert earlier == previous[i]


def test_re_referrals_from_the_file_match(small: GenerationReport) -> None:
    """Re-referrals within 12 months counted from cin_details.csv equal the generator's."""
    details = tables(load(small.directory / "2025"))["cin_details"]
    who = np.char.add(np.char.add(details.values("LA").astype(str), "/"),
                      details.values("LAchildID").astype(str))
    referral = days(details.values("CINreferralDate"))
    order = np.lexsort((referral, who))
    who, referral = who[order], referral[order]
    in_year = np.flatnonzero((referral >= year_start(2025)) & (referral <= year_end(2025)))
    before = np.maximum(in_year - 1, 0)
    again = (in_year > 0) & (who[before] == who[in_year]) & (
        referral[before] >= add_years(referral[in_year], -1))
    f = small.england[2025]
    assert (len(in_year), int(again.sum())) == (f.referrals, f.re_referrals)


def test_england_calibration_2025(national: Simulation) -> None:
    """At full scale the 2025 England figures fall in the bands of the published ones."""
    f = figures(national, 2025)
    assert 60 <= f.cla_rate_per_10k <= 74
    assert 8 <= f.placements_3plus_percent <= 12
    assert 19 <= f.placed_20_miles_percent <= 25
    assert 0.06 <= f.distance_not_known / f.cla_31_march <= 0.11
    assert 86 <= f.suitable_accommodation_19_21_percent <= 91
    assert 64 <= f.long_term_stability_percent <= 74
    assert 14.3 <= f.sdq_mean <= 15.5
    assert 49 <= f.eet_19_21_percent <= 59
    assert 19 <= f.re_referral_percent <= 25
    assert 21 <= f.cpp_second_or_later_percent <= 27
    assert 300 <= f.cin_rate_per_10k <= 360
    assert 70_000 <= f.cla_31_march <= 95_000
    assert 550_000 <= f.referrals <= 720_000


def test_authorities_vary_with_their_published_rates(national: Simulation) -> None:
    """Authorities' rates of children looked after follow their published 2025 rates."""
    ep = national.episodes
    end = year_end(2025)
    cla = c.members(ep.child[(ep.decom <= end) & (ep.dec > end)
                             & ~c.among(ep.ls, (c.V3, c.V4))], national.n_care)
    counts = np.bincount(national.la[cla], minlength=len(national.las))
    rate = counts / national.las.scaled_population(2024, 1.0) * 10_000
    big = national.las.population_at(2024) > 20_000
    assert np.corrcoef(rate[big], national.las.cla_rate[big])[0, 1] > 0.9


def run_framework(directory: Path, year: int) -> outcomespec.api.Run:
    """Evaluate the national framework on a year's files."""
    framework = outcomespec.load(FRAMEWORKS / "csc_national_framework.ospec", root=FRAMEWORKS)
    return framework.run(directory, year)


def test_framework_agrees_with_generator(small: GenerationReport) -> None:
    """The national framework's England values, pooled from its LA counts before they are
    rounded for publication, equal the generator's own figures."""
    evaluation = run_framework(small.directory / "2025", 2025).evaluation
    england = {}
    for totals in evaluation.totals:
        ind = totals.indicator
        if totals.breakdown or ind.statistic is m.Statistic.COUNT:
            continue
        if totals.values is not None:
            england[ind.id] = float(np.nanmean(totals.values))
        elif np.nansum(totals.denominator) > 0:  # not placed_20_miles: no distances here
            england[ind.id] = float(np.nansum(totals.numerator) / np.nansum(totals.denominator)
                                    * ind.unit.multiplier)
    f = small.england[2025]
    # Same definitions, so equal up to the generator's rounding to 3 decimal places.
    expected = {
        "cla_rate_per_10k": f.cla_rate_per_10k, "cin_rate_per_10k": f.cin_rate_per_10k,
        "rereferrals_12m": f.re_referral_percent,
        "placements_3plus": f.placements_3plus_percent,
        "placed_20_miles": f.placed_20_miles_percent,
        "long_term_stability": f.long_term_stability_percent, "sdq_mean": f.sdq_mean,
        "care_leavers_19_21_eet": f.eet_19_21_percent,
        "cpp_second_or_subsequent": f.cpp_second_or_later_percent,
        "care_leavers_19_21_suitable": f.suitable_accommodation_19_21_percent}
    for indicator, value in expected.items():
        assert england[indicator] == pytest.approx(value, abs=1e-3), indicator


def test_progress_counts_every_step_to_the_end(tmp_path: Path) -> None:
    """`progress` hears each step once, in order, up to the total: the simulation, then for
    each year its five large files and its small ones (and pupils.csv when asked)."""
    heard: list[tuple[int, int]] = []
    generate(tmp_path, years=(2024, 2025), seed=7, pupils=0.5,
             progress=lambda done, total: heard.append((done, total)), **SMALL)
    assert heard == [(done, 15) for done in range(1, 16)]


def test_arguments_are_checked(tmp_path: Path) -> None:
    """Years, scale, seed and authorities out of range are refused."""
    with pytest.raises(ValueError, match="years"):
        generate(tmp_path, years=(1999,))
    with pytest.raises(ValueError, match="scale"):
        generate(tmp_path, scale=0)
    with pytest.raises(ValueError, match="seed"):
        generate(tmp_path, seed=-1)
    with pytest.raises(ValueError, match="las"):
        generate(tmp_path, las=0)
