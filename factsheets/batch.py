"""One sheet's share of a publish, and a batch of them: build the sheet, compare its content with the
published state, render and write it into the version being built when it changed. The same code
runs in the publishing process (serial) and on render workers (flows/distribute.py), so a
distributed publish writes the same bytes as a serial one.

A worker needs no warehouse: the publishing process writes a snapshot of what the sheets are built
from (the SheetFacts of the run and the published state's per-sheet entries) and of the batches' keys
into the version being built, and every worker reads it once (cached by its token); a task names
only its batch's index. The snapshot file is removed before the version is sealed. Outcomes go back to the publishing process, which alone updates the state,
the changelog and the site, in the order of the sheets (so both ways write the same files).
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import resource
import socket
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from factsheets.area_sheet import AreaSheet
from factsheets.changelog import ChangeEntry
from factsheets.compact import compact_json
from factsheets.model import SheetBuilder
from factsheets.render import render
from factsheets.sheet import Sheet
from factsheets.site import site_entry
from factsheets.state import REQUIRED, content_hash, short_value, would_lose
from factsheets.versions import VersionBuild, sync_files
from warehouse.area_queries import AreaFacts

SNAPSHOT = ".render-inputs.pickle"  # in the version being built; removed before it is sealed

SheetKey = tuple[str, str]  # ("occupation", SOC code) | ("profile", OOH profile slug) | ("area", "TX:29-2072")
# | ("areas", "TX"): every sheet of one area, as a unit (factsheets.area_units)
AnySheet = Sheet | AreaSheet


class RenderWorkersFailed(RuntimeError):
    """Rendering on workers failed for another reason than the disk (which is a SheetsPublishError):
    the cluster did not answer, a worker died, a batch raised. The published set is unchanged."""


def sheet_keys(builder: SheetBuilder) -> list[SheetKey]:
    """The occupation and profile sheets of a full publish, in SheetBuilder.build()'s order (careers
    are built by the publishing process: their slugs depend on all the others).
    tests/test_dask_render.py checks this against build_sheets() on the real releases."""
    keys: list[SheetKey] = [("occupation", code) for code in builder.ctx.links.line_items]
    keys += [("profile", slug) for slug in builder.ctx.profile_slugs]
    return keys


def area_keys(builder: SheetBuilder) -> list[SheetKey]:
    """The area sheets of a publish with area figures (factsheets.area_sheet), by occupation then area."""
    return builder.areas.keys() if builder.areas is not None else []


def build_key(builder: SheetBuilder, key: SheetKey) -> AnySheet:
    kind, ident = key
    if kind == "occupation":
        return builder.occupation_sheet(ident)
    if kind == "profile":
        return builder.profile_sheet(ident)
    if kind == "area":
        return builder.area_sheet(ident)
    raise ValueError(f"unknown sheet key {key!r}")


@dataclass(frozen=True)
class RenderSpec:
    """What every batch of one publish shares (small: it travels with each task)."""

    staging: str  # the version being built
    has_current: bool  # its files may be hard links to the published version's
    refreshed_on: date
    formats: tuple[str, ...]
    render_hash: str
    snapshot: str  # path of the snapshot file
    token: str  # sha256 of the snapshot's bytes
    host: str  # the publishing host: a worker elsewhere flushes its files itself


@dataclass
class SheetOutcome:
    slug: str
    status: str  # written | rerendered | restamped | unchanged | held_back
    changes: list[ChangeEntry] = field(default_factory=list)
    entry: dict[str, Any] | None = None  # the new state entry (written)
    site: dict[str, Any] | None = None
    reason: str | None = None  # held_back
    inputs: str | None = None  # an area sheet's inputs digest (factsheets.area_sheet.AreaBuilder.inputs)
    packed: str | None = None  # entry and site as one JSON text, while the outcome travels (pack/unpack)

    def pack(self) -> SheetOutcome:
        """For the trip back from a worker: a state entry is dozens of small dicts and strings, as one
        text it is a tenth of the memory and of the time to pickle (tens of thousands of area sheets)."""
        if self.entry is not None or self.site is not None:
            self.packed = compact_json([self.entry, self.site])
            self.entry = self.site = None
        return self

    def unpack(self) -> SheetOutcome:
        if self.packed is not None:
            self.entry, self.site = json.loads(self.packed)
            self.packed = None
        return self


@dataclass
class BatchResult:
    index: int
    outcomes: list[SheetOutcome]
    seconds: float = 0.0
    pid: int = 0
    host: str = ""
    max_rss_kb: int = 0  # the process's peak resident memory so far
    areas: list[Any] = field(default_factory=list)  # factsheets.area_units.AreaSummary of its ("areas", key) keys
    started: float = 0.0  # wall-clock time (time.time()) the batch started: what the cluster's start costs


class SheetWork:
    """Per-sheet work of one publish against the published state (`prev` entries by slug)."""

    def __init__(self, refreshed_on: date, formats: tuple[str, ...], render_hash: str):
        self.refreshed_on, self.formats, self.render_hash = refreshed_on, formats, render_hash

    def process(self, sheet: AnySheet, prev: dict[str, Any] | None, build: VersionBuild) -> SheetOutcome:
        fields = sheet.fields()
        digest = content_hash(sheet, fields)
        site = site_entry(sheet)
        if prev and prev.get("content_hash") == digest and not prev.get("withdrawn"):
            names = [f"{sheet.slug}.{fmt}" for fmt in self.formats]
            if prev.get("render_hash") == self.render_hash and all(build.exists(n) for n in names):
                return SheetOutcome(sheet.slug, "unchanged", site=site)
            wrote = False
            for fmt, text in render(sheet, date.fromisoformat(prev["refreshed_on"]), self.formats).items():
                wrote |= build.write(f"{sheet.slug}.{fmt}", text.encode("utf-8"))
            return SheetOutcome(sheet.slug, "rerendered" if wrote else "restamped", site=site)
        if prev:
            held = self._held_back(sheet, prev, fields)
            if held is not None:
                return held
        short = {name: short_value(value) for name, (value, _) in fields.items()}
        releases = {name: release for name, (_, release) in fields.items()}
        changes = []
        if prev and not prev.get("withdrawn"):
            old = prev.get("fields", {})
            for name in list(short) + [n for n in old if n not in short]:
                if old.get(name) != short.get(name):
                    release = releases.get(name) or prev.get("releases", {}).get(name, "-")
                    changes.append(
                        ChangeEntry(sheet.slug, sheet.heading, "changed", name, old.get(name), short.get(name), release)
                    )
        else:
            labels = "; ".join(sorted({p.label for p in sheet.releases.values()}))
            changes.append(ChangeEntry(sheet.slug, sheet.heading, "created", "sheet", None, sheet.heading, labels))
        for fmt, text in render(sheet, self.refreshed_on, self.formats).items():
            build.put(f"{sheet.slug}.{fmt}", text.encode("utf-8"))
        entry = {
            "title": sheet.heading,
            "kind": sheet.kind,
            "soc_code": sheet.soc_code,
            "content_hash": digest,
            "render_hash": self.render_hash,
            "refreshed_on": self.refreshed_on.isoformat(),
            "formats": list(self.formats),
            "required": {name: name not in sheet.required_missing for name in REQUIRED},
            "fields": short,
            # an area sheet's releases are those of its national sheet: not repeated per field
            "releases": releases if sheet.kind != "area" else {},
            "site": site,
        }
        return SheetOutcome(sheet.slug, "written", changes, entry, site)

    @staticmethod
    def _held_back(sheet: AnySheet, prev: dict[str, Any], fields: dict[str, tuple[str, str]]) -> SheetOutcome | None:
        """A published sheet that would lose a required figure keeps its published version."""
        lost = would_lose(sheet, prev)
        if not lost:
            return None
        reason = "; ".join(
            f"would lose {REQUIRED[name]} (published {prev['fields'].get(name)!r}, now {fields[name][0]!r})"
            for name in lost
        )
        changes = [
            ChangeEntry(sheet.slug, sheet.heading, "held_back", name, prev["fields"].get(name), *fields[name])
            for name in lost
        ]
        return SheetOutcome(sheet.slug, "held_back", changes, reason=reason + "; the published sheet is kept")


def process_keys(
    builder: SheetBuilder,
    keys: Iterable[SheetKey],
    prev: dict[str, dict[str, Any]],
    work: SheetWork,
    build: VersionBuild,
) -> list[SheetOutcome]:
    out = []
    for key in keys:
        if key[0] == "area" and builder.areas is not None:
            out.append(process_area_sheet(builder, key[1], prev, work, build))
            continue
        sheet = build_key(builder, key)
        out.append(work.process(sheet, prev.get(sheet.slug), build))
    return out


def merge_outcome(sheets: dict[str, dict[str, Any]], outcome: SheetOutcome, work: SheetWork) -> None:
    """One sheet's outcome into the state's entries (`sheets`, by slug)."""
    if outcome.status == "held_back":
        return
    if outcome.status == "written":
        sheets[outcome.slug] = outcome.entry or {}
        return
    prev = sheets[outcome.slug]
    if outcome.status in ("rerendered", "restamped"):
        prev["render_hash"] = work.render_hash
        prev["formats"] = list(work.formats)
    prev["site"] = outcome.site
    if outcome.inputs is not None:
        prev["inputs"] = outcome.inputs


def process_area_sheet(
    builder: SheetBuilder, ident: str, prev: dict[str, dict[str, Any]], work: SheetWork, build: VersionBuild
) -> SheetOutcome:
    """An area sheet whose inputs are those of its published version is unchanged, unbuilt."""
    assert builder.areas is not None
    slug = builder.areas.slug(ident)
    inputs = builder.areas.inputs(ident)
    old = prev.get(slug)
    if (
        old is not None
        and old.get("inputs") == inputs
        and old.get("render_hash") == work.render_hash
        and not old.get("withdrawn")
        and all(build.exists(f"{slug}.{fmt}") for fmt in work.formats)
    ):
        return SheetOutcome(slug, "unchanged", site=old.get("site"), inputs=inputs)
    outcome = work.process(builder.area_sheet(ident), old, build)
    outcome.inputs = inputs
    if outcome.entry is not None:
        outcome.entry["inputs"] = inputs
    return outcome


# ---- across processes --------------------------------------------------------------------------


def write_snapshot(
    build: VersionBuild,
    facts: Any,
    prev: dict[str, dict[str, Any]],
    batches: list[list[SheetKey]],
    areas: AreaFacts | None = None,
    units: dict[str, Any] | None = None,
) -> tuple[str, str]:
    """The inputs workers build from, and the keys of every batch, as one file in the version being
    built: (path, token). `units`: what the area units need besides (factsheets.area_units: `site`, an
    AreaSiteSpec, `legacy` and `published`)."""
    data = pickle.dumps((facts, areas, prev, units or {}, batches), protocol=pickle.HIGHEST_PROTOCOL)
    build.write(SNAPSHOT, data)
    return str(build.staging / SNAPSHOT), hashlib.sha256(data).hexdigest()


def remove_snapshot(build: VersionBuild) -> None:
    try:
        os.unlink(build.staging / SNAPSHOT)
    except FileNotFoundError:
        pass
    build.written = [p for p in build.written if p.name != SNAPSHOT]


@dataclass
class _Inputs:
    builder: SheetBuilder
    prev: dict[str, dict[str, Any]]
    units: dict[str, Any]
    batches: list[list[SheetKey]]


_loaded: dict[str, _Inputs] = {}  # token -> inputs


def _inputs(spec: RenderSpec) -> _Inputs:
    found = _loaded.get(spec.token)
    if found is None:
        try:
            data = Path(spec.snapshot).read_bytes()
        except FileNotFoundError:
            raise RuntimeError(
                f"render worker on {socket.gethostname()} cannot read {spec.snapshot}: the sheets folder must be "
                "on storage every worker mounts at the same path as the publishing host"
            ) from None
        if hashlib.sha256(data).hexdigest() != spec.token:
            raise RuntimeError(
                f"{spec.snapshot}: the render inputs differ from the ones this publish wrote; "
                "is another publish using the same sheets folder?"
            )
        facts, areas, prev, units, batches = pickle.loads(data)  # written by the publishing process of this run
        _loaded.clear()
        _loaded[spec.token] = found = _Inputs(SheetBuilder(facts, areas), prev, units, batches)
    return found


def render_batch(spec: RenderSpec, index: int) -> BatchResult:
    """Batch `index` of the snapshot on a render worker: build, compare, render and write its sheets
    into spec.staging."""
    start, started = time.perf_counter(), time.time()
    from factsheets.area_units import publish_area  # it builds on this module

    inputs = _inputs(spec)
    builder, prev, units, keys = inputs.builder, inputs.prev, inputs.units, inputs.batches[index]
    work = SheetWork(spec.refreshed_on, spec.formats, spec.render_hash)
    build = VersionBuild.reopen(Path(spec.staging), has_current=spec.has_current)
    areas = []
    try:
        outcomes = process_keys(builder, [k for k in keys if k[0] != "areas"], prev, work, build)
        for kind, key in keys:
            if kind == "areas":
                legacy, published = units["legacy"].get(key), units["published"].get(key)
                areas.append(publish_area(builder, key, work, build, units["site"], legacy, published))
        build.finish()
        host = socket.gethostname()
        if host != spec.host:
            sync_files(build.staging, build.written)
    finally:
        build.close()
    return BatchResult(
        index,
        [outcome.pack() for outcome in outcomes],
        time.perf_counter() - start,
        os.getpid(),
        host,
        peak_rss_kb(),
        areas,
        started,
    )


def prepare_worker() -> None:
    """What a render worker's first batch would import besides this module: Prefect's task engine (a
    batch runs as a Prefect task) and the area units' module."""
    import prefect.task_engine  # noqa: F401

    from factsheets import area_units  # noqa: F401


def peak_rss_kb() -> int:
    """This process's peak resident memory, KiB: VmHWM on Linux, which belongs to the process's own
    memory (ru_maxrss carries over a fork and an exec: a worker spawned by a big publisher would
    report the publisher's peak)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


class BatchRunner(Protocol):
    """Runs render_batch over the batches somewhere else (flows.distribute: Prefect tasks on Dask); the
    snapshot of `spec` holds their keys, so a task carries only its index."""

    def batch_size(self, sheets: int) -> int: ...

    def __call__(self, spec: RenderSpec, batches: list[list[SheetKey]]) -> list[BatchResult]: ...


def batches_of(keys: list[SheetKey], size: int) -> list[list[SheetKey]]:
    size = max(1, size)
    return [keys[i : i + size] for i in range(0, len(keys), size)]


__all__ = [
    "RenderWorkersFailed",
    "BatchResult",
    "BatchRunner",
    "RenderSpec",
    "SheetKey",
    "SheetOutcome",
    "SheetWork",
    "area_keys",
    "batches_of",
    "build_key",
    "merge_outcome",
    "prepare_worker",
    "process_area_sheet",
    "process_keys",
    "remove_snapshot",
    "render_batch",
    "sheet_keys",
    "write_snapshot",
]
