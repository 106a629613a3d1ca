"""Small text rules shared by the page parser and the sanitizer: whitespace, labels, periods, URLs."""

from __future__ import annotations

import re
from urllib.parse import unquote, urljoin, urlsplit

from bs4 import Tag

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


def text_of(node: Tag | None) -> str:
    return "" if node is None else norm(node.get_text(" "))


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
