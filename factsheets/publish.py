"""Publish the fact sheets: build them from the warehouse, rewrite only those whose content changed,
hold back any that would lose a required figure, and log what moved.

Files in out_dir:
* `<slug>.md`, `<slug>.html`, `<slug>.json` per sheet (the formats asked for);
* `.sheets-state.json`: per sheet its content hash, render hash, the date its content last changed
  and the value of every field (long texts as an excerpt plus a hash) — what the next run diffs;
* `changelog/<run>.jsonl` and `changelog/<run>.md` for a run that changed, created, held back or
  withdrew a sheet (one JSON object per line: run, sheet, title, kind, field, old, new, release);
  `changelog/latest.md` always describes the newest run and points at its files.

A sheet's date is the day its content last changed: an unchanged sheet keeps its bytes and mtime.
Changed templates re-render every sheet with its stored date (no changelog entry: nothing moved).
The content hash is computed from Sheet.fields(), the same values the changelog compares, so a
rewritten sheet always has changelog entries and a sheet without entries is never rewritten.
Provenance (fetched-at, sha256) is not part of the content: a re-fetch of identical figures does
not rewrite a sheet.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb
from filelock import FileLock

from factsheets.careers import Career, default_careers_path, load_careers
from factsheets.model import Sheet, build_sheets
from factsheets.render import FORMATS, long_date, render, templates_hash
from warehouse.sheet_queries import sheet_facts

STATE_FILE = ".sheets-state.json"
STATE_VERSION = 1
CHANGELOG_DIR = "changelog"
REQUIRED = {"median_salary": "Median Salary", "outlook": "Career Outlook"}
EXCERPT = 80


class SheetSelectionError(ValueError):
    """--career/--soc named nothing the warehouse and the careers config have."""


@dataclass(frozen=True)
class ChangeEntry:
    sheet: str
    title: str
    kind: str  # changed | created | held_back | withdrawn
    field: str
    old: str | None
    new: str | None
    release: str

    def as_json(self, run: str) -> dict[str, Any]:
        return {
            "run": run,
            "sheet": self.sheet,
            "title": self.title,
            "kind": self.kind,
            "field": self.field,
            "old": self.old,
            "new": self.new,
            "release": self.release,
        }


@dataclass
class PublishResult:
    written: list[str] = field(default_factory=list)  # slugs rewritten (content changed, new, or re-rendered)
    unchanged: int = 0
    held_back: list[tuple[str, str]] = field(default_factory=list)  # (slug, reason): the published version stays
    changelog_path: Path | None = None  # this run's Markdown changelog (or changelog/latest.md when nothing moved)
    directory: Path | None = None
    changes: list[ChangeEntry] = field(default_factory=list)
    sheets: int = 0  # sheets considered in this run
    run_id: str | None = None


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
    careers_config: Path | None = None,
    formats: Iterable[str] = FORMATS,
    as_of: int | None = None,
    only: list[str] | None = None,
) -> PublishResult:
    """Render the sheets from the warehouse (never fetches) into out_dir; see the module docstring.

    careers_config None means the shipped factsheets/careers.toml. `only` restricts the run to the
    sheets matching any selector ('career:NAME', 'soc:CODE', 'slug:SLUG', or a bare slug, code, career
    name or title; case-insensitive); the state and files of the other sheets are left as they were. Raises CareersConfigError for a bad config and
    SheetSelectionError when a selector matches no sheet."""
    formats = normalize_formats(formats)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    result = PublishResult(directory=out_dir)
    facts = sheet_facts(con, as_of)
    if not facts.releases:
        return result
    careers = load_careers(careers_config or default_careers_path(), facts.known_codes)
    sheets = build_sheets(facts, careers)
    if only:
        sheets = select(sheets, only)
    result.sheets = len(sheets)
    with FileLock(str(out_dir / ".sheets.lock")):
        _Publisher(out_dir, refreshed_on, formats, result, partial=bool(only)).run(sheets)
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


def select(sheets: list[Sheet], only: list[str]) -> list[Sheet]:
    """Selectors: 'career:NAME', 'soc:CODE', 'slug:SLUG', or a bare value matching any of them or a title."""
    chosen: dict[str, Sheet] = {}
    for selector in only:
        how, _, value = (
            selector.partition(":") if selector.split(":", 1)[0] in ("career", "soc", "slug") else ("", "", selector)
        )
        key = value.strip().casefold()
        matched = [s for s in sheets if _matches(s, how, key)]
        if not matched:
            kind = {
                "career": "career in the careers config",
                "soc": "SOC code in the warehouse's releases",
                "slug": "sheet slug",
            }.get(how, "slug, SOC code or career")
            raise SheetSelectionError(f"no sheet matches {value.strip()!r}: not a {kind}")
        for sheet in matched:
            chosen[sheet.slug] = sheet
    return list(chosen.values())


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


def _atomic_write(path: Path, data: str) -> bool:
    encoded = data.encode("utf-8")
    try:
        if path.stat().st_size == len(encoded) and path.read_bytes() == encoded:
            return False
    except FileNotFoundError:
        pass
    # A fixed temporary name is safe: publishing holds the folder's lock. os.replace is atomic, so a
    # reader sees the old file or the new one, never half of one.
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            view = memoryview(encoded)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return True


class _Publisher:
    def __init__(
        self, out_dir: Path, refreshed_on: date, formats: tuple[str, ...], result: PublishResult, *, partial: bool
    ):
        self.out_dir, self.refreshed_on, self.formats, self.result = out_dir, refreshed_on, formats, result
        self.partial = partial
        self.render_hash = hashlib.sha256(f"{templates_hash()}|{','.join(formats)}".encode()).hexdigest()
        self.state_path = out_dir / STATE_FILE
        self.state = self._load_state()
        self.rerendered = 0

    def _load_state(self) -> dict[str, Any]:
        try:
            state = json.loads(self.state_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {"version": STATE_VERSION, "sheets": {}}
        except (OSError, ValueError):
            # An unreadable state only costs a full rewrite: every sheet is treated as new.
            return {"version": STATE_VERSION, "sheets": {}}
        if state.get("version") != STATE_VERSION or not isinstance(state.get("sheets"), dict):
            return {"version": STATE_VERSION, "sheets": {}}
        return state

    def run(self, sheets: list[Sheet]) -> None:
        entries = self.result.changes
        seen = set()
        for sheet in sheets:
            seen.add(sheet.slug)
            self._one(sheet, entries)
        if not self.partial:
            for slug, prev in self.state["sheets"].items():
                if slug not in seen and not prev.get("withdrawn"):
                    prev["withdrawn"] = True
                    entries.append(
                        ChangeEntry(
                            slug,
                            prev.get("title", slug),
                            "withdrawn",
                            "sheet",
                            "published",
                            "no longer in the warehouse's releases (files left in place)",
                            "-",
                        )
                    )
        self._save_state()
        self._write_changelog()

    def _one(self, sheet: Sheet, entries: list[ChangeEntry]) -> None:
        fields = sheet.fields()
        digest = content_hash(sheet, fields)
        prev = self.state["sheets"].get(sheet.slug)
        paths = [self.out_dir / f"{sheet.slug}.{fmt}" for fmt in self.formats]
        if prev and prev.get("content_hash") == digest and not prev.get("withdrawn"):
            if prev.get("render_hash") == self.render_hash and all(p.exists() for p in paths):
                self.result.unchanged += 1
                return
            day = date.fromisoformat(prev["refreshed_on"])
            if self._write(sheet, day):
                self.result.written.append(sheet.slug)
                self.rerendered += 1
            else:
                self.result.unchanged += 1
            prev["render_hash"] = self.render_hash
            return
        if prev:
            lost = [name for name in sheet.required_missing if prev.get("required", {}).get(name)]
            if lost:
                reason = (
                    "; ".join(
                        f"would lose {REQUIRED[name]} (published {prev['fields'].get(name)!r}, now {fields[name][0]!r})"
                        for name in lost
                    )
                    + "; the published sheet is kept"
                )
                self.result.held_back.append((sheet.slug, reason))
                for name in lost:
                    entries.append(
                        ChangeEntry(
                            sheet.slug,
                            sheet.heading,
                            "held_back",
                            name,
                            prev["fields"].get(name),
                            fields[name][0],
                            fields[name][1],
                        )
                    )
                return
        short = {name: short_value(value) for name, (value, _) in fields.items()}
        releases = {name: release for name, (_, release) in fields.items()}
        if prev and not prev.get("withdrawn"):
            old = prev.get("fields", {})
            for name in list(short) + [n for n in old if n not in short]:
                if old.get(name) != short.get(name):
                    entries.append(
                        ChangeEntry(
                            sheet.slug,
                            sheet.heading,
                            "changed",
                            name,
                            old.get(name),
                            short.get(name),
                            releases.get(name) or prev.get("releases", {}).get(name, "-"),
                        )
                    )
        else:
            entries.append(
                ChangeEntry(
                    sheet.slug,
                    sheet.heading,
                    "created",
                    "sheet",
                    None,
                    sheet.heading,
                    "; ".join(sorted({p.label for p in sheet.releases.values()})),
                )
            )
        self._write(sheet, self.refreshed_on)
        self.result.written.append(sheet.slug)
        self.state["sheets"][sheet.slug] = {
            "title": sheet.heading,
            "kind": sheet.kind,
            "soc_code": sheet.soc_code,
            "content_hash": digest,
            "render_hash": self.render_hash,
            "refreshed_on": self.refreshed_on.isoformat(),
            "formats": list(self.formats),
            "required": {name: not any(name == m for m in sheet.required_missing) for name in REQUIRED},
            "fields": short,
            "releases": releases,
        }

    def _write(self, sheet: Sheet, day: date) -> bool:
        wrote = False
        for fmt, text in render(sheet, day, self.formats).items():
            wrote |= _atomic_write(self.out_dir / f"{sheet.slug}.{fmt}", text)
        return wrote

    def _save_state(self) -> None:
        self.state["version"] = STATE_VERSION
        self.state["sheets"] = dict(sorted(self.state["sheets"].items()))
        _atomic_write(self.state_path, json.dumps(self.state, indent=1, ensure_ascii=False) + "\n")

    # ---- changelog ----

    def _write_changelog(self) -> None:
        folder = self.out_dir / CHANGELOG_DIR
        folder.mkdir(exist_ok=True)
        now = datetime.now(UTC)
        run = f"{now:%Y%m%dT%H%M%SZ}"
        suffix = 1
        while (folder / f"{run}.jsonl").exists():
            suffix += 1
            run = f"{now:%Y%m%dT%H%M%SZ}-{suffix}"
        self.result.run_id = run
        entries = self.result.changes
        summary = (
            f"{len(self.result.written)} sheet(s) rewritten, {self.result.unchanged} unchanged, "
            f"{len(self.result.held_back)} held back"
        )
        if entries:
            lines = "".join(json.dumps(e.as_json(run), ensure_ascii=False) + "\n" for e in entries)
            _atomic_write(folder / f"{run}.jsonl", lines)
            markdown = self._changelog_markdown(run, summary)
            _atomic_write(folder / f"{run}.md", markdown)
            self.result.changelog_path = folder / f"{run}.md"
            latest = markdown + f"\nThis run's files: `{run}.md`, `{run}.jsonl`.\n"
        else:
            rerendered = f" ({self.rerendered} re-rendered for a template change)" if self.rerendered else ""
            latest = (
                f"# Fact sheet changes\n\nRun {run}, refresh of {long_date(self.refreshed_on)}: "
                f"no sheet changed{rerendered}; {summary}.\n"
            )
            self.result.changelog_path = folder / "latest.md"
        _atomic_write(folder / "latest.md", latest)

    def _changelog_markdown(self, run: str, summary: str) -> str:
        def cell(value: Any) -> str:
            return " ".join(str("—" if value is None else value).split()).replace("|", "\\|")

        entries = self.result.changes
        out = [f"# Fact sheet changes, run {run}", "", f"Refresh of {long_date(self.refreshed_on)}: {summary}.", ""]
        changed = [e for e in entries if e.kind == "changed"]
        if changed:
            out += ["## Changed fields", "", "| Sheet | Field | Old | New | Release |", "|---|---|---|---|---|"]
            out += [
                f"| {cell(e.sheet)} | {cell(e.field)} | {cell(e.old)} | {cell(e.new)} | {cell(e.release)} |"
                for e in changed
            ]
            out.append("")
        held = [e for e in entries if e.kind == "held_back"]
        if held:
            out += [
                "## Held back (the published sheet is kept)",
                "",
                "| Sheet | Field | Published | Would be | Release |",
                "|---|---|---|---|---|",
            ]
            out += [
                f"| {cell(e.sheet)} | {cell(e.field)} | {cell(e.old)} | {cell(e.new)} | {cell(e.release)} |"
                for e in held
            ]
            out.append("")
        created = [e for e in entries if e.kind == "created"]
        if created:
            out += [f"## New sheets ({len(created)})", ""]
            out += [f"- {cell(e.sheet)}: {cell(e.new)} ({cell(e.release)})" for e in created]
            out.append("")
        withdrawn = [e for e in entries if e.kind == "withdrawn"]
        if withdrawn:
            out += [f"## Withdrawn ({len(withdrawn)})", ""]
            out += [f"- {cell(e.sheet)}: {cell(e.new)}" for e in withdrawn]
            out.append("")
        return "\n".join(out)


__all__ = ["PublishResult", "ChangeEntry", "SheetSelectionError", "publish_sheets", "normalize_formats", "Career"]
