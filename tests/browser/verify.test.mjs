// The orderer's page, driven like a person would: by keyboard, with full-width input, from a
// notice's link, and against the real API on the same origin.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import AxeBuilder from "@axe-core/playwright";
import { launch, open } from "./helpers.mjs";

const DEMO = { number: "W2026-040123", key: "C8FK-2XCP-MQTW-H6TQ-SQ9G-63KK" };
const CANCELLED = { number: "W2025-120045", key: "M9G8-DK0G-3R9E-4RP6-R6MG-CH2N" };

let browser;
before(async () => { browser = await launch(); });
after(async () => browser?.close());

async function submit(page, number, key) {
  await page.fill("#certificate-number", number);
  await page.fill("#auth-key", key);
  await page.click("#verify-button");
}

test("a demo key shows its certificate, by keyboard only", async () => {
  const { context, page, problems } = await open(browser, "/verify/");
  try {
    await page.keyboard.press("Tab"); // skip link
    let focused = "";
    for (let i = 0; i < 10 && focused !== "certificate-number"; i++) {
      await page.keyboard.press("Tab");
      focused = await page.evaluate(() => document.activeElement?.id || "");
    }
    assert.equal(focused, "certificate-number", "the number field is reachable with Tab");
    await page.keyboard.type(DEMO.number);
    await page.keyboard.press("Tab");
    await page.keyboard.type(DEMO.key);
    await page.keyboard.press("Enter");
    await page.waitForSelector("table.certificate");
    const text = await page.textContent("#result");
    assert.match(text, /状態：有効/);
    assert.match(text, /前払金保証/);
    assert.match(text, /19,360,000円/);
    assert.match(text, /令和8年\(2026年\)4月10日/);
    const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
    assert.deepEqual(results.violations.map((v) => v.id), []);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test("a cancelled certificate is shown with a clear warning", async () => {
  const { context, page } = await open(browser, "/verify/");
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
  const { context, page } = await open(browser, "/verify/");
  try {
    await submit(page, "Ｗ２０２６－０４０１２３", "ｃ８ｆｋ－２ｘｃｐ－ｍｑｔｗ－ｈ６ｔｑ－ｓｑ９ｇ－６３ｋｋ");
    await page.waitForSelector("table.certificate");
  } finally {
    await context.close();
  }
});

test("a wrong key shows the uniform refusal", async () => {
  const { context, page } = await open(browser, "/verify/");
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
  const { context, page } = await open(browser, "/verify/");
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
  const { context, page } = await open(browser, "/verify/");
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

test("a notice's link pre-fills the form from the fragment, which never reaches the server", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const seen = [];
  page.on("request", (req) => seen.push(req.url()));
  try {
    const { BASE_URL } = await import("./helpers.mjs");
    await page.goto(`${BASE_URL}/verify/#number=${DEMO.number}&key=${DEMO.key}`);
    assert.equal(await page.inputValue("#certificate-number"), DEMO.number);
    assert.equal(await page.inputValue("#auth-key"), DEMO.key);
    assert.equal(new URL(page.url()).hash, "", "the key is removed from the address bar");
    await page.click("#verify-button");
    await page.waitForSelector("table.certificate");
    assert.ok(seen.every((url) => !url.includes(DEMO.key)), "no request URL carries the key");

    // A second notice's link opened in the same tab changes only the fragment.
    await page.evaluate((c) => { location.hash = `number=${c.number}&key=${c.key}`; }, CANCELLED);
    await page.waitForFunction((n) => document.getElementById("certificate-number").value === n, CANCELLED.number);
    assert.equal(await page.inputValue("#auth-key"), CANCELLED.key);
    assert.equal(new URL(page.url()).hash, "", "the second key is removed from the address bar too");
    assert.equal((await page.textContent("#result")).trim(), "", "the previous certificate is no longer shown");
    await page.click("#verify-button");
    await page.waitForSelector("table.certificate");
    assert.match(await page.textContent("#result"), /解約/);
    assert.ok(seen.every((url) => !url.includes(CANCELLED.key)), "no request URL carries the second key");
  } finally {
    await context.close();
  }
});
