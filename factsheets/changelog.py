"""What moved in a publish, for editors: `changelog/<run>.jsonl` (one JSON object per entry) and
`changelog/<run>.md`, plus `changelog/latest.md` describing the newest run.

Every value in the Markdown (sheet titles, BLS text excerpts, careers-config names) goes through
factsheets.text: text from BLS reads as text, never as live HTML or Markdown.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from factsheets.text import markdown_cell

CHANGELOG_DIR = "changelog"


@dataclass(frozen=True)
class ChangeEntry:
    sheet: str
    title: str
    kind: str  # changed | created | held_back | withdrawn
    field: str
    old: str | None
    new: str | None
    release: str

    def as_json(self, run: str) -> dict[str, Any]:
        return {
            "run": run,
            "sheet": self.sheet,
            "title": self.title,
            "kind": self.kind,
            "field": self.field,
            "old": self.old,
            "new": self.new,
            "release": self.release,
        }


# json.dumps with an option builds an encoder per call: tens of thousands of entries (a first area publish)
_JSON = json.JSONEncoder(ensure_ascii=False)


def changelog_jsonl(run: str, entries: list[ChangeEntry]) -> str:
    return "".join(_JSON.encode(e.as_json(run)) + "\n" for e in entries)


def _table(title: str, headers: tuple[str, ...], entries: list[ChangeEntry]) -> list[str]:
    rows = [
        "| " + " | ".join(markdown_cell(v) for v in (e.sheet, e.field, e.old, e.new, e.release)) + " |" for e in entries
    ]
    return [title, "", "| " + " | ".join(headers) + " |", "|" + "---|" * len(headers), *rows, ""]


def _bullets(title: str, lines: list[str]) -> list[str]:
    return [title, "", *lines, ""]


def changelog_markdown(run: str, refreshed: str, summary: str, entries: list[ChangeEntry]) -> str:
    out = [f"# Fact sheet changes, run {markdown_cell(run)}", "", f"Refresh of {refreshed}: {summary}.", ""]
    by_kind: dict[str, list[ChangeEntry]] = {}
    for entry in entries:
        by_kind.setdefault(entry.kind, []).append(entry)
    if "changed" in by_kind:
        out += _table("## Changed fields", ("Sheet", "Field", "Old", "New", "Release"), by_kind["changed"])
    if "held_back" in by_kind:
        out += _table(
            "## Held back (the published sheet is kept)",
            ("Sheet", "Field", "Published", "Would be", "Release"),
            by_kind["held_back"],
        )
    if "created" in by_kind:
        created = [
            f"- {markdown_cell(e.sheet)}: {markdown_cell(e.new)} ({markdown_cell(e.release)})"
            for e in by_kind["created"]
        ]
        out += _bullets(f"## New sheets ({len(created)})", created)
    if "withdrawn" in by_kind:
        withdrawn = [f"- {markdown_cell(e.sheet)}: {markdown_cell(e.new)}" for e in by_kind["withdrawn"]]
        out += _bullets(f"## Withdrawn ({len(withdrawn)})", withdrawn)
    return "\n".join(out)


def nothing_changed_markdown(run: str, refreshed: str, summary: str, rerendered: int) -> str:
    note = f" ({rerendered} re-rendered for a template change)" if rerendered else ""
    return f"# Fact sheet changes\n\nRun {markdown_cell(run)}, refresh of {refreshed}: no sheet changed{note}; {summary}.\n"


def run_name(now_stamp: str, taken: set[str]) -> str:
    """This run's changelog name: the UTC time, with -2, -3 ... when a run of that second exists."""
    run, suffix = now_stamp, 1
    while run in taken:
        suffix += 1
        run = f"{now_stamp}-{suffix}"
    return run


__all__ = [
    "CHANGELOG_DIR",
    "ChangeEntry",
    "changelog_jsonl",
    "changelog_markdown",
    "nothing_changed_markdown",
    "run_name",
]
