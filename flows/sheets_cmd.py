"""`bls-refresh sheets`: render the fact sheets from the warehouse, without fetching anything.

Registered by flows/cli.py with `app.command()(sheets)`.
"""

from __future__ import annotations

from contextlib import nullcontext
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from flows.errors import EXIT_SOURCE_FAILED, EXIT_STORAGE, EXIT_USAGE
from flows.options import DataDir, Db, build_settings, existing_warehouse, shown

# Shared with `run` (flows/cli.py).
Workers = Annotated[
    int | None,
    typer.Option(
        "--workers",
        min=0,
        help=shown(
            "Render the sheets on a local Dask cluster of N worker processes; 0 renders them in this process alone.",
            "workers",
            "national sheets here and in a forked helper per spare core (Linux)",
        ),
    ),
]
DaskAddress = Annotated[
    str | None,
    typer.Option(
        "--dask-address",
        help=shown("Render the sheets on an existing Dask cluster, e.g. tcp://host:8786.", "dask_address"),
    ),
]
SiteBaseUrl = Annotated[
    str | None,
    typer.Option(
        "--site-base-url",
        help=shown("URL the sheets folder is served from: absolute URLs in sitemap.xml.", "site_base_url"),
    ),
]


def sheets(
    career: Annotated[
        str | None, typer.Option("--career", help="Only the sheet of this career (its name in the careers config).")
    ] = None,
    soc: Annotated[str | None, typer.Option("--soc", help="Only the sheets of this SOC code, e.g. 29-2072.")] = None,
    format: Annotated[
        str, typer.Option("--format", help="Comma-separated formats to write: md, html, json.")
    ] = "md,html,json",
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Output folder (default: DATA_DIR/sheets; with --as-of, DATA_DIR/sheets-as-of-YEAR).",
            file_okay=False,
        ),
    ] = None,
    as_of: Annotated[
        int | None,
        typer.Option(
            "--as-of",
            help="Render what the sheets said with the releases of YEAR (OEWS May YEAR, the EP cycle based in YEAR) from the warehouse's history.",
            min=1990,
            max=2200,
        ),
    ] = None,
    db: Db = None,
    data_dir: DataDir = None,
    careers: Annotated[
        Path | None,
        typer.Option(
            "--careers", help="Careers config (TOML) (default: the shipped factsheets/careers.toml).", dir_okay=False
        ),
    ] = None,
    workers: Workers = None,
    dask_address: DaskAddress = None,
    site_base_url: SiteBaseUrl = None,
    area: Annotated[
        list[str] | None,
        typer.Option(
            "--area",
            help="Publish the area sheets of this area (repeatable): a state's postal code (TX), FIPS code (48), "
            "7-digit OEWS area code or name as BLS lists it ('Dallas-Fort Worth-Arlington, TX').",
        ),
    ] = None,
    areas: Annotated[
        str | None,
        typer.Option(
            "--areas",
            help=shown("Publish the area sheets of these areas: none, states, metros or all.", "sheet_areas"),
        ),
    ] = None,
) -> None:
    """Render the fact sheets from the warehouse (no fetching): only changed sheets are rewritten."""
    import warehouse
    from factsheets.batch import RenderWorkersFailed
    from factsheets.careers import CareersConfigError, default_careers_path
    from factsheets.publish import SheetSelectionError, normalize_formats, publish_sheets
    from factsheets.versions import SheetsPublishError
    from warehouse.area_queries import AreaSelectionError
    from warehouse.sheet_queries import has_sheet_schema, history_years

    if career and soc:
        raise typer.BadParameter("give --career or --soc, not both")
    if area and areas:
        raise typer.BadParameter("give --area or --areas, not both")
    if area and (career or soc):
        raise typer.BadParameter("--area publishes an area's sheets: give it without --career or --soc")
    try:
        formats = normalize_formats(format)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--format") from None
    settings = build_settings(
        db_path=db,
        data_dir=data_dir,
        workers=workers,
        dask_address=dask_address,
        site_base_url=site_base_url,
        sheet_areas=areas,
    )
    chosen_areas: str | list[str] | None = list(area) if area else settings.area_selection()
    runner = None
    render_workers = settings.render_workers()
    if area and workers is None:  # one area: a few hundred sheets, quicker here than on a cluster
        render_workers = 0
    if settings.dask_address or render_workers:
        from flows.distribute import dask_runner

        runner = dask_runner(render_workers, settings.dask_address)
    path = existing_warehouse(settings)
    con = warehouse.connect(path, read_only=True)
    if not has_sheet_schema(con):
        # A warehouse made before the sheet macros existed: migrate it once, then read it read-only.
        con.close()
        warehouse.connect(path).close()
        typer.echo(f"migrated {path} to the current schema (fact-sheet macros)", err=True)
        con = warehouse.connect(path, read_only=True)
    try:
        if as_of is not None:
            years = history_years(con)
            if not any(min(y) <= as_of for y in years.values() if y):
                held = ", ".join(f"{s} {', '.join(map(str, y))}" for s, y in sorted(years.items()))
                typer.echo(
                    f"the warehouse holds no release of {as_of} or earlier (it holds {held or 'none'}); "
                    "load history with `bls-refresh backfill`",
                    err=True,
                )
                raise typer.Exit(1)
        target = out or (
            settings.sheets_output_dir.with_name(f"{settings.sheets_output_dir.name}-as-of-{as_of}")
            if as_of is not None
            else settings.sheets_output_dir
        )
        only = [f"career:{career}"] if career else [f"soc:{soc}"] if soc else None
        try:
            with runner or nullcontext():  # the cluster comes up while the publish plans its sheets
                result = publish_sheets(
                    con,
                    out_dir=target,
                    refreshed_on=date.today(),
                    careers_config=careers or default_careers_path(),
                    formats=formats,
                    as_of=as_of,
                    only=only,
                    site_base_url=settings.site_base_url,
                    runner=runner,
                    areas=chosen_areas,
                    fork=settings.render_forked(),
                )
        except CareersConfigError as exc:
            typer.echo(f"careers config rejected: {exc}", err=True)
            raise typer.Exit(EXIT_USAGE) from None
        except (SheetSelectionError, AreaSelectionError) as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(EXIT_USAGE) from None
        except SheetsPublishError as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(EXIT_STORAGE) from None
        except RenderWorkersFailed as exc:
            typer.echo(f"sheets not published (the published set is unchanged): {exc}", err=True)
            raise typer.Exit(EXIT_SOURCE_FAILED) from None
    finally:
        con.close()

    typer.echo(
        f"{'sheets':<12} {len(result.written)} written, {result.unchanged} unchanged, "
        f"{len(result.held_back)} held back in {result.directory}"
    )
    if result.changelog_path:
        typer.echo(f"{'changelog':<12} {result.changelog_path}")
    for slug, reason in result.held_back:
        typer.echo(f"held back    {slug}: {reason}", err=True)
