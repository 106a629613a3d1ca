"""`bls-refresh`: run the refresh, inspect the warehouse."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from pydantic import ValidationError

from flows.settings import Settings

app = typer.Typer(help="Keep BLS occupational figures fresh in DuckDB and export career fact sheets.",
                  no_args_is_help=True, add_completion=False)

Mirror = Annotated[Optional[Path], typer.Option(help="Serve this folder (laid out like bls-mirror/) locally instead of bls.gov.", exists=True, file_okay=False)]
Db = Annotated[Optional[Path], typer.Option("--db", help="DuckDB warehouse file [default: DATA_DIR/warehouse.duckdb].")]
DataDir = Annotated[Optional[Path], typer.Option(help="Where the warehouse, raw archive and sheets live [default: ./bls-data].")]


def build_settings(**flags) -> Settings:
    """Env vars (BLS_REFRESH_*) first, CLI flags over them."""
    given = {k: v for k, v in flags.items() if v is not None}
    try:
        return Settings(**given)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise typer.BadParameter(problems) from None


@app.command()
def run(
    mirror: Mirror = None,
    db: Db = None,
    data_dir: DataDir = None,
    sources: Annotated[Optional[str], typer.Option(help="Comma-separated: oews,projections,ooh [default: all].")] = None,
    oews_form: Annotated[Optional[str], typer.Option(help="national_zip (default) or flatfiles.")] = None,
    contact: Annotated[Optional[str], typer.Option(help="Contact address for the User-Agent (BLS requires one).")] = None,
    www_base_url: Annotated[Optional[str], typer.Option(help="Base URL standing for https://www.bls.gov.")] = None,
    download_base_url: Annotated[Optional[str], typer.Option(help="Base URL standing for https://download.bls.gov.")] = None,
    replay: Annotated[Optional[bool], typer.Option("--replay", help="Re-run from the raw archive, no network.")] = None,
    prefect: Annotated[bool, typer.Option(help="Run as a Prefect flow (starts a temporary API server when none is configured).")] = True,
) -> None:
    """Fetch what BLS changed, load it into the warehouse, refresh the sheets; print a summary."""
    settings = build_settings(
        mirror=mirror, db_path=db, data_dir=data_dir, sources=sources, oews_form=oews_form, contact=contact,
        www_base_url=www_base_url, download_base_url=download_base_url, replay=replay,
    )
    from flows.refresh import refresh, run_refresh

    if prefect:
        report = refresh(settings, return_state=True).result(raise_on_failure=False)
        if isinstance(report, BaseException):
            raise report
    else:
        report = run_refresh(settings)
    for line in report.summary_lines():
        typer.echo(line)
    typer.echo(f"report       {settings.report_path}")
    if report.ok and report.partial:
        typer.echo(f"PARTIAL: {report.partial_summary()}", err=True)
    if not report.ok:
        typer.echo(f"FAILED: {', '.join(report.failed_sources)} (the warehouse keeps its previous data for them)", err=True)
        raise typer.Exit(1)


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
    paths: Annotated[list[Path], typer.Argument(help="OEWS national zips (oesmYYnat.zip), OEWS flat-file folders or EP occupation workbooks (.xlsx).", exists=True)],
    db: Db = None,
    data_dir: DataDir = None,
) -> None:
    """Load earlier releases kept on disk into the warehouse's history (each is archived first)."""
    settings = build_settings(db_path=db, data_dir=data_dir)
    from flows.refresh import run_backfill

    report = run_backfill(settings, paths)
    for line in report.summary_lines():
        typer.echo(line)
    if not report.ok:
        raise typer.Exit(1)


if __name__ == "__main__":
    app()
