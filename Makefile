# Two commands on a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: run migrate demo test lint bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Stamp files re-run the install only when a requirements file changes.
$(VENV)/.runtime-installed: requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

## Install, migrate, load the demo network if the database is empty, start the app.
run: $(VENV)/.runtime-installed
	$(PY) -m db.manage migrate
	$(PY) -m db.demo --if-empty
	$(PY) -m streamlit run dashboard.py

## Upgrade the configured database to the latest schema.
migrate: $(VENV)/.runtime-installed
	$(PY) -m db.manage migrate

## Load the demo network into an empty database (SCALE=10 for ten times the volume).
demo: $(VENV)/.runtime-installed
	$(PY) -m db.demo --scale $(or $(SCALE),1)

## Lint and run the whole test suite (SQLite; PostgreSQL too when TEST_DATABASE_URL is set).
test: $(VENV)/.dev-installed
	$(PY) -m ruff check .
	$(PY) -m pytest

lint: $(VENV)/.dev-installed
	$(PY) -m ruff check .

## Time every page with AppTest at demo scale and at scale 10, against an empty page.
bench: $(VENV)/.dev-installed
	$(PY) -m scripts.bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
