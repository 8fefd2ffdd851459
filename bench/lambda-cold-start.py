#!/usr/bin/env python3
"""Start-to-first-response of the release `verifier-lambda`, through a local stand-in of the
Lambda Runtime API and a real DynamoDB-compatible server (moto_server), both on 127.0.0.1.

For each of N cold starts: spawn the binary, serve it one API Gateway v2 verify event, time the
moment it asks for work (init done, DynamoDB warmed) and the moment it answers; then a second
event on the same process (warm) as the peer. Prints medians and the cold/warm ratio.
Usage: python3 bench/lambda-cold-start.py [runs, default 5]
"""
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.path.join(ROOT, "target/dist/verifier-lambda")
CLI = os.path.join(ROOT, "target/dist/verifier")
PEPPER = "bench1=benchmark-pepper-0123456789abcdef0123456789"
CALLER_KEY = "benchmark-caller-key-0123456789abcdef0123456789"
ORIGIN_SECRET = "benchmark-origin-secret-0123456789"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def event(number, key):
    body = json.dumps({"certificate_number": number, "auth_key": key})
    return {
        "version": "2.0", "routeKey": "ANY /api/{proxy+}", "rawPath": "/api/verify", "rawQueryString": "",
        "headers": {"content-type": "application/json", "host": "example.execute-api.ap-northeast-1.amazonaws.com",
                    "x-forwarded-for": "203.0.113.10", "x-origin-verify": ORIGIN_SECRET,
                    "cloudfront-viewer-address": "203.0.113.10:40000"},
        "requestContext": {"accountId": "123456789012", "apiId": "example", "domainName": "example",
                           "domainPrefix": "example", "requestId": "bench", "routeKey": "ANY /api/{proxy+}",
                           "stage": "$default", "time": "23/Nov/2026:12:00:00 +0000", "timeEpoch": 1795435200000,
                           "http": {"method": "POST", "path": "/api/verify", "protocol": "HTTP/1.1",
                                    "sourceIp": "203.0.113.10", "userAgent": "bench"}},
        "body": body, "isBase64Encoded": False,
    }


class Runtime:
    """Hands out queued events and records when the function asked and answered."""

    def __init__(self, events):
        self.events = list(events)
        self.marks = []
        self.responses = []
        self.done = threading.Event()
        runtime = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                runtime.marks.append(("next", time.perf_counter()))
                if not runtime.events:
                    runtime.done.set()
                    time.sleep(30)
                    return
                payload = json.dumps(runtime.events.pop(0)).encode()
                self.send_response(200)
                self.send_header("Lambda-Runtime-Aws-Request-Id", f"req-{len(runtime.marks)}")
                self.send_header("Lambda-Runtime-Deadline-Ms", str(int(time.time() * 1000) + 10_000))
                self.send_header("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:ap-northeast-1:123456789012:function:bench")
                self.send_header("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length)
                runtime.marks.append(("response", time.perf_counter()))
                runtime.responses.append((self.path, body))
                self.send_response(202)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def address(self):
        return f"127.0.0.1:{self.server.server_address[1]}"


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    subprocess.run(["cargo", "build", "--profile", "dist", "--quiet", "-p", "verifier", "--bin", "verifier", "--bin", "verifier-lambda"],
                   cwd=ROOT, check=True)
    moto_port = free_port()
    moto = subprocess.Popen(["moto_server", "-H", "127.0.0.1", "-p", str(moto_port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", moto_port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        env = dict(os.environ, AWS_ENDPOINT_URL=f"http://127.0.0.1:{moto_port}", AWS_REGION="ap-northeast-1",
                   AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test", VERIFIER_TABLE="bench", RUST_LOG="warn")
        secret = {"peppers": PEPPER, "caller_key": CALLER_KEY, "origin_secret": ORIGIN_SECRET}
        # The admin CLI reads the pepper from an owner-only file (never from its environment).
        secret_file = os.path.join(ROOT, "target", "bench-secret.json")
        with open(os.open(secret_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
            json.dump(secret, f)
        os.chmod(secret_file, 0o600)
        subprocess.run([CLI, "--store", "dynamodb", "create-table"], env=env, check=True, capture_output=True)
        out = subprocess.run([CLI, "--store", "dynamodb", "--secret-file", secret_file, "import",
                              os.path.join(ROOT, "verifier/demo/issue-example.yaml")],
                             env=env, check=True, capture_output=True, text=True).stdout
        number, key = [line.split("\t") for line in out.splitlines() if "\t" in line][0]
        # The function reads its pepper from Secrets Manager at init, as deployed: never from its environment.
        import boto3
        secrets = boto3.client("secretsmanager", endpoint_url=env["AWS_ENDPOINT_URL"], region_name="ap-northeast-1",
                               aws_access_key_id="test", aws_secret_access_key="test")
        arn = secrets.create_secret(Name="bench", SecretString=json.dumps(secret))["ARN"]
        function_env = dict(env)
        function_env["VERIFIER_SECRET_ARN"] = arn
        init, first, warm = [], [], []
        for _ in range(runs):
            runtime = Runtime([event(number, key), event(number, key)])
            lambda_env = dict(function_env, AWS_LAMBDA_RUNTIME_API=runtime.address, AWS_LAMBDA_FUNCTION_NAME="bench",
                              AWS_LAMBDA_FUNCTION_MEMORY_SIZE="256", AWS_LAMBDA_FUNCTION_VERSION="$LATEST")
            start = time.perf_counter()
            proc = subprocess.Popen([BINARY], env=lambda_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            runtime.done.wait(20)
            proc.kill()
            proc.wait()
            runtime.server.shutdown()
            marks = runtime.marks
            assert [m[0] for m in marks[:4]] == ["next", "response", "next", "response"], marks
            for path, body in runtime.responses:
                assert json.loads(body)["statusCode"] == 200, body
            init.append((marks[0][1] - start) * 1000)
            first.append((marks[1][1] - start) * 1000)
            warm.append((marks[3][1] - marks[2][1]) * 1000)
        size = os.path.getsize(BINARY)
        print(f"verifier-lambda (dist profile: LTO, stripped): {size / 1_000_000:.1f} MB")
        print(f"cold start, median of {runs}: init {statistics.median(init):.1f} ms, "
              f"start-to-first-response {statistics.median(first):.1f} ms")
        print(f"warm invocation (peer), median: {statistics.median(warm):.2f} ms; "
              f"cold/warm ratio {statistics.median(first) / statistics.median(warm):.0f}x")
    finally:
        moto.kill()


if __name__ == "__main__":
    main()
