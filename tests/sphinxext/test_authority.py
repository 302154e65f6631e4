"""One authority's spine chart (`ospec:authority-spine`, docs/authority.rst): which rows come
from the authority's own run and which from the published figures, and the demo's spine rows
finding the authority by its DfE code."""

from __future__ import annotations

import functools
from typing import Any

import pytest

from outcomespec import model as m
from outcomespec.sphinxext import spines
from outcomespec.sphinxext.authority import authority_rows, publication_tables
from outcomespec.sphinxext.site import load_framework
from tests.paths import REPO

FRAMEWORKS = REPO / "frameworks"


@functools.cache
def national() -> m.Framework:
    path = FRAMEWORKS / "csc_national_framework.ospec"
    return load_framework(path, FRAMEWORKS).framework.model


def result(area_type: str, la: str, value: float | None, *, indicator: str = "placements_3plus",
           framework: str = "csc_national_framework", judgement: str = "similar"
           ) -> dict[str, Any]:
    """A results row as `Results.rows()` gives it: areas by ONS code, authorities by DfE
    code too."""
    codes = {"": "E92000001", "NE": "E12000001"}
    return {"framework": framework, "indicator": indicator, "breakdown": "",
            "area_type": area_type, "area_code": codes.get(la, f"E0600{la}"),
            "la_code": la if area_type == "local_authority" else "", "value": value,
            "unit": "percent", "suppressed": False,
            "region_code": "" if area_type == "england" else "E12000001",
            "vs_england": judgement}


def test_authority_rows_take_its_own_figures_and_the_published_spread() -> None:
    """Hartlepool's value, England and the region from its run; the spread and the
    neighbours' median from the published authorities, its published figure replaced."""
    own = [result("england", "", 10.0), result("region", "NE", 11.0),
           result("local_authority", "805", 17.6, judgement="worse"),
           result("local_authority", "806", 99.0),  # not Hartlepool's: never shown
           result("local_authority", "805", 76.0, indicator="foster_care")]
    published = [result("local_authority", la, value, framework="dfe_published")
                 for la, value in (("805", 1.0), ("806", 8.0), ("807", 12.0), ("808", 9.0))]
    sections = authority_rows(own, published, national(), "805",
                              {"statistical_neighbours": ["806", "807", "999"]})
    (row,) = [r for rows in sections.values() for r in rows]
    assert row.indicator == "placements_3plus"  # foster_care has no publication
    assert (row.value, row.judgement, row.england, row.region) == (17.6, "worse", 10.0, 11.0)
    assert row.neighbours == 10.0  # median of 8 and 12
    # 8, 9, 12 and Hartlepool's own 17.6; quartiles interpolated: 8 + 0.75, 12 + 0.25 × 5.6
    assert row.spread == pytest.approx((8.0, 8.75, 13.4, 17.6))


def test_publication_tables_are_named_as_their_files() -> None:
    """The national framework's publications read DfE's five tables and Fingertips'."""
    assert publication_tables(national()) == [
        "care_leavers_activity", "cin_referrals", "cla_numbers", "cpp_subsequent_plans",
        "injury_admissions", "placement_stability"]


def test_spine_rows_find_the_area_by_its_dfe_code() -> None:
    """Results name an authority by its ONS code and its DfE code: the demo's area, 805,
    is found by the latter, with its region and neighbours."""
    rows = [result("england", "", 10.0), result("region", "NE", 11.0),
            result("local_authority", "805", 17.6), result("local_authority", "806", 8.0),
            result("local_authority", "807", 12.0)]
    sections = spines.spine_rows(rows, national(), "805",
                                 {"statistical_neighbours": ["806", "807"]})
    (row,) = [r for rows in sections.values() for r in rows]
    assert (row.value, row.region, row.neighbours) == (17.6, 11.0, 10.0)
