"""The run report as Markdown (the Prefect artifact): text from BLS pages renders as text."""

from __future__ import annotations

from datetime import UTC, datetime

from markdown_it import MarkdownIt

from flows.artifacts import report_markdown
from flows.report import RunReport, SheetsReport, SourceReport

SCRIPT = '<script>alert("pwned")</script>'
IMAGE = "<img src=x onerror=alert(1)>"


def test_text_from_pages_and_configs_renders_as_text_in_the_artifact():
    ooh = SourceReport(
        source="ooh",
        status="loaded",
        release_id="2024-34",
        period="2024-2034",
        quarantined=[["https://www.bls.gov/ooh/x.htm", f"expected a quick-facts table, found {SCRIPT}"]],
        carried_forward=[["medical-records-and-health-information-technicians", f"layout drift {IMAGE} | pipe"]],
    )
    report = RunReport(
        started_at=datetime(2026, 11, 30, tzinfo=UTC),
        warehouse="/data/warehouse.duckdb",
        sources=[ooh],
        sheets=SheetsReport(status="written", written=2, careers_held_back=[f"careers.toml:9: career '{SCRIPT}'"]),
    )
    markdown = report_markdown(report, "/data/last-run.json")
    rendered = MarkdownIt("commonmark", {"html": True}).enable("table").render(markdown)
    assert "<script" not in rendered and "<img" not in rendered
    assert "&lt;script&gt;" in rendered and "onerror=alert(1)" in rendered  # the words are there, as text
    assert "medical-records-and-health-information-technicians" in rendered
    table_rows = [line for line in markdown.splitlines() if line.startswith("| ooh |")]
    assert len(table_rows) == 1  # a pipe in a reason cannot break the table
