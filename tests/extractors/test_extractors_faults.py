"""PoliteClient against a scripted server (pytest-httpserver on 127.0.0.1): what it sends,
what it retries, how long it waits, and what it tells the user when it gives up."""

from __future__ import annotations

import gzip
import hashlib
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from extractor_helpers import TEST_USER_AGENT
from werkzeug import Request, Response

from extractors import (
    Fetcher,
    FetchError,
    Forbidden,
    HttpConfig,
    NotFound,
    PoliteClient,
    RawArchive,
    TransientFetchError,
)

BODY = b"series_id\tyear\tperiod\tvalue\n" * 50


def scripted(*responses: Response | Callable[[], Response]) -> Callable[[Request], Response]:
    """A handler answering with `responses` in order, then repeating the last one."""
    queue = list(responses)
    lock = threading.Lock()

    def handler(request: Request) -> Response:
        with lock:
            step = queue.pop(0) if len(queue) > 1 else queue[0]
        return step if isinstance(step, Response) else step()

    return handler


def ok(body: bytes = BODY, **headers: str) -> Response:
    return Response(body, status=200, headers=headers)


def status(code: int, **headers: str) -> Response:
    return Response(b"", status=code, headers={k.replace("_", "-"): v for k, v in headers.items()})


def test_user_agent_is_sent_on_every_request(fault_server, make_client):
    fault_server.expect_request("/f").respond_with_handler(scripted(status(503), ok()))
    make_client().fetch(fault_server.url_for("/f"))
    assert [req.headers["User-Agent"] for req, _ in fault_server.log] == [TEST_USER_AGENT] * 2


def test_conditional_get_sends_the_validators_the_server_gave(fault_server, make_client, archive):
    etag, modified = '"v1"', "Wed, 01 Oct 2025 12:00:00 GMT"
    fault_server.expect_request("/f").respond_with_handler(
        scripted(ok(ETag=etag, **{"Last-Modified": modified}), status(304, ETag=etag))
    )
    client = make_client()
    first = client.fetch(fault_server.url_for("/f"))
    second = client.fetch(fault_server.url_for("/f"))

    first_request, second_request = (req for req, _ in fault_server.log)
    assert "If-None-Match" not in first_request.headers
    assert second_request.headers["If-None-Match"] == etag
    assert second_request.headers["If-Modified-Since"] == modified
    assert second.unchanged and second.path == first.path and second.etag == etag
    assert second.last_modified == modified  # kept from the 200 when the 304 omits it
    assert [e["status"] for e in archive.entries()] == [200, 304]


def test_unconditional_fetch_sends_no_validators(fault_server, make_client):
    fault_server.expect_request("/f").respond_with_handler(scripted(ok(ETag='"v1"')))
    client = make_client()
    client.fetch(fault_server.url_for("/f"))
    client.fetch(fault_server.url_for("/f"), conditional=False)
    assert "If-None-Match" not in fault_server.log[1][0].headers


def test_403_fails_at_once_and_names_the_contact_setting(fault_server, make_client, sleeps):
    fault_server.expect_request("/f").respond_with_data("go away", status=403)
    client = make_client()
    with pytest.raises(Forbidden) as caught:
        client.fetch(fault_server.url_for("/f"))

    message = str(caught.value)
    assert "BLS blocks anonymous robots" in message
    assert "BLS_REFRESH_CONTACT" in message and "--contact" in message
    assert caught.value.status == 403 and caught.value.url == fault_server.url_for("/f")
    assert len(fault_server.log) == 1 and client.requests_made == 1 and sleeps.calls == []


@pytest.mark.parametrize("code", [404, 410])
def test_gone_fails_at_once_as_not_found(fault_server, make_client, sleeps, code):
    fault_server.expect_request("/f").respond_with_data("", status=code)
    with pytest.raises(NotFound) as caught:
        make_client().fetch(fault_server.url_for("/f"))
    assert caught.value.status == code
    assert "not published (yet)?" in str(caught.value) and "base URL setting" in str(caught.value)
    assert len(fault_server.log) == 1 and sleeps.calls == []


def test_429_honours_retry_after_seconds(fault_server, make_client, sleeps, archive):
    fault_server.expect_request("/f").respond_with_handler(scripted(status(429, Retry_After="2"), ok()))
    result = make_client().fetch(fault_server.url_for("/f"))
    assert result.status == 200 and result.path.read_bytes() == BODY
    assert sleeps.calls == [2.0]
    assert len(fault_server.log) == 2 and len(archive.entries()) == 1


def test_retry_after_as_http_date(fault_server, make_client, sleeps):
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    fault_server.expect_request("/f").respond_with_handler(scripted(status(503, Retry_After=when), ok()))
    make_client().fetch(fault_server.url_for("/f"))
    [wait] = sleeps.calls
    assert 25 <= wait <= 30


def test_huge_retry_after_is_capped(fault_server, make_client, sleeps):
    fault_server.expect_request("/f").respond_with_handler(scripted(status(429, Retry_After="10000"), ok()))
    make_client(max_retry_after=300.0).fetch(fault_server.url_for("/f"))
    assert sleeps.calls == [300.0]


def test_503_twice_then_200_succeeds_with_jittered_exponential_backoff(fault_server, make_client, sleeps):
    fault_server.expect_request("/f").respond_with_handler(scripted(status(503), status(503), ok()))
    client = make_client(backoff_factor=1.0)
    result = client.fetch(fault_server.url_for("/f"))

    assert result.status == 200 and client.requests_made == 3
    first, second = sleeps.calls
    assert 0.5 <= first <= 1.0 and 1.0 <= second <= 2.0


def test_backoff_never_exceeds_max_backoff(fault_server, make_client, sleeps):
    fault_server.expect_request("/f").respond_with_data("", status=502)
    with pytest.raises(TransientFetchError):
        make_client(max_retries=6, backoff_factor=10.0, max_backoff=15.0).fetch(fault_server.url_for("/f"))
    assert len(sleeps.calls) == 6 and max(sleeps.calls) <= 15.0


def test_503_forever_gives_up_after_max_retries_plus_one_attempts(fault_server, make_client, sleeps, archive):
    fault_server.expect_request("/f").respond_with_data("busy", status=503)
    client = make_client(max_retries=3)
    with pytest.raises(TransientFetchError) as caught:
        client.fetch(fault_server.url_for("/f"))

    error = caught.value
    assert error.attempts == 4 and error.status == 503
    assert "4 attempts" in str(error) and "503" in str(error)
    assert len(fault_server.log) == 4 and client.requests_made == 4
    assert len(sleeps.calls) == 3  # no pointless wait after the last attempt
    assert archive.entries() == []


def test_read_timeout_is_retried(fault_server, make_client, sleeps):
    def stall() -> Response:
        time.sleep(1.0)
        return ok()

    fault_server.expect_request("/f").respond_with_handler(scripted(stall, ok()))
    client = make_client(timeout=0.2)
    result = client.fetch(fault_server.url_for("/f"))
    assert result.path.read_bytes() == BODY
    assert client.requests_made == 2 and len(sleeps.calls) == 1


def test_connection_refused_is_retried_then_reported(make_client, sleeps):
    client = make_client(max_retries=2)
    with pytest.raises(TransientFetchError) as caught:
        client.fetch("http://127.0.0.1:9/nothing-listens-here")  # port 9 (discard) is closed
    assert caught.value.status is None and caught.value.attempts == 3
    assert "no response" in str(caught.value)
    assert len(sleeps.calls) == 2


def test_unexpected_status_is_not_retried(fault_server, make_client, sleeps):
    fault_server.expect_request("/f").respond_with_data("", status=400)
    with pytest.raises(FetchError) as caught:
        make_client().fetch(fault_server.url_for("/f"))
    assert type(caught.value) is FetchError and caught.value.status == 400
    assert len(fault_server.log) == 1 and sleeps.calls == []


class _TruncatingHandler(BaseHTTPRequestHandler):
    """First request: Content-Length promises the whole body, the connection drops after 100
    bytes. Later requests: the whole body. (Werkzeug would fix up the Content-Length.)"""

    protocol_version = "HTTP/1.1"
    served = 0

    def do_GET(self) -> None:
        type(self).served += 1
        body = BODY[:100] if type(self).served == 1 else BODY
        self.send_response(200)
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True

    def log_message(self, *args: object) -> None:
        pass


def test_truncated_body_is_retried_and_never_archived(make_client, archive):
    server = ThreadingHTTPServer(("127.0.0.1", 0), type("Handler", (_TruncatingHandler,), {}))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        client = make_client()
        result = client.fetch(f"http://127.0.0.1:{server.server_address[1]}/f")
    finally:
        server.shutdown()
        server.server_close()
    assert result.path.read_bytes() == BODY
    assert client.requests_made == 2 and len(archive.entries()) == 1
    assert list((archive.root / ".partial").iterdir()) == []


def test_politeness_delay_spaces_consecutive_requests(fault_server, make_client, sleeps):
    fault_server.expect_request("/f").respond_with_data("x")
    client = make_client(delay=5.0)
    client.fetch(fault_server.url_for("/f"))
    assert sleeps.calls == []  # the first request does not wait
    client.fetch(fault_server.url_for("/f"), conditional=False)
    [wait] = sleeps.calls
    assert 4.0 < wait <= 5.0


def test_counters_add_up_over_a_run(fault_server, make_client):
    fault_server.expect_request("/a").respond_with_handler(scripted(ok(b"a" * 1000, ETag='"a"'), status(304)))
    fault_server.expect_request("/b").respond_with_data("", status=404)
    client = make_client()
    client.fetch(fault_server.url_for("/a"))
    client.fetch(fault_server.url_for("/a"))
    with pytest.raises(NotFound):
        client.fetch(fault_server.url_for("/b"))
    assert (client.requests_made, client.bytes_downloaded, client.not_modified) == (3, 1000, 1)


def test_clients_satisfy_the_fetcher_protocol(tmp_path):
    client = PoliteClient(HttpConfig(user_agent=TEST_USER_AGENT), RawArchive(tmp_path))
    assert isinstance(client, Fetcher)
    client.close()


@pytest.mark.parametrize("bad", [{"user_agent": " "}, {"timeout": 0}, {"max_retries": -1}, {"delay": -1}])
def test_http_config_rejects_unusable_values(bad):
    with pytest.raises(ValueError):
        HttpConfig(**{"user_agent": TEST_USER_AGENT, **bad})


def test_compressed_transfer_archives_the_decoded_file_and_counts_wire_bytes(fault_server, make_client):
    compressed = gzip.compress(BODY)
    fault_server.expect_request("/f").respond_with_response(
        Response(compressed, status=200, headers={"Content-Encoding": "gzip"})
    )
    client = make_client()
    result = client.fetch(fault_server.url_for("/f"))
    assert result.path.read_bytes() == BODY and result.size == len(BODY)
    assert result.bytes_downloaded == len(compressed) == client.bytes_downloaded
    assert result.sha256 == hashlib.sha256(BODY).hexdigest()


def test_each_attempt_and_wait_is_logged(fault_server, make_client, caplog):
    caplog.set_level("INFO", logger="extractors.http")
    fault_server.expect_request("/f").respond_with_handler(scripted(status(503), ok()))
    make_client().fetch(fault_server.url_for("/f"))
    assert "attempt 1/5" not in caplog.text and "attempt 2/5" in caplog.text  # the first try is DEBUG
    assert "retry 1/4 in" in caplog.text
