// The demo site end to end in Debian's headless Chromium, driven by playwright-core.
// Needs the site built (scripts/build-site.sh); the test command does that first.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { root, useSite } from "./harness.mjs";

const artifacts = `${root}test-artifacts`;
mkdirSync(artifacts, { recursive: true });
const site = useSite();
const visitor = () => site.visitor();

/** Waits until the panel has scored `n` events in this session. */
const scored = (page, n) => page.waitForSelector(`#mqlscore-panel[data-events="${n}"]`, { state: "attached" });
const text = (page, id) => page.locator(`[data-testid=${id}]`).innerText();
const rules = (page) => page.locator("[data-testid=reasons] li").evaluateAll((lis) => lis.map((li) => li.dataset.rule));

async function open(page, path, events) {
  await page.goto(site.base + path);
  await scored(page, events);
}

test("browsing home, product, pricing, pricing flips the MQL flag on the second pricing view", async () => {
  const page = await visitor();
  await open(page, "/", 1);
  const steps = [];
  steps.push([await text(page, "score"), await text(page, "mql-status"), await page.locator(".site-header [data-mql-cta]").innerText()]);
  for (const [link, n] of [["Product", 2], ["Pricing", 3], ["Pricing", 4]]) {
    await page.locator(".site-header nav a", { hasText: link }).first().click();
    await scored(page, n);
    steps.push([await text(page, "score"), await text(page, "mql-status"), await page.locator(".site-header [data-mql-cta]").innerText()]);
  }
  assert.deepEqual(steps, [
    ["1", "Not an MQL yet", "Start a free trial"],
    ["7", "Not an MQL yet", "Start a free trial"],
    ["23", "Not an MQL yet", "Start a free trial"],
    ["59", "Sales-ready, not yet identified: handed to sales once they give an email", "Talk to sales"],
  ]);
  assert.deepEqual(await rules(page), ["pricing", "pricing-return", "product", "site-visit"]);
  const reasons = await page.locator("[data-testid=reasons] li").allInnerTexts();
  assert.equal(reasons[0], "+30 Viewed pricing: twice in the last 30 days (+30, halving every 14 days)");
  assert.match(await text(page, "toast"), /just became an MQL \(D2\): Viewed pricing/);
  assert.deepEqual(await page.locator("main [data-mql-cta]").allInnerTexts(), ["Talk to sales", "Talk to sales", "Talk to sales"]);
  assert.equal(await page.locator("[data-testid=timeline] li").count(), 4);
  await page.screenshot({ path: `${artifacts}/qualified.png`, fullPage: false });

  await page.reload();
  await scored(page, 5);
  assert.equal(await text(page, "mql-status"), "Sales-ready, not yet identified: handed to sales once they give an email", "the session survived the reload");
  assert.equal(await text(page, "score"), "60", "the reload is one more pricing view (the pricing rule is capped at 30)");
  assert.equal(await page.locator("[data-testid=toast]").isVisible(), false, "the MQL toast is said once");
});

test("a competitor's email disqualifies, and the sales CTA never shows", async () => {
  const page = await visitor();
  await open(page, "/pricing", 1);
  await page.locator("summary", { hasText: "About me" }).click();
  await page.locator("[data-testid=about-form] input[name=email]").fill("spy@rivalytics.com");
  await page.locator("[data-testid=about-form] input[name=title]").fill("CEO");
  await page.locator("[data-testid=about-form] button").click();
  await scored(page, 2);
  assert.equal(await text(page, "mql-status"), "Disqualified: Works at a competitor");
  await open(page, "/pricing", 3);
  await open(page, "/whitepaper", 4);
  await page.locator("main button[data-mql-track]").click();
  await scored(page, 5);
  assert.ok(Number(await text(page, "score")) >= 50, "the points alone would qualify");
  assert.equal(await text(page, "mql-status"), "Disqualified: Works at a competitor");
  assert.equal(await page.locator(".site-header [data-mql-cta]").innerText(), "Start a free trial");
  assert.equal(await page.locator("main .thanks").innerText(), "Thanks! The playbook is on its way to your inbox.");
});

test("a demo request identifies the visitor and moves both halves", async () => {
  const page = await visitor();
  await open(page, "/contact", 1);
  await page.locator("#demo-form input[name=email]").fill("ann@acme.com");
  await page.locator("#demo-form input[name=title]").fill("VP Sales");
  await page.locator("#demo-form button").click();
  await scored(page, 3);
  assert.equal(await page.locator("#demo-form .thanks").isVisible(), true);
  assert.deepEqual((await rules(page)).slice(0, 3), ["demo-request", "exec-title", "business-email"]);
  assert.equal(await text(page, "grade"), "B2");
  assert.match(await page.locator("[data-testid=bar-fit]").innerText(), /Fit 35/);
  assert.equal(await text(page, "mql-status"), "MQL: ready for sales", "an MQL with an email: sales can reach them");
});

test("a corrupt saved session starts afresh with a visible notice", async () => {
  const page = await visitor();
  await open(page, "/pricing", 1);
  await open(page, "/pricing", 2);
  await page.evaluate(() => localStorage.setItem("mqlscore.session", "AQ~not-a-session"));
  await page.reload();
  await scored(page, 1);
  assert.match(await text(page, "notices"), /the saved session could not be read \(saved: character 2 is not URL-safe base64\), so a fresh session has started/);
  assert.equal(await text(page, "score"), "16");
});

test("an invalid model shows the engine's errors and keeps the old model running", async () => {
  const page = await visitor();
  const fetched = [];
  page.on("request", (r) => fetched.push(new URL(r.url()).pathname));
  await open(page, "/pricing", 1);
  assert.ok(fetched.includes("/pkg/lite/mqlscore_bg.wasm") && fetched.includes("/models/b2b-saas.mqlc"), `the small module scores the compiled model: ${fetched}`);
  assert.ok(fetched.includes("/models/b2b-saas.json"), `the overlay reads the model's document: ${fetched}`);
  assert.ok(!fetched.includes("/pkg/mqlscore_bg.wasm"), `the full module waits for a document to check: ${fetched}`);
  await page.locator("button[data-action=model]").click();
  const editor = page.locator("[data-testid=model-json]");
  const model = JSON.parse(await editor.inputValue());
  model.engagement.rules[2].halfLifeDays = 0;
  model.thresholds = {};
  await editor.fill(JSON.stringify(model, null, 2));
  await page.locator("button[data-action=apply]").click();
  await page.locator("[data-testid=model-errors] li.keep").waitFor();
  assert.ok(fetched.includes("/pkg/mqlscore_bg.wasm"), "the full module loaded to check the document");
  assert.deepEqual(await page.locator("[data-testid=model-errors] li").allInnerTexts(), [
    "engagement.rules[2].halfLifeDays: must be greater than 0",
    "thresholds: needs at least one of fit, engagement, total",
    "The current model (b2b-saas@1) keeps running.",
  ]);
  await open(page, "/product", 2);
  assert.equal(await text(page, "score"), "22", "still scored by the original model");

  await page.locator("button[data-action=model]").click();
  const fixed = JSON.parse(await editor.inputValue());
  fixed.version = 2;
  fixed.engagement.rules[2].points = 25;
  await editor.fill(JSON.stringify(fixed));
  await page.locator("button[data-action=apply]").click();
  await page.waitForSelector("[data-testid=notices] >> text=Re-scored 2 events under b2b-saas@2.");
  assert.equal(await text(page, "score"), "32");
  assert.equal(await text(page, "model"), "b2b-saas@2");
  await open(page, "/", 3);
  assert.equal(await text(page, "model"), "b2b-saas@2", "the edited model persists across pages");
});

test("without the model's document the overlay still scores with the compiled model, and says what it cannot show", async () => {
  const page = await visitor();
  // Served, but not a document (a 404 would be a console error, which the harness refuses).
  await page.route("**/models/b2b-saas.json", (route) => route.fulfill({ status: 200, contentType: "text/html", body: "<h1>moved</h1>" }));
  await open(page, "/pricing", 1);
  assert.equal(await text(page, "score"), "16");
  assert.match(await text(page, "notices"), /The site model's document \(the \.json beside the compiled model\) could not be fetched/);
  assert.equal(await page.locator("[data-testid=bar-total]").innerText(), "Total 16", "no threshold without the document");
});

test("time travel shows decay and windows", async () => {
  const page = await visitor();
  await open(page, "/product/analytics", 1);
  assert.equal(await text(page, "score"), "6");
  await page.locator("button[data-action=week]").click();
  await page.waitForSelector("[data-testid=clock] >> text=clock: +7 days");
  assert.equal(await text(page, "score"), "5.25", "product pages halve every 30 days: 1 + 5 × 2^(-7/30)");
  for (let i = 0; i < 4; i++) await page.locator("button[data-action=week]").click();
  await page.waitForSelector("[data-testid=clock] >> text=clock: +35 days");
  assert.equal(await text(page, "score"), "2.23", "the site visit left its 30-day window");
  await open(page, "/pricing", 2);
  const timeline = await page.locator("[data-testid=timeline] li").allInnerTexts();
  assert.equal(timeline.length, 2);
  assert.notEqual(timeline[0].slice(0, 6), timeline[1].slice(0, 6), "the new event is stamped 35 days later");
});

test("learning the points from a labeled file shows what it yields and a conversion probability", async () => {
  const page = await visitor();
  const fetched = [];
  page.on("request", (r) => fetched.push(new URL(r.url()).pathname));
  await open(page, "/pricing", 1);
  assert.ok(fetched.includes("/pkg/lite/mqlscore_bg.wasm"), "the scoring module loads");
  assert.ok(!fetched.some((p) => p.startsWith("/pkg/train/")), `the training module waits for a file: ${fetched}`);
  await page.locator("button[data-action=model]").click();
  assert.equal(await page.locator("[data-testid=probability]").isVisible(), false, "a hand-written model has no probability");
  await page.locator("[data-testid=training-file]").setInputFiles(`${root}www/data/sample-leads.jsonl`);
  const report = page.locator("[data-testid=training-report] li");
  await report.first().waitFor();
  const lines = await report.allInnerTexts();
  assert.ok(fetched.includes("/pkg/train/mqlscore_bg.wasm"), "the training module loaded for the file");
  assert.match(lines[0], /^2000 leads, \d+ converted\. Ranking \(AUC, hold-out\): learned 0\.\d+ vs this model 0\.\d+\.$/);
  assert.match(lines[1], /^MQL at total >= [\d.]+: 2\d\.\d% of leads/);
  // What-if: the curve, the recommended threshold marked, a slider that says what a threshold
  // means in MQLs a month and in the share that convert.
  const whatIf = page.locator("[data-testid=what-if]");
  assert.equal(await whatIf.locator("polyline").count(), 3, "MQL rate, precision, recall");
  assert.equal(await whatIf.locator("[data-testid=recommended-threshold]").count(), 1);
  const says = whatIf.locator("[data-testid=what-if-says]");
  const recommended = await says.innerText();
  const chosen = lines[1].match(/^MQL at total >= ([\d.]+)/)[1];
  assert.match(recommended, new RegExp(`^MQL at total >= ${chosen.replace(".", "\\.")} \\(recommended\\): 2\\d\\.\\d% of leads \\(about \\d+ a month\\), \\d+\\.\\d% of them convert, \\d+\\.\\d% of converted leads caught\\.$`));
  const slider = whatIf.locator("[data-testid=threshold-slider]");
  const rate = (t) => Number(t.match(/: ([\d.]+)% of leads/)[1]);
  const perMonth = (t) => Number(t.match(/about (\d+) a month/)[1]);
  await slider.evaluate((el) => { el.value = String(Number(el.max)); el.dispatchEvent(new Event("input")); });
  const lowest = await says.innerText();
  assert.equal(rate(lowest), 100, `the lowest threshold makes everyone an MQL: ${lowest}`);
  assert.ok(perMonth(lowest) > perMonth(recommended), `${lowest} vs ${recommended}`);
  assert.match(lowest, /100\.0% of converted leads caught/);
  await slider.evaluate((el) => { el.value = "0"; el.dispatchEvent(new Event("input")); });
  const highest = await says.innerText();
  assert.ok(rate(highest) < rate(recommended), `${highest} vs ${recommended}`);
  await page.locator("[data-testid=apply-learned]").click();
  await page.waitForSelector("[data-testid=notices] >> text=Re-scored 1 events under b2b-saas@1-learned-1.");
  assert.match(await text(page, "probability"), /^\d+%$/);
  assert.equal(await text(page, "model"), "b2b-saas@1-learned-1");
});

test("reset session forgets the visitor", async () => {
  const page = await visitor();
  await open(page, "/pricing", 1);
  await page.locator("button[data-action=reset]").click();
  await scored(page, 0);
  assert.equal(await text(page, "score"), "0");
  await page.reload();
  await scored(page, 1);
  assert.equal(await text(page, "score"), "16");
});
