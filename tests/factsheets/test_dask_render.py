"""Rendering on Dask (flows.distribute): Prefect tasks mapped over batches of sheets on a local
cluster of worker processes, or on a running cluster named by its address. Whatever renders them,
the published folder holds the same bytes as a serial publish: compared by the sha256 of every file
(sheets, state, changelog, index, manifest, sitemap) on the real releases of ../shared."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from bls_files import REPO
from site_fixtures import MRS, RUN1, RUN2, digest, read_only, reader_files, warehouse_file

from factsheets.batch import RenderWorkersFailed, build_key, sheet_keys
from factsheets.careers import load_careers_config, split_careers
from factsheets.model import SheetBuilder, build_sheets
from factsheets.publish import publish_sheets
from factsheets.state import content_hash
from flows.settings import Settings
from warehouse.sheet_queries import sheet_facts

pytestmark = [pytest.mark.prefect, pytest.mark.slow, pytest.mark.shared_data]
GIB = 1024 * 1024  # ru_maxrss is in KiB


def mtimes(folder: Path) -> dict[str, int]:
    return {name: path.stat().st_mtime_ns for name, path in reader_files(folder).items()}


def test_the_keys_workers_build_from_are_the_sheets_a_serial_build_makes():
    with read_only("new") as con:
        facts = sheet_facts(con)
    careers, _ = split_careers(load_careers_config(), facts.known_codes, facts.profiles)
    builder = SheetBuilder(facts)
    keyed = [build_key(builder, key) for key in sheet_keys(builder)]
    keyed += [builder.career_sheet(career) for career in careers]
    serial = build_sheets(facts, careers)
    assert [s.slug for s in keyed] == [s.slug for s in serial]
    assert [content_hash(s, s.fields()) for s in keyed] == [content_hash(s, s.fields()) for s in serial]
    assert {s.kind for s in keyed} == {"occupation", "profile", "career"}


def test_two_local_workers_publish_the_same_bytes_as_a_serial_run(distribute, prefect_harness, tmp_path):
    with read_only("new") as con:
        serial = publish_sheets(con, out_dir=tmp_path / "serial" / "sheets", **RUN2)
        dask = publish_sheets(
            con, out_dir=tmp_path / "dask" / "sheets", runner=distribute.DaskRunner(workers=2), **RUN2
        )
    expected = digest(tmp_path / "serial" / "sheets")
    assert digest(tmp_path / "dask" / "sheets") == expected and len(expected) > 2700
    assert (dask.written, dask.held_back, dask.changes) == (serial.written, serial.held_back, serial.changes)
    pids = {batch.pid for batch in dask.batches}
    assert len(pids) == 2 and os.getpid() not in pids  # two worker processes did the rendering
    assert sum(len(batch.outcomes) for batch in dask.batches) == dask.sheets - 1  # all but the career
    assert max(batch.max_rss_kb for batch in dask.batches) < GIB  # under 1 GB per worker
    assert not list((tmp_path / "dask").rglob(".render-inputs.pickle"))


def test_an_update_on_a_running_cluster_equals_a_serial_update(distribute, prefect_harness, tmp_path):
    """Old releases published, new ones loaded: changed, unchanged and held-back sheets, rendered by
    the workers of a cluster started apart (as `dask scheduler` and `dask worker` would be)."""
    from distributed import LocalCluster

    base = tmp_path / "base"
    old, new = read_only("old"), read_only("new")
    try:
        publish_sheets(old, out_dir=base / "sheets", **RUN1)
        serial_site = shutil.copytree(base, tmp_path / "serial", symlinks=True, copy_function=shutil.copy2)
        dask_site = shutil.copytree(base, tmp_path / "dask", symlinks=True, copy_function=shutil.copy2)
        serial = publish_sheets(new, out_dir=serial_site / "sheets", **RUN2)
        scratch = str(tmp_path / "dask-files")  # the operator's cluster's files: not in the shared TMPDIR
        with LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            local_directory=scratch,
            scheduler_kwargs={"local_directory": scratch},
        ) as cluster:
            runner = distribute.DaskRunner(address=cluster.scheduler_address)
            assert runner.cluster_workers() == 2
            dask = publish_sheets(new, out_dir=dask_site / "sheets", runner=runner, **RUN2)
    finally:
        old.close()
        new.close()
    assert digest(dask_site / "sheets") == digest(serial_site / "sheets")
    published = mtimes(base / "sheets")
    on_dask, on_serial = mtimes(dask_site / "sheets"), mtimes(serial_site / "sheets")
    kept = {n for n, m in published.items() if on_dask.get(n) == m}
    assert kept == {n for n, m in published.items() if on_serial.get(n) == m}
    assert "11-1031-legislators.md" in kept  # unchanged files keep the published file (and mtime) either way
    assert dask.held_back == serial.held_back and [slug for slug, _ in dask.held_back] == ["11-1031-legislators"]
    assert dask.changes == serial.changes and len(dask.written) == len(serial.written) > 800
    assert {batch.index for batch in dask.batches} == set(range(len(dask.batches)))


def test_an_unreachable_cluster_is_a_clear_error_and_the_published_set_stays(distribute, tmp_path):
    with read_only("new") as con:
        publish_sheets(con, out_dir=tmp_path / "sheets", **RUN2)
        before = digest(tmp_path / "sheets")
        runner = distribute.DaskRunner(address="tcp://127.0.0.1:9")
        with pytest.raises(
            distribute.DaskUnavailable, match=r"no Dask scheduler answers at tcp://127\.0\.0\.1:9"
        ) as info:
            publish_sheets(con, out_dir=tmp_path / "sheets", runner=runner, refreshed_on=date(2026, 4, 1))
    assert isinstance(info.value, RenderWorkersFailed) and "`dask worker tcp://127.0.0.1:9`" in str(info.value)
    assert digest(tmp_path / "sheets") == before
    assert not list((tmp_path / ".sheets-versions").glob("*.partial"))


def test_the_settings_choose_the_runner(distribute):
    assert Settings().render_workers() == 0 and distribute.dask_runner(0, None) is None  # national sheets render here
    assert distribute.dask_runner(Settings(workers=3).render_workers(), None) == distribute.DaskRunner(workers=3)
    address = Settings(dask_address="tcp://scheduler:8786").dask_address
    assert distribute.dask_runner(0, address) == distribute.DaskRunner(address="tcp://scheduler:8786")
    with pytest.raises(ValueError, match="expected a Dask scheduler address"):
        Settings(dask_address="scheduler:8786")
    assert (
        distribute.DaskRunner(workers=2).batch_size(37_084) == 2318
        and distribute.DaskRunner(workers=2).batch_size(916) == 200
    )


def run_cli(*args: str, tmpdir: Path | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BLS_REFRESH_", "PREFECT_API_URL"))}
    if tmpdir is not None:
        env["TMPDIR"] = str(tmpdir)
    command = [sys.executable, "-m", "flows.cli", *args]
    return subprocess.run(command, capture_output=True, text=True, cwd=REPO, env=env, timeout=600)


def test_the_sheets_command_renders_on_local_workers_as_it_does_alone(tmp_path):
    db = str(warehouse_file("new"))
    alone = run_cli("sheets", "--db", db, "--out", str(tmp_path / "alone"))
    assert alone.returncode == 0, alone.stderr[-3000:]
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    workers = run_cli("sheets", "--db", db, "--out", str(tmp_path / "workers"), "--workers", "2", tmpdir=scratch)
    assert workers.returncode == 0, workers.stderr[-3000:]
    assert list(scratch.iterdir()) == []  # no dask-scratch-space (Dask's lock files) left in TMPDIR
    assert "916 written, 0 unchanged, 0 held back" in workers.stdout
    assert "Traceback" not in workers.stderr and "ERROR" not in workers.stderr
    assert "distributed.scheduler" not in workers.stderr  # Dask's INFO chatter stays out of the output
    assert "distributed.worker" not in workers.stderr and "distributed.nanny" not in workers.stderr  # its close
    assert "dashboard" not in workers.stderr  # the local cluster has none: no link to nothing

    def sheets(folder: Path) -> dict[str, str]:  # the changelog is named after the time of the run
        return {name: h for name, h in digest(folder).items() if not name.startswith("changelog/")}

    assert sheets(tmp_path / "workers") == sheets(tmp_path / "alone")
    assert f"{MRS}.html" in sheets(tmp_path / "workers")

    both = run_cli("sheets", "--db", db, "--workers", "2", "--dask-address", "tcp://127.0.0.1:9")
    assert both.returncode == 2 and "give --workers or --dask-address, not both" in both.stderr
    gone = run_cli("sheets", "--db", db, "--out", str(tmp_path / "alone"), "--dask-address", "tcp://127.0.0.1:9")
    assert gone.returncode == 1 and "no Dask scheduler answers at tcp://127.0.0.1:9" in gone.stderr
    assert "the published set is unchanged" in gone.stderr
