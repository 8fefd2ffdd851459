// Paper has no links. Printed, every in-text link to another site (an orderer's page, a source,
// a form, the verify site) shows its address after its text, breaking where a URL may (after a
// slash) and anywhere only where it is wider than the column; a link whose text is its address
// (or whose address the page prints elsewhere: `.url-shown`, the orderer's own, printed by the
// footer) does not repeat it, and the header's links never print. Read from the
// computed ::after content and from the printed PDF's text (poppler's pdftotext).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { launch, open, visitEach, municipalityPaths, pdfWords, ARTIFACTS } from "./helpers.mjs";

let browser;
before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await launch();
});
after(async () => browser?.close());

/** Every http link of the page with what print writes after it. */
async function printedLinks(page) {
  await page.emulateMedia({ media: "print" });
  return page.evaluate(() =>
    [...document.querySelectorAll("a[href^='http']")].map((a) => {
      const after = getComputedStyle(a, "::after");
      return {
        href: a.getAttribute("href"),
        text: a.textContent.trim(),
        where: a.closest(".site-header") ? "header" : a.closest("main") ? "main" : "footer",
        shown: a.classList.contains("url-shown"),
        after: after.content,
        breaks: `${after.wordBreak} ${after.overflowWrap}`,
        printed: a.closest(".site-header, .skip") === null && a.offsetParent !== null,
      };
    }),
  );
}

test("printed, every in-text link to another site shows its address after its text, once", async () => {
  const problems = [];
  let shown = 0;
  await visitEach(browser, municipalityPaths(), { width: 1280, height: 900 }, async (page, path) => {
    for (const link of await printedLinks(page)) {
      const expected = ` <${link.href}>`;
      const label = `${path} 「${link.text.slice(0, 20)}」 (${link.href})`;
      if (link.where === "header") {
        if (link.after !== "none") problems.push(`${label}: a header link prints its address`);
      } else if (link.text === link.href || link.shown) {
        if (link.text === link.href && !link.shown) problems.push(`${label}: its text is its address, not marked .url-shown`);
        if (link.after !== "none") problems.push(`${label}: its address printed twice`);
      } else if (link.printed) {
        shown++;
        if (link.after !== JSON.stringify(expected)) problems.push(`${label}: prints ${link.after}`);
        if (link.breaks !== "normal anywhere") problems.push(`${label}: its printed address breaks as ${link.breaks}`);
      }
    }
  });
  assert.ok(shown >= 20, `enough in-text links checked (${shown})`);
  assert.deepEqual(problems, []);
});

test("the printed PDF carries the addresses: each in-text link's address, after its text (延岡市, 芦屋町)", async () => {
  for (const path of ["/nobeoka-shi/", "/ashiya-machi/"]) {
    const { context, page } = await open(browser, path);
    try {
      const links = (await printedLinks(page)).filter((l) => l.where !== "header" && !l.shown && l.printed && l.text !== l.href);
      assert.ok(links.length > 0, `${path} has in-text links`);
      const file = join(ARTIFACTS, `${path.replaceAll("/", "")}-links.pdf`);
      writeFileSync(file, await page.pdf({ format: "A4", printBackground: true, preferCSSPageSize: true }));
      const text = pdfWords(file).map((p) => p.text).join("").replace(/\s+/g, "");
      for (const link of links) assert.ok(text.includes(`<${link.href}>`), `${path}: the PDF shows <${link.href}> after 「${link.text}」`);
    } finally {
      await context.close();
    }
  }
});
