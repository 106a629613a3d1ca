"""One run at a time per warehouse: a file lock always, and a Prefect global concurrency limit too
when a Prefect API server is configured (runs on other hosts then queue on the server)."""

from __future__ import annotations

import json
import logging
import os
import socket
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path

from filelock import FileLock, Timeout

log = logging.getLogger("bls_refresh")
CONCURRENCY_LIMIT = "bls-refresh-warehouse"


class RunLocked(RuntimeError):
    """Another run holds the warehouse; nothing was touched."""


def lock_path(warehouse: Path) -> Path:
    return warehouse.with_name(warehouse.name + ".lock")


def holder_info(warehouse: Path) -> str:
    info = lock_path(warehouse).with_suffix(".holder")
    try:
        data = json.loads(info.read_text())
        return f"pid {data['pid']} on {data['host']} since {data['since']}"
    except (OSError, ValueError, KeyError):
        return "another bls-refresh run"


@contextmanager
def file_lock(warehouse: Path, timeout: float):
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(lock_path(warehouse))
    try:
        lock.acquire(timeout=timeout)
    except Timeout:
        raise RunLocked(
            f"{holder_info(warehouse)} is refreshing {warehouse}; waited {timeout:g} s "
            f"(BLS_REFRESH_LOCK_TIMEOUT). Nothing was changed; try again when it has finished."
        ) from None
    holder = lock_path(warehouse).with_suffix(".holder")
    holder.write_text(
        json.dumps(
            {
                "pid": os.getpid(),
                "host": socket.gethostname(),
                "since": datetime.now(UTC).isoformat(),
            }
        )
    )
    try:
        yield
    finally:
        holder.unlink(missing_ok=True)
        lock.release()


def prefect_server_configured() -> bool:
    from prefect.settings import PREFECT_API_URL

    return bool(PREFECT_API_URL.value())


@contextmanager
def prefect_limit(timeout: float):
    """Occupy the global concurrency limit (created with limit 1 when missing)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate
    from prefect.concurrency.sync import concurrency
    from prefect.exceptions import ObjectNotFound

    with get_client(sync_client=True) as client:
        try:
            client.read_global_concurrency_limit_by_name(CONCURRENCY_LIMIT)
        except ObjectNotFound:
            client.create_global_concurrency_limit(GlobalConcurrencyLimitCreate(name=CONCURRENCY_LIMIT, limit=1))
    with concurrency(CONCURRENCY_LIMIT, occupy=1, timeout_seconds=timeout):
        yield


@contextmanager
def exclusive_run(warehouse: Path, timeout: float, *, use_prefect: bool):
    with ExitStack() as stack:
        if use_prefect and prefect_server_configured():
            try:
                stack.enter_context(prefect_limit(timeout))
            except TimeoutError:
                raise RunLocked(
                    f"another run holds the Prefect concurrency limit {CONCURRENCY_LIMIT!r}; waited {timeout:g} s"
                ) from None
        stack.enter_context(file_lock(warehouse, timeout))
        yield
