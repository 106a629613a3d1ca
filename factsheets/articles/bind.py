"""Bind each figure of an article to an occupation, a measure and a release, keeping the evidence.

* occupation: the nearest name in the figure's sentence (not across another figure), else the subject of an
  earlier sentence of its paragraph, else the heading of its section (then the headings above it), else the
  document's title; a sidecar pin wins over all;
* measure: the words around the figure (median, mean/average, top/lowest 10 percent, hourly, projected
  growth/decline, openings, jobs, new jobs ...; "to 199,800 in 2031" after a base year's employment); a
  wage's median or mean, else that of an earlier sentence of its paragraph;
* release: the year or period the sentence states for it, else the one the last dated sentence of its
  paragraph states, else the newest held.
A figure binds for certain only when one occupation and one measure fit; else the candidates are kept (the
audit may settle a median-or-mean by the value) and nothing is changed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from factsheets.articles.catalog import Catalog, Claim
from factsheets.articles.direction import Direction, direction_of
from factsheets.articles.document import Document, Heading
from factsheets.articles.find import Figure, Token, find_figures, find_tokens
from factsheets.articles.measure_words import (
    average_of_all,
    carry_statistic,
    count_measures,
    gap_between,
    money_measures,
    not_projected,
    paired_measure,
    percent_measures,
)
from factsheets.articles.measures import ALL_OCCUPATIONS, MEASURE_KIND, MEASURE_SOURCE, OEWS
from factsheets.articles.names import NameMatch, beside
from factsheets.articles.places import not_national
from factsheets.articles.sidecar import Pin, match_pins
from factsheets.articles.tables import column_header, row_header


@dataclass
class Binding:
    figure: Figure
    line: int
    column: int
    sentence: tuple[int, int]
    socs: tuple[str, ...] = ()  # one: bound; several: ambiguous; none: unbound
    occupation_evidence: str = ""
    named_by: str = ""  # how the name was found: careers, title, ooh_title, ... (names.RANKS), or pin
    named_here: bool = False  # the name is in the figure's own sentence (not an earlier one, a heading, the title)
    measures: tuple[str, ...] = ()  # one: bound; several: the text does not say which
    measure_evidence: str = ""
    claim: Claim | None = None
    token: Token | None = None
    release_evidence: str = ""
    direction: Direction | None = None
    dated_by: Token | None = None  # the year or period of an earlier sentence that dates it (its own has none)
    signed_value: float = 0.0  # the figure's value with the sign its words give it
    pin: Pin | None = None
    problem: str | None = None  # why it cannot be bound
    notes: list[str] = field(default_factory=list)
    gap: bool = False  # a gap between two figures ("$74,370 more than the median for all workers")

    @property
    def soc(self) -> str | None:
        return self.socs[0] if len(self.socs) == 1 else None

    @property
    def measure(self) -> str | None:
        return self.measures[0] if len(self.measures) == 1 else None


@dataclass
class BoundDocument:
    document: Document
    bindings: list[Binding]
    named_codes: set[str]  # every code the article names anywhere (for "matches another occupation")
    stale_pins: list[tuple[Pin, str]] = field(default_factory=list)  # pins that bind nothing, and why


_COORDINATOR = re.compile(r"^\W*(?:and|or|as well as|&)?\W*$", re.I)
# "Financial managers, who often start as accountants, earned $131,710": the accountants are an aside
_ASIDE = re.compile(r",\s*(?:who|whom|whose|which)\b[^,.;]*,", re.I)
# a name after its figure past one of these belongs to the next clause: "Nannies earned $28,520, while accountants
# made $77,250" does not say what accountants earned first
_CLAUSE_BREAK = re.compile(r";|,\s*(?:while|whereas|but|and|although|though|compared)\b|\s(?:while|whereas)\s", re.I)


# ---- occupation -------------------------------------------------------------------------------------


def _occupation_in_sentence(
    text: str, names: list[NameMatch], figures: list[Figure], figure: Figure
) -> list[NameMatch]:
    """The nearest name with no other figure between it and this one, nor a clause break when it comes after it
    (else the nearest before it), with the names coordinated with it ('X and Y earned ...': two bindings fit)."""

    def clear(name: NameMatch) -> bool:
        low, high = (name.end, figure.start) if name.end <= figure.start else (figure.end, name.start)
        if name.start >= figure.end and _CLAUSE_BREAK.search(text, low, high):
            return False
        return not any(low <= other.start < high for other in figures if other is not figure)

    def distance(name: NameMatch) -> int:
        return figure.start - name.end if name.end <= figure.start else name.start - figure.end

    # right beside its figure, the average is that figure's subject; elsewhere ("faster than the average for all
    # occupations") it compares
    average = [n for n in names if n.socs == (ALL_OCCUPATIONS,) and beside(text, n, figure.start, figure.end)]
    specific = [n for n in names if n.socs != (ALL_OCCUPATIONS,)]
    if average or specific:
        names = average or specific
    names = [n for n in names if not _in_aside(text, n, figure)] or names
    eligible = [n for n in names if clear(n)] or [n for n in names if n.end <= figure.start][-1:]
    if not eligible:
        return []
    nearest = min(eligible, key=distance)
    group = [nearest]
    ordered = sorted(eligible, key=lambda n: n.start)
    at = ordered.index(nearest)
    return group + _coordinated(text, ordered, at)


def _in_aside(text: str, name: NameMatch, figure: Figure) -> bool:
    """Whether the name is in a relative clause between commas that does not hold the figure."""
    for aside in _ASIDE.finditer(text, max(0, name.start - 200), name.end + 200):
        if aside.start() < name.start and name.end <= aside.end() and not aside.start() < figure.start < aside.end():
            return True
    return False


def _coordinated(text: str, ordered: list[NameMatch], at: int) -> list[NameMatch]:
    joined: list[NameMatch] = []
    for step in (-1, 1):
        i = at
        while 0 <= i + step < len(ordered):
            a, b = sorted((ordered[i], ordered[i + step]), key=lambda n: n.start)
            if not _COORDINATOR.match(text[a.end : b.start]):
                break
            joined.append(ordered[i + step])
            i += step
    return joined


class _EarlierSentences:
    """Names of the sentences of a document, found once each; a figure whose sentence names nobody ('Their
    median wage was ...') takes the nearest name of an earlier sentence of its paragraph."""

    def __init__(self, document: Document, catalog: Catalog):
        self.document, self.catalog = document, catalog
        self.found: dict[int, list[NameMatch]] = {}

    def names(self, number: int) -> list[NameMatch]:
        if number not in self.found:
            start, end = self.document.sentences[number]
            self.found[number] = self.catalog.names.find(self.document.text, start, end)
        return self.found[number]

    def nearest_before(self, number: int) -> list[NameMatch]:
        paragraphs = self.document.paragraph_of
        previous = number - 1
        while previous >= 0 and paragraphs and paragraphs[previous] == paragraphs[number]:
            # "Across all occupations, growth is 4 percent. About 15,000 openings a year ...": the average is
            # what the subject is compared with, not the subject
            names = [n for n in self.names(previous) if n.socs != (ALL_OCCUPATIONS,)]
            # "Legislators are ... within management occupations. ... jobs in this occupation": the occupation,
            # not the major group it is placed in (a group named alone is the subject, though)
            names = [n for n in names if not all(code.endswith("-0000") for code in n.socs)] or names
            if names:
                ordered = sorted(names, key=lambda n: n.start)
                return [ordered[-1], *_coordinated(self.document.text, ordered, len(ordered) - 1)]
            previous -= 1
        return []


def _heading_names(catalog: Catalog, heading: Heading) -> list[NameMatch]:
    return catalog.names.find_in(heading.text)


def _codes(names: list[NameMatch]) -> tuple[str, ...]:
    return tuple(sorted({code for n in names for code in n.socs}))


# ---- binding ------------------------------------------------------------------------------------------


_TOKEN_PREFERENCE = {
    "employment_base": ("year", "period"),
    "employment_target": ("target", "period"),
    "employment": ("year",),
}


def token_for(tokens: list[Token], figure: Figure, measure: str) -> Token | None:
    """The year or period of the sentence that dates this figure: the nearest of the kind its measure takes
    (a wage: a year; a projected change: a period, else the target or base year)."""
    if MEASURE_SOURCE.get(measure) == OEWS:
        kinds = _TOKEN_PREFERENCE.get(measure, ("year",))
    else:
        kinds = _TOKEN_PREFERENCE.get(measure, ("period", "target", "year"))
    middle = (figure.start + figure.end) / 2
    for kind in kinds:
        candidates = [t for t in tokens if t.kind == kind]
        if kind == "year" and measure in ("change_numeric", "change_percent"):
            # "from 345,600 in 2021 to 392,000 in 2031, an increase of 46,400": the base year of the decade
            years = {t.years[0] for t in candidates}
            candidates = [t for t in candidates if t.years[0] + 10 in years] or candidates
        if candidates:
            return min(candidates, key=lambda t: abs((t.start + t.end) / 2 - middle))
    dated = [t for t in tokens if t.kind == "year"]
    following = [t for t in dated if t.start >= figure.end]
    if measure == "employment_target" and following:  # "to 199,800 in 2031": the year after it is the target
        return replace(min(following, key=lambda t: t.start), kind="target")
    if measure == "employment_target" and dated:  # "| Projected employment, 2031 |": its column's year
        return replace(max(dated, key=lambda t: t.years[0]), kind="target")
    return None


def claim_for(catalog: Catalog, source: str, token: Token | None) -> tuple[Claim, str]:
    if source == OEWS:
        if token is None:
            claim = catalog.claim_oews(None)
            return claim, f"no year stated: the newest, {claim.label}"
        return catalog.claim_oews(token.years[0]), f"'{token.text}'"
    if token is None:
        claim = catalog.claim_ep()
        return claim, f"no period stated: the newest, {claim.label}"
    if token.kind == "period":
        return catalog.claim_ep(base=token.years[0], target=token.years[1]), f"'{token.text}'"
    if token.kind == "target":
        return catalog.claim_ep(target=token.years[0]), f"'{token.text}'"
    return catalog.claim_ep(base=token.years[0]), f"'{token.text}' (the base year)"


def bind_document(document: Document, catalog: Catalog, pins: tuple[Pin, ...] = ()) -> BoundDocument:
    """Bind every figure of the document; pins are the sidecar's (matched here by text and line)."""
    text = document.text
    named: set[str] = set()
    for heading in [*document.headings, *([document.title] if document.title else [])]:
        named.update(_codes(_heading_names(catalog, heading)))
    sentences: list[tuple[int, int, int, list[Figure]]] = []
    located: list[tuple[int, str, int]] = []
    for number, (start, end) in enumerate(document.sentences):
        figures = find_figures(text, start, end, first_index=len(located))
        if figures:
            sentences.append((number, start, end, figures))
            located.extend((f.index, f.text, document.line_col(f.start)[0]) for f in figures)
    figure_pins = tuple(p for p in pins if not p.words)  # words pins: factsheets.articles.outlook
    pinned, stale = match_pins(figure_pins, located) if figure_pins else ({}, [])
    bindings: list[Binding] = []
    earlier = _EarlierSentences(document, catalog)
    dated: dict[int, list[Token]] = {}  # paragraph -> the tokens of its last sentence that has any
    statistic_of: dict[int, str] = {}  # paragraph -> the wage statistic its last sentence naming one named
    for number, start, end, figures in sentences:
        tokens = find_tokens(text, start, end, figures)
        paragraph = document.paragraph_of[number] if document.paragraph_of else -1
        before, earlier_statistic = dated.get(paragraph, []), statistic_of.get(paragraph) if paragraph >= 0 else None
        if tokens:
            dated[paragraph] = tokens
        section = next(iter(document.headings_above(start)), None)
        section_tokens = find_tokens(text, section.start, section.end, []) if section and section.level > 1 else []
        names = earlier.names(number)
        named.update(_codes(names))
        for i, figure in enumerate(figures):
            left_start = figures[i - 1].end if i else start
            right_end = figures[i + 1].start if i + 1 < len(figures) else end
            binding = Binding(figure, *document.line_col(figure.start), (start, end))
            bindings.append(binding)
            pin = pinned.get(figure.index)
            if pin is not None and pin.ignore:
                binding.pin, binding.problem = pin, f"ignored by sidecar pin {pin.number}"
                continue
            header = column_header(text, figure.start) if document.kind in ("md", "html") else None
            column_tokens = find_tokens(text, header.start, header.end, []) if header else []
            left = f"{header.text} {text[left_start : figure.start]}" if header else text[left_start : figure.start]
            after_wage = bool(i) and figures[i - 1].kind == "money" and header is None
            _bind_measure(
                binding,
                left,
                text[figure.end : right_end],
                tokens + column_tokens,
                pin,
                after_wage=after_wage,
                sentence=text[start:end],
            )
            if header and binding.measures and pin is None:
                binding.measure_evidence += f", its column '{header.text}'"
            if figure.kind == "money" and pin is None:
                carry_statistic(binding, earlier_statistic, statistic_of, paragraph)
            between = text[left_start : figure.start]
            if (
                i
                and pin is None
                and (paired := paired_measure(figure, binding.measures, bindings[-2], between=between))
            ):
                binding.measures, binding.measure_evidence, binding.problem = (*paired, None)
            binding.direction = _direction_of_binding(binding, text, left_start, right_end)
            binding.signed_value = _signed(figure, binding.direction, binding.measures)
            _bind_occupation(binding, document, catalog, names, figures, figure, pin, earlier, number)
            if (
                figure.kind == "percent"
                and pin is None
                and (average := average_of_all(left, text[figure.end : right_end]))
            ):
                binding.measures, binding.socs, binding.problem = ("change_percent",), (ALL_OCCUPATIONS,), None
                binding.measure_evidence = binding.occupation_evidence = f"'{average}'"
            rows = row_header(text, figure.start) if header else None
            spans = [(n.start, n.end) for n in names]
            if binding.measures and (elsewhere := not_national(text, start, end, rows.text if rows else None, spans)):
                binding.measures, binding.problem = (
                    (),
                    f"{elsewhere}: only national, cross-industry figures are checked",
                )
            if binding.measures:
                _bind_release(binding, catalog, tokens, before, column_tokens, section_tokens)
    return BoundDocument(document, bindings, named, stale)


def _bind_release(
    binding: Binding,
    catalog: Catalog,
    tokens: list[Token],
    before: list[Token],
    column: list[Token],
    section: list[Token],
) -> None:
    """The release the sentence dates the figure with; a sentence that dates nothing ("On average, about 14,200
    openings a year are projected over the period") is dated by the last one of its paragraph that does. The
    refresh edits no year outside the figure's sentence, and moves such a figure only with the figures that
    date it (refresh._drop_undated). In a table, its column's header dates it when its row does not; a figure
    nothing else dates, its section's heading ("## Salary (2021)"), whose year moves once, when all its figures do."""
    measure = binding.measures[0]
    source = MEASURE_SOURCE[measure]
    binding.token = token_for(tokens, binding.figure, measure) or token_for(column, binding.figure, measure)
    inherited = token_for(before, binding.figure, measure) if binding.token is None else None
    headed = token_for(section, binding.figure, measure) if binding.token is None and inherited is None else None
    binding.token = binding.token or headed
    binding.claim, binding.release_evidence = claim_for(catalog, source, binding.token or inherited)
    if inherited is not None:
        binding.dated_by = inherited
        binding.release_evidence += " in an earlier sentence of its paragraph"
    elif headed is not None:
        binding.release_evidence += " in its section's heading"


# A direction word gives a change its sign; it moves base and target employment's words with the change
# ("grow from 186,400 to 199,800"), though they are counts; it says nothing of openings, employment or pay
# ("Despite declining employment, about 800 openings ...").
SIGNED_BY_WORDS = ("change_percent", "change_numeric")
MOVED_BY_WORDS = (*SIGNED_BY_WORDS, "employment_base", "employment_target")


def _direction_of_binding(binding: Binding, text: str, left_start: int, right_end: int) -> Direction | None:
    figure, measures = binding.figure, binding.measures
    if figure.kind == "money" or (measures and not set(measures) & set(MOVED_BY_WORDS)):
        return None
    return direction_of(text, left_start, figure, right_end)


def _signed(figure: Figure, direction: Direction | None, measures: tuple[str, ...]) -> float:
    if figure.signed or direction is None or (measures and not set(measures) & set(SIGNED_BY_WORDS)):
        return figure.value
    return abs(figure.value) * direction.sign


_SPACES = re.compile(r"\s+")


def _bind_measure(
    binding: Binding,
    left: str,
    right: str,
    tokens: list[Token],
    pin: Pin | None,
    *,
    after_wage: bool = False,
    sentence: str = "",
) -> None:
    figure = binding.figure
    if pin is not None:
        if MEASURE_KIND[pin.measure or ""] != figure.kind:
            binding.notes.append(f"pinned measure {pin.measure} is a {MEASURE_KIND[pin.measure or '']} figure")
        binding.measures, binding.measure_evidence = (pin.measure or "",), f"pinned by sidecar pin {pin.number}"
        return
    # The words are read in windows of characters: HTML's indentation ("Employment Change, 2024-34\n     |
    # 4,400") pushed "Employment Change" out of the window and left "Employment", a base-year count.
    left, right = _SPACES.sub(" ", left), _SPACES.sub(" ", right)
    if figure.kind == "money":
        binding.measures, binding.measure_evidence = money_measures(figure, left, right, after_wage=after_wage)
    elif figure.kind == "percent":
        # A period dates a bare percent only right next to it ("7% (2021-2031)"); a period elsewhere in the
        # sentence does not make "90 percent of openings" a projected change.
        has_period = any(
            t.kind in ("period", "target") and (0 <= t.start - figure.end <= 15 or 0 <= figure.start - t.end <= 15)
            for t in tokens
        )
        binding.measures, binding.measure_evidence = percent_measures(left, right, has_period)
    else:
        middle = (figure.start + figure.end) / 2
        token = min(tokens, key=lambda t: abs((t.start + t.end) / 2 - middle)) if tokens else None
        binding.measures, binding.measure_evidence = count_measures(left, right, token)
    if binding.measures in _PROJECTED and (other := not_projected(sentence, left)):
        binding.measures, binding.measure_evidence = (), other
    if gap := gap_between(figure.text, right):
        binding.measures, binding.measure_evidence, binding.gap = (), gap, True
    if not binding.measures:
        binding.problem = binding.measure_evidence


# what only EP projects: a change, or the employment a change ends at ("grew 5% last year" is none of them)
_PROJECTED = (("change_percent",), ("change_numeric",), ("employment_target",))


def _bind_occupation(
    binding: Binding,
    document: Document,
    catalog: Catalog,
    names: list[NameMatch],
    figures: list[Figure],
    figure: Figure,
    pin: Pin | None,
    earlier: _EarlierSentences,
    sentence: int,
) -> None:
    if pin is not None:
        binding.pin = pin
        binding.socs, binding.occupation_evidence = (pin.soc or "",), f"pinned by sidecar pin {pin.number}"
        binding.named_by = "pin"
        return
    chosen, evidence = _choose_occupation(document, catalog, names, figures, figure, earlier, sentence)
    if not chosen:
        if binding.problem is None:
            binding.problem = evidence
        return
    binding.socs, binding.occupation_evidence, binding.named_by = _codes(chosen), evidence, chosen[0].via
    binding.named_here = all(binding.sentence[0] <= name.start < binding.sentence[1] for name in chosen)
    if len(binding.socs) > 1 and binding.problem is None:
        binding.problem = f"{_quoted(chosen)} fits {len(binding.socs)} occupations: {', '.join(binding.socs)}"


def _within_uncoded(name: NameMatch, uncoded: list[NameMatch]) -> bool:
    return any(u.start <= name.start and name.end <= u.end and u.end - u.start > name.end - name.start for u in uncoded)


def _choose_occupation(
    document: Document,
    catalog: Catalog,
    names: list[NameMatch],
    figures: list[Figure],
    figure: Figure,
    earlier: _EarlierSentences,
    sentence: int,
) -> tuple[list[NameMatch], str]:
    """The names the figure speaks of, and the evidence (or why there is none)."""
    chosen = _occupation_in_sentence(document.text, names, figures, figure)
    where = "in its sentence"
    uncoded = catalog.uncoded.find(document.text, *document.sentences[sentence]) if catalog.uncoded.entries else []
    if uncoded and all(_within_uncoded(n, uncoded) for n in chosen):
        # "... craft and fine artists was $56,260": not the article's subject, whom the sentence does not name;
        # "geological and hydrologic technicians": not 19-4044 Hydrologic Technicians, whose name it holds
        named = next((u for u in uncoded if any(_within_uncoded(n, [u]) for n in chosen)), uncoded[0])
        return [], f"its sentence names '{named.text}', which the OOH lists but no code in the warehouse carries"
    if not chosen:
        chosen = earlier.nearest_before(sentence)
        where = "in an earlier sentence of its paragraph"
    if not chosen:
        for heading in [*document.headings_above(figure.start), *([document.title] if document.title else [])]:
            found = _heading_names(catalog, heading)
            if found:
                chosen = found[-1:] + [n for n in found[:-1] if n.socs != found[-1].socs]
                where = f"in the {'title' if heading is document.title else 'heading'} '{heading.text}'"
                break
    if not chosen:
        return [], "no occupation named in its sentence, section heading or title"
    return chosen, f"{_quoted(chosen)} {where} ({chosen[0].via.replace('_', ' ')})"


def _quoted(names: list[NameMatch]) -> str:
    """'a' and 'b': each name once, however it is capitalized ('Craft and Fine Artists', 'craft and fine artists')."""
    once: dict[str, str] = {}
    for name in names:
        once.setdefault(name.text.casefold(), name.text)
    return " and ".join(f"'{text}'" for text in once.values())


def occupation_of_span(
    bound: BoundDocument, catalog: Catalog, sentence: int, start: int, end: int
) -> tuple[tuple[str, ...], str]:
    """The codes a span of a sentence speaks of (words that hold no figure: "faster-than-average growth"),
    found as a figure's are, and the evidence (or why there are none)."""
    document = bound.document
    span = Figure(-1, "words", start, end, document.text[start:end], 0.0, 0, False)
    around = document.sentences[sentence]
    figures = [b.figure for b in bound.bindings if b.sentence == around] + [span]
    earlier = _EarlierSentences(document, catalog)
    chosen, evidence = _choose_occupation(document, catalog, earlier.names(sentence), figures, span, earlier, sentence)
    return _codes(chosen), evidence
