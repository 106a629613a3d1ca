"""Occupational Outlook Handbook profiles: quick facts, SOC codes, text sections, similar occupations.

One profile page (``/ooh/<group>/<slug>.htm``) becomes rows of five tidy tables, each carrying the
OOH edition (the quick facts' projection period, e.g. ``2024-34``) as its release column:

* ``ooh_profiles``      one row per profile: title, group, slug, URLs, the page's last-modified date;
* ``ooh_quick_facts``   the Quick Facts table (``table#quickfacts``);
* ``ooh_profile_soc``   the SOC codes a profile covers: the rows of its projections table
                        (``table#outlook-table``) and, optionally, the EP workbook's OOH links;
* ``ooh_sections``      the text sections, as clean text and as allow-listed safe HTML;
* ``ooh_similar``       the Similar Occupations table.

Pages whose layout drifted (no quick-facts table, a renamed label, an unreadable figure) are
quarantined with a reason naming the page and what was expected; the other pages still load.
"""

from __future__ import annotations

import html as html_lib
import io
import logging
import re
import zipfile
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import pandas as pd
import pandera.pandas as pa
from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import PreformattedString
from lxml import etree
from pandera.errors import SchemaError, SchemaErrors

from transforms._xlsx import as_bytes, open_workbook, sheet_rows
from transforms.errors import LayoutError
from transforms.soc import normalize_soc, soc_level

__all__ = [
    "BLS_SITE",
    "EDITION_PATTERN",
    "HTML_PARSER",
    "PROFILES_WITHOUT_QUICK_FACTS",
    "SECTIONS",
    "TABLE_COLUMNS",
    "OohProfile",
    "OohRelease",
    "QuickFacts",
    "Section",
    "SimilarOccupation",
    "SocRow",
    "edition_of",
    "make_soup",
    "parse_profile",
    "parse_soup",
    "read_ep_ooh_links",
    "read_profiles",
    "sanitize_fragment",
]

log = logging.getLogger("transforms.ooh")

BLS_SITE = "https://www.bls.gov"
# Measured by bench/bench_ooh_parse.py over the 292 mirror pages: lxml builds the tree faster.
HTML_PARSER = "lxml"

# "2024–34", "2024-34", "2024 - 2034": the projection period that names an OOH edition.
EDITION_PATTERN = re.compile(r"(?P<base>(?:19|20)\d{2})\s*[-\u2010-\u2015\u2212]\s*(?P<target>\d{4}|\d{2})(?!\d)")

# Profiles that BLS publishes without Quick Facts (there are no civilian projections or OEWS
# wages for the armed forces). Any other page without the table is layout drift.
PROFILES_WITHOUT_QUICK_FACTS: frozenset[str] = frozenset({"military-careers"})

# Section key -> id of the <h2> that opens it on the page (tabs may be renumbered; ids stay).
_SECTION_H2: dict[str, str] = {
    "what_they_do": "what-they-do",
    "work_environment": "work-environment",
    "how_to_become_one": "become-one",
    "pay": "pay",
    "job_outlook": "job-outlook",
}
SECTIONS: tuple[str, ...] = (
    "summary",
    "what_they_do",
    "work_environment",
    "how_to_become_one",
    "important_qualities",
    "pay",
    "job_outlook",
)
PAY_STATUSES: tuple[str, ...] = ("published", "annual_only", "hourly_only", "top_coded", "not_available")
SIMILAR_PAY_STATUSES: tuple[str, ...] = ("published", "top_coded", "not_available")
VIA: tuple[str, ...] = ("outlook_table", "ep_workbook")

_PROFILE_PATH = re.compile(r"^/ooh/(?P<group>[a-z0-9][a-z0-9-]*)/(?P<slug>[a-z0-9][a-z0-9-]*)\.htm$")
_WS = re.compile(r"\s+")
_DASHES = str.maketrans({c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"})
_AMOUNT = r"\$\s*(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?"
_PER_YEAR = re.compile(_AMOUNT + r"\s*(?:per|a|/)\s*year", re.I)
_PER_HOUR = re.compile(_AMOUNT + r"\s*(?:per|an|/)\s*hour", re.I)
_TOP_CODED = re.compile(r"equal to or greater than", re.I)
_COUNT = re.compile(r"^([-+]?)\s*(\d{1,3}(?:,\d{3})+|\d+)$")
_OUTLOOK = re.compile(r"^([-+]?\d+(?:\.\d+)?)\s*%\s*\((.+)\)$")
_PERCENT_CELL = re.compile(r"^([-+]?\d+(?:\.\d+)?)\s*%?$")


# ---- parsed records --------------------------------------------------------------------------


@dataclass(frozen=True)
class QuickFacts:
    pay_year: int
    median_pay_annual: float | None
    median_pay_hourly: float | None
    pay_status: str  # one of PAY_STATUSES
    education: str
    work_experience: str
    training: str
    jobs_year: int
    jobs: int
    outlook_period: str  # normalised, e.g. "2024-34"
    base_year: int
    target_year: int
    outlook_percent: float
    outlook_phrase: str  # BLS's own words, e.g. "Much faster than average"
    employment_change: int


@dataclass(frozen=True)
class SocRow:
    soc_code: str
    title: str
    table_row: int  # 1-based position in the projections table
    depth: int  # indentation in the table: 0 the profile's own row, 1, 2 below it
    is_primary: bool  # the row the quick facts describe (first row, when it has a code)
    employment_base: int | None
    employment_target: int | None
    change_percent: float | None
    change_numeric: int | None


@dataclass(frozen=True)
class Section:
    section: str  # one of SECTIONS
    heading: str
    text: str
    html: str


@dataclass(frozen=True)
class SimilarOccupation:
    title: str
    url: str | None
    slug: str | None
    job_duties: str
    education: str
    pay_year: int | None
    median_pay_annual: float | None
    pay_status: str  # one of SIMILAR_PAY_STATUSES


@dataclass(frozen=True)
class OohProfile:
    url: str  # canonical https://www.bls.gov/ooh/<group>/<slug>.htm
    source_url: str  # the URL the page was read from (a mirror, an archive key...)
    group: str
    slug: str
    title: str
    group_title: str | None
    last_modified: date | None
    description: str | None
    quick_facts: QuickFacts | None
    soc_rows: tuple[SocRow, ...]
    sections: tuple[Section, ...]
    similar: tuple[SimilarOccupation, ...]

    @property
    def edition(self) -> str | None:
        return None if self.quick_facts is None else self.quick_facts.outlook_period


@dataclass(frozen=True)
class OohRelease:
    edition: str  # "2024-34"
    base_year: int
    target_year: int
    frames: dict[str, pd.DataFrame]
    quarantined: list[tuple[str, str]] = field(default_factory=list)  # (url, reason)

    @property
    def period(self) -> str:
        return f"{self.base_year}-{self.target_year}"

    @property
    def profiles_loaded(self) -> int:
        return len(self.frames["ooh_profiles"])


# ---- small text helpers ----------------------------------------------------------------------


def _norm(text: str | None) -> str:
    """Whitespace (tabs, newlines, no-break spaces) collapsed to single spaces, stripped."""
    return _WS.sub(" ", text or "").strip()


def _label(text: str) -> str:
    """A label as compared: single spaces, lower case, every dash a hyphen, no trailing colon."""
    return _norm(text).translate(_DASHES).lower().rstrip(":").strip()


def _text_of(node: Tag | None) -> str:
    return "" if node is None else _norm(node.get_text(" "))


def edition_of(text: str) -> tuple[str, int, int] | None:
    """("2024-34", 2024, 2034) from a period such as "2024–34" or "2024-2034"; None if absent."""
    match = EDITION_PATTERN.search(text)
    if match is None:
        return None
    base = int(match["base"])
    target_text = match["target"]
    if len(target_text) == 4:
        target = int(target_text)
    else:
        target = base - base % 100 + int(target_text)
        if target <= base:
            target += 100
    if not base < target <= base + 30:
        return None
    return f"{base}-{target % 100:02d}", base, target


def _money(whole: str, cents: str | None) -> float:
    return float(whole.replace(",", "") + (cents or ""))


def _count(text: str) -> int | None:
    match = _COUNT.match(text.translate(_DASHES).replace(" ", ""))
    if match is None:
        return None
    value = int(match[2].replace(",", ""))
    return -value if match[1] == "-" else value


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def profile_path_parts(url: str) -> tuple[str, str] | None:
    """(group, slug) when `url` ends in /ooh/<group>/<slug>.htm (any host, any prefix)."""
    path = unquote(urlsplit(url).path)
    marker = path.rfind("/ooh/")
    if marker < 0:
        return None
    match = _PROFILE_PATH.match(path[marker:])
    return None if match is None else (match["group"], match["slug"])


# ---- one page --------------------------------------------------------------------------------


def make_soup(html: bytes | str, parser: str = HTML_PARSER) -> BeautifulSoup:
    """The page's tree; bytes are decoded as UTF-8 (BLS's charset) so no detection runs."""
    text = _decode(bytes(html)) if isinstance(html, (bytes, bytearray, memoryview)) else html
    return BeautifulSoup(text, parser)


def parse_profile(html: bytes | str, *, url: str, parser: str = HTML_PARSER) -> OohProfile:
    """Parse one OOH profile page; LayoutError (file=url) when its layout is not the expected one."""
    return parse_soup(make_soup(html, parser), url=url)


class _Page:
    """One walk over the tree: elements by id, the meta tags, the first h1, the last-modified line.

    BeautifulSoup's find() walks the whole tree on every call; a profile needs a dozen lookups.
    """

    def __init__(self, soup: BeautifulSoup) -> None:
        self.soup = soup
        self.ids: dict[str, Tag] = {}
        self.metas: list[Tag] = []
        self.h1: Tag | None = None
        self.update: Tag | None = None
        for element in soup.descendants:
            if not isinstance(element, Tag):
                continue
            ident = element.get("id")
            if isinstance(ident, str) and ident not in self.ids:
                self.ids[ident] = element
            name = element.name
            if name == "meta":
                self.metas.append(element)
            elif name == "h1" and self.h1 is None:
                self.h1 = element
            elif name == "p" and self.update is None and "update" in (element.get("class") or []):
                self.update = element

    def by_id(self, ident: str, name: str | None = None) -> Tag | None:
        element = self.ids.get(ident)
        return element if element is not None and (name is None or element.name == name) else None

    def meta(self, **attrs: str) -> str:
        for tag in self.metas:
            if all(tag.get(key) == value for key, value in attrs.items()):
                return _norm(str(tag.get("content") or tag.get("href") or ""))
        return ""


def parse_soup(soup: BeautifulSoup, *, url: str) -> OohProfile:
    """parse_profile on a tree already built (the bench times the two steps apart)."""
    page = _Page(soup)
    parts = profile_path_parts(url)
    if parts is None:
        raise LayoutError(file=url, expected="a profile URL ending in /ooh/<group>/<slug>.htm", found=url)
    group, slug = parts
    canonical = f"{BLS_SITE}/ooh/{group}/{slug}.htm"

    title = _text_of(page.h1) or page.meta(property="og:title")
    if not title:
        raise LayoutError(file=url, expected="an OOH profile page with an <h1> title", found=_text_of(soup.title)[:120])

    table = page.by_id("quickfacts", "table")
    if table is None:
        if slug not in PROFILES_WITHOUT_QUICK_FACTS:
            raise LayoutError(
                file=url,
                expected="a Quick Facts table (table#quickfacts)",
                found="no such table on the page",
            )
        quick_facts = None
        soc_rows: tuple[SocRow, ...] = ()
    else:
        quick_facts = _quick_facts(table, url=url)
        soc_rows = _soc_rows(page, url=url)

    return OohProfile(
        url=canonical,
        source_url=url,
        group=group,
        slug=slug,
        title=title,
        group_title=_group_title(page, group),
        last_modified=_last_modified(page),
        description=page.meta(name="description") or None,
        quick_facts=quick_facts,
        soc_rows=soc_rows,
        sections=_sections(page, url=url, base_url=canonical),
        similar=_similar(page, url=url, base_url=canonical),
    )


def _group_title(page: _Page, group: str) -> str | None:
    crumbs = page.by_id("ooh-breadcrumbs")
    if crumbs is not None:
        for link in crumbs.find_all("a", href=True):
            if urlsplit(str(link["href"])).path.rstrip("/").endswith(f"/ooh/{group}/home.htm"):
                return _text_of(link) or None
    return None


def _last_modified(page: _Page) -> date | None:
    stated = page.meta(name="date")
    if stated:
        try:
            return date.fromisoformat(stated[:10])
        except ValueError:
            pass
    update = page.update
    if update is not None:
        text = _text_of(update).split(":", 1)[-1].strip()
        for fmt in ("%A, %B %d, %Y", "%B %d, %Y"):
            try:
                return datetime.strptime(text, fmt).date()
            except ValueError:
                continue
    return None


# ---- quick facts -----------------------------------------------------------------------------

_QF_FIELDS: tuple[tuple[str, re.Pattern[str], str], ...] = (
    ("pay", re.compile(r"^(?P<year>\d{4}) median pay$"), "'<year> Median Pay'"),
    ("education", re.compile(r"^typical entry[- ]level education$"), "'Typical Entry-Level Education'"),
    (
        "work_experience",
        re.compile(r"^work experience in a related occupation$"),
        "'Work Experience in a Related Occupation'",
    ),
    ("training", re.compile(r"^on[- ]the[- ]job training$"), "'On-the-job Training'"),
    ("jobs", re.compile(r"^number of jobs, (?P<year>\d{4})$"), "'Number of Jobs, <year>'"),
    ("outlook", re.compile(r"^job outlook, (?P<period>\d{4} ?- ?\d{2,4})$"), "'Job Outlook, <period>'"),
    ("change", re.compile(r"^employment change, (?P<period>\d{4} ?- ?\d{2,4})$"), "'Employment Change, <period>'"),
)


def _quick_facts(table: Tag, *, url: str) -> QuickFacts:
    found: dict[str, tuple[re.Match[str], str, str]] = {}
    labels_seen: list[str] = []
    for row in table.find_all("tr"):
        header, cell = row.find("th"), row.find("td")
        if header is None or cell is None:
            continue
        raw_label = _text_of(header)
        labels_seen.append(raw_label)
        label = _label(raw_label)
        for key, pattern, _ in _QF_FIELDS:
            match = pattern.match(label)
            if match and key not in found:
                found[key] = (match, raw_label, _text_of(cell))
                break
    missing = [shown for key, _, shown in _QF_FIELDS if key not in found]
    if missing:
        raise LayoutError(
            file=url,
            expected=f"quick-facts rows labelled {', '.join(missing)}",
            found="labels " + "; ".join(repr(label) for label in labels_seen),
        )

    def value(key: str) -> tuple[re.Match[str], str, str]:
        return found[key]

    pay_match, pay_label, pay_text = value("pay")
    annual, hourly, status = _pay(pay_text, url=url, label=pay_label)

    jobs_match, jobs_label, jobs_text = value("jobs")
    jobs = _count(jobs_text)
    if jobs is None or jobs < 0:
        raise LayoutError(file=url, column=jobs_label, expected="a number of jobs such as 194,800", found=jobs_text)

    outlook_match, outlook_label, outlook_text = value("outlook")
    period = edition_of(outlook_match["period"])
    if period is None:
        raise LayoutError(
            file=url, column=outlook_label, expected="a projection period such as 2024-34", found=outlook_label
        )
    outlook = _OUTLOOK.match(outlook_text.translate(_DASHES))
    if outlook is None:
        raise LayoutError(
            file=url,
            column=outlook_label,
            expected="a percent and BLS's phrase, such as 7% (Much faster than average)",
            found=outlook_text,
        )

    change_match, change_label, change_text = value("change")
    change_period = edition_of(change_match["period"])
    if change_period is None or change_period[0] != period[0]:
        raise LayoutError(
            file=url,
            column=change_label,
            expected=f"the same period as the job outlook ({period[0]})",
            found=change_label,
        )
    change = _count(change_text)
    if change is None:
        raise LayoutError(
            file=url, column=change_label, expected="an employment change such as 13,800 or -2,200", found=change_text
        )

    texts = {key: value(key)[2] for key in ("education", "work_experience", "training")}
    for key, text in texts.items():
        if not text:
            raise LayoutError(
                file=url,
                column=value(key)[1],
                expected="a category (e.g. None, Bachelor's degree)",
                found="an empty cell",
            )

    return QuickFacts(
        pay_year=int(pay_match["year"]),
        median_pay_annual=annual,
        median_pay_hourly=hourly,
        pay_status=status,
        education=texts["education"],
        work_experience=texts["work_experience"],
        training=texts["training"],
        jobs_year=int(jobs_match["year"]),
        jobs=jobs,
        outlook_period=period[0],
        base_year=period[1],
        target_year=period[2],
        outlook_percent=float(outlook[1]),
        outlook_phrase=_norm(outlook[2]),
        employment_change=change,
    )


def _pay(text: str, *, url: str, label: str) -> tuple[float | None, float | None, str]:
    """(annual, hourly, status) from '$50,250 per year $24.16 per hour' and its variants."""
    if not text:
        return None, None, "not_available"
    year = _PER_YEAR.search(text)
    hour = _PER_HOUR.search(text)
    rest = _PER_HOUR.sub(" ", _PER_YEAR.sub(" ", text))
    top_coded = _TOP_CODED.search(text) is not None
    leftover = _norm(re.sub(r"this wage is equal to or greater than|\bor\b|[.,]", " ", rest, flags=re.I))
    if (year is None and hour is None) or leftover:
        raise LayoutError(
            file=url,
            column=label,
            expected="median pay such as '$50,250 per year $24.16 per hour', one of the two, "
            "or 'This wage is equal to or greater than ...'",
            found=text,
        )
    annual = None if year is None else _money(year[1], year[2])
    hourly = None if hour is None else _money(hour[1], hour[2])
    if top_coded:
        status = "top_coded"
    elif annual is not None and hourly is not None:
        status = "published"
    else:
        status = "annual_only" if hourly is None else "hourly_only"
    return annual, hourly, status


# ---- SOC codes (projections table) -----------------------------------------------------------


def _soc_rows(page: _Page, *, url: str) -> tuple[SocRow, ...]:
    table = page.by_id("outlook-table", "table")
    if table is None:
        raise LayoutError(
            file=url,
            expected="the employment projections table (table#outlook-table) listing the SOC codes",
            found="no such table on the page",
        )
    columns = _outlook_columns(table, url=url)
    rows: list[SocRow] = []
    body = table.find("tbody") or table
    for position, tr in enumerate(body.find_all("tr", recursive=False), start=1):
        cells = tr.find_all(["th", "td"], recursive=False)
        if not cells:
            continue

        def cell(key: str) -> str:
            index = columns.get(key)
            return _text_of(cells[index]) if index is not None and index < len(cells) else ""

        code_text = cell("soc")
        title = cell("title")
        if code_text in {"", "—", "–", "-"}:
            continue  # an aggregate row that BLS gives no single code (e.g. physicians and surgeons)
        try:
            code = normalize_soc(code_text)
        except ValueError:
            raise LayoutError(
                file=url, row=position, column="SOC Code", expected="an SOC code NN-NNNN or a dash", found=code_text
            ) from None
        rows.append(
            SocRow(
                soc_code=code,
                title=title,
                table_row=position,
                depth=_depth(cells[columns["title"]]),
                is_primary=position == 1,
                employment_base=_count(cell("base")),
                employment_target=_count(cell("target")),
                change_percent=_percent(cell("percent")),
                change_numeric=_count(cell("numeric")),
            )
        )
    if not rows:
        raise LayoutError(
            file=url, expected="at least one SOC code in the projections table (table#outlook-table)", found="none"
        )
    return tuple(rows)


def _outlook_columns(table: Tag, *, url: str) -> dict[str, int]:
    """Column positions from the two header rows (the change columns span Percent and Numeric)."""
    head = table.find("thead")
    header_rows = head.find_all("tr") if head is not None else []
    if not header_rows:
        raise LayoutError(
            file=url, expected="a header row in the projections table (table#outlook-table)", found="none"
        )
    columns: dict[str, int] = {"title": 0}
    position = 0
    change_start = None
    for th in header_rows[0].find_all(["th", "td"]):
        label = _label(th.get_text(" "))
        span = int(th.get("colspan") or 1) if str(th.get("colspan") or "1").isdigit() else 1
        if label.startswith("soc code"):
            columns["soc"] = position
        elif label.startswith("projected employment"):
            columns["target"] = position
        elif label.startswith("employment,") and "industry" not in label:
            columns["base"] = position
        elif label.startswith("change"):
            change_start = position
        position += span
    if change_start is not None:
        sub = [_label(th.get_text(" ")) for th in (header_rows[1].find_all("th") if len(header_rows) > 1 else [])]
        for offset, label in enumerate(sub[:2]):
            if label.startswith("percent"):
                columns["percent"] = change_start + offset
            elif label.startswith("numeric"):
                columns["numeric"] = change_start + offset
    if "soc" not in columns:
        raise LayoutError(
            file=url,
            expected="a 'SOC Code' column in the projections table (table#outlook-table)",
            found="headers " + "; ".join(_text_of(th) for th in header_rows[0].find_all(["th", "td"])),
        )
    return columns


def _depth(title_cell: Tag) -> int:
    marked = title_cell.find(class_=re.compile(r"^sub\d$"))
    if marked is None:
        return 0
    classes = marked.get("class") or []
    return max(int(c[3:]) for c in classes if re.fullmatch(r"sub\d", c))


def _percent(text: str) -> float | None:
    match = _PERCENT_CELL.match(text.translate(_DASHES).replace(" ", ""))
    return None if match is None else float(match[1])


# ---- similar occupations ---------------------------------------------------------------------


def _similar(page: _Page, *, url: str, base_url: str) -> tuple[SimilarOccupation, ...]:
    table = page.by_id("similar-occupations", "table")
    if table is None:
        return ()
    headers = [_label(th.get_text(" ")) for th in table.find_all("th")]
    index = {"occupation": None, "duties": None, "education": None, "pay": None}
    pay_year = None
    for position, label in enumerate(headers):
        if label.startswith("occupation"):
            index["occupation"] = position
        elif "duties" in label:
            index["duties"] = position
        elif "education" in label:
            index["education"] = position
        elif "median pay" in label:
            index["pay"] = position
            year = re.search(r"\d{4}", label)
            pay_year = int(year[0]) if year else None
    missing = [key for key, position in index.items() if position is None]
    if missing:
        raise LayoutError(
            file=url,
            expected="Similar Occupations columns Occupation, Job Duties, Entry-Level Education, Median Pay",
            found="headers " + "; ".join(headers),
        )
    body = table.find("tbody") or table
    similar = []
    for row_number, tr in enumerate(body.find_all("tr", recursive=False), start=1):
        cells = tr.find_all("td", recursive=False)
        if len(cells) < len(headers):
            continue
        name_cell = cells[index["occupation"]]
        link = name_cell.find("a", href=True)
        href = _safe_href(str(link["href"]), base_url) if link is not None else None
        parts = profile_path_parts(href) if href else None
        annual, status = _similar_pay(cells[index["pay"]], url=url, row=row_number)
        similar.append(
            SimilarOccupation(
                title=_text_of(name_cell),
                url=href,
                slug=None if parts is None else parts[1],
                job_duties=_text_of(cells[index["duties"]]),
                education=_text_of(cells[index["education"]]),
                pay_year=pay_year,
                median_pay_annual=annual,
                pay_status=status,
            )
        )
    return tuple(similar)


def _similar_pay(cell: Tag, *, url: str, row: int) -> tuple[float | None, str]:
    text = _text_of(cell)
    if not text or "not available" in text.lower():
        return None, "not_available"
    match = re.search(_AMOUNT, text)
    if match is None:
        raise LayoutError(
            file=url,
            row=row,
            column="Similar Occupations: median pay",
            expected="an amount such as $67,310",
            found=text,
        )
    status = "top_coded" if _TOP_CODED.search(text) else "published"
    return _money(match[1], match[2]), status


# ---- text sections ---------------------------------------------------------------------------


def _sections(page: _Page, *, url: str, base_url: str) -> tuple[Section, ...]:
    sections: list[Section] = []
    containers: dict[str, tuple[Tag, str]] = {}
    for key, h2_id in _SECTION_H2.items():
        h2 = page.by_id(h2_id, "h2")
        if h2 is None or h2.parent is None:
            raise LayoutError(file=url, expected=f"a section heading h2#{h2_id}", found="no such heading")
        containers[key] = (h2.parent, _heading(h2))

    summary = _summary_nodes(page)
    if summary is not None:
        heading, nodes = summary
        sections.append(_render_section("summary", heading, nodes, base_url))

    qualities_nodes: list[Any] = []
    become_one, _ = containers["how_to_become_one"]
    for h3 in become_one.find_all("h3"):
        if _label(h3.get_text(" ")) == "important qualities":
            qualities_nodes = [h3, *_until_next_heading(h3)]
            break

    for key in ("what_they_do", "work_environment", "how_to_become_one", "pay", "job_outlook"):
        container, heading = containers[key]
        nodes = [child for child in container.children if not (isinstance(child, Tag) and child.name == "h2")]
        skip = {id(node) for node in qualities_nodes} if key == "how_to_become_one" else set()
        sections.append(_render_section(key, heading, nodes, base_url, skip=skip))
        if key == "how_to_become_one" and qualities_nodes:
            sections.append(
                _render_section("important_qualities", _text_of(qualities_nodes[0]), qualities_nodes[1:], base_url)
            )
    if not any(s.section == "summary" for s in sections):
        first = next(s for s in sections if s.section == "what_they_do")
        paragraph = first.text.split("\n\n", 1)[0]
        sections.insert(
            0, Section("summary", first.heading, paragraph, f"<p>{html_lib.escape(paragraph, quote=False)}</p>")
        )
    order = {key: i for i, key in enumerate(SECTIONS)}
    return tuple(sorted(sections, key=lambda s: order[s.section]))


def _heading(h2: Tag) -> str:
    span = h2.find("span")
    if span is not None:
        return _text_of(span)
    return _norm(" ".join(str(s) for s in h2.find_all(string=True, recursive=False)))


def _summary_nodes(page: _Page) -> tuple[str, list[Any]] | None:
    """The Summary tab's 'What <workers> Do' blurb: what follows the h3 linking to the What They Do tab."""
    h2 = page.by_id("Summary", "h2")
    if h2 is None or h2.parent is None:
        return None
    what_they_do = page.by_id("what-they-do", "h2")
    tab = what_they_do.find_parent("div", id=True) if what_they_do is not None else None
    tab_id = str(tab["id"]) if tab is not None else "tab-2"
    for h3 in h2.parent.find_all("h3"):
        if h3.find("a", href=f"#{tab_id}") is not None:
            nodes = _until_next_heading(h3)
            return _text_of(h3), nodes
    return None


def _until_next_heading(start: Tag) -> list[Any]:
    nodes = []
    for sibling in start.next_siblings:
        if isinstance(sibling, Tag) and sibling.name in {"h1", "h2", "h3"}:
            break
        nodes.append(sibling)
    return nodes


def _render_section(
    key: str, heading: str, nodes: Iterable[Any], base_url: str, *, skip: set[int] | None = None
) -> Section:
    text, html = sanitize_fragment(nodes, base_url=base_url, skip=skip)
    return Section(section=key, heading=heading, text=text, html=html)


# ---- the sanitizer ---------------------------------------------------------------------------

# Kept (with no attribute but a checked href on <a>); b/i become strong/em, h1/h2 become h3.
_ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "ul",
        "ol",
        "li",
        "a",
        "strong",
        "em",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "sup",
        "sub",
        "table",
        "caption",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "th",
        "td",
        "dl",
        "dt",
        "dd",
    }
)
_RENAMED_TAGS = {"b": "strong", "i": "em", "h1": "h3", "h2": "h3"}
# Dropped with everything inside: active content, embedded media, forms, page chrome, deletions.
_DROPPED_TAGS = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "applet",
        "form",
        "input",
        "button",
        "select",
        "option",
        "textarea",
        "svg",
        "math",
        "img",
        "picture",
        "video",
        "audio",
        "source",
        "track",
        "canvas",
        "map",
        "area",
        "link",
        "meta",
        "base",
        "head",
        "title",
        "nav",
        "del",
        "s",
        "strike",
        "dialog",
    }
)
# Page furniture inside sections: photos and captions, bar charts, tab navigation, help pop-ups.
_BOILERPLATE_CLASSES = frozenset(
    {
        "ooh_right_img",
        "image-caption",
        "ooh-chart",
        "tab-footer",
        "about-this-section",
        "youtube-player",
        "clearfloat",
    }
)
_BOILERPLATE_IDS = frozenset({"outlook-table", "quickfacts", "similar-occupations"})
_VOID = frozenset({"br"})
_TEXT_BLOCKS = frozenset(
    {
        "p",
        "div",
        "ul",
        "ol",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "table",
        "caption",
        "tr",
        "thead",
        "tbody",
        "tfoot",
        "blockquote",
        "article",
        "section",
        "dl",
        "dt",
        "dd",
        "br",
        "header",
        "footer",
        "aside",
        "figure",
        "figcaption",
        "main",
        "pre",
        "address",
        "hr",
    }
)
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_URL_JUNK = re.compile(r"[\x00-\x20\x7f]")


def _safe_href(href: str, base_url: str) -> str | None:
    """An absolute http(s) URL, or None for javascript:, data:, vbscript: and anything else."""
    # Browsers ignore tabs, newlines and leading spaces in URLs ("java\tscript:" is javascript:).
    # Entities are already decoded by the parser; whatever it left undecoded stays inert text in a path.
    cleaned = _URL_JUNK.sub("", href)
    if not cleaned:
        return None
    absolute = urljoin(base_url, cleaned)
    parts = urlsplit(absolute)
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        return None
    return absolute


_BLOCK_HTML = "p|ul|ol|li|h3|h4|h5|h6|blockquote|table|caption|thead|tbody|tfoot|tr|th|td|dl|dt|dd"
_SPACE_AFTER_OPEN = re.compile(rf"(<(?:{_BLOCK_HTML})>)\s+")
_SPACE_BEFORE_CLOSE = re.compile(rf"\s+(</(?:{_BLOCK_HTML})>)")
_LINE_TAGS = "p|ul|ol|li|h3|h4|h5|h6|blockquote|table|caption|thead|tbody|tfoot|tr|dl|dt|dd"
_SPACE_BETWEEN_BLOCKS = re.compile(rf"(</?(?:{_BLOCK_HTML})>)\s*(?=<(?:{_LINE_TAGS})>)")


def _tidy_html(html: str) -> str:
    """Whitespace next to block tags carries no meaning: drop it; each block starts a new line."""
    html = _SPACE_AFTER_OPEN.sub(r"\1", html)
    html = _SPACE_BEFORE_CLOSE.sub(r"\1", html)
    html = _SPACE_BETWEEN_BLOCKS.sub(r"\1\n", html)
    return html.strip()


def sanitize_fragment(
    nodes: Iterable[Any], *, base_url: str = BLS_SITE, skip: set[int] | None = None
) -> tuple[str, str]:
    """(clean text, safe HTML) of a run of BeautifulSoup nodes.

    Text: entities decoded, scripts/styles/comments dropped, whitespace collapsed, one block per
    paragraph (blank line between), list items as '- ' lines indented two spaces per level,
    table rows as cells joined by ' | '.
    HTML: an allow-list of tags with no attribute except an http(s) href made absolute; every
    other tag is unwrapped (its text kept) or, for active content, dropped with its content.
    """
    renderer = _Renderer(base_url, skip or set())
    for node in nodes:
        renderer.node(node)
    return renderer.result()


class _Renderer:
    def __init__(self, base_url: str, skip: set[int]) -> None:
        self.base_url = base_url
        self.skip = skip
        self.html: list[str] = []
        self.blocks: list[tuple[str, str]] = []  # (kind, text); kind: para | item | row
        self.line: list[str] = []
        self.list_depth = 0
        self.pending_bullet: str | None = None
        self.in_item = 0
        self.cells: list[str] | None = None
        self.in_cell = 0

    # text side
    def flush(self) -> None:
        if self.in_cell:
            return
        text = _norm("".join(self.line))
        self.line = []
        if not text:
            return
        if self.pending_bullet is not None:
            self.blocks.append(("item", self.pending_bullet + text))
            self.pending_bullet = None
        elif self.in_item:
            self.blocks.append(("item", "  " * self.list_depth + text))
        else:
            self.blocks.append(("para", text))

    def result(self) -> tuple[str, str]:
        self.flush()
        out: list[str] = []
        previous = None
        for kind, text in self.blocks:
            if out:
                out.append("\n" if kind == previous and kind in {"item", "row"} else "\n\n")
            out.append(text)
            previous = kind
        return "".join(out), _tidy_html("".join(self.html))

    def node(self, node: Any) -> None:
        if isinstance(node, NavigableString):
            if isinstance(node, PreformattedString) or type(node) is not NavigableString:
                return  # comments, CDATA, doctypes, processing instructions, script/style strings
            text = str(node)
            self.line.append(text)
            self.html.append(html_lib.escape(_WS.sub(" ", text), quote=False))
            return
        if not isinstance(node, Tag) or id(node) in self.skip or self._is_furniture(node):
            return
        name = (node.name or "").lower()
        if name in _DROPPED_TAGS or ":" in name:
            return
        name = _RENAMED_TAGS.get(name, name)
        if name in _TEXT_BLOCKS and name not in {"li", "tr", "td", "th"}:
            self.flush()
        if name == "a":
            self._link(node)
        elif name in {"ul", "ol", "dl"}:
            self._container(node, name, list_level=True)
        elif name == "li":
            self._item(node)
        elif name == "tr":
            self._row(node)
        elif name in {"td", "th"}:
            self._cell(node, name)
        elif name in _VOID:
            if name in _ALLOWED_TAGS:
                self.html.append(f"<{name}>")
        else:
            self._container(node, name)
        if name in _TEXT_BLOCKS and name not in {"li", "tr", "td", "th"}:
            self.flush()

    def _is_furniture(self, tag: Tag) -> bool:
        classes = tag.get("class") or []
        if any(c in _BOILERPLATE_CLASSES for c in classes):
            return True
        if tag.get("id") in _BOILERPLATE_IDS:
            return True
        return bool(_HIDDEN.search(str(tag.get("style") or "")))

    def _children(self, tag: Tag) -> None:
        for child in list(tag.children):
            self.node(child)

    def _container(self, tag: Tag, name: str, *, list_level: bool = False) -> None:
        keep = name in _ALLOWED_TAGS
        start = len(self.html)
        if keep:
            self.html.append(f"<{name}>")
        if list_level:
            self.list_depth += 1
        self._children(tag)
        if list_level:
            self.list_depth -= 1
        if keep:
            if not "".join(self.html[start + 1 :]).strip():
                del self.html[start:]  # an empty element says nothing
            else:
                self.html.append(f"</{name}>")

    def _item(self, tag: Tag) -> None:
        self.flush()
        self.pending_bullet = "  " * max(self.list_depth - 1, 0) + "- "
        self.in_item += 1
        self._container(tag, "li")
        self.flush()
        self.in_item -= 1
        self.pending_bullet = None

    def _row(self, tag: Tag) -> None:
        self.flush()
        outer = self.cells
        self.cells = []
        self._container(tag, "tr")
        cells = [c for c in self.cells if c]
        self.cells = outer
        if cells and not self.in_cell:
            self.blocks.append(("row", " | ".join(cells)))

    def _cell(self, tag: Tag, name: str) -> None:
        before = self.line
        self.line = []
        self.in_cell += 1
        self._container(tag, name)
        self.in_cell -= 1
        text = _norm("".join(self.line))
        self.line = before
        if self.cells is not None:
            self.cells.append(text)
        elif text:
            self.line.append(" " + text + " ")

    def _link(self, tag: Tag) -> None:
        href = tag.get("href")
        safe = _safe_href(str(href), self.base_url) if href else None
        if safe is None:
            self._children(tag)
            return
        start = len(self.html)
        self.html.append(f'<a href="{html_lib.escape(safe, quote=True)}">')
        self._children(tag)
        if not "".join(self.html[start + 1 :]).strip():
            del self.html[start:]
        else:
            self.html.append("</a>")


# ---- many pages ------------------------------------------------------------------------------

TABLE_COLUMNS: dict[str, list[str]] = {
    "ooh_profiles": [
        "edition",
        "slug",
        "occupation_group",
        "group_title",
        "title",
        "url",
        "source_url",
        "last_modified",
        "description",
        "has_quick_facts",
    ],
    "ooh_quick_facts": [
        "edition",
        "slug",
        "pay_year",
        "median_pay_annual",
        "median_pay_hourly",
        "pay_status",
        "education",
        "work_experience",
        "training",
        "jobs_year",
        "jobs",
        "outlook_period",
        "outlook_percent",
        "outlook_phrase",
        "employment_change",
    ],
    "ooh_profile_soc": [
        "edition",
        "slug",
        "soc_code",
        "via",
        "soc_title",
        "soc_level",
        "table_row",
        "depth",
        "is_primary",
        "employment_base",
        "employment_target",
        "change_percent",
        "change_numeric",
    ],
    "ooh_sections": ["edition", "slug", "section", "ordinal", "heading", "text", "html"],
    "ooh_similar": [
        "edition",
        "slug",
        "ordinal",
        "similar_title",
        "similar_url",
        "similar_slug",
        "job_duties",
        "education",
        "pay_year",
        "median_pay_annual",
        "pay_status",
    ],
}


def read_profiles(
    pages: Mapping[str, Path | bytes | str | Any],
    *,
    crosswalk: pd.DataFrame | None = None,
    parser: str = HTML_PARSER,
) -> OohRelease:
    """Parse every page (keyed by the URL it came from) into one validated OOH release.

    Values may be a Path, the page's bytes or text, or anything with a `.path` (a FetchResult).
    Pages that fail are quarantined as (url, reason); the edition is the projection period that
    most pages state, and pages stating another one are quarantined too. `crosswalk`
    (soc_code, ooh_url[, title]) adds rows with via='ep_workbook' to ooh_profile_soc.
    Raises LayoutError when no page at all can be used.
    """
    quarantined: list[tuple[str, str]] = []
    profiles: dict[str, OohProfile] = {}
    for url, source in pages.items():
        try:
            profile = parse_profile(_read_page(source), url=url, parser=parser)
        except LayoutError as exc:
            quarantined.append((url, str(exc)))
            continue
        except OSError as exc:
            quarantined.append((url, f"{url}: the page could not be read ({type(exc).__name__}: {exc})"))
            continue
        except Exception as exc:  # a page that trips the parser must not sink the other 291
            log.exception("unexpected error parsing %s", url)
            quarantined.append((url, f"{url}: unexpected {type(exc).__name__} while parsing: {exc}"))
            continue
        if profile.slug in profiles:
            quarantined.append(
                (
                    url,
                    f"{url}: expected one page per slug, found {profile.slug!r} also at {profiles[profile.slug].source_url}",
                )
            )
            continue
        profiles[profile.slug] = profile

    editions = Counter(p.quick_facts.outlook_period for p in profiles.values() if p.quick_facts is not None)
    if not editions:
        first = quarantined[0][1] if quarantined else "no pages given"
        raise LayoutError(
            file="OOH profiles",
            expected="at least one profile page with Quick Facts that parses",
            found=f"{len(pages)} pages, {len(quarantined)} quarantined; first: {first}",
        )
    edition, _ = editions.most_common(1)[0]
    _, base_year, target_year = edition_of(edition) or ("", 0, 0)
    for slug, profile in list(profiles.items()):
        if profile.edition is not None and profile.edition != edition:
            quarantined.append(
                (
                    profile.source_url,
                    f"{profile.source_url}: expected the {edition} edition like "
                    f"{editions[edition]} other pages, found quick facts for {profile.edition}",
                )
            )
            del profiles[slug]

    links = _crosswalk_rows(crosswalk, set(profiles))
    frames = _frames(edition, list(profiles.values()), links)
    frames, rejected = _validate(frames, profiles)
    quarantined.extend(rejected)
    for url, reason in quarantined:
        log.warning("OOH page quarantined: %s", reason)
    log.info("OOH %s: %d profiles parsed, %d quarantined", edition, len(frames["ooh_profiles"]), len(quarantined))
    return OohRelease(edition, base_year, target_year, frames, quarantined)


def _read_page(source: Any) -> bytes | str:
    if isinstance(source, (bytes, bytearray, memoryview, str)):
        return source if isinstance(source, str) else bytes(source)
    path = getattr(source, "path", source)
    return Path(path).read_bytes()


def _crosswalk_rows(crosswalk: pd.DataFrame | None, slugs: set[str]) -> list[dict[str, Any]]:
    if crosswalk is None or crosswalk.empty:
        return []
    rows = []
    unmatched = 0
    for record in crosswalk.to_dict("records"):
        parts = profile_path_parts(str(record["ooh_url"]))
        if parts is None or parts[1] not in slugs:
            unmatched += 1
            continue
        try:
            code = normalize_soc(str(record["soc_code"]))
        except ValueError:
            unmatched += 1
            continue
        title = record.get("title")
        rows.append({"slug": parts[1], "soc_code": code, "soc_title": title if isinstance(title, str) else None})
    if unmatched:
        log.info("EP workbook OOH links: %d point at profiles not in this release", unmatched)
    return rows


def _frames(edition: str, profiles: list[OohProfile], links: list[dict[str, Any]]) -> dict[str, pd.DataFrame]:
    rows: dict[str, list[dict[str, Any]]] = {table: [] for table in TABLE_COLUMNS}
    for p in profiles:
        key = {"edition": edition, "slug": p.slug}
        rows["ooh_profiles"].append(
            {
                **key,
                "occupation_group": p.group,
                "group_title": p.group_title,
                "title": p.title,
                "url": p.url,
                "source_url": p.source_url,
                "last_modified": p.last_modified,
                "description": p.description,
                "has_quick_facts": p.quick_facts is not None,
            }
        )
        if p.quick_facts is not None:
            q = p.quick_facts
            rows["ooh_quick_facts"].append(
                {
                    **key,
                    "pay_year": q.pay_year,
                    "median_pay_annual": q.median_pay_annual,
                    "median_pay_hourly": q.median_pay_hourly,
                    "pay_status": q.pay_status,
                    "education": q.education,
                    "work_experience": q.work_experience,
                    "training": q.training,
                    "jobs_year": q.jobs_year,
                    "jobs": q.jobs,
                    "outlook_period": q.outlook_period,
                    "outlook_percent": q.outlook_percent,
                    "outlook_phrase": q.outlook_phrase,
                    "employment_change": q.employment_change,
                }
            )
        for s in p.soc_rows:
            rows["ooh_profile_soc"].append(
                {
                    **key,
                    "soc_code": s.soc_code,
                    "via": "outlook_table",
                    "soc_title": s.title,
                    "soc_level": soc_level(s.soc_code),
                    "table_row": s.table_row,
                    "depth": s.depth,
                    "is_primary": s.is_primary,
                    "employment_base": s.employment_base,
                    "employment_target": s.employment_target,
                    "change_percent": s.change_percent,
                    "change_numeric": s.change_numeric,
                }
            )
        for ordinal, s in enumerate(p.sections, start=1):
            rows["ooh_sections"].append(
                {**key, "section": s.section, "ordinal": ordinal, "heading": s.heading, "text": s.text, "html": s.html}
            )
        for ordinal, s in enumerate(p.similar, start=1):
            rows["ooh_similar"].append(
                {
                    **key,
                    "ordinal": ordinal,
                    "similar_title": s.title,
                    "similar_url": s.url,
                    "similar_slug": s.slug,
                    "job_duties": s.job_duties,
                    "education": s.education,
                    "pay_year": s.pay_year,
                    "median_pay_annual": s.median_pay_annual,
                    "pay_status": s.pay_status,
                }
            )
    seen = set()
    for link in links:
        marker = (link["slug"], link["soc_code"])
        if marker in seen:
            continue
        seen.add(marker)
        rows["ooh_profile_soc"].append(
            {
                "edition": edition,
                "slug": link["slug"],
                "soc_code": link["soc_code"],
                "via": "ep_workbook",
                "soc_title": link["soc_title"],
                "soc_level": soc_level(link["soc_code"]),
                "table_row": None,
                "depth": None,
                "is_primary": False,
                "employment_base": None,
                "employment_target": None,
                "change_percent": None,
                "change_numeric": None,
            }
        )
    return {
        table: _typed(pd.DataFrame(rows[table], columns=columns), table) for table, columns in TABLE_COLUMNS.items()
    }


_DTYPES: dict[str, str] = {
    "pay_year": "Int64",
    "jobs_year": "Int64",
    "jobs": "Int64",
    "employment_change": "Int64",
    "table_row": "Int64",
    "depth": "Int64",
    "employment_base": "Int64",
    "employment_target": "Int64",
    "change_numeric": "Int64",
    "ordinal": "int64",
    "median_pay_annual": "float64",
    "median_pay_hourly": "float64",
    "outlook_percent": "float64",
    "change_percent": "float64",
    "has_quick_facts": "bool",
    "is_primary": "bool",
}


def _typed(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    out = {}
    for column in frame.columns:
        series = frame[column]
        if column in _DTYPES:
            out[column] = series.astype(_DTYPES[column])
        elif column == "last_modified":
            out[column] = pd.to_datetime(series).astype("datetime64[us]")
        else:
            out[column] = series.astype("str")  # pandas 3 string dtype; None stays missing
    return pd.DataFrame(out, columns=frame.columns)


# ---- validation ------------------------------------------------------------------------------

_EDITION = pa.Check.str_matches(r"^\d{4}-\d{2}$", error="an edition like 2024-34")
_SLUG = pa.Check.str_matches(r"^[a-z0-9][a-z0-9-]*$", error="a slug of lower-case letters, digits and hyphens")
_SOC = pa.Check.str_matches(r"^\d{2}-\d{4}$", error="an SOC code NN-NNNN")
_YEAR = pa.Check.in_range(1990, 2100, error="a year between 1990 and 2100")
_MONEY = pa.Check.ge(0, error="an amount >= 0")


def _text(*checks: pa.Check, nullable: bool = False) -> pa.Column:
    return pa.Column(str, list(checks), nullable=nullable)


_NONEMPTY = pa.Check.str_length(min_value=1, error="non-empty text")

SCHEMAS: dict[str, pa.DataFrameSchema] = {
    "ooh_profiles": pa.DataFrameSchema(
        {
            "edition": _text(_EDITION),
            "slug": _text(_SLUG),
            "occupation_group": _text(_SLUG),
            "group_title": _text(nullable=True),
            "title": _text(_NONEMPTY),
            "url": _text(pa.Check.str_matches(r"^https://www\.bls\.gov/ooh/", error="a canonical bls.gov OOH URL")),
            "source_url": _text(_NONEMPTY),
            "last_modified": pa.Column("datetime64[us]", nullable=True),
            "description": _text(nullable=True),
            "has_quick_facts": pa.Column("bool"),
        },
        unique=["edition", "slug"],
        strict=True,
        ordered=True,
        name="ooh_profiles",
    ),
    "ooh_quick_facts": pa.DataFrameSchema(
        {
            "edition": _text(_EDITION),
            "slug": _text(_SLUG),
            "pay_year": pa.Column("Int64", _YEAR),
            "median_pay_annual": pa.Column("float64", _MONEY, nullable=True),
            "median_pay_hourly": pa.Column("float64", _MONEY, nullable=True),
            "pay_status": _text(pa.Check.isin(PAY_STATUSES, error=f"one of {', '.join(PAY_STATUSES)}")),
            "education": _text(_NONEMPTY),
            "work_experience": _text(_NONEMPTY),
            "training": _text(_NONEMPTY),
            "jobs_year": pa.Column("Int64", _YEAR),
            "jobs": pa.Column("Int64", pa.Check.ge(0, error="a number of jobs >= 0")),
            "outlook_period": _text(_EDITION),
            "outlook_percent": pa.Column(
                "float64", pa.Check.in_range(-100, 1000, error="a percent between -100 and 1000")
            ),
            "outlook_phrase": _text(_NONEMPTY),
            "employment_change": pa.Column("Int64"),
        },
        checks=[
            pa.Check(
                lambda df: (
                    (df["median_pay_annual"].notna() | df["pay_status"].isin(["hourly_only", "not_available"]))
                    & (df["median_pay_hourly"].notna() | df["pay_status"].isin(["annual_only", "not_available"]))
                    & ~(
                        (df["pay_status"] == "not_available")
                        & (df["median_pay_annual"].notna() | df["median_pay_hourly"].notna())
                    )
                ),
                error="median pay present exactly as its pay_status says",
            ),
            pa.Check(lambda df: df["outlook_period"] == df["edition"], error="the outlook period equal to the edition"),
        ],
        unique=["edition", "slug"],
        strict=True,
        ordered=True,
        name="ooh_quick_facts",
    ),
    "ooh_profile_soc": pa.DataFrameSchema(
        {
            "edition": _text(_EDITION),
            "slug": _text(_SLUG),
            "soc_code": _text(_SOC),
            "via": _text(pa.Check.isin(VIA, error=f"one of {', '.join(VIA)}")),
            "soc_title": _text(nullable=True),
            "soc_level": _text(pa.Check.isin(("total", "major", "minor", "broad", "detailed"), error="an SOC level")),
            "table_row": pa.Column("Int64", pa.Check.ge(1, error="a 1-based row"), nullable=True),
            "depth": pa.Column("Int64", pa.Check.in_range(0, 9, error="a depth 0-9"), nullable=True),
            "is_primary": pa.Column("bool"),
            "employment_base": pa.Column("Int64", pa.Check.ge(0, error="employment >= 0"), nullable=True),
            "employment_target": pa.Column("Int64", pa.Check.ge(0, error="employment >= 0"), nullable=True),
            "change_percent": pa.Column("float64", nullable=True),
            "change_numeric": pa.Column("Int64", nullable=True),
        },
        unique=["edition", "slug", "soc_code", "via"],
        strict=True,
        ordered=True,
        name="ooh_profile_soc",
    ),
    "ooh_sections": pa.DataFrameSchema(
        {
            "edition": _text(_EDITION),
            "slug": _text(_SLUG),
            "section": _text(pa.Check.isin(SECTIONS, error=f"one of {', '.join(SECTIONS)}")),
            "ordinal": pa.Column("int64", pa.Check.ge(1, error="a 1-based ordinal")),
            "heading": _text(),
            "text": _text(),
            "html": _text(
                pa.Check(
                    lambda s: ~s.str.contains(r"<\s*script|javascript:|\son\w+\s*=", case=False, regex=True),
                    error="HTML without scripts, javascript: URLs or event handlers",
                ),
            ),
        },
        unique=["edition", "slug", "section"],
        strict=True,
        ordered=True,
        name="ooh_sections",
    ),
    "ooh_similar": pa.DataFrameSchema(
        {
            "edition": _text(_EDITION),
            "slug": _text(_SLUG),
            "ordinal": pa.Column("int64", pa.Check.ge(1, error="a 1-based ordinal")),
            "similar_title": _text(_NONEMPTY),
            "similar_url": _text(nullable=True),
            "similar_slug": _text(_SLUG, nullable=True),
            "job_duties": _text(),
            "education": _text(),
            "pay_year": pa.Column("Int64", _YEAR, nullable=True),
            "median_pay_annual": pa.Column("float64", _MONEY, nullable=True),
            "pay_status": _text(pa.Check.isin(SIMILAR_PAY_STATUSES, error=f"one of {', '.join(SIMILAR_PAY_STATUSES)}")),
        },
        checks=[
            pa.Check(
                lambda df: df["median_pay_annual"].isna() == df["pay_status"].eq("not_available"),
                error="a median pay exactly when its status is not not_available",
            ),
        ],
        unique=["edition", "slug", "ordinal"],
        strict=True,
        ordered=True,
        name="ooh_similar",
    ),
}


def _validate(
    frames: dict[str, pd.DataFrame], profiles: Mapping[str, OohProfile]
) -> tuple[dict[str, pd.DataFrame], list[tuple[str, str]]]:
    """Validate every table; a page whose rows fail is quarantined (all its rows dropped), the rest kept."""
    rejected: dict[str, str] = {}
    for table, schema in SCHEMAS.items():
        frame = frames[table]
        try:
            schema.validate(frame, lazy=True)
        except SchemaErrors as exc:
            cases = exc.failure_cases
            whole = cases[cases["index"].isna()]
            if not whole.empty:
                first = whole.iloc[0]
                raise LayoutError(
                    file=f"OOH {table} frame",
                    column=None if pd.isna(first["column"]) else str(first["column"]),
                    expected=str(first["check"]),
                    found=str(first["failure_case"]),
                ) from exc
            for _, case in cases.iterrows():
                slug = frame.loc[case["index"], "slug"]
                if slug not in rejected:
                    column = "" if pd.isna(case["column"]) else f" {case['column']}"
                    rejected[slug] = f"{table}{column}: expected {case['check']}, found {case['failure_case']!r}"
        except SchemaError as exc:
            raise LayoutError(
                file=f"OOH {table} frame", expected=f"a frame matching the {table} schema", found=str(exc)
            ) from exc
    if not rejected:
        return frames, []
    kept = {table: frame[~frame["slug"].isin(rejected)].reset_index(drop=True) for table, frame in frames.items()}
    reasons = [
        (profiles[slug].source_url, f"{profiles[slug].source_url}: {reason}") for slug, reason in rejected.items()
    ]
    if kept["ooh_profiles"].empty:
        raise LayoutError(file="OOH profiles", expected="at least one profile passing validation", found=reasons[0][1])
    return kept, reasons


# ---- the EP workbook's OOH links (second SOC crosswalk) --------------------------------------

_NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_NS_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_CELL_REF = re.compile(r"^([A-Z]{1,3})(\d+)")


def read_ep_ooh_links(data: bytes | Path, *, name: str, sheet: str | None = None) -> pd.DataFrame:
    """(soc_code, title, ooh_url) from the EP occupation workbook's 'Related OOH content' hyperlinks.

    calamine (the runtime xlsx reader) gives cell values but not hyperlinks, so the links are
    read from the sheet's XML and its relationships; the codes and titles come through calamine.
    """
    raw = as_bytes(data)
    workbook = open_workbook(raw, name=name)
    sheet, header_row, code_col, title_col, link_col = _ep_link_layout(workbook, sheet, name=name)
    rows = sheet_rows(workbook, sheet, name=name)
    try:
        links = _sheet_hyperlinks(raw, sheet)
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError) as exc:
        raise LayoutError(
            file=name,
            sheet=sheet,
            expected="readable hyperlinks in the sheet XML",
            found=f"{type(exc).__name__}: {exc}",
        ) from exc
    records = []
    for ref, target in links:
        match = _CELL_REF.match(ref)
        if match is None or _column_index(match[1]) != link_col:
            continue
        row_number = int(match[2])
        if row_number <= header_row or row_number > len(rows):
            continue
        row = rows[row_number - 1]
        try:
            code = normalize_soc(str(row[code_col]))
        except (ValueError, IndexError):
            continue
        if profile_path_parts(target) is None:
            continue
        title = _norm(str(row[title_col])) if title_col is not None and title_col < len(row) else None
        records.append({"soc_code": code, "title": title or None, "ooh_url": target})
    frame = pd.DataFrame(records, columns=["soc_code", "title", "ooh_url"]).drop_duplicates(["soc_code", "ooh_url"])
    if frame.empty:
        raise LayoutError(
            file=name,
            sheet=sheet,
            column="Related Occupational Outlook Handbook (OOH) content",
            expected="hyperlinks to OOH profiles",
            found="none",
        )
    return frame.reset_index(drop=True)


def _ep_link_layout(workbook: Any, sheet: str | None, *, name: str) -> tuple[str, int, int, int | None, int]:
    candidates = [sheet] if sheet else list(workbook.sheet_names)
    for candidate in candidates:
        for index, row in enumerate(sheet_rows(workbook, candidate, name=name, nrows=15)):
            labels = [_label(str(cell or "")) for cell in row]
            link = next((i for i, label in enumerate(labels) if "occupational outlook handbook" in label), None)
            code = next((i for i, label in enumerate(labels) if label.endswith("code") and "matrix" in label), None)
            if link is not None and code is not None:
                title = next(
                    (i for i, label in enumerate(labels) if label.endswith("title") and "matrix" in label), None
                )
                return candidate, index + 1, code, title, link
    raise LayoutError(
        file=name,
        sheet=sheet,
        expected="a sheet with a 'Related Occupational Outlook Handbook (OOH) content' "
        "column next to the National Employment Matrix code",
        found="none in " + ", ".join(candidates),
    )


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - ord("A") + 1
    return index - 1


def _sheet_hyperlinks(raw: bytes, sheet: str) -> list[tuple[str, str]]:
    """(cell ref, external target) of every hyperlink on `sheet`."""
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        book = etree.fromstring(archive.read("xl/workbook.xml"))
        rel_id = None
        for node in book.iter(f"{{{_NS_MAIN}}}sheet"):
            if node.get("name") == sheet:
                rel_id = node.get(f"{{{_NS_REL}}}id")
        if rel_id is None:
            raise KeyError(f"sheet {sheet!r} not in xl/workbook.xml")
        book_rels = _relationships(archive, "xl/_rels/workbook.xml.rels")
        target = book_rels[rel_id][0]
        sheet_path = str(PurePosixPath("xl") / target) if not target.startswith("/") else target.lstrip("/")
        sheet_rels_path = str(PurePosixPath(sheet_path).parent / "_rels" / (PurePosixPath(sheet_path).name + ".rels"))
        sheet_rels = _relationships(archive, sheet_rels_path) if sheet_rels_path in archive.namelist() else {}
        links = []
        for _, node in etree.iterparse(archive.open(sheet_path), tag=f"{{{_NS_MAIN}}}hyperlink"):
            ref = (node.get("ref") or "").split(":")[0]
            target_id = node.get(f"{{{_NS_REL}}}id")
            if target_id and target_id in sheet_rels:
                links.append((ref, sheet_rels[target_id][0]))
            node.clear()
        return links


def _relationships(archive: zipfile.ZipFile, path: str) -> dict[str, tuple[str, str | None]]:
    root = etree.fromstring(archive.read(path))
    return {
        rel.get("Id"): (rel.get("Target") or "", rel.get("TargetMode"))
        for rel in root.iter(f"{{{_NS_PKG}}}Relationship")
    }
