// How Japanese lines actually break, read from the laid-out line boxes (Range.getClientRects
// per character, never the markup), on every page at 375 px and in print: mail addresses,
// telephone numbers, URLs and subject examples stay on one line; ご/お stay with their word; no
// line starts with a particle after a word; no particle is left alone at the end of a line; もの
// and こと stay with their clause; no block ends in a line of one or two characters.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, visitEach, sitePaths } from "./helpers.mjs";

/** The printable width of an A4 page with the flyer's margins, in CSS px, for print layout. */
const A4_PRINT_WIDTH = 712;

let browser;
before(async () => {
  browser = await launch();
});
after(async () => browser?.close());

/**
 * Every block's text as the lines it is laid out on: a character starts a new line when its
 * box lies below the previous character's.
 */
export async function laidOutLines(page) {
  return page.evaluate(() => {
    const blockOf = (node) => {
      let el = node.parentElement;
      while (el && getComputedStyle(el).display.startsWith("inline")) el = el.parentElement;
      return el;
    };
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, {
      acceptNode: (n) => (n.parentElement.closest("svg, script, style, noscript, .skip") ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
    });
    const blocks = new Map();
    const range = document.createRange();
    const place = (lines, ch, rect) => {
      const last = lines[lines.length - 1];
      if (!last || rect.top >= last.bottom - 1) {
        if (/^\s$/.test(ch)) return; // a space at a line's start is not laid out there
        lines.push({ text: ch, top: rect.top, bottom: rect.bottom });
      } else {
        last.text += ch;
        last.bottom = Math.max(last.bottom, rect.bottom);
      }
    };
    // What print writes after a link (its address, ::after) is laid out but is no text node:
    // it is read as one character 「>」 where the link's last box ends, so that the text after
    // it is seen on the line it is on.
    const lastTextOf = (el) => {
      const inner = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      let last = null;
      while (inner.nextNode()) last = inner.currentNode;
      return last;
    };
    while (walker.nextNode()) {
      const node = walker.currentNode;
      const block = blockOf(node);
      if (!blocks.has(block)) blocks.set(block, []);
      const lines = blocks.get(block);
      const chars = [...node.data];
      let offset = 0;
      for (const ch of chars) {
        range.setStart(node, offset);
        range.setEnd(node, offset + ch.length);
        offset += ch.length;
        if (ch === "\u2060") continue; // a word joiner: read the words it joins, not it
        const rect = [...range.getClientRects()].find((r) => r.height > 0);
        if (rect) place(lines, ch, rect);
      }
      const link = node.parentElement.closest("a");
      const after = link && getComputedStyle(link, "::after").content;
      if (after && after !== "none" && after !== "normal" && lastTextOf(link) === node) {
        const rect = [...link.getClientRects()].filter((r) => r.height > 0).at(-1);
        if (rect) place(lines, ">", rect);
      }
    }
    return [...blocks.values()].filter((lines) => lines.length > 0).map((lines) => lines.map((l) => l.text));
  });
}

const PARTICLE = "をにがはへでとのもや";
const HIRAGANA = /[\u3041-\u309F]/;
const PUNCTUATION = /[\u3000-\u303F\uFF01-\uFF0F\uFF1A-\uFF20!-\/:-@\[-`{-~\s]/;
/** What must sit on one line: mail addresses, telephone numbers, URLs, subject examples. */
const WHOLE = [
  /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]+/g,
  /0\d{1,4}-\d{1,4}-\d{3,4}/g,
  /https?:\/\/[A-Za-z0-9./_%#?=~-]+/g,
  /[^\s、。（）()「」：:]+_[^\s、。（）()「」：:]+/g,
];

/** Every way the lines of `blocks` break badly. */
export function badBreaks(blocks) {
  const found = [];
  for (const lines of blocks) {
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i].trimEnd();
      const next = lines[i + 1];
      const shown = () => `「${line.slice(-12)}｜${(next ?? "").slice(0, 12)}」`;
      if (!next) continue;
      const last = line.slice(-1);
      const first = next[0];
      if ((last === "ご" || last === "お") && !PUNCTUATION.test(first)) found.push(`ご/お parted ${shown()}`);
      if (PARTICLE.includes(first) && !/^(です|でき)/.test(next) && line.length > 0 && !HIRAGANA.test(last)) found.push(`a line starts with a particle ${shown()}`);
      if (PARTICLE.includes(last) && (line.length === 1 || /[\u3000-\u9FFF]\s$/.test(line.slice(-3, -1))))
        found.push(`a particle left alone ${shown()}`);
      // 形式名詞: 「印刷した｜もの」 parts what the clause before defines.
      if (/^(もの|こと)/.test(next) && HIRAGANA.test(last)) found.push(`a formal noun parted ${shown()}`);
      // A block's last line of one or two characters (「…発注者へ｜提出」) reads as a leftover.
      if (i === lines.length - 2 && next.trim() !== ">" && [...next].filter((c) => !PUNCTUATION.test(c)).length <= 2 && /\S/.test(next))
        found.push(`a word stranded on the last line ${shown()}`);
    }
    const text = lines.join("");
    const starts = [];
    lines.reduce((at, line) => (starts.push(at), at + line.length), 0);
    for (const pattern of WHOLE) {
      for (const m of text.matchAll(pattern)) {
        const end = m.index + m[0].length;
        const inside = starts.filter((at) => at > m.index && at < end);
        if (inside.length > 0) found.push(`broken: 「${text.slice(m.index, inside[0])}｜${text.slice(inside[0], end)}」`);
      }
    }
  }
  return found;
}

for (const [label, viewport, media] of [
  ["375 px", { width: 375, height: 800 }, "screen"],
  ["print", { width: A4_PRINT_WIDTH, height: 1000 }, "print"],
]) {
  test(`lines break between phrases only, on every page (${label})`, async () => {
    const problems = [];
    let lines = 0;
    await visitEach(browser, sitePaths(), viewport, async (page, path) => {
      const blocks = await laidOutLines(page);
      lines += blocks.reduce((n, b) => n + b.length, 0);
      problems.push(...badBreaks(blocks).map((p) => `${path} ${p}`));
    }, { media });
    assert.ok(lines > 1000, `enough lines were laid out and read (${lines})`);
    assert.deepEqual(problems, [], `bad line breaks at ${label}`);
  });
}

test("the checker itself sees each kind of bad break", () => {
  const bad = badBreaks([
    ["お客様がご", "提出ください"],
    ["「発注者」", "へご提出ください"],
    ["鳥取県東部広域行政管理組合 で", "運用開始"],
    ["送付先は so-", "mu@east.tottori.tottori.jp です"],
    ["電話 0940-", "43-8196"],
    ["（例：四建単第○号_", "株式会社□□建設）"],
    ["電子証書を印刷した", "ものは提出できません"],
    ["STEP 4　認証キー等の取得 及び発注者へ", "提出"],
  ]);
  assert.equal(bad.length, 8, bad.join("\n"));
  assert.deepEqual(badBreaks([["ご提出ください。", "お手続きがスムーズです。"], ["メールの件名は", "「【契約保証】○○」"]]), []);
});
