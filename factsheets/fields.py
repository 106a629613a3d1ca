"""One small function per field of a sheet, each a pure function of the run's Context and the sheet's
Subject (and of the fields it depends on: the employment chart's count is the definition's).

Words come from the careers config's overrides, else the OOH profile covering the code, else sentences
composed from the EP and OEWS figures (factsheets.prose). Figures follow Context's rule.
"""

from __future__ import annotations

import re

from factsheets import prose
from factsheets.context import Context, Subject
from factsheets.figures import NOT_PUBLISHED, Figure, derive_growth_phrase, full_period_from_cycle
from factsheets.prose import Block
from factsheets.sheet import EmploymentChart, Growth, Section, Text, WageChart, WagePoint
from factsheets.sources import SourceLink, ep_link, oews_link, ooh_link
from warehouse.sheet_queries import PERCENTILES

LABELS = {"p10": "10th", "p25": "25th", "median": "Median", "p75": "75th", "p90": "90th"}
_SENTENCE = re.compile(r"(?<=[.!?:])\s+(?=[A-Z])")


def name(subject: Subject) -> str:
    """The occupation's one name in the sheet's sentences: BLS's title of what the figures describe (a
    career keeps its own when it is BLS's)."""
    if subject.kind == "occupation" and subject.row is not None:
        return subject.row.title
    if subject.kind == "profile" and subject.profile is not None:
        return subject.profile.title
    bls = subject.row.title if subject.row is not None else subject.profile.title if subject.profile else None
    if bls is None or bls.casefold() in (subject.plural.casefold(), subject.title.casefold()):
        return subject.plural
    return bls


def name_note(subject: Subject, called: str) -> str | None:
    """For a career BLS counts under another name: which, once, so every later sentence uses BLS's."""
    if subject.kind != "career" or called == subject.plural:
        return None
    where = f"(SOC {subject.code})" if subject.code else "in its Occupational Outlook Handbook"
    return (
        f"BLS counts {prose.in_sentence(subject.plural)} as {prose.in_sentence(called)} {where}: "
        "the text and figures on this sheet are BLS's for that occupation."
    )


def median_salary(ctx: Context, subject: Subject) -> Figure:
    return ctx.median_salary(subject.row, subject.own_profile)


def outlook(ctx: Context, subject: Subject) -> Figure:
    return ctx.outlook(subject.row, subject.own_profile)


def growth(ctx: Context, subject: Subject, figure: Figure) -> Growth | None:
    """BLS's own OOH phrase when the profile's quick facts are of this code and cycle (and so show the same
    whole percent), else derived by GROWTH_RULE from the whole percent and the all-occupations average."""
    if not figure.available or figure.provenance is None:
        return None
    prov = figure.provenance
    own = subject.own_profile
    facts = own.quick_facts if own is not None else None
    if facts is not None and (prov.program == "ooh" or facts.outlook_period == prov.release):
        if facts.outlook_phrase and int(facts.outlook_percent) == figure.whole and own is not None:
            average = ctx.average if prov.program == "projections" else None
            return Growth(facts.outlook_phrase, "ooh", average, ctx.page(own))
    if ctx.average is None:
        return None
    return Growth(
        derive_growth_phrase(figure.whole, ctx.average), "derived", ctx.average, ctx.prov.get("projections", prov)
    )


def openings(subject: Subject) -> float | None:
    projection = subject.row.projection if subject.row is not None else None
    if projection is None or projection.openings_annual is None:
        return None
    return float(projection.openings_annual)


def wage_chart(ctx: Context, subject: Subject) -> WageChart | None:
    """OEWS's percentiles of the code: annual, or hourly where BLS publishes only hourly wages."""
    oews = subject.row.oews if subject.row is not None else None
    if oews is None:
        return None
    wages = oews.annual if any(w.value is not None for w in oews.annual.values()) else oews.hourly
    basis = "annual" if wages is oews.annual else "hourly"
    points = tuple(WagePoint(k, LABELS[k], wages[k].value, wages[k].status) for k in PERCENTILES)
    if all(p.value is None for p in points):
        return None
    return WageChart(basis, oews.period, points, ctx.prov["oews"])


def employment_chart(ctx: Context, subject: Subject, figure: Figure) -> EmploymentChart | None:
    """Employment in the base year and projected, and the change: BLS's figures (EP's table; for a profile
    of several codes, the OOH's quick facts and the sum of its projections table's rows)."""
    whole = figure.whole if figure.available else None
    projection = subject.row.projection if subject.row is not None else None
    if projection is not None:
        if projection.employment_base is None or projection.employment_target is None:
            return None
        return EmploymentChart(
            projection.base_year,
            float(projection.employment_base),
            projection.target_year,
            float(projection.employment_target),
            None if projection.change_numeric is None else float(projection.change_numeric),
            projection.change_percent,
            whole,
            ctx.prov["projections"],
        )
    own = subject.own_profile
    facts = own.quick_facts if own is not None else None
    if own is None or facts is None or own.projected_employment is None:
        return None
    start, end = full_period_from_cycle(facts.outlook_period).split("-")
    return EmploymentChart(
        int(start),
        float(facts.jobs),
        int(end),
        float(own.projected_employment),
        float(facts.employment_change),
        facts.outlook_percent,
        whole,
        ctx.page(own),
        decimals=0,
    )


def definition(ctx: Context, subject: Subject, called: str, chart: EmploymentChart | None) -> Section:
    """The OOH's What They Do and Work Environment openings (without counts other than the chart's), or
    the config's, or composed from the figures; a career BLS names otherwise says so once."""
    section = _definition_text(ctx, subject, called, chart)
    note = " ".join(n for n in (section.note, name_note(subject, called)) if n) or None
    return Section(section.blocks, section.provenance, section.origin, note)


def _definition_text(ctx: Context, subject: Subject, called: str, chart: EmploymentChart | None) -> Section:
    if subject.overrides.definition:
        return Section(tuple(prose.blocks_from_text(subject.overrides.definition)), ctx.config_prov, "config")
    profile = subject.profile
    what = subject.section("what_they_do")
    if profile is not None and (what or profile.description):
        texts = prose.first_paragraphs(what) or [profile.description or ""]
        where = prose.first_paragraphs(subject.section("work_environment"))
        sentences = [s for t in texts for s in _SENTENCE.split(t.strip()) if s]
        if where:
            sentences += [s for s in _SENTENCE.split(where[0].strip()) if s and not s.rstrip().endswith(":")]
        kept = prose.without_other_counts(sentences, chart.base if chart else None)
        note = None
        if not subject.primary:
            note = f"BLS describes this occupation in its Occupational Outlook Handbook profile of {profile.title}."
        return Section(tuple(prose.paragraphs(" ".join(kept))), ctx.page(profile), "ooh", note)
    if subject.row is None or subject.code is None:
        return Section(
            (Block("p", NOT_PUBLISHED + ": no description in the loaded releases."),),
            ctx.prov.get("projections", ctx.config_prov),
            "composed",
        )
    group = ctx.groups.get(subject.code[:2])
    text = prose.composed_definition(
        called,
        subject.code,
        group[1] if group else None,
        chart.base if chart else None,
        chart.base_year if chart else None,
    )
    return Section(tuple(prose.paragraphs(text)), ctx.row_prov(subject.row), "composed")


def education(ctx: Context, subject: Subject) -> Text:
    if subject.overrides.education:
        return Text(subject.overrides.education, ctx.config_prov, "config")
    projection = subject.row.projection if subject.row is not None else None
    if projection is not None and projection.education:
        return Text(projection.education, ctx.prov["projections"], "ep")
    own = subject.own_profile
    if own is not None and own.quick_facts is not None and own.quick_facts.education:
        return Text(own.quick_facts.education, ctx.page(own), "ooh")
    return Text(ctx.missing_text(), ctx.prov.get("projections", ctx.config_prov), "none")


def job_skills(ctx: Context, subject: Subject) -> Text:
    if subject.overrides.skills:
        return Text(prose.join_list(list(subject.overrides.skills)), ctx.config_prov, "config")
    if subject.profile is not None:
        found = prose.qualities(subject.section("important_qualities"))
        if found:
            return Text(prose.join_list(found), ctx.page(subject.profile), "ooh")
    projection = subject.row.projection if subject.row is not None else None
    if projection is not None:
        composed = prose.composed_skills_row(projection.work_experience, projection.training)
        if composed:
            return Text(composed, ctx.prov["projections"], "composed")
        if projection.training == "None" and projection.education:
            text = f"Gained through {prose.lower_first(projection.education)}"
            return Text(text, ctx.prov["projections"], "composed")
    return Text(ctx.missing_text(), ctx.prov.get("projections", ctx.config_prov), "none")


def required_education(ctx: Context, subject: Subject) -> Section:
    if subject.overrides.required_education:
        blocks = tuple(prose.blocks_from_text(subject.overrides.required_education))
        return Section(blocks, ctx.config_prov, "config")
    text = subject.section("how_to_become_one")
    if text and subject.profile is not None:
        return Section(tuple(prose.blocks_from_text(text)), ctx.page(subject.profile), "ooh", _profile_note(subject))
    projection = subject.row.projection if subject.row is not None else None
    if projection is None:
        if subject.row is None:
            words = "The loaded releases do not say what education this occupation needs."
            return Section((Block("p", words),), ctx.config_prov, "composed")
        texts = prose.composed_education(None, None, None)
    else:
        texts = prose.composed_education(projection.education, projection.work_experience, projection.training)
    return Section(tuple(prose.paragraphs(*texts)), ctx.row_prov(subject.row), "composed")


def skills_required(ctx: Context, subject: Subject, called: str) -> Section:
    if subject.overrides.skills_required:
        return Section(tuple(prose.blocks_from_text(subject.overrides.skills_required)), ctx.config_prov, "config")
    text = subject.section("important_qualities")
    if text and subject.profile is not None:
        return Section(tuple(prose.qualities_blocks(text)), ctx.page(subject.profile), "ooh", _profile_note(subject))
    projection = subject.row.projection if subject.row is not None else None
    texts = prose.composed_skills(
        called,
        projection.work_experience if projection else None,
        projection.training if projection else None,
    )
    return Section(tuple(prose.paragraphs(*texts)), ctx.row_prov(subject.row), "composed")


def _profile_note(subject: Subject) -> str | None:
    profile, row = subject.profile, subject.row
    if profile is not None and row is not None and profile.title.casefold() != row.title.casefold():
        return f"From BLS's Occupational Outlook Handbook profile of {profile.title}."
    return None


def sources(ctx: Context, subject: Subject) -> tuple[SourceLink, ...]:
    """The BLS pages the sheet's figures and words come from (factsheets.sources)."""
    out: list[SourceLink] = []
    row = subject.row
    if row is not None and row.oews is not None and "oews" in ctx.prov:
        out.append(oews_link(subject.code, row.title, row.level == "detailed", ctx.prov["oews"]))
    if row is not None and row.projection is not None and "projections" in ctx.prov:
        out.append(ep_link(ctx.prov["projections"]))
    if subject.profile is not None:
        out.append(ooh_link(subject.profile.title, subject.profile.url, ctx.page(subject.profile)))
    return tuple(out)
