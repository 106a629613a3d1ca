"""The state a published set of sheets keeps beside them (`.sheets-state.json`): what the next
publish diffs against, and what `sheets_behind` compares with the warehouse.

    {"version": 1,
     "sheets": {slug: {title, kind, soc_code, content_hash, render_hash, refreshed_on, formats,
                       required, fields, releases[, withdrawn]}},
     "built_from": {source: release_id}, "as_of": null, "templates": <hash>, "areas": <areas_stamp>,
     "area_sites": {...}}

Set-level keys are written by full publishes only (a publish of a few sheets leaves them).

Area sheets are not in `sheets`: each area keeps its sheets' entries in `.area-states/<folder>.json`
(factsheets.area_units), and the set's state keeps per area only what the top-level site shows of it
and the digest of its inputs: `"area_sites": {folder: {listing, pages, inputs}}`. Tens of thousands
of area sheets then cost the publishing process, and `sheets_behind`, a few kilobytes per area (a
set published before kept them in `sheets`: the next publish moves them, rewriting no sheet).
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

from factsheets.changelog import ChangeEntry
from factsheets.compact import compact_json_bytes

if TYPE_CHECKING:
    from factsheets.area_sheet import AreaSheet
    from factsheets.sheet import Sheet

STATE_FILE = ".sheets-state.json"
STATE_VERSION = 1
EXCERPT = 80
WITHDRAWN = "no longer in the warehouse's releases (files left in place)"
REQUIRED = {"median_salary": "Median Salary", "outlook": "Career Outlook"}  # the asterisked rows


def content_hash(sheet: Sheet | AreaSheet, fields: dict[str, tuple[str, str]]) -> str:
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


def state_bytes(state: dict[str, Any]) -> bytes:
    """The state as one line of JSON (an indented dump of tens of thousands of area sheets takes seconds)."""
    return compact_json_bytes(state)


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


def would_lose(sheet: Sheet | AreaSheet, prev: dict[str, Any]) -> list[str]:
    """The required figures the published version shows and this one cannot: such a sheet is held
    back (its published version stays)."""
    return [name for name in sheet.required_missing if prev.get("required", {}).get(name)]


def withdraw_entries(sheets: dict[str, dict[str, Any]], seen: set[str]) -> list[ChangeEntry]:
    """Marks withdrawn every published sheet of `sheets` (a state's entries) not in `seen`; the
    changelog's entries for them. Their files stay in place."""
    entries = []
    for slug, prev in sheets.items():
        if slug not in seen and not prev.get("withdrawn"):
            prev["withdrawn"] = True
            entries.append(
                ChangeEntry(slug, prev.get("title", slug), "withdrawn", "sheet", "published", WITHDRAWN, "-")
            )
    return entries
