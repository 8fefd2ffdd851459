#!/usr/bin/env bash
# An editor's everyday edits never turn CI red. In a scratch copy of the repository whose
# content/ had every orderer re-confirmed (a new `confirmed` date), one orderer added (a copy of
# one, renamed) and one removed, the generator's tests all pass: the contract test of the real
# content and every suite on fixtures. The test binaries already built are run with
# GENERATOR_REPO_ROOT pointing them at the copy, so nothing is compiled again.
set -euo pipefail
cd "$(dirname "$0")/.."

# Tests find the repository through GENERATOR_REPO_ROOT alone: a test that located it by its
# compile-time path would read the unedited content/ and prove nothing here.
outside=$(grep -rl 'CARGO_MANIFEST_DIR' generator/tests --include='*.rs' \
  | grep -v -e '^generator/tests/testsuite/util.rs$' -e '^generator/tests/contract.rs$' || true)
if [ -n "$outside" ]; then
  echo "content-edits: these tests find the repository by CARGO_MANIFEST_DIR, not repo_root(): $outside" >&2
  exit 1
fi

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/generator"
cp -r content templates docs "$scratch/"
cp -r generator/tests "$scratch/generator/"

python3 - "$scratch/content/municipalities" > "$scratch/edits.txt" <<'EOF'
import datetime, os, re, sys
folder = sys.argv[1]
files = sorted(f for f in os.listdir(folder) if f.endswith(".yaml"))
today = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=9)).date()
# One new date for every file: the latest day, up to today, that no file already has (a
# confirmed date may not be later than the build date; an editor may have confirmed today).
texts = {name: open(os.path.join(folder, name), encoding="utf-8").read() for name in files}
olds = {}
for name, text in texts.items():
    old = re.findall(r"^confirmed: (\S+)$", text, flags=re.M)
    assert len(old) == 1, f"{name}: one top-level confirmed: line expected, found {old}"
    olds[name] = old[0]
new = today
while new.isoformat() in olds.values():
    new -= datetime.timedelta(days=1)
for name, text in texts.items():
    path = os.path.join(folder, name)
    open(path, "w", encoding="utf-8").write(text.replace(f"confirmed: {olds[name]}\n", f"confirmed: {new}\n", 1))
print("reconfirmed", len(files), new)
# A copy of a town or city under a new file name and a new name; a new body has a code of its
# own, so the copy leaves its original's out.
original = next(f for f in files if re.search(r"^kind: 市町村$", open(os.path.join(folder, f), encoding="utf-8").read(), flags=re.M))
text = open(os.path.join(folder, original), encoding="utf-8").read()
# A real body of the same prefecture that no file names yet: a 市町村's name must be in the
# national code list (content/data/local-governments.csv), its code and reading come from it.
prefecture = re.search(r"^prefecture: (.+)$", text, flags=re.M).group(1)
taken = {re.search(r"^name: (.+)$", open(os.path.join(folder, f), encoding="utf-8").read(), flags=re.M).group(1) for f in files}
import csv
with open(os.path.join(folder, "..", "data", "local-governments.csv"), encoding="utf-8") as list_file:
    name = next(row["name"] for row in csv.DictReader(list_file)
                if row["prefecture"] == prefecture and row["name"] != prefecture and row["name"] not in taken)
text = re.sub(r"^name: (.+)$", f"name: {name}", text, count=1, flags=re.M)
text = re.sub(r"^code: .*\n", "", text, count=1, flags=re.M)
text = re.sub(r"^district: .*\n", "", text, count=1, flags=re.M)
added = original.replace(".yaml", "-copy.yaml")
open(os.path.join(folder, added), "w", encoding="utf-8").write(text)
print("added", added[:-5])
removed = next(f for f in reversed(files) if f != original)
os.remove(os.path.join(folder, removed))
print("removed", removed[:-5])
EOF
cat "$scratch/edits.txt"
added=$(awk '$1 == "added" { print $2 }' "$scratch/edits.txt")
removed=$(awk '$1 == "removed" { print $2 }' "$scratch/edits.txt")
confirmed=$(awk '$1 == "reconfirmed" { print $3 }' "$scratch/edits.txt")

# The edits took: the edited content builds into a site with the new page, without the removed
# one, and every page shows its new confirmation date.
cargo build --quiet -p generator
./target/debug/generator build --content "$scratch/content" --templates "$scratch/templates" \
  --out "$scratch/public" >/dev/null
test -f "$scratch/public/$added/index.html"
test ! -e "$scratch/public/$removed"
pages=$(ls "$scratch/content/municipalities" | wc -l)
dated=$(grep -l "datetime=\"$confirmed\"" "$scratch"/public/*/index.html | wc -l)
[ "$dated" -eq "$pages" ] || { echo "content-edits: $dated of $pages pages show $confirmed" >&2; exit 1; }

echo "== the generator's tests on the edited copy (contract + fixture suites)"
export GENERATOR_REPO_ROOT="$scratch" INSTA_UPDATE=no
if ! cargo test --quiet -p generator --test contract -- --nocapture > "$scratch/contract.log" 2>&1; then
  cat "$scratch/contract.log"; exit 1
fi
grep -q "^content: $scratch/content$" "$scratch/contract.log" || {
  cat "$scratch/contract.log"; echo "content-edits: the contract test did not read the edited copy" >&2; exit 1; }
grep '^content/ keeps' "$scratch/contract.log"
if ! cargo test --quiet -p generator > "$scratch/test.log" 2>&1; then
  cat "$scratch/test.log"; exit 1
fi
grep '^test result' "$scratch/test.log"
echo "content-edits: every orderer re-confirmed, $added added, $removed removed — every test passes"
