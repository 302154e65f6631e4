"""A real language client session with `python -m outcomespec lsp`, over stdio (pygls).

One event loop drives the client; each test calls `Session` methods, which run the requests
to completion. Diagnostics the server publishes are kept by document and version, and a
test waits for those of the version it sent.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient
from pygls.uris import from_fs_path

from tests.paths import REPO

T = TypeVar("T")
WAIT = 60.0
"""Seconds to wait for an answer before the test fails (never a timing assertion)."""


def uri(path: Path) -> str:
    """The file URI of a path."""
    return from_fs_path(str(path)) or str(path)


class Session:
    """A started server, initialised on the workspace folder `root`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.loop = asyncio.new_event_loop()
        self.client = LanguageClient("outcomespec-tests", "1")
        self.published: dict[str, lsp.PublishDiagnosticsParams] = {}
        self.arrived = asyncio.Condition()
        self.versions: dict[str, int] = {}
        self.counts: dict[str, int] = {}

        @self.client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        async def publish(params: lsp.PublishDiagnosticsParams) -> None:
            self.published[params.uri] = params
            self.counts[params.uri] = self.counts.get(params.uri, 0) + 1
            async with self.arrived:
                self.arrived.notify_all()

        env = {**os.environ, "PYTHONPATH": str(REPO)}
        self.run(self.client.start_io(sys.executable, "-m", "outcomespec", "lsp", env=env,
                                      cwd=str(root)))
        self.capabilities = self.run(self.client.initialize_async(lsp.InitializeParams(
            capabilities=lsp.ClientCapabilities(), root_uri=uri(root),
            workspace_folders=[lsp.WorkspaceFolder(uri(root), root.name)])))
        self.client.initialized(lsp.InitializedParams())

    def run(self, work: Coroutine[Any, Any, T]) -> T:
        """Run one coroutine of the client to its end."""
        return self.loop.run_until_complete(asyncio.wait_for(work, WAIT))

    def open(self, path: Path, text: str | None = None) -> list[lsp.Diagnostic]:
        """Open a document (its file's text unless given) and return its diagnostics."""
        self.versions[uri(path)] = 1
        self.client.text_document_did_open(lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(
            uri(path), "outcomespec", 1, path.read_text(encoding="utf-8") if text is None
            else text)))
        return self.diagnostics(path)

    def change(self, path: Path, text: str) -> list[lsp.Diagnostic]:
        """Replace a document's whole text and return its new diagnostics."""
        version = self.versions[uri(path)] = self.versions[uri(path)] + 1
        self.client.text_document_did_change(lsp.DidChangeTextDocumentParams(
            lsp.VersionedTextDocumentIdentifier(version=version, uri=uri(path)),
            [lsp.TextDocumentContentChangeWholeDocument(text=text)]))
        return self.diagnostics(path)

    def close(self, path: Path) -> None:
        """Close a document."""
        self.client.text_document_did_close(lsp.DidCloseTextDocumentParams(
            lsp.TextDocumentIdentifier(uri(path))))

    def sent(self, path: Path) -> int:
        """How many times diagnostics of `path` have arrived so far."""
        return self.counts.get(uri(path), 0)

    def diagnostics(self, path: Path, after: int | None = None) -> list[lsp.Diagnostic]:
        """The diagnostics of the version of `path` last sent, once they arrive (with
        `after`: once more have arrived than `after` counted)."""
        key = uri(path)

        def arrived() -> bool:
            if after is not None:
                return self.counts.get(key, 0) > after
            return key in self.published and self.published[key].version == self.versions[key]

        async def wait() -> list[lsp.Diagnostic]:
            async with self.arrived:
                await self.arrived.wait_for(arrived)
            return list(self.published[key].diagnostics)

        return self.run(wait())

    def hover(self, path: Path, line: int, character: int) -> str | None:
        """The hover text at a position (Markdown), or None."""
        found = self.run(self.client.text_document_hover_async(lsp.HoverParams(
            lsp.TextDocumentIdentifier(uri(path)), lsp.Position(line, character))))
        if found is None:
            return None
        assert isinstance(found.contents, lsp.MarkupContent)
        return found.contents.value

    def definition(self, path: Path, line: int, character: int) -> Any:
        """Where the name at a position is declared."""
        return self.run(self.client.text_document_definition_async(lsp.DefinitionParams(
            lsp.TextDocumentIdentifier(uri(path)), lsp.Position(line, character))))

    def references(self, path: Path, line: int, character: int, *,
                   declaration: bool = False) -> list[lsp.Location]:
        """Every use of the name at a position."""
        return list(self.run(self.client.text_document_references_async(lsp.ReferenceParams(
            text_document=lsp.TextDocumentIdentifier(uri(path)),
            position=lsp.Position(line, character),
            context=lsp.ReferenceContext(include_declaration=declaration)))) or [])

    def completion(self, path: Path, line: int, character: int) -> list[lsp.CompletionItem]:
        """The completions at a position."""
        found = self.run(self.client.text_document_completion_async(lsp.CompletionParams(
            lsp.TextDocumentIdentifier(uri(path)), lsp.Position(line, character))))
        assert isinstance(found, lsp.CompletionList)
        return list(found.items)

    def outline(self, path: Path) -> list[lsp.DocumentSymbol]:
        """The document's symbols, nested."""
        found = self.run(self.client.text_document_document_symbol_async(
            lsp.DocumentSymbolParams(lsp.TextDocumentIdentifier(uri(path)))))
        return [s for s in found or [] if isinstance(s, lsp.DocumentSymbol)]

    def formatting(self, path: Path) -> list[lsp.TextEdit] | None:
        """The edits that format the document."""
        found = self.run(self.client.text_document_formatting_async(
            lsp.DocumentFormattingParams(
                text_document=lsp.TextDocumentIdentifier(uri(path)),
                options=lsp.FormattingOptions(tab_size=2, insert_spaces=True))))
        return None if found is None else list(found)

    def prepare_rename(self, path: Path, line: int, character: int) -> Any:
        """The range a rename at a position would change, or None."""
        return self.run(self.client.text_document_prepare_rename_async(
            lsp.PrepareRenameParams(lsp.TextDocumentIdentifier(uri(path)),
                                    lsp.Position(line, character))))

    def rename(self, path: Path, line: int, character: int, name: str) -> lsp.WorkspaceEdit:
        """The edits of renaming the name at a position."""
        found = self.run(self.client.text_document_rename_async(lsp.RenameParams(
            text_document=lsp.TextDocumentIdentifier(uri(path)),
            position=lsp.Position(line, character), new_name=name)))
        assert found is not None
        return found

    def stop(self) -> None:
        """Shut the server down and close the loop."""
        self.run(self.client.shutdown_async(None))
        self.client.exit(None)
        self.run(self.client.stop())
        self.loop.close()


def position(text: str, needle: str, nth: int = 0, *, shift: int = 0) -> tuple[int, int]:
    """(line, column) from 0 of the `nth` occurrence of `needle` in `text`, plus `shift`
    characters (the texts here are ASCII, so columns are UTF-16 units too)."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    offset = start + shift
    line = text.count("\n", 0, offset)
    return line, offset - (text.rfind("\n", 0, offset) + 1)
