"""Tests for outcomespec.synthetic.school: the synthetic school census beside the returns.

Small runs (10 authorities at a twentieth of their volumes) for the files and the framework;
one simulation of England at a fifth of its volumes (no files) for the calibration bands.
"""

from __future__ import annotations

import csv
import datetime as dt
import filecmp
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from attrs import evolve

import outcomespec
from outcomespec.checking import check_paths
from outcomespec.loading.loader import codelists_of, load_directory
from outcomespec.synthetic import files as w
from outcomespec.synthetic.census import need_year
from outcomespec.synthetic.generator import GenerationReport, generate, simulation
from outcomespec.synthetic.returns import care_year
from outcomespec.synthetic.school import SchoolFigures, school_figures, school_year
from tests.paths import REPO

FRAMEWORKS = REPO / "frameworks"
FRAMEWORK = FRAMEWORKS / "shared_outcomes.ospec"
END = dt.date(2025, 3, 31)
UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
Rows = list[dict[str, str]]


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> GenerationReport:
    """One year of files for 10 authorities, every pupil written."""
    return small_run(tmp_path_factory.mktemp("small"), pupils=1.0)


@pytest.fixture(scope="module")
def sampled(tmp_path_factory: pytest.TempPathFactory) -> GenerationReport:
    """The same with three pupils in ten sampled."""
    return small_run(tmp_path_factory.mktemp("sampled"), pupils=0.3)


@pytest.fixture(scope="module")
def national() -> SchoolFigures:
    """England at a fifth of its volumes, 2025, every pupil (arrays only)."""
    sim = simulation(years=(2025,), scale=0.2)
    la_codes = w.texts(np.array([code.encode() for code in sim.las.old_code]))
    return school_figures(school_year(sim, care_year(sim, 2025), need_year(sim, 2025),
                                      la_codes, 1.0))


def small_run(directory: Path, seed: int = 7, pupils: float = 0.0) -> GenerationReport:
    """One year of files for 10 authorities at a twentieth of their volumes."""
    return generate(directory, years=(2025,), scale=0.05, las=10, seed=seed, pupils=pupils)


def read(report: GenerationReport, name: str) -> Rows:
    """A generated CSV file of 2025 as dictionaries."""
    with (report.directory / "2025" / f"{name}.csv").open(newline="") as f:
        return list(csv.DictReader(f))


def date(text: str) -> dt.date | None:
    """A dd/mm/YYYY date, None if empty."""
    return dt.datetime.strptime(text, "%d/%m/%Y").date() if text else None


def open_at_end(start: str, end: str) -> bool:
    """Begun by 31 March 2025 and not ended by then."""
    began, ended = date(start), date(end)
    return began is not None and began <= END and (ended is None or ended > END)


def linked(report: GenerationReport, table: str, children: set[tuple[str, str]],
           column: str) -> set[tuple[str, str]]:
    """(LA, UPN) of these (LA, child) in `table` (header or child_identifiers)."""
    return {(r["LA"], r["UPN"]) for r in read(report, table)
            if (r["LA"], r[column]) in children and r["UPN"]}


def check_letter(upn: str) -> str:
    """DfE's UPN check letter: digits 2-13 weighted 2 to 13, modulo 23."""
    return UPN_LETTERS[sum(int(d) * (i + 2) for i, d in enumerate(upn[1:])) % 23]


def test_same_seed_same_pupils(small: GenerationReport, tmp_path: Path) -> None:
    """The same arguments write the same school census; another seed another."""
    again = small_run(tmp_path / "again", pupils=1.0)
    other = small_run(tmp_path / "other", seed=8, pupils=1.0)
    pupils = small.directory / "2025" / "pupils.csv"
    assert filecmp.cmp(pupils, again.directory / "2025" / "pupils.csv", shallow=False)
    assert not filecmp.cmp(pupils, other.directory / "2025" / "pupils.csv", shallow=False)
    assert again.schools == small.schools
    assert again.england == small.england


def test_other_files_do_not_depend_on_pupils(small: GenerationReport, tmp_path: Path) -> None:
    """Without `pupils` no school census is written and no figure given; with it every other
    file is byte for byte the same as without."""
    plain = small_run(tmp_path / "plain")
    names = sorted(p.name for p in (plain.directory / "2025").iterdir())
    assert "pupils.csv" not in names
    assert sorted(p.name for p in (small.directory / "2025").iterdir()) == sorted(
        [*names, "pupils.csv"])
    _, mismatch, errors = filecmp.cmpfiles(plain.directory / "2025",
                                           small.directory / "2025", names, shallow=False)
    assert (mismatch, errors) == ([], [])
    assert plain.schools == {}
    assert plain.england[2025].pupils_persistent_absence_percent is None
    f = small.england[2025]
    assert f.pupils_persistent_absence_percent == small.schools[2025].persistent_absence_percent
    assert f.cla_persistent_absence_percent == small.schools[2025].cla_persistent_absence_percent
    assert plain.england[2025] == evolve(f, pupils_persistent_absence_percent=None,
                                         cla_persistent_absence_percent=None)


def test_school_census_alone_is_the_same_file(small: GenerationReport, tmp_path: Path
                                              ) -> None:
    """`records=False` writes only pupils.csv, byte for byte the one written with the
    returns, and the same figures: the demo's cached returns serve every fraction."""
    alone = generate(tmp_path / "alone", years=(2025,), scale=0.05, las=10, seed=7,
                     pupils=1.0, records=False)
    assert sorted(p.name for p in (alone.directory / "2025").iterdir()) == ["pupils.csv"]
    assert filecmp.cmp(small.directory / "2025" / "pupils.csv",
                       alone.directory / "2025" / "pupils.csv", shallow=False)
    assert alone.schools == small.schools
    assert alone.rows == {2025: {"pupils": small.rows[2025]["pupils"]}}
    with pytest.raises(ValueError, match="above 0"):
        generate(tmp_path / "none", years=(2025,), scale=0.05, las=10, records=False)


def test_pupils_load_without_errors(small: GenerationReport) -> None:
    """pupils.csv loads against the shipped library with no diagnostics, every row kept and
    UPNs unique within each authority."""
    result = check_paths([REPO / "frameworks" / "datasets" / "school_census.ospec"],
                         REPO / "frameworks")
    assert result.ok
    datasets = [d for module in result.frameworks for d in module.datasets]
    loads = load_directory(datasets, small.directory / "2025", codelists_of(result.frameworks))
    loaded = loads["school_census.pupils"]
    assert loaded.diagnostics == ()
    assert loaded.report.rows_kept == small.rows[2025]["pupils"]
    rows = read(small, "pupils")
    assert len({(r["LA"], r["UPN"]) for r in rows}) == len(rows)


def test_upns_are_well_formed(small: GenerationReport) -> None:
    """Every UPN has 13 characters, the authority's code and a valid check letter."""
    for r in read(small, "pupils"):
        upn = r["UPN"]
        assert len(upn) == 13
        assert upn[1:].isdigit()
        assert upn[1:4] == r["LA"]
        assert upn[0] == check_letter(upn), upn


def test_children_looked_after_and_in_need_are_pupils(small: GenerationReport) -> None:
    """The children of school age with a UPN in header.csv or child_identifiers.csv are pupils
    of their authority with that UPN, in their year group (a child whose random UPN another
    child of the simulation shares may be left out)."""
    pupils = {(r["LA"], r["UPN"]): r for r in read(small, "pupils")}
    start = dt.date(2024, 8, 31)
    expected = {}
    for table, born in (("header", "DOB"), ("child_identifiers", "PersonBirthDate")):
        for r in read(small, table):
            birth = date(r[born])
            if not r["UPN"].startswith("UN") and r["UPN"] and birth is not None:
                age = start.year - birth.year - ((start.month, start.day)
                                                 < (birth.month, birth.day))
                if 4 <= age <= 15:
                    expected[(r["LA"], r["UPN"])] = ("R" if age == 4 else str(age - 4), birth)
    found = [key for key in expected if key in pupils]
    assert len(expected) > 500
    assert len(found) >= len(expected) * 0.995
    for key in found:
        assert (pupils[key]["NCyearActual"], date(pupils[key]["DOB"])) == expected[key]


def test_sample_keeps_every_child(small: GenerationReport, sampled: GenerationReport) -> None:
    """With a fraction of pupils sampled, every child looked after or in need is still written;
    the other pupils are all in the sample, and about the fraction of all pupils are."""
    every = {(r["LA"], r["UPN"]) for r in read(small, "pupils")}
    rows = read(sampled, "pupils")
    known = {(r["LA"], r["UPN"]) for r in read(small, "header")} | {
        (r["LA"], r["UPN"]) for r in read(small, "child_identifiers")}
    children = [r for r in rows if (r["LA"], r["UPN"]) in known]
    assert {(r["LA"], r["UPN"]) for r in children} == every & known
    assert all(r["sampled"] == "1" for r in rows if (r["LA"], r["UPN"]) not in known)
    share = sum(r["sampled"] == "1" for r in rows) / len(every)
    assert share == pytest.approx(0.3, abs=0.02)
    in_sample = sum(r["sampled"] == "1" for r in children) / len(children)
    assert in_sample == pytest.approx(0.3, abs=0.05)


def test_calibration_2025(national: SchoolFigures) -> None:
    """England's figures fall in the bands of the published ones."""
    f = national
    assert 7_500_000 * 0.2 <= f.pupils <= 8_500_000 * 0.2
    assert 6.5 <= f.overall_absence_percent <= 7.5
    assert 19 <= f.persistent_absence_percent <= 21.5
    assert 11 <= f.cla_persistent_absence_percent <= 16
    assert 36 <= f.cin_persistent_absence_percent <= 45
    assert 40 <= f.cpp_persistent_absence_percent <= 50
    assert 44 <= f.attainment8_mean <= 48
    assert 16 <= f.cla_attainment8_mean <= 22
    assert 17 <= f.cin_attainment8_mean <= 24
    assert 65 <= f.good_level_percent <= 70
    assert f.cin_good_level_percent <= 55


def independent_figures(report: GenerationReport) -> dict[str, tuple[float, float]]:
    """Each indicator's England (numerator, denominator), or (sum, count) for means, from the
    CSV files with plain Python: children found by (LA, UPN) as the framework finds them."""
    header = {(r["LA"], r["CHILD"]) for r in read(report, "header")}
    oc2 = {(r["LA"], r["CHILD"]) for r in read(report, "oc2")}
    looked_after = {(r["LA"], r["CHILD"]) for r in read(report, "episodes")
                    if open_at_end(r["DECOM"], r["DEC"]) and r["LS"] not in ("V3", "V4")}
    need = {(r["LA"], r["LAchildID"]) for r in read(report, "cin_details")
            if open_at_end(r["CINreferralDate"], r["CINclosureDate"]) and r["ReferralNFA"] == "0"}
    plans = {(r["LA"], r["LAchildID"]) for r in read(report, "child_protection_plans")
             if open_at_end(r["CPPstartDate"], r["CPPendDate"])}
    cla_12 = linked(report, "header", oc2 & header, "CHILD")
    cla_end = linked(report, "header", looked_after, "CHILD")
    cpp = linked(report, "child_identifiers", plans, "LAchildID") - cla_end
    cin = linked(report, "child_identifiers", need, "LAchildID") - cla_end - cpp
    rows = read(report, "pupils")
    out: dict[str, tuple[float, float]] = {}

    def count(name: str, who: Callable[[dict[str, str]], bool],
              hit: Callable[[dict[str, str]], bool]) -> None:
        cohort = [r for r in rows if who(r)]
        out[name] = (sum(hit(r) for r in cohort), len(cohort))

    def absent(r: dict[str, str]) -> bool:
        return int(r["OverallAbsence"]) * 10 >= int(r["SessionsPossible"])

    def at(group: set[tuple[str, str]] | None, year: str) -> Callable[[dict[str, str]], bool]:
        def who(r: dict[str, str]) -> bool:
            in_year = r["NCyearActual"] == year if year else r["NCyearActual"] != "R"
            chosen = r["sampled"] == "1" if group is None else (r["LA"], r["UPN"]) in group
            return in_year and chosen
        return who

    for name, group in (("all_pupils", None), ("cla", cla_12), ("cpp", cpp), ("cin", cin)):
        count(f"{name}_persistent_absence", at(group, ""), absent)
    for name, group in (("all_pupils", None), ("cla", cla_12), ("cin", cin)):
        scores = [float(r["Attainment8"]) for r in rows if at(group, "11")(r)]
        out[f"{name}_attainment8"] = (sum(scores), len(scores))
    for name, group in (("all_pupils", None), ("cin", cin)):
        count(f"{name}_good_level", at(group, "R"), lambda r: r["GoodLevelOfDevelopment"] == "1")
    return out


@pytest.mark.parametrize("report", ["small", "sampled"])
def test_framework_agrees_with_files_and_generator(report: str,
                                                  request: pytest.FixtureRequest) -> None:
    """The shared outcomes' England figures (vulnerable children beside all pupils) equal those
    computed from the CSV files independently, and the generator's own."""
    generated: GenerationReport = request.getfixturevalue(report)
    framework = outcomespec.load(FRAMEWORK, root=FRAMEWORKS)
    run = framework.run(generated.directory / "2025", 2025)
    assert run.diagnostics == ()
    evaluated = {}
    for totals in run.evaluation.totals:
        name = totals.indicator.name.rsplit(".", 1)[-1]
        if totals.values is not None:
            evaluated[name] = (float(totals.values.sum()), float(len(totals.values)))
        else:
            evaluated[name] = (float(np.nansum(totals.numerator)),
                               float(np.nansum(totals.denominator)))
    expected = independent_figures(generated)
    assert evaluated.keys() == expected.keys()
    for name, (part, whole) in expected.items():
        assert evaluated[name][1] == whole, name
        assert evaluated[name][0] == pytest.approx(part, abs=1e-6), name
    assert min(whole for _, whole in expected.values()) > 0
    f = generated.schools[2025]

    def percent(name: str) -> float:
        part, whole = expected[name]
        return round(100 * part / whole, 3)

    def mean(name: str) -> float:
        part, whole = expected[name]
        return round(part / whole, 3)

    assert (f.persistent_absence_percent, f.cla_persistent_absence_percent,
            f.cpp_persistent_absence_percent, f.cin_persistent_absence_percent) == (
        percent("all_pupils_persistent_absence"), percent("cla_persistent_absence"),
        percent("cpp_persistent_absence"), percent("cin_persistent_absence"))
    assert (f.attainment8_mean, f.cla_attainment8_mean, f.cin_attainment8_mean) == (
        mean("all_pupils_attainment8"), mean("cla_attainment8"), mean("cin_attainment8"))
    assert (f.good_level_percent, f.cin_good_level_percent) == (
        percent("all_pupils_good_level"), percent("cin_good_level"))
    assert f.cla_pupils == expected["cla_persistent_absence"][1]


def test_population_comparator_judges_against_all_pupils(small: GenerationReport) -> None:
    """The indicators for children in need are judged against England's value for all
    pupils (persistent absence: worse, the direction of the calibration)."""
    framework = outcomespec.load(FRAMEWORK, root=FRAMEWORKS)
    results = framework.run(small.directory / "2025", 2025).results
    england = {ind: judged for ind, kind, brk, judged in zip(
        results.indicator, results.area_type, results.breakdown, results.vs_population,
        strict=True) if kind == "england" and not brk}
    assert england["cin_persistent_absence"] == "worse"
    assert england["cin_attainment8"] == "worse"


def test_pupils_argument_is_checked(tmp_path: Path) -> None:
    """A fraction of pupils outside 0 to 1 is refused."""
    with pytest.raises(ValueError, match="pupils"):
        small_run(tmp_path, pupils=1.5)
    with pytest.raises(ValueError, match="pupils"):
        small_run(tmp_path, pupils=-0.1)
