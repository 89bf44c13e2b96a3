# CaseAudit: `make run` and `make test` are the whole set-up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SASS_SOURCES := $(wildcard caseaudit/static_src/*.scss)
CSS := caseaudit/static/caseaudit/caseaudit.css
HOST ?= 127.0.0.1
PORT ?= 8000
# Front-end commands run with the venv's Node.js first on PATH (sass's `#!/usr/bin/env node` finds it).
WITH_NODE := PATH="$(CURDIR)/$(BIN):$$PATH" npm_config_update_notifier=false

.PHONY: run test check install lint assets serve clean bench screenshots system-packages-run system-packages-test

run: system-packages-run install $(VENV)/.installed-demo
	mkdir -p var/static
	$(BIN)/caseaudit migrate --noinput
	$(BIN)/caseaudit seed_demo
	@echo ""
	@echo "CaseAudit is serving on http://$(HOST):$(PORT)/ (Ctrl+C stops it; links in e-mails use CASEAUDIT_SITE_URL, by default this address)"
	@echo "A task worker runs imports, PDFs, and deadline reminders, escalations and scheduled reports every 15 minutes (log: var/worker.log; mail: var/sent-mail/)"
	@BIN=$(BIN) HOST=$(HOST) PORT=$(PORT) exec scripts/serve.sh

test: system-packages-test $(VENV)/.installed-dev assets
	mkdir -p var
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/pytest

# The fast loop while working (a few minutes): the same checks and every test that needs no browser, in
# parallel. `make test` stays the whole suite, browser journeys included.
check: $(VENV)/.installed-dev assets
	mkdir -p var
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/pytest -n auto -m "not browser"

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .

# The period report on PostgreSQL at 100,000 and 1,000,000 audits (bench/README.md).
# Pages under load on two gunicorn instances, reads and saves at once, then the report against raw SQL.
# BENCH_ARGS=--fresh rebuilds the cached benchmark databases.
# Then saves of an activity during a historic import, beside the same saves without one (p95).
bench: $(VENV)/.installed-dev assets
	mkdir -p var/static
	$(BIN)/python bench/load_bench.py $(BENCH_ARGS)
	$(BIN)/python bench/report_bench.py
	$(BIN)/python bench/saves_during_import.py
	$(BIN)/python bench/dashboard_rows_bench.py

install: system-packages-run $(VENV)/.installed assets

# Debian packages first: the venv itself needs python3-venv (scripts/system-packages.sh says what and why).
system-packages-run:
	scripts/system-packages.sh run

system-packages-test:
	scripts/system-packages.sh test

assets: $(CSS)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

# The demo council's own dependencies (decision 0097): `make run` serves the demo; production installs
# requirements.txt only.
$(VENV)/.installed-demo: requirements-demo.txt $(VENV)/.installed
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-demo.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements-demo.txt $(VENV)/.installed
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

# Node.js for the front-end tools comes from PyPI into the venv (decision 0080), pinned, the same on
# every machine; --engine-strict refuses a Node that a pinned package's "engines" does not admit, and
# --ignore-scripts runs no install script from the registry (sass needs none).
$(VENV)/.installed-node: requirements-node.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-node.txt
	touch $@

node_modules/.installed: package.json package-lock.json $(VENV)/.installed-node
	$(WITH_NODE) npm ci --engine-strict --ignore-scripts --no-audit --no-fund
	touch $@

$(CSS): node_modules/.installed $(SASS_SOURCES)
	$(WITH_NODE) npx --no-install sass --no-source-map --style=compressed --load-path=node_modules --quiet \
		caseaudit/static_src/caseaudit.scss $(CSS)

clean:
	rm -rf $(VENV) node_modules $(CSS)

# A PNG of each main page for four roles, from a throwaway demo database (docs/screenshots/).
screenshots: $(VENV)/.installed-dev assets
	mkdir -p var
	$(BIN)/python scripts/screenshots.py
