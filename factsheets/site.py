"""The published sheets as a site an editor can put online as is: written into the same version as
the sheets (factsheets.versions), so the index never names a sheet the folder lacks.

    index.html    every sheet, grouped by SOC major group, with a search box (an inline script over
                  the list itself: it works from file:// and with no server; without JavaScript the
                  whole list shows)
    index.json    the manifest: per sheet its slug, title, kind, SOC codes, group, headline figures
                  (median salary, outlook), the date its content last changed and its file per format
    sitemap.xml   the HTML pages with their dates; absolute URLs when a base URL is set
                  (BLS_REFRESH_SITE_BASE_URL), else paths relative to the folder
    *.schema.json the JSON Schema(s) of factsheets/schema/, copied as they are

Everything here is computed from the state the publish leaves (`.sheets-state.json`: each sheet's
`site` entry, its date, its formats), so a publish of a few sheets still lists them all, a held-back
sheet is listed as published, and each file is rewritten only when its bytes change.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any
from urllib.parse import quote, urlsplit

import jinja2
from markupsafe import Markup

from factsheets.area_sheet import AreaSheet
from factsheets.area_site import area_entry, area_files, site_source, site_template, split_areas
from factsheets.area_site import template_source as area_template_source
from factsheets.figures import Figure
from factsheets.render import long_date
from factsheets.sheet import Sheet
from warehouse.area_queries import AREA_TYPES
from warehouse.sheet_queries import OccupationRow

SITE_INDEX_SCHEMA = "bls-refresh/site-index/1"
SITE_VERSION = "1"  # bump when the site changes in a way its templates do not show
INDEX_HTML, INDEX_JSON, SITEMAP = "index.html", "index.json", "sitemap.xml"
SITE_FILES = (INDEX_HTML, INDEX_JSON, SITEMAP)
SITEMAP_LIMIT = 50_000  # URLs in one sitemap file (sitemaps.org)
SHEET_SCHEMA, AREA_SCHEMA = "fact-sheet-1.schema.json", "area-sheet-1.schema.json"
OTHER_GROUP = "Other careers"
KIND_LABELS = {"profile": "OOH profile", "career": "career"}  # occupation sheets carry no label
FORMAT_ORDER = ("html", "md", "json")  # what the index links to first

# SOC 2018 major groups, for a code whose group the loaded releases do not title (EP and OEWS title
# them all but 55, Military Specific Occupations, which neither publishes).
SOC_MAJOR_GROUPS = {
    "11": "Management Occupations",
    "13": "Business and Financial Operations Occupations",
    "15": "Computer and Mathematical Occupations",
    "17": "Architecture and Engineering Occupations",
    "19": "Life, Physical, and Social Science Occupations",
    "21": "Community and Social Service Occupations",
    "23": "Legal Occupations",
    "25": "Educational Instruction and Library Occupations",
    "27": "Arts, Design, Entertainment, Sports, and Media Occupations",
    "29": "Healthcare Practitioners and Technical Occupations",
    "31": "Healthcare Support Occupations",
    "33": "Protective Service Occupations",
    "35": "Food Preparation and Serving Related Occupations",
    "37": "Building and Grounds Cleaning and Maintenance Occupations",
    "39": "Personal Care and Service Occupations",
    "41": "Sales and Related Occupations",
    "43": "Office and Administrative Support Occupations",
    "45": "Farming, Fishing, and Forestry Occupations",
    "47": "Construction and Extraction Occupations",
    "49": "Installation, Maintenance, and Repair Occupations",
    "51": "Production Occupations",
    "53": "Transportation and Material Moving Occupations",
    "55": "Military Specific Occupations",
}


class SiteBaseUrlError(ValueError):
    """The site base URL is not an absolute http(s) URL."""


def normalize_base_url(url: str | None) -> str | None:
    """`https://example.org/careers` -> `https://example.org/careers/` (None stays None)."""
    if url is None or not url.strip():
        return None
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise SiteBaseUrlError(
            f"site base URL {url!r}: expected an absolute http(s) URL of the folder the sheets are served from, "
            "e.g. https://example.org/careers/"
        )
    return url if url.endswith("/") else url + "/"


_SITEMAP_PART = re.compile(r"sitemap-[0-9]+\.xml")


def is_site_file(name: str) -> bool:
    """A file of the published folder that is the site's, not a sheet's."""
    return name in SITE_FILES or name in shipped_schemas() or _SITEMAP_PART.fullmatch(name) is not None


def stale_sitemap_parts(present: Iterable[str], site: Mapping[str, bytes]) -> list[str]:
    """The sitemap-N.xml files of an earlier, larger set that the site's files (`site`) no longer have:
    a crawler told of one would keep reading old URLs."""
    return sorted(name for name in present if _SITEMAP_PART.fullmatch(name) and name not in site)


def split_front_matter(markdown: str) -> tuple[str, str]:
    """A sheet's Markdown as (YAML front matter, body); ("", markdown) when it has none."""
    if markdown.startswith("---\n"):
        end = markdown.find("\n---\n", 4)
        if end != -1:
            return markdown[4 : end + 1], markdown[end + 5 :].lstrip("\n")
    return "", markdown


# ---- what the state keeps per sheet --------------------------------------------------------------


def _headline(figure: Figure) -> dict[str, Any]:
    return {
        "text": figure.text,
        "value": figure.value,
        "unit": figure.unit,
        "status": figure.status,
        "period": figure.period,
    }


def site_entry(sheet: Sheet | AreaSheet) -> dict[str, Any]:
    """What the site shows of a sheet (kept in the state as the sheet's `site`)."""
    codes = list(sheet.soc_codes) or ([sheet.soc_code] if sheet.soc_code else [])
    code = sheet.soc_code or (codes[0] if codes else None)
    area = {"area": area_entry(sheet.area)} if isinstance(sheet, AreaSheet) else {}
    return {
        **area,
        "title": sheet.title,
        "heading": sheet.heading,
        "kind": sheet.kind,
        "soc_codes": codes,
        "group": code[:2] if code else None,
        "median_salary": _headline(sheet.median_salary),
        "outlook": _headline(sheet.outlook),
    }


def entry_from_state(prev: dict[str, Any]) -> dict[str, Any]:
    """A sheet published before the state kept `site` entries (held back since): what its state says."""
    heading = prev.get("title") or ""
    code = prev.get("soc_code")
    fields = prev.get("fields", {})
    return {
        "title": heading.removesuffix(" Career Requirements"),
        "heading": heading,
        "kind": prev.get("kind"),
        "soc_codes": [code] if code else [],
        "group": code[:2] if code else None,
        "median_salary": {"text": fields.get("median_salary")},
        "outlook": {"text": fields.get("outlook")},
    }


def occupation_groups(occupations: Mapping[str, OccupationRow]) -> dict[str, str]:
    """SOC major group code -> title, from the releases' own summary rows (`29-0000`)."""
    return {
        code[:2]: row.title
        for code, row in occupations.items()
        if code.endswith("-0000") and code != "00-0000" and row.title
    }


# ---- the files ---------------------------------------------------------------------------------


def _templates() -> tuple[jinja2.Template, jinja2.Template, jinja2.Template]:
    return site_template("index.html.j2"), site_template("sitemap.xml.j2"), site_template("sitemap-index.xml.j2")


@lru_cache(maxsize=1)
def _search_script() -> tuple[str, str]:
    """The search script and its CSP hash (the page allows that script and nothing else)."""
    script = site_source("search.js")
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    return script, f"sha256-{digest}"


@lru_cache(maxsize=1)
def shipped_schemas() -> dict[str, bytes]:
    """factsheets/schema/*.json (the JSON Schema of the sheets' JSON), name -> bytes."""
    folder = resources.files("factsheets").joinpath("schema")
    if not folder.is_dir():
        return {}
    return {
        item.name: item.read_bytes()
        for item in sorted(folder.iterdir(), key=lambda i: i.name)
        if item.name.endswith(".json") and item.is_file()
    }


@lru_cache(maxsize=1)
def site_hash() -> str:
    """Changes with the site's templates, its script or a shipped schema: the site is then rewritten."""
    digest = hashlib.sha256(SITE_VERSION.encode())
    for name in ("index.html.j2", "sitemap.xml.j2", "sitemap-index.xml.j2", "search.js"):
        digest.update(site_source(name).encode())
    digest.update(area_template_source().encode())
    for name, data in shipped_schemas().items():
        digest.update(name.encode() + b"\0" + data)
    return digest.hexdigest()


def site_stamp(base_url: str | None) -> dict[str, Any]:
    """What the state records of the site it was published with (factsheets.behind compares it)."""
    return {"hash": site_hash(), "base_url": normalize_base_url(base_url)}


def _sheets(state: dict[str, Any]) -> list[dict[str, Any]]:
    """The published sheets, in the index's order: by group, then title."""
    groups = state.get("groups", {})
    out = []
    for slug, prev in state["sheets"].items():
        if prev.get("withdrawn"):
            continue
        entry = prev.get("site") or entry_from_state(prev)
        formats = [fmt for fmt in FORMAT_ORDER if fmt in prev.get("formats", ())]
        group = entry.get("group")
        out.append(
            {
                **({"area": entry["area"]} if entry.get("area") else {}),
                "slug": slug,
                "title": entry["title"],
                "heading": entry["heading"],
                "kind": entry["kind"],
                "soc_codes": entry["soc_codes"],
                "group": group,
                "group_title": groups.get(group) or SOC_MAJOR_GROUPS.get(group or "") or OTHER_GROUP,
                "median_salary": entry["median_salary"],
                "outlook": entry["outlook"],
                "updated": prev["refreshed_on"],
                "paths": {fmt: f"{slug}.{fmt}" for fmt in formats},
            }
        )
    out.sort(key=lambda s: (s["group"] is None, s["group"] or "", s["title"].casefold(), s["slug"]))
    return out


def _manifest(
    sheets: list[dict[str, Any]],
    updated: str | None,
    base_url: str | None,
    schemas: list[str],
    areas: list[dict[str, Any]],
) -> bytes:
    groups: dict[str | None, dict[str, Any]] = {}
    for s in sheets:
        groups.setdefault(s["group"], {"code": s["group"], "title": s["group_title"], "sheets": 0})["sheets"] += 1
    doc = {
        "schema": SITE_INDEX_SCHEMA,
        "updated": updated,
        "base_url": base_url,
        "sheet_schema": SHEET_SCHEMA if SHEET_SCHEMA in schemas else None,
        "count": len(sheets),
        "groups": list(groups.values()),
        "sheets": [{k: v for k, v in s.items() if k != "group_title"} for s in sheets],
    }
    if areas:  # only then: a set without area sheets keeps its manifest
        doc["area_sheet_schema"] = AREA_SCHEMA if AREA_SCHEMA in schemas else None
        doc["areas"] = [{k: v for k, v in a.items() if k != "link"} for a in areas]
    return (json.dumps(doc, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def _grouped(sheets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    grouped: list[dict[str, Any]] = []
    for s in sheets:
        if not grouped or grouped[-1]["code"] != s["group"]:
            grouped.append({"code": s["group"], "title": s["group_title"], "anchor": f"group-{s['group'] or 'other'}"})
            grouped[-1]["sheets"] = []
        link = next(iter(s["paths"].values()), None)
        search = " ".join([s["title"], s["heading"], *s["soc_codes"], s["group_title"], s["slug"]]).casefold()
        grouped[-1]["sheets"].append(
            {**s, "link": quote(link) if link else None, "search": search, "kind_label": KIND_LABELS.get(s["kind"])}
        )
    return grouped


def sitemap_files(pages: list[dict[str, Any]], base: str | None, limit: int | None = None) -> dict[str, bytes]:
    """sitemap.xml; past `limit` URLs (SITEMAP_LIMIT: sitemaps.org allows 50,000 per file, e.g. --areas
    all), the pages go into sitemap-1.xml, sitemap-2.xml, ... and sitemap.xml is their sitemap index."""
    limit = SITEMAP_LIMIT if limit is None else limit
    _, urlset, index = _templates()
    if len(pages) <= limit:
        return {SITEMAP: urlset.render(pages=pages).encode("utf-8")}
    files, parts = {}, []
    for number, start in enumerate(range(0, len(pages), limit), start=1):
        chunk = pages[start : start + limit]
        name = f"sitemap-{number}.xml"
        files[name] = urlset.render(pages=chunk).encode("utf-8")
        parts.append({"loc": (base or "") + name, "lastmod": max((p["lastmod"] for p in chunk), default=None)})
    return {SITEMAP: index.render(parts=parts).encode("utf-8"), **files}


def area_site(sheets_state: dict[str, Any], groups: dict[str, str]) -> tuple[dict[str, Any] | None, dict[str, bytes]]:
    """One area's part of the site, from its sheets' state entries (factsheets.area_units): (what the
    top-level index and sitemap show of it, or None when none of its sheets is published; its
    index.html and index.json by name)."""
    every = _sheets({"sheets": sheets_state, "groups": groups})
    _, by_area = split_areas(every)
    areas, files = area_files(by_area, _grouped)
    if not areas:
        return None, {}
    listing = areas[0]
    pages = [[listing["link"], listing["updated"]]]
    pages += [[quote(s["paths"]["html"]), s["updated"]] for s in by_area[listing["folder"]] if "html" in s["paths"]]
    return {"listing": listing, "pages": pages}, files


def _area_order(listing: dict[str, Any]) -> tuple:
    kind = AREA_TYPES.index(listing["type"]) if listing["type"] in AREA_TYPES else len(AREA_TYPES)
    return (kind, listing["name"].casefold(), listing["code"])


def site_files(state: dict[str, Any], *, base_url: str | None = None) -> dict[str, bytes]:
    """index.html, index.json, sitemap.xml and the shipped schemas, from a publish's final state (the
    areas' own index files are made with their sheets, factsheets.area_units: `area_sites` holds what
    the top-level files show of each area)."""
    base = normalize_base_url(base_url)
    every = _sheets(state)
    sheets, by_area = split_areas(every)  # area sheets still in the set's state (before per-area states)
    areas, files = area_files(by_area, _grouped)
    summaries = sorted(state.get("area_sites", {}).values(), key=lambda a: _area_order(a["listing"]))
    areas = sorted(areas + [a["listing"] for a in summaries], key=_area_order)
    area_pages = {a["listing"]["folder"]: a["pages"] for a in summaries}
    updated = max([s["updated"] for s in every] + [a["updated"] for a in areas], default=None)
    schemas = shipped_schemas()
    index_template = _templates()[0]
    script, script_hash = _search_script()
    html = index_template.render(
        groups=_grouped(sheets),
        count=len(sheets),
        updated=updated,
        updated_text=long_date(date.fromisoformat(updated)) if updated else None,
        script=Markup(script),  # our own file, hashed into the page's CSP
        script_hash=script_hash,
        schemas=[name for name in schemas if name != AREA_SCHEMA or areas],
        areas=areas,
    )
    pages = [{"loc": (base or "") + quote(INDEX_HTML), "lastmod": updated}] if updated else []
    pages += [
        {"loc": (base or "") + quote(s["paths"]["html"]), "lastmod": s["updated"]}
        for s in sheets
        if "html" in s["paths"]
    ]
    for area in areas:
        if area["folder"] in area_pages:
            pages += [{"loc": (base or "") + loc, "lastmod": lastmod} for loc, lastmod in area_pages[area["folder"]]]
            continue
        pages.append({"loc": (base or "") + area["link"], "lastmod": area["updated"]})
        pages += [
            {"loc": (base or "") + quote(s["paths"]["html"]), "lastmod": s["updated"]}
            for s in by_area[area["folder"]]
            if "html" in s["paths"]
        ]
    return {
        INDEX_HTML: html.encode("utf-8"),
        INDEX_JSON: _manifest(sheets, updated, base, list(schemas), areas),
        **sitemap_files(pages, base),
        **schemas,
        **files,
    }


__all__ = [
    "INDEX_HTML",
    "INDEX_JSON",
    "SITEMAP",
    "SITEMAP_LIMIT",
    "SITE_FILES",
    "SiteBaseUrlError",
    "area_site",
    "entry_from_state",
    "is_site_file",
    "split_front_matter",
    "normalize_base_url",
    "occupation_groups",
    "shipped_schemas",
    "site_entry",
    "site_files",
    "sitemap_files",
    "stale_sitemap_parts",
    "site_hash",
    "site_stamp",
]
