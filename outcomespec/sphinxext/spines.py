"""Demo results for the spine charts: the synthetic national data evaluated once per build
setting, and each outcome's rows of values for one local authority.

Generating and evaluating the data takes seconds, so both are cached in the Sphinx build
directory, keyed by everything they depend on (the framework files' text, scale, seed,
period, area and the library version): a rebuild reuses them, an edit recomputes them.
`spine_rows` is pure and is what the tests exercise; `prepare` is the cached glue.
"""

from __future__ import annotations

import hashlib
import json
import statistics
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

import outcomespec
from outcomespec import model as m
from outcomespec.api import Framework, Run
from outcomespec.sphinxext.charts import SpineRow
from outcomespec.synthetic.generator import generate


@attrs.frozen
class DemoSettings:
    """What the demo results depend on (conf.py's `ospec_demo_*` values)."""

    scale: float = 0.2
    seed: int = 2025
    period: int = 2025
    area: str = "805"


def percentile(values: Sequence[float], fraction: float) -> float:
    """A percentile by linear interpolation between order statistics (numpy's default).

    >>> percentile([1.0, 2.0, 3.0, 4.0], 0.25)
    1.75
    """
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def spine_rows(rows: Iterable[Mapping[str, Any]], framework: m.Framework, area: str,
               neighbours: Mapping[str, Sequence[str]]) -> dict[str, list[SpineRow]]:
    """Outcome or enabler → a spine row per indicator evaluated, for the area `area`.

    `rows` are results rows (`Results.rows()`); `area` and `neighbours` (each comparator
    set → the area's neighbours) name authorities by their DfE codes (`la_code`). The
    neighbours' value is the median of theirs, the DfE dashboard's convention. Suppressed
    values are left out of every figure, and an indicator with no value anywhere is left
    out of the chart.
    """
    by_indicator: dict[str, list[Mapping[str, Any]]] = {}
    for row in rows:
        if not row["breakdown"] and row["framework"] == framework.name:
            by_indicator.setdefault(row["indicator"], []).append(row)
    found: dict[str, list[SpineRow]] = {}
    for section in framework.sections:
        for indicator in section.indicators:
            results = by_indicator.get(indicator.id)
            spine = _row(indicator, results, area, neighbours) if results else None
            if spine is not None and (spine.england is not None or spine.spread is not None):
                found.setdefault(section.name, []).append(spine)
    return found


def _row(indicator: m.Indicator, results: Sequence[Mapping[str, Any]], area: str,
         neighbours: Mapping[str, Sequence[str]]) -> SpineRow:
    def shown(row: Mapping[str, Any]) -> float | None:
        value = row["value"]
        return None if row["suppressed"] or value is None else float(value)

    las = {r.get("la_code") or r["area_code"]: r for r in results
           if r["area_type"] == m.AreaLevel.LOCAL_AUTHORITY}
    values = [v for v in (shown(r) for r in las.values()) if v is not None]
    spread = ((min(values), percentile(values, 0.25), percentile(values, 0.75), max(values))
              if values else None)
    england = next((shown(r) for r in results if r["area_type"] == m.AreaLevel.ENGLAND), None)
    mine = las.get(area)
    region = None
    if mine is not None:
        region = next((shown(r) for r in results if r["area_type"] == m.AreaLevel.REGION
                       and r["area_code"] == mine["region_code"]), None)
    sets = [c.name for c in indicator.comparators
            if c.kind is m.ComparatorKind.NEIGHBOURS and c.name]
    peers = [v for code in (neighbours.get(sets[0], ()) if sets else ())
             if code in las and (v := shown(las[code])) is not None]
    return SpineRow(
        indicator.id, indicator.title, results[0]["unit"], indicator.polarity.value,
        shown(mine) if mine else None, str(mine["vs_england"]) if mine else "not_compared",
        england, region, statistics.median(peers) if peers else None, spread)


def neighbour_codes(run: Run, area: str) -> dict[str, list[str]]:
    """Each neighbour set → the DfE codes of authority `area`'s neighbours in the run."""
    frame = run.evaluation.frame
    codes = list(frame.codes)
    if area not in codes:
        return {}
    index = codes.index(area)
    return {name: [codes[int(i)] for i in matrix[index] if int(i) >= 0]
            for name, matrix in frame.neighbours.items()}


def cache_key(files: Iterable[Path], settings: DemoSettings) -> str:
    """A digest of everything a framework's demo results depend on: its files (the
    framework and every file it imports), the settings and the library version."""
    digest = hashlib.sha256(json.dumps([attrs.asdict(settings), outcomespec.__version__])
                            .encode())
    for file in sorted(files):
        digest.update(file.name.encode())
        digest.update(file.read_bytes())
    return digest.hexdigest()[:20]


def prepare(framework: Framework, files: Iterable[Path], settings: DemoSettings,
            cache: Path) -> Path:
    """The demo results file of a framework, computing it (and the data) if not cached;
    `files` are the framework's own and those it imports."""
    target = cache / f"spines-{framework.name}.json"
    key = cache_key(files, settings)
    if is_cached(target, key):
        return target
    data = generated(cache / f"synthetic-{settings.scale:g}-{settings.seed}-{settings.period}",
                     settings)
    run = framework.run(data / str(settings.period), settings.period)
    rows = list(run.results.rows())
    sections = spine_rows(rows, framework.model, settings.area,
                          neighbour_codes(run, settings.area))
    return write(target, key, framework.name, settings, area_name(rows, settings.area),
                 sections)


def is_cached(target: Path, key: str) -> bool:
    """Whether `target` holds rows computed under `key` (nothing they depend on changed)."""
    return target.exists() and json.loads(target.read_text("utf-8")).get("key") == key


def generated(folder: Path, settings: DemoSettings, file_format: str = "csv") -> Path:
    """`folder`, holding the synthetic returns of `settings` (generated once, then reused)."""
    marker = folder / "generated.json"
    if not marker.exists():
        report = generate(folder, years=(settings.period,), scale=settings.scale,
                          seed=settings.seed, format=file_format)
        marker.write_text(json.dumps({"seconds": report.seconds}), encoding="utf-8")
    return folder


def area_name(rows: Iterable[Mapping[str, Any]], area: str) -> str:
    """The name of authority `area` (its DfE code) in results rows, else the code."""
    return next((str(r["area_name"]) for r in rows if r.get("la_code") == area), area)


def write(target: Path, key: str, framework: str, settings: DemoSettings, name: str,
          sections: Mapping[str, Sequence[SpineRow]]) -> Path:
    """Spine rows as the JSON document `read` reads, under their cache key."""
    document = {"key": key, "framework": framework, "area": settings.area, "area_name": name,
                "period": settings.period, "scale": settings.scale, "seed": settings.seed,
                "sections": {section: [attrs.asdict(r) for r in rows]
                             for section, rows in sections.items()}}
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(document, indent=1, sort_keys=True), encoding="utf-8")
    return target


@attrs.frozen
class DemoResults:
    """A framework's cached demo results, as the charts need them."""

    area: str
    area_name: str
    period: int
    scale: float
    sections: Mapping[str, tuple[SpineRow, ...]]


def read(path: Path) -> DemoResults:
    """The demo results written by `prepare`."""
    document = json.loads(path.read_text("utf-8"))
    sections = {name: tuple(SpineRow(**{**row, "spread": tuple(row["spread"])
                                        if row["spread"] else None}) for row in rows)
                for name, rows in document["sections"].items()}
    return DemoResults(document["area"], document["area_name"], document["period"],
                       document["scale"], sections)
