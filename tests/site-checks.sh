#!/usr/bin/env bash
# Builds the frozen fixture site (generator/tests/testsuite/fixtures/sites/real-2026-11: the
# thirteen orderers as they were on 2026-11-23), serves it with the API on one origin (verifier
# serve --site), and checks it in a real browser (playwright-core + Debian chromium, axe-core),
# with the Nu HTML checker. The real content/ gets its contract checks only: it builds, and its
# pages are valid HTML — no edit of it can fail the browser suite.
set -euo pipefail
cd "$(dirname "$0")/.."

fixture=generator/tests/testsuite/fixtures/sites/real-2026-11
site=target/test-site
real=target/test-site-content
rm -rf "$site" "$real"
cargo build --quiet -p generator -p verifier
./target/debug/generator build --content "$fixture" --out "$site" --date 2026-11-23
./target/debug/generator build --out "$real"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
./target/debug/verifier serve --addr "127.0.0.1:$port" --site "$site" > target/verifier-test.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$port/api/health" >/dev/null && break
  sleep 0.1
done
curl -sf "http://127.0.0.1:$port/api/health" >/dev/null || { cat target/verifier-test.log; exit 1; }

echo "== Nu HTML checker (the fixture site, and the site of the real content/)"
java -jar tests/browser/node_modules/vnu-jar/build/dist/vnu.jar --errors-only --skip-non-html "$site" "$real"
echo "vnu: 0 errors in $(find "$site" "$real" -name '*.html' | wc -l) HTML files"

echo "== browser suite (the fixture site)"
cd tests/browser
BASE_URL="http://127.0.0.1:$port" SITE_DIR="../../$site" node --test --test-concurrency=1
