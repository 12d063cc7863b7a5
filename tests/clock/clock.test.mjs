// Run by scripts/test-shifted-clock.sh under a moved clock (tests/clock/shift.c): each runtime the suite drives
// (Node, Chromium, workerd) must see the shifted clock, or the shifted run proves nothing.
// MQL_EXPECTED_NOW is the epoch ms the shifted clock should read when this file starts.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { launchChromium } from "../../scripts/chromium.mjs";
import { Visitor, startStack } from "../../edge/tests/harness.mjs";

const expected = Number(process.env.MQL_EXPECTED_NOW);
// Startup, a browser launch and a worker's start take seconds, never hours.
const near = (ms, what) => assert.ok(Math.abs(ms - expected) < 3_600_000, `${what} reads ${new Date(ms).toISOString()}, expected about ${new Date(expected).toISOString()}`);

let stack;
before(async () => {
  assert.ok(Number.isFinite(expected), "MQL_EXPECTED_NOW: the epoch ms the shifted clock should read");
  stack = await startStack();
});
after(() => stack?.stop());

test("Node reads the shifted clock", () => near(Date.now(), "Node's Date.now()"));

test("Chromium reads the shifted clock", async () => {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    near(await page.evaluate(() => Date.now()), "Chromium's Date.now()");
  } finally {
    await browser.close();
  }
});

test("workerd reads the shifted clock (the engine's result, scored in the worker)", async () => {
  const v = new Visitor(stack.worker.url);
  await v.view("/pricing");
  const debug = await (await fetch(`${stack.worker.url}/__mql/debug`, { headers: v.headers() })).json();
  near(debug.result.at, "workerd's scorer clock");
});
