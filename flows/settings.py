"""The one typed settings object: every knob of a run, from env vars (BLS_REFRESH_*) and CLI flags."""

from __future__ import annotations

import os
from datetime import date
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

SOURCES = ("oews", "projections", "ooh")
PROJECT_URL = "https://github.com/bls-refresh/bls-refresh"


def package_version() -> str:
    try:
        return version("bls-refresh")
    except PackageNotFoundError:
        return "0+unknown"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BLS_REFRESH_", extra="forbid")

    # A SecretStr so that Prefect stores flow-run and deployment parameters with it masked.
    contact: SecretStr | None = Field(
        None,
        description="Email or URL put in the User-Agent. BLS answers anonymous robots with 403, "
        "so a run against bls.gov needs it.",
    )
    contact_private: bool = Field(False, description="Mask the contact address in logs, reports and artifacts.")
    www_base_url: str = "https://www.bls.gov"
    download_base_url: str = "https://download.bls.gov"
    mirror: Path | None = Field(
        None, description="A folder laid out like bls-mirror/ (www.bls.gov/, download.bls.gov/), served locally."
    )
    replay: bool = Field(False, description="Use the raw archive instead of the network.")

    data_dir: Path = Path("bls-data")
    db_path: Path | None = None
    archive_dir: Path | None = None
    sheets_dir: Path | None = None

    articles_dir: Path | None = Field(
        None, description="A folder of editors' articles refreshed after every night that loaded something."
    )
    careers_config: Path | None = Field(None, description="Careers TOML for curated sheets [default: the shipped one].")
    workers: int | None = Field(
        None,
        ge=0,
        description="Render workers for the sheets: 0 renders them in the publishing process alone, N starts a "
        "local Dask cluster of N processes [default: national sheets render in the publishing process and, on "
        "Linux, in a helper forked for each spare core; with area sheets, a cluster of a worker per core].",
    )
    dask_address: str | None = Field(
        None, description="Render the sheets on an existing Dask cluster instead, e.g. tcp://scheduler:8786."
    )
    sheet_areas: Literal["none", "states", "metros", "all"] = Field(
        "none",
        description="Area sheets the nightly run publishes beside the national ones: none, states (the 54 "
        "state-level areas), metros (metropolitan areas) or all (also the nonmetropolitan areas). Needs OEWS "
        "loaded with --oews-form flatfiles --oews-areas all.",
    )
    site_base_url: str | None = Field(
        None,
        description="Absolute URL the sheets folder is served from (https://example.org/careers/): sitemap.xml "
        "then lists absolute URLs, as search engines require; without it, paths relative to the folder.",
    )
    # NoDecode: the environment gives a comma list (oews,projections), not JSON.
    sources: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: list(SOURCES), description="Which sources to refresh, comma-separated."
    )
    oews_form: Literal["national_zip", "flatfiles"] = "national_zip"
    oews_areas: Literal["national", "all"] = Field(
        "national",
        description="OEWS flat files: keep the nation only, or every area (states, metro and nonmetro areas).",
    )
    oews_newest_year: int | None = Field(None, description="First year to probe for OEWS; default this year.")
    oews_years_back: int = Field(5, ge=0, description="How many older years to probe before giving up.")

    timeout: float = Field(60.0, gt=0, description="Socket timeout of one request, seconds.")
    download_deadline: float = Field(
        600.0, gt=0, description="Overall limit for one download, seconds (a slow trickle fails after it)."
    )
    max_retries: int = Field(4, ge=0)
    backoff_factor: float = Field(1.0, ge=0)
    request_delay: float | None = Field(
        None, ge=0, description="Seconds between requests; default 1 s against bls.gov, 0 against a local server."
    )
    task_retries: int = Field(2, ge=0, description="Prefect retries of a fetch that still fails transiently.")
    task_retry_delay: float = Field(
        60.0, ge=0, description="Base seconds between those retries (exponential, jittered)."
    )

    lock_timeout: float = Field(600.0, ge=0, description="Seconds a run waits for another run on the same warehouse.")
    schedule_cron: str = "0 6 * * *"
    schedule_timezone: str = "America/New_York"
    log_format: Literal["text", "json"] = "text"

    @field_validator("sources", mode="before")
    @classmethod
    def _split_sources(cls, value):
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        unknown = [s for s in value if s not in SOURCES]
        if unknown:
            raise ValueError(f"unknown source(s) {unknown}; choose from {', '.join(SOURCES)}")
        return value

    @field_validator("dask_address")
    @classmethod
    def _check_dask_address(cls, value: str | None) -> str | None:
        if value is not None and (not value.strip() or "://" not in value):
            raise ValueError(f"{value!r}: expected a Dask scheduler address such as tcp://host:8786")
        return value.strip() if value else None

    @field_validator("site_base_url")
    @classmethod
    def _check_site_base_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
            raise ValueError(f"{value!r}: expected the absolute http(s) URL of the sheets folder")
        return value.strip()

    @model_validator(mode="after")
    def _one_render_target(self) -> Settings:
        if self.workers and self.dask_address:
            raise ValueError(
                "give --workers or --dask-address, not both (or BLS_REFRESH_WORKERS / BLS_REFRESH_DASK_ADDRESS)"
            )
        return self

    def render_workers(self) -> int:
        """Render worker processes when --workers is not given: the sheets render in the publishing
        process while only national sheets (~900, about two seconds) are published; a local cluster
        takes longer than that to start. With area sheets (tens of thousands), every core."""
        if self.workers is not None:
            return self.workers
        return (os.cpu_count() or 1) if self.sheet_areas != "none" else 0

    def render_forked(self) -> bool:
        """Whether sheets rendered in the publishing process are shared with forked helpers on the spare
        cores (factsheets.forked): unless --workers says how, or a cluster is named."""
        return self.workers is None and not self.dask_address

    def area_selection(self) -> str | None:
        """The area sheets to publish (factsheets.publish's `areas`), None for national sheets only."""
        return None if self.sheet_areas == "none" else self.sheet_areas

    @property
    def warehouse_path(self) -> Path:
        return self.db_path or self.data_dir / "warehouse.duckdb"

    @property
    def raw_archive_dir(self) -> Path:
        return self.archive_dir or self.data_dir / "raw"

    @property
    def sheets_output_dir(self) -> Path:
        return self.sheets_dir or self.data_dir / "sheets"

    @property
    def report_path(self) -> Path:
        return self.warehouse_path.with_name("last-run.json")

    @property
    def newest_oews_year(self) -> int:
        return self.oews_newest_year or date.today().year

    def talks_to_bls(self) -> bool:
        hosts = {urlsplit(url).hostname or "" for url in (self.www_base_url, self.download_base_url)}
        return self.mirror is None and not self.replay and any(h == "bls.gov" or h.endswith(".bls.gov") for h in hosts)

    def politeness_delay(self) -> float:
        if self.request_delay is not None:
            return self.request_delay
        return 1.0 if self.talks_to_bls() else 0.0

    def contact_address(self) -> str | None:
        return self.contact.get_secret_value() if self.contact else None

    def user_agent(self) -> str:
        contact = self.contact_address() or "contact not set"
        return f"bls-refresh/{package_version()} (+{PROJECT_URL}; {contact})"
