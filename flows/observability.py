"""Logs a person can follow: every line carries the run id; secrets never reach a log line."""

from __future__ import annotations

import json
import logging
import os
import sys
import uuid
from contextvars import ContextVar

RUN_ID: ContextVar[str] = ContextVar("bls_refresh_run_id", default="-")
_SECRET_ENV = ("PREFECT_API_KEY",)


def new_run_id() -> str:
    """The Prefect flow run's id under a flow run, else a fresh one. Prefect is asked only when it is
    already imported (a flow run imports it): importing it for a plain run costs about a second."""
    if "prefect" not in sys.modules:
        return uuid.uuid4().hex
    try:
        from prefect.runtime import flow_run

        if flow_run.id:
            return str(flow_run.id)
    except Exception:  # no Prefect context: a plain run gets its own id
        pass
    return uuid.uuid4().hex


class RecordContext:
    """A log record factory: every record, whoever logs it (our stages, Prefect, urllib3), carries the
    run id and has secrets (a private contact address, API keys) masked before any handler sees it."""

    def __init__(self, secrets: list[str]) -> None:
        self.secrets = [s for s in secrets if s and len(s) >= 4]
        self.base = _BASE_FACTORY

    def __call__(self, *args, **kwargs) -> logging.LogRecord:
        record = self.base(*args, **kwargs)
        record.run_id = RUN_ID.get()
        if self.secrets:
            message = record.getMessage()
            masked = message
            for secret in self.secrets:
                masked = masked.replace(secret, "***")
            if masked != message:
                record.msg, record.args = masked, None
        return record


_BASE_FACTORY = logging.getLogRecordFactory()


def mask(text: str, secrets: list[str]) -> str:
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    return text


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return json.dumps(
            {
                "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
                "level": record.levelname,
                "logger": record.name,
                "run_id": getattr(record, "run_id", "-"),
                "message": record.getMessage(),
            }
        )


def secrets_of(settings) -> list[str]:
    found = [os.environ.get(name, "") for name in _SECRET_ENV]
    if settings.contact and settings.contact_private:
        found.append(settings.contact_address())
    return found


STAGE_LOGGERS = ("bls_refresh", "extractors", "transforms", "warehouse", "factsheets", "flows")


def mask_secrets(settings) -> RecordContext:
    """From now on every log record carries the run id and has this run's secrets masked."""
    factory = RecordContext(secrets_of(settings))
    logging.setLogRecordFactory(factory)
    return factory


def configure_logging(log_format: str = "text") -> None:
    """Every line once, in one format, with or without Prefect.

    The stage loggers log INFO (their progress lines would otherwise stop at the root's WARNING
    level) and propagate to the root's one console handler: Prefect's when Prefect is imported
    (it also sends them to the UI, PREFECT_LOGGING_EXTRA_LOGGERS in flows/__init__), else ours.
    `json` makes every console line, Prefect's own included, one JSON object.
    """
    for name in STAGE_LOGGERS:
        logger = logging.getLogger(name)
        if logger.getEffectiveLevel() > logging.INFO:
            logger.setLevel(logging.INFO)
    root = logging.getLogger()
    consoles = [h for h in root.handlers if isinstance(h, logging.StreamHandler)]
    if not consoles:
        console = logging.StreamHandler()
        console.setFormatter(logging.Formatter("%(asctime)s | %(levelname)-7s | %(name)s - %(message)s", "%H:%M:%S"))
        root.addHandler(console)
        consoles = [console]
    if log_format == "json":
        for handler in _console_handlers():
            handler.setFormatter(JsonFormatter())


def _console_handlers() -> list[logging.Handler]:
    loggers = [logging.getLogger()] + [
        logger for logger in logging.Logger.manager.loggerDict.values() if isinstance(logger, logging.Logger)
    ]
    return [
        h
        for logger in loggers
        for h in logger.handlers
        if isinstance(h, logging.StreamHandler) and not isinstance(h, logging.FileHandler)
    ]
