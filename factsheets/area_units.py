"""The area sheets of one area as one unit of a publish: built, compared, rendered and written together,
with the area's own state and index, by the publishing process or by one render worker.

    .area-states/<folder>.json   {"version": 1, "inputs": <digest>, "sheets": {slug: entry},
                                       "site": {"listing": ..., "pages": [[loc, lastmod], ...]}}

The entries are those the set's state keeps of a national sheet (factsheets.state), plus each sheet's
inputs digest (factsheets.area_sheet.AreaBuilder.inputs). Kept per area, tens of thousands of area
sheets never pass through the publishing process: it receives a summary per area (what moved, and
what the top-level index and sitemap show of the area, `site`, which the set's state keeps under
`area_sites`).

`inputs` digests the inputs of every sheet of the area, the templates, the formats and the site's
templates and groups: when it equals the published area's, the area is unchanged without building or
comparing its sheets one by one (the version links the published area's folder). It is recorded
only when no sheet of the area was held back (a held-back sheet is reported again on every run).

An area's sheets and index are a unit of the version (factsheets.versions): `areas/<folder>` is a
symlink to a folder written once; an area with a changed file gets a new folder (hard links to the
published one's unchanged files, which keep their inode and mtime), an unchanged area keeps its own.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from factsheets.area_sheet import AREAS_DIR
from factsheets.batch import SheetWork, merge_outcome, process_area_sheet
from factsheets.changelog import ChangeEntry
from factsheets.site import area_site, site_hash
from factsheets.state import STATE_VERSION, read_state, state_bytes, withdraw_entries
from factsheets.version_units import UnitBuild
from factsheets.versions import VersionBuild

if TYPE_CHECKING:
    from factsheets.model import SheetBuilder
    from warehouse.area_queries import AreaRow

AREA_STATES = ".area-states"  # beside .sheets-state.json: not among the files an area's folder serves


@dataclass(frozen=True)
class AreaSiteSpec:
    """What an area's index is made with: whether the publish writes the site, and the SOC groups."""

    enabled: bool
    groups: dict[str, str]


@dataclass
class AreaSummary:
    """What the publishing process learns of one area's unit."""

    folder: str
    sheets: int = 0
    written: list[str] = field(default_factory=list)
    changes: list[ChangeEntry] = field(default_factory=list)
    held_back: list[tuple[str, str]] = field(default_factory=list)
    unchanged: int = 0
    rerendered: int = 0
    site: dict[str, Any] | None = None  # None: none of its sheets is published
    inputs: str | None = None  # its digest, when no sheet was held back

    def site_entry(self) -> dict[str, Any] | None:
        """What the set's state keeps of the area (`area_sites`): its site and its digest."""
        return None if self.site is None else {**self.site, "inputs": self.inputs}


def area_state_name(folder: str) -> str:
    return f"{AREA_STATES}/{folder}.json"


def area_idents(builder: SheetBuilder, area: AreaRow) -> list[str]:
    """The area's sheets (AreaBuilder keys without the kind), by occupation as the national sheets."""
    assert builder.areas is not None
    figures = builder.areas.facts.figures
    return [f"{area.key}:{code}" for code in builder.ctx.links.line_items if (area.code, code) in figures]


def area_digest(builder: SheetBuilder, idents: list[str], work: SheetWork, site: AreaSiteSpec) -> str:
    assert builder.areas is not None
    digest = hashlib.sha256(repr((work.render_hash, work.formats, site.enabled)).encode())
    if site.enabled:
        digest.update(repr((site_hash(), sorted(site.groups.items()))).encode())
    for ident in idents:
        digest.update(f"{builder.areas.slug(ident)} {builder.areas.inputs(ident)}\n".encode())
    return digest.hexdigest()


def publish_area(
    builder: SheetBuilder,
    area_key: str,
    work: SheetWork,
    build: VersionBuild,
    site: AreaSiteSpec,
    legacy: dict[str, dict[str, Any]] | None = None,
    published: dict[str, Any] | None = None,
) -> AreaSummary:
    """The sheets of one area (`area_key`: TX, or an area code) into the version being built, with the
    area's state and (site.enabled) index. `legacy`: the area's entries of a set's state that kept
    every area sheet (before per-area states), compared as the published ones. `published`: the set's
    state's `area_sites` entry of the area: when its digest is this run's, the area is unchanged
    (its state is not even read)."""
    assert builder.areas is not None
    area = builder.areas.by_key[area_key]
    idents = area_idents(builder, area)
    name = area_state_name(area.folder)
    digest = area_digest(builder, idents, work, site)
    summary = AreaSummary(area.folder, sheets=len(idents))
    if (
        not legacy
        and published is not None
        and published.get("inputs") == digest
        and build.exists(name)
        and _files_present(build, area.folder, [builder.areas.slug(i) for i in idents], work)
    ):
        summary.unchanged, summary.inputs = len(idents), digest
        summary.site = {k: v for k, v in published.items() if k != "inputs"}
        return summary
    old = read_state(build.read(name)) or {"sheets": dict(legacy or {})}
    sheets: dict[str, dict[str, Any]] = old["sheets"]
    seen = set()
    unit = UnitBuild(build, AREAS_DIR, area.folder)  # the area's folder: a new one only if a file changes
    try:
        for ident in idents:
            outcome = process_area_sheet(builder, ident, sheets, work, unit)
            seen.add(outcome.slug)
            summary.changes.extend(outcome.changes)
            merge_outcome(sheets, outcome, work)
            if outcome.status == "held_back":
                summary.held_back.append((outcome.slug, outcome.reason or "held back"))
            elif outcome.status in ("written", "rerendered"):
                summary.written.append(outcome.slug)
                summary.rerendered += outcome.status == "rerendered"
            else:
                summary.unchanged += 1
        summary.changes += withdraw_entries(sheets, seen)
        summary.site, files = area_site(sheets, site.groups)
        if site.enabled:
            for file_name, data in files.items():
                unit.write(file_name, data)
        unit.commit()
    finally:
        unit.close()
    summary.inputs = None if summary.held_back else digest
    state = {
        "version": STATE_VERSION,
        "inputs": summary.inputs,
        "sheets": dict(sorted(sheets.items())),
        "site": summary.site,
    }
    build.write(name, state_bytes(state))
    return summary


def withdraw_area(build: VersionBuild, folder: str) -> list[ChangeEntry]:
    """An area published before and not now: its sheets are withdrawn (their files left in place)."""
    name = area_state_name(folder)
    old = read_state(build.read(name))
    if old is None:
        return []
    entries = withdraw_entries(old["sheets"], set())
    if entries:
        state = {"version": STATE_VERSION, "inputs": None, "sheets": old["sheets"], "site": None}
        build.write(name, state_bytes(state))
    return entries


def _files_present(build: VersionBuild, folder: str, slugs: list[str], work: SheetWork) -> bool:
    """Every sheet of the area has its files in the version (one listing, not a stat each)."""
    try:
        names = set(os.listdir(build.staging / AREAS_DIR / folder))
    except FileNotFoundError:
        return False
    return all(f"{slug.rsplit('/', 1)[-1]}.{fmt}" in names for slug in slugs for fmt in work.formats)


__all__ = [
    "AREA_STATES",
    "AreaSiteSpec",
    "AreaSummary",
    "area_digest",
    "area_idents",
    "area_state_name",
    "publish_area",
    "withdraw_area",
]
