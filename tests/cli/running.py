"""Running the command line in this process, for the tests of `outcomespec.cli`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from outcomespec.cli import main
from tests.paths import REPO


def run_cli(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    """`outcomespec ARGS…` in this process: (exit status, standard output, standard error)."""
    capsys.readouterr()
    try:
        code = main([str(arg) for arg in args])
    except SystemExit as exit_:  # argparse's usage errors, --help and --version
        code = exit_.code if isinstance(exit_.code, int) else 2
    out, err = capsys.readouterr()
    return code, out, err


def dfe_project(root: Path) -> Path:
    """A copy of the shipped dfe_published project at `root`: `dfe_published.ospec`,
    `datasets/` and DfE's published tables in `data/`."""
    root.mkdir()
    shutil.copy(REPO / "frameworks" / "dfe_published.ospec", root)
    shutil.copytree(REPO / "frameworks" / "datasets", root / "datasets")
    shutil.copytree(REPO / "frameworks" / "data" / "dfe", root / "data")
    (root / "data" / "README.md").unlink()
    return root
