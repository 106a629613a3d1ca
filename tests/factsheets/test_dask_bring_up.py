"""The local cluster of a publish comes up in the background while the publish plans its sheets
(flows.distribute.DaskRunner used as a context manager, as `bls-refresh sheets` and the nightly run
use it): the render runs on that cluster, and a publish that stops before rendering leaves no worker
process behind."""

from __future__ import annotations

import os
import time

import psutil
import pytest
from site_fixtures import RUN2, read_only

from factsheets.careers import CareersConfigError
from factsheets.publish import publish_sheets
from flows.distribute import DaskRunner

pytestmark = [pytest.mark.prefect, pytest.mark.slow, pytest.mark.shared_data]


def worker_processes() -> list[psutil.Process]:
    """This process's Dask nannies and workers (multiprocessing's spawned children)."""
    found = []
    for child in psutil.Process().children(recursive=True):
        try:
            if "spawn_main" in " ".join(child.cmdline()):
                found.append(child)
        except psutil.NoSuchProcess:
            pass
    return found


def wait_for_no_workers(seconds: float) -> list[psutil.Process]:
    deadline = time.monotonic() + seconds
    while (left := worker_processes()) and time.monotonic() < deadline:
        time.sleep(0.2)
    return left


def test_the_render_runs_on_the_cluster_brought_up_while_the_publish_planned(prefect_harness, tmp_path):
    assert wait_for_no_workers(60) == []  # what earlier tests started has gone
    runner = DaskRunner(workers=1)
    with read_only("new") as con, runner:
        assert worker_processes() or runner._ready is not None  # coming up before the publish asks
        result = publish_sheets(con, out_dir=tmp_path / "sheets", runner=runner, **RUN2)
    pids = {batch.pid for batch in result.batches}
    assert len(pids) == 1 and os.getpid() not in pids  # one worker process rendered every batch
    assert sum(len(batch.outcomes) for batch in result.batches) == result.sheets - 1  # all but the career
    assert runner._ready is None  # the render took the cluster: nothing left to close at the exit
    assert wait_for_no_workers(60) == []  # closed in the background after the render


def test_a_publish_that_stops_before_rendering_closes_the_cluster_it_brought_up(prefect_harness, tmp_path):
    assert wait_for_no_workers(60) == []
    careers = tmp_path / "careers.toml"
    careers.write_text("[[career]\n", encoding="utf-8")  # not TOML: the publish stops before rendering
    runner = DaskRunner(workers=1)
    with read_only("new") as con, pytest.raises(CareersConfigError), runner:
        bring_up = runner._ready
        publish_sheets(con, out_dir=tmp_path / "sheets", careers_config=careers, runner=runner, **RUN2)
    assert not (tmp_path / "sheets").exists()
    assert bring_up is not None
    cluster = bring_up.result(timeout=120)  # it came up, though no render used it,
    assert wait_for_no_workers(60) == []  # and was closed: no worker left behind
    assert cluster.status.name == "closed"
