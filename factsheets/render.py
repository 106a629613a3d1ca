"""A Sheet laid out as Markdown, a standalone HTML page and JSON for a CMS.

Templates (factsheets/templates/) are compiled once per process. HTML uses Jinja2 autoescaping, so
every value from the warehouse or the careers config is escaped; BLS's own text reaches the page
only as escaped paragraphs and list items (the stored OOH HTML is never used). Markdown escapes
the characters that would start markup. JSON carries each figure's provenance.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any

import jinja2

from factsheets import prose
from factsheets.area_sheet import AreaSheet
from factsheets.compact import compact_json
from factsheets.figures import GROWTH_RULE, count, dollars, long_date
from factsheets.model import AlternativeSheet, EmploymentChart, Sheet, WageChart
from factsheets.templating import markdown_and_html, packaged_template

FORMATS = ("md", "html", "json")
JSON_SCHEMA = "bls-refresh/fact-sheet/1"
# Bump when the rendering changes in a way the templates' text does not show (2: escaping; 3: BLS's
# rounding, sources and links between sheets).
RENDER_VERSION = "3"

SCHEMA_FILE = "fact-sheet-1.schema.json"  # the JSON Schema (draft 2020-12) of JSON_SCHEMA, in factsheets/schema/

__all__ = [
    "FORMATS",
    "JSON_SCHEMA",
    "SCHEMA_FILE",
    "json_schema",
    "json_schema_text",
    "long_date",
    "render",
    "render_formats",
    "render_json",
    "sheet_document",
    "templates_hash",
]


def json_schema_text() -> str:
    """The JSON Schema of a sheet's JSON, as shipped (the site copies it beside the sheets)."""
    return resources.files("factsheets").joinpath("schema", SCHEMA_FILE).read_text(encoding="utf-8")


def json_schema() -> dict[str, Any]:
    return json.loads(json_schema_text())


# ---- charts (geometry here, drawing in the HTML template) ---------------------------------------


def wage_chart_geometry(chart: WageChart | None) -> dict[str, Any] | None:
    if chart is None:
        return None
    width, height, left, right, top, bottom = 560, 230, 16, 16, 14, 46
    plot_h = height - top - bottom
    values = [p.value for p in chart.points if p.value is not None]
    top_value = max(values) * 1.12 or 1.0  # room above the tallest bar for its label
    slot = (width - left - right) / len(chart.points)
    bars = []
    for i, point in enumerate(chart.points):
        x = left + i * slot + slot * 0.18
        w = slot * 0.64
        if point.value is None:
            bars.append(
                {
                    "x": x,
                    "w": w,
                    "y": top + plot_h,
                    "h": 0,
                    "label": point.label,
                    "value": "n/a",
                    "missing": True,
                    "median": point.key == "median",
                    "cx": x + w / 2,
                    "open": False,
                }
            )
            continue
        h = max(1.0, point.value / top_value * plot_h)
        money = dollars(point.value, cents=chart.basis == "hourly")
        bars.append(
            {
                "x": round(x, 1),
                "w": round(w, 1),
                "y": round(top + plot_h - h, 1),
                "h": round(h, 1),
                "cx": round(x + w / 2, 1),
                "label": point.label,
                "value": money + ("+" if point.status == "top_coded" else ""),
                "missing": False,
                "median": point.key == "median",
                "open": point.status == "top_coded",
            }
        )
    unit = "per year" if chart.basis == "annual" else "per hour"
    return {
        "width": width,
        "height": height,
        "baseline": top + plot_h,
        "left": left,
        "right": width - right,
        "bars": bars,
        "title": f"Wage distribution, {chart.period} ({unit})",
        "desc": chart.caption,
        "top_coded": any(b["open"] for b in bars),
    }


def employment_chart_geometry(chart: EmploymentChart | None) -> dict[str, Any] | None:
    if chart is None:
        return None
    width, height, label_w, right = 560, 150, 150, 110
    bar_h, gap, top = 34, 22, 22
    scale = max(chart.base, chart.target) or 1.0
    span = width - label_w - right
    rows = []
    for i, (label, value, projected) in enumerate(
        ((f"{chart.base_year}", chart.base, False), (f"{chart.target_year} (projected)", chart.target, True))
    ):
        w = max(1.0, value / scale * span)
        y = top + i * (bar_h + gap)
        rows.append(
            {
                "label": label,
                "y": y,
                "w": round(w, 1),
                "h": bar_h,
                "value": f"{count(value)} jobs",
                "projected": projected,
                "text_y": y + bar_h / 2 + 5,
                "value_x": round(label_w + w + 8, 1),
            }
        )
    return {
        "width": width,
        "height": height,
        "label_w": label_w,
        "rows": rows,
        "title": f"Employment, {chart.base_year} and projected {chart.target_year}",
        "desc": chart.caption,
        "change": chart.change_text,
    }


# ---- JSON --------------------------------------------------------------------------------------


def sheet_document(sheet: Sheet, refreshed_on: date | None) -> dict[str, Any]:
    """The sheet for a CMS: every figure with its provenance (program, release, URL, fetched-at, sha256).
    The fields are described by factsheets/schema/fact-sheet-1.schema.json."""
    return {
        "schema": JSON_SCHEMA,
        "slug": sheet.slug,
        "kind": sheet.kind,
        "title": sheet.title,
        "heading": sheet.heading,
        "career": sheet.title,
        "career_plural": sheet.plural,
        "name": sheet.name,
        "refreshed_on": refreshed_on.isoformat() if refreshed_on else None,
        "as_of": sheet.as_of,
        "occupation": _occupation(sheet),
        "definition": sheet.definition.as_json(),
        "summary": {
            "education": sheet.education.as_json(),
            "job_skills": sheet.job_skills.as_json(),
            "median_salary": sheet.median_salary.as_json(),
            "career_outlook": sheet.outlook.as_json(),
            "source_note": sheet.source_line,
        },
        "required_education": sheet.required_education.as_json(),
        "skills_required": sheet.skills_required.as_json(),
        "career_and_economic_outlook": {
            "paragraphs": sheet.outlook_paragraphs(),
            "growth": _growth(sheet),
            "annual_openings": (
                {
                    "value": sheet.openings,
                    "text": count(sheet.openings),
                    "provenance": sheet.outlook.provenance.as_json() if sheet.outlook.provenance else None,
                }
                if sheet.openings is not None
                else None
            ),
        },
        "alternatives": [
            {
                "name": alt.name,
                "soc_code": alt.soc_code,
                "bls_title": alt.bls_title,
                "url": alt.url,
                "sheet": alt.sheet,
                "description": alt.description.as_json(),
                "median_salary": alt.median_salary.as_json(),
                "career_outlook": alt.outlook.as_json(),
                "paragraphs": sentences,
            }
            for alt, sentences in _alternatives(sheet)
        ],
        "charts": {
            "wage_distribution": _wage_chart(sheet.wage_chart),
            "employment": _employment_chart(sheet.employment_chart),
        },
        "sources": [source.as_json() for source in sheet.sources],
        "releases": {source: prov.as_json() for source, prov in sorted(sheet.releases.items())},
        **({"area_sheets": [{"area": n, "sheet": slug} for n, slug in sheet.area_links]} if sheet.area_links else {}),
    }


def _alternatives(sheet: Sheet) -> list[tuple[AlternativeSheet, list[str]]]:
    return [(alt, alt.sentences()) for alt in sheet.alternatives]


def _occupation(sheet: Sheet) -> dict[str, Any]:
    profile = sheet.profile
    return {
        "soc_code": sheet.soc_code,
        "bls_title": sheet.bls_title,
        "soc_codes": list(sheet.soc_codes),
        "group": {"soc_code": sheet.group[0], "title": sheet.group[1]} if sheet.group else None,
        "ooh_profile": (
            {
                "slug": profile.slug,
                "title": profile.title,
                "url": profile.url,
                "group": profile.occupation_group,
                "covers_code_as_primary": sheet.profile_is_primary,
            }
            if profile is not None
            else None
        ),
    }


def _growth(sheet: Sheet) -> dict[str, Any] | None:
    if sheet.growth is None:
        return None
    return {
        "phrase": sheet.growth.phrase,
        "origin": sheet.growth.origin,
        "all_occupations_percent": sheet.growth.average,
        "rule": GROWTH_RULE if sheet.growth.origin == "derived" else None,
        "provenance": sheet.growth.provenance.as_json(),
    }


def _wage_chart(chart: WageChart | None) -> dict[str, Any] | None:
    if chart is None:
        return None
    return {
        "basis": chart.basis,
        "period": chart.period,
        "points": [{"percentile": p.key, "value": p.value, "status": p.status, "text": p.text} for p in chart.points],
        "caption": chart.caption,
        "provenance": chart.provenance.as_json(),
    }


def _employment_chart(chart: EmploymentChart | None) -> dict[str, Any] | None:
    if chart is None:
        return None
    return {
        "base_year": chart.base_year,
        "base": chart.base,
        "target_year": chart.target_year,
        "target": chart.target,
        "change": chart.change,
        "change_percent": chart.percent,
        "change_percent_whole": chart.whole,
        "caption": chart.caption,
        "provenance": chart.provenance.as_json(),
    }


def render_json(sheet: Sheet, refreshed_on: date) -> str:
    return compact_json(sheet_document(sheet, refreshed_on))


# ---- templates ---------------------------------------------------------------------------------


def _template_source(name: str) -> str:
    return packaged_template(name)


@lru_cache(maxsize=1)
def _environments() -> tuple[jinja2.Template, jinja2.Template]:
    return markdown_and_html(_template_source, "sheet.md.j2", "sheet.html.j2")


def compile_templates() -> None:
    """Compile the sheet templates now (they compile on first use): before forking render helpers, which
    then start with them."""
    _environments()


@lru_cache(maxsize=1)
def templates_hash() -> str:
    """Changes when a template or RENDER_VERSION changes: sheets are then re-rendered (keeping their date)."""
    digest = hashlib.sha256(RENDER_VERSION.encode())
    for name in ("sheet.md.j2", "sheet.html.j2", "area.md.j2", "area.html.j2"):
        digest.update(_template_source(name).encode())
    return digest.hexdigest()


def _context(sheet: Sheet, refreshed_on: date) -> dict[str, Any]:
    return {
        "s": sheet,
        "date_text": long_date(refreshed_on),
        "date_iso": refreshed_on.isoformat(),
        "outlook_paragraphs": sheet.outlook_paragraphs(),
        "alternatives": _alternatives(sheet),
        "wage": wage_chart_geometry(sheet.wage_chart),
        "employment": employment_chart_geometry(sheet.employment_chart),
        "sources": sheet.sources,
        "in_sentence": prose.in_sentence,
    }


def render(sheet: Sheet | AreaSheet, refreshed_on: date, formats: tuple[str, ...] = FORMATS) -> dict[str, str]:
    if isinstance(sheet, AreaSheet):
        from factsheets.area_render import render_area  # it imports this module

        return render_area(sheet, refreshed_on, formats)
    return render_formats(
        formats, _environments(), lambda: _context(sheet, refreshed_on), lambda: render_json(sheet, refreshed_on)
    )


def render_formats(
    formats: tuple[str, ...],
    templates: tuple[jinja2.Template, jinja2.Template],
    context: Callable[[], dict[str, Any]],
    json_text: Callable[[], str],
) -> dict[str, str]:
    """One sheet in each of `formats`: JSON from `json_text`, Markdown and HTML from `templates` (md, html)
    over `context`, which is built once and only when a template needs it."""
    by_format = dict(zip(("md", "html"), templates, strict=True))
    out: dict[str, str] = {}
    values: dict[str, Any] | None = None
    for fmt in formats:
        if fmt == "json":
            out[fmt] = json_text()
        elif fmt in by_format:
            values = values if values is not None else context()
            out[fmt] = by_format[fmt].render(values)
        else:
            raise ValueError(f"unknown sheet format {fmt!r}; choose from {', '.join(FORMATS)}")
    return out
