"""The Python API fails like a library: a wrong argument is a `TypeError` or `ValueError`
that names the argument, raised before any data are read; what `run()` reports reaches a
user of `evaluate()` as `OutcomeSpecWarning`s; and a DataFrame whose area column sits in its
index is read as if it did not (England was 0).

The framework is the shipped `dfe_published`, on DfE's published tables: England's rate of
children looked after in 2025 is 81,766 children of 12,183,016 (67.1 per 10,000).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import outcomespec
from outcomespec import OutcomeSpecWarning
from outcomespec.api import Framework, data_files, framework_files
from tests.paths import REPO

pd = pytest.importorskip("pandas")

DATA = REPO / "frameworks" / "data" / "dfe"
ENGLAND_2025 = (81_766, 12_183_016)
"""England's children looked after at 31 March 2025, and the ONS children aged 0-17."""


@pytest.fixture(scope="module")
def framework() -> Framework:
    """DfE's published indicators, England pooled from the authorities' rows (which the
    index tests are about), not taken from DfE's national row."""
    return outcomespec.load(REPO / "frameworks" / "dfe_published.ospec").comparing("pooled")


@pytest.fixture(scope="module")
def tables() -> dict[str, Any]:
    """The published tables as DataFrames of text, as a user reading them with pandas has."""
    return {path.stem: pd.read_csv(path, dtype=str, keep_default_na=False)
            for path in sorted(DATA.glob("*.csv"))}


def england(results: Any, indicator: str = "cla_rate_per_10k") -> dict[str, Any]:
    """England's row of one indicator (no breakdown)."""
    (row,) = [r for r in results.rows() if r["area_type"] == "england"
              and r["indicator"] == indicator and not r["breakdown"]]
    return row


def quietly(framework: Framework, data: Any, **options: Any) -> Any:
    """`framework.evaluate(data, 2025, …)` with its warnings ignored."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", OutcomeSpecWarning)
        return framework.evaluate(data, 2025, **options)


# ------------------------------------------------------------------ the wrong arguments


@pytest.mark.parametrize("data", [[], None, b"frameworks/data/dfe", bytearray(b"x"), 3, 2.5,
                                  (), {"cla_numbers"}, object()],
                         ids=lambda value: type(value).__name__)
def test_data_of_the_wrong_type(framework: Framework, data: object) -> None:
    """`evaluate([])`, `evaluate(None)`, bytes…: a TypeError naming `data` (it was an
    AttributeError from deep inside)."""
    with pytest.raises(TypeError, match=r"^data must be a directory .* not " + type(data).__name__):
        framework.evaluate(data, 2025)  # type: ignore[arg-type]


@given(data=st.one_of(st.integers(), st.floats(), st.binary(), st.booleans(), st.none(),
                      st.lists(st.text(max_size=5), max_size=3),
                      st.tuples(st.text(max_size=5)), st.sets(st.integers(), max_size=3)))
@settings(max_examples=60, deadline=None)
def test_no_other_type_of_data_gets_further(framework: Framework, data: object) -> None:
    """Whatever is passed that is neither a path nor a mapping, the error names `data`."""
    with pytest.raises(TypeError, match=r"^data must be"):
        framework.evaluate(data, 2025)  # type: ignore[arg-type]


@pytest.mark.parametrize(("data", "message"), [
    ({1: DATA / "cla_numbers.csv"}, r"^data: dataset names must be text, not int \(1\)"),
    ({"cla_numbers": b"x"}, r"^data\['cla_numbers'\] must be a path .* not bytes"),
    ({"cla_numbers": 42}, r"^data\['cla_numbers'\] must be a path .* not int"),
    ({"cla_numbers": [1, 2]}, r"^data\['cla_numbers'\] must be a path .* not list"),
])
def test_mapping_of_the_wrong_kind(framework: Framework, data: Mapping[Any, Any],
                                   message: str) -> None:
    """A mapping whose names or tables are of the wrong kind: a TypeError naming the entry."""
    with pytest.raises(TypeError, match=message):
        framework.evaluate(data, 2025)


def test_unknown_dataset_name(framework: Framework) -> None:
    """A dataset the framework does not read: ValueError listing those it reads, with a
    suggestion (it was a KeyError)."""
    with pytest.raises(ValueError, match=r"^data: `cla_number` is not a dataset the framework "
                       r"reads \(it reads: care_leavers_activity, .*\); did you mean "
                       r"`cla_numbers`\?$"):
        framework.evaluate({"cla_number": DATA / "cla_numbers.csv"}, 2025)


@pytest.mark.parametrize(("options", "message"), [
    ({"area": 202}, r'^area must be a local authority code as text \("202"\), not int$'),
    ({"area": b"202"}, "^area must be .* not bytes$"),
    ({"keep_going": "yes"}, "^keep_going must be True or False, not str$"),
    ({"keep_going": 1}, "^keep_going must be True or False, not int$"),
    ({"keep_going": None}, "^keep_going must be True or False, not NoneType$"),
])
def test_options_of_the_wrong_type(framework: Framework, options: dict[str, Any],
                                   message: str) -> None:
    """`area` and `keep_going` of the wrong type: a TypeError naming them, before reading."""
    with pytest.raises(TypeError, match=message):
        framework.evaluate(DATA, 2025, **options)


def test_directory_that_does_not_exist(framework: Framework, tmp_path: Path) -> None:
    """A directory that is not there: NotADirectoryError naming `data` and the path."""
    with pytest.raises(NotADirectoryError, match=r"^data: `.*no-such` is not a directory"):
        framework.evaluate(tmp_path / "no-such", 2025)


def test_run_checks_its_arguments_too(framework: Framework) -> None:
    """`run` and `evaluate` share the checks."""
    with pytest.raises(TypeError, match=r"^data must be"):
        framework.run([], 2025)  # type: ignore[arg-type]


# ------------------------------------------------------------------ the DataFrame index


def test_area_column_in_the_index(framework: Framework, tables: dict[str, Any]) -> None:
    """The area column moved into the index (`set_index("old_la_code")`) is read from it:
    England is 81,766 / 12,183,016, as without the index (it was 0)."""
    indexed = dict(tables)
    indexed["cla_numbers"] = tables["cla_numbers"].set_index("old_la_code")
    indexed["ons_population"] = tables["ons_population"].set_index(
        ["old_la_code", "time_period"])
    row = england(quietly(framework, indexed))
    assert (row["numerator"], row["denominator"]) == ENGLAND_2025
    assert row["value"] == pytest.approx(ENGLAND_2025[0] / ENGLAND_2025[1] * 10_000)
    assert england(quietly(framework, tables))["value"] == row["value"]


def test_an_unnamed_index_is_not_a_column(framework: Framework,
                                          tables: dict[str, Any]) -> None:
    """A plain row index (after filtering, say) adds nothing: the same figures."""
    filtered = dict(tables)
    frame = tables["cla_numbers"]
    filtered["cla_numbers"] = frame[frame.index % 2 >= 0].set_axis(
        range(10, 10 + len(frame)))
    row = england(quietly(framework, filtered))
    assert (row["numerator"], row["denominator"]) == ENGLAND_2025


# ------------------------------------------------------------------ warnings


def test_evaluate_warns_what_run_reports(framework: Framework, tables: dict[str, Any]) -> None:
    """Every notice of `run` (values read as missing per dataset, an indicator not evaluated)
    is an OutcomeSpecWarning from `evaluate`; `run` issues none."""
    partial = {name: table for name, table in tables.items()
               if name != "care_leavers_activity"}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run = framework.run(partial, 2025)
    assert not [w for w in caught if issubclass(w.category, OutcomeSpecWarning)]
    notices = run.notices()
    with pytest.warns(OutcomeSpecWarning) as record:
        framework.evaluate(partial, 2025)
    assert [str(w.message) for w in record] == list(notices)
    assert ("indicator `dfe_published.care_leavers_19_21_eet` was not evaluated: needs "
            "`dfe_tables.care_leavers_activity`, which was not supplied") in notices
    assert any(n.startswith("`dfe_tables.cla_numbers` (cla_numbers): 728 values read as "
                            "missing (empty: 570") for n in notices), notices
    assert all(w.filename == __file__ for w in record)  # they point at the caller


def test_warnings_can_be_made_errors(framework: Framework) -> None:
    """`warnings.simplefilter("error", OutcomeSpecWarning)` stops on the first notice."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", OutcomeSpecWarning)
        with pytest.raises(OutcomeSpecWarning, match="values read as missing"):
            framework.evaluate(DATA, 2025)


def test_data_warnings_are_warned(framework: Framework, tables: dict[str, Any]) -> None:
    """A data warning (D109: an empty value in a required column) is warned with its code."""
    broken = dict(tables)
    frame = tables["local_authorities"].copy()
    frame.loc[0, "la_name"] = ""
    broken["local_authorities"] = frame
    with pytest.warns(OutcomeSpecWarning) as record:
        framework.evaluate(broken, 2025)
    assert [str(w.message).split("\n")[0] for w in record if "D109" in str(w.message)] == [
        "local_authorities:2: warning[D109]: column `la_name` has no value but is not "
        "declared `optional`; read as missing"]


# ------------------------------------------------------------------ the files a run reads


def test_files_a_run_reads(framework: Framework) -> None:
    """`framework_files` lists the framework and its imports, links followed; `data_files`
    the two names each dataset may have."""
    files = framework_files([REPO / "frameworks" / "dfe_published.ospec"])
    assert {path.name for path in files} == {"dfe_published.ospec", "dfe_tables.ospec",
                                             "geography.ospec", "ons_population.ospec"}
    assert all(path.is_absolute() for path in files)
    names = [path.name for path in data_files([framework], DATA)]
    assert names[:2] == ["care_leavers_activity.csv", "care_leavers_activity.parquet"]
    assert len(names) == 2 * len(framework.datasets()) == 16
