# Everyday commands. Everything runs from the pinned .venv that `make setup` (scripts/setup) creates.
.PHONY: setup lint types test-fast test bench

setup:
	scripts/setup

lint:
	.venv/bin/ruff format --check .
	.venv/bin/ruff check .

types:
	.venv/bin/mypy

# Transforms, warehouse and sheets on the real files; no Prefect server, no subprocess runs (< 2 min).
test-fast:
	.venv/bin/python -m pytest -m "not slow"

test:
	.venv/bin/python -m pytest

bench:
	.venv/bin/python bench/bench_refresh.py
	.venv/bin/python bench/bench_sheets.py
