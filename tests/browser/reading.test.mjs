// The pages as readers meet them. Printed (Chromium's PDF, read back with poppler's
// `pdftotext -bbox`, and `pdfinfo`): at most two A4 pages, the company, the orderer and the
// start date on page 1, body text at 9.5 pt or more (no text under 8 pt, diagram labels under
// 7 pt), no section whose last block alone is pushed to page 2, no status badge, the
// confirmation date. On screen: the diagram's labels at least 12 CSS px at 375 and 1280 px; the
// QR code decodes (zbar) to its link.
// Everywhere (375 px, 1280 px, print): names, dates and terms never break across two lines.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { launch, open, visitEach, municipalityPaths, pdfWords, ARTIFACTS, BASE_URL, VERIFY_URL } from "./helpers.mjs";

/** Type at 7.95 pt and up is 8 pt type: boxes are rounded in the PDF. */
const MIN_TEXT_PT = 7.95;
const MIN_DIAGRAM_PT = 6.95;
const MIN_DIAGRAM_PX = 12;
/** The emptier printed page is at least this full (share of the page's height). */
const MIN_FILL = 0.6;
/** The printable width of an A4 page with the flyer's margins, in CSS px, for print layout. */
const A4_PRINT_WIDTH = 712;

let browser;
before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await launch();
});
after(async () => browser?.close());

for (const path of municipalityPaths()) {
  const name = path.replaceAll("/", "");

  test(`${path}: prints on at most two A4 pages at 9.5 pt, naming the company on page 1`, async () => {
    const { context, page } = await open(browser, path);
    try {
      await page.emulateMedia({ media: "print" });
      const facts = await page.evaluate(() => ({
        issuer: document.querySelector(".issuer").textContent.trim(),
        place: document.querySelector(".lead .place").textContent.trim(),
        start: document.querySelector(".lead time").textContent.trim(),
        status: document.querySelector(".lead .status")?.textContent.trim() ?? "運用中",
        confirmed: document.querySelector(".site-footer time").textContent.trim(),
        contact: document.querySelector("section.contact").textContent.replace(/お問い合わせ/, "").trim().slice(-40),
        labels: [...document.querySelectorAll("svg.mechanism-wide text")].map((t) => t.textContent.trim()),
        smallBody: [...document.querySelectorAll("main p:not(.note):not(.meta), main li, main dd, main dt")]
          .filter((el) => el.offsetParent !== null && el.textContent.trim() && !el.closest("figure, .kinds"))
          .map((el) => ({ text: el.textContent.trim().slice(0, 20), px: parseFloat(getComputedStyle(el).fontSize) }))
          .filter((b) => b.px < (9.5 * 96) / 72 - 0.01),
        sections: [...document.querySelectorAll("main section")].map((s) => {
          const blocks = [...s.querySelectorAll(":scope > p, :scope > ul, :scope > dl > div, :scope > .steps > *, :scope > blockquote")]
            .filter((b) => b.textContent.trim().length > 0);
          const tail = (el) => (el ? el.textContent.replace(/\s+/g, "").slice(-14) : null);
          return { head: s.querySelector("h2").textContent.replace(/\s+/g, ""), last: tail(blocks.at(-1)), before: tail(blocks.at(-2)) };
        }),
      }));
      assert.deepEqual(facts.smallBody, [], `body text under 9.5 pt in print on ${path}`);
      const file = join(ARTIFACTS, `${name}.pdf`);
      writeFileSync(file, await page.pdf({ format: "A4", printBackground: true, preferCSSPageSize: true }));
      const pages = pdfWords(file);
      const info = execFileSync("pdfinfo", [file], { encoding: "utf8" });
      assert.match(info, /Page size:\s+59[45](\.\d+)? x 84[12](\.\d+)? pts \(A4\)/, "A4 paper");
      assert.ok(pages.length <= 2, `${path} printed on ${pages.length} pages`);
      assert.equal(Number(/Pages:\s+(\d+)/.exec(info)[1]), pages.length);
      const squash = (text) => text.replace(/\s+/g, "");
      const [front, back = ""] = pages.map((p) => squash(p.text));
      const pageOf = (snippet) => (snippet === null ? -1 : front.includes(snippet) ? 1 : back.includes(snippet) ? 2 : 0);
      const orphaned = facts.sections
        .filter((s) => pageOf(s.head) === 1 && pageOf(s.last) === 2 && pageOf(s.before) === 1)
        .map((s) => `${s.head}: 「${s.last}」 alone on page 2`);
      assert.deepEqual(orphaned, [], `a section's last block orphaned on page 2 of ${path}`);
      for (const fact of [facts.issuer, facts.place, facts.start, "電子保証のご案内"]) {
        assert.ok(front.includes(squash(fact)), `page 1 of ${path} says 「${fact}」`);
      }
      assert.ok((front + back).includes(squash(facts.confirmed)), `the confirmation date ${facts.confirmed} is printed`);
      assert.ok(squash(front + back).includes(squash(facts.contact)), `the company's contact is printed`);
      const words = pages.flatMap((p) => p.words);
      assert.ok(!words.some((w) => w.text === facts.status), `the status badge 「${facts.status}」 does not print`);
      const isLabel = (w) => facts.labels.some((label) => label.includes(w.text));
      const small = words.filter((w) => !isLabel(w) && w.size < MIN_TEXT_PT).map((w) => `${w.text} (${w.size.toFixed(1)}pt)`);
      assert.deepEqual(small, [], `text under 8 pt on ${path}`);
      const labels = words.filter(isLabel);
      assert.ok(labels.length >= 10, `the diagram's labels are in the PDF (${labels.length})`);
      const tiny = labels.filter((w) => w.size < MIN_DIAGRAM_PT).map((w) => `${w.text} (${w.size.toFixed(1)}pt)`);
      assert.deepEqual(tiny, [], `diagram labels under 7 pt on ${path}`);
      if (pages.length === 2) {
        const fill = pages.map((p) => Math.max(...p.words.map((w) => w.yMax)) / p.height);
        assert.ok(fill[0] >= MIN_FILL, `page 1 is used before page 2: filled to ${fill.map((f) => Math.round(f * 100) + "%")}`);
      }
    } finally {
      await context.close();
    }
  });
}

for (const width of [375, 1280]) {
  test(`the mechanism diagram's labels are at least ${MIN_DIAGRAM_PX} CSS px at ${width} px`, async () => {
    for (const path of ["/ashiya-machi/", "/saiki-shi/"]) {
      const { context, page } = await open(browser, path, { width, height: 800 });
      try {
        const sizes = await page.evaluate(() => {
          const shown = [...document.querySelectorAll("svg.mechanism")].filter((svg) => svg.getBoundingClientRect().width > 0);
          return shown.flatMap((svg) => {
            const scale = svg.getScreenCTM().a;
            return [...svg.querySelectorAll("text")].map((t) => ({ text: t.textContent, px: parseFloat(getComputedStyle(t).fontSize) * scale }));
          });
        });
        assert.ok(sizes.length >= 15, `one diagram is shown at ${width}px (${sizes.length} labels)`);
        const small = sizes.filter((s) => s.px < MIN_DIAGRAM_PX).map((s) => `${s.text} (${s.px.toFixed(1)}px)`);
        assert.deepEqual(small, [], `labels under ${MIN_DIAGRAM_PX}px on ${path} at ${width}px`);
      } finally {
        await context.close();
      }
    }
  });
}

/** The QR code decodes (zbar) to the address the link beside it shows. */
test("the QR code reads as the link printed beside it", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 4 });
  try {
    const page = await context.newPage();
    await page.goto(BASE_URL + "/ashiya-machi/");
    const file = join(ARTIFACTS, "qr-ashiya-machi.png");
    await page.locator("svg.qr").screenshot({ path: file });
    const decoded = execFileSync("zbarimg", ["--raw", "-q", file], { encoding: "utf8" }).trim();
    assert.equal(decoded, await page.getAttribute(".video .url a", "href"));
  } finally {
    await context.close();
  }
});

test("step ③ of the diagram shows what the orderer's rules have handed over", async () => {
  for (const [path, expected] of [["/saiki-shi/", /保証証書/], ["/ashiya-machi/", /^(?!.*保証証書)/]]) {
    const { context, page } = await open(browser, path);
    try {
      // Its two lines: 「③ お知らせ・」「保証証書を提出」.
      const lines = await page.locator("svg.mechanism-wide text").allTextContents();
      const at = lines.findIndex((line) => line.includes("③"));
      const label = lines.slice(at, at + 2).join("");
      assert.match(label, expected, `${path}: 「${label}」`);
    } finally {
      await context.close();
    }
  }
});

/** Occurrences of `phrases` in the page's text that are laid out on more than one line. */
async function splitPhrases(page, phrases) {
  return page.evaluate((phrases) => {
    const nodes = [];
    let text = "";
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, {
      acceptNode: (n) => (n.parentElement.closest("svg, script, style, noscript") ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
    });
    while (walker.nextNode()) {
      nodes.push({ node: walker.currentNode, at: text.length });
      text += walker.currentNode.data;
    }
    const locate = (offset) => {
      let i = nodes.length - 1;
      while (i > 0 && nodes[i].at > offset) i--;
      return [nodes[i].node, offset - nodes[i].at];
    };
    const split = [];
    let checked = 0;
    for (const phrase of phrases) {
      for (let i = text.indexOf(phrase); i >= 0; i = text.indexOf(phrase, i + 1)) {
        const range = document.createRange();
        range.setStart(...locate(i));
        range.setEnd(...locate(i + phrase.length - 1));
        range.setEnd(range.endContainer, range.endOffset + 1);
        const rects = [...range.getClientRects()].filter((r) => r.width > 0 && r.height > 0);
        if (rects.length === 0) continue;
        checked++;
        const lowestTop = Math.max(...rects.map((r) => r.top));
        const highestBottom = Math.min(...rects.map((r) => r.bottom));
        if (lowestTop >= highestBottom) split.push(phrase);
      }
    }
    return { split, checked };
  }, phrases);
}

for (const [label, viewport, media] of [
  ["375 px", { width: 375, height: 800 }, "screen"],
  ["1280 px", { width: 1280, height: 900 }, "screen"],
  ["print", { width: A4_PRINT_WIDTH, height: 1000 }, "print"],
]) {
  test(`names, dates and terms never break across lines (${label})`, async () => {
    let checked = 0;
    await visitEach(browser, ["/", ...municipalityPaths(), VERIFY_URL], viewport, async (page, path) => {
      const phrases = await page.evaluate(() => {
        const found = new Set(["e-Net保証", "D-Sure", "西日本建設業保証株式会社", "インターネット保証サービス", "発注者用保証確認サービス", "電子証書", "保証契約番号", "認証キー等のお知らせ"]);
        for (const el of document.querySelectorAll("time, .place, th[scope=row] a")) found.add(el.textContent.trim());
        for (const m of document.body.innerText.matchAll(/「[^「」]{1,16}」/g)) found.add(m[0]);
        for (const m of document.body.innerText.matchAll(/(令和|平成)[0-9元]+年(\([0-9]{4}年\))?[0-9]+月([0-9]+日)?/g)) found.add(m[0]);
        return [...found].filter((p) => p.length > 1);
      });
      const result = await splitPhrases(page, phrases);
      checked += result.checked;
      assert.deepEqual(result.split.map((p) => `${path} ${p}`), [], `phrases split across lines at ${label}`);
    }, { media });
    assert.ok(checked > 500, `enough phrases were laid out and checked (${checked})`);
  });
}
