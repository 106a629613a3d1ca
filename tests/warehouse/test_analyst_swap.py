"""Read while it refreshes: a reader process holding the warehouse open never blocks the refresh and
never sees a half-loaded release; it sees the old release until it reconnects, then the new one."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import textwrap

import duckdb
import pytest
from analyst_fixtures import archive_releases, flat_record

import warehouse
from transforms.oews import read_flatfiles
from warehouse.load import load_release
from warehouse.queries import latest_release_id, release_with_sha
from warehouse.swap import (
    NightlyWarehouse,
    StagingError,
    open_reader,
    staged_path,
    staged_warehouse,
    wal_path,
)

# An analyst's session: plain DuckDB, a read-only connection kept open, driven over stdin.
READER = textwrap.dedent(
    """
    import json, sys
    import duckdb

    path = sys.argv[1]
    con = duckdb.connect(path, read_only=True)

    def state():
        latest = con.execute("SELECT release_id FROM latest_releases WHERE source = 'oews'").fetchone()[0]
        rows = con.execute("SELECT count(*) FROM oews_estimates WHERE release_id = '2025A01'").fetchone()[0]
        print(json.dumps({"latest": latest, "rows_2025": rows}), flush=True)

    state()
    for command in sys.stdin:
        command = command.strip()
        if command == "reconnect":
            con.close()
            con = duckdb.connect(path, read_only=True)
        elif command == "quit":
            break
        state()
    con.close()
    """
)


class Reader:
    def __init__(self, path):
        self.process = subprocess.Popen(
            [sys.executable, "-c", READER, str(path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.first = self._answer()

    def _answer(self) -> dict:
        line = self.process.stdout.readline()
        if not line:
            raise AssertionError(f"reader died: {self.process.stderr.read()}")
        return json.loads(line)

    def ask(self, command: str = "query") -> dict:
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return self._answer()

    def finish(self) -> tuple[int, str]:
        self.process.stdin.write("quit\n")
        self.process.stdin.flush()
        self.process.stdin.close()
        code = self.process.wait(timeout=60)
        return code, self.process.stderr.read()


@pytest.fixture
def live(tmp_path, shared_data):
    """A warehouse holding OEWS May 2022-2024 (national zips): the release before the refresh."""
    path = tmp_path / "warehouse.duckdb"
    con = warehouse.connect(path)
    for record, release in archive_releases()[:3]:
        load_release(con, record, release)
    con.close()
    return path


def test_a_refresh_completes_while_a_reader_holds_the_warehouse(live, slice_paths):
    reader = Reader(live)
    try:
        assert reader.first == {"latest": "2024A01", "rows_2025": 0}
        seen_mid_load = []

        release = read_flatfiles(slice_paths, areas="all", chunk_rows=5_000)

        def chunks_asking_the_reader():
            for number, chunk in enumerate(release.chunks("oews_estimates"), start=1):
                if number == 6:  # several chunks are in the staged copy by now
                    seen_mid_load.append(reader.ask())
                yield chunk

        with staged_warehouse(live) as con:
            asking = dataclasses.replace(
                release, tables={**release.tables, "oews_estimates": chunks_asking_the_reader()}
            )
            counts = load_release(con, flat_record(release), asking)
            assert (
                con.execute("SELECT count(*) FROM oews_estimates WHERE release_id = '2025A01'").fetchone()[0]
                == counts["oews_estimates"]
                > 0
            )
            # Loaded into the staged copy, not swapped in yet: invisible to the reader.
            seen_before_swap = reader.ask()

        # Swapped in. The reader's open connection still reads the old file...
        seen_after_swap = reader.ask()
        # ...until it reconnects.
        seen_after_reconnect = reader.ask("reconnect")
    finally:
        code, errors = reader.finish()

    old = {"latest": "2024A01", "rows_2025": 0}
    assert seen_mid_load == [old] and seen_before_swap == old and seen_after_swap == old
    assert seen_after_reconnect == {"latest": "2025A01", "rows_2025": counts["oews_estimates"]}
    assert code == 0 and errors == ""
    assert not staged_path(live).exists() and not wal_path(live).exists()


def test_without_staging_a_reader_would_block_the_writer(live):
    """Why the staging exists: DuckDB refuses a writer while another process reads the file."""
    reader = Reader(live)
    try:
        with pytest.raises(duckdb.IOException, match="lock"):
            duckdb.connect(str(live))
    finally:
        code, _ = reader.finish()
    assert code == 0


def test_a_failed_refresh_leaves_the_live_warehouse_and_no_staged_file(live, slice_paths):
    before = live.read_bytes()
    with pytest.raises(RuntimeError, match="boom"):
        with staged_warehouse(live) as con:
            release = read_flatfiles(slice_paths, areas="all")
            load_release(con, flat_record(release), release)
            raise RuntimeError("boom")
    assert live.read_bytes() == before
    assert not staged_path(live).exists() and not wal_path(staged_path(live)).exists()
    con = duckdb.connect(str(live), read_only=True)
    assert con.execute("SELECT max(release_id) FROM releases").fetchone() == ("2024A01",)
    con.close()


def test_the_first_staging_creates_the_warehouse(tmp_path, slice_paths):
    path = tmp_path / "new" / "warehouse.duckdb"
    with staged_warehouse(path) as con:
        release = read_flatfiles(slice_paths, areas="national")
        load_release(con, flat_record(release), release)
    con = duckdb.connect(str(path), read_only=True)
    assert con.execute("SELECT release_id FROM releases").fetchall() == [("2025A01",)]
    assert con.execute("SELECT max(version) FROM schema_migrations").fetchone()[0] >= 5
    con.close()


def test_only_one_staging_at_a_time(live):
    with staged_warehouse(live):
        with pytest.raises(StagingError, match="another refresh"):
            with staged_warehouse(live):
                pass


def test_a_write_ahead_log_left_by_a_crashed_writer_is_folded_in_first(live):
    crash = textwrap.dedent(
        """
        import os, sys, duckdb
        con = duckdb.connect(sys.argv[1])
        con.execute("SET checkpoint_threshold = '1GB'")
        con.execute("DELETE FROM oews_estimates WHERE release_id = '2022A01'")
        con.execute("DELETE FROM releases WHERE release_id = '2022A01'")
        os._exit(0)  # no close, no checkpoint: the change lives only in the WAL
        """
    )
    subprocess.run([sys.executable, "-c", crash, str(live)], check=True)
    assert wal_path(live).exists()
    with staged_warehouse(live) as con:
        assert con.execute("SELECT count(*) FROM releases WHERE release_id = '2022A01'").fetchone() == (0,)
    assert not wal_path(live).exists()
    con = duckdb.connect(str(live), read_only=True)
    assert [r[0] for r in con.execute("SELECT release_id FROM releases ORDER BY 1").fetchall()] == [
        "2023A01",
        "2024A01",
    ]
    con.close()


# --------------------------------------------------------------------------- the nightly run's handle


def test_a_no_op_night_copies_nothing(live):
    before = live.stat()
    reader = Reader(live)
    try:
        with NightlyWarehouse(live) as wh:
            assert release_with_sha(wh.reader(), "oews", "sha-oesm24nat.zip") == "2024A01"
            assert not wh.staging
        assert not wh.swapped
    finally:
        code, _ = reader.finish()
    after = live.stat()
    assert (after.st_ino, after.st_mtime_ns, after.st_size) == (before.st_ino, before.st_mtime_ns, before.st_size)
    assert not staged_path(live).exists() and code == 0


def test_a_loading_night_stages_once_and_swaps_once(live, slice_paths):
    reader = Reader(live)
    try:
        old_connection = duckdb.connect(str(live), read_only=True)  # this process holds the old file too
        with NightlyWarehouse(live) as wh:
            assert release_with_sha(wh.reader(), "oews", "sha-oews-slice") is None
            release = read_flatfiles(slice_paths, areas="all")
            load_release(wh.writer(), flat_record(release), release)
            first = wh.writer()
            record, ep = archive_releases()[-1]  # EP 2024-34
            load_release(wh.writer(), record, ep)
            assert wh.writer() is first and wh.reader() is first  # one staged copy for the night
            assert release_with_sha(wh.reader(), "oews", "sha-oews-slice") == "2025A01"
            assert reader.ask() == {"latest": "2024A01", "rows_2025": 0}
        assert wh.swapped
        # The old connection still sees the old file; a fresh reader sees the swapped-in one.
        assert old_connection.execute("SELECT count(*) FROM releases").fetchone() == (3,)
        fresh = open_reader(live)
        assert fresh.execute("SELECT count(*) FROM releases").fetchone() == (5,)
        fresh.close()
        old_connection.close()
        assert reader.ask("reconnect")["latest"] == "2025A01"
    finally:
        code, errors = reader.finish()
    assert code == 0 and errors == ""


def test_a_night_that_fails_after_writing_publishes_nothing(live, slice_paths):
    before = live.read_bytes()
    with pytest.raises(RuntimeError):
        with NightlyWarehouse(live) as wh:
            record, ep = archive_releases()[-1]
            load_release(wh.writer(), record, ep)
            raise RuntimeError("the run broke after a load")
    assert live.read_bytes() == before and not staged_path(live).exists()


@pytest.mark.shared_data
def test_the_first_night_creates_the_warehouse_only_when_it_loads(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    with NightlyWarehouse(path) as wh:
        assert release_with_sha(wh.reader(), "oews", "anything") is None
        # the empty staged warehouse answers, with the views (latest_releases)
        assert latest_release_id(wh.reader(), "ooh") is None
        assert staged_path(path).exists() and not wh.staging
    assert not wh.swapped and not path.exists() and not staged_path(path).exists()
    with pytest.raises(RuntimeError), NightlyWarehouse(path) as wh:
        record, ep = archive_releases()[-1]
        load_release(wh.writer(), record, ep)
        raise RuntimeError("the first night broke after its load")
    assert not wh.swapped and not path.exists() and not staged_path(path).exists()
    with NightlyWarehouse(path) as wh:
        reader = wh.reader()
        record, ep = archive_releases()[-1]
        load_release(wh.writer(), record, ep)
        assert wh.writer() is reader  # built once: what answered the questions is what gets loaded
    assert wh.swapped and not staged_path(path).exists()
    con = open_reader(path)
    assert con.execute("SELECT release_id FROM releases").fetchall() == [("2024-34",)]
    assert con.execute("SELECT comment FROM duckdb_views() WHERE view_name = 'latest_releases'").fetchone()[0]
    con.close()
