"""The words that say which way a change goes ("decline by 7%", "7% growth", "up 16,700 jobs"): a refresh swaps
them when the change's sign flips."""

from __future__ import annotations

import re
from dataclasses import dataclass

from factsheets.articles.find import Figure
from factsheets.articles.measure_words import UP_DOWN_BEFORE, last_match


@dataclass(frozen=True)
class Direction:
    """A word saying which way a change goes ('decline by 7%'); a refresh swaps it when the sign flips."""

    start: int
    end: int
    word: str
    sign: int  # +1 or -1
    noun: bool = False  # "a decline of 7%", "7% growth": swapped for a noun
    article: tuple[int, int] | None = None  # the "a"/"an" just before it, which the new word may change


_NOUN_BEFORE = re.compile(r"\b(?:a|an|the|its|their|this|that)\s+$", re.I)
_ARTICLE_BEFORE = re.compile(r"\b(an?)\s+$", re.I)


def _direction(text: str, start: int, end: int, sign: int, after_figure: bool) -> Direction:
    word = text[start:end]
    before = text[max(0, start - 8) : start]
    noun = (
        word.lower() in ("growth", "loss")
        or after_figure
        or bool(_NOUN_BEFORE.search(before) or re.match(r"\s+of\b", text[end : end + 4]))
    )
    article = _ARTICLE_BEFORE.search(before)
    span = (start - len(before) + article.start(1), start - len(before) + article.end(1)) if article else None
    return Direction(start, end, word, sign, noun, span)


_UP_WORDS = "grow(?:s|th|ing|n)?|grew|increas(?:e|es|ed|ing)|ris(?:e|es|ing|en)|rose|expan(?:d|ds|ded|ding|sion)"
_DOWN_WORDS = "declin(?:e|es|ed|ing)|decreas(?:e|es|ed|ing)|fall(?:s|ing|en)?|fell|drop(?:s|ped|ping)?|shrink(?:s|ing)?"
_DIRECTION = re.compile(
    rf"\b(?P<up>{_UP_WORDS}|gain(?:s|ed|ing)?|add(?:s|ed|ing)?)\b"
    rf"|\b(?P<down>{_DOWN_WORDS}|contract(?:s|ed|ing)?|los(?:e|es|ing|s)|lost)\b",
    re.I,
)


def direction_of(text: str, left_start: int, figure: Figure, right_end: int) -> Direction | None:
    """The nearest direction word before the figure (within its clause), else just after it; "up"/"down" only
    right before a count ("up 16,700 jobs": elsewhere they are rarely a direction)."""
    window_start = max(left_start, figure.start - 60)
    if figure.kind == "count" and (up_down := UP_DOWN_BEFORE.search(text, window_start, figure.start)):
        start = up_down.start("word")
        return _direction(text, start, up_down.end("word"), 1 if up_down["word"].lower() == "up" else -1, False)
    found = last_match(_DIRECTION, text[window_start : figure.start])
    if found:
        start = window_start + found.start()
        return _direction(text, start, start + len(found[0]), 1 if found["up"] else -1, False)
    found = _DIRECTION.search(text, figure.end, min(right_end, figure.end + 25))
    if found:
        return _direction(text, found.start(), found.end(), 1 if found["up"] else -1, True)
    return None


__all__ = ["Direction", "direction_of"]
