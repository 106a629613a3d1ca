"""What a sheet is: its fields, each with where it came from, and the words derived from them.

Pure data (built by factsheets.model, laid out by factsheets.render). `Sheet.fields()` is what the
content hash and the changelog compare, so a rewritten sheet always has changelog entries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from factsheets import prose
from factsheets.careers import english_plural
from factsheets.figures import Figure, Provenance, count, dollars, full_period_from_cycle
from factsheets.prose import Block
from factsheets.sources import SourceLink
from warehouse.sheet_queries import ProfileRow


@dataclass(frozen=True)
class Text:
    """A piece of words with where it came from."""

    value: str
    provenance: Provenance
    origin: str  # ooh | composed | config | ep

    def as_json(self) -> dict[str, Any]:
        return {"text": self.value, "origin": self.origin, "provenance": self.provenance.as_json()}


@dataclass(frozen=True)
class Section:
    blocks: tuple[Block, ...]
    provenance: Provenance
    origin: str
    note: str | None = None

    @property
    def plain(self) -> str:
        return "\n\n".join(b.plain() for b in self.blocks)

    def as_json(self) -> dict[str, Any]:
        return {
            "blocks": [b.as_json() for b in self.blocks],
            "origin": self.origin,
            "note": self.note,
            "provenance": self.provenance.as_json(),
        }


@dataclass(frozen=True)
class Growth:
    phrase: str
    origin: str  # ooh | derived
    average: int | None
    provenance: Provenance

    @property
    def display(self) -> str:
        text = self.phrase
        if self.origin == "derived" and self.average is not None:
            text += f" (derived; all occupations {self.average}%)"
        return text


@dataclass(frozen=True)
class WagePoint:
    key: str
    label: str
    value: float | None
    status: str | None

    @property
    def text(self) -> str:
        if self.value is None:
            return "not published"
        money = dollars(self.value, cents=self.value < 1000)
        return f"{money} or more" if self.status == "top_coded" else money


@dataclass(frozen=True)
class WageChart:
    basis: str  # annual | hourly
    period: str
    points: tuple[WagePoint, ...]
    provenance: Provenance

    @property
    def display(self) -> str:
        return "; ".join(f"{p.label} {p.text}" for p in self.points) + f" ({self.basis}, {self.period})"

    @property
    def caption(self) -> str:
        unit = "per year" if self.basis == "annual" else "per hour"
        described = "; ".join(
            f"{p.label} percentile: {p.text}" if p.key != "median" else f"median: {p.text}" for p in self.points
        )
        return f"{self.basis.capitalize()} wages {unit}, {self.period}: {described}."


@dataclass(frozen=True)
class EmploymentChart:
    """Employment now and projected, and the change, all as BLS publishes them (never recomputed from
    the rounded levels: base + change may differ from the target by BLS's rounding)."""

    base_year: int
    base: float
    target_year: int
    target: float
    change: float | None  # persons, BLS's figure
    percent: float | None  # EP's one-decimal percent, or the OOH's whole percent (decimals 0)
    whole: int | None  # the whole percent the sheet's outlook shows
    provenance: Provenance
    decimals: int = 1

    @property
    def change_text(self) -> str:
        """The caption's change: 'up 101,200 jobs (12.5%)'; EP rounds small changes to 0 thousand."""
        pct = "" if self.percent is None else f" ({self.percent_text})"
        if self.change is None:
            return f"a change of {self.percent_text}" if self.percent is not None else "change not published"
        if self.change == 0:
            if self.percent:
                return f"a change of fewer than 50 jobs{pct}"
            return f"little or no change{pct}"
        verb = "up" if self.change > 0 else "down"
        return f"{verb} {count(abs(self.change))} jobs{pct}"

    @property
    def percent_text(self) -> str:
        """EP's percent as EP prints it (one decimal), the OOH's as a whole number; signed."""
        if self.percent is None:
            return ""
        return f"{self.percent:+.{self.decimals}f}%" if self.percent else f"{0:.{self.decimals}f}%"

    @property
    def display(self) -> str:
        return (
            f"{count(self.base)} in {self.base_year}; {count(self.target)} projected for {self.target_year}; "
            f"{self.change_text}"
        )

    @property
    def caption(self) -> str:
        return (
            f"{count(self.base)} jobs in {self.base_year}; {count(self.target)} projected for {self.target_year}: "
            f"{self.change_text}."
        )


@dataclass(frozen=True)
class AlternativeSheet:
    name: str
    soc_code: str | None
    bls_title: str | None
    description: Text
    median_salary: Figure
    outlook: Figure
    url: str | None = None  # its OOH profile on bls.gov
    sheet: str | None = None  # the slug of its own sheet in this set

    @property
    def subject(self) -> str:
        return prose.in_sentence(self.bls_title or self.name)

    @property
    def profile_link(self) -> str | None:
        """Its OOH profile's URL, when it is a web address a page may link to."""
        return self.url if self.url and self.url.startswith(("https://", "http://")) else None

    def sentences(self) -> list[str]:
        names = {self.name.casefold(), english_plural(self.name).casefold()}
        lead = None
        if self.bls_title and self.soc_code and self.bls_title.casefold() not in names:
            lead = f"BLS counts this career with {prose.in_sentence(self.bls_title)} (SOC {self.soc_code})"
        return [
            prose.alternative_wage_sentence(self.subject, self.median_salary, lead=lead),
            prose.alternative_outlook_sentence(self.outlook),
        ]


@dataclass
class Sheet:
    slug: str
    kind: str  # occupation | profile | career
    title: str  # the career as the heading names it
    plural: str
    name: str  # the occupation's one name in the sheet's sentences (BLS's title of what the figures describe)
    soc_code: str | None
    bls_title: str | None
    soc_codes: tuple[str, ...]
    group: tuple[str, str] | None  # SOC major group (29-0000, its title)
    profile: ProfileRow | None
    profile_is_primary: bool
    definition: Section
    education: Text
    job_skills: Text
    median_salary: Figure
    outlook: Figure
    growth: Growth | None
    openings: float | None
    required_education: Section
    skills_required: Section
    alternatives: list[AlternativeSheet]
    wage_chart: WageChart | None
    employment_chart: EmploymentChart | None
    releases: dict[str, Provenance]
    sources: tuple[SourceLink, ...] = ()
    as_of: int | None = None
    career_name: str | None = None
    notes: list[str] = field(default_factory=list)
    area_links: tuple[tuple[str, str], ...] = ()  # (area name, slug) of its area sheets in the set

    # ---- derived words (pure functions of the fields above) ----

    @property
    def subject(self) -> str:
        return prose.in_sentence(self.name)

    @property
    def heading(self) -> str:
        return f"{self.title} Career Requirements"

    @property
    def required_missing(self) -> list[str]:
        """Required figures (the asterisked rows) the sheet cannot show."""
        return [
            name
            for name, fig in (("median_salary", self.median_salary), ("outlook", self.outlook))
            if not fig.available
        ]

    def outlook_paragraphs(self) -> list[str]:
        first = [
            prose.growth_sentence(
                self.subject,
                self.outlook,
                self.growth.phrase if self.growth else None,
                self.growth.average if self.growth else None,
            )
        ]
        opening = prose.openings_sentence(self.openings)
        if opening:
            first.append(opening)
        return [" ".join(first), prose.wage_sentence(self.subject, self.median_salary)]

    def source_parts(self) -> list[str]:
        """The summary table's source note: each program and release its two figures come from."""
        parts: dict[str, str] = {}
        for figure in (self.median_salary, self.outlook):
            prov = figure.provenance
            if prov is None or not figure.available:
                continue
            if prov.program == "oews":
                parts["oews"] = f"Occupational Employment and Wage Statistics, {prov.period}"
            elif prov.program == "projections":
                parts["projections"] = f"Employment Projections, {full_period_from_cycle(prov.release or '')}"
            else:
                part = parts.get("ooh") or f"Occupational Outlook Handbook, {prov.release} edition"
                if figure.unit and figure.unit.startswith("USD"):
                    part += f", pay for {figure.period}"
                parts["ooh"] = part
        return list(parts.values())

    @property
    def source_line(self) -> str:
        parts = self.source_parts()
        return "Source: *U.S. Bureau of Labor Statistics" + (f" ({'; '.join(parts)})" if parts else "")

    @property
    def as_of_line(self) -> str | None:
        if self.as_of is None:
            return None
        used = [self.releases[s].label for s in ("oews", "projections", "ooh") if s in self.releases]
        return f"As of the BLS releases of {self.as_of}: {', '.join(used) if used else 'none loaded'}."

    def fields(self) -> dict[str, tuple[str, str]]:
        """Everything the sheet shows, as (full text, release label), keyed by field name: the content
        hash and the changelog are both computed from this, so a rewrite always has a changelog entry."""
        out: dict[str, tuple[str, str]] = {
            "title": (self.heading, "config" if self.kind == "career" else self._label(self.definition.provenance)),
            "occupation": (
                f"{self.soc_code or '-'} {self.bls_title or ''}".strip(),
                self._label(self.median_salary.provenance),
            ),
            "ooh_profile": (self.profile.url if self.profile else "none", self._label(self.releases.get("ooh"))),
            "definition": (
                self.definition.plain + (f"\n{self.definition.note}" if self.definition.note else ""),
                self._label(self.definition.provenance),
            ),
            "education": (self.education.value, self._label(self.education.provenance)),
            "job_skills": (self.job_skills.value, self._label(self.job_skills.provenance)),
            "median_salary": (self.median_salary.text, self._label(self.median_salary.provenance)),
            "outlook": (self.outlook.text, self._label(self.outlook.provenance)),
            "growth": self._part(self.growth, self.outlook.provenance),
            "openings": (
                count(self.openings) if self.openings is not None else "none",
                self._label(self.outlook.provenance),
            ),
            "sources": (self.source_line, self._label(self.outlook.provenance)),
            "required_education": (self.required_education.plain, self._label(self.required_education.provenance)),
            "skills_required": (self.skills_required.plain, self._label(self.skills_required.provenance)),
            "wage_distribution": self._part(self.wage_chart, self.median_salary.provenance),
            "employment": self._part(self.employment_chart, self.outlook.provenance),
            "alternatives": (
                ", ".join(a.name for a in self.alternatives) or "none",
                self._label(self.releases.get("ooh")) if self.kind != "career" else "config",
            ),
        }
        if self.area_links:  # only then: a set without area sheets keeps its national sheets' content
            out["area_sheets"] = (
                "; ".join(slug for _, slug in self.area_links),
                self._label(self.releases.get("oews")),
            )
        for alt in self.alternatives:
            key = f"alternative[{alt.name}]"
            out[f"{key}.occupation"] = (
                f"{alt.soc_code or '-'} {alt.bls_title or ''}".strip(),
                self._label(alt.median_salary.provenance),
            )
            out[f"{key}.description"] = (alt.description.value, self._label(alt.description.provenance))
            out[f"{key}.median_salary"] = (alt.median_salary.text, self._label(alt.median_salary.provenance))
            out[f"{key}.outlook"] = (alt.outlook.text, self._label(alt.outlook.provenance))
        return out

    @staticmethod
    def _label(prov: Provenance | None) -> str:
        return prov.label if prov else "none"

    @classmethod
    def _part(cls, part: Growth | WageChart | EmploymentChart | None, fallback: Provenance | None) -> tuple[str, str]:
        """An optional part's (display, release label); "none" and the release it would come from when absent."""
        if part is None:
            return "none", cls._label(fallback)
        return part.display, cls._label(part.provenance)
