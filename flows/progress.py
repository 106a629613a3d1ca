"""Progress of a long crawl, where a person looks: a bar on a terminal, and INFO lines that reach the
log file and the Prefect UI (a 6-minute OOH crawl at BLS's pace must not look stuck)."""

from __future__ import annotations

import logging
import sys
from typing import Any

log = logging.getLogger("bls_refresh")


class CrawlProgress:
    """`progress(done, total, url)` after every page. Logs `n/total pages` about every tenth of the
    crawl; draws a transient Rich bar when stderr is a terminal and the log format is text."""

    def __init__(self, what: str, *, log_format: str = "text", stream: Any = None) -> None:
        self.what = what
        self.stream = stream or sys.stderr
        self.show_bar = log_format == "text" and getattr(self.stream, "isatty", lambda: False)()
        self._bar: Any = None
        self._task: Any = None
        self._next_line = 0

    def __call__(self, done: int, total: int, url: str) -> None:
        if done >= self._next_line or done == total:
            log.info("%s: %d/%d pages", self.what, done, total)
            self._next_line = done + max(1, total // 10)
        if self.show_bar:
            self._advance(done, total)
        if done == total:
            self.close()

    def _advance(self, done: int, total: int) -> None:
        if self._bar is None:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

            self._bar = Progress(
                f"[bold]{self.what}",
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=Console(file=self.stream),
                transient=True,
            )
            self._bar.start()
            self._task = self._bar.add_task(self.what, total=total)
        self._bar.update(self._task, completed=done, total=total)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
