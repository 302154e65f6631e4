"""Synthetic national data for children's social care in England, calibrated to published
figures: SSDA903 returns, children in need censuses, areas and populations, year by year.

>>> import tempfile
>>> with tempfile.TemporaryDirectory() as tmp:
...     report = generate(Path(tmp), years=(2025,), scale=0.05, las=3)
...     sorted(report.rows[2025])[:4]
['child_identifiers', 'child_protection_plans', 'cin_details', 'episodes']

`generate(directory)` writes, for each reporting year Y (ending 31 March Y), a directory
`directory/Y/` holding what a framework evaluates for period Y:

- the SSDA903 return of year Y extended with history: `header.csv`, `episodes.csv` (every
  episode of every child looked after at any time in the year, with their earlier episodes;
  temporary placements and the returns from them as the 903 validator expects, and the
  derived PL_DISTANCE, see `outcomespec.synthetic.placements`), `oc2.csv`, `oc3.csv`,
  `uasc.csv`; with the URN of each placement in a children's home, and `providers.csv`,
  the homes as Ofsted registers them (`outcomespec.synthetic.providers`);
- the children in need census of year Y extended with the two years before:
  `child_identifiers.csv`, `cin_details.csv`, `child_protection_plans.csv`;
- `local_authorities.csv`, `statistical_neighbours_2025.csv` and `ons_population.csv` (ONS
  estimates of children aged 0-17 for England, regions and the authorities generated, for
  mid-years 2016 to Y-1, multiplied by `scale` so that rates per 10,000 stay realistic; the
  "England" and regional rows add up the authorities generated);
- with `pupils` above 0, `pupils.csv`: the school census of academic year Y-1/Y, one row per
  pupil from reception to year 11 with the year's absence, Attainment 8 (year 11) and good
  level of development (reception). Children looked after and in need of school age are in
  it with the UPN of `header.csv` and `child_identifiers.csv`; of all pupils, a uniform
  sample of the fraction `pupils` is marked `sampled` (every child looked after or in need
  is written, in the sample or not), so that figures for all pupils filter on `sampled` and
  stay unbiased (see `outcomespec.synthetic.school`).

Every table has real column names and code values (as declared in `frameworks/datasets/`),
dates dd/mm/YYYY, and an `LA` column (3-digit DfE code) as in pooled national extracts. Child
identifiers are unique within an authority and, as in reality, reused across authorities.

Volumes follow each authority's population and its published 2025 rate of children looked
after (children in need: its published 2025 rate of children in need), so authorities differ as
they do in reality; `scale` multiplies every volume (1 ≈ England: some 82,000 children looked
after at 31 March and 630,000 referrals a year). The generator's own England figures,
computed from its arrays, come back in the `GenerationReport`. The same arguments always give
the same files, byte for byte. `simulation` and `figures` give the arrays and the figures
without writing files.

Everything is drawn for all children at once with NumPy (loops run over years, chain steps
and table columns, never over children), and the large files are written by two threads:
scale 1 and five years take some 15 to 20 seconds on two cores and write about 1 GB.
"""

from __future__ import annotations

import csv
import enum
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from pathlib import Path

import numpy as np
from attrs import evolve, field, frozen

from outcomespec.synthetic import census, providers, returns, school, xmlreturns
from outcomespec.synthetic import files as w
from outcomespec.synthetic.census import NeedYear
from outcomespec.synthetic.codes import ETHNIC
from outcomespec.synthetic.figures import EnglandFigures, england_figures
from outcomespec.synthetic.history import Simulation, simulate
from outcomespec.synthetic.providers import Register
from outcomespec.synthetic.reference import FIRST_MID_YEAR, LocalAuthorities
from outcomespec.synthetic.returns import CareYear
from outcomespec.synthetic.school import SchoolFigures

Columns = list[tuple[str, w.Field]]
PROVIDERS_STREAM = 18
"""The children's homes are drawn from a stream of their own (`[seed, 18]`), so that the
other files are the same with them or without."""
Progress = Callable[[int, int], None]
"""Told (steps done, steps in all) as generation advances."""
_LARGE: dict[str, Callable[[Simulation, CareYear, NeedYear, w.Bytes, Register], Columns]] = {
    "cin_details": lambda sim, cy, ny, codes, homes: census.cin_details_columns(sim, ny, codes),
    "child_identifiers": lambda sim, cy, ny, codes, homes: census.children_columns(sim, ny,
                                                                                   codes),
    "episodes": lambda sim, cy, ny, codes, homes: returns.episodes_columns(sim, cy, codes,
                                                                           homes),
    "header": lambda sim, cy, ny, codes, homes: returns.header_columns(sim, cy, codes),
    "child_protection_plans": lambda sim, cy, ny, codes, homes: census.plans_columns(sim, ny,
                                                                                     codes),
}
"""The large files of a year, each written on a thread of its own and a step of progress."""
DEFAULT_YEARS = (2021, 2022, 2023, 2024, 2025)


class FileFormat(enum.Enum):
    """How the returns are written: pooled national CSV tables, or each authority's XML."""

    CSV = "csv"
    XML = "xml"


FIRST_YEAR, LAST_YEAR = 2017, 2030
"""Reporting years the generator accepts (populations and code lists are known to 2025)."""


@frozen
class GenerationReport:
    """What `generate` wrote, and the generator's own England figures for each year."""

    directory: Path
    years: tuple[int, ...]
    scale: float
    seed: int
    authorities: int
    rows: Mapping[int, Mapping[str, int]]
    """Year → file name (without `.csv`) → data rows written."""
    england: Mapping[int, EnglandFigures]
    seconds: float
    """Wall-clock time taken."""
    schools: Mapping[int, SchoolFigures] = field(factory=dict)
    """Year → the school census's England figures (empty when `pupils` was 0)."""

    def summary(self) -> str:
        """The figures, one line per year, for people."""
        lines = [f"{self.authorities} authorities, scale {self.scale:g}, seed {self.seed}, "
                 f"{self.seconds:.1f} s"]
        for year, f in self.england.items():
            lines.append(
                f"{year}: CLA {f.cla_31_march} ({f.cla_rate_per_10k:.1f}/10k); 3+ placements "
                f"{f.placements_3plus_percent:.1f}%; over 20 miles "
                f"{f.placed_20_miles_percent:.1f}%; long-term stability "
                f"{f.long_term_stability_percent:.1f}%; SDQ {f.sdq_mean:.2f}; EET 19-21 "
                f"{f.eet_19_21_percent:.1f}%; CIN {f.cin_rate_per_10k:.1f}/10k; re-referrals "
                f"{f.re_referral_percent:.1f}%; second CPP "
                f"{f.cpp_second_or_later_percent:.1f}%")
        for year, p in self.schools.items():
            lines.append(
                f"{year} pupils: {p.pupils} ({p.sampled} sampled); absence "
                f"{p.overall_absence_percent:.1f}%, persistent {p.persistent_absence_percent:.1f}%"
                f" (looked after {p.cla_persistent_absence_percent:.1f}%, in need "
                f"{p.cin_persistent_absence_percent:.1f}%); Attainment 8 "
                f"{p.attainment8_mean:.1f} (looked after {p.cla_attainment8_mean:.1f})")
        return "\n".join(lines)


def generate(directory: Path, *, years: Sequence[int] = DEFAULT_YEARS, scale: float = 1.0,
             seed: int = 2025, las: int | None = None, pupils: float = 0.0,
             records: bool = True, progress: Progress | None = None,
             format: FileFormat | str = FileFormat.CSV) -> GenerationReport:
    """Write synthetic returns for each reporting year into `directory/<year>/`.

    `scale` multiplies national volumes; `las` keeps the first `las` authorities (in DfE code
    order) for fast tests; `seed` fixes every random draw; `pupils` (0 to 1) is the fraction
    of all pupils sampled into a school census, `pupils.csv` (0: none written; the other files
    do not depend on it). `records=False` writes the school census alone (`pupils` above 0),
    the same file `records=True` would have written: returns generated once serve every
    fraction of pupils. `progress(done, total)` is told each step as it finishes: the
    simulation, then each large file and each year's small files (it may be called from
    the threads that write the files).

    `format="xml"` writes each authority's returns as it holds them instead: for each year,
    `directory/<year>/<authority>/` (the authority's 3-digit DfE code) holds its CIN census
    `cin_census.xml` and SSDA903 return `ssda903.xml`, written from the same values as the
    CSV tables (see `outcomespec.synthetic.xmlreturns`), and the small area files; evaluate
    one with `--area <code>`, as the SSDA903 XML names no authority.
    """
    began = time.perf_counter()
    chosen = _check(years, scale, seed, las)
    format = FileFormat(format)
    if format is FileFormat.XML and (pupils > 0 or not records):
        msg = "the XML returns are the CIN census and the SSDA903 return: no school census"
        raise ValueError(msg)
    if not 0 <= pupils <= 1 or (not records and pupils == 0):
        msg = (f"pupils must be a fraction from 0 to 1{'' if records else ', above 0'}, "
               f"not {pupils}")
        raise ValueError(msg)
    step = _steps(progress, 1 + len(chosen) * (((len(_LARGE) + 1) if records else 0)
                                               + (pupils > 0)))
    sim = simulate(chosen, scale, seed, las)
    step()
    la_codes = w.texts(np.array([code.encode() for code in sim.las.old_code]))
    homes = providers.register(np.random.default_rng([seed, PROVIDERS_STREAM]), sim.las,
                               scale)
    england: dict[int, EnglandFigures] = {}
    schools: dict[int, SchoolFigures] = {}
    pending: dict[int, dict[str, Future[int] | int]] = {}
    with ThreadPoolExecutor(max_workers=2) as pool:
        for year in chosen:
            folder = Path(directory) / str(year)
            folder.mkdir(parents=True, exist_ok=True)
            cy = returns.care_year(sim, year)
            ny = census.need_year(sim, year)
            files: dict[str, Future[int] | int] = {}
            if format is FileFormat.XML:
                files = {**_write_xml(folder, sim, cy, ny, la_codes, homes, scale)}
                england[year] = england_figures(sim, cy)
                step(len(_LARGE) + 1)
                pending[year] = files
                continue
            if records:
                files = {name: _submit(pool, folder / f"{name}.csv",
                                       partial(make, sim, cy, ny, la_codes, homes), step)
                         for name, make in _LARGE.items()}
            england[year] = england_figures(sim, cy)
            if pupils > 0:
                sy = school.school_year(sim, cy, ny, la_codes, pupils)
                files["pupils"] = _submit(pool, folder / "pupils.csv",
                                          partial(school.pupils_columns, sy, la_codes), step)
                schools[year] = school.school_figures(sy)
                england[year] = evolve(
                    england[year],
                    pupils_persistent_absence_percent=schools[year].persistent_absence_percent,
                    cla_persistent_absence_percent=schools[year].cla_persistent_absence_percent)
            if records:
                for name, columns in returns.outcome_columns(sim, cy, la_codes).items():
                    files[name] = w.write(folder / f"{name}.csv", columns)
                files["providers"] = w.write(folder / "providers.csv",
                                             providers.register_columns(homes, sim.las))
                files |= _write_areas(folder, sim.las, year, scale)
                step()
            pending[year] = files
    rows = {year: {name: v if isinstance(v, int) else v.result()
                   for name, v in sorted(files.items())} for year, files in pending.items()}
    return GenerationReport(Path(directory), chosen, scale, seed, len(sim.las), rows, england,
                            round(time.perf_counter() - began, 3), schools)


def simulation(*, years: Sequence[int] = DEFAULT_YEARS, scale: float = 1.0, seed: int = 2025,
               las: int | None = None) -> Simulation:
    """The simulation `generate` writes from (for checks on its arrays)."""
    return simulate(_check(years, scale, seed, las), scale, seed, las)


def figures(sim: Simulation, year: int) -> EnglandFigures:
    """The generator's England figures for one of the simulation's years, without writing
    any file (the same as `generate` reports)."""
    if year not in sim.years:
        msg = f"{year} is not one of the simulated years {sim.years}"
        raise ValueError(msg)
    return england_figures(sim, returns.care_year(sim, year))


def _check(years: Sequence[int], scale: float, seed: int, las: int | None
           ) -> tuple[int, ...]:
    chosen = tuple(sorted({int(y) for y in years}))
    if not chosen or chosen[0] < FIRST_YEAR or chosen[-1] > LAST_YEAR:
        msg = f"years must be reporting years from {FIRST_YEAR} to {LAST_YEAR}, not {years}"
        raise ValueError(msg)
    if not scale > 0 or scale > 20:
        msg = f"scale must be above 0 and at most 20, not {scale}"
        raise ValueError(msg)
    if seed < 0:
        msg = f"seed must be a non-negative integer, not {seed}"
        raise ValueError(msg)
    if las is not None and las < 1:
        msg = f"las must be at least 1, not {las}"
        raise ValueError(msg)
    return chosen


def _write(path: Path, make: Callable[[], Columns]) -> int:
    return w.write(path, make())


def _submit(pool: ThreadPoolExecutor, path: Path, make: Callable[[], Columns],
            step: Callable[[], None]) -> Future[int]:
    """Write a file on the pool; a step of progress when it is written."""
    future = pool.submit(_write, path, make)
    future.add_done_callback(lambda _: step())
    return future


def _steps(progress: Progress | None, total: int) -> Callable[..., None]:
    """A function to call as each of `total` steps finishes, from any thread; it tells
    `progress` how many are done."""
    done = 0
    lock = threading.Lock()

    def step(steps: int = 1) -> None:
        nonlocal done
        with lock:
            done += steps
            if progress is not None:
                progress(done, total)
    return step


def _write_xml(folder: Path, sim: Simulation, cy: CareYear, ny: NeedYear, la_codes: w.Bytes,
               homes: Register, scale: float) -> dict[str, int]:
    """Each authority's two XML returns of the year, and the area files beside them; the
    children written in all, by return."""
    tables = {name: xmlreturns.rows_of(make(sim, cy, ny, la_codes, homes))
              for name, make in _LARGE.items()}
    tables |= {name: xmlreturns.rows_of(columns)
               for name, columns in returns.outcome_columns(sim, cy, la_codes).items()}
    ethnic = w.texts_of(w.codes(sim.ethnic[ny.children], ETHNIC))
    for row, code in zip(tables["child_identifiers"], ethnic, strict=True):
        row["Ethnicity"] = code
    written = {"cin_census": 0, "ssda903": 0}
    for authority in sim.las.old_code:
        own = {name: [row for row in rows if row["LA"] == authority]
               for name, rows in tables.items()}
        place = folder / authority
        place.mkdir(parents=True, exist_ok=True)
        written["cin_census"] += xmlreturns.write_cin_census(
            place / "cin_census.xml", cy.year, authority, own["child_identifiers"],
            own["cin_details"], own["child_protection_plans"])
        written["ssda903"] += xmlreturns.write_ssda903(
            place / "ssda903.xml", own["header"], own["episodes"], own)
        areas = _write_areas(place, sim.las, cy.year, scale)
    return written | areas


def _write_areas(folder: Path, las: LocalAuthorities, year: int, scale: float
                 ) -> dict[str, int]:
    """The geography and population tables (small: written with the csv module)."""
    with (folder / "local_authorities.csv").open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(["old_la_code", "new_la_code", "la_name", "region_code", "region_name"])
        out.writerows(zip(las.old_code, las.new_code, las.name, las.region_code,
                          las.region_name, strict=True))
    with (folder / "statistical_neighbours_2025.csv").open("w", newline="",
                                                           encoding="utf-8") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(["old_la_code", "la_name", "region_ind", "region_name"]
                     + [f"SN_{k}{p}" for k in range(1, 11) for p in ("", "P")])
        for i in range(len(las)):
            region = "London" if las.region_code[i].startswith("E13") else las.region_name[i]
            pairs = [v for pair in zip(las.neighbours[i], las.bands[i], strict=True)
                     for v in pair]
            out.writerow([las.old_code[i], las.name[i], las.region_ind[i], region, *pairs])
    population_rows = 0
    with (folder / "ons_population.csv").open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(["time_period", "time_identifier", "geographic_level", "country_code",
                      "country_name", "region_code", "region_name", "old_la_code",
                      "new_la_code", "la_name", "age_group", "population_estimate"])
        common = ("Reporting year", "E92000001", "England")
        age = "Children aged 0 to 17 years"
        for mid in range(FIRST_MID_YEAR, year):
            counts = las.scaled_population(mid, scale)
            regions: dict[tuple[str, str], int] = {}
            for i in range(len(las)):
                key = (las.region_code[i], las.region_name[i])
                regions[key] = regions.get(key, 0) + int(counts[i])
                if key[0].startswith("E13"):
                    regions[("E12000007", "London")] = regions.get(
                        ("E12000007", "London"), 0) + int(counts[i])
            lines = [[mid, common[0], "National", common[1], common[2], "", "", "", "", "",
                      age, int(counts.sum())]]
            lines += [[mid, common[0], "Regional", common[1], common[2], code, name, "", "",
                       "", age, total] for (code, name), total in sorted(regions.items())]
            lines += [[mid, common[0], "Local authority", common[1], common[2],
                       las.region_code[i], las.region_name[i], las.old_code[i],
                       las.new_code[i], las.name[i], age, int(counts[i])]
                      for i in range(len(las))]
            out.writerows(lines)
            population_rows += len(lines)
    return {"local_authorities": len(las), "statistical_neighbours_2025": len(las),
            "ons_population": population_rows}


__all__ = ["EnglandFigures", "FileFormat", "GenerationReport", "SchoolFigures", "Simulation",
           "figures", "generate", "simulation"]
