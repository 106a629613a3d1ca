"""The published sheets as a site: index.html, index.json, sitemap.xml, the Markdown's YAML front
matter and the shipped JSON Schema, on the real releases of ../shared (OEWS May 2024 / EP 2023-33,
then OEWS May 2025 / EP 2024-34, every OOH profile of the mirror). The browser checks are in
tests/test_site_browser.py."""

from __future__ import annotations

import html.parser
import json
import os
import shutil
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from markdown_it import MarkdownIt
from site_fixtures import CAREER, MRS, RUN1, RUN2, digest, read_only

from factsheets.careers import parse_careers_config
from factsheets.publish import STATE_FILE, publish_sheets, sheets_behind
from factsheets.site import (
    INDEX_HTML,
    INDEX_JSON,
    SITEMAP,
    SiteBaseUrlError,
    is_site_file,
    shipped_schemas,
    split_front_matter,
)

pytestmark = [pytest.mark.slow, pytest.mark.shared_data]  # whole-set publishes from real releases

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
HEALTHCARE = "Healthcare Practitioners and Technical Occupations"


class Index(html.parser.HTMLParser):
    """The index page as its reader sees it: group headings, and the entries under each."""

    def __init__(self):
        super().__init__()
        self.groups: list[dict] = []
        self.entries: list[dict] = []
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "h2" and (attrs.get("id") or "").startswith("group-"):
            self.groups.append({"id": attrs["id"], "title": "", "entries": 0})
            self._in = "h2"
        elif tag == "li" and "sheet" in (attrs.get("class") or "").split():
            self.entries.append({"search": attrs.get("data-search"), "href": None, "group": self.groups[-1]["id"]})
            self.groups[-1]["entries"] += 1
        elif tag == "a" and self.entries and self.entries[-1]["href"] is None and self._in is None:
            self.entries[-1]["href"] = attrs.get("href")
            self._in = "a"
            self.entries[-1]["title"] = ""

    def handle_endtag(self, tag):
        if tag in ("h2", "a"):
            self._in = None

    def handle_data(self, data):
        if self._in == "h2":
            self.groups[-1]["title"] += data
        elif self._in == "a":
            self.entries[-1]["title"] += data


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """Run 1 (old releases), then run 2 (new releases) into the same folder, as two nights would."""
    tmp = tmp_path_factory.mktemp("site")
    out = tmp / "sheets"
    old, new = read_only("old"), read_only("new")
    try:
        first = publish_sheets(old, out_dir=out, **RUN1)
        before = digest(out)
        second = publish_sheets(new, out_dir=out, **RUN2)
        yield SimpleNamespace(tmp=tmp, out=out, first=first, second=second, before=before, con=new)
    finally:
        old.close()
        new.close()


def manifest(folder: Path) -> dict:
    return json.loads((folder / INDEX_JSON).read_text(encoding="utf-8"))


def sheet_docs(folder: Path) -> dict[str, dict]:
    """The JSON of every sheet the folder publishes (a withdrawn sheet's files stay, unlisted)."""
    state = json.loads((folder / STATE_FILE).read_text(encoding="utf-8"))
    live = {slug for slug, prev in state["sheets"].items() if not prev.get("withdrawn")}
    docs = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in folder.glob("[!.]*.json") if p.stem in live}
    assert not any(is_site_file(f"{slug}.json") for slug in docs)
    return docs


def test_the_manifest_lists_every_published_sheet_with_its_figures_and_files(published):
    out, index = published.out, manifest(published.out)
    docs = sheet_docs(out)
    assert index["schema"] == "bls-refresh/site-index/1" and index["count"] == len(docs) == published.second.sheets
    assert {s["slug"] for s in index["sheets"]} == set(docs)
    by_slug = {s["slug"]: s for s in index["sheets"]}
    mrs = by_slug[MRS]
    assert (mrs["title"], mrs["kind"], mrs["soc_codes"], mrs["group"]) == (
        "Medical Records Specialists",
        "occupation",
        ["29-2072"],
        "29",
    )
    assert mrs["median_salary"]["text"] == "$51,140 (2025)" and mrs["median_salary"]["value"] == 51140
    assert mrs["outlook"]["text"] == docs[MRS]["summary"]["career_outlook"]["text"]
    assert mrs["outlook"]["value"] == 7.1 and mrs["outlook"]["period"] == "2024-2034"
    assert mrs["updated"] == "2026-03-01" and mrs["paths"] == {
        "html": f"{MRS}.html",
        "md": f"{MRS}.md",
        "json": f"{MRS}.json",
    }
    assert by_slug[CAREER]["kind"] == "career" and by_slug[CAREER]["soc_codes"] == ["29-2072"]
    assert any(s["kind"] == "profile" for s in index["sheets"])
    for entry in index["sheets"]:  # every file the manifest names is there; its figures are the sheet's
        doc = docs[entry["slug"]]
        assert all((out / path).is_file() for path in entry["paths"].values()), entry["slug"]
        assert entry["median_salary"]["text"] == doc["summary"]["median_salary"]["text"], entry["slug"]
        assert entry["outlook"]["text"] == doc["summary"]["career_outlook"]["text"], entry["slug"]
        assert entry["updated"] == doc["refreshed_on"] and entry["soc_codes"] == doc["occupation"]["soc_codes"]
    assert index["updated"] == max(s["updated"] for s in index["sheets"]) == "2026-03-01"
    groups = {g["code"]: g for g in index["groups"]}
    assert groups["29"]["title"] == HEALTHCARE and groups["29"]["sheets"] == sum(
        s["group"] == "29" for s in index["sheets"]
    )


def test_the_index_page_groups_the_sheets_by_occupation_group_and_links_each(published):
    out, index = published.out, manifest(published.out)
    page = Index()
    page.feed((out / INDEX_HTML).read_text(encoding="utf-8"))
    assert len(page.entries) == index["count"]
    assert [g["title"].split(" (")[0] for g in page.groups] == [g["title"] for g in index["groups"]]
    assert [g["entries"] for g in page.groups] == [g["sheets"] for g in index["groups"]]
    healthcare = next(g for g in page.groups if g["title"].startswith(HEALTHCARE))
    mrs = next(e for e in page.entries if e["href"] == f"{MRS}.html")
    assert mrs["title"] == "Medical Records Specialists" and mrs["group"] == healthcare["id"]
    assert "medical records specialists" in mrs["search"] and "29-2072" in mrs["search"]
    assert all((out / e["href"]).is_file() for e in page.entries)
    codes = [g["id"] for g in page.groups]
    assert codes == sorted(codes) and codes[0] == "group-11"


def test_the_sitemap_lists_every_page_relative_or_under_the_base_url(published, tmp_path):
    tree = ET.parse(published.out / SITEMAP)
    urls = {u.findtext(f"{SITEMAP_NS}loc"): u.findtext(f"{SITEMAP_NS}lastmod") for u in tree.getroot()}
    html_pages = sorted(p.name for p in published.out.glob("*.html"))
    assert sorted(urls) == html_pages and urls[f"{MRS}.html"] == "2026-03-01"

    site = shutil.copytree(published.tmp, tmp_path / "copy", symlinks=True) / "sheets"
    publish_sheets(published.con, out_dir=site, site_base_url="https://example.org/careers", **RUN2)
    tree = ET.parse(site / SITEMAP)
    locs = [u.findtext(f"{SITEMAP_NS}loc") for u in tree.getroot()]
    assert f"https://example.org/careers/{MRS}.html" in locs and "https://example.org/careers/index.html" in locs
    assert manifest(site)["base_url"] == "https://example.org/careers/"
    with pytest.raises(SiteBaseUrlError, match="expected an absolute http"):
        publish_sheets(published.con, out_dir=site, site_base_url="example.org/careers", **RUN2)


def test_every_markdown_sheet_has_yaml_front_matter_and_a_body_that_still_renders(published):
    renderer = MarkdownIt("commonmark").enable("table")
    docs = sheet_docs(published.out)
    for slug, doc in docs.items():
        text = (published.out / f"{slug}.md").read_text(encoding="utf-8")
        assert text.startswith("---\n"), slug
        front, body = split_front_matter(text)
        meta = yaml.safe_load(front)
        assert set(meta) == {"title", "slug", "soc", "updated", "description"}, slug
        assert (meta["title"], meta["slug"], meta["soc"]) == (doc["heading"], slug, doc["occupation"]["soc_codes"])
        assert meta["updated"] == date.fromisoformat(doc["refreshed_on"])  # a YAML date, as generators expect
        assert meta["description"].startswith(doc["heading"])
        rendered = renderer.render(body)
        assert rendered.startswith(f"<h1>{doc['heading'].replace('&', '&amp;')}</h1>"), slug
        assert "<table>" in rendered and "<hr" in rendered and "title:" not in rendered


def test_front_matter_stays_yaml_whatever_a_title_holds(tmp_path):
    name = 'Coder: "Senior" <b>bold</b> #1 & - [x] {y}'
    config = parse_careers_config(f"[[career]]\nname = '{name}'\nslug = 'coder'\nsoc = '29-2072'\n")
    with read_only("new") as con:
        publish_sheets(con, out_dir=tmp_path / "sheets", careers_config=config, only=["career:" + name], **RUN2)
    front, body = split_front_matter((tmp_path / "sheets" / "coder.md").read_text(encoding="utf-8"))
    assert yaml.safe_load(front)["title"] == f"{name} Career Requirements"
    assert "<b>" not in front and "<b>" not in body  # markup stays text in both


def test_site_files_are_rewritten_only_when_their_content_changes(published, tmp_path):
    site = shutil.copytree(published.tmp, tmp_path / "copy", symlinks=True, copy_function=shutil.copy2) / "sheets"
    names = [INDEX_HTML, INDEX_JSON, SITEMAP]
    before = {n: (site / n).stat() for n in names}
    again = publish_sheets(published.con, out_dir=site, refreshed_on=date(2026, 3, 2), run_id="again")
    assert again.written == []
    for name in names:  # the new version holds the same inode: a hard link to the previous version's file
        now = (site / name).stat()
        assert (now.st_ino, now.st_mtime_ns) == (before[name].st_ino, before[name].st_mtime_ns), name
    # run 2 changed the figures: the index of run 1 and that of run 2 differ
    old_index = published.before[INDEX_JSON]
    assert old_index != digest(site)[INDEX_JSON]


def test_a_publish_of_a_few_sheets_keeps_every_sheet_in_the_index(published, tmp_path):
    site = shutil.copytree(published.tmp, tmp_path / "copy", symlinks=True) / "sheets"
    full = manifest(site)
    result = publish_sheets(
        published.con, out_dir=site, only=["soc:29-2072"], refreshed_on=date(2026, 3, 5), run_id="one"
    )
    assert result.sheets == 2 and result.written == []
    assert manifest(site) == full


def test_the_index_follows_a_sheet_whose_figures_changed(tmp_path):
    old, new = read_only("old"), read_only("new")
    try:
        publish_sheets(old, out_dir=tmp_path / "sheets", **RUN1)
        index = {s["slug"]: s for s in manifest(tmp_path / "sheets")["sheets"]}
        assert index[MRS]["median_salary"]["text"] == "$50,250 (2024)" and index[MRS]["updated"] == "2026-02-01"
        publish_sheets(new, out_dir=tmp_path / "sheets", **RUN2)
    finally:
        old.close()
        new.close()
    index = {s["slug"]: s for s in manifest(tmp_path / "sheets")["sheets"]}
    assert index[MRS]["median_salary"]["text"] == "$51,140 (2025)" and index[MRS]["updated"] == "2026-03-01"


def test_sheets_behind_notices_a_site_made_with_another_base_url(published, tmp_path):
    site = shutil.copytree(published.tmp, tmp_path / "copy", symlinks=True) / "sheets"
    assert sheets_behind(published.con, site) is None
    behind = sheets_behind(published.con, site, site_base_url="https://example.org/")
    assert behind == "the site index (index.html, index.json, sitemap.xml) is not what publishing now makes"
    publish_sheets(published.con, out_dir=site, site_base_url="https://example.org/", **RUN2)
    assert sheets_behind(published.con, site, site_base_url="https://example.org/") is None


def test_the_json_schema_ships_with_the_sheets_and_every_sheet_validates(published):
    schemas = shipped_schemas()
    if not schemas:
        pytest.skip("TODO: factsheets/schema/*.json (the fact-sheet JSON Schema, branch h-content) is not merged yet")
    import jsonschema

    docs = sheet_docs(published.out)
    for name, data in schemas.items():
        assert (published.out / name).read_bytes() == data
        if name.startswith("area-"):  # area sheets: tests/factsheets/test_area_sheets.py
            continue
        schema = json.loads(data)
        validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
        for slug, doc in docs.items():
            errors = sorted(validator.iter_errors(doc), key=str)
            assert not errors, (name, slug, errors[0].message)
    assert manifest(published.out)["sheet_schema"] == "fact-sheet-1.schema.json" in schemas


def test_the_site_is_part_of_the_version_a_reader_resolves(published):
    real = Path(os.path.realpath(published.out))
    assert real.parent.name == ".sheets-versions"
    assert all((real / name).is_file() for name in (INDEX_HTML, INDEX_JSON, SITEMAP))
