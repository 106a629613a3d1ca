"""The one shape every source's transform returns: a release record, its tables, what was left out.

A table is an iterable of DataFrame chunks (a whole frame is one chunk), so a release of six million
OEWS figures streams into the warehouse the same way as a 292-page OOH edition. The warehouse loads
any `Release` with `warehouse.load_release`; nothing downstream maps fields by hand.

Field names are the same for every source:
* `release_id` — what names the release in the warehouse ('2025A01' for OEWS May 2025, '2024-34'
  for an EP cycle or an OOH edition);
* `period` — how BLS writes it for a reader ('May 2025', '2024-34');
* `reference_year` — the year the figures describe, which orders releases in history.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

import pandas as pd


@dataclass(frozen=True)
class Quarantined:
    """A file, page or row the transform left out, and why (the run report lists it)."""

    where: str  # a URL, a file name, or 'file:line'
    reason: str


@dataclass(frozen=True)
class Release:
    source: str  # oews | projections | ooh
    release_id: str
    period: str
    reference_year: int
    tables: Mapping[str, Iterable[pd.DataFrame]]
    quarantined: tuple[Quarantined, ...] = ()
    # Parts of the release (e.g. OOH pages, keyed by URL) kept from what the warehouse already
    # holds instead of being replaced: unchanged bytes, or a page that could not be parsed tonight.
    carried_forward: Mapping[str, str] = field(default_factory=dict)  # key -> reason

    def chunks(self, table: str) -> Iterator[pd.DataFrame]:
        yield from self.tables[table]


def whole(frame: pd.DataFrame) -> tuple[pd.DataFrame]:
    """A table given as one frame: one chunk."""
    return (frame,)
