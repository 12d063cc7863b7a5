// The embed a website ships (pkg/web/embed/mqlscore-embed.js), on test pages that use it as a
// site would: no debug overlay, CSS and DOM-event personalisation, a single-page app, consent
// (the API and an IAB TCF consent manager), calls queued before it loads, and a returning MQL's
// first paint. Every page is served under the strict CSP; console errors and CSP violations fail.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useSite } from "./harness.mjs";

const site = useSite();

/** Every key in this origin's storage (the test pages keep nothing of their own). */
const stored = (page) => page.evaluate(() => [...Object.keys(localStorage).map((k) => `local:${k}`), ...Object.keys(sessionStorage).map((k) => `session:${k}`)].sort());
const ready = (page) => page.evaluate(() => window.mqlscore.ready);
const result = (page) => page.evaluate(() => window.mqlscore.result());
const seen = (page) => page.evaluate(() => window.seen.map((s) => (s.detail ? `${s.name} ${s.detail.score} ${s.detail.grade}${s.detail.becameMql ? " became" : ""}` : `${s.name} null`)));
const ctas = (page) => page.locator("[data-mql-cta]").allInnerTexts();

/** Paths of the requests this page makes from now on. */
function requests(page) {
  const paths = [];
  page.on("request", (r) => paths.push(new URL(r.url()).pathname));
  return paths;
}

test("the production embed scores and personalises through <html> attributes, CSS and DOM events, without the overlay", async () => {
  const page = await site.visitor();
  const fetched = requests(page);
  await page.goto(`${site.base}/t/shop/`);
  assert.equal((await ready(page)).score, 1, "the page view, scored once the module is in");
  assert.deepEqual(await ctas(page), ["Start a free trial", "Start a free trial"]);
  assert.equal(await page.locator(".for-others").isVisible(), true);
  assert.equal(await page.locator(".for-mql").isVisible(), false);

  await page.evaluate(() => ["/product", "/pricing", "/pricing"].forEach((path) => window.mqlscore.page({ path })));
  assert.deepEqual(await seen(page), [
    "mqlscore:score 0 D4", "mqlscore:score 1 D4", "mqlscore:score 7 D4", "mqlscore:score 23 D3", "mqlscore:score 59 D2 became", "mqlscore:mql 59 D2 became",
  ]);
  const now = await result(page);
  assert.deepEqual(Object.keys(now), ["score", "fit", "engagement", "grade", "mql", "becameMql", "mqlSince", "filteredBy", "model", "at"]);
  assert.equal(now.mql, true);
  assert.equal(await page.evaluate(() => Object.isFrozen(window.mqlscore.result())), true);
  const attrs = await page.evaluate(() => ({ ...document.documentElement.dataset }));
  assert.deepEqual(attrs, { mql: "true", mqlGrade: "D2", mqlScore: "59" });
  assert.deepEqual(await ctas(page), ["Talk to sales", "Book a call with sales"], "data-mql-cta's value is the sales text");
  assert.equal(await page.locator(".cta.mql-sales").count(), 2);
  assert.equal(await page.locator(".for-mql").isVisible(), true, "pure CSS: html[data-mql=true]");
  assert.equal(await page.locator(".for-others").isVisible(), false);

  await page.locator("button[data-mql-track]").click();
  await page.waitForFunction(() => window.mqlscore.result().score === 74);
  assert.equal(await page.locator("#mqlscore-panel").count(), 0, "no panel on a production page");
  assert.ok(!fetched.some((p) => p.endsWith("/mqlscore-debug.js") || p.includes("/train/")), `no overlay, no training module: ${fetched}`);
  assert.ok(fetched.includes("/models/b2b-saas.mqlc") && fetched.includes("/pkg/lite/mqlscore_bg.wasm"), `the compiled model and the small module: ${fetched}`);
  assert.ok(!fetched.includes("/pkg/mqlscore_bg.wasm") && !fetched.some((p) => p.endsWith(".json")), `not the full module, not the model document: ${fetched}`);
  assert.deepEqual(await stored(page), ["local:mqlscore.session", "local:mqlscore.state"]);
  assert.deepEqual(JSON.parse(await page.evaluate(() => localStorage.getItem("mqlscore.state"))), { mql: true, grade: "D1", score: 74 },
    "the state kept for first paint: three numbers, nothing about the visitor");

  // A site that does not require consent still honours its withdrawal, on this page and the next.
  await page.evaluate(() => window.mqlscore.consent(false));
  assert.deepEqual(await stored(page), ["local:mqlscore.consent"]);
  assert.deepEqual(await ctas(page), ["Start a free trial", "Start a free trial"], "the CTAs' own text is back");
  assert.deepEqual(await page.evaluate(() => ({ ...document.documentElement.dataset })), {});
  fetched.length = 0;
  await page.reload();
  assert.equal(await result(page), null);
  assert.deepEqual(await stored(page), ["local:mqlscore.consent"]);
  assert.ok(!fetched.some((p) => p.startsWith("/pkg/mqlscore")), `${fetched}`);

  // Consent given again lifts the refusal, on this page and the next (it once stayed "denied").
  await page.evaluate(() => window.mqlscore.consent(true));
  assert.equal(await page.evaluate(() => localStorage.getItem("mqlscore.consent")), null, "the refusal is lifted");
  assert.notEqual(await ready(page), null, "scoring starts on this page");
  await page.reload();
  assert.ok((await ready(page)).score >= 1, "the next page is scored");
  assert.deepEqual(await stored(page), ["local:mqlscore.session", "local:mqlscore.state"]);
});

test("a returning MQL sees the sales CTA on first paint, and the module never blocks the page", async () => {
  const page = await site.visitor();
  await page.goto(`${site.base}/t/shop/`);
  await ready(page);
  await page.evaluate(() => ["/product", "/pricing", "/pricing"].forEach((path) => window.mqlscore.page({ path })));
  assert.equal((await result(page)).mql, true);

  // Next visit: every frame the browser renders is recorded (requestAnimationFrame runs just
  // before each paint), and the scoring module is held back until the page has loaded.
  await page.context().addInitScript(() => {
    window.frameLog = [];
    const tick = () => {
      const ctas = [...document.querySelectorAll("[data-mql-cta]")].map((el) => el.textContent);
      if (ctas.length) window.frameLog.push({ ctas, mql: document.documentElement.dataset.mql, scored: window.mqlscore?.result() != null });
      if (window.frameLog.filter((f) => f.scored).length < 3) requestAnimationFrame(tick); // until three frames after the module
    };
    requestAnimationFrame(tick);
    document.addEventListener("DOMContentLoaded", () => (window.atDomContentLoaded = window.mqlscore.result()));
    addEventListener("load", () => (window.atLoad = window.mqlscore.result()));
  });
  let release;
  const held = new Promise((ok) => (release = ok));
  await page.route("**/pkg/lite/mqlscore.js", async (route) => {
    await held;
    await route.continue();
  });
  await page.goto(`${site.base}/t/shop/`, { waitUntil: "load", timeout: 20_000 });
  assert.equal(await page.evaluate(() => window.atDomContentLoaded), null, "DOMContentLoaded did not wait for the module");
  assert.equal(await page.evaluate(() => window.atLoad), null, "nor did the load event");
  await page.waitForFunction(() => window.frameLog.length >= 2);
  const early = await page.evaluate(() => window.frameLog);
  assert.deepEqual(early[0], { ctas: ["Talk to sales", "Book a call with sales"], mql: "true", scored: false }, "the first painted frame, before the module");
  release();
  const first = await ready(page);
  assert.equal(first.mql, true);
  await page.waitForFunction(() => window.frameLog.filter((f) => f.scored).length >= 3);
  const frames = await page.evaluate(() => window.frameLog);
  assert.ok(frames.some((f) => f.scored), "frames after the module came in were recorded too");
  assert.deepEqual([...new Set(frames.map((f) => f.ctas.join(" | ")))], ["Talk to sales | Book a call with sales"], "no frame showed the other text");
});

test("a single-page app's route changes are page views, once each, with path, title and referrer", async () => {
  const page = await site.visitor();
  await page.goto(`${site.base}/t/spa/?mqlscore-debug`);
  const events = (n) => page.waitForSelector(`#mqlscore-panel[data-events="${n}"]`, { state: "attached" });
  await events(1);
  const nav = (name) => page.locator("nav a", { hasText: name }).click();
  await nav(/^Product$/);
  await events(2);
  await nav(/^Product$/);
  await page.evaluate(() => history.replaceState({ tab: 2 }, "", location.href));
  await nav(/^Pricing$/);
  await events(3);
  await nav(/^Home$/);
  await events(4);
  await nav("Old pricing link");
  await events(5);
  await page.goBack();
  await events(6);
  const views = await page.evaluate(() => JSON.parse(sessionStorage.getItem("mqlscore.debug.log")).map(({ event: e }) =>
    [e.type, e.properties.path, e.properties.title, e.properties.referrer.replace(location.origin, "")]));
  assert.deepEqual(views, [
    ["page", "/t/spa/", "Home · App", ""],
    ["page", "/product", "Product · App", "/t/spa/?mqlscore-debug"],
    ["page", "/pricing", "Pricing · App", "/product"],
    ["page", "/t/spa/", "Home · App", "/pricing"],
    ["page", "/pricing", "Pricing · App", "/t/spa/"],
    ["page", "/t/spa/", "Home · App", "/pricing"],
  ], "a second push of the same route and a replaceState of the same URL count nothing; a redirect counts its end");
  assert.deepEqual([(await result(page)).score, (await result(page)).mql], [61, true]);
  assert.equal(await page.locator(".route-cta").innerText(), "Talk to sales", "a CTA the app rendered after qualifying is set as it arrives");

  // ?mqlscore-debug=off ends debugging for the tab.
  await page.goto(`${site.base}/t/spa/?mqlscore-debug=off`);
  await ready(page);
  assert.equal(await page.locator("#mqlscore-panel").count(), 0);
  assert.deepEqual(await stored(page), ["local:mqlscore.session", "local:mqlscore.state"], "the overlay's timeline is gone with it");
});

test("with consent required, nothing is stored or scored before consent, and withdrawing it erases everything", async () => {
  const page = await site.visitor();
  const fetched = requests(page);
  await page.goto(`${site.base}/t/consent/`);
  await page.locator("button[data-mql-track]").click();
  assert.deepEqual(await stored(page), [], "nothing in storage");
  assert.equal(await result(page), null);
  assert.ok(!fetched.some((p) => p.startsWith("/pkg/mqlscore")), `the module waits for consent: ${fetched}`);
  assert.equal(await page.evaluate(() => document.documentElement.dataset.mql), undefined);

  await page.locator("button[data-consent=yes]").click();
  assert.equal((await ready(page)).score, 16, "the page view and the download made before consent, scored once it came");
  assert.deepEqual(await stored(page), ["local:mqlscore.consent", "local:mqlscore.session", "local:mqlscore.state"]);
  await page.reload();
  assert.equal((await ready(page)).score, 17, "consent is remembered: the session goes on");

  await page.locator("button[data-consent=no]").click();
  assert.deepEqual(await stored(page), ["local:mqlscore.consent"], "withdrawal erases what was stored, keeping only the refusal");
  assert.equal(await page.evaluate(() => localStorage.getItem("mqlscore.consent")), "denied");
  assert.equal(await result(page), null);
  assert.equal(await page.evaluate(() => document.documentElement.dataset.mqlScore), undefined);
  assert.equal((await seen(page)).at(-1), "mqlscore:score null");
  await page.locator("button[data-mql-track]").click();
  assert.deepEqual(await stored(page), ["local:mqlscore.consent"]);

  fetched.length = 0;
  await page.reload();
  assert.deepEqual(await stored(page), ["local:mqlscore.consent"]);
  assert.equal(await result(page), null);
  assert.ok(!fetched.some((p) => p.startsWith("/pkg/mqlscore")), `${fetched}`);
});

test("an IAB TCF consent manager's signal grants and withdraws consent", async () => {
  const page = await site.visitor();
  const fetched = requests(page);
  await page.goto(`${site.base}/t/tcf/`);
  await page.evaluate(() => new Promise((ok) => setTimeout(ok, 50))); // the CMP's "cmpuishown" call
  assert.deepEqual(await stored(page), []);
  assert.ok(!fetched.some((p) => p.startsWith("/pkg/mqlscore")), "the module waits for the visitor's choice");
  await page.evaluate(() => window.decide([1, 5, 6]));
  assert.equal((await ready(page)).score, 1);
  assert.deepEqual(await stored(page), ["local:mqlscore.consent", "local:mqlscore.session", "local:mqlscore.state"]);
  await page.evaluate(() => window.decide([1]));
  assert.deepEqual(await stored(page), ["local:mqlscore.consent"], "storing alone (purpose 1) is not consent to profiling for content (5 and 6): all erased");
  assert.equal(await result(page), null);
});

test("calls made before the embed loaded are queued and run in order; bad calls say why and lose nothing", async () => {
  const page = await site.visitor();
  const warnings = [];
  page.on("console", (m) => m.type() === "warning" && warnings.push(m.text()));
  await page.goto(`${site.base}/t/queue/`);
  await page.waitForFunction(() => window.readyResult);
  const first = await page.evaluate(() => window.readyResult);
  assert.deepEqual([first.score, first.grade, first.mql], [76, "B2", true], "identify and the demo request, queued, then scored");
  assert.deepEqual((await seen(page)).filter((s) => s.startsWith("mqlscore:mql")), ["mqlscore:mql 76 B2 became"]);
  await page.evaluate(() => {
    window.mqlscore.push(["identify", 42], ["no-such-call"]);
    window.mqlscore.track("Whitepaper Downloaded");
  });
  assert.equal((await result(page)).score, 91, "the good call after the bad ones counts");
  assert.ok(warnings.some((w) => /identify not scored: event\.traits: must be an object, not a number/.test(w)), warnings.join("\n"));
  assert.ok(warnings.some((w) => /"no-such-call"\] is not a call this API knows/.test(w)), warnings.join("\n"));
});

test("a site model the engine refuses is named field by field in the console, and the page stays as it was", async () => {
  const page = await site.visitor({ expectErrors: true });
  await page.goto(`${site.base}/t/broken/`);
  await page.waitForFunction(() => performance.getEntriesByName("first-contentful-paint").length);
  await page.waitForEvent("console", { predicate: (m) => m.type() === "error", timeout: 10_000 }).catch(() => null);
  assert.equal(page.consoleErrors.length, 1, page.consoleErrors.join("\n"));
  assert.match(page.consoleErrors[0], /^mqlscore: the site's model cannot score: .*engagement\.rules\[0\]\.halfLifeDays: must be greater than 0/s);
  assert.equal(await result(page), null);
  assert.deepEqual(await ctas(page), ["Start a free trial"]);
  assert.deepEqual(await stored(page), [], "nothing stored from a model that cannot score");
});
