"""Prefect flows and the CLI: thin orchestration over extractors -> transforms -> warehouse -> factsheets."""

import os

# Prefect's temporary API server needs ~12 s to start on small machines (longer on a first run with
# migrations), more than its default start-up timeout; and a pipeline has no business phoning home.
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
# The stages log through the standard library; this sends those lines to Prefect's handlers (the UI).
os.environ.setdefault("PREFECT_LOGGING_EXTRA_LOGGERS", "bls_refresh,extractors,transforms,warehouse,factsheets,flows")
# Plain (no-Prefect) runs log through the same loggers; outside a flow run there is no API to send to.
os.environ.setdefault("PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW", "ignore")
