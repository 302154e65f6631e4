"""England, the regions and the neighbours as published: comparators taken from a publication,
and the comparators a single authority's return cannot pool.

Why a module of its own: a published comparator is right only if it is the publisher's
figure, whole — its value, its counts and its limits as the table gives them (limits the
table does not give are computed from its counts, as for any published count) — and a
comparator that is not published must not pass for one. So each cell that is not pooled from
the authorities evaluated (`pooling.replaced_cells`) is taken from the publication, or is
blank with a note that says why: the table was not supplied, has no row for the area, or
publishes the indicator's whole cohort only (a breakdown's categories are not published);
or, in a single authority's return, England and the region were not published at all and
pooling them from one authority would give the authority itself.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from attrs import evolve

from outcomespec import model as m
from outcomespec.evaluation.areas import AreaFrame, Published
from outcomespec.model.notes import MARKER_NOTES, Marker, Note
from outcomespec.results.figures import Figures, limits_of, value_of
from outcomespec.results.judgement import neighbour_median, neighbour_pairs
from outcomespec.results.pooling import Cells, sum_by

__all__ = ["publish", "published_neighbours"]

FloatArray = npt.NDArray[np.float64]


def publish(figures: Figures, published: Published | None, cells: Cells) -> Figures:
    """The table with its replaced cells (England, the regions) taken from `published`,
    the indicator's publication, or left blank saying why.

    A published cell's counts are the publisher's (rounded as it rounds them), its value
    theirs, its limits theirs where the table gives them and otherwise computed from its
    counts; it is never suppressed again (the publisher has done so), and a value the table
    leaves blank keeps the publisher's reason (`c`: `published_suppressed`).
    """
    replaced = figures.counts.replaced
    if not replaced.size or not replaced.any():
        return figures
    ind = figures.totals.indicator
    kinds = {c.kind for c in ind.comparators if c.published}
    from_publication = np.zeros(cells.n, dtype=bool)
    from_publication[cells.england] = m.ComparatorKind.ENGLAND in kinds
    from_publication[cells.n_la:cells.england] = m.ComparatorKind.REGION in kinds
    take = replaced & from_publication & (figures.totals.breakdown == "") \
        & (published is not None)
    nothing = np.full(cells.n, np.nan)
    source = published if published is not None and take.any() else None

    def chosen(ours: FloatArray, theirs: FloatArray | None) -> FloatArray:
        out = np.where(replaced, np.nan, ours)
        return np.where(take, theirs, out) if theirs is not None else out

    num = chosen(figures.num, source.numerator if source else None)
    den = chosen(figures.den, source.denominator if source else None)
    value = chosen(figures.value, source.value if source else None)
    limits = {}
    for level, (lower, upper) in figures.limits.items():
        given = next(((low, high) for known, low, high in (source.limits if source else ())
                      if abs(known - level) < 1e-9), None)
        if given is None:
            given = (limits_of(ind, level, num, den, None) if source is not None
                     and ind.statistic not in (m.Statistic.MEAN, m.Statistic.MEDIAN)
                     else (nothing, nothing))
        limits[level] = (chosen(lower, given[0]), chosen(upper, given[1]))
    note = figures.note.copy()
    note[replaced] = _unpublished(figures, cells, from_publication)[replaced]
    if source is not None:
        note[take] = _notes(source)[take]
    return evolve(figures, num=num, den=den, value=value, limits=limits,
                  suppressed=figures.suppressed & ~replaced, note=note)


def _unpublished(figures: Figures, cells: Cells, from_publication: npt.NDArray[np.bool_]
                 ) -> npt.NDArray[np.object_]:
    """Why each cell that is neither pooled nor taken from a publication is blank."""
    short = _short(figures.totals.indicator)
    single = Note.NOT_EVALUATED.text(
        "a single authority's return: pooled from it alone, the figure would be the "
        "authority's own (take it from a publication: `compare england published`)")
    categories = Note.NOT_AVAILABLE.text(f"`{short}` publishes the whole cohort only, not "
                                         "this breakdown's categories")
    not_supplied = Note.NOT_EVALUATED.text(f"the publication `{short}` was not supplied")
    return np.where(~from_publication, single,
                    np.where(figures.totals.breakdown != "", categories, not_supplied)
                    ).astype(object) if cells.n else np.full(0, "", dtype=object)


def _notes(published: Published) -> npt.NDArray[np.object_]:
    """The note of each cell taken from a publication: none for a value, the publisher's
    reason for a blank, or why there is no figure at all."""
    short = _short(published.indicator)
    if not published.supplied:
        return np.full(published.value.size, Note.NOT_EVALUATED.text(
            f"the publication `{short}` was not supplied"), dtype=object)
    notes = np.full(published.value.size, "", dtype=object)
    blank = np.isnan(published.value)
    for i in np.flatnonzero(blank).tolist():
        if not published.found[i]:
            notes[i] = Note.NOT_AVAILABLE.text(f"no single row for this area in `{short}`")
        else:
            marker = Marker(int(max(published.markers[i], Marker.EMPTY)))
            notes[i] = MARKER_NOTES[marker].text(f"as published in `{short}`")
    return notes


def _short(indicator: m.Indicator) -> str:
    """The publication's table, as its framework calls it."""
    publication = indicator.publication
    return "" if publication is None else publication.dataset.rsplit(".", 1)[-1]


def published_neighbours(ind: m.Indicator, comparator: m.Comparator, frame: AreaFrame,
                         published: Published | None, n_la: int) -> FloatArray:
    """Each authority's neighbours' published value: the median of their published values,
    or the value of their published counts pooled (NaN where none is published).

    Why: in a single authority's return the neighbours are not evaluated at all, and the
    dashboard's median is of the figures DfE published for them.
    """
    matrix = frame.neighbours.get(comparator.name or "")
    if matrix is None or published is None:
        return np.full(n_la, np.nan)
    if comparator.method is not m.NeighbourMethod.POOLED:
        return neighbour_median(published.value[:n_la], matrix)
    rows, members = neighbour_pairs(matrix)
    num, den = (sum_by(rows, counts[:n_la][members], n_la)
                for counts in (published.numerator, published.denominator))
    return value_of(ind, num, den, None)
