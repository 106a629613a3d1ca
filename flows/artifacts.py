"""The run report as Prefect artifacts (markdown + table), readable in the UI next to the flow run."""

from __future__ import annotations

from flows.report import RunReport

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
    lines = [
        f"# bls-refresh run {'OK' if report.ok else 'FAILED'}{' (partial)' if report.ok and report.partial else ''}",
        "",
        "| source | status | release | requests | 304 | bytes | files parsed | rows loaded | not fetched | quarantined |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in report_rows(report):
        lines.append(
            f"| {row['source']} | {row['status']} | {row['release']} | {row['requests']} | {row['not_modified_304']} "
            f"| {row['bytes_downloaded']:,} | {row['files_parsed']} | {row['rows_loaded']:,} | {row['not_fetched']} "
            f"| {row['quarantined']} |"
        )
    for s in report.sources:
        if s.error:
            lines += ["", f"**{s.source} failed:** {_escape(s.error)}"]
        problems = [*s.failures, *s.quarantined]
        if problems:
            lines += ["", f"**{s.source}: {len(s.failures)} not fetched, {len(s.quarantined)} quarantined**", ""]
            lines += [f"- {_escape(url)}: {_escape(reason)}" for url, reason in problems[:100]]
            if len(problems) > 100:
                lines.append(f"- … {len(problems) - 100} more in the JSON report")
    if report.consistency is not None:
        lines += [
            "",
            f"Consistency, OOH {report.consistency.edition} vs EP/OEWS: "
            f"{report.consistency.mismatches} mismatch(es) (table `consistency_mismatches`).",
        ]
    sheets = report.sheets
    lines += [
        "",
        f"Sheets: {sheets.status}"
        + (
            f", {sheets.written} rewritten, {sheets.unchanged} unchanged in `{sheets.directory}`"
            if sheets.status == "written"
            else f" ({sheets.reason})"
        ),
    ]
    if sheets.changelog:
        lines.append(f"Changelog: `{sheets.changelog}`")
    lines += ["", f"Warehouse: `{report.warehouse}`; JSON report: `{report_path}`"]
    return "\n".join(lines)


def _escape(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


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
