"""`bls-refresh schema | query | export`: the analysts' commands (registered in flows/cli.py).

All three read the warehouse without ever blocking a refresh: `query` through the locked-down
read-only connection of warehouse.analyst.run_read_only, `schema` and `export` through plain
read-only connections.
"""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import Annotated

import typer

from flows.options import DataDir, Db, build_settings, existing_warehouse


class OutputFormat(enum.StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


def _warehouse(db: Path | None, data_dir: Path | None) -> Path:
    return existing_warehouse(build_settings(db_path=db, data_dir=data_dir))


def schema(
    db: Db = None,
    data_dir: DataDir = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Write the data dictionary as Markdown here [default: data-dictionary.md beside the warehouse].",
        ),
    ] = None,
) -> None:
    """Print the data dictionary (every table, view and column with its type and meaning) and write it as Markdown."""
    from warehouse.analyst import data_dictionary_markdown, open_read_only

    path = _warehouse(db, data_dir)
    con = open_read_only(path)
    try:
        markdown = data_dictionary_markdown(con)
    finally:
        con.close()
    target = out or path.with_name("data-dictionary.md")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(markdown, encoding="utf-8")
    typer.echo(markdown, nl=False)
    typer.echo(f"written to {target}", err=True)


def query(
    sql: Annotated[str, typer.Argument(help="One read-only SQL query (SELECT, WITH ..., FROM ..., DESCRIBE, SHOW).")],
    format: Annotated[OutputFormat, typer.Option("--format", help="table, csv or json.")] = OutputFormat.table,
    db: Db = None,
    data_dir: DataDir = None,
) -> None:
    """Run one read-only SQL query on the warehouse and print the result. Writes, file access and
    extensions are refused."""
    import duckdb

    from warehouse.analyst import ReadOnlyQueryError, run_read_only

    path = _warehouse(db, data_dir)
    try:
        result = run_read_only(path, sql)
    except ReadOnlyQueryError as exc:
        typer.echo(f"refused: {exc}", err=True)
        raise typer.Exit(2) from None
    except duckdb.Error as exc:
        typer.echo(f"query failed: {exc}", err=True)
        raise typer.Exit(1) from None
    if format is OutputFormat.csv:
        result.to_csv(sys.stdout, index=False)
    elif format is OutputFormat.json:
        typer.echo(result.to_json(orient="records", date_format="iso", force_ascii=False))
    elif result.empty:
        typer.echo(f"(no rows; columns: {', '.join(map(str, result.columns))})")
    else:
        typer.echo(result.to_string(index=False))


def export(
    parquet: Annotated[
        Path, typer.Option("--parquet", help="Folder to write one Parquet file per table into.", file_okay=False)
    ],
    db: Db = None,
    data_dir: DataDir = None,
    views: Annotated[
        bool, typer.Option("--views", help="Also write each view (e.g. oews_figures, occupation_history).")
    ] = False,
) -> None:
    """Write each table of the warehouse as Parquet (for BI tools), with data-dictionary.md beside them."""
    from warehouse.analyst import export_parquet

    path = _warehouse(db, data_dir)
    for written in export_parquet(path, parquet, include_views=views):
        typer.echo(str(written))
    typer.echo(str(parquet / "data-dictionary.md"))
