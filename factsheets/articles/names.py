"""Occupation names an article may use, and finding them in its text.

Names come, strongest first, from the careers config (a publisher's own names), the OEWS and EP titles
of every release, the OOH profile titles, the titles of SOC codes BLS retired (mapped through the SOC
crosswalk to every successor), then weaker evidence: the parts of compound titles ("health information
technologists" of "Health information technologists and medical registrars"), the words of an OOH
profile's address (".../medical-records-and-health-information-technicians.htm"), the names a profile
gives ("also called healthcare executives") and the short names it introduces ("Licensed practical nurses
(LPNs)"). Each name is known in the singular and the plural.

When a phrase names several codes at its strongest rank, the codes that are parents of another are dropped
(a broad code sharing its title with its one detailed code), then the codes of the newest releases are
preferred; what is left with more than one code is ambiguous and binds nothing by itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

RANKS = {
    "careers": 0, "title": 1, "common": 1, "ooh_title": 2, "retired": 3, "title_part": 4, "ooh_address": 4, "ooh_alias": 5,
    "lead_word": 6,  # "Paralegals": the weakest, as one word may name other occupations too ("Painters")
}  # fmt: skip
_WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)*")
_ALIAS = re.compile(
    r"(?:^|(?<=\.\s))(?P<subject>[A-Z][^,.;:()]{2,80}?),\s+(?:also called|also known as|sometimes called|"
    r"sometimes referred to as|commonly referred to as|commonly called)\s+(?P<aliases>[^,.;:()]{3,120}?),"
)
# "Licensed practical nurses (LPNs)": a plural acronym, and the words before it, which its letters begin. The
# words are matched backwards from the acronym, on the reversed text: a forward pattern for them would be tried at
# every letter of a profile (a third of a second per audit over the 339 profiles).
_ACRONYM = re.compile(r"\(([A-Z][A-Za-z]{1,7})s\)")
_WORDS_REVERSED = re.compile(r"(?:\s+[A-Za-z'-]*[A-Za-z]){1,8}")


def words_of(text: str) -> list[str]:
    return [w.lower().replace("’", "'") for w in _WORD.findall(text)]


def singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if re.search(r"(ch|sh|ss|x|z)es$", word):
        return word[:-2]
    if word.endswith("men"):
        return word[:-3] + "man"
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def plural(word: str) -> str:
    if re.search(r"[^aeiou]y$", word):
        return word[:-1] + "ies"
    if re.search(r"(s|x|z|ch|sh)$", word):
        return word + "es"
    if word.endswith("man"):
        return word[:-3] + "men"
    return word + "s"


def is_ancestor(code: str, other: str) -> bool:
    """29-9020 (broad) holds 29-9021 (detailed); 29-0000 holds every 29- code."""
    stem = code.replace("-", "").rstrip("0")
    return code != other and other.replace("-", "").startswith(stem)


@dataclass(frozen=True)
class NameEntry:
    soc: str
    rank: int
    via: str
    label: str  # the name as its source writes it


@dataclass(frozen=True)
class NameMatch:
    start: int
    end: int
    text: str
    socs: tuple[str, ...]  # one code: bound; several: ambiguous
    via: str
    label: str


@dataclass
class NameIndex:
    entries: dict[tuple[str, ...], list[NameEntry]] = field(default_factory=dict)
    lengths: dict[str, list[int]] = field(default_factory=dict)
    current: set[str] = field(default_factory=set)  # codes in the newest OEWS or EP release
    _resolved: dict[tuple[str, ...], tuple[tuple[str, ...], str, str]] = field(default_factory=dict)
    _phrases: dict[str, list[NameMatch]] = field(default_factory=dict)

    def add(self, name: str, soc: str, via: str) -> None:
        words = words_of(name)
        if not words:
            return
        rank = RANKS[via]
        for variant in {tuple(words), (*words[:-1], singular(words[-1])), (*words[:-1], plural(words[-1]))}:
            bucket = self.entries.setdefault(variant, [])
            if not any(e.soc == soc and e.rank <= rank for e in bucket):
                bucket.append(NameEntry(soc, rank, via, name))
                lengths = self.lengths.setdefault(variant[0], [])
                if len(variant) not in lengths:
                    lengths.append(len(variant))
                    lengths.sort(reverse=True)
        self._resolved.clear()
        self._phrases.clear()

    def resolve(self, key: tuple[str, ...]) -> tuple[tuple[str, ...], str, str]:
        """(codes, via, label) of a phrase: its strongest rank, parents and retired codes dropped."""
        cached = self._resolved.get(key)
        if cached is not None:
            return cached
        bucket = self.entries[key]
        best = min(e.rank for e in bucket)
        top = [e for e in bucket if e.rank == best]
        codes = sorted({e.soc for e in top})
        codes = [c for c in codes if not any(is_ancestor(c, o) for o in codes)]
        if len(codes) > 1 and self.current:
            newest = [c for c in codes if c in self.current]
            codes = newest or codes
        resolved = (tuple(codes), top[0].via, top[0].label)
        self._resolved[key] = resolved
        return resolved

    def find(self, text: str, start: int, end: int) -> list[NameMatch]:
        """Every name in text[start:end], longest first, not overlapping."""
        segment = text[start:end].lower()
        if "’" in segment:
            segment = segment.replace("’", "'")
        spans = [(m.start(), m.end()) for m in _WORD.finditer(segment)]
        words = [segment[a:b] for a, b in spans]
        found: list[NameMatch] = []
        i = 0
        while i < len(words):
            for length in self.lengths.get(words[i], ()):
                key = tuple(words[i : i + length])
                if len(key) == length and key in self.entries:
                    codes, via, label = self.resolve(key)
                    s, e = start + spans[i][0], start + spans[i + length - 1][1]
                    found.append(NameMatch(s, e, text[s:e], codes, via, label))
                    i += length
                    break
            else:
                i += 1
        return found

    def find_in(self, phrase: str) -> list[NameMatch]:
        """The names in a short standalone text (a heading); remembered, since headings repeat across articles."""
        found = self._phrases.get(phrase)
        if found is None:
            if len(self._phrases) > 10_000:
                self._phrases.clear()
            found = self._phrases[phrase] = self.find(phrase, 0, len(phrase))
        return found


def title_parts(title: str) -> list[str]:
    """The occupations a compound title joins, when each is a name of its own (two words or more, plural)."""
    parts = [p.strip() for p in re.split(r",\s*(?:and\s+)?|\s+and\s+", title) if p.strip()]
    if len(parts) < 2 or any(len(p.split()) < 2 or not p.lower().endswith("s") for p in parts):
        return []
    return [p for p in parts if "all other" not in p.lower()]


_GROUP_WORDS = re.compile(r"\b(?:occupations|related|other)\b", re.I)


def lead_word(title: str) -> str | None:
    """The one-word first occupation of a title of two ("Paralegals and Legal Assistants" -> "Paralegals") or of a list
    of one-word occupations ("Welders, Cutters, Solderers, and Brazers" -> "Welders"), which articles use alone; None
    for a group ("Sales and Related Occupations"), a longer list or a qualified title ("Physicians, Pathologists")."""
    head = except_head(title) or title
    if _GROUP_WORDS.search(head):
        return None
    if ", and " in head:  # "Welders, Cutters, Solderers, and Brazers": a list of one-word occupations
        parts = re.split(r",\s*(?:and\s+)?", head)
        first = parts[0] if all(" " not in part for part in parts) else ""
        return first if first.lower().endswith("s") else None
    first, found, second = head.partition(" and ")
    if not found or "," in head or " and " in second or " " in first:
        return None
    return first if first.lower().endswith("s") else None


def _lead_words(titles: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(soc, word) of the lead words no other title begins with: "Painters" of "Painters and Paperhangers" would also
    be the start of "Painters, Construction and Maintenance", so it names neither."""
    starting: dict[str, set[str]] = {}
    for _, title in titles:
        words = words_of(title)
        if words:
            starting.setdefault(words[0], set()).add(" ".join(words))
    leads = [(soc, lead) for soc, title in titles if (lead := lead_word(title))]
    return [(soc, lead) for soc, lead in leads if len(starting.get(lead.lower(), ())) == 1]


def except_head(title: str) -> str | None:
    """The name before BLS's exclusion ("Preschool Teachers, Except Special Education" -> "Preschool Teachers"),
    which articles use alone; None for a title without one, or an "all other" line."""
    head, found, _ = title.partition(", Except ")
    if not found or "all other" in head.lower() or len(head.split()) < 2:
        return None
    return head


def profile_aliases(text: str, profile_title: str) -> list[str]:
    """The names an OOH profile gives its workers: '<subject>, also called <a> or <b>,' (subject included when
    it is a specialty rather than the profile's own title)."""
    names: list[str] = []
    for match in _ALIAS.finditer(text):
        subject = match["subject"].strip()
        if len(subject.split()) > 6:
            continue
        aliases = [a.strip() for a in re.split(r",\s*|\s+or\s+|\s+and\s+", match["aliases"]) if a.strip()]
        for alias in aliases:
            if len(alias.split()) <= 5 and alias.lower().endswith("s") and not alias.lower().startswith(("the ", "a ")):
                names.append(alias)
        if words_of(subject) != words_of(profile_title):
            names.append(subject)
    return names


def profile_acronyms(text: str) -> list[tuple[str, str]]:
    """(expansion, acronym) of the plural acronyms an OOH profile introduces after the words they stand for:
    "Emergency medical technicians (EMTs)". Two letters only without a vowel: "NPs", never a word like "ATs"."""
    found = []
    taken = 0  # where the last acronym ended: its words are not the next one's
    for match in _ACRONYM.finditer(text):
        before = _WORDS_REVERSED.match(text[taken : match.start()][::-1])
        if before is None:
            continue
        taken = match.end()
        letters = match[1].lower()
        words = before[0][::-1].split()[-len(letters) :]
        if len(words) < len(letters) or "".join(w[0] for w in words).lower() != letters:
            continue
        if len(letters) == 2 and re.search("[aeiouy]", letters):
            continue
        found.append((" ".join(words), match[1] + "s"))
    return found


def _last_words(title: str) -> set[str]:
    """The workers each part of a title names, in the plural: "Accountants and Auditors" -> {"accountant", "auditor"};
    "Network and Computer Systems Administrators" -> {"administrator"}."""
    parts = re.split(r",\s*(?:and\s+)?|\s+and\s+", title)
    return {singular(words[-1]) for part in parts if (words := words_of(part)) and words[-1].endswith("s")}


def _add_acronyms(index: NameIndex, text: str, codes: tuple[str, ...], workers: dict[str, set[str]]) -> None:
    """A profile's acronyms name what their words name ("EMTs": the emergency medical technicians' code); words
    no title has name the profile's codes whose titles end in their last word ("Certified public accountants
    (CPAs)": 13-2011 Accountants and Auditors; not "local area networks (LANs)")."""
    for expansion, acronym in profile_acronyms(text):
        key = tuple(words_of(expansion))
        if key in index.entries and index.resolve(key)[1] in ("title", "ooh_title", "title_part"):
            named = index.resolve(key)[0]
        else:
            last = singular(key[-1])
            named = tuple(soc for soc in codes if last in workers.get(soc, ()))
            for soc in named:
                index.add(expansion, soc, "ooh_alias")
        for soc in named:
            index.add(acronym, soc, "ooh_alias")


def build_index(
    *,
    titles: Iterable[tuple[str, str]],
    current: Iterable[str],
    ooh_profiles: Iterable[tuple[str, str, tuple[str, ...], str]],
    retired: Iterable[tuple[str, str]],
    careers: Iterable[tuple[str, str]],
) -> NameIndex:
    """titles: (soc, title) of OEWS and EP; ooh_profiles: (slug, title, codes, alias text);
    retired: (old title, successor code); careers: (name, soc)."""
    index = NameIndex(current=set(current))
    for name, soc in careers:
        index.add(name, soc, "careers")
    titles = list(titles)
    for soc, title in titles:
        index.add(title, soc, "title")
        for part in title_parts(title):
            index.add(part, soc, "title_part")
        head = except_head(title)
        if head:
            index.add(head, soc, "title_part")
    for soc, lead in _lead_words(titles):
        index.add(lead, soc, "lead_word")
    workers: dict[str, set[str]] = {}
    for soc, title in titles:
        workers.setdefault(soc, set()).update(_last_words(title))
    profiles = list(ooh_profiles)
    for slug, title, codes, text in profiles:
        address = slug.replace("-", " ")
        for soc in codes:
            index.add(title, soc, "ooh_title")
            index.add(address, soc, "ooh_address")
            parts = title_parts(address)
            if parts:  # the last part names workers; the first may be a thing ("medical records")
                index.add(parts[-1], soc, "ooh_address")
            for alias in profile_aliases(text, title):
                index.add(alias, soc, "ooh_alias")
    for old_title, soc in retired:
        index.add(old_title, soc, "retired")
    for _slug, _title, codes, text in profiles:  # after every title: an acronym names what its words name
        _add_acronyms(index, text, codes, workers)
    return index


# "all workers ($45,760)", "all occupations was $45,760", "$45,760 for all occupations", "the $45,760 median for all
# occupations", "the 5 percent average for all occupations" (not "the average for all occupations; about 90 percent
# of them")
_BEFORE_FIGURE = re.compile(r"\s*(?:\(|(?:was|is|were|of|at|earned|made)\s+)?(?:about\s+)?", re.I)
_AFTER_FIGURE = re.compile(
    r"\s*(?:(?:median|mean|average)\s+(?:(?:annual\s+)?(?:wage|pay|salary)\s+)?)?(?:for|across|among)\s+", re.I
)


def beside(text: str, name: NameMatch, start: int, end: int) -> bool:
    """Whether nothing but a word or two joins the name to the figure at text[start:end]."""
    if name.end <= start:
        return bool(_BEFORE_FIGURE.fullmatch(text, name.end, start))
    return bool(_AFTER_FIGURE.fullmatch(text, end, name.start))
