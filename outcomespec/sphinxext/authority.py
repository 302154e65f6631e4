"""One authority's figures before publication, for its spine chart (docs/authority.rst).

The authority's synthetic returns (the XML files it holds) are evaluated alone with DfE's
published tables beside them and published comparators, as the tutorial runs them; its
value and judgement, England and its region come from that run. A spine also needs every
other authority, which a single return does not hold: the spread of authorities and the
statistical neighbours' median come from the published figures themselves (a framework
that computes the same indicators from the published tables, `frameworks/dfe_published.ospec`),
the authority's own published value replaced by its own. Only the indicators with a
`publication` are drawn: the others have no published comparator.

Both runs take seconds, so their spine rows are cached like the demo's (`spines.prepare`),
keyed by every file they read and the settings.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from outcomespec import model as m
from outcomespec.api import Framework
from outcomespec.sphinxext.charts import SpineRow
from outcomespec.sphinxext.spines import (
    DemoSettings,
    area_name,
    cache_key,
    generated,
    is_cached,
    neighbour_codes,
    spine_rows,
    write,
)

__all__ = ["authority_rows", "prepare_authority"]


def authority_rows(own: Iterable[Mapping[str, Any]], published: Iterable[Mapping[str, Any]],
                   framework: m.Framework, area: str, neighbours: Mapping[str, Sequence[str]]
                   ) -> dict[str, list[SpineRow]]:
    """Outcome or enabler → a spine row per published indicator of `framework`: the
    authority's value, judgement, England and region from its own run (`own`), the spread
    and the neighbours' median from the other authorities' rows of the `published` run.
    """
    shown = {i.id for s in framework.sections for i in s.indicators if i.publication is not None}
    rows = [r for r in own if r["indicator"] in shown
            and (r["area_type"] != m.AreaLevel.LOCAL_AUTHORITY or r.get("la_code") == area)]
    rows += [{**r, "framework": framework.name} for r in published
             if r["indicator"] in shown and r["area_type"] == m.AreaLevel.LOCAL_AUTHORITY
             and r.get("la_code") != area]
    return spine_rows(rows, framework, area, neighbours)


def prepare_authority(framework: Framework, published: Framework, tables: Path,
                      files: Iterable[Path], settings: DemoSettings, cache: Path) -> Path:
    """The spine rows of authority `settings.area`, computing them if not cached: its
    synthetic XML returns with the tables its publications read copied beside them (those
    of them that the folder `tables` holds),
    evaluated by `framework` with published comparators; the other authorities from
    `published` evaluated on `tables`. `files` are everything both frameworks read."""
    target = cache / f"authority-{framework.name}-{settings.area}.json"
    key = cache_key(files, settings)
    if is_cached(target, key):
        return target
    returns = generated(cache / f"xml-{settings.scale:g}-{settings.seed}-{settings.period}",
                        settings, "xml")
    folder = cache / f"authority-{settings.area}-{settings.scale:g}-{settings.seed}"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(returns / str(settings.period) / settings.area, folder)
    for name in publication_tables(framework.model):
        if (tables / f"{name}.csv").exists():
            shutil.copyfile(tables / f"{name}.csv", folder / f"{name}.csv")
    own = list(framework.run(folder, settings.period, area=settings.area,
                             comparators=m.ComparatorChoice.PUBLISHED).results.rows())
    others = published.run(tables, settings.period)
    sections = authority_rows(own, others.results.rows(), framework.model, settings.area,
                              neighbour_codes(others, settings.area))
    return write(target, key, framework.name, settings, area_name(own, settings.area),
                 sections)


def publication_tables(framework: m.Framework) -> list[str]:
    """The names of the tables the framework's publications read, as their files are named.
    """
    return sorted({i.publication.rows.dataset.rpartition(".")[2]
                   for s in framework.sections for i in s.indicators
                   if i.publication is not None})
