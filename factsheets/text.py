"""Text from BLS or from a careers config, made safe to place in Markdown: it reads as the same
characters and never as markup (no live `<script>`, `<img onerror=...>`, links, headings or lists).

Used for the sheets' Markdown, the changelog (`sheets/changelog/*.md`) and any Markdown report that
quotes BLS text (e.g. a Prefect Markdown artifact): `escape_markdown` for running text,
`markdown_cell` for a table cell, `markdown_url` for a link's destination.
"""

from __future__ import annotations

import re
from typing import Any

# Everywhere: characters that open inline markup, raw HTML, entities, links, code or table cells.
_SPECIAL = re.compile(r"([\\`*_\[\]<>|#&~])")
# At the start of a line only: list markers ("1." "1)" "-" "+"), setext underlines ("=" "-").
_LINE_START = re.compile(r"^([ \t]*)(?:(\d{1,9})([.)])|([-+=]))", re.MULTILINE)


def _line_start(match: re.Match[str]) -> str:
    indent, number, delimiter, marker = match.groups()
    if number is not None:
        return f"{indent}{number}\\{delimiter}"
    return f"{indent}\\{marker}"


def escape_markdown(value: Any) -> str:
    """`value` as Markdown text that renders as exactly its characters (CommonMark backslash escapes)."""
    return _LINE_START.sub(_line_start, _SPECIAL.sub(r"\\\1", str(value)))


def markdown_cell(value: Any) -> str:
    """`value` as the text of one Markdown table cell: one line, escaped; None reads as an em dash."""
    return escape_markdown(" ".join(("—" if value is None else str(value)).split()))


_URL_ESCAPES = {c: f"%{c:02X}" for c in (*range(33), ord("("), ord(")"), ord("<"), ord(">"))}


def markdown_url(url: str) -> str:
    """A link destination Markdown reads whole: no space, parenthesis or angle bracket left raw."""
    return str(url).translate(_URL_ESCAPES)


__all__ = ["escape_markdown", "markdown_cell", "markdown_url"]
