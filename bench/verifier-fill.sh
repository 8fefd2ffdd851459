#!/usr/bin/env bash
# A new caller during the fill: 3,400 source addresses (X-Forwarded-For from 127.0.0.1, a
# trusted proxy) send look-ups of never-issued numbers, as the red-team pass did to fill the
# embedded store's tables; meanwhile and afterwards, orderers from addresses never seen before
# look up a demo certificate with its correct key. It prints how many of those were answered
# 200 (and what else they got), their latency, and the server's RSS.
# Usage: bash bench/verifier-fill.sh [fill seconds, default 15] [connections, default 64]
# VERIFIER_BIN=path runs another build (side by side with an older commit's).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-15}
connections=${2:-64}
source bench/verifier-server.sh
[ -n "${VERIFIER_BIN:-}" ] || cargo build --release --quiet -p verifier --bin verifier
# shellcheck disable=SC2046 # one word per setting
start_verifier $(proxy_env) RUST_LOG=error

{ cat bench/fresh-callers.lua; cat <<'LUA'
-- Every request: a number never seen, from one of 3,400 addresses (10.0.0.0/8).
request = function()
  local n, _, count = fresh()
  local a = count % 3400
  local ip = string.format("10.%d.%d.%d", math.floor(a / 65536) % 256, math.floor(a / 256) % 256, a % 256)
  local body = string.format('{"certificate_number":"X%012d","auth_key":"C8FK-2XCP-MQTW-H6TQ-SQ9G-63KK"}', n)
  return wrk.format("POST", "/api/verify", {["Content-Type"] = "application/json", ["X-Forwarded-For"] = ip}, body)
end
LUA
} > "$scripts/fill.lua"
{ cat bench/fresh-callers.lua; cat <<'LUA'
-- Every request: the correct key of a demo certificate, from an address never seen (172.16/12).
local good = '{"certificate_number":"W2026-040123","auth_key":"C8FK-2XCP-MQTW-H6TQ-SQ9G-63KK"}'
request = function()
  local n = fresh()
  local ip = string.format("172.%d.%d.%d", 16 + math.floor(n / 65536) % 16, math.floor(n / 256) % 256, n % 256)
  return wrk.format("POST", "/api/verify", {["Content-Type"] = "application/json", ["X-Forwarded-For"] = ip}, good)
end
LUA
} > "$scripts/new-caller.lua"

new_callers() { # label seconds
  local out
  out=$(wrk -t1 -c4 -d"$2s" --latency -s "$scripts/new-caller.lua" "http://127.0.0.1:$port/api/verify" 2>&1)
  read -r rps p50 p99 < <(wrk_figures <<<"$out")
  printf '%-28s %9s req/s  p50 %8s  p99 %8s  %s\n' "$1" "$rps" "$p50" "$p99" "$(grep '^statuses' <<<"$out")"
}

echo "== new callers' correct keys (wrk -t1 -c4), before the fill"
new_callers "before" 3
echo "== fill: ${seconds} s, wrk -t1 -c${connections}, 3,400 addresses, never-issued numbers"
out_file="$scripts/fill.out"
wrk -t1 -c"$connections" -d"${seconds}s" -s "$scripts/fill.lua" "http://127.0.0.1:$port/api/verify" >"$out_file" 2>&1 &
fill=$!
sleep $((seconds / 3))
new_callers "during the fill" $((seconds / 2))
wait "$fill"
printf '  fill: %s req/s, %s\n' "$(awk '/Requests\/sec/ {print $2}' "$out_file")" "$(grep '^statuses' "$out_file")"
echo "== after the fill (nothing else is sent)"
new_callers "right after" 3
sleep 5
new_callers "5 s later" 3
printf 'health: %s   RSS %s MiB\n' "$(curl -s "http://127.0.0.1:$port/api/health")" "$(rss)"
echo "(on $(nproc) cores; server and load generators share them)"
