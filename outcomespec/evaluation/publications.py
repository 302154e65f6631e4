"""An indicator's publication, read for England, the regions and the local authorities.

Why a stage of its own: a comparator taken from a published table is only as right as the
row it is read from, and a published table names its rows' areas in its own way (one column
holding every level's ONS code, as a Fingertips export does, or an authority's column left
empty on the regional and national rows, as DfE's tables do). So each row's area is the
first of the dataset's area columns it fills (`area old_la_code or region_code or
country_code`), read as England (E92000001), a region of the frame, or an authority by any
of its codes; rows of other areas (districts, health boards) are no comparator. A cell the
publication gives twice must give the same figure both times (Fingertips prints England's
row twice); otherwise, or when England or a region has no row at all, the figure is not
known and the run says so (D160), never a figure picked from one of the rows.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
from attrs import evolve

from outcomespec import model as m
from outcomespec.evaluation import plan as p
from outcomespec.evaluation.areas import ENGLAND_CODE, AreaFrame, Published
from outcomespec.evaluation.execution import Execution
from outcomespec.language.diagnostics import Diagnostic
from outcomespec.loading.identifiers import area_text
from outcomespec.loading.tables import Table
from outcomespec.model.notes import Marker

__all__ = ["choose_comparators", "published_figures", "row_cells"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

_SHOWN = 5
"""How many areas a D160 message names before saying how many more."""


_SOURCED = (m.ComparatorKind.ENGLAND, m.ComparatorKind.REGION, m.ComparatorKind.NEIGHBOURS)
"""The comparators that are pooled or published."""


def choose_comparators(plan: p.Plan, choice: m.ComparatorChoice) -> p.Plan:
    """The plan with its indicators' England, region and neighbour comparators taken as
    `choice` says: as declared; from the publication of every indicator that has one; or
    pooled from the areas evaluated, whatever is declared.

    >>> plan = p.Plan((), ())
    >>> choose_comparators(plan, m.ComparatorChoice.POOLED) == plan
    True
    """
    if choice is m.ComparatorChoice.DECLARED:
        return plan

    def chosen(indicator: m.Indicator) -> m.Indicator:
        published = (choice is m.ComparatorChoice.PUBLISHED
                     and indicator.publication is not None)
        comparators = tuple(evolve(c, published=published) if c.kind in _SOURCED else c
                            for c in indicator.comparators)
        return evolve(indicator, comparators=comparators)

    return evolve(plan, indicators=tuple(evolve(ip, indicator=chosen(ip.indicator))
                                         for ip in plan.indicators))


def row_cells(table: Table, frame: AreaFrame) -> IntArray:
    """The cell each row of a published table describes: an authority's position in the
    frame, then `n_areas + i` for the frame's region `i` and one past them for England; -1
    for a row of any other area.

    >>> from outcomespec.loading.tables import Table
    >>> dataset = m.Dataset(name="t", rows="area_year", area="la", upper_areas=("region",),
    ...     columns=(m.Column(name="la", type=m.TEXT), m.Column(name="region", type=m.TEXT)))
    >>> table = Table(dataset, {"la": np.array(["805", "", "", "E06000001"]),
    ...                         "region": np.array(["E12000001", "E12000001", "E92000001", ""])})
    >>> frame = AreaFrame(("805",), ("Hartlepool",), [0], ("E12000001",), ("North East",),
    ...                   aliases={"E06000001": 0})
    >>> row_cells(table, frame).tolist()
    [0, 1, 2, 0]
    """
    regions = {code: frame.n_areas + i for i, code in enumerate(frame.region_codes)}
    england = frame.n_areas + len(frame.region_codes)
    cells = np.full(table.n_rows, -1, dtype=np.int64)
    open_rows = np.ones(table.n_rows, dtype=bool)
    for column in table.dataset.area_columns:
        if column not in table.columns:
            continue
        values = table.values(column)
        distinct, inverse = np.unique(values, return_inverse=True)
        texts = [area_text(value).strip() for value in distinct]
        named = np.array([bool(text) for text in texts], dtype=bool)
        cell = np.array([england if text == ENGLAND_CODE else regions.get(text, -2)
                         if text in regions else _authority(frame, text) for text in texts],
                        dtype=np.int64)
        here = open_rows & named[inverse]
        cells[here] = cell[inverse[here]]
        open_rows &= ~here
    return np.where(cells < 0, -1, cells)


def _authority(frame: AreaFrame, text: str) -> int:
    position = frame.position(text)
    return -1 if position is None else position


def published_figures(run: Execution, plan: p.PublicationPlan, indicator: m.Indicator,
                      only: int | None = None) -> tuple[Published, list[Diagnostic]]:
    """The publication's figures for every cell of the frame, and a D160 warning naming
    England and the regions (those of the authorities, or of authority `only` in a single
    authority's run) it gives no single figure for, where they are comparators."""
    publication = indicator.publication
    assert publication is not None
    table = run.tables[plan.dataset]
    frame = run.frame
    n = frame.n_areas + len(frame.region_codes) + 1
    cells = row_cells(table, frame)

    def selected(step: int | None) -> Any:
        mask = np.broadcast_to(np.asarray(run.get(plan.rows if step is None else step),
                                          dtype=bool), (table.n_rows,))
        return mask & (cells >= 0)

    rows = selected(None)
    found = np.bincount(cells[rows], minlength=n) > 0
    value, markers, clash = _per_cell(table, publication.value, cells, rows, n)

    def count(part: m.PublishedCount | None, step: int | None) -> FloatArray:
        if part is None:
            return np.full(n, np.nan)
        values, _, disagree = _per_cell(table, part.column, cells, selected(step), n)
        clash[:] |= disagree
        return values

    numerator = count(publication.numerator, plan.numerator_rows)
    denominator = count(publication.denominator, plan.denominator_rows)
    limits = []
    for pair in publication.limits:
        lower, _, low_clash = _per_cell(table, pair.lower, cells, rows, n)
        upper, _, high_clash = _per_cell(table, pair.upper, cells, rows, n)
        clash |= low_clash | high_clash
        limits.append((pair.level, lower, upper))
    value[clash] = np.nan
    markers[clash] = Marker.NOT_AVAILABLE
    figures = Published(indicator=indicator, value=value, numerator=numerator,
                        denominator=denominator, found=found & ~clash, markers=markers,
                        source=table.source, limits=tuple(limits))
    return figures, _missing(indicator, figures, frame, clash, only)


def _per_cell(table: Table, column: str, cells: IntArray, rows: Any, n: int
              ) -> tuple[FloatArray, Any, Any]:
    """One column's value per cell over the rows selected: NaN with the strongest marker of
    its rows where none has a value, and whether two of its rows disagree."""
    values = np.asarray(table.values(column), dtype=np.float64)[rows]
    where = cells[rows]
    low, high = np.full(n, np.nan), np.full(n, np.nan)
    np.fmin.at(low, where, values)
    np.fmax.at(high, where, values)
    markers = np.zeros(n, dtype=np.int8)
    missing = np.isnan(values)
    found = table.markers.get(column)
    why = (found[rows][missing] if found is not None
           else np.zeros(int(missing.sum()), dtype=np.int8))
    np.maximum.at(markers, where[missing], np.maximum(why, Marker.EMPTY).astype(np.int8))
    markers[~np.isnan(low)] = Marker.NONE
    return low, markers, ~np.isnan(low) & (low != high)


def _missing(indicator: m.Indicator, figures: Published, frame: AreaFrame, clash: Any,
             only: int | None) -> list[Diagnostic]:
    """D160 for England and the regions taken from the publication that it gives no single
    figure for."""
    n_la = frame.n_areas
    names = [*frame.region_names, "England"]
    codes = [*frame.region_codes, ENGLAND_CODE]
    published = {c.kind for c in indicator.comparators if c.published}
    region_of = np.asarray(frame.region_of)
    las = region_of if only is None else region_of[[only]]
    wanted = (set(las[las >= 0].tolist()) if m.ComparatorKind.REGION in published else set())
    if m.ComparatorKind.ENGLAND in published:
        wanted.add(len(frame.region_codes))
    absent = [i for i in sorted(wanted, key=lambda i: (i != len(frame.region_codes), i))
              if not figures.found[n_la + i] or clash[n_la + i]]
    if not absent:
        return []
    shown = [f"{names[i]} ({codes[i]})" + (": its rows disagree" if clash[n_la + i] else "")
             for i in absent[:_SHOWN]]
    more = f" and {len(absent) - _SHOWN} more" if len(absent) > _SHOWN else ""
    table = indicator.publication.dataset.rsplit(".", 1)[-1] if indicator.publication else ""
    return [Diagnostic.of(
        "D160", f"`{indicator.id}`: the publication in `{table}` gives no figure for "
        f"{', '.join(shown)}{more} in the period", None, path=figures.source,
        help="their rows are left blank (`not_available`) and nothing is judged against them: "
        "check the publication's `where` and that the table covers the period and the "
        "geography's regions")]
