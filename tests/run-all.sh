#!/usr/bin/env bash
# Every test of the project, as README.md and docs/development.md document it. Prerequisites (installed by .ci/run):
# Debian chromium, fonts-ipafont-gothic, a Java runtime, poppler-utils, zbar-tools; PyPI moto[server], cfn-lint; npm ci in
# tests/browser.
set -euo pipefail
cd "$(dirname "$0")/.."

# Each stage's time, printed when the next begins and at the end: CI's budget is 15 minutes cold.
stage_name="" stage_start=$SECONDS
stage() {
  if [ -n "$stage_name" ]; then echo "   ($stage_name: $((SECONDS - stage_start)) s)"; fi
  stage_name=$1 stage_start=$SECONDS
  echo "== $1"
}
trap 'echo "   ($stage_name: $((SECONDS - stage_start)) s; all: $SECONDS s)"' EXIT

stage "cargo fmt / clippy"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings

stage "Rust tests (generator, verifier on the embedded store and on moto, one request at a time)"
cargo test --workspace

stage "content edits never fail a test (every orderer re-confirmed, one added, one removed, in a copy)"
bash tests/content-edits.sh

stage "the optimised build (what builds the deployed site): command-line tests again, fixture sites byte-identical to the debug build's"
bash tests/optimised-build.sh

stage "infra template (cfn-lint)"
cfn-lint infra/template.yaml && echo "cfn-lint: infra/template.yaml passes"

stage "site build and browser, HTML and weight checks"
bash tests/site-checks.sh

stage "every command of README.md and of its guides (docs/api.md, verify-site.md, development.md, fields.md), as written"
python3 tests/readme-commands.py
