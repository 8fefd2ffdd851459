#!/usr/bin/env bash
# Lighthouse's four category scores for the index, a municipality page and the verify page of
# the frozen fixture site (as tests/site-checks.sh builds it), served as in production by
# `verifier serve --site … --verify-site …` (the verify site and the API on their own origin).
# A report, not a test: it prints the scores.
set -euo pipefail
cd "$(dirname "$0")/.."
site=target/lighthouse-site
rm -rf "$site" "$site-verify"
cargo build --quiet -p generator -p verifier
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
verify_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
./target/debug/generator build --content generator/tests/testsuite/fixtures/sites/real-2026-11 --out "$site" \
  --date 2026-11-23 --verify-url "http://127.0.0.1:$verify_port/" >/dev/null
./target/debug/verifier serve --addr "127.0.0.1:$port" --site "$site" \
  --verify-site "$site-verify" --verify-addr "127.0.0.1:$verify_port" >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$verify_port/api/health" >/dev/null && break; sleep 0.1; done
export CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}
flags="--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync"
mkdir -p tests/browser/artifacts
printf '%-16s %11s %13s %14s %5s\n' page performance accessibility best-practices seo
for path in / /ashiya-machi/ verify; do
  name=$(echo "$path" | tr -d / ); name=${name:-index}
  report="tests/browser/artifacts/lighthouse-$name.json"
  url="http://127.0.0.1:$port$path"
  [ "$path" = verify ] && url="http://127.0.0.1:$verify_port/"
  tests/browser/node_modules/.bin/lighthouse "$url" --quiet --chrome-flags="$flags" \
    --only-categories=performance,accessibility,best-practices,seo --output=json --output-path="$report" \
    --form-factor=mobile >/dev/null 2>&1 || { echo "lighthouse failed on $path" >&2; exit 1; }
  node -e '
    const r = require(process.argv[1]); const c = r.categories;
    const s = (k) => Math.round(c[k].score * 100);
    console.log(process.argv[2].padEnd(16), String(s("performance")).padStart(11), String(s("accessibility")).padStart(13),
      String(s("best-practices")).padStart(14), String(s("seo")).padStart(5));
    for (const [id, a] of Object.entries(r.audits)) if (a.score !== null && a.score < 1 && a.scoreDisplayMode === "binary") console.log("   -", id, a.title);
  ' "$PWD/$report" "$path"
done
