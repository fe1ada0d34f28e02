# Two commands on a fresh machine: `make run` and `make test` (see README.md).
#
# Dependencies: requirements.txt (runtime) and requirements-dev.txt (tests and tooling) are the
# human-edited inputs, exact pins of the packages the code uses directly. `make lock` compiles
# them into requirements.lock and requirements-dev.lock: every package of the tree pinned, with
# hashes, for CPython 3.11 on Linux x86_64. Installs only ever read the locks, with
# --require-hashes. To add or upgrade a package: edit the input's pin, run `make lock`, commit
# the input and both locks (the dev lock is compiled against the runtime lock, so both agree).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PIP_INSTALL := $(PY) -m pip install --quiet --require-hashes
LOCK := $(VENV)/bin/uv pip compile --quiet --generate-hashes --python-version 3.11 \
	--python-platform x86_64-unknown-linux-gnu --custom-compile-command "make lock"

.PHONY: run migrate demo test lint typecheck lock bench load clean

# The venv's own pip installs the locks (no unhashed upgrade of pip from the network).
$(PY):
	$(PYTHON) -m venv $(VENV)

# Stamp files re-run the install only when a lock file changes.
$(VENV)/.runtime-installed: requirements.lock | $(PY)
	$(PIP_INSTALL) -r requirements.lock
	touch $@

$(VENV)/.dev-installed: requirements.lock requirements-dev.lock | $(PY)
	$(PIP_INSTALL) -r requirements-dev.lock
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

## Lint, then run the whole test suite (SQLite; PostgreSQL too when TEST_DATABASE_URL is set),
## in one process; WORKERS=auto runs a worker per core (two browser tests still flake there).
## Worksteal: the browser tests are a few long tests among many short ones, and an idle worker
## takes over a busy one's queue.
test: lint
	$(PY) -m pytest -n $(or $(WORKERS),0) --dist worksteal

## ruff's checks and formatting, then the type check.
lint: $(VENV)/.dev-installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

## Strict mypy on the app's code (the files are listed in pyproject.toml).
typecheck: $(VENV)/.dev-installed
	$(PY) -m mypy

## Recompile both locks from requirements*.txt, keeping every pin the inputs do not force to
## move (uv reads the current lock as its preference).
lock: $(VENV)/.dev-installed
	$(LOCK) requirements.txt -o requirements.lock
	$(LOCK) requirements-dev.txt -c requirements.lock -o requirements-dev.lock

## Time every page with AppTest at demo scale and at scale 10, against an empty page.
bench: $(VENV)/.dev-installed
	$(PY) -m scripts.bench

## Measured load: SESSIONS concurrent browser sessions (20) on PostgreSQL at demo SCALE (10),
## against an empty app driven the same way (scripts/load.py; needs Debian's chromium).
load: $(VENV)/.dev-installed
	$(PY) -m scripts.load --sessions $(or $(SESSIONS),20) --scale $(or $(SCALE),10)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
