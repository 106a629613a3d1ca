"""An OOH edition, page by page: parse only the pages whose bytes changed; carry the others forward.

The OOH release is a set of pages, each with its own sha256. `read_edition` is given tonight's
pages and what the warehouse already holds per page URL (`PageState`, from
`warehouse.ooh_pages.known_pages`), and returns the `Release`:

* a page whose bytes are those the warehouse's rows were parsed from is not read at all: its slug
  is carried forward (reason ``unchanged``);
* a page that changed is parsed; its rows replace the old ones;
* a page that cannot be used tonight (layout drift, a figure out of range, another edition, a
  fetch that failed) keeps its last good rows: it is carried forward with the reason, and listed
  in `Release.quarantined` when it could not be parsed. It never deletes data. Its recorded
  sha256 stays that of the bytes its rows come from, so it is parsed again the next night;
* a page the warehouse does not know and that cannot be parsed is quarantined (nothing to keep).

The `ooh_pages` table says, for every page of the edition, which of these happened, since when
and why. The edition is the projection period most pages state.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from transforms.errors import LayoutError
from transforms.ooh.frames import PROFILE_TABLES, pages_frame, profile_frames, validate_profiles
from transforms.ooh.page import parse_profile
from transforms.ooh.records import OohProfile
from transforms.ooh.text import edition_of, profile_path_parts
from transforms.release import Quarantined, Release, whole

__all__ = ["UNCHANGED", "PageBytes", "PageInput", "PageState", "read_edition", "read_profiles"]

log = logging.getLogger("transforms.ooh")

UNCHANGED = "unchanged"  # the carry-forward reason of a page whose bytes did not change


class _ArchivedPage(Protocol):
    """A page as the crawl hands it on (extractors.records.FetchResult fits)."""

    @property
    def path(self) -> Path: ...
    @property
    def sha256(self) -> str: ...
    @property
    def fetched_at(self) -> datetime: ...


@dataclass(frozen=True)
class PageBytes:
    """A page given as bytes (tests, benches, callers holding the body)."""

    body: bytes
    sha256: str
    fetched_at: datetime | None = None

    @classmethod
    def of(cls, body: bytes, fetched_at: datetime | None = None) -> PageBytes:
        return cls(body, hashlib.sha256(body).hexdigest(), fetched_at)


PageInput = _ArchivedPage | PageBytes


@dataclass(frozen=True)
class PageState:
    """What the warehouse holds for one page of the newest OOH edition."""

    slug: str
    edition: str  # the edition whose rows hold the page
    sha256: str  # of the bytes the held rows were parsed from
    stated_edition: str | None  # the edition those rows' quick facts state (None: no quick facts)
    fetched_at: datetime | None
    parsed_at: datetime
    status: str  # parsed | carried_forward
    reason: str | None
    carried_since: datetime | None


@dataclass(frozen=True)
class _Parsed:
    url: str
    page: PageInput
    profile: OohProfile


@dataclass(frozen=True)
class _Failed:
    url: str
    page: PageInput | None  # None: not fetched tonight
    reason: str


def read_edition(
    pages: Mapping[str, PageInput],
    known: Mapping[str, PageState] | None = None,
    *,
    not_fetched: Mapping[str, str] | None = None,
    now: datetime | None = None,
) -> Release:
    """The OOH release of tonight's `pages` (URL -> page), parsing only what changed since `known`.

    `not_fetched` (URL -> reason, e.g. the crawl's failures) lets a known page that could not be
    fetched tonight keep its rows; a known page in neither mapping has left the index and is
    dropped. `now` stamps parsed_at and carried_since. Raises LayoutError when no page at all
    states an edition (nothing parses and the warehouse knows none of the pages).
    """
    known = known or {}
    now = now or datetime.now(UTC)
    unchanged: dict[str, PageInput] = {}
    parsed: dict[str, _Parsed] = {}  # slug -> page
    failed: list[_Failed] = []
    for url, page in pages.items():
        state = known.get(url)
        if state is not None and state.sha256 == page.sha256:
            unchanged[url] = page
            continue
        outcome = _parse(url, page)
        if isinstance(outcome, str):
            failed.append(_Failed(url, page, outcome))
        elif outcome.slug in parsed:
            first = parsed[outcome.slug].url
            failed.append(
                _Failed(url, page, f"{url}: expected one page per slug, found {outcome.slug!r} also at {first}")
            )
        else:
            parsed[outcome.slug] = _Parsed(url, page, outcome)

    edition, base_year, target_year = _edition(parsed, [known[url] for url in pages if url in known], failed)
    for slug, item in list(parsed.items()):
        stated = item.profile.edition
        if stated is not None and stated != edition:
            failed.append(_Failed(item.url, item.page, f"{item.url}: expected the {edition} edition, found {stated}"))
            del parsed[slug]

    frames = profile_frames(edition, (item.profile for item in parsed.values()))
    frames, rejected = validate_profiles(frames, {slug: item.url for slug, item in parsed.items()})
    for slug, reason in rejected.items():
        failed.append(_Failed(parsed[slug].url, parsed[slug].page, reason))
        del parsed[slug]
    failed.extend(_not_fetched(not_fetched or {}, known, set(pages)))

    night = _Night(edition, known, now)
    for item in parsed.values():
        night.parsed(item)
    for url, page in unchanged.items():
        night.unchanged(url, page)
    for unusable in failed:
        night.failed(unusable, taken=set(parsed))
    tables = {table: whole(frames[table]) for table in PROFILE_TABLES}
    tables["ooh_pages"] = whole(pages_frame(night.rows))
    night.log_summary(len(pages))
    return Release(
        source="ooh",
        release_id=edition,
        period=f"{base_year}-{target_year}",
        reference_year=base_year,
        tables=tables,
        quarantined=tuple(night.quarantined),
        carried_forward=dict(night.carried),
    )


def read_profiles(pages: Mapping[str, Path | bytes | str | Any]) -> Release:
    """Every page parsed, nothing known: the whole edition from scratch (first load, tests, benches).

    Values may be a Path, the page's bytes or text, or anything with a `.path` (a FetchResult)."""
    return read_edition({url: _as_page(source) for url, source in pages.items()}, {})


def _as_page(source: Any) -> PageInput:
    if isinstance(source, PageBytes):
        return source
    if isinstance(source, str):
        return PageBytes.of(source.encode("utf-8"))
    if isinstance(source, (bytes, bytearray, memoryview)):
        return PageBytes.of(bytes(source))
    if hasattr(source, "sha256") and hasattr(source, "fetched_at") and hasattr(source, "path"):
        return source
    return PageBytes.of(Path(getattr(source, "path", source)).read_bytes())


def _parse(url: str, page: PageInput) -> OohProfile | str:
    """The page's profile, or why it could not be had."""
    try:
        body = page.body if isinstance(page, PageBytes) else Path(page.path).read_bytes()
        return parse_profile(body, url=url)
    except LayoutError as exc:
        return str(exc)
    except OSError as exc:
        return f"{url}: the page could not be read ({type(exc).__name__}: {exc})"
    except Exception as exc:  # a page that trips the parser must not sink the other 291
        log.exception("unexpected error parsing %s", url)
        return f"{url}: unexpected {type(exc).__name__} while parsing: {exc}"


def _edition(parsed: Mapping[str, _Parsed], states: list[PageState], failed: list[_Failed]) -> tuple[str, int, int]:
    """The projection period most pages state: tonight's parses, and the held rows of the others."""
    votes = Counter(item.profile.edition for item in parsed.values() if item.profile.edition is not None)
    votes.update(s.stated_edition for s in states if s.stated_edition is not None and s.slug not in parsed)
    if not votes:
        votes.update(s.edition for s in states)
    if not votes:
        first = failed[0].reason if failed else "no pages given"
        raise LayoutError(
            file="OOH profiles",
            expected="at least one profile page with Quick Facts that parses",
            found=f"{len(parsed) + len(failed)} pages, {len(failed)} unusable, none known; first: {first}",
        )
    edition = max(votes, key=lambda e: (votes[e], e))  # a tie goes to the newer edition
    period = edition_of(edition)
    if period is None:  # cannot happen: editions are written by edition_of
        raise LayoutError(file="OOH profiles", expected="an edition like 2024-34", found=edition)
    return period


def _not_fetched(not_fetched: Mapping[str, str], known: Mapping[str, PageState], given: set[str]) -> list[_Failed]:
    """Known pages the crawl tried and could not fetch (matched by slug: the crawl may name a mirror)."""
    by_slug = {state.slug: url for url, state in known.items() if url not in given}
    out = []
    for url, reason in not_fetched.items():
        parts = profile_path_parts(url)
        if parts is not None and parts[1] in by_slug:
            known_url = by_slug.pop(parts[1])
            out.append(_Failed(known_url, None, f"{known_url}: not fetched tonight: {reason}"))
    return out


class _Night:
    """The ooh_pages rows, the carried parts and the quarantine, page by page."""

    def __init__(self, edition: str, known: Mapping[str, PageState], now: datetime) -> None:
        self.edition = edition
        self.known = known
        self.now = now
        self.rows: list[dict[str, Any]] = []
        self.carried: dict[str, str] = {}
        self.quarantined: list[Quarantined] = []

    def parsed(self, item: _Parsed) -> None:
        self._row(item.profile.slug, item.url, item.page.sha256, item.page.sha256, item.page.fetched_at, self.now)

    def unchanged(self, url: str, page: PageInput) -> None:
        state = self.known[url]
        reason = UNCHANGED
        if state.stated_edition is not None and state.stated_edition != self.edition:
            reason = f"{url}: unchanged, and still states the {state.stated_edition} edition (expected {self.edition})"
            self.quarantined.append(Quarantined(url, reason))
        self._carry(url, state, reason, page.sha256)

    def failed(self, item: _Failed, taken: set[str]) -> None:
        state = self.known.get(item.url)
        seen = None if item.page is None else item.page.sha256
        if state is None or state.slug in taken:
            if item.page is not None:  # a page that was fetched and could not be used
                self.quarantined.append(Quarantined(item.url, item.reason))
            return
        since = self._carry(item.url, state, item.reason, seen)
        if item.page is not None:
            kept = f"keeps its rows parsed {state.parsed_at:%Y-%m-%d}, carried forward since {since:%Y-%m-%d}"
            self.quarantined.append(Quarantined(item.url, f"{item.reason}; {kept}"))

    def log_summary(self, given: int) -> None:
        for q in self.quarantined:
            log.warning("OOH page quarantined: %s", q.reason)
        unchanged = sum(1 for reason in self.carried.values() if reason == UNCHANGED)
        log.info(
            "OOH %s: %d pages given, %d parsed, %d carried forward (%d unchanged), %d quarantined",
            self.edition,
            given,
            sum(1 for row in self.rows if row["status"] == "parsed"),
            len(self.carried),
            unchanged,
            len(self.quarantined),
        )

    def _carry(self, url: str, state: PageState, reason: str, seen: str | None) -> datetime:
        streak = state.status == "carried_forward" and (state.reason == UNCHANGED) == (reason == UNCHANGED)
        since = state.carried_since if streak and state.carried_since is not None else self.now
        self.carried[state.slug] = reason
        self._row(state.slug, url, state.sha256, seen, state.fetched_at, state.parsed_at, reason, since)
        return since

    def _row(
        self,
        slug: str,
        url: str,
        sha256: str,
        seen: str | None,
        fetched_at: datetime | None,
        parsed_at: datetime,
        reason: str | None = None,
        since: datetime | None = None,
    ) -> None:
        self.rows.append(
            {
                "edition": self.edition,
                "slug": slug,
                "url": url,
                "sha256": sha256,
                "seen_sha256": seen,
                "fetched_at": fetched_at,
                "parsed_at": parsed_at,
                "status": "parsed" if reason is None else "carried_forward",
                "reason": reason,
                "carried_since": since,
            }
        )
