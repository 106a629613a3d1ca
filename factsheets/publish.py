"""Publish the fact sheets: build them from the warehouse, rewrite only those whose content changed,
hold back any that would lose a required figure (or whose career names a code no release holds),
log what moved, and switch the folder to the new set at once (factsheets.versions).

Files in the published folder (a symlink to its current version):
* `<slug>.md`, `<slug>.html`, `<slug>.json` per sheet (the formats asked for);
* `.sheets-state.json`: per sheet its content hash, render hash, the date its content last changed
  and the value of every field (long texts as an excerpt plus a hash) — what the next run diffs —
  and the releases the whole set was built from (what `sheets_behind` compares with the warehouse);
* `changelog/<run>.jsonl` and `changelog/<run>.md` for a run that changed, created, held back or
  withdrew a sheet; `changelog/latest.md` always describes the newest run.

A sheet's date is the day its content last changed: an unchanged sheet keeps its bytes and mtime
(its file is a hard link to the previous version's). Changed templates re-render every sheet with
its stored date (no changelog entry: nothing moved). The content hash is computed from
Sheet.fields(), the same values the changelog compares, so a rewritten sheet always has changelog
entries. Provenance (fetched-at, sha256) is not part of the content.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb

from factsheets.careers import Career, CareersConfig, load_careers_config, unknown_names
from factsheets.changelog import (
    CHANGELOG_DIR,
    ChangeEntry,
    changelog_jsonl,
    changelog_markdown,
    nothing_changed_markdown,
    run_name,
)
from factsheets.figures import PROGRAM_SHORT
from factsheets.model import Sheet, build_sheets
from factsheets.render import FORMATS, long_date, render, templates_hash
from factsheets.versions import Hook, SheetsPublishError, VersionBuild, VersionedFolder, version_name
from warehouse.sheet_queries import SheetFacts, releases, sheet_facts

log = logging.getLogger(__name__)

STATE_FILE = ".sheets-state.json"
STATE_VERSION = 1
REQUIRED = {"median_salary": "Median Salary", "outlook": "Career Outlook"}
EXCERPT = 80


class SheetSelectionError(ValueError):
    """--career/--soc named nothing the warehouse and the careers config have."""


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


@dataclass
class PublishResult:
    written: list[str] = field(default_factory=list)  # slugs rewritten (content changed, new, or re-rendered)
    unchanged: int = 0
    held_back: list[tuple[str, str]] = field(default_factory=list)  # (slug, reason): the published version stays
    careers_held_back: list[HeldBackCareer] = field(default_factory=list)  # also in held_back, by slug
    changelog_path: Path | None = None  # this run's Markdown changelog (or changelog/latest.md when nothing moved)
    directory: Path | None = None  # the published folder (a symlink to `version`)
    version: Path | None = None  # the version folder this run published
    changes: list[ChangeEntry] = field(default_factory=list)
    sheets: int = 0  # sheets considered in this run
    run_id: str | None = None  # this run's changelog name
    built_from: dict[str, dict[str, Any]] = field(default_factory=dict)  # source -> release_id, sha256, rows


def normalize_formats(formats: Iterable[str] | str) -> tuple[str, ...]:
    if isinstance(formats, str):
        formats = [f.strip() for f in formats.split(",")]
    chosen = []
    for fmt in formats:
        fmt = fmt.strip().lower()
        if not fmt:
            continue
        if fmt not in FORMATS:
            raise ValueError(f"unknown sheet format {fmt!r}; choose from {', '.join(FORMATS)}")
        if fmt not in chosen:
            chosen.append(fmt)
    if not chosen:
        raise ValueError(f"no sheet format given; choose from {', '.join(FORMATS)}")
    return tuple(f for f in FORMATS if f in chosen)


def publish_sheets(
    con: duckdb.DuckDBPyConnection,
    *,
    out_dir: Path,
    refreshed_on: date,
    careers_config: CareersConfig | Path | str | None = None,
    formats: Iterable[str] = FORMATS,
    as_of: int | None = None,
    only: list[str] | None = None,
    run_id: str | None = None,
    now: datetime | None = None,
    on_step: Hook | None = None,
) -> PublishResult:
    """Render the sheets from the warehouse (never fetches) and publish them into out_dir at once.

    careers_config: a loaded CareersConfig, a path, or None for the shipped factsheets/careers.toml.
    `only` restricts the run to the sheets matching any selector ('career:NAME', 'soc:CODE',
    'slug:SLUG', or a bare slug, code, career name or title; case-insensitive); the other sheets are
    left as they were. run_id names the new version folder; now (UTC) stamps it and the changelog;
    on_step(step) is called before each publishing step (tests fail a publish at each one).

    Raises CareersConfigError (a config path that does not check), SheetSelectionError (a selector
    matching no sheet), SheetsPublishError (disk full, read-only, no permission: the published set is
    unchanged) and SheetSchemaMissing (a warehouse without the sheet macros)."""
    formats = normalize_formats(formats)
    config = careers_config if isinstance(careers_config, CareersConfig) else load_careers_config(careers_config)
    directory = Path(out_dir)
    result = PublishResult(directory=directory)
    facts = sheet_facts(con, as_of)
    if not facts.releases:
        return result
    careers, held = split_careers(config, facts)
    sheets = build_sheets(facts, careers)
    if only:
        sheets, held = select(sheets, held, only)
    result.sheets = len(sheets)
    if not only:
        result.built_from = release_marks(facts.releases)
    now = now or datetime.now(UTC)
    folder = VersionedFolder(directory, hook=on_step)
    with folder.publishing(version_name(now, run_id)) as build:
        publisher = _Publisher(build, refreshed_on, formats, result, partial=bool(only), hook=folder.hook)
        publisher.run(sheets, held, state_marks={"as_of": as_of, "careers": careers_digest(config)}, now=now)
    result.version = build.staging
    if result.changelog_path is not None:  # relative to the folder until it is published
        result.changelog_path = directory / result.changelog_path
    for career in result.careers_held_back:
        log.warning("%s", career.reason)
    return result


def split_careers(config: CareersConfig, facts: SheetFacts) -> tuple[list[Career], list[HeldBackCareer]]:
    """The careers whose codes the loaded releases hold, and the others (held back, with why)."""
    usable, held = [], []
    for index, career in enumerate(config.careers):
        missing = unknown_names(career, facts.known_codes, facts.profiles)
        if not missing:
            usable.append(career)
            continue
        where = f"{config.path}:{config.line('career', index, *missing[0][0])}"
        held.append(HeldBackCareer(career.name, career.slug, where, tuple(what for _, what in missing)))
    return usable, held


def careers_digest(config: CareersConfig) -> str:
    return hashlib.sha256(config.model_dump_json().encode()).hexdigest()


def release_marks(rels: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """What identifies the content of each release a set of sheets is built from: its id, the sha256
    of its raw bytes and the rows loaded (not when it was loaded: a rerun of a night must publish
    the same files as the night would have)."""
    return {
        source: {"release_id": row["release_id"], "sha256": row.get("archive_sha256"), "rows": row.get("rows_loaded")}
        for source, row in sorted(rels.items())
    }


def _matches(sheet: Sheet, how: str, key: str) -> bool:
    if how in ("", "slug") and key == sheet.slug:
        return True
    if how in ("", "soc") and (
        key == (sheet.soc_code or "").casefold() or key in (c.casefold() for c in sheet.soc_codes)
    ):
        return True
    if how == "career":
        return sheet.kind == "career" and key == (sheet.career_name or "").casefold()
    return how == "" and key in (sheet.title.casefold(), (sheet.career_name or "").casefold())


def select(
    sheets: list[Sheet], held: list[HeldBackCareer], only: list[str]
) -> tuple[list[Sheet], list[HeldBackCareer]]:
    """Selectors: 'career:NAME', 'soc:CODE', 'slug:SLUG', or a bare value matching any of them or a
    title. A held-back career matches by its name or slug (it is reported, not published)."""
    chosen: dict[str, Sheet] = {}
    chosen_held: dict[str, HeldBackCareer] = {}
    for selector in only:
        how, _, value = (
            selector.partition(":") if selector.split(":", 1)[0] in ("career", "soc", "slug") else ("", "", selector)
        )
        key = value.strip().casefold()
        matched = [s for s in sheets if _matches(s, how, key)]
        matched_held = [c for c in held if how in ("", "career", "slug") and key in (c.name.casefold(), c.slug)]
        if not matched and not matched_held:
            kind = {
                "career": "career in the careers config",
                "soc": "SOC code in the warehouse's releases",
                "slug": "sheet slug",
            }.get(how, "slug, SOC code or career")
            raise SheetSelectionError(f"no sheet matches {value.strip()!r}: not a {kind}")
        chosen.update((s.slug, s) for s in matched)
        chosen_held.update((c.slug, c) for c in matched_held)
    return list(chosen.values()), list(chosen_held.values())


def content_hash(sheet: Sheet, fields: dict[str, tuple[str, str]]) -> str:
    payload = {"slug": sheet.slug, "kind": sheet.kind, "fields": {k: v[0] for k, v in fields.items()}}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def short_value(text: str) -> str:
    """What the state keeps and the changelog shows for a field: short values as they are, long texts
    as an excerpt and a hash of the whole (so any change in the text still shows)."""
    if len(text) <= 2 * EXCERPT and "\n" not in text:
        return text
    digest = hashlib.sha256(text.encode()).hexdigest()[:12]
    excerpt = " ".join(text.split())[:EXCERPT].rstrip()
    return f"{excerpt}… [{len(text)} chars, sha256 {digest}]"


def read_state(data: bytes | None) -> dict[str, Any] | None:
    """A published set's state, or None when absent, unreadable or of another version (an
    unreadable state only costs a full rewrite: every sheet is then treated as new)."""
    if data is None:
        return None
    try:
        state = json.loads(data)
    except ValueError:
        return None
    if (
        not isinstance(state, dict)
        or state.get("version") != STATE_VERSION
        or not isinstance(state.get("sheets"), dict)
    ):
        return None
    return state


def sheets_behind(
    con: duckdb.DuckDBPyConnection, sheets_dir: Path, *, careers_config: CareersConfig | None = None
) -> str | None:
    """Why the published sheets in sheets_dir are not what the warehouse would publish now (None when
    they are): a publish that failed or was skipped after a load, a reloaded release, changed
    templates, or (when given) a changed careers config. The flow republishes when this says so,
    also on a night BLS published nothing new."""
    loaded = releases(con)
    if not loaded:
        return None  # nothing to publish from
    try:
        state = read_state((Path(sheets_dir) / STATE_FILE).read_bytes())
    except FileNotFoundError:
        return f"no sheets are published in {sheets_dir} yet"
    except OSError as exc:
        return f"the published sheets' state cannot be read ({exc.strerror or exc})"
    if state is None or not state.get("built_from"):
        return "the published sheets do not record the releases they were built from (an older or partial publish)"
    now = release_marks(releases(con, state.get("as_of")))
    reasons = []
    for source in sorted(set(now) | set(state["built_from"])):
        was, is_ = state["built_from"].get(source), now.get(source)
        name = PROGRAM_SHORT.get(source, source)
        if was is None:
            reasons.append(f"{name} {is_['release_id']} is loaded but not in the sheets")  # type: ignore[index]
        elif is_ is None:
            reasons.append(f"the sheets show {name} {was['release_id']}, which is no longer loaded")
        elif was["release_id"] != is_["release_id"]:
            reasons.append(f"the sheets show {name} {was['release_id']}, the warehouse holds {is_['release_id']}")
        elif was != is_:
            reasons.append(f"{name} {is_['release_id']} was loaded again from other bytes after the sheets were built")
    if state.get("templates") != templates_hash():
        reasons.append("the sheet templates changed")
    if careers_config is not None and state.get("careers") != careers_digest(careers_config):
        reasons.append("the careers config changed")
    return "; ".join(reasons) or None


class _Publisher:
    def __init__(
        self,
        build: VersionBuild,
        refreshed_on: date,
        formats: tuple[str, ...],
        result: PublishResult,
        *,
        partial: bool,
        hook: Hook,
    ):
        self.build, self.refreshed_on, self.formats, self.result = build, refreshed_on, formats, result
        self.partial, self.hook = partial, hook
        self.render_hash = hashlib.sha256(f"{templates_hash()}|{','.join(formats)}".encode()).hexdigest()
        self.state = read_state(build.read(STATE_FILE)) or {"version": STATE_VERSION, "sheets": {}}
        self.rerendered = 0

    def run(
        self, sheets: list[Sheet], held: list[HeldBackCareer], *, state_marks: dict[str, Any], now: datetime
    ) -> None:
        entries = self.result.changes
        seen = {career.slug for career in held}  # a held-back career is not withdrawn
        self.hook("render")
        for sheet in sheets:
            seen.add(sheet.slug)
            self._one(sheet, entries)
        for career in held:
            self._hold_back_career(career, entries)
        if not self.partial:
            self._withdraw_unseen(seen, entries)
            self.state.update(built_from=self.result.built_from, templates=templates_hash(), **state_marks)
        self.hook("state")
        self._save_state()
        self.hook("changelog")
        self._write_changelog(now)

    def _withdraw_unseen(self, seen: set[str], entries: list[ChangeEntry]) -> None:
        for slug, prev in self.state["sheets"].items():
            if slug not in seen and not prev.get("withdrawn"):
                prev["withdrawn"] = True
                reason = "no longer in the warehouse's releases (files left in place)"
                entries.append(
                    ChangeEntry(slug, prev.get("title", slug), "withdrawn", "sheet", "published", reason, "-")
                )

    def _hold_back_career(self, career: HeldBackCareer, entries: list[ChangeEntry]) -> None:
        self.result.careers_held_back.append(career)
        self.result.held_back.append((career.slug, career.reason))
        prev = self.state["sheets"].get(career.slug)
        published = "published" if prev and not prev.get("withdrawn") else None
        entries.append(
            ChangeEntry(career.slug, career.name, "held_back", "career", published, career.reason, "careers config")
        )

    def _one(self, sheet: Sheet, entries: list[ChangeEntry]) -> None:
        fields = sheet.fields()
        digest = content_hash(sheet, fields)
        prev = self.state["sheets"].get(sheet.slug)
        if prev and prev.get("content_hash") == digest and not prev.get("withdrawn"):
            names = [f"{sheet.slug}.{fmt}" for fmt in self.formats]
            if prev.get("render_hash") == self.render_hash and all((self.build.staging / n).exists() for n in names):
                self.result.unchanged += 1
                return
            if self._write(sheet, date.fromisoformat(prev["refreshed_on"])):
                self.result.written.append(sheet.slug)
                self.rerendered += 1
            else:
                self.result.unchanged += 1
            prev["render_hash"] = self.render_hash
            return
        if prev and self._held_back(sheet, prev, fields, entries):
            return
        short = {name: short_value(value) for name, (value, _) in fields.items()}
        releases = {name: release for name, (_, release) in fields.items()}
        if prev and not prev.get("withdrawn"):
            old = prev.get("fields", {})
            for name in list(short) + [n for n in old if n not in short]:
                if old.get(name) != short.get(name):
                    release = releases.get(name) or prev.get("releases", {}).get(name, "-")
                    entries.append(
                        ChangeEntry(sheet.slug, sheet.heading, "changed", name, old.get(name), short.get(name), release)
                    )
        else:
            labels = "; ".join(sorted({p.label for p in sheet.releases.values()}))
            entries.append(ChangeEntry(sheet.slug, sheet.heading, "created", "sheet", None, sheet.heading, labels))
        for fmt, text in render(sheet, self.refreshed_on, self.formats).items():
            self.build.put(f"{sheet.slug}.{fmt}", text.encode("utf-8"))
        self.result.written.append(sheet.slug)
        self.state["sheets"][sheet.slug] = {
            "title": sheet.heading,
            "kind": sheet.kind,
            "soc_code": sheet.soc_code,
            "content_hash": digest,
            "render_hash": self.render_hash,
            "refreshed_on": self.refreshed_on.isoformat(),
            "formats": list(self.formats),
            "required": {name: name not in sheet.required_missing for name in REQUIRED},
            "fields": short,
            "releases": releases,
        }

    def _held_back(
        self, sheet: Sheet, prev: dict[str, Any], fields: dict[str, tuple[str, str]], entries: list[ChangeEntry]
    ) -> bool:
        """A published sheet that would lose a required figure keeps its published version."""
        lost = [name for name in sheet.required_missing if prev.get("required", {}).get(name)]
        if not lost:
            return False
        reason = "; ".join(
            f"would lose {REQUIRED[name]} (published {prev['fields'].get(name)!r}, now {fields[name][0]!r})"
            for name in lost
        )
        self.result.held_back.append((sheet.slug, reason + "; the published sheet is kept"))
        for name in lost:
            entries.append(
                ChangeEntry(sheet.slug, sheet.heading, "held_back", name, prev["fields"].get(name), *fields[name])
            )
        return True

    def _write(self, sheet: Sheet, day: date) -> bool:
        wrote = False
        for fmt, text in render(sheet, day, self.formats).items():
            wrote |= self.build.write(f"{sheet.slug}.{fmt}", text.encode("utf-8"))
        return wrote

    def _save_state(self) -> None:
        self.state["version"] = STATE_VERSION
        self.state["sheets"] = dict(sorted(self.state["sheets"].items()))
        self.build.write(STATE_FILE, (json.dumps(self.state, indent=1, ensure_ascii=False) + "\n").encode("utf-8"))

    def _write_changelog(self, now: datetime) -> None:
        folder = self.build.mkdir(CHANGELOG_DIR)
        run = run_name(f"{now:%Y%m%dT%H%M%SZ}", {p.stem for p in folder.glob("*.jsonl")})
        self.result.run_id = run
        entries = self.result.changes
        refreshed = long_date(self.refreshed_on)
        summary = (
            f"{len(self.result.written)} sheet(s) rewritten, {self.result.unchanged} unchanged, "
            f"{len(self.result.held_back)} held back"
        )
        if entries:
            self.build.write(f"{CHANGELOG_DIR}/{run}.jsonl", changelog_jsonl(run, entries).encode("utf-8"))
            markdown = changelog_markdown(run, refreshed, summary, entries)
            self.build.write(f"{CHANGELOG_DIR}/{run}.md", markdown.encode("utf-8"))
            self.result.changelog_path = Path(CHANGELOG_DIR, f"{run}.md")
            latest = markdown + f"\nThis run's files: `{run}.md`, `{run}.jsonl`.\n"
        else:
            latest = nothing_changed_markdown(run, refreshed, summary, self.rerendered)
            self.result.changelog_path = Path(CHANGELOG_DIR, "latest.md")
        self.build.write(f"{CHANGELOG_DIR}/latest.md", latest.encode("utf-8"))


__all__ = [
    "ChangeEntry",
    "HeldBackCareer",
    "PublishResult",
    "SheetSelectionError",
    "SheetsPublishError",
    "normalize_formats",
    "publish_sheets",
    "sheets_behind",
]
