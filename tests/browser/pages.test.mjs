// Every generated page in a real browser: no console error, no failed or cross-origin request,
// no axe-core violation (WCAG 2.0/2.1 A/AA and 2.2 AA); municipality pages weigh under 60 KB; screenshots at
// 375 and 1280 px are kept for review. How pages read and print: reading.test.mjs.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { launch, open, sitePaths, municipalityPaths, ARTIFACTS, BASE_URL, VERIFY_URL } from "./helpers.mjs";

let browser;
before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await launch();
});
after(async () => browser?.close());

for (const path of sitePaths()) {
  test(`${path}: loads cleanly and has no accessibility violations`, async () => {
    const { context, page, problems, response } = await open(browser, path);
    try {
      assert.equal(response.status(), path === "/404.html" ? 200 : 200, `status of ${path}`);
      assert.equal(await page.getAttribute("html", "lang"), "ja");
      const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]).analyze();
      const violations = results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
      assert.deepEqual(violations, [], `axe violations on ${path}`);
      assert.deepEqual(problems, [], `console errors or failed requests on ${path}`);
    } finally {
      await context.close();
    }
  });
}

test("an unknown path answers 404 with the site's 404 page", async () => {
  const { context, response, page } = await open(browser, "/no-such-municipality/");
  try {
    assert.equal(response.status(), 404);
    assert.match(await page.textContent("h1"), /ページが見つかりません/);
  } finally {
    await context.close();
  }
});

for (const path of municipalityPaths()) {
  test(`${path}: weighs under 60 KB and uses no JavaScript`, async () => {
    const { context, page } = await open(browser, path);
    try {
      const sizes = await page.evaluate(() =>
        performance.getEntriesByType("resource").concat(performance.getEntriesByType("navigation"))
          .map((e) => ({ name: e.name, bytes: e.decodedBodySize })));
      const total = sizes.reduce((sum, e) => sum + e.bytes, 0);
      assert.ok(total > 5000 && total < 60 * 1024, `${path}: ${total} bytes (${JSON.stringify(sizes)})`);
      assert.equal(await page.locator("script:not([type='application/ld+json'])").count(), 0);
      assert.equal(await page.locator("svg.mechanism[role='img'] title").count(), 2, "the wide and the tall diagram");
      assert.equal(await page.locator("svg.qr[role='img']").count(), 1);
      const faq = JSON.parse(await page.locator("script[type='application/ld+json']").textContent());
      assert.equal(faq["@type"], "FAQPage");
      // Every page answers four questions; 「保証証書以外の書類」 only where a source says it.
      assert.ok(faq.mainEntity.length >= 4);
      assert.ok(await page.getAttribute("link[rel=canonical]", "href"));
      assert.ok(await page.getAttribute("meta[property='og:title']", "content"));
    } finally {
      await context.close();
    }
  });
}

test("screenshots at 375 px and 1280 px", async () => {
  const targets = { index: "/", "ashiya-machi": "/ashiya-machi/", "saiki-shi": "/saiki-shi/", verify: VERIFY_URL };
  for (const [name, path] of Object.entries(targets)) {
    for (const width of [375, 1280]) {
      const { context, page } = await open(browser, path, { width, height: 800 });
      try {
        const file = join(ARTIFACTS, `${name}-${width}.png`);
        await page.screenshot({ path: file, fullPage: true });
        assert.ok(statSync(file).size > 10_000, `${file} was written`);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 0, `${path} scrolls sideways by ${overflow}px at ${width}px`);
      } finally {
        await context.close();
      }
    }
  }
  assert.ok(BASE_URL);
});
