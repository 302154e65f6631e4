"""`outcomespec demo`: data generated once and reused (whatever `--pupils` asks for), the
frameworks evaluated, and a summary that reads as a result: figures beside the published
tables' own, judgements in words, what was not evaluated in one line, every file written,
and a legend."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from outcomespec.cli import main
from outcomespec.cli.demo import LEGEND, NO_VALUE, QUALIFIED, STABLE
from tests.paths import REPO

FRAMEWORKS = REPO / "frameworks"


def _table(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def _england(path: Path) -> dict[str, dict[str, str]]:
    return {r["indicator"]: r for r in _table(path)
            if r["area_type"] == "england" and not r["breakdown"]}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """The folder of a small demo, and (stdout, stderr) of its first run, of a second run
    and of a run with `--pupils`."""
    out = tmp_path_factory.mktemp("demo")
    args = ["demo", "--out", str(out), "--frameworks", str(FRAMEWORKS), "--scale", "0.05"]
    texts = []
    for extra in ([], [], ["--pupils", "0.05"]):
        with pytest.MonkeyPatch.context() as patch:
            stdout, stderr = io.StringIO(), io.StringIO()
            patch.setattr("sys.stdout", stdout)
            patch.setattr("sys.stderr", stderr)
            assert main([*args, *extra]) == 0
        texts += [stdout.getvalue(), stderr.getvalue()]
    return out, texts


def test_demo_writes_every_file_it_lists(demo: tuple[Path, list[str]]) -> None:
    """Each results table and each form of the alignment report is written and named in the
    summary."""
    out, (first, _, *_) = demo
    listed = re.findall(r"^  (\S+\.(?:csv|html|txt|json)) ", first, flags=re.MULTILINE)
    assert listed == ["csc_national_framework.csv", "supporting_families.csv",
                      "shared_outcomes.csv", "provider_benchmarking.csv", "dfe_published.csv",
                      "alignment.html", "alignment.txt", "alignment.json", "funnels.html"]
    for name in listed:
        assert (out / name).is_file(), name
    england = _england(out / "csc_national_framework.csv")
    assert {"placements_3plus", "sdq_mean", "care_leavers_19_21_eet"} <= set(england)


def test_published_figures_come_from_the_published_tables_run(
        demo: tuple[Path, list[str]]) -> None:
    """The published column is England in dfe_published.csv (marked when it has a note); an
    indicator the published tables lack shows the no-value mark and is named."""
    out, (first, *_) = demo
    published = _england(out / "dfe_published.csv")
    rows = {line.split()[0]: line.split() for line in first.splitlines()
            if line.startswith("  ") and line.split()[0] in STABLE}
    assert list(rows) == list(STABLE)
    for indicator, words in rows.items():
        row = published.get(indicator)
        if row is None:
            assert words[2] == NO_VALUE, indicator
            continue
        expected = f"{float(row['value']):.1f}{QUALIFIED if row['note'] else ''}"
        assert words[2] == expected, indicator
    assert "sdq_mean" not in published
    assert rows["placements_3plus"][2] == "10.0"  # DfE's published 10%, not 10.4 pooled
    assert published["placements_3plus"]["note"] == ""
    assert "cin_rate_per_10k, sdq_mean are not among the published tables" in first


def test_judgements_and_notes_are_in_words(demo: tuple[Path, list[str]]) -> None:
    """No keyword with an underscore in the authorities' lines; a legend for the marks."""
    _, (first, *_) = demo
    lines = [line for line in first.splitlines() if "England: " in line]
    assert len(lines) == 5
    assert not any("_" in line for line in lines)
    assert f"Legend: {LEGEND}." in first


def test_what_was_not_evaluated_is_one_line(demo: tuple[Path, list[str]]) -> None:
    """One line counts the indicators not evaluated by the data they lack, with the option
    that supplies the school census; the table left without values says so."""
    _, (first, err, *_) = demo
    (line,) = [line for line in first.splitlines() if "not evaluated" in line.lower()]
    assert line.startswith("Not evaluated: 34 of 75 indicators")
    assert "school_census.pupils 21 (add --pupils 0.05)" in line
    assert "not evaluated" not in err
    assert ("shared_outcomes.csv          results on synthetic data, 1,476 rows, none with a "
            "value: its indicators need school_census.pupils (add --pupils 0.05)") in first


def test_data_are_generated_once_and_reused(demo: tuple[Path, list[str]]) -> None:
    """The first run generates the returns (with progress on standard error), the second
    reuses them, and `--pupils` reuses them too, generating only the school census."""
    out, (first, first_err, second, second_err, pupils, pupils_err) = demo
    assert "generating returns 2021-2025 …" in first_err
    assert "generated in" in first
    assert "generating" not in second_err
    assert "synthetic returns, reused from an earlier run." in second
    assert "generating returns" not in pupils_err
    assert "generating 5% of pupils …" in pupils_err
    assert ("synthetic returns, reused from an earlier run; a school census of 5% of pupils, "
            "generated in") in pupils
    data = out / "data"
    assert sorted(p.name for p in data.iterdir()) == ["scale-0.05-seed-2025"]
    assert sorted(p.name for p in (data / "scale-0.05-seed-2025" / "pupils-0.05").iterdir()
                  ) == ["2021", "2022", "2023", "2024", "2025", "generated.json"]
    assert not (data / "scale-0.05-seed-2025" / "2025" / "pupils.csv").exists()


def test_pupils_give_the_shared_outcomes_their_comparisons(
        demo: tuple[Path, list[str]]) -> None:
    """With a school census the shared outcomes compare vulnerable children with all pupils,
    in words, and the not-evaluated line no longer asks for it."""
    out, (*_, pupils, _) = demo
    assert "England: vulnerable children beside all pupils (shared outcomes)" in pupils
    assert "cla_persistent_absence" in pupils
    assert re.search(r"against all pupils: (better|similar|worse|higher|lower)$", pupils,
                     flags=re.MULTILINE)
    assert "school_census" not in pupils
    england = _england(out / "shared_outcomes.csv")
    assert england["cla_persistent_absence"]["value"]


def test_homes_are_benchmarked_and_their_funnels_drawn(demo: tuple[Path, list[str]]) -> None:
    """The homes of the synthetic register are the provider table's units (144 at scale
    0.05), none published with a denominator below 10, and the funnel page draws a chart
    with a table for each funnel a published home lies on."""
    out, (first, *_) = demo
    homes = [r for r in _table(out / "provider_benchmarking.csv")
             if r["area_type"] == "provider"]
    assert len({r["area_code"] for r in homes}) == 144
    published = [r for r in homes if r["value"]]
    assert all(float(r["denominator"]) >= 10 for r in published)
    assert "  unplanned_endings " in first
    assert f"  missing_from_home          {NO_VALUE} needs `ssda903.missing`" in first
    page = (out / "funnels.html").read_text(encoding="utf-8")
    charts = {(r["indicator"]) for r in published}
    assert page.count("<svg") == page.count("<table>") >= len(charts)


def test_demo_needs_the_frameworks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Without the shipped frameworks the demo says where to run it, as a usage error."""
    assert main(["demo", "--out", str(tmp_path), "--frameworks", str(tmp_path)]) == 2
    assert "run from the checkout" in capsys.readouterr().err
