"""One refresh from the command line: the same night with or without Prefect."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager

from flows.observability import configure_logging
from flows.report import RunReport
from flows.settings import Settings


def run_once(settings: Settings, *, prefect: bool) -> RunReport:
    """Run one night and return its report; raises flows.errors.RunStopped when it stopped before its work."""
    try:
        return run_flow(settings) if prefect else run_plain(settings)
    finally:
        gc.unfreeze()  # the night is over: what outlived its imports may become garbage now


def run_plain(settings: Settings) -> RunReport:
    with long_lived_imports():
        from flows.night import run_night

    configure_logging(settings.log_format)
    return run_night(settings)


def run_flow(settings: Settings) -> RunReport:
    with long_lived_imports():
        from flows.guard import guard_children
        from flows.locking import prefect_server_configured
        from flows.refresh import flow_parameters, refresh

    configure_logging(settings.log_format)
    if not prefect_server_configured():
        guard_children()  # before Prefect starts its temporary API server: it must not outlive a killed run
    contact = settings.contact_address()
    if contact:
        # The flow rebuilds its settings from its parameters over the environment; the contact
        # never becomes a parameter (Prefect would store it in clear).
        os.environ["BLS_REFRESH_CONTACT"] = contact
    state = refresh(flow_parameters(settings), return_state=True)
    outcome = state.result(raise_on_failure=False)
    if isinstance(outcome, BaseException):
        raise outcome
    if not isinstance(outcome, RunReport):
        raise RuntimeError(f"the refresh flow ended {state.name} without a report: {state.message}")
    return outcome


@contextmanager
def long_lived_imports() -> Iterator[None]:
    """Imports (pandas, DuckDB, the stages) make objects that live as long as the process, and no garbage.
    The collector pauses during them, then leaves alone everything made so far (gc.freeze) until the
    night ends: each full collection would rescan it all (measured: 70 ms for one during the load of
    the full OEWS release, two a night; and 25 ms for one in the middle of the imports)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was:
            gc.enable()
