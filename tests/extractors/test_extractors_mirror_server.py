"""serve_mirror behaves like a careful static server: validators, 304s, 404s, no listings."""

from __future__ import annotations

import os
import socket
from email.utils import formatdate

import pytest
import requests

from extractors import serve_mirror

PATH = "/www.bls.gov/emp/ind-occ-matrix/occupation.xlsx"


@pytest.fixture
def site(tmp_path):
    target = tmp_path / PATH.lstrip("/")
    target.parent.mkdir(parents=True)
    target.write_bytes(b"PK\x03\x04 workbook bytes")
    return tmp_path


def test_serves_files_with_validators(site):
    with serve_mirror(site) as base:
        assert base.startswith("http://127.0.0.1:")
        response = requests.get(base + PATH, timeout=5)
    assert response.status_code == 200 and response.content == b"PK\x03\x04 workbook bytes"
    assert response.headers["ETag"].startswith('"') and response.headers["Last-Modified"].endswith("GMT")
    assert int(response.headers["Content-Length"]) == len(response.content)


def test_answers_if_none_match_and_if_modified_since_with_304(site):
    with serve_mirror(site) as base:
        first = requests.get(base + PATH, timeout=5)
        by_etag = requests.get(base + PATH, headers={"If-None-Match": first.headers["ETag"]}, timeout=5)
        by_date = requests.get(base + PATH, headers={"If-Modified-Since": first.headers["Last-Modified"]}, timeout=5)
        stale_etag = requests.get(base + PATH, headers={"If-None-Match": '"other"'}, timeout=5)
        old_date = formatdate((site / PATH.lstrip("/")).stat().st_mtime - 3600, usegmt=True)
        stale_date = requests.get(base + PATH, headers={"If-Modified-Since": old_date}, timeout=5)
    assert by_etag.status_code == 304 and by_etag.content == b""
    assert by_etag.headers["ETag"] == first.headers["ETag"]
    assert by_date.status_code == 304
    assert stale_etag.status_code == 200 and stale_date.status_code == 200


def test_etag_changes_when_the_file_changes(site):
    target = site / PATH.lstrip("/")
    with serve_mirror(site) as base:
        before = requests.get(base + PATH, timeout=5).headers["ETag"]
        target.write_bytes(b"new bytes")
        os.utime(target, (target.stat().st_mtime + 60,) * 2)
        after = requests.get(base + PATH, headers={"If-None-Match": before}, timeout=5)
    assert after.status_code == 200 and after.content == b"new bytes" and after.headers["ETag"] != before


@pytest.mark.parametrize("path", ["/www.bls.gov/emp/missing.xlsx", "/www.bls.gov/emp/", "/www.bls.gov", "/"])
def test_missing_files_and_directories_are_404(site, path):
    with serve_mirror(site) as base:
        response = requests.get(base + path, timeout=5)
    assert response.status_code == 404 and response.content == b""


def test_no_escape_from_the_root(tmp_path):
    served = tmp_path / "mirror"
    served.mkdir()
    (tmp_path / "private.txt").write_text("not for the mirror")
    with serve_mirror(served) as base, socket.create_connection(("127.0.0.1", int(base.rsplit(":", 1)[1]))) as sock:
        # Raw request: HTTP clients normalise "..", an attacker's socket does not.
        sock.sendall(b"GET /../private.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        reply = b"".join(iter(lambda: sock.recv(4096), b""))
    assert reply.startswith(b"HTTP/1.1 404") and b"not for the mirror" not in reply


def test_head_sends_headers_only(site):
    with serve_mirror(site) as base:
        response = requests.head(base + PATH, timeout=5)
    assert response.status_code == 200 and response.content == b""
    assert "ETag" in response.headers


def test_server_stops_on_exit(site):
    with serve_mirror(site) as base:
        pass
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(base + PATH, timeout=2)


def test_missing_root_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        with serve_mirror(tmp_path / "nope"):
            pass


def test_answers_on_connections_without_nagle_delay(site, monkeypatch):
    # Headers and body leave in separate writes; with Nagle's algorithm the body of every small file
    # would wait for the client's delayed ACK (40 ms each: a night fetches hundreds of OOH pages).
    import extractors.mirror

    seen: list[int] = []
    serve = extractors.mirror._MirrorHandler._serve

    def recording(handler, send_body: bool) -> None:
        seen.append(handler.connection.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
        serve(handler, send_body)

    monkeypatch.setattr(extractors.mirror._MirrorHandler, "_serve", recording)
    with serve_mirror(site) as base, requests.Session() as session:
        responses = [session.get(base + PATH, timeout=5) for _ in range(3)]
    assert [r.status_code for r in responses] == [200, 200, 200]
    assert len(seen) == 3 and all(seen)
