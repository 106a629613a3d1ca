"""The fault matrix: every fault a night can meet, run the way an operator runs it (`bls-refresh run`
as a process, against a real local server over real BLS files), each with its exit status, a
fragment of its message, and what it leaves behind.

Tonight's news at BLS is one revised file (the `change` of a row); the fault hits that file. A row
then asserts one of:
* UNCHANGED: the warehouse (release ids, row counts, a content hash per table) and the published
  sheets (sha256 of every file) are exactly as before the night;
* RECOVERED: the run got over the fault and left exactly what an uninterrupted night leaves.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import lxml.html
import openpyxl
import pytest
from bls_files import REPO, SAMPLE, SHARED
from extractor_helpers import run_on_small_tmpfs
from faultserver import Fault, FaultyMirror

EP = "/www.bls.gov/emp/ind-occ-matrix/occupation.xlsx"
OE_DATA = "/download.bls.gov/pub/time.series/oe/oe.data.0.Current"
ZIP = "/www.bls.gov/oes/special-requests/oesm25nat.zip"
RECORDS_PAGE = "/www.bls.gov/ooh/healthcare/medical-records-and-health-information-technicians.htm"
OOH_PAGES = ["healthcare/*.htm", "management/medical-and-health-services-managers.htm"]
VOLATILE_TYPES = ("TIMESTAMP", "TIMESTAMP WITH TIME ZONE", "DATE")  # when a night ran, not what it loaded

pytestmark = [pytest.mark.slow, pytest.mark.shared_data]  # the site adds OOH pages of ../shared to the sample


# ---- the site: the bundled sample plus a slice of the OOH, served with faults ----------------


def build_site(root: Path) -> None:
    shutil.copytree(SAMPLE, root)
    ooh = SHARED / "bls-mirror" / "www.bls.gov" / "ooh"
    kept = set()
    for pattern in OOH_PAGES:
        for page in ooh.glob(pattern):
            target = root / "www.bls.gov" / "ooh" / page.relative_to(ooh)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(page, target)
            kept.add("/ooh/" + page.relative_to(ooh).as_posix())
    index = lxml.html.fromstring((ooh / "a-z-index.htm").read_bytes())
    for link in index.iter("a"):
        href = (link.get("href") or "").replace("https://www.bls.gov", "")
        if href.startswith("/ooh/") and href.count("/") == 3 and href not in kept:
            link.drop_tree()
    (root / "www.bls.gov" / "ooh" / "a-z-index.htm").write_bytes(lxml.html.tostring(index))
    zip_target = root / ZIP.lstrip("/")
    zip_target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(SHARED / "bls-mirror" / ZIP.lstrip("/"), zip_target)


@functools.cache
def revised_workbook(root: Path, *, rename: str | None = None, value: object = 208.7) -> bytes:
    """BLS re-issues EP 2024-34 with 29-2072's 2034 employment corrected (or a broken variant)."""
    book = openpyxl.load_workbook(root / EP.lstrip("/"))
    sheet = book["Table 1.2"]
    for row in sheet.iter_rows():
        if rename and any(c.value == rename for c in row):
            next(c for c in row if c.value == rename).value = rename + " (renamed)"
        if row[1].value == "29-2072":
            row[4].value = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@functools.cache
def revised_flat_file(root: Path) -> bytes:
    """BLS re-issues the flat file with one national figure of 29-2072 changed."""
    text = (root / OE_DATA.lstrip("/")).read_text()
    return text.replace("51140", "51150", 1).encode()


@functools.cache
def drifted_page(root: Path) -> bytes:
    page = lxml.html.fromstring((root / RECORDS_PAGE.lstrip("/")).read_bytes())
    for table in page.xpath("//table[@id='quickfacts']"):
        table.drop_tree()
    return lxml.html.tostring(page)


@functools.cache
def page_with_script(root: Path) -> bytes:
    page = (root / RECORDS_PAGE.lstrip("/")).read_bytes()
    marker = b"</h2>"
    at = page.index(marker, page.index(b'id="tab-2"')) + len(marker)
    poison = (
        b"<p>Coders never type &lt;script&gt; into a chart.</p><script>alert(1)</script><img src=x onerror=alert(2)>"
    )
    return page[:at] + poison + page[at:]


# ---- what a night leaves --------------------------------------------------------------------


def warehouse_state(path: Path) -> dict[str, tuple[int, str]]:
    """Per table: row count and a hash of every row (timestamps of the run left out)."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        state = {}
        for (table,) in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall():
            columns = [
                f'"{name}"'
                for name, kind in con.execute(
                    "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ? ORDER BY column_index",
                    [table],
                ).fetchall()
                if kind not in VOLATILE_TYPES and name not in ("run_id", "archive_path")
            ]
            rows = con.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY ALL").fetchall()
            state[table] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
        return state
    finally:
        con.close()


def sheets_state(folder: Path, *, changelog: bool = True) -> dict[str, str]:
    folder = folder.resolve()
    return {
        str(f.relative_to(folder)): hashlib.sha256(f.read_bytes()).hexdigest()
        for f in sorted(folder.rglob("*"))
        if f.is_file() and (changelog or "changelog" not in f.relative_to(folder).parts)
    }


FETCH_TIME = re.compile(r"fetched \d{4}-\d\d-\d\dT[\d:.]+\+00:00")


def sheets_content(folder: Path) -> dict[str, object]:
    """What the sheets say, without when their figures were fetched: the Markdown as it is, the JSON
    without fetch times (a rerun fetches again). The HTML renders the same content."""
    folder = folder.resolve()
    said: dict[str, object] = {}
    for f in sorted(folder.rglob("*")):
        name = str(f.relative_to(folder))
        if f.suffix == ".md" and "changelog" not in f.parts:
            said[name] = FETCH_TIME.sub("fetched (time)", f.read_text())
        elif f.suffix == ".json" and f.parent == folder:
            said[name] = without_fetch_times(json.loads(f.read_text()))
    return said


def without_fetch_times(value: object) -> object:
    if isinstance(value, dict):
        return {k: without_fetch_times(v) for k, v in value.items() if k not in ("fetched_at", "generated_at")}
    if isinstance(value, list):
        return [without_fetch_times(v) for v in value]
    return value


@dataclass
class Snapshot:
    warehouse: dict[str, tuple[int, str]]
    sheets: dict[str, str]
    content: dict[str, object]

    @classmethod
    def of(cls, data: Path) -> Snapshot:
        sheets = data / "sheets"
        return cls(warehouse_state(data / "warehouse.duckdb"), sheets_state(sheets), sheets_content(sheets))


# ---- running the CLI ------------------------------------------------------------------------


@dataclass
class Site:
    root: Path
    server: FaultyMirror
    baseline: Path  # a data folder after a good first night
    before: Snapshot
    work: Path

    def env(self, data: Path, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("BLS_REFRESH_")}
        env.update(
            BLS_REFRESH_DATA_DIR=str(data),
            BLS_REFRESH_WWW_BASE_URL=self.server.www,
            BLS_REFRESH_DOWNLOAD_BASE_URL=self.server.download,
            BLS_REFRESH_OEWS_FORM="flatfiles",
            BLS_REFRESH_OEWS_NEWEST_YEAR="2025",
            BLS_REFRESH_SOURCES="oews,projections,ooh",
            BLS_REFRESH_CONTACT="faults@example.org",
            BLS_REFRESH_MAX_RETRIES="2",
            BLS_REFRESH_BACKOFF_FACTOR="0",
            BLS_REFRESH_LOCK_TIMEOUT="120",
        )
        env.update(extra)
        return env

    def fresh_data(self, name: str) -> Path:
        data = self.work / name
        shutil.copytree(self.baseline, data, symlinks=True)
        return data


@contextmanager
def tonight(site: Site, change: str = "ep") -> Iterator[str]:
    """BLS publishes a revised file: the mirror serves it (new validators) until the block ends."""
    path, revise = CHANGES[change]
    target = site.root / path.lstrip("/")
    original, stat = target.read_bytes(), target.stat()
    target.write_bytes(revise(site.root))
    try:
        yield path
    finally:
        site.server.clear_faults()
        target.write_bytes(original)
        os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def cli(env: dict[str, str], *args: str) -> list[str]:
    return [sys.executable, "-m", "flows.cli", "run", "--no-prefect", *args]


def run_cli(env: dict[str, str], *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cli(env, *args), cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Site:
    work = tmp_path_factory.mktemp("faults")
    root = work / "mirror"
    build_site(root)
    with FaultyMirror(root) as server:
        baseline = work / "baseline"
        made = Site(root, server, baseline, Snapshot({}, {}, {}), work)
        done = run_cli(made.env(baseline))
        assert done.returncode == 0, done.stdout + done.stderr
        made.before = Snapshot.of(baseline)
        yield made


@pytest.fixture(scope="module")
def uninterrupted(site) -> Callable[[str], Snapshot]:
    """What a night without faults leaves, per kind of news (computed once each)."""
    cache: dict[str, Snapshot] = {}

    def of(change: str) -> Snapshot:
        if change not in cache:
            data = site.fresh_data(f"uninterrupted-{change}")
            with tonight(site, change):
                done = run_cli(site.env(data))
            assert done.returncode == 0, done.stdout + done.stderr
            cache[change] = Snapshot.of(data)
        return cache[change]

    return of


def unchanged_zip(root: Path) -> bytes:
    return (root / ZIP.lstrip("/")).read_bytes()


CHANGES: dict[str, tuple[str, Callable[[Path], bytes]]] = {
    "ep": (EP, revised_workbook),
    "oews": (OE_DATA, revised_flat_file),
    "zip": (ZIP, unchanged_zip),  # the zip form: a night whose OEWS file is new to the warehouse
}


# ---- the matrix -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    name: str
    exit: int
    says: str  # a fragment of the output (stdout + stderr)
    outcome: str  # unchanged | recovered
    change: str = "ep"  # which file BLS revised tonight (the fault hits it)
    fault: dict = field(default_factory=dict)  # Fault fields layered over the revised body
    body: Callable[[Path], bytes] | None = None  # a broken body instead of the revised one
    env: dict = field(default_factory=dict)
    args: tuple[str, ...] = ()
    then_recovers: bool = False  # a second run without the fault recovers

    def __str__(self) -> str:
        return self.name


WIRE_ROWS = [
    Row("403", 1, "403 Forbidden", "unchanged", fault={"status": 403}),
    Row("404", 1, "answered 404", "unchanged", fault={"status": 404}),
    Row("429 with Retry-After", 0, "", "recovered", fault={"status": 429, "retry_after": "1", "times": 1}),
    Row("503 then 200", 0, "", "recovered", fault={"status": 503, "times": 2}),
    Row("connection reset mid-body", 0, "", "recovered", fault={"reset_after": 4096, "times": 1}),
    Row(
        "body cut short without Content-Length",
        1,
        "oews",
        "unchanged",
        change="oews",
        fault={"cut_after": 300_001, "content_length": False, "times": 1},
        then_recovers=True,
    ),
    Row(
        "slow trickle past the deadline",
        1,
        "deadline",
        "unchanged",
        fault={"trickle": 4000},
        env={"BLS_REFRESH_DOWNLOAD_DEADLINE": "1"},
    ),
    Row("truncated xlsx", 1, "occupation.xlsx", "unchanged", fault={"truncate_to": 9000}),
    Row(
        "truncated zip",
        1,
        "oesm25nat.zip",
        "unchanged",
        change="zip",
        fault={"truncate_to": 100_000},
        env={"BLS_REFRESH_OEWS_FORM": "national_zip"},
    ),
    Row(
        "renamed column",
        1,
        "Matrix title",
        "unchanged",
        body=lambda r: revised_workbook(r, rename="2024 National Employment Matrix title"),
    ),
    Row("non-numeric value", 1, "found 'n/a'", "unchanged", body=lambda r: revised_workbook(r, value="n/a")),
]


@pytest.mark.parametrize("row", WIRE_ROWS, ids=str)
def test_a_fault_on_the_wire_or_in_a_file(site, uninterrupted, row: Row):
    data = site.fresh_data(f"row-{row.name.replace(' ', '-')}")
    with tonight(site, row.change) as path:
        broken = {"body": row.body(site.root)} if row.body else {}
        site.server.set_fault(path, Fault(**broken, **row.fault))
        done = run_cli(site.env(data, **row.env), *row.args)
        after = Snapshot.of(data)
        site.server.clear_faults()
        again = run_cli(site.env(data, **row.env), *row.args) if row.then_recovers else None
    output = done.stdout + done.stderr
    assert done.returncode == row.exit, output
    assert row.says in output, output
    assert "Traceback" not in output, output
    if row.outcome == "unchanged":
        assert after.warehouse == site.before.warehouse
        assert after.sheets == site.before.sheets
    else:
        expected = uninterrupted(row.change)
        assert after.warehouse == expected.warehouse
        assert after.content == expected.content
    if again is not None:
        assert again.returncode == 0, again.stdout + again.stderr
        assert Snapshot.of(data).warehouse == uninterrupted(row.change).warehouse


# ---- faults in the pages --------------------------------------------------------------------


def run_with_records_page(site: Site, data: Path, page: bytes) -> tuple[subprocess.CompletedProcess[str], str]:
    """A night with the medical records page served as `page`: how it ended and all it printed."""
    site.server.set_fault(RECORDS_PAGE, Fault(body=page))
    try:
        done = run_cli(site.env(data))
    finally:
        site.server.clear_faults()
    return done, done.stdout + done.stderr


def test_a_drifted_ooh_page_keeps_its_last_good_rows_and_changes_no_sheet(site):
    data = site.fresh_data("drifted-page")
    done, output = run_with_records_page(site, data, drifted_page(site.root))
    assert done.returncode == 0, output
    assert "PARTIAL" in output and "carried forward" in output, output
    after = Snapshot.of(data)
    for table in ("ooh_profiles", "ooh_quick_facts", "ooh_profile_soc", "ooh_sections", "ooh_similar"):
        assert after.warehouse[table] == site.before.warehouse[table], table
    assert sheets_state(data / "sheets", changelog=False) == {
        k: v for k, v in site.before.sheets.items() if not k.startswith("changelog")
    }


def test_script_text_in_a_page_is_text_and_the_page_loads(site):
    data = site.fresh_data("script-page")
    done, output = run_with_records_page(site, data, page_with_script(site.root))
    assert done.returncode == 0 and "PARTIAL" not in output, output
    sheets = (data / "sheets").resolve()
    published = "".join(
        p.read_text() for p in sheets.rglob("*") if p.is_file() and p.suffix in (".md", ".html", ".json")
    )
    assert "never type" in published  # the paragraph made it
    assert "<script>alert" not in published and "onerror=alert" not in published


# ---- processes killed with SIGKILL ----------------------------------------------------------


def kill_when(process: subprocess.Popen, ready: Callable[[], bool], timeout: float = 120) -> None:
    give_up = time.monotonic() + timeout
    while not ready():
        if process.poll() is not None:
            pytest.fail(f"the run ended (exit {process.returncode}) before the moment to kill it came")
        if time.monotonic() > give_up:
            process.kill()
            pytest.fail("the moment to kill the run never came")
        time.sleep(0.001)
    process.send_signal(signal.SIGKILL)
    process.wait()


def staged_exists(data: Path) -> Callable[[], bool]:
    return lambda: (data / "warehouse.next.duckdb").exists()


def publishing(data: Path, before: set[str]) -> Callable[[], bool]:
    versions = data / ".sheets-versions"
    return lambda: versions.is_dir() and bool({p.name for p in versions.iterdir()} - before)


@pytest.mark.parametrize("moment", ["fetch", "load", "publish"])
def test_a_run_killed_mid_night_then_rerun_equals_an_uninterrupted_night(site, uninterrupted, moment):
    data = site.fresh_data(f"killed-{moment}")
    versions = data / ".sheets-versions"
    before_versions = {p.name for p in versions.iterdir()} if versions.is_dir() else set()
    env = site.env(data)
    with tonight(site):
        if moment == "fetch":
            site.server.set_fault(EP, Fault(trickle=20_000))
        site.server.reset_log()
        run = subprocess.Popen(cli(env), cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        ready = {
            "fetch": lambda: site.server.requests(EP) > 0,
            "load": staged_exists(data),
            "publish": publishing(data, before_versions),
        }[moment]
        kill_when(run, ready)
        # Whatever the moment, readers see a whole set: the old one until a night completes.
        assert Snapshot.of(data).sheets == site.before.sheets
        if moment != "publish":
            assert warehouse_state(data / "warehouse.duckdb") == site.before.warehouse
        site.server.clear_faults()
        again = run_cli(env)
    assert again.returncode == 0, again.stdout + again.stderr
    expected = uninterrupted("ep")
    assert warehouse_state(data / "warehouse.duckdb") == expected.warehouse
    assert sheets_content(data / "sheets") == expected.content
    assert not list((data / "raw" / ".partial").glob("*.part"))


# ---- others holding the warehouse, and each other ------------------------------------------


def test_two_runs_at_once_one_waits_and_both_succeed(site, uninterrupted):
    data = site.fresh_data("two-at-once")
    env = site.env(data)
    with tonight(site):
        runs = [
            subprocess.Popen(cli(env), cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            for _ in range(2)
        ]
        outputs = [r.communicate(timeout=300)[0] for r in runs]
    assert [r.returncode for r in runs] == [0, 0], outputs
    assert warehouse_state(data / "warehouse.duckdb") == uninterrupted("ep").warehouse


def test_a_read_only_analyst_during_a_load_keeps_reading_the_old_state(site, uninterrupted):
    data = site.fresh_data("analyst-reading")
    analyst = duckdb.connect(str(data / "warehouse.duckdb"), read_only=True)
    query = "SELECT employment_target FROM latest_projections WHERE soc_code = '29-2072'"
    try:
        assert analyst.execute(query).fetchone() == (208600,)
        with tonight(site):
            done = run_cli(site.env(data))
        assert done.returncode == 0, done.stdout + done.stderr
        assert analyst.execute(query).fetchone() == (208600,)  # a consistent old state until reconnecting
    finally:
        analyst.close()
    assert warehouse_state(data / "warehouse.duckdb") == uninterrupted("ep").warehouse


def test_a_read_write_holder_stops_the_run_before_fetching(site):
    data = site.fresh_data("held-for-writing")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, time; c = duckdb.connect({str(data / 'warehouse.duckdb')!r}); print('open', flush=True); time.sleep(120)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "open"
        site.server.reset_log()
        done = run_cli(site.env(data))
    finally:
        holder.kill()
        holder.wait()
    output = done.stdout + done.stderr
    assert done.returncode == 75, output
    assert f"PID {holder.pid}" in output and "read-only" in output and "Traceback" not in output
    assert not site.server.log  # nothing was fetched
    assert Snapshot.of(data).warehouse == site.before.warehouse


# ---- the careers config ---------------------------------------------------------------------


def test_a_careers_config_that_is_not_toml_stops_the_run_before_fetching(site, tmp_path):
    data = site.fresh_data("bad-careers")
    careers = tmp_path / "careers.toml"
    careers.write_text('[[career]]\nname = "Health Information Technician"\nsoc = 29-2072\n')
    site.server.reset_log()
    done = run_cli(site.env(data), "--careers", str(careers))
    output = done.stdout + done.stderr
    assert done.returncode == 2, output
    assert f"{careers}:3" in output and "Traceback" not in output
    assert not site.server.log
    assert Snapshot.of(data).warehouse == site.before.warehouse and Snapshot.of(data).sheets == site.before.sheets


def test_an_unknown_career_code_holds_back_that_career_and_publishes_the_rest(site, uninterrupted, tmp_path):
    data = site.fresh_data("unknown-career")
    careers = tmp_path / "careers.toml"
    shipped = (REPO / "factsheets" / "careers.toml").read_text()
    careers.write_text(shipped + '\n[[career]]\nname = "Starship Pilot"\nsoc = "99-9999"\n')
    with tonight(site):
        done = run_cli(site.env(data), "--careers", str(careers))
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "Starship Pilot" in output and "99-9999" in output
    assert warehouse_state(data / "warehouse.duckdb") == uninterrupted("ep").warehouse
    sheets = (data / "sheets").resolve()
    assert (sheets / "health-information-technician.md").exists()
    assert not list(sheets.glob("starship-pilot*"))


# ---- the disk and the warehouse file --------------------------------------------------------


def test_a_corrupt_warehouse_file_stops_the_run_and_is_left_as_it_is(site):
    data = site.fresh_data("corrupt")
    (data / "warehouse.duckdb").write_bytes(b"not a database" * 1000)
    done = run_cli(site.env(data))
    output = done.stdout + done.stderr
    assert done.returncode == 65, output
    assert "not a readable DuckDB warehouse" in output and "Traceback" not in output
    assert (data / "warehouse.duckdb").read_bytes() == b"not a database" * 1000
    assert sheets_state(data / "sheets") == site.before.sheets


def du(folder: Path) -> int:
    """Bytes the folder takes on a disk (whole blocks, as a tmpfs counts them)."""
    return sum(-(-f.stat().st_size // 4096) * 4096 for f in folder.rglob("*") if f.is_file() and not f.is_symlink())


@pytest.mark.parametrize("disk", ["full", "read-only"])
def test_a_full_or_read_only_disk_stops_the_run_naming_the_path(site, tmp_path, disk):
    mount = tmp_path / "disk"
    # Room for the night's downloads, not for the staged copy of the warehouse.
    size = du(site.baseline) + 512 * 1024 if disk == "full" else 64 * 1024 * 1024
    data = mount / "data"
    remount = f" && mount -o remount,ro {mount}" if disk == "read-only" else ""
    # The tmpfs lives as long as the namespace: what the night left is hashed inside it, after the run.
    state = f"cd {data} && find . -type f ! -path './raw/*' ! -name '*.lock' ! -name '*.holder' ! -name last-run.json -exec sha256sum {{}} + | sort -k2"
    script = f'cp -a {site.baseline} {data}{remount} && {{ "$@"; status=$?; echo "==state=="; {state}; exit $status; }}'
    env = site.env(data)
    command = ["env", "-i", *[f"{k}={v}" for k, v in env.items()], *cli(env)]
    with tonight(site):
        done = run_on_small_tmpfs(mount, ["sh", "-c", script, "sh", *command], size=str(size))
    printed, _, after = done.stdout.partition("==state==")
    output = printed + done.stderr
    assert done.returncode == 74, output
    assert str(mount) in output and "Traceback" not in output, output
    assert ("full" in output) if disk == "full" else ("read-only" in output or "not writable" in output)
    before = subprocess.run(["sh", "-c", state.replace(str(data), str(site.baseline))], capture_output=True, text=True)
    assert after.split() == before.stdout.split()  # the warehouse and every published file as they were
