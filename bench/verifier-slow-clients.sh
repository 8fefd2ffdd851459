#!/usr/bin/env bash
# Slow clients against `verifier serve`: 512 connections from 127.0.0.1, each sending its
# headers and then one body byte every 5 s (the attack that held every slot), while an orderer
# from 127.0.0.2 makes one correct look-up every 0.5 s (each given 5 s). It prints how many
# were answered 200, their latency, and how many warning lines the server logged.
# Usage: bash bench/verifier-slow-clients.sh [seconds, default 30] [slow connections, default 512]
# VERIFIER_BIN=path runs another build (side by side with an older commit's).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
slow=${2:-512}
source bench/verifier-server.sh
[ -n "${VERIFIER_BIN:-}" ] || cargo build --release --quiet -p verifier --bin verifier
start_verifier RUST_LOG=warn
python3 - "$port" "$seconds" "$slow" <<'PY'
import asyncio, statistics, sys, time

port, seconds, slow = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
LOOK_UP = b'{"certificate_number":"W2026-040123","auth_key":"C8FK-2XCP-MQTW-H6TQ-SQ9G-63KK"}'
REQUEST = (b"POST /api/verify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
           b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(LOOK_UP)) + LOOK_UP
deadline = time.monotonic() + seconds

async def slow_client():
    # Reconnects at once when closed, as the attacker did; stops at the deadline.
    opened = 0
    while time.monotonic() < deadline:
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            opened += 1
            writer.write(b"POST /api/verify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 80\r\n\r\n")
            while time.monotonic() < deadline:
                writer.write(b"{")
                await writer.drain()
                await asyncio.sleep(5)
        except (ConnectionError, OSError):
            await asyncio.sleep(0.05)
    return opened

async def orderer():
    answered, times, other = 0, [], {}
    while time.monotonic() < deadline:
        started = time.monotonic()
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection("127.0.0.1", port, local_addr=("127.0.0.2", 0)), 5)
            writer.write(REQUEST)
            answer = await asyncio.wait_for(reader.read(), 5)
            status = answer.split(b" ", 2)[1].decode() if answer.startswith(b"HTTP/1.1 ") else "closed"
        except (asyncio.TimeoutError, ConnectionError, OSError):
            status = "timeout/closed"
        if status == "200":
            answered += 1
            times.append((time.monotonic() - started) * 1000)
        else:
            other[status] = other.get(status, 0) + 1
        await asyncio.sleep(max(0, 0.5 - (time.monotonic() - started)))
    return answered, times, other

async def main():
    clients = [asyncio.create_task(slow_client()) for _ in range(slow)]
    await asyncio.sleep(2)  # the slots are taken first
    answered, times, other = await orderer()
    opened = sum(await asyncio.gather(*clients))
    total = answered + sum(other.values())
    p50 = f"{statistics.median(times):.1f} ms" if times else "-"
    worst = f"{max(times):.1f} ms" if times else "-"
    print(f"correct look-ups answered: {answered} of {total} ({100 * answered / max(total, 1):.0f} %), "
          f"p50 {p50}, max {worst}; other answers {other}")
    print(f"slow connections opened: {opened} (from {slow} clients)")

asyncio.run(main())
PY
printf 'warning lines logged: %s (%s KiB of log)\n' "$(grep -c WARN "$scripts/server.log" || true)" "$(( $(wc -c <"$scripts/server.log") / 1024 ))"
echo "(${seconds} s, ${slow} slow connections, on $(nproc) cores)"
