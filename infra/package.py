#!/usr/bin/env python3
"""Builds what a deployment uploads, reproducibly: the Lambda zip (bootstrap from the `dist`
profile), the guidance site (site/) and the verify site (site-verify/, for its own bucket and
host name), with SHA256SUMS. The same commit, date and toolchain give the same bytes:
paths are remapped out of the binary, the zip's entries have fixed times and modes, and the site
is built for a given date.

Usage: python3 infra/package.py --date YYYY-MM-DD [--out target/package] [--site-only]
Prints the architecture to give the template's `Architecture` parameter.
"""
import argparse
import hashlib
import os
import platform
import shutil
import subprocess
import sys
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def run(command, env=None):
    print("$ " + " ".join(command), file=sys.stderr)
    subprocess.run(command, cwd=ROOT, check=True, env=env)


def lambda_zip(out):
    env = dict(os.environ)
    home = os.path.expanduser("~")
    env["RUSTFLAGS"] = (env.get("RUSTFLAGS", "") + f" --remap-path-prefix={ROOT}=/build"
                        f" --remap-path-prefix={home}/.cargo=/cargo").strip()
    run(["cargo", "build", "--locked", "--profile", "dist", "-p", "verifier", "--bin", "verifier-lambda"], env)
    binary = os.path.join(ROOT, "target/dist/verifier-lambda")
    path = os.path.join(out, "verifier-lambda.zip")
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        entry = zipfile.ZipInfo("bootstrap", date_time=ZIP_TIME)
        entry.external_attr = 0o100755 << 16
        entry.compress_type = zipfile.ZIP_DEFLATED
        with open(binary, "rb") as f:
            archive.writestr(entry, f.read())
    return path


def site(out, date):
    # The deployed site needs no preview: without its verify API (the AWS SDK), as tests/optimised-build.sh tests it.
    run(["cargo", "build", "--locked", "--release", "-p", "generator", "--no-default-features"])
    target = os.path.join(out, "site")
    run([os.path.join(ROOT, "target/release/generator"), "build", "--out", target, "--date", date])
    # The generator writes the verify site beside the guidance site.
    return [target, target + "-verify"]


def checksums(out, paths):
    lines = []
    for path in paths:
        files = [path] if os.path.isfile(path) else sorted(
            os.path.join(d, f) for d, _, names in os.walk(path) for f in names)
        for file in sorted(files):
            with open(file, "rb") as f:
                lines.append(f"{hashlib.sha256(f.read()).hexdigest()}  {os.path.relpath(file, out)}")
    with open(os.path.join(out, "SHA256SUMS"), "w") as f:
        f.write("\n".join(lines) + "\n")
    return len(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--date", required=True, help="the site's build date (YYYY-MM-DD, Japan)")
    parser.add_argument("--out", default=os.path.join(ROOT, "target/package"))
    parser.add_argument("--site-only", action="store_true", help="skip the Lambda build")
    args = parser.parse_args()
    out = os.path.abspath(args.out)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    built = [] if args.site_only else [lambda_zip(out)]
    built.extend(site(out, args.date))
    count = checksums(out, built)
    machine = {"x86_64": "x86_64", "amd64": "x86_64", "aarch64": "arm64", "arm64": "arm64"}.get(platform.machine().lower(), platform.machine())
    print(f"{out}: {count} files in SHA256SUMS; Architecture={machine}")


if __name__ == "__main__":
    main()
