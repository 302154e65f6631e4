"""What a revision changes in meaning: real revisions of the National Framework, each aspect
of an indicator changed by hand, renames, and layout that never counts.

Edited versions are served from memory over the shipped files (a `Files` overlay), so each
comparison checks exactly the text it names.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from attrs import frozen
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outcomespec.api import load
from outcomespec.language.diagnostics import Diagnostic
from outcomespec.language.formatter import format_source
from outcomespec.language.reading import DISK
from outcomespec.language.source import Source
from outcomespec.revision import Aspect, Change, Revision, Status, Version, compare
from tests.paths import REPO, TESTS

FRAMEWORKS = REPO / "frameworks"
NATIONAL = FRAMEWORKS / "csc_national_framework.ospec"
REVISIONS = TESTS / "data" / "revisions"
TEXT = NATIONAL.read_text(encoding="utf-8")


@frozen
class Overlay:
    """One file's text in memory, every other file from disk."""

    path: Path
    text: str

    def read(self, path: Path, shown_as: str) -> Source | Diagnostic:
        return Source(shown_as, self.text) if path == self.path else DISK.read(path, shown_as)

    def is_file(self, path: Path) -> bool:
        return path == self.path or path.is_file()


def version(text: str | None = None, path: Path = NATIONAL) -> Version:
    """The checked National Framework, with `text` in place of its file when given."""
    files = DISK if text is None else Overlay(path.resolve(), text)
    framework = load(path, path.parent, files=files)
    return Version(framework.model, framework.modules)


ORIGINAL = version()


def edited(old: str, new: str, count: int = 1) -> Revision:
    """The revision that replaces `old` by `new` in the National Framework (`count` times)."""
    assert TEXT.count(old) >= count, old
    return compare(ORIGINAL, version(TEXT.replace(old, new, count)))


def changes_of(revision: Revision, indicator: str) -> tuple[Change, ...]:
    (found,) = [c for c in revision.indicators if c.indicator == indicator]
    return found.changes


# ------------------------------------------------------------------ real revisions


def test_real_revision_changes_six_indicators() -> None:
    """b87fc15 → 47dfe85: the six indicators whose definitions DfE's figures changed."""
    old = version(path=REVISIONS / "b87fc15" / "csc_national_framework.ospec")
    new = version(path=REVISIONS / "47dfe85" / "csc_national_framework.ospec")
    revision = compare(old, new)
    assert [(c.status, c.indicator, [x.aspect for x in c.changes])
            for c in revision.indicators] == [
        (Status.CHANGED, "cin_rate_per_10k", [Aspect.NUMERATOR]),
        (Status.CHANGED, "placements_3plus", [Aspect.NUMERATOR]),
        (Status.CHANGED, "long_term_stability", [Aspect.NUMERATOR]),
        (Status.CHANGED, "placed_20_miles", [Aspect.COHORT]),
        (Status.CHANGED, "care_leavers_17_18_suitable", [Aspect.COHORT]),
        (Status.CHANGED, "care_leavers_19_21_suitable", [Aspect.COHORT]),
    ]
    (numerator,) = changes_of(revision, "placements_3plus")
    assert numerator.old == numerator.new  # the same words: the definition under them moved
    assert numerator.details == ("uses `starts_placement_in_year`, whose definition changed",)
    assert [(d.name.rsplit(".", 1)[-1], d.status) for d in revision.definitions] == [
        ("placement_before", Status.ADDED), ("usual_placement", Status.ADDED),
        ("returns_from_temporary_placement", Status.ADDED), ("starts_placement", Status.ADDED),
        ("starts_placement_in_year", Status.CHANGED), ("starts_with_new_carer", Status.ADDED),
        ("suitability_known", Status.ADDED)]
    assert revision.settings == ()


def test_a_revision_against_itself_is_empty() -> None:
    """The same file twice means the same."""
    assert compare(ORIGINAL, version()).empty


# ------------------------------------------------------------------ each aspect


@pytest.mark.parametrize(("old", "new", "indicator", "expected"), [
    ("polarity lower_is_better \"Minimising changes",
     "polarity higher_is_better \"Minimising changes", "placements_3plus",
     Change(Aspect.POLARITY, "lower_is_better", "higher_is_better")),
    ("      compare england, region, statistical_neighbours median\n      confidence wilson "
     "95%, 99.8%\n      breakdown by SEX",
     "      compare england\n      confidence wilson 95%, 99.8%\n      breakdown by SEX",
     "placements_3plus",
     Change(Aspect.COMPARATORS, "england, region, statistical_neighbours median", "england")),
    ("      confidence wilson 95%, 99.8%\n      breakdown by SEX",
     "      confidence wilson 95%\n      breakdown by SEX", "placements_3plus",
     Change(Aspect.CONFIDENCE, "wilson 95%, 99.8%", "wilson 95%")),
    ("      breakdown by SEX\n", "", "placements_3plus",
     Change(Aspect.BREAKDOWNS, "SEX", "")),
    ("statistic rate\n      numerator cin_details", "statistic rate\n      suppress counts "
     "1..9\n      numerator cin_details", "cin_rate_per_10k",
     Change(Aspect.SUPPRESSION, "counts 1..5", "counts 1..9")),
    ("numerator cohort where count(episodes where starts_placement_in_year) + count(episodes "
     "where looked_after_at_start) >= 3",
     "numerator cohort where count(episodes where starts_placement_in_year) + count(episodes "
     "where looked_after_at_start) >= 4", "placements_3plus",
     Change(Aspect.NUMERATOR,
            "cohort where count(episodes where looked_after_at_start) + count(episodes where "
            "starts_placement_in_year) >= 3",
            "cohort where count(episodes where looked_after_at_start) + count(episodes where "
            "starts_placement_in_year) >= 4",
            ("`count(episodes where looked_after_at_start) + count(episodes where "
             "starts_placement_in_year) >= 3` became `count(episodes where "
             "looked_after_at_start) + count(episodes where starts_placement_in_year) >= 4`",))),
])
def test_each_aspect_is_named_with_its_old_and_new_text(old: str, new: str, indicator: str,
                                                       expected: Change) -> None:
    """One edit, one change, in the words of the language."""
    revision = edited(old, new)
    assert changes_of(revision, indicator) == (expected,)
    assert [c.indicator for c in revision.indicators] == [indicator]


def test_a_changed_definition_reaches_every_indicator_using_it() -> None:
    """Editing `looked_after_at_end` changes every indicator built on it, and only those."""
    revision = edited("DECOM <= period.end and (DEC is missing or DEC > period.end)",
                      "DECOM < period.end and (DEC is missing or DEC > period.end)")
    assert [d.name for d in revision.definitions] == \
        ["csc_national_framework.looked_after_at_end"]
    changed = {c.indicator for c in revision.indicators}
    users = {i.id for i in ORIGINAL.framework.indicators
             if "looked_after_at_end" in repr(i) or "cla_31_march" in repr(i)}
    assert changed == users
    assert "placements_3plus" in changed


def test_order_of_conditions_and_named_conditions_do_not_count() -> None:
    """`a and b` is `b and a`; a condition written out equals the definition naming it."""
    assert edited("DECOM <= period.end and (DEC is missing or DEC > period.end)",
                  "(DEC > period.end or DEC is missing) and period.end >= DECOM").empty
    assert edited("any(episodes where looked_after_at_end and LS not in short_breaks and "
                  "PL_DISTANCE > 20",
                  "any(episodes where LS not in short_breaks and DECOM <= period.end and "
                  "(DEC is missing or DEC > period.end) and PL_DISTANCE > 20").empty


# ------------------------------------------------------------------ added, removed, renamed


def _block(indicator: str) -> str:
    found = re.search(rf"\n    indicator {indicator} .*?\n    }}\n", TEXT, re.DOTALL)
    assert found is not None
    return found.group(0)


def test_renamed_indicator_is_matched_by_what_it_computes() -> None:
    """A new id for the same quantity is a rename, with its other changes listed."""
    revision = edited("indicator placements_3plus \"Children",
                      "indicator three_or_more_moves \"Children")
    (change,) = revision.indicators
    assert (change.status, change.indicator, change.old_indicator, change.changes) == \
        (Status.RENAMED, "three_or_more_moves", "placements_3plus", ())


def test_renamed_indicator_with_a_new_definition_is_matched_by_title() -> None:
    """A new id and a new definition under the same title is still a rename."""
    block = _block("placements_3plus")
    renamed = block.replace("indicator placements_3plus", "indicator moves").replace(
        ">= 3", ">= 5")
    (change,) = edited(block, renamed).indicators
    assert (change.status, change.old_indicator, [c.aspect for c in change.changes]) == \
        (Status.RENAMED, "placements_3plus", [Aspect.NUMERATOR])


def test_removed_and_added_indicators() -> None:
    """An indicator taken out is removed; one with a new id, title and quantity is added."""
    block = _block("placed_20_miles")
    assert [(c.status, c.indicator) for c in edited(block, "\n").indicators] == \
        [(Status.REMOVED, "placed_20_miles")]
    added = block.replace("placed_20_miles", "placed_50_miles").replace(
        "more than 20 miles", "more than 50 miles").replace("PL_DISTANCE > 20",
                                                            "PL_DISTANCE > 50")
    assert [(c.status, c.indicator) for c in edited(block, block + added).indicators] == \
        [(Status.ADDED, "placed_50_miles")]


# ------------------------------------------------------------------ layout never counts


@pytest.mark.parametrize("path", sorted(FRAMEWORKS.glob("*.ospec")), ids=lambda p: p.name)
def test_formatting_a_shipped_framework_changes_nothing(path: Path) -> None:
    """diff(x, fmt(x)) is empty for every shipped framework."""
    formatted = format_source(Source(path.name, path.read_text(encoding="utf-8")))
    assert isinstance(formatted, str)
    revision = compare(version(path=path), version(formatted, path=path))
    assert revision.empty, revision


_PIECES = re.compile(r'"(?:[^"\\\n]|\\.)*"|#[^\n]*|[ \t\n]+|[^ \t\n"#]+')
LAYOUTS = st.sampled_from([" ", "  ", "\n", "\n\n    ", " \t", "\n  # a comment\n  "])


def relaid(text: str, data: st.DataObject) -> str:
    """`text` with its spacing redrawn and comments added, words and texts untouched: a run
    of spaces that ends a comment keeps a line break."""
    pieces = _PIECES.findall(text)
    out = []
    for index, piece in enumerate(pieces):
        if piece.isspace() and index > 0 and data.draw(st.booleans()):
            layout = data.draw(LAYOUTS)
            if pieces[index - 1].startswith("#") and "\n" not in layout:
                layout = "\n" + layout
            out.append(layout)
        else:
            out.append(piece)
    return "".join(out)


@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_layout_and_comments_never_count(data: st.DataObject) -> None:
    """Redrawn spacing and added comments mean the same; so does the formatter's output of
    that text: diff(x, relaid(x)) and diff(x', fmt(x')) are both empty."""
    text = relaid(TEXT, data)
    formatted = format_source(Source(NATIONAL.name, text))
    assert isinstance(formatted, str)
    assert compare(ORIGINAL, version(text)).empty
    assert compare(version(text), version(formatted)).empty
