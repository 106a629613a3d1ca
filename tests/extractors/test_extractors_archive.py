"""RawArchive on its own: layout, manifest, crash safety, reloading."""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from bls_files import EP_ARCHIVE_WORKBOOKS, OEWS_ARCHIVE_ZIPS

from extractors import IncompleteBody, RawArchive
from extractors.local import archive_local_file

URL = "https://download.bls.gov/pub/time.series/oe/oe.release"
T0 = datetime(2026, 3, 31, 13, 30, 5, tzinfo=UTC)
HEADERS = {"etag": '"abc"', "LAST-MODIFIED": "Tue, 31 Mar 2026 12:00:00 GMT"}


def test_store_lays_files_out_by_host_path_time_and_hash(tmp_path):
    archive = RawArchive(tmp_path)
    body = b"release\tMay 2025\n"
    result = archive.store(URL, body, 200, HEADERS, T0)

    sha = hashlib.sha256(body).hexdigest()
    expected = (
        tmp_path / "download.bls.gov/pub/time.series/oe/oe.release" / f"20260331T133005Z-{sha[:12]}" / "oe.release"
    )
    assert result.path == expected and expected.read_bytes() == body
    assert (result.sha256, result.size, result.bytes_downloaded) == (sha, len(body), len(body))
    assert (result.etag, result.last_modified) == ('"abc"', "Tue, 31 Mar 2026 12:00:00 GMT")
    [entry] = archive.entries()
    assert entry["path"] == expected.relative_to(tmp_path).as_posix()
    assert entry["fetched_at"] == "2026-03-31T13:30:05+00:00"


def test_store_accepts_files_and_chunk_iterators(tmp_path):
    archive = RawArchive(tmp_path)
    from_file = archive.store(URL, io.BytesIO(b"x" * 3_000_000), 200, {}, T0)
    from_chunks = archive.store(URL + "2", iter([b"ab", b"", b"cd"]), 200, {}, T0)
    assert from_file.size == 3_000_000 and from_file.path.stat().st_size == 3_000_000
    assert from_chunks.path.read_bytes() == b"abcd"


def test_new_versions_never_overwrite_old_ones(tmp_path):
    archive = RawArchive(tmp_path)
    old = archive.store(URL, b"v1", 200, {}, T0)
    new = archive.store(URL, b"v2", 200, {}, T0)  # same second, different bytes
    assert old.path != new.path
    assert old.path.read_bytes() == b"v1" and new.path.read_bytes() == b"v2"
    assert archive.latest(URL).path == new.path


def test_identical_bytes_reuse_the_file_but_record_the_request(tmp_path):
    archive = RawArchive(tmp_path)
    first = archive.store(URL, b"same", 200, {}, T0)
    second = archive.store(URL, b"same", 200, {}, T0 + timedelta(days=1))
    assert second.path == first.path and second.fetched_at == T0 + timedelta(days=1)
    assert len(archive.entries()) == 2


def test_record_not_modified_points_at_the_previous_file(tmp_path):
    archive = RawArchive(tmp_path)
    previous = archive.store(URL, b"body", 200, HEADERS, T0)
    later = T0 + timedelta(hours=1)
    result = archive.record_not_modified(URL, previous, {"ETag": '"new"'}, later)

    assert result.unchanged and result.status == 304 and result.bytes_downloaded == 0
    assert (result.path, result.sha256, result.size) == (previous.path, previous.sha256, previous.size)
    assert result.etag == '"new"' and result.last_modified == previous.last_modified
    assert result.fetched_at == later
    assert archive.entries()[-1]["status"] == 304 and archive.entries()[-1]["bytes"] == 0
    assert archive.latest(URL) == result


def test_a_failed_body_leaves_no_file_and_no_manifest_line(tmp_path):
    archive = RawArchive(tmp_path)

    def broken_body() -> Iterator[bytes]:
        yield b"first half"
        raise ConnectionError("connection dropped")

    with pytest.raises(ConnectionError):
        archive.store(URL, broken_body(), 200, {}, T0)
    assert archive.entries() == [] and archive.latest(URL) is None
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_latest_skips_entries_whose_file_is_gone(tmp_path):
    archive = RawArchive(tmp_path)
    kept = archive.store(URL, b"v1", 200, {}, T0)
    lost = archive.store(URL, b"v2", 200, {}, T0 + timedelta(days=1))
    lost.path.unlink()
    assert archive.latest(URL) == kept
    assert archive.latest("https://www.bls.gov/unknown") is None


def test_a_new_instance_reloads_the_manifest_and_sees_other_writers(tmp_path):
    writer, reader = RawArchive(tmp_path), RawArchive(tmp_path)
    assert reader.latest(URL) is None
    stored = writer.store(URL, b"v1", 200, HEADERS, T0)
    assert reader.latest(URL) == stored  # picks up lines appended since its last read
    assert RawArchive(tmp_path).latest(URL) == stored


def test_a_torn_manifest_line_is_skipped_and_never_glued_to_the_next(tmp_path):
    archive = RawArchive(tmp_path)
    archive.store(URL, b"v1", 200, {}, T0)
    with archive.manifest_path.open("ab") as fh:
        fh.write(b'{"url": "https://www.bls.gov/x", "sta')  # a crash mid-append
    second = RawArchive(tmp_path).store(URL, b"v2", 200, {}, T0 + timedelta(days=1))

    reopened = RawArchive(tmp_path)
    assert [e["sha256"] for e in reopened.entries()] == [hashlib.sha256(b"v1").hexdigest(), second.sha256]
    assert reopened.latest(URL) == second
    for line in archive.manifest_path.read_text().splitlines()[-1:]:
        json.loads(line)


def test_urls_are_made_safe_for_the_filesystem(tmp_path):
    archive = RawArchive(tmp_path)
    result = archive.store("http://127.0.0.1:8080/a/../b%20c/file?x=1", b"q", 200, {}, T0)
    relative = result.path.relative_to(tmp_path)
    assert relative.parts[0] == "127.0.0.1_8080"
    assert ".." not in relative.parts and result.path.is_relative_to(tmp_path)
    assert result.path.name == "file"


def test_naive_timestamps_are_refused(tmp_path):
    with pytest.raises(ValueError):
        RawArchive(tmp_path).store(URL, b"x", 200, {}, datetime(2026, 1, 1))


def test_paths_are_absolute_under_the_root(tmp_path):
    result = RawArchive(tmp_path).store(URL, b"x", 200, {}, T0)
    assert isinstance(result.path, Path) and result.path.is_relative_to(tmp_path)


# ---- only whole containers ------------------------------------------------------------------------

OEWS_2024 = OEWS_ARCHIVE_ZIPS[2024]
EP_2023 = EP_ARCHIVE_WORKBOOKS["2023-33"]


@pytest.mark.shared_data
def test_a_truncated_zip_is_refused_and_nothing_is_recorded(tmp_path):
    archive = RawArchive(tmp_path)
    cut = OEWS_2024.read_bytes()[:100_000]
    with pytest.raises(IncompleteBody) as caught:
        archive.store("https://www.bls.gov/oes/special-requests/oesm24nat.zip", cut, 200, HEADERS, T0)
    assert "not a whole zip container" in str(caught.value) and "100,000 bytes received" in str(caught.value)
    assert archive.entries() == [] and [p for p in tmp_path.rglob("*") if p.is_file()] == []


@pytest.mark.shared_data
def test_a_workbook_whose_directory_points_at_missing_headers_is_refused(tmp_path):
    damaged = bytearray(EP_2023.read_bytes())
    damaged[0:4] = b"XXXX"  # the first member's local header signature
    with pytest.raises(IncompleteBody, match=r"member \S+ has no local header at offset 0"):
        RawArchive(tmp_path).store("https://www.bls.gov/emp/ind-occ-matrix/occupation.xlsx", damaged, 200, {}, T0)


@pytest.mark.shared_data
def test_whole_containers_and_other_files_are_stored(tmp_path):
    archive = RawArchive(tmp_path)
    zipped = archive.store(
        "https://www.bls.gov/oes/special-requests/oesm24nat.zip", OEWS_2024.read_bytes(), 200, {}, T0
    )
    assert zipped.sha256 == hashlib.sha256(OEWS_2024.read_bytes()).hexdigest()
    # Without a container suffix the archive cannot tell a short body: that is what distrust is for.
    short = archive.store(URL, OEWS_2024.read_bytes()[:100], 200, {}, T0)
    assert short.size == 100


@pytest.mark.shared_data
def test_a_truncated_local_file_is_refused_by_name(tmp_path):
    cut = tmp_path / "oesm24nat.zip"
    cut.write_bytes(OEWS_2024.read_bytes()[:50_000])
    with pytest.raises(IncompleteBody) as caught:
        archive_local_file(RawArchive(tmp_path / "raw"), cut)
    assert caught.value.url == cut.as_uri() and cut.as_uri() in str(caught.value)


# ---- distrust marks ----------------------------------------------------------------------------------


def test_a_distrust_mark_lasts_until_a_whole_new_body_is_stored(tmp_path):
    archive = RawArchive(tmp_path)
    first = archive.store(URL, b"release\tMay 20", 200, HEADERS, T0)
    mark = archive.distrust(URL, "oe.release: expected 2 fields")
    assert (mark.url, mark.sha256, mark.reason) == (URL, first.sha256, "oe.release: expected 2 fields")
    assert mark.marked_at.tzinfo is not None

    archive.record_not_modified(URL, first, {}, T0 + timedelta(hours=1))  # a 304 does not vouch for the bytes
    assert RawArchive(tmp_path).distrusted(URL) == mark
    assert [e["status"] for e in RawArchive(tmp_path).entries()] == [200, 304]  # marks are not requests

    archive.store(URL, b"release\tMay 2025\n", 200, HEADERS, T0 + timedelta(days=1))
    assert archive.distrusted(URL) is None and RawArchive(tmp_path).distrusted(URL) is None
    assert archive.distrusted("https://www.bls.gov/other") is None


def test_another_process_sees_a_mark_made_after_it_opened_the_archive(tmp_path):
    reader, writer = RawArchive(tmp_path), RawArchive(tmp_path)
    writer.store(URL, b"v1", 200, {}, T0)
    assert reader.distrusted(URL) is None
    writer.distrust(URL, "parse failed")
    assert reader.distrusted(URL).reason == "parse failed"
