#!/usr/bin/env bash
# Builds the frozen fixture site (generator/tests/testsuite/fixtures/sites/real-2026-11: the
# thirteen orderers as they were on 2026-11-23) and its verify site, serves them as deployed —
# the guidance site on one origin, the verify site with the API on another (verifier serve
# --site … --verify-site …) — and checks them in a real browser (playwright-core + Debian
# chromium, axe-core), with the Nu HTML checker. The real content/ gets its contract checks
# only: it builds, and its pages are valid HTML — no edit of it can fail the browser suite.
set -euo pipefail
cd "$(dirname "$0")/.."

fixture=generator/tests/testsuite/fixtures/sites/real-2026-11
site=target/test-site
real=target/test-site-content
rm -rf "$site" "$real" "$site-verify" "$real-verify"
cargo build --quiet -p generator -p verifier
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port)
verify_port=$(free_port)
while [ "$verify_port" = "$port" ]; do verify_port=$(free_port); done
verify_url="http://127.0.0.1:$verify_port/"
# The guidance pages link to the verify site at the address given here (site.yaml's
# verification_service.url in a deployment); the generator writes it beside the site ($site-verify).
./target/debug/generator build --content "$fixture" --out "$site" --date 2026-11-23 --verify-url "$verify_url"
./target/debug/generator build --out "$real"

./target/debug/verifier serve --addr "127.0.0.1:$port" --site "$site" \
  --verify-site "$site-verify" --verify-addr "127.0.0.1:$verify_port" > target/verifier-test.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -sf "${verify_url}api/health" >/dev/null && curl -sf "http://127.0.0.1:$port/" >/dev/null && break
  sleep 0.1
done
curl -sf "${verify_url}api/health" >/dev/null || { cat target/verifier-test.log; exit 1; }

echo "== Nu HTML checker (the fixture site, and the site of the real content/, each with its verify site)"
java -jar tests/browser/node_modules/vnu-jar/build/dist/vnu.jar --errors-only --skip-non-html "$site" "$real" "$site-verify" "$real-verify"
echo "vnu: 0 errors in $(find "$site" "$real" "$site-verify" "$real-verify" -name '*.html' | wc -l) HTML files"

echo "== browser suite (the fixture site and its verify site)"
cd tests/browser
BASE_URL="http://127.0.0.1:$port" VERIFY_URL="$verify_url" SITE_DIR="../../$site" node --test --test-concurrency=1
