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
    rows_loaded: int = 0
    row_counts: dict[str, int] = field(default_factory=dict)
    error: str | None = None


@dataclass
class SheetsReport:
    status: str = "pending"  # written | skipped
    directory: str | None = None
    written: int = 0
    unchanged: int = 0
    reason: str | None = None


@dataclass
class RunReport:
    started_at: datetime
    warehouse: str
    sources: list[SourceReport] = field(default_factory=list)
    sheets: SheetsReport = field(default_factory=SheetsReport)
    finished_at: datetime | None = None

    @property
    def failed_sources(self) -> list[str]:
        return [s.source for s in self.sources if s.status == "failed"]

    @property
    def ok(self) -> bool:
        return not self.failed_sources

    def to_json(self) -> str:
        data = asdict(self)
        data["ok"] = self.ok
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
        sh = self.sheets
        if sh.status == "written":
            lines.append(f"{'sheets':<12} {sh.written} rewritten, {sh.unchanged} unchanged in {sh.directory}")
        else:
            lines.append(f"{'sheets':<12} skipped: {sh.reason}")
        lines.append(f"warehouse    {self.warehouse}")
        return lines
