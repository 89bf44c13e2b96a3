# CaseAudit: `make run` and `make test` are the whole set-up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SASS_SOURCES := $(wildcard caseaudit/static_src/*.scss)
CSS := caseaudit/static/caseaudit/caseaudit.css
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install lint assets serve clean bench screenshots

run: install
	mkdir -p var/static
	$(BIN)/caseaudit migrate --noinput
	$(BIN)/caseaudit seed_demo
	@echo ""
	@echo "CaseAudit is serving on http://$(HOST):$(PORT)/ (Ctrl+C stops it)"
	@echo "Deadline reminders, escalations and scheduled reports run every 15 minutes (log: var/deadlines.log; mail: var/sent-mail/)"
	@trap 'kill 0' EXIT INT TERM; \
	( while true; do $(BIN)/caseaudit run_deadlines >> var/deadlines.log 2>&1; \
	    $(BIN)/caseaudit send_reports >> var/deadlines.log 2>&1; sleep 900; done ) & \
	$(BIN)/gunicorn caseaudit.wsgi --bind $(HOST):$(PORT) --workers 2 --threads 4 --access-logfile - --log-level warning

test: $(VENV)/.installed-dev assets
	scripts/system-packages.sh test
	mkdir -p var
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .

# The period report on PostgreSQL at 100,000 and 1,000,000 audits (bench/README.md).
# Pages under load on two gunicorn instances, reads and saves at once, then the report against raw SQL.
# BENCH_ARGS=--fresh rebuilds the cached benchmark databases.
bench: $(VENV)/.installed-dev assets
	mkdir -p var/static
	$(BIN)/python bench/load_bench.py $(BENCH_ARGS)
	$(BIN)/python bench/report_bench.py

install: $(VENV)/.installed assets

assets: $(CSS)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt pyproject.toml | $(BIN)/python
	scripts/system-packages.sh run
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	scripts/system-packages.sh run
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(CSS): node_modules/.installed $(SASS_SOURCES)
	npx --no-install sass --no-source-map --style=compressed --load-path=node_modules --quiet \
		caseaudit/static_src/caseaudit.scss $(CSS)

clean:
	rm -rf $(VENV) node_modules $(CSS)

# A PNG of each main page for four roles, from a throwaway demo database (docs/screenshots/).
screenshots: $(VENV)/.installed-dev assets
	mkdir -p var
	$(BIN)/python scripts/screenshots.py
