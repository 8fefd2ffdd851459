#!/usr/bin/env bash
# `verifier serve` (embedded store, release) under a mixed load, as orderers and an attacker
# together would make it: of every 10 requests, 8 correct look-ups, 1 wrong key and 1 number
# never seen before, each failing request from an address of its own (X-Forwarded-For from
# 127.0.0.1, a trusted proxy), so every failure takes the full path (hash, counters, audit) instead of
# a cheap 429. One wrk run; the server's RSS every 5 s; status counts at the end.
# Usage: bash bench/verifier-mixed.sh [seconds, default 30] [connections, default 64]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
connections=${2:-64}
source bench/verifier-server.sh
[ -n "${VERIFIER_BIN:-}" ] || cargo build --release --quiet -p verifier --bin verifier
# shellcheck disable=SC2046 # one word per setting
start_verifier $(proxy_env) RUST_LOG=error

{ cat bench/fresh-callers.lua; cat <<'LUA'
local good = '{"certificate_number":"W2026-040123","auth_key":"C8FK-2XCP-MQTW-H6TQ-SQ9G-63KK"}'
local wrong = '{"certificate_number":"W2026-040123","auth_key":"C8FK-2XCP-MQTW-H6TQ-SQ9G-63KA"}'
local function post(ip, body)
  return wrk.format("POST", "/api/verify", {["Content-Type"] = "application/json", ["X-Forwarded-For"] = ip}, body)
end
-- The known callers' requests are made once: wrk shares the cores with the server, and
-- formatting every request in Lua took CPU the server would otherwise have had.
local known = {}
for i = 1, 200 do known[i] = post(string.format("192.0.2.%d", i), good) end
request = function()
  local n, ip, count = fresh()
  local slot = count % 10
  if slot == 8 then
    return post(ip, wrong)
  elseif slot == 9 then
    return post(ip, string.format('{"certificate_number":"W%012d","auth_key":"C8FK-2XCP-MQTW-H6TQ-SQ9G-63KK"}', n))
  end
  return known[count % 200 + 1]
end
LUA
} > "$scripts/mixed.lua"

echo "RSS before: $(rss) MiB"
start_rss_sampler
out=$(wrk -t2 -c"$connections" -d"${seconds}s" --latency -s "$scripts/mixed.lua" "http://127.0.0.1:$port/api/verify" 2>&1)
stop_rss_sampler
read -r rps p50 p99 < <(wrk_figures <<<"$out")
printf 'mixed: %s req/s  p50 %s  p99 %s\n' "$rps" "$p50" "$p99"
grep '^statuses' <<<"$out"
echo "RSS after: $(rss) MiB"
echo "(wrk -t2 -c$connections -d${seconds}s on $(nproc) cores; server and load generator share them)"
