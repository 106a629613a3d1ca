"""The nightly run refreshes a folder of editors' articles after the sheets (issue 12, item 5)."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from bls_files import REFERENCE, REPO
from night_settings import sample_settings

pytestmark = [pytest.mark.slow, pytest.mark.shared_data]  # the editors' article is ../shared's reference


def run(env, *args):
    return subprocess.run(
        [sys.executable, "-m", "flows.cli", "run", "--no-prefect", "--mirror", str(REPO / "data" / "sample"),
         "--oews-form", "flatfiles", "--sources", "oews,projections", *args],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def test_a_night_that_loads_refreshes_the_articles_and_a_no_op_night_leaves_them(tmp_path):
    articles = tmp_path / "articles"
    articles.mkdir()
    shutil.copy(REFERENCE, articles / "health-information-technician.txt")  # a working copy, never committed
    env = {"PATH": "/usr/bin:/bin", "BLS_REFRESH_DATA_DIR": str(tmp_path / "data"), "HOME": str(tmp_path)}
    first = run(env, "--articles", str(articles))
    assert first.returncode == 0, first.stdout + first.stderr
    assert "articles     1 rewritten, 0 unchanged" in first.stdout
    text = (articles / "health-information-technician.txt").read_text()
    assert "$51,140 (2025)" in text and "7% (2024-2034)" in text
    assert "$61,410" not in text
    changelog = list((articles / ".bls-articles" / "changelog").glob("*.md"))
    assert changelog, "a night that moved figures leaves a changelog"
    before = (articles / "health-information-technician.txt").stat().st_mtime_ns

    again = run(env, "--articles", str(articles))
    assert again.returncode == 0, again.stdout + again.stderr
    assert "articles     skipped: nothing changed at BLS" in again.stdout
    assert (articles / "health-information-technician.txt").stat().st_mtime_ns == before


@pytest.mark.prefect
def test_the_prefect_run_lists_what_moved_in_an_artifact(prefect_harness, run_refresh_flow, tmp_path):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    from extractors.mirror import serve_mirror
    from flows.artifacts import ARTICLES_KEY

    articles = tmp_path / "articles"
    articles.mkdir()
    shutil.copy(REFERENCE, articles / "career.txt")
    with serve_mirror(REPO / "data" / "sample") as base:
        settings = sample_settings(base, tmp_path, articles_dir=articles)
        state, report = run_refresh_flow(settings)
    assert state.is_completed(), state.message
    assert report.articles.rewritten == 1
    with get_client(sync_client=True) as client:
        (artifact, *_) = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[ARTICLES_KEY]))
        )
    assert "career.txt" in artifact.data and "51,140" in artifact.data
