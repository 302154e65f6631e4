"""The accessibility check of CI (`.ci/axe_check.py`): which pages it opens, what fails it,
what it prints, and, where Chromium and axe-core are at hand (`OUTCOMESPEC_AXE` names
axe.min.js), that it fails a page with a critical violation and passes a clean one."""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.paths import REPO


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("axe_check", REPO / ".ci" / "axe_check.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["axe_check"] = module
    spec.loader.exec_module(module)
    return module


axe_check = _script()

CLEAN = """<!DOCTYPE html><html lang="en"><head><title>Clean</title></head>
<body><main><h1>Clean</h1><p>Nothing wrong here.</p></main></body></html>"""
HEADING_WITHOUT_LEVEL = """<!DOCTYPE html><html lang="en"><head><title>Bad</title></head>
<body><main><h1>Bad</h1><p class="caption" role="heading">Contents</p></main></body></html>"""


def test_pages_are_every_html_file_outside_underscore_folders(tmp_path: Path) -> None:
    """Pages in sub-folders are checked; Sphinx's `_static`, `_sources`… are not."""
    for name in ("index.html", "frameworks/a.html", "_static/x.html", "_sources/y.html",
                 "notes.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(CLEAN, encoding="utf-8")
    assert list(axe_check.pages(tmp_path)) == ["frameworks/a.html", "index.html"]


def test_only_serious_and_critical_violations_fail() -> None:
    """Minor and moderate violations are reported but do not fail the check."""
    report = {"pages": [{"page": "site/a.html", "width": "desktop", "violations": [
        {"id": "region", "impact": "moderate"}, {"id": "aria-required-attr",
                                                 "impact": "critical"}]},
        {"page": "site/b.html", "width": "phone", "violations": [
            {"id": "heading-order", "impact": "minor"}]}]}
    assert [(page, width, v["id"]) for page, width, v in axe_check.failures(report)] == [
        ("site/a.html", "desktop", "aria-required-attr")]


def test_summary_orders_rules_by_impact_and_names_the_places() -> None:
    """The worst first; each rule once, with the pages and elements it concerns."""
    violation = {"help": "Helpful words", "nodes": [{"target": ["#a"]}, {"target": ["#b"]},
                                                    {"target": ["#c"]}, {"target": ["#d"]}]}
    report = {"engine": "4.14.1", "seconds": 2.0, "pages": [
        {"page": "site/a.html", "width": "desktop", "incomplete": [], "violations": [
            {**violation, "id": "region", "impact": "moderate"},
            {**violation, "id": "color-contrast", "impact": "serious"}]}]}
    lines = axe_check.summary(report).splitlines()
    assert lines[1] == "serious   color-contrast: Helpful words"
    assert lines[2] == "          site/a.html (desktop): #a, #b, #c and 1 more"
    assert lines[3] == "moderate  region: Helpful words"
    assert lines[-1] == "1 serious or critical violations"


@pytest.mark.skipif(not (os.environ.get("OUTCOMESPEC_AXE") and shutil.which("chromium")),
                    reason="needs chromium and OUTCOMESPEC_AXE=path/to/axe.min.js")
def test_a_heading_without_level_fails_and_a_clean_page_passes(tmp_path: Path) -> None:
    """End to end in headless Chromium: exit 1 and the rule named for the bad page, exit 0
    for the clean one, and the report written either way."""
    axe = os.environ["OUTCOMESPEC_AXE"]
    bad, good = tmp_path / "bad", tmp_path / "good"
    for folder, page in ((bad, HEADING_WITHOUT_LEVEL), (good, CLEAN)):
        folder.mkdir()
        (folder / "index.html").write_text(page, encoding="utf-8")
    assert axe_check.main(["--axe", axe, "--report", str(tmp_path / "r1"), str(bad)]) == 1
    summary = (tmp_path / "r1" / "axe-summary.txt").read_text(encoding="utf-8")
    assert "critical  aria-required-attr" in summary
    assert "bad/index.html (desktop)" in summary
    assert axe_check.main(["--axe", axe, "--report", str(tmp_path / "r2"), str(good)]) == 0
    assert (tmp_path / "r2" / "axe-report.json").is_file()


def test_nothing_to_check_is_an_error_not_a_pass(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """A folder without pages cannot pass the check silently (exit 2)."""
    axe = tmp_path / "axe.min.js"
    axe.write_text("", encoding="utf-8")
    empty = tmp_path / "site"
    empty.mkdir()
    code = axe_check.main(["--axe", str(axe), "--report", str(tmp_path / "r"), str(empty),
                           "--chromium", sys.executable])
    assert code == 2
    assert "no HTML page" in capsys.readouterr().err
