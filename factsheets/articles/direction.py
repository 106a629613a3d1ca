"""The words that say which way a change goes ("decline by 7%", "7% growth", "up 16,700 jobs"), and the words for
the other way, which a refresh writes when the change's sign flips ("grow" -> "decline", "a" -> "an")."""

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


# ---- the other direction ----------------------------------------------------------------------------

_OPPOSITES = {
    "grow": "decline", "grows": "declines", "grew": "declined", "growing": "declining", "grown": "declined",
    "growth": "decline", "increase": "decrease", "increases": "decreases", "increased": "decreased",
    "increasing": "decreasing", "rise": "fall", "rises": "falls", "rose": "fell", "rising": "falling",
    "risen": "fallen", "expand": "shrink", "expands": "shrinks", "expanding": "shrinking", "gain": "lose",
    "gains": "loses", "gained": "lost", "gaining": "losing", "add": "lose", "adds": "loses", "added": "lost",
    "adding": "losing", "up": "down",
}  # fmt: skip
_REVERSED = {
    **{down: up for up, down in _OPPOSITES.items() if down not in ("lose", "loses", "lost", "losing", "fallen")},
    "decline": "grow", "declines": "grows", "declined": "grew", "declining": "growing", "fallen": "risen",
    "drop": "rise", "drops": "rises", "dropped": "rose", "dropping": "rising", "lose": "gain", "loses": "gains",
    "lost": "gained", "losing": "gaining", "contract": "expand", "contracts": "expands", "contracted": "expanded",
    "contracting": "expanding", "shrink": "grow", "shrinks": "grows", "down": "up",
}  # fmt: skip


def _case_like(model: str, word: str) -> str:
    if model.isupper():
        return word.upper()
    if model[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


_NOUNS = {
    "decline": "increase", "decrease": "increase", "fall": "rise", "drop": "rise", "loss": "gain",
    "growth": "decline", "increase": "decrease", "rise": "fall", "gain": "loss", "expansion": "decline",
}  # fmt: skip


def opposite(word: str, *, noun: bool = False) -> str | None:
    """The word for the other direction, in the same case ('Grow' -> 'Decline'; the noun 'decline' -> 'increase')."""
    lower = word.lower()
    swapped = (_NOUNS.get(lower) if noun else None) or _OPPOSITES.get(lower) or _REVERSED.get(lower)
    return _case_like(word, swapped) if swapped else None


def indefinite_article(model: str, following: str) -> str:
    """'a' or 'an' for the word or number that follows ('an increase', 'an 8% rise', 'an 11% decline')."""
    digits = following.lstrip("+-−").replace(",", "").split(".")[0]
    if digits.isdigit():
        vowel = digits.startswith("8") or (len(digits) % 3 == 2 and digits[:2] in ("11", "18"))
    else:
        vowel = following[:1].lower() in "aeio"
    return _case_like(model, "an" if vowel else "a")


__all__ = ["Direction", "direction_of", "indefinite_article", "opposite"]
