// The edge worker on the real Workers runtime (workerd), in front of a loopback origin and a
// loopback CRM webhook. Needs edge/pkg built (scripts/build-edge.sh); the test command does that.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { KEY_NEW, KEY_OLD, Visitor, eventually, startStack, startWorker } from "./harness.mjs";

let stack;
let origin;
let sink;
let worker;

before(async () => {
  stack = await startStack({ keys: `${KEY_NEW},${KEY_OLD}` });
  ({ origin, sink, worker } = stack);
});

after(() => stack?.stop());

test("a browse sequence flips x-mql at the second pricing view; the lead goes to sales once the visitor gives an email", async () => {
  const v = new Visitor(worker.url);
  const seen = [];
  for (const path of ["/", "/product", "/pricing", "/pricing", "/blog/launch"]) {
    const { status, origin: o } = await v.view(path);
    assert.equal(status, 200);
    seen.push([o.path, o.mql, o.status, o.score, o.grade]);
  }
  assert.deepEqual(seen, [
    ["/", "false", "not-ready", "1", "D4"],
    ["/product", "false", "not-ready", "7", "D4"],
    ["/pricing", "false", "not-ready", "23", "D3"],
    ["/pricing", "true", "sales-ready-unidentified", "59", "D2"],
    ["/blog/launch", "true", "sales-ready-unidentified", "62", "D1"],
  ]);
  assert.equal(v.setCookies, 5);
  const visitor = (await v.view("/")).origin.visitor;
  const key = `b2b-saas:${visitor}`;
  await new Promise((ok) => setTimeout(ok, 300));
  assert.equal(sink.attempts.filter((a) => a.key === key).length, 0, "an anonymous visitor is not handed off: sales could not reach them");
  const named = await v.send({ type: "identify", traits: { email: "bo@initech.io" } });
  assert.deepEqual([named.body.mql, named.body.status, named.body.becameMql, named.body.handedOff], [true, "handed-off", false, true], "sales-ready since the 4th view, handed off now");
  const delivery = await eventually(() => sink.delivered.get(key), 10_000, "the webhook");
  await new Promise((ok) => setTimeout(ok, 300));
  assert.equal(delivery.duplicates, 0);
  assert.equal(sink.attempts.filter((a) => a.key === key).length, 1, "exactly one delivery");
  const lead = delivery.lead;
  assert.equal(lead.model, "b2b-saas@1");
  assert.equal(lead.score, 73);
  assert.equal(lead.pageViews, 6);
  assert.equal(lead.traits.email, "bo@initech.io");
  assert.ok(lead.firstSeen <= lead.lastSeen && lead.lastSeen <= Date.now(), "first and last seen");
  assert.equal(lead.session, undefined, "the engine's session stays in the outbox");
  assert.deepEqual(lead.reasons.map((r) => r.rule).slice(0, 3), ["pricing", "pricing-return", "business-email"]);
  const { origin: after } = await v.view("/pricing");
  assert.equal(after.status, "handed-off");
});

test("events posted within a visit move the score; qualifying takes page views; the lead carries the traits", async () => {
  const v = new Visitor(worker.url);
  const { origin: first } = await v.view("/");
  const key = `b2b-saas:${first.visitor}`;
  const identify = await v.send({ type: "identify", traits: { email: "ann@acme.com", firstName: "Ann", title: "VP Marketing", company: { name: "Acme", employees: 400 } } });
  assert.equal(identify.status, 200);
  assert.deepEqual([identify.body.score, identify.body.grade, identify.body.mql], [56, "B4", false]);
  const demo = await v.send([{ type: "track", event: "Demo Requested", properties: { plan: "growth" } }]);
  assert.deepEqual([demo.body.score, demo.body.mql, demo.body.becameMql, demo.body.handedOff], [96, false, false, false], "one page view: posted events do not qualify on their own");
  await new Promise((ok) => setTimeout(ok, 300));
  assert.equal(sink.attempts.filter((a) => a.key === key).length, 0, "no lead from posted events alone");
  const { origin: o } = await v.view("/pricing");
  assert.deepEqual([o.score, o.mql, o.visitor], ["112", "true", first.visitor]);
  const { lead } = await eventually(() => sink.delivered.get(key), 10_000, "the webhook");
  assert.deepEqual(lead.traits, { title: "VP Marketing", "company.employees": 400, email: "ann@acme.com", firstName: "Ann", "company.name": "Acme" });
  assert.equal(lead.page, "/pricing");
  const again = await v.send({ type: "track", event: "Demo Requested" });
  assert.deepEqual([again.body.mql, again.body.becameMql, again.body.handedOff], [true, false, false]);
  await new Promise((ok) => setTimeout(ok, 300));
  assert.equal(sink.attempts.filter((a) => a.key === key).length, 1, "handed off once");
});

test("the events answer's becameMql is the moment a visitor became sales-ready, handedOff the handoff", async () => {
  // A visitor who qualified without an email once read becameMql: false (it meant "handed off").
  const v = new Visitor(worker.url);
  await v.view("/");
  await v.view("/product");
  const qualified = await v.send([{ type: "identify", traits: { title: "VP Marketing", company: { employees: 400 } } }, { type: "track", event: "Demo Requested" }]);
  assert.deepEqual(
    [qualified.body.mql, qualified.body.status, qualified.body.becameMql, qualified.body.handedOff],
    [true, "sales-ready-unidentified", true, false],
  );
  const named = await v.send({ type: "identify", traits: { email: "cy@initech.io" } });
  assert.deepEqual([named.body.mql, named.body.status, named.body.becameMql, named.body.handedOff], [true, "handed-off", false, true]);
});

test("assets, prefetches, health checks, bots, API calls and bursts pass through unscored, counted", async () => {
  const before = (await worker.stats()).ignored;
  const v = new Visitor(worker.url);
  await v.view("/");
  const cases = [
    ["/app.js", {}, "asset"],
    ["/logo.svg", {}, "asset"],
    ["/pricing", { "sec-purpose": "prefetch" }, "prefetch"],
    ["/healthz", {}, "health"],
    ["/pricing", { "user-agent": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)" }, "bot"],
    ["/pricing", { "user-agent": "curl/8.5.0" }, "bot"],
    ["/api/plans", { accept: "application/json" }, "not-html"],
    ["/pricing", { "sec-fetch-dest": "iframe" }, "not-document"],
  ];
  for (const [path, headers, reason] of cases) {
    const { origin: o } = await v.view(path, headers);
    assert.deepEqual([o.ignored, o.score], [reason, undefined], `${path} ${JSON.stringify(headers)}`);
  }
  const noAccept = await fetch(`${worker.url}/pricing`, { headers: { "user-agent": v.userAgent, accept: "" } });
  assert.match(await noAccept.text(), /"ignored":"no-accept"/);
  const post = await fetch(`${worker.url}/contact`, { method: "POST", headers: v.headers(), body: "name=Ann" });
  assert.match(await post.text(), /"method":"POST","path":"\/contact".*"ignored":"method".*"body":"name=Ann"/);
  const spoofed = await v.view("/", { "x-lead-score": "999", "x-mql": "true" });
  assert.deepEqual([spoofed.origin.score, spoofed.origin.mql], ["2", "false"], "client-sent lead headers are replaced");

  const burst = [];
  for (let i = 0; i < 16; i++) burst.push((await v.view(`/docs/${i}`)).origin.ignored ?? "scored");
  assert.deepEqual(burst.filter((r) => r === "burst").length, 6, `12 page views in 10 s are scored, the rest ignored: ${burst}`);
  const after = (await worker.stats()).ignored;
  const delta = (r) => (after[r] ?? 0) - (before[r] ?? 0);
  assert.deepEqual(
    ["asset", "prefetch", "health", "bot", "not-html", "not-document", "no-accept", "method", "burst"].map(delta),
    [2, 1, 1, 2, 1, 1, 1, 1, 6],
  );
});

test("every single-byte change of a real cookie is rejected and never carries a score over", async () => {
  const v = new Visitor(worker.url);
  for (const path of ["/pricing", "/pricing", "/product"]) await v.view(path);
  const real = v.cookie;
  const check = new Visitor(worker.url);
  check.cookie = real;
  const untouched = (await check.view("/")).origin;
  assert.equal(untouched.score, "59", "the untouched cookie carries the session");
  const before = (await worker.stats()).cookies;
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.";
  let tried = 0;
  for (let i = 0; i < real.length; i++) {
    const replacement = alphabet[(alphabet.indexOf(real[i]) + 1 + (i % 7)) % alphabet.length];
    const t = new Visitor(worker.url);
    t.cookie = real.slice(0, i) + replacement + real.slice(i + 1);
    const { origin: o } = await t.view("/");
    assert.equal(o.score, "1", `byte ${i} changed: the visitor starts afresh`);
    assert.notEqual(o.visitor, untouched.visitor);
    tried++;
  }
  const after = (await worker.stats()).cookies;
  const rejected = ["malformed", "unknown-key", "bad-signature", "expired", "unreadable"]
    .reduce((n, s) => n + (after[s] ?? 0) - (before[s] ?? 0), 0);
  assert.equal(rejected, tried);
  assert.equal((after.valid ?? 0) - (before.valid ?? 0), 0);
});

test("bad event bodies get a clear 4xx and leave the session as it was", async () => {
  const v = new Visitor(worker.url);
  await v.view("/pricing");
  const cases = [
    [{ type: "page", properties: { path: "/pricing" } }, 400, /^events\[0\]\.type: must be identify, track or group/],
    [{ type: "track" }, 400, /^events\[0\]\.event: a track event needs a name/],
    [[{ type: "track", event: "Demo Requested" }, { type: "identify", traits: "ceo" }], 400, /^events\[1\]\.traits: must be an object/],
    [{ type: "track", event: "x", timestamp: "next year" }, 400, /^events\[0\]: event\.timestamp: "next year" is not an ISO-8601 date-time/],
    [{ type: "identify", traits: { title: "x".repeat(600) } }, 400, /traits\.title: is 600 bytes long, more than 512/],
    [Array.from({ length: 21 }, () => ({ type: "track", event: "x" })), 400, /^events: send 1 to 20 events/],
  ];
  for (const [body, status, error] of cases) {
    const r = await v.send(body);
    assert.equal(r.status, status, JSON.stringify(body).slice(0, 80));
    assert.match(r.body.error, error);
    assert.equal(r.cookieChanged, false);
  }
  const malformed = await v.send("{not json", { raw: true });
  assert.deepEqual([malformed.status, malformed.cookieChanged], [400, false]);
  assert.match(malformed.body.error, /^body: not valid JSON/);
  const oversize = await v.send(JSON.stringify({ type: "track", event: "x", properties: { pad: "y".repeat(20_000) } }), { raw: true });
  assert.deepEqual([oversize.status, oversize.body.error], [413, "body: larger than 16384 bytes"]);
  const form = await v.send("type=track", { contentType: "application/x-www-form-urlencoded", raw: true });
  assert.equal(form.status, 415);
  const get = await fetch(`${worker.url}/__mql/events`);
  assert.equal(get.status, 405);
  const { origin: o } = await v.view("/pricing");
  assert.equal(o.score, "52", "the session continued from before the bad bodies: 2 site visits + 30 + 20 (2 pricing views)");
});

test("a webhook that fails and then recovers still yields exactly one delivery", async () => {
  await eventually(async () => (await worker.stats()).outbox.pending === 0, 10_000, "earlier deliveries to settle");
  sink.failNext(2);
  const v = new Visitor(worker.url);
  for (const path of ["/", "/product", "/pricing"]) await v.view(path);
  await v.send({ type: "identify", traits: { email: "cy@globex.com" } });
  const { origin: o } = await v.view("/pricing");
  assert.equal(o.mql, "true", "the visitor's request succeeded while the webhook failed");
  const key = `b2b-saas:${o.visitor}`;
  await eventually(() => sink.delivered.get(key), 15_000, "the retried webhook");
  await new Promise((ok) => setTimeout(ok, 500));
  assert.deepEqual(sink.attempts.filter((a) => a.key === key).map((a) => a.attempt), [1, 2, 3]);
  assert.equal(sink.delivered.get(key).duplicates, 0);
  await v.view("/pricing");
  await new Promise((ok) => setTimeout(ok, 300));
  assert.equal(sink.attempts.filter((a) => a.key === key).length, 3, "no second delivery for the same visitor");
});

test("the debug endpoint answers only when enabled", async () => {
  const v = new Visitor(worker.url);
  await v.view("/pricing");
  const r = await fetch(`${worker.url}/__mql/debug`, { headers: v.headers() });
  const body = await r.json();
  assert.deepEqual([body.result.score, body.result.model, typeof body.visitor], [16, "b2b-saas@1", "string"]);
  const quiet = await startWorker({ origin: origin.url, debug: false });
  try {
    const hidden = await new Visitor(quiet.url).view("/__mql/debug");
    assert.deepEqual([hidden.origin.path, hidden.origin.ignored], ["/__mql/debug", undefined], "passed to the origin as a page");
  } finally {
    await quiet.stop();
  }
});

test("a cookie signed with the old key is accepted and re-signed with the new one", async () => {
  const old = await startWorker({ origin: origin.url, keys: KEY_OLD });
  let cookie;
  try {
    const v = new Visitor(old.url);
    await v.view("/pricing");
    cookie = v.cookie;
  } finally {
    await old.stop();
  }
  assert.match(cookie, /^v2\.k1\./);
  const v = new Visitor(worker.url);
  v.cookie = cookie;
  const { origin: o } = await v.view("/pricing");
  assert.equal(o.score, "52", "the session carried over: 2 visits, 2 pricing views");
  assert.match(v.cookie, /^v2\.k2\./);
});

test("a misconfigured worker says so instead of guessing", async () => {
  const broken = await startWorker({ origin: origin.url, keys: "k1:short" });
  try {
    const r = await fetch(`${broken.url}/`, { headers: { accept: "text/html" } });
    assert.equal(r.status, 500);
    await eventually(() => broken.output.join("").includes("COOKIE_KEYS: the secret of key \\\"k1\\\" must be at least 32 characters"), 5000, "the log line");
  } finally {
    await broken.stop();
  }
});
