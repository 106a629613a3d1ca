"""The OOH crawl against a scripted server: what it sends, how it paces itself, what it records
when pages fail, and when it gives up; profile discovery on index pages with traps."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from extractor_helpers import TEST_USER_AGENT
from pytest_httpserver import HTTPServer
from werkzeug import Response

from extractors import HttpConfig, PoliteClient, RawArchive
from extractors.ooh import NoProfileLinks, ProfileLink, crawl_profiles, discover_profiles, extract_profile_links

USER_AGENT = TEST_USER_AGENT
PAGE = b"<html><body><h1>Profile</h1></body></html>"


@pytest.fixture
def server(fault_server: HTTPServer) -> HTTPServer:
    """The extractors' scripted server (tests/extractors/conftest.py), by the name these tests use."""
    return fault_server


class Sleeps(list):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def client(tmp_path, sleeps) -> Iterator[PoliteClient]:
    # A clock that never moves: every politeness wait is the full configured delay.
    config = HttpConfig(user_agent=USER_AGENT, timeout=5.0, max_retries=1, backoff_factor=0.5, delay=1.0)
    with PoliteClient(config, RawArchive(tmp_path / "raw"), sleep=sleeps, clock=lambda: 0.0) as client:
        yield client


def links_on(server: HTTPServer, *slugs: str) -> list[ProfileLink]:
    base = server.url_for("/www.bls.gov").rstrip("/")
    return [ProfileLink(f"{base}/ooh/healthcare/{slug}.htm", "healthcare", slug, slug) for slug in slugs]


def path_of(slug: str) -> str:
    return f"/www.bls.gov/ooh/healthcare/{slug}.htm"


def test_one_request_at_a_time_with_the_delay_and_the_user_agent(server, client, sleeps):
    for slug in ("a", "b", "c"):
        server.expect_request(path_of(slug)).respond_with_data(PAGE, content_type="text/html")
    result = crawl_profiles(client, links_on(server, "a", "b", "c"))
    assert result.status == "complete" and len(result.pages) == 3 and result.failures == []
    assert sleeps == [1.0, 1.0]  # the delay between consecutive requests, none before the first
    assert [request.headers["User-Agent"] for request, _ in server.log] == [USER_AGENT] * 3
    assert [request.path for request, _ in server.log] == [path_of(s) for s in ("a", "b", "c")]


def test_repeated_5xx_is_recorded_and_the_crawl_goes_on(server, client):
    server.expect_request(path_of("down")).respond_with_response(Response(b"", status=503))
    server.expect_request(path_of("fine")).respond_with_data(PAGE, content_type="text/html")
    server.expect_request(path_of("gone")).respond_with_response(Response(b"", status=404))
    links = links_on(server, "down", "fine", "gone")
    seen: list[tuple[int, int, str, int]] = []  # with how many requests the server had seen by then
    result = crawl_profiles(
        client, links, progress=lambda done, total, url: seen.append((done, total, url, len(server.log)))
    )
    assert list(result.pages) == [links[1].url]
    # Told after every page, failed ones too, once the page's requests (retries included) are done.
    assert seen == [(1, 3, links[0].url, 2), (2, 3, links[1].url, 3), (3, 3, links[2].url, 4)]
    reasons = dict(result.failures)
    assert "still failing after 2 attempts" in reasons[links[0].url] and "503" in reasons[links[0].url]
    assert reasons[links[2].url] == "404 Not Found"
    assert result.status == "partial"
    assert result.summary().startswith("OOH crawl partial: 1 of 3 profiles fetched; failed: ")


def test_403_stops_the_crawl_and_says_why(server, client):
    server.expect_request(path_of("a")).respond_with_response(Response(b"", status=403))
    links = links_on(server, "a", "b", "c")
    seen: list[tuple[int, int, str]] = []
    result = crawl_profiles(client, links, progress=lambda *told: seen.append(told))
    assert len(server.log) == 1  # every page would be refused: no point asking for the others
    assert seen == [(1, 3, links[0].url)]  # the pages not tried are not reported as done
    assert result.pages == {} and result.status == "failed"
    (first_url, first), *rest = result.failures
    assert first_url == links[0].url and first.startswith("403 Forbidden") and "contact address" in first
    assert "crawl stopped, 2 profiles not tried" in first
    assert rest == [
        (link.url, f"not tried: the crawl stopped after 403 Forbidden on {links[0].url}") for link in links[1:]
    ]
    assert result.aborted == f"403 Forbidden on {links[0].url}; 2 profiles not tried"
    assert "stopped early" in result.summary()


def test_an_index_without_profile_links_is_an_error(server, client):
    server.expect_request("/www.bls.gov/ooh/a-z-index.htm").respond_with_data(
        b"<html><body><a href='/ooh/home.htm'>OOH</a></body></html>", content_type="text/html"
    )
    with pytest.raises(NoProfileLinks, match="lists no OOH profile links"):
        discover_profiles(client, server.url_for("/www.bls.gov"))


INDEX = """
<html><body>
<div class="nav"><a href="/ooh/about/ooh-faqs.htm">FAQ</a> <a href="/ooh/healthcare/home.htm">Healthcare</a>
  <a href="/ooh/healthcare/nav-only.htm">Nav link outside the list</a></div>
<div class="a-z-theme"><div class="a-z-list"><div class="a-z-list-box"><ul>
  <li><a href="https://www.bls.gov/ooh/healthcare/medical-records-and-health-information-technicians.htm">Health Information Coder</a>,
      see: <a href="https://www.bls.gov/ooh/healthcare/medical-records-and-health-information-technicians.htm">Medical records specialists</a></li>
  <li><a href="https://www.bls.gov/ooh/healthcare/medical-records-and-health-information-technicians.htm">Medical records specialists</a></li>
  <li><a href="/ooh/entertainment-and-sports/actors.htm#tab-2">Actors</a></li>
  <li><a href="actors-duplicate-relative.htm">Relative to the index</a></li>
  <li><a href="https://data.bls.gov/ooh/about/ooh-faqs.htm">Elsewhere</a></li>
  <li><a href="https://www.bls.gov/ooh/about/glossary.htm">Glossary</a></li>
  <li><a href="javascript:void(0)">Script</a> <a href="https://www.bls.gov/ooh/a-z-index.htm">Index</a></li>
  <li><a href="https://www.bls.gov/ooh/Bad/Upper.htm">Not a profile path</a></li>
</ul></div></div></div>
</body></html>
"""


def test_profile_links_are_found_deduplicated_and_rebased():
    www = "http://127.0.0.1:9/www.bls.gov"
    links = extract_profile_links(INDEX, www)
    assert links == [
        ProfileLink(f"{www}/ooh/entertainment-and-sports/actors.htm", "entertainment-and-sports", "actors", "Actors"),
        ProfileLink(
            f"{www}/ooh/healthcare/medical-records-and-health-information-technicians.htm",
            "healthcare",
            "medical-records-and-health-information-technicians",
            "Medical records specialists",
        ),
    ]
    # Against bls.gov itself the URLs stay where they are.
    assert (
        extract_profile_links(INDEX, "https://www.bls.gov/")[0].url
        == "https://www.bls.gov/ooh/entertainment-and-sports/actors.htm"
    )


class FakeFetcher:
    """Records what it is asked for; answers with a stand-in for FetchResult."""

    def __init__(self, delay: float) -> None:
        self.config = HttpConfig(user_agent=USER_AGENT, delay=delay)
        self.urls: list[str] = []

    def fetch(self, url: str, *, conditional: bool = True):
        self.urls.append(url)
        return object()


def test_bls_gov_is_never_asked_more_than_once_a_second():
    bls = [ProfileLink(f"https://www.bls.gov/ooh/healthcare/{s}.htm", "healthcare", s, s) for s in "abc"]
    waits = Sleeps()
    crawl_profiles(FakeFetcher(delay=0.0), bls, sleep=waits)
    assert waits == [1.0, 1.0]
    waits.clear()
    crawl_profiles(FakeFetcher(delay=0.25), bls, sleep=waits)
    assert waits == [0.75, 0.75]  # the client waits 0.25 s itself
    waits.clear()
    crawl_profiles(FakeFetcher(delay=2.0), bls, sleep=waits)
    assert waits == []
    mirror = [ProfileLink(f"http://127.0.0.1:9/www.bls.gov/ooh/healthcare/{s}.htm", "healthcare", s, s) for s in "abc"]
    crawl_profiles(FakeFetcher(delay=0.0), mirror, sleep=waits)
    assert waits == []  # no delay against a local mirror
