# Everything bootstraps its own virtualenv from pyproject.toml: `make run` and `make test`
# work on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000

.PHONY: run test test-browser lint eval openapi bootstrap impact-report bench bench-quick

bootstrap: $(STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Playwright (dev extra) drives Debian's Chromium (/usr/bin/chromium); it never downloads one.
# The spark extra (PySpark, pyarrow) lets the Spark adapter's tests run; they need Java 17+.
$(STAMP): pyproject.toml | $(BIN)/python
	PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 $(BIN)/python -m pip install -e '.[dev,spark]'
	touch $(STAMP)

run: $(STAMP)
	mkdir -p data
	$(BIN)/screening db upgrade
	$(BIN)/screening serve --port $(PORT)

# Set SCREENING_TEST_DATABASE_URL=postgresql+psycopg://... to run the suite on PostgreSQL.
test: $(STAMP)
	$(BIN)/pytest

# Only the Chromium tests (apt-get install -y chromium first); screenshots land in /tmp/browser-shots.
test-browser: $(STAMP)
	$(BIN)/pytest tests/browser --basetemp=/tmp/browser-shots

# ruff (with DTZ: no naive datetimes), the import-linter layer contracts and mypy --strict over
# the engine, the workflows and the job loop (all set in pyproject.toml).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

eval: $(STAMP)
	scripts/run_eval.sh

openapi: $(STAMP)
	$(BIN)/screening openapi export -o openapi/openapi.json

# What moving the screening date changes: the development cases (2026-03-01 vs 2026-12-01) and the
# party cases (2025-11-01 vs 2026-11-28, suspensions and new listings), with the categories and
# listed parties that made each difference: docs/impact-report-*.md, docs/party-impact-report-*.md.
impact-report: $(STAMP)
	$(BIN)/python scripts/impact_report.py
	$(BIN)/python scripts/impact_report.py --cases eval/parties.yaml --before 2025-11-01 \
	  --after 2026-11-28 --name party-impact-report

# Benchmarks (not part of `make test`): every step of bench/run_all.py, then bench/RESULTS.md
# from the JSON in bench/results/ (it records how long the run took). PostgreSQL runs wipe
# BENCH_PG_URL (default: the test_5 database). `make bench-quick` skips the 1M-row batch.
bench: $(STAMP)
	$(BIN)/python bench/run_all.py

bench-quick: $(STAMP)
	$(BIN)/python bench/run_all.py --quick
