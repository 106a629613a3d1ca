"""What every CLI command shares: the warehouse options and building the one Settings object from flags."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError

from flows.settings import Settings

Db = Annotated[Path | None, typer.Option("--db", help="DuckDB warehouse file [default: DATA_DIR/warehouse.duckdb].")]
DataDir = Annotated[
    Path | None, typer.Option(help="Where the warehouse, raw archive and sheets live [default: ./bls-data].")
]


def build_settings(**flags) -> Settings:
    """Env vars (BLS_REFRESH_*) first, CLI flags over them."""
    given = {k: v for k, v in flags.items() if v is not None}
    try:
        return Settings(**given)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise typer.BadParameter(problems) from None


def existing_warehouse(settings: Settings) -> Path:
    path = settings.warehouse_path
    if not path.exists():
        typer.echo(f"no warehouse at {path}: run `bls-refresh run` first", err=True)
        raise typer.Exit(1)
    return path
