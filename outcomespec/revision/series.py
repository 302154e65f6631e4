"""The break in the series: how a revision moves the published values of one period.

Both versions are evaluated on the same data for the same period; for every indicator whose
definition changed, each area's published value under the old definition is set beside its
value under the new one. Only published values are compared: a value suppressed, not
evaluated or otherwise blank in either version has no movement, and says why (the results'
`note`), so a comparison never reveals a suppressed figure or passes off a blank as zero.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from attrs import frozen

from outcomespec.results.builder import Results
from outcomespec.revision.changes import Revision

AREA_ORDER = {"england": 0, "region": 1, "local_authority": 2}
"""England first, then regions, then local authorities, as the results table has them."""


@frozen(kw_only=True)
class Movement:
    """One area's published value of one indicator under each version."""

    indicator: str
    area_type: str
    area_code: str
    area_name: str
    unit: str
    old: float | None
    new: float | None
    old_numerator: float | None
    new_numerator: float | None
    old_denominator: float | None
    new_denominator: float | None
    old_note: str
    """Why the old value is blank or qualified ("" when it is neither)."""
    new_note: str

    @property
    def change(self) -> float | None:
        """New minus old, when both versions publish a value."""
        if self.old is None or self.new is None:
            return None
        return self.new - self.old


@frozen(kw_only=True)
class SeriesBreak:
    """Every area's movement of one changed indicator, England first."""

    indicator: str
    old_indicator: str
    title: str
    unit: str
    period: int
    movements: tuple[Movement, ...]

    @property
    def england(self) -> Movement | None:
        """England's movement, when the results have an England row."""
        return next((m for m in self.movements if m.area_type == "england"), None)

    def counts(self) -> dict[str, int]:
        """How many local authorities' values went up, down, stayed, or cannot be compared
        (a value blank in either version)."""
        found = {"up": 0, "down": 0, "same": 0, "not compared": 0}
        for movement in self.movements:
            if movement.area_type != "local_authority":
                continue
            change = movement.change
            key = ("not compared" if change is None else "same" if math.isclose(
                change, 0.0, abs_tol=1e-9) else "up" if change > 0 else "down")
            found[key] += 1
        return found


def series_breaks(revision: Revision, old: Results, new: Results, period: int
                  ) -> tuple[SeriesBreak, ...]:
    """The movement of every area's headline value (no breakdown) for each indicator the
    revision changed, in the order the revision lists them."""
    before = _headline(old.rows())
    after = _headline(new.rows())
    found = []
    for change in revision.changed():
        old_id = change.old_indicator or change.indicator
        old_rows = before.get(old_id, {})
        new_rows = after.get(change.indicator, {})
        keys = sorted(set(old_rows) | set(new_rows),
                      key=lambda k: (AREA_ORDER.get(k[0], 3), (new_rows.get(k) or
                                                                old_rows[k])["area_name"]))
        movements = tuple(_movement(change.indicator, old_rows.get(key), new_rows.get(key))
                          for key in keys)
        unit = next((m.unit for m in movements if m.unit), "")
        found.append(SeriesBreak(indicator=change.indicator, old_indicator=old_id,
                                 title=change.title, unit=unit, period=period,
                                 movements=movements))
    return tuple(found)


Row = Mapping[str, Any]


def _headline(rows: Iterable[Row]) -> dict[str, dict[tuple[str, str], Row]]:
    """Indicator → (area type, area code) → its row without a breakdown."""
    found: dict[str, dict[tuple[str, str], Row]] = {}
    for row in rows:
        if not row["breakdown"]:
            found.setdefault(row["indicator"], {})[(row["area_type"], row["area_code"])] = row
    return found


def _movement(indicator: str, old: Row | None, new: Row | None) -> Movement:
    either = new if new is not None else old
    assert either is not None
    return Movement(
        indicator=indicator, area_type=either["area_type"], area_code=either["area_code"],
        area_name=either["area_name"], unit=either["unit"] or "",
        old=_number(old, "value"), new=_number(new, "value"),
        old_numerator=_number(old, "numerator"), new_numerator=_number(new, "numerator"),
        old_denominator=_number(old, "denominator"), new_denominator=_number(new, "denominator"),
        old_note=_note(old), new_note=_note(new))


def _number(row: Row | None, column: str) -> float | None:
    value = None if row is None else row[column]
    return None if value is None or math.isnan(value) else float(value)


def _note(row: Row | None) -> str:
    if row is None:
        return "no row: the area is not in this version's results"
    return str(row["note"] or "")
