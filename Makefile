# 产业扶贫追踪 — `make run` starts the app with the sample database; `make test` runs every test
# (on embedded DuckDB and, for the fupin_core suite, on a throwaway PostgreSQL too).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint install browser-deps bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,postgres]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/fupin init --sample --if-missing
	$(BIN)/fupin serve

browser-deps:
	bash scripts/ensure_browser.sh

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

test: $(STAMP) browser-deps lint
	# Two or more workers (pytest-xdist, one per core up to four): the suite is CPU-bound and ~27 min on one.
	bash scripts/pg_test_server.sh run $(BIN)/pytest -q -n auto --maxprocesses 4 --durations=30

bench: $(STAMP)
	PG_TEST_DIR=$(CURDIR)/test-output/pg-bench bash scripts/pg_test_server.sh run $(BIN)/python benchmarks/bench.py

clean:
	rm -rf $(VENV) test-output benchmarks/out
