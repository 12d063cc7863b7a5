// The same package scenarios as node.test.mjs, against the web build in headless Chromium.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { launchChromium } from "../scripts/chromium.mjs";
import { serve } from "../scripts/serve.mjs";
import { scenarios } from "./scenarios.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));

let server;
let browser;
let results;
const consoleErrors = [];

before(async () => {
  server = await serve({ root, port: 0, csp: false });
  browser = await launchChromium();
  const page = await browser.newPage();
  page.on("console", (m) => m.type() === "error" && consoleErrors.push(m.text()));
  page.on("pageerror", (e) => consoleErrors.push(e.message));
  await page.goto(`http://127.0.0.1:${server.address().port}/pkg-tests/browser.html`);
  await page.waitForFunction(() => window.results, null, { timeout: 30_000 });
  results = await page.evaluate(() => window.results);
});

after(async () => {
  await browser?.close();
  server?.close();
});

for (const name of Object.keys(scenarios)) {
  test(`in Chromium: ${name}`, () => {
    assert.equal(results.error, undefined);
    const r = results.scenarios.find((s) => s.name === name);
    assert.ok(r?.ok, r?.error ?? "did not run");
  });
}

test("no console errors in the page", () => assert.deepEqual(consoleErrors, []));
