"""Audit each bound figure against the release it claims.

Statuses:
* `matches` — BLS published this value for the occupation, measure and release (BLS's own rounding
  counts: 6.6% prints as 7%, -6.5% as a 7% decline);
* `matches another measure` — it is another figure of the same occupation and release (a mean quoted as
  a median);
* `matches another occupation` — it is a figure of an occupation the article names elsewhere, of the same
  SOC broad group, or from the same retired code;
* `differs` — none of these: BLS's value is given;
* `release not held` — the warehouse does not hold the claimed release (what to backfill is named);
* `ambiguous` — two bindings fit (or the text does not say median or mean and the value settles nothing);
* `unbound` — no occupation or no measure could be found for it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import duckdb

from factsheets.articles.bind import ALL_OCCUPATIONS, Binding
from factsheets.articles.catalog import Catalog, Claim, oews_label, release_label
from factsheets.articles.measures import (
    ANNUAL_WAGES,
    DOLLARS,
    EP,
    EP_MEASURES,
    HOURLY_WAGES,
    MEASURE_KIND,
    MEASURE_LABELS,
    OEWS,
    OEWS_MEASURES,
    SCALES,
    accepted_percents,
    count_text,
    in_thousands,
    money_text,
    round_half_away,
    thousands_text,
    whole_percent_printed,
)
from warehouse import article_queries as q
from warehouse.article_queries import HeldRelease, OohFacts, ProjectionRow

MATCHES = "matches"
OTHER_MEASURE = "matches another measure"
OTHER_OCCUPATION = "matches another occupation"
DIFFERS = "differs"
NOT_HELD = "release not held"
AMBIGUOUS = "ambiguous"
UNBOUND = "unbound"
VALUED = ("published", "top_coded")


@dataclass(frozen=True)
class Published:
    value: float | None
    status: str
    row: ProjectionRow | None = None  # EP: the whole row, for BLS's whole-percent rounding
    ooh_printed: float | None = None  # EP change: the whole percent the OOH edition of the cycle prints

    def whole_percent(self) -> int | None:
        row = self.row
        if row is None:
            return None
        return whole_percent_printed(
            row.change_numeric, row.employment_base, row.change_percent, self.ooh_printed, row.employment_target
        )

    def accepted(self, decimals: int) -> set[float]:
        row = self.row
        if row is None:
            return set()
        return accepted_percents(
            row.change_numeric, row.employment_base, row.change_percent, decimals, self.ooh_printed,
            row.employment_target,
        )  # fmt: skip


@dataclass
class Store:
    """The figures of every occupation a batch of articles needs, fetched in two queries."""

    oews: dict[tuple[str, str, str], Published] = field(default_factory=dict)  # (release, soc, measure)
    ep: dict[tuple[str, str], ProjectionRow] = field(default_factory=dict)  # (cycle, soc)
    ooh: dict[tuple[str, str], float] = field(default_factory=dict)  # (edition, soc) -> printed whole percent
    # (cycle, soc) -> the code that cycle prints the same occupations under (37-3010 -> 37-3000 in 2023-33)
    printed_as: dict[tuple[str, str], str] = field(default_factory=dict)
    _index: dict[tuple[str, str, int], dict[float, list[tuple[str, str]]]] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, con: duckdb.DuckDBPyConnection, soc_codes: Iterable[str]) -> Store:
        codes = set(soc_codes)
        store = cls()
        for release_id, soc, measure, value, status in q.oews_national_values(con, codes, OEWS_MEASURES):
            store.oews[(release_id, soc, measure)] = Published(value, status)
        for cycle, soc, line in q.projection_same_lines(con, codes):
            store.printed_as[(cycle, soc)] = line
        ep_codes = codes | set(store.printed_as.values())
        # the all-occupations line too: the average an outlook's "faster than average" compares with
        for row in q.projection_values(con, ep_codes | {ALL_OCCUPATIONS}):
            store.ep[(row.cycle, row.soc)] = row
        for (cycle, soc), same in store.printed_as.items():
            store.ep[(cycle, soc)] = store.ep[(cycle, same)]
        for edition, soc, percent in q.ooh_printed_changes(con, ep_codes):
            store.ooh[(edition, soc)] = percent
        return store

    def get(self, release: HeldRelease, soc: str, measure: str) -> Published | None:
        if release.source == OEWS:
            return self.oews.get((release.release_id, soc, measure))
        row = self.ep.get((release.release_id, soc))
        if row is None:
            return None
        value = getattr(row, measure)
        status = "published" if value is not None else "not_available"
        return Published(value, status, row, self.ooh.get((release.release_id, row.soc)))

    def line_of(self, release: HeldRelease, soc: str) -> str:
        """The code the release prints the occupation's figures under: its own, or one of the same lines."""
        return self.printed_as.get((release.release_id, soc), soc) if release.source == EP else soc

    def agreeing(self, release: HeldRelease, binding: Binding) -> list[tuple[str, str]]:
        """(soc, measure) of every figure of this release the article's figure agrees with, by an index built
        once per release and figure kind (the audit looks for what a wrong figure was taken from)."""
        figure = binding.figure
        precision = figure.decimals if figure.kind == "percent" else 0
        key = (release.release_id, figure.kind, precision)
        index = self._index.get(key)
        if index is None:
            index = self._index[key] = self._build_index(release, figure.kind, precision)
        return index.get(round(binding.signed_value, 2), [])

    def _build_index(self, release: HeldRelease, kind: str, precision: int) -> dict[float, list[tuple[str, str]]]:
        index: dict[float, list[tuple[str, str]]] = {}
        if release.source == OEWS:
            for (release_id, soc, measure), published in self.oews.items():
                if release_id != release.release_id or MEASURE_KIND[measure] != kind:
                    continue
                if published.value is None or published.status not in VALUED:
                    continue
                value = published.value
                key = round(value, 2) if measure.startswith("hourly_") else float(round_half_away(value))
                index.setdefault(key, []).append((soc, measure))
            return index
        for (cycle, soc), row in self.ep.items():
            if cycle != release.release_id or (cycle, soc) in self.printed_as:  # its line's figures already
                continue
            for measure in EP_MEASURES:
                if MEASURE_KIND[measure] != kind or getattr(row, measure) is None:
                    continue
                figure = self.get(release, soc, measure)
                assert figure is not None and figure.value is not None
                keys = figure.accepted(precision) if kind == "percent" else {float(round_half_away(figure.value))}
                for value in keys:
                    index.setdefault(round(value, 2), []).append((soc, measure))
        return index


@dataclass
class Audit:
    status: str
    note: str = ""
    bls_text: str | None = None  # BLS's value for the binding, printed as the article prints it
    measure: str | None = None  # the measure settled (a median-or-mean settled by the value)
    backfill: str | None = None
    ooh: OohFacts | None = None  # matched as the OOH prints it for a profile of that name, not as OEWS/EP do
    other: str | None = None  # the occupation whose figure it matches (matches another occupation)


# The quick facts an OOH profile prints, by the measure they are, and the release they are of.
OOH_FACTS = {
    "annual_median": "median_pay_annual",
    "hourly_median": "median_pay_hourly",
    "change_percent": "outlook_percent",
    "change_numeric": "employment_change",
    "employment_base": "jobs",
    "openings_annual": "openings",  # these three: from the profile's sentences (ooh_prose)
    "annual_p10": "annual_p10",
    "annual_p90": "annual_p90",
}


def ooh_printing(
    binding: Binding, catalog: Catalog, claim: Claim, soc: str, measure: str
) -> tuple[OohFacts, Published] | None:
    """The OOH profile named like `soc` whose quick facts for the claimed release print the article's figure:
    "Financial clerks, $48,650 (May 2024)" is the OOH's profile of 9 codes; OEWS's 43-3000 is $47,370."""
    return _printed_by(binding, claim, measure, catalog.ooh_profiles(soc))


def ooh_printing_for_all(
    binding: Binding, catalog: Catalog, claim: Claim, measure: str
) -> tuple[OohFacts, Published] | None:
    """The OOH profile of every code a name fits whose quick facts print the figure: "advertising, promotions,
    and marketing managers" fits 11-2011 and 11-2021; the OOH's profile of both prints $159,660."""
    codes = set(binding.socs)
    profiles = {(f.edition, f.slug): f for soc in codes for f in catalog.ooh_profiles(soc)}
    return _printed_by(binding, claim, measure, [f for f in profiles.values() if codes <= {*f.codes, *f.primary}])


def ooh_published(facts: OohFacts, measure: str) -> Published | None:
    """The quick fact of the profile that is this measure, as BLS prints it (a top-coded median: its bound)."""
    value = getattr(facts, OOH_FACTS[measure])
    top_coded = facts.pay_status == "top_coded" and measure in ("annual_median", "hourly_median")
    return None if value is None else Published(value, "top_coded" if top_coded else "published")


def profile_words(facts: OohFacts) -> str:
    """'Financial Clerks' of 9 occupations; 'Grounds Maintenance Workers', filed under 37-3000."""
    if facts.primary:
        return f"'{facts.title}', filed under {', '.join(facts.primary)}"
    return f"'{facts.title}' of {len(facts.codes)} occupations"


def _printed_by(
    binding: Binding, claim: Claim, measure: str, profiles: Iterable[OohFacts]
) -> tuple[OohFacts, Published] | None:
    fact = OOH_FACTS.get(measure)
    if fact is None:
        return None
    for facts in profiles:
        of_release = claim.label == (
            oews_label(facts.pay_year) if measure in OEWS_MEASURES else f"EP {facts.outlook_period}"
        )
        published = ooh_published(facts, measure)
        if not of_release or published is None:
            continue
        value = published.value
        if measure == "change_percent":
            found = binding.figure.decimals == 0 and binding.signed_value == value
        else:
            found = agrees(binding, published, measure)
        if found:
            return facts, published
    return None


def printed(published: Published, measure: str, *, decimals: int, comma: bool, unit: str = "") -> str | None:
    if published.value is None:
        return None
    kind = MEASURE_KIND[measure]
    if kind == "money" and in_thousands(unit):
        return thousands_text(published.value, decimals) + unit
    if kind == "money":
        text = money_text(published.value, cents=measure.startswith("hourly_") or decimals == 2, comma=comma, unit=unit)
        text += " dollars" if unit == DOLLARS else ""
        return text + " or more" if published.status == "top_coded" else text  # BLS prints only the bound
    if kind == "count" and unit in SCALES:
        return f"{count_text(published.value, comma=False, scale=unit, decimals=decimals)} {unit}"
    if kind == "count":
        return count_text(published.value, comma=comma)
    if decimals >= 1:
        return f"{published.value:.1f}%"
    whole = published.whole_percent()
    return f"{whole if whole is not None else round_half_away(published.value)}%"


def agrees(binding: Binding, published: Published | None, measure: str) -> bool:
    """Whether the article's figure is what BLS printed (by BLS's rounding)."""
    if published is None or published.value is None or published.status not in VALUED:
        return False
    figure, value = binding.figure, binding.signed_value
    kind = MEASURE_KIND[measure]
    if kind != figure.kind:
        return False
    if kind == "percent":
        return value in published.accepted(figure.decimals)
    if kind == "money" and in_thousands(figure.unit):  # "$77.6K": BLS's figure to the written tenth of a thousand
        return thousands_text(value, figure.decimals) == thousands_text(published.value, figure.decimals)
    if kind == "money" and (measure.startswith("hourly_") or figure.decimals == 2):
        return round(published.value, 2) == round(value, 2)
    if kind == "count" and figure.unit in SCALES:  # "186.4 thousand": BLS's figure to the tenth of a thousand
        written, published_text = (
            count_text(v, comma=False, scale=figure.unit, decimals=figure.decimals) for v in (value, published.value)
        )
        return written == published_text
    return round_half_away(published.value) == value


def _agreeing_in_family(
    catalog: Catalog, store: Store, binding: Binding, release: HeldRelease, measure: str
) -> list[tuple[HeldRelease, str, str]]:
    """(release, soc, measure) of every figure of the claimed year, in the measure's family, that the article's
    figure agrees with: what it may have been taken from instead."""
    family = _family(measure)
    hits = []
    for source in dict.fromkeys(OEWS if m in OEWS_MEASURES else EP for m in family):
        other_release = _release_of(catalog, source, release)
        if other_release is not None:
            hits += [(other_release, soc, m) for soc, m in store.agreeing(other_release, binding) if m in family]
    return hits


def _family(measure: str) -> tuple[str, ...]:
    if measure in ANNUAL_WAGES:
        return ANNUAL_WAGES
    if measure in HOURLY_WAGES:
        return HOURLY_WAGES
    if MEASURE_KIND[measure] == "count":
        return ("employment", *[m for m in EP_MEASURES if MEASURE_KIND[m] == "count"])
    return (measure,)


def _release_of(catalog: Catalog, source: str, claimed: HeldRelease) -> HeldRelease | None:
    """The other source's release of the same year (a count may be OEWS employment or EP base employment)."""
    if source == claimed.source:
        return claimed
    return next((r for r in catalog.releases.get(source, []) if r.reference_year == claimed.reference_year), None)


def _describe(catalog: Catalog, release: HeldRelease, soc: str, measure: str, published: Published) -> str:
    text = printed(published, measure, decimals=1 if MEASURE_KIND[measure] == "percent" else 0, comma=True)
    return f"the {release_label(release)} {MEASURE_LABELS[measure]} of {soc} {catalog.title(soc)} ({text})"


def audit_binding(binding: Binding, catalog: Catalog, store: Store, related: set[str]) -> Audit:
    if binding.pin is not None and binding.pin.ignore:
        return Audit(UNBOUND, binding.problem or "")
    if not binding.measures or not binding.socs:
        return Audit(UNBOUND, binding.problem or "cannot be bound")
    claim = binding.claim
    assert claim is not None
    if len(binding.socs) > 1:
        in_ooh = (
            ooh_printing_for_all(binding, catalog, claim, binding.measures[0]) if len(binding.measures) == 1 else None
        )
        if in_ooh is not None:
            return _ooh_match(binding, in_ooh, binding.measures[0], f"it fits {', '.join(binding.socs)}")
        return Audit(AMBIGUOUS, _ambiguous_note(binding, catalog, store))
    soc = binding.socs[0]
    if claim.release is None:
        # the OOH edition is held, the release is not
        in_ooh = ooh_printing(binding, catalog, claim, soc, binding.measures[0]) if len(binding.measures) == 1 else None
        if in_ooh is not None:
            return _ooh_match(binding, in_ooh, binding.measures[0], f"{claim.label} is not in the warehouse")
        note, settled = _not_held_note(binding, catalog, store, soc)
        return Audit(NOT_HELD, note, measure=settled, backfill=claim.backfill)
    release = claim.release
    agreeing = [m for m in binding.measures if agrees(binding, store.get(release, soc, m), m)]
    if len(binding.measures) > 1:
        if len(agreeing) != 1:
            values = "; ".join(
                f"{MEASURE_LABELS[m]} {printed(p, m, decimals=binding.figure.decimals, comma=True, unit=binding.figure.unit)}"
                for m in binding.measures
                if (p := store.get(release, soc, m)) is not None and p.value is not None
            )
            return Audit(AMBIGUOUS, f"the text does not say which wage it is; BLS {claim.label}: {values or 'none'}")
        measure = agreeing[0]
        return Audit(
            MATCHES,
            f"the {MEASURE_LABELS[measure]}, by its value",
            _bls(binding, store, release, soc, measure),
            measure,
        )
    measure = binding.measures[0]
    bls_text = _bls(binding, store, release, soc, measure)
    if agreeing:
        return Audit(MATCHES, _same_lines_note(store, release, soc, claim.label), bls_text, measure)
    in_ooh = ooh_printing(binding, catalog, claim, soc, measure)
    if in_ooh is not None:
        return _ooh_match(binding, in_ooh, measure, f"{claim.label} for {soc}: {bls_text or 'none'}")
    published = store.get(release, soc, measure)
    if published is None:
        return Audit(DIFFERS, f"{claim.label} has no {MEASURE_LABELS[measure]} for {soc}", None, measure)
    if published.value is None or published.status not in VALUED:
        return Audit(
            DIFFERS,
            f"BLS published no {MEASURE_LABELS[measure]} for {soc} in {claim.label} ({published.status})",
            None,
            measure,
        )
    wanted = f"{soc}'s {MEASURE_LABELS[measure]} was {bls_text}"
    hits = _agreeing_in_family(catalog, store, binding, release, measure)
    same = [(r, m) for r, code, m in hits if code == soc and m != measure]
    if same:
        other_release, other = same[0]
        found = store.get(other_release, soc, other)
        assert found is not None
        if other_release == release and MEASURE_KIND[other] == MEASURE_KIND[measure] == "count":
            # A count's words ("jobs") say less than its value does: the value is that release's other count exactly,
            # and refreshed as the count its words suggest it would become another figure altogether.
            return Audit(
                MATCHES,
                f"{binding.figure.text} is {_describe(catalog, other_release, soc, other, found)}, which its words "
                f"did not say ({binding.measure_evidence})",
                _bls(binding, store, release, soc, other),
                other,
            )
        return Audit(
            OTHER_MEASURE,
            f"{binding.figure.text} is {_describe(catalog, other_release, soc, other, found)}, "
            f"not the {MEASURE_LABELS[measure]}; {wanted}",
            bls_text,
            measure,
        )
    others = sorted(
        ((m != measure, code, r, m) for r, code, m in hits if code in related and code != soc), key=lambda h: h[:2]
    )
    if others:
        _, code, other_release, other = others[0]
        found = store.get(other_release, code, other)
        assert found is not None
        return Audit(
            OTHER_OCCUPATION,
            f"{binding.figure.text} is {_describe(catalog, other_release, code, other, found)}; {wanted}",
            bls_text,
            measure,
            other=code,
        )
    return Audit(
        DIFFERS,
        f"BLS {claim.label}: {bls_text}{_other_release_note(binding, catalog, store, soc, measure)}",
        bls_text,
        measure,
    )


def _ooh_match(binding: Binding, in_ooh: tuple[OohFacts, Published], measure: str, alone: str) -> Audit:
    facts, published = in_ooh
    text = printed(published, measure, decimals=binding.figure.decimals, comma=True, unit=binding.figure.unit)
    note = f"as the OOH ({facts.edition}) prints it for its profile {profile_words(facts)} ({alone})"
    return Audit(MATCHES, note, text, measure, ooh=facts)


def _same_lines_note(store: Store, release: HeldRelease, soc: str, label: str) -> str:
    line = store.line_of(release, soc)
    row = store.ep.get((release.release_id, soc)) if line != soc else None
    return f"{label} prints it as {line} {row.title}, the same occupations" if row is not None else ""


def _bls(binding: Binding, store: Store, release: HeldRelease, soc: str, measure: str) -> str | None:
    published = store.get(release, soc, measure)
    if published is None:
        return None
    return printed(published, measure, decimals=binding.figure.decimals, comma=True, unit=binding.figure.unit)


def _other_release_note(binding: Binding, catalog: Catalog, store: Store, soc: str, measure: str) -> str:
    source = OEWS if measure in OEWS_MEASURES else EP
    for release in reversed(catalog.releases.get(source, [])):
        if agrees(binding, store.get(release, soc, measure), measure):
            return f" (the figure is the {release_label(release)} value: the year may be wrong)"
    return ""


def ep_may_median(catalog: Catalog, store: Store, soc: str, year: int) -> tuple[HeldRelease, float, bool] | None:
    """OEWS's May median of `year` for `soc` as the EP cycle based in that year republishes it: (the cycle, the
    wage, whether BLS prints it only as a lower bound), or None."""
    cycle = next((r for r in catalog.releases.get(EP, []) if r.reference_year == year), None)
    row = store.ep.get((cycle.release_id, soc)) if cycle is not None else None
    if cycle is None or row is None or row.median_wage is None:
        return None
    return cycle, row.median_wage, row.median_wage_status == "top_coded"


def _not_held_note(binding: Binding, catalog: Catalog, store: Store, soc: str) -> tuple[str, str | None]:
    """EP republishes OEWS's May median of its base year: a cross-check of a median from a release not held, and
    what settles an annual wage that names no statistic as the median (the note, and the measure it settles)."""
    claim = binding.claim
    assert claim is not None
    note = f"{claim.label} is not in the warehouse"
    either = binding.measures == ("annual_median", "annual_mean")
    if (binding.measures != ("annual_median",) and not either) or claim.source != OEWS or binding.token is None:
        return note, None
    year = binding.token.years[0]
    copy = ep_may_median(catalog, store, soc, year)
    if copy is None:
        return note, None
    cycle, median, top_coded = copy
    wage = money_text(median, cents=False, comma=True)
    bound = round_half_away(median)
    if top_coded:  # BLS prints only the lower bound (">=$208,000")
        wage += " or more"
        consistent = binding.figure.value >= bound
        verdict = f"{binding.figure.text} is consistent with it" if consistent else f"not {binding.figure.text}"
    else:
        verdict = "the same" if bound == binding.figure.value else f"not {binding.figure.text}"
    note = f"{note}; {release_label(cycle)} republishes {soc}'s May {year} median annual wage as {wage} ({verdict})"
    if not either:
        return note, None
    if verdict != "the same":
        return f"{note}: the text does not say which wage it is", None
    return f"{note}: the median, by its value", "annual_median"


def _ambiguous_note(binding: Binding, catalog: Catalog, store: Store) -> str:
    parts = []
    claim = binding.claim
    for soc in binding.socs:
        verdict = "release not held"
        if claim is not None and claim.release is not None:
            measures = binding.measures
            hit = [m for m in measures if agrees(binding, store.get(claim.release, soc, m), m)]
            verdict = "matches" if hit else f"BLS {_bls(binding, store, claim.release, soc, measures[0]) or 'none'}"
        parts.append(f"{soc} {catalog.title(soc)}: {verdict}")
    return f"{binding.problem}; " + "; ".join(parts)
