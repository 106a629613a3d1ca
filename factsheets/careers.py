"""The careers config: the curated careers a publisher lists, in TOML, checked before a run fetches.

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

`load_careers_config(path)` parses with tomllib and checks the shape with pydantic models; every
problem is a CareersConfigError `file:line: what was expected`. Whether the codes exist is a
question for the warehouse, asked at publish time (`unknown_names`): a career naming a code no
loaded release holds is held back there, not rejected here.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

SOC_PATTERN = re.compile(r"^\d{2}-\d{4}$")
SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?$")

CAREER_KEYS = ("name", "plural", "soc", "ooh", "slug", "overrides", "alternative")
ALTERNATIVE_KEYS = ("name", "soc", "description")
OVERRIDE_KEYS = ("definition", "education", "skills", "required_education", "skills_required")

Text = Annotated[str, StringConstraints(strict=True, strip_whitespace=True, min_length=1)]


class CareersConfigError(ValueError):
    """A careers config that cannot be used; names the file, the line and what is wrong."""

    def __init__(self, path: Path | str, line: int | None, message: str):
        self.path, self.line, self.message = str(path), line, message
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {message}")


def _soc_code(value: Any) -> str:
    if not isinstance(value, str) or not SOC_PATTERN.match(value.strip()):
        raise ValueError(f"{value!r} is not a SOC code (expected NN-NNNN, e.g. 29-2072)")
    return value.strip()


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Overrides(_Strict):
    definition: Text | None = None
    education: Text | None = None
    skills: tuple[str, ...] | None = None
    required_education: Text | None = None
    skills_required: Text | None = None

    @field_validator("skills", mode="before")
    @classmethod
    def _skills(cls, value: Any) -> Any:
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not items or not all(isinstance(s, str) and s.strip() for s in items):
            raise ValueError("override 'skills' must be a non-empty list of non-empty strings")
        if len({s.strip().casefold() for s in items}) != len(items):
            raise ValueError("override 'skills' lists a skill twice")
        return tuple(s.strip() for s in items)


class Alternative(_Strict):
    name: Text
    soc: str
    description: Text | None = None

    @field_validator("soc", mode="before")
    @classmethod
    def _soc(cls, value: Any) -> str:
        return _soc_code(value)


class Career(_Strict):
    name: Text
    plural: Text = ""  # "" until the validator fills in an English plural of name
    soc_codes: tuple[str, ...] = Field(default=(), alias="soc")
    ooh: Text | None = None
    slug: str = ""  # "" until the validator fills in one from name
    overrides: Overrides = Overrides()
    alternatives: tuple[Alternative, ...] = Field(default=(), alias="alternative")

    @field_validator("soc_codes", mode="before")
    @classmethod
    def _codes(cls, value: Any) -> tuple[str, ...]:
        values = value if isinstance(value, list) else [value]
        if not values:
            raise ValueError("'soc' is an empty list")
        codes = [_soc_code(v) for v in values]
        for code in codes:
            if codes.count(code) > 1:
                raise ValueError(f"SOC code {code} is listed twice")
        return tuple(codes)

    @field_validator("slug", mode="before")
    @classmethod
    def _slug(cls, value: Any) -> Any:
        if not isinstance(value, str) or not SLUG_PATTERN.match(value):
            raise ValueError(f"slug {value!r} is not a safe file name (lower-case letters, digits and hyphens)")
        return value

    @model_validator(mode="after")
    def _defaults(self) -> Career:
        if not self.soc_codes and self.ooh is None:
            raise ValueError("missing field 'soc' (the SOC code it stands for) or 'ooh' (an OOH profile slug)")
        # Frozen: derived defaults are filled in once, here.
        object.__setattr__(self, "plural", self.plural or english_plural(self.name))
        object.__setattr__(self, "slug", self.slug or slugify(self.name, fallback="career"))
        return self

    @property
    def primary_soc(self) -> str | None:
        return self.soc_codes[0] if self.soc_codes else None


class CareersConfig(_Strict):
    careers: tuple[Career, ...] = Field(default=(), alias="career")
    _path: str = PrivateAttr(default="<careers>")
    _text: str = PrivateAttr(default="")

    @property
    def path(self) -> str:
        return self._path

    def line(self, *path: str | int) -> int | None:
        """The line of the table or key at `path`, e.g. line('career', 0, 'alternative', 1)."""
        return _locator(self._text).line(path)


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


# ---- where a key is: tomllib says what, not where --------------------------------------------


class _Locator:
    """Line numbers of the tables and keys of a TOML text, found by tomllib itself: a table or key is
    on the first line whose prefix of the text parses and holds it (for a key whose value spans
    lines, walked back to its `key =` line). Only asked on an error or a held-back career."""

    def __init__(self, text: str):
        self.lines = text.splitlines()

    @cached_property
    def _prefixes(self) -> list[tuple[int, dict[str, Any]]]:
        parsed = []
        for end in range(1, len(self.lines) + 1):
            try:
                parsed.append((end, tomllib.loads("\n".join(self.lines[:end]))))
            except tomllib.TOMLDecodeError:
                continue  # cut inside a value spanning lines
        return parsed

    def line(self, path: tuple[str | int, ...]) -> int | None:
        """The line of path, or of its deepest part that is in the text (a missing key: its table)."""
        for depth in range(len(path), 0, -1):
            start = 0
            for end, data in self._prefixes:
                if _holds(data, path[:depth]):
                    return self._key_line(start, end, path[depth - 1])
                start = end
        return None

    def _key_line(self, start: int, end: int, key: str | int) -> int:
        if isinstance(key, int):
            return end
        name = rf"""(?:"{re.escape(key)}"|'{re.escape(key)}'|{re.escape(key)})"""
        here = re.compile(rf"^\s*(?:{name}\s*[=.]|\[\[?(?:[^\]]*[.\s])?{name}\s*\])")
        for number in range(end, start, -1):
            if here.match(self.lines[number - 1]):
                return number
        return end


def _holds(data: Any, path: tuple[str | int, ...]) -> bool:
    for part in path:
        if isinstance(part, int):
            if not isinstance(data, list) or part >= len(data):
                return False
        elif not isinstance(data, dict) or part not in data:
            return False
        data = data[part]
    return True


_locators: dict[str, _Locator] = {}


def _locator(text: str) -> _Locator:
    if text not in _locators:
        _locators.clear()  # one config at a time is all a run reads
        _locators[text] = _Locator(text)
    return _locators[text]


# ---- loading ---------------------------------------------------------------------------------


def load_careers_config(path: Path | str | None = None) -> CareersConfig:
    """Read and check a careers config (None: the shipped one). Raises CareersConfigError naming the
    file, the line and what was expected. Codes are not checked here (see unknown_names)."""
    path = Path(path) if path is not None else default_careers_path()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CareersConfigError(path, None, f"cannot read the careers config ({exc.strerror or exc})") from None
    except UnicodeDecodeError as exc:
        raise CareersConfigError(path, None, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    return parse_careers_config(text, name=str(path))


def parse_careers_config(text: str, *, name: str = "<careers>") -> CareersConfig:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise CareersConfigError(name, int(match[1]) if match else None, f"not valid TOML: {message}") from None
    try:
        config = CareersConfig.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        more = f" (and {len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
        line = _locator(text).line(tuple(errors[0]["loc"]))
        raise CareersConfigError(name, line, _explain(errors[0], data) + more) from None
    config._path, config._text = name, text
    _check_across(config)
    return config


def _where(data: dict[str, Any], loc: tuple) -> str:
    """'career 3', "career 'X'", "career 'X', alternative 2" for the entry at loc."""
    if len(loc) < 2 or loc[0] != "career" or not isinstance(loc[1], int):
        return "careers config"
    entry = (data.get("career") or [{}])[loc[1]] if isinstance(data.get("career"), list) else {}
    name = entry.get("name") if isinstance(entry, dict) else None
    label = f"career {name.strip()!r}" if isinstance(name, str) and name.strip() else f"career {loc[1] + 1}"
    if len(loc) >= 4 and loc[2] == "alternative" and isinstance(loc[3], int):
        label += f", alternative {loc[3] + 1}"
    return label


def _explain(error: Any, data: dict[str, Any]) -> str:
    loc = tuple(error["loc"])
    key = next((part for part in reversed(loc) if isinstance(part, str)), "career")
    where, kind = _where(data, loc), error["type"]
    if loc == ("career",) or (len(loc) == 2 and kind in ("model_type", "dict_type")):
        return "'career' must be an array of tables: write each career under [[career]]"
    if kind == "missing":
        return f"{where}: missing field {key!r}"
    if kind == "extra_forbidden":
        if len(loc) == 1:
            return f"unknown top-level key {key!r}: a careers config holds only [[career]] tables"
        what, keys = {4: ("override", OVERRIDE_KEYS), 5: ("key", ALTERNATIVE_KEYS)}.get(len(loc), ("key", CAREER_KEYS))
        return f"{where}: unknown {what} {key!r} (expected one of {', '.join(keys)})"
    if kind == "string_type":
        value = error.get("input")
        return f"{where}: {key!r} must be a string, got {type(value).__name__} {value!r}"
    if kind == "string_too_short":
        return f"{where}: {key!r} is empty"
    if key == "alternative" and kind in ("tuple_type", "list_type", "model_type", "dict_type"):
        return f"{where}: 'alternative' must be tables: write each under [[career.alternative]]"
    if key == "overrides" and kind in ("model_type", "dict_type"):
        return f"{where}: 'overrides' must be a table ([career.overrides])"
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{where}: {message}" if kind == "value_error" else f"{where}: {key!r}: {message}"


def _check_across(config: CareersConfig) -> None:
    """What one entry cannot see: duplicate careers, file names and alternatives."""

    def fail(path: tuple[str | int, ...], message: str) -> None:
        raise CareersConfigError(config.path, config.line(*path), message)

    names: dict[str, int] = {}
    slugs: dict[str, int] = {}
    for i, career in enumerate(config.careers):
        label = f"career {career.name!r}"
        other = names.setdefault(career.name.casefold(), i)
        if other != i:
            fail(
                ("career", i, "name"),
                f"duplicate career {career.name!r} (also career {other + 1}, line {config.line('career', other)})",
            )
        other = slugs.setdefault(career.slug, i)
        if other != i:
            fail(
                ("career", i),
                f"{label} has the same file name {career.slug!r} as career {other + 1}; set a distinct slug",
            )
        for j, alt in enumerate(career.alternatives):
            what = f"{label}, alternative {alt.name!r}"
            if alt.soc in career.soc_codes:
                fail(
                    ("career", i, "alternative", j, "soc"),
                    f"{what}: {alt.soc} is the career's own SOC code, not an alternative",
                )
            for k, before in enumerate(career.alternatives[:j]):
                line = config.line("career", i, "alternative", k)
                if before.name.casefold() == alt.name.casefold():
                    fail(
                        ("career", i, "alternative", j, "name"), f"{what}: duplicate alternative (also on line {line})"
                    )
                if before.soc == alt.soc:
                    fail(
                        ("career", i, "alternative", j, "soc"),
                        f"{what}: SOC code {alt.soc} is already the alternative {before.name!r} (line {line})",
                    )


def unknown_names(
    career: Career, known_codes: Collection[str], known_profiles: Collection[str]
) -> list[tuple[tuple[str | int, ...], str]]:
    """What a career names that no loaded release holds: (where in the career's table, what), e.g.
    (('soc',), 'SOC code 29-9999'); [] when everything is there."""
    missing: list[tuple[tuple[str | int, ...], str]] = [
        (("soc",), f"SOC code {code}") for code in career.soc_codes if code not in known_codes
    ]
    if career.ooh is not None and career.ooh not in known_profiles:
        missing.append((("ooh",), f"OOH profile {career.ooh!r}"))
    missing += [
        (("alternative", j, "soc"), f"SOC code {alt.soc} (alternative {alt.name!r})")
        for j, alt in enumerate(career.alternatives)
        if alt.soc not in known_codes
    ]
    return missing


@dataclass(frozen=True)
class HeldBackCareer:
    """A career of the config naming codes no loaded release holds: not published this run (its
    published sheet, if any, stays as it was)."""

    name: str
    slug: str
    where: str  # 'careers.toml:8'
    missing: tuple[str, ...]  # 'SOC code 29-9999', "OOH profile 'x'"

    @property
    def reason(self) -> str:
        return (
            f"{self.where}: career {self.name!r} names {', '.join(self.missing)}, which no loaded release holds; "
            "held back (its published sheet, if any, is kept)"
        )


def split_careers(
    config: CareersConfig, known_codes: Collection[str], known_profiles: Collection[str]
) -> tuple[list[Career], list[HeldBackCareer]]:
    """The careers whose codes the loaded releases hold, and the others (held back, with why)."""
    usable, held = [], []
    for index, career in enumerate(config.careers):
        missing = unknown_names(career, known_codes, known_profiles)
        if not missing:
            usable.append(career)
            continue
        where = f"{config.path}:{config.line('career', index, *missing[0][0])}"
        held.append(HeldBackCareer(career.name, career.slug, where, tuple(what for _, what in missing)))
    return usable, held


__all__ = [
    "Alternative",
    "Career",
    "CareersConfig",
    "CareersConfigError",
    "HeldBackCareer",
    "Overrides",
    "default_careers_path",
    "english_plural",
    "load_careers_config",
    "parse_careers_config",
    "slugify",
    "split_careers",
    "unknown_names",
]
