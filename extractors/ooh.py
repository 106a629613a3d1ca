"""Occupational Outlook Handbook: find the profiles on the A-Z index and fetch them, politely.

Discovery reads only the index's links (URL discovery, not content parsing): every link of the
form ``/ooh/<group>/<slug>.htm`` is a profile, minus the handbook's own pages (about/, group home
pages). Profile slugs are stable: BLS keeps the slug when it renames an occupation.

The crawl is sequential through one client, so the client's ``delay`` setting is the politeness
(at least 1 s against bls.gov, none against a local mirror). A page that cannot be fetched is
recorded with its URL and reason and the crawl goes on; a 403 (BLS refusing the User-Agent)
stops it, since every further request would be refused too.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from urllib.parse import unquote, urljoin, urlsplit

import lxml.html

from .errors import FetchError, Forbidden, NotFound, StorageError, TransientFetchError
from .http import Fetcher
from .records import FetchResult

__all__ = [
    "A_Z_INDEX_PATH",
    "CrawlResult",
    "NoProfileLinks",
    "ProfileLink",
    "Progress",
    "a_z_index_url",
    "crawl_profiles",
    "discover_profiles",
    "extract_profile_links",
]

log = logging.getLogger("extractors.ooh")

A_Z_INDEX_PATH = "/ooh/a-z-index.htm"
# Where the index's absolute links point; they are re-based onto the configured www base URL.
_BLS_HOSTS = frozenset({"www.bls.gov", "bls.gov"})
_CANONICAL_INDEX = "https://www.bls.gov" + A_Z_INDEX_PATH
_PROFILE_PATH = re.compile(r"^/ooh/(?P<group>[a-z0-9][a-z0-9-]*)/(?P<slug>[a-z0-9][a-z0-9-]*)\.htm$")
# Folders under /ooh/ that hold the handbook's own pages, not occupation profiles.
_NOT_GROUPS = frozenset({"about", "how-to-find-a-job", "images", "js", "css", "pdf", "occupation-finder"})
_NOT_SLUGS = frozenset({"home", "index"})
_PROGRESS_EVERY = 50
# The least pause between two requests to bls.gov, whatever the client was configured with.
BLS_MIN_DELAY = 1.0


@dataclass(frozen=True)
class ProfileLink:
    url: str  # absolute, on the configured www base (a mirror, or https://www.bls.gov)
    group: str  # e.g. "healthcare"
    slug: str  # e.g. "medical-records-and-health-information-technicians"
    index_title: str  # the profile's title as the index lists it


class NoProfileLinks(FetchError):
    """The A-Z index was fetched but lists no profile link: its layout changed, or it is not the index."""

    def __init__(self, url: str) -> None:
        super().__init__(
            url,
            None,
            f"{url} lists no OOH profile links (/ooh/<group>/<slug>.htm): the index layout may have "
            "changed, or the base URL does not point at www.bls.gov",
        )


@dataclass
class CrawlResult:
    pages: dict[str, FetchResult]  # url -> archived page, in crawl order
    failures: list[tuple[str, str]]  # (url, reason), e.g. "404 Not Found"
    aborted: str | None = None  # why the crawl stopped early, if it did
    links: list[ProfileLink] = field(default_factory=list)

    @property
    def status(self) -> str:
        """complete: every page fetched; partial: some failed; failed: none fetched."""
        if not self.pages:
            return "failed"
        return "partial" if self.failures or self.aborted else "complete"

    def summary(self) -> str:
        reasons = Counter(_reason_kind(reason) for _, reason in self.failures)
        text = f"OOH crawl {self.status}: {len(self.pages)} of {len(self.pages) + len(self.failures)} profiles fetched"
        if reasons:
            text += "; failed: " + ", ".join(f"{n} {kind}" for kind, n in reasons.most_common())
        if self.aborted:
            text += f"; stopped early: {self.aborted}"
        return text

    def digest(self) -> str:
        """sha256 over the fetched pages' (url, sha256), sorted: the same digest means the same bytes."""
        lines = sorted(f"{url}\t{result.sha256}" for url, result in self.pages.items())
        return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def a_z_index_url(www_base: str) -> str:
    return www_base.rstrip("/") + A_Z_INDEX_PATH


def discover_profiles(fetcher: Fetcher, www_base: str) -> tuple[FetchResult, list[ProfileLink]]:
    """Fetch the A-Z index and list its unique profile links, absolute on `www_base`."""
    url = a_z_index_url(www_base)
    result = fetcher.fetch(url)
    links = extract_profile_links(result.path.read_bytes(), www_base)
    if not links:
        raise NoProfileLinks(url)
    log.info("OOH A-Z index %s lists %d profiles", url, len(links))
    return result, links


def extract_profile_links(html: bytes | str, www_base: str) -> list[ProfileLink]:
    """Profile links of an A-Z index page, deduplicated, sorted by URL.

    The index lists aliases as "<alias>, see: <profile title>", each pointing at the profile,
    so a profile's title is the text its links most often carry as the last link of an entry.
    """
    # lxml directly, not BeautifulSoup: the index runs every night (304 or not), and its thousands
    # of anchors made bs4 the largest cost of a night on which nothing changed.
    root = lxml.html.fromstring(html)
    scopes = root.xpath("//div[contains(concat(' ', normalize-space(@class), ' '), ' a-z-list ')]")
    scope = scopes[0] if scopes else root
    titles: dict[str, Counter[str]] = {}
    parts: dict[str, tuple[str, str]] = {}
    for anchor in scope.iter("a"):
        href = anchor.get("href")
        site_path = _site_path(href, www_base) if href is not None else None
        if site_path is None:
            continue
        match = _PROFILE_PATH.match(site_path)
        if match is None or match["group"] in _NOT_GROUPS or match["slug"] in _NOT_SLUGS:
            continue
        url = www_base.rstrip("/") + site_path
        parts[url] = (match["group"], match["slug"])
        counter = titles.setdefault(url, Counter())
        entry = next(anchor.iterancestors("li"), None)
        is_alias = entry is not None and entry.xpath(".//a[@href]")[-1] is not anchor
        text = " ".join(" ".join(anchor.itertext()).split())
        if text:
            counter[text] += 0 if is_alias else 1  # aliases count only when nothing better exists
    links = []
    for url in sorted(parts):
        group, slug = parts[url]
        counter = titles[url]
        title = counter.most_common(1)[0][0] if counter else slug.replace("-", " ")
        links.append(ProfileLink(url=url, group=group, slug=slug, index_title=title))
    return links


def _site_path(href: str, www_base: str) -> str | None:
    """The path on www.bls.gov that `href` names, or None when it points elsewhere."""
    href = href.strip()
    if not href or href.startswith(("#", "javascript:", "mailto:")):
        return None
    absolute = urljoin(_CANONICAL_INDEX, href)
    parts = urlsplit(absolute)
    path = unquote(parts.path)
    if parts.scheme in {"http", "https"} and parts.netloc.lower() in _BLS_HOSTS:
        return path
    base = urlsplit(www_base.rstrip("/"))
    # Links saved from a mirror may already point at the mirror's own base URL.
    if parts.netloc == base.netloc and path.startswith(base.path + "/"):
        return path[len(base.path) :]
    return None


Progress = Callable[[int, int, str], None]  # (pages done, pages in all, the page's URL)


def crawl_profiles(
    fetcher: Fetcher,
    links: Sequence[ProfileLink],
    *,
    sleep: Callable[[float], None] = time.sleep,
    progress: Progress | None = None,
) -> CrawlResult:
    """Fetch each profile in turn; record every failure with its reason and keep going.

    `progress(done, total, url)` is called after every page tried, fetched, 304 or failed (a bar,
    `n/342 pages` log lines): a crawl at BLS's pace takes minutes. Pages a stopped crawl did not
    try are not reported to it.

    Pacing is the client's `delay`; against bls.gov a client configured below BLS_MIN_DELAY is
    topped up here, so the crawl never asks bls.gov more than once a second.
    A 403 stops the crawl (BLS refuses the User-Agent, so every page would be refused): it is
    recorded for that page and each page not tried is listed as skipped, with the reason.
    A FetchError without an HTTP status (TLS failure, unusable base URL) stops it the same way.
    """
    result = CrawlResult(pages={}, failures=[], links=list(links))
    top_up = _delay_top_up(fetcher)
    for position, link in enumerate(links, start=1):
        if position > 1 and top_up > 0 and _is_bls(link.url):
            sleep(top_up)
        stopped = _fetch_profile(fetcher, result, links, position)
        if progress is not None:
            progress(position, len(links), link.url)
        if stopped:
            break
        if position % _PROGRESS_EVERY == 0:
            log.debug("OOH crawl: %d/%d pages tried, %d failed", position, len(links), len(result.failures))
    log.info("%s", result.summary())
    return result


def _fetch_profile(fetcher: Fetcher, result: CrawlResult, links: Sequence[ProfileLink], position: int) -> bool:
    """Fetch links[position - 1] into `result`; True when the crawl must stop."""
    link = links[position - 1]
    try:
        result.pages[link.url] = fetcher.fetch(link.url)
    except StorageError:
        raise  # a full or read-only disk stops the night, not just this page
    except NotFound as exc:
        status = exc.status if exc.status is not None else "not archived"
        reason = f"{status} Not Found" if exc.status == 404 else f"{status} Gone" if exc.status == 410 else str(exc)
        result.failures.append((link.url, reason))
        log.warning("OOH profile %s: %s", link.url, reason)
    except TransientFetchError as exc:
        result.failures.append((link.url, str(exc)))
        log.warning("OOH profile %s: %s", link.url, exc)
    except Forbidden as exc:
        _abort(result, links, position, link.url, f"403 Forbidden: {exc}", "403 Forbidden")
        return True
    except FetchError as exc:
        if exc.status is None:
            _abort(result, links, position, link.url, str(exc), type(exc).__name__)
            return True
        result.failures.append((link.url, str(exc)))
        log.warning("OOH profile %s: %s", link.url, exc)
    return False


def _is_bls(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return host == "bls.gov" or host.endswith(".bls.gov")


def _delay_top_up(fetcher: Fetcher) -> float:
    """Seconds to add between bls.gov requests; 0 for a replay client (it has no network)."""
    config = getattr(fetcher, "config", None)
    if config is None:
        return 0.0
    configured = float(getattr(config, "delay", 0.0) or 0.0)
    if configured < BLS_MIN_DELAY:
        log.debug("client delay %.2fs is below %.1fs: topping it up for bls.gov", configured, BLS_MIN_DELAY)
    return max(0.0, BLS_MIN_DELAY - configured)


def _abort(result: CrawlResult, links: Sequence[ProfileLink], position: int, url: str, reason: str, short: str) -> None:
    remaining = len(links) - position
    result.failures.append((url, f"{reason}; crawl stopped, {remaining} profiles not tried"))
    for link in links[position:]:
        result.failures.append((link.url, f"not tried: the crawl stopped after {short} on {url}"))
    result.aborted = f"{short} on {url}; {remaining} profiles not tried"
    log.error("OOH crawl stopped: %s", result.aborted)


def _reason_kind(reason: str) -> str:
    if reason.startswith("not tried"):
        return "not tried"
    match = re.match(r"^(\d{3} [A-Za-z ]+?)(?:[:;]|$)", reason)
    return match[1] if match else "fetch errors"
