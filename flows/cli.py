"""`bls-refresh`: run the refresh, serve it nightly, inspect the warehouse."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from flows.analyst_cmd import export, query, schema
from flows.articles_cmd import articles_app
from flows.options import DataDir, Db, build_settings
from flows.sheets_cmd import sheets

app = typer.Typer(
    help="Keep BLS occupational figures fresh in DuckDB and export career fact sheets.",
    no_args_is_help=True,
    add_completion=False,
)

EXIT_FAILED = 1
EXIT_LOCKED = 75  # EX_TEMPFAIL: another run holds the warehouse; try again later

Mirror = Annotated[
    Path | None,
    typer.Option(
        help="Serve this folder (laid out like bls-mirror/) locally instead of bls.gov.", exists=True, file_okay=False
    ),
]
Sources = Annotated[str | None, typer.Option(help="Comma-separated: oews,projections,ooh [default: all].")]
OewsForm = Annotated[str | None, typer.Option(help="national_zip (default) or flatfiles.")]
OewsAreas = Annotated[
    str | None,
    typer.Option(help="OEWS flat files: national (default) or all areas (states, metro and nonmetro areas)."),
]
Contact = Annotated[str | None, typer.Option(help="Contact address for the User-Agent (BLS requires one).")]
ContactPrivate = Annotated[
    bool | None, typer.Option("--contact-private", help="Mask the contact address in logs and reports.")
]
WwwBase = Annotated[str | None, typer.Option(help="Base URL standing for https://www.bls.gov.")]
DownloadBase = Annotated[str | None, typer.Option(help="Base URL standing for https://download.bls.gov.")]
LockTimeout = Annotated[
    float | None, typer.Option(help="Seconds to wait for another run on the same warehouse [default: 600].")
]
LogFormat = Annotated[str | None, typer.Option(help="text or json.")]


@app.command()
def run(
    mirror: Mirror = None,
    db: Db = None,
    data_dir: DataDir = None,
    sources: Sources = None,
    oews_form: OewsForm = None,
    oews_areas: OewsAreas = None,
    contact: Contact = None,
    contact_private: ContactPrivate = None,
    www_base_url: WwwBase = None,
    download_base_url: DownloadBase = None,
    replay: Annotated[bool | None, typer.Option("--replay", help="Re-run from the raw archive, no network.")] = None,
    lock_timeout: LockTimeout = None,
    log_format: LogFormat = None,
    prefect: Annotated[
        bool, typer.Option(help="Run as a Prefect flow (starts a temporary API server when none is configured).")
    ] = True,
) -> None:
    """Fetch what BLS changed, load it into the warehouse, refresh the sheets; print a summary."""
    settings = build_settings(
        mirror=mirror,
        db_path=db,
        data_dir=data_dir,
        sources=sources,
        oews_form=oews_form,
        oews_areas=oews_areas,
        contact=contact,
        contact_private=contact_private,
        www_base_url=www_base_url,
        download_base_url=download_base_url,
        replay=replay,
        lock_timeout=lock_timeout,
        log_format=log_format,
    )
    from flows import observability
    from flows.locking import RunLocked
    from flows.refresh import refresh, run_refresh

    if not prefect:
        observability.add_console_handler(settings.log_format)
    try:
        if prefect:
            report = refresh(settings, return_state=True).result(raise_on_failure=False)
            if isinstance(report, BaseException):
                raise report
        else:
            report = run_refresh(settings)
    except RunLocked as exc:
        typer.echo(f"NOT RUN: {exc}", err=True)
        raise typer.Exit(EXIT_LOCKED)
    for line in report.summary_lines():
        typer.echo(line)
    typer.echo(f"report       {settings.report_path}")
    if report.ok and report.partial:
        typer.echo(f"PARTIAL: {report.partial_summary()}", err=True)
    if not report.ok:
        typer.echo(
            f"FAILED: {', '.join(report.failed_sources)} (the warehouse keeps its previous data for them)", err=True
        )
        raise typer.Exit(EXIT_FAILED)


@app.command()
def serve(
    cron: Annotated[str | None, typer.Option(help="When to run [default: 0 6 * * *, nightly at 06:00].")] = None,
    timezone: Annotated[
        str | None, typer.Option(help="Time zone of the cron schedule [default: America/New_York].")
    ] = None,
    name: Annotated[str, typer.Option(help="Deployment name.")] = "nightly",
    mirror: Mirror = None,
    db: Db = None,
    data_dir: DataDir = None,
    sources: Sources = None,
    oews_form: OewsForm = None,
    oews_areas: OewsAreas = None,
    contact: Contact = None,
    contact_private: ContactPrivate = None,
    www_base_url: WwwBase = None,
    download_base_url: DownloadBase = None,
) -> None:
    """Register the nightly deployment on a Prefect server and run it when due (needs `prefect server start`)."""
    settings = build_settings(
        schedule_cron=cron,
        schedule_timezone=timezone,
        mirror=mirror,
        db_path=db,
        data_dir=data_dir,
        sources=sources,
        oews_form=oews_form,
        oews_areas=oews_areas,
        contact=contact,
        contact_private=contact_private,
        www_base_url=www_base_url,
        download_base_url=download_base_url,
    )
    from flows.serve import NoPrefectServer, serve_nightly

    try:
        serve_nightly(settings, name=name)
    except NoPrefectServer as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2)


@app.command()
def status(db: Db = None, data_dir: DataDir = None) -> None:
    """List the releases the warehouse holds."""
    import warehouse
    from warehouse.queries import releases

    settings = build_settings(db_path=db, data_dir=data_dir)
    con = warehouse.connect(settings.warehouse_path, read_only=True)
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
    from flows.locking import exclusive_run
    from flows.refresh import run_backfill

    with exclusive_run(settings.warehouse_path, settings.lock_timeout, use_prefect=False):
        report = run_backfill(settings, paths)
    for line in report.summary_lines():
        typer.echo(line)
    if not report.ok:
        raise typer.Exit(EXIT_FAILED)


app.command()(sheets)
app.command()(schema)
app.command()(query)
app.command()(export)
app.add_typer(articles_app, name="articles")


if __name__ == "__main__":
    app()
