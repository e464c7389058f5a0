# Everything bootstraps its own virtualenv from pyproject.toml: `make run` and `make test`
# work on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000

.PHONY: run test lint eval openapi bootstrap

bootstrap: $(STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	mkdir -p data
	$(BIN)/screening db upgrade
	$(BIN)/screening serve --port $(PORT)

# Set SCREENING_TEST_DATABASE_URL=postgresql+psycopg://... to run the suite on PostgreSQL.
test: $(STAMP)
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

eval: $(STAMP)
	scripts/run_eval.sh

openapi: $(STAMP)
	$(BIN)/screening openapi export -o openapi/openapi.json
