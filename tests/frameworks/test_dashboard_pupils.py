"""The Dashboard's pupil metrics in csc_national_framework.ospec (persistent and severe
absence, metrics 11 to 16; Attainment 8, metrics 20 to 22), evaluated on synthetic data and
recomputed from its CSV files with plain Python, for every authority; and their judgement
against all pupils of the same authority (`compare population … same area`)."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable

import numpy as np
import pytest

import outcomespec
from outcomespec.api import Run
from outcomespec.synthetic.generator import GenerationReport, generate
from tests.paths import REPO
from tests.synthetic.test_school import linked, open_at_end, read

FRAMEWORKS = REPO / "frameworks"
Row = dict[str, str]
Counts = dict[str, tuple[float, float]]
"""Per authority (3-digit code): (numerator, denominator), or (sum, count) for a mean."""


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> GenerationReport:
    """One year of files for 10 authorities, three pupils in ten sampled."""
    return generate(tmp_path_factory.mktemp("pupils"), years=(2025,), scale=0.05, las=10,
                    seed=11, pupils=0.3)


@pytest.fixture(scope="module")
def run(generated: GenerationReport) -> Run:
    """The national framework evaluated on it for 2025."""
    framework = outcomespec.load(FRAMEWORKS / "csc_national_framework.ospec", root=FRAMEWORKS)
    return framework.run(generated.directory / "2025", 2025)


def groups(report: GenerationReport) -> dict[str, set[tuple[str, str]]]:
    """(LA, UPN) of the pupils of each group of DfE's outcomes statistics on 31 March 2025:
    looked after for 12 months (OC2), on a plan and not looked after (CPPO), in need and
    neither (CINO)."""
    header = {(r["LA"], r["CHILD"]) for r in read(report, "header")}
    oc2 = {(r["LA"], r["CHILD"]) for r in read(report, "oc2")}
    looked_after = {(r["LA"], r["CHILD"]) for r in read(report, "episodes")
                    if open_at_end(r["DECOM"], r["DEC"]) and r["LS"] not in ("V3", "V4")}
    need = {(r["LA"], r["LAchildID"]) for r in read(report, "cin_details")
            if open_at_end(r["CINreferralDate"], r["CINclosureDate"]) and r["ReferralNFA"] == "0"}
    plans = {(r["LA"], r["LAchildID"]) for r in read(report, "child_protection_plans")
             if open_at_end(r["CPPstartDate"], r["CPPendDate"])}
    cla_end = linked(report, "header", looked_after, "CHILD")
    cppo = linked(report, "child_identifiers", plans, "LAchildID") - cla_end
    return {"cla": linked(report, "header", oc2 & header, "CHILD"), "cppo": cppo,
            "cino": linked(report, "child_identifiers", need, "LAchildID") - cla_end - cppo}


def independent(report: GenerationReport) -> dict[str, Counts]:
    """Each metric's counts per authority, from the CSV files."""
    pupils = read(report, "pupils")
    found = groups(report)
    out: dict[str, Counts] = {}

    def tally(name: str, who: Callable[[Row], bool], value: Callable[[Row], float]) -> None:
        totals: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
        for row in pupils:
            if who(row):
                totals[row["LA"]][0] += value(row)
                totals[row["LA"]][1] += 1
        out[name] = {la: (part, whole) for la, (part, whole) in totals.items()}

    def of(group: str | None, years: Callable[[str], bool]) -> Callable[[Row], bool]:
        def who(row: Row) -> bool:
            if group is None:
                chosen = row["sampled"] == "1"
            else:
                chosen = (row["LA"], row["UPN"]) in found[group]
            return chosen and years(row["NCyearActual"])
        return who

    def share(rate: int) -> Callable[[Row], float]:
        return lambda row: float(int(row["OverallAbsence"]) * rate >= int(row["SessionsPossible"]))

    def compulsory(year: str) -> bool:
        return year != "R"  # years 1 to 11

    tally("all_pupils_severe_absence", of(None, compulsory), share(2))
    for group in ("cino", "cppo", "cla"):
        tally(f"{group}_persistent_absence", of(group, compulsory), share(10))
        tally(f"{group}_severe_absence", of(group, compulsory), share(2))
        tally(f"{group}_attainment8", lambda row, g=group: of(g, lambda y: y == "11")(row)
              and row["Attainment8"] != "", lambda row: float(row["Attainment8"] or 0))
    return out


def test_every_authority_and_england_equal_a_plain_python_count(
        generated: GenerationReport, run: Run) -> None:
    """Numerators, denominators and Attainment 8 sums of the nine Dashboard metrics and the
    severe-absence comparator, in every authority, equal those counted from the files."""
    assert run.diagnostics == ()
    expected = independent(generated)
    frame = run.evaluation.frame
    evaluated = {t.indicator.name.rsplit(".", 1)[-1]: t for t in run.evaluation.totals
                 if not t.breakdown}
    for name, counts in expected.items():
        totals = evaluated[name]
        for position, la in enumerate(frame.codes):
            part, whole = counts.get(la, (0.0, 0.0))
            if totals.values is not None:  # a mean: the sum and number of the scores
                mine = totals.value_areas == position
                assert (float(totals.values[mine].sum()), float(mine.sum())) == pytest.approx(
                    (part, whole)), (name, la)
            else:
                assert (totals.numerator[position], totals.denominator[position]) == (
                    part, whole), (name, la)
    assert sum(whole for _, whole in expected["cla_persistent_absence"].values()) > 50
    assert sum(part for part, _ in expected["cino_severe_absence"].values()) > 0


def test_each_group_is_judged_against_all_pupils_of_its_own_authority(
        run: Run) -> None:
    """`vs_population` of children in need: similar when all pupils' value of the same
    authority lies in the group's 95% interval, else worse above it and better below."""
    table = run.results.to_pandas()
    rows = table[(table["breakdown"] == "") & (table["area_type"] == "local_authority")]
    everyone = rows[rows["indicator"] == "all_pupils_persistent_absence"].set_index("area_code")
    judged = rows[rows["indicator"] == "cino_persistent_absence"].set_index("area_code")
    compared = 0
    for code, row in judged.iterrows():
        other = everyone.loc[code, "value"]
        if math.isnan(row["value"]) or math.isnan(other):
            expected = "not_compared"
        elif row["lower_95"] <= other <= row["upper_95"]:
            expected = "similar"
        else:
            expected = "better" if row["value"] < other else "worse"
            compared += 1
        assert row["vs_population"] == expected, code
    assert compared > 0
    assert np.unique(everyone["value"].dropna()).size > 1  # a different point in each area


def test_metrics_declare_their_dashboard_number_polarity_and_reason() -> None:
    """Each new metric names its Dashboard metric and judges with a stated reason."""
    framework = outcomespec.load(FRAMEWORKS / "csc_national_framework.ospec", root=FRAMEWORKS)
    numbers = {}
    for indicator in framework.model.indicators:
        description = dict(indicator.metadata).get("description", "")
        if description.startswith("Dashboard metric "):
            numbers[indicator.id] = int(description.split()[2].rstrip(".(:"))
            assert indicator.rationale.strip(), indicator.id
            assert indicator.polarity.value == "lower_is_better" or "attainment8" in indicator.id
    assert numbers == {"cino_persistent_absence": 11, "cppo_persistent_absence": 12,
                       "cla_persistent_absence": 13, "cino_severe_absence": 14,
                       "cppo_severe_absence": 15, "cla_severe_absence": 16,
                       "cino_attainment8": 20, "cppo_attainment8": 21, "cla_attainment8": 22}
