"""The three tables of a profile page: Quick Facts, the projections table (SOC codes), Similar Occupations.

Labels are matched loosely (whitespace, dashes, case, a trailing colon) and figures strictly: a
label that cannot be found or a figure that cannot be read raises LayoutError naming the page,
the label and what was found.
"""

from __future__ import annotations

import re

from transforms.errors import LayoutError
from transforms.ooh import text as t
from transforms.ooh.records import QuickFacts, SimilarOccupation, SocRow
from transforms.ooh.text import Element
from transforms.soc import normalize_soc

_PER_YEAR = re.compile(t.AMOUNT + r"\s*(?:per|a|/)\s*year", re.I)
_PER_HOUR = re.compile(t.AMOUNT + r"\s*(?:per|an|/)\s*hour", re.I)
_OUTLOOK = re.compile(r"^([-+]?\d+(?:\.\d+)?)\s*%\s*\((.+)\)$")
_PERCENT_CELL = re.compile(r"^([-+]?\d+(?:\.\d+)?)\s*%?$")

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


def quick_facts(table: Element, *, url: str) -> QuickFacts:
    """The Quick Facts table (table#quickfacts): every label found, every figure read."""
    found: dict[str, tuple[re.Match[str], str, str]] = {}
    labels_seen: list[str] = []
    for row in t.descendants(table, "tr"):
        header, cell = t.first(row, "th"), t.first(row, "td")
        if header is None or cell is None:
            continue
        raw_label = t.text_of(header)
        labels_seen.append(raw_label)
        label = t.label(raw_label)
        for key, pattern, _ in _QF_FIELDS:
            match = pattern.match(label)
            if match and key not in found:
                found[key] = (match, raw_label, t.text_of(cell))
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
    jobs = t.count(jobs_text)
    if jobs is None or jobs < 0:
        raise LayoutError(file=url, column=jobs_label, expected="a number of jobs such as 194,800", found=jobs_text)

    outlook_match, outlook_label, outlook_text = value("outlook")
    period = t.edition_of(outlook_match["period"])
    if period is None:
        raise LayoutError(
            file=url, column=outlook_label, expected="a projection period such as 2024-34", found=outlook_label
        )
    outlook = _OUTLOOK.match(outlook_text.translate(t.DASHES))
    if outlook is None:
        raise LayoutError(
            file=url,
            column=outlook_label,
            expected="a percent and BLS's phrase, such as 7% (Much faster than average)",
            found=outlook_text,
        )

    change_match, change_label, change_text = value("change")
    change_period = t.edition_of(change_match["period"])
    if change_period is None or change_period[0] != period[0]:
        raise LayoutError(
            file=url,
            column=change_label,
            expected=f"the same period as the job outlook ({period[0]})",
            found=change_label,
        )
    change = t.count(change_text)
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
        outlook_phrase=t.norm(outlook[2]),
        employment_change=change,
    )


def _pay(text: str, *, url: str, label: str) -> tuple[float | None, float | None, str]:
    """(annual, hourly, status) from '$50,250 per year $24.16 per hour' and its variants."""
    if not text:
        return None, None, "not_available"
    year = _PER_YEAR.search(text)
    hour = _PER_HOUR.search(text)
    rest = _PER_HOUR.sub(" ", _PER_YEAR.sub(" ", text))
    top_coded = t.TOP_CODED.search(text) is not None
    leftover = t.norm(re.sub(r"this wage is equal to or greater than|\bor\b|[.,]", " ", rest, flags=re.I))
    if (year is None and hour is None) or leftover:
        raise LayoutError(
            file=url,
            column=label,
            expected="median pay such as '$50,250 per year $24.16 per hour', one of the two, "
            "or 'This wage is equal to or greater than ...'",
            found=text,
        )
    annual = None if year is None else t.money(year[1], year[2])
    hourly = None if hour is None else t.money(hour[1], hour[2])
    if top_coded:
        status = "top_coded"
    elif annual is not None and hourly is not None:
        status = "published"
    else:
        status = "annual_only" if hourly is None else "hourly_only"
    return annual, hourly, status


# ---- SOC codes (projections table) -----------------------------------------------------------


def soc_rows(table: Element | None, *, url: str) -> tuple[SocRow, ...]:
    """The SOC codes of the projections table (table#outlook-table), with its figures."""
    if table is None:
        raise LayoutError(
            file=url,
            expected="the employment projections table (table#outlook-table) listing the SOC codes",
            found="no such table on the page",
        )
    columns = _outlook_columns(table, url=url)
    rows: list[SocRow] = []
    body = _body(table)
    for position, tr in enumerate(body.iterchildren("tr"), start=1):
        cells = list(tr.iterchildren("th", "td"))
        if not cells:
            continue
        texts = {key: t.text_of(cells[index]) for key, index in columns.items() if index < len(cells)}

        def cell(key: str, texts: dict[str, str] = texts) -> str:
            return texts.get(key, "")

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
                employment_base=t.count(cell("base")),
                employment_target=t.count(cell("target")),
                change_percent=_percent(cell("percent")),
                change_numeric=t.count(cell("numeric")),
            )
        )
    if not rows:
        raise LayoutError(
            file=url, expected="at least one SOC code in the projections table (table#outlook-table)", found="none"
        )
    return tuple(rows)


def _body(table: Element) -> Element:
    body = t.first(table, "tbody")
    return table if body is None else body


def _outlook_columns(table: Element, *, url: str) -> dict[str, int]:
    """Column positions from the two header rows (the change columns span Percent and Numeric)."""
    head = t.first(table, "thead")
    header_rows = list(t.descendants(head, "tr")) if head is not None else []
    if not header_rows:
        raise LayoutError(
            file=url, expected="a header row in the projections table (table#outlook-table)", found="none"
        )
    columns: dict[str, int] = {"title": 0}
    position = 0
    change_start = None
    for th in t.descendants(header_rows[0], "th", "td"):
        label = t.label(t.text_of(th))
        colspan = str(th.get("colspan") or "1")
        span = int(colspan) if colspan.isdigit() else 1
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
        sub = [t.label(t.text_of(th)) for th in (t.descendants(header_rows[1], "th") if len(header_rows) > 1 else [])]
        for offset, label in enumerate(sub[:2]):
            if label.startswith("percent"):
                columns["percent"] = change_start + offset
            elif label.startswith("numeric"):
                columns["numeric"] = change_start + offset
    if "soc" not in columns:
        raise LayoutError(
            file=url,
            expected="a 'SOC Code' column in the projections table (table#outlook-table)",
            found="headers " + "; ".join(t.text_of(th) for th in t.descendants(header_rows[0], "th", "td")),
        )
    return columns


def _depth(title_cell: Element) -> int:
    for element in t.descendants(title_cell):
        levels = [int(c[3:]) for c in t.classes(element) if re.fullmatch(r"sub\d", c)]
        if levels:
            return max(levels)
    return 0


def _percent(text: str) -> float | None:
    match = _PERCENT_CELL.match(text.translate(t.DASHES).replace(" ", ""))
    return None if match is None else float(match[1])


# ---- similar occupations ---------------------------------------------------------------------


def similar_occupations(table: Element | None, *, url: str, base_url: str) -> tuple[SimilarOccupation, ...]:
    """The Similar Occupations table (table#similar-occupations); none when the page has no such table."""
    if table is None:
        return ()
    headers = [t.label(t.text_of(th)) for th in t.descendants(table, "th")]
    found: dict[str, int] = {}
    pay_year = None
    for position, label in enumerate(headers):
        if label.startswith("occupation"):
            found["occupation"] = position
        elif "duties" in label:
            found["duties"] = position
        elif "education" in label:
            found["education"] = position
        elif "median pay" in label:
            found["pay"] = position
            year = re.search(r"\d{4}", label)
            pay_year = int(year[0]) if year else None
    if set(found) != {"occupation", "duties", "education", "pay"}:
        raise LayoutError(
            file=url,
            expected="Similar Occupations columns Occupation, Job Duties, Entry-Level Education, Median Pay",
            found="headers " + "; ".join(headers),
        )
    body = _body(table)
    similar = []
    for row_number, tr in enumerate(body.iterchildren("tr"), start=1):
        cells = list(tr.iterchildren("td"))
        if len(cells) < len(headers):
            continue
        name_cell = cells[found["occupation"]]
        link = t.first(name_cell, "a", href=True)
        href = t.safe_href(str(link.get("href")), base_url) if link is not None else None
        parts = t.profile_path_parts(href) if href else None
        annual, status = _similar_pay(cells[found["pay"]], url=url, row=row_number)
        similar.append(
            SimilarOccupation(
                title=t.text_of(name_cell),
                url=href,
                slug=None if parts is None else parts[1],
                job_duties=t.text_of(cells[found["duties"]]),
                education=t.text_of(cells[found["education"]]),
                pay_year=pay_year,
                median_pay_annual=annual,
                pay_status=status,
            )
        )
    return tuple(similar)


def _similar_pay(cell: Element, *, url: str, row: int) -> tuple[float | None, str]:
    text = t.text_of(cell)
    if not text or "not available" in text.lower():
        return None, "not_available"
    match = re.search(t.AMOUNT, text)
    if match is None:
        raise LayoutError(
            file=url,
            row=row,
            column="Similar Occupations: median pay",
            expected="an amount such as $67,310",
            found=text,
        )
    status = "top_coded" if t.TOP_CODED.search(text) else "published"
    return t.money(match[1], match[2]), status
