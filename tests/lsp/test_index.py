"""The index of names and completion, without a client: a small project whose every kind of
name is declared in one file and used in another."""

from __future__ import annotations

from pathlib import Path

import pytest

from outcomespec.lsp import Key, Workspace, complete

LIBRARY = '''library care "Care records" {
  codelist sex "Sex" {
    1 "Male"
    2 "Female"
    group known "Known" = 1, 2
  }
  dataset children "Children" {
    rows child
    column CHILD identifier child
    column LA text
    column SEX code sex
    column AGE integer
    key CHILD
    area LA
  }
  define older "Aged 16 or over" for children = AGE >= 16
}
'''

FRAMEWORK = '''framework local "Local measures" {
  import "care.ospec"

  outcome grown "Young people grow up well" {
    indicator older_share "Children aged 16 or over" {
      kind context
      statistic proportion
      cohort children where SEX in known
      numerator cohort where older and SEX in {1}
      unit percent
      polarity no_judgement "Context"
      compare england
      confidence wilson 95%
    }

    indicator boys_older "Boys aged 16 or over" {
      kind context
      statistic proportion
      cohort children where SEX in {1}
      numerator cohort where older
      unit percent
      polarity no_judgement "Context"
      compare england, population older_share
      confidence wilson 95%
    }
  }
}
'''


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    """A workspace holding the library and the framework, on disk."""
    (tmp_path / "care.ospec").write_text(LIBRARY, encoding="utf-8")
    (tmp_path / "local.ospec").write_text(FRAMEWORK, encoding="utf-8")
    return Workspace(tmp_path)


def uses(workspace: Workspace, key: Key) -> list[tuple[str, int, str]]:
    """(file, line from 1, text) of each use of `key` in the workspace."""
    return [(r.path.name, r.span.start_position[0], r.span.text)
            for r in workspace.references(key)]


def test_every_kind_of_name_is_found_where_it_is_used(workspace: Workspace) -> None:
    """Columns (in a key, an area, a condition), codes (in a group, a code set), groups,
    definitions, datasets and indicators (a population comparator) are each found."""
    care = workspace.root / "care.ospec" if workspace.root else Path()
    local = care.with_name("local.ospec")
    workspace.analysis(local)
    assert uses(workspace, Key(care, "column", "children.CHILD")) == [("care.ospec", 13, "CHILD")]
    assert uses(workspace, Key(care, "column", "children.SEX")) == [
        ("local.ospec", 8, "SEX"), ("local.ospec", 9, "SEX"), ("local.ospec", 19, "SEX")]
    assert uses(workspace, Key(care, "code", "sex.1")) == [
        ("care.ospec", 5, "1"), ("local.ospec", 9, "1"), ("local.ospec", 19, "1")]
    assert uses(workspace, Key(care, "group", "sex.known")) == [("local.ospec", 8, "known")]
    assert uses(workspace, Key(care, "definition", "older")) == [
        ("local.ospec", 9, "older"), ("local.ospec", 20, "older")]
    assert uses(workspace, Key(care, "dataset", "children")) == [
        ("care.ospec", 16, "children"), ("local.ospec", 8, "children"),
        ("local.ospec", 19, "children")]
    assert uses(workspace, Key(local, "indicator", "older_share")) == [
        ("local.ospec", 23, "older_share")]


def test_completion_offers_what_fits_where_the_cursor_is(workspace: Workspace) -> None:
    """Datasets after `for`, codelists after `column X code`, codes in `{…}`, the
    columns of the cohort's dataset in a `where`."""
    assert workspace.root is not None
    result = workspace.analysis(workspace.root / "local.ospec").result

    def labels(text: str) -> list[str]:
        return [item.label for item in complete(text, len(text), result)]

    assert labels("library x {\n  define y for ") == ["children"]
    assert labels("library x {\n  dataset d {\n    column S code ") == ["sex"]
    assert labels(FRAMEWORK[:FRAMEWORK.index("{1}") + 1]) == ["1", "2"]
    inside = FRAMEWORK[:FRAMEWORK.index("older and")]
    assert labels(inside)[:5] == ["CHILD", "LA", "SEX", "AGE", "older"]
