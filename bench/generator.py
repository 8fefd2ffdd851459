#!/usr/bin/env python3
"""The generator against Hugo (Debian's `hugo`), building the same site, in one run.

Both build N orderer pages (copies of 佐伯市's file in the frozen fixture site, renamed and
spread over the 47 prefectures), an index grouped by prefecture, a feed, a sitemap and open data. Hugo's pages
carry the same text: each one is our page's <main> turned back into Markdown (headings,
paragraphs, lists, tables, every section and Q&A) with the diagram and QR code as raw HTML,
inside a layout with the same head, header and footer. What Hugo does not do is our build-time
line breaking (BudouX), which the generator pays for.

Measured, alternating the two tools run by run, median and spread (min–max) of wall time,
CPU time and peak RSS:
  full    — into an empty output directory (removed before each run, untimed);
  no-op   — again, with nothing changed (Hugo re-renders everything: it has no cache here);
  edit    — after one orderer's file changed (a phone number toggled between two values).
Each on the disk the repository lives on and on tmpfs (/dev/shm). A full build also removes the
site the generator keeps beside its output for the next build (`.public.spare`). A last row,
floor, times creating the generator's output tree alone — the same directories, the same file
sizes, by one thread, right after removing the previous copy as for a full build, in a top
directory as the generator makes it — and its ratio is the most any tool writing that tree
could reach against Hugo's full build.

Usage: python3 bench/generator.py [--sizes 1741 17410] [--runs 5] [--where disk tmpfs]
"""
import argparse
import html
import html.parser
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GENERATOR = os.path.join(ROOT, "target/release/generator")
FIXTURE = os.path.join(ROOT, "generator/tests/testsuite/fixtures/sites/real-2026-11")
DATE = "2026-11-23"
PREFECTURES = ["北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県", "群馬県",
               "埼玉県", "千葉県", "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県",
               "岐阜県", "静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府", "兵庫県", "奈良県", "和歌山県",
               "鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県", "香川県", "愛媛県", "高知県", "福岡県",
               "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県"]
EDITED = "m00007.yaml"
PHONES = ("0972-22-3100", "0972-22-3101")


def code(prefecture, city):
    digits = [int(c) for c in f"{prefecture:02d}{city:03d}"]
    check = (11 - sum(d * w for d, w in zip(digits, [6, 5, 4, 3, 2])) % 11) % 10
    return f"{prefecture:02d}{city:03d}{check}"


def make_content(directory, n):
    """`content/` with n orderers; the one edited later carries a contact phone. Made from the
    frozen fixture site, so that figures stay comparable whatever content/ says today."""
    shutil.copytree(FIXTURE, os.path.join(directory, "content"))
    municipalities = os.path.join(directory, "content/municipalities")
    seed = open(os.path.join(municipalities, "saiki-shi.yaml"), encoding="utf-8").read()
    for name in os.listdir(municipalities):
        os.remove(os.path.join(municipalities, name))
    for i in range(n):
        prefecture, city = i % 47 + 1, 100 + i // 47
        # A 一部事務組合 keeps the code it is given: a 市町村 must be a real body of the national
        # code list, which has fewer bodies than the largest sites measured here.
        text = (seed.replace("name: 佐伯市", f"name: 試験組合{i}")
                    .replace("kind: 市町村", "kind: 一部事務組合・広域連合")
                    .replace("prefecture: 大分県", f"prefecture: {PREFECTURES[prefecture - 1]}")
                    .replace('code: "442054"', f'code: "{code(prefecture, city)}"'))
        name = f"m{i:05d}.yaml"
        if name == EDITED:
            text = text.replace("        name: 契約検査課契約係\n",
                                f"        name: 契約検査課契約係\n        phone: {PHONES[0]}\n", 1)
        with open(os.path.join(municipalities, name), "w", encoding="utf-8") as f:
            f.write(text)


class MainToMarkdown(html.parser.HTMLParser):
    """Our page's <main> as Markdown: the same text, for Hugo to render. SVG and script stay raw
    HTML; our <wbr> and no-wrap spans (build-time line breaking) are dropped."""

    BLOCKS = {"p": "", "h1": "# ", "h2": "## ", "h3": "### ", "h4": "#### ", "li": "- ", "dt": "", "dd": ": ",
              "summary": "**", "figcaption": "", "caption": ""}

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.out, self.line, self.raw, self.raw_tag, self.depth = [], [], [], None, 0
        self.in_main = False
        self.row = None

    def flush(self):
        text = re.sub(r"\s+", " ", "".join(self.line)).strip()
        if text:
            self.out.append(text)
        self.line = []

    def handle_starttag(self, tag, attrs):
        if tag == "main":
            self.in_main = True
            return
        if not self.in_main:
            return
        if self.raw_tag:
            if tag == self.raw_tag:
                self.depth += 1
            self.raw.append(self.get_starttag_text())
            return
        if tag in ("svg", "script"):
            self.flush()
            self.raw_tag, self.depth, self.raw = tag, 1, [self.get_starttag_text()]
        elif tag == "tr":
            self.flush()
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.line = []
        elif tag in self.BLOCKS:
            self.flush()
            self.line.append(self.BLOCKS[tag])
        elif tag == "a":
            self.line.append("[")
            self.href = dict(attrs).get("href", "")
        elif tag == "br":
            self.line.append("  \n")

    def handle_endtag(self, tag):
        if tag == "main":
            self.flush()
            self.in_main = False
            return
        if not self.in_main:
            return
        if self.raw_tag:
            self.raw.append(f"</{tag}>")
            if tag == self.raw_tag:
                self.depth -= 1
                if self.depth == 0:
                    self.out.append("".join(self.raw).replace("\n", " "))
                    self.raw_tag = None
            return
        if tag in ("td", "th") and self.row is not None:
            self.row.append(re.sub(r"\s+", " ", "".join(self.line)).strip().replace("|", "\\|"))
            self.line = []
        elif tag == "tr" and self.row is not None:
            first = not self.out or not self.out[-1].startswith("|")
            self.out.append("| " + " | ".join(self.row) + " |")
            if first:
                self.out.append("|" + "---|" * len(self.row))
            self.row = None
        elif tag == "table":
            self.out.append("")
        elif tag == "summary":
            self.line.append("**")
            self.flush()
        elif tag in self.BLOCKS:
            self.flush()
        elif tag == "a":
            self.line.append(f"]({self.href})")

    def handle_startendtag(self, tag, attrs):
        if self.raw_tag:
            self.raw.append(self.get_starttag_text())
        elif self.in_main and tag == "br":
            self.line.append("  \n")

    def handle_data(self, data):
        if self.raw_tag:
            self.raw.append(data)
        elif self.in_main:
            self.line.append(data)

    def handle_entityref(self, name):
        self.handle_data(f"&{name};")

    def handle_charref(self, name):
        self.handle_data(f"&#{name};")

    def markdown(self):
        return "\n\n".join(self.out) + "\n"


HUGO_BASE = """<!DOCTYPE html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ block "title" . }}{{ .Title }}｜電子保証のご案内{{ end }}</title>
<meta name="description" content="{{ .Params.description }}">
<link rel="canonical" href="{{ .Permalink }}">
<link rel="stylesheet" href="{{ "style.css" | relURL }}">
<link rel="alternate" type="application/rss+xml" href="{{ "index.xml" | absURL }}">
</head>
<body>
<a class="skip" href="#main">本文へ移動</a>
<header class="site-header"><p class="site-name"><a href="{{ "" | relURL }}">電子保証のご案内</a></p>
<nav aria-label="サイト内"><ul><li><a href="{{ "" | relURL }}">発注者の一覧</a></li><li><a href="{{ "verify/" | relURL }}">電子証書の確認</a></li></ul></nav></header>
<main id="main">
{{ block "main" . }}{{ end }}
</main>
<footer class="site-footer"><p>{{ block "footer" . }}掲載内容は{{ now.Format "2006年1月2日" }}現在のものです。{{ end }}</p>
<p>お問い合わせ：西日本建設業保証株式会社 https://www.wjcs.net/</p></footer>
</body>
</html>
"""

HUGO_SINGLE = """{{ define "main" }}
<p class="status">{{ .Params.prefecture }} {{ .Title }}：{{ .Params.start }}から電子保証の運用を開始</p>
{{ .Content }}
{{ end }}
{{ define "footer" }}{{ .Title }}の取扱いは、{{ range $i, $s := .Params.sources }}{{ if $i }}、{{ end }}{{ $s }}{{ end }}に基づき、{{ .Params.confirmed }}に確認した内容です。{{ end }}
"""

HUGO_LIST = """{{ define "main" }}
<h1>電子保証をご利用いただける発注者の一覧</h1>
<p class="meta">{{ len .Site.RegularPages }}団体</p>
{{ range $i, $group := .Site.RegularPages.GroupByParam "prefecture" }}
<section aria-labelledby="pref-{{ $i }}"><h2 id="pref-{{ $i }}">{{ $group.Key }}</h2>
<table class="list"><thead><tr><th scope="col">団体名</th><th scope="col">運用開始日</th><th scope="col">状況</th></tr></thead><tbody>
{{ range $group.Pages }}<tr><th scope="row"><a href="{{ .RelPermalink }}">{{ .Title }}</a></th><td><time datetime="{{ .Params.start_iso }}">{{ .Params.start }}</time></td><td><span class="status">{{ if .Params.started }}運用中{{ else }}運用開始予定{{ end }}</span></td></tr>
{{ end }}</tbody></table></section>
{{ end }}
{{ end }}
"""

HUGO_JSON = """[{{ range $i, $p := .Site.RegularPages }}{{ if $i }},
{{ end }}{{ dict "name" $p.Title "prefecture" $p.Params.prefecture "start_date" $p.Params.start_iso "started" $p.Params.started "kinds" $p.Params.kinds "sources" $p.Params.sources "confirmed" $p.Params.confirmed "url" $p.Permalink | jsonify (dict "indent" "  ") }}{{ end }}]
"""


def make_hugo_site(directory, our_site):
    """A Hugo site with our pages' text, one Markdown file per orderer page."""
    site = os.path.join(directory, "hugo")
    for d in ("content", "layouts/_default", "static"):
        os.makedirs(os.path.join(site, d))
    with open(os.path.join(site, "config.toml"), "w", encoding="utf-8") as f:
        f.write('baseURL = "https://example.jp/denshi-hosho/"\nlanguageCode = "ja"\ntitle = "電子保証のご案内"\n'
                'disableKinds = ["taxonomy", "term"]\n'
                '[outputs]\nhome = ["HTML", "RSS", "JSON"]\npage = ["HTML"]\n'
                '[markup.goldmark.renderer]\nunsafe = true\n')
    layouts = os.path.join(site, "layouts/_default")
    for name, text in (("baseof.html", HUGO_BASE), ("single.html", HUGO_SINGLE), ("list.html", HUGO_LIST),
                       ("index.json", HUGO_JSON)):
        with open(os.path.join(layouts, name), "w", encoding="utf-8") as f:
            f.write(text)
    for asset in ("style.css", "favicon.svg", "verify.js"):
        source = os.path.join(our_site, asset)
        if os.path.exists(source):
            shutil.copy(source, os.path.join(site, "static", asset))
    records = {r["url"].rstrip("/").rsplit("/", 1)[-1]: r for r in load_json(os.path.join(our_site, "municipalities.json"))["orderers"]}
    for slug, record in records.items():
        page = open(os.path.join(our_site, slug, "index.html"), encoding="utf-8").read()
        parser = MainToMarkdown()
        parser.feed(page)
        front = {
            "title": record["full_name"], "prefecture": record["prefecture"], "start": start_text(page),
            "start_iso": record["start_date"], "started": record["started"], "kinds": record["guarantee_kinds"],
            "sources": [s["title"] for s in record["sources"]], "confirmed": record["confirmed"],
            "description": f"{record['full_name']}の電子保証のご案内",
        }
        with open(os.path.join(site, "content", f"{slug}.md"), "w", encoding="utf-8") as f:
            f.write("---\n" + "".join(f"{k}: {yaml_value(v)}\n" for k, v in front.items()) + "---\n\n")
            f.write(parser.markdown())
    return site


def load_json(path):
    import json
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def yaml_value(value):
    import json
    return json.dumps(value, ensure_ascii=False)


def start_text(page):
    found = re.search(r"(令和[^<]*?日)", re.sub(r"<[^>]+>", "", page))
    return found.group(1) if found else ""


def visible_text(path):
    """The Japanese characters of a page's <main>, for the fairness check."""
    page = open(path, encoding="utf-8").read()
    main = page[page.find("<main"):page.find("</main>")]
    main = re.sub(r"<(svg|script)\b.*?</\1>", "", main, flags=re.S)
    return len(re.findall(r"[\u3040-\u30ff\u4e00-\u9fff]", html.unescape(re.sub(r"<[^>]+>", "", main))))


def tree_size(path):
    files = size = 0
    for folder, _, names in os.walk(path):
        for name in names:
            if not name.startswith("."):
                files += 1
                size += os.path.getsize(os.path.join(folder, name))
    return files, size


def run(command):
    """Wall seconds, CPU seconds (user + sys) and peak RSS (MiB) of one command. The peak is read
    by GNU time, which forks the command itself: a child forked from this script would report
    the script's own memory (Linux carries the peak RSS across exec)."""
    timed = ["/usr/bin/time", "-f", "%M"] + command if os.path.exists("/usr/bin/time") else command
    started = time.perf_counter()
    process = subprocess.Popen(timed, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    stderr = process.stderr.read().decode()
    if status != 0:
        sys.exit(f"failed: {' '.join(command)}\n{stderr}")
    last = stderr.strip().splitlines()[-1] if stderr.strip() else ""
    peak_kib = int(last) if timed is not command and last.isdigit() else usage.ru_maxrss
    return wall, usage.ru_utime + usage.ru_stime, peak_kib / 1024


def tree_listing(path):
    """Every directory (size None) and file (its size) under `path`, parents first."""
    listing = []
    for folder, dirs, names in os.walk(path):
        dirs.sort()
        relative = os.path.relpath(folder, path)
        for name in sorted(dirs):
            listing.append((os.path.normpath(os.path.join(relative, name)), None))
        for name in sorted(names):
            listing.append((os.path.normpath(os.path.join(relative, name)), os.path.getsize(os.path.join(folder, name))))
    return listing


def create_tree(listing, target):
    """Wall and CPU seconds to create the directories and files of `listing` under `target`,
    marked a top directory first as the generator marks its staging folder (`chattr +T`: ext4
    then spreads the page folders over its block groups, away from the inodes a removal just
    freed, which ext4 without a journal scans past on every allocation)."""
    block = bytes(1 << 20)
    os.makedirs(target)
    if shutil.which("chattr"):
        subprocess.run(["chattr", "+T", target], stderr=subprocess.DEVNULL)
    started, cpu = time.perf_counter(), os.times()
    for relative, size in listing:
        path = os.path.join(target, relative)
        if size is None:
            os.mkdir(path)
            continue
        with open(path, "wb") as f:
            while size > 0:
                size -= f.write(block[:min(size, len(block))])
    ended = os.times()
    return time.perf_counter() - started, ended.user - cpu.user + ended.system - cpu.system, 0


def summary(samples):
    walls, cpus, rss = zip(*samples)
    return statistics.median(walls), min(walls), max(walls), statistics.median(cpus), max(rss)


def measure(directory, hugo_site, runs):
    content = os.path.join(directory, "content")
    ours_out, hugo_out = os.path.join(directory, "public"), os.path.join(directory, "hugo-public")
    ours_cmd = [GENERATOR, "build", "--content", content, "--templates", os.path.join(ROOT, "templates"),
                "--out", ours_out, "--date", DATE]
    hugo_cmd = ["hugo", "--quiet", "-s", hugo_site, "-d", hugo_out]
    edited = os.path.join(content, "municipalities", EDITED)
    hugo_edited = os.path.join(hugo_site, "content", "m00007.md")
    floor_out = os.path.join(directory, "floor")
    listing = tree_listing(ours_out)
    floor = []
    results = {}
    for kind in ("full", "no-op", "edit"):
        ours, theirs = [], []
        for i in range(runs):
            if kind == "full":
                for output in (ours_out, os.path.join(directory, ".public.spare"), hugo_out):
                    shutil.rmtree(output, ignore_errors=True)
            if kind == "edit":
                old, new = PHONES if i % 2 == 0 else PHONES[::-1]
                for path in (edited, hugo_edited):
                    text = open(path, encoding="utf-8").read()
                    with open(path, "w", encoding="utf-8") as f:
                        f.write(text.replace(old, new))
            subprocess.run(["sync"])
            # Alternate which tool goes first, so neither always meets the other's dirty pages.
            order = [("ours", ours_cmd, ours), ("hugo", hugo_cmd, theirs)]
            for name, command, samples in (order if i % 2 == 0 else order[::-1]):
                samples.append(run(command))
                subprocess.run(["sync"])
            if kind == "full":
                shutil.rmtree(floor_out, ignore_errors=True)
                subprocess.run(["sync"])
                floor.append(create_tree(listing, floor_out))
                subprocess.run(["sync"])
        results[kind] = (summary(ours), summary(theirs))
    shutil.rmtree(floor_out, ignore_errors=True)
    results["floor"] = (summary(floor), results["full"][1])
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1741, 17410])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--where", nargs="+", default=["disk", "tmpfs"], choices=["disk", "tmpfs"])
    args = parser.parse_args()
    if not shutil.which("hugo"):
        sys.exit("hugo is needed: apt-get install hugo")
    # As the deployed site is built: without the preview's verify API (the AWS SDK), which a
    # build never runs.
    subprocess.run(["cargo", "build", "--release", "--quiet", "-p", "generator", "--no-default-features"], cwd=ROOT,
                   check=True)
    places = {"disk": os.path.join(ROOT, "target", "bench-generator"), "tmpfs": "/dev/shm/bench-generator"}
    # The benchmark runs its own copy: a rebuild meanwhile would change the program, and with it
    # every page's fingerprint.
    global GENERATOR
    os.makedirs(places["disk"], exist_ok=True)
    GENERATOR = shutil.copy2(GENERATOR, os.path.join(places["disk"], "generator"))
    hugo_version = subprocess.run(["hugo", "version"], capture_output=True, text=True).stdout.split()[1]
    print(f"generator vs hugo {hugo_version}; {os.cpu_count()} cores; median of {args.runs} alternating runs "
          "(min–max wall); CPU = user + sys; RSS = peak")
    for where in args.where:
        for n in args.sizes:
            directory = os.path.join(places[where], str(n))
            shutil.rmtree(directory, ignore_errors=True)
            os.makedirs(directory)
            make_content(directory, n)
            subprocess.run([GENERATOR, "build", "--content", os.path.join(directory, "content"), "--templates",
                            os.path.join(ROOT, "templates"), "--out", os.path.join(directory, "public"),
                            "--date", DATE], check=True, stdout=subprocess.DEVNULL)
            hugo_site = make_hugo_site(directory, os.path.join(directory, "public"))
            subprocess.run(["hugo", "--quiet", "-s", hugo_site, "-d", os.path.join(directory, "hugo-public")],
                           check=True)
            ours_files, ours_bytes = tree_size(os.path.join(directory, "public"))
            hugo_files, hugo_bytes = tree_size(os.path.join(directory, "hugo-public"))
            sample = "m00001/index.html"
            print(f"\n{where}, {n} orderers — output: generator {ours_files} files {ours_bytes / 2**20:.1f} MiB, "
                  f"hugo {hugo_files} files {hugo_bytes / 2**20:.1f} MiB; Japanese characters in one page's <main>: "
                  f"{visible_text(os.path.join(directory, 'public', sample))} vs "
                  f"{visible_text(os.path.join(directory, 'hugo-public', sample))}")
            print(f"{'':7}{'generator wall':>22} {'CPU':>7} {'RSS':>8}   {'hugo wall':>22} {'CPU':>7} {'RSS':>8}   ratio")
            for kind, (ours, theirs) in measure(directory, hugo_site, args.runs).items():
                def cells(m):
                    return f"{m[0]:7.2f}s ({m[1]:.2f}–{m[2]:.2f}) {m[3]:6.2f}s {m[4]:6.0f}Mi"
                if kind == "floor":
                    print(f"{kind:6} {cells(ours)[:-8]}{'':8}   {'(hugo full)':>47}   {theirs[0] / ours[0]:5.1f}×")
                else:
                    print(f"{kind:6} {cells(ours)}   {cells(theirs)}   {theirs[0] / ours[0]:5.1f}×")
            shutil.rmtree(directory, ignore_errors=True)
    print("\nratio = hugo median wall / generator median wall (above 1: the generator is faster);\n"
          "floor = the generator's output tree created alone by one thread after a removal: its ratio is\n"
          "the most any tool writing that tree could reach against Hugo's full build")


if __name__ == "__main__":
    main()
