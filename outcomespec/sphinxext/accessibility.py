"""What the HTML pages need so that everyone can read them, where Sphinx itself falls short.

Sphinx writes the caption of a contents tree (`.. toctree:: :caption: Contents`) as
`<p class="caption" role="heading">` without `aria-level`: a heading of no level, which
screen readers cannot place and axe-core reports as a critical violation. `caption_levels`
gives each caption in a page's body the level below the heading it follows; the docs' own
sidebar template does the same for the sidebar's tree (it knows the heading it sits under).
"""

from __future__ import annotations

import re
from typing import Any

from sphinx.application import Sphinx

_CAPTION = '<p class="caption" role="heading">'
_HEADING_OR_CAPTION = re.compile(r"<h([1-6])[\s>]|" + re.escape(_CAPTION))


def caption_levels(html: str, outer: int = 1) -> str:
    """`html` with a level on every contents caption: one below the last heading before
    it (`outer` when none is).

    >>> caption_levels('<h1>Title</h1><p class="caption" role="heading">Contents</p>')
    '<h1>Title</h1><p class="caption" role="heading" aria-level="2">Contents</p>'
    >>> caption_levels('<p class="caption" role="heading">A</p><h3 id="x">B</h3>'
    ...                '<p class="caption" role="heading">C</p>').split("<h3")[1]
    ' id="x">B</h3><p class="caption" role="heading" aria-level="4">C</p>'
    """
    level = outer

    def place(match: re.Match[str]) -> str:
        nonlocal level
        if match.group(1):
            level = int(match.group(1))
            return match.group(0)
        return f'<p class="caption" role="heading" aria-level="{min(level + 1, 6)}">'

    return _HEADING_OR_CAPTION.sub(place, html)


def on_page(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any],
            doctree: object) -> None:
    """`html-page-context`: levels for the contents captions in the page's body."""
    body = context.get("body")
    if isinstance(body, str):
        context["body"] = caption_levels(body)
