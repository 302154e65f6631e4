"""The diagnostics reference, as reST: every code of the registry with its explanation.

Generated from `outcomespec.language.codes.CODES`, the same registry `outcomespec explain-code`
prints from, so a code cannot exist without its page, nor a page outlive its code.
"""

from __future__ import annotations

from collections.abc import Iterable

from outcomespec.language.codes import CodeInfo
from outcomespec.sphinxext.markup import directive, heading, join_blocks, prose

SERIES = (
    ("E0", "Reading files"), ("E1", "Syntax"), ("E2", "Names, scopes and imports"),
    ("E3", "Types"), ("E4", "Indicators, frameworks and their fields"),
    ("E5", "Written but unused or ineffective"), ("W", "Warnings"), ("D", "Data files"),
)
"""Code prefix → the heading its codes are listed under, in the order of the page."""


def series(code: str) -> str:
    """The heading a code is listed under.

    >>> series("E201"), series("D105"), series("X1")
    ('Names, scopes and imports', 'Data files', 'Other codes')
    """
    for prefix, title in SERIES:
        if code.startswith(prefix):
            return title
    return "Other codes"


def render_diagnostics(codes: Iterable[CodeInfo]) -> str:
    """Every code under its series, each as a citable `ospec:diagnostic` object.

    >>> text = render_diagnostics([CodeInfo("E202", "error", "declared twice", "Rename.")])
    >>> print(text)
    Names, scopes and imports
    =========================
    <BLANKLINE>
    .. ospec:diagnostic:: E202
       :title: E202: declared twice
       :kind: error
    <BLANKLINE>
       **Declared twice.** Rename.
    <BLANKLINE>
    """
    grouped: dict[str, list[CodeInfo]] = {title: [] for _, title in SERIES}
    for info in sorted(codes, key=lambda c: c.code):
        grouped.setdefault(series(info.code), []).append(info)
    blocks = []
    for title, infos in grouped.items():
        if not infos:
            continue
        blocks.append(heading(title, "="))
        for info in infos:
            summary = info.title[:1].upper() + info.title[1:]
            blocks.append(directive(
                "ospec:diagnostic", info.code,
                [("title", f"{info.code}: {' '.join(info.title.split())}"),
                 ("kind", info.severity)],
                f"**{prose(summary)}.** {prose(info.explanation)}"))
    return join_blocks(blocks)
