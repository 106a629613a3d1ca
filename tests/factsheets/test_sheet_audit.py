"""An auditor's check of every published sheet: the full set is published from the full mirror (OEWS May
2025, EP 2024-34, the 292 OOH profiles), then every figure of every sheet's JSON is compared with BLS's
own files, read here with openpyxl and lxml directly (nothing from transforms/ or the project):

* the OEWS workbook (oesm25nat.zip): median and its status, the wage percentiles, titles;
* EP Table 1.2 (occupation.xlsx): outlook and its period, openings, education, the employment chart;
* the OOH pages: the whole percent BLS prints (projections tables, quick facts), the pay, jobs, change
  and education of profiles of several codes, the growth phrases, and each page's sha256.

Every alternative's figures too, the numbers in the sentences and captions, and the provenance of
every figure. Zero differences allowed; a broken figure is caught (the last tests).
"""

from __future__ import annotations

import copy
import hashlib
import io
import json
import math
import re
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from fractions import Fraction
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import openpyxl
import pytest
from bls_files import SHARED
from lxml import html as lxml_html

pytestmark = [pytest.mark.slow, pytest.mark.shared_data]  # whole-set publishes from real releases

WWW = SHARED / "bls-mirror" / "www.bls.gov"
OEWS_ZIP = WWW / "oes" / "special-requests" / "oesm25nat.zip"
EP_XLSX = WWW / "emp" / "ind-occ-matrix" / "occupation.xlsx"
FETCHED = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
RUN = date(2026, 3, 1)
NOT_PUBLISHED = "Not published by BLS"
PERCENTILES = ("p10", "p25", "median", "p75", "p90")
OEWS_COLUMNS = {"p10": "PCT10", "p25": "PCT25", "median": "MEDIAN", "p75": "PCT75", "p90": "PCT90"}
TOP = {"A": 239200.0, "H": 115.0}  # OEWS "#": at or above the top code
PHRASES = ("Decline", "Little or no change", "Slower than average", "As fast as average", "Faster than average")


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def page_url(path: Path) -> str:
    return f"https://www.bls.gov/{path.relative_to(WWW).as_posix()}"


# ---- BLS's files, read directly ----------------------------------------------------------------


def read_oews(path: Path) -> dict[str, dict[str, Any]]:
    """OCC_CODE -> the national row (a code listed as broad and detailed: the detailed row)."""
    with zipfile.ZipFile(path) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".xlsx"))
        book = openpyxl.load_workbook(io.BytesIO(archive.read(name)), read_only=True)
    rows = book.worksheets[0].iter_rows(values_only=True)
    header = [str(h).upper() for h in next(rows)]
    out: dict[str, dict[str, Any]] = {}
    for values in rows:
        row = dict(zip(header, values, strict=False))
        code = row["OCC_CODE"]
        if code not in out or row["O_GROUP"] == "detailed":
            out[code] = row
    return out


def read_ep(path: Path) -> dict[str, dict[str, Any]]:
    """Matrix code -> Table 1.2's row: employment in thousands, percent with one decimal."""
    sheet = openpyxl.load_workbook(path, read_only=True)["Table 1.2"]
    names = ("title", "type", "base", "target", "_", "_", "change", "percent", "_", "openings", "_", "education")
    out = {}
    for values in sheet.iter_rows(min_row=3, values_only=True):
        if values[1] and re.fullmatch(r"\d\d-\d{4}", str(values[1])):
            row = dict(zip(names, (values[0], *values[2:14]), strict=False))
            row["title"] = str(values[0]).strip()
            out[str(values[1])] = row
    return out


def number(text: str) -> float | None:
    found = re.search(r"-?[\d,]+(?:\.\d+)?", text.replace("\u2212", "-"))
    return float(found[0].replace(",", "")) if found else None


@dataclass
class OohPage:
    slug: str
    url: str
    sha256: str
    title: str
    facts: dict[str, str]  # quick facts: row heading -> cell text
    table: list[dict[str, Any]] = field(default_factory=list)  # code, depth, base, target, percent, change
    similar: list[dict[str, Any]] = field(default_factory=list)  # title, slug, annual pay (None), top-coded

    def fact(self, start: str) -> str:
        return next(v for k, v in self.facts.items() if k.startswith(start))

    @property
    def pay(self) -> tuple[float | None, float | None, bool]:
        """(annual, hourly, top-coded) of the quick facts' median pay."""
        cell = self.fact("2024 Median Pay") if any(k.startswith("2024") for k in self.facts) else ""
        annual = re.search(r"\$([\d,.]+)\s*per year", cell)
        hourly = re.search(r"\$([\d,.]+)\s*per hour", cell)
        value = lambda m: float(m[1].replace(",", "")) if m else None  # noqa: E731
        return value(annual), value(hourly), "equal to or greater than" in cell

    @property
    def top_rows(self) -> list[dict[str, Any]]:
        coded = [row for row in self.table if row["code"]]
        if not coded:
            return []
        depth = min(row["depth"] for row in coded)
        return [row for row in coded if row["depth"] == depth]

    @property
    def primary(self) -> str | None:
        """The code the quick facts describe: the table's one top row (a profile of several: None)."""
        top = self.top_rows
        return top[0]["code"] if len(top) == 1 else None


def text_of(element) -> str:
    return " ".join(element.text_content().split())


def read_ooh_page(path: Path) -> OohPage | None:
    tree = lxml_html.fromstring(path.read_bytes())
    if not tree.xpath("//h1"):
        return None
    facts = {
        text_of(tr.xpath("./th")[0]): text_of(tr.xpath("./td")[0])
        for tr in tree.xpath('//table[@id="quickfacts"]//tbody/tr')
    }
    page = OohPage(path.stem, page_url(path), sha256_of(path), text_of(tree.xpath("//h1")[0]), facts)
    for tr in tree.xpath('//table[@id="outlook-table"]/tbody/tr'):
        cells = [text_of(td) for td in tr.xpath("./td")]
        label = tr.xpath("./th//p")
        depth = int(re.sub(r"\D", "", label[0].get("class") or "") or 0) if label else 0
        code = cells[0] if re.fullmatch(r"\d\d-\d{4}", cells[0]) else None
        base, target, percent, change = (number(c) for c in cells[1:5])
        page.table.append(
            {"code": code, "depth": depth, "base": base, "target": target, "percent": percent, "change": change}
        )
    for tr in tree.xpath('//table[@id="similar-occupations"]/tbody/tr'):
        cells = tr.xpath("./td")
        link = cells[1].xpath(".//a/@href")
        pay = text_of(cells[4])
        annual = re.search(r"\$([\d,]+)", pay) if "annual wage is not available" not in pay else None
        page.similar.append(
            {
                "title": text_of(cells[1]),
                "slug": Path(link[0]).stem if link else None,
                "annual": float(annual[1].replace(",", "")) if annual else None,
                "top": "or more" in pay or "greater than" in pay,
            }
        )
    return page


def read_ooh(folder: Path) -> dict[str, OohPage]:
    return {page.slug: page for path in sorted(folder.glob("*/*.htm")) if (page := read_ooh_page(path))}


# ---- what BLS says for an occupation -----------------------------------------------------------


def half_away(x: Fraction | float) -> int:
    x = Fraction(x)
    return int(math.floor(abs(x) + Fraction(1, 2))) * (1 if x >= 0 else -1)


def ep_whole(row: dict[str, Any]) -> int:
    """BLS's whole percent from EP's figures alone (factsheets/README.md): exact unless EP's percent ends
    in .5; then the side every unrounded change allows (each figure within 0.05 thousand), else the side
    EP's change over EP's base is on."""
    pct = Fraction(str(row["percent"]))
    if pct.denominator != 2:
        return half_away(pct)
    base, target, change = (Fraction(str(row[k])) for k in ("base", "target", "change"))
    h = Fraction(1, 20)
    ratios = []
    for b in (base - h, base + h, target - change, target - change - 2 * h, target - change + 2 * h):
        b = min(max(b, base - h), base + h)
        lo, hi = max(change - h, target - h - b), min(change + h, target + h - b)
        if b > 0 and lo <= hi:
            ratios += [100 * lo / b, 100 * hi / b]
    low, high = max(min(ratios), pct - Fraction(1, 20)), min(max(ratios), pct + Fraction(1, 20))
    if high < pct:
        return math.floor(pct)
    if low > pct:
        return math.ceil(pct)
    estimate = 100 * change / base
    if estimate == pct:
        return half_away(pct)
    return math.floor(pct) if estimate < pct else math.ceil(pct)


class Bls:
    def __init__(self, oews, ep, ooh):
        self.oews, self.ep, self.ooh = oews, ep, ooh
        self.printed = {row["code"]: row["percent"] for page in ooh.values() for row in page.table if row["code"]}
        self.average = self.whole("00-0000")

    def whole(self, code: str) -> int:
        """The whole percent BLS shows: the OOH's where a projections table prints the code."""
        if code in self.printed:
            return int(self.printed[code])
        return ep_whole(self.ep[code])

    def page_of_url(self, url: str | None) -> OohPage | None:
        return self.ooh.get(Path(url).stem) if url else None

    def median(self, code: str | None, page: OohPage | None) -> dict[str, Any]:
        row = self.oews.get(code) if code else None
        if row is not None:
            for kind, unit, suffix in (("A", "USD per year", ""), ("H", "USD per hour", " per hour")):
                cell = row[f"{kind}_MEDIAN"]
                if cell == "#" or isinstance(cell, (int, float)):
                    value = TOP[kind] if cell == "#" else float(cell)
                    money = f"${value:,.2f}" if kind == "H" else f"${value:,.0f}"
                    more = " or more" if cell == "#" else ""
                    status = "hourly_only" if kind == "H" else "top_coded" if cell == "#" else "published"
                    return {"value": value, "unit": unit, "status": status, "text": f"{money}{suffix}{more} (2025)"}
        if page is not None and page.facts and page.primary in (code, None) and (page.pay[0] or page.pay[1]):
            annual, hourly, top = page.pay
            more = " or more" if top else ""
            if annual:
                status = "top_coded" if top else "published"
                return {
                    "value": annual,
                    "unit": "USD per year",
                    "status": status,
                    "text": f"${annual:,.0f}{more} (2024)",
                }
            return {
                "value": hourly,
                "unit": "USD per hour",
                "status": "hourly_only",
                "text": f"${hourly:,.2f} per hour{more} (2024)",
            }
        return {"value": None, "unit": None, "status": "not_published", "text": NOT_PUBLISHED}

    def outlook(self, code: str | None, page: OohPage | None) -> dict[str, Any]:
        row = self.ep.get(code) if code else None
        if row is not None and isinstance(row["percent"], (int, float)):
            whole = self.whole(code)
            return {"value": row["percent"], "rounded": whole, "text": percent_text(whole)}
        if page is not None and page.facts and page.primary in (code, None):
            whole = int(number(page.fact("Job Outlook")))
            return {"value": float(whole), "rounded": whole, "text": percent_text(whole)}
        return {"value": None, "text": NOT_PUBLISHED}

    def chart(self, code: str | None, page: OohPage | None) -> dict[str, Any] | None:
        row = self.ep.get(code) if code else None
        if row is not None:
            base, target, change = (round(row[k] * 1000) for k in ("base", "target", "change"))
            return {"base": base, "target": target, "change": change, "percent": row["percent"], "decimals": 1}
        if page is not None and page.facts and page.top_rows and page.primary in (code, None):
            return {
                "base": number(page.fact("Number of Jobs")),
                "target": sum(r["target"] for r in page.top_rows),
                "change": number(page.fact("Employment Change")),
                "percent": number(page.fact("Job Outlook")),
                "decimals": 0,
            }
        return None


def percent_text(whole: int) -> str:
    return f"decline {abs(whole)}% (2024-2034)" if whole < 0 else f"{whole}% (2024-2034)"


def derived_phrase(whole: int, average: int) -> str:
    if whole <= -1:
        return "Decline"
    if whole == 0:
        return "Little or no change"
    steps = (
        (average - 1, "Slower than average"),
        (average + 1, "As fast as average"),
        (average + 3, "Faster than average"),
    )
    return next((phrase for top, phrase in steps if whole <= top), "Much faster than average")


# ---- the audit of one sheet ----------------------------------------------------------------------


def numbers_in(text: str) -> list[float]:
    return [float(n.replace(",", "")) for n in re.findall(r"\d[\d,]*(?:\.\d+)?", text)]


def money_in(text: str) -> list[float]:
    return [float(n.replace(",", "")) for n in re.findall(r"\$([\d,]+(?:\.\d+)?)", text)]


class Audit:
    def __init__(self, bls: Bls, files: dict[Path, str]):
        self.bls = bls
        self.files = files  # the raw files a release was read from -> sha256
        self.diffs: list[str] = []

    def differ(self, where: str, found: Any, expected: Any) -> None:
        if found != expected:
            self.diffs.append(f"{where}: sheet says {found!r}, BLS {expected!r}")

    def provenance(self, where: str, prov: dict[str, Any] | None, page: OohPage | None) -> None:
        if prov is None:
            return self.differ(where + ".provenance", None, "a provenance")
        code = prov["program_code"]
        if code == "ooh":
            if page is None:
                return self.differ(where + ".provenance", prov["source_url"], "an OOH page in the mirror")
            self.differ(where + ".provenance.source_url", prov["source_url"], page.url)
            self.differ(where + ".provenance.sha256", prov["sha256"], page.sha256)
        elif code in ("oews", "projections"):
            path = OEWS_ZIP if code == "oews" else EP_XLSX
            self.differ(where + ".provenance.sha256", prov["sha256"], self.files[path])
        if code != "config":
            self.differ(where + ".provenance.fetched_at", prov["fetched_at"], FETCHED.isoformat())

    def figures(self, where: str, code: str | None, page: OohPage | None, median: dict, outlook: dict) -> dict:
        want = self.bls.median(code, page)
        for key in ("text", "value", "status", "unit"):
            self.differ(f"{where}.median_salary.{key}", median[key], want[key])
        self.provenance(f"{where}.median_salary", median["provenance"], page if median.get("source") else None)
        want_outlook = self.bls.outlook(code, page)
        for key in want_outlook:
            self.differ(f"{where}.career_outlook.{key}", outlook.get(key), want_outlook[key])
        if outlook["status"] == "published":
            self.differ(f"{where}.career_outlook.period", outlook["period"], "2024-2034")
            from_ooh = outlook["provenance"]["program_code"] == "ooh"
            self.provenance(f"{where}.career_outlook", outlook["provenance"], page if from_ooh else None)
        return {"median": want, "outlook": want_outlook}

    def sheet(self, doc: dict[str, Any], html: str, md: str) -> list[str]:
        slug, occupation = doc["slug"], doc["occupation"]
        code = occupation["soc_code"]
        profile = occupation["ooh_profile"]
        page = self.bls.ooh.get(profile["slug"]) if profile and profile["covers_code_as_primary"] else None
        if code:
            title = (self.bls.oews.get(code) or {}).get("OCC_TITLE") or self.bls.ep[code]["title"]
            self.differ(f"{slug}.bls_title", occupation["bls_title"], title)
        summary = doc["summary"]
        words = self.bls.ooh.get(profile["slug"]) if profile else None
        for name, part in (
            ("definition", doc["definition"]),
            ("education", summary["education"]),
            ("job_skills", summary["job_skills"]),
            ("required_education", doc["required_education"]),
            ("skills_required", doc["skills_required"]),
        ):
            if part["origin"] == "ooh":
                self.provenance(f"{slug}.{name}", part["provenance"], page if name == "education" else words)
        want = self.figures(slug, code, page, summary["median_salary"], summary["career_outlook"])
        self.education(slug, code, page, summary["education"])
        self.outlook_section(slug, code, want, doc["career_and_economic_outlook"], page)
        chart = self.employment(slug, code, page, doc["charts"]["employment"])
        self.wages(slug, code, doc["charts"]["wage_distribution"])
        self.definition(slug, doc["definition"], chart)
        for i, alt in enumerate(doc["alternatives"]):
            self.alternative(f"{slug}.alternatives[{i}]", alt, profile)
        self.rendered(slug, doc, html, md)
        return self.diffs

    def education(self, slug: str, code: str | None, page: OohPage | None, education: dict) -> None:
        origin = education["origin"]
        if origin == "ep":
            self.differ(f"{slug}.education", education["text"], self.bls.ep[code]["education"])
        elif origin == "ooh":
            self.differ(
                f"{slug}.education", education["text"], page.fact("Typical Entry-Level Education") if page else None
            )
        elif origin == "none":
            self.differ(f"{slug}.education", education["text"], NOT_PUBLISHED)
            self.differ(f"{slug}.education in EP", (self.bls.ep.get(code) or {}).get("education", "—"), "—")

    def outlook_section(self, slug: str, code: str | None, want: dict, section: dict, page: OohPage | None) -> None:
        row = self.bls.ep.get(code) if code else None
        openings = round(row["openings"] * 1000) if row and isinstance(row["openings"], (int, float)) else None
        found = section["annual_openings"]["value"] if section["annual_openings"] else None
        self.differ(f"{slug}.annual_openings", found, openings)
        text = " ".join(section["paragraphs"])
        if want["median"]["value"] is not None:
            for amount in money_in(text):
                self.differ(f"{slug}.outlook paragraphs $", amount, want["median"]["value"])
        percents = {float(abs(want["outlook"].get("rounded", 0))), float(self.bls.average)}
        for pct in re.findall(r"(\d+) percent", text):
            if float(pct) not in percents:
                self.differ(f"{slug}.outlook paragraphs percent", float(pct), sorted(percents))
        for n in re.findall(r"about ([\d,]+) openings", text):
            self.differ(f"{slug}.outlook paragraphs openings", float(n.replace(",", "")), openings)
        growth = section["growth"]
        if growth and want["outlook"].get("rounded") is not None:
            if growth["origin"] == "ooh":
                self.differ(f"{slug}.growth", growth["phrase"], number_phrase(page))
            else:
                self.differ(
                    f"{slug}.growth", growth["phrase"], derived_phrase(want["outlook"]["rounded"], self.bls.average)
                )

    def employment(self, slug: str, code: str | None, page: OohPage | None, chart: dict | None) -> dict | None:
        want = self.bls.chart(code, page)
        if (chart is None) != (want is None):
            self.differ(f"{slug}.charts.employment", chart, want)
            return want
        if chart is None:
            return None
        for key, found in (("base", chart["base"]), ("target", chart["target"]), ("change", chart["change"])):
            self.differ(f"{slug}.charts.employment.{key}", found, want[key])
        self.differ(f"{slug}.charts.employment.change_percent", chart["change_percent"], want["percent"])
        numbers = [want["base"], 2024, want["target"], 2034]
        if want["change"] or want["percent"]:  # EP rounds a change under 50 jobs to 0: "fewer than 50 jobs"
            numbers += [abs(want["change"]) or 50]
        numbers += [abs(want["percent"])]
        self.differ(f"{slug}.charts.employment.caption", numbers_in(chart["caption"]), numbers)
        if want["percent"]:
            sign = "-" if want["percent"] < 0 else "+"
            self.differ(f"{slug}.charts.employment.caption sign", f"({sign}" in chart["caption"], True)
        return want

    def wages(self, slug: str, code: str | None, chart: dict | None) -> None:
        row = self.bls.oews.get(code) if code else None
        if row is None:
            return self.differ(f"{slug}.charts.wage_distribution", chart, None)
        shown = lambda c: c == "#" or isinstance(c, (int, float))  # noqa: E731
        kind = "A" if any(shown(row[f"A_{c}"]) for c in OEWS_COLUMNS.values()) else "H"
        want = []
        for key in PERCENTILES:
            cell = row[f"{kind}_{OEWS_COLUMNS[key]}"]
            want.append(TOP[kind] if cell == "#" else float(cell) if shown(cell) else None)
        if chart is None:
            return self.differ(f"{slug}.charts.wage_distribution", None, want)
        self.differ(f"{slug}.charts.wage_distribution.basis", chart["basis"], "annual" if kind == "A" else "hourly")
        self.differ(f"{slug}.charts.wage_distribution.points", [p["value"] for p in chart["points"]], want)
        tops = [p["status"] == "top_coded" for p in chart["points"]]
        self.differ(
            f"{slug}.charts.wage_distribution.top_coded",
            tops,
            [row[f"{kind}_{OEWS_COLUMNS[k]}"] == "#" for k in PERCENTILES],
        )
        self.differ(
            f"{slug}.charts.wage_distribution.caption", money_in(chart["caption"]), [v for v in want if v is not None]
        )

    def definition(self, slug: str, definition: dict, chart: dict | None) -> None:
        text = " ".join(b.get("text", "") for b in definition["blocks"])
        for count, million in re.findall(r"(\d[\d,.]*)( million)? jobs", text):
            value = float(count.replace(",", ""))
            if chart is None:
                self.differ(f"{slug}.definition jobs", value, "no count (no chart)")
            elif million:
                self.differ(f"{slug}.definition jobs", value, round(chart["base"] / 1e6, len(count.partition(".")[2])))
            else:
                self.differ(f"{slug}.definition jobs", value, chart["base"])

    def alternative(self, where: str, alt: dict, listing: dict | None) -> None:
        code = alt["soc_code"]
        page = self.bls.page_of_url(alt["url"])  # its profile, when the mirror has it
        if code is not None and page is not None and page.primary != code:
            page = None  # a profile of other codes: the figures are the code's
        if code is None and page is None:  # a Similar Occupations row whose profile is not in the mirror
            listed = self.bls.ooh[listing["slug"]]
            row = next(r for r in listed.similar if r["title"] == alt["name"])
            want_pay = (
                f"${row['annual']:,.0f}{' or more' if row['top'] else ''} (2024)" if row["annual"] else NOT_PUBLISHED
            )
            self.differ(f"{where}.median_salary.text", alt["median_salary"]["text"], want_pay)
            self.differ(f"{where}.career_outlook.status", alt["career_outlook"]["status"], "not_loaded")
            self.provenance(f"{where}.median_salary", alt["median_salary"]["provenance"], listed)
            return
        if code is not None:
            title = (self.bls.oews.get(code) or {}).get("OCC_TITLE") or self.bls.ep[code]["title"]
            self.differ(f"{where}.bls_title", alt["bls_title"], title)
        want = self.figures(where, code, page, alt["median_salary"], alt["career_outlook"])
        text = " ".join(alt["paragraphs"])
        for amount in money_in(text):
            self.differ(f"{where} paragraphs $", amount, want["median"]["value"])
        for pct in re.findall(r"(\d+) percent", text):
            self.differ(f"{where} paragraphs percent", int(pct), abs(want["outlook"].get("rounded", -1)))

    def rendered(self, slug: str, doc: dict, html: str, md: str) -> None:
        """The Markdown and HTML show the JSON's figures and captions."""
        summary = doc["summary"]
        tree = lxml_html.fromstring(html)
        cells = [text_of(td) for td in tree.xpath('//table[@class="summary"]//td')]
        self.differ(
            f"{slug}.html summary", cells[2:], [summary["median_salary"]["text"], summary["career_outlook"]["text"]]
        )
        for name in ("median_salary", "career_outlook"):
            row = "Median Salary*" if name == "median_salary" else "Career Outlook*"
            text = summary[name]["text"]
            self.differ(f"{slug}.md {row}", f"| {row} | {text} |" in md.replace("\\$", "$"), True)
        captions = " ".join(text_of(c) for c in tree.xpath("//figcaption"))
        for chart in doc["charts"].values():
            if chart:
                self.differ(f"{slug}.html caption", chart["caption"] in captions, True)


def number_phrase(page: OohPage | None) -> str | None:
    """The phrase of the quick facts' Job Outlook: '12% (Much faster than average)'."""
    if page is None:
        return None
    found = re.search(r"\((.*)\)", page.fact("Job Outlook"))
    return found[1] if found else None


# ---- the published set and the tests -----------------------------------------------------------


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """The full set, published by the project from the full mirror (its own transforms and loaders)."""
    from analyst_fixtures import load_file

    import warehouse
    from factsheets.publish import publish_sheets
    from transforms.oews import read_national_zip
    from transforms.ooh.edition import PageBytes, read_edition
    from transforms.projections import read_occupation_workbook

    tmp = tmp_path_factory.mktemp("audit")
    con = warehouse.connect(tmp / "warehouse.duckdb")
    files = {OEWS_ZIP: sha256_of(OEWS_ZIP), EP_XLSX: sha256_of(EP_XLSX)}
    try:
        oews = read_national_zip(OEWS_ZIP, name=OEWS_ZIP.name)
        load_file(con, oews, "national_zip", page_url(OEWS_ZIP), files[OEWS_ZIP], FETCHED)
        ep = read_occupation_workbook(EP_XLSX, name=EP_XLSX.name)
        load_file(con, ep, "workbook", page_url(EP_XLSX), files[EP_XLSX], FETCHED)
        pages = {page_url(p): PageBytes.of(p.read_bytes(), FETCHED) for p in sorted((WWW / "ooh").glob("*/*.htm"))}
        ooh = read_edition(pages, now=FETCHED)
        load_file(con, ooh, "profiles", page_url(WWW / "ooh" / "a-z-index.htm"), "e" * 64, FETCHED)
        out = tmp / "sheets"
        result = publish_sheets(con, out_dir=out, refreshed_on=RUN)
    finally:
        con.close()
    docs = {p.stem: json.loads(p.read_text()) for p in sorted(out.glob("*.json")) if not p.name.startswith(".")}
    docs = {slug: doc for slug, doc in docs.items() if doc.get("schema") == "bls-refresh/fact-sheet/1"}
    return SimpleNamespace(out=out, docs=docs, result=result, files=files)


@pytest.fixture(scope="module")
def bls() -> Bls:
    return Bls(read_oews(OEWS_ZIP), read_ep(EP_XLSX), read_ooh(WWW / "ooh"))


def audit(published, bls, docs: dict[str, dict]) -> list[str]:
    diffs: list[str] = []
    for slug, doc in docs.items():
        html = (published.out / f"{slug}.html").read_text(encoding="utf-8")
        md = (published.out / f"{slug}.md").read_text(encoding="utf-8")
        diffs += Audit(bls, published.files).sheet(doc, html, md)
    return diffs


def test_the_auditor_reads_what_bls_publishes(bls):
    """The reference itself, on figures BLS prints (so a reader bug cannot pass unnoticed)."""
    assert len(bls.ooh) == 292 and sum(1 for p in bls.ooh.values() for r in p.table if r["code"]) == 567
    assert bls.oews["29-2072"]["A_MEDIAN"] == 51140 and bls.oews["27-2011"]["H_MEDIAN"] == 29.05
    assert (bls.ep["29-2072"]["base"], bls.ep["29-2072"]["target"], bls.ep["29-2072"]["percent"]) == (194.8, 208.6, 7.1)
    assert bls.average == 3 and bls.whole("31-9092") == 12 and bls.whole("33-3010") == -7
    software = bls.ooh["software-developers"]
    assert (number(software.fact("Number of Jobs")), sum(r["target"] for r in software.top_rows)) == (1895500, 2183300)
    # EP's figures alone reproduce every whole percent the OOH prints except at a .5 they cannot settle.
    unsettled = [c for c, pct in bls.printed.items() if ep_whole(bls.ep[c]) != pct]
    assert 0 < len(unsettled) <= 19 and all(bls.ep[c]["percent"] * 2 % 2 == 1 for c in unsettled)


def test_every_figure_of_every_sheet_is_blss_own(published, bls):
    assert len(published.docs) == published.result.sheets >= 900
    diffs = audit(published, bls, published.docs)
    assert diffs == [], f"{len(diffs)} differences, e.g.:\n" + "\n".join(diffs[:40])


def test_every_whole_percent_agrees_with_the_ooh_tables(published, bls):
    """The 567 coded rows of the 292 profiles: each code's sheet shows the OOH's own whole percent."""
    by_code = {d["occupation"]["soc_code"]: d for d in published.docs.values() if d["kind"] != "career"}
    shown = {code: by_code[code]["summary"]["career_outlook"]["rounded"] for code in bls.printed if code in by_code}
    assert len(shown) >= 500
    assert shown == {code: int(bls.printed[code]) for code in shown}


@pytest.mark.parametrize(
    ("path", "value", "caught"),
    [
        (("summary", "median_salary", "value"), 51141.0, "median_salary.value"),
        (("summary", "career_outlook", "rounded"), 8, "career_outlook.rounded"),
        (("charts", "employment", "target"), 208_700.0, "charts.employment.target"),
        (
            ("charts", "employment", "caption"),
            "194,800 jobs in 2024; 208,600 projected for 2034: up 13,900 jobs (+7.1%).",
            "caption",
        ),
        (("charts", "wage_distribution", "points", 0, "value"), 1.0, "wage_distribution.points"),
        (("alternatives", 0, "median_salary", "value"), 1.0, "alternatives[0].median_salary.value"),
        (
            ("alternatives", 1, "career_outlook", "text"),
            "decline 6% (2024-2034)",
            "alternatives[1].career_outlook.text",
        ),
        (("career_and_economic_outlook", "annual_openings", "value"), 14_300.0, "annual_openings"),
        (("summary", "median_salary", "provenance", "sha256"), "0" * 64, "provenance.sha256"),
    ],
)
def test_the_audit_catches_a_broken_figure(published, bls, path, value, caught):
    slug = "health-information-technician"
    doc = copy.deepcopy(published.docs[slug])
    assert audit(published, bls, {slug: doc}) == []
    node = doc
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    diffs = audit(published, bls, {slug: doc})
    assert diffs and any(caught in d for d in diffs), diffs


# ---- the JSON Schema shipped with the sheets ------------------------------------------------------


def schema_validator():
    import jsonschema

    from factsheets.render import JSON_SCHEMA, json_schema

    schema = json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["properties"]["schema"]["const"] == JSON_SCHEMA
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def test_every_sheets_json_validates_against_the_shipped_schema(published):
    validator = schema_validator()
    errors = {
        slug: [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(doc)][:3]
        for slug, doc in published.docs.items()
    }
    assert {slug: e for slug, e in errors.items() if e} == {}
    kinds = {doc["kind"] for doc in published.docs.values()}
    assert kinds == {"occupation", "profile", "career"}


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("summary", "career_outlook", "rounding"), "banker"),
        (("occupation", "soc_code"), "292072"),
        (("charts", "employment", "target"), "208,600"),
        (("alternatives", 0, "sheet"), "Not A Slug"),
        (("sources", 0, "page_url"), "http://127.0.0.1/x"),
        (("summary", "median_salary", "surprise"), 1),
    ],
)
def test_the_schema_rejects_a_malformed_sheet(published, path, value):
    validator = schema_validator()
    doc = copy.deepcopy(published.docs["health-information-technician"])
    assert validator.is_valid(doc)
    node = doc
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    assert not validator.is_valid(doc)


def test_no_sheet_has_a_space_before_punctuation(published):
    """OOH's inline links leave "fire dispatchers , answer" in the page text; no sheet may keep it."""
    stray = re.compile(r"\w \s*[,;:.!?](?=\s|$)|\( ")
    found = []
    for slug in published.docs:
        text = lxml_html.fromstring((published.out / f"{slug}.html").read_bytes()).text_content()
        found += [f"{slug}: ...{text[max(0, m.start() - 30) : m.end() + 10]!r}" for m in stray.finditer(text)]
    assert found == [], f"{len(found)} stray spaces, e.g.:\n" + "\n".join(found[:20])
