#!/usr/bin/env bash
# The optimised build (what builds the deployed site) against the debug build the other tests
# ran on: every command-line test of the generator again on the optimised program (editors'
# error reports once differed between the two), and every fixture site built by both, byte for
# byte (all but the cache manifest, whose keys name the program that rendered). Without the preview's verify API (`--no-default-features`: the AWS SDK is minutes of an
# optimised compile, and the deployed site is not built by the preview).
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --quiet --release -p generator --no-default-features
cargo build --quiet -p generator
GENERATOR_EXE="$PWD/target/release/generator" cargo test --quiet -p generator --test testsuite -- cli:: invalid:: incremental::

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
sites=0
flyers=generator/tests/testsuite/fixtures/sites/flyers
for fixture in generator/tests/testsuite/fixtures/sites/*/; do
  name=$(basename "$fixture")
  # A fixture without shared text is laid over the flyers site, as its tests lay it.
  if [ ! -d "$fixture/sections" ]; then
    mkdir -p "$scratch/content"
    cp -r "$flyers" "$scratch/content/$name"
    cp -r "$fixture"/. "$scratch/content/$name/"
    fixture="$scratch/content/$name"
  fi
  for profile in debug release; do
    ./target/$profile/generator build --content "$fixture" --date 2026-11-23 \
      --out "$scratch/$profile/$name" > /dev/null
  done
  diff -r -x .generator-output "$scratch/debug/$name" "$scratch/release/$name"
  diff -r -x .generator-output "$scratch/debug/$name-verify" "$scratch/release/$name-verify"
  sites=$((sites + 1))
done
echo "optimised build: the command-line tests pass on it; $sites fixture sites byte-identical to the debug build's"
