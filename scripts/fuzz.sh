#!/usr/bin/env bash
# `make fuzz`: runs the batch parser's fuzz target for FUZZ_SECONDS (default 60).
# cargo-fuzz comes from crates.io (pinned); the machine has only a stable toolchain, so
# RUSTC_BOOTSTRAP=1 lets cargo-fuzz use the sanitizer flags it needs.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-${FUZZ_SECONDS:-60}}"
CARGO_FUZZ_VERSION=0.13.2

if ! cargo fuzz --version 2>/dev/null | grep -q "$CARGO_FUZZ_VERSION"; then
  echo "installing cargo-fuzz $CARGO_FUZZ_VERSION"
  cargo install cargo-fuzz --version "=$CARGO_FUZZ_VERSION" --locked
fi

# Seeds: a real batch (from the shared questionnaire) and a few near misses, so the
# fuzzer starts from inputs that get deep into verification.
corpus=fuzz/corpus/batch_parser
mkdir -p "$corpus"
cargo run -q -p survey --example sample_export -- target/fuzz-seed \
  survey/questionnaires/doorstep-qol.v1.json 3 > /dev/null
cp target/fuzz-seed/batch.json "$corpus/seed-batch.json"
cp fuzz/seeds/* "$corpus/" 2>/dev/null || true

cd fuzz
RUSTC_BOOTSTRAP=1 cargo fuzz run batch_parser "corpus/batch_parser" -- \
  -max_total_time="$seconds" -max_len=200000 -print_final_stats=1
