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

import re
from typing import Any

from factsheets import prose
from factsheets.careers import Career, Overrides, slugify
from factsheets.crosswalk import Crosswalk
from factsheets.figures import (
    GROWTH_RULE,
    NOT_PUBLISHED,
    PROFILE_NOT_LOADED,
    Figure,
    Provenance,
    derive_growth_phrase,
    full_period_from_cycle,
    ooh_outlook_figure,
    ooh_wage_figure,
    outlook_figure,
    round_half_away,
    similar_wage_figure,
    wage_figure,
)
from factsheets.prose import Block
from factsheets.sheet import (
    AlternativeSheet,
    EmploymentChart,
    Growth,
    Section,
    Sheet,
    Text,
    WageChart,
    WagePoint,
)
from warehouse.sheet_queries import SheetFacts

MAX_ALTERNATIVES = 4
MAX_SIBLINGS = 3
PERCENTILES = (("p10", "10th"), ("p25", "25th"), ("median", "Median"), ("p75", "75th"), ("p90", "90th"))


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
        self.links = Crosswalk(facts)
        self.primary_soc = self.links.primary_soc
        self.line_items = self.links.line_items

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
        codes = tuple(sorted(self.links.linked.get(slug, ())))
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
        return self.links.profile_of(code)

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
        if prov is None:
            return None
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
        out: list[AlternativeSheet] = []
        for similar in self.facts.similar.get(slug, []):
            if len(out) >= MAX_ALTERNATIVES:
                break
            other: str = similar.get("similar_slug") or ""
            if other == slug:
                continue
            profile = self.facts.profiles.get(other)
            if profile is not None:
                code = self.primary_soc.get(other)
            else:
                code = self.links.soc_of_missing_profile(other, similar["similar_title"])
            if code is not None and code == own_code:
                continue
            row = self.facts.occupations.get(code) if code else None
            if profile is None and row is None:
                out.append(self._similar_without_figures(similar))
                continue
            wage, outlook = self._figures(row, profile)
            out.append(
                AlternativeSheet(
                    similar["similar_title"],
                    code,
                    row["title"] if row else None,
                    Text(similar["job_duties"], self.prov["ooh"], "ooh"),
                    wage,
                    outlook,
                    profile["url"] if profile else similar.get("similar_url"),
                )
            )
        return out

    def _similar_without_figures(self, similar: dict[str, Any]) -> AlternativeSheet:
        """A Similar Occupations row whose profile is not loaded and names no single occupation: the
        pay the row itself lists, and no projection (nothing says which EP line is its)."""
        return AlternativeSheet(
            similar["similar_title"],
            None,
            None,
            Text(similar["job_duties"], self.prov["ooh"], "ooh"),
            similar_wage_figure(similar, self.rel.get("ooh")),
            Figure(PROFILE_NOT_LOADED, "not_loaded", provenance=self.prov["ooh"]),
            similar.get("similar_url"),
        )

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
    return [s for s in re.split(r"(?<=[.!?:])\s+(?=[A-Z])", text.strip()) if s]


def build_sheets(facts: SheetFacts, careers: list[Career]) -> list[Sheet]:
    return SheetBuilder(facts).build(careers)


__all__ = ["Sheet", "AlternativeSheet", "SheetBuilder", "build_sheets", "GROWTH_RULE", "MAX_ALTERNATIVES"]
