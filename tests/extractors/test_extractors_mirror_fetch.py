"""End to end over HTTP: a real PoliteClient against the real BLS files served from ../shared."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest
from extractor_helpers import shared_file

from extractors import (
    OCCUPATION_WORKBOOK_PATH,
    ArchiveClient,
    Fetcher,
    NotFound,
    RawArchive,
    fetch_flatfiles,
    fetch_national_zip,
    fetch_newest_national_zip,
    fetch_occupation_workbook,
    national_zip_url,
    serve_mirror,
)
from transforms.oews import REQUIRED_FLATFILES

MANIFEST_FIELDS = {"url", "fetched_at", "status", "etag", "last_modified", "bytes", "size", "sha256", "path"}
WORKBOOK = "www.bls.gov" + OCCUPATION_WORKBOOK_PATH
OEWS_ZIP = "www.bls.gov/oes/special-requests/oesm25nat.zip"


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_workbook_fetch_archives_the_exact_bytes_and_records_the_request(mirror_base, make_client, archive):
    client = make_client()
    result = fetch_occupation_workbook(client, f"{mirror_base}/www.bls.gov")

    original = shared_file(WORKBOOK)
    assert result.url == f"{mirror_base}/{WORKBOOK}"
    assert result.status == 200 and not result.unchanged
    assert result.sha256 == sha256_of(original)
    assert result.path.read_bytes() == original.read_bytes()
    assert result.path.is_relative_to(archive.root) and result.path.name == "occupation.xlsx"
    assert result.size == result.bytes_downloaded == original.stat().st_size
    assert result.fetched_at.tzinfo is not None and result.fetched_at.utcoffset().total_seconds() == 0
    assert result.etag and result.last_modified

    [entry] = archive.entries()
    assert set(entry) == MANIFEST_FIELDS
    assert entry["url"] == result.url and entry["status"] == 200
    assert entry["sha256"] == result.sha256 and entry["size"] == entry["bytes"] == result.size
    assert entry["etag"] == result.etag and entry["last_modified"] == result.last_modified
    assert archive.root / entry["path"] == result.path
    # The manifest on disk is JSON lines, one per request.
    lines = archive.manifest_path.read_text().splitlines()
    assert [json.loads(line) for line in lines] == [entry]
    assert client.requests_made == 1 and client.bytes_downloaded == result.size and client.not_modified == 0


def test_oews_national_zip_fetch_matches_the_mirror_file(mirror_base, make_client):
    result = fetch_national_zip(make_client(), f"{mirror_base}/www.bls.gov", 2025)
    assert result.url.endswith("/www.bls.gov/oes/special-requests/oesm25nat.zip")
    assert result.sha256 == sha256_of(shared_file(OEWS_ZIP))
    assert result.path.name == "oesm25nat.zip"


def test_newest_release_discovery_walks_down_past_unpublished_years(mirror_base, make_client, caplog):
    client = make_client()
    caplog.set_level("INFO", logger="extractors.oews")

    year, result = fetch_newest_national_zip(client, f"{mirror_base}/www.bls.gov", 2027, 2020)

    assert year == 2025
    assert result.sha256 == sha256_of(shared_file(OEWS_ZIP))
    assert client.requests_made == 3  # 2027 and 2026 answered 404, once each (never retried)
    assert "May 2027 not published" in caplog.text and "May 2026 not published" in caplog.text


def test_newest_release_discovery_fails_clearly_when_no_year_is_published(mirror_base, make_client):
    client = make_client()
    with pytest.raises(NotFound) as caught:
        fetch_newest_national_zip(client, f"{mirror_base}/www.bls.gov", 2030, 2026)
    assert "2026 to 2030" in str(caught.value) and "base URL" in str(caught.value)
    assert client.requests_made == 5


def test_national_zip_url_uses_two_digit_year():
    assert national_zip_url("https://www.bls.gov/", 2025) == "https://www.bls.gov/oes/special-requests/oesm25nat.zip"
    assert national_zip_url("https://www.bls.gov", 2009) == "https://www.bls.gov/oes/special-requests/oesm09nat.zip"


def test_flatfiles_fetches_the_seven_files_and_never_oe_series(mirror_base, make_client, archive):
    client = make_client()
    results = fetch_flatfiles(client, f"{mirror_base}/download.bls.gov", REQUIRED_FLATFILES)

    assert list(results) == list(REQUIRED_FLATFILES) and len(results) == 7
    for name, result in results.items():
        assert result.sha256 == sha256_of(shared_file(f"download.bls.gov/pub/time.series/oe/{name}")), name
        assert result.path.name == name
    requested = [entry["url"] for entry in archive.entries()]
    assert len(requested) == 7 and client.requests_made == 7
    assert not any(url.endswith("oe.series") for url in requested)


def test_second_fetch_is_a_304_that_reuses_the_archived_file(mirror_base, make_client, archive):
    client = make_client()
    www = f"{mirror_base}/www.bls.gov"
    first = fetch_occupation_workbook(client, www)
    files_before = sorted(p for p in archive.root.rglob("*") if p.is_file())

    second = fetch_occupation_workbook(client, www)

    assert second.status == 304 and second.unchanged
    assert second.bytes_downloaded == 0
    assert second.path == first.path and second.sha256 == first.sha256 and second.size == first.size
    assert second.fetched_at >= first.fetched_at
    assert sorted(p for p in archive.root.rglob("*") if p.is_file()) == files_before
    assert [e["status"] for e in archive.entries()] == [200, 304]
    assert archive.entries()[1]["bytes"] == 0
    assert (client.requests_made, client.not_modified, client.bytes_downloaded) == (2, 1, first.size)


def test_unconditional_refetch_of_identical_bytes_keeps_one_copy(mirror_base, make_client, archive):
    client = make_client()
    url = f"{mirror_base}/{WORKBOOK}"
    first = client.fetch(url)
    again = client.fetch(url, conditional=False)
    assert again.status == 200 and not again.unchanged
    assert again.path == first.path and again.bytes_downloaded == first.size
    assert len([e for e in archive.entries() if e["status"] == 200]) == 2


@pytest.mark.shared_data
def test_changed_file_on_the_server_becomes_a_new_version_and_the_old_one_stays(tmp_path, make_client, archive):
    # A private copy of the one mirror file we need, so it can be changed.
    site = tmp_path / "site"
    served = site / "download.bls.gov/pub/time.series/oe/oe.release"
    served.parent.mkdir(parents=True)
    shutil.copyfile(shared_file("download.bls.gov/pub/time.series/oe/oe.release"), served)
    client = make_client()

    with serve_mirror(site) as base:
        url = f"{base}/download.bls.gov/pub/time.series/oe/oe.release"
        first = client.fetch(url)
        assert client.fetch(url).status == 304

        served.write_bytes(served.read_bytes() + b"next release\n")
        later = served.stat().st_mtime + 120
        os.utime(served, (later, later))
        changed = client.fetch(url)

    assert changed.status == 200 and not changed.unchanged
    assert changed.path != first.path and changed.sha256 != first.sha256
    assert changed.path.read_bytes() == served.read_bytes()
    assert first.path.read_bytes() == shared_file("download.bls.gov/pub/time.series/oe/oe.release").read_bytes()
    assert [e["status"] for e in archive.entries()] == [200, 304, 200]
    assert archive.latest(url).sha256 == changed.sha256
    assert (client.requests_made, client.not_modified) == (3, 1)


def test_archive_client_replays_a_live_run_without_the_network(mirror_base, make_client, archive):
    www = f"{mirror_base}/www.bls.gov"
    live_year, live = fetch_newest_national_zip(make_client(), www, 2026, 2024)
    live_workbook = fetch_occupation_workbook(make_client(), www)

    replay = ArchiveClient(archive)
    assert isinstance(replay, Fetcher)
    year, replayed = fetch_newest_national_zip(replay, www, 2026, 2024)
    workbook = fetch_occupation_workbook(replay, www)

    assert year == live_year == 2025
    assert replayed.unchanged and replayed.bytes_downloaded == 0
    assert (replayed.path, replayed.sha256, replayed.fetched_at) == (live.path, live.sha256, live.fetched_at)
    assert workbook.path == live_workbook.path and workbook.unchanged
    assert len(archive.entries()) == 2  # replay records nothing


def test_archive_client_raises_not_found_for_a_url_it_never_saw(archive):
    with pytest.raises(NotFound) as caught:
        ArchiveClient(archive).fetch("https://www.bls.gov/emp/never-fetched.xlsx")
    assert caught.value.url == "https://www.bls.gov/emp/never-fetched.xlsx"
    assert "not in the raw archive" in str(caught.value)


def test_a_fresh_archive_instance_sees_earlier_runs(mirror_base, make_client, archive):
    result = fetch_occupation_workbook(make_client(), f"{mirror_base}/www.bls.gov")
    reopened = RawArchive(archive.root).latest(result.url)
    assert reopened == result
    assert reopened.fetched_at.utcoffset().total_seconds() == 0
