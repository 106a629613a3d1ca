"""Render the sheets on a Dask cluster: Prefect tasks mapped over batches of sheets, run by
prefect-dask's DaskTaskRunner, each writing its sheets into the version being built (the publish
stays one atomic switch, made by the publishing process).

    --workers 0                      render in the publishing process (no Prefect, no Dask)
    --workers N                      a local cluster of N worker processes, one thread each
    --dask-address tcp://host:8786   an existing cluster (`dask scheduler`, `dask worker tcp://...`)

What a worker needs: the bls-refresh package (same version), the sheets folder on storage mounted
at the same path as on the publishing host (it reads the run's snapshot of the sheets' inputs from
the version being built and writes its sheets there; no warehouse access), and the Prefect API the
publishing run reports to (a temporary one on 127.0.0.1 serves a local cluster; workers on other
hosts need a Prefect server they can reach, PREFECT_API_URL).
"""

from __future__ import annotations

import logging
import math
import os
import threading
import weakref
from collections.abc import Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from prefect import flow, task, unmapped
from prefect.cache_policies import NO_CACHE

from factsheets.batch import BatchResult, RenderSpec, RenderWorkersFailed, SheetKey, prepare_worker, render_batch
from flows.guard import guard_children, remove_run_folder, run_folder
from flows.locking import prefect_server_configured

# Dask reads its config when it is imported, here and in every worker process it starts: workers
# joining and leaving are not news for a publish, and a worker's statistical profiler (sampling its
# threads' stacks every 10 ms for a dashboard we do not start) takes CPU from the render.
os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "warning")
os.environ.setdefault("DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED", "false")

log = logging.getLogger("bls_refresh")
_PREFECT_DASK_LOG = logging.getLogger("prefect.task_runner.dask")

BATCHES_PER_WORKER = 8  # small enough for the workers to finish together, the last batch being short
# A task costs ~0.1 s of Prefect's calls to its API: a batch is worth more than that. A batch's outcomes
# travel back whole: at most some megabytes.
MIN_BATCH, MAX_BATCH = 200, 10_000
CONNECT_TIMEOUT = "10s"


class DaskUnavailable(RenderWorkersFailed):
    """The Dask cluster named by --dask-address does not answer, or has no worker."""


@task(name="render-sheets-batch", cache_policy=NO_CACHE, persist_result=False)
def render_sheets_batch(spec: RenderSpec, index: int) -> BatchResult:
    return render_batch(spec, index)  # the batch's keys are in the snapshot: a task stays small to submit


# The results of the publishes under way in this process, by snapshot token. The flow body runs in
# the publishing process, so they pass through here rather than as the flow's return value: Prefect
# walks a flow's return value looking for futures (~1.5 s for the results of every state's area sheets).
_RESULTS: dict[str, list[BatchResult]] = {}


@flow(name="render-sheets", persist_result=False, validate_parameters=False, log_prints=False)
def render_sheets(spec: RenderSpec, batches: int) -> int:
    """The snapshot's batches (`batches` of them) as tasks on the flow's task runner, their results
    registered under spec.token; the first failed batch fails the flow. Returns how many sheets and
    area units the batches rendered."""
    futures: list[Any] = list(render_sheets_batch.map(unmapped(spec), list(range(batches))))
    results = _RESULTS.setdefault(spec.token, [])
    for i, future in enumerate(futures):
        results.append(future.result())
        futures[i] = None  # lets Dask drop the result from the worker's memory
    return sum(len(result.outcomes) + len(result.areas) for result in results)


@dataclass
class DaskRunner:
    """factsheets.batch.BatchRunner on Dask: a local cluster of `workers` processes, or `address`.

    Used as a context manager around a publish, one thread keeps the local cluster: it brings up what
    a render needs (Prefect's temporary API server when no API is configured, and the cluster) while
    the publish plans its sheets, has the workers import what a batch runs while the render's flow
    starts, and closes the cluster when the publish is over, used or not: the workers' exit (a second
    or more of CPU each, freeing what they loaded) then competes with no part of the publish. Called
    without, it brings the cluster up itself and closes it after the render."""

    workers: int = 0
    address: str | None = None
    _up: Future[Any] | None = field(default=None, init=False, repr=False, compare=False)
    _over: threading.Event | None = field(default=None, init=False, repr=False, compare=False)  # set: publish over
    _used: list[Any] = field(default_factory=list, init=False, repr=False, compare=False)
    _closing: list[threading.Thread] = field(default_factory=list, init=False, repr=False, compare=False)

    def __enter__(self) -> DaskRunner:
        if self._over is None:
            self._up, self._over = Future(), threading.Event()
            keeper = threading.Thread(target=self._keep, args=(self._up, self._over), name="dask-cluster")
            keeper.start()  # not a daemon: the process waits for the cluster's close before it exits
            self._closing.append(keeper)
        return self

    def __exit__(self, *exc: object) -> None:
        over, self._over, self._up = self._over, None, None
        if over is not None:
            over.set()
        used, self._used = self._used, []
        self._closing += [_close_later(cluster) for cluster in used]

    def wait_closed(self, timeout: float | None = None) -> None:
        """Waits for the clusters this runner closes in the background (a bench between its runs)."""
        for thread in self._closing:
            thread.join(timeout)
        self._closing = [t for t in self._closing if t.is_alive()]

    def _keep(self, up: Future[Any], over: threading.Event) -> None:
        """The keeper thread: the cluster up (its result, or what stopped it, in `up`), its workers
        warmed up, then closed once the publish is over (`over`)."""
        try:
            cluster = self._bring_up()
        except BaseException as exc:
            up.set_exception(exc)
            return
        up.set_result(cluster)
        if cluster is None:
            return
        if not over.is_set():
            _warm_up(cluster)
        over.wait()
        _close(cluster)

    def _bring_up(self) -> Any:
        """The temporary API server (when needed) and the local cluster, started; returns the cluster."""
        _temporary_api_server()
        if self.address:
            return None
        with _quiet_dask():
            return self.local_cluster()

    def _cluster(self) -> tuple[Any, bool]:
        """The cluster the keeper brought up (True: the keeper closes it), or one brought up now."""
        up, self._up = self._up, None
        return (up.result(), True) if up is not None else (self._bring_up(), False)

    def describe(self) -> str:
        return (
            f"the Dask cluster at {self.address}"
            if self.address
            else f"a local Dask cluster of {self.workers} worker(s)"
        )

    def cluster_workers(self) -> int:
        """How many workers the cluster has now (DaskUnavailable when it does not answer or has none)."""
        if not self.address:
            return self.workers
        from distributed import Client

        try:
            with Client(self.address, timeout=CONNECT_TIMEOUT, set_as_default=False) as client:
                count = len(client.scheduler_info().get("workers", {}))
        except (OSError, TimeoutError) as exc:
            raise DaskUnavailable(
                f"no Dask scheduler answers at {self.address} ({exc}); start one with `dask scheduler` and "
                f"workers with `dask worker {self.address}`, or render here with --workers 0"
            ) from None
        if count == 0:
            raise DaskUnavailable(
                f"the Dask scheduler at {self.address} has no worker; start some with `dask worker {self.address}`"
            )
        return count

    def batch_size(self, sheets: int) -> int:
        per = math.ceil(sheets / (BATCHES_PER_WORKER * max(1, self.cluster_workers())))
        return max(MIN_BATCH, min(MAX_BATCH, per))

    def task_runner(self, address: str | None = None) -> Any:
        from prefect_dask import DaskTaskRunner

        return DaskTaskRunner(address=address or self.address)

    def local_cluster(self) -> Any:
        """A local cluster of `workers` processes, one thread each (rendering holds the GIL)."""
        from distributed import LocalCluster

        # The cluster's files (its scheduler's and workers') go to a folder of its own, removed once it is
        # closed: by default they share TMPDIR/dask-scratch-space, whose lock files Dask never removes.
        guard_children()  # a killed publish leaves neither its workers nor their folder
        scratch = str(run_folder("dask"))
        try:
            cluster = LocalCluster(
                local_directory=scratch,
                n_workers=self.workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                # Without a dashboard the scheduler still serves its health routes, on port 8787 unless told
                # otherwise: with another cluster on the machine (a notebook's, a second publish) that printed
                # a UserWarning into the night's output. Any free port, on loopback only.
                scheduler_kwargs={"dashboard_address": "127.0.0.1:0", "local_directory": scratch},
                silence_logs=logging.WARNING,
            )
        except BaseException:
            remove_run_folder(scratch)
            raise
        # also at exit, for a cluster never closed here (the process waits for its closing thread first)
        _SCRATCH[id(cluster)] = weakref.finalize(cluster, remove_run_folder, scratch)
        return cluster

    def __call__(self, spec: RenderSpec, batches: list[list[SheetKey]]) -> list[BatchResult]:
        log.info("rendering %d batch(es) of sheets on %s", len(batches), self.describe())
        cluster, kept = None, False
        try:
            with _quiet_dask():
                try:
                    cluster, kept = self._cluster()
                    address = cluster.scheduler_address if cluster is not None else None
                    if cluster is not None:
                        _PREFECT_DASK_LOG.addFilter(_NO_DASHBOARD_LINK)
                    with prefect_api():
                        render_sheets.with_options(task_runner=self.task_runner(address))(spec, len(batches))
                    return _RESULTS[spec.token]
                finally:
                    _RESULTS.pop(spec.token, None)
                    _PREFECT_DASK_LOG.removeFilter(_NO_DASHBOARD_LINK)
                    if cluster is not None and not kept and self._over is not None:
                        self._used.append(cluster)  # closed when the publish is over (__exit__)
                    elif cluster is not None and not kept:
                        self._closing.append(_close_later(cluster))
        except (OSError, RenderWorkersFailed):
            raise  # a full or read-only disk is reported as such by factsheets.versions
        except Exception as exc:
            raise RenderWorkersFailed(f"rendering on {self.describe()} failed: {type(exc).__name__}: {exc}") from exc


def dask_runner(workers: int, address: str | None) -> DaskRunner | None:
    """The runner for --workers/--dask-address (None: render in the publishing process)."""
    if address:
        return DaskRunner(address=address)
    if workers < 0:
        raise ValueError(f"--workers {workers}: expected 0 (render here) or a number of worker processes")
    return DaskRunner(workers=workers) if workers else None


@contextmanager
def prefect_api() -> Iterator[None]:
    """Runs the body with a Prefect API URL in the settings, which Prefect hands to the tasks it
    runs on workers. Without one configured, every worker process would start a temporary API
    server of its own; instead they share the publishing process's temporary server."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    server = _temporary_api_server()
    if server is None:
        yield
        return
    with temporary_settings({PREFECT_API_URL: server.api_url}):
        yield


def _temporary_api_server() -> Any:
    """Prefect's temporary API server for this process, started; None when an API URL is configured.
    The settings are read afresh: a thread does not see another's temporary settings, and the server
    is one per process (the one Prefect's client starts for this process, if it has)."""
    if prefect_server_configured():
        return None
    from prefect.server.api.server import SubprocessASGIServer

    guard_children()  # the server must not outlive a killed run
    server = SubprocessASGIServer()
    server.start()
    return server


def _close_later(cluster: Any) -> threading.Thread:
    """A local cluster is closed in the background: its workers' exit (a second or more: Prefect's
    threads in them) need not hold back the publish, which has its results. Not a daemon thread: the
    process waits for it before it exits."""
    thread = threading.Thread(target=_close, args=(cluster,), name="close-dask-cluster")
    thread.start()
    return thread


def _warm_up(cluster: Any) -> None:
    """Each worker imports what a batch runs (factsheets.batch.prepare_worker, about 1 s of CPU) as
    soon as it is up, while the publishing process plans its sheets and starts the render's flow.
    Client.run runs it on the worker's event loop, which also unpickles the batches, so the imports
    are made by one thread at a time (two threads importing the same modules can each see the other's
    half-made ones). Only a head start: a worker that fails it imports in its first batch."""
    from distributed import Client

    try:
        with _quiet_dask(), Client(cluster, set_as_default=False) as client:
            client.run(_prepare_worker)
    except Exception as exc:
        log.debug("warming up the render workers: %s", exc)


def _prepare_worker(dask_worker: Any) -> None:
    if not dask_worker.state.tasks:  # else a batch has come first: its thread imports these already
        prepare_worker()


def _close(cluster: Any) -> None:
    try:
        with _quiet_dask():
            cluster.close()
    except Exception as exc:  # the publish is done: a cluster that closes badly is only worth a line
        log.warning("closing the local Dask cluster: %s", exc)
    finally:
        scratch = _SCRATCH.pop(id(cluster), None)
        if scratch is not None:
            scratch()


_SCRATCH: dict[int, weakref.finalize] = {}  # a local cluster's id -> the removal of its workers' folder


_quiet_lock = threading.Lock()
_quiet_users = 0
_quiet_saved = logging.NOTSET


@contextmanager
def _quiet_dask() -> Iterator[None]:
    """The scheduler of a local cluster runs in this process: its INFO lines (workers joining and
    leaving) are not news for a publish. Counted, because a cluster closing in the background
    (_close_later) outlives the publish's own quiet spell."""
    global _quiet_users, _quiet_saved
    logger = logging.getLogger("distributed")
    with _quiet_lock:
        if _quiet_users == 0:
            _quiet_saved = logger.level
            logger.setLevel(max(_quiet_saved, logging.WARNING))
        _quiet_users += 1
    try:
        yield
    finally:
        with _quiet_lock:
            _quiet_users -= 1
            if _quiet_users == 0:
                logger.setLevel(_quiet_saved)


class _NoDashboardLink(logging.Filter):
    """prefect-dask names a dashboard link even for a cluster started without one (dashboard_address
    None): a local cluster's link would point at nothing."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("The Dask dashboard is available")


_NO_DASHBOARD_LINK = _NoDashboardLink()


__all__ = ["DaskRunner", "DaskUnavailable", "dask_runner", "prefect_api", "render_sheets"]
