"""DuckDB warehouse: migrations, atomic versioned loads, views and read-only queries."""

from warehouse.db import connect, migrate
from warehouse.load import LoadError, ReleaseRecord, load_release

__all__ = ["connect", "migrate", "LoadError", "ReleaseRecord", "load_release"]
