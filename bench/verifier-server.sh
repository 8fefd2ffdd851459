# Sourced by the verifier benchmarks: checks for wrk, builds the release binary and starts
# `verifier serve` on a free port with the environment given as arguments (NAME=value …).
# VERIFIER_BIN=path runs another build instead (an older commit's, for a side-by-side run).
# Sets $port and $server, and $scripts (a scratch folder for wrk's Lua; the server's standard
# error is $scripts/server.log); the server, the RSS sampler and the folder go at exit.
# `proxy_env` prints the settings that make 127.0.0.1 a trusted proxy (X-Forwarded-For read
# from it), in the words of the build under test (older builds also slept on refusals past the
# alert threshold: off there, as nothing sleeps now). Also: wrk's figures from its output, and the sampler.
server=
port=
sampler=
scripts=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; [ -z "$sampler" ] || kill $sampler 2>/dev/null || true; rm -rf "$scripts"' EXIT
rss() { awk '/VmRSS/ {printf "%.1f", $2/1024}' "/proc/$server/status"; }
start_verifier() {
  command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
  [ -n "${VERIFIER_BIN:-}" ] || cargo build --release --quiet -p verifier --bin verifier
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  env "$@" "${VERIFIER_BIN:-./target/release/verifier}" serve --addr "127.0.0.1:$port" >"$scripts/server.log" 2>&1 &
  server=$!
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/api/health" >/dev/null && break; sleep 0.1; done
}
proxy_env() {
  if "${VERIFIER_BIN:-./target/release/verifier}" --help 2>/dev/null | grep -q VERIFIER_TRUSTED_PROXIES; then
    echo VERIFIER_TRUSTED_PROXIES=127.0.0.1
  else
    echo VERIFIER_TRUSTED_PROXY_HOPS=1 VERIFIER_SLOW_DOWN_MS=0 # builds before issue 19
  fi
}
# "req/s p50 p99" of a wrk --latency output on stdin.
wrk_figures() {
  awk '/Requests\/sec/ {rps=$2} $1=="50%" {p50=$2} $1=="99%" {p99=$2} END {print rps, p50, p99}'
}
# The server's RSS every 5 s, in the background, until stop_rss_sampler.
start_rss_sampler() {
  SECONDS=0
  ( while sleep 5; do printf '  RSS at +%3ss: %s MiB\n' "$SECONDS" "$(rss)"; done ) &
  sampler=$!
}
stop_rss_sampler() {
  kill "$sampler" 2>/dev/null || true
  sampler=
}
