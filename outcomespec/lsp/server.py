"""The language server: `outcomespec lsp`, over standard input and output (pygls).

Every answer comes from the analysis of the document's current version (`documents`):
diagnostics with the codes and help lines of `outcomespec check`, hover, go to definition
(across imports, and from an import to its file), references and renaming of an indicator
across the workspace, completion, the document outline, and formatting by the formatter.
This module only translates between the protocol's values and those of `outcomespec.lsp`.
"""

from __future__ import annotations

import re
from importlib.metadata import version
from pathlib import Path

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from outcomespec.language.diagnostics import Diagnostic, Severity
from outcomespec.language.formatter import format_file
from outcomespec.language.source import Source, Span
from outcomespec.lsp.completion import KEYWORDS, ItemKind, complete
from outcomespec.lsp.documents import Analysis, Workspace
from outcomespec.lsp.index import Index, Key, Symbol
from outcomespec.lsp.positions import Lines

NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

SYMBOL_KINDS = {
    "module": lsp.SymbolKind.Module, "codelist": lsp.SymbolKind.Enum,
    "code": lsp.SymbolKind.EnumMember, "group": lsp.SymbolKind.Constant,
    "dataset": lsp.SymbolKind.Struct, "column": lsp.SymbolKind.Field,
    "geography": lsp.SymbolKind.Namespace, "level": lsp.SymbolKind.Object,
    "neighbours": lsp.SymbolKind.Object, "definition": lsp.SymbolKind.Function,
    "cohort": lsp.SymbolKind.Variable, "section": lsp.SymbolKind.Namespace,
    "indicator": lsp.SymbolKind.Property, "goal": lsp.SymbolKind.Event,
}
ITEM_KINDS = {
    ItemKind.KEYWORD: lsp.CompletionItemKind.Keyword,
    ItemKind.VALUE: lsp.CompletionItemKind.EnumMember,
    ItemKind.COLUMN: lsp.CompletionItemKind.Field,
    ItemKind.DATASET: lsp.CompletionItemKind.Struct,
    ItemKind.CODELIST: lsp.CompletionItemKind.Enum,
    ItemKind.CODE: lsp.CompletionItemKind.EnumMember,
    ItemKind.DEFINITION: lsp.CompletionItemKind.Function,
    ItemKind.COHORT: lsp.CompletionItemKind.Variable,
    ItemKind.INDICATOR: lsp.CompletionItemKind.Property,
    ItemKind.GOAL: lsp.CompletionItemKind.Event,
    ItemKind.FUNCTION: lsp.CompletionItemKind.Function,
}


class OutcomeSpecServer(LanguageServer):
    """The pygls server, holding the workspace of open documents."""

    def __init__(self) -> None:
        super().__init__("outcomespec", version("outcomespec"))
        self.state: Workspace | None = None
        self.lines: dict[str, Lines] = {}

    @property
    def files(self) -> Workspace:
        """The workspace, made on first use from the folder the editor opened."""
        if self.state is None:
            root = self.workspace.root_path
            self.state = Workspace(Path(root) if root else None)
        return self.state

    def lines_of(self, source: Source) -> Lines:
        """Line starts of a source's text (kept for the texts of current analyses)."""
        found = self.lines.get(source.text)
        if found is None:
            if len(self.lines) > 64:
                self.lines.clear()
            found = self.lines[source.text] = Lines(source.text)
        return found

    def range_of(self, span: Span) -> lsp.Range:
        """The protocol's range of a span, in the agreed position encoding."""
        lines = self.lines_of(span.source)
        encoding = str(self.workspace.position_encoding or "utf-16")
        start = lines.position(span.start, encoding)
        end = lines.position(span.end, encoding)
        return lsp.Range(lsp.Position(*start), lsp.Position(*end))

    def offset_of(self, analysis: Analysis, text: str, position: lsp.Position) -> int:
        """The character offset of a position in the document's text."""
        source = analysis.source()
        lines = self.lines_of(source if source is not None and source.text == text
                              else Source("", text))
        encoding = str(self.workspace.position_encoding or "utf-16")
        return lines.offset(position.line, position.character, encoding)

    def document(self, uri: str) -> tuple[Path, Analysis, str]:
        """The file, analysis and text of a document."""
        path = Path(to_fs_path(uri) or uri).resolve()
        analysis = self.files.analysis(path)
        return path, analysis, self.files.text(path) or ""

    def publish(self, path: Path, analysis: Analysis) -> None:
        """Send a document's diagnostics."""
        self.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(
            uri=from_fs_path(str(path)) or str(path), version=analysis.version,
            diagnostics=[self.diagnostic(d, analysis) for d in analysis.diagnostics()]))

    def diagnostic(self, diagnostic: Diagnostic, analysis: Analysis) -> lsp.Diagnostic:
        """A diagnostic as the editor shows it: the message, then the help line."""
        where = (self.range_of(diagnostic.span) if diagnostic.span is not None
                 else lsp.Range(lsp.Position(max(0, (diagnostic.line or 1) - 1), 0),
                                lsp.Position(max(0, (diagnostic.line or 1) - 1), 0)))
        related = []
        for label in diagnostic.labels:
            path = analysis.index.path_of(label.span) or analysis.path
            related.append(lsp.DiagnosticRelatedInformation(
                lsp.Location(from_fs_path(str(path)) or str(path), self.range_of(label.span)),
                label.message))
        message = diagnostic.message + (f"\nhelp: {diagnostic.help}" if diagnostic.help else "")
        return lsp.Diagnostic(
            range=where, message=message, code=diagnostic.code, source="outcomespec",
            severity=(lsp.DiagnosticSeverity.Error if diagnostic.severity is Severity.ERROR
                      else lsp.DiagnosticSeverity.Warning),
            related_information=related or None)

    def location(self, index: Index, key: Key) -> lsp.Location | None:
        """Where `key` is declared."""
        symbol = index.symbols.get(key)
        if symbol is None:
            return None
        return lsp.Location(from_fs_path(str(key.path)) or str(key.path),
                            self.range_of(symbol.span))


server = OutcomeSpecServer()


@server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: OutcomeSpecServer, params: lsp.DidOpenTextDocumentParams) -> None:
    """Analyse the document and send its diagnostics."""
    _changed(ls, params.text_document.uri, params.text_document.text,
             params.text_document.version)


@server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: OutcomeSpecServer, params: lsp.DidChangeTextDocumentParams) -> None:
    """Analyse the new version, and the other open documents (they may import it)."""
    document = ls.workspace.get_text_document(params.text_document.uri)
    _changed(ls, params.text_document.uri, document.source, params.text_document.version)


def _changed(ls: OutcomeSpecServer, uri: str, text: str, version: int) -> None:
    path = Path(to_fs_path(uri) or uri).resolve()
    for changed in ls.files.open(path, text, version):
        ls.publish(changed, ls.files.analysis(changed))


@server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: OutcomeSpecServer, params: lsp.DidSaveTextDocumentParams) -> None:
    """Files on disk changed: analyses are made again when next needed."""
    ls.files.saved()


@server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: OutcomeSpecServer, params: lsp.DidCloseTextDocumentParams) -> None:
    """Forget the document and clear its diagnostics."""
    path = Path(to_fs_path(params.text_document.uri) or "").resolve()
    ls.files.close(path)
    ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(
        uri=params.text_document.uri, diagnostics=[]))


@server.feature(lsp.TEXT_DOCUMENT_HOVER)
def hover(ls: OutcomeSpecServer, params: lsp.HoverParams) -> lsp.Hover | None:
    """The title, type and description of the name under the cursor."""
    path, analysis, text = ls.document(params.text_document.uri)
    key = analysis.index.at(path, ls.offset_of(analysis, text, params.position))
    symbol = analysis.index.symbols.get(key) if key is not None else None
    if symbol is None:
        return None
    return lsp.Hover(lsp.MarkupContent(lsp.MarkupKind.Markdown, _hover_text(symbol)))


def _hover_text(symbol: Symbol) -> str:
    kind = symbol.key.kind
    where = symbol.key.name.rpartition(".")[0]
    head = f"**{kind}** `{symbol.name}`" + (f" of `{where}`" if where else "")
    lines = [head + (f" — {symbol.title}" if symbol.title else "")]
    if symbol.detail and symbol.detail != kind:
        lines.append(symbol.detail)
    if symbol.description:
        lines.append(symbol.description)
    return "\n\n".join(lines)


@server.feature(lsp.TEXT_DOCUMENT_DEFINITION)
def definition(ls: OutcomeSpecServer, params: lsp.DefinitionParams) -> lsp.Location | None:
    """Where the name under the cursor is declared; on an import, the imported file."""
    path, analysis, text = ls.document(params.text_document.uri)
    offset = ls.offset_of(analysis, text, params.position)
    link = analysis.index.import_at(path, offset)
    if link is not None:
        start = lsp.Position(0, 0)
        return lsp.Location(from_fs_path(str(link.target)) or str(link.target),
                            lsp.Range(start, start))
    key = analysis.index.at(path, offset)
    return ls.location(analysis.index, key) if key is not None else None


@server.feature(lsp.TEXT_DOCUMENT_REFERENCES)
def references(ls: OutcomeSpecServer, params: lsp.ReferenceParams) -> list[lsp.Location]:
    """Every use of the name under the cursor in the workspace (and its declaration, when
    asked for)."""
    path, analysis, text = ls.document(params.text_document.uri)
    key = analysis.index.at(path, ls.offset_of(analysis, text, params.position))
    if key is None:
        return []
    found = [lsp.Location(from_fs_path(str(r.path)) or str(r.path), ls.range_of(r.span))
             for r in ls.files.references(key)]
    declared = ls.location(ls.files.analysis(key.path).index, key)
    if params.context.include_declaration and declared is not None:
        found.insert(0, declared)
    return found


@server.feature(lsp.TEXT_DOCUMENT_COMPLETION,
                lsp.CompletionOptions(trigger_characters=[".", "{", ",", " "]))
def completion(ls: OutcomeSpecServer, params: lsp.CompletionParams) -> lsp.CompletionList:
    """Keywords, names in scope and the values a field takes, where the cursor is."""
    path, analysis, text = ls.document(params.text_document.uri)
    checked = analysis if analysis.parsed else ls.files.last_good.get(path, analysis)
    items = complete(text, ls.offset_of(analysis, text, params.position), checked.result)
    return lsp.CompletionList(is_incomplete=False, items=[
        lsp.CompletionItem(label=item.label, kind=ITEM_KINDS[item.kind],
                           detail=item.detail or None)
        for item in dict.fromkeys(items)])


@server.feature(lsp.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
def outline(ls: OutcomeSpecServer, params: lsp.DocumentSymbolParams
            ) -> list[lsp.DocumentSymbol]:
    """The document's declarations, nested as in the file (the last version that parsed,
    while the current one does not)."""
    path, analysis, _ = ls.document(params.text_document.uri)
    if not analysis.parsed:
        analysis = ls.files.last_good.get(path, analysis)
    children: dict[Key | None, list[lsp.DocumentSymbol]] = {}
    for symbol in reversed(analysis.index.in_file(path)):  # children before their parents
        node = lsp.DocumentSymbol(
            name=symbol.name, kind=SYMBOL_KINDS.get(symbol.key.kind, lsp.SymbolKind.Object),
            range=ls.range_of(symbol.whole), selection_range=ls.range_of(symbol.span),
            detail=symbol.title or symbol.detail or None,
            children=children.pop(symbol.key, [])[::-1])
        children.setdefault(symbol.parent, []).append(node)
    return children.get(None, [])[::-1]


@server.feature(lsp.TEXT_DOCUMENT_FORMATTING)
def formatting(ls: OutcomeSpecServer, params: lsp.DocumentFormattingParams
               ) -> list[lsp.TextEdit] | None:
    """The whole document, formatted as `outcomespec fmt` would; nothing when it does not
    parse (its diagnostics say why)."""
    path, _, text = ls.document(params.text_document.uri)
    tree = ls.files.parse(Source(str(path), text)).file  # parsed already when analysed
    if tree is None:
        return None
    formatted = format_file(tree)
    if formatted == text:
        return []
    lines = Lines(text)
    end = lsp.Position(*lines.position(len(text), str(ls.workspace.position_encoding
                                                       or "utf-16")))
    return [lsp.TextEdit(lsp.Range(lsp.Position(0, 0), end), formatted)]


@server.feature(lsp.TEXT_DOCUMENT_PREPARE_RENAME)
def prepare_rename(ls: OutcomeSpecServer, params: lsp.PrepareRenameParams
                   ) -> lsp.Range | None:
    """Only an indicator's id can be renamed (everything that cites it follows)."""
    path, analysis, text = ls.document(params.text_document.uri)
    found = analysis.index.name_at(path, ls.offset_of(analysis, text, params.position))
    if found is None or found[0].kind != "indicator":
        return None
    return ls.range_of(found[1])


@server.feature(lsp.TEXT_DOCUMENT_RENAME)
def rename(ls: OutcomeSpecServer, params: lsp.RenameParams) -> lsp.WorkspaceEdit | None:
    """Rename an indicator where it is declared and wherever it is cited in the workspace."""
    path, analysis, text = ls.document(params.text_document.uri)
    key = analysis.index.at(path, ls.offset_of(analysis, text, params.position))
    if key is None or key.kind != "indicator":
        msg = "only an indicator's id can be renamed"
        raise ValueError(msg)
    new = params.new_name
    if not NAME.fullmatch(new) or new in KEYWORDS:
        msg = f"`{new}` is not a name: use letters, digits and `_`, and no keyword"
        raise ValueError(msg)
    declared = ls.files.analysis(key.path).index
    taken = [k for k in declared.symbols if k.path == key.path and k.name == new]
    if taken:
        msg = f"`{new}` is already declared in {key.path.name}"
        raise ValueError(msg)
    edits: dict[str, list[lsp.TextEdit]] = {}
    spans = [(key.path, declared.symbols[key].span),
             *((r.path, r.span) for r in ls.files.references(key))]
    for where, span in spans:
        uri = from_fs_path(str(where)) or str(where)
        edits.setdefault(uri, []).append(lsp.TextEdit(ls.range_of(span), new))
    return lsp.WorkspaceEdit(changes=edits)


def serve() -> None:
    """Run the server over standard input and output until the editor stops it."""
    server.start_io()
