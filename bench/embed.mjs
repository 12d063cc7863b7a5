// The embed as a website ships it, in headless Chromium on 127.0.0.1: what each file costs
// (gzip -9 bytes) and how long from navigation to the first score and to the sales CTA, for a
// first visit and for a returning MQL, on the demo (with its debug overlay) and on a production
// page (tests/browser/pages/t/shop: the embed alone), and the bar: that page with the embed's tag
// replaced by the scorer written by hand for the model (bench/bar-page.js, which imports
// bench/hand-scorer.mjs as the embed imports the module). Medians of --runs (default 15) page loads,
// each in a fresh browser context: a first visit starts with an empty HTTP cache, a returning
// visitor has the files cached from the pages before (served with max-age=3600). Strict CSP.
// Usage: node bench/embed.mjs [--runs 15] [--site www] [--latency 0]   (--site: another build of
// the demo to compare; --latency: each request's round trip in ms, as Chromium emulates a network,
// for what a visitor away from the server waits)
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import { launchChromium } from "../scripts/chromium.mjs";
import { serve } from "../scripts/serve.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const runs = Number(arg("runs", 15));
const www = arg("site", `${root}www`);
const latency = Number(arg("latency", 0));

const gz = (file) => gzipSync(readFileSync(file), { level: 9 }).length;
// The files as the site serves them (scripts/build-site.sh copies pkg/web to www/pkg).
const pkg = `${www}/pkg`;
const snippets = readdirSync(`${pkg}/snippets`, { recursive: true }).filter((f) => f.endsWith(".js"));
const liteSnippets = existsSync(`${pkg}/lite/snippets`) ? readdirSync(`${pkg}/lite/snippets`, { recursive: true }).filter((f) => f.endsWith(".js")) : [];
const files = [
  ["embed/mqlscore-embed.js (the tag)", gz(`${pkg}/embed/mqlscore-embed.js`)],
  ["lite/mqlscore.js (the small module's glue, its snippets bundled in; a production page and the demo)", gz(`${pkg}/lite/mqlscore.js`) + liteSnippets.reduce((s, f) => s + gz(`${pkg}/lite/snippets/${f}`), 0)],
  ["lite/mqlscore_bg.wasm (the small scoring module; a production page and the demo)", gz(`${pkg}/lite/mqlscore_bg.wasm`)],
  ["models/b2b-saas.mqlc (the site's model, compiled; a production page and the demo)", gz(`${www}/models/b2b-saas.mqlc`)],
  ["mqlscore.js + snippets (the full module's glue; the overlay, to score a document)", gz(`${pkg}/mqlscore.js`) + snippets.reduce((s, f) => s + gz(`${pkg}/snippets/${f}`), 0)],
  ["mqlscore_bg.wasm (the full scoring module; the overlay, to score a document)", gz(`${pkg}/mqlscore_bg.wasm`)],
  ["models/b2b-saas.json (the site's model document; the demo's overlay)", gz(`${root}models/b2b-saas.json`)],
  ["embed/mqlscore-debug.js (overlay, on request)", gz(`${pkg}/embed/mqlscore-debug.js`)],
  ["train/ (training module, on request)", gz(`${pkg}/train/mqlscore_bg.wasm`) + gz(`${pkg}/train/mqlscore.js`)],
];

// Records when the first score and the sales CTA appeared (the embed's performance marks, or for
// an older embed without them: the panel's event count and the CTA's text as they change).
function observe() {
  window.seenAt = {};
  const look = () => {
    const now = performance.now();
    if (window.seenAt.cta === undefined && [...document.querySelectorAll("[data-mql-cta]")].some((e) => /sales/i.test(e.textContent))) window.seenAt.cta = now;
    if (window.seenAt.score === undefined && document.querySelector("#mqlscore-panel:not([data-events='0'])[data-events]")) window.seenAt.score = now;
  };
  new MutationObserver(look).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
}

async function load(context, url) {
  const page = await context.newPage();
  if (latency > 0) {
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency, downloadThroughput: -1, uploadThroughput: -1 });
  }
  await page.goto(url, { waitUntil: "load" });
  await page.waitForFunction(() => performance.getEntriesByName("mqlscore:first-score").length || window.seenAt.score !== undefined);
  const t = await page.evaluate(() => {
    const mark = (name) => performance.getEntriesByName(name)[0]?.startTime;
    return {
      score: mark("mqlscore:first-score") ?? window.seenAt.score,
      cta: mark("mqlscore:cta") ?? window.seenAt.cta ?? null,
      fcp: performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? null,
    };
  });
  await page.close();
  return t;
}

// The bar: the production page made here with the hand-written scorer's tag in place of the
// embed's, so that the two stay the same page (served at /bar/; its scripts from bench/).
const barRoot = mkdtempSync(`${tmpdir()}/mqlscore-bar-`);
const shop = readFileSync(`${root}tests/browser/pages/t/shop/index.html`, "utf8");
const embedTag = /<script src="\/pkg\/embed\/mqlscore-embed\.js"[^>]*><\/script>/;
if (!embedTag.test(shop)) throw new Error("tests/browser/pages/t/shop/index.html: the embed's tag was not found");
mkdirSync(`${barRoot}/bar`);
writeFileSync(`${barRoot}/bar/index.html`, shop.replace(embedTag, '<script src="/bar-page.js"></script>'));
const server = await serve({ root: www, also: [`${root}tests/browser/pages`, barRoot, `${root}bench`], port: 0, cacheControl: "max-age=3600" });
const base = `http://127.0.0.1:${server.address().port}`;
const browser = await launchChromium();
const median = (xs) => {
  const s = xs.filter((x) => x !== null).sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : null;
};

const scenarios = [
  ["demo /pricing, first visit", "/pricing", null],
  ["demo /, returning MQL", "/", ["/", "/product", "/pricing", "/pricing"]],
  ["production page, first visit", "/t/shop/", null],
  ["production page, returning MQL", "/t/shop/", ["/t/shop/"]],
  ["the same page scored by the hand-written scorer (the bar), first visit", "/bar/", null],
];
const rows = [];
for (const [name, path, before] of scenarios) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext();
    await context.addInitScript(observe);
    if (before) {
      for (const p of before) await load(context, base + p);
      if (path === "/t/shop/") {
        const page = await context.newPage();
        await page.goto(base + path);
        await page.evaluate(async () => {
          await window.mqlscore.ready;
          for (const p of ["/product", "/pricing", "/pricing"]) window.mqlscore.page({ path: p });
        });
        await page.close();
      }
    }
    times.push(await load(context, base + path));
    await context.close();
  }
  rows.push([name, median(times.map((t) => t.fcp)), median(times.map((t) => t.score)), before ? median(times.map((t) => t.cta)) : null]);
}
await browser.close();
server.close();
rmSync(barRoot, { recursive: true, force: true });

const ms = (x) => (x === null ? "—" : `${x.toFixed(1)} ms`);
console.log(`\nthe embed in Chromium (${www.replace(root, "")}, ${runs} loads each, medians from navigation start${latency ? `, ${latency} ms per round trip` : ""})`);
console.log("| page | first contentful paint | first score | sales CTA |\n|---|---:|---:|---:|");
for (const [name, fcp, score, cta] of rows) console.log(`| ${name} | ${ms(fcp)} | ${ms(score)} | ${ms(cta)} |`);
console.log("\n| file | gzip -9 bytes |\n|---|---:|");
for (const [file, bytes] of files) console.log(`| ${file} | ${bytes.toLocaleString("en-US")} |`);
