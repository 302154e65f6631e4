"""The VS Code package (editors/vscode) is consistent: its manifest names files that exist,
the grammar's scope, and a server command that `outcomespec` runs."""

from __future__ import annotations

import json

import pytest

from outcomespec.cli.commands import _parser
from tests.paths import REPO

PACKAGE = REPO / "editors" / "vscode"


def manifest() -> dict[str, object]:
    return json.loads((PACKAGE / "package.json").read_text(encoding="utf-8"))


def test_manifest_names_files_that_exist() -> None:
    """The entry point, grammar and language configuration are all in the package."""
    found = manifest()
    contributes = found["contributes"]
    assert isinstance(contributes, dict)
    (language,) = contributes["languages"]
    (grammar,) = contributes["grammars"]
    paths = [found["main"], language["configuration"], grammar["path"]]
    assert [(PACKAGE / str(p)).is_file() for p in paths] == [True, True, True]
    assert (language["id"], language["extensions"]) == ("outcomespec", [".ospec"])
    assert (grammar["language"], grammar["scopeName"]) == ("outcomespec", "source.ospec")
    json.loads((PACKAGE / str(language["configuration"])).read_text(encoding="utf-8"))


def test_server_command_is_a_command_of_outcomespec() -> None:
    """The default server command is `outcomespec lsp`, which the command line accepts, and
    the client reads the setting the manifest declares."""
    contributes = manifest()["contributes"]
    assert isinstance(contributes, dict)
    setting = contributes["configuration"]["properties"]["outcomespec.server.command"]
    assert setting["default"] == ["outcomespec", "lsp"]
    assert _parser().parse_args(setting["default"][1:]).command == "lsp"
    client = (PACKAGE / "extension.js").read_text(encoding="utf-8")
    assert '.getConfiguration("outcomespec")' in client
    assert '.get("server.command"' in client


@pytest.mark.parametrize("word", ["npm install", "vsce package"])
def test_readme_says_how_to_build_the_vsix(word: str) -> None:
    """The package's README gives the commands that build the `.vsix`."""
    assert word in (PACKAGE / "README.md").read_text(encoding="utf-8")
