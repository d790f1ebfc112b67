#!/usr/bin/env bash
# Every test of the project, in the order that fails fastest. Run by `make test` after
# scripts/setup.sh; prints how long each step took.
set -euo pipefail
cd "$(dirname "$0")/.."

started=$SECONDS
step() {
  local name=$1
  shift
  local t=$SECONDS
  printf '\n== %s\n' "$name"
  "$@"
  printf -- '-- %s: %ss\n' "$name" $((SECONDS - t))
}

step "format" cargo fmt --all --check
step "clippy (native and wasm)" make --no-print-directory lint
step "the Bengali font is the pinned npm package's" node scripts/fonts.mjs --check
step "native unit and integration tests" cargo test --workspace --exclude doorstep-e2e --locked
step "bytes per complete response (shared questionnaire)" \
  cargo test -q -p survey --locked --test shipped_questionnaire three_thousand -- --nocapture
step "CSV export read by pandas and LibreOffice" \
  bash -c 'rm -rf target/csv-check &&
    cargo run -q -p survey --locked --example sample_export -- target/csv-check \
      survey/questionnaires/doorstep-qol.v1.json 40 &&
    .tools/py/bin/python scripts/check-csv.py target/csv-check'
step "browser unit tests (wasm-bindgen-test, headless Chromium)" \
  cargo test -p doorstep --lib --target wasm32-unknown-unknown --locked
step "release build" make --no-print-directory build
step "release build of a next version (for the update test)" make --no-print-directory build-next
step "collector for the end-to-end tests" cargo build -p collector --locked
step "end-to-end tests (release app in headless Chromium, real collector)" \
  env DOORSTEP_DIST="$PWD/dist" DOORSTEP_DIST_NEXT="$PWD/target/e2e/dist-next" \
  DOORSTEP_COLLECTOR="$PWD/target/debug/collector" \
  cargo test -p doorstep-e2e --locked
step "size budget" node scripts/size.mjs dist

printf '\nall tests passed in %ss\n' $((SECONDS - started))
