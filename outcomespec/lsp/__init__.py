"""The language server (`outcomespec lsp`): editors get the checker's diagnostics as the
user types, hover, go to definition, references, completion, the outline, formatting and the
renaming of indicators.

Its parts: positions as editors count them (`positions`), the index of every name of a
checked project (`index`, with what to show of each in `describe`), the open documents and
their analyses (`documents`), completion (`completion`), and the pygls server that speaks the
protocol (`server`, which alone needs the `lsp` extra: `pip install 'outcomespec[lsp]'`).
Only the language, the checker and the model are used: never NumPy, nor anything that
evaluates.
"""

from outcomespec.lsp.completion import Item, ItemKind, complete
from outcomespec.lsp.documents import Analysis, Workspace
from outcomespec.lsp.index import Index, Key, Reference, Symbol, build_index
from outcomespec.lsp.positions import Lines

__all__ = ["Analysis", "Index", "Item", "ItemKind", "Key", "Lines", "Reference", "Symbol",
           "Workspace", "build_index", "complete"]
