"""`bls-refresh articles audit|refresh` on the reference and the hand-written articles, through the real CLI."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from articles_fixtures import ARTICLES
from bls_files import REFERENCE
from typer.testing import CliRunner

from flows.cli import app


@pytest.fixture(scope="module")
def db(articles_db) -> str:
    return str(articles_db)


def invoke(*args: str):
    return CliRunner().invoke(app, ["articles", *args], catch_exceptions=False)


def test_audit_prints_the_report_and_writes_markdown_and_json(db, tmp_path):
    result = invoke("audit", str(REFERENCE), "--db", db, "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "| 11 | $61,410 | release not held |" in result.stdout
    assert "| 36 | 28% | matches |" in result.stdout
    name = REFERENCE.name
    document = json.loads((tmp_path / f"{name}.audit.json").read_text(encoding="utf-8"))
    assert document["summary"]["statuses"] == {"matches": 4, "release not held": 4}
    assert (tmp_path / f"{name}.audit.md").read_text(encoding="utf-8").startswith("# BLS figures in ")


def test_refresh_without_a_target_prints_the_diff_and_writes_nothing(db):
    result = invoke("refresh", str(REFERENCE), "--db", db)
    assert result.exit_code == 0, result.output
    assert "+Median Salary* $51,140 (2025)" in result.stdout
    assert "8 figures refreshed, 0 left as written" in result.stdout


def test_refresh_out_writes_the_refreshed_article_its_diff_and_reports(db, tmp_path):
    out = tmp_path / "out"
    result = invoke("refresh", str(REFERENCE), str(ARTICLES / "retired-title.txt"), "--db", db, "--out", str(out))
    assert result.exit_code == 0, result.output
    lines = (out / REFERENCE.name).read_text(encoding="utf-8").splitlines()
    assert lines[10:12] == ["Median Salary* $51,140 (2025)", "Career Outlook* 7% (2024-2034)"]
    diff = (out / f"{REFERENCE.name}.diff").read_text(encoding="utf-8").splitlines()
    assert len([line for line in diff if line.startswith("+") and not line.startswith("+++")]) == 6  # 5 + line 7
    assert (out / "retired-title.txt").read_bytes() == (ARTICLES / "retired-title.txt").read_bytes()
    assert (
        "kept line 3 $46,660: 'Medical records and health information technicians' fits 2 occupations" in result.stdout
    )


def test_refresh_in_place_then_nothing_is_left_to_refresh(db, tmp_path):
    article = Path(shutil.copy(ARTICLES / "mean-as-median.txt", tmp_path / "pay.txt"))
    result = invoke("refresh", str(article), "--db", db, "--in-place")
    assert result.exit_code == 0, result.output
    assert "$68,020 in May 2025" in article.read_text(encoding="utf-8")
    again = invoke("refresh", str(article), "--db", db, "--in-place")
    assert again.stdout.startswith("up to date")


def test_an_article_left_as_written_for_the_editor_to_reword_is_to_review_not_up_to_date(db, tmp_path):
    # 39-3092 Costume attendants: $48,470 (May 2022) above $46,310 for all occupations; in May 2025, $50,400 below $50,980
    article = tmp_path / "costume.txt"
    article.write_text(
        "Careers\n\nIn May 2022, costume attendants earned a median annual wage of $48,470, higher than the $46,310 "
        "median for all occupations.\n",
        encoding="utf-8",
    )
    result = invoke("refresh", str(article), "--db", db, "--in-place")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"to review    {article}: 0 figures refreshed, 2 left as written. 2 ask you")
    assert "reword or check by hand." in result.stdout.splitlines()[0]


def test_bad_input_exits_2_naming_the_file_and_the_other_articles_are_still_audited(db, tmp_path):
    bad = tmp_path / "scan.html"
    bad.write_bytes(b"<p>pay</p><!-- cut")
    result = invoke("audit", str(bad), str(ARTICLES / "mean-as-median.txt"), "--db", db)
    assert result.exit_code == 2
    assert f"NOT READ: {bad}:1: cannot be parsed as HTML" in result.stderr
    assert "| 3 | $65,280 | matches another measure |" in result.stdout


def test_out_and_in_place_together_are_refused(db, tmp_path):
    result = invoke("refresh", str(REFERENCE), "--db", db, "--out", str(tmp_path), "--in-place")
    assert result.exit_code == 2 and "not both" in result.output


@pytest.mark.shared_data  # the article is ../shared's reference
def test_a_missing_warehouse_says_how_to_make_one(tmp_path):
    result = invoke("audit", str(REFERENCE), "--db", str(tmp_path / "none.duckdb"))
    assert result.exit_code == 1 and "run `bls-refresh run` first" in result.output
