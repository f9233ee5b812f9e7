# 产业扶贫追踪 — `make run` starts the app with the sample database; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint install browser-deps bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/fupin init --sample --if-missing
	$(BIN)/fupin serve

browser-deps:
	bash scripts/ensure_browser.sh

lint: $(STAMP)
	$(BIN)/ruff check .

test: $(STAMP) browser-deps lint
	$(BIN)/pytest -q

bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py

clean:
	rm -rf $(VENV) test-output benchmarks/out
