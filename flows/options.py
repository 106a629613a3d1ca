"""What every CLI command shares: the warehouse options, help texts that show the real defaults, and
building the one Settings object from flags (env vars first, flags over them)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError

from flows.settings import Settings


def default_of(name: str) -> Any:
    field = Settings.model_fields[name]
    return field.default_factory() if field.default_factory else field.default  # type: ignore[call-arg]


_FROM_SETTINGS = object()


def shown(text: str, name: str | None = None, default: Any = _FROM_SETTINGS) -> str:
    """Help text ending with the default a run uses when neither the flag nor its env var is given."""
    value = default_of(name) if default is _FROM_SETTINGS and name else default
    if isinstance(value, list):
        value = ",".join(value)
    env = f"; env BLS_REFRESH_{name.upper()}" if name else ""
    return f"{text} [default: {value}{env}]"


Db = Annotated[
    Path | None, typer.Option("--db", help=shown("DuckDB warehouse file.", default="DATA_DIR/warehouse.duckdb"))
]
DataDir = Annotated[
    Path | None, typer.Option(help=shown("Where the warehouse, raw archive and sheets live.", "data_dir"))
]


def build_settings(**flags: Any) -> Settings:
    """Env vars (BLS_REFRESH_*) first, CLI flags over them."""
    given = {k: v for k, v in flags.items() if v is not None}
    try:
        return Settings(**given)
    except ValidationError as exc:
        raise typer.BadParameter("; ".join(map(_problem, exc.errors()))) from None


def _problem(error: Any) -> str:
    """One validation error as a user reads it: `field: what is wrong`, or only what is wrong when it
    concerns several settings together."""
    message = str(error["msg"]).removeprefix("Value error, ")
    where = ".".join(map(str, error["loc"]))
    return f"{where}: {message}" if where else message


def existing_warehouse(settings: Settings) -> Path:
    path = settings.warehouse_path
    if not path.exists():
        typer.echo(f"no warehouse at {path}: run `bls-refresh run` first", err=True)
        raise typer.Exit(1)
    return path
