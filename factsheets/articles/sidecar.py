"""The editor's pins: `ARTICLE.bls.toml` next to an article binds figures the audit could not bind for certain
(or binds them differently), and later runs honour it.

    # career.txt.bls.toml (or career.bls.toml)
    [[pin]]
    figure = "$46,660"          # the figure as written (every figure with this text...)
    line = 14                   # ...optional: only on this line of the article
    occurrence = 1              # ...optional: only the nth of those
    soc = "29-2072"             # the occupation
    measure = "annual_median"   # what it measures (see factsheets/articles/measures.py)

    [[pin]]
    figure = "90 percent"
    ignore = true               # not a BLS figure: never audit or change it

    [[pin]]
    figure = "faster-than-average"  # BLS's comparison with the average, as written (factsheets/articles/outlook.py)
    measure = "outlook_words"
    soc = "29-2072"             # the occupation it speaks of (or ignore = true: leave these words alone)

When a refresh changes a pinned figure (or pinned words), the pin's `figure` is rewritten to the new text (only that string
in the file changes), so the pin still holds on the next run.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from factsheets.articles.document import ArticleError
from factsheets.articles.measures import MEASURES, OUTLOOK_WORDS, is_measure

PIN_KEYS = ("figure", "line", "occurrence", "soc", "measure", "ignore")
_SOC = re.compile(r"^\d{2}-\d{4}$")
_FIGURE_KEY = re.compile(r"""^(\s*figure\s*=\s*)("(?:[^"\\]|\\.)*"|'[^']*')""")


@dataclass(frozen=True)
class Pin:
    number: int  # 1-based, in the file's order
    at_line: int  # where the [[pin]] header is in the sidecar
    figure: str | None
    line: int | None
    occurrence: int | None
    soc: str | None
    measure: str | None
    ignore: bool = False

    @property
    def words(self) -> bool:
        """It pins a comparison with the average ("faster than the average"), not a figure."""
        return self.measure == OUTLOOK_WORDS

    def describe(self, sidecar: Path) -> str:
        return f"{sidecar.name} line {self.at_line}"


@dataclass(frozen=True)
class Sidecar:
    path: Path
    text: str
    pins: tuple[Pin, ...]


def sidecar_paths(article: Path) -> list[Path]:
    """Where an article's sidecar may be: `career.txt.bls.toml`, then `career.bls.toml`."""
    return [article.with_name(article.name + ".bls.toml"), article.with_name(article.stem + ".bls.toml")]


def find_sidecar(article: Path) -> Path | None:
    return next((p for p in sidecar_paths(article) if p.is_file()), None)


def _header_lines(text: str) -> list[int]:
    return [n for n, line in enumerate(text.splitlines(), start=1) if re.match(r"^\s*\[\[\s*pin\s*\]\]", line)]


def _key_line(text: str, header: int, key: str) -> int:
    lines = text.splitlines()
    for number in range(header, len(lines)):
        line = lines[number]
        if number >= header and re.match(r"^\s*\[", line):
            break
        if re.match(rf"^\s*{re.escape(key)}\s*=", line):
            return number + 1
    return header


def load_sidecar(path: Path, known_codes: dict[str, str] | set[str]) -> Sidecar:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ArticleError(path, f"sidecar is not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise ArticleError(path, f"sidecar cannot be read: {exc.strerror or exc}") from None
    return parse_sidecar(text, path, known_codes)


def parse_sidecar(text: str, path: Path, known_codes: dict[str, str] | set[str]) -> Sidecar:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"at line (\d+)", str(exc))
        raise ArticleError(path, f"sidecar is not valid TOML: {exc}", line=int(found[1]) if found else None) from None
    for key in data:
        if key != "pin":
            raise ArticleError(path, f"unknown key {key!r}: a sidecar holds only [[pin]] tables", line=1)
    entries = data.get("pin", [])
    if not isinstance(entries, list):
        raise ArticleError(path, "'pin' must be written as [[pin]] tables", line=1)
    headers = _header_lines(text)
    pins = [_pin(path, text, number, entry, headers, known_codes) for number, entry in enumerate(entries, start=1)]
    return Sidecar(path, text, tuple(pins))


def _pin(path: Path, text: str, number: int, entry: Any, headers: list[int], known: dict[str, str] | set[str]) -> Pin:
    header = headers[number - 1] if number <= len(headers) else 1

    def fail(key: str | None, message: str) -> ArticleError:
        return ArticleError(path, f"pin {number}: {message}", line=_key_line(text, header, key) if key else header)

    if not isinstance(entry, dict):
        raise fail(None, "expected a [[pin]] table")
    unknown = sorted(set(entry) - set(PIN_KEYS))
    if unknown:
        raise fail(unknown[0], f"unknown key {unknown[0]!r}; a pin takes {', '.join(PIN_KEYS)}")
    figure, line, occurrence = entry.get("figure"), entry.get("line"), entry.get("occurrence")
    soc, measure, ignore = entry.get("soc"), entry.get("measure"), entry.get("ignore", False)
    if figure is not None and (not isinstance(figure, str) or not figure.strip()):
        raise fail("figure", 'figure must be the figure\'s text as written, e.g. "$46,660"')
    for key, value in (("line", line), ("occurrence", occurrence)):
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 1):
            raise fail(key, f"{key} must be a whole number from 1")
    if figure is None and line is None:
        raise fail(None, 'give the figure\'s text (figure = "...") or its line (line = N)')
    if not isinstance(ignore, bool):
        raise fail("ignore", "ignore must be true or false")
    if not ignore:
        if not isinstance(soc, str) or not _SOC.match(soc):
            raise fail("soc", f'soc must be a SOC code like "29-2072", found {soc!r}')
        if soc not in known:
            raise fail("soc", f"names SOC code {soc}, which no release in the warehouse nor the SOC crosswalk has")
        if not isinstance(measure, str) or not (is_measure(measure) or measure == OUTLOOK_WORDS):
            raise fail("measure", f"unknown measure {measure!r}; known: {', '.join([*MEASURES, OUTLOOK_WORDS])}")
    return Pin(number, header, figure, line, occurrence, soc, measure, ignore)


def match_pins(
    pins: tuple[Pin, ...], figures: list[tuple[int, str, int]]
) -> tuple[dict[int, Pin], list[tuple[Pin, str]]]:
    """figures: (index, text, line). Which pin binds which figure, and the pins that bind nothing (and why)."""
    bound: dict[int, Pin] = {}
    stale: list[tuple[Pin, str]] = []
    for pin in pins:
        wanted = " ".join(pin.figure.split()) if pin.figure else None
        candidates = [
            index
            for index, text, line in figures
            if (wanted is None or " ".join(text.split()) == wanted) and (pin.line is None or line == pin.line)
        ]
        if pin.occurrence is not None:
            candidates = candidates[pin.occurrence - 1 : pin.occurrence]
        elif wanted is None and len(candidates) > 1:
            stale.append((pin, f"line {pin.line} holds {len(candidates)} figures: add figure = or occurrence ="))
            continue
        if not candidates:
            stale.append((pin, "matches no figure of the article"))
            continue
        for index in candidates:
            bound.setdefault(index, pin)
    return bound, stale


def rewrite_figures(sidecar: Sidecar, new_figures: dict[int, str]) -> str:
    """The sidecar's text with the `figure` string of these pins (by number) replaced; nothing else changes."""
    lines = sidecar.text.splitlines(keepends=True)
    for pin in sidecar.pins:
        if pin.number not in new_figures or pin.figure is None:
            continue
        number = _key_line(sidecar.text, pin.at_line, "figure") - 1
        literal = json.dumps(new_figures[pin.number], ensure_ascii=False)  # a TOML basic string
        found = _FIGURE_KEY.match(lines[number])
        if found:
            lines[number] = found[1] + literal + lines[number][found.end() :]
    return "".join(lines)
