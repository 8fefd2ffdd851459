#!/usr/bin/env bash
# Load on `verifier serve` (embedded store, release build) with wrk: correct key, wrong key and
# unknown number, each against /api/health on the same server in the same run (the peer: the
# same HTTP stack with no hashing, throttling or audit). Throttle limits are raised so every
# request takes the full verification path instead of the cheap 429.
# Usage: bash bench/verifier.sh [seconds per run, default 10] [connections, default 64]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
connections=${2:-64}
source bench/verifier-server.sh
# Every limit raised (per number and caller, per caller on any number, the number-wide slow-down).
start_verifier VERIFIER_CALLER_FAILURES=1000000000 VERIFIER_CALLER_ANY_FAILURES=1000000000 \
  VERIFIER_NUMBER_FAILURES=1000000000 RUST_LOG=warn

lua() { # name, body
  cat > "$scripts/$1.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '$2'
LUA
}
lua correct '{"certificate_number":"W2026-040123","auth_key":"C8FK-2XCP-MQTW-H6TQ-SQ9G-63KK"}'
lua wrong '{"certificate_number":"W2026-040123","auth_key":"C8FK-2XCP-MQTW-H6TQ-SQ9G-63KA"}'
lua unknown '{"certificate_number":"W2026-999999","auth_key":"C8FK-2XCP-MQTW-H6TQ-SQ9G-63KK"}'

run() { # label, wrk args…
  local out non2xx
  shift
  out=$(wrk -t2 -c"$connections" -d"${seconds}s" --latency "$@" 2>&1)
  non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
  echo "$(wrk_figures <<<"$out") ${non2xx:-0}"
}

printf '%-10s %12s %10s %10s %10s %14s\n' mix req/s p50 p99 non-2xx "ratio to health"
read -r h_rps h_p50 h_p99 h_non <<<"$(run health "http://127.0.0.1:$port/api/health")"
printf '%-10s %12s %10s %10s %10s %14s\n' health "$h_rps" "$h_p50" "$h_p99" "$h_non" 1.00
for mix in correct wrong unknown; do
  read -r rps p50 p99 non <<<"$(run "$mix" -s "$scripts/$mix.lua" "http://127.0.0.1:$port/api/verify")"
  ratio=$(python3 -c "print(f'{$rps/$h_rps:.2f}')")
  printf '%-10s %12s %10s %10s %10s %14s\n' "$mix" "$rps" "$p50" "$p99" "$non" "$ratio"
done
echo "(wrk -t2 -c$connections -d${seconds}s on $(nproc) cores; server and load generator share them)"
