"""What one profile page holds, as plain records (frames.py turns them into tables)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class QuickFacts:
    pay_year: int
    median_pay_annual: float | None
    median_pay_hourly: float | None
    pay_status: str  # one of transforms.schemas.OOH_PAY_STATUSES
    education: str
    work_experience: str
    training: str
    jobs_year: int
    jobs: int
    outlook_period: str  # normalised, e.g. "2024-34"
    base_year: int
    target_year: int
    outlook_percent: float
    outlook_phrase: str  # BLS's own words, e.g. "Much faster than average"
    employment_change: int


@dataclass(frozen=True)
class SocRow:
    soc_code: str
    title: str
    table_row: int  # 1-based position in the projections table
    depth: int  # indentation in the table: 0 the profile's own row, 1, 2 below it
    is_primary: bool  # the row the quick facts describe (first row, when it has a code)
    employment_base: int | None
    employment_target: int | None
    change_percent: float | None
    change_numeric: int | None


@dataclass(frozen=True)
class Section:
    section: str  # one of transforms.schemas.OOH_SECTIONS
    heading: str
    text: str  # clean text (sanitize.py)


@dataclass(frozen=True)
class SimilarOccupation:
    title: str
    url: str | None
    slug: str | None
    job_duties: str
    education: str
    pay_year: int | None
    median_pay_annual: float | None
    pay_status: str  # one of transforms.schemas.OOH_SIMILAR_PAY_STATUSES


@dataclass(frozen=True)
class OohProfile:
    url: str  # canonical https://www.bls.gov/ooh/<group>/<slug>.htm
    source_url: str  # the URL the page was read from (a mirror, an archive key...)
    group: str
    slug: str
    title: str
    group_title: str | None
    last_modified: date | None
    description: str | None
    quick_facts: QuickFacts | None
    soc_rows: tuple[SocRow, ...]
    sections: tuple[Section, ...]
    similar: tuple[SimilarOccupation, ...]

    @property
    def edition(self) -> str | None:
        return None if self.quick_facts is None else self.quick_facts.outlook_period
