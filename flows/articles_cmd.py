"""`bls-refresh articles audit|refresh`: check the BLS figures of existing articles against the warehouse and
bring them up to date. Registered by flows/cli.py with `app.add_typer(articles_app, name="articles")`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from flows.options import DataDir, Db, build_settings, existing_warehouse

EXIT_BAD_INPUT = 2

articles_app = typer.Typer(
    help="Audit and refresh the BLS figures of articles editors already have (.txt, .md, .html).",
    no_args_is_help=True,
)

Files = Annotated[list[Path], typer.Argument(help="Articles (.txt, .md, .html), or folders holding them.", exists=True)]
AsOf = Annotated[
    int | None,
    typer.Option(
        "--as-of",
        help="Use the releases of YEAR and before (OEWS May YEAR, the EP cycle based in YEAR) as the newest.",
        min=1990,
        max=2200,
    ),
]
Careers = Annotated[
    Path | None,
    typer.Option(
        "--careers", help="Careers config (TOML) whose names bind figures [default: the shipped one].", dir_okay=False
    ),
]


def _articles(paths: list[Path]) -> list[Path]:
    from factsheets.articles.folder import discover_articles

    found: list[Path] = []
    for path in paths:
        found.extend(discover_articles(path) if path.is_dir() else [path])
    names = [p.name for p in found]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise typer.BadParameter(f"two articles share the name {twice[0]}; their outputs would collide")
    return found


def _run(paths: list[Path], *, as_of: int | None, db: Path | None, data_dir: Path | None, careers: Path | None):
    import warehouse
    from factsheets.articles.session import audit_articles
    from factsheets.careers import CareersConfigError

    settings = build_settings(db_path=db, data_dir=data_dir)
    con = warehouse.connect(existing_warehouse(settings), read_only=True)
    try:
        return audit_articles(con, _articles(paths), as_of=as_of, careers_config=careers or settings.careers_config)
    except CareersConfigError as exc:
        typer.echo(f"careers config rejected: {exc}", err=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    finally:
        con.close()


def _report_errors(errors) -> None:
    for error in errors:
        typer.echo(f"NOT READ: {error}", err=True)
    if errors:
        raise typer.Exit(EXIT_BAD_INPUT)


def _write_reports(result, out: Path) -> None:
    from factsheets.articles.folder import write_atomically
    from factsheets.articles.report import report_json, report_markdown

    name = result.path.name
    write_atomically(out / f"{name}.audit.md", report_markdown(result).encode("utf-8"))
    document = json.dumps(report_json(result), indent=2, ensure_ascii=False) + "\n"
    write_atomically(out / f"{name}.audit.json", document.encode("utf-8"))


@articles_app.command()
def audit(
    files: Files,
    out: Annotated[
        Path | None, typer.Option("--out", help="Also write NAME.audit.md and NAME.audit.json here.", file_okay=False)
    ] = None,
    as_of: AsOf = None,
    db: Db = None,
    data_dir: DataDir = None,
    careers: Careers = None,
) -> None:
    """Find every BLS figure, bind it to an occupation, measure and release, and check it against the warehouse."""
    from factsheets.articles.report import report_markdown

    results, errors = _run(files, as_of=as_of, db=db, data_dir=data_dir, careers=careers)
    for result in results:
        typer.echo(report_markdown(result))
        if out is not None:
            _write_reports(result, out)
    if out is not None and results:
        typer.echo(f"{'reports':<12} {len(results)} written to {out}")
    _report_errors(errors)


@articles_app.command()
def refresh(
    files: Files,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Write the refreshed articles, their diffs and reports here (same names).", file_okay=False
        ),
    ] = None,
    in_place: Annotated[bool, typer.Option("--in-place", help="Rewrite the articles themselves (atomically).")] = False,
    as_of: AsOf = None,
    db: Db = None,
    data_dir: DataDir = None,
    careers: Careers = None,
) -> None:
    """Bring every bound figure (and its year, period and direction words) up to the newest release; without
    --out or --in-place, print the diff and write nothing."""
    from factsheets.articles.folder import write_atomically
    from factsheets.articles.report import comparisons_summary, unified_diff

    if out is not None and in_place:
        raise typer.BadParameter("give --out DIR or --in-place, not both")
    results, errors = _run(files, as_of=as_of, db=db, data_dir=data_dir, careers=careers)
    for result in results:
        diff = unified_diff(result)
        if diff:
            typer.echo(diff, nl=False)
        if out is not None:
            write_atomically(out / result.path.name, result.refreshed_bytes())
            write_atomically(out / f"{result.path.name}.diff", diff.encode("utf-8"))
            _write_reports(result, out)
            if result.sidecar_refreshed is not None and result.sidecar is not None:
                write_atomically(out / result.sidecar.path.name, result.sidecar_refreshed.encode("utf-8"))
        elif in_place and result.changed:
            write_atomically(result.path, result.refreshed_bytes())
            if result.sidecar_refreshed is not None and result.sidecar is not None:
                write_atomically(result.sidecar.path, result.sidecar_refreshed.encode("utf-8"))
        where = (
            f" -> {out / result.path.name}"
            if out is not None
            else " (rewritten)"
            if in_place and result.changed
            else ""
        )
        review = result.to_review
        status = "refreshed" if result.changed else "to review" if review else "up to date"
        asks = f" {len(review)} ask you to reword or check by hand." if review else ""
        typer.echo(
            f"{status:<12} {result.name}{where}: "
            f"{len(result.changes)} figures refreshed, {len(result.kept)} left as written.{asks}"
            f"{comparisons_summary(result)}"
        )
        for kept in result.kept:
            typer.echo(f"  kept line {kept.line} {kept.text}: {kept.reason}")
        for kept in result.outlook_kept:
            typer.echo(f"  kept line {kept.line} '{kept.text}': {kept.reason}")
    _report_errors(errors)
