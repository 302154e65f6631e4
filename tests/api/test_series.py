"""outcomespec.api over several periods: `run_series`, `Framework.series` and `evaluate` with
a span, on five years of synthetic returns (a folder per year) and on DfE's published tables
(one file holding every year). Each period must be exactly what evaluating it alone gives."""

from __future__ import annotations

import csv
import io
import shutil
import warnings
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from outcomespec import OutcomeSpecError, OutcomeSpecWarning
from outcomespec.api import Framework, Series, load, run_all, run_series
from outcomespec.loading import folders
from outcomespec.results import Results
from outcomespec.results.table import COLUMNS
from outcomespec.results.trends import Trend
from outcomespec.synthetic.generator import generate
from tests.paths import REPO

FRAMEWORKS = REPO / "frameworks"
DFE = FRAMEWORKS / "data" / "dfe"
YEARS = (2021, 2022, 2023, 2024, 2025)
GEOGRAPHY = ("local_authorities.csv", "statistical_neighbours_2025.csv")


@pytest.fixture(scope="module")
def returns(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Five years of synthetic returns for 30 authorities, in DIR/2021 … DIR/2025."""
    directory = tmp_path_factory.mktemp("returns")
    generate(directory, years=YEARS, scale=0.1, las=30, seed=14)
    return directory


@pytest.fixture(scope="module")
def national() -> list[Framework]:
    """The National Framework and Supporting Families, read together."""
    return [load(FRAMEWORKS / "csc_national_framework.ospec"),
            load(FRAMEWORKS / "supporting_families.ospec")]


@pytest.fixture(scope="module")
def series(national: list[Framework], returns: Path) -> Series:
    """Both frameworks over 2021..2025 of the synthetic returns."""
    return run_series(national, returns, "2021..2025")


def differing(left: Results, right: Results, *, but: tuple[str, ...] = ("trend",)
              ) -> list[str]:
    """The columns in which two tables differ (NaN equal to NaN), other than `but`."""
    found = []
    for name in COLUMNS:
        a, b = left.column(name), right.column(name)
        if name in but:
            continue
        same = (np.array_equal(a, b, equal_nan=a.dtype.kind == "f")
                if isinstance(a, np.ndarray) else a == b)
        if not same:
            found.append(name)
    return found


def test_each_period_is_what_it_is_alone(national: list[Framework], returns: Path,
                                         series: Series) -> None:
    """The series' table is the single-period runs' tables one after another, column for
    column (the trend aside), and each period's runs are those of the period alone."""
    alone = [run_all(national, returns / str(year), year) for year in YEARS]
    concatenated = Results.concatenate([run.results for runs in alone for run in runs])
    assert len(series.results) == len(concatenated) > 5 * 2 * 30
    assert differing(series.results, concatenated) == []
    assert series.periods == YEARS
    assert [[run.period_choice.period for run in runs] for runs in series.runs] == [
        [year, year] for year in YEARS]
    assert set(concatenated.trend) == {Trend.NOT_ASSESSED}


def test_the_latest_period_has_trends(series: Series) -> None:
    """2025's rows, the fifth period, are assessed: every row has a trend word; 2021 to 2024
    have four periods or fewer and are not assessed."""
    by_period: dict[int, Counter[Trend]] = {}
    for period, trend in zip(series.results.period.tolist(), series.results.trend,
                             strict=True):
        by_period.setdefault(period, Counter())[trend] += 1
    assert set(by_period[2024]) == {Trend.NOT_ASSESSED}
    assessed = by_period[2025]
    assert Trend.NO_SIGNIFICANT_CHANGE in assessed
    assert Trend.CANNOT_BE_CALCULATED in assessed
    # A row of 2025 goes unassessed only where its breakdown's category is new in 2025 (the
    # 2025 return codes sex as M and F where earlier years wrote 1 and 2).
    new = {b for b, p, t in zip(series.results.breakdown, series.results.period.tolist(),
                                series.results.trend, strict=True)
           if p == 2025 and t is Trend.NOT_ASSESSED}
    assert new <= {"SEX: M", "SEX: F"}


def test_ranks_are_each_periods_own(series: Series) -> None:
    """Every period ranks its own authorities: 2023's ranks of the 3+ placements indicator
    are the plain ranking of 2023's published values, lowest first."""
    rows = [r for r in series.results.rows() if r["indicator"] == "placements_3plus"
            and r["period"] == 2023 and r["breakdown"] == ""
            and r["area_type"] == "local_authority"]
    shown = [r["value"] for r in rows if r["value"] is not None]
    assert [r["rank"] for r in rows] == [
        None if r["value"] is None else 1 + sum(v < r["value"] for v in shown) for r in rows]
    assert {r["rank_of"] for r in rows if r["value"] is not None} == {len(shown)}


def test_evaluate_takes_a_span_a_range_or_a_list(national: list[Framework], returns: Path,
                                                series: Series) -> None:
    """`evaluate` with "2021..2025", range(2021, 2026) or a list gives the series' table for
    one framework, and warns what the runs' notices say, once each."""
    framework = national[0]
    mine = Results.concatenate([run.results for runs in series.runs for run in runs
                                if run.results.framework[0] == framework.name])
    for period in ("2021..2025", range(2021, 2026), [2021, "2022", "2022-23", 2024, 2025]):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            table = framework.evaluate(returns, period, keep_going=False)
        assert differing(table, mine) == []
        texts = [str(w.message) for w in caught if w.category is OutcomeSpecWarning]
        assert len(texts) == len(set(texts)) > 0


def test_trends_are_read_from_the_whole_series(national: list[Framework], returns: Path,
                                               series: Series) -> None:
    """One framework's own series has the same trends as in the run of both."""
    own = national[0].series(returns, range(2021, 2026)).results
    both = dict(zip(zip(series.results.framework, series.results.indicator,
                        series.results.breakdown, series.results.area_code,
                        series.results.period.tolist(), strict=True),
                    series.results.trend, strict=True))
    keys = zip(own.framework, own.indicator, own.breakdown, own.area_code,
               own.period.tolist(), strict=True)
    assert [both[k] for k in keys] == list(own.trend)


def test_published_tables_holding_every_year() -> None:
    """DfE's tables, one file per table with every year in it: each period equals its run
    alone, and each file is read once for the five periods."""
    dfe = load(FRAMEWORKS / "dfe_published.ospec")
    reads: Counter[str] = Counter()
    original = folders.load_directory

    def counting(datasets: Any, directory: Path, *args: Any, **kwargs: Any) -> Any:
        reads.update(d.name for d in datasets)
        return original(datasets, directory, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(folders, "load_directory", counting)
        found = dfe.series(DFE, "2021..2025")
    assert set(reads.values()) == {1}
    alone = Results.concatenate([dfe.run(DFE, year).results for year in YEARS])
    assert differing(found.results, alone) == []
    england = {(r["indicator"], r["period"]): r for r in found.results.rows()
               if r["area_type"] == "england"}
    assert england[("care_leavers_19_21_eet", 2025)]["trend"] == "no_significant_change"
    # England is DfE's published row, complete (pooled without some authorities' published
    # counts it would be `incomplete`, and have no trend).
    assert england[("cla_rate_per_10k", 2025)]["note"] == ""
    assert england[("cla_rate_per_10k", 2025)]["trend"] == "decreasing"


def test_folders_and_shared_tables_together(national: list[Framework], returns: Path,
                                            series: Series, tmp_path: Path) -> None:
    """The geography's tables once at the top, the returns in each year's folder: the same
    table as with everything in the folders."""
    for year in YEARS:
        shutil.copytree(returns / str(year), tmp_path / str(year))
        for name in GEOGRAPHY:
            (tmp_path / str(year) / name).unlink()
    for name in GEOGRAPHY:
        shutil.copy(returns / "2025" / name, tmp_path / name)
    mixed = run_series(national, tmp_path, YEARS)
    assert differing(mixed.results, series.results, but=()) == []


def test_a_period_the_data_do_not_hold_is_refused(national: list[Framework],
                                                 returns: Path) -> None:
    """Asking for 2020 to 2025 when the returns start in 2021: D131 for period 2020, saying
    which years the directory has folders for."""
    with pytest.raises(OutcomeSpecError) as raised:
        run_series(national[:1], returns, "2020..2025")
    (problem,) = raised.value.diagnostics
    assert problem.code == "D131"
    assert problem.message == "period 2020: the data hold rows of no reporting period"
    assert problem.help is not None
    assert problem.help.endswith("has folders for 2021 to 2025, none for 2020")


def test_run_takes_one_period(national: list[Framework], returns: Path) -> None:
    """`run` and `run_all` evaluate one period: several is a TypeError naming `series`."""
    with pytest.raises(TypeError, match=r"Framework\.series"):
        national[0].run(returns, "2021..2025")
    with pytest.raises(TypeError, match=r"Framework\.series"):
        run_all(national, returns, [2024, 2025])  # type: ignore[arg-type]


@pytest.mark.parametrize(("periods", "message"), [
    ("2025..2021", "runs backwards: write the earlier year first (2021..2025)"),
    ([2024, 2025, 2024], "names 2024 more than once"),
    ([], "names no year"),
    ("2021..25", "25 has two digits"),
])
def test_periods_written_wrongly(national: list[Framework], returns: Path, periods: Any,
                                 message: str) -> None:
    """A span backwards, a year twice, no year, a two-digit year: ValueError saying so."""
    with pytest.raises(ValueError, match="`period`") as raised:
        national[0].series(returns, periods)
    assert message in str(raised.value)


def test_fingertips_layout_words_the_trend(series: Series) -> None:
    """The Fingertips layout's "Recent Trend" is the trend in Fingertips' words."""
    text = series.results.to_fingertips_csv()
    assert text is not None
    rows = list(csv.DictReader(io.StringIO(text)))
    latest = Counter(r["Recent Trend"] for r in rows if r["Time period"] == "2024/25")
    earlier = Counter(r["Recent Trend"] for r in rows if r["Time period"] == "2023/24")
    assert "No significant change" in latest
    assert "Cannot be calculated" in latest
    assert set(earlier) == {""}
