"""Publish the fact sheets: build them from the warehouse, rewrite only those whose content changed,
hold back any that would lose a required figure (or whose career names a code no release holds),
log what moved, and switch the folder to the new set at once (factsheets.versions).

Files in the published folder (a symlink to its current version):
* `<slug>.md`, `<slug>.html`, `<slug>.json` per sheet (the formats asked for);
* `.sheets-state.json`: per sheet its content hash, render hash, the date its content last changed
  and the value of every field (long texts as an excerpt plus a hash) — what the next run diffs —
  and, for the whole set, the release ids it shows, the templates and what was held back
  (factsheets.state; `sheets_behind` compares it with what the warehouse would publish now);
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

from factsheets.behind import sheets_behind
from factsheets.careers import CareersConfig, HeldBackCareer, load_careers_config, split_careers
from factsheets.changelog import (
    CHANGELOG_DIR,
    ChangeEntry,
    changelog_jsonl,
    changelog_markdown,
    nothing_changed_markdown,
    run_name,
)
from factsheets.model import Sheet, build_sheets
from factsheets.render import FORMATS, long_date, render, templates_hash
from factsheets.state import REQUIRED, STATE_FILE, STATE_VERSION, content_hash, read_state, short_value, would_lose
from factsheets.versions import Hook, SheetsPublishError, VersionBuild, VersionedFolder, version_name
from warehouse.sheet_queries import sheet_facts

log = logging.getLogger(__name__)


class SheetSelectionError(ValueError):
    """--career/--soc named nothing the warehouse and the careers config have."""


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
    built_from: dict[str, str] = field(default_factory=dict)  # source -> release id the sheets show


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
    careers, held = split_careers(config, facts.known_codes, facts.profiles)
    sheets = build_sheets(facts, careers)
    if only:
        sheets, held = select(sheets, held, only)
    result.sheets = len(sheets)
    if not only:
        result.built_from = {source: row["release_id"] for source, row in sorted(facts.releases.items())}
    now = now or datetime.now(UTC)
    folder = VersionedFolder(directory, hook=on_step)
    with folder.publishing(version_name(now, run_id)) as build:
        publisher = _Publisher(build, refreshed_on, formats, result, partial=bool(only), hook=folder.hook)
        publisher.run(sheets, held, as_of=as_of, now=now)
    result.version = build.staging
    if result.changelog_path is not None:  # relative to the folder until it is published
        result.changelog_path = directory / result.changelog_path
    for career in result.careers_held_back:
        log.warning("%s", career.reason)
    return result


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

    def run(self, sheets: list[Sheet], held: list[HeldBackCareer], *, as_of: int | None, now: datetime) -> None:
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
            marks = {"built_from": self.result.built_from, "as_of": as_of, "templates": templates_hash()}
            self.state.update(marks)
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
        lost = would_lose(sheet, prev)
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
