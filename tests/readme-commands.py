#!/usr/bin/env python3
"""Runs every shell command of README.md and of the guides it sends readers to, as written, in
order (README first, then GUIDES), in this checkout: the promise is that each one works on a
fresh clone after the README's first commands.

Commands that serve (`… serve …`, or a line ending in `&`) are started in the background and
waited for on their port; a later server on the same port replaces the earlier one. A few
commands are checked for what they must print. Benchmarks, reports and the full test run (which
calls this script) are listed as skipped, with the reason. At the end the tracked files must be
exactly as they were: no README command may change the repository.

docs/operations.md is not run: its commands deploy to and change a real AWS account.

Usage: python3 tests/readme-commands.py [FILE ...]   (default: README.md and GUIDES)
"""
import os
import re
import shlex
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

GUIDES = ["docs/api.md", "docs/verify-site.md", "docs/development.md", "docs/fields.md"]

SKIP = [
    (r"^bash tests/run-all\.sh", "the full test run, which runs this script"),
    (r"^bash \.ci/run", "CI itself: installs prerequisites, then the full test run, which runs this script"),
    (r"^(bash|python3) bench/", "a benchmark: minutes of load, a report rather than a test"),
    (r"^bash tests/lighthouse\.sh", "a report rather than a test"),
    (r"^cargo build --profile dist", "the deployed artefact: minutes of whole-program LTO over the code "
                                    "the build above already compiles"),
]

# What a command must print (stdout and stderr together), beyond exiting with 0.
EXPECT = [
    (r"^curl .*/api/verify", '"status":"verified"'),
    (r"generator( --)? build$", "発注者"),
    (r"generator( --)? check$", "問題はありません"),
    (r"--certificates \S+ issue ", "W2026-050201\t"),
    (r"set-status W2026-050201 解約", "W2026-050201 の状態を 解約"),
    (r"history W2026-050201", "件"),
    (r"--store dynamodb import ", "W2026-050201\t"),
]


def commands(readme):
    """Each command of each ```sh block, continuation lines joined, comments dropped."""
    blocks = re.findall(r"^```sh\n(.*?)^```", readme, flags=re.S | re.M)
    for block in blocks:
        pending = ""
        for line in block.splitlines():
            line = re.sub(r"\s+#\s.*$", "", line).rstrip()
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            if line.endswith("\\"):
                pending += line[:-1].rstrip() + " "
                continue
            yield (pending + line.strip()).strip()
            pending = ""


def port_of(command):
    match = re.search(r"(?:-p|--addr\s+\S*:)\s*(\d+)", command)
    return int(match.group(1)) if match else 8787


def script(readme):
    lines = [
        "set -euo pipefail",
        'declare -A servers=()',
        'cleanup() { for pid in "${servers[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done; }',
        "trap cleanup EXIT",
        "step() {  # step COMMAND EXPECTED",
        '  echo "\\$ $1"',
        # eval in this shell, not in $(…): an `export` must reach the commands after it.
        '  if ! eval "$1" > target/readme-step.log 2>&1; then cat target/readme-step.log; echo "FAILED: $1" >&2; exit 1; fi',
        '  out=$(cat target/readme-step.log)',
        '  echo "$out" | tail -n 3',
        '  if [ -n "$2" ] && [[ "$out" != *"$2"* ]]; then echo "FAILED: expected «$2» in the output of: $1" >&2; exit 1; fi',
        "}",
        "background() {  # background COMMAND PORT",
        '  echo "\\$ $1   (in the background)"',
        '  if [ -n "${servers[$2]:-}" ]; then kill "${servers[$2]}" 2>/dev/null || true; wait "${servers[$2]}" 2>/dev/null || true; fi',
        # exec: the recorded pid is the server itself, so that it can be stopped.
        '  (eval "exec ${1%&}") > "target/readme-server-$2.log" 2>&1 &',
        '  servers[$2]=$!',
        "  for _ in $(seq 1 1500); do",
        '    (exec 3<>"/dev/tcp/127.0.0.1/$2") 2>/dev/null && return 0',
        '    kill -0 "${servers[$2]}" 2>/dev/null || { cat "target/readme-server-$2.log"; echo "FAILED: $1 exited" >&2; exit 1; }',
        "    sleep 0.2",
        "  done",
        '  echo "FAILED: nothing listens on port $2 after 300 s (a first cargo run may compile): $1" >&2; exit 1',
        "}",
        "mkdir -p target",
    ]
    ran, skipped = 0, []
    for command in commands(readme):
        reason = next((why for pattern, why in SKIP if re.search(pattern, command)), None)
        if reason:
            skipped.append((command, reason))
            continue
        ran += 1
        if command.endswith("&") or re.search(r"\bserve\b", command):
            lines.append(f"background {shlex.quote(command)} {port_of(command)}")
        else:
            expected = next((text for pattern, text in EXPECT if re.search(pattern, command)), "")
            lines.append(f"step {shlex.quote(command)} {shlex.quote(expected)}")
    return "\n".join(lines) + "\n", ran, skipped


def tracked_state():
    return subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                          capture_output=True, text=True, check=True).stdout


def main():
    paths = sys.argv[1:] or [os.path.join(ROOT, name) for name in ["README.md", *GUIDES]]
    blocks = []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            blocks.append(f.read())
    text, ran, skipped = script("\n".join(blocks))
    before = tracked_state()
    result = subprocess.run(["bash", "-c", text], cwd=ROOT)
    for command, reason in skipped:
        print(f"skipped: {command}  ({reason})")
    if result.returncode != 0:
        print(f"README commands: FAILED (exit {result.returncode})", file=sys.stderr)
        return 1
    after = tracked_state()
    if after != before:
        print("README commands changed tracked files:\n" + after, file=sys.stderr)
        return 1
    print(f"readme and guides ({', '.join(os.path.relpath(p, ROOT) for p in paths)}): "
          f"{ran} passed, 0 failed, {len(skipped)} skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
