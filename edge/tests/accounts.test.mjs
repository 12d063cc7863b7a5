// Accounts: people of one company rolled up, per the model's `accounts` section. The scoring is
// a pure function (tested here directly); the roll-up runs on workerd, one Durable Object per
// account, with the account's score in headers to the origin and in the handoff.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { accountOf, accountScore } from "../account-score.js";
import { checkEmail, disposableDomains } from "../email-check.js";
import { Visitor, eventually, startStack } from "./harness.mjs";

const RULES = JSON.parse(readFileSync(new URL("../../models/b2b-saas.json", import.meta.url), "utf8")).accounts;

test("an account is the domain of an email that passed the gate; free mail, bad or disposable addresses, typed names make none", () => {
  const isDisposable = disposableDomains("mailinator.com\nthrowaway.example\n");
  const of = (traits) => accountOf(checkEmail(traits.email, isDisposable), traits);
  assert.deepEqual(of({ email: "Ann@Acme.com", "company.name": "Acme" }), { key: "domain:acme.com", domain: "acme.com", claimed: "Acme" });
  assert.deepEqual(of({ email: "ann@acme.com" }), { key: "domain:acme.com", domain: "acme.com", claimed: null });
  assert.equal(of({ email: "bo@gmail.com", "company.name": "Initech  Corp" }), null, "a typed company name makes no account");
  assert.equal(of({ email: "cy@gmail.com" }), null);
  assert.equal(of({ email: "dee@mailinator.com", "company.name": "Globex" }), null, "disposable");
  assert.equal(of({ email: "dee@sub.throwaway.example" }), null, "a subdomain of a disposable domain");
  assert.equal(of({ email: '"><img src=x onerror=alert(1)>@x.com' }), null, "not an address");
  assert.equal(of({}), null);
});

test("the email gate: syntax, disposable domains, role addresses flagged", () => {
  const isDisposable = disposableDomains("mailinator.com\n");
  const check = (e) => checkEmail(e, isDisposable);
  for (const bad of ['"><img src=x onerror=alert(1)>@x.com', "ann", "ann@", "@acme.com", "ann@acme", "ann@acme.c0m", "ann..b@acme.com", "ann@-acme.com", "a b@acme.com", `${"a".repeat(65)}@acme.com`, "ann@acme.com\nbcc: eve@evil.com", 42, null]) {
    const r = check(bad);
    assert.deepEqual([r.ok, r.problem], [false, "syntax"], JSON.stringify(bad));
  }
  assert.deepEqual(check(" Ann.Lee+news@Acme.co.uk "), { ok: true, problem: null, address: "ann.lee+news@acme.co.uk", domain: "acme.co.uk", role: false, freeMail: false });
  assert.deepEqual([check("x@mailinator.com").ok, check("x@mailinator.com").problem], [false, "disposable"]);
  assert.deepEqual([check("sales@acme.com").ok, check("sales@acme.com").role, check("info+x@acme.com").role], [true, true, true]);
  assert.deepEqual([check("ann@gmail.com").ok, check("ann@gmail.com").freeMail], [true, true]);
  assert.equal(check("ann@xn--bcher-kva.example").ok, true, "an IDN domain");
});

test("account score: best engagement, more engaged people, buying-committee roles once each", () => {
  const person = (engagement, title) => ({ engagement, title, mql: engagement >= 30 });
  const one = accountScore([person(40, "VP Marketing")], RULES);
  assert.deepEqual([one.score, one.engaged, one.roles.map((r) => r.id), one.qualified], [60, 1, ["decision-maker"], false]);
  const team = accountScore([person(40, "VP Marketing"), person(25, "Marketing Manager"), person(12, "Chief of Staff"), person(5, "Engineer")], RULES);
  // 40 best + 15 x 2 more engaged + 20 decision-maker + 10 evaluator (the engineer is not engaged)
  assert.deepEqual([team.score, team.engaged, team.people, team.summedEngagement, team.mqls], [100, 3, 4, 82, 1]);
  assert.deepEqual(team.roles.map((r) => r.id), ["decision-maker", "evaluator"]);
  assert.equal(team.qualified, true, "at the threshold (100)");
  const capped = accountScore(Array.from({ length: 9 }, () => person(10, "")), { ...RULES, roles: [] });
  assert.equal(capped.score, 10 + 15 * 4, "maxPeople (5) bounds the people counted");
});

let stack;
before(async () => {
  stack = await startStack();
});
after(() => stack?.stop());

test("colleagues roll up into one account: its score reaches the origin and the handoff", async () => {
  const { worker, origin, sink } = stack;
  const ann = new Visitor(worker.url);
  await ann.view("/");
  const a = await ann.send({ type: "identify", traits: { email: "ann@globex.io", title: "VP Marketing", company: { name: "Globex" } } });
  assert.deepEqual(a.body.account, { score: 0, qualified: false }, "not engaged yet: no engagement counts");
  const seenAnn = [];
  for (const path of ["/product", "/pricing", "/pricing"]) seenAnn.push((await ann.view(path)).origin);
  const alone = (await worker.admin("/__mql/accounts")).body.accounts.find((x) => x.key === "domain:globex.io");
  assert.deepEqual([alone.people, alone.engaged, alone.score], [1, 1, alone.bestEngagement + 20], "Ann alone: her engagement + 20 decision-maker");
  assert.equal(seenAnn[2].accountScore, String(alone.score), "the origin saw it");
  const bo = new Visitor(worker.url);
  await bo.view("/");
  await bo.send({ type: "identify", traits: { email: "bo@globex.io", title: "Marketing Manager" } });
  for (const path of ["/product", "/pricing"]) await bo.view(path);
  const { origin: seen } = await bo.view("/pricing");
  const accounts = (await worker.admin("/__mql/accounts")).body.accounts;
  const globex = accounts.find((x) => x.key === "domain:globex.io");
  assert.ok(globex, "listed");
  assert.deepEqual([globex.name, globex.claimedName, globex.people, globex.engaged, globex.roles], ["globex.io", "Globex", 2, 2, ["decision-maker", "evaluator"]], "named by its domain; Ann's typed name stays a claim");
  assert.equal(globex.score, globex.bestEngagement + 15 + 20 + 10);
  assert.deepEqual([seen.accountScore, seen.accountQualified], [String(globex.score), String(globex.score >= 100)], "the origin sees the account as of this request");
  // Both qualified with an email: their handoffs carry the account.
  const keyAnn = `b2b-saas:${seenAnn[0].visitor}`;
  const { lead } = await eventually(() => sink.delivered.get(keyAnn), 10_000, "Ann's handoff");
  assert.equal(lead.account.key, "domain:globex.io");
  assert.ok(globex.handoffCount >= 1);
  const listed = (await worker.admin("/__mql/handoffs?q=globex.io")).body.handoffs.map((h) => h.key);
  assert.ok(listed.includes(keyAnn), "the account's handoffs: a search for its domain");
});

test("a free-mail visitor has no account header; a forged x-account-score is removed", async () => {
  const { worker, origin } = stack;
  const v = new Visitor(worker.url);
  await v.view("/");
  const r = await v.send({ type: "identify", traits: { email: "cy@gmail.com", title: "CEO" } });
  assert.equal(r.body.account, null);
  await v.view("/pricing", { "x-account-score": "999", "x-account-qualified": "true" });
  const seen = origin.received.at(-1);
  assert.deepEqual([seen.accountScore, seen.accountQualified], [undefined, undefined]);
});
