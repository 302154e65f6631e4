"""Units of comparison other than areas (providers of care): their frame, and the rows that
name none of them.

An indicator that `benchmark`s a comparison counts its rows per unit of the comparison's
register, as an area indicator counts them per local authority, so it reuses the area
machinery whole: the register becomes an `AreaFrame` whose codes are the units' (Ofsted
URNs), whose regions are the units' regions and whose peer groupings (`Peers`) take the
place of statistical neighbours. Evaluation, pooling (a region's and England's figures pool
their units), suppression and judgement then work on it unchanged.

A row that names no unit of the register — blank, `XXXXXXX` (the SSDA903's code for provision
Ofsted does not register), or a code the register does not hold — is counted in no unit and
in no pooled figure: the register says which units are compared, and England's figure for
them covers them alone. That is never silent: `unplaced_rows` says how many such rows an
indicator would have counted (D220), with their codes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from outcomespec import model as m
from outcomespec.evaluation.areas import AreaFrame, Peers
from outcomespec.evaluation.execution import Execution
from outcomespec.evaluation.plan import UnitIndex
from outcomespec.language.diagnostics import Diagnostic
from outcomespec.loading.identifiers import area_text
from outcomespec.loading.tables import Table
from outcomespec.model.rendering import short_name

__all__ = ["NOT_REGISTERED", "unit_frame", "unit_frames", "unplaced_rows"]

NOT_REGISTERED = "XXXXXXX"
"""The URN the SSDA903 records for provision Ofsted does not register (inspected by the CQC
or ISI, or a regional adoption agency)."""

SHOWN = 5
"""How many unknown codes a D220 message names."""


def unit_frames(frameworks: Sequence[m.Framework], tables: Mapping[str, Table]
                ) -> dict[str, AreaFrame]:
    """The frame of every comparison the frameworks declare: its register's units, or none
    when the register was not supplied (its indicators are then not evaluated, and their
    rows say so)."""
    labels = {c.name: c for f in frameworks for c in f.codelists}
    return {units.name: unit_frame(units, tables[units.dataset], labels)
            if units.dataset in tables else _no_units(units)
            for f in frameworks for units in f.comparisons}


def _no_units(units: m.ComparisonUnits) -> AreaFrame:
    """The frame of a comparison whose register is missing: no units, no regions."""
    return AreaFrame((), (), np.zeros(0, dtype=np.int64), (), (), geography=units.name,
                     level=units.level, peers={column: Peers(column, np.zeros(0, dtype=np.int64))
                            for column in units.peers})


def unit_frame(units: m.ComparisonUnits, register: Table,
               codelists: Mapping[str, m.Codelist] | None = None) -> AreaFrame:
    """The units of a register, in its order (a row without a code is no unit), with their
    names, regions (sorted by code) and peer groups (a code column's groups are named by
    their codelist's labels).

    >>> from outcomespec.loading.tables import Table
    >>> dataset = m.Dataset(name="r.homes", rows="home", columns=(
    ...     m.Column(name="URN", type=m.TEXT), m.Column(name="REGION", type=m.TEXT),
    ...     m.Column(name="TYPE", type=m.TEXT)))
    >>> table = Table.of(dataset, {"URN": np.array(["SC1", "SC2", ""]),
    ...                            "REGION": np.array(["E12000002", "E12000001", "E12000001"]),
    ...                            "TYPE": np.array(["CH", "CH", "SCH"])})
    >>> units = m.ComparisonUnits(name="r.homes", title=None, dataset="r.homes", level="home",
    ...                           code="URN", region="REGION", peers=("TYPE",))
    >>> frame = unit_frame(units, table)
    >>> frame.codes, frame.region_codes, frame.region_of.tolist(), frame.peers["TYPE"].codes
    (('SC1', 'SC2'), ('E12000001', 'E12000002'), [1, 0], ('CH',))
    """
    def texts(column: str | None) -> list[str]:
        if not column or column not in register.columns:
            return [""] * register.n_rows
        values = register.values(column)
        codes = register.code_tables.get(column)
        if codes is not None:  # a code column: its codes as written
            return [codes[v] if v >= 0 else "" for v in values.tolist()]
        return [area_text(v).strip() for v in values.tolist()]

    codes = texts(units.code)
    kept = [i for i, code in enumerate(codes) if code]
    names = texts(units.name_column) if units.name_column else codes
    region_codes = texts(units.region)
    region_names = texts(units.region_name) if units.region_name else region_codes
    regions = sorted({(region_codes[i], region_names[i] or region_codes[i])
                      for i in kept if region_codes[i]})
    region_index = {code: i for i, (code, _) in enumerate(regions)}
    return AreaFrame(
        tuple(codes[i] for i in kept), tuple(names[i] or codes[i] for i in kept),
        np.array([region_index.get(region_codes[i], -1) for i in kept], dtype=np.int64),
        tuple(code for code, _ in regions), tuple(name for _, name in regions),
        geography=units.name, level=units.level,
        peers={column: _peers(column, texts(column), kept, register, codelists or {})
               for column in units.peers})


def _peers(column: str, values: list[str], kept: list[int], register: Table,
           codelists: Mapping[str, m.Codelist]) -> Peers:
    """One peer grouping: the units with the same value of `column`, in order of value."""
    groups = sorted({values[i] for i in kept if values[i]})
    index = {value: i for i, value in enumerate(groups)}
    declared = register.dataset.column(column)
    codelist = codelists.get(declared.type.codelist or "") if declared else None
    labels = {code.code: code.label for code in codelist.codes} if codelist else {}
    return Peers(column, np.array([index.get(values[i], -1) for i in kept], dtype=np.int64),
                 tuple(groups), tuple(labels.get(group, group) for group in groups))


def unplaced_rows(run: Execution, index: int, rows: Any) -> Diagnostic:
    """D220: the rows of a dataset an indicator would have counted per unit (`rows`, a mask)
    whose code names no unit of the register, with how many are blank or `XXXXXXX` and the
    first other codes."""
    step = run.plan.steps[index]
    assert isinstance(step, UnitIndex)
    table = run.tables[step.dataset]
    frame = run.units[step.units]
    found = np.flatnonzero(rows)
    codes = np.broadcast_to(np.asarray(run.get(step.codes)), rows.shape)[found].astype(np.str_)
    blank = int(np.count_nonzero(np.char.strip(codes) == ""))
    unregistered = int(np.count_nonzero(codes == NOT_REGISTERED))
    others = sorted(set(codes.tolist()) - {"", NOT_REGISTERED})
    parts = ([f"{blank:,} with none"] if blank else []) + (
        [f"{unregistered:,} `{NOT_REGISTERED}` (not registered with Ofsted)"]
        if unregistered else [])
    if others:
        listed = ", ".join(f"`{code}`" for code in others[:SHOWN])
        more = f" and {len(others) - SHOWN:,} more" if len(others) > SHOWN else ""
        parts.append(f"{found.size - blank - unregistered:,} naming codes the register does "
                     f"not hold ({listed}{more})")
    register = short_name(step.units)
    return Diagnostic.of(
        "D220", f"{found.size:,} row{'s' if found.size > 1 else ''} of "
        f"`{short_name(step.dataset)}` an indicator would count per {frame.level} name no "
        f"{frame.level} of `{register}`: " + "; ".join(parts) + f"; they are left out of "
        f"every {frame.level}, region and England", None, path=table.source,
        line=table.line(int(found[0])),
        help=f"the {frame.n_areas:,} {frame.level}s compared are those of the register: check "
        "the codes against it, or its date")
