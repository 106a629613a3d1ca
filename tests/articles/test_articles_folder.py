"""The nightly refresh of a folder of articles: only articles whose figures moved are rewritten (atomically,
each on its own), a changelog says what moved, a second run changes nothing, a bad article is listed without
stopping the others, and an article edited during the run is not overwritten."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from articles_fixtures import ARTICLES
from bls_files import REFERENCE

from factsheets.articles import refresh_articles_folder
from factsheets.articles.folder import STATE_DIR
from factsheets.articles.session import ArticleSession

RUN = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
CURRENT = "Medical Transcriptionists\n\nMedical transcriptionists earned a median annual wage of $40,410 in May 2025.\n"


@pytest.fixture
def folder(tmp_path) -> Path:
    root = tmp_path / "articles"
    (root / "healthcare").mkdir(parents=True)
    shutil.copy(REFERENCE, root / "healthcare" / "health-information-technician.txt")
    shutil.copy(ARTICLES / "medical-records-career.html", root / "medical-records-career.html")
    shutil.copy(ARTICLES / "mean-as-median.txt", root / "mean-as-median.txt")
    (root / "current.md").write_text(CURRENT, encoding="utf-8")
    (root / "broken.txt").write_bytes(b"\x00\x01binary")
    (root / "notes.csv").write_text("not an article", encoding="utf-8")
    return root


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {
        p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in root.rglob("*")
        if p.is_file() and not p.relative_to(root).as_posix().startswith(".")
    }


def test_in_place_rewrites_only_the_articles_whose_figures_moved(con, folder):
    before = snapshot(folder)
    result = refresh_articles_folder(con, folder, run_at=RUN)
    assert result.rewritten == [
        "healthcare/health-information-technician.txt",
        "mean-as-median.txt",
        "medical-records-career.html",
    ]
    assert result.unchanged == ["current.md"]
    assert [path for path, _ in result.failed] == ["broken.txt"]
    assert result.failed[0][1].startswith("broken.txt:1: is binary")
    after = snapshot(folder)
    for name in ("current.md", "broken.txt", "notes.csv"):
        assert after[name] == before[name]  # bytes and mtime: not even rewritten
    text = (folder / "healthcare" / "health-information-technician.txt").read_text(encoding="utf-8")
    assert "Median Salary* $51,140 (2025)\n" in text
    assert not list(folder.rglob("*.tmp"))
    # The changelog: one JSON object per change, and a Markdown page for the editors and the Prefect artifact.
    assert result.changelog_path == folder / STATE_DIR / "changelog" / "20260302T060000Z.jsonl"
    entries = [json.loads(line) for line in result.changelog_path.read_text(encoding="utf-8").splitlines()]
    # the reference: 8 figures and its "faster-than-average growth" (line 7); mean-as-median: 1; the HTML: 6
    assert len(entries) == len(result.entries) == 8 + 1 + 1 + 6
    assert {"line": 7, "old": "faster-than", "new": "much-faster-than", "measure": "outlook_words"}.items() <= next(
        e for e in entries if e["line"] == 7
    ).items()
    first = entries[0]
    assert (first["article"], first["line"], first["old"], first["new"], first["to_release"]) == (
        "healthcare/health-information-technician.txt", 11, "$61,410", "$51,140", "OEWS May 2025",
    )  # fmt: skip
    assert first["series"] == "OEUN000000000000029207213" and first["run"] == "20260302T060000Z"
    latest = (folder / STATE_DIR / "changelog" / "latest.md").read_text(encoding="utf-8")
    assert latest == result.markdown()
    summary = json.loads(json.dumps(result.as_dict()))  # what a run report or a Prefect artifact takes
    assert summary["rewritten"] == result.rewritten and len(summary["entries"]) == len(entries)
    assert (
        "| mean-as-median.txt | 3 | $65,280 | $68,020 | 29-9021 | median annual wage | OEWS May 2022 -> OEWS May 2025 |"
        in latest
    )


def test_a_second_night_changes_nothing(con, folder):
    refresh_articles_folder(con, folder, run_at=RUN)
    before = snapshot(folder)
    again = refresh_articles_folder(con, folder, run_at=RUN.replace(day=3))
    assert again.rewritten == [] and again.entries == [] and again.changelog_path is None
    assert sorted(again.unchanged) == sorted(
        p for p in before if p.endswith((".txt", ".md", ".html")) and p != "broken.txt"
    )
    assert snapshot(folder) == before


def test_publishing_to_another_folder_leaves_the_articles_alone(con, folder, tmp_path):
    before = snapshot(folder)
    out = tmp_path / "published"
    result = refresh_articles_folder(con, folder, out, run_at=RUN)
    assert snapshot(folder) == before
    assert sorted(result.rewritten) == sorted(
        [
            "current.md",
            "healthcare/health-information-technician.txt",
            "mean-as-median.txt",
            "medical-records-career.html",
        ]
    )
    assert (out / "current.md").read_text(encoding="utf-8") == CURRENT
    assert "$51,140 (2025)" in (out / "healthcare" / "health-information-technician.txt").read_text(encoding="utf-8")
    assert (out / STATE_DIR / "changelog" / "latest.md").is_file()
    again = refresh_articles_folder(con, folder, out, run_at=RUN.replace(day=3))
    assert again.rewritten == []


class EditorSavesDuringTheRun(ArticleSession):
    """An editor saves an article after the refresh read it (the environment, not the code under test)."""

    def __init__(self, con, edited: Path):
        super().__init__(con)
        self.edited = edited

    def process(self, items):
        results = super().process(items)
        self.edited.write_text(
            self.edited.read_text(encoding="utf-8") + "\nAn editor's new paragraph.\n", encoding="utf-8"
        )
        return results


def test_an_article_saved_during_the_run_is_not_overwritten(con, folder):
    edited = folder / "mean-as-median.txt"
    result = refresh_articles_folder(con, folder, run_at=RUN, session=EditorSavesDuringTheRun(con, edited))
    assert [path for path, _ in result.skipped] == ["mean-as-median.txt"]
    assert "mean-as-median.txt" not in result.rewritten
    assert edited.read_text(encoding="utf-8").endswith("An editor's new paragraph.\n")
    assert "$65,280" in edited.read_text(encoding="utf-8")  # refreshed on the next run instead
    assert refresh_articles_folder(con, folder, run_at=RUN.replace(day=3)).rewritten == ["mean-as-median.txt"]
