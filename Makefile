# Daily commands. `make run` serves the portal with demo data, `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
HOST   ?= 127.0.0.1
PORT   ?= 8000


.PHONY: lock run test test-fast lint format check-python install install-test migrate demo worker clean bench

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || \
	  { echo "Kundenportal needs Python 3.11 or newer; '$(PYTHON)' is $$($(PYTHON) --version 2>&1)." >&2; \
	    echo "Call e.g. 'make PYTHON=python3.11 run'." >&2; exit 1; }

$(VENV)/.installed: pyproject.toml requirements.lock | check-python
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements.lock -e .
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml requirements.lock
	$(PY) -m pip install --quiet -c requirements.lock -e ".[test]"
	@touch $@

# Re-pins every package after a change of pyproject.toml (in a throw-away environment).
lock: check-python
	rm -rf /tmp/kundenportal-lock && $(PYTHON) -m venv /tmp/kundenportal-lock
	/tmp/kundenportal-lock/bin/pip install --quiet -e ".[test]"
	{ sed -n '1,2p' requirements.lock; /tmp/kundenportal-lock/bin/pip freeze --exclude-editable | grep -v '^kundenportal'; } > requirements.lock.new
	mv requirements.lock.new requirements.lock

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

migrate: install
	@mkdir -p var
	DEBUG=1 $(PY) manage.py migrate --noinput

demo: migrate
	DEBUG=1 $(PY) manage.py seed_demo

# Serves http://$(HOST):$(PORT) with demo data; the mail worker runs beside the web server and
# writes every mail into var/mail/. Ctrl-C stops both.
run: demo
	@echo "Portal: http://$(HOST):$(PORT)/   Verwaltung: http://$(HOST):$(PORT)/verwaltung/   Mails: var/mail/"
	@DEBUG=1 $(PY) manage.py run_worker & worker=$$!; \
	  trap 'kill -TERM $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	  DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

# The outbox worker alone (sends mail, runs the periodic jobs); see deploy/ for production.
worker: migrate
	DEBUG=1 $(PY) manage.py run_worker

bench: install-test
	$(PY) bench/confirmation.py

# Installs Debian's Chromium for the browser tests when it is missing and this user may (root);
# otherwise skips them and says so (REQUIRE_BROWSER=1 fails instead). See scripts/run-tests.
test: install-test
	@scripts/run-tests $(PY) $(PYTEST_ARGS)

test-fast: install-test
	$(PY) -m pytest -m "not browser" $(PYTEST_ARGS)

# ruff, and lint-imports: the apps' imports point down the layers (pyproject.toml).
lint: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: install-test
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf var/db.sqlite3* var/static var/mail

# --- Benchmarks ------------------------------------------------------------------------------
# Portal speed: each section against a trivial view, gunicorn -w 2.
# Uses wrk if installed (apt-get install wrk), else Python threads; DATABASE_URL as usual.
bench-portal: install-test
	$(PY) bench/portal.py --check

# Bookings through the API against the form's service; a sync of 5,000 events.
.PHONY: bench-api
bench-api: install-test
	$(PY) bench/api.py

# Certificate PDFs for an event of 200 attendees.
bench-certificates: install-test
	$(PY) bench/certificates.py --attendees 200

# --- Retention ---------------------------------------------------------------------------------
.PHONY: purge-dry-run bench-retention
# What the daily purge would delete now, per category (changes nothing).
purge-dry-run: migrate
	DEBUG=1 $(PY) manage.py purge_retention --dry-run

# The purge of 5,000, 50,000 and 100,000 due participations (with registrations and accounts)
# in throw-away databases: SQLite, and PostgreSQL when DATABASE_URL names a server; prints the
# purge as a ratio to a plain SQL DELETE of the same rows, CPU 50,000 vs 5,000, peak RSS.
bench-retention: install-test
	$(PY) bench/retention.py $(BENCH_RETENTION_ARGS)

# --- Scale: a decade of data, load test on PostgreSQL ------------------------------------------
.PHONY: seed-large bench-load
PERSONS ?= 200000
# A decade of data for PERSONS persons in the configured database (DATABASE_URL).
seed-large: migrate
	DEBUG=1 $(PY) manage.py seed_large --persons $(PERSONS)

# gunicorn as deployed on PostgreSQL (BENCH_POSTGRES_URL, default the local server) with 200
# and PERSONS persons (seeded once, kept), Redis as shared cache if it answers; prints req/s,
# p50/p95/p99 and ratios to the trivial view.
bench-load: install-test
	$(PY) bench/load.py --persons $(PERSONS) $(BENCH_LOAD_ARGS)
