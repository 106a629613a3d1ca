"""Small text rules shared by the page parser and the sanitizer: whitespace, labels, periods, URLs, and the walk
over lxml's tree they read (elements, their text and the text after them)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TypeAlias, TypeGuard
from urllib.parse import unquote, urljoin, urlsplit

from lxml import etree

Element: TypeAlias = etree._Element

BLS_SITE = "https://www.bls.gov"

# "2024–34", "2024-34", "2024 - 2034": the projection period that names an OOH edition.
EDITION_PATTERN = re.compile(r"(?P<base>(?:19|20)\d{2})\s*[-\u2010-\u2015\u2212]\s*(?P<target>\d{4}|\d{2})(?!\d)")

WS = re.compile(r"\s+")
DASHES = str.maketrans({c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"})
AMOUNT = r"\$\s*(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?"
TOP_CODED = re.compile(r"equal to or greater than", re.I)

_PROFILE_PATH = re.compile(r"^/ooh/(?P<group>[a-z0-9][a-z0-9-]*)/(?P<slug>[a-z0-9][a-z0-9-]*)\.htm$")
_COUNT = re.compile(r"^([-+]?)\s*(\d{1,3}(?:,\d{3})+|\d+)$")
_URL_JUNK = re.compile(r"[\x00-\x20\x7f]")


def norm(text: str | None) -> str:
    """Whitespace (tabs, newlines, no-break spaces) collapsed to single spaces, stripped."""
    return WS.sub(" ", text or "").strip()


def label(text: str) -> str:
    """A label as compared: single spaces, lower case, every dash a hyphen, no trailing colon."""
    return norm(text).translate(DASHES).lower().rstrip(":").strip()


# Elements whose strings, at any depth, are not text of the page (BeautifulSoup's string containers, which the
# parser used before lxml followed): scripts, style sheets, templates and ruby annotations.
NOT_TEXT = frozenset({"script", "style", "template", "rt", "rp"})


class Tail(str):
    """Text that follows an element inside its parent (lxml's .tail): it goes where its owner goes."""

    owner: Element

    def __new__(cls, text: str, owner: Element) -> Tail:
        tail = super().__new__(cls, text)
        tail.owner = owner
        return tail


def is_tag(node: object) -> TypeGuard[Element]:
    """An element: not text, and not a comment or processing instruction (whose lxml tag is a function)."""
    return isinstance(node, etree._Element) and isinstance(node.tag, str)


def children(element: Element) -> list[str | Element]:
    """An element's content in document order: its text, each child (comments too) and the text after it."""
    nodes: list[str | Element] = [element.text] if element.text else []
    for child in element:
        nodes.append(child)
        if child.tail:
            nodes.append(Tail(child.tail, child))
    return nodes


def following(element: Element) -> Iterator[str | Element]:
    """What follows an element inside its parent, in document order."""
    if element.tail:
        yield Tail(element.tail, element)
    for sibling in element.itersiblings():
        yield sibling
        if sibling.tail:
            yield Tail(sibling.tail, sibling)


def descendants(element: Element, *tags: str, **attrs: str | bool) -> Iterator[Element]:
    """The elements under `element` (not itself), in document order, named `tags` (any if none) with `attrs`:
    True means the attribute is there, a string that it has that value."""
    for node in element.iterdescendants(*tags) if tags else element.iterdescendants():
        if is_tag(node) and all(
            node.get(key) is not None if want is True else node.get(key) == want for key, want in attrs.items()
        ):
            yield node


def first(element: Element, *tags: str, **attrs: str | bool) -> Element | None:
    return next(descendants(element, *tags, **attrs), None)


def classes(element: Element) -> list[str]:
    return (element.get("class") or "").split()


def strings(element: Element) -> Iterator[str]:
    """The text under an element, in document order: no comment, script, style, template or ruby annotation."""
    if element.tag in NOT_TEXT:
        return
    if element.text:
        yield element.text
    for child in element:
        if is_tag(child):
            yield from strings(child)
        if child.tail:
            yield child.tail


def holds_no_text(element: Element) -> bool:
    """Whether the strings under an element are no text of the page: it, or an element around it, is NOT_TEXT."""
    return element.tag in NOT_TEXT or any(True for _ in element.iterancestors(*NOT_TEXT))


def text_of(node: Element | None) -> str:
    return "" if node is None or holds_no_text(node) else norm(" ".join(strings(node)))


def edition_of(text: str) -> tuple[str, int, int] | None:
    """("2024-34", 2024, 2034) from a period such as "2024–34" or "2024-2034"; None if absent."""
    match = EDITION_PATTERN.search(text)
    if match is None:
        return None
    base = int(match["base"])
    target_text = match["target"]
    if len(target_text) == 4:
        target = int(target_text)
    else:
        target = base - base % 100 + int(target_text)
        if target <= base:
            target += 100
    if not base < target <= base + 30:
        return None
    return f"{base}-{target % 100:02d}", base, target


def money(whole: str, cents: str | None) -> float:
    return float(whole.replace(",", "") + (cents or ""))


def count(text: str) -> int | None:
    """A whole number as BLS prints it (13,800; -2,200; with any dash as the minus), or None."""
    match = _COUNT.match(text.translate(DASHES).replace(" ", ""))
    if match is None:
        return None
    value = int(match[2].replace(",", ""))
    return -value if match[1] == "-" else value


def decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def profile_path_parts(url: str) -> tuple[str, str] | None:
    """(group, slug) when `url` ends in /ooh/<group>/<slug>.htm (any host, any prefix)."""
    path = unquote(urlsplit(url).path)
    marker = path.rfind("/ooh/")
    if marker < 0:
        return None
    match = _PROFILE_PATH.match(path[marker:])
    return None if match is None else (match["group"], match["slug"])


def safe_href(href: str, base_url: str) -> str | None:
    """An absolute http(s) URL, or None for javascript:, data:, vbscript: and anything else."""
    # Browsers ignore tabs, newlines and leading spaces in URLs ("java\tscript:" is javascript:).
    cleaned = _URL_JUNK.sub("", href)
    if not cleaned:
        return None
    absolute = urljoin(base_url, cleaned)
    parts = urlsplit(absolute)
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        return None
    return absolute
