"""`outcomespec demo`: generate the synthetic national data (cached), evaluate the shipped
frameworks on it and DfE's published indicators on the published tables, and say what came
out.

It is the README's "run it" command: everything a new user needs to see the library work
end to end on national-scale data, without any data of their own. What it prints reads as
a result, not a log: England beside the same indicators as DfE published them (its
national rows, read by `dfe_published`), a few authorities judged in words, vulnerable
children beside all pupils, how the frameworks line up, what was not evaluated and why
(one line), every file written (with a word on a table that holds no value) and a legend
for its marks. Progress of the long steps
goes to the `steps` given: a bar on a terminal (`outcomespec.cli.progress`).

The returns are generated once per scale and seed, in `out/data/scale-S-seed-N/` (some 1 GB
at scale 1); a school census (`pupils` above 0) is generated alone beside them, in
`pupils-F/`, so that the returns serve every fraction of pupils.
"""

from __future__ import annotations

import json
import math
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from outcomespec.cli.progress import Steps, plain_steps
from outcomespec.cli.writing import make_folder, write_output

if TYPE_CHECKING:
    from outcomespec.alignment import Alignment
    from outcomespec.api import Framework, Run
    from outcomespec.results.funnel_chart import FunnelPoint
    from outcomespec.results.funnels import FunnelGroup

STABLE = ("cin_rate_per_10k", "rereferrals_12m", "cla_rate_per_10k", "placements_3plus",
          "long_term_stability", "sdq_mean", "care_leavers_19_21_eet",
          "cpp_second_or_subsequent")
"""The National Framework's stable indicators (DESIGN.md), shown for England."""

SYNTHETIC = ("csc_national_framework", "supporting_families", "shared_outcomes",
             "provider_benchmarking")
"""The shipped frameworks evaluated on the synthetic data, in this order."""

PROVIDERS = "provider_benchmarking"
"""The shipped framework that benchmarks children's homes: its funnels are drawn."""

PUBLISHED = "dfe_published"
"""The shipped framework that computes the same indicators from DfE's published tables."""

SHOWN = ("805", "341", "890", "202", "926")
"""Hartlepool, Liverpool, Blackpool, Camden and Norfolk: authorities of every kind."""

MAX_SCALE = 20.0
"""The largest `scale` the synthetic generator accepts (twenty national years' volume)."""

NO_VALUE, QUALIFIED = "—", "*"
LEGEND = (f"{NO_VALUE} no value, and why when it is known (each results table's note column "
          f"says why for every blank); {QUALIFIED} a value with a note, such as England pooled "
          "from only the authorities whose counts were published")


def run_demo(out: Path, frameworks: Path, *, scale: float = 1.0, seed: int = 2025,
             period: int = 2025, pupils: float = 0.0, steps: Steps | None = None,
             stream: TextIO | None = None) -> dict[str, Path]:
    """Generate (or reuse) the data, evaluate, align, write the results, print a summary.

    Returns every file written, by name. Every file is written with
    `outcomespec.cli.writing.write_output`: never over one of the framework files or
    published tables read (`OutputError` instead). `pupils` > 0 adds a school census (that
    fraction of all pupils, and every child known to children's social care), which the
    shared outcomes compare vulnerable children with; without it those indicators are
    reported as not evaluated.
    """
    from outcomespec.alignment import align
    from outcomespec.api import data_files, framework_files, load, run_all

    step = steps or plain_steps(sys.stderr)
    stream = stream if stream is not None else sys.stdout
    started = time.perf_counter()
    years = tuple(range(period - 4, period + 1))
    shipped = [frameworks / f"{name}.ospec" for name in SYNTHETIC]
    tables = frameworks / "data" / "dfe"
    dfe_file = frameworks / f"{PUBLISHED}.ospec"
    loaded = [load(path, root=frameworks) for path in shipped if path.exists()]
    dfe = load(dfe_file, root=frameworks) if dfe_file.exists() and tables.is_dir() else None
    inputs = [*framework_files([*shipped, dfe_file], frameworks),
              *data_files([dfe] if dfe else [], tables)]
    make_folder(out)
    cache = out / "data" / f"scale-{scale:g}-seed-{seed}"
    kept = [_generated(cache, step, inputs, f"generating returns {years[0]}-{years[-1]}",
                       needs=cache / str(period) / "providers.csv", years=years, scale=scale,
                       seed=seed)]
    census = cache / f"pupils-{pupils:g}"
    if pupils:
        kept.append(_generated(census, step, inputs, f"generating {pupils:.0%} of pupils",
                               years=years, scale=scale, seed=seed, pupils=pupils,
                               records=False))
    sources = _sources(loaded, cache / str(period), census / str(period) if pupils else None)
    size = sum(path.stat().st_size for path in sources.values())
    with step(f"reading {_size(size)}, evaluating {len(loaded)} frameworks"):
        runs = list(run_all(loaded, sources, period))
    written = {f"{f.name}.csv": _write(run, out / f"{f.name}.csv", inputs)
               for f, run in zip(loaded, runs, strict=True)}
    if dfe is not None:
        with step(f"evaluating {PUBLISHED}"):
            runs.append(dfe.run(tables, period))
        loaded.append(dfe)
        written[f"{PUBLISHED}.csv"] = _write(runs[-1], out / f"{PUBLISHED}.csv", inputs)
    alignment = align([f.model for f in loaded])
    written |= _write_alignment(alignment, out, inputs)
    by_name = {f.name: (f, run) for f, run in zip(loaded, runs, strict=True)}
    if PROVIDERS in by_name:
        written |= _write_funnels(by_name[PROVIDERS][1], out, inputs)
    lines = [_data_line(cache, kept, pupils), ""]
    lines += _england(by_name, period)
    lines += _authorities(by_name)
    lines += _population(by_name)
    lines += _homes(by_name)
    lines += _alignment_headline(alignment)
    lines += _not_evaluated(by_name, pupils)
    lines += _files(out, written, by_name, pupils)
    lines += ["", f"Legend: {LEGEND}.",
              f"Total time {time.perf_counter() - started:.1f} s."]
    stream.write("\n".join(lines) + "\n")
    return written


def _generated(folder: Path, step: Steps, inputs: Sequence[Path], description: str,
               needs: Path | None = None, **arguments: Any) -> float | None:
    """Generate into `folder` unless an earlier run did (and wrote `needs`, a file that
    data generated by an earlier version lack); the seconds it took (None: reused)."""
    from outcomespec.synthetic.generator import generate

    marker = folder / "generated.json"
    if marker.exists() and (needs is None or needs.exists()):
        return None
    with step(description) as advance:
        report = generate(folder, progress=advance, **arguments)
    write_output(marker, json.dumps({"seconds": report.seconds, "years": list(report.years)}),
                 inputs=inputs)
    return report.seconds


def _size(count: int) -> str:
    """A number of bytes for people.

    >>> _size(14_200_000), _size(1_234_000_000)
    ('14 MB', '1.2 GB')
    """
    return f"{count / 1e9:.1f} GB" if count >= 1e9 else f"{count / 1e6:.0f} MB"


def _sources(frameworks: Sequence[Framework], returns: Path, census: Path | None
             ) -> dict[str, Path]:
    """The files of the period the frameworks read, by dataset: the returns, and the school
    census from its own folder when there is one."""
    from outcomespec.api import data_files

    found = {path.stem: path for path in data_files(frameworks, returns) if path.exists()}
    if census is not None:
        found["pupils"] = census / "pupils.csv"
    return found


def _write(run: Run, path: Path, inputs: Sequence[Path]) -> Path:
    text = run.results.to_csv()
    assert text is not None
    write_output(path, text, inputs=inputs)
    return path


def _write_alignment(alignment: Alignment, out: Path, inputs: Sequence[Path]
                     ) -> dict[str, Path]:
    """The report as a page (HTML), as text and as JSON for tools."""
    texts = {"alignment.html": alignment.render_html(), "alignment.txt": alignment.render_text(),
             "alignment.json": json.dumps(alignment.to_dict(), indent=2) + "\n"}
    for name, text in texts.items():
        write_output(out / name, text, inputs=inputs)
    return {name: out / name for name in texts}


# ------------------------------------------------------------------ the summary

Runs = Mapping[str, "tuple[Framework, Run]"]
"""Each framework's name, with the framework and its run."""


def _data_line(cache: Path, kept: Sequence[float | None], pupils: float) -> str:
    """Where the data are, and whether this run generated them or reused them.

    >>> _data_line(Path("d"), [None, 2.0], 0.05)
    'Data in d: synthetic returns, reused from an earlier run; a school census of 5% of \
pupils, generated in 2.0 s.'
    """
    parts = ["synthetic returns", *([f"a school census of {pupils:.0%} of pupils"]
                                    if pupils else [])]
    return f"Data in {cache}: " + "; ".join(
        f"{part}, " + ("reused from an earlier run" if seconds is None
                       else f"generated in {seconds:.1f} s")
        for part, seconds in zip(parts, kept, strict=True)) + "."


def _words(keyword: str | None) -> str:
    """A judgement or note keyword as words: `not_compared` → `not compared`."""
    return (keyword or "").replace("_", " ")


def _value(row: Mapping[str, Any] | None, width: int = 0, suffix: str = "") -> str:
    """A row's value as the summary shows it: the number, marked when it has a note; or
    the no-value mark."""
    value = None if row is None or row["suppressed"] else row["value"]
    if value is None or math.isnan(value):
        return f"{NO_VALUE:>{width}}"
    mark = QUALIFIED if row and row["note"] else ""
    return f"{f'{value:.1f}{suffix}{mark}':>{width}}"


def _why(row: Mapping[str, Any] | None) -> str:
    """Why a row has no value, in words (empty when it has one)."""
    if row is None:
        return "not computed"
    note = str(row["note"] or "")
    return _words(note.partition(":")[0]) if _value(row) == NO_VALUE else ""


def _rows(runs: Runs, name: str) -> list[dict[str, Any]]:
    return [r for r in runs[name][1].results.rows() if not r["breakdown"]] if name in runs \
        else []


def _england(runs: Runs, period: int) -> list[str]:
    """The stable indicators for England, beside DfE's published figures for England (the
    England rows of dfe_published, which takes them from DfE's national rows)."""
    national = {r["indicator"]: r for r in _rows(runs, SYNTHETIC[0])
                if r["area_type"] == "england"}
    published = {r["indicator"]: r for r in _rows(runs, PUBLISHED)
                 if r["area_type"] == "england"}
    if not national:
        return []
    lines = [f"England, {period}: the National Framework's stable indicators on synthetic "
             f"data, beside England as DfE published it ({PUBLISHED})",
             f"  {'indicator':<26} {'synthetic':>10} {'published':>10}  unit"]
    for indicator in STABLE:
        row = national.get(indicator)
        lines.append(f"  {indicator:<26} {_value(row, 10)} "
                     f"{_value(published.get(indicator), 10)}  {row['unit'] if row else ''}")
    missing = [i for i in STABLE if i not in published]
    if missing:
        lines.append(f"  {NO_VALUE} published: {', '.join(missing)} "
                     f"{'is' if len(missing) == 1 else 'are'} not among the published tables "
                     "the project ships")
    others = len([i for i in national if i not in STABLE])
    lines += [f"  … and {others} more indicators in {SYNTHETIC[0]}.csv", ""]
    return lines


def _authorities(runs: Runs) -> list[str]:
    """A few authorities' share with three or more placements, judged in words."""
    rows = {r["la_code"]: r for r in _rows(runs, SYNTHETIC[0])
            if r["area_type"] == "local_authority" and r["indicator"] == "placements_3plus"}
    if not rows:
        return []
    lines = ["Children looked after with three or more placements in the year, in a few "
             "authorities, judged against England, their region and their neighbours"]
    for code in SHOWN:
        row = rows.get(code)
        if row is None:
            continue
        lines.append(f"  {row['area_name']:<12} {_value(row, 6, '%')}  "
                     f"England: {_words(row['vs_england']):<13} "
                     f"region: {_words(row['vs_region']):<13} "
                     f"neighbours: {_words(row['vs_neighbours'])}"
                     + (f"  ({_why(row)})" if _why(row) else ""))
    return [*lines, ""]


def _population(runs: Runs) -> list[str]:
    """Vulnerable children beside all pupils, England, as the shared outcomes judge them."""
    rows = [r for r in _rows(runs, "shared_outcomes") if r["area_type"] == "england"
            and r["vs_population"] not in (None, "not_compared")]
    if not rows:
        return []
    lines = ["England: vulnerable children beside all pupils (shared outcomes)"]
    lines += [f"  {row['indicator']:<26} {_value(row, 10)}  {row['unit']:<8} "
              f"against all pupils: {_words(row['vs_population'])}" for row in rows]
    return [*lines, ""]


def _funnel_charts(run: Run) -> list[tuple[str, str, FunnelGroup, tuple[FunnelPoint, ...]]]:
    """Each funnel the homes were judged by that has a home published on it, with its title
    and unit."""
    from outcomespec.results.funnel_chart import funnel_points

    titles = {(r["indicator"]): (r["title"], r["unit"]) for r in run.results.rows()}
    charts = []
    for group in run.results.funnels:
        points = funnel_points(run.results, group)
        if points:
            title, unit = titles[group.indicator]
            charts.append((f"{title}: against {group.name}", unit, group, points))
    return charts


def _write_funnels(run: Run, out: Path, inputs: Sequence[Path]) -> dict[str, Path]:
    """The funnel charts of the homes, each with its numbers as a table, as one page."""
    from outcomespec.results.funnel_chart import render_funnel_html

    path = out / "funnels.html"
    write_output(path, render_funnel_html(_funnel_charts(run),
                                          heading="Children's homes against their peers"),
                 inputs=inputs)
    return {"funnels.html": path}


def _homes(runs: Runs) -> list[str]:
    """Children's homes benchmarked: per indicator, how many are published, and how many lie
    outside England's funnel."""
    rows = [r for r in _rows(runs, PROVIDERS) if r["area_type"] == "provider"]
    if not rows:
        return []
    lines = ["Children's homes benchmarked (provider_benchmarking): homes published, and "
             "outside England's 95% funnel"]
    for indicator in dict.fromkeys(r["indicator"] for r in rows):
        these = [r for r in rows if r["indicator"] == indicator]
        shown = [r for r in these if _value(r) != NO_VALUE]
        outside = sum(r["vs_england"] not in ("similar", "not_compared") for r in shown)
        kind, _, why = str(these[0]["note"]).partition(": ")
        if not shown and kind == "not_evaluated":
            lines.append(f"  {indicator:<26} {NO_VALUE} {why}")
            continue
        lines.append(f"  {indicator:<26} {len(shown):>5} of {len(these):,} published, "
                     f"{outside} outside")
    return [*lines, "  (most homes see too few placements in a year to publish: "
            "denominators below 10 are withheld)", ""]


def _alignment_headline(alignment: Alignment) -> list[str]:
    """How the frameworks line up on the shared goals, in a few lines."""
    goals = alignment.goals
    lines = [f"Alignment on {len(goals)} shared goals"]
    for framework in alignment.frameworks:
        served = sum(1 for g in goals if g.strongest(framework) is not None)
        if served:
            lines.append(f"  {framework:<26} serves {served:>2} of {len(goals)} goals")
    lines.append(f"  duplicates (the same quantity in two places): {len(alignment.duplicates)}"
                 f"; near-duplicates: {len(alignment.near_duplicates)}; polarity conflicts: "
                 f"{len(alignment.conflicts)}")
    if alignment.process_only:
        lines.append(f"  served only by process or context measures: "
                     f"{', '.join(alignment.process_only)}")
    if alignment.unmeasured:
        lines.append(f"  measured by no framework: {', '.join(alignment.unmeasured)}")
    return [*lines, ""]


def _wanting(framework: Framework, run: Run) -> dict[str, int]:
    """What the indicators not evaluated lack (the datasets missing, or else the reason),
    with how many lack it."""
    plans = {p.indicator.name: p for p in framework.plan.indicators}
    found: dict[str, int] = {}
    for skipped in run.evaluation.skipped:
        plan = plans.get(skipped.indicator.name)
        read = {dataset for dataset, _ in framework.plan.columns_read(plan)} if plan else set()
        missing = sorted(read - set(run.loads))
        key = " and ".join(missing) if missing else skipped.reason
        found[key] = found.get(key, 0) + 1
    return found


def _not_evaluated(runs: Runs, pupils: float) -> list[str]:
    """Every indicator not evaluated, counted by what it lacks, in one line."""
    wanting: dict[str, int] = {}
    for framework, run in runs.values():
        for key, count in _wanting(framework, run).items():
            wanting[key] = wanting.get(key, 0) + count
    if not wanting:
        return []
    total = sum(len(framework.indicators) for framework, _ in runs.values())
    parts = [f"{key} {count}" + (" (add --pupils 0.05)" if "school_census" in key
                                 and not pupils else "")
             for key, count in sorted(wanting.items(), key=lambda item: -item[1])]
    return [f"Not evaluated: {sum(wanting.values())} of {total} indicators, for want of data "
            f"the demo does not generate: {'; '.join(parts)}.", ""]


def _files(out: Path, written: Mapping[str, Path], runs: Runs, pupils: float) -> list[str]:
    """Every file written, what it is, and a word on a table without any value."""
    about = {"funnels.html": "funnel charts of the children's homes, with their numbers",
             "alignment.html": "the alignment report, a page to read",
             "alignment.txt": "the same as text", "alignment.json": "the same for tools"}
    lines = [f"Written in {out}:"]
    for name in written:
        text = about.get(name, "")
        framework = name.removesuffix(".csv")
        if framework in runs:
            text = _table_words(*runs[framework], pupils)
        lines.append(f"  {name:<28} {text}")
    return lines


def _table_words(framework: Framework, run: Run, pupils: float) -> str:
    """A results table in a few words: its rows, and why it holds no value if it holds none."""
    rows = len(run.results)
    source = "DfE's published tables" if framework.name == PUBLISHED else "synthetic data"
    text = f"results on {source}, {rows:,} row{'s' * (rows != 1)}"
    shown = sum(1 for r in run.results.rows() if _value(r) != NO_VALUE)
    if rows and shown:
        return text
    wanting = _wanting(framework, run)
    why = "; ".join(wanting) or "nothing in the data could be evaluated"
    hint = " (add --pupils 0.05)" if "school_census" in why and not pupils else ""
    return f"{text}, none with a value: its indicators need {why}{hint}"
