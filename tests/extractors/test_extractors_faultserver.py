"""tests/faultserver.py itself: a careful static server over the real BLS mirror, and each fault
it injects, as a plain HTTP client (requests, raw sockets) sees it, in-process and as a subprocess."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import socket
import time

import pytest
import requests
from bls_files import MIRROR
from faultserver import Fault, FaultyMirror, parse_rules, spawn, write_rules

WORKBOOK = "/www.bls.gov/emp/ind-occ-matrix/occupation.xlsx"
RELEASE = "/download.bls.gov/pub/time.series/oe/oe.release"
OCCUPATIONS = "/download.bls.gov/pub/time.series/oe/oe.occupation"
PROFILE = "/www.bls.gov/ooh/healthcare/medical-records-and-health-information-technicians.htm"


def real_bytes(path: str) -> bytes:
    return (MIRROR / path.lstrip("/")).read_bytes()


@pytest.fixture(scope="module")
def _server(shared_data):
    with FaultyMirror(MIRROR) as server:
        yield server


@pytest.fixture
def srv(_server):
    _server.clear_faults()
    _server.reset_log()
    yield _server
    _server.clear_faults()


def get(srv: FaultyMirror, path: str, **headers: str) -> requests.Response:
    return requests.get(srv.url + path, headers=headers, timeout=10)


# ---- without faults: a careful static server ---------------------------------------------------


def test_serves_the_real_files_with_validators_and_answers_conditional_gets(srv):
    first = get(srv, WORKBOOK)
    assert first.status_code == 200 and first.content == real_bytes(WORKBOOK)
    assert first.headers["Content-Length"] == "407365" and first.headers["ETag"].startswith('"')
    by_etag = get(srv, WORKBOOK, **{"If-None-Match": first.headers["ETag"]})
    by_date = get(srv, WORKBOOK, **{"If-Modified-Since": first.headers["Last-Modified"]})
    assert (by_etag.status_code, by_etag.content, by_date.status_code) == (304, b"", 304)
    assert srv.url.startswith("http://127.0.0.1:") and srv.www == srv.url + "/www.bls.gov"
    assert srv.download == srv.url + "/download.bls.gov"
    assert [(h.status, h.conditional) for h in srv.log] == [(200, False), (304, True), (304, True)]


def test_same_validators_as_serve_mirror(srv):
    from extractors import serve_mirror

    with serve_mirror(MIRROR) as base:
        theirs = requests.get(base + RELEASE, timeout=10).headers
    ours = get(srv, RELEASE).headers
    assert (ours["ETag"], ours["Last-Modified"]) == (theirs["ETag"], theirs["Last-Modified"])


@pytest.mark.parametrize("path", ["/www.bls.gov/emp/nothing.xlsx", "/www.bls.gov/emp/", "/"])
def test_missing_files_and_folders_are_404(srv, path):
    assert get(srv, path).status_code == 404


def test_nothing_outside_the_root_is_served(srv):
    with socket.create_connection(("127.0.0.1", srv.port)) as sock:
        sock.sendall(b"GET /../README.md HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        reply = b"".join(iter(lambda: sock.recv(65536), b""))
    assert reply.startswith(b"HTTP/1.1 404")


def test_head_sends_headers_only(srv):
    response = requests.head(srv.url + WORKBOOK, timeout=10)
    assert response.status_code == 200 and response.content == b"" and response.headers["Content-Length"] == "407365"


# ---- faults ------------------------------------------------------------------------------------------


def test_status_n_times_then_the_file_with_retry_after(srv):
    srv.set_fault(WORKBOOK, Fault(status=429, retry_after="7", times=2))
    answers = [get(srv, WORKBOOK) for _ in range(3)]
    assert [a.status_code for a in answers] == [429, 429, 200]
    assert answers[0].headers["Retry-After"] == "7" and answers[2].content == real_bytes(WORKBOOK)
    assert srv.requests(WORKBOOK) == 3
    assert [h.fault for h in srv.log] == ["status=429,retry_after=7,times=2"] * 2 + [None]


@pytest.mark.parametrize("status", [403, 404, 503])
def test_status_forever(srv, status):
    srv.set_fault(RELEASE, Fault(status=status))
    assert [get(srv, RELEASE).status_code for _ in range(2)] == [status, status]


def test_a_pattern_matches_many_paths_and_an_exact_rule_wins(srv):
    srv.set_fault("/www.bls.gov/ooh/*", Fault(status=503))
    srv.set_fault(srv.url + PROFILE, Fault(status=403))  # a full URL is taken as its path
    assert get(srv, "/www.bls.gov/ooh/a-z-index.htm").status_code == 503
    assert get(srv, PROFILE).status_code == 403
    assert get(srv, RELEASE).status_code == 200
    srv.clear_fault(PROFILE)
    assert get(srv, PROFILE).status_code == 503


def test_cut_short_with_content_length_is_visible_to_the_client(srv):
    srv.set_fault(OCCUPATIONS, Fault(cut_after=1000))
    with pytest.raises(requests.exceptions.ChunkedEncodingError, match="1000 bytes read, 56166 more expected"):
        get(srv, OCCUPATIONS)
    assert srv.log[-1].sent == 1000


def test_cut_short_without_content_length_looks_like_a_whole_body(srv):
    srv.set_fault(OCCUPATIONS, Fault(cut_after=1000, content_length=False))
    response = get(srv, OCCUPATIONS)
    assert response.status_code == 200 and "Content-Length" not in response.headers
    assert response.content == real_bytes(OCCUPATIONS)[:1000]
    assert response.headers["ETag"] == get(srv, OCCUPATIONS).headers["ETag"]  # the server's own validator


def test_reset_mid_body_is_a_connection_reset(srv):
    srv.set_fault(WORKBOOK, Fault(reset_after=50_000))
    with pytest.raises(requests.exceptions.ChunkedEncodingError) as caught:
        get(srv, WORKBOOK)
    assert "Connection reset by peer" in str(caught.value)


def test_truncate_to_hands_out_a_short_file_as_if_whole(srv):
    srv.set_fault(WORKBOOK, Fault(truncate_to=200_000))
    response = get(srv, WORKBOOK)
    assert response.headers["Content-Length"] == "200000" and response.content == real_bytes(WORKBOOK)[:200_000]


def test_a_replaced_body_is_a_changed_file_with_new_validators(srv):
    original = get(srv, PROFILE)
    drifted = b"<html><body><h1>Medical Records Specialists</h1><p>No quick facts here.</p></body></html>"
    srv.set_fault(PROFILE, Fault(body=drifted))
    changed = get(srv, PROFILE, **{"If-None-Match": original.headers["ETag"]})
    assert changed.status_code == 200 and changed.content == drifted
    assert changed.headers["ETag"] == '"' + hashlib.sha1(drifted).hexdigest() + '"'
    assert get(srv, PROFILE, **{"If-None-Match": changed.headers["ETag"]}).status_code == 304


def test_trickle_paces_the_body(srv):
    srv.set_fault(RELEASE, Fault(trickle=100))  # 42 bytes at 100 B/s in 5-byte pieces
    start = time.monotonic()
    response = get(srv, RELEASE)
    elapsed = time.monotonic() - start
    assert response.content == real_bytes(RELEASE) and 0.4 <= elapsed < 2.0


def test_stall_delays_the_answer(srv):
    srv.set_fault(RELEASE, Fault(stall=0.5, times=1))
    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.get(srv.url + RELEASE, timeout=0.2)
    assert get(srv, RELEASE).status_code == 200


@pytest.mark.parametrize(
    "bad", [{"times": -1}, {"trickle": 0}, {"status": 42}, {"cut_after": 1, "reset_after": 1}, {"cut_after": "10"}]
)
def test_unusable_faults_are_refused(bad):
    with pytest.raises(ValueError):
        Fault(**bad)


# ---- rules from JSON ---------------------------------------------------------------------------------


def test_rules_json_round_trips_and_reads_bodies_from_files(tmp_path):
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 not a whole workbook")
    rules = parse_rules(
        {
            WORKBOOK: {"body_file": "broken.xlsx"},
            RELEASE: {"status": 503, "times": 2},
            PROFILE: {"body_text": "<html>drifted</html>"},
            OCCUPATIONS: {"cut_after": 10, "content_length": False},
        },
        tmp_path,
    )
    assert rules[WORKBOOK].body == b"PK\x03\x04 not a whole workbook"
    assert rules[RELEASE] == Fault(status=503, times=2) and rules[PROFILE].body == b"<html>drifted</html>"
    write_rules(tmp_path / "rules.json", rules)
    assert parse_rules(json.loads((tmp_path / "rules.json").read_text())) == rules
    with pytest.raises(ValueError, match="unknown fault field"):
        parse_rules({RELEASE: {"staus": 503}})


@pytest.mark.shared_data
def test_a_rules_file_is_reread_when_it_changes(tmp_path):
    rules_file = tmp_path / "rules.json"
    write_rules(rules_file, {RELEASE: Fault(status=503, times=1)})
    with FaultyMirror(MIRROR, rules_file=rules_file) as srv:
        assert [get(srv, RELEASE).status_code for _ in range(2)] == [503, 200]
        write_rules(rules_file, {RELEASE: Fault(status=404)})
        assert get(srv, RELEASE).status_code == 404
        srv.set_fault(RELEASE, Fault(status=429))  # runtime rules win over the file's
        assert get(srv, RELEASE).status_code == 429
        srv.clear_faults()
        rules_file.unlink()
        assert get(srv, RELEASE).status_code == 200


# ---- as a subprocess ------------------------------------------------------------------------------


@pytest.mark.shared_data
def test_runs_as_a_subprocess_driven_by_its_rules_file_and_control_endpoints(tmp_path):
    rules_file = tmp_path / "rules.json"
    write_rules(rules_file, {WORKBOOK: Fault(status=503, times=1)})
    with spawn(MIRROR, port_file=tmp_path / "port", rules_file=rules_file) as srv:
        assert int((tmp_path / "port").read_text()) == srv.port and srv.pid != os.getpid()
        assert requests.get(srv.url + WORKBOOK, timeout=10).status_code == 503
        assert requests.get(srv.url + WORKBOOK, timeout=10).content == real_bytes(WORKBOOK)
        srv.set_faults({RELEASE: Fault(body=b"changed\n")})
        assert requests.get(srv.url + RELEASE, timeout=10).content == b"changed\n"
        assert srv.requests() == {WORKBOOK: 2, RELEASE: 1} and srv.requests(RELEASE) == 1
        assert [(h.path, h.status) for h in srv.log()] == [(WORKBOOK, 503), (WORKBOOK, 200), (RELEASE, 200)]
        srv.clear_faults()
        srv.reset_log()
        assert srv.requests() == {}

        srv.process.send_signal(signal.SIGKILL)
        srv.process.wait(timeout=10)
        with pytest.raises(requests.exceptions.ConnectionError):
            requests.get(srv.url + RELEASE, timeout=2)


@pytest.mark.shared_data
def test_a_subprocess_server_stops_cleanly_on_sigterm(tmp_path):
    srv = spawn(MIRROR, port_file=tmp_path / "port")
    assert requests.get(srv.url + RELEASE, timeout=10).status_code == 200
    srv.stop()
    assert srv.process.returncode == 0
