"""Whether the published sheets are what the warehouse would publish now: the next run's question
after a night whose publish failed, or was killed, even when BLS changed nothing since.

The comparison is by content, as a publish decides what to rewrite: the sheets are built from the
warehouse (a few queries and the models, well under a second) and each one's content hash is
compared with the published one. A reload that changes no figure is not "behind" (a drifted OOH
page carried forward, the same bytes fetched again); a sheet a publish would hold back (it would
lose a required figure) is current as published; a changed template is behind (all re-render), and
so is a site (index, manifest, sitemap) made with other site templates, schema or base URL.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import duckdb

from factsheets.area_sheet import areas_stamp
from factsheets.careers import CareersConfig, split_careers
from factsheets.figures import PROGRAM_SHORT
from factsheets.model import SheetBuilder
from factsheets.render import templates_hash
from factsheets.site import site_stamp
from factsheets.state import STATE_FILE, content_hash, read_state, would_lose
from warehouse.area_queries import area_facts
from warehouse.sheet_queries import releases, sheet_facts

SHOWN = 3  # sheets named in a reason


def sheets_behind(
    con: duckdb.DuckDBPyConnection,
    sheets_dir: Path,
    *,
    careers_config: CareersConfig | None = None,
    site: bool = True,
    site_base_url: str | None = None,
    areas: str | Sequence[str] | None = None,
) -> str | None:
    """Why the sheets published in sheets_dir are not what publishing now would make of the
    warehouse (None when they are). Career sheets are compared when careers_config (the config the
    run publishes with) is given; the site (index.html, index.json, sitemap.xml) when `site`, with
    the base URL the run publishes with. `areas`: the area sheets the run publishes (none|states|metros|all
    or a list of areas): compared by the digest of their inputs the state records (factsheets.area_sheet)."""
    if not releases(con):
        return None  # nothing to publish from
    try:
        state = read_state((Path(sheets_dir) / STATE_FILE).read_bytes())
    except FileNotFoundError:
        return f"no sheets are published in {sheets_dir} yet"
    except OSError as exc:
        return f"the published sheets' state cannot be read ({exc.strerror or exc})"
    if state is None or "built_from" not in state:
        return "the published sheets do not record what they were built from (an older or partial publish)"
    facts = sheet_facts(con, state.get("as_of"))
    reasons = _release_changes(state["built_from"], {s: r.release_id for s, r in facts.releases.items()})
    if state.get("templates") != templates_hash():
        reasons.append("the sheet templates changed")
    if site and state.get("site") != site_stamp(site_base_url):
        reasons.append("the site index (index.html, index.json, sitemap.xml) is not what publishing now makes")
    builder = SheetBuilder(facts)
    if areas is not None and areas != "none":
        found = area_facts(con, areas, builder.ctx.links.line_items, state.get("as_of"))
        if found is not None:
            builder = SheetBuilder(facts, found)
            if state.get("areas") != areas_stamp(found):
                reasons.append("the area sheets are not what the warehouse's area figures make")
    elif state.get("areas"):
        reasons.append("area sheets are published but the run publishes none")
    careers, held = split_careers(careers_config, facts.known_codes, facts.profiles) if careers_config else ([], [])
    published = {
        slug: prev
        for slug, prev in state["sheets"].items()
        if not prev.get("withdrawn") and prev.get("kind") != "area"  # area sheets: by areas_stamp above
    }
    differ, new = [], []
    built = set()
    for sheet in builder.build(careers):
        built.add(sheet.slug)
        digest = content_hash(sheet, sheet.fields())
        prev = published.get(sheet.slug)
        if prev is None:
            new.append(sheet.slug)
        elif digest != prev.get("content_hash") and not would_lose(sheet, prev):
            differ.append(sheet.slug)
    kept = {c.slug for c in held}
    gone = [
        slug
        for slug, prev in published.items()
        if slug not in built and slug not in kept and (careers_config is not None or prev.get("kind") != "career")
    ]
    for what, slugs in (("differ from what the warehouse says now", differ), ("are not published", new)):
        if slugs:
            reasons.append(f"{len(slugs)} sheet(s) {what} ({_names(slugs)})")
    if gone:
        reasons.append(f"{len(gone)} published sheet(s) are no longer in the warehouse's releases ({_names(gone)})")
    return "; ".join(reasons) or None


def _release_changes(was: dict[str, str], now: dict[str, str]) -> list[str]:
    reasons = []
    for source in sorted(set(was) | set(now)):
        name = PROGRAM_SHORT.get(source, source)
        if source not in was:
            reasons.append(f"{name} {now[source]} is loaded but not in the sheets")
        elif source not in now:
            reasons.append(f"the sheets show {name} {was[source]}, which is no longer loaded")
        elif was[source] != now[source]:
            reasons.append(f"the sheets show {name} {was[source]}, the warehouse holds {now[source]}")
    return reasons


def _names(slugs: list[str]) -> str:
    more = f", and {len(slugs) - SHOWN} more" if len(slugs) > SHOWN else ""
    return ", ".join(sorted(slugs)[:SHOWN]) + more
