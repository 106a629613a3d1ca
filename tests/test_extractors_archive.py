"""RawArchive on its own: layout, manifest, crash safety, reloading."""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from extractors import RawArchive

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
