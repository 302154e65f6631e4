"""Evaluating on Spark (local mode, two cores) gives the results of evaluating in process,
to the last bit: on the synthetic national data at scale 0.1, and on small generated data
(hypothesis) covering every expression node, statistic and way of choosing periods.

Skipped only where pyspark is not installed; CI installs it (`outcomespec[dev]`).
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outcomespec import api
from outcomespec.cli import main
from outcomespec.language.diagnostics import OutcomeSpecError
from outcomespec.synthetic.generator import generate
from tests.evaluation.test_plan_properties import FRAMEWORK, LIBRARY, records
from tests.paths import REPO

pytest.importorskip("pyspark")

from pyspark.sql import SparkSession

from outcomespec.spark import SparkDataError, run_spark


@pytest.fixture(scope="session")
def spark() -> Iterator[SparkSession]:
    """One local Spark session for every test: two cores, few shuffle partitions."""
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    warnings.filterwarnings("ignore", category=FutureWarning, module="pyspark")
    session = (SparkSession.builder.master("local[2]").appName("outcomespec-tests")
               .config("spark.ui.enabled", "false")
               .config("spark.sql.shuffle.partitions", "4")
               .config("spark.ui.showConsoleProgress", "false").getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def national(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The synthetic returns of every authority for 2025 at a tenth of national volumes."""
    root = tmp_path_factory.mktemp("national")
    generate(root, years=(2025,), scale=0.1, seed=2025)
    return root / "2025"


def test_national_tenth_equals_in_process(spark: SparkSession, national: Path) -> None:
    """The National Framework on scale-0.1 CSV files read by Spark: the same results table
    (every value, limit, judgement, suppression and note), the same indicators not
    evaluated, the same load reports."""
    framework = api.load(REPO / "frameworks" / "csc_national_framework.ospec")
    (here,) = api.run_all([framework], national, 2025)
    (there,) = run_spark([framework], national, 2025)
    assert here.results.to_pandas().equals(there.results.to_pandas())
    assert len(here.results.to_pandas()) == 42 * 164  # indicators × England, regions, LAs
    assert [s.reason for s in here.evaluation.skipped] == \
        [s.reason for s in there.evaluation.skipped]
    episodes = "ssda903.episodes"
    assert there.loads[episodes].report.rows_kept == here.loads[episodes].report.rows_kept
    assert sorted(there.loads[episodes].report.missing) == \
        sorted(here.loads[episodes].report.missing)
    assert there.period_choice.period == 2025


def test_latest_period_chosen_as_in_process(spark: SparkSession, national: Path) -> None:
    """Without a period, Spark surveys the data first and evaluates the latest they hold,
    for the same reason as in process."""
    framework = api.load(REPO / "frameworks" / "dfe_published.ospec")
    data = REPO / "frameworks" / "data" / "dfe"
    (here,) = api.run_all([framework], data)
    (there,) = run_spark([framework], data)
    assert there.period_choice == here.period_choice
    assert here.results.to_pandas().equals(there.results.to_pandas())


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> api.Framework:
    """The framework of the plan's property tests: every node, statistic and period."""
    root = tmp_path_factory.mktemp("gen")
    (root / "gen903.ospec").write_text(LIBRARY, "utf-8")
    (root / "gen.ospec").write_text(FRAMEWORK, "utf-8")
    return api.load(root / "gen.ospec")


def _arrow(rows: list[dict[str, Any]], framework: api.Framework, short: str) -> pa.Table:
    """Generated rows as an Arrow table with the dataset's columns (dates as dates)."""
    dataset = next(d for d in framework.datasets() if d.name.endswith(f".{short}"))
    columns = {}
    for column in dataset.columns:
        values = [row.get(column.name) for row in rows]
        kind = column.type.kind.value
        if kind == "number":
            columns[column.name] = pa.array(values, type=pa.float64())
        elif kind == "date":
            columns[column.name] = pa.array(values, type=pa.date32())
        elif kind == "boolean":
            columns[column.name] = pa.array(values, type=pa.bool_())
        else:
            columns[column.name] = pa.array(values, type=pa.string())
    return pa.table(columns)


ACROSS = {"absent_anywhere", "pupils_known"}
"""The generated indicators that relate rows on a `national` identifier, which Spark, holding
each authority's rows apart, does not evaluate."""


@settings(deadline=None, max_examples=12,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(rows=records(), period=st.sampled_from((2023, 2024, 2025)))
def test_generated_data_equal_in_process(spark: SparkSession, generated: api.Framework,
                                         rows: dict[str, list[dict[str, Any]]], period: int
                                         ) -> None:
    """On any generated data and period, Spark gives the results in process gives, or
    refuses the data with the same diagnostics."""
    tables = {short: _arrow(found, generated, short) for short, found in rows.items()}
    frames = {short: spark.createDataFrame(table) for short, table in tables.items()}
    refused: set[str] = set()
    try:
        (here,) = api.run_all([generated], tables, period)
    except OutcomeSpecError as error:
        refused = {d.code for d in error.diagnostics}
    if refused:
        with pytest.raises(OutcomeSpecError) as raised:
            run_spark([generated], frames, period)
        assert {d.code for d in raised.value.diagnostics} == refused
        return
    (there,) = run_spark([generated], frames, period)
    expected, found = here.results.to_pandas(), there.results.to_pandas()
    assert list(expected.columns) == list(found.columns)
    # relating rows on a pupil number, across authorities, is refused, and says so
    across = found["indicator"].isin(ACROSS).to_numpy()
    assert found["value"][across].isna().all()
    assert all("`pupil` identifier alone, across local authorities" in note
               for note in found["note"][across])
    # each table without its own rows of those indicators: Spark lists an indicator it does
    # not evaluate after those it does, so their positions differ between the two tables
    here_across = expected["indicator"].isin(ACROSS).to_numpy()
    expected = expected[~here_across].reset_index(drop=True)
    found = found[~across].reset_index(drop=True)
    for column in expected.columns:
        ours, theirs = expected[column].to_numpy(), found[column].to_numpy()
        assert np.array_equal(ours, theirs, equal_nan=ours.dtype.kind == "f"), column


def test_not_a_dataframe_refused(spark: SparkSession) -> None:
    """A dataset given as something other than a Spark DataFrame is named in the error."""
    framework = api.load(REPO / "frameworks" / "csc_national_framework.ospec")
    with pytest.raises(SparkDataError, match=r"data\['episodes'\] must be a Spark DataFrame"):
        run_spark([framework], {"episodes": {"CHILD": ["1"]}}, 2025)


def test_engine_spark_with_area_is_a_usage_error(capsys: pytest.CaptureFixture[str],
                                                 national: Path) -> None:
    """`--engine spark --area` exits 2 before any work: one authority's return runs here."""
    status = main(["eval", str(REPO / "frameworks" / "csc_national_framework.ospec"),
                   "--data", str(national), "--engine", "spark", "--area", "202"])
    assert status == 2
    assert "--area is for a single authority's return" in capsys.readouterr().err
