// Shared set-up: Debian's Chromium through playwright-core, against the server that
// tests/site-checks.sh started (BASE_URL), and the site it built (SITE_DIR) from the frozen
// fixture generator/tests/testsuite/fixtures/sites/real-2026-11, so that the pages named here
// (ashiya-machi, saiki-shi) are always there.
import { chromium } from "playwright-core";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { execFileSync } from "node:child_process";

export const BASE_URL = process.env.BASE_URL || "http://127.0.0.1:8787";
// The verify site, on its own origin with the API (verifier serve --verify-site).
export const VERIFY_URL = process.env.VERIFY_URL || "http://127.0.0.1:8788/";
export const SITE_DIR = process.env.SITE_DIR || "../../public";
export const ARTIFACTS = new URL("./artifacts/", import.meta.url).pathname;

export const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

export async function launch() {
  return chromium.launch({ executablePath: process.env.CHROME_PATH || "/usr/bin/chromium", args: CHROMIUM_ARGS });
}

/** Every page the sitemap lists, as local paths, plus the 404 page. */
export function sitePaths() {
  const sitemap = readFileSync(join(SITE_DIR, "sitemap.xml"), "utf8");
  const paths = [...sitemap.matchAll(/<loc>https?:\/\/[^/]+(\/[^<]*)<\/loc>/g)].map((m) => m[1]);
  if (paths.length < 4) throw new Error(`sitemap lists too few pages: ${paths}`);
  return [...paths, "/404.html"];
}

/** The 47 prefectures' pages, in JIS order (generator/src/content/prefectures.rs). */
export const PREFECTURE_SLUGS = [
  "hokkaido", "aomori", "iwate", "miyagi", "akita", "yamagata", "fukushima", "ibaraki", "tochigi", "gunma",
  "saitama", "chiba", "tokyo", "kanagawa", "niigata", "toyama", "ishikawa", "fukui", "yamanashi", "nagano",
  "gifu", "shizuoka", "aichi", "mie", "shiga", "kyoto", "osaka", "hyogo", "nara", "wakayama",
  "tottori", "shimane", "okayama", "hiroshima", "yamaguchi", "tokushima", "kagawa", "ehime", "kochi", "fukuoka",
  "saga", "nagasaki", "kumamoto", "oita", "miyazaki", "kagoshima", "okinawa",
];

export function prefecturePaths() {
  return PREFECTURE_SLUGS.map((slug) => `/${slug}/`);
}

/** The orderers' pages: every page of the sitemap but the site's own and the prefectures'. */
export function municipalityPaths() {
  const own = ["/", "/accessibility/", "/404.html", ...prefecturePaths()];
  return sitePaths().filter((p) => !own.includes(p));
}

/**
 * Opens a page (a path of the guidance site, or a whole address such as the verify site's) and
 * records console errors, failed requests and requests to origins other than the page's own.
 */
export async function open(browser, path, viewport = { width: 1280, height: 900 }, options = {}) {
  const context = await browser.newContext({ viewport, locale: "ja-JP", ...options });
  const page = await context.newPage();
  const problems = [];
  const address = /^https?:/.test(path) ? path : BASE_URL + path;
  const origin = new URL(address).origin;
  page.on("console", (msg) => { if (msg.type() === "error") problems.push(`console: ${msg.text()}`); });
  page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
  // net::ERR_ABORTED is the browser cancelling a request itself when the test navigates on (the
  // favicon, fetched after "load", is the usual one); a request the server fails is reported.
  page.on("requestfailed", (req) => {
    const reason = req.failure()?.errorText;
    if (reason !== "net::ERR_ABORTED") problems.push(`failed: ${req.url()} ${reason}`);
  });
  page.on("response", (res) => {
    // A sub-resource the page needs and the server does not have (answers to the verify API's
    // fetches, refusals included, are the tests' own business).
    const needed = ["stylesheet", "script", "image", "font"].includes(res.request().resourceType());
    if (needed && res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.url()}`);
  });
  page.on("request", (req) => {
    const url = req.url();
    if (!url.startsWith(origin) && !url.startsWith("data:")) problems.push(`other origin: ${url}`);
  });
  const response = await page.goto(address, { waitUntil: "load" });
  return { context, page, problems, response };
}

/**
 * Visits each of `paths` in turn in one tab (`page.goto` from page to page), calling
 * `visit(page, path)` on each once it has loaded: for the checks run on every page, where a new
 * browser context per page cost more than the checks themselves. `media` ("print") is emulated
 * throughout.
 */
export async function visitEach(browser, paths, viewport, visit, { media } = {}) {
  const context = await browser.newContext({ viewport, locale: "ja-JP" });
  try {
    const page = await context.newPage();
    if (media) await page.emulateMedia({ media });
    for (const path of paths) {
      await page.goto(/^https?:/.test(path) ? path : BASE_URL + path, { waitUntil: "load" });
      await visit(page, path);
    }
  } finally {
    await context.close();
  }
}

/**
 * What poppler reads from a printed PDF (`pdftotext -bbox`): per page, its height and every
 * word with its box in points. A word's box is as tall as its font size for the CID fonts
 * Chromium embeds; synthetic-bold glyphs (Type 3) get taller boxes, so sizes read from boxes
 * are never smaller than the type — a minimum over them is a sound lower bound check.
 */
export function pdfWords(pdfPath) {
  const xhtml = execFileSync("pdftotext", ["-bbox", pdfPath, "-"], { encoding: "utf8", maxBuffer: 64 << 20 });
  const pages = [];
  for (const page of xhtml.split("<page ").slice(1)) {
    const height = Number(/height="([\d.]+)"/.exec(page)[1]);
    const words = [...page.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g)]
      .map((m) => ({ xMin: +m[1], yMin: +m[2], xMax: +m[3], yMax: +m[4], size: +m[4] - +m[2], text: decodeEntities(m[5]) }));
    pages.push({ height, words, text: words.map((w) => w.text).join(" ") });
  }
  return pages;
}

function decodeEntities(text) {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, "&");
}
