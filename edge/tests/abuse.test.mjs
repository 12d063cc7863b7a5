// Who may create a lead: the events endpoint under the requests an attacker would send, on the
// real workerd with a loopback CRM sink. Nothing refused here may reach the CRM or the cookie.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { ADMIN_TOKEN, KEY_NEW, Visitor, eventually, startStack, startWorker, workerLog } from "./harness.mjs";

const CLIENT = "x-test-client";
let stack;
let sink;
let worker;

before(async () => {
  stack = await startStack({
    settings: {
      clientAddressHeader: CLIENT,
      visitorRateLimit: 30,
      clientRateLimit: 60,
      allowedOrigins: ["https://app.example.com"],
    },
  });
  ({ sink, worker } = stack);
});

after(() => stack?.stop());

const identifyAndDemo = (email) => [
  { type: "identify", traits: { email, firstName: "Mallory", title: "CEO", company: { name: "Invented Inc", employees: 500 } } },
  { type: "track", event: "Demo Requested" },
];
const refused = async () => (await worker.stats()).events.refused;
const delta = (before, after) => Object.fromEntries(Object.keys(after).map((k) => [k, after[k] - (before[k] ?? 0)]).filter(([, n]) => n));

test("30 posts with no cookie and curl's user agent create no lead, each refused with a reason", async () => {
  const before = await refused();
  const attempts = sink.attempts.length;
  for (let i = 0; i < 30; i++) {
    const r = await fetch(`${worker.url}/__mql/events`, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": "curl/8.5.0", [CLIENT]: `10.0.0.${i}` },
      body: JSON.stringify(identifyAndDemo(`fake${i}@example.com`)),
    });
    assert.equal(r.status, 403);
    assert.deepEqual(await r.json(), { error: "user-agent: automated clients may not post events", reason: "bot" });
    assert.equal(r.headers.getSetCookie().length, 0, "nothing stored");
  }
  for (let i = 0; i < 30; i++) {
    const r = await new Visitor(worker.url).send(identifyAndDemo(`fake${i}@example.com`), { headers: { [CLIENT]: `10.1.0.${i}` } });
    assert.deepEqual([r.status, r.body.reason, r.cookieChanged], [401, "session-missing", false]);
    assert.match(r.body.error, /^cookie: a valid session from a page view of this site is required \(missing\)/);
  }
  assert.deepEqual(delta(before, await refused()), { bot: 30, "session-missing": 30 });
  await new Promise((ok) => setTimeout(ok, 300));
  assert.equal(sink.attempts.length, attempts, "nothing reached the CRM");
});

test("a tampered, forged or expired cookie is refused and counted by its status", async () => {
  const v = new Visitor(worker.url);
  await v.view("/", { [CLIENT]: "10.2.0.1" });
  const real = v.cookie;
  const before = await refused();
  const cases = [
    [real.slice(0, -2) + (real.endsWith("AA") ? "BB" : "AA"), "session-bad-signature"],
    [real.replace(/^v2\.k2\./, "v2.k9."), "session-unknown-key"],
    [real.replace(/^v2\.k2\.([^.]+)\.[^.]+\.[^.]+\./, "v2.k2.$1.zz.99.").slice(0, 20), "session-malformed"],
    [real.replace(/^(v2\.k2\.[^.]+\.[^.]+)\.1\./, "$1.9-h."), "session-bad-signature"],
  ];
  for (const [cookie, reason] of cases) {
    const t = new Visitor(worker.url);
    t.cookie = cookie;
    const r = await t.send(identifyAndDemo("ann@acme.com"), { headers: { [CLIENT]: "10.2.0.1" } });
    assert.deepEqual([r.status, r.body.reason, r.cookieChanged], [401, reason, false], cookie);
  }
  assert.deepEqual(delta(before, await refused()), { "session-bad-signature": 2, "session-unknown-key": 1, "session-malformed": 1 });
});

test("posted events never qualify a visitor alone; the minimum of scored page views does", async () => {
  const v = new Visitor(worker.url);
  const { origin: o } = await v.view("/", { [CLIENT]: "10.3.0.1" });
  const key = `b2b-saas:${o.visitor}`;
  let last;
  for (let i = 0; i < 3; i++) {
    last = await v.send(identifyAndDemo("ceo@bigco.com"), { headers: { [CLIENT]: "10.3.0.1" } });
    assert.equal(last.status, 200);
  }
  assert.deepEqual([last.body.mql, last.body.becameMql, last.body.handedOff], [false, false, false]);
  const engine = await (await fetch(`${worker.url}/__mql/debug`, { headers: v.headers() })).json();
  assert.deepEqual([engine.result.mql, engine.result.score], [true, last.body.score], "the model alone would call it an MQL");
  await new Promise((ok) => setTimeout(ok, 300));
  assert.equal(sink.attempts.filter((a) => a.key === key).length, 0, "no handoff");
  const second = await v.view("/product", { [CLIENT]: "10.3.0.1" });
  assert.equal(second.origin.mql, "true", "the second scored page view qualifies");
  const { lead } = await eventually(() => sink.delivered.get(key), 10_000, "the handoff");
  assert.equal(lead.traits.email, "ceo@bigco.com");
});

test("cross-origin posts are refused unless the origin is allowed; the allowed one gets CORS headers", async () => {
  const v = new Visitor(worker.url);
  await v.view("/", { [CLIENT]: "10.4.0.1" });
  const track = { type: "track", event: "Whitepaper Downloaded" };
  const evil = await v.send(track, { headers: { origin: "https://evil.example", [CLIENT]: "10.4.0.1" } });
  assert.deepEqual([evil.status, evil.body.reason, evil.cookieChanged], [403, "cross-origin", false]);
  assert.equal(evil.body.error, "origin: https://evil.example may not post events here");
  assert.equal(evil.headers.get("access-control-allow-origin"), null);
  const formPost = await v.send(track, { headers: { "sec-fetch-site": "cross-site", [CLIENT]: "10.4.0.1" } });
  assert.deepEqual([formPost.status, formPost.body.reason], [403, "cross-origin"]);
  const own = await v.send(track, { headers: { origin: worker.url, "sec-fetch-site": "same-origin", [CLIENT]: "10.4.0.1" } });
  assert.equal(own.status, 200);
  const preflight = await fetch(`${worker.url}/__mql/events`, {
    method: "OPTIONS",
    headers: { origin: "https://app.example.com", "access-control-request-method": "POST", [CLIENT]: "10.4.0.1" },
  });
  assert.equal(preflight.status, 204);
  assert.equal(preflight.headers.get("access-control-allow-origin"), "https://app.example.com");
  assert.equal(preflight.headers.get("access-control-allow-credentials"), "true");
  const allowed = await v.send(track, { headers: { origin: "https://app.example.com", [CLIENT]: "10.4.0.1" } });
  assert.equal(allowed.status, 200);
  assert.equal(allowed.headers.get("access-control-allow-origin"), "https://app.example.com");
});

test("the burst limit and the per-visitor and per-client rate limits apply to events and page views", async () => {
  const before = await refused();
  const ignoredBefore = (await worker.stats()).ignored;
  const v = new Visitor(worker.url);
  await v.view("/", { [CLIENT]: "10.5.0.1" });
  const statuses = [];
  for (let i = 0; i < 14; i++) {
    statuses.push((await v.send({ type: "track", event: `Clicked ${i}` }, { headers: { [CLIENT]: "10.5.0.1" } })).status);
  }
  assert.deepEqual(statuses, [...Array(11).fill(200), 429, 429, 429], "12 in 10 s with the page view, then a burst");
  const over = await v.send({ type: "track", event: "x" }, { headers: { [CLIENT]: "10.5.0.1" } });
  assert.equal(over.body.reason, "burst");
  assert.ok(Number(over.headers.get("retry-after")) >= 1);

  // One client address behind many visitors: 60 requests a minute, then page views pass
  // through unscored and events are refused.
  let scored = 0;
  let limited = 0;
  for (let i = 0; i < 70; i++) {
    const { origin: o } = await new Visitor(worker.url).view("/", { [CLIENT]: "10.6.0.1" });
    if (o.ignored === "client-rate") limited++;
    else if (o.score) scored++;
  }
  assert.deepEqual([scored, limited], [60, 10]);
  const fromThere = new Visitor(worker.url);
  await fromThere.view("/", { [CLIENT]: "10.6.0.2" });
  const r = await fromThere.send({ type: "track", event: "x" }, { headers: { [CLIENT]: "10.6.0.1" } });
  assert.deepEqual([r.status, r.body.reason], [429, "client-rate"]);
  const after = await refused();
  assert.deepEqual(delta(before, after), { burst: 4, "client-rate": 1 });
  assert.equal((await worker.stats()).ignored["client-rate"] - (ignoredBefore["client-rate"] ?? 0), 10);
});

test("the per-visitor rate limit holds a visitor who paces under the burst limit", async () => {
  const paced = await startWorker({
    origin: stack.origin.url,
    webhook: sink.url,
    settings: { burstLimit: 1000, visitorRateLimit: 5, clientAddressHeader: CLIENT },
  });
  try {
    const v = new Visitor(paced.url);
    await v.view("/");
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await v.send({ type: "track", event: "x" })).status);
    assert.deepEqual(statuses, [200, 200, 200, 200, 429, 429]);
    assert.deepEqual((await paced.stats()).events.refused, { "visitor-rate": 2 });
  } finally {
    await paced.stop();
  }
});

test("a malformed or duplicated COOKIE_KEYS entry is reported without its secret", async () => {
  const secret = "s3cret-with-no-id-0123456789abcdef0123";
  for (const [keys, message] of [
    [secret, /COOKIE_KEYS: entry 1 must be \\"id:secret\\"/],
    [`${KEY_NEW},k2:another-secret-abcdef0123456789abcdef`, /COOKIE_KEYS: key id \\"k2\\" is listed twice/],
  ]) {
    const broken = await startWorker({ origin: stack.origin.url, keys });
    try {
      const r = await fetch(`${broken.url}/`, { headers: { accept: "text/html" } });
      assert.equal(r.status, 500);
      await eventually(() => message.test(broken.output.join("")), 5000, "the log line");
    } finally {
      await broken.stop();
    }
  }
  const log = workerLog.join("");
  for (const s of [secret, secret.slice(1), KEY_NEW.slice(3), "another-secret-abcdef0123456789abcdef"]) {
    assert.ok(!log.includes(s), "a secret reached a log line");
  }
});

test("a too-short ADMIN_TOKEN is reported by position, never by its text, and every admin token stays out of the log", async () => {
  const short = "tiny-admin-token-x";
  const broken = await startWorker({ origin: stack.origin.url, adminToken: `${ADMIN_TOKEN},${short}` });
  try {
    const r = await fetch(`${broken.url}/`, { headers: { accept: "text/html" } });
    assert.equal(r.status, 500);
    await eventually(() => /ADMIN_TOKEN: token 2 must be at least 24 characters/.test(broken.output.join("")), 5000, "the log line");
  } finally {
    await broken.stop();
  }
  const log = workerLog.join("");
  for (const s of [short, ADMIN_TOKEN]) assert.ok(!log.includes(s), "an admin token reached a log line");
});

test("under load: 1,000 forged posts are all refused and none reaches the CRM; one client is rate-limited", async () => {
  const attempts = sink.attempts.length;
  const v = new Visitor(worker.url);
  await v.view("/", { [CLIENT]: "10.9.0.1" });
  const forged = v.cookie.replace(/\.[^.]+$/, ".AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
  const kinds = [
    { cookie: null, ua: "Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0", expect: 401 },
    { cookie: forged, ua: "Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0", expect: 401 },
    { cookie: null, ua: "python-requests/2.32", expect: 403 },
    { cookie: v.cookie, ua: "Mozilla/5.0", expect: 403, origin: "https://evil.example" },
  ];
  const post = (i) => {
    const k = kinds[i % kinds.length];
    return fetch(`${worker.url}/__mql/events`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": k.ua,
        [CLIENT]: `10.10.${Math.floor(i / 250)}.${i % 250}`,
        ...(k.cookie ? { cookie: `mql=${k.cookie}` } : {}),
        ...(k.origin ? { origin: k.origin } : {}),
      },
      body: JSON.stringify(identifyAndDemo(`forged${i}@example.com`)),
    }).then(async (r) => {
      await r.arrayBuffer();
      return r.status === k.expect;
    });
  };
  const started = performance.now();
  let refused = 0;
  const total = 1000;
  const concurrency = 25;
  for (let i = 0; i < total; i += concurrency) {
    const batch = await Promise.all(Array.from({ length: Math.min(concurrency, total - i) }, (_, k) => post(i + k)));
    refused += batch.filter(Boolean).length;
  }
  const seconds = (performance.now() - started) / 1000;
  assert.equal(refused, total, "every forged post refused with its status");
  // One client hammering: 200 posts in a row from one address with a real session.
  const hammer = new Visitor(worker.url);
  await hammer.view("/", { [CLIENT]: "10.11.0.1" });
  const statuses = [];
  for (let i = 0; i < 200; i++) {
    statuses.push((await hammer.send({ type: "track", event: `Clicked ${i}` }, { headers: { [CLIENT]: "10.11.0.1" } })).status);
  }
  const limited = statuses.filter((s) => s === 429).length;
  assert.ok(limited >= 140, `${limited} of 200 rate-limited`);
  await new Promise((ok) => setTimeout(ok, 300));
  assert.equal(sink.attempts.length, attempts, "nothing reached the CRM");
  console.log(`abuse: ${total} forged posts (no cookie, forged cookie, bot user agent, other origin) at concurrency ${concurrency}: ${refused} refused, 0 leads, ${Math.round(total / seconds)} requests/s; one client posting 200 events in a row: ${200 - limited} accepted, ${limited} rate-limited (429)`);
});
