# The two set-up commands are `make run` and `make test`; both start from nothing but Python.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MANAGE := $(BIN)/python manage.py
PORT ?= 8000

.PHONY: install run test lint format bench messages clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# The demo on SQLite: Celery tasks run in-process, and the scheduled jobs run in a background
# scheduler that stops when make does (its parent, $$PPID in the recipe's shell).
run: $(STAMP)
	mkdir -p var
	$(MANAGE) migrate --no-input
	$(MANAGE) seed_demo
	$(MANAGE) seed_retention_demo
	$(MANAGE) archives_seed_demo
	$(MANAGE) headoffice_figures
	$(MANAGE) run_scheduler --detach --parent-pid $$PPID
	$(MANAGE) runserver 127.0.0.1:$(PORT)

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The import contract (.importlinter) and the same direction for migrations
# (tests/test_architecture.py) are part of lint: CI runs it before the suites. So is
# lintmigrations: every migration added after 7ea8c6b (the ones before it ran long ago)
# must let the previous version serve while it applies, read from PostgreSQL's SQL.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	DJANGO_SETTINGS_MODULE=branch_ops.settings.test $(BIN)/python manage.py makemigrations --check --dry-run
	PYTHONPATH=. $(BIN)/lint-imports
	$(BIN)/python -m pytest tests/test_architecture.py
	DJANGO_SETTINGS_MODULE=branch_ops.settings.test DATABASE_URL=$${MIGRATION_LINT_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres} $(BIN)/python manage.py lintmigrations --git-commit-id 7ea8c6b --project-root-path . --no-cache -q ok --warnings-as-errors RUNPYTHON_REVERSIBLE RUNSQL_REVERSIBLE RUNPYTHON_MODEL_IMPORT

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The scale benchmarks (docs/PERFORMANCE.md) against the local PostgreSQL: a fresh
# database each time, the data set loaded with COPY, the table written to docs/ and the raw
# numbers to bench-results/. BENCH_SCALE=0.1 runs a tenth of the issue's volume.
BENCH_DB ?= branch_ops_bench
BENCH_PG ?= postgres://postgres@127.0.0.1:5432
BENCH_SCALE ?= 1.0
BENCH_ENV = DATABASE_URL=$(BENCH_PG)/$(BENCH_DB) DJANGO_SETTINGS_MODULE=branch_ops.settings.local \
	DJANGO_DEBUG=false DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost,testserver \
	DJANGO_MEDIA_ROOT=$(CURDIR)/var/bench-media BENCH_SCALE=$(BENCH_SCALE)
bench: $(STAMP)
	$(BIN)/python -c "import psycopg2; c = psycopg2.connect('$(BENCH_PG)/postgres'); \
	c.autocommit = True; k = c.cursor(); k.execute('DROP DATABASE IF EXISTS $(BENCH_DB)'); \
	k.execute('CREATE DATABASE $(BENCH_DB)')"
	rm -rf var/bench-media
	$(BENCH_ENV) $(MANAGE) migrate --no-input -v0
	$(BENCH_ENV) $(MANAGE) bench all --out bench-results --report docs/PERFORMANCE.md
	$(BENCH_ENV) $(MANAGE) bench_customer_master --customers 200000 --delta 2000
	$(BENCH_ENV) $(MANAGE) bench_headoffice --branches 150

# Regenerate the translation catalogues after changing user-facing text; the compiled .mo
# files are committed so a fresh machine needs no gettext tools.
messages: $(STAMP)
	$(MANAGE) makemessages -l zh_Hans -l en --ignore=.venv --ignore=var
	$(MANAGE) compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) var
