#!/usr/bin/env python3
"""Build time of the generator for N synthetic orderers (copies of 佐伯市's file), against Debian's `hugo` building
the same number of pages from comparable Markdown and templates in the same run.

Usage: python3 bench/generator.py [N ...]   (default: 2 100 1000 5000)
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GENERATOR = os.path.join(ROOT, "target/release/generator")
PREFECTURES = ["北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県", "群馬県",
               "埼玉県", "千葉県", "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県",
               "岐阜県", "静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府", "兵庫県", "奈良県", "和歌山県",
               "鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県", "香川県", "愛媛県", "高知県", "福岡県",
               "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県"]


def code(prefecture, city):
    digits = [int(c) for c in f"{prefecture:02d}{city:03d}"]
    check = (11 - sum(d * w for d, w in zip(digits, [6, 5, 4, 3, 2])) % 11) % 10
    return f"{prefecture:02d}{city:03d}{check}"


def make_content(directory, n):
    shutil.copytree(os.path.join(ROOT, "content"), os.path.join(directory, "content"))
    municipalities = os.path.join(directory, "content/municipalities")
    seed = open(os.path.join(municipalities, "saiki-shi.yaml"), encoding="utf-8").read()
    for name in os.listdir(municipalities):
        os.remove(os.path.join(municipalities, name))
    for i in range(n):
        prefecture, city = i % 47 + 1, 100 + i // 47
        text = (seed.replace("name: 佐伯市", f"name: 試験市{i}")
                    .replace("prefecture: 大分県", f"prefecture: {PREFECTURES[prefecture - 1]}")
                    .replace('code: "442054"', f'code: "{code(prefecture, city)}"'))
        with open(os.path.join(municipalities, f"m{i:05d}.yaml"), "w", encoding="utf-8") as f:
            f.write(text)


def make_hugo_site(directory, n):
    """The same number of pages with the shared text as Markdown and a similar layout."""
    site = os.path.join(directory, "hugo")
    os.makedirs(os.path.join(site, "content/m"))
    os.makedirs(os.path.join(site, "layouts/_default"))
    shared = "\n\n".join(open(os.path.join(ROOT, "content/sections", f), encoding="utf-8").read()
                         for f in sorted(os.listdir(os.path.join(ROOT, "content/sections"))))
    shared = shared.replace("{%", "").replace("%}", "").replace("{{", "").replace("}}", "")
    with open(os.path.join(site, "config.toml"), "w") as f:
        f.write('baseURL = "https://example.jp/"\nlanguageCode = "ja"\ndisableKinds = ["taxonomy", "term", "RSS"]\n')
    with open(os.path.join(site, "layouts/_default/single.html"), "w") as f:
        f.write('<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8"><title>{{ .Title }}</title>'
                '<link rel="stylesheet" href="/style.css"></head><body><main><h1>{{ .Title }}</h1>'
                '<p>{{ .Params.start }}より {{ .Params.prefecture }}{{ .Title }} で運用開始</p>'
                '<ul>{{ range .Params.kinds }}<li>{{ . }}</li>{{ end }}</ul>{{ .Content }}</main></body></html>')
    with open(os.path.join(site, "layouts/_default/list.html"), "w") as f:
        f.write('<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8"><title>一覧</title></head><body><ul>'
                '{{ range .Site.RegularPages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul></body></html>')
    for i in range(n):
        with open(os.path.join(site, f"content/m/m{i:05d}.md"), "w", encoding="utf-8") as f:
            f.write(f'---\ntitle: "試験市{i}"\nprefecture: "{PREFECTURES[i % 47]}"\nstart: "令和6年(2024年)12月1日"\n'
                    f'kinds: ["契約保証", "前払金保証", "中間前払金保証"]\n---\n\n{shared}\n')
    return site


def timed(command, runs=3):
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main():
    sizes = [int(a) for a in sys.argv[1:]] or [10, 100, 1000, 5000]
    subprocess.run(["cargo", "build", "--release", "--quiet", "-p", "generator"], cwd=ROOT, check=True)
    hugo = shutil.which("hugo")
    print(f"{'pages':>6} {'generator':>11} {'hugo':>9} {'ratio':>7} {'ms/page':>8}")
    for n in sizes:
        with tempfile.TemporaryDirectory() as directory:
            make_content(directory, n)
            ours = timed([GENERATOR, "build", "--content", os.path.join(directory, "content"),
                          "--templates", os.path.join(ROOT, "templates"), "--out", os.path.join(directory, "public"),
                          "--date", "2026-11-23"])
            if hugo:
                site = make_hugo_site(directory, n)
                theirs = timed([hugo, "--quiet", "-s", site, "-d", os.path.join(directory, "hugo-out")])
                print(f"{n:>6} {ours * 1000:>9.1f}ms {theirs * 1000:>7.1f}ms {theirs / ours:>6.2f}x {ours * 1000 / n:>8.2f}")
            else:
                print(f"{n:>6} {ours * 1000:>9.1f}ms {'(no hugo: apt-get install hugo)':>9}")
    print("ratio = hugo time / generator time (above 1: the generator is faster); median of 3 runs,"
          f" {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
