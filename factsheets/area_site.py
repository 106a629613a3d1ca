"""The area sheets' part of the site (factsheets.site): one folder per area holding its sheets and

    areas/<folder>/index.html   the area's sheets by SOC major group, with the area's median salary
    areas/<folder>/index.json   the same as a manifest (schema bls-refresh/area-index/1)

(<folder>: `tx` for a state, the 7-digit OEWS area code for a metropolitan or nonmetropolitan area).
The top-level index.html links each area's index, index.json lists the areas (`areas`), and
sitemap.xml lists the area indexes and sheets. Computed from the publish's state like the rest of
the site, each file rewritten only when its bytes change.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import lru_cache
from typing import Any
from urllib.parse import quote

import jinja2

from factsheets.compact import compact_json_bytes
from factsheets.figures import long_date
from factsheets.templating import environment, packaged_template
from warehouse.area_queries import AREA_TYPES, AreaRow

AREA_INDEX_SCHEMA = "bls-refresh/area-index/1"
AREA_TEMPLATE = "area-index.html.j2"


def area_entry(area: AreaRow) -> dict[str, Any]:
    """What the state keeps of a sheet's area (its `site` entry's `area`)."""
    return {"code": area.code, "name": area.name, "type": area.type, "folder": area.folder, "place": area.place}


def site_source(name: str) -> str:
    """A file of factsheets/templates/site (the site's and the area indexes' templates and script)."""
    return packaged_template("site", name)


@lru_cache(maxsize=1)
def _site_environment() -> jinja2.Environment:
    return environment(site_source, autoescape=True)


def site_template(name: str) -> jinja2.Template:
    return _site_environment().get_template(name)


def _template() -> jinja2.Template:
    return site_template(AREA_TEMPLATE)


def template_source() -> str:
    return site_source(AREA_TEMPLATE)


def split_areas(sheets: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], dict[str, list[dict[str, Any]]]]:
    """(national sheets, area folder -> its sheets) of the index's list of published sheets."""
    national: list[dict[str, Any]] = []
    by_area: dict[str, list[dict[str, Any]]] = {}
    for sheet in sheets:
        area = sheet.get("area")
        if area is None:
            national.append(sheet)
        else:
            by_area.setdefault(area["folder"], []).append(sheet)
    return national, by_area


def _order(sheets: list[dict[str, Any]]) -> tuple:
    area = sheets[0]["area"]
    kind = AREA_TYPES.index(area["type"]) if area["type"] in AREA_TYPES else len(AREA_TYPES)
    return (kind, area["name"].casefold(), area["code"])


def area_files(
    by_area: dict[str, list[dict[str, Any]]], grouped: Callable[[list[dict[str, Any]]], list[dict[str, Any]]]
) -> tuple[list[dict[str, Any]], dict[str, bytes]]:
    """(the areas as the top-level index lists them, area index files by name). `grouped` is the
    site's grouping of a list of sheets by SOC major group (links relative to the top folder)."""
    areas, files = [], {}
    for folder in sorted(by_area, key=lambda f: _order(by_area[f])):
        sheets = by_area[folder]
        area = sheets[0]["area"]
        prefix = f"areas/{folder}/"
        updated = max(s["updated"] for s in sheets)
        groups = grouped(sheets)
        for group in groups:
            for s in group["sheets"]:
                s["link"] = s["link"][len(quote(prefix)) :] if s["link"] else None
        html = _template().render(
            area=area,
            count=len(sheets),
            groups=groups,
            updated=updated,
            updated_text=long_date(date.fromisoformat(updated)),
        )
        manifest = {
            "schema": AREA_INDEX_SCHEMA,
            "area": area,
            "updated": updated,
            "count": len(sheets),
            "sheets": [{k: v for k, v in s.items() if k not in ("group_title", "area")} for s in sheets],
        }
        files[f"{prefix}index.html"] = html.encode("utf-8")
        files[f"{prefix}index.json"] = compact_json_bytes(manifest)
        areas.append(
            {
                **area,
                "count": len(sheets),
                "updated": updated,
                "index": f"{prefix}index.html",
                "manifest": f"{prefix}index.json",
                "link": quote(f"{prefix}index.html"),
            }
        )
    return areas, files


__all__ = [
    "AREA_INDEX_SCHEMA",
    "area_entry",
    "area_files",
    "site_source",
    "site_template",
    "split_areas",
    "template_source",
]
