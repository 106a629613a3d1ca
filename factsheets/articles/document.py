"""An article as the rest of the package sees it: decoded text, its sentences, headings and title.

`read_article(path)` decodes a .txt, .md or .html file and lays it out as `Document.text`, the text the
figure finder reads, where every position maps back to the file:
* .txt and .md: the file itself, with what is not prose blanked out (URLs; in Markdown also code,
  link targets, raw tags and front matter), so positions are the file's;
* .html: the text nodes in document order (factsheets/articles/html_text.py), joined by separators
  standing for block boundaries; an edit is spliced into the file's own bytes at the node's place, so
  markup, attributes and whitespace outside the changed text stay byte for byte.
"""

from __future__ import annotations

import bisect
import codecs
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from factsheets.articles.html_text import HtmlMap

SUFFIX_KINDS = {".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md", ".html": "html", ".htm": "html"}


class ArticleError(ValueError):
    """An article (or its sidecar) that cannot be read; names the file, the line when known, and what to fix."""

    def __init__(self, file: str | Path, message: str, *, line: int | None = None):
        self.file, self.line, self.message = str(file), line, message
        super().__init__(f"{file}:{line}: {message}" if line else f"{file}: {message}")


@dataclass(frozen=True)
class Heading:
    start: int
    end: int
    level: int  # 1 the title; 2-6 Markdown/HTML levels; 7 a plain-text heading line
    text: str


@dataclass(frozen=True)
class Edit:
    start: int  # in Document.text
    end: int
    new: str


@dataclass
class Document:
    name: str
    kind: str  # txt | md | html
    source: str
    text: str
    sentences: list[tuple[int, int]]
    headings: list[Heading]
    title: Heading | None
    encoding: str = "utf-8"
    bom: bool = False
    html_map: HtmlMap | None = None  # for .html: where each text node sits in the file
    paragraph_of: list[int] = field(default_factory=list)  # the paragraph (block) of each sentence
    _line_starts: list[int] = field(default_factory=list, repr=False)

    def source_offset(self, pos: int) -> int:
        return self.html_map.raw_offset(pos) if self.html_map is not None else pos

    def line_col(self, pos: int) -> tuple[int, int]:
        """1-based line and column in the file of a position in `text`."""
        if not self._line_starts:
            self._line_starts = [0] + [m.end() for m in re.finditer("\n", self.source)]
        offset = self.source_offset(pos)
        line = bisect.bisect_right(self._line_starts, offset)
        return line, offset - self._line_starts[line - 1] + 1

    def headings_above(self, pos: int) -> list[Heading]:
        """The heading of the section holding pos, then the headings it sits under (outermost last)."""
        index = bisect.bisect_right([h.start for h in self.headings], pos) - 1
        chain: list[Heading] = []
        while index >= 0:
            heading = self.headings[index]
            if heading.end <= pos and (not chain or heading.level < chain[-1].level):
                chain.append(heading)
            index -= 1
        return chain

    def apply(self, edits: list[Edit]) -> str:
        """The file's text with the edits made; nothing else changes."""
        if self.html_map is not None:
            return self.html_map.apply(self.source, edits)
        out, last = [], 0
        for edit in sorted(edits, key=lambda e: e.start):
            out.append(self.source[last : edit.start])
            out.append(edit.new)
            last = edit.end
        out.append(self.source[last:])
        return "".join(out)

    def encode(self, text: str) -> bytes:
        return (codecs.BOM_UTF8 if self.bom else b"") + text.encode(self.encoding)


def article_kind(path: Path) -> str | None:
    return SUFFIX_KINDS.get(path.suffix.lower())


def read_article(path: Path | str, *, name: str | None = None) -> Document:
    path = Path(path)
    kind = article_kind(path)
    display = name or str(path)
    if kind is None:
        raise ArticleError(display, f"expected a .txt, .md or .html article, found {path.suffix or 'no'} suffix")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ArticleError(display, f"cannot be read: {exc.strerror or exc}") from None
    return parse_article(data, name=display, kind=kind)


def parse_article(data: bytes, *, name: str, kind: str) -> Document:
    text, encoding, bom = decode(data, name=name, kind=kind)
    if kind == "html":
        from factsheets.articles.html_text import html_document

        return html_document(text, name=name, encoding=encoding, bom=bom)
    return text_document(text, name=name, kind=kind, encoding=encoding, bom=bom)


# ---- decoding --------------------------------------------------------------------------------------

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def decode(data: bytes, *, name: str, kind: str) -> tuple[str, str, bool]:
    """The file's text, the encoding to write it back with, and whether it had a UTF-8 BOM.

    UTF-8 is expected; an HTML page may declare another charset in a meta tag."""
    nul = data.find(b"\x00")
    if nul >= 0:
        raise ArticleError(
            name, f"is binary, not text (NUL byte at offset {nul}); expected a UTF-8 article", line=_line_of(data, nul)
        )
    bom = data.startswith(codecs.BOM_UTF8)
    body = data[3:] if bom else data
    encoding = "utf-8"
    if kind == "html" and not bom:
        declared = _META_CHARSET.search(body[:4096])
        if declared:
            try:
                encoding = codecs.lookup(declared[1].decode("ascii")).name
            except LookupError:
                raise ArticleError(
                    name, f"declares charset {declared[1].decode('ascii', 'replace')!r}, which Python does not know"
                ) from None
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError as exc:
        at = exc.start + (3 if bom else 0)
        raise ArticleError(
            name,
            f"is not valid {encoding} text (byte 0x{data[at]:02x} at offset {at}); save it as UTF-8",
            line=_line_of(data, at),
        ) from None
    controls = len(_CONTROL.findall(text))
    if controls and controls > max(3, len(text) // 200):
        first = _CONTROL.search(text)
        raise ArticleError(
            name,
            f"looks binary ({controls} control characters); expected a text article",
            line=text.count("\n", 0, first.start()) + 1 if first else None,
        )
    return text, encoding, bom


# ---- plain text and Markdown --------------------------------------------------------------------------

_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"')\]]+")
_FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.M | re.S)
_INLINE_CODE = re.compile(r"`[^`\n]+`")
_LINK_TARGET = re.compile(r"\]\([^)\n]*\)")
_REF_DEFINITION = re.compile(r"^\s{0,3}\[[^\]\n]+\]:[^\n]*$", re.M)
_TAG = re.compile(r"<[^<>\n]+>")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)---[ \t]*(?:\n|\Z)", re.S)
_FRONT_TITLE = re.compile(r"^title\s*:\s*(.+?)\s*$", re.M)
_ATX = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$")
_SETEXT = re.compile(r"^(=+|-+)[ \t]*$")
_BLOCK_MARKER = re.compile(r"^\s*(?:[-*+]\s|\d+[.)]\s|\||#|>)")
_HEADING_END = re.compile(r"[.!?,;:]\s*$")


def _blank(text: list[str], start: int, end: int) -> None:
    for i in range(start, end):
        if text[i] != "\n":
            text[i] = " "


def _masked(source: str, kind: str) -> tuple[str, str | None]:
    if kind == "txt" and not _URL.search(source):
        return source, None
    chars = list(source)
    title = None
    patterns = [_URL]
    if kind == "md":
        front = _FRONT_MATTER.match(source)
        if front:
            found = _FRONT_TITLE.search(front[1])
            title = found[1].strip("\"' ") if found else None
            _blank(chars, 0, front.end())
        patterns = [_FENCE, _INLINE_CODE, _LINK_TARGET, _REF_DEFINITION, _TAG, _URL]
    for pattern in patterns:
        for match in pattern.finditer(source):
            _blank(chars, match.start(), match.end())
    return "".join(chars), title


def looks_like_heading(line: str) -> bool:
    """A short line standing alone, without sentence punctuation or figures: a section heading in plain text."""
    words = line.split()
    return (
        0 < len(words) <= 10
        and line[:1].isupper()
        and not _HEADING_END.search(line)
        and "," not in line
        and "$" not in line
        and "%" not in line
    )


def line_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The lines of text[start:end], each as (start, end) without its newline."""
    spans, pos = [], start
    while pos < end:
        nl = text.find("\n", pos, end)
        stop = end if nl < 0 else nl
        spans.append((pos, stop))
        pos = stop + 1
    return spans


def _paragraphs(text: str) -> list[list[tuple[int, int]]]:
    """Runs of non-blank lines, each line as (start, end) without its newline."""
    paragraphs: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    for start, end in line_spans(text, 0, len(text)):
        if text[start:end].strip():
            current.append((start, end))
        elif current:
            paragraphs.append(current)
            current = []
    if current:
        paragraphs.append(current)
    return paragraphs


def _wrapped(text: str, lines: list[tuple[int, int]]) -> bool:
    """Hard-wrapped prose (every line but the last about as long as the longest): its line breaks are spaces."""
    if len(lines) < 2:
        return False
    lengths = [len(text[s:e].rstrip()) for s, e in lines[:-1]]
    longest = max(lengths)
    return longest >= 40 and min(lengths) >= 0.75 * longest


def text_document(source: str, *, name: str, kind: str, encoding: str = "utf-8", bom: bool = False) -> Document:
    text, front_title = _masked(source, kind)
    units: list[tuple[int, int, int]] = []  # start, end, paragraph
    headings: list[Heading] = []
    title: Heading | None = None
    paragraphs = _paragraphs(text)
    for number, lines in enumerate(paragraphs):
        if kind == "md" and len(lines) == 2 and _SETEXT.match(text[lines[1][0] : lines[1][1]].strip()):
            level = 1 if text[lines[1][0] : lines[1][1]].strip()[0] == "=" else 2
            headings.append(Heading(*lines[0], level, text[lines[0][0] : lines[0][1]].strip()))
            continue
        line_units = []
        for s, e in lines:
            atx = _ATX.match(text[s:e]) if kind == "md" else None
            if atx:
                headings.append(Heading(s, e, len(atx[1]), atx[2].strip(" *_")))
            else:
                line_units.append((s, e))
        if not line_units:
            continue
        if len(line_units) == 1 and looks_like_heading(text[line_units[0][0] : line_units[0][1]].strip(" *_#")):
            s, e = line_units[0]
            heading = Heading(s, e, 7, text[s:e].strip(" *_#"))
            if number == 0 and title is None and not headings:
                title = Heading(s, e, 1, heading.text)
            else:
                headings.append(heading)
            continue
        if _wrapped(text, line_units) and not any(_BLOCK_MARKER.match(text[s:e]) for s, e in line_units[1:]):
            units.append((line_units[0][0], line_units[-1][1], number))
        else:
            units.extend((s, e, number) for s, e in line_units)
    if title is None:
        firsts = [h for h in headings if h.level == 1]
        if front_title:
            title = Heading(0, 0, 1, front_title)
        elif firsts:
            title = firsts[0]
            headings.remove(title)
    sentences, paragraph_of = [], []
    for start, end, number in units:
        spans = split_sentences(text, start, end)
        sentences.extend(spans)
        paragraph_of.extend([number] * len(spans))
    headings.sort(key=lambda h: h.start)
    return Document(name, kind, source, text, sentences, headings, title, encoding, bom, paragraph_of=paragraph_of)


# ---- sentences -------------------------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]*_]*\s+(?=[\"'“‘(\[*_$]?[A-Z0-9$])")
_ABBREVIATIONS = frozenset(
    "u.s e.g i.e dr mr mrs ms st no vs etc inc jr sr jan feb mar apr jun jul aug sep sept oct nov dec approx ca fig".split()
)


def split_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans, begin = [], start
    for match in _SENTENCE_END.finditer(text, start, end):
        word = re.search(r"([\w.]+)[.!?]?$", text[max(begin, match.start() - 12) : match.start() + 1])
        before = (word[1] if word else "").rstrip(".").lower()
        if text[match.start()] == "." and (before in _ABBREVIATIONS or re.fullmatch(r"[a-z]", before)):
            continue
        spans.append((begin, match.start() + 1))
        begin = match.end()
    if begin < end:
        spans.append((begin, end))
    return [(s, e) for s, e in spans if text[s:e].strip()]
