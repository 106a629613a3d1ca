"""The `refresh` flow: a night (flows/night.py) whose every step runs as a Prefect task.

Flow parameters are plain JSON values, what a deployment stores and a worker hands back: the
settings as a dict (rebuilt into Settings inside the run, over the environment) and the refresh
date as an ISO string. No annotation here may need an import to resolve: Prefect validates the
parameters of a deployed run in a process that loads this file on its own.
"""

from datetime import date
from typing import Any

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.states import Completed, Failed, State
from prefect.tasks import exponential_backoff

from extractors import TransientFetchError
from flows.artifacts import publish_artifacts
from flows.errors import RunStopped
from flows.night import Runner, run_night
from flows.observability import configure_logging
from flows.report import RunReport
from flows.settings import Settings


def is_transient(task, task_run, state) -> bool:
    """Prefect retries only what may pass: a fetch still failing with 429/5xx/timeouts after the
    client's own retries. A 403, a 404, a layout change or a validation failure is never retried."""
    try:
        state.result()
    except TransientFetchError:
        return True
    except Exception:
        return False
    return False


def prefect_runner(settings: Settings) -> Runner:
    """Run each step as a task. No step's result is cached or persisted: a raw file whose bytes are
    loaded already is skipped before its transform (warehouse.queries.release_with_sha)."""

    def run(step, *args, name: str, transient: bool = False):
        options: dict[str, Any] = dict(name=name, cache_policy=NO_CACHE, persist_result=False)
        if transient:
            options.update(
                retries=settings.task_retries,
                retry_delay_seconds=exponential_backoff(backoff_factor=settings.task_retry_delay),
                retry_jitter_factor=0.5,
                retry_condition_fn=is_transient,
            )
        return task(step, **options)(*args)

    return run


def flow_parameters(settings: Settings) -> dict[str, Any]:
    """The settings as a deployment or a run stores them. The contact is left out (it would be stored
    in clear): a run takes it from BLS_REFRESH_CONTACT in its own environment."""
    return settings.model_dump(mode="json", exclude={"contact"}, exclude_unset=True)


@flow(name="refresh", log_prints=True)
def refresh(settings: dict[str, Any] | None = None, refreshed_on: str | None = None) -> RunReport | State:
    """Completed when every source refreshed; Completed named Partial when pages were missing or carried
    forward; Failed naming the failed sources, the sheets that could not be published, or why the run
    stopped before doing anything."""
    resolved = Settings(**(settings or {}))
    configure_logging(resolved.log_format)
    day = date.fromisoformat(refreshed_on) if refreshed_on else None
    try:
        report = run_night(resolved, prefect_runner(resolved), day, under_prefect=True)
    except RunStopped as exc:
        return Failed(message=str(exc), data=exc)
    publish_artifacts(report, str(resolved.report_path))
    if not report.ok:
        return Failed(message=f"source(s) failed: {', '.join(report.failed_sources)}", data=report)
    if not report.published:
        return Failed(message=report.not_published, data=report)
    if report.partial:
        return Completed(name="Partial", message=report.partial_summary(), data=report)
    return report
