"""The `outcomespec` command line. Uses only the public API and renders at the edge.

Exit codes: 0 clean, 1 errors in the files (or `fmt --check` would change a file), 2 usage,
70 an internal error (a bug in outcomespec: one line asking for a report; `--debug` shows
the traceback).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import traceback
from collections.abc import Sequence
from pathlib import Path

from outcomespec import __version__
from outcomespec.api import Framework, Run, align, load, parse_period, run_all
from outcomespec.checker import check_paths
from outcomespec.codes import CODES
from outcomespec.demo import run_demo
from outcomespec.diagnostics import Diagnostic, OutcomeSpecError
from outcomespec.formatter import format_source
from outcomespec.reading import read_source
from outcomespec.rendering import render_all, render_json
from outcomespec.results import Results

EXIT_OK, EXIT_ERRORS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 70


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"outcomespec: error: {message}\n")
        raise SystemExit(EXIT_USAGE)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="outcomespec", description=__doc__.split("\n")[0] if __doc__ else "")
    parser.add_argument("--version", action="version", version=f"outcomespec {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    check = commands.add_parser("check", help="parse and check framework files")
    check.add_argument("files", nargs="+", type=Path, metavar="FILE")
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.add_argument("--root", type=Path, help="project root imports must stay inside "
                       "(default: the current directory, or the files' common directory)")
    check.add_argument("--color", choices=("auto", "always", "never"), default="auto")

    fmt = commands.add_parser("fmt", help="format framework files in place")
    fmt.add_argument("files", nargs="+", type=Path, metavar="FILE")
    fmt.add_argument("--check", action="store_true",
                     help="change nothing; exit 1 if any file would change")

    evaluate = commands.add_parser("eval", help="evaluate frameworks on data files")
    evaluate.add_argument("frameworks", nargs="+", type=Path, metavar="FRAMEWORK")
    evaluate.add_argument("--data", type=Path, required=True, metavar="DIR",
                          help="directory of <dataset>.csv or <dataset>.parquet files")
    evaluate.add_argument("--period", metavar="YEAR",
                          help="the reporting year: 2025, 2024-25 or 2024/25 all mean the year "
                               "ending 31 March 2025 (default: the latest the data hold)")
    evaluate.add_argument("--out", type=Path, metavar="FILE",
                          help="write the results table here (default: standard output)")
    evaluate.add_argument("--format", choices=FORMATS, default=None,
                          help="csv, json, parquet, fingertips or ees (default: from --out's "
                               "suffix, else csv)")
    evaluate.add_argument("--area", metavar="CODE",
                          help="the local authority of a single return without an area column")
    evaluate.add_argument("--keep-going", action="store_true",
                          help="evaluate despite data errors, reading bad values as missing "
                               "(they are reported, and the exit status is still 1)")
    evaluate.add_argument("--root", type=Path, help="project root imports must stay inside")

    plan = commands.add_parser("explain", help="show the evaluation plan of a framework")
    plan.add_argument("framework", type=Path, metavar="FRAMEWORK")
    plan.add_argument("--root", type=Path, help="project root imports must stay inside")

    aligning = commands.add_parser("align", help="align frameworks: goals × frameworks "
                                   "coverage, duplicated indicators, polarity conflicts")
    aligning.add_argument("frameworks", nargs="+", type=Path, metavar="FRAMEWORK")
    aligning.add_argument("--format", choices=("text", "json", "html"), default="text")
    aligning.add_argument("--out", type=Path, metavar="FILE",
                          help="write the report here (default: standard output)")
    aligning.add_argument("--root", type=Path, help="project root imports must stay inside "
                          "(default: the current directory, or the files' common directory)")

    demo = commands.add_parser("demo", help="generate national synthetic data, evaluate the "
                               "shipped frameworks, and summarise")
    demo.add_argument("--out", type=Path, default=Path("outcomespec-demo"), metavar="DIR")
    demo.add_argument("--frameworks", type=Path, default=Path("frameworks"), metavar="DIR",
                      help="the shipped frameworks (default: ./frameworks of the checkout)")
    demo.add_argument("--scale", type=float, default=1.0, help="1 = one national year")
    demo.add_argument("--seed", type=int, default=2025)
    demo.add_argument("--pupils", type=float, default=0.0, metavar="FRACTION",
                      help="also write a school census with this fraction of all pupils, for "
                           "the shared outcomes' comparisons with all children (slower)")

    explain = commands.add_parser("explain-code", help="explain a diagnostic code")
    explain.add_argument("code")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (also the console-script entry point)."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):  # never fail on a console that lacks a character
            stream.reconfigure(errors="backslashreplace")
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except KeyboardInterrupt:
        return 130
    except Exception as error:
        if args.debug:
            traceback.print_exc()
        sys.stderr.write(
            f"outcomespec: internal error ({type(error).__name__}); this is a bug in "
            "outcomespec, please report it with the file that caused it "
            "(run again with --debug for details)\n")
        return EXIT_INTERNAL


def _run(args: argparse.Namespace) -> int:
    if args.command == "check":
        return _check(args)
    if args.command == "fmt":
        return _fmt(args)
    if args.command == "eval":
        return _eval(args)
    if args.command == "align":
        return _align(args)
    if args.command == "demo":
        if not (args.frameworks / "csc_national_framework.ospec").is_file():
            sys.stderr.write(f"outcomespec: error: no csc_national_framework.ospec in "
                             f"{args.frameworks}; run from the checkout or give --frameworks\n")
            return EXIT_USAGE
        try:
            run_demo(args.out, args.frameworks, scale=args.scale, seed=args.seed,
                     pupils=args.pupils, say=_progress)
        except OutcomeSpecError as error:
            sys.stdout.write(render_all(error.diagnostics))
            return EXIT_ERRORS
        return EXIT_OK
    if args.command == "explain":
        framework = _load(args.framework, args.root)
        if framework is None:
            return EXIT_ERRORS
        sys.stdout.write(framework.explain())
        return EXIT_OK
    if args.command == "explain-code":
        info = CODES.get(args.code.upper())
        if info is None:
            sys.stderr.write(f"outcomespec: no diagnostic code `{args.code}`\n")
            return EXIT_USAGE
        sys.stdout.write(f"{info.code} ({info.severity}): {info.title}\n\n{info.explanation}\n")
        return EXIT_OK
    raise AssertionError(args.command)


def _default_root(files: list[Path]) -> Path | None:
    cwd = Path.cwd().resolve()
    try:
        inside = all(f.resolve().is_relative_to(cwd) for f in files)
    except (OSError, RuntimeError):  # a symlink loop: reading the file will say so
        inside = all(f.absolute().is_relative_to(cwd) for f in files)
    return cwd if inside else None


def _check(args: argparse.Namespace) -> int:
    if args.root is not None and not args.root.is_dir():
        sys.stderr.write(f"outcomespec: error: --root {args.root} is not a directory\n")
        return EXIT_USAGE
    root = args.root if args.root is not None else _default_root(args.files)
    result = check_paths(list(args.files), root)
    if args.format == "json":
        sys.stdout.write(render_json(result.diagnostics) + "\n")
    elif result.diagnostics:
        colour = args.color == "always" or (args.color == "auto" and sys.stdout.isatty()
                                            and "NO_COLOR" not in os.environ)
        sys.stdout.write(render_all(result.diagnostics, colour=colour))
    return EXIT_OK if result.ok else EXIT_ERRORS


def _fmt(args: argparse.Namespace) -> int:
    status = EXIT_OK
    problems: list[Diagnostic] = []
    for path in args.files:
        source = read_source(path)
        if isinstance(source, Diagnostic):
            problems.append(source)
            status = EXIT_ERRORS
            continue
        formatted = format_source(source)
        if not isinstance(formatted, str):
            problems.extend(formatted)
            status = EXIT_ERRORS
            continue
        if formatted == source.text:
            continue
        if args.check:
            sys.stdout.write(f"would reformat {path}\n")
            status = EXIT_ERRORS
            continue
        _write_atomically(path, formatted)
        sys.stdout.write(f"reformatted {path}\n")
    if problems:
        sys.stdout.write(render_all(problems))
    return status


FORMATS = ("csv", "json", "parquet", "fingertips", "ees")


def _load(path: Path, root: Path | None) -> Framework | None:
    """A checked framework, or None after printing why it cannot be used."""
    try:
        framework = load(path, root if root is not None else _default_root([path]))
    except OutcomeSpecError as error:
        sys.stdout.write(render_all(error.diagnostics))
        return None
    if framework.warnings:
        sys.stderr.write(render_all(framework.warnings))
    return framework


def _eval(args: argparse.Namespace) -> int:
    if not args.data.is_dir():
        sys.stderr.write(f"outcomespec: error: --data {args.data} is not a directory\n")
        return EXIT_USAGE
    try:
        period = None if args.period is None else parse_period(args.period)
    except ValueError as error:
        sys.stderr.write(f"outcomespec: error: --period {args.period}: "
                         f"{str(error).removeprefix('`period` ')}\n")
        return EXIT_USAGE
    chosen = args.format or (args.out.suffix.lstrip(".").lower() if args.out else "csv")
    if chosen not in FORMATS:
        sys.stderr.write(f"outcomespec: error: cannot tell the format from `{args.out}`; "
                         "give --format\n")
        return EXIT_USAGE
    frameworks = []
    for path in args.frameworks:
        framework = _load(path, args.root)
        if framework is None:
            return EXIT_ERRORS
        frameworks.append(framework)
    try:
        runs = run_all(frameworks, args.data, period, area=args.area,
                       keep_going=args.keep_going)
    except OutcomeSpecError as error:
        sys.stdout.write(render_all(error.diagnostics))
        return EXIT_ERRORS
    shown: set[Diagnostic] = set()
    for framework, run in zip(frameworks, runs, strict=True):
        sys.stderr.write(_summary(framework.name, run, shown))
    results = Results.concatenate([run.results for run in runs])
    status = EXIT_ERRORS if any(d.is_error for run in runs for d in run.diagnostics) else EXIT_OK
    if chosen == "parquet":
        if args.out is None:
            sys.stderr.write("outcomespec: error: parquet needs --out FILE\n")
            return EXIT_USAGE
        results.to_parquet(args.out)
        return status
    text = {"csv": results.to_csv, "json": results.to_json,
            "fingertips": results.to_fingertips_csv, "ees": results.to_ees_csv}[chosen]()
    assert text is not None
    if args.out is None:
        sys.stdout.write(text)
    else:
        _write_atomically(args.out, text)
    return status


def _align(args: argparse.Namespace) -> int:
    if args.root is not None and not args.root.is_dir():
        sys.stderr.write(f"outcomespec: error: --root {args.root} is not a directory\n")
        return EXIT_USAGE
    if args.out is not None and not args.out.parent.is_dir():
        sys.stderr.write(f"outcomespec: error: --out {args.out}: no directory "
                         f"{args.out.parent}\n")
        return EXIT_USAGE
    root = args.root if args.root is not None else _default_root(list(args.frameworks))
    try:
        alignment = align(args.frameworks, root)
    except OutcomeSpecError as error:
        sys.stdout.write(render_all(error.diagnostics))
        return EXIT_ERRORS
    if args.format == "json":
        text = json.dumps(alignment.to_dict(), indent=2, ensure_ascii=False) + "\n"
    else:
        text = alignment.render_html() if args.format == "html" else alignment.render_text()
    if args.out is None:
        sys.stdout.write(text)
    else:
        _write_atomically(args.out, text)
    return EXIT_OK


def _progress(message: str) -> None:
    sys.stderr.write(message + "\n")


def _summary(name: str, run: Run, shown: set[Diagnostic]) -> str:
    """What a careful reader needs to trust the numbers: what was read and what was not."""
    choice = run.period_choice
    lines = [f"{name}: {len(run.evaluation.totals)} indicator results for period "
             f"{choice.period} ({choice.label}), "
             f"{_authorities(run.evaluation.frame.n_areas)}",
             f"  period {choice.period}: {choice.reason}"]
    for dataset, result in sorted(run.loads.items()):
        report = result.report
        lost = sum(report.rows_excluded().values())
        missing = sum(report.read_as_missing().values())
        lines.append(f"  read {dataset}: {report.rows_read:,} rows, {lost:,} excluded, "
                     f"{missing:,} values read as missing")
    lines.extend(f"  not evaluated: {s.indicator.id}: {s.reason}"
                 for s in run.evaluation.skipped)
    lines.extend(f"  numerator outside denominator: {v.indicator.id}: {v.units:,} units "
                 f"(first rows {list(v.example_rows)})" for v in run.evaluation.violations)
    lines.extend(f"  {dataset}: {rows:,} rows in no known local authority"
                 for dataset, rows in run.evaluation.rows_outside_areas)
    text = "\n".join(lines) + "\n"
    new = [d for d in run.diagnostics if d not in shown]
    shown.update(new)
    if new:
        text += render_all(new)
    return text


def _write_atomically(path: Path, text: str) -> None:
    """Write beside the file, then rename over it: a crash never leaves half a file."""
    mode = path.stat().st_mode if path.exists() else 0o644
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        os.chmod(temporary, mode & 0o7777)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


if __name__ == "__main__":
    raise SystemExit(main())


def _authorities(count: int) -> str:
    return f"{count} local authorit{'y' if count == 1 else 'ies'}"
