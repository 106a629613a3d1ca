"""Publish the fact sheets: build them from the warehouse, rewrite only those whose content changed,
hold back any that would lose a required figure (or whose career names a code no release holds),
log what moved, and switch the folder to the new set at once (factsheets.versions).

Files in the published folder (a symlink to its current version):
* `<slug>.md`, `<slug>.html`, `<slug>.json` per sheet (the formats asked for);
* `.sheets-state.json`: per sheet its content hash, render hash, the date its content last changed
  and the value of every field (long texts as an excerpt plus a hash) — what the next run diffs —
  and, for the whole set, the release ids it shows, the templates and what was held back
  (factsheets.state; `sheets_behind` compares it with what the warehouse would publish now);
* `areas/<folder>/`: an area's sheets and index, a symlink to a folder written once and shared by the
  versions in which the area did not change (factsheets.versions' units);
* `.area-states/<folder>.json`: the same per area sheet, one file per area (factsheets.area_units);
* `changelog/<run>.jsonl` and `changelog/<run>.md` for a run that changed, created, held back or
  withdrew a sheet; `changelog/latest.md` always describes the newest run.
* `index.html`, `index.json`, `sitemap.xml` and the JSON Schema of the sheets (factsheets.site),
  computed from the state, each rewritten only when its bytes change.

The occupation and profile sheets are built, compared and rendered here, or in batches on render
workers (`runner`, flows.distribute: Prefect tasks on Dask) that write into the same version being
built (factsheets.batch); either way this process alone writes the state, changelog and site, in the
order of the sheets, so a distributed publish leaves the same bytes as a serial one. Area sheets go
area by area (factsheets.area_units): a unit writes its area's sheets, state and index, and returns
a summary; an area whose inputs digest is the published one's is skipped whole.

A sheet's date is the day its content last changed: an unchanged sheet keeps its bytes and mtime
(its file is a hard link to the previous version's). Changed templates re-render every sheet with
its stored date (no changelog entry: nothing moved). The content hash is computed from
Sheet.fields(), the same values the changelog compares, so a rewritten sheet always has changelog
entries. Provenance (fetched-at, sha256) is not part of the content.
"""

from __future__ import annotations

import hashlib
import logging
import socket
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb

from factsheets.area_sheet import AREAS_DIR, areas_stamp
from factsheets.area_units import AREA_STATES, AreaSiteSpec, AreaSummary, area_idents, publish_area, withdraw_area
from factsheets.batch import (
    BatchResult,
    BatchRunner,
    RenderSpec,
    SheetKey,
    SheetOutcome,
    SheetWork,
    batches_of,
    build_key,
    merge_outcome,
    process_keys,
    remove_snapshot,
    sheet_keys,
    write_snapshot,
)
from factsheets.behind import sheets_behind
from factsheets.careers import Career, CareersConfig, HeldBackCareer, load_careers_config, split_careers
from factsheets.changelog import (
    CHANGELOG_DIR,
    ChangeEntry,
    changelog_jsonl,
    changelog_markdown,
    nothing_changed_markdown,
    run_name,
)
from factsheets.forked import render_forked
from factsheets.model import Sheet, SheetBuilder
from factsheets.render import FORMATS, long_date, templates_hash
from factsheets.site import normalize_base_url, occupation_groups, site_files, site_stamp, stale_sitemap_parts
from factsheets.state import STATE_FILE, STATE_VERSION, read_state, state_bytes, withdraw_entries
from factsheets.versions import Hook, SheetsPublishError, VersionBuild, VersionedFolder, version_name
from warehouse.area_queries import area_facts
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
    batches: list[BatchResult] = field(default_factory=list)  # what each render worker did (with a runner)


@dataclass
class _Plan:
    """What a publish builds: occupation and profile sheets by key (here or on workers), then the
    careers (here); or, for a selection, the chosen sheets built already."""

    builder: SheetBuilder
    keys: list[SheetKey]
    careers: list[Career]
    sheets: list[Sheet]
    held: list[HeldBackCareer]
    runner: BatchRunner | None
    forked: bool = False  # render here with forked helpers on the spare cores (factsheets.forked)
    units: dict[str, int] = field(default_factory=dict)  # area key -> its sheets (factsheets.area_units)


@dataclass(frozen=True)
class _Site:
    groups: dict[str, str]
    base_url: str | None


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
    site: bool = True,
    site_base_url: str | None = None,
    runner: BatchRunner | None = None,
    areas: str | Sequence[str] | None = None,
    fork: bool = False,
) -> PublishResult:
    """Render the sheets from the warehouse (never fetches) and publish them into out_dir at once.

    careers_config: a loaded CareersConfig, a path, or None for the shipped factsheets/careers.toml.
    `only` restricts the run to the sheets matching any selector ('career:NAME', 'soc:CODE',
    'slug:SLUG', or a bare slug, code, career name or title; case-insensitive); the other sheets are
    left as they were. run_id names the new version folder; now (UTC) stamps it and the changelog;
    on_step(step) is called before each publishing step (tests fail a publish at each one).
    site: write index.html, index.json, sitemap.xml and the schema too; site_base_url makes the
    sitemap's URLs absolute (SiteBaseUrlError unless an http(s) URL). runner: render the occupation
    and profile sheets in batches elsewhere (flows.distribute.dask_runner); None renders them here, and
    with `fork` on this machine's spare cores too (factsheets.forked: Linux, hundreds of sheets).
    areas: the area sheets to publish too (factsheets.area_sheet): none|states|metros|all, or a list of
    areas (postal code, FIPS code, area code or name); AreaSelectionError for an unknown one. The
    national sheets then link their area sheets; area sheets of other areas are withdrawn.

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
    site_spec = _Site(occupation_groups(facts.occupations), normalize_base_url(site_base_url)) if site else None
    careers, held = split_careers(config, facts.known_codes, facts.profiles)
    builder = SheetBuilder(facts)
    if areas is not None and areas != "none":
        builder = SheetBuilder(facts, area_facts(con, areas, builder.ctx.links.line_items, as_of))
    if only:
        chosen, held = select(builder.build(careers), held, only)
        plan = _Plan(builder, [], [], chosen, held, None)
    else:
        plan = _Plan(builder, sheet_keys(builder), careers, [], held, runner, fork)
        if builder.areas is not None:
            plan.units = {a.key: len(area_idents(builder, a)) for a in builder.areas.facts.areas.values()}
        result.built_from = {source: row.release_id for source, row in sorted(facts.releases.items())}
    result.sheets = len(plan.keys) + sum(plan.units.values()) + len(plan.careers) + len(plan.sheets)
    now = now or datetime.now(UTC)
    folder = VersionedFolder(directory, hook=on_step, units=(AREAS_DIR,))
    with folder.publishing(version_name(now, run_id)) as build:
        publisher = _Publisher(build, refreshed_on, formats, result, partial=bool(only), hook=folder.hook)
        publisher.run(plan, as_of=as_of, now=now, site=site_spec)
    result.version = build.staging
    if result.changelog_path is not None:  # relative to the folder until it is published
        result.changelog_path = directory / result.changelog_path
    for career in result.careers_held_back:
        log.warning("%s", career.reason)
    return result


def area_batches(units: dict[str, int], size: int) -> list[list[SheetKey]]:
    """Whole areas per batch, consecutive ones together up to about `size` sheets."""
    batches: list[list[SheetKey]] = []
    count = size
    for key, sheets in units.items():
        if count >= size:
            batches.append([])
            count = 0
        batches[-1].append(("areas", key))
        count += sheets
    return batches


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
        self.work = SheetWork(refreshed_on, formats, self.render_hash)
        self.rerendered = 0

    def run(self, plan: _Plan, *, as_of: int | None, now: datetime, site: _Site | None) -> None:
        entries = self.result.changes
        seen = {career.slug for career in plan.held}  # a held-back career is not withdrawn
        if site is not None:
            self.state["groups"] = dict(sorted({**self.state.get("groups", {}), **site.groups}.items()))
        self.hook("render")
        outcomes, summaries = self._render_keys(plan, site is not None)
        taken = {o.slug for o in outcomes}
        for career in plan.careers:  # SheetBuilder.build()'s rule: a career never takes another sheet's slug
            sheet = plan.builder.career_sheet(career)
            if sheet.slug in taken:
                sheet.slug = f"{sheet.slug}-career"
            taken.add(sheet.slug)
            outcomes.append(self.work.process(sheet, self.state["sheets"].get(sheet.slug), self.build))
        for sheet in plan.sheets:
            outcomes.append(self.work.process(sheet, self.state["sheets"].get(sheet.slug), self.build))
        for outcome in outcomes[: len(plan.keys)]:
            seen.add(outcome.slug)
            self._apply(outcome)
        sites = self.state.setdefault("area_sites", {})
        for summary in summaries:
            self._apply_area(summary, sites)
        for outcome in outcomes[len(plan.keys) :]:
            seen.add(outcome.slug)
            self._apply(outcome)
        for held_career in plan.held:
            self._hold_back_career(held_career, entries)
        if not self.partial:
            entries += withdraw_entries(self.state["sheets"], seen)
            published = {s.folder for s in summaries}
            for folder in [f for f in sites if f not in published]:
                entries += withdraw_area(self.build, folder)
                del sites[folder]
            marks = {"built_from": self.result.built_from, "as_of": as_of, "templates": templates_hash()}
            self.state.update(marks)
            self.state.pop("areas", None)
            if plan.builder.areas is not None:
                self.state["areas"] = areas_stamp(plan.builder.areas.facts)
        if not sites:
            self.state.pop("area_sites")
        if site is not None:
            self.hook("site")
            self._write_site(site)
        self.hook("state")
        self._save_state()
        self.hook("changelog")
        self._write_changelog(now)

    def _render_keys(self, plan: _Plan, site: bool) -> tuple[list[SheetOutcome], list[AreaSummary]]:
        """The occupation and profile sheets, and the area sheets area by area (factsheets.area_units):
        here, or in batches on the runner's workers."""
        if not plan.keys:
            return [], []
        area_site = AreaSiteSpec(site, self.state.get("groups", {}))
        legacy, published = self._legacy_area_entries(plan), self._published_areas(plan)
        units = {"site": area_site, "legacy": legacy, "published": published}
        if plan.builder.areas is not None:  # the folders of the areas' links and states, before any worker writes
            self.build.mkdir(AREAS_DIR)
            self.build.mkdir(AREA_STATES)
        prev = self.state["sheets"]
        if plan.runner is None:
            outcomes = self._render_here(plan, prev)
            summaries = [
                publish_area(plan.builder, key, self.work, self.build, area_site, legacy.get(key), published.get(key))
                for key in plan.units
            ]
            return outcomes, summaries
        areas = plan.builder.areas.facts if plan.builder.areas is not None else None
        size = plan.runner.batch_size(len(plan.keys) + sum(plan.units.values()))
        batches = batches_of(plan.keys, size) + area_batches(plan.units, size)
        path, token = write_snapshot(self.build, plan.builder.facts, prev, batches, areas, units)
        spec = RenderSpec(
            str(self.build.staging),
            self.build.linked,
            self.refreshed_on,
            self.formats,
            self.render_hash,
            path,
            token,
            socket.gethostname(),
        )
        try:
            results = sorted(plan.runner(spec, batches), key=lambda r: r.index)
        finally:
            remove_snapshot(self.build)
        if [r.index for r in results] != list(range(len(batches))):
            raise RuntimeError(f"the render workers returned batches {[r.index for r in results]} of {len(batches)}")
        self.result.batches = results
        outcomes = [outcome.unpack() for r in results for outcome in r.outcomes]
        return outcomes, [summary for r in results for summary in r.areas]

    def _render_here(self, plan: _Plan, prev: dict[str, dict[str, Any]]) -> list[SheetOutcome]:
        def share(keys: list[SheetKey], build: VersionBuild) -> list[SheetOutcome]:
            return process_keys(plan.builder, keys, prev, self.work, build)

        if not plan.forked:
            return share(plan.keys, self.build)

        def files(key: SheetKey) -> list[str]:
            slug = build_key(plan.builder, key).slug
            return [f"{slug}.{fmt}" for fmt in self.formats]

        return render_forked(plan.keys, self.build, share, files)

    def _legacy_area_entries(self, plan: _Plan) -> dict[str, dict[str, dict[str, Any]]]:
        """Area sheets a set's state kept before per-area states, moved out of it: by area key, the
        entries of the areas this run publishes (the others are withdrawn there, as before)."""
        if plan.builder.areas is None:
            return {}
        keys = {area.folder: area.key for area in plan.builder.areas.facts.areas.values()}
        legacy: dict[str, dict[str, dict[str, Any]]] = {}
        sheets = self.state["sheets"]
        for slug in [s for s, prev in sheets.items() if prev.get("kind") == "area"]:
            folder = slug.split("/")[1] if slug.count("/") == 2 else None
            if folder in keys:
                legacy.setdefault(keys[folder], {})[slug] = sheets.pop(slug)
        return legacy

    def _published_areas(self, plan: _Plan) -> dict[str, dict[str, Any]]:
        """By area key, what the set's state keeps of each area this run publishes (`area_sites`)."""
        if plan.builder.areas is None:
            return {}
        sites = self.state.get("area_sites", {})
        return {a.key: sites[a.folder] for a in plan.builder.areas.facts.areas.values() if a.folder in sites}

    def _apply(self, outcome: SheetOutcome) -> None:
        """One sheet's outcome into the state and the result, in the order of the sheets."""
        self.result.changes.extend(outcome.changes)
        merge_outcome(self.state["sheets"], outcome, self.work)
        if outcome.status == "held_back":
            self.result.held_back.append((outcome.slug, outcome.reason or "held back"))
        elif outcome.status in ("written", "rerendered"):
            self.result.written.append(outcome.slug)
            self.rerendered += outcome.status == "rerendered"
        else:
            self.result.unchanged += 1

    def _apply_area(self, summary: AreaSummary, sites: dict[str, Any]) -> None:
        """One area's unit into the result, and what the site shows of it into the state."""
        self.result.changes.extend(summary.changes)
        self.result.held_back.extend(summary.held_back)
        self.result.written.extend(summary.written)
        self.result.unchanged += summary.unchanged
        self.rerendered += summary.rerendered
        entry = summary.site_entry()
        if entry is None:
            sites.pop(summary.folder, None)
        else:
            sites[summary.folder] = entry

    def _write_site(self, site: _Site) -> None:
        self.state["site"] = site_stamp(site.base_url)
        files = site_files(self.state, base_url=site.base_url)
        for name, data in files.items():
            self.build.write(name, data)
        for name in stale_sitemap_parts(self.build.names(), files):
            self.build.remove(name)

    def _hold_back_career(self, career: HeldBackCareer, entries: list[ChangeEntry]) -> None:
        self.result.careers_held_back.append(career)
        self.result.held_back.append((career.slug, career.reason))
        prev = self.state["sheets"].get(career.slug)
        published = "published" if prev and not prev.get("withdrawn") else None
        entries.append(
            ChangeEntry(career.slug, career.name, "held_back", "career", published, career.reason, "careers config")
        )

    def _save_state(self) -> None:
        self.state["version"] = STATE_VERSION
        self.state["sheets"] = dict(sorted(self.state["sheets"].items()))
        self.build.write(STATE_FILE, state_bytes(self.state))

    def _write_changelog(self, now: datetime) -> None:
        folder = self.build.mkdir(CHANGELOG_DIR)
        run = run_name(f"{now:%Y%m%dT%H%M%SZ}", {p.stem for p in folder.glob("*.jsonl")})
        self.result.run_id = run
        entries = self.result.changes
        refreshed = long_date(self.refreshed_on)
        summary = (
            f"{len(self.result.written)} sheet(s) written, {self.result.unchanged} unchanged, "
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
