"""The run report as Prefect artifacts (markdown + table), readable in the UI next to the flow run."""

from __future__ import annotations

from factsheets.text import escape_markdown, markdown_cell
from flows.report import RunReport, SourceReport

MAX_LISTED = 100

REPORT_KEY = "bls-refresh-report"
TABLE_KEY = "bls-refresh-sources"
ARTICLES_KEY = "bls-refresh-articles"


def report_rows(report: RunReport) -> list[dict]:
    return [
        {
            "source": s.source,
            "status": s.status,
            "release": s.period or s.release_id or "",
            "requests": s.requests,
            "not_modified_304": s.not_modified,
            "bytes_downloaded": s.bytes_downloaded,
            "files_parsed": s.files_parsed,
            "rows_loaded": s.rows_loaded,
            "not_fetched": len(s.failures),
            "quarantined": len(s.quarantined),
            "error": s.error or "",
        }
        for s in report.sources
    ]


def report_markdown(report: RunReport, report_path: str) -> str:
    """The run report for the Prefect UI. Every text that came from BLS, a page or a config is escaped:
    it renders as the characters it is, never as markup."""
    lines = [
        f"# bls-refresh run {'OK' if report.ok else 'FAILED'}{' (partial)' if report.ok and report.partial else ''}",
        "",
        "| source | status | release | requests | 304 | bytes | files parsed | rows loaded | not fetched | quarantined |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in report_rows(report):
        lines.append(
            f"| {markdown_cell(row['source'])} | {markdown_cell(row['status'])} | {markdown_cell(row['release'])} "
            f"| {row['requests']} | {row['not_modified_304']} | {row['bytes_downloaded']:,} | {row['files_parsed']} "
            f"| {row['rows_loaded']:,} | {row['not_fetched']} | {row['quarantined']} |"
        )
    for s in report.sources:
        lines += source_problems(s)
    if report.consistency is not None:
        lines += [
            "",
            f"Consistency, OOH {escape_markdown(report.consistency.edition)} vs EP/OEWS: "
            f"{report.consistency.mismatches} mismatch(es) (table `consistency_mismatches`).",
        ]
    lines += sheets_lines(report)
    lines += ["", f"Warehouse: {escape_markdown(report.warehouse)}; JSON report: {escape_markdown(report_path)}"]
    return "\n".join(lines)


def source_problems(s: SourceReport) -> list[str]:
    lines = []
    if s.error:
        lines += ["", f"**{escape_markdown(s.source)} failed:** {markdown_cell(s.error)}"]
    for title, problems in (
        ("not fetched", s.failures),
        ("quarantined", s.quarantined),
        ("carried forward (kept their last good rows)", s.carried_forward),
    ):
        if problems:
            lines += ["", f"**{escape_markdown(s.source)}: {len(problems)} {title}**", ""]
            lines += [f"- {markdown_cell(where)}: {markdown_cell(why)}" for where, why in problems[:MAX_LISTED]]
            if len(problems) > MAX_LISTED:
                lines.append(f"- … {len(problems) - MAX_LISTED} more in the JSON report")
    return lines


def sheets_lines(report: RunReport) -> list[str]:
    sheets = report.sheets
    if sheets.status == "written":
        head = f"Sheets: {sheets.written} written, {sheets.unchanged} unchanged in {escape_markdown(sheets.directory)}"
    else:
        head = f"Sheets: {sheets.status} ({markdown_cell(sheets.reason)})"
    lines = ["", head]
    lines += [f"- career held back: {markdown_cell(reason)}" for reason in sheets.careers_held_back]
    if sheets.changelog:
        lines.append(f"Changelog: {escape_markdown(sheets.changelog)}")
    if report.articles is not None:
        art = report.articles
        lines.append(f"Articles: {art.status}, {art.rewritten} rewritten ({markdown_cell(art.reason or '')})")
    return lines


def publish_artifacts(report: RunReport, report_path: str) -> None:
    from prefect.artifacts import create_markdown_artifact, create_table_artifact

    create_markdown_artifact(
        key=REPORT_KEY,
        markdown=report_markdown(report, report_path),
        description="What this refresh fetched, parsed, loaded and published",
    )
    create_table_artifact(key=TABLE_KEY, table=report_rows(report), description="Per-source counters")
    if report.articles is not None and report.articles.markdown:
        create_markdown_artifact(
            key=ARTICLES_KEY, markdown=report.articles.markdown, description="Figures refreshed in editors' articles"
        )
