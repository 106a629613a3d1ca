"""The text nodes of an HTML article, where each sits in the file, and edits spliced back into the file.

The stdlib parser (html.parser, with character references reported separately) gives the start of every
text run, entity and tag in the source, so a figure found in the text maps to its exact bytes: refreshing
it replaces those characters and nothing else. Markup, attributes, comments and whitespace are never
re-serialised. Text inside script, style, code and the like is not prose and is skipped.
"""

from __future__ import annotations

import bisect
import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser

from factsheets.articles.document import ArticleError, Document, Edit, Heading, line_spans, split_sentences

BLOCK_SEPARATOR = "\n\n"
CELL_SEPARATOR = " | "
_BLOCKS = frozenset(
    "address article aside blockquote body caption dd details dialog div dl dt fieldset figcaption figure footer "
    "form h1 h2 h3 h4 h5 h6 head header hgroup hr html li main nav ol option p pre section select summary table "
    "tbody tfoot thead title tr ul br".split()
)
_CELLS = frozenset({"td", "th"})
_TABLE_PARTS = frozenset({"thead", "tbody", "tfoot", "tr"})  # inside a table: rows are lines, not blocks
_SKIPPED = frozenset("script style noscript template svg math code kbd samp textarea iframe object".split())
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
_REFERENCE = re.compile(r"&#?[A-Za-z0-9]+;?")
_HEADING_LEVELS = {"title": 1, "h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}


@dataclass(frozen=True)
class Piece:
    vstart: int  # in the joined text
    vend: int
    raw_start: int  # in the file's text
    raw_end: int
    is_ref: bool  # an entity or character reference (&amp; &#8211;)


class HtmlMap:
    def __init__(self, pieces: list[Piece]):
        self.pieces = pieces
        self._starts = [p.vstart for p in pieces]

    def _piece(self, pos: int) -> int:
        return max(0, bisect.bisect_right(self._starts, pos) - 1)

    def raw_offset(self, pos: int) -> int:
        if not self.pieces:
            return 0
        piece = self.pieces[self._piece(pos)]
        if pos >= piece.vend:
            index = self._piece(pos) + 1
            return self.pieces[index].raw_start if index < len(self.pieces) else piece.raw_end
        return piece.raw_start if piece.is_ref else piece.raw_start + (pos - piece.vstart)

    def raw_span(self, start: int, end: int) -> tuple[int, int] | None:
        """The file's characters holding text[start:end], or None when they are not one run of text
        (the span crosses a tag, or cuts an entity)."""
        first, last = self._piece(start), self._piece(max(start, end - 1))
        run = self.pieces[first : last + 1]
        if not run or run[0].vstart > start or run[-1].vend < end:
            return None
        for left, right in zip(run, run[1:], strict=False):
            if left.vend != right.vstart or left.raw_end != right.raw_start:
                return None
        head, tail = run[0], run[-1]
        if head.is_ref and start != head.vstart or tail.is_ref and end != tail.vend:
            return None
        raw_start = head.raw_start + (0 if head.is_ref else start - head.vstart)
        raw_end = tail.raw_end if tail.is_ref else tail.raw_start + (end - tail.vstart)
        return raw_start, raw_end

    def apply(self, source: str, edits: list[Edit]) -> str:
        out, last = [], 0
        for edit in sorted(edits, key=lambda e: e.start):
            span = self.raw_span(edit.start, edit.end)
            if span is None:  # callers check editable() first; this is a bug, not bad input
                raise ValueError(f"edit {edit} does not fall on one run of text")
            out.append(source[last : span[0]])
            out.append(html.escape(edit.new, quote=False))
            last = span[1]
        out.append(source[last:])
        return "".join(out)


class _TextNodes(HTMLParser):
    def __init__(self, source: str):
        super().__init__(convert_charrefs=False)
        self.source = source
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", source)]
        self.parts: list[str] = []
        self.length = 0
        self.pieces: list[Piece] = []
        self.stack: list[str] = []
        self.skipping = 0
        self.in_head = False
        self.open_headings: list[tuple[str, int, int]] = []  # tag, level, vstart
        self.headings: list[Heading] = []
        self.title: Heading | None = None
        self.tags = 0
        self.row_cells = 0
        self.cells = 0  # table cells open: outside them a table's whitespace is not text
        self.tables: list[int] = []  # rows so far of each open table: a table reads as a Markdown pipe table
        self.rows: list[tuple[int, int]] = []  # each table row's text: one sentence, whatever its cells hold
        self.row_start = 0
        self.events: list[tuple[str, int, str]] = []  # ('data'|'tag', raw offset, text) to find broken markup

    def _position(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def _separate(self, separator: str) -> None:
        if self.parts and not self.parts[-1].endswith(("\n\n", " | ")):
            self._emit(separator)

    def _emit(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)

    def _row(self, start: bool) -> None:
        """A table row as a line of a pipe table (| a | b |), the header (its first row) underlined, so that a
        cell's column header measures and dates it (factsheets.articles.tables)."""
        rows = self.tables[-1]
        if start:
            if rows == 0:
                self._separate(BLOCK_SEPARATOR)
            else:
                self._emit("\n")
            self.row_start = self.length
            self._emit("| ")
            self.row_cells = 0
            return
        self._emit(" |")
        self.rows.append((self.row_start, self.length))
        if rows == 0:
            self._emit("\n|" + "---|" * max(self.row_cells, 1))
        self.tables[-1] += 1

    def handle_starttag(self, tag: str, attrs) -> None:
        self.tags += 1
        self.events.append(("tag", self._position(), tag))
        if tag == "head":
            self.in_head = True
        elif tag == "body":
            self.in_head = False
        if tag in _SKIPPED:
            self.skipping += 1
        if tag not in _VOID:
            self.stack.append(tag)
        if tag == "table":
            self.tables.append(0)
        if tag in _CELLS:
            self.cells += 1
            if self.row_cells:
                self._separate(CELL_SEPARATOR)
            self.row_cells += 1
        elif tag in _TABLE_PARTS and self.tables:
            if tag == "tr":
                self._row(start=True)
        elif tag in _BLOCKS:
            if tag == "tr":
                self.row_cells = 0
            self._separate(BLOCK_SEPARATOR)
        if tag in _HEADING_LEVELS:
            self.open_headings.append((tag, _HEADING_LEVELS[tag], self.length))

    def handle_endtag(self, tag: str) -> None:
        self.events.append(("tag", self._position(), tag))
        if tag == "head":
            self.in_head = False
        if tag in self.stack:
            while self.stack:
                popped = self.stack.pop()
                if popped in _SKIPPED:
                    self.skipping = max(0, self.skipping - 1)
                if popped == tag:
                    break
        if self.open_headings and self.open_headings[-1][0] == tag:
            _, level, start = self.open_headings.pop()
            text = "".join(self.parts)[start:].strip(" |\n")
            if text:
                heading = Heading(start, self.length, level, " ".join(text.split()))
                if tag == "title":
                    self.title = self.title or heading
                else:
                    self.headings.append(heading)
        if tag in _CELLS:
            self.cells = max(0, self.cells - 1)
        if tag in _TABLE_PARTS and self.tables:
            if tag == "tr":
                self._row(start=False)
            return
        if tag == "table" and self.tables:
            self.tables.pop()
        if tag in _BLOCKS and tag != "br":
            self._separate(BLOCK_SEPARATOR)

    def _text(self, decoded: str, raw_start: int, raw_end: int, is_ref: bool) -> None:
        if self.skipping or (self.in_head and not self.open_headings) or not decoded:
            return
        if self.tables and not self.cells and not decoded.strip():
            return  # the source's line breaks between rows: a blank line would end the pipe table
        self.pieces.append(Piece(self.length, self.length + len(decoded), raw_start, raw_end, is_ref))
        self.parts.append(decoded)
        self.length += len(decoded)

    def handle_data(self, data: str) -> None:
        start = self._position()
        self.events.append(("data", start, data))
        self._text(data, start, start + len(data), False)

    def _reference(self, raw_text: str) -> None:
        start = self._position()
        self.events.append(("ref", start, raw_text))
        # The reference's end is where the next event starts; a missing ';' is allowed by the parser.
        match = _REFERENCE.match(self.source, start)
        end = match.end() if match else start + len(raw_text)
        self._text(html.unescape(raw_text), start, end, True)

    def handle_entityref(self, name: str) -> None:
        self._reference(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self._reference(f"&#{name};")


def _broken_markup(parser: _TextNodes) -> int | None:
    """The offset of a tag or comment the parser could not finish (it hands such a '<' on as text)."""
    for (kind, offset, text), following in zip(parser.events, parser.events[1:], strict=False):
        if kind == "data" and text == "<" and following[0] == "data" and re.match(r"[A-Za-z!/?]", following[2]):
            return offset
    return None


def html_document(source: str, *, name: str, encoding: str = "utf-8", bom: bool = False) -> Document:
    parser = _TextNodes(source)
    try:
        parser.feed(source)
        parser.close()
    except Exception as exc:  # html.parser raises little, but a malformed declaration can assert
        raise ArticleError(name, f"cannot be parsed as HTML: {exc}") from None
    broken = _broken_markup(parser)
    if broken is not None:
        line = source.count("\n", 0, broken) + 1
        raise ArticleError(
            name, f"cannot be parsed as HTML: unterminated tag or comment {source[broken : broken + 30]!r}", line=line
        )
    if not parser.tags:
        raise ArticleError(name, "cannot be parsed as HTML: no markup at all (is it a .txt article?)")
    text = "".join(parser.parts)
    sentences: list[tuple[int, int]] = []
    paragraph_of: list[int] = []
    begin = 0
    for number, match in enumerate([*re.finditer(re.escape(BLOCK_SEPARATOR), text), None]):
        stop = match.start() if match else len(text)
        if text.startswith("| ", begin):  # a table: each row is a sentence of its own
            spans = [span for line in line_spans(text, begin, stop) for span in split_sentences(text, *line)]
        else:
            spans = split_sentences(text, begin, stop)
        sentences.extend(spans)
        paragraph_of.extend([number] * len(spans))
        begin = match.end() if match else stop
    sentences, paragraph_of = _rows_whole(text, sentences, paragraph_of, parser.rows)
    headings = sorted(parser.headings, key=lambda h: h.start)
    title = parser.title or next((h for h in headings if h.level == 1), None)
    return Document(
        name, "html", source, text, sentences, headings, title, encoding, bom, HtmlMap(parser.pieces), paragraph_of
    )


def _rows_whole(
    text: str, sentences: list[tuple[int, int]], paragraph_of: list[int], rows: list[tuple[int, int]]
) -> tuple[list[tuple[int, int]], list[int]]:
    """Every table row one sentence: a cell holding a paragraph (the OOH's job duties) split its row in two
    at its period, and the rest of the row ran on into the next one, whose occupation then took its pay.
    The sentences outside the rows keep their spans, cut at the rows; one pass over each, sorted."""
    outer: list[tuple[int, int]] = []  # rows not inside another row (a table in a cell), in order
    for start, end in sorted(rows, key=lambda r: (r[0], -r[1])):
        if not outer or start >= outer[-1][1]:
            outer.append((start, end))
    if not outer:
        return sentences, paragraph_of
    row_starts = [start for start, _ in outer]
    ends = [end for _, end in sentences]
    pieces: list[tuple[int, int, int]] = []
    for (start, end), number in zip(sentences, paragraph_of, strict=True):
        cursor, at = start, max(bisect.bisect_right(row_starts, start) - 1, 0)
        while at < len(outer) and outer[at][0] < end:
            row_start, row_end = outer[at]
            if row_end > cursor:
                if row_start > cursor and text[cursor:row_start].strip():
                    pieces.append((cursor, row_start, number))
                cursor = row_end
            at += 1
        if cursor < end and text[cursor:end].strip():
            pieces.append((cursor, end, number))
    for row_start, row_end in outer:
        at = min(bisect.bisect_right(ends, row_start), len(sentences) - 1)
        pieces.append((row_start, row_end, paragraph_of[at] if sentences else 0))
    pieces.sort()
    return [(s, e) for s, e, _ in pieces], [n for _, _, n in pieces]


def editable(document: Document, start: int, end: int) -> bool:
    """Whether text[start:end] can be replaced in place (always in text files; in HTML, one run of text)."""
    if document.html_map is None:
        return True
    return document.html_map.raw_span(start, end) is not None
