# The two commands a newcomer needs: `make run` and `make test`. Everything else is for us.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PYTEST_ARGS ?=

.PHONY: setup run serve test test-sqlite test-postgres lint format migrations-check bench bench-load mutation mutation-report clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

setup: $(VENV)/.installed

db.sqlite3: $(VENV)/.installed
	$(PY) manage.py migrate --noinput

run: setup ## Set up, load the demo data and serve on http://127.0.0.1:8000 (SQLite)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py compilemessages --ignore=.venv -v0 2>/dev/null || true
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver 127.0.0.1:8000

serve: setup ## A production-like stack: gunicorn and the mail worker, whitenoise, DEBUG off (docs/deploy.md)
	$(PY) manage.py migrate --noinput
	DJANGO_DEBUG=False DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-local-serve-$$(head -c 48 /dev/urandom | base64 | tr -dc a-zA-Z0-9)} \
	DJANGO_ALLOWED_HOSTS=$${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost} \
	DJANGO_SITE_URL=$${DJANGO_SITE_URL:-http://127.0.0.1:$${PORT:-8000}} \
	DJANGO_SECURE_SSL_REDIRECT=$${DJANGO_SECURE_SSL_REDIRECT:-False} \
	DJANGO_SECURE_COOKIES=$${DJANGO_SECURE_COOKIES:-False} \
	  sh -c '$(PY) manage.py collectstatic --noinput -v0 || exit 1; \
	         $(PY) manage.py mail_worker & worker=$$!; \
	         trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	         $(VENV)/bin/gunicorn tracker.wsgi --bind 127.0.0.1:$${PORT:-8000} --workers $${WEB_CONCURRENCY:-4}'

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .

format: setup
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

migrations-check: setup
	$(PY) manage.py makemigrations --check --dry-run

test-sqlite: setup
	$(VENV)/bin/pytest $(PYTEST_ARGS)

test-postgres: setup ## The suite against a throwaway PostgreSQL cluster of its own
	scripts/with-postgres.sh $(VENV)/bin/pytest $(PYTEST_ARGS)

test: setup lint migrations-check ## Lint, migrations check, the suite on SQLite, then on PostgreSQL
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

bench: setup bench-load ## SQLite and PostgreSQL, 10k and 100k students: writes docs/performance.md (~15 min)
	$(PY) bench/run.py

# Always on a throwaway PostgreSQL of its own, never on a DATABASE_URL that happens to be set.
bench-load: setup ## 200 applications from one address through gunicorn: docs/performance.md (~30 s)
	env -u DATABASE_URL $(PY) bench/load.py --write-doc

# Not part of `make test`: about an hour on 2 cores (docs/testing.md). What is mutated and which
# tests run: [tool.mutmut] in pyproject.toml. MUTANTS narrows it, e.g. MUTANTS='programs.services*'.
MUTANTS ?=
# Mutants run at once: 2 on a machine nobody else uses (each has its own database copy).
MUTANT_CHILDREN ?= 1
mutation: setup ## Mutation testing of the services, erasure and exports (mutmut; docs/testing.md)
	rm -f mutants/test-database.sqlite3*  # migrated again from the current migrations
	$(VENV)/bin/mutmut run --max-children $(MUTANT_CHILDREN) $(MUTANTS)
	$(MAKE) --no-print-directory mutation-report

mutation-report: ## Killed / survived per module of the last `make mutation`, and the survivors
	$(PY) scripts/mutation_report.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache mutants
