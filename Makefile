# 护校安园 — two commands: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
DC09_PORT ?= 12128
# demo-https: the name or address phones use to reach this machine (added to the certificate), e.g.
# `make demo-https HOST=0.0.0.0 HTTPS_HOST=192.168.1.20`
HTTPS_HOST ?=

.PHONY: demo demo-https demo-data test setup lint bench serve worker clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

setup: $(VENV)/.installed

demo-data: setup
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py collectstatic --noinput -v 0

demo: demo-data
	$(BIN)/python manage.py run_demo --host $(HOST) --port $(PORT) --dc09-port $(DC09_PORT)

# the same over HTTPS with a certificate made once under var/https/ by a self-signed demo CA (the phone
# page's offline mode needs a secure context; see docs/deploy.md for an intranet CA in production)
demo-https: demo-data
	$(BIN)/python manage.py run_demo --https --host $(HOST) --port $(PORT) --dc09-port $(DC09_PORT) \
	  $(if $(HTTPS_HOST),--https-host $(HTTPS_HOST))

# The whole suite on what the environment names (PostgreSQL + Redis in CI, browser tests when
# /usr/bin/chromium exists); when that was PostgreSQL, the suite runs again on the embedded SQLite.
test: setup
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	HUXIAO_TESTING=1 $(BIN)/pytest -n 2 --dist loadfile
	@if [ -n "$$DATABASE_URL" ]; then \
	  echo "== again on the embedded SQLite default (no DATABASE_URL/REDIS_URL), browser tests excluded =="; \
	  env -u DATABASE_URL -u REDIS_URL HUXIAO_TESTING=1 $(BIN)/pytest -n 2 --dist loadfile --ignore=tests/e2e; \
	fi

lint: setup
	$(BIN)/ruff check .

bench: setup
	for b in bench/[a-z]*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf var/*.sqlite3* var/media var/imports var/static
