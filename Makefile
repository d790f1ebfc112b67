# Doorstep. On a fresh machine the two commands are:
#   make run    install what is missing, build the release app, serve it with the collector
#   make test   install what is missing and run every test
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export TRUNK_SKIP_VERSION_CHECK := true

ADDR ?= 127.0.0.1:8080
DATA ?= data
# The "next version" the update test deploys over the first: same code, another version.
NEXT_DIST := target/e2e/dist-next

.PHONY: help setup setup-build build build-next collector run test check size bench bench-app bench-collector bench-crowd bench-results bench-console fuzz lint icons clean

help:
	@echo "make run    - build the app and serve it with the collector on http://$(ADDR)/"
	@echo "make test   - run every test (native, browser unit tests, end-to-end in Chromium)"
	@echo "make check  - the inner loop: format, clippy, native tests (a few minutes)"
	@echo "make size   - raw, gzip and brotli bytes of the app's wasm, js and css"
	@echo "make bench  - benchmarks (prints figures)"
	@echo "make fuzz   - fuzz the batch parser for FUZZ_SECONDS (60)"
	@echo "make lint   - rustfmt and clippy"

setup:
	@scripts/setup.sh

setup-build:
	@scripts/setup.sh build

# The release app in dist/ (size profile, wasm-opt, service worker precache list).
build: setup-build
	trunk build --release

# A second release build with another version label, for the update test. It shares
# target/ with `make build`, so only the app crate is compiled again (the label is read at
# compile time), not the size-optimised dependency tree.
build-next: setup-build
	DOORSTEP_VERSION="$$(cargo pkgid -p doorstep | sed 's/.*[#@]//')-next" \
	  trunk build --release --dist $(NEXT_DIST)

collector: setup-build
	cargo build --profile server -p collector

run: build collector
	target/server/collector serve --addr $(ADDR) --data-dir $(DATA) --dist dist

test: setup
	@scripts/test.sh

# The inner loop: what `make test` checks first, without the browser or the builds.
# The toolchain, its lint tools and the wasm target come from rust-toolchain.toml.
check: lint
	cargo test --workspace --exclude doorstep-e2e --locked

size: build
	@node scripts/size.mjs dist

bench: size bench-app bench-collector bench-crowd bench-results bench-console

# Collector intake: what a receipt on disk costs, then 1,000,000 responses in batches of 50
# into a fresh SQLite file (a line per 100,000), and the bytes per response on disk.
bench-collector: setup-build
	cargo build --profile server -p collector
	target/server/collector bench --data-dir target/collector-bench

# The served collector under a crowd: peak memory (the ceiling the collector README states)
# under 30 wrong-token 15 MB uploads, 64 uploaders at once and nearly full batches; uploads/s.
bench-crowd: setup-build
	cargo build --profile server -p collector
	target/server/collector bench-crowd --data-dir target/collector-crowd

# The console's results: the first count of 100,000 stored responses into the cache, then
# a page's queries (every response, one ward, one agency over a week, wards side by side)
# as batches arrive, median and 95th percentile of 20 runs.
bench-results: setup-build
	cargo build --profile server -p collector
	target/server/collector bench-results --data-dir target/collector-results

# The console's pages with 100,000 stored responses, through the whole router (session,
# queries, rendering): median and 95th percentile of 20 runs, and the database statements
# each page runs. Target: every page under 300 ms.
bench-console: setup-build
	cargo build --profile server -p collector
	target/server/collector bench-console --data-dir target/collector-console

# The batch parser's fuzz target (cargo fuzz); FUZZ_SECONDS=60 by default.
FUZZ_SECONDS ?= 60
fuzz: setup-build
	scripts/fuzz.sh $(FUZZ_SECONDS)

# The app with 2,000 responses stored, in headless Chromium (tap → LocalStorage, list).
bench-app: build setup
	cargo build -p collector
	DOORSTEP_DIST="$(CURDIR)/dist" DOORSTEP_COLLECTOR="$(CURDIR)/target/debug/collector" \
	  cargo run -p doorstep-e2e --example interview_bench

lint:
	cargo fmt --all --check
	cargo clippy --workspace --exclude doorstep --all-targets -- -D warnings
	cargo clippy -p doorstep --target wasm32-unknown-unknown --all-targets -- -D warnings

icons:
	scripts/icons.sh

clean:
	cargo clean
	rm -rf dist
