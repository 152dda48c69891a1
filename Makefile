# The two commands a new machine needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/test)

.PHONY: run test test-postgres setup demo lint format messages clean bench audit lighthouse

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip setuptools

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev,postgres]"
	touch $(STAMP)

setup: $(STAMP)

## Set up, migrate, load the demo data and serve on http://127.0.0.1:8000 (SQLite).
run: setup
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo_data
	$(BIN)/python manage.py runserver 127.0.0.1:8000

demo: setup
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo_data

## Set up and run the whole suite (browser tests need Chromium at /usr/bin/chromium).
test: setup
	@test -x "$${CHROMIUM:-/usr/bin/chromium}" || { echo "Chromium not found: install it (apt-get install chromium) or set CHROMIUM=/path/to/chrome"; exit 1; }
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest

test-postgres: setup
	DATABASE_URL=$(PG_URL) $(BIN)/pytest $(PYTEST_ARGS)

## Benchmark the site under gunicorn on PostgreSQL and Redis (docs/performance.md).
## Options go in BENCH_ARGS: make bench BENCH_ARGS="--page-cache off --duration 5"
bench: setup
	$(BIN)/python -c "import pyinstrument" 2>/dev/null || $(BIN)/pip install --quiet -e ".[dev,postgres,bench]"
	$(BIN)/python manage.py bench $(BENCH_ARGS)

## Lighthouse (mobile, simulated Slow 4G) on the main pages of the demo site
## (docs/performance.md). Installs Lighthouse into .lighthouse/ with npm the first
## time; the suite never does. Options go in LIGHTHOUSE_ARGS: --url http://host:port
LIGHTHOUSE_VERSION := 12.2.3
lighthouse: demo
	@grep -qs "\"version\": \"$(LIGHTHOUSE_VERSION)\"" .lighthouse/node_modules/lighthouse/package.json || npm install --prefix .lighthouse --no-audit --no-fund --silent lighthouse@$(LIGHTHOUSE_VERSION)
	CHROME_PATH=$${CHROME_PATH:-/usr/bin/chromium} $(BIN)/python manage.py lighthouse $(LIGHTHOUSE_ARGS)

## Check the installed packages against published advisories (docs/security.md).
## Asks PyPI's advisory service, so it needs the network; the suite does not run it.
audit: setup
	$(BIN)/python -c "import pip_audit" 2>/dev/null || $(BIN)/pip install --quiet -e ".[dev,postgres,audit]"
	$(BIN)/pip-audit --strict --desc on --progress-spinner off --skip-editable $(AUDIT_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

messages: setup
	$(BIN)/python manage.py makemessages -l en --ignore=.venv --ignore=static
	$(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) db.sqlite3 static test-artifacts
