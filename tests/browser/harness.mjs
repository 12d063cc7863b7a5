// What the browser tests share: the demo site (www/) and the test pages (tests/browser/pages/)
// served on 127.0.0.1 under the strict Content-Security-Policy, Debian's headless Chromium, and
// visitors whose console errors and CSP violations fail the test that made them.
import { after, afterEach, before } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { launchChromium } from "../../scripts/chromium.mjs";
import { serve } from "../../scripts/serve.mjs";

export const root = fileURLToPath(new URL("../..", import.meta.url));

/** Starts the site and the browser for this test file; `site.base` and `site.visitor()` then serve the tests. */
export function useSite() {
  const site = { base: "", visitor };
  let server;
  let browser;
  let context;
  let problems = [];

  before(async () => {
    server = await serve({ root: `${root}www`, also: [`${root}tests/browser/pages`], port: 0 });
    site.base = `http://127.0.0.1:${server.address().port}`;
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    server?.close();
  });

  afterEach(async () => {
    const pages = context?.pages() ?? [];
    for (const page of pages) {
      const violations = await page.evaluate(() => window.cspViolations ?? []).catch(() => []);
      problems.push(...violations);
    }
    await context?.close();
    context = null;
    assert.deepEqual(problems, [], "no console errors and no CSP violations");
  });

  /**
   * A fresh visitor (empty storage, its own context). With `expectErrors`, console errors are
   * the test's to check (`page.consoleErrors`) instead of failing it.
   */
  async function visitor({ expectErrors = false } = {}) {
    problems = [];
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.addInitScript(() => {
      document.addEventListener("securitypolicyviolation", (e) => (window.cspViolations ??= []).push(`CSP ${e.violatedDirective}: ${e.blockedURI}`));
    });
    const page = await context.newPage();
    page.consoleErrors = expectErrors ? [] : problems;
    page.on("console", (m) => m.type() === "error" && page.consoleErrors.push(m.text()));
    page.on("pageerror", (e) => problems.push(e.message));
    return page;
  }

  return site;
}
