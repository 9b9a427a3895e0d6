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

.PHONY: help install tools stack-up stack-down stack-status lint typecheck test test-unit test-contract test-int test-e2e demo demo-down bench

help:
	@echo "make demo          start the local stack and Tally (API, projector, worker) with demo data"
	@echo "make demo-down     stop the demo's processes and the local stack"
	@echo "make test          install what is missing, then lint, type-check and run every test group"
	@echo "make stack-up|stack-down|stack-status"
	@echo "make test-unit|test-contract|test-int|test-e2e"
	@echo "make bench         run every benchmark in bench/ and print its figures (takes several minutes)"

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

install: node_modules/.installed

tools:
	@scripts/stack.sh tools

stack-up: install
	@scripts/stack.sh up

stack-down:
	@scripts/stack.sh down

stack-status:
	@scripts/stack.sh status

lint: install
	npx --no-install eslint .

typecheck: install
	npx --no-install tsc --noEmit

test: install tools lint typecheck
	$(JEST)

test-unit: install
	$(JEST) --selectProjects unit

test-contract: install
	$(JEST) --selectProjects contract

test-int: install tools
	$(JEST) --selectProjects int

test-e2e: install tools
	$(JEST) --selectProjects e2e

demo: install
	@scripts/demo.sh

demo-down:
	@scripts/demo.sh down
	@scripts/stack.sh down

# Every benchmark in turn, one at a time so they do not share the cores; each
# prints its figures. Needs the local stack, which this starts if it is down.
BENCHMARKS := eventstore-append projector projector-follow read-your-write export api workflows scale
bench: install tools
	@scripts/stack.sh up
	@for name in $(BENCHMARKS); do echo "== bench/$$name.bench.ts"; npx --no-install tsx bench/$$name.bench.ts || exit 1; done
