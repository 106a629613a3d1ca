"""What an audit and refresh found, for the editor (Markdown), for a CMS (JSON), and as a unified diff."""

from __future__ import annotations

import difflib
from collections import Counter
from typing import Any

from factsheets.articles.audit import Audit
from factsheets.articles.bind import Binding
from factsheets.articles.measures import MEASURE_LABELS, OUTLOOK_WORDS
from factsheets.articles.refresh import Change
from factsheets.articles.session import ArticleResult

REPORT_VERSION = 1


def unified_diff(result: ArticleResult, *, context: int = 0) -> str:
    return "".join(
        difflib.unified_diff(
            result.document.source.splitlines(keepends=True),
            result.refreshed.splitlines(keepends=True),
            fromfile=result.name,
            tofile=f"{result.name} (refreshed)",
            n=context,
        )
    )


def _change_dict(result: ArticleResult, change: Change) -> dict[str, Any]:
    document = result.document
    return {
        "figure": change.figure,
        "line": change.line,
        "column": change.column,
        "old": change.old,
        "new": change.new,
        "soc": change.soc,
        "title": change.title,
        "measure": change.measure,
        "from_release": change.from_release,
        "to_release": change.to_release,
        "provenance": change.provenance.as_dict(),
        "edits": [
            {
                "line": document.line_col(e.start)[0],
                "column": document.line_col(e.start)[1],
                "old": document.text[e.start : e.end],
                "new": e.new,
            }
            for e in change.edits
        ],
        "notes": change.notes,
    }


def _figure_dict(binding: Binding, audit: Audit, change: Change | None, kept: str | None) -> dict[str, Any]:
    claim = binding.claim
    entry: dict[str, Any] = {
        "figure": binding.figure.index,
        "text": binding.figure.text,
        "kind": binding.figure.kind,
        "line": binding.line,
        "column": binding.column,
        "status": audit.status,
        "note": audit.note or None,
        "bls_value": audit.bls_text,
        "backfill": audit.backfill,
        "binding": {
            "soc": binding.soc,
            "candidates": list(binding.socs) if len(binding.socs) > 1 else [],
            "measure": audit.measure or binding.measure,
            "measure_candidates": list(binding.measures) if len(binding.measures) > 1 else [],
            "release_claimed": claim.label if claim else None,
            "release_held": bool(claim and claim.release),
            "pinned": binding.pin.number if binding.pin is not None else None,
            "evidence": {
                "occupation": binding.occupation_evidence or None,
                "measure": binding.measure_evidence or None,
                "release": binding.release_evidence or None,
            },
        },
    }
    if change is not None:
        entry["refresh"] = {"new": change.new, "to_release": change.to_release, "notes": change.notes}
    elif kept is not None:
        entry["refresh"] = {"kept": kept}
    return entry


def report_json(result: ArticleResult) -> dict[str, Any]:
    """Every figure with its binding, evidence, audit and refresh; every change with its provenance."""
    by_figure = {c.figure: c for c in result.changes}
    kept = {k.figure: k.reason for k in result.kept}
    statuses = Counter(audit.status for _, audit in result.figures)
    return {
        "version": REPORT_VERSION,
        "article": result.name,
        "format": result.document.kind,
        "as_of": result.as_of,
        "newest_releases": result.releases,
        "summary": {
            "figures": len(result.figures),
            "statuses": dict(sorted(statuses.items())),
            "changed": len(result.changes),
            "kept": len(result.kept),
            "comparisons_changed": len(result.outlook),
            "comparisons_kept": len(result.outlook_kept),
        },
        "figures": [
            _figure_dict(b, a, by_figure.get(b.figure.index), kept.get(b.figure.index)) for b, a in result.figures
        ],
        "changes": [_change_dict(result, c) for c in result.changes],
        # BLS's comparison with the average written without a figure ("faster-than-average growth")
        "comparisons": [_change_dict(result, c) for c in result.outlook],
        "comparisons_kept": [{"line": k.line, "text": k.text, "reason": k.reason} for k in result.outlook_kept],
        "sidecar": str(result.sidecar.path) if result.sidecar else None,
        "stale_pins": [
            {"pin": pin.number, "sidecar_line": pin.at_line, "figure": pin.figure, "reason": reason}
            for pin, reason in result.stale_pins
        ],
    }


def _change_lines(change: Change) -> list[str]:
    """A change with its provenance, then its notes."""
    p = change.provenance
    what = "" if change.measure == OUTLOOK_WORDS else f"{MEASURE_LABELS[change.measure]}, {change.from_release} -> "
    series = "" if change.measure == OUTLOOK_WORDS else f", series {p.series}"
    head = (
        f"- line {change.line}: {change.old} -> **{change.new}** ({change.soc} {change.title}, {what}"
        f"{change.to_release}; {p.program} {p.release}{series}, {p.source_url})"
    )
    return [head, *(f"  - {note}" for note in change.notes)]


def comparisons_summary(result: ArticleResult) -> str:
    """' Comparisons with the average: 1 refreshed, 0 left as written.' (empty when the article has none)."""
    if not result.outlook and not result.outlook_kept:
        return ""
    return (
        f" Comparisons with the average: {len(result.outlook)} refreshed, {len(result.outlook_kept)} left as written."
    )


def _cell(value: object) -> str:
    return " ".join(str("—" if value in (None, "") else value).split()).replace("|", "\\|")


def report_markdown(result: ArticleResult) -> str:
    """The editor's report: a table of every figure, then the changes with their sources, then what stayed."""
    by_figure = {c.figure: c for c in result.changes}
    kept = {k.figure: k.reason for k in result.kept}
    releases = ", ".join(result.releases.values()) or "none"
    as_of = f" (as of {result.as_of})" if result.as_of is not None else ""
    lines = [
        f"# BLS figures in {result.name}",
        "",
        f"Newest releases held{as_of}: {releases}. {len(result.figures)} figures, "
        f"{len(result.changes)} refreshed, {len(result.kept)} left as written.{comparisons_summary(result)}",
        "",
        "| Line | Figure | Status | Bound to | BLS says | Refresh |",
        "|---:|---|---|---|---|---|",
    ]
    for binding, audit in result.figures:
        change = by_figure.get(binding.figure.index)
        bound = "; ".join(binding.socs) or "—"
        measure = audit.measure or binding.measure
        if measure:
            bound += f" {MEASURE_LABELS[measure]}"
        if binding.claim:
            bound += f", {binding.claim.label}"
        refresh = (
            f"{change.new} ({change.to_release})"
            if change
            else f"kept: {kept[binding.figure.index]}"
            if binding.figure.index in kept
            else "up to date"
        )
        says = audit.bls_text or (audit.backfill and "backfill") or ""
        lines.append(
            f"| {binding.line} | {_cell(binding.figure.text)} | {_cell(audit.status)} | {_cell(bound)} | "
            f"{_cell(says)} | {_cell(refresh)} |"
        )
    notes = [(b, a) for b, a in result.figures if a.note or a.backfill]
    if notes:
        lines += ["", "## Findings", ""]
        for binding, audit in notes:
            text = f"- line {binding.line}, {binding.figure.text}: **{audit.status}**"
            text += f". {audit.note}" if audit.note else ""
            text += f". Backfill {audit.backfill}" if audit.backfill else ""
            lines.append(text)
    if result.changes:
        lines += ["", "## Changes", "", *(line for change in result.changes for line in _change_lines(change))]
    if result.kept:
        lines += ["", "## Left as written", ""]
        lines += [f"- line {k.line}, {k.text}: {k.reason}" for k in result.kept]
    if result.outlook or result.outlook_kept:
        lines += ["", "## Comparisons with the average", ""]
        lines += [line for change in result.outlook for line in _change_lines(change)]
        lines += [f"- line {k.line}, '{k.text}': left as written: {k.reason}" for k in result.outlook_kept]
    lines += ["", "## Evidence", ""]
    for binding, _ in result.figures:
        parts = [
            f"occupation {binding.occupation_evidence}" if binding.occupation_evidence else "",
            f"measure {binding.measure_evidence}" if binding.measure_evidence else "",
            f"release {binding.release_evidence}" if binding.release_evidence else "",
        ]
        lines.append(f"- line {binding.line}, {binding.figure.text}: " + "; ".join(p for p in parts if p))
    if result.stale_pins:
        lines += ["", "## Sidecar pins that bind nothing", ""]
        lines += [f"- pin {pin.number} (line {pin.at_line}): {reason}" for pin, reason in result.stale_pins]
    return "\n".join(lines) + "\n"
