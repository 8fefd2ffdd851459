// Paper both ways (issue 24): a 「認証キー等のお知らせ」 written by `verifier issue --notice-dir`,
// its QR code decoded (zbarimg) and opened, lands on the verified certificate; and the verified
// certificate printed from Chromium is the 電子保証証書 確認記録 — one A4 page (pdfinfo) with every
// field, the status and its history, the JST time of the look-up, the audit reference the API
// returned, the verify page's address and a QR code of it with the number only (pdftotext,
// pdftoppm → zbarimg), never the key; that QR opened fills the number and asks for the key.
// Artefacts: target/test-artefacts/record-<number>.pdf and .png, scan-<number>.png.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { execFileSync, spawn } from "node:child_process";
import { createServer } from "node:net";
import { launch, open, SITE_DIR, VERIFY_URL } from "./helpers.mjs";

const ROOT = new URL("../../", import.meta.url).pathname;
const ARTEFACTS = join(ROOT, "target/test-artefacts");
const VERIFIER = join(ROOT, "target/debug/verifier");
const CHANGED = { number: "W2026-040124", key: "3EWB-WFHD-001N-6PYF-RMDG-PM9H" };

let browser;
let scratch;
let server;
let scratchUrl;

function freePort() {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.on("error", fail);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => done(port));
    });
  });
}

// A scratch copy of the demo store with the example certificates issued into it, their notices
// pointing at a verifier of its own that serves the fixture's verify site on that store.
before(async () => {
  mkdirSync(ARTEFACTS, { recursive: true });
  browser = await launch();
  scratch = mkdtempSync(join(tmpdir(), "record-"));
  const store = join(scratch, "certificates.yaml");
  copyFileSync(join(ROOT, "verifier/demo/certificates.yaml"), store);
  const port = await freePort();
  scratchUrl = `http://127.0.0.1:${port}/`;
  execFileSync(VERIFIER, ["--certificates", store, "issue", "verifier/demo/issue-example.yaml",
    "--notice-dir", join(scratch, "notices"), "--verify-url", scratchUrl], { cwd: ROOT, stdio: "pipe" });
  server = spawn(VERIFIER, ["--certificates", store, "serve", "--verify-site", resolve(`${SITE_DIR}-verify`),
    "--verify-addr", `127.0.0.1:${port}`], { cwd: ROOT, stdio: "ignore" });
  for (let i = 0; i < 100; i++) {
    if (await fetch(`${scratchUrl}api/health`).then((r) => r.ok, () => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("the scratch verifier did not answer");
});
after(async () => {
  server?.kill();
  await browser?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** The text a QR code in `pdf` decodes to (rendered to `png` first). */
function qrOf(pdf, pngStem) {
  execFileSync("pdftoppm", ["-r", "200", "-png", "-singlefile", pdf, pngStem]);
  return execFileSync("zbarimg", ["--raw", "-q", `${pngStem}.png`], { encoding: "utf8" }).trim();
}

/** 令和8年12月3日（2026年12月3日）18時30分 JST, worked out here by hand (not by Intl). */
function jst(iso) {
  const t = new Date(Date.parse(iso) + 9 * 3600 * 1000);
  const [y, m, d, h, min] = [t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate(), t.getUTCHours(), t.getUTCMinutes()];
  const reiwa = y - 2018 === 1 ? "元" : String(y - 2018);
  return `令和${reiwa}年${m}月${d}日（${y}年${m}月${d}日）${h}時${String(min).padStart(2, "0")}分JST`;
}

/** What the printed record must show of certificate `c`: every field, each change of its history. */
function expectedFields(c) {
  const yen = (n) => `${n.toLocaleString("en-US")}円`;
  const western = (iso) => { const [y, m, d] = iso.split("-").map(Number); return `${y}年)${m}月${d}日`; };
  return [
    c.certificate_number, c.status, c.guarantee_kind, c.orderer, c.contractor.name, c.contractor.address,
    c.work_name, c.work_location, yen(c.contract_amount), yen(c.guarantee_amount),
    western(c.guarantee_period.from), western(c.guarantee_period.to), western(c.issued_on),
    ...c.history.flatMap((h) => [western(h.date), h.status, h.note].filter(Boolean)),
  ].map((text) => String(text).replace(/\s+/g, ""));
}

/**
 * Prints the certificate shown on `page` (looked up with `key`, answered `answer`) and checks
 * the record; returns the link its QR code decodes to.
 */
async function checkRecord(page, key, answer, startedAt) {
  const number = answer.certificate.certificate_number;
  // On screen the page is as before: the record is print only.
  assert.equal(await page.locator(".record-head").isVisible(), false, "no record head on screen");
  assert.equal(await page.locator(".record-foot").isVisible(), false, "no record foot on screen");
  // The key is gone from the page once verified: neither in the markup nor in any field.
  const traces = await page.evaluate((k) => {
    const forms = [k, k.replace(/-/g, ""), k.replace(/-/g, " ")];
    const html = document.documentElement.outerHTML;
    const values = [...document.querySelectorAll("input")].map((i) => i.value).join(" ");
    return forms.filter((f) => html.includes(f) || values.includes(f));
  }, key);
  assert.deepEqual(traces, [], "the key is nowhere in the DOM");

  const pdf = join(ARTEFACTS, `record-${number}.pdf`);
  await page.pdf({ path: pdf, format: "A4", preferCSSPageSize: true, printBackground: true });
  const info = execFileSync("pdfinfo", [pdf], { encoding: "utf8" });
  assert.match(info, /^Pages:\s+1$/m, info);
  assert.match(info, /^Page size:.*\(A4\)/m, info);
  const text = execFileSync("pdftotext", [pdf, "-"], { encoding: "utf8" }).replace(/\s+/g, "");
  const at = Date.parse(answer.verified_at);
  assert.ok(at >= Math.floor(startedAt / 1000) * 1000 && at <= Date.now(), `verified_at ${answer.verified_at} is the look-up's`);
  assert.match(answer.audit_reference, /^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/);
  const canonical = await page.evaluate(() => document.querySelector("link[rel=canonical]")?.href || location.origin + location.pathname);
  for (const expected of ["電子保証証書確認記録", "確認日時", jst(answer.verified_at), "照会番号", answer.audit_reference,
    "この記録の確かめ方", canonical, `状態：${answer.certificate.status}`, ...expectedFields(answer.certificate)]) {
    assert.ok(text.includes(expected), `«${expected}» is printed in:\n${text}`);
  }
  for (const form of [key, key.replace(/-/g, ""), key.replace(/-/g, " ")]) {
    assert.ok(!text.includes(form.replace(/\s+/g, "")), "the key is not printed");
  }
  for (const absent of ["確認する", "この内容を印刷する", "ご注意"]) {
    assert.ok(!text.includes(absent), `${absent} is not printed`);
  }
  const link = qrOf(pdf, join(ARTEFACTS, `record-${number}`));
  assert.equal(link, `${canonical}#number=${encodeURIComponent(number)}`, "the record's QR: the verify page with the number only");
  return link;
}

/** Opens `link` (the record's QR) and checks it fills the number, asks for the key, looks nothing up. */
async function checkReverify(link, number) {
  const context = await browser.newContext({ locale: "ja-JP" });
  const page = await context.newPage();
  const posted = [];
  page.on("request", (req) => { if (req.method() === "POST") posted.push(req.url()); });
  try {
    await page.goto(link);
    assert.equal(await page.inputValue("#certificate-number"), number);
    assert.equal(await page.inputValue("#auth-key"), "");
    assert.equal(await page.evaluate(() => document.activeElement.id), "auth-key");
    await page.waitForTimeout(300);
    assert.deepEqual(posted, [], "no look-up without a key");
  } finally {
    await context.close();
  }
}

/** The answer of the page's next look-up. */
function nextAnswer(page) {
  return page.waitForResponse((r) => r.url().endsWith("/api/verify") && r.request().method() === "POST").then((r) => r.json());
}

test("a notice's QR code, decoded and opened, lands on the verified certificate; its printed record re-verifies", async () => {
  const notices = join(scratch, "notices");
  const files = readdirSync(notices);
  assert.ok(files.includes("W2026-050201.pdf"), `${files}`);
  const link = qrOf(join(notices, "W2026-050201.pdf"), join(ARTEFACTS, "scan-notice-W2026-050201"));
  const prefix = `${scratchUrl}#number=W2026%2D050201&key=`;
  assert.ok(link.startsWith(prefix), `the notice's QR is the pre-filling link: ${link}`);
  const key = decodeURIComponent(link.slice(prefix.length));

  const { context, page, problems } = await open(browser, scratchUrl);
  const seen = [];
  page.on("request", (req) => seen.push(req.url()));
  try {
    const startedAt = Date.now();
    const answer = nextAnswer(page);
    await page.goto(link);
    await page.waitForSelector("table.certificate");
    assert.match(await page.textContent("#result"), /W2026-050201/);
    assert.match(await page.textContent("#result"), /状態：有効/);
    assert.equal(new URL(page.url()).hash, "", "the key left the address bar");
    assert.ok(seen.every((url) => !url.includes(key)), "no request URL carries the key");
    await page.screenshot({ path: join(ARTEFACTS, "scan-W2026-050201.png"), fullPage: true });
    const reverify = await checkRecord(page, key, await answer, startedAt);
    await checkReverify(reverify, "W2026-050201");
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test("the printed record of a changed certificate: one A4 page with every field, its history, the JST time, the audit reference and a number-only QR", async () => {
  const { context, page, problems } = await open(browser, VERIFY_URL);
  try {
    const startedAt = Date.now();
    const answer = nextAnswer(page);
    await page.fill("#certificate-number", CHANGED.number);
    await page.fill("#auth-key", CHANGED.key);
    await page.click("#verify-button");
    await page.waitForSelector("table.certificate");
    const body = await answer;
    assert.ok(body.certificate.history.length >= 2, "a certificate with a history of changes");
    const link = await checkRecord(page, CHANGED.key, body, startedAt);
    await checkReverify(link, CHANGED.number);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
