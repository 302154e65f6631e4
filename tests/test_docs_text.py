"""The prose pages of the docs cannot drift from the code they describe.

- `docs/cli.rst` documents every subcommand and every option of the argparse parser that
  `outcomespec.cli.commands` builds (and nothing that is not there), and every exit status;
- every `.ospec` example of the hand-written pages and of README.md (`.. code-block:: ospec`
  in reST, a fence opened with ```` ```ospec ```` in Markdown) checks as the page says: clean,
  or with exactly the diagnostic codes it shows; and it is laid out as `outcomespec fmt`
  lays it out, so that a reader who copies it gets a file `fmt --check` accepts. A comment
  line just before a block (`.. check: …` in reST, `<!-- check: … -->` in Markdown) says how
  to check a fragment:

  - `check: in library` / `check: in framework`: the block goes inside a library (or a
    framework) that imports `datasets/ssda903.ospec` and `datasets/geography.ospec`; it is
    formatted there, and must come back as written;
  - `check: expression for DATASET`: the block is the expression of a definition for
    DATASET of `datasets/ssda903.ospec` (or of `datasets/cin_census.ospec`); its layout is
    not checked (where the formatter breaks an expression depends on what precedes it);
  - `… expect E402, E412`: these codes are reported, and no others;
  - `… not formatted`: its layout is not checked (an example that shows the layout is free);
  - `check: skip`: not checked (a part of a file the page completes later).

  A block without a comment is a whole file, checked in a project whose `datasets/` is the
  shipped `frameworks/datasets/`. A block that is not marked as ospec but begins like a
  framework file (`framework …` or `library …`) is an error: it would escape these checks.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from pathlib import Path

import pytest

from outcomespec.checking import check_paths
from outcomespec.cli import commands as cli
from outcomespec.language.formatter import format_source
from outcomespec.language.source import Source
from tests.paths import REPO

DOCS = REPO / "docs"
PAGES = (DOCS / "tutorial.rst", DOCS / "authority.rst", DOCS / "language.rst",
         DOCS / "cli.rst", DOCS / "api.rst", REPO / "README.md")
"""The hand-written pages; the generated ones are tested where they are generated."""

CHECK = re.compile(
    r"^(?:\.\. |<!-- )check: "
    r"(?P<how>skip|in library|in framework|expression for (?P<dataset>\w+))?"
    r"\s*(?:expect (?P<codes>[A-Z]\d{3}(?:, [A-Z]\d{3})*))?"
    r"\s*(?P<layout>not formatted)?\s*(?:-->)?$")
BLOCK = re.compile(r"^\.\. code-block:: ospec\n(?:[ \t]+:[^\n]*\n)*\n"
                   r"(?P<body>(?:(?:[ \t]+[^\n]*)?\n)+)", re.MULTILINE)
FENCE = re.compile(r"^```(?P<language>[^\n`]*)\n(?P<body>.*?)^```[ \t]*$",
                   re.MULTILINE | re.DOTALL)
OPENING = re.compile(r'(?:framework|library) \w+(?: "[^"\n]*")? *\{')
"""How a framework file begins."""
LITERAL = re.compile(r"^(?:\.\. code-block:: (?P<language>\S+)|.*::)\n(?:[ \t]+:[^\n]*\n)*\n"
                     r"(?P<body>(?:(?:[ \t]+[^\n]*)?\n)+)", re.MULTILINE)
IMPORTS = '  import "datasets/ssda903.ospec"\n  import "datasets/geography.ospec"\n'


# ------------------------------------------------------------------ the command line


def subcommands() -> dict[str, argparse.ArgumentParser]:
    """Each subcommand's parser, from the parser the command line really uses."""
    parser = cli._parser()
    (action,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(action.choices)


def long_options(parser: argparse.ArgumentParser) -> set[str]:
    """The `--options` of one parser, `--help` aside."""
    return {option for action in parser._actions for option in action.option_strings
            if option.startswith("--") and option != "--help"}


def documented() -> dict[str, str]:
    """The text under each `.. program::` of cli.rst, by program name."""
    text = (DOCS / "cli.rst").read_text(encoding="utf-8")
    parts = re.split(r"^\.\. program:: (.+)$", text, flags=re.MULTILINE)
    return {name.strip(): body for name, body in zip(parts[1::2], parts[2::2], strict=True)}


def documented_options(body: str) -> set[str]:
    """The `--options` that `.. option::` directives describe in one program's text."""
    found = set()
    for line in re.findall(r"^\.\. option:: (.+)$", body, flags=re.MULTILINE):
        found |= {word.split()[0] for word in line.split(", ") if word.startswith("--")}
    return found


def test_the_parser_is_found() -> None:
    """The commands every user meets are in the parser (the tests below are not vacuous)."""
    assert {"check", "fmt", "eval", "explain", "demo", "explain-code"} <= set(subcommands())


@pytest.mark.parametrize("name", sorted(subcommands()))
def test_every_subcommand_and_option_is_documented(name: str) -> None:
    """cli.rst has a `.. program:: outcomespec NAME` with an `.. option::` per option (the
    global ones, such as `--debug`, accepted after the subcommand too, are documented once)."""
    programs = documented()
    assert f"outcomespec {name}" in programs, f"docs/cli.rst does not document `{name}`"
    options = documented_options(programs[f"outcomespec {name}"])
    assert long_options(subcommands()[name]) - options - long_options(cli._parser()) == set()


def test_global_options_are_documented() -> None:
    """The options before the subcommand (`--version`, `--debug`) are documented."""
    options = documented_options(documented()["outcomespec"])
    assert long_options(cli._parser()) - options == set()


def test_nothing_documented_that_does_not_exist() -> None:
    """Every documented program and option is one the parser has."""
    commands = subcommands()
    for program, body in documented().items():
        name = program.removeprefix("outcomespec").strip()
        parser = commands[name] if name else cli._parser()
        assert documented_options(body) - long_options(parser) == set(), program


def test_exit_statuses_are_documented() -> None:
    """Each exit status the command line returns is in cli.rst's table."""
    text = (DOCS / "cli.rst").read_text(encoding="utf-8")
    for status in (cli.EXIT_OK, cli.EXIT_ERRORS, cli.EXIT_USAGE, cli.EXIT_INTERNAL):
        assert re.search(rf"^   \* - ``{status}``$", text, flags=re.MULTILINE), status


# ------------------------------------------------------------------ examples in the pages


def examples() -> list[tuple[str, int, str, str]]:
    """(page, line, how to check, code) for every ospec block of the hand-written pages."""
    found = []
    for path in PAGES:
        if not path.exists():
            continue
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".md":
            blocks = [(match, match["body"]) for match in FENCE.finditer(text)
                      if match["language"].strip() == "ospec"]
        else:
            blocks = [(match, "\n".join(line[3:] for line in match["body"].split("\n")))
                      for match in BLOCK.finditer(text)]
        for match, body in blocks:
            before = text[:match.start()].rstrip("\n").rsplit("\n", 1)[-1]
            how = before if CHECK.match(before) else ""
            code = body.strip("\n") + "\n"
            found.append((path.name, text[:match.start()].count("\n") + 1, how, code))
    return found


def unmarked() -> list[tuple[str, int]]:
    """(page, line) of every block not marked as ospec that begins like a framework file."""
    found = []
    for path in PAGES:
        text = path.read_text(encoding="utf-8")
        pattern = FENCE if path.suffix == ".md" else LITERAL
        for match in pattern.finditer(text):
            language = (match["language"] or "").strip()
            if language != "ospec" and OPENING.match(match["body"].lstrip()):
                found.append((path.name, text[:match.start()].count("\n") + 1))
    return found


def wrapped(how: str, code: str) -> str:
    """The file to check for an example, given its `.. check:` comment."""
    match = CHECK.match(how)
    kind = match["how"] if match else None
    inner = "".join(f"  {line}\n" if line else "\n" for line in code.splitlines())
    if kind == "in library":
        return f"library example {{\n{IMPORTS}{inner}}}\n"
    if kind == "in framework":
        return f'framework example "Example" {{\n{IMPORTS}{inner}}}\n'
    if kind and kind.startswith("expression for"):
        source = ("cin_census" if match and match["dataset"].startswith("cin_")
                  else "ssda903")
        body = "".join(f"      {line}\n" for line in code.splitlines())
        return (f'library example {{\n  import "datasets/{source}.ospec"\n'
                f"  define example for {match['dataset'] if match else ''} =\n{body}}}\n")
    return code


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project root holding the shipped dataset libraries as `datasets/`."""
    root = tmp_path_factory.mktemp("docs-examples")
    shutil.copytree(REPO / "frameworks" / "datasets", root / "datasets")
    return root


@pytest.mark.parametrize(("page", "line", "how", "code"), examples(),
                         ids=[f"{page}:{line}" for page, line, _, _ in examples()])
def test_example_checks_as_the_page_says(page: str, line: int, how: str, code: str,
                                         project: Path) -> None:
    """Each example checks clean, or with exactly the codes its comment expects."""
    match = CHECK.match(how)
    if match and match["how"] == "skip":
        pytest.skip("a part of a file the page completes later")
    path = project / "example.ospec"
    text = wrapped(how, code)
    path.write_text(text, encoding="utf-8")
    result = check_paths([path], project)
    wrapper_imports = {f"nothing from `{name}` is used" for name in
                       ("datasets/ssda903.ospec", "datasets/geography.ospec")}
    codes = sorted({d.code for d in result.diagnostics if d.message not in wrapper_imports
                    or not how})
    expected = sorted(match["codes"].split(", ")) if match and match["codes"] else []
    assert codes == expected, ([d.message for d in result.diagnostics], text)


@pytest.mark.parametrize(("page", "line", "how", "code"), examples(),
                         ids=[f"{page}:{line}" for page, line, _, _ in examples()])
def test_example_is_laid_out_as_fmt_lays_it_out(page: str, line: int, how: str,
                                                code: str) -> None:
    """Each whole-file example (and each fragment inside its wrapper) is what `fmt` writes."""
    match = CHECK.match(how)
    kind = match["how"] if match else None
    if (kind or "").startswith(("skip", "expression for")) or (match and match["layout"]):
        pytest.skip("its layout is not checked (see the module docstring)")
    text = wrapped(how, code)
    formatted = format_source(Source("example.ospec", text))
    assert isinstance(formatted, str), formatted
    if kind in ("in library", "in framework"):
        body = formatted.split("\n")[1 + IMPORTS.count("\n"):-2]  # within the wrapper
        formatted = "\n".join(line.removeprefix("  ") for line in body).strip("\n") + "\n"
        text = code
    assert formatted == text


def test_pages_have_examples() -> None:
    """The language reference and the README have their examples (the tests above are not
    vacuous)."""
    pages = {page for page, _, _, _ in examples()}
    assert {"language.rst", "README.md"} <= pages
    assert len([e for e in examples() if e[0] == "language.rst"]) >= 20


def test_every_framework_example_is_marked() -> None:
    """No block that begins like a framework file escapes the checks by lacking its mark."""
    assert unmarked() == []


def test_unmarked_blocks_are_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The test above can fail: an unmarked Markdown fence and a reST `::` block are found."""
    page = tmp_path / "page.md"
    page.write_text("Text\n\n```\nframework x {\n}\n```\n", encoding="utf-8")
    rst = tmp_path / "page.rst"
    rst.write_text("Text::\n\n   library y {\n   }\n", encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "PAGES", (page, rst))
    assert unmarked() == [("page.md", 3), ("page.rst", 1)]
