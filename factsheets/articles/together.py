"""What a refresh moves together, or not at all: each rule names the figures whose change would leave the article
saying something no release says, and why; those figures stay as written (refresh.plan_refresh)."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import TYPE_CHECKING

from factsheets.articles.measures import MEASURE_SOURCE

if TYPE_CHECKING:
    from factsheets.articles.bind import Binding, BoundDocument
    from factsheets.articles.refresh import Change

Reasons = dict[int, str]  # figure index -> why it stays


def collapses(changes: list[Change], staying: set[int], bound: BoundDocument) -> Reasons:
    """Figures of one sentence that give the same occupation's same measure for different releases ("$47,180
    in May 2022, up from $46,660 in May 2021") compare the releases: refreshed, both would become the newest
    one's figure."""
    sentence_of = {b.figure.index: b.sentence for b in bound.bindings}
    groups: dict[tuple[tuple[int, int], str, str], list[Change]] = defaultdict(list)
    for change in changes:
        groups[(sentence_of[change.figure], change.soc, change.measure)].append(change)
    reasons: Reasons = {}
    for group in groups.values():
        claimed = sorted({c.from_release for c in group})
        if len(claimed) > 1:
            reason = (
                f"the sentence compares {' with '.join(claimed)}: refreshed, both figures would become "
                f"{group[0].to_release}'s; update it by hand"
            )
            reasons.update(dict.fromkeys((c.figure for c in group), reason))
    return reasons


def shared_words(changes: list[Change], staying: set[int], bound: BoundDocument) -> Reasons:
    """A year or direction word serves every figure that uses it: it changes only when all of them move to the
    same text."""
    by_figure = {c.figure: c for c in changes}
    reasons: Reasons = {}
    for span, users in _token_users(bound).items():
        wanted = set()
        for user in users:  # a figure that stays (or is already the newest) wants its year as it is
            change = by_figure.get(user.figure.index)
            edits = change.edits if change else []
            wanted.add(tuple(sorted((e.start, e.new) for e in edits if span[0] <= e.start < span[1])))
        if len(wanted) > 1:
            text = bound.document.text[span[0] : span[1]]
            for user in users:
                reasons[user.figure.index] = f"'{text}' also dates another figure that would not move the same way"
    seen: dict[tuple[int, int], str] = {}
    for change in changes:
        if change.figure in reasons:
            continue
        clash = [e for e in change.edits if seen.get((e.start, e.end), e.new) != e.new]
        if clash:
            reasons[change.figure] = f"'{clash[0].new}' clashes with another figure's refresh"
            continue
        seen.update({(e.start, e.end): e.new for e in change.edits})
    return reasons


def undated(changes: list[Change], staying: set[int], bound: BoundDocument) -> Reasons:
    """A figure dated by an earlier sentence ("... from 2023 to 2033. ... 15,000 openings a year are projected over
    the period") moves only if the figures dating it do: refreshed alone, it would not fit the period it keeps. And
    when it stays, so do they ("... $44,030 in May 2021. That is less than the $46,310 for all occupations."):
    refreshed, they would move the year that dates it too."""
    owners = _token_users(bound)
    reasons: Reasons = {}
    for binding in bound.bindings:
        token = binding.dated_by
        if token is None:
            continue
        dating = owners[(token.start, token.end)]
        if binding.figure.index in staying:
            for owner in dating:
                reasons[owner.figure.index] = (
                    f"'{token.text}' also dates {binding.figure.text} (line {binding.line}), which stays"
                )
            continue
        stays = [o for o in dating if o.figure.index in staying]
        if stays:
            reasons[binding.figure.index] = (
                f"'{token.text}', which dates it, stays with {stays[0].figure.text} (line {stays[0].line})"
            )
    return reasons


def partial_sentences(changes: list[Change], staying: set[int], bound: BoundDocument) -> Reasons:
    """A sentence's figures of one program move together or not at all ("191,500 jobs in 2023; 208,200 projected
    for 2033": refreshed by half, it would mix two cycles)."""
    groups: dict[tuple[tuple[int, int], str], list[Binding]] = defaultdict(list)
    for binding in bound.bindings:
        if binding.measures and binding.claim is not None:
            groups[(binding.sentence, MEASURE_SOURCE[binding.measures[0]])].append(binding)
    reasons: Reasons = {}
    for group in groups.values():
        stays = next((b for b in group if b.figure.index in staying), None)
        if stays is not None:
            reason = f"its sentence keeps {stays.figure.text} as written: refreshed alone, it would mix releases"
            reasons.update(dict.fromkeys((b.figure.index for b in group), reason))
    return reasons


def gaps(changes: list[Change], staying: set[int], bound: BoundDocument) -> Reasons:
    """A gap between two figures stays ("$120,680 in 2021, which is $74,370 more than the median for all workers"), and
    so do the figures of its kind in its sentence: refreshed alone, they would no longer be that far apart."""
    reasons: Reasons = {}
    for gap in (b for b in bound.bindings if b.gap):
        for binding in bound.bindings:
            if binding.sentence == gap.sentence and binding.figure.kind == gap.figure.kind and not binding.gap:
                reasons[binding.figure.index] = (
                    f"its sentence's gap ('{gap.figure.text} ...') stays as written: refreshed, the figures would no "
                    "longer be that far apart; reword the sentence"
                )
    return reasons


# "$48,470, higher than the $46,310 median for all occupations", "7%, which is faster than the 3%": only the comparative
# between the two figures (not "the lowest 10 percent earned less than $52,780, and the highest ... more than $141,420")
_LEAD = (
    r"\s*(?:(?:per|a|an)\s+(?:year|hour)\s*)?(?:in\s+(?:May\s+)?(?:19|20)\d\d\s*)?"
    r"(?:,?\s*(?:(?:which|that)\s+is\s+|or\s+)|\.\s+(?:that|this|it)\s+is\s+|,\s*)?"
    r"(?:(?:much|well|slightly|far)\s+)?"
)
_COMPARATIVE = r"(?:(?P<above>higher|more|greater|faster|above)|lower|less|smaller|slower|below)"
# "more than double the $48,060": the first is above twice the second
_TIMES = r"(?:\s+(?P<times>double|twice|triple|three\s+times|half))?"
_COMPARED = re.compile(rf"{_LEAD}{_COMPARATIVE}(?:\s+than)?{_TIMES}\s+(?:the\s+)?$", re.I)
_FACTOR = {"double": 2.0, "twice": 2.0, "triple": 3.0, "three": 3.0, "half": 0.5}  # by the first word


_AMOUNT = re.compile(r"([-−–]?)(\d[\d,]*(?:\.\d+)?)")


def _amount(text: str) -> float | None:
    """The signed number of a figure as written ("$50,400", "-5%", "7 percent")."""
    found = _AMOUNT.search(text)
    return float(found[2].replace(",", "")) * (-1 if found[1] else 1) if found else None


def comparisons(changes: list[Change], staying: set[int], bound: BoundDocument) -> Reasons:
    """Two refreshed figures of one kind that their sentence compares ("earn $46,660, higher than the $45,760 median
    for all occupations"; "... $45,410 in May 2022. That is less than the $46,310 ...") stay when BLS's newer figures
    compare the other way: refreshed, the words would be false."""
    by_figure = {c.figure: c for c in changes}
    text = bound.document.text
    reasons: Reasons = {}
    for first, second in zip(bound.bindings, bound.bindings[1:], strict=False):
        a, b = by_figure.get(first.figure.index), by_figure.get(second.figure.index)
        if a is None or b is None or first.figure.kind != second.figure.kind:  # _COMPARED spans one sentence break
            continue
        compared = _COMPARED.match(text, first.figure.end, second.figure.start)
        new_a, new_b = _amount(a.new), _amount(b.new)
        if compared is None or new_a is None or new_b is None:
            continue
        said = 1 if compared["above"] else -1
        times = compared["times"]
        factor = _FACTOR[times.split()[0].lower()] if times else 1.0
        now = (new_a > factor * new_b) - (new_a < factor * new_b)
        if now != said:
            if times:
                how = f"{'more' if said > 0 else 'less'} than {' '.join(times.split()).lower()}"
            else:
                how = "above" if said > 0 else "below"
            reason = (
                f"its sentence says {a.old} is {how} {b.old}, and BLS's newer figures ({a.new}, {b.new}) do not "
                "compare that way: reword the sentence"
            )
            reasons.update(dict.fromkeys((a.figure, b.figure), reason))
    return reasons


# "13,400 jobs, more than any other occupation", "the highest-paid occupation at $239,200": a rank among occupations,
# which the releases of one occupation cannot check (not "the highest 10 percent earned more than $141,420", a percentile)
_RANK = re.compile(
    r"\b(?:\w+\s+)?than\s+(?:any|all)\s+other\b|\b(?:\w+\s+)?than\s+any\b|\bof\s+any(?:\s+other)?\b"
    r"|\bamong\s+all\s+occupations\b"
    r"|\b(?:highest|lowest|best|worst|fastest|slowest)[-\s](?:paid|paying|growing|declining)\b(?!\s+(?:\d|tenth\b|quarter\b|half\b))"
    r"|\bthe\s+(?:most|fewest|largest|smallest|highest|lowest|fastest|slowest|biggest)\s+"
    r"(?:number|share|growth|increase|decline|gains?|loss|wages?|pay|salary|employment|median|rate|jobs|openings)\b",
    re.I,
)


def ranks(changes: list[Change], staying: set[int], bound: BoundDocument) -> Reasons:
    """A figure whose sentence ranks it among occupations ("13,400 jobs, more than any other occupation") stays:
    refreshed, the rank may no longer hold, and no release of one occupation says whether it does."""
    sentence_of = {b.figure.index: b.sentence for b in bound.bindings}
    text = bound.document.text
    reasons: Reasons = {}
    for change in changes:
        start, end = sentence_of[change.figure]
        found = _RANK.search(text, start, end)
        if found:
            reasons[change.figure] = (
                f"its sentence ranks it ('{' '.join(found[0].split())}'): refreshed, the rank may no longer hold; "
                "check it by hand"
            )
    return reasons


RULES = (collapses, shared_words, undated, partial_sentences, comparisons, gaps, ranks)


def _token_users(bound: BoundDocument) -> dict[tuple[int, int], list[Binding]]:
    users: dict[tuple[int, int], list[Binding]] = defaultdict(list)
    for binding in bound.bindings:
        if binding.token is not None:
            users[(binding.token.start, binding.token.end)].append(binding)
    return users
