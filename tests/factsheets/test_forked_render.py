"""Rendering on forked helpers (factsheets.forked), the default for national sheets on Linux: the same
bytes as a serial publish, on the real releases of ../shared; a helper that dies, raises or hangs has
its share rendered by the publishing process; no helper outlives its publisher, even one killed with
SIGKILL. A publish renders ~830 sheets: with three cores (the affinity the tests give), three processes
render them."""

from __future__ import annotations

import gc
import logging
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import psutil
import pytest
from bls_files import REPO
from site_fixtures import RUN1, RUN2, digest, read_only, reader_files, warehouse_file

import factsheets.forked as forked
import factsheets.publish
from factsheets.publish import publish_sheets
from flows.settings import Settings

pytestmark = [pytest.mark.shared_data]


@pytest.fixture
def three_cores(monkeypatch):
    monkeypatch.setattr(forked.os, "sched_getaffinity", lambda pid: {0, 1, 2})


@pytest.fixture
def renderers(monkeypatch, tmp_path):
    """The pids of the processes that rendered a share, as each process writes its own (the real
    process_keys renders); `fault(pid_of_parent)` may replace a helper's share with a fault."""
    log = tmp_path / "renderers"
    real = factsheets.publish.process_keys
    faults = {}

    def observed(builder, keys, prev, work, build):
        with open(log, "a") as out:
            out.write(f"{os.getpid()}\n")
        if os.getpid() != parent and "helper" in faults:
            return faults["helper"](real, builder, keys, prev, work, build)
        return real(builder, keys, prev, work, build)

    parent = os.getpid()
    monkeypatch.setattr(factsheets.publish, "process_keys", observed)

    def pids() -> list[int]:
        return [int(line) for line in log.read_text().split()] if log.exists() else []

    pids.faults = faults  # type: ignore[attr-defined]
    return pids


def publish_both(tmp_path: Path, which: str, run: dict, **fork_options) -> tuple:
    with read_only(which) as con:
        serial = publish_sheets(con, out_dir=tmp_path / "serial" / "sheets", **run)
        split = publish_sheets(con, out_dir=tmp_path / "forked" / "sheets", fork=True, **run, **fork_options)
    return serial, split


def assert_same(tmp_path: Path, serial, split) -> None:
    expected = digest(tmp_path / "serial" / "sheets")
    assert digest(tmp_path / "forked" / "sheets") == expected and len(expected) > 2500
    assert (split.written, split.held_back, split.changes, split.unchanged) == (
        serial.written,
        serial.held_back,
        serial.changes,
        serial.unchanged,
    )


def assert_reaped(pids: list[int]) -> None:
    """The helpers among the renderers are gone, not left as zombies: the publish waited for them."""
    assert not [pid for pid in set(pids) if pid != os.getpid() and psutil.pid_exists(pid)]


def changed_files(folder: Path, before: dict[str, int]) -> set[str]:
    return {name for name, path in reader_files(folder).items() if before.get(name) != path.stat().st_mtime_ns}


@pytest.mark.slow
def test_three_processes_publish_the_same_bytes_as_one(tmp_path, three_cores, renderers):
    assert_same(tmp_path, *publish_both(tmp_path, "old", RUN1))
    serial, split = renderers()[:1], renderers()[1:]
    assert serial == [os.getpid()]
    assert len(split) == 3 and len(set(split)) == 3 and os.getpid() in split  # here and two helpers
    before = {
        kind: {n: p.stat().st_mtime_ns for n, p in reader_files(tmp_path / kind / "sheets").items()}
        for kind in ("serial", "forked")
    }
    assert gc.get_freeze_count() == 0  # frozen for the fork, thawed after it
    time.sleep(0.01)  # a rewritten file's mtime differs from its predecessor's
    gc.freeze()  # as a night from the command line runs (flows.launch)
    try:
        serial, split = publish_both(tmp_path, "new", RUN2)  # a new version over a published one (hard links)
        assert gc.get_freeze_count() > 0  # what froze the heap thaws it, not the fork
    finally:
        gc.unfreeze()
    assert_same(tmp_path, serial, split)
    assert split.written and split.unchanged  # some sheets changed, some did not
    assert changed_files(tmp_path / "forked" / "sheets", before["forked"]) == changed_files(
        tmp_path / "serial" / "sheets", before["serial"]
    )  # the same files kept their inode and mtime
    assert_reaped(renderers())


def killed_halfway(real, builder, keys, prev, work, build):
    """A helper killed once it wrote some of its sheets: they must not stay."""
    real(builder, keys[:20], prev, work, build)
    build.finish()
    os.kill(os.getpid(), signal.SIGKILL)


def raises(real, builder, keys, prev, work, build):
    real(builder, keys[:5], prev, work, build)
    build.finish()
    raise OSError(28, "No space left on device (injected)")


def hangs(real, builder, keys, prev, work, build):
    time.sleep(120)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("fault", "why"),
    [(killed_halfway, "it stopped with signal 9"), (raises, "OSError: [Errno 28] No space left"), (hangs, "no answer")],
)
def test_a_failed_helper_has_its_share_rendered_here(tmp_path, three_cores, renderers, monkeypatch, caplog, fault, why):
    renderers.faults["helper"] = fault
    monkeypatch.setattr(forked, "MIN_WAIT_S", 2.0)
    monkeypatch.setattr(forked, "PATIENCE", 1)
    start = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="factsheets.forked"):
        assert_same(tmp_path, *publish_both(tmp_path, "new", RUN2))
    assert time.monotonic() - start < 60
    warnings = [r.getMessage() for r in caplog.records if r.name == "factsheets.forked"]
    assert len(warnings) == 2 and all(why in w and "rendered by the publishing process" in w for w in warnings)
    assert_reaped(renderers())


@pytest.mark.slow
def test_a_publisher_that_cannot_fork_renders_every_sheet_itself(tmp_path, three_cores, renderers, monkeypatch, caplog):
    def no_fork() -> int:
        raise OSError(11, "Resource temporarily unavailable (injected)")

    monkeypatch.setattr(forked.os, "fork", no_fork)
    with caplog.at_level(logging.WARNING, logger="factsheets.forked"):
        assert_same(tmp_path, *publish_both(tmp_path, "new", RUN2))
    warnings = [r.getMessage() for r in caplog.records if r.name == "factsheets.forked"]
    assert len(warnings) == 2 and all("no helper could be forked" in w for w in warnings)
    assert set(renderers()) == {os.getpid()}


@pytest.mark.slow
def test_an_error_of_the_publishing_process_stops_its_helpers_and_publishes_nothing(tmp_path, three_cores, renderers):
    renderers.faults["helper"] = hangs

    def fail_on_write(step: str) -> None:
        if step == "write":
            raise OSError(5, "Input/output error (injected)")

    with read_only("new") as con, pytest.raises(Exception, match="Input/output error"):
        publish_sheets(con, out_dir=tmp_path / "sheets", fork=True, on_step=fail_on_write, **RUN2)
    assert not (tmp_path / "sheets").exists()  # nothing was published
    assert len(set(renderers())) == 3
    assert_reaped(renderers())


@pytest.mark.slow
def test_helpers_die_with_a_publisher_killed_with_sigkill(tmp_path):
    pids = tmp_path / "helpers"
    script = tmp_path / "publish.py"
    script.write_text(
        textwrap.dedent(
            f"""
            import os, sys, time
            sys.path[:0] = [{str(REPO)!r}, {str(REPO / "tests")!r}, {str(REPO / "tests" / "factsheets")!r}]
            import warehouse
            import factsheets.forked as forked
            import factsheets.publish
            from factsheets.publish import publish_sheets
            from site_fixtures import RUN2
            forked.os.sched_getaffinity = lambda pid: {{0, 1}}
            real, parent = factsheets.publish.process_keys, os.getpid()
            def slow(*args):
                if os.getpid() != parent:
                    # written whole, then renamed: the test reads the file as soon as it exists
                    with open({str(pids)!r} + f".{{os.getpid()}}", "w") as out:
                        out.write(f"{{os.getpid()}}\\n")
                    os.replace({str(pids)!r} + f".{{os.getpid()}}", {str(pids)!r})
                    time.sleep(120)
                return real(*args)
            factsheets.publish.process_keys = slow
            con = warehouse.connect({str(warehouse_file("new"))!r}, read_only=True)
            publish_sheets(con, out_dir={str(tmp_path / "sheets")!r}, fork=True, **RUN2)
            """
        )
    )
    run = subprocess.Popen([sys.executable, str(script)], cwd=REPO)
    deadline = time.monotonic() + 120
    while not pids.exists():
        assert run.poll() is None and time.monotonic() < deadline, "the publish never forked its helper"
        time.sleep(0.05)
    helper = psutil.Process(int(pids.read_text().split()[0]))
    run.send_signal(signal.SIGKILL)
    run.wait()
    gone, alive = psutil.wait_procs([helper], timeout=10)
    assert not [p for p in alive if p.status() != psutil.STATUS_ZOMBIE]


def test_how_many_helpers(monkeypatch):
    monkeypatch.setattr(forked.os, "sched_getaffinity", lambda pid: set(range(8)))
    assert [forked.helpers_for(n) for n in (0, 399, 400, 831, 5000)] == [0, 0, 1, 3, 7]
    monkeypatch.setattr(forked.os, "sched_getaffinity", lambda pid: {0})
    assert forked.helpers_for(5000) == 0


def test_the_cli_forks_unless_told_how_to_render():
    assert Settings().render_forked()
    assert not Settings(workers=0).render_forked()
    assert not Settings(workers=2).render_forked()
    assert not Settings(dask_address="tcp://127.0.0.1:8786").render_forked()
