# Two commands for a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint typecheck pytest pytest-sqlite pytest-postgres install migrate demo bench bench-exports bench-reports clean

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

node_modules/.installed: package.json package-lock.json $(STAMP)
	$(BIN)/npm ci --silent --no-audit --no-fund
	touch $@

run: install node_modules/.installed
	$(BIN)/fangzha migrate
	$(BIN)/fangzha demo --if-empty
	$(BIN)/fangzha serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy .

pytest-sqlite: install node_modules/.installed
	FANGZHA_TEST_DB=sqlite $(BIN)/pytest

pytest-postgres: install node_modules/.installed
	FANGZHA_TEST_DB=postgres $(BIN)/pytest

pytest: pytest-sqlite pytest-postgres

test: lint typecheck pytest

bench: install
	$(BIN)/python bench/feed.py

bench-exports: install
	$(BIN)/python bench/exports.py

bench-reports: install
	$(BIN)/python bench/reports.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules .mypy_cache .ruff_cache .pytest_cache
