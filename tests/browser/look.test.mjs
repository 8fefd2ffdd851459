// How the pages line up, measured in the laid-out page: a prefecture's orderer lines share one
// grid at 1280 px (names and facts each start at one x); the header's name starts where the
// text column starts; the verified certificate fits a 375 px screen; the STEPs' screen
// drawings are there, labelled as illustrations, their labels at least 12 CSS px on a phone.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, open, visitEach, sitePaths, municipalityPaths, VERIFY_URL } from "./helpers.mjs";

const DEMO = { number: "W2026-040123", key: "C8FK-2XCP-MQTW-H6TQ-SQ9G-63KK" };

let browser;
before(async () => {
  browser = await launch();
});
after(async () => browser?.close());

test("a prefecture's orderer lines line up at 1280 px (names at one x, their facts at one x)", async () => {
  const { context, page } = await open(browser, "/fukuoka/", { width: 1280, height: 900 });
  try {
    const lefts = await page.evaluate(() =>
      [...document.querySelectorAll(".orderer-lines li")].map((li) => [li.querySelector("a"), li.querySelector(".line-facts")].map((e) => Math.round(e.getBoundingClientRect().left))),
    );
    assert.ok(lefts.length >= 3, `several orderers (${lefts.length})`);
    for (const row of lefts) assert.deepEqual(row, lefts[0], `lines start at ${JSON.stringify(lefts)}`);
  } finally {
    await context.close();
  }
});

for (const width of [375, 1280]) {
  test(`the header starts where the text column starts (${width} px)`, async () => {
    await visitEach(browser, sitePaths(), { width, height: 800 }, async (page, path) => {
      const [header, text] = await page.evaluate(() => [
        document.querySelector(".site-name a").getBoundingClientRect().left,
        document.querySelector("main h1").getBoundingClientRect().left,
      ]);
      assert.ok(Math.abs(header - text) <= 1, `${path}: header at ${header}px, text at ${text}px`);
    });
  });
}

test("the verified certificate fits a 375 px screen", async () => {
  // The verify page is the verification service's own site (docs/verify-site.md).
  const { context, page } = await open(browser, VERIFY_URL, { width: 375, height: 800 });
  try {
    await page.fill("#certificate-number", DEMO.number);
    await page.fill("#auth-key", DEMO.key);
    await page.click("#verify-button");
    await page.waitForSelector("table.certificate");
    const [tableWidth, overflow] = await page.evaluate(() => [
      document.querySelector("table.certificate").getBoundingClientRect().width,
      document.documentElement.scrollWidth - window.innerWidth,
    ]);
    assert.ok(tableWidth <= 375 - 16, `the table is ${tableWidth}px wide`);
    assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px`);
  } finally {
    await context.close();
  }
});

test("the STEPs carry three screen drawings, labelled as illustrations, legible on a phone", async () => {
  await visitEach(browser, municipalityPaths(), { width: 375, height: 800 }, async (page, path) => {
    const screens = await page.evaluate(() =>
      [...document.querySelectorAll("figure.screen")].map((f) => {
        const svg = f.querySelector("svg[role=img]");
        const scale = svg.getScreenCTM().a;
        return {
          name: svg.querySelector("title").textContent,
          caption: f.querySelector("figcaption").textContent,
          smallest: Math.min(...[...svg.querySelectorAll("text")].map((t) => parseFloat(t.getAttribute("font-size")) * scale)),
        };
      }),
    );
    assert.equal(screens.length, 3, path);
    assert.match(screens.map((s) => s.name).join(), /電子交付を希望する.*保証契約番号.*「認証キー」/s);
    for (const s of screens) {
      assert.match(s.caption, /イメージ.*模式図/, `${path}: labelled as an illustration`);
      assert.ok(s.smallest >= 12, `${path}: labels at ${s.smallest.toFixed(1)}px`);
    }
  });
});
