"""A directory of data for several periods: a folder per period, and tables for every period.

The synthetic generator writes each reporting year's returns to a folder of its own
(`DIR/2021/`, `DIR/2022/`, …); DfE's published tables hold many years in one file, told apart
by a period column. A run over several periods reads either layout, or both at once: for each
period, a dataset from the period's folder when that folder holds it, otherwise from the
directory itself. What is read once is kept (`Reads`), so that five periods of one table are
one read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from attrs import evolve

from outcomespec import model as m
from outcomespec.loading.identifiers import share_codes
from outcomespec.loading.loader import LoadResult, load_directory

__all__ = ["Reads", "load_folders"]

Reads = dict[tuple[str, ...], dict[str, LoadResult]]
"""What was loaded, by directory and the names of the datasets asked for."""


def load_folders(datasets: Sequence[m.Dataset], directory: Path,
                 codelists: Mapping[str, m.Codelist], *, area: str | None,
                 period: int | None, reads: Reads) -> dict[str, LoadResult]:
    """Load the datasets for `period`: from `directory/<period>/` when it is a folder that
    holds them, the others from `directory` (all from `directory` when `period` is None or
    has no folder). Tables read from both places share their identifiers' codes, as tables
    read from one directory do.
    """
    def once(where: Path, wanted: Sequence[m.Dataset]) -> dict[str, LoadResult]:
        key = (str(where), *(d.name for d in wanted))
        if key not in reads:
            reads[key] = load_directory(wanted, where, codelists, area=area)
        return reads[key]

    folder = directory / str(period)
    if period is None or not folder.is_dir():
        return once(directory, datasets)
    own = once(folder, datasets)
    rest = [d for d in datasets if d.name not in own]
    loads = {**(once(directory, rest) if rest else {}), **own}
    shared = share_codes({name: r.table for name, r in loads.items() if r.table is not None})
    return {name: evolve(r, table=shared.get(name)) for name, r in loads.items()}
