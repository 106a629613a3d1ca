"""Fixtures of the article tests: one warehouse of real releases, built once per session (by the
first worker that needs it) and read by all."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from articles_fixtures import build_articles_warehouse
from scratch import built_once

import warehouse
from factsheets.articles.session import ArticleSession
from transforms.release import Release


@pytest.fixture(scope="session")
def articles_db(ooh_edition: Release, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """OEWS May 2022-2025, EP 2021-31 to 2024-34 and every OOH profile of the mirror; open it read-only."""

    def build(folder: Path) -> None:
        build_articles_warehouse(folder / "warehouse.duckdb", ooh=ooh_edition)

    return built_once(tmp_path_factory, "articles-warehouse", build) / "warehouse.duckdb"


@pytest.fixture(scope="module")
def con(articles_db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = warehouse.connect(articles_db, read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="module")
def session(con) -> ArticleSession:
    """A test file's articles audited as one run audits a folder of them: one session, whose catalog of the
    warehouse's names and releases (0.3 s to build) serves every article."""
    return ArticleSession(con)


@pytest.fixture
def article(session, tmp_path):
    """Audits and refreshes an article written for the test: its paragraphs, the title first."""

    def audit(*paragraphs: str):
        path = tmp_path / "article.txt"
        path.write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
        results, errors = session.run([path])
        assert errors == []
        return results[0]

    return audit
