// Handoffs by page on workerd: cursors that stay whole while new handoffs arrive, filters by
// status, model and time, and bad queries named.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { makeLead, startStack } from "./harness.mjs";

let stack;
before(async () => {
  stack = await startStack();
});
after(() => stack?.stop());

const page = async (query) => {
  const r = await stack.worker.admin(`/__mql/handoffs?${query}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
};

test("pages of handoffs follow their cursors, whole while new handoffs arrive", async () => {
  const { worker } = stack;
  const started = Date.now();
  const first = [];
  for (let i = 0; i < 23; i++) first.push((await makeLead(worker, { email: `page${i}@paging-co.io` })).key);
  const p1 = await page("limit=10");
  assert.equal(p1.handoffs.length, 10);
  assert.ok(p1.next);
  // Three more arrive between pages: they are newer than the cursor, so page 2 goes on from it.
  const later = [];
  for (let i = 0; i < 3; i++) later.push((await makeLead(worker, { email: `later${i}@paging-co.io` })).key);
  const p2 = await page(`limit=10&cursor=${p1.next}`);
  const p3 = await page(`limit=10&cursor=${p2.next}`);
  assert.equal(p3.next, null, "the end");
  const seen = [...p1.handoffs, ...p2.handoffs, ...p3.handoffs].map((h) => h.key);
  assert.equal(new Set(seen).size, seen.length, "no handoff twice");
  assert.deepEqual([...seen].sort(), [...first].sort(), "every handoff there was at the first page, once");
  const times = [...p1.handoffs, ...p2.handoffs, ...p3.handoffs].map((h) => h.createdAt);
  assert.deepEqual(times, [...times].sort((a, b) => b - a), "newest first");
  const fresh = await page("limit=3");
  assert.deepEqual(fresh.handoffs.map((h) => h.key).sort(), [...later].sort(), "the new ones lead the next first page");
  // Filters: by time, by model, by status.
  const since = await page(`since=${new Date(started).toISOString()}&limit=500`);
  assert.equal(since.handoffs.length, 26);
  assert.equal((await page(`until=${started}&limit=500`)).handoffs.length, 0);
  assert.equal((await page("model=b2b-saas&limit=500")).handoffs.length, 26);
  assert.equal((await page("model=b2b-saas@1&limit=500")).handoffs.length, 26);
  assert.equal((await page("model=other&limit=500")).handoffs.length, 0);
  const delivered = await page("status=delivered&limit=500");
  assert.ok(delivered.handoffs.every((h) => h.status === "delivered"));
});

test("search finds handoffs by email, domain, the start of a company name, visitor id and key", async () => {
  const { worker } = stack;
  const one = await makeLead(worker, { email: "Finder@Search-Co.io", title: "VP Sales", company: { name: "Searchable Widgets Ltd" } });
  await makeLead(worker, { email: "other@search-co.io" });
  const found = async (q) => (await page(`q=${encodeURIComponent(q)}&limit=500`)).handoffs.map((h) => h.key);
  assert.deepEqual(await found("finder@search-co.io"), [one.key]);
  assert.deepEqual(await found("  FINDER@search-co.io "), [one.key], "any case, trimmed");
  assert.equal((await found("search-co.io")).length, 2, "the domain: both");
  assert.deepEqual(await found("searchable wid"), [one.key], "the start of the typed company name");
  assert.deepEqual(await found("widgets"), [], "not the middle of it");
  assert.deepEqual(await found(one.key.split(":")[1]), [one.key], "the visitor id");
  assert.deepEqual(await found(one.key), [one.key], "the key");
  assert.deepEqual(await found("nobody@nowhere.io"), []);
  assert.equal((await stack.worker.admin(`/__mql/handoffs?q=${"x".repeat(201)}`)).status, 400);
});

test("bad page queries are refused, each naming its field", async () => {
  for (const [query, message] of [
    ["limit=0", /^limit: must be a whole number from 1 to 500$/],
    ["limit=501", /^limit:/],
    ["status=lost", /^status: must be one of/],
    ["since=yesterday", /^since: must be ISO-8601 or epoch milliseconds$/],
    ["cursor=%25%25", /^cursor:/],
    ["cursor=bm90LWEtY3Vyc29y", /^cursor: not a cursor from a previous page's next$/],
  ]) {
    const r = await stack.worker.admin(`/__mql/handoffs?${query}`);
    assert.equal(r.status, 400, query);
    assert.match(r.body.error, message, query);
  }
});

test("accounts page by score with their handoffs, through the same cursors", async () => {
  const { worker } = stack;
  for (const domain of ["acct-a.io", "acct-b.io", "acct-c.io"]) await makeLead(worker, { email: `lead@${domain}`, title: "VP Sales" });
  const all = [];
  let cursor = null;
  let pages = 0;
  do {
    const r = await worker.admin(`/__mql/accounts?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.ok(r.body.accounts.length <= 2);
    all.push(...r.body.accounts);
    cursor = r.body.next;
    pages++;
  } while (cursor);
  const keys = all.map((a) => a.key);
  assert.equal(new Set(keys).size, keys.length, "no account twice");
  for (const d of ["acct-a.io", "acct-b.io", "acct-c.io", "paging-co.io"]) assert.ok(keys.includes(`domain:${d}`), d);
  assert.ok(pages >= 2);
  const scores = all.map((a) => a.score);
  assert.deepEqual(scores, [...scores].sort((a, b) => b - a), "highest score first");
  assert.equal(all.find((a) => a.key === "domain:paging-co.io").handoffCount, 26, "its handoffs, counted on the index");
  assert.equal((await page("q=paging-co.io&limit=500")).handoffs.length, 26, "and listed by a search for its domain");
  assert.equal((await worker.admin("/__mql/accounts?cursor=bm90LWEtY3Vyc29y")).status, 400);
  // By key: a walk that scores moving cannot disturb, every account once, in key order.
  const byKey = [];
  cursor = null;
  do {
    const r = await worker.admin(`/__mql/accounts?order=key&limit=2${cursor ? `&cursor=${cursor}` : ""}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    byKey.push(...r.body.accounts.map((a) => a.key));
    cursor = r.body.next;
  } while (cursor);
  assert.deepEqual(byKey, [...keys].sort());
  assert.equal((await worker.admin("/__mql/accounts?order=name")).body.error, "order: must be score or key");
});
