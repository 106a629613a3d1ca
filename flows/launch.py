"""One refresh from the command line: the same night with or without Prefect."""

from __future__ import annotations

import os

from flows.observability import configure_logging
from flows.report import RunReport
from flows.settings import Settings


def run_once(settings: Settings, *, prefect: bool) -> RunReport:
    """Run one night and return its report; raises flows.errors.RunStopped when it stopped before its work."""
    if not prefect:
        from flows.night import run_night

        configure_logging(settings.log_format)
        return run_night(settings)
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
