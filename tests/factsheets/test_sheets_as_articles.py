"""The sheets and the article refresh print BLS's figures the same way: every occupation sheet published from
the older releases (OEWS May 2024, EP 2023-33), refreshed as an editor's article against the newer ones (OEWS
May 2025, EP 2024-34), carries the headline figures and the outlook paragraphs of the sheet published from the
newer ones, unless the refresh lists why it left a figure as written. The sheets of OOH profiles too: a profile
of several codes and none of its own prints the OOH's figures, which the refresh keeps (no OEWS or EP release
publishes them). On the real releases of ../shared."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from site_fixtures import RUN1, RUN2, read_only

from factsheets.articles import audit_articles
from factsheets.publish import publish_sheets

pytestmark = [pytest.mark.slow, pytest.mark.shared_data]

HEADLINE = re.compile(r"^\| (Median Salary\*|Career Outlook\*) \| (.*) \|$", re.M)
COMPARISON = re.compile(r", (?:much faster|faster|about as fast|slower) (?:than|as) the average for all occupations")
OUTLOOK = re.compile(r"^## Career and Economic Outlook\n\n(.*)\n\n(.*)$", re.M)


def headline(text: str) -> dict[str, str]:
    """The table's salary and outlook cells, a direction word read as the sign it gives (an article keeps
    its own form: "-2%" where the sheet writes "decline 2%"), and the outlook section's two paragraphs
    (the projection, with the average and the openings; the wage) as written."""
    cells = {k: re.sub(r"^decline ", "-", v).removeprefix("grow ") for k, v in HEADLINE.findall(text)}
    found = OUTLOOK.search(text)
    assert found is not None
    return {**cells, "outlook": found[1], "wage": found[2]}


def test_a_sheet_from_older_releases_refreshed_as_an_article_carries_the_newer_sheets_figures(tmp_path):
    with read_only("old") as con:
        publish_sheets(con, out_dir=tmp_path / "old", **RUN1)
    with read_only("new") as con:
        publish_sheets(con, out_dir=tmp_path / "new", **RUN2)
        # the sheets of occupations and of OOH profiles (of several codes, or of an EP summary line)
        old = tmp_path / "old"
        sheets = sorted([*old.glob("[0-9][0-9]-[0-9]*.md"), *old.glob("ooh-*.md")])
        results, errors = audit_articles(con, sheets)
    assert errors == [] and len(results) > 800
    same, left, differ = 0, 0, []
    for result in results:
        wanted = headline((tmp_path / "new" / Path(result.name).name).read_text(encoding="utf-8"))
        got = headline(result.refreshed)
        kept_lines = {k.line for k in result.kept}
        lines = result.refreshed.splitlines()
        for cell, value in wanted.items():
            line = next(n for n, text in enumerate(lines, 1) if text.startswith(f"| {cell}") or text == got[cell])
            if cell == "outlook" and not COMPARISON.search(got[cell]):
                value = COMPARISON.sub("", value)  # a decline now growth: a refresh adds no words of its own
            if cell in ("wage", "outlook") and value.startswith("BLS did not publish"):
                continue  # a sentence with no figure to refresh
            if got.get(cell) == value:
                same += 1
            elif line in kept_lines:
                left += 1  # a lower bound BLS now publishes exactly, a decline now 0% ...: listed with the reason
            else:
                differ.append((Path(result.name).name, cell, got.get(cell), value))
    assert differ[:5] == [] and len(differ) == 0, len(differ)
    assert same > 3400 and left < 150, (same, left)
