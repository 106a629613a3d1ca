"""A sheet's alternative careers: the careers config's for a career; the OOH Similar Occupations (at most
MAX_ALTERNATIVES) for a sheet with a profile; else the nearest EP line items of the same SOC group.

Each alternative's figures follow the same rule as a sheet's own (factsheets.context): EP and OEWS by
SOC code, whether or not its OOH profile is loaded. Each links to its own sheet in the set when there
is one.
"""

from __future__ import annotations

from factsheets import prose
from factsheets.context import Context, Subject
from factsheets.figures import PROFILE_NOT_LOADED, Figure, similar_wage_figure
from factsheets.sheet import AlternativeSheet, Text
from warehouse.sheet_queries import OccupationRow, SimilarRow

MAX_ALTERNATIVES = 4
MAX_SIBLINGS = 3


def alternatives(ctx: Context, subject: Subject) -> list[AlternativeSheet]:
    if subject.career is not None:
        return [from_config(ctx, a.name, a.soc, a.description) for a in subject.career.alternatives]
    if subject.profile is not None and ctx.facts.similar.get(subject.profile.slug):
        return from_similar(ctx, subject)
    if subject.code:
        return siblings(ctx, subject.code)
    return []


def from_config(ctx: Context, name: str, code: str, description: str | None) -> AlternativeSheet:
    row = ctx.facts.occupations.get(code)
    profile, primary = ctx.links.profile_of(code)
    if description:
        text = Text(description, ctx.config_prov, "config")
    elif profile is not None and profile.description:
        text = Text(prose.tidy(profile.description), ctx.page(profile), "ooh")
    else:
        text = composed_text(ctx, code, row)
    own = profile if primary else None
    return AlternativeSheet(
        name,
        code,
        row.title if row else None,
        text,
        ctx.median_salary(row, own),
        ctx.outlook(row, own),
        profile.url if profile is not None else None,
        ctx.sheet_of(code, own.slug if own is not None else None),
    )


def composed_text(ctx: Context, code: str, row: OccupationRow | None) -> Text:
    title = row.title if row else code
    group = ctx.groups.get(code[:2])
    education = row.projection.education if row is not None and row.projection is not None else None
    words = prose.composed_alternative(title, code, group[1] if group else None, education)
    return Text(words, ctx.row_prov(row), "composed")


def from_similar(ctx: Context, subject: Subject) -> list[AlternativeSheet]:
    assert subject.profile is not None
    listing = ctx.page(subject.profile)  # the page whose Similar Occupations table names them
    out: list[AlternativeSheet] = []
    for similar in ctx.facts.similar.get(subject.profile.slug, []):
        if len(out) >= MAX_ALTERNATIVES:
            break
        other = similar.similar_slug or ""
        if other == subject.profile.slug:
            continue
        profile = ctx.facts.profiles.get(other)
        if profile is not None:
            code = ctx.links.primary_soc.get(other)
        else:
            code = ctx.links.soc_of_missing_profile(other, similar.title)
        if code is not None and code == subject.code:
            continue
        row = ctx.facts.occupations.get(code) if code else None
        description = Text(prose.tidy(similar.job_duties), listing, "ooh")
        if profile is None and row is None:
            out.append(_without_figures(similar, description))
            continue
        out.append(
            AlternativeSheet(
                similar.title,
                code,
                row.title if row else None,
                description,
                ctx.median_salary(row, profile),
                ctx.outlook(row, profile),
                profile.url if profile else similar.url,
                ctx.sheet_of(code, other),
            )
        )
    return out


def _without_figures(similar: SimilarRow, description: Text) -> AlternativeSheet:
    """A Similar Occupations row whose profile is not loaded and names no single occupation: the pay the
    row itself lists (the OOH's year), and no projection (nothing says which EP line is its)."""
    listing = description.provenance
    return AlternativeSheet(
        similar.title,
        None,
        None,
        description,
        similar_wage_figure(similar, listing),
        Figure(PROFILE_NOT_LOADED, "not_loaded", provenance=listing),
        similar.url,
    )


def siblings(ctx: Context, code: str) -> list[AlternativeSheet]:
    """The nearest line items of the same minor group: same broad group first, then by code."""

    def distance(other: str) -> tuple:
        same_broad = other[:6] == code[:6]
        return (0 if same_broad else 1, abs(int(other[3:].replace("-", "")) - int(code[3:].replace("-", ""))), other)

    near = sorted((c for c in ctx.minor_groups.get(code[:4], ()) if c != code), key=distance)[:MAX_SIBLINGS]
    out = []
    for other in near:
        row = ctx.facts.occupations[other]
        out.append(
            AlternativeSheet(
                row.title,
                other,
                row.title,
                composed_text(ctx, other, row),
                ctx.median_salary(row, None),
                ctx.outlook(row, None),
                sheet=ctx.sheet_of(other),
            )
        )
    return out
