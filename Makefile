# samtaler: the two commands a new user needs are `make demo` and `make test`.
# Everything runs against a project-local PostgreSQL in .pg/ (git-ignored, socket inside it).

SHELL      := /bin/bash
PG         = SAMTALER_PGPORT=$(PGPORT_LOCAL) scripts/pg.sh
PGSOCK     := $(CURDIR)/.pg/socket
PGPORT_LOCAL ?= 54329
export PGHOST     := $(PGSOCK)
export PGPORT     := $(PGPORT_LOCAL)
export PGUSER     := postgres
export PGDATABASE := samtaler
export SAMTALER_SQL_DIR := $(CURDIR)/sql

DEBUG_BIN   := .build/debug/samtaler
RELEASE_BIN := .build/release/samtaler
DEMO        := var/demo
DEMO_ROWS   ?= 100000

.PHONY: help deps build release test demo docs bench db-start db-stop db-psql env clean

help:
	@echo "make demo    build, start the local PostgreSQL, load a $(DEMO_ROWS)-line synthetic feed in two deliveries, show what was loaded"
	@echo "make test    run every test against a real PostgreSQL that this Makefile starts"
	@echo "make db-psql open psql on the local warehouse;  make db-stop  stop the server"
	@echo 'eval "$$(make -s env)"   point this shell (PG* variables, the key, samtaler on PATH) at the demo warehouse'

# Installs what is missing (as root with apt-get), or says exactly what to run.
deps:
	@scripts/deps.sh

build: deps
	swift build

release: deps
	swift build -c release

db-start: deps
	@$(PG) start

db-stop:
	@$(PG) stop

db-psql:
	@$(PG) psql $(if $(DB),-d $(DB),)

# For a shell outside make: eval "$(make -s env)" reaches the demo warehouse with the demo's key
# and puts the release build of samtaler on the PATH.
env:
	@echo 'export PGHOST="$(PGSOCK)" PGPORT=$(PGPORT_LOCAL) PGUSER=postgres PGDATABASE=samtaler_demo'
	@echo 'export SAMTALER_SQL_DIR="$(CURDIR)/sql" SAMTALER_PSEUDONYM_KEY_FILE="$(CURDIR)/$(DEMO)/pseudonym.key"'
	@echo 'export PATH="$(CURDIR)/.build/release:$$PATH"'

test: deps db-start
	@scripts/deps.sh test
	swift build --build-tests
	SAMTALER_BIN=$(CURDIR)/$(DEBUG_BIN) swift test --skip-build

# The demo uses its own database (samtaler_demo), made anew each time, and its own key.
demo: export PGDATABASE := samtaler_demo
demo: release db-start
	@mkdir -p $(DEMO)
	@$(PG) psql -q -d postgres -c "DROP DATABASE IF EXISTS samtaler_demo WITH (FORCE)" -c "CREATE DATABASE samtaler_demo"
	@echo "== samtaler migrate"
	@$(RELEASE_BIN) migrate
	@test -f $(DEMO)/pseudonym.key || $(RELEASE_BIN) keygen $(DEMO)/pseudonym.key
	@echo
	@echo "== samtaler generate: a synthetic feed of $(DEMO_ROWS) lines"
	@$(RELEASE_BIN) generate --rows $(DEMO_ROWS) --seed 2025 --out $(DEMO)/feed.jsonl
	@echo
	@echo "== samtaler load: the first delivery (the feed's first 80 %), one batch, one transaction"
	@head -n $$(( $(DEMO_ROWS) * 4 / 5 )) $(DEMO)/feed.jsonl > $(DEMO)/feed-1.jsonl
	@tail -n +$$(( $(DEMO_ROWS) * 4 / 5 + 1 )) $(DEMO)/feed.jsonl > $(DEMO)/feed-2.jsonl
	@SAMTALER_PSEUDONYM_KEY_FILE=$(DEMO)/pseudonym.key $(RELEASE_BIN) load $(DEMO)/feed-1.jsonl \
	  --rejects $(DEMO)/rejects.jsonl --summary-json $(DEMO)/summary.json
	@echo
	@echo "== samtaler extract --period 2025-07: the ministry's delivery of July (recorded)"
	@$(RELEASE_BIN) extract --period 2025-07 --out $(DEMO)
	@echo
	@echo "== the rest: late registrations, corrections and withdrawals (docs/history.md)"
	@SAMTALER_PSEUDONYM_KEY_FILE=$(DEMO)/pseudonym.key $(RELEASE_BIN) load $(DEMO)/feed-2.jsonl \
	  --rejects $(DEMO)/rejects-2.jsonl | grep -E "^(batch|new|changed|withdrawn|unchanged)"
	@echo
	@echo "== the whole file again: nothing changes"
	@SAMTALER_PSEUDONYM_KEY_FILE=$(DEMO)/pseudonym.key $(RELEASE_BIN) load $(DEMO)/feed.jsonl \
	  --rejects $(DEMO)/rejects-again.jsonl | grep -E "^(batch|new|changed|withdrawn|unchanged)"
	@echo
	@echo "== samtaler report volumes --period 2025 --per quarter --by indberettertype"
	@$(RELEASE_BIN) report volumes --period 2025 --per quarter --by indberettertype
	@echo
	@echo "== samtaler report forms --period 2025Q1 --per quarter"
	@$(RELEASE_BIN) report forms --period 2025Q1 --per quarter
	@echo
	@echo "== samtaler report participants --period 2025 --per year"
	@$(RELEASE_BIN) report participants --period 2025 --per year
	@echo
	@echo "== samtaler report coverage --period 2025-12"
	@$(RELEASE_BIN) report coverage --period 2025-12
	@echo
	@echo "== samtaler report marks --period 2025 --per year --mark akasse_deltagelse,cv_godkendelse,raadighedsvurdering"
	@$(RELEASE_BIN) report marks --period 2025 --per year --mark akasse_deltagelse,cv_godkendelse,raadighedsvurdering
	@echo
	@echo "== samtaler report visitation --period 2025 --per quarter"
	@$(RELEASE_BIN) report visitation --period 2025 --per quarter
	@echo
	@echo "== samtaler report minplan --period 2025 --per year"
	@$(RELEASE_BIN) report minplan --period 2025 --per year
	@echo
	@echo "== samtaler report revisions --period 2025-07: why July moved since its delivery"
	@$(RELEASE_BIN) report revisions --period 2025-07 --changed --format csv | head -n 8
	@echo
	@echo "== samtaler report timeliness --period 2025: how soon conversations are registered; preliminary months"
	@$(RELEASE_BIN) report timeliness --period 2025
	@$(RELEASE_BIN) report forms --period 2025 --format html --out $(DEMO)/forms-2025.html
	@$(RELEASE_BIN) report volumes --period 2025 --per quarter --by samtaletype --format html --out $(DEMO)/volumes-2025.html
	@echo
	@echo "Rejected lines with their reasons: $(DEMO)/rejects.jsonl; the first one:"
	@head -n 1 $(DEMO)/rejects.jsonl | cut -c 1-300
	@echo
	@echo "Open $(DEMO)/forms-2025.html and $(DEMO)/volumes-2025.html in a browser;"
	@echo "explore the warehouse with: make db-psql DB=samtaler_demo   (views: docs/schema.md)"
	@echo
	@echo "To use the demo warehouse from this shell (samtaler on the PATH, PG* variables, the demo's key):"
	@echo '  eval "$$(make -s env)"'
	@echo "  samtaler report volumes --period 2025 --by samtaletype"
	@echo
	@echo "The reports in a browser (docs/web.md), after the eval above:"
	@echo "  samtaler serve --port 8080"
	@echo "  then open http://127.0.0.1:8080/  (e.g. http://127.0.0.1:8080/rapport/volumes?period=2025&per=quarter&by=samtaletype)"

# The examples in docs/*.md (blocks starting with `$ samtaler ...`) run again on the demo warehouse.
docs: export PGDATABASE := samtaler_demo
docs: export PATH := $(CURDIR)/.build/release:$(PATH)
docs: release db-start
	@$(PG) psql -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = 'samtaler_demo'" | grep -q 1 || $(MAKE) demo
	@python3 scripts/docs.py

clean:
	rm -rf .build var

# Figures of the performance issue, side by side in one run (release build, local PostgreSQL).
# make bench BENCH_ROWS=1000000 BENCH_LARGE=10000000 (0 skips the large case)
# BENCH_HUGE=100000000 adds national volume (section 7); BENCH_HUGE_REUSE=1 measures it on the
# warehouse an earlier run loaded instead of loading it again (docs/performance.md)
BENCH_ROWS  ?= 1000000
BENCH_LARGE ?= 10000000
bench: release db-start
	@scripts/deps.sh bench
	@scripts/bench.sh $(BENCH_ROWS) $(BENCH_LARGE)
