# ZoneOps — the two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export ZONEOPS_HOME ?= $(CURDIR)/var

.PHONY: run test test-fast lint bench setup browser clean

$(BIN)/zoneops: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	@touch $@

setup: $(BIN)/zoneops

## Migrate the embedded database, load the demo zone when empty, serve http://127.0.0.1:8000
## (`zoneops serve` also starts the background-task worker: imports, exports, 我的下载).
run: setup
	$(BIN)/zoneops migrate --no-input -v0
	$(BIN)/zoneops demo --if-empty
	$(BIN)/zoneops serve --host 127.0.0.1 --port 8000

## The whole suite, browser tests included (installs the system Chromium when missing).
test: setup browser
	$(BIN)/pytest -q

test-fast: setup
	$(BIN)/pytest -q -m "not browser"

browser:
	@scripts/ensure-system-packages.sh

## Province-scale read benchmark on a scratch database (SQLite in ./bench-var, recreated each run;
## PostgreSQL when DATABASE_URL names a database containing "bench"). Results: docs/benchmarks.md.
bench: setup
	rm -rf $(CURDIR)/bench-var
	ZONEOPS_HOME=$(CURDIR)/bench-var $(BIN)/python -m bench

lint: setup
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) var
