// Remakes the dashboard pictures in docs/images/ from a real run: workerd with a routing
// setting, three leads made through the worker, sales feedback on one, then Debian's Chromium
// on the dashboard (the list, and a rep's view of one lead).
// Usage: node scripts/screenshots.mjs   (needs edge/pkg: scripts/build-edge.sh)
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { launchChromium } from "./chromium.mjs";
import { ADMIN_TOKEN, eventually, makeLead, startOrigin, startSink, startWorker } from "../edge/tests/harness.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const ROUTING = {
  routes: [
    { id: "enterprise", when: { grades: ["A*"], countries: ["US"] }, destination: "sales", assign: "territory", owners: [{ id: "ann", name: "Ann Lee", territories: ["US"] }, { id: "cy", name: "Cy Park" }] },
    { id: "nurture", when: { grades: ["C*", "D*"] }, destination: "nurture" },
  ],
  default: { id: "inside", destination: "sales", owners: [{ id: "dee", name: "Dee Ortiz" }] },
};
const origin = await startOrigin();
const sales = await startSink();
const nurture = await startSink();
const worker = await startWorker({ origin: origin.url, webhook: sales.url, nurture: nurture.url, settings: { routing: ROUTING } });
const browser = await launchChromium();
try {
  const ann = await makeLead(worker, { email: "jordan.lee@northwind.io", firstName: "Jordan", lastName: "Lee", title: "VP Marketing", country: "US", company: { name: "Northwind", employees: 800, industry: "software" } });
  await makeLead(worker, { email: "sam@globex.de", title: "Head of Sales", country: "DE", company: { name: "Globex", employees: 120 } });
  await makeLead(worker, { email: "pat@smallshop.io" });
  await eventually(() => sales.delivered.size >= 2, 10_000, "deliveries");
  await worker.admin("/__mql/feedback", { method: "POST", body: { id: "shot-1", key: ann.key, outcome: "accepted" } });
  const context = await browser.newContext({ viewport: { width: 1100, height: 1400 } });
  const page = await context.newPage();
  await page.goto(`${worker.url}/__mql/dashboard#token=${ADMIN_TOKEN}&lead=${encodeURIComponent(ann.key)}`);
  await page.waitForSelector("#lead:not([hidden])");
  mkdirSync(`${root}docs/images`, { recursive: true });
  await page.locator("#lead").screenshot({ path: `${root}docs/images/dashboard-lead.png` });
  await page.locator("#handoffs").screenshot({ path: `${root}docs/images/dashboard-handoffs.png` });
  console.log("wrote docs/images/dashboard-lead.png and docs/images/dashboard-handoffs.png");
} finally {
  await browser.close();
  await worker.stop();
  for (const s of [origin, sales, nurture]) s.close();
}
