// The sales dashboard in Debian's headless Chromium (playwright-core) against the worker on
// workerd: no data without the token, the funnel, handoffs with their SLA countdown, feedback
// buttons that change the handoff, rejection reasons, accounts. Console errors (a content
// security policy violation among them) fail it.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { launchChromium } from "../../scripts/chromium.mjs";
import { ADMIN_TOKEN, allHandoffs, eventually, makeLead, startStack, Visitor } from "./harness.mjs";

let stack;
let browser;
before(async () => {
  stack = await startStack({ settings: { followUpMinutes: 30 } });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await stack?.stop();
});

async function visit(worker, email, title) {
  const v = new Visitor(worker.url);
  for (const path of ["/", "/product", "/pricing"]) await v.view(path);
  if (email) await v.send({ type: "identify", traits: { email, title } });
  const { origin } = await v.view("/pricing");
  return origin;
}

async function page() {
  const errors = [];
  const context = await browser.newContext();
  const p = await context.newPage();
  p.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  p.on("pageerror", (e) => errors.push(e.message));
  return { p, errors, close: () => context.close() };
}

test("without the token the dashboard shows nothing; with it, the funnel, handoffs, feedback and accounts", async () => {
  const { worker, sink } = stack;
  const ann = await visit(worker, "ann@umbrella.io", "VP Sales");
  const bo = await visit(worker, "bo@umbrella.io", "Sales Manager");
  const anonymous = await visit(worker, null);
  assert.deepEqual([ann.status, bo.status, anonymous.status], ["handed-off", "handed-off", "sales-ready-unidentified"]);
  await eventually(() => sink.delivered.size >= 2, 10_000, "deliveries");

  const shell = await fetch(`${worker.url}/__mql/dashboard`);
  assert.match(shell.headers.get("content-security-policy"), /script-src 'self'/);
  const html = await shell.text();
  assert.ok(!html.includes("umbrella") && !html.includes(ann.visitor), "the page itself holds no data");

  const wrong = await page();
  await wrong.p.goto(`${worker.url}/__mql/dashboard#token=not-the-token-at-all-0123456789`);
  await wrong.p.waitForSelector("#login:not([hidden])");
  assert.match(await wrong.p.locator("#login-error").innerText(), /bearer token/);
  assert.equal(await wrong.p.locator("#board").isHidden(), true);
  assert.deepEqual(wrong.errors.filter((e) => !/401/.test(e)), [], "no errors but the refused requests");
  await wrong.close();

  const { p, errors, close } = await page();
  await p.goto(`${worker.url}/__mql/dashboard#token=${ADMIN_TOKEN}`);
  await p.waitForSelector("#board:not([hidden])");
  assert.equal(new URL(p.url()).hash, "", "the token leaves the address bar");
  const step = async (name) => Number(await p.locator(`#funnel text[data-step="${name}"]`).textContent());
  assert.deepEqual([await step("visitors"), await step("sales-ready"), await step("handed off"), await step("accepted")], [3, 3, 2, 0]);
  const rows = p.locator("#handoffs tbody tr");
  assert.equal(await rows.count(), 2);
  assert.match(await rows.first().locator("td.due").innerText(), /^due in (29|30) min/);
  const annRow = p.locator(`#handoffs tr[data-key="b2b-saas:${ann.visitor}"]`);
  await annRow.getByRole("button", { name: "Accept" }).click();
  await p.waitForSelector(`#handoffs tr[data-key="b2b-saas:${ann.visitor}"] td.status.accepted`);
  const boRow = p.locator(`#handoffs tr[data-key="b2b-saas:${bo.visitor}"]`);
  await boRow.getByLabel("rejection reason").selectOption("no-budget");
  await p.waitForSelector(`#handoffs tr[data-key="b2b-saas:${bo.visitor}"] td.status.rejected`);
  assert.match(await p.locator("#reasons").innerText(), /no-budget: 1/);
  assert.equal(await step("accepted"), 1);
  assert.match(await p.locator("#rates").innerText(), /MQL→SQL 50%/);
  const account = await p.locator("#accounts tbody tr").first().innerText();
  assert.match(account, /umbrella\.io/);
  assert.match(account, /decision-maker, evaluator/);
  // "Won": Cancel records nothing (it once recorded a conversion worth 0); a value is kept.
  const sent = [];
  p.on("request", (r) => r.url().endsWith("/__mql/feedback") && sent.push(JSON.parse(r.postData())));
  p.once("dialog", (d) => d.dismiss());
  await annRow.getByRole("button", { name: "Won" }).click();
  p.once("dialog", (d) => d.accept("12,000"));
  await annRow.getByRole("button", { name: "Won" }).click();
  await p.waitForSelector(`#handoffs tr[data-key="b2b-saas:${ann.visitor}"] td.status.converted`);
  assert.deepEqual(sent.map((f) => [f.outcome, f.value]), [["converted", 12000]], "one conversion, with its value");
  const stored = (await allHandoffs(worker));
  assert.deepEqual(
    [stored.find((h) => h.visitor === ann.visitor).status, stored.find((h) => h.visitor === bo.visitor).reason],
    ["converted", "no-budget"],
    "the buttons changed the handoffs",
  );
  // Ann's page, from the keyboard: Tab to her name, Enter; Escape closes and gives focus back.
  const open = annRow.getByRole("button", { name: /^open the lead ann@umbrella\.io$/ });
  await open.focus();
  await p.keyboard.press("Enter");
  await p.waitForSelector("#lead:not([hidden])");
  assert.equal(await p.locator("#lead-title").innerText(), "ann@umbrella.io");
  assert.equal(await p.evaluate(() => document.activeElement.id), "lead-title", "focus moves to the lead");
  const reasons = await p.locator("#lead-reasons li").allInnerTexts();
  assert.ok(reasons.some((r) => /^Viewed pricing: twice in the last 30 days/.test(r)), reasons.join(" | "));
  assert.ok(reasons.some((r) => /^C-level, VP or head-of title \(\+25\)$/.test(r)), "the engine's sentences, in its order");
  // What she did, with dates: every event the reasons count, newest first.
  const annLead = stored.find((h) => h.visitor === ann.visitor).lead;
  const times = annLead.reasons.flatMap((r) => r.times ?? []);
  const activity = await p.locator("#lead-activity li").evaluateAll((lis) => lis.map((li) => [Number(li.dataset.at), li.textContent]));
  assert.equal(activity.length, times.length);
  assert.deepEqual(activity.map(([at]) => at), [...times].sort((a, b) => b - a));
  assert.ok(activity.every(([at]) => at >= annLead.firstSeen && at <= annLead.lastSeen), "within her visit");
  assert.equal(activity.filter(([, text]) => /: Viewed pricing$/.test(text)).length, 2, activity.map(([, t]) => t).join(" | "));
  assert.ok(activity.some(([, text]) => /: Viewed product pages$/.test(text)), activity.map(([, t]) => t).join(" | "));
  const facts = await p.locator("#lead-facts").innerText();
  assert.match(facts, /b2b-saas@1/);
  assert.match(facts, /umbrella\.io/);
  assert.match(facts, /followed up/);
  assert.match(await p.locator("#lead-traits").innerText(), /title\s+VP Sales/);
  const said = await p.locator("#lead-feedback li").allInnerTexts();
  assert.deepEqual(said.map((f) => f.replace(/^.*: /, "")), ["accepted", "converted, worth 12000"]);
  assert.match(await p.locator("#lead-deliveries").innerText(), /lead to sales: delivered, 1 attempt/);
  await p.keyboard.press("Escape");
  await p.waitForSelector("#lead[hidden]", { state: "attached" });
  assert.equal(await p.evaluate(() => document.activeElement.getAttribute("aria-label")), "open the lead ann@umbrella.io");
  const lonely = await worker.admin("/__mql/handoff?key=b2b-saas:nobody");
  assert.deepEqual([lonely.status, lonely.body.error], [404, 'key: no handoff "b2b-saas:nobody"']);
  const outcomes = await (await fetch(`${worker.url}/__mql/outcomes`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).text();
  const won = outcomes.trim().split("\n").map((l) => JSON.parse(l)).filter((o) => o.converted);
  assert.deepEqual(won.map((o) => o.value), [12000], "the outcomes train reads: one conversion, worth what was typed");
  assert.deepEqual(errors, []);
  await close();
});

test("past 100 handoffs the dashboard pages: 'Show 100 more' shows the older ones", async () => {
  const { worker } = stack;
  const keys = [];
  for (let i = 0; i < 101; i++) keys.push((await makeLead(worker, { email: `many${i}@paged-co.io` })).key);
  const total = (await allHandoffs(worker)).length;
  assert.ok(total > 100, `${total} handoffs`);
  const { p, errors, close } = await page();
  await p.goto(`${worker.url}/__mql/dashboard#token=${ADMIN_TOKEN}`);
  await p.waitForSelector("#board:not([hidden])");
  assert.equal(await p.locator("#handoffs tbody tr").count(), 100);
  assert.equal(await p.locator(`#handoffs tr[data-key="${keys[0]}"]`).count(), 0, "the oldest of them is not on the first page");
  await p.getByRole("button", { name: "Show 100 more" }).click();
  await p.waitForSelector(`#handoffs tr[data-key="${keys[0]}"]`);
  assert.equal(await p.locator("#handoffs tbody tr").count(), Math.min(total, 200));
  assert.match(await p.locator("#shown").innerText(), new RegExp(`^${Math.min(total, 200)} shown`));
  // Search: the oldest of them by its email, typed in another case, then back to all.
  await p.getByLabel("Find").fill("Many0@Paged-Co.io");
  await p.getByRole("button", { name: "Search" }).click();
  await p.waitForFunction(() => document.querySelectorAll("#handoffs tbody tr").length === 1);
  assert.equal(await p.locator(`#handoffs tr[data-key="${keys[0]}"]`).count(), 1);
  await p.getByLabel("Find").fill("");
  await p.getByLabel("Find").press("Enter");
  await p.waitForFunction(() => document.querySelectorAll("#handoffs tbody tr").length === 100);
  assert.deepEqual(errors, []);
  await close();
  // A chat message's link: the dashboard opens on that one lead, its owner and route beside it.
  const linked = await page();
  await linked.p.goto(`${worker.url}/__mql/dashboard#token=${ADMIN_TOKEN}&q=${encodeURIComponent(keys[5])}`);
  await linked.p.waitForFunction(() => document.querySelectorAll("#handoffs tbody tr").length === 1);
  const cells = await linked.p.locator(`#handoffs tr[data-key="${keys[5]}"] td`).allInnerTexts();
  assert.equal(cells[3], "unassigned · sales", "no routing set: every lead to sales, no owner");
  assert.equal(new URL(linked.p.url()).hash, "", "the token leaves the address bar");
  assert.deepEqual(linked.errors, []);
  await linked.close();
});
