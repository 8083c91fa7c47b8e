# The two commands that do everything on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
GO ?= go
BIN := bin
SERVICES := scripts/services
# Each recipe line is its own shell: this prefix gives it the running services' URLs.
WITH_ENV = eval "$$($(SERVICES) env)" &&

.PHONY: all build test drills fuzz api-fuzz lighthouse alerts bench relevance vet run services services-down seed-1m clean

all: build

build:
	$(GO) build -o $(BIN)/ ./cmd/...

vet:
	$(GO) vet ./...
	@$(GO) mod tidy -diff || { echo "go.mod and go.sum are not tidy: run go mod tidy"; exit 1; }
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }

services:
	$(SERVICES) up

services-down:
	$(SERVICES) down

# Starts Postgres, Redis and Elasticsearch (installing them if missing), then runs every test:
# the suite, then the fault drills in their short form (shorter outages, as many faults),
# which stop and start the shared services one at a time.
test: services vet alerts
	$(SERVICES) start replica
	scripts/ensure-chromium
	scripts/ensure-nginx
	$(WITH_ENV) $(GO) test -count=1 -timeout 20m ./...
	$(MAKE) --no-print-directory drills fuzz api-fuzz lighthouse FUZZTIME=10s DRILLS_FLAGS=-short

# The shipped Prometheus alert rules: valid, and firing when their unit tests say (promtool,
# from Debian's prometheus package, installed when missing).
alerts:
	scripts/ensure-promtool
	promtool check rules deploy/prometheus/alerts.yml
	cd deploy/prometheus && promtool test rules alerts_test.yml

# The fault drills, full form (Elasticsearch away 30 s, and so on). The filter drops the
# per-subtest noise; pipefail (SHELLFLAGS) keeps a failing drill failing the target.
drills: services
	$(WITH_ENV) $(GO) test -tags drills -count=1 -p 1 -timeout 20m -v $(DRILLS_FLAGS) ./drills/ 2>&1 | grep --line-buffered -v -E '^ *=== (RUN|PAUSE|CONT|NAME)|^ +--- PASS'


# Fuzzing of what people type and write: search text, and markdown through the sanitiser.
FUZZTIME ?= 60s
# Each new input is minimised for at most 2 s: Go's default (60 s) can outlast a short run, which
# then stalls at 0 execs/s and may end in "context deadline exceeded" (FuzzFold did in make test).
FUZZFLAGS = -fuzztime $(FUZZTIME) -fuzzminimizetime 2s
fuzz:
	$(GO) test -run '^$$' -fuzz FuzzQueryText $(FUZZFLAGS) ./search
	$(GO) test -run '^$$' -fuzz FuzzFold $(FUZZFLAGS) ./search/analysis
	$(GO) test -run '^$$' -fuzz FuzzAnalyze $(FUZZFLAGS) ./search/analysis
	$(GO) test -run '^$$' -fuzz FuzzRender $(FUZZFLAGS) ./markdown

# Schemathesis against the served API (every operation of portal/openapi.json, generated input,
# an admin and a client, a portal on Elasticsearch and one on Postgres) with every check: no
# 5xx, responses as documented, input the document allows accepted and input it forbids
# refused, 405 for other methods (scripts/schemathesis.toml says what a refusal is). It installs
# schemathesis into .venv the first time. API_FUZZ_EXAMPLES sets the examples per operation
# (30), API_FUZZ_SEED the seed (fixed; "random" explores), API_FUZZ_CHECKS the checks (all).
api-fuzz: services
	scripts/api-fuzz

# Lighthouse (desktop) on /, /search?q=…, /kb and an article through a portal on seeded data:
# every page must score 100 in performance, accessibility, best practices and SEO. It installs
# the Lighthouse pinned in tools/lighthouse there (npm ci) the first time and uses Debian's
# chromium; the failing audits are listed, the JSON reports kept (LIGHTHOUSE_OUT to choose where).
lighthouse: services
	scripts/lighthouse

# Benchmarks on seeded data sets of 100,000 and 1,000,000 tickets (each seeded and indexed on
# the first run, then reused), report under bench/results/. BENCH_FLAGS=--help lists the knobs.
BENCH_FLAGS ?=
bench: services build
	scripts/ensure-nginx
	$(WITH_ENV) $(BIN)/bench $(BENCH_FLAGS)

# Search quality: Debian Reference (Spanish and English) imported through the API of a fresh
# installation, the judged queries of relevance/queries.json on both engines and two baselines;
# report under bench/results/relevance-*. RELEVANCE_FLAGS=--help lists the knobs.
RELEVANCE_FLAGS ?=
relevance: services build
	scripts/ensure-debian-reference
	$(WITH_ENV) $(BIN)/relevance $(RELEVANCE_FLAGS)

# Services up, schema migrated, demo data on first run, then the portal in the foreground.
run: services build
	$(WITH_ENV) $(BIN)/portalctl migrate
	@$(WITH_ENV) if $(BIN)/portalctl seed --if-empty > .services/demo-logins.new; then \
		if [ -s .services/demo-logins.new ]; then mv .services/demo-logins.new .services/demo-logins.txt; else rm -f .services/demo-logins.new; fi; \
	else rm -f .services/demo-logins.new; exit 1; fi
	@echo; echo "Demo logins (password demo1234):"; cat .services/demo-logins.txt 2>/dev/null || echo "  (database was seeded elsewhere)"
	@$(WITH_ENV) echo; echo "Portal: http://$${PORTAL_ADDR:-127.0.0.1:8080}  (Ctrl-C stops it, the indexer and the worker; their logs: .services/*.log)"; echo
	@$(WITH_ENV) $(BIN)/indexer > .services/indexer.log 2>&1 & indexer=$$!; \
		$(WITH_ENV) $(BIN)/worker > .services/worker.log 2>&1 & worker=$$!; \
		trap 'kill $$indexer $$worker 2>/dev/null; wait $$indexer $$worker 2>/dev/null' EXIT INT TERM; \
		eval "$$($(SERVICES) env)" && $(BIN)/portal

# The scale check: a million tickets with their comments.
seed-1m: services build
	$(WITH_ENV) $(BIN)/portalctl migrate && $(BIN)/portalctl seed --clients 200 --tickets 1000000 --articles 20000

clean:
	rm -rf $(BIN)
