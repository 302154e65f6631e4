"""Units of comparison other than areas: providers of care, say, and the rows that are theirs.

An area framework compares local authorities, which every row names in its area column. A
framework that `benchmark`s providers compares the units of a register instead (Ofsted's
register of children's social care providers, by URN): each unit is a row of the register,
with its region and the columns that put it among its peers (providers of the same type);
and each dataset an indicator counts says, by a text column or definition of its rows,
which unit a row belongs to (an episode by its `URN`).
"""

from __future__ import annotations

from attrs import frozen

from outcomespec.language.source import Span
from outcomespec.model.expressions import Expr
from outcomespec.model.types import span_field


@frozen
class UnitRows:
    """The unit each row of `dataset` belongs to: `unit`, a text column or definition of
    its rows, holding a code of the register (missing: the row belongs to none)."""

    dataset: str
    unit: Expr


@frozen(kw_only=True)
class ComparisonUnits:
    """Units compared other than areas, read from the register `dataset`: one per row, coded
    by `code`, called by `name_column` (its code when none), in the region `region` names
    (called `region_name`), among the peers each of `peers` groups it with.

    >>> ComparisonUnits(name="providers.providers", title=None, dataset="providers.register",
    ...                 level="provider", code="URN").rows_of("ssda903.episodes") is None
    True
    """

    name: str
    title: str | None
    dataset: str
    level: str
    """What one unit is, as the register's `rows` says (`provider`): its rows' area type."""
    code: str
    name_column: str | None = None
    region: str | None = None
    region_name: str | None = None
    peers: tuple[str, ...] = ()
    rows: tuple[UnitRows, ...] = ()
    span: Span = span_field()

    def rows_of(self, dataset: str) -> Expr | None:
        """The unit of each row of `dataset`, None when its rows belong to no unit."""
        return next((r.unit for r in self.rows if r.dataset == dataset), None)
