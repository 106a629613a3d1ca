"""Refresh a folder of articles after a night that loaded something (the `--articles DIR` setting).

Only articles whose figures moved are rewritten. Each is replaced atomically on its own (written to a
temporary file beside it, then renamed over it): a reader or a CMS sees the old article or the new one,
never half of one. The folder is not swapped as a whole because it belongs to the editors: a swap would
throw away an article saved during the run and break whatever watches the folder, and articles do not
depend on one another the way a site's index does. An article edited while the run was reading it is
not overwritten (its size or mtime moved): it is listed and refreshed the next night. A crash leaves every
article whole, refreshed or not; the next run catches up, and a run over refreshed articles changes nothing.

Each run that changed something writes `.bls-articles/changelog/<run>.jsonl` and `<run>.md` (article,
line, old -> new, occupation, measure, releases, source) and `latest.md` in the folder written to.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
from filelock import FileLock

from factsheets.articles.document import SUFFIX_KINDS, ArticleError
from factsheets.articles.measures import MEASURE_LABELS
from factsheets.articles.session import ArticleResult, ArticleSession

STATE_DIR = ".bls-articles"
LOCK_NAME = ".bls-articles.lock"


@dataclass(frozen=True)
class ChangeEntry:
    article: str
    line: int
    old: str
    new: str
    soc: str
    measure: str
    from_release: str
    to_release: str
    series: str
    source_url: str


@dataclass
class ArticlesResult:
    articles_dir: Path
    out_dir: Path
    run: str
    rewritten: list[str] = field(default_factory=list)  # relative paths
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # unreadable article or sidecar, and why
    skipped: list[tuple[str, str]] = field(default_factory=list)  # edited during the run
    kept: list[tuple[str, int, str, str]] = field(default_factory=list)  # article, line, figure, reason
    entries: list[ChangeEntry] = field(default_factory=list)
    changelog_path: Path | None = None

    def summary_lines(self) -> list[str]:
        lines = [
            f"{'articles':<12} {len(self.rewritten)} rewritten, {len(self.unchanged)} unchanged, "
            f"{len(self.failed)} unreadable, {len(self.skipped)} skipped in {self.out_dir}"
        ]
        if self.changelog_path:
            lines.append(f"{'changelog':<12} {self.changelog_path}")
        lines += [f"unreadable   {reason}" for _, reason in self.failed]  # the reason names the file
        lines += [f"skipped      {path}: {reason}" for path, reason in self.skipped]
        return lines

    def markdown(self) -> str:
        """What changed, for a Prefect artifact or an e-mail."""
        lines = [f"# Articles refreshed ({self.run})", "", *[f"- {line}" for line in self.summary_lines()]]
        if self.entries:
            lines += [
                "",
                "| Article | Line | Old | New | Occupation | Measure | Release |",
                "|---|---:|---|---|---|---|---|",
            ]
            for e in self.entries:
                lines.append(
                    f"| {e.article} | {e.line} | {e.old} | {e.new} | {e.soc} | {MEASURE_LABELS[e.measure]} | "
                    f"{e.from_release} -> {e.to_release} |"
                )
        if self.kept:
            lines += ["", "Figures left as written:", ""]
            lines += [f"- {article} line {line}, {figure}: {reason}" for article, line, figure, reason in self.kept]
        return "\n".join(lines) + "\n"

    def as_dict(self) -> dict:
        data = asdict(self)
        data["articles_dir"], data["out_dir"] = str(self.articles_dir), str(self.out_dir)
        data["changelog_path"] = str(self.changelog_path) if self.changelog_path else None
        return data


def discover_articles(root: Path) -> list[Path]:
    """Every .txt, .md and .html file under root, hidden folders and files left out."""
    found = []
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if any(part.startswith(".") for part in relative.parts) or not path.is_file():
            continue
        if path.suffix.lower() in SUFFIX_KINDS:
            found.append(path)
    return found


def write_atomically(path: Path, data: bytes) -> None:
    """Write beside the file, then rename over it: the old bytes or the new, never a mix. Keeps its mode."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = 0o644
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _fingerprint(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return stat.st_mtime_ns, stat.st_size


def refresh_articles_folder(
    con: duckdb.DuckDBPyConnection,
    articles_dir: Path,
    out_dir: Path | None = None,
    *,
    as_of: int | None = None,
    careers_config: Path | str | None = None,
    run_at: datetime | None = None,
    session: ArticleSession | None = None,
    lock_timeout: float = 600.0,
) -> ArticlesResult:
    """Refresh every article under articles_dir in place, or publish the refreshed articles to out_dir (same
    relative paths; an article is written when its refreshed text differs from what out_dir holds).

    con: a (read-only) connection to the committed warehouse. Raises ArticleError when articles_dir does not
    exist, filelock.Timeout when another refresh holds the folder for lock_timeout seconds, and
    CareersConfigError for a bad careers config; an unreadable article is listed in `failed`, not raised."""
    articles_dir = Path(articles_dir)
    if not articles_dir.is_dir():
        raise ArticleError(articles_dir, "the articles folder does not exist")
    target = Path(out_dir) if out_dir is not None else articles_dir
    target.mkdir(parents=True, exist_ok=True)
    run_at = run_at or datetime.now(UTC)
    result = ArticlesResult(articles_dir, target, run_at.strftime("%Y%m%dT%H%M%SZ"))
    session = session or ArticleSession(con, as_of=as_of, careers_config=careers_config)
    with FileLock(str(target / LOCK_NAME), timeout=lock_timeout):
        items, prints = [], {}
        for path in discover_articles(articles_dir):
            relative = path.relative_to(articles_dir).as_posix()
            prints[relative] = _fingerprint(path)
            try:
                items.append((path, *session.read(path, name=relative)))
            except ArticleError as exc:
                result.failed.append((relative, str(exc)))
        for article in session.process(items):
            _publish(article, articles_dir, target, prints, result)
        if result.entries:
            _write_changelog(target, result)
    return result


def _publish(
    article: ArticleResult,
    articles_dir: Path,
    target: Path,
    prints: dict[str, tuple[int, int] | None],
    result: ArticlesResult,
) -> None:
    relative = article.path.relative_to(articles_dir).as_posix()
    destination = target / relative
    data = article.refreshed_bytes()
    result.kept += [(relative, k.line, k.text, k.reason) for k in article.kept + article.outlook_kept]
    try:
        current = destination.read_bytes()
    except FileNotFoundError:
        current = None
    if current == data:
        result.unchanged.append(relative)
        return
    if destination == article.path and _fingerprint(article.path) != prints[relative]:
        result.skipped.append((relative, "edited while the refresh read it; refreshed next run"))
        return
    write_atomically(destination, data)
    if article.sidecar is not None and article.sidecar_refreshed is not None and destination == article.path:
        # In place, a pin naming the figure's old text would bind nothing next night: it follows the figure.
        write_atomically(article.sidecar.path, article.sidecar_refreshed.encode("utf-8"))
    result.rewritten.append(relative)
    for change in article.changes + article.outlook:
        result.entries.append(
            ChangeEntry(
                relative,
                change.line,
                change.old,
                change.new,
                change.soc,
                change.measure,
                change.from_release,
                change.to_release,
                change.provenance.series,
                change.provenance.source_url,
            )  # fmt: skip
        )


def _write_changelog(target: Path, result: ArticlesResult) -> None:
    folder = target / STATE_DIR / "changelog"
    folder.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps({"run": result.run, **asdict(entry)}, sort_keys=True) for entry in result.entries]
    result.changelog_path = folder / f"{result.run}.jsonl"
    write_atomically(result.changelog_path, ("\n".join(lines) + "\n").encode("utf-8"))
    markdown = result.markdown().encode("utf-8")
    write_atomically(folder / f"{result.run}.md", markdown)
    write_atomically(folder / "latest.md", markdown)
