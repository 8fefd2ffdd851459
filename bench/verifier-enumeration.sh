#!/usr/bin/env bash
# The embedded store under enumeration: `verifier serve` (release) takes 60 s of requests with
# fresh numbers from fresh addresses (X-Forwarded-For from 127.0.0.1, a trusted proxy), as a botnet
# sweeping sequential numbers would. Before, during and after, it measures a fixed correct
# look-up from one address (req/s, p50, p99, with wrk) and the server's RSS every 5 s: with a
# bounded store both stay flat and the correct look-up stays fast after the load stops.
# Usage: bash bench/verifier-enumeration.sh [load seconds, default 60] [connections, default 64]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
connections=${2:-64}
source bench/verifier-server.sh
[ -n "${VERIFIER_BIN:-}" ] || cargo build --release --quiet -p verifier --bin verifier
# shellcheck disable=SC2046 # one word per setting
start_verifier $(proxy_env) RUST_LOG=error

cat > "$scripts/correct.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Forwarded-For"] = "192.0.2.1"
wrk.body = '{"certificate_number":"W2026-040123","auth_key":"C8FK-2XCP-MQTW-H6TQ-SQ9G-63KK"}'
LUA
{ cat bench/fresh-callers.lua; cat <<'LUA'
-- Every request: a number never seen and an address never seen.
request = function()
  local n, ip = fresh()
  local body = string.format('{"certificate_number":"W%012d","auth_key":"C8FK-2XCP-MQTW-H6TQ-SQ9G-63KK"}', n)
  return wrk.format("POST", "/api/verify", {["Content-Type"] = "application/json", ["X-Forwarded-For"] = ip}, body)
end
LUA
} > "$scripts/enumerate.lua"

measure() { # label: 5 s of the correct look-up
  local out
  local rps p50 p99
  out=$(wrk -t1 -c8 -d5s --latency -s "$scripts/correct.lua" "http://127.0.0.1:$port/api/verify" 2>&1)
  read -r rps p50 p99 < <(wrk_figures <<<"$out")
  printf '%-22s %10s req/s  p50 %8s  p99 %8s  RSS %6s MiB\n' "$1" "$rps" "$p50" "$p99" "$(rss)"
}

echo "== correct look-up from one address (wrk -t1 -c8 -d5s), before the load"
measure before
echo "== enumeration: ${seconds} s, wrk -t2 -c${connections}, fresh number and address per request"
start_rss_sampler
out=$(wrk -t2 -c"$connections" -d"${seconds}s" --latency -s "$scripts/enumerate.lua" "http://127.0.0.1:$port/api/verify" 2>&1)
stop_rss_sampler
read -r rps _ p99 < <(wrk_figures <<<"$out")
printf '  enumeration: %s req/s, p99 %s\n' "$rps" "$p99"
grep '^statuses' <<<"$out" | sed 's/^/  /' || true
echo "== after the load"
measure "right after"
sleep 15
measure "15 s later"
echo "(on $(nproc) cores; server and load generator share them)"
