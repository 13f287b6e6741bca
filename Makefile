# Two commands set everything up: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
ALIGNMENT_HOME ?= $(CURDIR)/data
LEADS ?= 20000
SEED ?= 42
export ALIGNMENT_HOME

.PHONY: install demo test lint docs ui clean bench bench-large test-engines browser

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

demo: install
	$(BIN)/alignment generate --leads $(LEADS) --seed $(SEED)
	$(BIN)/alignment refresh
	$(BIN)/alignment status --funnel
	@echo
	@echo "Landing files:  $(ALIGNMENT_HOME)/landing/"
	@echo "Warehouse:      $(ALIGNMENT_HOME)/warehouse.duckdb (marts in schema 'marts')"
	@echo "For BI tools:   $(ALIGNMENT_HOME)/marts.duckdb and marts/*.parquet (read-only, docs/bi.md)"
	@echo "Report:         $(ALIGNMENT_HOME)/reports/alignment-report.html"
	@echo "Browse:         make ui  (Dagster on http://127.0.0.1:3000)"

test: install browser
	$(BIN)/pytest -q

# The report test draws the alignment report in headless Chromium (Debian's package).
browser:
	@command -v chromium >/dev/null || \
		($(SUDO) apt-get update && $(SUDO) apt-get install -y --no-install-recommends chromium)

ui: install
	DAGSTER_HOME=$(ALIGNMENT_HOME)/dagster; mkdir -p $$DAGSTER_HOME; \
	DAGSTER_HOME=$$DAGSTER_HOME $(BIN)/dagster dev -w workspace.yaml -h 127.0.0.1 -p 3000

clean:
	rm -rf $(ALIGNMENT_HOME) dbt_project/target dbt_project/logs

# Benchmarks (not part of `make test`): docs/performance.md.
# Each size REPEAT times on copies of one generated company; the table quotes medians.
SIZES ?= 10000 20000 100000 1000000
REPEAT ?= 3
bench: install
	$(BIN)/python benchmarks/run.py --sizes $(SIZES) --repeat $(REPEAT)

# 10M leads (1-2 hours here; LARGE_FLAGS=--full-only for the full refresh alone), from
# gzipped exports (as text the landing files, warehouse and publication would not fit this
# machine's disk), DuckDB held to 6 GB so the whole refresh stays under 8 GB.
LARGE_FLAGS ?=
bench-large: install
	ALIGNMENT_MEMORY_LIMIT=6GB $(BIN)/python benchmarks/run.py --sizes 10000000 --large \
		--gzip-landing --repeat 1 $(LARGE_FLAGS)

# Style checked, not argued: ruff for Python, sqlfluff (dbt_project/.sqlfluff) for the dbt SQL.
lint: install
	$(BIN)/ruff check orchestration tests
	cd dbt_project && ../$(BIN)/sqlfluff lint models tests macros --processes 2

# The dbt docs site as one self-contained page, lineage from the landing sources to the marts
# and their exposures. The catalog reads the warehouse: run `make demo` (or a refresh) first.
docs: install
	cd dbt_project && ../$(BIN)/dbt docs generate --static --profiles-dir . \
		--target-path $(ALIGNMENT_HOME)/reports/dbt-docs
	@echo "dbt docs: $(ALIGNMENT_HOME)/reports/dbt-docs/static_index.html (opens offline)"

# The same dbt project on PostgreSQL and on Spark (local mode), every mart compared with
# DuckDB's (docs/engines.md). Installs Debian's postgresql and a Java 17 runtime if missing.
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

$(VENV)/.installed-engines: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[dev,engines]'
	touch $@

test-engines: $(VENV)/.installed-engines
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null || \
		{ $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq postgresql; }
	@command -v java >/dev/null || \
		{ $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq openjdk-17-jre-headless; }
	$(BIN)/pytest -q -n 0 -m engines tests/engines --basetemp=$${TMPDIR:-/tmp}/alignment-test-engines
