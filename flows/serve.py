"""`bls-refresh serve`: the nightly schedule, as a Prefect deployment served from this process."""

from __future__ import annotations

import os

import httpx

from flows.errors import ConfigInvalid
from flows.settings import Settings

NO_SERVER = """\
Schedules need a real Prefect API server; this process has none configured (PREFECT_API_URL is unset).

  1. Start one:       prefect server start            (UI and API on http://127.0.0.1:4200)
  2. Point at it:     prefect config set PREFECT_API_URL=http://127.0.0.1:4200/api
                      (or export PREFECT_API_URL=..., or log in to Prefect Cloud)
  3. Serve:           bls-refresh serve [--cron "0 6 * * *"] [--timezone America/New_York]

To refresh once without a server: bls-refresh run"""


class NoPrefectServer(ConfigInvalid):
    """No reachable Prefect API server: schedules need one."""


def api_url() -> str | None:
    from prefect.settings import PREFECT_API_URL

    return PREFECT_API_URL.value() or None


def check_server() -> str:
    url = api_url()
    if not url:
        raise NoPrefectServer(NO_SERVER)
    try:
        httpx.get(url.rstrip("/") + "/health", timeout=10).raise_for_status()
    except httpx.HTTPError as exc:
        raise NoPrefectServer(
            f"The Prefect API at {url} does not answer ({exc}).\n"
            "Start it with `prefect server start`, or fix PREFECT_API_URL."
        ) from None
    return url


def deployment_parameters(settings: Settings) -> dict:
    """What each scheduled run is given: the settings as they are now (flags + env), as plain JSON.
    The contact is left out (it would be stored in clear): runs read it from BLS_REFRESH_CONTACT,
    which they inherit from the serving process."""
    from flows.refresh import flow_parameters

    return {"settings": flow_parameters(settings)}


def serve_nightly(settings: Settings, *, name: str = "nightly") -> None:
    """Register the `refresh` deployment with its cron schedule and run it when due (blocks)."""
    from prefect.schedules import Cron

    from flows.refresh import refresh

    if settings.talks_to_bls() and not settings.contact:
        raise ConfigInvalid(
            "BLS blocks anonymous robots (HTTP 403): every scheduled run would fail. Set a contact address "
            "for the User-Agent: --contact you@example.org or BLS_REFRESH_CONTACT=you@example.org."
        )
    check_server()
    contact = settings.contact_address()
    if contact:
        # Scheduled runs execute in processes started by this one: they inherit the contact from here.
        os.environ["BLS_REFRESH_CONTACT"] = contact
    refresh.serve(
        name=name,
        schedules=[Cron(settings.schedule_cron, timezone=settings.schedule_timezone)],
        parameters=deployment_parameters(settings),
        global_limit=1,
        description="Nightly BLS refresh: OEWS, EP and OOH into the warehouse, then the fact sheets.",
        tags=["bls-refresh"],
    )
