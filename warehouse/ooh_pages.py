"""What the warehouse holds per OOH page: the input of a night that parses only what changed.

`known_pages(con)` gives, for each page URL of the newest OOH edition, the sha256 of the bytes its
rows were parsed from, its slug and how it got there (`transforms.ooh.PageState`);
`transforms.ooh.read_edition(pages, known)` then parses only the pages whose bytes differ.
`carried_pages(con)` lists the pages whose rows are older than what BLS serves, for the run report
and for analysts (the `ooh_pages` table holds the same).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import duckdb

if TYPE_CHECKING:
    from transforms.ooh import PageState

# transforms.ooh is imported where it is used: it brings the page parser and its schemas (pandera), which a
# night without the OOH does not need at start-up.

__all__ = ["CarriedPage", "carried_pages", "known_pages", "newest_edition"]


@dataclass(frozen=True)
class CarriedPage:
    """A page whose rows were kept from an earlier load because tonight's could not be used."""

    edition: str
    slug: str
    url: str
    reason: str
    parsed_at: datetime  # when the rows kept were parsed
    carried_since: datetime


def newest_edition(con: duckdb.DuckDBPyConnection) -> str | None:
    """The OOH edition loads carry forward from: the newest by reference year, then by load time."""
    row = con.execute(
        """
        SELECT release_id FROM releases WHERE source = 'ooh'
        ORDER BY reference_year DESC, loaded_at DESC LIMIT 1
        """
    ).fetchone()
    return None if row is None else row[0]


def known_pages(con: duckdb.DuckDBPyConnection) -> dict[str, PageState]:
    """URL -> what the newest OOH edition holds for that page; empty when no edition is loaded
    (or it was loaded before pages were recorded: the next night then parses every page)."""
    from transforms.ooh import PageState

    edition = newest_edition(con)
    if edition is None:
        return {}
    rows = con.execute(
        """
        SELECT p.url, p.slug, p.edition, p.sha256, q.outlook_period, p.fetched_at, p.parsed_at,
               p.status, p.reason, p.carried_since
        FROM ooh_pages p
        LEFT JOIN ooh_quick_facts q ON q.edition = p.edition AND q.slug = p.slug
        WHERE p.edition = ?
        """,
        [edition],
    ).fetchall()
    return {
        url: PageState(
            slug=slug,
            edition=page_edition,
            sha256=sha256,
            stated_edition=stated,
            fetched_at=_utc(fetched_at),
            parsed_at=parsed_at.astimezone(UTC),
            status=status,
            reason=reason,
            carried_since=_utc(carried_since),
        )
        for url, slug, page_edition, sha256, stated, fetched_at, parsed_at, status, reason, carried_since in rows
    }


def carried_pages(con: duckdb.DuckDBPyConnection, edition: str | None = None) -> list[CarriedPage]:
    """Pages of `edition` (default: the newest) carried forward for a reason other than unchanged bytes."""
    from transforms.ooh import UNCHANGED

    edition = edition or newest_edition(con)
    if edition is None:
        return []
    rows = con.execute(
        """
        SELECT edition, slug, url, reason, parsed_at, carried_since FROM ooh_pages
        WHERE edition = ? AND status = 'carried_forward' AND reason <> ?
        ORDER BY carried_since, slug
        """,
        [edition, UNCHANGED],
    ).fetchall()
    return [
        CarriedPage(edition, slug, url, reason, parsed_at.astimezone(UTC), since.astimezone(UTC))
        for edition, slug, url, reason, parsed_at, since in rows
    ]


def _utc(value: datetime | None) -> datetime | None:
    return None if value is None else value.astimezone(UTC)
