"""An area sheet (factsheets.area_sheet) laid out as Markdown, HTML and JSON, with the national sheet's
template conventions (escaping, filters). Its JSON is described by factsheets/schema/area-sheet-1.schema.json.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Any

import jinja2

from factsheets.area_sheet import AreaAlternative, AreaSheet, Row
from factsheets.compact import compact_json
from factsheets.figures import long_date
from factsheets.render import FORMATS, _template_source, render_formats
from factsheets.templating import markdown_and_html

AREA_JSON_SCHEMA = "bls-refresh/area-sheet/1"
AREA_SCHEMA_FILE = "area-sheet-1.schema.json"
AREA_TEMPLATES = ("area.md.j2", "area.html.j2")


@lru_cache(maxsize=1)
def _templates() -> tuple[jinja2.Template, jinja2.Template]:
    return markdown_and_html(_template_source, *AREA_TEMPLATES)


def _alternatives(sheet: AreaSheet) -> list[tuple[AreaAlternative, list[str]]]:
    return [(alt, alt.sentences(sheet.area.place)) for alt in sheet.alternatives]


def _labels(sheet: AreaSheet) -> tuple[str, str]:
    oews = sheet.oews
    outlook = sheet.outlook.provenance
    oews_label = f"Occupational Employment and Wage Statistics, {oews.period}" if oews and oews.period else "OEWS"
    return oews_label, f"Employment Projections {outlook.release}" if outlook and outlook.release else "none"


def _row(row: Row) -> dict[str, Any]:
    return {"key": row.key, "label": row.label, "area": row.area.as_json(), "nation": row.nation.as_json()}


def area_document(sheet: AreaSheet, refreshed_on: date | None) -> dict[str, Any]:
    national = sheet.national
    area = sheet.area
    return {
        "schema": AREA_JSON_SCHEMA,
        "slug": sheet.slug,
        "kind": "area",
        "title": sheet.title,
        "heading": sheet.heading,
        "name": national.name,
        "refreshed_on": refreshed_on.isoformat() if refreshed_on else None,
        "area": {"code": area.code, "name": area.name, "type": area.type, "state_code": area.state_code},
        "occupation": {"soc_code": sheet.soc_code, "bls_title": national.bls_title},
        "national_sheet": national.slug,
        "definition": national.definition.as_json(),
        "summary": {
            "education": national.education.as_json(),
            "job_skills": national.job_skills.as_json(),
            "median_salary": sheet.median_salary.as_json(),
            "national_median_salary": national.median_salary.as_json(),
            "career_outlook": {**sheet.outlook.as_json(), "scope": "national"},
        },
        "wages": {"basis": sheet.basis, "note": sheet.basis_note, "rows": [_row(r) for r in sheet.wages]},
        "jobs": [_row(r) for r in sheet.jobs],
        "required_education": national.required_education.as_json(),
        "skills_required": national.skills_required.as_json(),
        "career_and_economic_outlook": {"paragraphs": sheet.outlook_paragraphs(), "scope": "national"},
        "alternatives": [
            {
                "name": alt.name,
                "soc_code": alt.soc_code,
                "link": alt.link,
                "description": alt.description.as_json(),
                "median_salary": alt.median_salary.as_json(),
                "career_outlook": {**alt.outlook.as_json(), "scope": "national"},
                "paragraphs": sentences,
            }
            for alt, sentences in _alternatives(sheet)
        ],
        "releases": {source: prov.as_json() for source, prov in sorted(sheet.releases.items())},
    }


def _context(sheet: AreaSheet, refreshed_on: date) -> dict[str, Any]:
    oews_label, outlook_label = _labels(sheet)
    return {
        "s": sheet,
        "n": sheet.national,
        "date_text": long_date(refreshed_on),
        "date_iso": refreshed_on.isoformat(),
        "outlook_paragraphs": sheet.outlook_paragraphs(),
        "alternatives": _alternatives(sheet),
        "oews_label": oews_label,
        "outlook_label": outlook_label,
    }


def render_area(sheet: AreaSheet, refreshed_on: date, formats: tuple[str, ...] = FORMATS) -> dict[str, str]:
    return render_formats(
        formats,
        _templates(),
        lambda: _context(sheet, refreshed_on),
        lambda: compact_json(area_document(sheet, refreshed_on)),
    )


__all__ = ["AREA_JSON_SCHEMA", "AREA_SCHEMA_FILE", "AREA_TEMPLATES", "area_document", "render_area"]
