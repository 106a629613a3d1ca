"""HTML of a profile section -> clean text. Text from BLS stays text; markup never gets through.

Entities are decoded once, by the HTML parser: prose that mentions markup (`&lt;script&gt;`) comes
out as the characters `<script>`, which is what BLS wrote; whoever renders the text escapes it.
Markup that is really there (a `<script>` element, an `<img onerror=...>`, an iframe, a form) is
dropped with everything inside it, so nothing of it reaches the text. The page still loads.

The text has one block per paragraph (blank line between), list items as '- ' lines indented two
spaces per nesting level, and table rows as cells joined by ' | '.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from transforms.ooh.text import NOT_TEXT, Element, Tail, children, classes, holds_no_text, is_tag, norm

__all__ = ["sanitize_fragment"]

# Dropped with everything inside: active content, embedded media, forms, page chrome, deletions.
_DROPPED_TAGS = frozenset(
    {
        *("script", "style", "noscript", "template", "iframe", "frame", "frameset", "object", "embed", "applet"),
        *("form", "input", "button", "select", "option", "textarea", "svg", "math", "img", "picture", "video"),
        *("audio", "source", "track", "canvas", "map", "area", "link", "meta", "base", "head", "title", "nav"),
        *("del", "s", "strike", "dialog"),
    }
)
# Page furniture inside sections: photos and captions, bar charts, tab navigation, help pop-ups.
_BOILERPLATE_CLASSES = frozenset(
    {"ooh_right_img", "image-caption", "ooh-chart", "tab-footer", "about-this-section", "youtube-player", "clearfloat"}
)
_BOILERPLATE_IDS = frozenset({"outlook-table", "quickfacts", "similar-occupations"})
# Elements that end a line of text (li, tr and cells have their own rules).
_BLOCKS = frozenset(
    {
        *("p", "div", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "table", "caption", "thead", "tbody"),
        *("tfoot", "blockquote", "article", "section", "dl", "dt", "dd", "br", "header", "footer", "aside"),
        *("figure", "figcaption", "main", "pre", "address", "hr"),
    }
)
_LISTS = frozenset({"ul", "ol", "dl"})
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


def sanitize_fragment(
    nodes: Iterable[str | Element], *, within: Element | None = None, skip: set[Element] | None = None
) -> str:
    """Clean text of a run of nodes inside the element `within` (text and elements, as transforms.ooh.text.children
    gives them); the elements in `skip` are left out with the text that follows them."""
    renderer = _Renderer(skip or set(), in_no_text=within is not None and holds_no_text(within))
    for node in nodes:
        renderer.node(node)
    return renderer.result()


class _Renderer:
    def __init__(self, skip: set[Element], *, in_no_text: bool) -> None:
        self.skip = skip
        self.not_text = int(in_no_text)  # how deep inside a ruby annotation (or the like): its strings are not text
        self.blocks: list[tuple[str, str]] = []  # (kind, text); kind: para | item | row
        self.line: list[str] = []
        self.list_depth = 0
        self.pending_bullet: str | None = None
        self.in_item = 0
        self.cells: list[str] | None = None
        self.in_cell = 0

    def flush(self) -> None:
        if self.in_cell:
            return
        text = norm("".join(self.line))
        self.line = []
        if not text:
            return
        if self.pending_bullet is not None:
            self.blocks.append(("item", self.pending_bullet + text))
            self.pending_bullet = None
        elif self.in_item:
            self.blocks.append(("item", "  " * self.list_depth + text))
        else:
            self.blocks.append(("para", text))

    def result(self) -> str:
        self.flush()
        out: list[str] = []
        previous = None
        for kind, text in self.blocks:
            if out:
                out.append("\n" if kind == previous and kind in {"item", "row"} else "\n\n")
            out.append(text)
            previous = kind
        return "".join(out)

    def node(self, node: str | Element) -> None:
        if isinstance(node, str):
            if not self.not_text and not (isinstance(node, Tail) and node.owner in self.skip):
                self.line.append(str(node))
            return
        # Comments and processing instructions are not text of the page.
        if not is_tag(node) or node in self.skip or self._is_furniture(node):
            return
        name = str(node.tag).lower()
        if name in _DROPPED_TAGS or ":" in name:  # ":" : foreign namespaces (svg:, xlink:)
            return
        block = name in _BLOCKS
        if block:
            self.flush()
        if name in _LISTS:
            self.list_depth += 1
            self._children(node)
            self.list_depth -= 1
        elif name == "li":
            self._item(node)
        elif name == "tr":
            self._row(node)
        elif name in {"td", "th"}:
            self._cell(node)
        elif name in NOT_TEXT:
            self.not_text += 1
            self._children(node)
            self.not_text -= 1
        else:
            self._children(node)
        if block:
            self.flush()

    def _is_furniture(self, tag: Element) -> bool:
        if any(c in _BOILERPLATE_CLASSES for c in classes(tag)):
            return True
        if tag.get("id") in _BOILERPLATE_IDS:
            return True
        return bool(_HIDDEN.search(str(tag.get("style") or "")))

    def _children(self, tag: Element) -> None:
        for child in children(tag):
            self.node(child)

    def _item(self, tag: Element) -> None:
        self.flush()
        self.pending_bullet = "  " * max(self.list_depth - 1, 0) + "- "
        self.in_item += 1
        self._children(tag)
        self.flush()
        self.in_item -= 1
        self.pending_bullet = None

    def _row(self, tag: Element) -> None:
        self.flush()
        outer = self.cells
        self.cells = []
        self._children(tag)
        cells = [c for c in self.cells if c]
        self.cells = outer
        if cells and not self.in_cell:
            self.blocks.append(("row", " | ".join(cells)))

    def _cell(self, tag: Element) -> None:
        before = self.line
        self.line = []
        self.in_cell += 1
        self._children(tag)
        self.in_cell -= 1
        text = norm("".join(self.line))
        self.line = before
        if self.cells is not None:
            self.cells.append(text)
        elif text:
            self.line.append(" " + text + " ")
