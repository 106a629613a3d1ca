"""Refresh every bound figure to the newest release of the same occupation and measure.

A figure keeps the article's format ("28%" or "28 percent", "$48,170" or "$48170", hourly cents); the
year or period that goes with it moves with it ("(2021)" -> "(2025)", "from 2021 to 2031" -> "from 2024
to 2034", "2021-31" -> "2024-34"), and so does the word saying which way a change goes when its sign flips
("increase by" <-> "decrease by", "grow" <-> "decline"), and BLS's comparison with the average that follows
a projected change in its sentence ("much faster than the average" -> "about as fast as the average", by
the rule of the OOH, factsheets.figures.GROWTH_RULE). Only those characters change. A figure that cannot
be refreshed for certain (ambiguous, unbound, not published in the newest release, split by markup,
sharing its year with a figure that stays, or a change that BLS now calls "little or no change" or a
decline in a sentence that says which way it goes or compares it with the average) is left as written and
listed with the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from factsheets.articles import together
from factsheets.articles.audit import (
    AMBIGUOUS,
    UNBOUND,
    Audit,
    Published,
    Store,
    ooh_published,
    printed,
    profile_words,
)
from factsheets.articles.bind import ALL_OCCUPATIONS, Binding, BoundDocument, claim_for
from factsheets.articles.catalog import Catalog, release_label
from factsheets.articles.claimed import far_from_claimed
from factsheets.articles.data_years import data_year_edits
from factsheets.articles.direction import indefinite_article, opposite
from factsheets.articles.document import Document, Edit
from factsheets.articles.find import Token
from factsheets.articles.html_text import editable
from factsheets.articles.measures import (
    EP,
    MEASURE_KIND,
    MEASURE_LABELS,
    MEASURE_SOURCE,
    OEWS,
    OUTLOOK_WORDS,
    count_text,
    in_thousands,
    money_text,
    series_label,
    thousands_text,
)
from factsheets.articles.names import is_ancestor
from factsheets.articles.outlook import (
    CHANGE_MEASURES,
    Comparison,
    OutlookPhrase,
    comparison_after,
    comparison_words,
    same_words,
    styled,
)
from factsheets.figures import derive_growth_phrase
from warehouse.article_queries import HeldRelease, OohFacts

PROGRAMS = {OEWS: "Occupational Employment and Wage Statistics (OEWS)", EP: "Employment Projections (EP)"}


@dataclass(frozen=True)
class Provenance:
    """Where a refreshed figure comes from: the release the warehouse holds, and the figure's series."""

    held: HeldRelease
    series: str

    @property
    def program(self) -> str:
        return PROGRAMS[self.held.source]

    @property
    def release(self) -> str:
        return self.held.release_id  # 2025A01, 2024-34

    @property
    def source_url(self) -> str:
        return self.held.source_url

    def as_dict(self) -> dict[str, str | None]:
        held = self.held
        return {
            "program": self.program,
            "release": self.release,
            "period": held.period,
            "series": self.series,
            "source_url": self.source_url,
            "fetched_at": held.fetched_at.isoformat() if held.fetched_at else None,
            "archive_sha256": held.sha256,
        }


@dataclass
class Change:
    figure: int  # the figure's index in the article
    line: int
    column: int
    old: str  # the figure as written
    new: str  # as refreshed
    soc: str
    title: str
    measure: str
    from_release: str  # what the article claimed (OEWS May 2021)
    to_release: str  # OEWS May 2025
    provenance: Provenance
    edits: list[Edit] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Kept:
    """A figure the refresh leaves as written, and why."""

    figure: int
    line: int
    text: str
    reason: str


_NO_CHANGE = re.compile(r"\blittle\s+(?:or|to)\s+no\s+change\b", re.I)  # the OOH's words for a 0% outlook
_OR_MORE = re.compile(r"\s*(?:or\s+(?:more|higher|above)\b|\+)", re.I)  # a top-coded wage, as BLS bounds it


def _comparison_edit(
    comparison: Comparison, whole: int, average: int | None, soc: str, label: str
) -> tuple[Edit, str] | str | None:
    """The edit of the comparison and its note, None when its words stand, or why it stays (str): a decline
    or little or no change compares with nothing."""
    if average is None:
        return f"'{comparison.quote}' cannot be checked: {label} has no line for all occupations"
    phrase = derive_growth_phrase(whole, average)
    words = comparison_words(phrase)
    if words is None:
        return (
            f"BLS's outlook for {soc} in {label} is '{phrase.lower()}' ({whole:+d}%), which "
            f"'{comparison.quote}' cannot describe: reword the sentence"
        )
    if same_words(comparison.words, words):
        return None
    new = styled(comparison.words, words)
    note = f"'{comparison.words}' -> '{new}': {whole}% against {average}% for all occupations in {label}"
    return Edit(comparison.start, comparison.end, new), note


def _average(store: Store, release: HeldRelease) -> int | None:
    row = store.get(release, ALL_OCCUPATIONS, "change_percent")
    return row.whole_percent() if row else None


def _outlook_words(
    bound: BoundDocument, binding: Binding, store: Store, newest: HeldRelease, published: Published, digits: str
) -> tuple[Edit, str] | str | None:
    """For a projected change: the edit of the comparison with the average that follows it (and its note),
    None when no words need to change, or why the figure stays (str): words that give a direction or compare
    cannot describe a change BLS now calls little or no change or a decline."""
    figure, direction, soc, label = binding.figure, binding.direction, binding.soc, release_label(newest)
    text, zero = bound.document.text, float(digits.replace(",", "")) == 0
    unchanged = _NO_CHANGE.search(text, binding.sentence[0], figure.start)
    if unchanged and not zero and binding.measure == "change_percent":
        return (
            f"BLS projects a change of {digits}% for {soc} in {label}, which '{unchanged[0]}' cannot describe: "
            "reword the sentence"
        )
    if direction is not None and zero:
        printed = digits + text[figure.number_end : figure.end]
        return (
            f"BLS projects little or no change for {soc} in {label} ({printed}), which '{direction.word}' cannot "
            "describe: reword the sentence"
        )
    whole = published.whole_percent()
    comparison = comparison_after(bound, binding)
    if comparison is None or whole is None or soc is None:
        return None
    return _comparison_edit(comparison, whole, _average(store, newest), soc, label)


def plan_outlook(
    bound: BoundDocument, phrases: list[OutlookPhrase], catalog: Catalog, store: Store, figures: list[Change]
) -> tuple[list[Change], list[Kept]]:
    """The comparisons standing without a figure, moved to the newest EP cycle's words and years (or why they
    stay); `figures`: the refresh's changes of the figures, which a year the words share with them must agree with."""
    changes: list[Change] = []
    kept: list[Kept] = []
    newest = catalog.newest(EP)
    for phrase in phrases:
        outcome = _plan_phrase(bound.document, phrase, catalog, store, newest)
        if isinstance(outcome, Change):
            outcome = _shared_year(bound, phrase, outcome, figures)
        if isinstance(outcome, Change):
            changes.append(outcome)
        elif outcome is not None:
            kept.append(Kept(-1, phrase.line, phrase.comparison.quote, outcome))
    return changes, kept


def _plan_phrase(
    document: Document, phrase: OutlookPhrase, catalog: Catalog, store: Store, newest: HeldRelease | None
) -> Change | str | None:
    """The change of one comparison, why it stays (str), or None when its words and year are BLS's already."""
    comparison = phrase.comparison
    if len(phrase.socs) != 1:
        return f"it fits {len(phrase.socs)} occupations" if phrase.socs else phrase.evidence
    soc = phrase.socs[0]
    if soc == ALL_OCCUPATIONS:
        return None  # the average itself
    if newest is None:
        return "the warehouse holds no EP release"
    claimed = "no period stated"
    if phrase.token is not None:
        claim, _ = claim_for(catalog, EP, phrase.token)
        if claim.newer_than_held:
            return f"it claims {claim.label}, newer than any release the warehouse holds"
        claimed = claim.label
    label = release_label(newest)
    published = store.get(newest, soc, "change_percent")
    whole = published.whole_percent() if published else None
    if whole is None:
        return f"{soc} has no projected change in {label}"
    outcome = _comparison_edit(comparison, whole, _average(store, newest), soc, label)
    if isinstance(outcome, str):
        return outcome
    edits, notes = ([outcome[0]], [f"{outcome[1]} ({phrase.evidence})"]) if outcome else ([], [])
    years = _token_edits(phrase.token, newest)
    if years and phrase.token is not None:
        notes.append(f"'{phrase.token.text}', which dates the words, moves to {label}")
    edits += years
    if not edits:
        return None
    if not all(editable(document, e.start, e.end) for e in edits):
        return "the words or their year are split by markup" if years else "the words are split by markup"
    new = edits[0].new if outcome else comparison.words
    return Change(
        -1, phrase.line, phrase.column, comparison.words, new, soc, catalog.title(soc), OUTLOOK_WORDS,
        claimed, label, provenance(newest, store.line_of(newest, soc), "change_percent"), edits, notes,
    )  # fmt: skip


def _shared_year(bound: BoundDocument, phrase: OutlookPhrase, change: Change, figures: list[Change]) -> Change | str:
    """A year the words share with figures of their sentence ("faster than average through 2031, about 5,000
    openings a year") moves only as those figures move it: the words stay when one of them stays."""
    token = phrase.token
    if token is None:
        return change
    moved = {(e.start, e.end): e.new for e in change.edits if token.start <= e.start < token.end}
    by_figure = {c.figure: c for c in figures}
    for binding in bound.bindings:
        if binding.token is None or (binding.token.start, binding.token.end) != (token.start, token.end):
            continue
        figure = by_figure.get(binding.figure.index)
        theirs = {(e.start, e.end): e.new for e in figure.edits if token.start <= e.start < token.end} if figure else {}
        if theirs != moved:
            return f"'{token.text}' also dates {binding.figure.text} (line {binding.line}), which would not move the same way"
    return change


def provenance(release: HeldRelease, soc: str, measure: str) -> Provenance:
    return Provenance(release, series_label(release.source, soc, measure))


def _number_text(binding: Binding, measure: str, published: Published) -> tuple[str, int]:
    """The refreshed digits (with the sign the article's format calls for) and the new value's sign."""
    figure = binding.figure
    value = float(published.value or 0)
    sign = (value > 0) - (value < 0)
    kind = MEASURE_KIND[measure]
    if kind == "money" and in_thousands(figure.unit):
        return thousands_text(value, figure.decimals), sign
    if kind == "money":
        cents = figure.decimals == 2 or measure.startswith("hourly_")
        return money_text(value, cents=cents, comma=figure.comma, unit=figure.unit), sign
    if kind == "count":
        digits = count_text(abs(value), comma=figure.comma, scale=figure.unit, decimals=figure.decimals)
    elif figure.decimals >= 1:
        digits = f"{abs(value):.{figure.decimals}f}"
    else:
        whole = published.whole_percent()
        digits = str(abs(whole if whole is not None else round(value)))
        sign = ((whole or 0) > 0) - ((whole or 0) < 0) if whole is not None else sign
    written_sign = figure.text[:1] if figure.signed else ""
    if figure.signed:
        prefix = ("-" if written_sign == "+" else written_sign) if sign < 0 else ("+" if written_sign == "+" else "")
        return prefix + digits, sign
    if binding.direction is None and sign < 0:
        return "-" + digits, sign
    return digits, sign


def _new_years(token_kind: str, release: HeldRelease) -> tuple[int, ...]:
    if release.source == OEWS:
        return (release.reference_year,)
    if token_kind == "period":
        return (release.reference_year, release.target_year or release.reference_year)
    if token_kind == "target":
        return (release.target_year or release.reference_year,)
    return (release.reference_year,)


def _token_edits(token: Token | None, release: HeldRelease) -> list[Edit]:
    """The digits of a year or period moved to `release`'s ("2021" -> "2024", "-31" -> "-34")."""
    if token is None:
        return []
    edits = []
    for (start, end), old, new in zip(token.year_spans, token.years, _new_years(token.kind, release), strict=False):
        if old != new:
            edits.append(Edit(start, end, f"{new % 100:02d}" if end - start == 2 else str(new)))
    return edits


def plan_refresh(
    bound: BoundDocument, audits: list[Audit], catalog: Catalog, store: Store
) -> tuple[list[Change], list[Kept]]:
    changes: list[Change] = []
    kept: list[Kept] = []
    for binding, audit in zip(bound.bindings, audits, strict=True):
        outcome = _refresh_one(bound, binding, audit, catalog, store)
        if isinstance(outcome, Change):
            changes.append(outcome)
        elif outcome is not None:
            kept.append(Kept(binding.figure.index, binding.line, binding.figure.text, outcome))
    moved = True
    while moved:  # a figure one rule keeps may hold back others by an earlier rule
        moved = False
        for rule in together.RULES:
            reasons = rule(changes, {k.figure for k in kept}, bound)
            kept += [Kept(c.figure, c.line, c.old, reasons[c.figure]) for c in changes if c.figure in reasons]
            moved = moved or any(c.figure in reasons for c in changes)
            changes = [c for c in changes if c.figure not in reasons]
    by_figure = {c.figure: c for c in changes}
    for figure, (edit, note) in data_year_edits(changes, bound, catalog).items():
        if editable(bound.document, edit.start, edit.end):
            by_figure[figure].edits.append(edit)
            by_figure[figure].notes.append(note)
    kept.sort(key=lambda k: k.figure)
    return changes, kept


def _ooh_kept(binding: Binding, facts: OohFacts, measure: str, catalog: Catalog) -> str:
    """Why a figure the OOH prints for a profile of several codes stays: no release of OEWS or EP publishes
    it, and our sheets print the OOH's figure too."""
    where = (
        f"it is the OOH's figure for its profile {profile_words(facts)} ({facts.edition} edition), which OEWS "
        "and EP do not publish as one"
    )
    newest = catalog.newest_ooh(facts)
    published = ooh_published(newest, measure)
    if newest.edition == facts.edition or published is None:
        return f"{where}; no newer OOH edition is held"
    text = printed(published, measure, decimals=binding.figure.decimals, comma=True, unit=binding.figure.unit)
    return f"{where}; the OOH's {newest.edition} edition prints {text}: refresh it by hand"


def _codes_named(bound: BoundDocument, catalog: Catalog, sentence: tuple[int, int]) -> set[str]:
    return {soc for name in catalog.names.find(bound.document.text, *sentence) for soc in name.socs}


def _refresh_one(
    bound: BoundDocument, binding: Binding, audit: Audit, catalog: Catalog, store: Store
) -> Change | str | None:
    """A change, the reason the figure stays (str), or None when it is already the newest."""
    if audit.status in (UNBOUND, AMBIGUOUS):
        return audit.note or binding.problem or audit.status
    if audit.ooh is not None and (not audit.ooh.primary or binding.soc is None):  # else it moves with its code
        return _ooh_kept(binding, audit.ooh, audit.measure or "", catalog)
    soc, measure = _moves_with(binding, audit), audit.measure or binding.measure
    if soc is None or measure is None or binding.claim is None:
        return "the measure is not settled"
    if (far := far_from_claimed(binding, audit, catalog, store, soc, measure)) is not None:
        return far
    if audit.other is not None and audit.other in _codes_named(bound, catalog, binding.sentence):
        return f"it is {audit.other}'s figure, an occupation its sentence also names: check which one it gives by hand"
    if binding.claim.newer_than_held:
        return f"it claims {binding.claim.label}, newer than any release the warehouse holds"
    source = MEASURE_SOURCE[measure]
    newest = catalog.newest(source)
    if newest is None:
        return f"the warehouse holds no {source} release"
    published = store.get(newest, soc, measure)
    label = release_label(newest)
    if published is None:
        return f"{soc} is not in {label}"
    if published.value is None or published.status not in ("published",):
        what = "only a lower bound ('or more')" if published.status == "top_coded" else "no value"
        return f"BLS publishes {what} for the {MEASURE_LABELS[measure]} of {soc} in {label} ({published.status})"
    figure = binding.figure
    if figure.kind == "money" and _OR_MORE.match(bound.document.text, figure.end):
        return (
            f"it is a lower bound ('{figure.text} or more') and BLS publishes the exact {MEASURE_LABELS[measure]} of "
            f"{soc} in {label} ({money_text(published.value, cents=figure.decimals == 2, comma=True)}): reword "
            "the sentence"
        )
    digits, sign = _number_text(binding, measure, published)
    row = published.row
    if measure in ("employment_base", "employment_target") and row is not None and row.change_numeric is not None:
        # "grow from 186,400 to 199,800": the direction word follows the change from base to target
        sign = (row.change_numeric > 0) - (row.change_numeric < 0)
    document = bound.document
    edits = [] if document.text[figure.number_start : figure.number_end] == digits else [
        Edit(figure.number_start, figure.number_end, digits)
    ]  # fmt: skip
    notes = []
    direction = binding.direction
    if measure in CHANGE_MEASURES:
        outlook = _outlook_words(bound, binding, store, newest, published, digits)
        if isinstance(outlook, str):
            return outlook
        if outlook is not None:
            edits.append(outlook[0])
            notes.append(outlook[1])
    if direction is not None and sign and sign != direction.sign:
        swapped = opposite(direction.word, noun=direction.noun)
        if swapped is None:
            return f"the change turned {'positive' if sign > 0 else 'negative'} and '{direction.word}' has no opposite here"
        edits.append(Edit(direction.start, direction.end, swapped))
        if direction.article is not None and direction.article[1] + 1 == direction.start:
            article = document.text[direction.article[0] : direction.article[1]]
            if indefinite_article(article, swapped) != article:
                edits.append(Edit(*direction.article, indefinite_article(article, swapped)))
        notes.append(
            f"'{direction.word}' -> '{swapped}': the projected change turned {'positive' if sign > 0 else 'negative'}"
        )
    before = re.search(r"\b(an?)\s+$", document.text[max(0, figure.start - 4) : figure.start], re.I)
    if before and edits and figure.kind != "money":
        start = figure.start - len(document.text[max(0, figure.start - 4) : figure.start]) + before.start(1)
        wanted = indefinite_article(before[1], digits)
        if wanted != before[1]:
            edits.append(Edit(start, start + len(before[1]), wanted))
    if figure.kind == "money" and figure.unit.startswith("$$") and edits:
        notes.append(f"'{figure.unit}' (a typo) is written '$'")
    edits.extend(_token_edits(binding.token, newest))
    if not edits:
        return None
    if not all(editable(document, e.start, e.end) for e in edits):
        return "the figure or its year is split by markup"
    if audit.status not in ("matches", "release not held"):
        notes.append(
            f"it was '{audit.status}' ({audit.note}); refreshed as the {MEASURE_LABELS[measure]} the text names"
        )
    new_text = digits + document.text[figure.number_end : figure.end]  # "$97.6" + "K"; a count's " thousand"
    return Change(
        figure.index, binding.line, binding.column, figure.text, new_text, soc, catalog.title(soc), measure,
        binding.claim.label, label, provenance(newest, store.line_of(newest, soc), measure), edits, notes,
    )  # fmt: skip


def _moves_with(binding: Binding, audit: Audit) -> str | None:
    """The code whose newer figure replaces this one: the bound code, or the narrower code the OOH files the
    matching profile under."""
    if binding.soc is None or audit.ooh is None:
        return binding.soc
    return filed_narrower(binding.soc, audit.ooh) or binding.soc


def filed_narrower(soc: str, facts: OohFacts) -> str | None:
    """The code a profile named like `soc` is filed under, when it is narrower than `soc`: "medical scientists"
    names the broad group 19-1040, and the profile of that name prints 19-1042's figures. A profile filed under a
    broader code (13-1030 for a sheet of 13-1031) does not take the figure from the code the text names."""
    if len(facts.primary) == 1 and is_ancestor(soc, facts.primary[0]):
        return facts.primary[0]
    return None


def unique_edits(changes: list[Change]) -> list[Edit]:
    """Every edit once (figures sharing a year share its edit), in text order."""
    edits = {(e.start, e.end): e for change in changes for e in change.edits}
    return sorted(edits.values(), key=lambda e: e.start)
