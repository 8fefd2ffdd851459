#!/usr/bin/env bash
# Every test of the project, as README.md documents it. Prerequisites (installed by .ci/run):
# Debian chromium, fonts-ipafont-gothic, a Java runtime, poppler-utils, zbar-tools; PyPI moto[server], cfn-lint; npm ci in
# tests/browser.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== cargo fmt / clippy"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings

echo "== Rust tests (generator, verifier on the embedded store and on moto, one request at a time)"
cargo test --workspace

echo "== content edits never fail a test (every orderer re-confirmed, one added, one removed, in a copy)"
bash tests/content-edits.sh

echo "== generator tests on the optimised build (what builds the deployed site; editors' error messages once differed there)"
cargo test --release -p generator

echo "== infra template (cfn-lint)"
cfn-lint infra/template.yaml && echo "cfn-lint: infra/template.yaml passes"

echo "== site build and browser, HTML and weight checks"
bash tests/site-checks.sh

echo "== every command of README.md and of its guides (docs/api.md, development.md, fields.md), as written"
python3 tests/readme-commands.py
