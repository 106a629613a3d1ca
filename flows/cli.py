"""`bls-refresh`: run the refresh, serve it nightly, inspect the warehouse.

The one place where errors become exit statuses (flows/errors.py lists them).
"""

from __future__ import annotations

import functools
import inspect
import json
import logging
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from flows.analyst_cmd import export, query, schema
from flows.articles_cmd import articles_app
from flows.errors import EXIT_SOURCE_FAILED, EXIT_TERMINATED, EXIT_USAGE, RunStopped, exit_statuses_help
from flows.options import DataDir, Db, build_settings, shown
from flows.settings import Settings
from flows.sheets_cmd import DaskAddress, Workers, sheets

app = typer.Typer(
    help="Keep BLS occupational figures fresh in DuckDB and export career fact sheets.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,  # plain help: Rich markup would swallow "[default: ...]"
)


@app.callback()
def _every_command() -> None:
    signal.signal(signal.SIGTERM, _stop_on_sigterm)


def _stop_on_sigterm(signum: int, frame: object) -> None:
    """A service manager stops a run with SIGTERM: it unwinds as an interrupted run does, so the run's
    own cleanup happens (its lock, a staged warehouse or sheets version, Prefect's temporary API server
    and the Dask workers it started) instead of leaving them behind."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a second SIGTERM stops it at once
    print(
        "bls-refresh: stopped by SIGTERM; the step under way is undone, what was committed before it stays",
        file=sys.stderr,
        flush=True,
    )
    raise SystemExit(EXIT_TERMINATED)


Mirror = Annotated[
    Path | None,
    typer.Option(
        help="Serve this folder (laid out like bls-mirror/) locally instead of bls.gov.", exists=True, file_okay=False
    ),
]
Sources = Annotated[str | None, typer.Option(help=shown("Comma-separated: oews,projections,ooh.", "sources"))]
OewsForm = Annotated[str | None, typer.Option(help=shown("national_zip or flatfiles.", "oews_form"))]
OewsAreas = Annotated[
    str | None,
    typer.Option(help=shown("OEWS flat files: national, or all areas (states, metro and nonmetro).", "oews_areas")),
]
Contact = Annotated[
    str | None, typer.Option(help=shown("Contact address for the User-Agent (BLS requires one).", "contact"))
]
ContactPrivate = Annotated[
    bool | None, typer.Option("--contact-private", help="Mask the contact address in logs and reports.")
]
WwwBase = Annotated[str | None, typer.Option(help=shown("Base URL standing for www.bls.gov.", "www_base_url"))]
DownloadBase = Annotated[
    str | None, typer.Option(help=shown("Base URL standing for download.bls.gov.", "download_base_url"))
]
Articles = Annotated[
    Path | None,
    typer.Option(
        "--articles",
        help=shown("A folder of articles to refresh after each night that loads something.", "articles_dir"),
        file_okay=False,
    ),
]
Careers = Annotated[
    Path | None,
    typer.Option(
        "--careers",
        help=shown("Careers config (TOML).", "careers_config", "the shipped factsheets/careers.toml"),
        dir_okay=False,
    ),
]

SheetAreas = Annotated[
    str | None,
    typer.Option(
        "--areas",
        help=shown("Area sheets to publish beside the national ones: none, states, metros or all.", "sheet_areas"),
    ),
]

# The options `run` and `serve` share (where the sources are, which sheets, where they render): flag parameter -> (its type, the Settings field it sets), in help order.
SOURCE_OPTIONS: dict[str, tuple[Any, str]] = {
    "mirror": (Mirror, "mirror"),
    "db": (Db, "db_path"),
    "data_dir": (DataDir, "data_dir"),
    "sources": (Sources, "sources"),
    "oews_form": (OewsForm, "oews_form"),
    "oews_areas": (OewsAreas, "oews_areas"),
    "contact": (Contact, "contact"),
    "contact_private": (ContactPrivate, "contact_private"),
    "www_base_url": (WwwBase, "www_base_url"),
    "download_base_url": (DownloadBase, "download_base_url"),
    "careers": (Careers, "careers_config"),
    "articles": (Articles, "articles_dir"),
    "areas": (SheetAreas, "sheet_areas"),
    "workers": (Workers, "workers"),
    "dask_address": (DaskAddress, "dask_address"),
}


def with_source_options(command: Callable[..., None]) -> Callable[..., None]:
    """Give `command` the SOURCE_OPTIONS where it has its `source` parameter; it gets them as one dict of
    Settings fields (for build_settings). Typer reads the rewritten signature, so the flags, their help
    and their order are as if each command listed them."""
    signature = inspect.signature(command, eval_str=True)
    parameters: list[inspect.Parameter] = []
    for parameter in signature.parameters.values():
        if parameter.name != "source":
            parameters.append(parameter)
            continue
        parameters += [
            inspect.Parameter(name, parameter.kind, default=None, annotation=annotation)
            for name, (annotation, _) in SOURCE_OPTIONS.items()
        ]

    @functools.wraps(command)
    def with_options(**flags: Any) -> None:
        source = {field: flags.pop(name) for name, (_, field) in SOURCE_OPTIONS.items()}
        command(source=source, **flags)

    with_options.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
    with_options.__annotations__ = {p.name: p.annotation for p in parameters} | {"return": None}
    return with_options


@app.command(epilog=exit_statuses_help())
@with_source_options
def run(
    source: dict[str, Any],
    replay: Annotated[bool | None, typer.Option("--replay", help="Re-run from the raw archive, no network.")] = None,
    lock_timeout: Annotated[
        float | None, typer.Option(help=shown("Seconds to wait for another run on the same warehouse.", "lock_timeout"))
    ] = None,
    log_format: Annotated[str | None, typer.Option(help=shown("text or json.", "log_format"))] = None,
    prefect: Annotated[
        bool, typer.Option(help="Run as a Prefect flow (starts a temporary API server when none is configured).")
    ] = True,
) -> None:
    """Fetch what BLS changed, load it into the warehouse, publish the sheets; print a summary."""
    settings = build_settings(**source, replay=replay, lock_timeout=lock_timeout, log_format=log_format)
    from flows.launch import run_once

    try:
        report = run_once(settings, prefect=prefect)
    except RunStopped as exc:
        tell(settings, logging.ERROR, f"NOT RUN: {exc}")
        raise typer.Exit(exc.exit_status) from None
    if settings.log_format == "json":
        typer.echo(json.dumps(json.loads(report.to_json())))  # the report, one line
    else:
        for line in report.summary_lines():
            typer.echo(line)
        typer.echo(f"report       {settings.report_path}")
    if report.ok and report.partial:
        tell(settings, logging.WARNING, f"PARTIAL: {report.partial_summary()}")
    if not report.ok:
        failed = ", ".join(report.failed_sources)
        tell(settings, logging.ERROR, f"FAILED: {failed} (the warehouse keeps its previous data for them)")
    elif not report.published:
        tell(settings, logging.ERROR, report.not_published)
    raise typer.Exit(report.exit_status())


def tell(settings: Settings, level: int, message: str) -> None:
    """The run's last word on stderr: plain text, or a JSON log record with --log-format json."""
    if settings.log_format == "json":
        logging.getLogger("bls_refresh").log(level, message)
    else:
        typer.echo(message, err=True)


@app.command(epilog=exit_statuses_help())
@with_source_options
def serve(
    cron: Annotated[str | None, typer.Option(help=shown("When to run (cron).", "schedule_cron"))] = None,
    timezone: Annotated[
        str | None, typer.Option(help=shown("Time zone of the cron schedule.", "schedule_timezone"))
    ] = None,
    name: Annotated[str, typer.Option(help="Deployment name.")] = "nightly",
    *,
    source: dict[str, Any],
) -> None:
    """Register the nightly deployment on a Prefect server and run it when due (needs `prefect server start`)."""
    settings = build_settings(
        schedule_cron=cron,
        schedule_timezone=timezone,
        **source,
    )
    from flows.serve import serve_nightly

    try:
        serve_nightly(settings, name=name)
    except RunStopped as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(exc.exit_status) from None


@app.command()
def status(db: Db = None, data_dir: DataDir = None) -> None:
    """List the releases the warehouse holds."""
    from warehouse.analyst import open_read_only
    from warehouse.queries import releases

    settings = build_settings(db_path=db, data_dir=data_dir)
    if not settings.warehouse_path.exists():
        typer.echo(f"no warehouse at {settings.warehouse_path} yet: `bls-refresh run` creates it", err=True)
        raise typer.Exit(EXIT_USAGE)
    con = open_read_only(settings.warehouse_path)
    try:
        typer.echo(releases(con).to_string(index=False))
    finally:
        con.close()


@app.command()
def backfill(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="OEWS national zips (oesmYYnat.zip), OEWS flat-file folders or EP occupation workbooks (.xlsx).",
            exists=True,
        ),
    ],
    db: Db = None,
    data_dir: DataDir = None,
) -> None:
    """Load earlier releases kept on disk into the warehouse's history (each is archived first)."""
    settings = build_settings(db_path=db, data_dir=data_dir)
    from flows.backfill import run_backfill
    from flows.errors import WarehouseBusy
    from flows.locking import RunLocked, exclusive_run

    try:
        with exclusive_run(settings.warehouse_path, settings.lock_timeout, use_prefect=False):
            report = run_backfill(settings, paths)
    except RunLocked as exc:
        typer.echo(f"NOT RUN: {exc}", err=True)
        raise typer.Exit(WarehouseBusy.exit_status) from None
    for line in report.summary_lines():
        typer.echo(line)
    if not report.ok:
        raise typer.Exit(EXIT_SOURCE_FAILED)


app.command()(sheets)
app.command()(schema)
app.command()(query)
app.command()(export)
app.add_typer(articles_app, name="articles")


if __name__ == "__main__":
    app()
