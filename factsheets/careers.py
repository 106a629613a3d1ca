"""The careers config: the curated careers a publisher lists, read from TOML and checked line by line.

    [[career]]
    name = "Health Information Technician"       # display name (required)
    plural = "Health Information Technicians"    # optional; default: an English plural of name
    soc = "29-2072"                              # SOC code(s) it stands for; the first gives the figures
    # ooh = "medical-records-and-health-information-technicians"   # or/and an OOH profile slug
    # slug = "health-information-technician"   # optional file name; default from name

    [career.overrides]                           # optional, each key optional
    skills = ["...", "..."]                      # the Job Skills row
    # education, definition, required_education, skills_required: text replacing the warehouse's

    [[career.alternative]]                       # zero or more
    name = "Health Information Manager"
    soc = "11-9111"
    # description = "..."                        # optional; default from the OOH / EP data

tomllib does not say where a key is, so errors are located by scanning the text for the offending
table or key: every CareersConfigError names the file, the line and what is wrong.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

SOC_PATTERN = re.compile(r"^\d{2}-\d{4}$")
SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?$")

CAREER_KEYS = ("name", "plural", "soc", "ooh", "slug", "overrides", "alternative")
ALTERNATIVE_KEYS = ("name", "soc", "description")
OVERRIDE_KEYS = ("definition", "education", "skills", "required_education", "skills_required")


class CareersConfigError(ValueError):
    """A careers config that cannot be used; names the file, the line and what is wrong."""

    def __init__(self, path: Path | str, line: int | None, message: str):
        self.path, self.line, self.message = str(path), line, message
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class Overrides:
    definition: str | None = None
    education: str | None = None
    skills: tuple[str, ...] | None = None
    required_education: str | None = None
    skills_required: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.__dict__.items() if v is not None}


@dataclass(frozen=True)
class Alternative:
    name: str
    soc: str
    description: str | None = None
    line: int | None = None


@dataclass(frozen=True)
class Career:
    name: str
    plural: str
    soc_codes: tuple[str, ...]
    ooh: str | None
    slug: str
    alternatives: tuple[Alternative, ...] = ()
    overrides: Overrides = field(default_factory=Overrides)
    line: int | None = None

    @property
    def primary_soc(self) -> str | None:
        return self.soc_codes[0] if self.soc_codes else None


def default_careers_path() -> Path:
    """The shipped config (reproduces the reference: Health Information Technician)."""
    return Path(str(resources.files("factsheets").joinpath("careers.toml")))


def slugify(text: str, *, fallback: str = "sheet") -> str:
    """A safe file name: lower-case ASCII letters, digits and single hyphens, at most 100 characters."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    words = words[:100].rstrip("-")
    return words or fallback


def english_plural(name: str) -> str:
    """A plain English plural of the last word: Technician -> Technicians, Secretary -> Secretaries."""
    head, _, last = name.rpartition(" ")
    lower = last.lower()
    if lower.endswith("man") and not lower.endswith("human"):
        plural = last[:-3] + ("men" if last[-3:].islower() else "MEN")
    elif re.search(r"[^aeiou]y$", lower):
        plural = last[:-1] + "ies"
    elif re.search(r"(s|x|z|ch|sh)$", lower):
        plural = last + "es"
    else:
        plural = last + "s"
    return f"{head} {plural}" if head else plural


# ---- locating tables and keys in the text ----------------------------------------------------

_ARRAY_HEADER = re.compile(r"^\s*\[\[\s*([^\[\]]+?)\s*\]\]\s*(?:#.*)?$")
_TABLE_HEADER = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(?:#.*)?$")
_KEY_LINE = re.compile(r"""^\s*("[^"]*"|'[^']*'|[A-Za-z0-9_\-]+)\s*(?:\.\s*[A-Za-z0-9_\-"']+\s*)*=""")
_STRING = re.compile(r'"""|\'\'\'|"(?:[^"\\]|\\.)*"|\'[^\']*\'')


def _header_parts(text: str) -> tuple[str, ...]:
    return tuple(part.strip().strip("\"'") for part in text.split("."))


class _Locator:
    """Line numbers of the tables and keys of a TOML text: (career, i) -> line, (career, i, 'soc') -> line, ..."""

    def __init__(self, text: str):
        self.lines: dict[tuple, int] = {}
        counters: dict[tuple[str, ...], int] = {}
        current: tuple = ()
        depth = 0  # open brackets/braces of a value spanning lines
        in_multiline: str | None = None
        for number, raw in enumerate(text.splitlines(), start=1):
            line = raw
            if in_multiline:
                if in_multiline in line:
                    line = line.split(in_multiline, 1)[1]
                    in_multiline = None
                else:
                    continue
            if depth == 0:
                header = _ARRAY_HEADER.match(line)
                if header:
                    parts = _header_parts(header[1])
                    parent = self._resolve(parts[:-1], counters)
                    key = parent + (parts[-1],)
                    index = counters.get(key, 0)
                    counters[key] = index + 1
                    current = key + (index,)
                    self.lines.setdefault(current, number)
                    self.lines.setdefault(key, number)
                    for deeper in [k for k in counters if k[: len(key)] == key and len(k) > len(key)]:
                        counters.pop(deeper)
                    continue
                table = _TABLE_HEADER.match(line)
                if table:
                    parts = _header_parts(table[1])
                    current = self._resolve(parts[:-1], counters) + (parts[-1],)
                    self.lines.setdefault(current, number)
                    continue
                key = _KEY_LINE.match(line)
                if key:
                    self.lines.setdefault(current + (key[1].strip("\"'"),), number)
            code = _STRING.sub(lambda m: m[0] if m[0] in ('"""', "'''") else '""', line).split("#", 1)[0]
            for quote in ('"""', "'''"):
                if code.count(quote) % 2 == 1:
                    in_multiline = quote
            if in_multiline is None:
                depth = max(0, depth + code.count("[") + code.count("{") - code.count("]") - code.count("}"))

    @staticmethod
    def _resolve(parts: tuple[str, ...], counters: dict[tuple[str, ...], int]) -> tuple:
        """A dotted header's parent path, with the index of the last element of each array of tables."""
        path: tuple = ()
        for part in parts:
            key = path + (part,)
            path = key + (counters[key] - 1,) if key in counters else key
        return path

    def line(self, *path) -> int | None:
        """The line of the deepest located prefix of path."""
        for end in range(len(path), 0, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return None


# ---- loading ---------------------------------------------------------------------------------


def load_careers(path: Path | str | None, known_codes: set[str] | None) -> list[Career]:
    """Read and check a careers config. known_codes: the SOC codes and OOH profile slugs the warehouse
    holds (None skips that check). Raises CareersConfigError naming the file, the line and the problem."""
    path = Path(path) if path is not None else default_careers_path()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CareersConfigError(path, None, f"cannot read the careers config ({exc.strerror or exc})") from None
    except UnicodeDecodeError as exc:
        raise CareersConfigError(path, None, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    return parse_careers(text, known_codes, name=str(path))


def parse_careers(text: str, known_codes: set[str] | None, *, name: str = "<careers>") -> list[Career]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        line = int(match[1]) if match else getattr(exc, "lineno", None)
        raise CareersConfigError(name, line, f"not valid TOML: {message}") from None
    return _Checker(name, text, known_codes).careers(data)


class _Checker:
    def __init__(self, name: str, text: str, known: set[str] | None):
        self.name, self.known = name, known
        self.where = _Locator(text)

    def fail(self, path: tuple, message: str):
        raise CareersConfigError(self.name, self.where.line(*path), message)

    def careers(self, data: dict[str, Any]) -> list[Career]:
        for key in data:
            if key != "career":
                self.fail((key,), f"unknown top-level key {key!r}: a careers config holds only [[career]] tables")
        entries = data.get("career", [])
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            self.fail(("career",), "'career' must be an array of tables: write each career under [[career]]")
        careers: list[Career] = []
        names: dict[str, int] = {}
        slugs: dict[str, int] = {}
        for index, entry in enumerate(entries):
            career = self.career(index, entry)
            label = career.name.casefold()
            if label in names:
                self.fail(
                    ("career", index, "name"),
                    f"duplicate career {career.name!r} (also career {names[label] + 1}, line {self.where.line('career', names[label])})",
                )
            if career.slug in slugs:
                self.fail(
                    ("career", index),
                    f"career {career.name!r} has the same file name {career.slug!r} as career {slugs[career.slug] + 1}; set a distinct slug",
                )
            names[label], slugs[career.slug] = index, index
            careers.append(career)
        return careers

    def career(self, index: int, entry: dict[str, Any]) -> Career:
        at = ("career", index)
        for key in entry:
            if key not in CAREER_KEYS:
                self.fail(
                    at + (key,), f"career {index + 1}: unknown key {key!r} (expected one of {', '.join(CAREER_KEYS)})"
                )
        name = self.text(at, entry, "name", required=True, what=f"career {index + 1}")
        label = f"career {name!r}"
        plural = self.text(at, entry, "plural", what=label) or english_plural(name)
        codes = self.codes(at, entry, label)
        ooh = self.text(at, entry, "ooh", what=label)
        if ooh is not None and self.known is not None and ooh not in self.known:
            self.fail(at + ("ooh",), f"{label}: unknown OOH profile {ooh!r} (not in the warehouse's OOH edition)")
        if not codes and ooh is None:
            self.fail(at, f"{label}: missing field 'soc' (the SOC code it stands for) or 'ooh' (an OOH profile slug)")
        slug = self.text(at, entry, "slug", what=label)
        if slug is None:
            slug = slugify(name, fallback=f"career-{index + 1}")
        elif not SLUG_PATTERN.match(slug):
            self.fail(
                at + ("slug",),
                f"{label}: slug {slug!r} is not a safe file name (lower-case letters, digits and hyphens)",
            )
        alternatives = self.alternatives(at, entry, label, codes)
        overrides = self.overrides(at, entry.get("overrides"), label)
        return Career(name, plural, codes, ooh, slug, alternatives, overrides, self.where.line(*at))

    def text(self, at: tuple, table: dict, key: str, *, what: str, required: bool = False) -> str | None:
        value = table.get(key)
        if value is None:
            if required:
                self.fail(at, f"{what}: missing field {key!r}")
            return None
        if not isinstance(value, str):
            self.fail(at + (key,), f"{what}: {key!r} must be a string, got {type(value).__name__} {value!r}")
        if not value.strip():
            self.fail(at + (key,), f"{what}: {key!r} is empty")
        return value.strip()

    def code(self, at: tuple, key: str, value: Any, label: str) -> str:
        if not isinstance(value, str) or not SOC_PATTERN.match(value.strip()):
            self.fail(at + (key,), f"{label}: {value!r} is not a SOC code (expected NN-NNNN, e.g. 29-2072)")
        value = value.strip()
        if self.known is not None and value not in self.known:
            self.fail(at + (key,), f"{label}: unknown SOC code {value} (not in the warehouse's EP or OEWS release)")
        return value

    def codes(self, at: tuple, entry: dict, label: str) -> tuple[str, ...]:
        raw = entry.get("soc")
        if raw is None:
            return ()
        values = raw if isinstance(raw, list) else [raw]
        if not values:
            self.fail(at + ("soc",), f"{label}: 'soc' is an empty list")
        codes: list[str] = []
        for value in values:
            code = self.code(at, "soc", value, label)
            if code in codes:
                self.fail(at + ("soc",), f"{label}: SOC code {code} is listed twice")
            codes.append(code)
        return tuple(codes)

    def alternatives(self, at: tuple, entry: dict, label: str, own: tuple[str, ...]) -> tuple[Alternative, ...]:
        raw = entry.get("alternative", [])
        if not isinstance(raw, list) or not all(isinstance(a, dict) for a in raw):
            self.fail(
                at + ("alternative",), f"{label}: 'alternative' must be tables: write each under [[career.alternative]]"
            )
        out: list[Alternative] = []
        for j, alt in enumerate(raw):
            where = at + ("alternative", j)
            for key in alt:
                if key not in ALTERNATIVE_KEYS:
                    self.fail(
                        where + (key,),
                        f"{label}, alternative {j + 1}: unknown key {key!r} (expected one of {', '.join(ALTERNATIVE_KEYS)})",
                    )
            name = self.text(where, alt, "name", required=True, what=f"{label}, alternative {j + 1}")
            what = f"{label}, alternative {name!r}"
            if "soc" not in alt:
                self.fail(where, f"{what}: missing field 'soc'")
            code = self.code(where, "soc", alt["soc"], what)
            if code in own:
                self.fail(where + ("soc",), f"{what}: {code} is the career's own SOC code, not an alternative")
            for other in out:
                if other.name.casefold() == name.casefold():
                    self.fail(where + ("name",), f"{what}: duplicate alternative (also on line {other.line})")
                if other.soc == code:
                    self.fail(
                        where + ("soc",),
                        f"{what}: SOC code {code} is already the alternative {other.name!r} (line {other.line})",
                    )
            description = self.text(where, alt, "description", what=what)
            out.append(Alternative(name, code, description, self.where.line(*where)))
        return tuple(out)

    def overrides(self, at: tuple, raw: Any, label: str) -> Overrides:
        if raw is None:
            return Overrides()
        where = at + ("overrides",)
        if not isinstance(raw, dict):
            self.fail(where, f"{label}: 'overrides' must be a table ([career.overrides])")
        values: dict[str, Any] = {}
        for key, value in raw.items():
            if key not in OVERRIDE_KEYS:
                self.fail(
                    where + (key,), f"{label}: unknown override {key!r} (expected one of {', '.join(OVERRIDE_KEYS)})"
                )
            if key == "skills":
                items = [value] if isinstance(value, str) else value
                if not isinstance(items, list) or not items or not all(isinstance(s, str) and s.strip() for s in items):
                    self.fail(
                        where + (key,), f"{label}: override 'skills' must be a non-empty list of non-empty strings"
                    )
                if len({s.strip().casefold() for s in items}) != len(items):
                    self.fail(where + (key,), f"{label}: override 'skills' lists a skill twice")
                values[key] = tuple(s.strip() for s in items)
            else:
                values[key] = self.text(where, raw, key, what=f"{label}, override")
        return Overrides(**values)
