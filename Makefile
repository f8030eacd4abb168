# Two commands on a fresh machine (only Python 3.11 needed):
#   make run    set up, migrate, load reference and demo data, start on http://127.0.0.1:8000 (SQLite, tasks in process)
#   make test   set up and run the whole test suite
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
ADDR ?= 127.0.0.1:8000

.PHONY: run test worker setup check

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# Runtime dependencies come from the lock file (exact versions); requirements.txt keeps the ranges we accept.
$(VENV)/.run-installed: requirements.lock | $(BIN)/python
	$(BIN)/pip install -q -r requirements.lock
	touch $@

$(VENV)/.dev-installed: requirements.lock requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.lock -r requirements-dev.txt
	touch $@ $(VENV)/.run-installed

setup: $(VENV)/.run-installed
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py migrate --noinput
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py load_reference
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py demo_signing_cert
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py load_demo

run: setup
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py runserver $(ADDR)

# With REDIS_URL set (production shape), tasks go to the broker: run a worker beside the server.
worker: $(VENV)/.run-installed
	$(BIN)/celery -A config worker --loglevel=INFO

test: $(VENV)/.dev-installed
	$(BIN)/pytest $(PYTEST_ARGS)

# Models and migrations agree; the apps keep their layers (.importlinter, docs/architecture.md); pyflakes is clean.
check: $(VENV)/.dev-installed
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=config.settings_test
	$(BIN)/lint-imports
	$(BIN)/ruff check .
