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
	$(MANAGE) run_scheduler --detach --parent-pid $$PPID
	$(MANAGE) runserver 127.0.0.1:$(PORT)

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	DJANGO_SETTINGS_MODULE=branch_ops.settings.test $(BIN)/python manage.py makemigrations --check --dry-run

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Regenerate the translation catalogues after changing user-facing text; the compiled .mo
# files are committed so a fresh machine needs no gettext tools.
messages: $(STAMP)
	$(MANAGE) makemessages -l zh_Hans -l en --ignore=.venv --ignore=var
	$(MANAGE) compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) var
