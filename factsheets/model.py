"""Which sheets a run publishes and what each says, built from one SheetFacts (a few set-based warehouse
queries returning typed rows) and the careers config. Pure: no I/O, no dates; the renderers lay a
Sheet out as Markdown, HTML and JSON.

Which sheets exist:
* one per occupation: every EP line item, and every OEWS detailed code EP lacks
  (slug `29-2072-medical-records-specialists`);
* one per OOH profile whose figures are not already an occupation sheet: profiles whose primary
  code is an EP summary line (Drafters, 17-3010) or which have no single code (Financial Analysts);
  slug `ooh-<profile slug>`;
* one per career of the careers config (slug from its name).

Each field is one function of factsheets.fields (alternatives: factsheets.alternatives) over the run's
Context and the sheet's Subject.
"""

from __future__ import annotations

from factsheets import fields
from factsheets.alternatives import MAX_ALTERNATIVES, alternatives
from factsheets.area_sheet import AreaBuilder, AreaSheet
from factsheets.careers import Career
from factsheets.context import Context, Subject
from factsheets.figures import GROWTH_RULE
from factsheets.sheet import AlternativeSheet, EmploymentChart, Sheet, WageChart
from warehouse.area_queries import AreaFacts
from warehouse.sheet_queries import OccupationRow, ProfileRow, SheetFacts


class SheetBuilder:
    def __init__(self, facts: SheetFacts, areas: AreaFacts | None = None):
        self.facts = facts
        self.ctx = Context(facts)
        self.areas = AreaBuilder(self, areas) if areas is not None else None
        # SOC code -> (area name, slug) of its area sheets in this publish: the national sheet links them
        self.area_links = self.areas.links() if self.areas is not None else {}

    # ---- sheet kinds ----

    def build(self, careers: list[Career]) -> list[Sheet]:
        ctx = self.ctx
        sheets = [self.occupation_sheet(code) for code in ctx.links.line_items]
        sheets += [self.profile_sheet(slug) for slug in ctx.profile_slugs]
        taken = {s.slug for s in sheets}
        for career in careers:
            sheet = self.career_sheet(career)
            if sheet.slug in taken:
                sheet.slug = f"{sheet.slug}-career"
            taken.add(sheet.slug)
            sheets.append(sheet)
        return sheets

    def occupation_sheet(self, code: str, *, links: bool = True) -> Sheet:
        row = self.facts.occupations[code]
        profile, primary = self.ctx.links.profile_of(code)
        slug = self.ctx.occupation_slugs[code]
        sheet = self.sheet(
            self._subject("occupation", slug, row.title, row.title, code, row, profile, primary, (code,))
        )
        if links:
            sheet.area_links = self.area_links.get(code, ())
        return sheet

    def area_sheet(self, ident: str) -> AreaSheet:
        """The area sheet of `ident` ("TX:29-2072"); only with area facts."""
        if self.areas is None:
            raise ValueError(f"area sheet {ident!r}: this publish has no area figures")
        return self.areas.sheet(ident)

    def profile_sheet(self, slug: str) -> Sheet:
        profile = self.facts.profiles[slug]
        code = self.ctx.links.primary_soc.get(slug)
        row = self.facts.occupations.get(code) if code else None
        codes = tuple(sorted(self.ctx.links.linked.get(slug, ())))
        subject = self._subject("profile", f"ooh-{slug}", profile.title, profile.title, code, row, profile, True, codes)
        return self.sheet(subject)

    def career_sheet(self, career: Career) -> Sheet:
        code = career.primary_soc
        if code is None and career.ooh:
            code = self.ctx.links.primary_soc.get(career.ooh)
        row = self.facts.occupations.get(code) if code else None
        if career.ooh:
            profile = self.facts.profiles.get(career.ooh)
            primary = self.ctx.links.primary_soc.get(career.ooh) == code
        else:
            profile, primary = self.ctx.links.profile_of(code) if code else (None, False)
        codes = career.soc_codes or ((code,) if code else ())
        subject = self._subject(
            "career", career.slug, career.name, career.plural, code, row, profile, primary, codes, career
        )
        return self.sheet(subject)

    def _subject(
        self,
        kind: str,
        slug: str,
        title: str,
        plural: str,
        code: str | None,
        row: OccupationRow | None,
        profile: ProfileRow | None,
        primary: bool,
        codes: tuple[str, ...],
        career: Career | None = None,
    ) -> Subject:
        sections = self.facts.sections.get(profile.slug, {}) if profile is not None else {}
        return Subject(kind, slug, title, plural, code, row, profile, primary, codes, career, sections)

    # ---- one sheet, field by field ----

    def sheet(self, subject: Subject) -> Sheet:
        ctx = self.ctx
        called = fields.name(subject)
        salary, change = fields.median_salary(ctx, subject), fields.outlook(ctx, subject)
        employment = fields.employment_chart(ctx, subject, change)
        group = ctx.groups.get((subject.code or (subject.codes[0] if subject.codes else ""))[:2])
        return Sheet(
            slug=subject.slug,
            kind=subject.kind,
            title=subject.title,
            plural=subject.plural,
            name=called,
            soc_code=subject.code,
            bls_title=subject.row.title if subject.row is not None else None,
            soc_codes=subject.codes,
            group=group,
            profile=subject.profile,
            profile_is_primary=subject.primary,
            definition=fields.definition(ctx, subject, called, employment),
            education=fields.education(ctx, subject),
            job_skills=fields.job_skills(ctx, subject),
            median_salary=salary,
            outlook=change,
            growth=fields.growth(ctx, subject, change),
            openings=fields.openings(subject),
            required_education=fields.required_education(ctx, subject),
            skills_required=fields.skills_required(ctx, subject, called),
            alternatives=alternatives(ctx, subject),
            wage_chart=fields.wage_chart(ctx, subject),
            employment_chart=employment,
            releases=dict(ctx.prov),
            sources=fields.sources(ctx, subject),
            as_of=self.facts.as_of,
            career_name=subject.career.name if subject.career else None,
        )


def build_sheets(facts: SheetFacts, careers: list[Career]) -> list[Sheet]:
    return SheetBuilder(facts).build(careers)


__all__ = [
    "AlternativeSheet",
    "EmploymentChart",
    "GROWTH_RULE",
    "MAX_ALTERNATIVES",
    "Sheet",
    "SheetBuilder",
    "WageChart",
    "build_sheets",
]
