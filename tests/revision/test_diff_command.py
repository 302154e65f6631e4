"""`outcomespec diff`: golden reports on two real revisions, the break in the series on
synthetic national-format data, `--git` on a throwaway repository, and usage mistakes.

`OUTCOMESPEC_UPDATE_GOLDEN=1` rewrites the files in tests/golden/revision; read the diff
before keeping it.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from outcomespec.cli import main
from outcomespec.synthetic.generator import generate
from tests.paths import REPO, TESTS

GOLDEN = TESTS / "golden" / "revision"
UPDATE = os.environ.get("OUTCOMESPEC_UPDATE_GOLDEN") == "1"
OLD = "tests/data/revisions/b87fc15/csc_national_framework.ospec"
NEW = "tests/data/revisions/47dfe85/csc_national_framework.ospec"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Exit status, standard output and standard error of one command."""
    status = main(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def golden(name: str, text: str) -> None:
    """`text` is the reviewed golden file `name` (rewritten when updating)."""
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
    assert text == path.read_text(encoding="utf-8")


@pytest.fixture
def in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from the repository, so reports name files as a user would."""
    monkeypatch.chdir(REPO)


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One year of synthetic returns for eight authorities, in the national layout."""
    folder = tmp_path_factory.mktemp("synthetic")
    generate(folder, years=(2025,), scale=0.2, seed=11, las=8)
    return folder / "2025"


@pytest.mark.usefixtures("in_repo")
def test_text_report_of_a_real_revision(capsys: pytest.CaptureFixture[str]) -> None:
    """What b87fc15 → 47dfe85 changes, as text: exit 0, the reviewed report."""
    status, out, err = run(capsys, "diff", OLD, NEW)
    assert (status, err) == (0, "")
    golden("national_b87fc15_47dfe85.txt", out)


@pytest.mark.usefixtures("in_repo")
def test_json_report_of_a_real_revision(capsys: pytest.CaptureFixture[str]) -> None:
    """The same as JSON, in its documented shape."""
    status, out, _ = run(capsys, "diff", OLD, NEW, "--format", "json")
    assert status == 0
    report = json.loads(out)
    assert sorted(report) == ["definitions", "framework", "indicators", "new", "old",
                              "same_meaning", "series", "settings"]
    assert [i["indicator"] for i in report["indicators"]] == [
        "cin_rate_per_10k", "placements_3plus", "long_term_stability", "placed_20_miles",
        "care_leavers_17_18_suitable", "care_leavers_19_21_suitable"]
    golden("national_b87fc15_47dfe85.json", out)


@pytest.mark.usefixtures("in_repo")
def test_same_file_twice_has_the_same_meaning(capsys: pytest.CaptureFixture[str]) -> None:
    """A file compared with itself: one line saying nothing changed."""
    status, out, _ = run(capsys, "diff", NEW, NEW)
    assert status == 0
    assert out.splitlines()[1] == "same meaning: no indicator, definition or setting changed"


@pytest.mark.usefixtures("in_repo")
def test_break_in_the_series_text(capsys: pytest.CaptureFixture[str], data: Path) -> None:
    """With data, each changed indicator's values under both versions, England first."""
    status, out, err = run(capsys, "diff", OLD, NEW, "--data", str(data), "--period", "2025")
    assert (status, err) == (0, "")
    golden("national_b87fc15_47dfe85_series_2025.txt", out)


@pytest.mark.usefixtures("in_repo")
def test_break_in_the_series_html_and_json(capsys: pytest.CaptureFixture[str], data: Path
                                           ) -> None:
    """The HTML page is reviewed; the JSON's England movements agree with the values each
    version publishes on its own, and blank values say why."""
    status, html, _ = run(capsys, "diff", OLD, NEW, "--data", str(data), "--format", "html")
    assert status == 0
    golden("national_b87fc15_47dfe85_series_2025.html", html)
    _, out, _ = run(capsys, "diff", OLD, NEW, "--data", str(data), "--format", "json")
    series = {s["indicator"]: s for s in json.loads(out)["series"]}
    assert list(series) == ["cin_rate_per_10k", "placements_3plus", "long_term_stability",
                            "placed_20_miles", "care_leavers_17_18_suitable",
                            "care_leavers_19_21_suitable"]
    for path, side in ((OLD, "old"), (NEW, "new")):
        _, table, _ = run(capsys, "eval", path, "--data", str(data), "--format", "json",
                          "--allow-missing")
        rows = {row["indicator"]: row for row in json.loads(table)
                if row["area_type"] == "england" and not row["breakdown"]}
        for indicator, found in series.items():
            (england,) = [a for a in found["areas"] if a["area_type"] == "england"]
            assert england[side] == rows[indicator]["value"], (indicator, side)
    for found in series.values():
        for area in found["areas"]:
            for side in ("old", "new"):
                assert (area[side] is None) == bool(area[f"{side}_note"]) or \
                    area[f"{side}_note"] == "incomplete", area


# ------------------------------------------------------------------ --git


def git(folder: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True,
                          check=True, env={**os.environ, "GIT_AUTHOR_NAME": "t",
                                           "GIT_AUTHOR_EMAIL": "t@example.org",
                                           "GIT_COMMITTER_NAME": "t",
                                           "GIT_COMMITTER_EMAIL": "t@example.org"})
    return done.stdout


LIBRARY = '''library care "Care records" {
  codelist sex "Sex" {
    1 "Male"
    2 "Female"
  }
  dataset children "Children" {
    rows child
    column CHILD identifier child
    column LA text
    column SEX code sex
    column AGE integer
    area LA
  }
  define older "Aged 16 or over" for children = AGE >= 16
}
'''

FRAMEWORK = '''framework local "Local measures" {
  import "lib/care.ospec"

  outcome grown "Young people grow up well" {
    indicator older_share "Children aged 16 or over" {
      kind context
      statistic proportion
      cohort children
      numerator cohort where older
      unit percent
      polarity no_judgement "Context"
      compare england
      confidence wilson 95%
    }
  }
}
'''


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    """A git repository with one commit of a framework and its library, then the library's
    definition changed in the working tree (not committed)."""
    folder = tmp_path / "project"
    (folder / "lib").mkdir(parents=True)
    (folder / "lib" / "care.ospec").write_text(LIBRARY, encoding="utf-8")
    (folder / "local.ospec").write_text(FRAMEWORK, encoding="utf-8")
    git(folder, "init", "-q")
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", "first")
    (folder / "lib" / "care.ospec").write_text(LIBRARY.replace("AGE >= 16", "AGE >= 17"),
                                               encoding="utf-8")
    return folder


def test_git_revision_is_read_without_checking_out(capsys: pytest.CaptureFixture[str],
                                                   repository: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """`--git HEAD` compares the committed import with the working tree's; the working tree
    and the index are left as they were."""
    monkeypatch.chdir(repository)
    status, out, err = run(capsys, "diff", "--git", "HEAD", "local.ospec")
    assert (status, err) == (0, "")
    assert out == (
        "local: HEAD:local.ospec → local.ospec\n"
        "indicators: 1 changed\n\n"
        "changed older_share: Children aged 16 or over\n"
        "  numerator:\n"
        "    old: cohort where older\n"
        "    new: cohort where older\n"
        "    - uses `older`, whose definition changed\n\n"
        "definitions:\n"
        "  changed older\n"
        "    old: AGE >= 16\n"
        "    new: AGE >= 17\n")
    assert git(repository, "status", "--porcelain") == " M lib/care.ospec\n"
    assert "AGE >= 17" in (repository / "lib" / "care.ospec").read_text(encoding="utf-8")


def test_git_file_that_the_revision_lacks(capsys: pytest.CaptureFixture[str],
                                          repository: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """A file new since the revision cannot be read there: E001 naming the revision."""
    monkeypatch.chdir(repository)
    (repository / "new.ospec").write_text(FRAMEWORK.replace("local", "new"), encoding="utf-8")
    status, out, err = run(capsys, "diff", "--git", "HEAD", "new.ospec")
    assert (status, out) == (1, "")
    assert err.startswith("new.ospec: error[E001]: cannot read `new.ospec` at HEAD: ")


@pytest.mark.parametrize(("args", "message"), [
    (["--git", "no-such-rev", "local.ospec"], "--git: `no-such-rev` is not a revision"),
    (["--git=--upload-pack=x", "local.ospec"], "--git: `--upload-pack=x` is not a "
                                                "revision (it starts with `-`)"),
    (["local.ospec"], "give OLD and NEW (or --git REV NEW)"),
    (["--git", "HEAD", "local.ospec", "local.ospec"], "give NEW alone with --git REV"),
])
def test_usage_mistakes(capsys: pytest.CaptureFixture[str], repository: Path,
                        monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
                        ) -> None:
    """Mistakes in the command are usage errors (exit 2), said in one line."""
    monkeypatch.chdir(repository)
    status, _, err = run(capsys, "diff", *args)
    assert status == 2
    assert err.startswith(f"outcomespec: error: {message}")


def test_outside_a_repository(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                              monkeypatch: pytest.MonkeyPatch) -> None:
    """`--git` where there is no repository is a usage error that says so."""
    (tmp_path / "local.ospec").write_text(FRAMEWORK, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    status, _, err = run(capsys, "diff", "--git", "HEAD", "local.ospec")
    assert status == 2
    assert "is not in a git repository" in err
