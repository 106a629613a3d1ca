"""What a run did, per source and for the sheets: counters from every stage, printable and saved as JSON."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path


@dataclass
class SourceReport:
    source: str
    status: str = "pending"  # loaded | unchanged | failed
    release_id: str | None = None
    period: str | None = None
    urls: list[str] = field(default_factory=list)
    requests: int = 0
    not_modified: int = 0
    bytes_downloaded: int = 0
    files_parsed: int = 0
    rows_loaded: int = 0
    row_counts: dict[str, int] = field(default_factory=dict)
    failures: list[list[str]] = field(default_factory=list)  # [url, reason] not fetched
    quarantined: list[list[str]] = field(default_factory=list)  # [file or url, reason] fetched but left out
    carried_forward: list[list[str]] = field(default_factory=list)  # [part, reason] kept from the last good version
    error: str | None = None


@dataclass(kw_only=True)
class PublishOutcome:
    """What a publishing step after the commit point did; its failure never takes the loads back."""

    status: str = "pending"  # written | skipped | failed
    directory: str | None = None
    unchanged: int = 0
    changelog: str | None = None
    reason: str | None = None


@dataclass(kw_only=True)
class SheetsReport(PublishOutcome):
    written: int = 0
    held_back: int = 0
    careers_held_back: list[str] = field(default_factory=list)  # why each career was not published


@dataclass(kw_only=True)
class ArticlesReport(PublishOutcome):
    rewritten: int = 0
    failed: list[list[str]] = field(default_factory=list)  # [article, why it could not be read]
    markdown: str = ""  # what moved, for the Prefect artifact


@dataclass
class ConsistencyReport:
    edition: str
    mismatches: int


@dataclass
class RunReport:
    started_at: datetime
    warehouse: str
    sources: list[SourceReport] = field(default_factory=list)
    sheets: SheetsReport = field(default_factory=SheetsReport)
    articles: ArticlesReport | None = None
    consistency: ConsistencyReport | None = None
    finished_at: datetime | None = None
    run_id: str | None = None
    stopped: str | None = None  # why the run stopped before doing its work (nothing was changed)
    # How long each step took, by its name (fetch-oews, transform-oews, load-oews, commit, publish-sheets,
    # ...): which stage made tonight slow. A step run again under the same name adds up.
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def failed_sources(self) -> list[str]:
        return [s.source for s in self.sources if s.status == "failed"]

    @property
    def ok(self) -> bool:
        return not self.failed_sources

    def exit_status(self) -> int:
        from flows.errors import EXIT_NOT_PUBLISHED, EXIT_OK, EXIT_SOURCE_FAILED

        if not self.ok:
            return EXIT_SOURCE_FAILED
        return EXIT_OK if self.published else EXIT_NOT_PUBLISHED

    @property
    def published(self) -> bool:
        return self.sheets.status != "failed" and (self.articles is None or self.articles.status != "failed")

    @property
    def not_published(self) -> str:
        """Why the sheets or articles were not published, for the run's final message."""
        parts = [f"sheets failed: {self.sheets.reason}"] if self.sheets.status == "failed" else []
        if self.articles is not None and self.articles.status == "failed":
            parts.append(f"articles failed: {self.articles.reason}")
        return "; ".join(parts)

    @property
    def partial(self) -> bool:
        return any(s.failures or s.quarantined or s.carried_forward for s in self.sources)

    def partial_summary(self) -> str:
        parts = [
            f"{s.source}: {len(s.failures)} not fetched, {len(s.quarantined)} quarantined"
            + (f", {len(s.carried_forward)} carried forward" if s.carried_forward else "")
            for s in self.sources
            if s.failures or s.quarantined or s.carried_forward
        ]
        return "partial: " + "; ".join(parts)

    def to_json(self) -> str:
        data = asdict(self)
        data["ok"] = self.ok
        data["partial"] = self.partial
        return json.dumps(data, indent=2, default=str)

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.to_json() + "\n", encoding="utf-8")

    def summary_lines(self) -> list[str]:
        lines = []
        for s in self.sources:
            head = f"{s.source:<12} {s.status:<10}"
            if s.status == "failed":
                lines.append(f"{head} {s.error}")
                continue
            release = f"{s.period or s.release_id or '?'}"
            lines.append(
                f"{head} {release:<12} rows loaded {s.rows_loaded:>7,}   "
                f"downloaded {s.bytes_downloaded:>11,} B in {s.requests} request(s), {s.not_modified} unchanged (304)"
            )
            if s.failures or s.quarantined:
                lines.append(
                    f"{'':<12} PARTIAL: {len(s.failures)} not fetched, {len(s.quarantined)} quarantined "
                    f"(reasons in the run report)"
                )
        if self.consistency is not None:
            lines.append(
                f"{'consistency':<12} OOH {self.consistency.edition} vs EP/OEWS: {self.consistency.mismatches} mismatch(es)"
            )
        sh = self.sheets
        if sh.status == "written":
            held = f", {sh.held_back} held back (kept the published version)" if sh.held_back else ""
            lines.append(f"{'sheets':<12} {sh.written} written, {sh.unchanged} unchanged{held} in {sh.directory}")
            lines += [f"{'':<12} career held back: {reason}" for reason in sh.careers_held_back]
            if sh.changelog:
                lines.append(f"{'changelog':<12} {sh.changelog}")
        elif sh.status == "failed":
            lines.append(f"{'sheets':<12} FAILED: {sh.reason}")
        else:
            lines.append(f"{'sheets':<12} skipped: {sh.reason}")
        art = self.articles
        if art is not None:
            if art.status == "written":
                lines.append(
                    f"{'articles':<12} {art.rewritten} rewritten, {art.unchanged} unchanged in {art.directory}"
                )
                lines += [f"{'':<12} not read: {path}: {why}" for path, why in art.failed]
                if art.changelog:
                    lines.append(f"{'changelog':<12} {art.changelog}")
            else:
                lines.append(f"{'articles':<12} {art.status}: {art.reason}")
        lines.append(f"warehouse    {self.warehouse}")
        return lines
