"""An area sheet: one occupation in one state, metropolitan or nonmetropolitan area ("Medical Records
Specialists in Texas"), the national sheet's structure localized.

Its words (definition, education, skills) are the national sheet's; its wages, employment, jobs per
1,000 and location quotient are the area's OEWS figures, the nation's beside them; its outlook is
the national EP projection, labelled national (EP makes no state or metro projections); its
alternatives are the national sheet's, with their figures in the same area. A figure BLS did not
publish for the area says BLS's reason (oe.footnote, or the legend of its tables), never 0.

Slug: `areas/<folder>/<national slug>` (folder: `tx` for a state, the 7-digit area code otherwise),
so an area's sheets and its index share one folder. Pure data, like factsheets.sheet.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from factsheets import prose
from factsheets.figures import Figure, Provenance, count, dollars
from factsheets.sheet import Sheet, Text
from warehouse.area_queries import NO_ESTIMATE, AreaFacts, AreaFigures, AreaRow
from warehouse.sheet_queries import PERCENTILES, OewsRow, Wage

if TYPE_CHECKING:
    from factsheets.model import SheetBuilder

AREAS_DIR = "areas"
LABELS = {"p10": "10th percentile", "p25": "25th percentile", "median": "Median", "p75": "75th percentile"}
LABELS["p90"] = "90th percentile"
NATIONAL_OUTLOOK_NOTE = (
    "National projection: BLS Employment Projections are made for the nation only, not for states or "
    "metropolitan areas."
)


def areas_stamp(facts: AreaFacts) -> dict[str, Any]:
    """What the state records of a publish's area sheets: the areas and a digest of their figures
    (factsheets.behind compares it with what the warehouse holds now)."""
    digest = hashlib.sha256(repr((facts.release_id, sorted(facts.reasons.items()))).encode())
    for key in sorted(facts.figures):
        digest.update(repr(facts.figures[key].signature()).encode())
    return {"areas": sorted(a.code for a in facts.areas.values()), "inputs": digest.hexdigest()}


def area_slug(area: AreaRow, national_slug: str) -> str:
    return f"{AREAS_DIR}/{area.folder}/{national_slug}"


@dataclass(frozen=True)
class Cell:
    """One figure of the area or the nation: its value and status, or BLS's reason there is none."""

    value: float | None
    status: str
    text: str
    reason: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {"value": self.value, "status": self.status, "text": self.text, "reason": self.reason}


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    area: Cell
    nation: Cell


@dataclass(frozen=True)
class AreaAlternative:
    name: str
    soc_code: str | None
    description: Text
    median_salary: Figure  # in the area
    outlook: Figure  # national
    link: str | None  # relative to the area sheet, without extension

    def sentences(self, place: str) -> list[str]:
        subject = prose.in_sentence(self.name)
        return [area_wage_sentence(subject, self.median_salary, place), national_outlook_sentence(self.outlook)]


@dataclass
class AreaSheet:
    slug: str
    area: AreaRow
    national: Sheet  # the national sheet of the occupation: its words, its national figures
    national_link: str  # relative to this sheet, without extension
    median_salary: Figure  # the area's
    basis: str  # annual | hourly (hourly-only in the area)
    wages: tuple[Row, ...]
    jobs: tuple[Row, ...]
    alternatives: list[AreaAlternative]
    national_hash: str = ""  # content hash of the national sheet
    kind: str = "area"

    # ---- what SheetWork, the state and the site read of any sheet ----

    @property
    def title(self) -> str:
        return f"{self.national.title} in {self.area.place}"

    @property
    def heading(self) -> str:
        return self.title

    @property
    def soc_code(self) -> str | None:
        return self.national.soc_code

    @property
    def soc_codes(self) -> tuple[str, ...]:
        return self.national.soc_codes

    @property
    def outlook(self) -> Figure:
        return self.national.outlook

    @property
    def releases(self) -> dict[str, Provenance]:
        return self.national.releases

    @property
    def required_missing(self) -> list[str]:
        return [n for n, f in (("median_salary", self.median_salary), ("outlook", self.outlook)) if not f.available]

    @property
    def subject(self) -> str:
        return self.national.subject

    @property
    def basis_note(self) -> str | None:
        """Why the area's wages are hourly: BLS's footnote."""
        if self.basis != "hourly":
            return None
        reason = self.median_salary.extra.get("reason") or ""
        return f"BLS publishes only hourly wages for {self.subject} in {self.area.place}: {reason}".strip()

    @property
    def oews(self) -> Provenance | None:
        return self.national.releases.get("oews")

    def outlook_paragraphs(self) -> list[str]:
        national = self.national
        growth = national.outlook_paragraphs()[0]
        wage = area_wage_sentence(self.subject, self.median_salary, self.area.place)
        nation = national.median_salary
        if nation.available:
            wage += f" Nationally it was {nation.text.rsplit(' (', 1)[0]}."
        return [f"{NATIONAL_OUTLOOK_NOTE} {growth}", wage]

    def fields(self) -> dict[str, tuple[str, str]]:
        """The area's figures field by field; the national sheet's words as its content hash (their
        changes are in the national sheet's changelog), which keeps the state small."""
        national = self.national
        oews = self.oews.label if self.oews else "none"
        national_hash = self.national_hash
        if not national_hash:
            from factsheets.state import content_hash

            national_hash = content_hash(national, national.fields())
        outlook_label = national.outlook.provenance.label if national.outlook.provenance else "none"
        out = {
            "title": (self.heading, oews),
            "area": (f"{self.area.code} {self.area.name} ({self.area.type})", oews),
            "occupation": (f"{self.soc_code or '-'} {national.bls_title or ''}".strip(), oews),
            "national_sheet": (f"{national.slug} sha256 {national_hash[:16]}", outlook_label),
            "median_salary": (self.median_salary.text, oews),
            "outlook": (f"{self.outlook.text}, national", outlook_label),
        }
        # the nation's figures are in the national sheet's content hash
        for row in self.wages:
            out[f"{self.basis}.{row.key}"] = (row.area.text, oews)
        for row in self.jobs:
            out[f"jobs.{row.key}"] = (row.area.text, oews)
        out["alternatives"] = (", ".join(a.name for a in self.alternatives) or "none", outlook_label)
        for alt in self.alternatives:
            key = f"alternative[{alt.name}]"
            out[f"{key}.median_salary"] = (alt.median_salary.text, oews)
            out[f"{key}.outlook"] = (alt.outlook.text, outlook_label)
            out[f"{key}.link"] = (alt.link or "none", oews)
        return out


# ---- words -------------------------------------------------------------------------------------


def area_wage_sentence(subject: str, wage: Figure, place: str) -> str:
    when = wage.period or "the loaded release"
    if not wage.available:
        return f"BLS did not publish a median wage for {subject} in {place} for {when}: {wage.extra.get('reason')}"
    if wage.status == "hourly_only":
        more = " or more" if wage.extra.get("lower_bound") else ""
        return (
            f"In {place}, BLS publishes only hourly wages for {subject}: the median was "
            f"{dollars(wage.number, cents=True)} per hour{more} in {when}."
        )
    more = " or more" if wage.status == "top_coded" else ""
    return f"In {place}, the median annual wage of {subject} was {dollars(wage.number)}{more} in {when}."


def national_outlook_sentence(outlook: Figure) -> str:
    sentence = prose.alternative_outlook_sentence(outlook)
    return sentence.replace("Employment is projected", "Nationally, employment is projected", 1)


# ---- cells -------------------------------------------------------------------------------------


def _money(value: float, basis: str, status: str) -> str:
    text = dollars(value, cents=basis == "hourly")
    return text + (" or more" if status == "top_coded" else "")


def _cell(wage: Wage | None, facts: AreaFacts, show: Any) -> Cell:
    if wage is None:
        return Cell(None, NO_ESTIMATE, f"Not published: {facts.reason(NO_ESTIMATE)}", facts.reason(NO_ESTIMATE))
    if wage.shown and wage.value is not None:
        return Cell(wage.value, wage.status or "published", show(wage.value, wage.status))
    reason = facts.reason(wage.status)
    return Cell(None, wage.status or NO_ESTIMATE, f"Not published: {reason}", reason)


def area_median(figures: AreaFigures | None, facts: AreaFacts, area: AreaRow, oews: Provenance | None) -> Figure:
    """The area's median: annual; hourly when BLS publishes only hourly wages there; else BLS's reason."""
    period = oews.period if oews else None
    year = int(period.split()[-1]) if period else None
    info: dict[str, Any] = {"year": year, "area": area.code}
    annual = figures.annual["median"] if figures else None
    hourly = figures.hourly["median"] if figures else None
    if annual is not None and annual.shown and annual.value is not None:
        top = annual.status == "top_coded"
        text = f"{dollars(annual.value)}{' or more' if top else ''} ({year})"
        return Figure(text, annual.status or "published", annual.value, "USD per year", period, oews, info)
    if annual is not None and annual.status == "hourly_only" and hourly is not None and hourly.shown and hourly.value:
        top = hourly.status == "top_coded"
        info["lower_bound"] = top
        info["reason"] = facts.reason("hourly_only")  # why there is no annual figure
        text = f"{dollars(hourly.value, cents=True)} per hour{' or more' if top else ''} ({year})"
        return Figure(text, "hourly_only", hourly.value, "USD per hour", period, oews, info)
    status = annual.status if annual is not None and annual.status else NO_ESTIMATE
    reason = facts.reason(status)
    info["reason"] = reason
    return Figure(f"Not published by BLS: {reason}", status, None, None, period, oews, info)


def _national_wage(oews: OewsRow | None, basis: str, key: str) -> Wage | None:
    if oews is None:
        return None
    return (oews.annual if basis == "annual" else oews.hourly)[key]


def _rows(figures: AreaFigures, national: OewsRow | None, facts: AreaFacts) -> tuple[str, tuple[Row, ...], tuple]:
    basis = "hourly" if figures.annual["median"].status == "hourly_only" else "annual"
    wages = []
    for key in PERCENTILES:
        area = (figures.annual if basis == "annual" else figures.hourly)[key]
        nation = _national_wage(national, basis, key)
        show = lambda v, s: _money(v, basis, s)  # noqa: E731
        wages.append(Row(key, LABELS[key], _cell(area, facts, show), _cell(nation, facts, show)))
    people = lambda v, s: count(v)  # noqa: E731
    per = lambda v, s: f"{v:,.3f}".rstrip("0").rstrip(".")  # noqa: E731
    employment = national.employment if national else None
    jobs = (
        Row(
            "employment",
            "Employment",
            _cell(figures.employment, facts, people),
            _cell(Wage(employment, "published") if employment is not None else None, facts, people),
        ),
        Row(
            "jobs_per_1000",
            "Jobs per 1,000 jobs",
            _cell(figures.jobs_per_1000, facts, per),
            Cell(None, "not_applicable", "not applicable (the nation)"),
        ),
        Row(
            "location_quotient",
            "Location quotient",
            _cell(figures.location_quotient, facts, per),
            Cell(1.0, "by_definition", "1.0 (by definition)"),
        ),
    )
    return basis, tuple(wages), jobs


# ---- building ----------------------------------------------------------------------------------


class AreaBuilder:
    """The area sheets of one publish: keys ("area", "TX:29-2072") and the sheet of each key."""

    def __init__(self, builder: SheetBuilder, facts: AreaFacts):
        self.builder, self.facts = builder, facts
        self.by_key = {area.key: area for area in facts.areas.values()}
        self._national: dict[str, Sheet] = {}
        self._national_hash: dict[str, str] = {}
        releases = {k: (r.release_id, r.period) for k, r in builder.facts.releases.items()}
        self._context = (sorted(releases.items()), sorted(facts.reasons.items()), facts.release_id)
        # parts of inputs(), each made once (an area's figures are its own sheet's and its neighbours')
        self._area_repr: dict[str, str] = {}
        self._signature_repr: dict[tuple[str, str], str] = {}
        self._alternative_codes: dict[str, list[tuple[str | None, str | None]]] = {}
        self._tails: dict[str, str] = {}

    def keys(self) -> list[tuple[str, str]]:
        """By occupation, then area (a batch then reuses each national sheet)."""
        figures = self.facts.figures
        return [
            ("area", f"{area.key}:{code}")
            for code in self.builder.ctx.links.line_items
            for area in self.facts.areas.values()
            if (area.code, code) in figures
        ]

    def links(self) -> dict[str, tuple[tuple[str, str], ...]]:
        """SOC code -> (area name, area sheet slug) of every area sheet of this publish."""
        slugs = self.builder.ctx.occupation_slugs
        out: dict[str, list[tuple[str, str]]] = {}
        for area_code, code in self.facts.figures:
            if code in slugs:
                out.setdefault(code, []).append((area_code, area_slug(self.facts.areas[area_code], slugs[code])))
        order = {code: i for i, code in enumerate(self.facts.areas)}
        return {
            code: tuple((self.facts.areas[a].name, slug) for a, slug in sorted(found, key=lambda f: order[f[0]]))
            for code, found in out.items()
        }

    def slug(self, ident: str) -> str:
        key, _, code = ident.partition(":")
        return area_slug(self.by_key[key], self.builder.ctx.occupation_slugs[code])

    def inputs(self, ident: str) -> str:
        """A digest of everything the sheet of `ident` is made of: its area and figures, the national
        sheet's content, its alternatives' figures in the area and links, BLS's reasons. Equal to the
        published sheet's: the sheet is unchanged without being built (a night where nothing in the
        areas changed builds no area sheet)."""
        key, _, code = ident.partition(":")
        area = self.by_key[key]
        head = self._area_repr.get(area.code)
        if head is None:
            head = self._area_repr[area.code] = f"({area.code!r}, {area.name!r}, {area.type!r}, "
        alternatives = ", ".join(
            f"({soc!r}, {sheet!r}, {self._signature(area.code, soc or '')})" for soc, sheet in self._alternatives(code)
        )
        # the text of repr((area.code, area.name, area.type, signature, [(soc, sheet, signature), ...])) +
        # repr((national hash, context)), from parts each made once: the digest of a published sheet's inputs
        payload = f"{head}{self._signature(area.code, code)}, [{alternatives}])" + self._tail(code)
        return hashlib.sha256(payload.encode()).hexdigest()

    def _signature(self, area_code: str, code: str) -> str:
        found = self._signature_repr.get((area_code, code))
        if found is None:
            figures = self.facts.figures.get((area_code, code))
            found = repr(figures.signature()) if figures is not None else "None"
            self._signature_repr[(area_code, code)] = found
        return found

    def _alternatives(self, code: str) -> list[tuple[str | None, str | None]]:
        found = self._alternative_codes.get(code)
        if found is None:
            found = self._alternative_codes[code] = [(a.soc_code, a.sheet) for a in self.national(code).alternatives]
        return found

    def _tail(self, code: str) -> str:
        found = self._tails.get(code)
        if found is None:
            found = self._tails[code] = repr((self.national_hash(code), self._context))
        return found

    def national_hash(self, code: str) -> str:
        digest = self._national_hash.get(code)
        if digest is None:
            from factsheets.state import content_hash

            national = self.national(code)
            digest = self._national_hash[code] = content_hash(national, national.fields())
        return digest

    def national(self, code: str) -> Sheet:
        found = self._national.get(code)
        if found is None:
            found = self._national[code] = self.builder.occupation_sheet(code, links=False)
        return found

    def sheet(self, ident: str) -> AreaSheet:
        key, _, code = ident.partition(":")
        area = self.by_key[key]
        national = self.national(code)
        figures = self.facts.figures[(area.code, code)]
        oews = national.releases.get("oews")
        row = self.builder.facts.occupations[code]
        basis, wages, jobs = _rows(figures, row.oews, self.facts)
        return AreaSheet(
            slug=area_slug(area, national.slug),
            area=area,
            national=national,
            national_link=f"../../{national.slug}",
            median_salary=area_median(figures, self.facts, area, oews),
            basis=basis,
            wages=wages,
            jobs=jobs,
            alternatives=[self._alternative(area, alt, oews) for alt in national.alternatives],
            national_hash=self.national_hash(code),
        )

    def _alternative(self, area: AreaRow, alt: Any, oews: Provenance | None) -> AreaAlternative:
        figures = self.facts.figures.get((area.code, alt.soc_code)) if alt.soc_code else None
        link = None
        if figures is not None and alt.sheet and alt.sheet == self.builder.ctx.occupation_slugs.get(alt.soc_code):
            link = alt.sheet  # its area sheet, in the same folder
        elif alt.sheet:
            link = f"../../{alt.sheet}"
        median = area_median(figures, self.facts, area, oews)
        return AreaAlternative(alt.name, alt.soc_code, alt.description, median, alt.outlook, link)


__all__ = ["AREAS_DIR", "areas_stamp", "AreaAlternative", "AreaBuilder", "AreaSheet", "Cell", "Row", "area_slug"]
