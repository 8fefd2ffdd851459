// The live preview (`generator serve`) driven as an editor uses it: a page open in the browser,
// the orderer's file edited and saved — the page changes by itself; a mistake saved — the
// error with its code frame over the page; mended — the overlay goes and the page is current.
// And the verify page answers a demo key in the preview. The test starts its own preview on a
// scratch copy of the frozen `flyers` fixture site (never the real content/).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ARTIFACTS, launch } from "./helpers.mjs";

const ROOT = new URL("../../", import.meta.url).pathname;
const GENERATOR = process.env.GENERATOR || join(ROOT, "target/debug/generator");
const SAIKI = "content/municipalities/saiki-shi.yaml";

let browser, server, dir, base, log = "";

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.on("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

async function waitForServer(url) {
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the preview did not start:\n${log}`);
}

function edit(from, to) {
  const path = join(dir, SAIKI);
  const text = readFileSync(path, "utf8");
  assert.equal(text.split(from).length, 2, `${from} once in ${SAIKI}`);
  writeFileSync(path, text.replace(from, to));
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "preview-test-"));
  cpSync(join(ROOT, "generator/tests/testsuite/fixtures/sites/flyers"), join(dir, "content"), { recursive: true });
  cpSync(join(ROOT, "templates"), join(dir, "templates"), { recursive: true });
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = spawn(GENERATOR, ["serve", "--port", String(port), "--date", "2026-11-23",
    "--certificates", join(ROOT, "verifier/demo/certificates.yaml")], { cwd: dir });
  server.stdout.on("data", (d) => { log += d; });
  server.stderr.on("data", (d) => { log += d; });
  await waitForServer(base + "/");
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.kill();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("an edit reloads the page, a mistake shows its code frame over it, the fix takes it away", async () => {
  const context = await browser.newContext({ locale: "ja-JP" });
  const page = await context.newPage();
  const pageErrors = [];
  page.on("pageerror", (e) => pageErrors.push(e.message));
  try {
    await page.goto(base + "/saiki-shi/", { waitUntil: "load" });
    assert.match(await page.textContent("main"), /契約検査課契約係/);
    // The event stream is open before the first save.
    await page.waitForFunction(() => window.generatorPreviewConnected === true);

    // Saved: the page reloads by itself and shows the new text.
    const reloaded = page.waitForEvent("load", { timeout: 10000 });
    edit("name: 契約検査課契約係", "name: 契約検査課工事契約係");
    await reloaded;
    await page.waitForFunction(() => document.querySelector("main").textContent.includes("契約検査課工事契約係"));

    // A mistake: the overlay shows the terminal's report with its code frame; the page under
    // it is the last good one.
    edit('code: "442054"', 'code: "442055"');
    const overlay = page.locator("#generator-preview-errors");
    await overlay.waitFor({ state: "visible", timeout: 10000 });
    const report = await overlay.textContent();
    assert.match(report, /検査数字（6桁目）が正しくありません/);
    assert.match(report, /content\/municipalities\/saiki-shi\.yaml:6:1/);
    assert.match(report, /6 \| code: "442055"/);
    assert.match(report, /\^+ 項目 `code`/);
    assert.match(report, /ヒント: 前5桁が 44205 なら6桁目は 4 です/);
    assert.match(await page.textContent("main"), /契約検査課工事契約係/);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, "preview-error-overlay.png") });

    // A page opened meanwhile shows the errors at once.
    const other = await context.newPage();
    await other.goto(base + "/", { waitUntil: "load" });
    await other.locator("#generator-preview-errors").waitFor({ state: "visible", timeout: 10000 });
    await other.close();

    // Mended: the overlay goes, and the page is the current one.
    const mended = page.waitForEvent("load", { timeout: 10000 });
    edit('code: "442055"', 'code: "442054"');
    await mended;
    await page.waitForFunction(() => !document.querySelector("#generator-preview-errors"));
    assert.match(await page.textContent("main"), /契約検査課工事契約係/);
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});

// The verify site is its own site when deployed; the preview serves it under /verify/ with the
// API beside it, and every guidance page links there.
test("the verify page answers a demo key in the preview (the embedded store)", async () => {
  const context = await browser.newContext({ locale: "ja-JP" });
  const page = await context.newPage();
  try {
    // Reached as a reader reaches it: from an orderer's page, by its link to the service.
    await page.goto(base + "/saiki-shi/", { waitUntil: "load" });
    await Promise.all([page.waitForURL(base + "/verify/"), page.click(`a[href="${base}/verify/"] >> nth=0`)]);
    await page.fill("#certificate-number", "W2026-040123");
    await page.fill("#auth-key", "C8FK-2XCP-MQTW-H6TQ-SQ9G-63KK");
    await page.click("#verify-button");
    await page.waitForSelector("table.certificate", { timeout: 10000 });
    assert.match(await page.textContent("#result"), /状態：有効/);
  } finally {
    await context.close();
  }
});
