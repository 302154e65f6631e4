"""outcomespec.results.table: the Results container on a table laid out by hand
(tests/results/cases.py): its columns, rows, notes and concatenation."""

from __future__ import annotations

import math

import numpy as np
import pytest
from attrs import evolve

from outcomespec.model.notes import Note
from outcomespec.results.judgement import Judgement
from outcomespec.results.table import COLUMNS, NUMBER_COLUMNS, NoteCounts, Results, plain_values
from tests.results.cases import NE, NW, hand_built


def test_number_columns_are_the_counts_values_limits_period_and_suppression() -> None:
    """Twelve columns are NumPy arrays; the other nineteen are text or judgements."""
    numbers = {"period", "numerator", "denominator", "value", "lower_95", "upper_95",
               "lower_99_8", "upper_99_8", "suppressed", "rank", "rank_of", "quartile"}
    assert numbers == NUMBER_COLUMNS
    assert len(COLUMNS) == 31


def test_rows_are_plain_python_values() -> None:
    """A row is a dict in column order: None for a blank number, words for judgements."""
    rows = list(hand_built().rows())
    assert len(rows) == len(hand_built()) == 7
    middlesbrough = rows[4]
    assert list(middlesbrough) == list(COLUMNS)
    assert (middlesbrough["value"], middlesbrough["numerator"], middlesbrough["suppressed"],
            middlesbrough["note"], middlesbrough["vs_england"]) == (
        None, None, True, "suppressed", "not_compared")
    assert type(rows[0]["period"]) is int
    assert type(rows[0]["suppressed"]) is bool
    assert rows[3]["vs_neighbours"] == "better"


def test_plain_values_by_kind_of_column() -> None:
    """Judgements become their words, numbers lose NaN, text and whole numbers pass through."""
    assert plain_values("vs_region", (Judgement.WORSE, Judgement.LOWER)) == ["worse", "lower"]
    assert plain_values("value", np.array([1.5, math.nan])) == [1.5, None]
    assert plain_values("period", np.array([2025], dtype=np.int64)) == [2025]
    assert plain_values("note", ("", "suppressed")) == ["", "suppressed"]


def test_a_column_by_name_or_a_key_error_naming_it() -> None:
    """`column` gives the stored column; a name that is not a column is a KeyError."""
    results = hand_built()
    assert results.column("area_name")[3] == "Hartlepool"
    assert results.column("numerator")[0] == 8500
    with pytest.raises(KeyError, match="no column 'rate' in the results table"):
        results.column("rate")


def test_note_counts_of_the_hand_built_table() -> None:
    """Four values (one qualified as incomplete) and three blanks, each by its note."""
    counts = hand_built().note_counts()
    assert counts == NoteCounts(
        4, {Note.ZERO_DENOMINATOR: 1, Note.SUPPRESSED: 1, Note.PUBLISHED_SUPPRESSED: 1},
        {Note.INCOMPLETE: 1})
    assert counts.blank == 3


def test_concatenate_keeps_rows_in_order_and_merges_what_layouts_need() -> None:
    """Rows of both tables in order; region names and targets of both, each once."""
    first = hand_built()
    second = evolve(first, framework=("sf",) * len(first),
                    region_names=((NW, "North West"), ("E12000003", "Yorkshire")),
                    targeted=frozenset({("sf", "placements_3plus")}))
    both = Results.concatenate([first, second])
    assert len(both) == 14
    assert both.framework == ("csc",) * 7 + ("sf",) * 7
    assert both.period.dtype == np.int64
    assert both.suppressed.dtype == np.bool_
    np.testing.assert_array_equal(both.value, np.concatenate([first.value, second.value]))
    assert both.region_names == ((NE, "North East"), (NW, "North West"),
                                 ("E12000003", "Yorkshire"))
    assert both.targeted == {("csc", "placements_3plus"), ("sf", "placements_3plus")}


def test_concatenating_one_table_gives_the_same_rows() -> None:
    """One table concatenated alone writes the same CSV."""
    results = hand_built()
    assert Results.concatenate([results]).to_csv() == results.to_csv()
