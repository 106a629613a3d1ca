"""Fact sheets from a warehouse built from the real BLS files in ../shared: OEWS May 2023-2025, EP
2023-33 then 2024-34, and every OOH profile of the mirror (parsed once for the module).

The sheets are published twice: with EP 2023-33 (run 1, Feb 1) and after loading EP 2024-34
(run 2, Mar 1), the way a refresh would see a new EP cycle arrive."""

from __future__ import annotations

import dataclasses
import html.parser
import json
import re
import shutil
from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from analyst_fixtures import load_file
from bls_files import EP_ARCHIVE_WORKBOOKS, EP_WORKBOOK_2024, OEWS_ARCHIVE_ZIPS, OEWS_ZIP_2025
from site_fixtures import ooh_release

import warehouse
from factsheets.figures import GROWTH_RULE, derive_growth_phrase, round_half_away
from factsheets.publish import STATE_FILE, SheetSelectionError, publish_sheets
from factsheets.site import is_site_file, split_front_matter
from transforms.oews import read_national_zip
from transforms.projections import read_occupation_workbook

pytestmark = [pytest.mark.slow, pytest.mark.shared_data]  # whole-set publishes from real releases

EP_2023 = EP_ARCHIVE_WORKBOOKS["2023-33"]
EP_2024 = EP_WORKBOOK_2024
OEWS = [OEWS_ARCHIVE_ZIPS[2023], OEWS_ARCHIVE_ZIPS[2024], OEWS_ZIP_2025]
FETCHED = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
RUN1, RUN2 = date(2026, 2, 1), date(2026, 3, 1)
CAREER = "health-information-technician"
MRS = "29-2072-medical-records-specialists"
HEADINGS = [
    "# Health Information Technician Career Requirements",
    "## Career Definition for Health Information Technicians",
    "## Required Education",
    "## Skills Required",
    "## Career and Economic Outlook",
    "## Alternative Career Options",
]


def load_oews(con, path: Path) -> None:
    url = f"https://www.bls.gov/oes/special-requests/{path.name}"
    load_file(con, read_national_zip(path, name=path.name), "national_zip", url, f"sha256-of-{path.name}", FETCHED)


def load_ep(con, path: Path) -> None:
    url = "https://www.bls.gov/emp/ind-occ-matrix/occupation.xlsx"
    load_file(con, read_occupation_workbook(path, name=path.name), "workbook", url, f"sha256-of-{path.name}", FETCHED)


def load_ooh(con, without: tuple[str, ...] = ()) -> None:
    """The OOH edition; `without`: profiles left out, as a page that cannot be fetched or parsed is."""
    release = ooh_release()
    tables = {
        name: tuple(chunk[~chunk["slug"].isin(without)] for chunk in chunks) for name, chunks in release.tables.items()
    }
    release = dataclasses.replace(release, tables=tables)
    load_file(con, release, "profiles", "https://www.bls.gov/ooh/a-z-index.htm", "sha256-of-ooh", FETCHED)


def snapshot(out: Path) -> dict[str, dict]:
    """Every sheet file's bytes and mtime, and each sheet's JSON document."""
    files = {
        p.name: (p.read_bytes(), p.stat().st_mtime_ns)
        for p in out.iterdir()
        if p.is_file() and not p.name.startswith(".") and not is_site_file(p.name)
    }
    docs = {name[:-5]: json.loads(data) for name, (data, _) in files.items() if name.endswith(".json")}
    return {"files": files, "docs": docs}


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("sheets")
    con = warehouse.connect(tmp / "warehouse.duckdb")
    for path in OEWS:
        load_oews(con, path)
    load_ep(con, EP_2023)
    load_ooh(con)
    out = tmp / "published"
    first = publish_sheets(con, out_dir=out, refreshed_on=RUN1)
    before = snapshot(out)
    load_ep(con, EP_2024)
    second = publish_sheets(con, out_dir=out, refreshed_on=RUN2)
    after = snapshot(out)
    yield SimpleNamespace(con=con, tmp=tmp, out=out, first=first, second=second, before=before, after=after)
    con.close()


def md(wh, slug: str) -> str:
    """A sheet's Markdown body (after its YAML front matter)."""
    return split_front_matter((wh.out / f"{slug}.md").read_text(encoding="utf-8"))[1]


def one(con, sql: str, params=None):
    return con.execute(sql, params or []).fetchone()


def table_rows(text: str) -> list[tuple[str, str]]:
    return re.findall(r"^\| (Education|Job Skills|Median Salary\*|Career Outlook\*) \| (.*) \|$", text, re.MULTILINE)


class Outline(html.parser.HTMLParser):
    """Headings, summary-table cells and svg elements of a page, in document order."""

    def __init__(self):
        super().__init__()
        self.items: list[tuple[str, str]] = []
        self._open: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("h1", "h2", "h3", "th", "td", "title"):
            self._open, self._text = tag, []
        if tag in ("svg", "script", "img", "iframe"):
            self.items.append((tag, dict(attrs).get("role", "")))

    def handle_endtag(self, tag):
        if tag == self._open:
            self.items.append((tag, " ".join("".join(self._text).split())))
            self._open = None

    def handle_data(self, data):
        if self._open:
            self._text.append(data)


def outline(page: str) -> list[tuple[str, str]]:
    parser = Outline()
    parser.feed(page)
    return parser.items


# ---- the reference structure -------------------------------------------------------------------


def test_the_shipped_career_renders_the_reference_structure_with_the_warehouse_figures(wh):
    text = md(wh, CAREER)
    lines = [line for line in text.splitlines() if line.strip()]
    assert [h for h in lines if re.match(r"#{1,2} ", h)] == HEADINGS
    assert lines[1] == "Refreshed March 1, 2026"
    definition = lines[lines.index(HEADINGS[1]) + 1]
    assert definition.startswith("Medical records specialists") and len(definition) > 150

    median, change = one(
        wh.con,
        "SELECT annual_median, change_percent FROM occupation_facts f "
        "JOIN latest_projections p USING (soc_code) WHERE soc_code = '29-2072'",
    )
    assert (median, change) == (51140.0, 7.1)
    rows = table_rows(text)
    assert [r[0] for r in rows] == ["Education", "Job Skills", "Median Salary*", "Career Outlook*"]
    assert dict(rows) == {
        "Education": "Postsecondary nondegree award",
        "Job Skills": dict(rows)["Job Skills"],
        "Median Salary*": f"${int(median):,} (2025)",
        "Career Outlook*": f"{round_half_away(change)}% (2024-2034)",
    }
    assert dict(rows)["Median Salary*"] == "$51,140 (2025)" and dict(rows)["Career Outlook*"] == "7% (2024-2034)"
    assert dict(rows)["Job Skills"].startswith("Clinical classification and coding")  # the config's override
    source = lines[lines.index("| Career Outlook* | 7% (2024-2034) |") + 1]
    assert (
        source.startswith("Source: \\*U.S. Bureau of Labor Statistics")
        and "May 2025" in source
        and "2024-2034" in source
    )

    outlook = text.split(HEADINGS[4])[1].split(HEADINGS[5])[0]
    assert "grow 7 percent from 2024 to 2034, much faster than the average" in outlook
    assert "$51,140 in May 2025" in outlook

    alternatives = text.split(HEADINGS[5])[1]
    assert re.findall(r"^### (.*)$", alternatives, re.MULTILINE) == [
        "Health Information Manager",
        "Medical Transcriptionist",
    ]
    manager, transcriptionist = alternatives.split("### ")[1:]
    for code, part, grow in (
        ("11-9111", manager, "grow 23 percent"),
        ("31-9094", transcriptionist, "decline 5 percent"),
    ):
        wage, pct = one(
            wh.con, "SELECT annual_median, projected_change_percent FROM occupation_facts WHERE soc_code = ?", [code]
        )
        assert f"${int(wage):,} in May 2025" in part and f"{grow} from 2024 to 2034" in part
        assert abs(round_half_away(pct)) == int(grow.split()[1])
    assert "$123,860" in manager and "$40,410" in transcriptionist


def test_the_html_page_has_the_same_structure_and_both_charts(wh):
    items = outline((wh.out / f"{CAREER}.html").read_text(encoding="utf-8"))
    headings = [(t, x) for t, x in items if t in ("h1", "h2")]
    assert [x for _, x in headings] == [h.lstrip("# ") for h in HEADINGS]
    cells = [x for t, x in items if t in ("th", "td")]
    assert cells == [
        "Education",
        "Postsecondary nondegree award",
        "Job Skills",
        cells[3],
        "Median Salary*",
        "$51,140 (2025)",
        "Career Outlook*",
        "7% (2024-2034)",
    ]
    after_alternatives = items[items.index(("h2", "Alternative Career Options")) :]
    assert [x for t, x in after_alternatives if t == "h3"] == ["Health Information Manager", "Medical Transcriptionist"]
    assert [t for t, role in items if t == "svg" and role == "img"] == ["svg", "svg"]
    titles = [x for t, x in items if t == "title"]
    assert "Wage distribution, May 2025 (per year)" in titles and "Employment, 2024 and projected 2034" in titles
    assert not [t for t, _ in items if t in ("script", "img", "iframe")]


def test_the_json_carries_every_figure_with_its_provenance(wh):
    doc = json.loads((wh.out / f"{CAREER}.json").read_text())
    releases = {
        row[0]: row[1:]
        for row in wh.con.execute(
            "SELECT source, release_id, source_url, fetched_at, archive_sha256 FROM latest_releases"
        ).fetchall()
    }
    salary, outlook = doc["summary"]["median_salary"], doc["summary"]["career_outlook"]
    assert (salary["text"], salary["value"], salary["unit"], salary["period"]) == (
        "$51,140 (2025)",
        51140.0,
        "USD per year",
        "May 2025",
    )
    assert (outlook["text"], outlook["value"], outlook["rounded"]) == ("7% (2024-2034)", 7.1, 7)

    def figures(node, path=""):
        if isinstance(node, dict):
            if "provenance" in node and ("value" in node or "points" in node or "base" in node):
                yield path, node
            for key, value in node.items():
                yield from figures(value, f"{path}.{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                yield from figures(value, f"{path}[{i}]")

    found = dict(figures(doc))
    assert {
        ".summary.median_salary",
        ".summary.career_outlook",
        ".alternatives[0].median_salary",
        ".alternatives[1].career_outlook",
        ".charts.wage_distribution",
        ".charts.employment",
        ".career_and_economic_outlook.annual_openings",
    } <= set(found)
    for path, figure in found.items():
        prov = figure["provenance"]
        source = prov["program_code"]
        release_id, url, fetched_at, sha = releases[source]
        assert (prov["release"], prov["source_url"], prov["sha256"]) == (release_id, url, sha), path
        assert datetime.fromisoformat(prov["fetched_at"]) == fetched_at, path
        assert prov["program"] in (
            "Occupational Employment and Wage Statistics (OEWS)",
            "Employment Projections (EP)",
            "Occupational Outlook Handbook (OOH)",
        )
    alt = doc["alternatives"]
    assert [(a["name"], a["soc_code"], a["median_salary"]["value"], a["career_outlook"]["rounded"]) for a in alt] == [
        ("Health Information Manager", "11-9111", 123860.0, 23),
        ("Medical Transcriptionist", "31-9094", 40410.0, -5),
    ]
    assert alt[1]["career_outlook"]["text"] == "decline 5% (2024-2034)"
    assert (
        doc["refreshed_on"] == "2026-03-01"
        and doc["occupation"]["ooh_profile"]["slug"] == "medical-records-and-health-information-technicians"
    )


# ---- every occupation, every profile ------------------------------------------------------------


def test_the_json_files_are_what_json_dumps_writes_on_one_line(wh):
    """factsheets.compact writes with orjson; a reader of the files sees json.dumps's own text."""
    files = [*(name for name in wh.after["files"] if name.endswith(".json")), STATE_FILE]
    assert len(files) > 800
    for name in files:
        text = (wh.out / name).read_text(encoding="utf-8")
        assert text == json.dumps(json.loads(text), ensure_ascii=False, separators=(",", ":")) + "\n", name


def test_every_ep_line_item_and_every_ooh_profile_has_a_sheet(wh):
    docs = wh.after["docs"]
    line_items = {
        r[0]
        for r in wh.con.execute(
            "SELECT soc_code FROM latest_projections WHERE occupation_type = 'Line item'"
        ).fetchall()
    }
    by_code = {d["occupation"]["soc_code"]: d for d in docs.values() if d["kind"] == "occupation"}
    assert line_items <= set(by_code) and len(by_code) >= 830
    profiles = {r[0] for r in wh.con.execute("SELECT slug FROM latest_ooh_profiles").fetchall()}
    shown = {
        d["occupation"]["ooh_profile"]["slug"]
        for d in docs.values()
        if d["occupation"]["ooh_profile"] and d["occupation"]["ooh_profile"]["covers_code_as_primary"]
    }
    assert profiles == shown
    assert len(wh.second.written) + wh.second.unchanged == len(docs) == wh.second.sheets
    for slug in docs:
        assert re.fullmatch(r"[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?", slug), slug


def test_no_sheet_says_nan_none_or_leaves_a_cell_empty(wh):
    bad = re.compile(r"\$nan|\bnan\b|None%|\$None|\bNaN\b|\bnull\b|\(None\)|\bNone \(")
    for name, (data, _) in wh.after["files"].items():
        if not name.endswith(".md"):
            continue
        text = data.decode()
        rows = table_rows(text)
        assert len(rows) == 4 and all(value.strip() for _, value in rows), name
        assert not bad.search(text), (name, bad.search(text))
    for slug, doc in wh.after["docs"].items():
        for key in ("median_salary", "career_outlook", "education", "job_skills"):
            assert doc["summary"][key]["text"].strip(), (slug, key)


def test_growth_phrases_are_bls_own_or_derived_by_the_documented_rule(wh):
    average = round_half_away(
        one(wh.con, "SELECT change_percent FROM latest_projections WHERE soc_code = '00-0000'")[0]
    )
    assert average == 3
    rows = wh.con.execute(
        "SELECT outlook_percent, outlook_phrase FROM latest_ooh_profiles WHERE outlook_phrase IS NOT NULL"
    ).fetchall()
    assert len(rows) == 291
    assert all(derive_growth_phrase(round_half_away(pct), average) == phrase for pct, phrase in rows)
    docs = wh.after["docs"]
    growth = docs[MRS]["career_and_economic_outlook"]["growth"]
    assert (growth["phrase"], growth["origin"]) == ("Much faster than average", "ooh")
    derived = [
        d for d in docs.values() if (d["career_and_economic_outlook"]["growth"] or {}).get("origin") == "derived"
    ]
    assert derived and all(d["career_and_economic_outlook"]["growth"]["rule"] == GROWTH_RULE for d in derived)


# ---- refresh behaviour -------------------------------------------------------------------------


def visible(doc: dict) -> dict[str, object]:
    """What a reader sees of a sheet, read back from its JSON, keyed like the changelog's fields."""

    def blocks(section):
        return ([b.get("items") or b["text"] for b in section["blocks"]], section["note"])

    growth = doc["career_and_economic_outlook"]["growth"]
    openings = doc["career_and_economic_outlook"]["annual_openings"]
    wage, jobs = doc["charts"]["wage_distribution"], doc["charts"]["employment"]
    occupation = doc["occupation"]
    out = {
        "title": doc["heading"],
        "occupation": (occupation["soc_code"], occupation["bls_title"]),
        "ooh_profile": occupation["ooh_profile"]["url"] if occupation["ooh_profile"] else None,
        "definition": blocks(doc["definition"]),
        "education": doc["summary"]["education"]["text"],
        "job_skills": doc["summary"]["job_skills"]["text"],
        "median_salary": doc["summary"]["median_salary"]["text"],
        "outlook": doc["summary"]["career_outlook"]["text"],
        "growth": (
            growth["phrase"],
            growth["origin"],
            growth["all_occupations_percent"] if growth["origin"] == "derived" else None,
        )
        if growth
        else None,
        "openings": openings["text"] if openings else None,
        "sources": doc["summary"]["source_note"],
        "required_education": blocks(doc["required_education"]),
        "skills_required": blocks(doc["skills_required"]),
        "wage_distribution": (wage["basis"], wage["period"], [(p["value"], p["status"]) for p in wage["points"]])
        if wage
        else None,
        "employment": (jobs["base_year"], jobs["base"], jobs["target_year"], jobs["target"]) if jobs else None,
        "alternatives": [a["name"] for a in doc["alternatives"]],
    }
    for alt in doc["alternatives"]:
        key = f"alternative[{alt['name']}]"
        out[f"{key}.occupation"] = (alt["soc_code"], alt["bls_title"])
        out[f"{key}.description"] = alt["description"]["text"]
        out[f"{key}.median_salary"] = alt["median_salary"]["text"]
        out[f"{key}.outlook"] = alt["career_outlook"]["text"]
    return out


def changelog_entries(result) -> list[dict]:
    path = result.changelog_path.with_suffix(".jsonl")
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_a_new_ep_cycle_changes_the_outlook_and_the_changelog_lists_exactly_what_moved(wh):
    entries = changelog_entries(wh.second)
    assert entries and {e["run"] for e in entries} == {wh.second.run_id}
    changed: dict[str, set[str]] = {}
    for e in entries:
        if e["kind"] == "changed":
            changed.setdefault(e["sheet"], set()).add(e["field"])
    before, after = wh.before["docs"], wh.after["docs"]
    for slug in set(before) & set(after):
        old, new = visible(before[slug]), visible(after[slug])
        moved = {key for key in old.keys() | new.keys() if old.get(key) != new.get(key)}
        assert changed.get(slug, set()) == moved, slug

    career = {e["field"]: e for e in entries if e["sheet"] == CAREER}
    # The definition's "held about 194,800 jobs in 2024" is the chart's count only with EP 2024-34.
    assert set(career) == {
        "definition",
        "outlook",
        "growth",
        "employment",
        "openings",
        "sources",
        "alternative[Health Information Manager].outlook",
        "alternative[Medical Transcriptionist].outlook",
    }
    assert (career["outlook"]["old"], career["outlook"]["new"], career["outlook"]["release"]) == (
        "9% (2023-2033)",
        "7% (2024-2034)",
        "EP 2024-34",
    )
    assert (
        career["alternative[Health Information Manager].outlook"]["old"],
        career["alternative[Health Information Manager].outlook"]["new"],
    ) == ("29% (2023-2033)", "23% (2024-2034)")
    assert career["alternative[Medical Transcriptionist].outlook"]["new"] == "decline 5% (2024-2034)"
    assert "median_salary" not in career  # OEWS did not move
    assert visible(before[CAREER])["outlook"] == "9% (2023-2033)"
    markdown = wh.second.changelog_path.read_text()
    assert f"| {CAREER} | outlook | 9% (2023-2033) | 7% (2024-2034) | EP 2024-34 |" in markdown
    assert (wh.out / "changelog" / "latest.md").read_text().startswith(markdown)


def test_only_changed_sheets_are_rewritten_and_the_others_keep_their_bytes_and_mtime(wh):
    entries = changelog_entries(wh.second)
    touched = {e["sheet"] for e in entries if e["kind"] in ("changed", "created")}
    assert set(wh.second.written) == touched
    untouched = {name for name in wh.after["files"] if name.rsplit(".", 1)[0] not in touched}
    assert len(untouched) >= 3  # at least one sheet in all three formats (e.g. ooh-military-careers)
    assert "ooh-military-careers.md" in untouched
    for name in untouched:
        assert wh.after["files"][name] == wh.before["files"][name], name
    assert "Refreshed February 1, 2026" in md(wh, "ooh-military-careers")
    assert "Refreshed March 1, 2026" in md(wh, CAREER)
    assert len(wh.first.written) == wh.first.sheets and wh.first.unchanged == 0


def test_a_run_with_nothing_new_rewrites_nothing(wh):
    again = publish_sheets(wh.con, out_dir=wh.out, refreshed_on=date(2026, 4, 1))
    assert again.written == [] and again.unchanged == wh.second.sheets and again.held_back == []
    assert again.changelog_path == wh.out / "changelog" / "latest.md"
    assert "no sheet changed" in again.changelog_path.read_text()
    now = snapshot(wh.out)
    assert now["files"] == wh.after["files"]


def test_a_sheet_that_would_lose_a_required_figure_keeps_the_published_version(wh, tmp_path):
    out = tmp_path / "published"
    shutil.copytree(wh.out, out, copy_function=shutil.copy2)
    state_before = json.loads((out / STATE_FILE).read_text())["sheets"][MRS]
    files_before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.glob(f"{MRS}.*")}
    wh.con.begin()
    try:
        wh.con.execute(
            "UPDATE oews_estimates SET value = NULL, status = 'wage_not_available' "
            "WHERE soc_code = '29-2072' AND release_id = '2025A01' AND measure LIKE '%median'"
        )
        result = publish_sheets(wh.con, out_dir=out, refreshed_on=date(2026, 4, 1), only=["soc:29-2072"])
    finally:
        wh.con.rollback()
    assert {slug for slug, _ in result.held_back} == {MRS, CAREER}
    reason = dict(result.held_back)[MRS]
    assert "Median Salary" in reason and "$51,140 (2025)" in reason and "Not published by BLS" in reason
    assert result.written == []
    assert {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.glob(f"{MRS}.*")} == files_before
    assert json.loads((out / STATE_FILE).read_text())["sheets"][MRS] == state_before
    held = [e for e in changelog_entries(result) if e["kind"] == "held_back"]
    assert {(e["sheet"], e["field"]) for e in held} == {(MRS, "median_salary"), (CAREER, "median_salary")}


def test_a_template_change_rerenders_with_the_stored_date_and_logs_nothing(wh, tmp_path, monkeypatch):
    out = tmp_path / "published"
    shutil.copytree(wh.out, out, copy_function=shutil.copy2)
    import factsheets.render as render

    original = render._template_source

    def edited(name):
        return original(name) + ("\nEdited template.\n" if name == "sheet.md.j2" else "")

    def clear():
        render._environments.cache_clear()
        render.templates_hash.cache_clear()

    clear()
    monkeypatch.setattr(render, "_template_source", edited)
    try:
        result = publish_sheets(wh.con, out_dir=out, refreshed_on=date(2026, 5, 1), only=["soc:29-2072"])
    finally:
        monkeypatch.undo()
        clear()
    assert sorted(result.written) == sorted([MRS, CAREER]) and result.changes == []
    text = (out / f"{CAREER}.md").read_text()
    assert text.endswith("Edited template.\n") and "Refreshed March 1, 2026" in text  # the date content last changed
    assert (out / f"{CAREER}.json").read_bytes() == wh.after["files"][f"{CAREER}.json"][
        0
    ]  # unchanged bytes not rewritten
    assert (out / f"{CAREER}.json").stat().st_mtime_ns == wh.after["files"][f"{CAREER}.json"][1]
    assert "no sheet changed (2 re-rendered for a template change)" in result.changelog_path.read_text()


def test_a_career_dropped_from_the_config_is_withdrawn_once_and_its_files_stay(wh, tmp_path):
    out = tmp_path / "published"
    shutil.copytree(wh.out, out, copy_function=shutil.copy2)
    empty = tmp_path / "careers.toml"
    empty.write_text("# no careers\n")
    result = publish_sheets(wh.con, out_dir=out, refreshed_on=date(2026, 5, 1), careers_config=empty)
    assert [(e.sheet, e.kind) for e in result.changes] == [(CAREER, "withdrawn")]
    assert result.written == [] and (out / f"{CAREER}.md").is_file()
    again = publish_sheets(wh.con, out_dir=out, refreshed_on=date(2026, 5, 2), careers_config=empty)
    assert again.changes == []


# ---- special figures ---------------------------------------------------------------------------


def test_top_coded_hourly_only_and_unpublished_figures_read_correctly(wh, tmp_path):
    actors = md(wh, "27-2011-actors")
    assert "| Median Salary* | $29.05 per hour (2025) |" in actors
    assert "BLS publishes only hourly wages for actors: the median was $29.05 per hour in May 2025." in actors

    fishing = md(wh, "45-3031-fishing-and-hunting-workers")
    assert "| Median Salary* | Not published by BLS |" in fishing
    assert "BLS did not publish a median wage for fishing and hunting workers for May 2025." in fishing
    doc = wh.after["docs"]["45-3031-fishing-and-hunting-workers"]["summary"]["median_salary"]
    assert (doc["value"], doc["status"]) == (None, "not_published")

    transcriptionists = md(wh, "31-9094-medical-transcriptionists")
    assert "| Career Outlook* | decline 5% (2024-2034) |" in transcriptionists
    assert "to decline 5 percent from 2024 to 2034" in transcriptionists

    out = tmp_path / "as-of-2024"
    publish_sheets(wh.con, out_dir=out, refreshed_on=RUN2, as_of=2024, only=["soc:29-1211"])
    text = (out / "29-1211-anesthesiologists.md").read_text()
    assert "| Median Salary* | $239,200 or more (2024) |" in text
    assert "was $239,200 or more in May 2024" in text
    doc = json.loads((out / "29-1211-anesthesiologists.json").read_text())
    assert (doc["summary"]["median_salary"]["status"], doc["summary"]["median_salary"]["lower_bound"]) == (
        "top_coded",
        True,
    )
    assert doc["charts"]["wage_distribution"]["points"][-1]["text"] == "$239,200 or more"
    assert "$239,200+" in (out / "29-1211-anesthesiologists.html").read_text()


# ---- as of a year ------------------------------------------------------------------------------


def test_as_of_2023_renders_the_sheet_of_the_2023_releases(wh, tmp_path):
    out = tmp_path / "as-of-2023"
    result = publish_sheets(
        wh.con, out_dir=out, refreshed_on=RUN2, as_of=2023, only=["career:Health Information Technician"]
    )
    assert result.written == [CAREER]
    median = one(wh.con, "SELECT annual_median FROM oews_national WHERE soc_code = '29-2072' AND year = 2023")[0]
    change = one(wh.con, "SELECT change_percent FROM projections WHERE soc_code = '29-2072' AND cycle = '2023-33'")[0]
    text = (out / f"{CAREER}.md").read_text()
    assert f"| Median Salary* | ${int(median):,} (2023) |" in text
    assert f"| Career Outlook* | {round_half_away(change)}% (2023-2033) |" in text
    assert "| Career Outlook* | 9% (2023-2033) |" in text
    assert "As of the BLS releases of 2023: OEWS May 2023 (2023A01), EP 2023-33." in text
    doc = json.loads((out / f"{CAREER}.json").read_text())
    assert doc["as_of"] == 2023
    assert doc["summary"]["median_salary"]["provenance"]["release"] == "2023A01"
    assert doc["summary"]["career_outlook"]["provenance"]["release"] == "2023-33"
    assert (
        doc["definition"]["origin"] == "composed" and doc["occupation"]["ooh_profile"] is None
    )  # no OOH edition of 2023
    assert [a["career_outlook"]["text"] for a in doc["alternatives"]] == ["29% (2023-2033)", "decline 5% (2023-2033)"]
    assert [h for h in text.splitlines() if re.match(r"#{1,2} ", h)] == HEADINGS
    assert (wh.out / f"{CAREER}.md").read_text() == wh.after["files"][f"{CAREER}.md"][0].decode()  # published untouched


def test_selectors_that_match_nothing_are_refused(wh, tmp_path):
    with pytest.raises(SheetSelectionError, match="not a career"):
        publish_sheets(wh.con, out_dir=tmp_path, refreshed_on=RUN2, only=["career:Astronaut"])
    with pytest.raises(SheetSelectionError, match="SOC code"):
        publish_sheets(wh.con, out_dir=tmp_path, refreshed_on=RUN2, only=["soc:99-9999"])


# ---- the CLI command ----------------------------------------------------------------------------


def test_the_sheets_command_renders_from_the_warehouse(wh, tmp_path):
    import typer
    from typer.testing import CliRunner

    from flows.sheets_cmd import sheets

    app = typer.Typer()
    app.command()(sheets)
    app.command("noop")(lambda: None)  # more than one command, as in bls-refresh
    wh.con.execute("CHECKPOINT")
    db = tmp_path / "copy.duckdb"
    shutil.copy(wh.tmp / "warehouse.duckdb", db)
    runner = CliRunner()

    result = runner.invoke(
        app, ["sheets", "--db", str(db), "--data-dir", str(tmp_path), "--soc", "29-2072", "--format", "md,json"]
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "sheets").glob("[!.]*.*") if not is_site_file(p.name)) == [
        f"{MRS}.json",
        f"{MRS}.md",
        f"{CAREER}.json",
        f"{CAREER}.md",
    ]
    assert "2 written, 0 unchanged, 0 held back" in result.output
    assert (tmp_path / "sheets").is_symlink() and (
        tmp_path / "sheets"
    ).resolve().parent == tmp_path / ".sheets-versions"

    custom = tmp_path / "custom"  # --out goes through the same versioned folder
    result = runner.invoke(app, ["sheets", "--db", str(db), "--soc", "29-2072", "--out", str(custom)])
    assert result.exit_code == 0, result.output
    assert custom.is_symlink() and custom.resolve().parent == tmp_path / ".custom-versions"
    assert (custom / f"{MRS}.html").is_file()

    result = runner.invoke(
        app,
        [
            "sheets",
            "--db",
            str(db),
            "--data-dir",
            str(tmp_path),
            "--career",
            "Health Information Technician",
            "--as-of",
            "2023",
            "--format",
            "html",
        ],
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "sheets-as-of-2023" / f"{CAREER}.html").is_file()

    unknown = tmp_path / "careers.toml"
    unknown.write_text('[[career]]\nname = "Health Information Technician"\nsoc = "29-9999"\n')
    result = runner.invoke(app, ["sheets", "--db", str(db), "--data-dir", str(tmp_path), "--careers", str(unknown)])
    assert result.exit_code == 0, result.output  # a warning: that career is held back, the rest is published
    assert f"held back    {CAREER}: {unknown}:3: career 'Health Information Technician' names SOC code 29-9999" in (
        result.output
    )
    bad = tmp_path / "bad.toml"
    bad.write_text('[[career]]\nname = "Health Information Technician"\nsoc = 29-2072\n')
    result = runner.invoke(app, ["sheets", "--db", str(db), "--data-dir", str(tmp_path), "--careers", str(bad)])
    assert result.exit_code == 2 and f"{bad}:3: not valid TOML" in result.output

    result = runner.invoke(app, ["sheets", "--db", str(db), "--as-of", "2019"])
    assert result.exit_code == 1 and "no release of 2019 or earlier" in result.output


# ---- careers naming codes no release holds --------------------------------------------------------


def test_a_career_naming_a_code_no_release_holds_is_held_back_and_every_other_sheet_is_published(wh, tmp_path):
    out = tmp_path / "published"
    shutil.copytree(wh.out, out, copy_function=shutil.copy2)  # a real folder, as an older install left it
    before = snapshot(out)
    shipped = Path("factsheets/careers.toml").read_text()
    config = tmp_path / "careers.toml"
    config.write_text(
        shipped.replace('soc = "31-9094"', 'soc = "31-9999"')  # the shipped career's alternative: unknown
        + '\n[[career]]\nname = "Astronaut <img src=x onerror=alert(1)>"\nsoc = "11-9111"\nslug = "astronaut"\n'
    )
    result = publish_sheets(wh.con, out_dir=out, refreshed_on=date(2026, 4, 1), careers_config=config)

    line = config.read_text().splitlines().index('soc = "31-9999"') + 1
    (held,) = result.careers_held_back
    assert (held.name, held.slug, held.where) == ("Health Information Technician", CAREER, f"{config}:{line}")
    assert held.missing == ("SOC code 31-9999 (alternative 'Medical Transcriptionist')",)
    assert (CAREER, held.reason) in result.held_back
    assert result.written == ["astronaut"]  # the new career; every other sheet is current
    assert result.unchanged == wh.second.sheets - 1 and out.is_symlink()
    after = snapshot(out)
    for name, (data, mtime) in before["files"].items():  # the held-back career's published files stay
        assert after["files"][name] == (data, mtime), name
    state = json.loads((out / STATE_FILE).read_text())["sheets"]
    assert not state[CAREER].get("withdrawn") and state["astronaut"]["title"].startswith("Astronaut <img")
    entries = changelog_entries(result)
    assert [(e["sheet"], e["kind"], e["field"]) for e in entries] == [
        ("astronaut", "created", "sheet"),
        (CAREER, "held_back", "career"),
    ]
    markdown = result.changelog_path.read_text()
    assert "Astronaut \\<img src=x onerror=alert(1)\\>" in markdown and "<img" not in markdown.replace("\\<img", "")

    selected = publish_sheets(
        wh.con, out_dir=out, refreshed_on=date(2026, 4, 2), careers_config=config, only=[f"career:{held.name}"]
    )
    assert selected.written == [] and [c.slug for c in selected.careers_held_back] == [CAREER]


def test_a_career_naming_a_code_ep_prints_on_another_line_shows_that_lines_projection(wh, tmp_path):
    # EP has no line 37-3010 Grounds maintenance workers: it prints the same four occupations as the minor group
    # 37-3000 (2024-34: 1,296,400 -> 1,342,300, +3.5%, which BLS prints as 4%; 171,600 openings a year).
    # Before: "Not published by BLS". The OOH profile of 37-3000 covers the same occupations: its words are the
    # sheet's (before: "The Occupational Outlook Handbook text for it is not in the loaded releases").
    config = tmp_path / "careers.toml"
    config.write_text('[[career]]\nname = "Grounds Maintenance Worker"\nsoc = "37-3010"\n')
    out = tmp_path / "published"
    result = publish_sheets(
        wh.con, out_dir=out, refreshed_on=RUN2, careers_config=config, only=["career:Grounds Maintenance Worker"]
    )
    assert result.written == ["grounds-maintenance-worker"]
    text = split_front_matter((out / "grounds-maintenance-worker.md").read_text(encoding="utf-8"))[1]
    assert ("Career Outlook*", "4% (2024-2034)") in table_rows(text)
    assert "to grow 4 percent from 2024 to 2034" in text and "about 171,600 openings a year" in text
    assert "Grounds maintenance workers install and maintain landscapes" in text
    assert "in its Occupational Outlook Handbook profile of Grounds Maintenance Workers" in text
    assert "not in the loaded releases" not in text
    doc = json.loads((out / "grounds-maintenance-worker.json").read_text())
    assert doc["occupation"]["soc_code"] == "37-3010"
    assert [s["program_code"] for s in doc["sources"]] == ["oews", "projections", "ooh"]


# ---- a figure the warehouse holds is never called missing -----------------------------------------


@pytest.fixture(scope="module")
def without_profiles(tmp_path_factory):
    """The 2025/2024-34 warehouse with two OOH profiles left out, as a drifted page leaves them out:
    29-2072's (a Similar Occupation of six other sheets) and 31-9094's (an alternative of the career)."""
    tmp = tmp_path_factory.mktemp("without-profiles")
    con = warehouse.connect(tmp / "warehouse.duckdb")
    load_oews(con, OEWS[-1])
    load_ep(con, EP_2024)
    load_ooh(con, without=("medical-records-and-health-information-technicians", "medical-transcriptionists"))
    result = publish_sheets(con, out_dir=tmp / "sheets", refreshed_on=RUN2)
    yield SimpleNamespace(con=con, out=tmp / "sheets", result=result)
    con.close()


def test_ep_and_oews_figures_show_by_soc_code_without_the_ooh_profile(wh, without_profiles):
    con, out = without_profiles.con, without_profiles.out
    assert one(con, "SELECT count(*) FROM latest_ooh_profiles WHERE slug LIKE 'medical-re%'") == (0,)
    wage, change = one(
        con,
        "SELECT annual_median, change_percent FROM occupation_facts f "
        "JOIN latest_projections p USING (soc_code) WHERE soc_code = '29-2072'",
    )
    assert (wage, change) == (51140.0, 7.1)
    six = [
        "25-4031-library-technicians",
        "29-2052-pharmacy-technicians",
        "29-9021-health-information-technologists-and-medical-registrars",
        "31-9097-phlebotomists",
        "43-4121-library-assistants-clerical",
        "ooh-library-technicians-and-assistants",
    ]
    for slug in six:  # the sheets the issue saw say "Its projection is not in the loaded releases"
        doc = json.loads((out / f"{slug}.json").read_text())
        (alt,) = [a for a in doc["alternatives"] if a["name"] == "Medical Records Specialists"]
        assert (alt["soc_code"], alt["median_salary"]["value"], alt["career_outlook"]["value"]) == (
            "29-2072",
            51140.0,
            7.1,
        ), slug
        assert alt["median_salary"]["provenance"]["program_code"] == "oews"
        assert alt["career_outlook"]["provenance"]["release"] == "2024-34"
        text = (out / f"{slug}.md").read_text()
        assert "$51,140 in May 2025. Employment is projected to grow 7 percent from 2024 to 2034." in text, slug
        assert "not in the loaded releases" not in text.split("### Medical Records Specialists")[1].split("###")[0]
        # what the sheet says of it is what the sheet with the profile loaded says
        full = json.loads((wh.out / f"{slug}.json").read_text())
        (same,) = [a for a in full["alternatives"] if a["soc_code"] == "29-2072"]
        assert (same["median_salary"]["text"], same["career_outlook"]["text"]) == (
            alt["median_salary"]["text"],
            alt["career_outlook"]["text"],
        )
    career = (out / f"{CAREER}.md").read_text()
    assert "| Median Salary* | $51,140 (2025) |" in career and "| Career Outlook* | 7% (2024-2034) |" in career
    transcriptionist = career.split("### Medical Transcriptionist")[1]
    assert "$40,410 in May 2025" in transcriptionist and "decline 5 percent from 2024 to 2034" in transcriptionist
    for path in out.glob("*.md"):
        assert "Its projection is not in the loaded releases" not in path.read_text(), path.name


def test_the_published_sheets_are_current_after_a_publish(wh, without_profiles):
    from factsheets.careers import load_careers_config
    from factsheets.publish import sheets_behind

    shipped = load_careers_config()
    assert sheets_behind(wh.con, wh.out, careers_config=shipped) is None
    assert sheets_behind(without_profiles.con, without_profiles.out, careers_config=shipped) is None
    assert without_profiles.result.built_from == {"oews": "2025A01", "ooh": "2024-34", "projections": "2024-34"}


def test_eps_links_name_the_occupation_of_a_profile_the_crawl_lacks(without_profiles, tmp_path):
    """With EP's occupation -> OOH links in the warehouse (table ep_ooh_links, loaded with EP), a
    profile missing from the mirror whose title is not its SOC title still shows its occupation's figures."""
    con = without_profiles.con
    if one(con, "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'ep_ooh_links'") == (0,):
        pytest.skip("this tree's EP transform does not load EP's OOH links yet (table ep_ooh_links)")
    assert one(con, "SELECT count(*) FROM latest_ooh_profiles WHERE slug = 'industrial-designers'") == (0,)
    designers = one(
        con, "SELECT annual_median, projected_change_percent FROM occupation_facts WHERE soc_code = '27-1021'"
    )
    dentists = one(con, "SELECT change_percent FROM projections WHERE soc_code = '29-1020' AND cycle = '2024-34'")
    publish_sheets(con, out_dir=tmp_path / "sheets", refreshed_on=RUN2)
    seen = {"27-1021": 0, "29-1020": 0}
    for path in (tmp_path / "sheets").glob("[!.]*.json"):
        if is_site_file(path.name):
            continue
        for alt in json.loads(path.read_text())["alternatives"]:
            if alt["name"] == "Industrial Designers":
                assert alt["soc_code"] == "27-1021" and alt["bls_title"] == "Commercial and Industrial Designers"
                assert (alt["median_salary"]["value"], alt["career_outlook"]["value"]) == designers
                seen["27-1021"] += 1
            if alt["name"] == "Dentists":  # five EP line items: their summary line, 29-1020
                assert alt["soc_code"] == "29-1020" and alt["career_outlook"]["value"] == dentists[0]
                seen["29-1020"] += 1
    assert seen["27-1021"] >= 1 and seen["29-1020"] >= 1, seen
