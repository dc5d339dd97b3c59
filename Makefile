# make run    - install into .venv, migrate, load the demo data, serve on $(HOST):$(PORT)
# make test   - install, then ruff and the whole pytest suite
# make worker - a Celery worker with beat (needs REDIS_URL)
# PYTHON=/path/to/python3.12 overrides the interpreter search.

HOST ?= 127.0.0.1
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help install run test test-sqlite lint worker migrate demo check clean bench-data bench-pages bench-api bench-reminders bench-ft bench-webhooks bench-cache

help:
	@echo "make run     serve the portal with the demo data on http://$(HOST):$(PORT)"
	@echo "make test    lint and run the whole test suite"
	@echo "make test-sqlite  the suite on SQLite, without the browser, Varnish, PostgreSQL and Redis tests"
	@echo "make worker  start a Celery worker with beat (set REDIS_URL)"
	@echo "make bench-data   make the synthetic catalogues of 10k to 200k calls (PostgreSQL)"
	@echo "make bench-pages  time the public pages on 10k to 200k synthetic calls (PostgreSQL; SIZES=10k,50k)"
	@echo "make bench-api    requests per second of the calls API against raw SQL, same sizes"
	@echo "make bench-reminders  e-mails per second of 20,000 reminders via a Celery worker (PostgreSQL, Redis)"
	@echo "make bench-ft     import_ft of 10,000 F&T topics, first and unchanged (PostgreSQL)"
	@echo "make bench-webhooks   one call change to 200 webhook endpoints via a Celery worker (PostgreSQL, Redis)"
	@echo "make bench-cache  pages through Varnish against gunicorn alone (PostgreSQL, varnish, wrk)"

# Find Python 3.12+: $(PYTHON) first, then PATH, then pyenv's installed versions.
$(BIN)/python:
	@py="$$(PYTHON='$(PYTHON)' sh .ci/find-python)" || exit 1; \
	echo "Creating $(VENV) with $$py"; \
	"$$py" -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet ".[test]"
	@touch $@

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --no-input

demo: migrate
	$(BIN)/python manage.py load_demo

# Every absolute link (e-mails, calendars, feeds, the sitemap, the API) names this address.
SITE_URL ?= http://$(HOST):$(PORT)

run: demo
	SITE_URL='$(SITE_URL)' $(BIN)/python manage.py runserver $(HOST):$(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check: install
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

test: lint check
	$(BIN)/python -m pytest

# The suite on SQLite, the embedded default, whatever DATABASE_URL and REDIS_URL say: CI runs
# it after `make test` on PostgreSQL. It leaves out the tests about PostgreSQL or Redis (they
# would skip) and the browser and Varnish tests, which do not depend on the database engine
# (markers in pyproject.toml).
SQLITE_TESTS := not postgresql and not redis and not browser and not varnish
test-sqlite: install
	DATABASE_URL=sqlite:///$(CURDIR)/db.sqlite3 REDIS_URL= $(BIN)/python -m pytest -m "$(SQLITE_TESTS)"

# Needs PostgreSQL: the synthetic catalogues of 10k to 200k calls, one database each
# (BENCH_DATABASE_URL + _10k etc.), made once and kept. SIZES=10k,50k chooses.
SIZES ?= 10k,50k,100k,200k
bench-data: install
	$(BIN)/python bench/catalogue.py --sizes $(SIZES)

# Needs PostgreSQL: the pages at each size of bench-data (made first if missing), with the
# growth table; BENCH_ARGS passes more options (e.g. BENCH_ARGS="--requests 50").
bench-pages: install
	$(BIN)/python bench/pages.py --sizes $(SIZES) $(BENCH_ARGS)

# Same databases: /api/v1/calls/?status=open against one raw SQL query, at each size.
bench-api: install
	$(BIN)/python bench/api.py --sizes $(SIZES) $(BENCH_ARGS)

# Needs PostgreSQL and Redis: 20,000 reminders of one synthetic call through one Celery
# worker (two processes) to an SMTP server in the benchmark; its own database.
bench-reminders: install
	$(BIN)/python bench/reminders.py

worker: install
	$(BIN)/celery -A portal worker --beat --loglevel=info

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache staticfiles

# Needs PostgreSQL: its own database (FT_BENCH_DATABASE_URL, default portal_ft_bench).
bench-ft: install
	$(BIN)/python bench/ft_import.py

# Needs PostgreSQL and Redis: one call change fanned out to 200 webhook endpoints on loopback.
bench-webhooks: install
	$(BIN)/python bench/webhooks.py

# Needs PostgreSQL, Debian's varnish and wrk: its own database (CACHE_BENCH_DATABASE_URL).
bench-cache: install
	$(BIN)/python bench/cache.py
