# Everyday commands. Everything runs from the pinned .venv that `make setup` (scripts/setup) creates.
.PHONY: setup lint types test-fast test bench

setup:
	scripts/setup

lint:
	.venv/bin/ruff format --check .
	.venv/bin/ruff check .
	.venv/bin/vulture

types:
	.venv/bin/mypy

# Extractors, transforms, warehouse, articles and sheets on the real files; no Prefect, no end-to-end
# runs (75-100 s on two cores: pyproject's -n auto puts each test file on one worker per core; 2.5-3 min in
# one process, -n 0). Tests that need ../shared are skipped, with the reason, where it is absent.
test-fast:
	.venv/bin/python -m pytest -m "not slow"

# The whole suite: the end-to-end nights, the fault matrix, Prefect, Dask and Chromium (10-14 min on two
# workers, each test file on one of them; -n auto uses every core).
test:
	.venv/bin/python -m pytest -n 2 --dist loadfile

bench:
	.venv/bin/python bench/bench_refresh.py
	.venv/bin/python bench/bench_sheets.py
