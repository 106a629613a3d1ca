"""The local cluster of a publish comes up in the background while the publish plans its sheets
(flows.distribute.DaskRunner used as a context manager, as `bls-refresh sheets` and the nightly run
use it), its workers import what a batch runs before their first batch, the render runs on that
cluster, which closes once the publish is over, and a publish that stops before rendering leaves no
worker process behind, even when a service manager stops `bls-refresh sheets --workers N` with SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import pytest
from bls_files import REPO
from processes import command_line, left_after_sigkill, runs_uvicorn
from site_fixtures import RUN2, read_only, warehouse_file

from factsheets.careers import CareersConfigError
from factsheets.publish import publish_sheets
from flows.guard import run_folder

pytestmark = [pytest.mark.prefect, pytest.mark.slow, pytest.mark.shared_data]


def worker_processes(parent: psutil.Process | None = None) -> list[psutil.Process]:
    """The Dask nannies and workers (multiprocessing's spawned children) of this process, or of `parent`."""
    return [p for p in (parent or psutil.Process()).children(recursive=True) if "spawn_main" in command_line(p)]


def wait_for_no_workers(seconds: float) -> list[psutil.Process]:
    deadline = time.monotonic() + seconds
    while (left := worker_processes()) and time.monotonic() < deadline:
        time.sleep(0.2)
    return left


def test_the_render_runs_on_the_cluster_brought_up_while_the_publish_planned(distribute, prefect_harness, tmp_path):
    assert wait_for_no_workers(60) == []  # what earlier tests started has gone
    runner = distribute.DaskRunner(workers=1)
    with read_only("new") as con, runner:
        bring_up = runner._up  # started on entering, before the publish plans anything
        result = publish_sheets(con, out_dir=tmp_path / "sheets", runner=runner, **RUN2)
        assert runner._up is None  # the render took that cluster rather than starting its own
        assert worker_processes()  # its worker is still up: the cluster closes once the publish is over
    assert bring_up is not None and bring_up.result(timeout=0) is not None
    pids = {batch.pid for batch in result.batches}
    assert len(pids) == 1 and os.getpid() not in pids  # one worker process rendered every batch
    assert sum(len(batch.outcomes) for batch in result.batches) == result.sheets - 1  # all but the career
    assert wait_for_no_workers(60) == []  # closed in the background once the publish was over


def test_the_workers_import_what_a_batch_runs_before_their_first_batch(distribute, prefect_harness):
    """While the publish plans and the render's flow starts, each worker imports Prefect's task engine
    and the area units (about 1 s of CPU a worker would otherwise spend in its first batch)."""
    from distributed import Client

    def imported() -> bool:
        return "prefect.task_engine" in sys.modules and "factsheets.area_units" in sys.modules

    assert wait_for_no_workers(60) == []
    runner = distribute.DaskRunner(workers=2)
    with runner:
        assert runner._up is not None
        cluster = runner._up.result(timeout=120)
        with Client(cluster, set_as_default=False) as client:
            deadline = time.monotonic() + 60
            while not all((found := client.run(imported)).values()) and time.monotonic() < deadline:
                time.sleep(0.2)
    assert len(found) == 2 and all(found.values())
    runner.wait_closed(60)
    assert wait_for_no_workers(60) == [] and cluster.status.name == "closed"


def test_a_publish_that_stops_before_rendering_closes_the_cluster_it_brought_up(distribute, prefect_harness, tmp_path):
    assert wait_for_no_workers(60) == []
    careers = tmp_path / "careers.toml"
    careers.write_text("[[career]\n", encoding="utf-8")  # not TOML: the publish stops before rendering
    runner = distribute.DaskRunner(workers=1)
    with read_only("new") as con, pytest.raises(CareersConfigError), runner:
        bring_up = runner._up
        publish_sheets(con, out_dir=tmp_path / "sheets", careers_config=careers, runner=runner, **RUN2)
    assert not (tmp_path / "sheets").exists()
    assert bring_up is not None
    cluster = bring_up.result(timeout=120)  # it came up, though no render used it,
    runner.wait_closed(60)  # the keeper closes it in the background (on a loaded machine, after the workers go)
    assert wait_for_no_workers(60) == []  # and was closed: no worker left behind
    assert cluster.status.name == "closed"


def test_the_sheets_command_stopped_with_sigterm_leaves_no_process_and_no_sheets_behind(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BLS_REFRESH_", "PREFECT_API_URL"))}
    out = tmp_path / "sheets"
    command = [sys.executable, "-m", "flows.cli", "sheets", "--db", str(warehouse_file("new")), "--out", str(out)]
    run = subprocess.Popen(
        [*command, "--workers", "1"], cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    parent = psutil.Process(run.pid)
    deadline = time.monotonic() + 120
    while not worker_processes(parent):
        assert run.poll() is None and time.monotonic() < deadline, "the render workers never started"
        time.sleep(0.1)
    started = parent.children(recursive=True)  # Prefect's temporary API server, Dask's nanny and worker
    assert any("uvicorn" in command_line(p) for p in started)
    run.send_signal(signal.SIGTERM)
    stdout, stderr = run.communicate(timeout=120)
    assert run.returncode == 143, stderr[-3000:]
    assert "stopped by SIGTERM" in stderr and "Traceback" not in stderr
    gone, alive = psutil.wait_procs(started, timeout=30)
    assert alive == [], [command_line(p)[:120] for p in alive]
    assert not out.exists() and " written, " not in stdout  # nothing was published


def test_the_sheets_command_killed_with_sigkill_leaves_no_process_and_no_folder_behind(tmp_path):
    # Dask's workers notice their scheduler is gone; Prefect's temporary API server would not: the
    # run's guard (flows.guard) stops it, and removes the cluster's scratch folder.
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BLS_REFRESH_", "PREFECT_API_URL"))}
    env["TMPDIR"] = str(scratch)
    args = ["sheets", "--db", str(warehouse_file("new")), "--out", str(tmp_path / "sheets"), "--workers", "1"]

    def rendering(parent: psutil.Process) -> bool:
        return bool(worker_processes(parent)) and runs_uvicorn(parent)

    assert left_after_sigkill(args, env, rendering, "the render workers starting") == []
    assert not list(scratch.glob("bls-refresh-dask-*"))


def test_a_scratch_folder_a_killed_run_left_goes_with_the_next_one_made(tmp_path, monkeypatch):
    """Without its guard (a run killed with the guard, or not on Linux), the next run clears up."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_MAKER],
        cwd=REPO,
        env={**os.environ, "TMPDIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    orphan = Path(killed.stdout.strip())
    assert (orphan / "dask-scratch-space").is_dir()
    unnamed = tmp_path / "bls-refresh-dask-abcd1234"  # not one of ours: no maker named
    unnamed.mkdir()
    mine = run_folder("dask")
    assert not orphan.exists() and unnamed.is_dir() and mine.is_dir()
    assert mine.name.startswith(f"bls-refresh-dask-{os.getpid()}-")


KILLED_MAKER = """
import os, signal
from flows.guard import run_folder
folder = run_folder("dask")
(folder / "dask-scratch-space").mkdir()
print(folder, flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_local_cluster_beside_another_on_port_8787_prints_no_warning(distribute, recwarn):
    """Dask's scheduler serves its health routes on 8787 even without a dashboard, and warns when that
    port is taken (a notebook's cluster, another publish): that warning was noise in a night's output."""
    other = socket.socket()
    try:
        other.bind(("127.0.0.1", 8787))
        other.listen()
    except OSError:
        pass  # something already holds it: the same situation
    try:
        with distribute.DaskRunner(workers=1).local_cluster() as cluster:
            assert cluster.scheduler.http_server.address == "127.0.0.1"  # loopback only
            assert cluster.scheduler.http_server.port != 8787
    finally:
        other.close()
    assert [str(w.message) for w in recwarn if "already in use" in str(w.message)] == []
