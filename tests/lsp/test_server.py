"""The language server, through a real client session over stdio (pygls's client).

The workspace is a copy of the shipped frameworks (frameworks/ and its datasets), plus a
framework that reuses an indicator of the National Framework, so that references and renames
cross files. Diagnostics are compared with what `outcomespec check` reports for the same text.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("pygls")

from lsprotocol import types as lsp

from outcomespec.checking import check_paths
from outcomespec.language.formatter import format_source
from outcomespec.language.source import Source
from tests.lsp.client import Session, position, uri
from tests.paths import REPO

REUSE = '''framework local_stability "Local placement stability" {
  import "csc_national_framework.ospec"

  outcome stable "Stable homes" {
    indicator moves from csc_national_framework.placements_3plus {
      polarity lower_is_better "Fewer moves, as nationally"
    }
  }
}
'''


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace folder: the shipped frameworks and one that reuses an indicator."""
    folder = tmp_path_factory.mktemp("workspace") / "frameworks"
    shutil.copytree(REPO / "frameworks", folder, ignore=shutil.ignore_patterns("data"))
    (folder / "local_stability.ospec").write_text(REUSE, encoding="utf-8")
    return folder.resolve()


@pytest.fixture(scope="module")
def session(root: Path) -> Iterator[Session]:
    """One server for the module's tests."""
    started = Session(root)
    yield started
    started.stop()


@pytest.fixture(scope="module")
def national(root: Path, session: Session) -> Path:
    """The National Framework, opened."""
    path = root / "csc_national_framework.ospec"
    assert session.open(path) == []
    return path


def text_of(path: Path) -> str:
    return path.read_text(encoding="utf-8")


# ------------------------------------------------------------------ diagnostics


def test_server_says_what_it_can_do(session: Session) -> None:
    """Initialisation announces every feature the issue asks for."""
    caps = session.capabilities.capabilities
    offered = [caps.hover_provider, caps.definition_provider, caps.references_provider,
               caps.document_symbol_provider, caps.document_formatting_provider,
               caps.rename_provider, caps.completion_provider]
    assert [bool(x) for x in offered] == [True] * 7


def test_shipped_framework_has_no_diagnostics(root: Path, session: Session) -> None:
    """The shipped National Framework checks clean, in the editor as on the command line."""
    path = root / "csc_national_framework.ospec"
    assert session.open(path) == []
    assert check_paths([path], root).diagnostics == ()


def test_errors_have_checks_codes_messages_and_help(root: Path, session: Session) -> None:
    """A misspelt column gives the E201 of `check`, at the name, with its help line."""
    path = root / "errors.ospec"
    text = text_of(root / "csc_national_framework.ospec").replace(
        "starts_placement and DECOM in period", "starts_placement and DECMO in period")
    path.write_text(text, encoding="utf-8")
    found = session.open(path, text)
    expected = [d for d in check_paths([path], root).diagnostics if d.is_error]
    assert [(d.code, d.message.split("\n")[0]) for d in found] == \
        [(d.code, d.message) for d in expected] == \
        [("E201", "`DECMO` is not a column of `episodes` or a definition for it")]
    path.unlink()
    session.close(path)
    (diagnostic,) = found
    assert diagnostic.message == ("`DECMO` is not a column of `episodes` or a definition for "
                                  "it\nhelp: did you mean `DECOM`?")
    assert diagnostic.severity is lsp.DiagnosticSeverity.Error
    assert diagnostic.source == "outcomespec"
    line, column = position(text, "DECMO")
    assert diagnostic.range == lsp.Range(lsp.Position(line, column),
                                         lsp.Position(line, column + 5))


def test_diagnostics_follow_each_change(root: Path, session: Session) -> None:
    """A change that breaks the file is reported; the change that mends it clears it."""
    path = root / "changing.ospec"
    good = 'library changing "Changes" {\n  codelist yes_no {\n    Y "Yes"\n  }\n}\n'
    path.write_text(good, encoding="utf-8")
    assert session.open(path) == []
    broken = session.change(path, good.replace('Y "Yes"', 'Y "Yes"\n    Y "Again"'))
    assert [(d.code, d.range.start.line) for d in broken] == [("E503", 3)]
    assert session.change(path, good) == []


def test_import_that_does_not_resolve(root: Path, session: Session) -> None:
    """An import of a missing file is E203 on the import's path, with check's help line."""
    path = root / "lost.ospec"
    text = ('library lost "Lost" {\n  import "datasets/no_such_file.ospec"\n'
            '  codelist yes_no {\n    Y "Yes"\n  }\n}\n')
    found = session.open(path, text)
    assert [d.code for d in found] == ["E203"]
    assert found[0].message == ("import `datasets/no_such_file.ospec` not found\nhelp: looked "
                                "for `datasets/no_such_file.ospec` relative to the importing "
                                "file")
    assert found[0].range == lsp.Range(lsp.Position(1, 9), lsp.Position(1, 38))


def test_syntax_error_keeps_the_last_outline(root: Path, session: Session) -> None:
    """A file that stops parsing reports the parser's error; its outline is the last one
    that parsed."""
    path = root / "typing.ospec"
    good = 'library typing "Typing" {\n  codelist yes_no {\n    Y "Yes"\n  }\n}\n'
    session.open(path, good)
    broken = session.change(path, good.replace("  }\n}", "  \n}"))
    assert [d.code for d in broken] == ["E103"]
    assert [s.name for s in session.outline(path)[0].children or []] == ["yes_no"]


def test_unsaved_text_of_an_import_is_what_counts(root: Path, session: Session) -> None:
    """An importer is checked against the open, unsaved text of what it imports, and its
    diagnostics are sent again when that text changes."""
    library = root / "shared_words.ospec"
    user = root / "uses_words.ospec"
    library.write_text('library shared_words "Words" {\n  codelist answer {\n    Y "Yes"\n'
                       '  }\n}\n', encoding="utf-8")
    user.write_text('library uses_words "Uses" {\n  import "shared_words.ospec"\n'
                    '  dataset replies {\n    rows reply\n    column A code answer\n  }\n}\n',
                    encoding="utf-8")
    assert session.open(user) == []
    before = session.sent(user)
    session.open(library)
    assert session.diagnostics(user, after=before) == []  # sent again: it imports the library
    before = session.sent(user)
    session.change(library, text_of(library).replace("answer", "reply_codes"))
    found = session.diagnostics(user, after=before)
    assert [(d.code, d.message.split("\n")[0]) for d in found] == \
        [("E201", "unknown codelist `answer`")]


# ------------------------------------------------------------------ hover and definition


def test_hover_on_an_indicator(national: Path, session: Session) -> None:
    """Hovering an indicator's id shows its title, what it is and its description."""
    line, column = position(text_of(national), "indicator placements_3plus", shift=12)
    shown = session.hover(national, line, column)
    assert shown is not None
    head, detail, description = shown.split("\n\n")
    assert head == ("**indicator** `placements_3plus` — Children looked after with three "
                    "or more placements during the year")
    assert detail == "outcome indicator: proportion, percent, lower is better"
    assert description.startswith("Children looked after on 31 March (excluding short "
                                  "breaks) with three or more placements")


def test_hover_on_a_column_used_in_an_expression(national: Path, session: Session) -> None:
    """A column in a condition shows its dataset, type, range and description."""
    line, column = position(text_of(national), "DECOM <= period.end", shift=2)
    assert session.hover(national, line, column) == (
        "**column** `DECOM` of `episodes`\n\ncolumn: date, range 1990-01-01 ..\n\n"
        "Date the episode commenced")


def test_hover_on_a_definition_and_a_code(national: Path, session: Session) -> None:
    """A definition shows its title and type; a code in a code set shows its label."""
    text = text_of(national)
    line, column = position(text, "      starts_placement and DECOM", shift=8)
    assert session.hover(national, line, column) == (
        "**definition** `starts_placement` — Starts a placement (not a temporary one, nor "
        "the return from one)\n\nboolean for each row of `episodes`")
    line, column = position(text, "RNE in {S}", shift=8)
    hover = session.hover(national, line, column)
    assert hover is not None
    assert hover.startswith("**code** `S` of `reason_new_episode`\n\ncode: Started to be "
                            "looked after")


def test_hover_on_a_codelist(root: Path, national: Path, session: Session) -> None:
    """A codelist named by a column's type shows its title and size."""
    library = root / "datasets" / "ssda903.ospec"
    text = text_of(library)
    session.open(library)
    line, column = position(text, "code legal_status", shift=6)
    hover = session.hover(library, line, column)
    assert hover is not None
    assert hover.startswith("**codelist** `legal_status` — ")
    assert "codelist of " in hover
    session.close(library)


def test_definition_across_an_import(root: Path, national: Path, session: Session) -> None:
    """Go to definition on a column lands on its declaration in the imported library."""
    line, column = position(text_of(national), "DECOM <= period.end", shift=1)
    found = session.definition(national, line, column)
    library = root / "datasets" / "ssda903.ospec"
    declared = position(text_of(library), "column DECOM ", shift=7)
    assert found.uri == uri(library)
    assert (found.range.start.line, found.range.start.character) == declared


def test_definition_of_an_import_is_its_file(root: Path, national: Path,
                                             session: Session) -> None:
    """Go to definition on an import's path opens the imported file."""
    line, column = position(text_of(national), '"datasets/ssda903.ospec"', shift=3)
    found = session.definition(national, line, column)
    assert found.uri == uri(root / "datasets" / "ssda903.ospec")


# ------------------------------------------------------------------ references and rename


def test_references_of_a_definition(national: Path, session: Session) -> None:
    """Every use of `starts_placement`, and its declaration when asked for."""
    text = text_of(national)
    line, column = position(text, "define starts_placement ", shift=8)
    uses = session.references(national, line, column)
    assert [(u.range.start.line, u.range.start.character) for u in uses] == \
        [position(text, "      starts_placement and", shift=6)]
    both = session.references(national, line, column, declaration=True)
    assert [u.range.start.line for u in both] == [line, uses[0].range.start.line]


def test_references_of_a_column_cross_files(root: Path, national: Path,
                                            session: Session) -> None:
    """A column's uses are found in the library declaring it and in the frameworks that
    import it (the dataset's key and every condition)."""
    line, column = position(text_of(national), "DECOM <= period.end", shift=1)
    uses = session.references(national, line, column)
    files = {Path(u.uri.removeprefix("file://")).name for u in uses}
    assert files == {path.name for path in root.rglob("*.ospec")
                     if re.search(r"\bDECOM\b", _without_comments(path))}
    assert {"ssda903.ospec", "csc_national_framework.ospec", "supporting_families.ospec"} \
        <= files
    in_national = [u for u in uses if u.uri == uri(national)]
    assert len(in_national) == text_of(national).count("DECOM") - _comment_mentions(national)


def _without_comments(path: Path) -> str:
    return "\n".join(line.split("#", 1)[0] for line in text_of(path).splitlines())


def _comment_mentions(path: Path) -> int:
    """How many times DECOM is written in comments (not a use)."""
    return sum(line.split("#", 1)[1].count("DECOM") for line in text_of(path).splitlines()
               if "#" in line)


def test_rename_an_indicator_across_the_workspace(root: Path, national: Path,
                                                  session: Session) -> None:
    """Renaming `placements_3plus` changes its declaration and the framework reusing it."""
    text = text_of(national)
    line, column = position(text, "indicator placements_3plus", shift=12)
    prepared = session.prepare_rename(national, line, column)
    assert isinstance(prepared, lsp.Range)
    assert (prepared.start.character, prepared.end.character) == (column - 2, column + 14)
    edit = session.rename(national, line, column, "three_or_more_placements")
    changes = edit.changes or {}
    assert set(changes) == {uri(national), uri(root / "local_stability.ospec")}
    assert [(e.range.start.line, e.new_text) for e in changes[uri(national)]] == \
        [(line, "three_or_more_placements")]
    (reuse,) = changes[uri(root / "local_stability.ospec")]
    assert (reuse.range.start.line, reuse.range.start.character) == \
        position(REUSE, "placements_3plus")


def test_only_indicators_are_renamed(national: Path, session: Session) -> None:
    """Prepare-rename refuses anything but an indicator id."""
    line, column = position(text_of(national), "define starts_placement ", shift=8)
    assert session.prepare_rename(national, line, column) is None


# ------------------------------------------------------------------ completion


def labels(items: list[lsp.CompletionItem]) -> list[str]:
    return [item.label for item in items]


def test_completion_of_columns_inside_an_aggregation(root: Path, session: Session) -> None:
    """Inside `count(episodes where …)` the columns and definitions of episodes come first."""
    path = root / "typing_columns.ospec"
    text = text_of(root / "csc_national_framework.ospec")
    session.open(path, text)
    line, column = position(text, "count(episodes where starts_placement_in_year)",
                            shift=len("count(episodes where "))
    found = labels(session.completion(path, line, column))
    assert found[:6] == ["LA", "CHILD", "DECOM", "RNE", "LS", "CIN"]
    assert {"starts_placement", "looked_after_at_end", "age", "count"} <= set(found)
    assert "SEX" not in found  # a column of header, not of episodes


def test_completion_of_codes_and_field_values(national: Path, session: Session) -> None:
    """Codes of the column's codelist inside `{…}`; the checker's words after `kind`."""
    text = text_of(national)
    line, column = position(text, "RNE in {S}", shift=8)
    codes = session.completion(national, line, column)
    assert labels(codes) == ["S", "L", "P", "T", "B", "U"]
    assert codes[0].detail == "Started to be looked after"
    line, column = position(text, "kind outcome", shift=5)
    assert labels(session.completion(national, line, column)) == \
        ["outcome", "process", "context"]
    line, column = position(text, "polarity lower_is_better", shift=9)
    assert labels(session.completion(national, line, column)) == \
        ["higher_is_better", "lower_is_better", "no_judgement", "target_range"]


def test_completion_of_goals_and_indicators(root: Path, national: Path,
                                            session: Session) -> None:
    """After `serves`, the goals in scope; after `from`, the indicators of the imports."""
    line, column = position(text_of(national), "serves shared.stable_homes", shift=7)
    assert "stable_homes" in labels(session.completion(national, line, column))
    reuse = root / "local_stability.ospec"
    session.open(reuse)
    line, column = position(REUSE, "from csc_national_framework", shift=5)
    found = labels(session.completion(reuse, line, column))
    assert {"placements_3plus", "cla_rate_per_10k", "sdq_mean"} <= set(found)


def test_keywords_are_offered_between_fields(national: Path, session: Session) -> None:
    """Where no field is being written, the grammar's keywords are offered."""
    line, _ = position(text_of(national), "indicator placements_3plus")
    found = labels(session.completion(national, line + 1, 0))
    assert {"kind", "statistic", "polarity", "numerator"} <= set(found)


# ------------------------------------------------------------------ outline and formatting


def test_outline_nests_indicators_in_their_outcomes(national: Path, session: Session) -> None:
    """The outline is the module, its declarations, and each outcome's indicators."""
    (module,) = session.outline(national)
    assert module.name == "csc_national_framework"
    sections = {s.name: s for s in module.children or [] if s.kind is lsp.SymbolKind.Namespace}
    assert list(sections) == re.findall(r"^  (?:outcome|enabler) (\w+)", text_of(national),
                                        re.MULTILINE)
    assert len(sections) == 7  # the National Framework's 4 outcomes and 3 enablers
    assert [i.name for i in sections["stable_loving_homes"].children or []][:3] == \
        ["placements_3plus", "long_term_stability", "placed_20_miles"]


def test_formatting_gives_fmts_text(root: Path, session: Session) -> None:
    """Formatting replaces the document with what `outcomespec fmt` writes."""
    path = root / "untidy.ospec"
    text = 'library untidy "Untidy"{codelist yes_no{Y "Yes"   N "No"}}'
    session.open(path, text)
    (edit,) = session.formatting(path) or []
    assert edit.new_text == format_source(Source("untidy.ospec", text))
    assert edit.range == lsp.Range(lsp.Position(0, 0), lsp.Position(0, len(text)))
    session.change(path, edit.new_text)
    assert session.formatting(path) == []


def test_formatting_leaves_a_file_that_does_not_parse(root: Path, session: Session) -> None:
    """A document that does not parse is not formatted (its diagnostics say why)."""
    path = root / "unfinished.ospec"
    session.open(path, 'library unfinished "Unfinished" {\n  codelist yes_no {\n')
    assert session.formatting(path) is None
