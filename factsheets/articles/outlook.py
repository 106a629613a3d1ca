"""BLS's comparison of an occupation's projected change with the average for all occupations ("much faster
than the average"), as articles write it: after a projected change in its sentence ("grow 7% from 2021 to
2031, faster than the average"), where it moves with that figure, or on its own ("predicts faster-than-average
growth in this profession"), where it is bound to an occupation the way a figure is, and dated by its sentence's
period or year as a projected change would be ("faster than average through 2031"). Either way a refresh
writes the words the OOH uses for the newest EP cycle (factsheets.figures.GROWTH_RULE), and moves that date."""

from __future__ import annotations

import re
from dataclasses import dataclass

from factsheets.articles.bind import Binding, BoundDocument, occupation_of_span, token_for
from factsheets.articles.catalog import Catalog
from factsheets.articles.find import Figure, Token, find_tokens
from factsheets.articles.measures import MEASURE_SOURCE, OEWS
from factsheets.articles.sidecar import Pin, match_pins

_SEP = r"[\s-]+"  # "faster than average", "faster-than-average"
_COMPARISON = re.compile(
    rf"\b(?P<words>much{_SEP}faster{_SEP}than|faster{_SEP}than|(?:about{_SEP})?as{_SEP}fast{_SEP}as|slower{_SEP}than)"
    rf"{_SEP}(?:the{_SEP})?(?:(?:national|overall){_SEP})?average\b",
    re.I,
)
_WORDS = {  # factsheets.figures.derive_growth_phrase -> the words before "(the) average"
    "Much faster than average": "much faster than",
    "Faster than average": "faster than",
    "As fast as average": "about as fast as",
    "Slower than average": "slower than",
}
CHANGE_MEASURES = ("change_percent", "change_numeric")


@dataclass(frozen=True)
class Comparison:
    start: int  # of the words that compare ("much faster than"), which a refresh may replace
    end: int
    words: str
    quote: str  # the whole comparison as written ("much faster than the average")


@dataclass(frozen=True)
class OutlookPhrase:
    """A comparison standing without a figure, and the occupation it speaks of."""

    comparison: Comparison
    line: int
    column: int
    socs: tuple[str, ...]  # one: bound; several: ambiguous; none: unbound (or ignored by a pin)
    evidence: str
    pin: Pin | None = None  # the sidecar's pin of these words (measure = "outlook_words")
    token: Token | None = None  # the period or year of its sentence that dates it ("through 2031")


def comparison_words(phrase: str) -> str | None:
    """The words for BLS's outlook phrase ("Faster than average" -> "faster than"); None for a decline or
    little or no change, which compare with nothing."""
    return _WORDS.get(phrase)


def same_words(written: str, wanted: str) -> bool:
    written = " ".join(written.lower().replace("-", " ").split())
    return written == wanted or (wanted == "about as fast as" and written == "as fast as")


def styled(written: str, words: str) -> str:
    """`words` written the way `written` is: hyphenated or not; in capitals, in title case, capitalized or not."""
    separator = "-" if "-" in written else " "
    parts = words.split()
    if written.isupper():
        parts = [p.upper() for p in parts]
    elif all(p[:1].isupper() for p in re.split(_SEP, written) if p):
        parts = [p.capitalize() for p in parts]
    elif written[:1].isupper():
        parts[0] = parts[0].capitalize()
    return separator.join(parts)


def _comparison(found: re.Match[str]) -> Comparison:
    return Comparison(found.start("words"), found.end("words"), found["words"], found[0])


def comparison_after(bound: BoundDocument, binding: Binding) -> Comparison | None:
    """The comparison that follows the figure in its sentence, before any other figure."""
    figure = binding.figure
    end = binding.sentence[1]
    for other in bound.bindings:
        if figure.end < other.figure.start < end:
            end = other.figure.start
    found = _COMPARISON.search(bound.document.text, figure.end, end)
    return _comparison(found) if found else None


def projection_token_of_span(bound: BoundDocument, sentence: int, start: int, end: int) -> Token | None:
    """The period, target or base year of a sentence that dates words about a projected change ("faster than
    the average through 2031"), as it would date a projected change there. An OEWS period ("May 2025") and a
    year that dates a wage of the sentence date no projection."""
    document = bound.document
    around = document.sentences[sentence]
    in_sentence = [b for b in bound.bindings if b.sentence == around]
    wage_years = {
        (b.token.start, b.token.end)
        for b in in_sentence
        if b.token is not None and b.measures and MEASURE_SOURCE[b.measures[0]] == OEWS
    }
    tokens = [
        t
        for t in find_tokens(document.text, *around, [b.figure for b in in_sentence])
        if not t.may and (t.start, t.end) not in wage_years
    ]
    span = Figure(-1, "words", start, end, document.text[start:end], 0.0, 0, False)
    return token_for(tokens, span, "change_percent")


def find_outlook_phrases(bound: BoundDocument, catalog: Catalog, pins: tuple[Pin, ...] = ()) -> list[OutlookPhrase]:
    """Every comparison of the article that no projected change of its sentence carries, bound to its
    occupation (or as the sidecar's words pins say). A words pin that names a carried comparison binds
    nothing: those words follow their figure, which is what to pin."""
    carried = {
        (c.start, c.end)
        for b in bound.bindings
        if b.measures and b.measures[0] in CHANGE_MEASURES and (c := comparison_after(bound, b)) is not None
    }
    document = bound.document
    found = [
        (number, _comparison(match))
        for number, (start, end) in enumerate(document.sentences)
        for match in _COMPARISON.finditer(document.text, start, end)
    ]
    located = [(k, c.quote, document.line_col(c.start)[0]) for k, (_, c) in enumerate(found)]
    pinned, stale = match_pins(tuple(p for p in pins if p.words), located)
    phrases = []
    for k, (number, comparison) in enumerate(found):
        pin = pinned.get(k)
        if (comparison.start, comparison.end) in carried:
            if pin is not None:
                stale.append((pin, f"'{comparison.quote}' follows the projected change before it: pin that figure"))
            continue
        socs: tuple[str, ...]
        if pin is not None:
            socs, evidence = (
                ((), f"ignored by sidecar pin {pin.number}")
                if pin.ignore
                else ((pin.soc or "",), f"pinned by sidecar pin {pin.number}")
            )
        else:
            socs, evidence = occupation_of_span(
                bound, catalog, number, comparison.start, comparison.start + len(comparison.quote)
            )
        end = comparison.start + len(comparison.quote)
        token = projection_token_of_span(bound, number, comparison.start, end)
        phrases.append(OutlookPhrase(comparison, *document.line_col(comparison.start), socs, evidence, pin, token))
    bound.stale_pins.extend(stale)
    return phrases


def rewritten_pin_text(phrase: OutlookPhrase, new_words: str) -> str | None:
    """A words pin's text once the refresh has written `new_words` (None: it was matched by line only)."""
    pin, comparison = phrase.pin, phrase.comparison
    if pin is None or pin.figure is None:
        return None
    return new_words + comparison.quote[len(comparison.words) :]
