"""What every field of a run's sheets is built from: the warehouse's facts read once (releases and their
provenance, the all-occupations average, SOC groups, the crosswalk, which sheet stands for which code),
and the subject of one sheet (its code, rows, profile and careers-config entry).

The rule for figures, the same for a sheet's own and for each alternative's: EP and OEWS by SOC code,
from the releases the run uses, whether or not an OOH profile is loaded; the OOH's quick facts only
where those releases have no line for the occupation (a profile of several codes), and then with the
OOH's own year.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from factsheets.careers import Career, Overrides
from factsheets.crosswalk import Crosswalk
from factsheets.figures import (
    NOT_LOADED,
    NOT_PUBLISHED,
    Figure,
    Provenance,
    bls_whole,
    ooh_outlook_figure,
    ooh_wage_figure,
    outlook_figure,
    wage_figure,
)
from warehouse.sheet_queries import OccupationRow, ProfileRow, SectionText, SheetFacts


@dataclass(frozen=True)
class Subject:
    """What one sheet describes."""

    kind: str  # occupation | profile | career
    slug: str
    title: str  # the heading's name
    plural: str
    code: str | None  # the code whose figures the sheet shows
    row: OccupationRow | None
    profile: ProfileRow | None  # the OOH profile whose words the sheet uses
    primary: bool  # the profile's quick facts describe `code` (or the profile stands for itself)
    codes: tuple[str, ...]
    career: Career | None = None
    sections: dict[str, SectionText] = field(default_factory=dict)

    @property
    def overrides(self) -> Overrides:
        return self.career.overrides if self.career else Overrides()

    @property
    def own_profile(self) -> ProfileRow | None:
        """The profile whose figures are this subject's (None when it only lends its words)."""
        return self.profile if self.primary else None

    def section(self, name: str) -> str | None:
        found = self.sections.get(name) if self.profile is not None else None
        return found.text if found else None


class Context:
    """The run's shared facts and the figures of any occupation by code."""

    def __init__(self, facts: SheetFacts):
        self.facts = facts
        self.releases = facts.releases
        self.prov = {source: Provenance.of(release, source) for source, release in facts.releases.items()}
        self.config_prov = Provenance(program="config")
        self.links = Crosswalk(facts)
        self.groups = {
            code[:2]: (code, row.title)
            for code, row in facts.occupations.items()
            if code.endswith("-0000") and code != "00-0000"
        }
        self._pages: dict[str, Provenance] = {}

    @cached_property
    def average(self) -> int | None:
        """The all-occupations change as the whole percent BLS shows (3 for 2024-34)."""
        total = self.facts.occupations.get("00-0000")
        whole = bls_whole(total.projection) if total and total.projection else None
        return whole.value if whole else None

    @cached_property
    def minor_groups(self) -> dict[str, list[str]]:
        """'29-1' -> the line items of that minor group's codes."""
        out: dict[str, list[str]] = {}
        for code in self.links.line_items:
            out.setdefault(code[:4], []).append(code)
        return out

    @cached_property
    def occupation_slugs(self) -> dict[str, str]:
        """code -> slug of its occupation sheet (every line item)."""
        from factsheets.careers import slugify

        return {
            code: f"{code}-{slugify(self.facts.occupations[code].title)}"[:100].rstrip("-")
            for code in self.links.line_items
        }

    @cached_property
    def profile_slugs(self) -> dict[str, str]:
        """profile slug -> slug of its own sheet (profiles whose figures are no occupation sheet)."""
        covered = set(self.links.line_items)
        return {
            slug: f"ooh-{slug}"
            for slug in sorted(self.facts.profiles)
            if self.links.primary_soc.get(slug) not in covered
        }

    def sheet_of(self, code: str | None, profile_slug: str | None = None) -> str | None:
        """The slug of the sheet in this set that shows the figures of `code` (or of the profile)."""
        if code and code in self.occupation_slugs:
            return self.occupation_slugs[code]
        if profile_slug and profile_slug in self.profile_slugs:
            return self.profile_slugs[profile_slug]
        return self._profile_sheets_by_code.get(code) if code else None

    @cached_property
    def _profile_sheets_by_code(self) -> dict[str, str]:
        """An EP summary line a profile sheet shows (17-3010 -> ooh-drafters)."""
        primary = self.links.primary_soc
        return {primary[slug]: sheet for slug, sheet in self.profile_slugs.items() if slug in primary}

    def page(self, profile: ProfileRow) -> Provenance:
        """The provenance of a profile's words and figures: its own page."""
        found = self._pages.get(profile.slug)
        if found is None:
            found = self._pages[profile.slug] = Provenance.of_page(profile, self.releases.get("ooh"))
        return found

    def missing_text(self) -> str:
        """What a sheet says of an EP-based field its occupation lacks: BLS did not publish it only when the
        EP release loaded is BLS's whole table (not when none is loaded, or part of it, as in the sample)."""
        release = self.releases.get("projections")
        return NOT_PUBLISHED if release is not None and release.complete else NOT_LOADED

    def row_prov(self, row: OccupationRow | None) -> Provenance:
        if row is not None and row.projection is not None:
            return self.prov["projections"]
        if row is not None and row.oews is not None:
            return self.prov["oews"]
        return self.config_prov

    # ---- figures by code ----

    def median_salary(self, row: OccupationRow | None, profile: ProfileRow | None) -> Figure:
        """OEWS by code; the OOH's pay (its year) only where the OEWS release has no such code."""
        if row is not None and row.oews is not None:
            return wage_figure(row.oews, self.releases.get("oews"))
        facts = profile.quick_facts if profile is not None else None
        if profile is not None and facts is not None and (facts.median_pay_annual or facts.median_pay_hourly):
            return ooh_wage_figure(facts, self.page(profile))
        return wage_figure(None, self.releases.get("oews"))

    def outlook(self, row: OccupationRow | None, profile: ProfileRow | None) -> Figure:
        """EP by code; the OOH's quick facts only where the EP release has no such line."""
        if row is not None and row.projection is not None:
            return outlook_figure(row.projection, self.releases.get("projections"))
        if profile is not None and profile.quick_facts is not None:
            return ooh_outlook_figure(profile.quick_facts, self.page(profile))
        return outlook_figure(None, self.releases.get("projections"))
