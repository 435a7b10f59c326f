# samtaler: the two commands a new user needs are `make demo` and `make test`.
# Everything runs against a project-local PostgreSQL in .pg/ (git-ignored, socket inside it).

SHELL      := /bin/bash
PG         := scripts/pg.sh
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

.PHONY: help deps build release test demo bench db-start db-stop db-psql clean

help:
	@echo "make demo    build, start the local PostgreSQL, load a $(DEMO_ROWS)-line synthetic feed, show what was loaded"
	@echo "make test    run every test against a real PostgreSQL that this Makefile starts"
	@echo "make db-psql open psql on the local warehouse;  make db-stop  stop the server"

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
	@$(PG) psql

test: deps db-start
	swift build --build-tests
	SAMTALER_BIN=$(CURDIR)/$(DEBUG_BIN) swift test --skip-build

demo: release db-start
	@mkdir -p $(DEMO)
	@echo "== migrate"
	$(RELEASE_BIN) migrate
	@test -f $(DEMO)/pseudonym.key || $(RELEASE_BIN) keygen $(DEMO)/pseudonym.key
	@echo "== generate a synthetic feed of $(DEMO_ROWS) lines"
	$(RELEASE_BIN) generate --rows $(DEMO_ROWS) --seed 2025 --out $(DEMO)/feed.jsonl
	@echo "== load it (one batch, one transaction)"
	SAMTALER_PSEUDONYM_KEY_FILE=$(DEMO)/pseudonym.key $(RELEASE_BIN) load $(DEMO)/feed.jsonl \
	  --rejects $(DEMO)/rejects.jsonl --summary-json $(DEMO)/summary.json
	@echo "== what the warehouse holds"
	@$(PG) psql -q -f scripts/demo-overview.sql
	@echo
	@echo "Rejected lines with their reasons: $(DEMO)/rejects.jsonl  (first one below)"
	@head -n 1 $(DEMO)/rejects.jsonl | cut -c 1-400
	@echo
	@echo "Explore with: make db-psql   (views and tables: docs/schema.md)"

clean:
	rm -rf .build var
