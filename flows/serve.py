"""`bls-refresh serve`: the nightly schedule, as a Prefect deployment served from this process."""

from __future__ import annotations

import os

import httpx

from flows.settings import Settings

NO_SERVER = """\
Schedules need a real Prefect API server; this process has none configured (PREFECT_API_URL is unset).

  1. Start one:       prefect server start            (UI and API on http://127.0.0.1:4200)
  2. Point at it:     prefect config set PREFECT_API_URL=http://127.0.0.1:4200/api
                      (or export PREFECT_API_URL=..., or log in to Prefect Cloud)
  3. Serve:           bls-refresh serve [--cron "0 6 * * *"] [--timezone America/New_York]

To refresh once without a server: bls-refresh run"""


class NoPrefectServer(RuntimeError):
    pass


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
    """What each scheduled run is given: the settings as they are now (flags + env). The contact is
    left out (a SecretStr would be stored masked): runs read it from BLS_REFRESH_CONTACT."""
    return {"settings": settings.model_dump(mode="json", exclude={"contact"})}


def serve_nightly(settings: Settings, *, name: str = "nightly") -> None:
    """Register the `refresh` deployment with its cron schedule and run it when due (blocks)."""
    from prefect.schedules import Cron

    from flows.refresh import refresh

    check_server()
    if settings.contact_address():
        # Scheduled runs execute in processes started by this one: they inherit the contact from here.
        os.environ["BLS_REFRESH_CONTACT"] = settings.contact_address()
    refresh.serve(
        name=name,
        schedules=[Cron(settings.schedule_cron, timezone=settings.schedule_timezone)],
        parameters=deployment_parameters(settings),
        global_limit=1,
        description="Nightly BLS refresh: OEWS, EP and OOH into the warehouse, then the fact sheets.",
        tags=["bls-refresh"],
    )
