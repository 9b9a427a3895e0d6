# Tally's entry points. `make demo` and `make test` work from a fresh clone: they
# install what is missing (npm packages, the local stack's tools) and reuse it after.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Native addons (better-sqlite3) must build without downloading Node headers:
# point node-gyp at the headers installed with Node when they are there.
NODE_PREFIX := $(shell dirname "$$(dirname "$$(command -v node)")")
ifneq ($(wildcard $(NODE_PREFIX)/include/node/node_api.h),)
export npm_config_nodedir := $(NODE_PREFIX)
endif

JEST := npx --no-install jest

.PHONY: help install tools browser web stack-up stack-down stack-status lint typecheck test test-unit test-contract test-int test-e2e demo demo-down bench

help:
	@echo "make demo          start the local stack and Tally (API, projector, worker) with demo data"
	@echo "make demo-down     stop the demo's processes and the local stack"
	@echo "make test          install what is missing, then lint, type-check and run every test group"
	@echo "make web           build the web console into web/dist (tally serve serves it at /)"
	@echo "make stack-up|stack-down|stack-status"
	@echo "make test-unit|test-contract|test-int|test-e2e"
	@echo "make bench         run every benchmark in bench/ and print its figures (takes several minutes)"

node_modules/.installed: package.json package-lock.json web/package.json
	npm ci --no-audit --no-fund
	@touch $@

install: node_modules/.installed

tools:
	@scripts/stack.sh tools

# Debian's Chromium for the web console's browser tests (installed with apt when missing).
browser:
	@scripts/chromium.sh

web: install
	npm run --silent build:web

stack-up: install
	@scripts/stack.sh up

stack-down:
	@scripts/stack.sh down

stack-status:
	@scripts/stack.sh status

lint: install
	npx --no-install eslint .

# NestJS code compiles with legacy decorators, so it has its own configuration.
typecheck: install
	npx --no-install tsc --noEmit
	npx --no-install tsc --noEmit -p test/nestjs/tsconfig.json
	npm run --silent typecheck --workspace web

test: install tools browser lint typecheck web
	$(JEST)

test-unit: install
	$(JEST) --selectProjects unit

test-contract: install
	$(JEST) --selectProjects contract

test-int: install tools
	$(JEST) --selectProjects int

test-e2e: install tools browser web
	$(JEST) --selectProjects e2e

demo: install
	@scripts/demo.sh

demo-down:
	@scripts/demo.sh down
	@scripts/stack.sh down

# Every benchmark in turn, one at a time so they do not share the cores; each
# prints its figures. Needs the local stack, which this starts if it is down.
BENCHMARKS := eventstore-append projector projector-follow read-your-write export api alert-rules workflows web-console scale
bench: install tools browser web
	@scripts/stack.sh up
	@for name in $(BENCHMARKS); do echo "== bench/$$name.bench.ts"; npx --no-install tsx bench/$$name.bench.ts || exit 1; done
