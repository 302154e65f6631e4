"""`outcomespec explain`: the plan in the framework's own words, for people and for tools.

The golden frameworks in tests/golden/explain cover what a reader must recognise: a named
cohort and definition, an exclusion with its reason, a code group, a breakdown, a window of
dates (`within 12 months after this.DEC`), a pairing of earlier rows (`last(… by DECOM)`), a
date moved by a duration, a date literal, a mean, and an area total read for the year
before. `OUTCOMESPEC_UPDATE_GOLDEN=1` rewrites the expected outputs from the current ones;
review the diff before committing.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import outcomespec
from outcomespec.api import explanation_document
from outcomespec.cli import main
from tests.paths import REPO, TESTS

GOLDEN = TESTS / "golden" / "explain"
FILES = ("readable.ospec", "rates.ospec")
UPDATE = os.environ.get("OUTCOMESPEC_UPDATE_GOLDEN") == "1"


def explain(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], where: Path,
            *args: str) -> tuple[int, str, str]:
    """`outcomespec explain ARGS` run in `where`: (exit code, stdout, stderr)."""
    monkeypatch.chdir(where)
    capsys.readouterr()
    code = main(["explain", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize(("form", "suffix"), [("text", "txt"), ("json", "json")])
def test_explain_matches_golden(form: str, suffix: str, monkeypatch: pytest.MonkeyPatch,
                                capsys: pytest.CaptureFixture[str]) -> None:
    """Both frameworks, one after the other, exactly as reviewed; exit 0, nothing on stderr."""
    code, out, err = explain(monkeypatch, capsys, GOLDEN, "--format", form, *FILES)
    expected = GOLDEN / f"expected.{suffix}"
    if UPDATE:
        expected.write_text(out, encoding="utf-8", newline="\n")
    assert (code, err) == (0, "")
    assert expected.exists(), f"no {expected.name}; run with OUTCOMESPEC_UPDATE_GOLDEN=1"
    assert out == expected.read_text(encoding="utf-8")


def test_text_reads_like_the_framework() -> None:
    """Durations, codes, dates and names as the language writes them; no Python reprs."""
    text = (GOLDEN / "expected.txt").read_text(encoding="utf-8")
    for written in ("within 12 months after this.DEC", "RNE in {P, B}", "RNE not in {S}",
                    "DECOM >= 2020-04-01", "DECOM + 7 days", "= open_at_end",
                    "any(episodes where open_at_end)", "last(PLACE of episodes where #35 by "
                    "DECOM)", "returns.population (children, la, year), for period - 1",
                    'exclude      age(DOB, period.end) >= 18 "adults"'):
        assert written in text, written
    for repr_text in ("Duration(", "ValueType(", "codes [", "True", "None", "<Relation"):
        assert repr_text not in text, repr_text


def test_json_is_the_api_explanation(monkeypatch: pytest.MonkeyPatch) -> None:
    """The golden JSON is the version-1 document of the API's explanations, in the order
    the frameworks were given."""
    monkeypatch.chdir(GOLDEN)
    data = json.loads(Path("expected.json").read_text(encoding="utf-8"))
    explanations = [outcomespec.load(Path(name)).explanation() for name in FILES]
    assert data == json.loads(json.dumps(explanation_document(explanations)))
    assert data["version"] == 1
    assert [f["framework"] for f in data["frameworks"]] == ["readable", "rates"]
    window = next(s for s in data["frameworks"][0]["indicators"][1]["steps"]
                  if s["kind"] == "window")
    assert window["text"] == ("any(episodes for same child where DECOM within 12 months "
                              "after this.DEC)")
    assert window["rows"] == "per row of episodes"


def test_shared_steps_are_counted_once() -> None:
    """Every step a framework's indicators share is marked in each, and counted once."""
    explanation = outcomespec.load(GOLDEN / "readable.ospec", GOLDEN).explanation()
    marked = {s.id for i in explanation.indicators for s in i.steps if s.shared}
    assert len(marked) == explanation.shared == 7
    for indicator in explanation.indicators:
        others = {s.id for i in explanation.indicators if i is not indicator for s in i.steps}
        assert {s.id for s in indicator.steps if s.shared} == \
            {s.id for s in indicator.steps} & others


def test_the_shipped_frameworks_explain_without_reprs(monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]
                                                      ) -> None:
    """Every indicator of the shipped frameworks is explained, with steps in words."""
    names = ("csc_national_framework.ospec", "dfe_published.ospec",
             "supporting_families.ospec", "shared_outcomes.ospec")
    code, out, _ = explain(monkeypatch, capsys, REPO / "frameworks", "--format", "json",
                           *names)
    assert code == 0
    data = json.loads(out)
    texts = [s["text"] for f in data["frameworks"] for i in f["indicators"] for s in i["steps"]]
    assert len(data["frameworks"]) == len(names)
    assert texts
    assert not [t for t in texts if any(r in t for r in ("Duration(", "ValueType(", "<Relation",
                                                         "codes [", "None"))]


def test_a_framework_with_errors_explains_nothing(monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str],
                                                  tmp_path: Path) -> None:
    """A broken file among those given: its diagnostics on standard error, no explanation,
    exit 1."""
    for name in ("returns.ospec", "readable.ospec"):
        (tmp_path / name).write_text((GOLDEN / name).read_text("utf-8"), "utf-8")
    (tmp_path / "broken.ospec").write_text(
        (GOLDEN / "rates.ospec").read_text("utf-8").replace("REFDATE in", "REFDAT in"),
        "utf-8")
    code, out, err = explain(monkeypatch, capsys, tmp_path, "readable.ospec", "broken.ospec")
    assert (code, out) == (1, "")
    assert "E201" in err
