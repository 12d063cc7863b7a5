// The email gate on workerd: a qualified visitor whose email is malformed or disposable is not
// handed to sales (the answer says why, so the page can ask for a work address), a role address
// goes with a flag sales reads, and only an address that passed makes an account.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { allHandoffs, eventually, startStack, Visitor } from "./harness.mjs";

let stack;
before(async () => {
  stack = await startStack();
});
after(() => stack?.stop());

async function qualified(worker) {
  const v = new Visitor(worker.url);
  for (const path of ["/", "/product", "/pricing", "/pricing"]) await v.view(path);
  return v;
}

const accounts = async (worker) => (await worker.admin("/__mql/accounts")).body.accounts.map((a) => a.key);

test("a disposable or malformed email keeps the lead from sales, and makes no account; a work email then hands it off", async () => {
  const { worker, sink } = stack;
  const before = await accounts(worker);
  const v = await qualified(worker);
  const disposable = await v.send({ type: "identify", traits: { email: "ceo@mailinator.com", title: "CEO", company: { name: "Globex" } } });
  assert.deepEqual([disposable.body.status, disposable.body.handedOff, disposable.body.emailProblem], ["sales-ready-email-refused", false, "disposable"]);
  const hostile = await v.send({ type: "identify", traits: { email: '"><img src=x onerror=alert(1)>@x.com' } });
  assert.deepEqual([hostile.body.status, hostile.body.emailProblem], ["sales-ready-email-refused", "syntax"]);
  assert.deepEqual(await accounts(worker), before, "no account from either, nor from the typed company name");
  const visitor = (await v.view("/")).origin.visitor;
  assert.ok(![...sink.delivered.keys()].includes(`b2b-saas:${visitor}`), "nothing reached the CRM");
  const work = await v.send({ type: "identify", traits: { email: "ceo@globex-gate.io" } });
  assert.deepEqual([work.body.status, work.body.handedOff, work.body.emailProblem], ["handed-off", true, null]);
  const { lead } = await eventually(() => sink.delivered.get(`b2b-saas:${visitor}`), 10_000, "the handoff");
  assert.deepEqual(lead.email, { domain: "globex-gate.io", role: false, freeMail: false, flags: [] });
});

test("a role address is handed off with a flag sales reads, in the delivery and the handoff list", async () => {
  const { worker, sink } = stack;
  const v = await qualified(worker);
  const r = await v.send({ type: "identify", traits: { email: "sales@initech-gate.io", title: "VP Sales" } });
  assert.equal(r.body.status, "handed-off");
  const key = `b2b-saas:${(await v.view("/")).origin.visitor}`;
  const { lead } = await eventually(() => sink.delivered.get(key), 10_000, "the handoff");
  assert.equal(lead.email.role, true);
  assert.match(lead.email.flags[0], /^role address \(sales@\)/);
  const listed = (await allHandoffs(worker)).find((h) => h.key === key);
  assert.deepEqual(listed.lead.email.flags, lead.email.flags);
});

test("a client makes at most a few accounts a minute, by address and, without one, by visitor", async () => {
  const { worker } = stack;
  const before = new Set(await accounts(worker));
  const v = new Visitor(worker.url);
  await v.view("/");
  for (let i = 0; i < 8; i++) await v.send({ type: "identify", traits: { email: `ann@made-up-${i}.io` } });
  const made = (await accounts(worker)).filter((k) => !before.has(k));
  console.log(`accounts one visitor made with 8 invented company emails in a minute: ${made.length} (each account is a Durable Object)`);
  assert.deepEqual(made.sort(), ["domain:made-up-0.io", "domain:made-up-1.io", "domain:made-up-2.io"]);
  assert.ok((await worker.stats()).accountsRefused >= 5);
});
