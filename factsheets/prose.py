"""The project's own sentences around the data, and BLS text split into blocks a template can lay out.

Every sentence here is composed from warehouse values (figures, categories, titles); none is copied
from the reference sheet. BLS's own text (OOH sections) is passed through as blocks, never as HTML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from factsheets.figures import Figure, count, dollars, growth_clause

_SENTENCE_END = re.compile(r"[.!?:;)\"'”’]$")
# Inline links in BLS's pages leave a space before the punctuation after them ("dispatchers , answer").
_SPACE_BEFORE = re.compile(r"\s+([,;:!?)](?=\s|$)|\.(?=\s|$))")
_SPACE_AFTER_PAREN = re.compile(r"\(\s+")
_JOB_COUNT = re.compile(r"\b(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)( million)? jobs\b")
_QUALITY = re.compile(r"^([A-Z][A-Za-z'’\- ,/]{1,48}?)\.\s+\S")
_KEEP_CASE = re.compile(r"[A-Z].*[A-Z]|\d")  # EMTs, HVAC, 3D: words whose case carries meaning
PROPER_WORDS = {
    "English",
    "Spanish",
    "French",
    "German",
    "American",
    "Federal",
    "Postsecondary,",
    "Internet",
    "Web",
    "Protestant",
    "Catholic",
    "Jewish",
    "Christian",
    "Muslim",
    "Earth",
    "Government",
}


@dataclass(frozen=True)
class Block:
    """A paragraph (p), a bulleted list (ul) or a sub-heading (h) of a sheet's section."""

    kind: str
    text: str = ""
    items: tuple[str, ...] = ()
    lead: str = ""  # a paragraph's run-in heading, e.g. "Analytical skills." of an Important Qualities item

    def as_json(self) -> dict:
        if self.kind == "ul":
            return {"type": "list", "items": list(self.items)}
        out = {"type": "heading" if self.kind == "h" else "paragraph", "text": self.plain()}
        if self.lead:
            out["lead"] = self.lead
        return out

    def plain(self) -> str:
        if self.kind == "ul":
            return "\n".join(f"- {i}" for i in self.items)
        return f"{self.lead} {self.text}" if self.lead else self.text


def paragraphs(*texts: str | None) -> list[Block]:
    return [Block("p", tidy(t)) for t in texts if t and t.strip()]


def tidy(text: str) -> str:
    """BLS text with the spaces its inline links leave before punctuation removed."""
    return _SPACE_AFTER_PAREN.sub("(", _SPACE_BEFORE.sub(r"\1", text.strip()))


def without_other_counts(sentences: list[str], shown: float | None) -> list[str]:
    """The sentences minus those counting jobs other than `shown` (the count the sheet's chart shows):
    a profile's text may count a sub-occupation or the whole profile ("held about 271,200 jobs")."""
    return [s for s in sentences if all(_same_count(m, shown) for m in _JOB_COUNT.finditer(s))]


def _same_count(match: re.Match[str], shown: float | None) -> bool:
    if shown is None:
        return False
    number, million = match[1].replace(",", ""), match[2]
    if million:  # "1.7 million jobs": the chart's count at the text's precision
        decimals = len(number.partition(".")[2])
        return round(shown / 1_000_000, decimals) == float(number)
    return round(shown) == int(float(number))


def blocks_from_text(text: str | None) -> list[Block]:
    return list(_blocks(text or ""))


@lru_cache(maxsize=4096)  # a profile's sections serve every sheet of the codes it covers
def _blocks(text: str) -> tuple[Block, ...]:
    """OOH clean text (paragraphs split by blank lines, list items as "- ", table rows with " | ")
    or an editor's override, as blocks. Short lines without closing punctuation are sub-headings."""
    blocks: list[Block] = []
    for chunk in re.split(r"\n\s*\n", text.strip()):
        lines = [tidy(line) for line in chunk.splitlines() if line.strip()]
        if not lines:
            continue
        if all(line.startswith("- ") for line in lines):
            blocks.append(Block("ul", items=tuple(line[2:].strip() for line in lines)))
        elif any(" | " in line for line in lines):
            items = tuple(": ".join(cell.strip() for cell in line.split(" | ")) for line in lines)
            blocks.append(Block("ul", items=items))
        elif (
            len(lines) == 1
            and len(lines[0].split()) <= 7
            and not _SENTENCE_END.search(lines[0])
            and lines[0][:1].isupper()
        ):
            blocks.append(Block("h", lines[0]))
        else:
            blocks.append(Block("p", " ".join(lines)))
    return tuple(blocks)


def first_paragraphs(text: str | None, n: int = 1) -> list[str]:
    return [b.text for b in blocks_from_text(text) if b.kind == "p"][:n]


@lru_cache(maxsize=1024)
def qualities(text: str | None) -> tuple[str, ...]:
    """The named qualities of an OOH Important Qualities section ("Analytical skills. ...")."""
    found = []
    for block in blocks_from_text(text):
        if block.kind != "p":
            continue
        match = _QUALITY.match(block.text)
        if match and len(match[1].split()) <= 6:
            found.append(match[1].strip())
    return tuple(found)


@lru_cache(maxsize=1024)
def qualities_blocks(text: str | None) -> tuple[Block, ...]:
    """The section without its boilerplate opening ("The following are examples of qualities ...")."""
    blocks = blocks_from_text(text)
    if (
        blocks
        and blocks[0].kind == "p"
        and not _QUALITY.match(blocks[0].text)
        and "qualities" in blocks[0].text.lower()
    ):
        blocks = blocks[1:]
    out = []
    for block in blocks:
        match = _QUALITY.match(block.text) if block.kind == "p" else None
        if match and len(match[1].split()) <= 6:
            lead = match[1].strip() + "."
            out.append(Block("p", block.text[len(match[1]) + 1 :].strip(), lead=lead))
        else:
            out.append(block)
    return tuple(out)


def join_list(items: list[str] | tuple[str, ...]) -> str:
    """A comma-separated row: first item as written, the others starting lower-case unless an acronym."""
    out = []
    for i, item in enumerate(items):
        first = item.split(" ", 1)[0]
        if i and not _KEEP_CASE.search(first) and first not in PROPER_WORDS:
            item = item[:1].lower() + item[1:]
        out.append(item)
    return ", ".join(out)


@lru_cache(maxsize=4096)  # the same few thousand titles, several times on every sheet
def in_sentence(title: str) -> str:
    """An occupation title inside a sentence: Medical Records Specialists -> medical records specialists."""
    words = []
    for word in title.split(" "):
        core = word.strip("(),")
        if _KEEP_CASE.search(core) or core in PROPER_WORDS or core.rstrip(",") in PROPER_WORDS:
            words.append(word)
        else:
            words.append(word.lower())
    return " ".join(words)


def lower_first(text: str) -> str:
    first = text.split(" ", 1)[0]
    return text if _KEEP_CASE.search(first) else text[:1].lower() + text[1:]


def sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:]


def years_of(period: str | None) -> tuple[str, str] | None:
    if not period or "-" not in period:
        return None
    start, end = period.split("-", 1)
    return start, end


# ---- composed from EP and OEWS (no OOH profile for the sheet) ----------------------------------


def composed_definition(
    title: str, code: str, group: str | None, employment: float | None, employment_year: int | None
) -> str:
    """`employment`: the base-year count the sheet's employment chart shows (None: no count is given)."""
    subject = in_sentence(title)
    first = f"{sentence_case(subject)} are classified by BLS as occupation {code} of the Standard Occupational Classification"
    parts = [first + (f", within {in_sentence(group)}." if group else ".")]
    if employment is not None and employment_year is not None:
        parts.append(
            f"Employment Projections count about {count(employment)} jobs in this occupation in {employment_year}."
        )
    parts.append(
        "The Occupational Outlook Handbook text for it is not in the loaded releases, so this sheet describes it from BLS's figures alone."
    )
    return " ".join(parts)


def composed_education(education: str | None, experience: str | None, training: str | None) -> list[str]:
    sentences = []
    if education:
        if education.lower() == "no formal educational credential":
            sentences.append("BLS lists no formal educational credential as typical for entering this occupation.")
        else:
            sentences.append(
                f"BLS lists {lower_first(education)} as the typical level of education for entering this occupation."
            )
    if experience:
        if experience == "None":
            sentences.append("Entrants are not usually expected to have worked in a related occupation first.")
        else:
            sentences.append(
                f"Employers typically look for {lower_first(experience)} of experience in a related occupation."
            )
    if training:
        if training == "None":
            sentences.append(
                "Once hired, workers do not typically need further on-the-job training to become competent."
            )
        else:
            sentences.append(f"Once hired, workers typically become competent through {lower_first(training)}.")
    if not sentences:
        return ["BLS has not published the education or training typical for this occupation in the loaded releases."]
    return [" ".join(sentences)]


def composed_skills_row(experience: str | None, training: str | None) -> str | None:
    parts = []
    if training and training != "None":
        parts.append(f"Learned through {lower_first(training)}")
    if experience and experience != "None":
        parts.append(f"{lower_first(experience)} of related work experience")
    return sentence_case("; ".join(parts)) if parts else None


def composed_skills(title: str, experience: str | None, training: str | None) -> list[str]:
    subject = in_sentence(title)
    text = (
        f"The loaded releases do not describe the qualities {subject} need. "
        f"What BLS does publish is how the skills are usually gained:"
    )
    detail = []
    if training:
        detail.append("no further on-the-job training" if training == "None" else lower_first(training))
    if experience:
        detail.append(
            "no prior work in a related occupation"
            if experience == "None"
            else f"{lower_first(experience)} of related work experience"
        )
    if not detail:
        return [f"The loaded releases do not describe the skills {subject} need."]
    return [f"{text} {' and '.join(detail)}."]


# ---- the outlook section and the alternatives' figures ------------------------------------------


def _from_to(period: str | None) -> str:
    if not period:
        return "over the projection period"
    years = years_of(period)
    return f"from {years[0]} to {years[1]}" if years else f"over {period}"


def growth_sentence(subject: str, outlook: Figure, phrase: str | None, average: int | None) -> str:
    if outlook.status == "not_loaded" and outlook.period:
        return (
            f"The loaded Employment Projections file for {outlook.period} holds only part of BLS's table and has "
            f"no line for {subject}, so this sheet shows no outlook figure."
        )
    if outlook.status == "not_loaded":
        return f"No Employment Projections release is loaded, so there is no outlook figure for {subject}."
    if not outlook.available:
        return f"BLS did not publish a projection for {subject} for {outlook.period}."
    whole = outlook.extra["rounded"]
    span = _from_to(outlook.period)
    if whole < 0:
        sentence = f"BLS projects employment of {subject} to decline {abs(whole)} percent {span}."
    elif whole == 0:
        sentence = f"BLS projects little or no change in employment of {subject} {span} (0 percent)."
    else:
        clause = growth_clause(phrase) if phrase else None
        sentence = f"BLS projects employment of {subject} to grow {whole} percent {span}"
        sentence += f", {clause}." if clause else "."
    if average is not None:
        sentence += f" Across all occupations, the projected growth is {average} percent."
    return sentence


def openings_sentence(openings: float | None) -> str | None:
    if openings is None:
        return None
    return (
        f"On average, about {count(openings)} openings a year are projected over the period, "
        "counting new jobs and the need to replace workers who leave the occupation."
    )


def _ooh_pay_note(wage: Figure) -> str:
    """Where the pay is the OOH's (no OEWS code for the occupation): say so, and the year."""
    return " (as the Occupational Outlook Handbook reports it; the OEWS release has no single code for it)"


def wage_sentence(subject: str, wage: Figure) -> str:
    when = wage.period or "the loaded release"
    if wage.status == "not_loaded":
        return f"No wage release is loaded, so there is no median wage for {subject}."
    if wage.status == "not_published":
        return f"BLS did not publish a median wage for {subject} for {when}."
    note = _ooh_pay_note(wage) if wage.extra.get("source") == "ooh" else ""
    if wage.status == "hourly_only":
        more = " or more" if wage.extra.get("lower_bound") else ""
        return (
            f"BLS publishes only hourly wages for {subject}: the median was "
            f"{dollars(wage.number, cents=True)} per hour{more} in {when}{note}."
        )
    if wage.status == "top_coded":
        return (
            f"The median annual wage of {subject} was {dollars(wage.number)} or more in {when}{note}; "
            "BLS does not publish exact wages above that amount."
        )
    return (
        f"The median annual wage of {subject} was {dollars(wage.number)} in {when}{note}: half earned more, half less."
    )


def alternative_outlook_sentence(outlook: Figure) -> str:
    if outlook.status == "not_loaded" and outlook.provenance and outlook.provenance.program == "ooh":
        return "Its Occupational Outlook Handbook profile is not in the loaded releases, so no projection is shown."
    if outlook.status == "not_loaded" and outlook.period:
        return f"The loaded Employment Projections file for {outlook.period} holds only part of BLS's table and has no line for it."
    if outlook.status == "not_loaded":
        return "No Employment Projections release is loaded, so no projection is shown."
    if not outlook.available:
        return f"BLS did not publish a projection for it for {outlook.period}."
    whole = outlook.extra["rounded"]
    span = _from_to(outlook.period)
    if whole < 0:
        return f"Employment is projected to decline {abs(whole)} percent {span}."
    if whole == 0:
        return f"Little or no change in employment is projected {span}."
    return f"Employment is projected to grow {whole} percent {span}."


def alternative_wage_sentence(subject: str, wage: Figure, *, lead: str | None = None) -> str:
    """The alternative's median wage; `lead` ("BLS counts this career with X (SOC n)") opens the sentence."""
    when = wage.period or "the loaded release"
    note = _ooh_pay_note(wage) if wage.extra.get("source") == "ooh" else ""
    if wage.status == "not_loaded":
        tail = f"no median wage for {subject} is in the loaded releases."
    elif wage.status == "not_published":
        tail = f"BLS did not publish a median wage for {subject} for {when}."
    elif wage.status == "hourly_only":
        more = " or more" if wage.extra.get("lower_bound") else ""
        tail = f"{subject} earned a median of {dollars(wage.number, cents=True)} per hour{more} in {when}{note} (BLS publishes no annual figure)."
    else:
        more = " or more" if wage.status == "top_coded" else ""
        tail = f"the median annual wage of {subject} was {dollars(wage.number)}{more} in {when}{note}."
    if lead:
        return f"{lead}; {tail}"
    return sentence_case(tail)


def composed_alternative(title: str, code: str, group: str | None, education: str | None) -> str:
    text = f"{title} (SOC {code})"
    text += f" are in the same occupational group: {in_sentence(group)}." if group else " are a related occupation."
    if education:
        text += f" The typical entry-level education is {lower_first(education)}."
    return text
