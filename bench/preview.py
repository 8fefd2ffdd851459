#!/usr/bin/env python3
"""Save-to-reload of the live preview (`generator serve`), against a rebuild with `generator build`.

For each size, the synthetic site of bench/generator.py (N copies of 佐伯市's file in the frozen
fixture site, spread over the 47 prefectures) is served by `generator serve` (release build).
A client of the preview's event stream (/__preview/events, as a browser's live-reload script
listens to it) stays connected. Each run toggles a phone number in one orderer's file and
measures, from the moment before the file is written:
  page  — until the `reload` event naming that orderer's page (the browser showing it reloads);
  lists — until the `reload` event naming the index, feed, sitemap and open data.
After each run the page is fetched and must show the new number. The peer is what an editor had
before `serve`: `generator build` of the same site after the same edit (incremental: the output
of the previous build is there), timed from the same moment to its exit.

Goals (issue 22): page < 50 ms at 1,741 orderers, < 150 ms at 17,410.

Usage: python3 bench/preview.py [--sizes 1741 17410] [--runs 20] [--build-runs 3]
"""
import argparse
import http.client
import importlib.util
import json
import os
import queue
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GENERATOR = os.path.join(ROOT, "target/release/generator")
DATE = "2026-11-23"

spec = importlib.util.spec_from_file_location("generator_bench", os.path.join(ROOT, "bench/generator.py"))
synthetic = importlib.util.module_from_spec(spec)
spec.loader.exec_module(synthetic)
EDITED, PHONES = synthetic.EDITED, synthetic.PHONES
EDITED_PAGE = "/" + EDITED.removesuffix(".yaml") + "/"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class EventClient(threading.Thread):
    """Reads the preview's event stream; every event is queued with the time it arrived."""

    def __init__(self, port):
        super().__init__(daemon=True)
        self.events = queue.Queue()
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        self.connection.request("GET", "/__preview/events?path=" + EDITED_PAGE)
        self.response = self.connection.getresponse()
        assert self.response.status == 200, self.response.status

    def run(self):
        name, data = None, []
        while True:
            line = self.response.fp.readline()
            if not line:
                return
            line = line.decode("utf-8").rstrip("\n")
            if line.startswith("event:"):
                name = line[6:].strip()
            elif line.startswith("data:"):
                data.append(line[5:].strip())
            elif line == "":
                if name:
                    self.events.put((time.perf_counter(), name, "\n".join(data)))
                name, data = None, []

    def wait_for(self, wanted, deadline=300):
        """The arrival time of the first `reload` event naming `wanted`."""
        end = time.monotonic() + deadline
        while True:
            arrived, name, data = self.events.get(timeout=max(0.1, end - time.monotonic()))
            if name == "error-report":
                raise RuntimeError("the preview reported errors:\n" + json.loads(data))
            if name == "reload" and wanted in json.loads(data):
                return arrived


def toggle(path, _run):
    """The file with its phone number switched to the other one, and the new number."""
    text = open(path, encoding="utf-8").read()
    old, new = (PHONES[0], PHONES[1]) if PHONES[0] in text else (PHONES[1], PHONES[0])
    assert old in text, f"{old} not in {path}"
    return text.replace(old, new), new


def get(port, path):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", path)
    response = connection.getresponse()
    return response.status, response.read().decode("utf-8")


def measure_serve(directory, runs):
    port = free_port()
    log = open(os.path.join(directory, "serve.log"), "w")
    started = time.perf_counter()
    server = subprocess.Popen(
        [GENERATOR, "serve", "--port", str(port), "--date", DATE,
         "--certificates", os.path.join(ROOT, "verifier/demo/certificates.yaml")],
        cwd=directory, stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(6000):
            try:
                if get(port, "/")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("serve did not start")
        startup = time.perf_counter() - started
        rss = rss_mib(server.pid)
        client = EventClient(port)
        client.start()
        time.sleep(0.5)
        edited = os.path.join(directory, "content/municipalities", EDITED)
        pages, lists = [], []
        for run in range(runs):
            text, phone = toggle(edited, run)
            before = time.perf_counter()
            with open(edited, "w", encoding="utf-8") as f:
                f.write(text)
            page_at = client.wait_for(EDITED_PAGE)
            lists_at = client.wait_for("/")
            pages.append((page_at - before) * 1000)
            lists.append((lists_at - before) * 1000)
            status, body = get(port, EDITED_PAGE)
            assert status == 200 and phone in body, f"the page does not show {phone}"
            time.sleep(0.3)
        return startup, rss, pages, lists
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def measure_build(directory, runs):
    """`generator build` after the same edit, timed to its exit (the previous output kept)."""
    out = os.path.join(directory, "public")
    command = [GENERATOR, "build", "--date", DATE, "--out", out]
    subprocess.run(command, cwd=directory, check=True, stdout=subprocess.DEVNULL)
    edited = os.path.join(directory, "content/municipalities", EDITED)
    times = []
    for run in range(runs):
        text, _ = toggle(edited, run + 1)
        before = time.perf_counter()
        with open(edited, "w", encoding="utf-8") as f:
            f.write(text)
        subprocess.run(command, cwd=directory, check=True, stdout=subprocess.DEVNULL)
        times.append((time.perf_counter() - before) * 1000)
    return times


def rss_mib(pid):
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def spread(samples):
    return f"{statistics.median(samples):8.1f} ({min(samples):.1f}–{max(samples):.1f})"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1741, 17410])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--build-runs", type=int, default=3)
    args = parser.parse_args()
    if not os.path.exists(GENERATOR):
        sys.exit("build it first: cargo build --release -p generator")
    goals = {1741: 50, 17410: 150}
    print(f"{os.cpu_count()} cores; {args.runs} saves per size; times in ms from the write, median (min–max)")
    for n in args.sizes:
        with tempfile.TemporaryDirectory(dir="/dev/shm" if os.path.isdir("/dev/shm") else None) as directory:
            synthetic.make_content(directory, n)
            shutil.copytree(os.path.join(ROOT, "templates"), os.path.join(directory, "templates"))
            startup, rss, pages, lists = measure_serve(directory, args.runs)
            goal = goals.get(n)
            verdict = "" if goal is None else (" goal < %d ms: %s" % (goal, "met" if statistics.median(pages) < goal else "NOT met"))
            print(f"{n:>6} orderers: serve start {startup:.1f} s, RSS {rss:.0f} MiB")
            print(f"        save → page reload   {spread(pages)}{verdict}")
            print(f"        save → lists reload  {spread(lists)}")
            sys.stdout.flush()
            builds = measure_build(directory, args.build_runs)
            print(f"        save → build exit    {spread(builds)}  (generator build, the peer)")
            print(f"        ratio build / page   {statistics.median(builds) / statistics.median(pages):8.1f}×")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
