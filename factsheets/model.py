"""What each sheet says, built from one SheetFacts (a few set-based warehouse queries) and the careers
config. Pure: no I/O, no dates; the renderers lay a Sheet out as Markdown, HTML and JSON.

Which sheets exist:
* one per occupation: every EP line item, and every OEWS detailed code EP lacks
  (slug `29-2072-medical-records-specialists`);
* one per OOH profile whose figures are not already an occupation sheet: profiles whose primary
  code is an EP summary line (Drafters, 17-3010) or which have no single code (Financial Analysts);
  slug `ooh-<profile slug>`;
* one per career of the careers config (slug from its name).

Where the words come from: the careers config's overrides, else the OOH profile covering the code
(the primary one first), else sentences composed from the EP and OEWS figures (factsheets.prose).
Alternatives: the config's for a career; the OOH Similar Occupations (at most MAX_ALTERNATIVES) for
a sheet with a profile; else the nearest line items of the same SOC group.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from factsheets import prose
from factsheets.careers import Career, Overrides, english_plural, slugify
from factsheets.figures import (
    GROWTH_RULE,
    NOT_PUBLISHED,
    Figure,
    Provenance,
    count,
    derive_growth_phrase,
    dollars,
    full_period_from_cycle,
    ooh_outlook_figure,
    ooh_wage_figure,
    outlook_figure,
    round_half_away,
    similar_wage_figure,
    wage_figure,
)
from factsheets.prose import Block
from warehouse.sheet_queries import SheetFacts

MAX_ALTERNATIVES = 4
MAX_SIBLINGS = 3
PERCENTILES = (("p10", "10th"), ("p25", "25th"), ("median", "Median"), ("p75", "75th"), ("p90", "90th"))


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


@dataclass(frozen=True)
class EmploymentChart:
    base_year: int
    base: float
    target_year: int
    target: float
    provenance: Provenance

    @property
    def change(self) -> float:
        return self.target - self.base

    @property
    def display(self) -> str:
        return f"{count(self.base)} in {self.base_year}; {count(self.target)} projected for {self.target_year}"


@dataclass(frozen=True)
class AlternativeSheet:
    name: str
    soc_code: str | None
    bls_title: str | None
    description: Text
    median_salary: Figure
    outlook: Figure
    url: str | None = None

    @property
    def subject(self) -> str:
        return prose.in_sentence(self.bls_title or self.name)

    def sentences(self) -> list[str]:
        names = {self.name.casefold(), english_plural(self.name).casefold()}
        if self.bls_title and self.soc_code and self.bls_title.casefold() not in names:
            lead = f"BLS counts this career with {prose.in_sentence(self.bls_title)} (SOC {self.soc_code})"
            return [
                prose.alternative_wage_sentence(self.subject, self.median_salary, lead=lead),
                prose.alternative_outlook_sentence(self.outlook),
            ]
        return [
            prose.alternative_wage_sentence(self.subject, self.median_salary),
            prose.alternative_outlook_sentence(self.outlook),
        ]


@dataclass
class Sheet:
    slug: str
    kind: str  # occupation | profile | career
    title: str  # the career as the heading names it
    plural: str
    soc_code: str | None
    bls_title: str | None
    soc_codes: tuple[str, ...]
    profile: dict[str, Any] | None
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
    as_of: int | None = None
    career_name: str | None = None
    notes: list[str] = field(default_factory=list)

    # ---- derived words (pure functions of the fields above) ----

    @property
    def subject(self) -> str:
        return prose.in_sentence(self.plural)

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
        out = [" ".join(first), prose.wage_sentence(self.subject, self.median_salary)]
        if (
            self.kind == "career"
            and self.bls_title
            and self.soc_code
            and self.bls_title.casefold() != self.plural.casefold()
        ):
            out.append(
                f"These figures are BLS's for the occupation {prose.in_sentence(self.bls_title)} (SOC {self.soc_code})."
            )
        return out

    def source_parts(self) -> list[str]:
        parts = []
        for figure in (self.median_salary, self.outlook):
            prov = figure.provenance
            if prov is None or not figure.available:
                continue
            if prov.program == "oews":
                part = f"Occupational Employment and Wage Statistics, {prov.period}"
            elif prov.program == "projections":
                part = f"Employment Projections, {full_period_from_cycle(prov.release)}"
            else:
                part = f"Occupational Outlook Handbook, {prov.release} edition"
            if part not in parts:
                parts.append(part)
        return parts

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
            "ooh_profile": (self.profile["url"] if self.profile else "none", self._label(self.releases.get("ooh"))),
            "definition": (
                self.definition.plain + (f"\n{self.definition.note}" if self.definition.note else ""),
                self._label(self.definition.provenance),
            ),
            "education": (self.education.value, self._label(self.education.provenance)),
            "job_skills": (self.job_skills.value, self._label(self.job_skills.provenance)),
            "median_salary": (self.median_salary.text, self._label(self.median_salary.provenance)),
            "outlook": (self.outlook.text, self._label(self.outlook.provenance)),
            "growth": (
                self.growth.display if self.growth else "none",
                self._label(self.growth.provenance if self.growth else self.outlook.provenance),
            ),
            "openings": (
                count(self.openings) if self.openings is not None else "none",
                self._label(self.outlook.provenance),
            ),
            "sources": (self.source_line, self._label(self.outlook.provenance)),
            "required_education": (self.required_education.plain, self._label(self.required_education.provenance)),
            "skills_required": (self.skills_required.plain, self._label(self.skills_required.provenance)),
            "wage_distribution": (
                self.wage_chart.display if self.wage_chart else "none",
                self._label(self.wage_chart.provenance if self.wage_chart else self.median_salary.provenance),
            ),
            "employment": (
                self.employment_chart.display if self.employment_chart else "none",
                self._label(self.employment_chart.provenance if self.employment_chart else self.outlook.provenance),
            ),
            "alternatives": (
                ", ".join(a.name for a in self.alternatives) or "none",
                self._label(self.releases.get("ooh")) if self.kind != "career" else "config",
            ),
        }
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


# ---- building ----------------------------------------------------------------------------------


class SheetBuilder:
    def __init__(self, facts: SheetFacts):
        self.facts = facts
        self.rel = facts.releases
        self.prov = {source: Provenance.of(release, source) for source, release in self.rel.items()}
        self.config_prov = Provenance(program="config")
        occupations = facts.occupations
        total = occupations.get("00-0000")
        change = total.get("projected_change_percent") if total else None
        self.average = round_half_away(change) if change is not None else None
        self.groups = {
            code[:2]: row["title"] for code, row in occupations.items() if code.endswith("-0000") and code != "00-0000"
        }
        self.primary_soc: dict[str, str] = {}
        candidates: dict[str, list[tuple[tuple, str, bool]]] = {}
        for link in facts.links:
            if link["is_primary"]:
                self.primary_soc.setdefault(link["slug"], link["soc_code"])
            rank = (0 if link["is_primary"] else 1, link["depth"] if link["depth"] is not None else 9, link["slug"])
            candidates.setdefault(link["soc_code"], []).append((rank, link["slug"], bool(link["is_primary"])))
        self.profile_for_soc = {code: min(c)[1:] for code, c in candidates.items()}
        self.line_items = sorted(
            code
            for code, row in occupations.items()
            if row.get("occupation_type") == "Line item"
            or (row.get("occupation_type") is None and row.get("level") == "detailed")
        )

    # ---- sheet kinds ----

    def build(self, careers: list[Career]) -> list[Sheet]:
        sheets = [self.occupation_sheet(code) for code in self.line_items]
        covered = set(self.line_items)
        for slug in sorted(self.facts.profiles):
            if self.primary_soc.get(slug) not in covered:
                sheets.append(self.profile_sheet(slug))
        taken = {s.slug for s in sheets}
        for career in careers:
            sheet = self.career_sheet(career)
            if sheet.slug in taken:
                sheet.slug = f"{sheet.slug}-career"
            taken.add(sheet.slug)
            sheets.append(sheet)
        return sheets

    def occupation_sheet(self, code: str) -> Sheet:
        row = self.facts.occupations[code]
        title = row["title"]
        profile, primary = self._profile(code)
        slug = f"{code}-{slugify(title)}"[:100].rstrip("-")
        return self._sheet(slug, "occupation", title, title, code, row, profile, primary, (code,), None)

    def profile_sheet(self, slug: str) -> Sheet:
        profile = self.facts.profiles[slug]
        code = self.primary_soc.get(slug)
        row = self.facts.occupations.get(code) if code else None
        codes = tuple(sorted({l["soc_code"] for l in self.facts.links if l["slug"] == slug}))
        return self._sheet(
            f"ooh-{slug}", "profile", profile["title"], profile["title"], code, row, profile, True, codes, None
        )

    def career_sheet(self, career: Career) -> Sheet:
        code = career.primary_soc
        if code is None and career.ooh:
            code = self.primary_soc.get(career.ooh)
        row = self.facts.occupations.get(code) if code else None
        if career.ooh:
            profile, primary = self.facts.profiles.get(career.ooh), self.primary_soc.get(career.ooh) == code
        else:
            profile, primary = self._profile(code) if code else (None, False)
        codes = career.soc_codes or ((code,) if code else ())
        return self._sheet(
            career.slug, "career", career.name, career.plural, code, row, profile, primary, codes, career
        )

    # ---- the parts ----

    def _profile(self, code: str) -> tuple[dict | None, bool]:
        found = self.profile_for_soc.get(code)
        if not found:
            return None, False
        slug, primary = found
        return self.facts.profiles.get(slug), primary

    def _sheet(self, slug, kind, title, plural, code, row, profile, primary, codes, career: Career | None) -> Sheet:
        overrides = career.overrides if career else Overrides()
        wage, outlook = self._figures(row, profile if primary else None)
        sections = self.facts.sections.get(profile["slug"], {}) if profile else {}
        sheet = Sheet(
            slug=slug,
            kind=kind,
            title=title,
            plural=plural,
            soc_code=code,
            bls_title=row["title"] if row else (profile["title"] if profile and primary else None),
            soc_codes=codes,
            profile=profile,
            profile_is_primary=primary,
            definition=self._definition(
                title if kind != "career" else plural, code, row, profile, primary, sections, overrides
            ),
            education=self._education(row, profile if primary else None, overrides),
            job_skills=self._job_skills(row, profile, sections, overrides),
            median_salary=wage,
            outlook=outlook,
            growth=self._growth(outlook, profile if primary else None),
            openings=float(row["projected_openings_annual"])
            if row and row.get("projected_openings_annual") is not None
            else None,
            required_education=self._required_education(row, profile, sections, overrides),
            skills_required=self._skills_required(plural, row, profile, sections, overrides),
            alternatives=[],
            wage_chart=self._wage_chart(row),
            employment_chart=self._employment_chart(row, profile if primary else None),
            releases=dict(self.prov),
            as_of=self.facts.as_of,
            career_name=career.name if career else None,
        )
        if career is not None:
            sheet.alternatives = [
                self._alternative_from_config(a.name, a.soc, a.description) for a in career.alternatives
            ]
        elif profile is not None and self.facts.similar.get(profile["slug"]):
            sheet.alternatives = self._alternatives_from_similar(profile["slug"], code)
        elif code:
            sheet.alternatives = self._siblings(code)
        return sheet

    def _figures(self, row, profile) -> tuple[Figure, Figure]:
        if row is not None:
            return wage_figure(row if row.get("oews_release_id") else None, self.rel.get("oews")), outlook_figure(
                row if row.get("projection_cycle") else None, self.rel.get("projections")
            )
        if profile is not None and profile.get("pay_year") is not None:
            return ooh_wage_figure(profile, self.rel.get("ooh")), ooh_outlook_figure(profile, self.rel.get("ooh"))
        wage = wage_figure(None, self.rel.get("oews"))
        outlook = outlook_figure(None, self.rel.get("projections"))
        return wage, outlook

    def _growth(self, outlook: Figure, profile) -> Growth | None:
        if not outlook.available:
            return None
        whole = outlook.extra["rounded"]
        prov = outlook.provenance
        same_cycle = prov.program == "ooh" or (profile is not None and profile.get("outlook_period") == prov.release)
        if (
            profile is not None
            and same_cycle
            and profile.get("outlook_phrase")
            and profile.get("outlook_percent") is not None
            and round_half_away(profile["outlook_percent"]) == whole
        ):
            return Growth(
                profile["outlook_phrase"],
                "ooh",
                self.average if prov.program == "projections" else None,
                self.prov["ooh"],
            )
        if self.average is None:
            return None
        return Growth(
            derive_growth_phrase(whole, self.average), "derived", self.average, self.prov.get("projections", prov)
        )

    def _definition(self, plural, code, row, profile, primary, sections, overrides: Overrides) -> Section:
        if overrides.definition:
            return Section(tuple(prose.blocks_from_text(overrides.definition)), self.config_prov, "config")
        if profile is not None and (sections.get("what_they_do") or profile.get("description")):
            texts = prose.first_paragraphs(sections.get("what_they_do", {}).get("text")) or [
                profile.get("description") or ""
            ]
            where = prose.first_paragraphs(sections.get("work_environment", {}).get("text"))
            if where:
                sentences = [s for s in _sentences(where[0]) if not s.rstrip().endswith(":")]
                if sentences:
                    texts.append(" ".join(sentences))
            note = None
            if not primary:
                note = (
                    f"BLS describes this occupation in its Occupational Outlook Handbook profile of {profile['title']}."
                )
            return Section(tuple(prose.paragraphs(" ".join(texts))), self.prov["ooh"], "ooh", note)
        if row is None:
            return Section(
                (Block("p", NOT_PUBLISHED + ": no description in the loaded releases."),),
                self.prov.get("projections", self.config_prov),
                "composed",
            )
        group = self.groups.get(code[:2]) if code else None
        text = prose.composed_definition(
            plural,
            code,
            group,
            row.get("projected_employment_base"),
            row.get("projection_base_year"),
            row.get("oews_employment"),
            row.get("oews_period"),
        )
        return Section(tuple(prose.paragraphs(text)), self._row_prov(row), "composed")

    def _row_prov(self, row) -> Provenance:
        if row and row.get("projection_cycle"):
            return self.prov["projections"]
        if row and row.get("oews_release_id"):
            return self.prov["oews"]
        return self.config_prov

    def _education(self, row, profile, overrides: Overrides) -> Text:
        if overrides.education:
            return Text(overrides.education, self.config_prov, "config")
        if row and row.get("education"):
            return Text(row["education"], self.prov["projections"], "ep")
        if profile and profile.get("education"):
            return Text(profile["education"], self.prov["ooh"], "ooh")
        return Text(NOT_PUBLISHED, self.prov.get("projections", self.config_prov), "none")

    def _job_skills(self, row, profile, sections, overrides: Overrides) -> Text:
        if overrides.skills:
            return Text(prose.join_list(list(overrides.skills)), self.config_prov, "config")
        if profile is not None:
            found = prose.qualities(sections.get("important_qualities", {}).get("text"))
            if found:
                return Text(prose.join_list(found), self.prov["ooh"], "ooh")
        if row:
            composed = prose.composed_skills_row(row.get("work_experience"), row.get("training"))
            if composed:
                return Text(composed, self.prov["projections"], "composed")
            if row.get("training") == "None" and row.get("education"):
                return Text(
                    f"Gained through {prose.lower_first(row['education'])}", self.prov["projections"], "composed"
                )
        return Text(NOT_PUBLISHED, self.prov.get("projections", self.config_prov), "none")

    def _required_education(self, row, profile, sections, overrides: Overrides) -> Section:
        if overrides.required_education:
            return Section(tuple(prose.blocks_from_text(overrides.required_education)), self.config_prov, "config")
        text = sections.get("how_to_become_one", {}).get("text") if profile else None
        if text:
            return Section(
                tuple(prose.blocks_from_text(text)), self.prov["ooh"], "ooh", self._profile_note(profile, row)
            )
        if row is None:
            return Section(
                (Block("p", "The loaded releases do not say what education this occupation needs."),),
                self.config_prov,
                "composed",
            )
        texts = prose.composed_education(row.get("education"), row.get("work_experience"), row.get("training"))
        return Section(tuple(prose.paragraphs(*texts)), self._row_prov(row), "composed")

    def _skills_required(self, plural, row, profile, sections, overrides: Overrides) -> Section:
        if overrides.skills_required:
            return Section(tuple(prose.blocks_from_text(overrides.skills_required)), self.config_prov, "config")
        text = sections.get("important_qualities", {}).get("text") if profile else None
        if text:
            return Section(
                tuple(prose.qualities_blocks(text)), self.prov["ooh"], "ooh", self._profile_note(profile, row)
            )
        texts = prose.composed_skills(
            plural, row.get("work_experience") if row else None, row.get("training") if row else None
        )
        return Section(tuple(prose.paragraphs(*texts)), self._row_prov(row), "composed")

    def _profile_note(self, profile, row) -> str | None:
        if profile and row and profile["title"].casefold() != (row.get("title") or "").casefold():
            return f"From BLS's Occupational Outlook Handbook profile of {profile['title']}."
        return None

    def _wage_chart(self, row) -> WageChart | None:
        if not row or not row.get("oews_release_id"):
            return None
        annual = any(row.get(f"annual_{k}") is not None for k, _ in PERCENTILES)
        basis = "annual" if annual else "hourly"
        points = tuple(
            WagePoint(k, label, _float(row.get(f"{basis}_{k}")), row.get(f"{basis}_{k}_status"))
            for k, label in PERCENTILES
        )
        if all(p.value is None for p in points):
            return None
        return WageChart(basis, row.get("oews_period") or "", points, self.prov["oews"])

    def _employment_chart(self, row, profile) -> EmploymentChart | None:
        if (
            row
            and row.get("projected_employment_base") is not None
            and row.get("projected_employment_target") is not None
        ):
            return EmploymentChart(
                int(row["projection_base_year"]),
                float(row["projected_employment_base"]),
                int(row["projection_target_year"]),
                float(row["projected_employment_target"]),
                self.prov["projections"],
            )
        if row is None and profile is not None and profile.get("jobs") is not None and profile.get("outlook_period"):
            start, end = full_period_from_cycle(profile["outlook_period"]).split("-")
            return EmploymentChart(
                int(start),
                float(profile["jobs"]),
                int(end),
                float(profile["jobs"] + (profile.get("employment_change") or 0)),
                self.prov["ooh"],
            )
        return None

    # ---- alternatives ----

    def _alternative_from_config(self, name: str, code: str, description: str | None) -> AlternativeSheet:
        row = self.facts.occupations.get(code)
        profile, primary = self._profile(code)
        if description:
            text = Text(description, self.config_prov, "config")
        elif profile is not None and profile.get("description"):
            text = Text(profile["description"], self.prov["ooh"], "ooh")
        else:
            text = self._composed_alternative_text(code, row)
        wage, outlook = self._figures(row, profile if primary else None)
        return AlternativeSheet(
            name,
            code,
            row["title"] if row else None,
            text,
            wage,
            outlook,
            profile["url"] if profile is not None else None,
        )

    def _composed_alternative_text(self, code: str, row) -> Text:
        title = row["title"] if row else code
        group = self.groups.get(code[:2])
        return Text(
            prose.composed_alternative(title, code, group, row.get("education") if row else None),
            self._row_prov(row),
            "composed",
        )

    def _alternatives_from_similar(self, slug: str, own_code: str | None) -> list[AlternativeSheet]:
        out = []
        for similar in self.facts.similar.get(slug, []):
            if len(out) >= MAX_ALTERNATIVES:
                break
            other = similar.get("similar_slug")
            if other == slug:
                continue
            profile = self.facts.profiles.get(other) if other else None
            description = Text(similar["job_duties"], self.prov["ooh"], "ooh")
            if profile is None:
                wage = similar_wage_figure(similar, self.rel.get("ooh"))
                outlook = Figure("Not in the loaded BLS releases", "not_loaded", provenance=self.prov["ooh"])
                out.append(
                    AlternativeSheet(
                        similar["similar_title"], None, None, description, wage, outlook, similar.get("similar_url")
                    )
                )
                continue
            code = self.primary_soc.get(other)
            if code is not None and code == own_code:
                continue
            row = self.facts.occupations.get(code) if code else None
            wage, outlook = self._figures(row, profile)
            out.append(
                AlternativeSheet(
                    similar["similar_title"],
                    code,
                    row["title"] if row else None,
                    description,
                    wage,
                    outlook,
                    profile["url"],
                )
            )
        return out

    def _siblings(self, code: str) -> list[AlternativeSheet]:
        items = self.line_items

        def distance(other: str) -> tuple:
            same_broad = other[:6] == code[:6]
            return (
                0 if same_broad else 1,
                abs(int(other[3:].replace("-", "")) - int(code[3:].replace("-", ""))),
                other,
            )

        near = sorted((c for c in items if c != code and c[:4] == code[:4]), key=distance)[:MAX_SIBLINGS]
        out = []
        for other in near:
            row = self.facts.occupations[other]
            wage, outlook = self._figures(row, None)
            out.append(
                AlternativeSheet(
                    row["title"], other, row["title"], self._composed_alternative_text(other, row), wage, outlook
                )
            )
        return out


def _float(value) -> float | None:
    return None if value is None else float(value)


def _sentences(text: str) -> list[str]:
    import re

    return [s for s in re.split(r"(?<=[.!?:])\s+(?=[A-Z])", text.strip()) if s]


def build_sheets(facts: SheetFacts, careers: list[Career]) -> list[Sheet]:
    return SheetBuilder(facts).build(careers)


__all__ = ["Sheet", "AlternativeSheet", "SheetBuilder", "build_sheets", "GROWTH_RULE", "MAX_ALTERNATIVES"]
