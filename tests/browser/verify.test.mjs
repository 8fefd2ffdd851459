// The verify site — the verification service's own small site, on its own origin with the
// API — driven like a person would: by keyboard alone, with full-width input, from a notice's
// link, on a phone; and its split from the guidance site: its operator's identity only, and the
// guidance pages linking to its configured address (VERIFY_URL, given to the build by
// tests/site-checks.sh).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { launch, open, visitEach, sitePaths, municipalityPaths, pdfWords, ARTIFACTS, BASE_URL, VERIFY_URL } from "./helpers.mjs";

const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
// What only the guidance site says: its operator (the surety company), its contact, its title.
const GUIDANCE_ONLY = [/西日本建設業保証/, /wjcs\.net/, /お問い合わせ：西日本/, /電子保証のご案内/, /当社/];

const DEMO = { number: "W2026-040123", key: "C8FK-2XCP-MQTW-H6TQ-SQ9G-63KK" };
const CANCELLED = { number: "W2025-120045", key: "M9G8-DK0G-3R9E-4RP6-R6MG-CH2N" };

let browser;
before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await launch();
});
after(async () => browser?.close());

async function submit(page, number, key) {
  await page.fill("#certificate-number", number);
  await page.fill("#auth-key", key);
  await page.click("#verify-button");
}

/** Presses Tab until the focused element satisfies `is` (at most `limit` times); its description. */
async function tabTo(page, is, limit = 20) {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => {
      const el = document.activeElement;
      return el ? { id: el.id, tag: el.tagName, text: el.textContent.trim() } : null;
    });
    if (focused && is(focused)) return focused;
  }
  return null;
}

test("the verify flow by keyboard alone: Tab to the fields, type, Enter, the certificate, the print button", async () => {
  const { context, page, problems } = await open(browser, VERIFY_URL);
  try {
    assert.ok(await tabTo(page, (f) => f.id === "certificate-number"), "the number field is reachable with Tab");
    await page.keyboard.type(DEMO.number);
    assert.ok(await tabTo(page, (f) => f.id === "auth-key", 1), "the key field is the next stop");
    await page.keyboard.type(DEMO.key);
    await page.keyboard.press("Enter");
    await page.waitForSelector("table.certificate");
    // The answer takes the focus: a screen reader and the next Tab start from it.
    const focused = await page.evaluate(() => ({ tag: document.activeElement.tagName, text: document.activeElement.textContent }));
    assert.deepEqual(focused, { tag: "H2", text: "状態：有効" });
    const text = await page.textContent("#result");
    assert.match(text, /状態：有効/);
    assert.match(text, /前払金保証/);
    assert.match(text, /19,360,000円/);
    assert.match(text, /令和8年\(2026年\)4月10日/);
    // From the certificate, Tab reaches its print button, and Enter prints.
    await page.evaluate(() => { window.print = () => { window.__printed = (window.__printed || 0) + 1; }; });
    assert.ok(await tabTo(page, (f) => f.tag === "BUTTON" && f.text === "この内容を印刷する", 5), "the print button is reachable with Tab");
    await page.keyboard.press("Enter");
    assert.equal(await page.evaluate(() => window.__printed), 1, "Enter on the print button prints");
    const results = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
    assert.deepEqual(results.violations.map((v) => v.id), []);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test("the certificate fits a 375 px screen: no sideways scroll, every row inside the screen", async () => {
  // 契約保証 with a change history and the longest texts of the demo certificates.
  const CHANGED = { number: "W2026-040124", key: "3EWB-WFHD-001N-6PYF-RMDG-PM9H" };
  for (const [name, certificate] of [["valid", DEMO], ["changed", CHANGED]]) {
    const { context, page } = await open(browser, VERIFY_URL, { width: 375, height: 800 });
    try {
      await submit(page, certificate.number, certificate.key);
      await page.waitForSelector("table.certificate");
      const widths = await page.evaluate(() => ({
        overflow: document.documentElement.scrollWidth - window.innerWidth,
        table: Math.ceil(document.querySelector("table.certificate").getBoundingClientRect().right),
        cells: Math.ceil(Math.max(...[...document.querySelectorAll("table.certificate th, table.certificate td")].map((c) => c.getBoundingClientRect().right))),
      }));
      assert.ok(widths.overflow <= 0, `${name}: the page scrolls sideways by ${widths.overflow}px`);
      assert.ok(widths.table <= 375 && widths.cells <= 375, `${name}: the certificate reaches ${JSON.stringify(widths)} px of 375`);
      await page.screenshot({ path: join(ARTIFACTS, `verify-certificate-${name}-375.png`), fullPage: true });
    } finally {
      await context.close();
    }
  }
});

test("the printed certificate is one A4 page: the operator, the certificate and its history, no form", async () => {
  const CHANGED = { number: "W2026-040124", key: "3EWB-WFHD-001N-6PYF-RMDG-PM9H" };
  const { context, page } = await open(browser, VERIFY_URL);
  try {
    await submit(page, CHANGED.number, CHANGED.key);
    await page.waitForSelector("table.certificate");
    const file = join(ARTIFACTS, "verify-certificate.pdf");
    await page.pdf({ path: file, format: "A4", printBackground: true });
    const pages = pdfWords(file);
    assert.equal(pages.length, 1, "one page");
    const text = pages[0].text.replace(/\s+/g, "");
    for (const expected of ["運営：日本電子認証株式会社", "電子証書の内容", "W2026-040124", "契約金額の変更に伴い保証金額を変更"]) {
      assert.ok(text.includes(expected), `${expected} is printed`);
    }
    for (const absent of ["確認する", "この内容を印刷する", "ご注意", "西日本建設業保証"]) {
      assert.ok(!text.includes(absent), `${absent} is not printed`);
    }
  } finally {
    await context.close();
  }
});

test("the verify site carries its operator's identity only, never the guidance site's", async () => {
  for (const path of ["", "no-such-page"]) {
    const { context, page, problems, response } = await open(browser, VERIFY_URL + path);
    try {
      assert.equal(response.status(), path ? 404 : 200, `status of ${VERIFY_URL}${path}`);
      assert.equal(await page.textContent(".service-operator"), "運営：日本電子認証株式会社");
      assert.match(await page.textContent(".service-name"), /^D-Sure/);
      assert.match(await page.textContent("footer"), /D-Sure（発注者用保証確認サービス）は日本電子認証株式会社が運営しています。/);
      const text = await page.evaluate(() => document.documentElement.innerText + " " + document.title);
      for (const guidance of GUIDANCE_ONLY) assert.doesNotMatch(text, guidance, `${path || "/"}: ${guidance}`);
      const links = await page.$$eval("a[href]", (as) => as.map((a) => a.href));
      const own = new URL(VERIFY_URL).origin;
      assert.deepEqual(links.filter((href) => new URL(href).origin !== own), [], "no link leaves the verify site");
      const results = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
      assert.deepEqual(results.violations.map((v) => v.id), [], `axe on ${VERIFY_URL}${path}`);
      // The 404 page's own status is the one failed load Chromium reports there.
      assert.deepEqual(problems.filter((p) => !(path && /status of 404/.test(p))), []);
    } finally {
      await context.close();
    }
  }
  assert.notEqual(new URL(VERIFY_URL).origin, new URL(BASE_URL).origin, "the two sites are two origins");
});

test("every guidance page links to the verify site's configured address, and the link leads there", async () => {
  await visitEach(browser, sitePaths(), { width: 1280, height: 900 }, async (page, path) => {
    const menu = await page.getAttribute("header nav a:has-text('D-Sure')", "href");
    assert.equal(menu, VERIFY_URL, `${path}: the menu`);
    const hrefs = await page.$$eval("main a", (as) => as.filter((a) => /D-Sure/.test(a.textContent)).map((a) => a.getAttribute("href")));
    assert.ok(hrefs.every((href) => href === VERIFY_URL), `${path}: ${hrefs}`);
    if (municipalityPaths().includes(path)) assert.equal(hrefs.length, 2, `${path}: 仕組み ④ and STEP4 link to it`);
    assert.equal(await page.locator("a[href*='/verify/']").count(), 0, `${path}: no verify page of the guidance site's own`);
  });
  const { context, page } = await open(browser, "/ashiya-machi/");
  try {
    await page.click("header nav a:has-text('D-Sure')");
    await page.waitForURL(VERIFY_URL);
    assert.equal(await page.textContent(".service-operator"), "運営：日本電子認証株式会社");
  } finally {
    await context.close();
  }
});

test("a cancelled certificate is shown with a clear warning", async () => {
  const { context, page } = await open(browser, VERIFY_URL);
  try {
    await submit(page, CANCELLED.number, CANCELLED.key);
    await page.waitForSelector("table.certificate");
    const warning = page.locator("#result .message-error[role=alert]");
    assert.match(await warning.textContent(), /解約されています/);
    assert.match(await page.textContent("#result .history"), /契約解除に伴う解約/);
  } finally {
    await context.close();
  }
});

test("full-width input works", async () => {
  const { context, page } = await open(browser, VERIFY_URL);
  try {
    await submit(page, "Ｗ２０２６－０４０１２３", "ｃ８ｆｋ－２ｘｃｐ－ｍｑｔｗ－ｈ６ｔｑ－ｓｑ９ｇ－６３ｋｋ");
    await page.waitForSelector("table.certificate");
  } finally {
    await context.close();
  }
});

test("a wrong key shows the uniform refusal", async () => {
  const { context, page } = await open(browser, VERIFY_URL);
  try {
    await submit(page, "W2026-040124", "AAAA-AAAA-AAAA-AAAA-AAAA-AAAA");
    await page.waitForSelector("#result [role=alert]");
    assert.match(await page.textContent("#result"), /確認できませんでした/);
    assert.match(await page.textContent("#result"), /保証契約番号または認証キーが正しくありません/);
    assert.equal(await page.locator("table.certificate").count(), 0);
  } finally {
    await context.close();
  }
});

test("a malformed key is reported on its field", async () => {
  const { context, page } = await open(browser, VERIFY_URL);
  try {
    await submit(page, DEMO.number, "C8FK-2XCP");
    await page.waitForSelector("#auth-key[aria-invalid=true]");
    assert.match(await page.textContent("#key-error"), /24文字/);
    assert.equal(await page.evaluate(() => document.activeElement.id), "auth-key");
  } finally {
    await context.close();
  }
});

test("repeated wrong keys show the lock and when to retry", async () => {
  const { context, page } = await open(browser, VERIFY_URL);
  try {
    for (let i = 0; i < 5; i++) {
      await submit(page, "W2026-888888", "BBBB-BBBB-BBBB-BBBB-BBBB-BBBB");
      await page.waitForFunction(() => /確認できませんでした/.test(document.querySelector("#result").textContent));
      await page.evaluate(() => document.querySelector("#result").replaceChildren());
    }
    await submit(page, "W2026-888888", "BBBB-BBBB-BBBB-BBBB-BBBB-BBBB");
    await page.waitForFunction(() => /一時停止/.test(document.querySelector("#result").textContent));
    assert.match(await page.textContent("#result"), /約15分後/);
    assert.match(await page.textContent("#result"), /頃から再開できます/);
  } finally {
    await context.close();
  }
});

test("a notice's link pre-fills the form from the fragment and submits it; the key never reaches the server or stays in the address bar", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const seen = [];
  const posted = [];
  page.on("request", (req) => {
    seen.push(req.url());
    if (req.method() === "POST") posted.push(req.postData() || "");
  });
  try {
    await page.goto(`${VERIFY_URL}#number=${DEMO.number}&key=${DEMO.key}`);
    // No click: the link alone leads to the certificate.
    await page.waitForSelector("table.certificate");
    assert.match(await page.textContent("#result"), new RegExp(DEMO.number));
    assert.equal(await page.inputValue("#certificate-number"), DEMO.number);
    assert.equal(await page.inputValue("#auth-key"), "", "the key is emptied from the form once verified");
    assert.equal(new URL(page.url()).hash, "", "the key is removed from the address bar");
    assert.ok(
      !(await page.evaluate(() => location.href)).includes(DEMO.key),
      "the key is not in the current history entry",
    );
    assert.ok(seen.every((url) => !url.includes(DEMO.key)), "no request URL carries the key");
    assert.equal(posted.length, 1, "one look-up, in the body of a POST");

    // A second notice's link opened in the same tab changes only the fragment.
    await page.evaluate((c) => { location.hash = `number=${c.number}&key=${c.key}`; }, CANCELLED);
    await page.waitForFunction((n) => document.getElementById("certificate-number").value === n, CANCELLED.number);
    assert.equal(new URL(page.url()).hash, "", "the second key is removed from the address bar too");
    await page.waitForFunction(() => /解約/.test(document.querySelector("#result").textContent));
    assert.equal(await page.inputValue("#auth-key"), "", "the second key is emptied once verified");
    assert.ok(!(await page.textContent("#result")).includes(DEMO.number), "the previous certificate is no longer shown");
    assert.ok(seen.every((url) => !url.includes(CANCELLED.key)), "no request URL carries the second key");
  } finally {
    await context.close();
  }
});

test("a link with the number only (the printed record's) fills the number, asks for the key and looks nothing up", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const posted = [];
  page.on("request", (req) => { if (req.method() === "POST") posted.push(req.url()); });
  try {
    await page.goto(`${VERIFY_URL}#number=${DEMO.number}`);
    assert.equal(await page.inputValue("#certificate-number"), DEMO.number);
    assert.equal(await page.inputValue("#auth-key"), "");
    assert.equal(await page.evaluate(() => document.activeElement.id), "auth-key");
    assert.equal(new URL(page.url()).hash, "");
    await page.waitForTimeout(300);
    assert.deepEqual(posted, [], "no look-up without a key");
    assert.equal((await page.textContent("#result")).trim(), "");
  } finally {
    await context.close();
  }
});
