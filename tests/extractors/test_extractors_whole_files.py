"""Only whole files are archived: a real PoliteClient against the real BLS files served by
tests/faultserver.py on 127.0.0.1, with faults injected in the bytes on the wire."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import pytest
from extractor_helpers import TEST_USER_AGENT, SteppingClock, shared_file
from faultserver import Fault

from extractors import (
    ArchiveClient,
    DeadlineExceeded,
    HttpConfig,
    PoliteClient,
    RawArchive,
    TransientFetchError,
    UntrustedCopy,
    fetch_newest_national_zip,
)
from extractors.mirror import MirrorArchive

WORKBOOK = "/www.bls.gov/emp/ind-occ-matrix/occupation.xlsx"
OEWS_ZIP = "/www.bls.gov/oes/special-requests/oesm25nat.zip"
DATA = "/download.bls.gov/pub/time.series/oe/oe.data.0.Current"
OCCUPATIONS = "/download.bls.gov/pub/time.series/oe/oe.occupation"


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def real(path: str) -> Path:
    return shared_file(path.lstrip("/"))


def nothing_partial(archive: RawArchive) -> bool:
    partial = archive.root / ".partial"
    return not partial.exists() or list(partial.iterdir()) == []


# ---- Content-Length ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fault",
    [Fault(cut_after=100_000, times=1), Fault(reset_after=100_000, times=1)],
    ids=["cut-short-with-content-length", "connection-reset-mid-body"],
)
def test_a_body_broken_off_mid_way_is_retried_and_only_the_whole_file_archived(
    faulty_mirror, make_client, archive, sleeps, fault
):
    faulty_mirror.set_fault(DATA, fault)
    client = make_client()
    result = client.fetch(faulty_mirror.url + DATA)

    assert result.sha256 == sha256_of(real(DATA)) and result.size == 894_821
    assert [hit.sent for hit in faulty_mirror.log] == [100_000, 894_821]
    assert client.requests_made == 2 and len(sleeps.calls) == 1
    [entry] = archive.entries()  # the broken attempt left no line and no file
    assert entry["sha256"] == result.sha256
    assert nothing_partial(archive)


def test_a_body_always_cut_short_fails_as_transient_naming_url_and_byte_counts(faulty_mirror, make_client, archive):
    faulty_mirror.set_fault(DATA, Fault(cut_after=5_000))
    with pytest.raises(TransientFetchError) as caught:
        make_client(max_retries=2).fetch(faulty_mirror.url + DATA)
    message = str(caught.value)
    assert faulty_mirror.url + DATA in message and "3 attempts" in message
    assert "5000 bytes read, 889821 more expected" in message
    assert archive.entries() == [] and nothing_partial(archive)


# ---- zip and xlsx containers ----------------------------------------------------------------------


@pytest.mark.parametrize("path", [WORKBOOK, OEWS_ZIP])
def test_a_truncated_container_with_a_matching_content_length_is_retried(faulty_mirror, make_client, archive, path):
    # The short body is handed out as if it were the whole file: only the container check can tell.
    faulty_mirror.set_fault(path, Fault(truncate_to=200_000, times=1))
    client = make_client()
    result = client.fetch(faulty_mirror.url + path)

    assert result.sha256 == sha256_of(real(path))
    assert [hit.sent for hit in faulty_mirror.log] == [200_000, real(path).stat().st_size]
    assert len(archive.entries()) == 1 and nothing_partial(archive)


@pytest.mark.parametrize("path", [WORKBOOK, OEWS_ZIP])
def test_a_container_that_stays_broken_is_never_archived_and_the_error_says_why(
    faulty_mirror, make_client, archive, path
):
    faulty_mirror.set_fault(path, Fault(truncate_to=250_000))
    with pytest.raises(TransientFetchError) as caught:
        make_client(max_retries=1).fetch(faulty_mirror.url + path)

    message = str(caught.value)
    assert faulty_mirror.url + path in message
    assert "not a whole zip container" in message and "250,000 bytes received" in message
    assert caught.value.status == 200 and caught.value.attempts == 2
    assert archive.entries() == [] and archive.latest(faulty_mirror.url + path) is None
    assert nothing_partial(archive)


def test_a_container_closed_early_without_content_length_is_caught_by_its_directory(
    faulty_mirror, make_client, archive
):
    faulty_mirror.set_fault(WORKBOOK, Fault(cut_after=300_000, content_length=False, times=1))
    result = make_client().fetch(faulty_mirror.url + WORKBOOK)
    assert result.sha256 == sha256_of(real(WORKBOOK))
    assert [hit.sent for hit in faulty_mirror.log] == [300_000, 407_365]


def test_an_html_page_served_for_a_workbook_is_not_archived(faulty_mirror, make_client, archive):
    page = b"<html><body>Access Denied</body></html>"
    faulty_mirror.set_fault(WORKBOOK, Fault(body=page))
    with pytest.raises(TransientFetchError) as caught:
        make_client(max_retries=0).fetch(faulty_mirror.url + WORKBOOK)
    assert "File is not a zip file" in str(caught.value) and f"{len(page)} bytes received" in str(caught.value)
    assert archive.entries() == []


def test_a_whole_container_keeps_its_validators_for_the_next_conditional_get(faulty_mirror, make_client, archive):
    client = make_client()
    first = client.fetch(faulty_mirror.url + OEWS_ZIP)
    second = client.fetch(faulty_mirror.url + OEWS_ZIP)
    assert first.etag and second.status == 304 and second.path == first.path
    assert [hit.conditional for hit in faulty_mirror.log] == [False, True]


# ---- distrust: a cut that cannot be seen at fetch time --------------------------------------------


def test_a_body_closed_early_without_content_length_is_only_found_by_parsing(faulty_mirror, make_client, archive):
    faulty_mirror.set_fault(OCCUPATIONS, Fault(cut_after=10_000, content_length=False, times=1))
    client = make_client()
    short = client.fetch(faulty_mirror.url + OCCUPATIONS)
    assert short.size == 10_000 and short.etag  # archived with the server's ETag: undetectable here

    # Without a distrust mark the next run asks conditionally and keeps the broken copy forever.
    again = client.fetch(faulty_mirror.url + OCCUPATIONS)
    assert again.status == 304 and again.path == short.path


def test_distrust_makes_the_next_fetch_unconditional_and_a_whole_body_replaces_the_copy(
    faulty_mirror, make_client, archive
):
    url = faulty_mirror.url + OCCUPATIONS
    faulty_mirror.set_fault(OCCUPATIONS, Fault(cut_after=10_000, content_length=False, times=1))
    short = make_client().fetch(url)

    mark = archive.distrust(url, "oe.occupation: line 112 has 3 fields, expected 7")
    assert mark.sha256 == short.sha256 and mark.reason.startswith("oe.occupation: line 112")
    # The mark is in the archive on disk: a new process (a new archive, a new client) obeys it.
    reopened = RawArchive(archive.root)
    assert reopened.distrusted(url) == mark
    client = PoliteClient(HttpConfig(user_agent=TEST_USER_AGENT, timeout=5.0), reopened)
    whole = client.fetch(url)
    client.close()

    assert [hit.conditional for hit in faulty_mirror.log] == [False, False]
    assert whole.status == 200 and whole.sha256 == sha256_of(real(OCCUPATIONS))
    assert reopened.latest(url) == whole and reopened.distrusted(url) is None
    assert RawArchive(archive.root).distrusted(url) is None
    assert short.path.read_bytes() == real(OCCUPATIONS).read_bytes()[:10_000]  # history is kept
    assert [e["status"] for e in RawArchive(archive.root).entries()] == [200, 200]  # marks are not requests
    # Trusted again: the night after asks conditionally.
    assert make_client().fetch(url).status == 304


def test_distrust_survives_a_failed_refetch(faulty_mirror, make_client, archive):
    url = faulty_mirror.url + OCCUPATIONS
    make_client().fetch(url)
    archive.distrust(url, "parse failed")
    faulty_mirror.set_fault(OCCUPATIONS, Fault(status=503))
    with pytest.raises(TransientFetchError):
        make_client(max_retries=1).fetch(url)
    assert archive.distrusted(url) is not None  # still owed an unconditional fetch
    faulty_mirror.clear_faults()
    make_client().fetch(url)
    assert [hit.conditional for hit in faulty_mirror.log] == [False, False, False, False]
    assert archive.distrusted(url) is None


def test_replay_refuses_a_distrusted_copy_and_says_what_to_do(faulty_mirror, make_client, archive):
    url = faulty_mirror.url + OCCUPATIONS
    make_client().fetch(url)
    archive.distrust(url, "oe.occupation: expected 7 columns")
    with pytest.raises(UntrustedCopy) as caught:
        ArchiveClient(archive).fetch(url)
    message = str(caught.value)
    assert url in message and "oe.occupation: expected 7 columns" in message and "without --replay" in message

    make_client().fetch(url)  # a live run fetched it whole again
    assert ArchiveClient(archive).fetch(url).sha256 == sha256_of(real(OCCUPATIONS))


def test_a_mirror_archive_keeps_the_mark_under_the_bls_url(faulty_mirror, tmp_path):
    mirror_archive = MirrorArchive(tmp_path / "raw", faulty_mirror.url)
    with PoliteClient(HttpConfig(user_agent=TEST_USER_AGENT), mirror_archive) as client:
        client.fetch(faulty_mirror.url + OCCUPATIONS)
        mirror_archive.distrust(faulty_mirror.url + OCCUPATIONS, "parse failed")
        assert RawArchive(tmp_path / "raw").distrusted("https://download.bls.gov" + OCCUPATIONS[17:])
        client.fetch(faulty_mirror.url + OCCUPATIONS)
    assert [hit.conditional for hit in faulty_mirror.log] == [False, False]


def test_distrust_needs_a_reason(archive):
    with pytest.raises(ValueError):
        archive.distrust("https://www.bls.gov/x", " ")


# ---- the overall deadline -------------------------------------------------------------------------


def test_a_trickle_that_never_trips_the_socket_timeout_fails_at_the_deadline(faulty_mirror, make_client, archive):
    # 20 kB/s in 1 kB pieces every 50 ms: the 5 s socket timeout never fires; the whole file would take 20 s.
    faulty_mirror.set_fault(WORKBOOK, Fault(trickle=20_000))
    client = make_client(timeout=5.0, deadline=1.0)
    start = time.monotonic()
    with pytest.raises(DeadlineExceeded) as caught:
        client.fetch(faulty_mirror.url + WORKBOOK)
    elapsed = time.monotonic() - start

    error = caught.value
    assert 1.0 <= elapsed < 3.0
    assert isinstance(error, TransientFetchError) and error.url == faulty_mirror.url + WORKBOOK
    assert 10_000 < error.bytes_received < 60_000 and error.deadline == 1.0
    message = str(error)
    assert faulty_mirror.url + WORKBOOK in message and "1 s deadline" in message
    assert f"{error.bytes_received:,} of 407,365 bytes received" in message
    assert client.requests_made == 1  # not retried: a retry would trickle too
    assert archive.entries() == [] and nothing_partial(archive)


def test_the_deadline_reads_the_injected_clock(faulty_mirror, archive, sleeps):
    # Each clock reading is 100 s after the last: start, the check before the first read (100 s
    # in), the check after it (200 s in) passes a 150 s deadline whatever the network does.
    clock = SteppingClock(step=100.0)
    config = HttpConfig(user_agent=TEST_USER_AGENT, deadline=150.0)
    with PoliteClient(config, archive, sleep=sleeps, clock=clock) as client:
        with pytest.raises(DeadlineExceeded) as caught:
            client.fetch(faulty_mirror.url + DATA)
    assert 0 < caught.value.bytes_received < 894_821 and "150 s deadline" in str(caught.value)
    assert archive.entries() == []

    roomy = HttpConfig(user_agent=TEST_USER_AGENT, deadline=1e9)
    with PoliteClient(roomy, archive, sleep=sleeps, clock=SteppingClock(step=100.0)) as client:
        assert client.fetch(faulty_mirror.url + DATA).sha256 == sha256_of(real(DATA))


def test_a_trickle_within_the_deadline_succeeds(faulty_mirror, make_client):
    faulty_mirror.set_fault(OCCUPATIONS, Fault(trickle=200_000))  # 57 kB in ~0.3 s
    result = make_client(deadline=10.0).fetch(faulty_mirror.url + OCCUPATIONS)
    assert result.sha256 == sha256_of(real(OCCUPATIONS))


@pytest.mark.parametrize("deadline", [0, -1])
def test_deadline_must_be_positive(deadline):
    with pytest.raises(ValueError):
        HttpConfig(user_agent=TEST_USER_AGENT, deadline=deadline)


def test_deadline_defaults_to_ten_minutes():
    assert HttpConfig(user_agent=TEST_USER_AGENT).deadline == 600.0


def test_replay_of_a_distrusted_oews_zip_never_falls_back_to_an_older_year(faulty_mirror, make_client, archive):
    www = faulty_mirror.www
    year, live = fetch_newest_national_zip(make_client(), www, 2026, 2024)
    assert year == 2025
    archive.distrust(live.url, "national_M2025_dl.xlsx: sheet 'All May 2025 data' not found")
    with pytest.raises(UntrustedCopy) as caught:
        fetch_newest_national_zip(ArchiveClient(archive), www, 2026, 2024)
    assert caught.value.url == live.url and "sheet 'All May 2025 data' not found" in str(caught.value)
