"""The first fact sheet: the reference's summary rows, one Markdown file per occupation."""
from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from factsheets.figures import is_missing, median_salary, outlook, text_or_unpublished
from warehouse.queries import occupation_facts

_REFRESH_LINE = re.compile(r"^Refreshed .*$", re.MULTILINE)


@dataclass
class SheetExport:
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    directory: Path | None = None


def slug_for(soc_code: str, title: str) -> str:
    words = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:80].rstrip("-")
    return f"{soc_code}-{words}" if words else soc_code


def source_line(row) -> str:
    parts = []
    if not is_missing(row.get("oews_period")):
        parts.append(f"Occupational Employment and Wage Statistics, {row['oews_period']}")
    if not is_missing(row.get("projection_cycle")):
        parts.append(
            f"Employment Projections {int(row['projection_base_year'])}-{int(row['projection_target_year'])}"
        )
    detail = f" ({'; '.join(parts)})" if parts else ""
    return f"Source: *U.S. Bureau of Labor Statistics{detail}"


def render_summary_markdown(row, refreshed_on: date) -> str:
    title = str(row["title"])
    return "\n".join(
        [
            f"# {title} Career Requirements",
            "",
            f"Refreshed {refreshed_on:%B} {refreshed_on.day}, {refreshed_on.year}",
            "",
            f"SOC code {row['soc_code']}",
            "",
            "| | |",
            "|---|---|",
            f"| Education | {text_or_unpublished(row.get('education'))} |",
            f"| Median Salary* | {median_salary(row)} |",
            f"| Career Outlook* | {outlook(row)} |",
            "",
            source_line(row),
            "",
        ]
    )


def _without_refresh_date(text: str) -> str:
    return _REFRESH_LINE.sub("", text)


def write_if_changed(path: Path, text: str) -> bool:
    """Rewrite only when something besides the refresh date moved, atomically, so readers never see half a sheet."""
    if path.exists() and _without_refresh_date(path.read_text(encoding="utf-8")) == _without_refresh_date(text):
        return False
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(tmp, path)
    return True


def sheet_rows(con: duckdb.DuckDBPyConnection):
    """Detailed occupations: EP line items and OEWS detailed codes."""
    facts = occupation_facts(con)
    keep = (facts["occupation_type"] == "Line item") | (facts["level"] == "detailed")
    return facts[keep.fillna(False)]


def export_summary_sheets(con: duckdb.DuckDBPyConnection, out_dir: Path, refreshed_on: date) -> SheetExport:
    out_dir.mkdir(parents=True, exist_ok=True)
    export = SheetExport(directory=out_dir)
    for row in sheet_rows(con).to_dict("records"):
        slug = slug_for(row["soc_code"], str(row["title"]))
        if write_if_changed(out_dir / f"{slug}.md", render_summary_markdown(row, refreshed_on)):
            export.written.append(slug)
        else:
            export.unchanged += 1
    return export
