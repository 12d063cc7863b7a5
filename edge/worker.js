// mqlscore at the edge: a module worker (Cloudflare Workers syntax, runs on workerd) in front
// of a website. For each HTML page view it restores the visitor's signed session cookie, scores
// the view, forwards the request to the origin with the result in headers, sets the updated
// cookie, and hands a visitor who just became a reachable MQL to sales: the lead is routed
// (edge/routing.js), stored in its outbox shard (edge/shards.js, edge/outbox.js) before the
// response goes out, and the outbox delivers it to the CRM (or the nurture stream) until it has it.
//
// Endpoints it answers itself:
//   POST /__mql/events   identify / track events from the page (JSON, size-limited, validated),
//                        only within a visit: a valid session cookie that a scored page view set
//   GET  /__mql/debug    this visitor's scoring result (only when DEBUG is "true")
//   GET  /__mql/stats    counters: scored, ignored by reason, cookies by status, events, handoffs (DEBUG only)
// For sales and marketing, with a bearer token from ADMIN_TOKEN (else 401, nothing changes):
//   GET  /__mql/handoffs             a page of handoffs (cursor, filters, search), newest first
//   GET  /__mql/handoff?key=         one lead's page: the handoff, its feedback and deliveries
//   POST /__mql/handoffs/redeliver   send dead-lettered handoffs again ({"keys": [...]} or all)
//   POST /__mql/feedback             accepted / rejected (with a reason) / converted (with a value)
//   GET  /__mql/summary              the funnel, MQL->SQL rate, rejection reasons, SLA, by model, route, owner
//   GET  /__mql/outcomes             handed-off leads with their outcome, as JSON Lines (streamed, or paged)
//   GET  /__mql/accounts             a page of accounts by score: people, engagement, roles, handoffs
//   GET, DELETE /__mql/people        what is kept about a person, or erase it
//   GET  /__mql/alerts               alerts raised: CRM misconfigured, follow-ups overdue
// and, without a token (no data in it; it asks for one), the dashboard at GET /__mql/dashboard.
//
// A visitor qualifies (x-mql: true, the page may personalise) when the model says MQL and the
// worker has scored at least `minPageViews` of their page views: posted events alone never make
// a lead. The lead goes to sales only once it can be reached (the traits in `handoffRequires`,
// an email by default): until then x-lead-status says "sales-ready-unidentified", and
// "sales-ready-email-refused" while the email given fails the gate (edge/email-check.js).
import * as lite from "./pkg/lite/mqlscore.js";
import liteWasm from "./pkg/lite/mqlscore_bg.wasm";
import { readSettings } from "./settings.js";
import { DistinctLimit, RateLimit, ignoreReason, isBot } from "./filter.js";
import { newVisitorId, sign, verify } from "./token.js";
import { admin, json } from "./admin.js";
import { accountOf, accountSummary } from "./account-score.js";
import { checkEmail, disposableDomains } from "./email-check.js";
import disposableList from "./pkg/disposable-domains.txt";
import { challengeFor, proofProblem } from "./proof.js";
import proofPage from "./proof-page.js";
import proofSolver from "./pkg/proof-solver.js";
import { handoffs } from "./shards.js";
import { routeOf } from "./routing.js";
export { Outbox } from "./outbox.js";
export { Account } from "./accounts.js";

// The small scoring module (compiled models only); the full one loads only without MODEL_COMPILED.
lite.initSync({ module: liteWasm });

const LEAD_HEADERS = ["x-lead-score", "x-lead-grade", "x-mql", "x-lead-status", "x-lead-model", "x-lead-visitor", "x-account-score", "x-account-qualified", "x-mql-ignored"];
const EVENT_TYPES = new Set(["identify", "track", "group"]);

const stats = {
  requests: 0,
  scored: 0,
  ignored: {},
  cookies: {},
  events: { accepted: 0, rejected: 0, refused: {} },
  handoffs: { queued: 0, repeated: 0, failed: 0 },
  // Roll-ups refused: a client past its accounts per window.
  accountsRefused: 0,
  errors: 0,
};
let settings;
let scorer;
let scorerReady;
let limits;

/**
 * The scorer every request shares: the small module with the compiled model (MODEL_COMPILED,
 * `mqlscore compile`), or without one the full module, loaded now, with the model document. The
 * compiled model must be the document's (`id@version`): the worker reads its accounts section.
 */
async function newScorer(settings) {
  let made;
  if (settings.compiledModel) {
    made = new lite.Scorer(settings.compiledModel);
  } else {
    const [full, wasm] = await Promise.all([import("./pkg/mqlscore.js"), import("./pkg/mqlscore_bg.wasm")]);
    full.initSync({ module: wasm.default });
    made = new full.Scorer(settings.model);
  }
  const key = `${settings.model.id}@${settings.model.version}`;
  const compiledKey = made.model;
  if (compiledKey !== key) {
    made.free();
    throw new Error(`mqlscore edge configuration: MODEL_COMPILED is ${compiledKey} but MODEL is ${key}; compile the model again (mqlscore compile)`);
  }
  return made;
}

const count = (group, key) => (stats[group][key] = (stats[group][key] ?? 0) + 1);
const log = (entry) => console.log(JSON.stringify(entry));

export default {
  async fetch(request, env, ctx) {
    stats.requests++;
    try {
      settings ??= readSettings(env);
      scorerReady ??= newScorer(settings);
      scorer ??= await scorerReady;
      limits ??= {
        burst: new RateLimit({ limit: settings.burstLimit, windowMs: settings.burstWindowMs }),
        visitor: new RateLimit({ limit: settings.visitorRateLimit, windowMs: settings.visitorRateWindowMs }),
        client: new RateLimit({ limit: settings.clientRateLimit, windowMs: settings.clientRateWindowMs }),
        adminFailures: new RateLimit({ limit: settings.adminFailureLimit, windowMs: settings.adminFailureWindowMs }),
        challenges: new RateLimit({ limit: 10, windowMs: 60_000 }),
        accounts: new DistinctLimit({ limit: settings.accountsPerClient, windowMs: settings.accountsWindowMs }),
      };
    } catch (err) {
      log({ mql: "config-error", error: err.message });
      return new Response("mqlscore edge worker is misconfigured; see its log\n", { status: 500 });
    }
    const url = new URL(request.url);
    if (url.pathname === "/__mql/events") return acceptEvents(request, url, env, ctx);
    if (url.pathname === "/__mql/challenge") return challenge(request);
    const script = SCRIPTS[url.pathname];
    if (script && request.method === "GET") return new Response(script, { headers: SCRIPT_HEADERS });
    if (settings.debug && url.pathname === "/__mql/debug") return debug(request);
    if (settings.debug && url.pathname === "/__mql/stats") return json(200, { ...stats, outbox: await outbox(env).summary() });
    // Figures read now include this isolate's batch of new visitors.
    if (url.pathname.startsWith("/__mql/") && url.pathname !== "/__mql/events") await flushVisitors(env, ctx);
    const answer = await admin(request, url, settings, () => outbox(env), { client: clientAddress(request) ?? "no-address", failures: limits.adminFailures }, (key) => env.ACCOUNTS.get(env.ACCOUNTS.idFromName(key)));
    if (answer) return answer;

    const reason = ignoreReason(request, url, settings);
    if (reason) return ignore(request, url, reason);
    if (clientOver(clientAddress(request), Date.now())) return ignore(request, url, "client-rate");

    let scored;
    try {
      const checked = await checkCookie(request);
      const session = openSession(checked);
      const now = Date.now();
      if (limits.burst.isOver(session.visitor, now)) return ignore(request, url, "burst");
      if (limits.visitor.isOver(session.visitor, now)) return ignore(request, url, "visitor-rate");
      scored = scorePageView(session, request, url);
      countFunnel(env, ctx, session, scored);
      await rollUp(env, ctx, scored, clientAddress(request));
    } catch (err) {
      // Scoring must never cost the visitor their page.
      stats.errors++;
      log({ mql: "score-error", path: url.pathname, error: String(err?.message ?? err) });
      return ignore(request, url, "error");
    }
    const [response] = await Promise.all([forward(request, url, scored.headers), handOff(env, scored, url)]);
    await setCookie(response, scored);
    if (!settings.outboxAlarms) ctx.waitUntil(outbox(env).kick());
    return response;
  },
};

/** The handoff outbox: `outboxShards` Durable Objects, read and written through edge/shards.js. */
function outbox(env) {
  return handoffs(env, settings);
}

/**
 * The client's address from a source a client cannot forge: the header a trusted proxy sets
 * (`clientAddressHeader`), or on Cloudflare (where the platform sets `request.cf`, and
 * cf-connecting-ip is its own) that header. Null elsewhere: a header anyone can send is no
 * identity, and sharing one budget among clients without one let one client spend it for all.
 */
function clientAddress(request) {
  if (settings.clientAddressHeader) return request.headers.get(settings.clientAddressHeader);
  return request.cf ? request.headers.get("cf-connecting-ip") : null;
}

/** Whether the client (when known) is past its budget; clients without an address have none. */
function clientOver(client, now) {
  return client !== null && limits.client.isOver(client, now);
}

/** Verifies the session cookie's signature (the only asynchronous step of a visit). */
function checkCookie(request) {
  const token = readCookie(request.headers.get("cookie"), settings.cookieName);
  return verify(settings.keys, token, Date.now() / 1000);
}

/**
 * Loads a checked session into the shared scorer (fresh when not valid). Callers must not await
 * between this and `scorer.save()`: until then the shared scorer holds this visitor alone.
 */
function openSession(checked) {
  let status = checked.status;
  if (status === "valid") {
    try {
      const note = scorer.load(checked.saved);
      if (note.outcome !== "exact") status = `model-${note.outcome}`;
    } catch {
      status = "unreadable";
    }
  } else {
    scorer.reset();
  }
  count("cookies", status);
  if (!["valid", "missing", "model-migrated"].includes(status)) log({ mql: "cookie-rejected", status });
  const valid = checked.status === "valid";
  return {
    visitor: valid ? checked.visitor : newVisitorId(),
    fresh: !valid,
    views: valid ? checked.views : 0,
    proven: valid && checked.proven,
    handedOff: valid && checked.handedOff,
    handedOffAt: valid ? checked.handedOffAt : 0,
  };
}

/** The page's proof script and its solver, served by the worker itself (edge/proof.js). */
const SCRIPTS = { "/__mql/proof.js": proofPage, "/__mql/proof-solver.js": proofSolver };
const SCRIPT_HEADERS = { "content-type": "text/javascript; charset=utf-8", "x-content-type-options": "nosniff", "cache-control": "public, max-age=3600" };

/** GET /__mql/challenge: a proof-of-work challenge for this visitor (a valid session needed). */
async function challenge(request) {
  if (request.method !== "GET") return json(405, { error: "use GET" }, { allow: "GET" });
  const checked = await checkCookie(request);
  if (checked.status !== "valid") return json(401, { error: `cookie: a valid session from a page view of this site is required (${checked.status})` });
  const now = Date.now();
  // Each challenge costs the worker one key derivation: a few a minute per visitor is plenty.
  if (limits.challenges.isOver(checked.visitor, now)) return json(429, { error: "too many challenges for this visitor" }, { "retry-after": String(limits.challenges.retryAfter(checked.visitor, now)) });
  return json(200, await challengeFor(checked.visitor, settings, now));
}

/**
 * What the worker makes of the engine's result for this visit: whether the visitor qualifies
 * (the model's MQL, and enough scored page views), and whether this request hands the lead off.
 */
function qualify(session, result) {
  const mql = result.mql && session.views >= settings.minPageViews;
  const traits = mql || settings.model.accounts ? scorer.traits() : null;
  const email = traits?.email != null ? checkEmail(traits.email, isDisposable()) : null;
  const given = mql && settings.handoffRequires.every((t) => traits[t] != null && traits[t] !== "");
  // The gate: an email that is malformed or disposable keeps the lead from sales, and so does a
  // visitor whose page has not proved a real browser.
  const refused = given && email !== null && !email.ok;
  const unproven = given && !refused && settings.handoffProof !== "none" && !session.proven;
  const ready = given && !refused && !unproven;
  const handoff = ready && !session.handedOff;
  // Handed off before and ready again after the cool-down: the outbox says whether sales sent
  // the earlier handoff back to nurture (handOff asks it), and so whether this is a new one.
  const recheck = ready && session.handedOff && settings.recycle !== null && Date.now() >= session.handedOffAt + settings.recycle.coolDownDays * 86_400_000;
  const status = !mql ? "not-ready" : session.handedOff || handoff ? "handed-off" : refused ? "sales-ready-email-refused" : unproven ? "sales-ready-unproven" : "sales-ready-unidentified";
  const visit = { views: session.views, proven: session.proven, handedOff: session.handedOff || handoff, handedOffAt: handoff ? Date.now() : session.handedOffAt };
  return { mql, handoff: handoff || recheck, recheck, status, traits, email, visit };
}

let disposable = null;

/** The disposable-mail lookup, read from its list the first time an email is checked. */
function isDisposable() {
  disposable ??= disposableDomains(disposableList);
  return disposable;
}

/**
 * Counts the funnel's first steps in the outbox, in the background: a visitor who is
 * sales-ready for the first time (the model's MQL with enough page views) at once; new
 * visitors in batches (every 50, or 5 s after the first uncounted one, or before a sales
 * endpoint answers), since a call per new visitor would cost every first page view about as
 * much again (measured on workerd). The batch is a statistic: an isolate evicted with a batch
 * in hand undercounts visitors by at most 50; leads and handoffs never wait on it.
 */
const uncounted = { visitors: 0, since: 0 };

function countFunnel(env, ctx, session, scored) {
  if (scored.firstSalesReady) countStep(env, ctx, "salesReady", 1);
  if (session.fresh && uncounted.visitors++ === 0) uncounted.since = Date.now();
  if (uncounted.visitors >= 50 || (uncounted.visitors > 0 && Date.now() - uncounted.since >= 5000)) flushVisitors(env, ctx);
}

function flushVisitors(env, ctx) {
  if (uncounted.visitors === 0) return null;
  const n = uncounted.visitors;
  uncounted.visitors = 0;
  return countStep(env, ctx, "visitors", n);
}

function countStep(env, ctx, step, n) {
  const counted = outbox(env).count(step, n).catch((err) => log({ mql: "funnel-count-error", step, n, error: String(err?.message ?? err) }));
  ctx.waitUntil(counted);
  return counted;
}

/** This visitor as a member of their account (when the model scores accounts and one is known). */
function memberOf(session, result, traits, email, mql) {
  const account = settings.model.accounts ? accountOf(email, traits) : null;
  if (!account) return null;
  const person = {
    visitor: session.visitor,
    email: traits.email ?? null,
    title: traits.title ?? null,
    fit: result.fit,
    engagement: result.engagement,
    score: result.score,
    mql,
    seen: Date.now(),
  };
  return { account, person };
}

/**
 * Rolls the visitor up into their account (a Durable Object per account) before the request is
 * forwarded: the origin gets x-account-score and x-account-qualified, a handoff carries the
 * account. A failure here costs the account header, never the page.
 */
async function rollUp(env, ctx, scored, client) {
  if (!scored.member) return;
  const { account, person } = scored.member;
  // A few accounts a minute per client (its address, else its visitor): beyond, no roll-up.
  if (!limits.accounts.admit(client ?? `visitor:${scored.visitor}`, account.key, Date.now())) {
    stats.accountsRefused++;
    return;
  }
  try {
    const stub = env.ACCOUNTS.get(env.ACCOUNTS.idFromName(account.key));
    const view = await stub.update(account, person, settings.model.accounts);
    const summary = accountSummary(view);
    scored.headers["x-account-score"] = String(view.score);
    scored.headers["x-account-qualified"] = String(view.qualified);
    if (scored.lead) scored.lead.account = summary;
    ctx.waitUntil(outbox(env).noteAccount(summary).catch((err) => log({ mql: "account-index-error", account: account.key, error: String(err?.message ?? err) })));
  } catch (err) {
    stats.errors++;
    log({ mql: "account-error", account: account.key, error: String(err?.message ?? err) });
  }
}

/**
 * What a handoff carries: the scored moment, why (the reasons sales reads), who (the traits),
 * when the visitor was first and last seen, and the engine's session for learning from outcomes.
 * Read before any await: the shared scorer serves the next request meanwhile.
 */
function leadOf(session, result, traits, email, page, saved) {
  return {
    idempotencyKey: `${result.model.split("@")[0]}:${session.visitor}`,
    visitor: session.visitor,
    model: result.model,
    score: result.score,
    fit: result.fit,
    engagement: result.engagement,
    grade: result.grade,
    mqlSince: result.mqlSince,
    firstSeen: scorer.firstSeen ?? null,
    lastSeen: scorer.lastSeen ?? null,
    pageViews: session.views,
    page,
    reasons: result.reasons,
    traits,
    // What the gate found of the address (it passed): flags for sales to read.
    email: email && { domain: email.domain, role: email.role, freeMail: email.freeMail, flags: emailFlags(email) },
    session: saved,
  };
}

/** Sentences for sales about an address that passed the gate. */
function emailFlags(email) {
  const flags = [];
  if (email.role) flags.push(`role address (${email.address.split("@")[0]}@): a shared inbox, not a person`);
  if (email.freeMail) flags.push("free-mail address: no company account");
  return flags;
}

function scorePageView(session, request, url) {
  const result = scorer.ingest({
    type: "page",
    messageId: request.headers.get("cf-ray") ?? crypto.randomUUID(),
    properties: { path: url.pathname, url: url.href, referrer: request.headers.get("referer") ?? "" },
    context: { userAgent: request.headers.get("user-agent") ?? "" },
  });
  stats.scored++;
  session.views++;
  const { mql, handoff, recheck, status, traits, email, visit } = qualify(session, result);
  const saved = scorer.save();
  return {
    visitor: session.visitor,
    result,
    visit,
    saved,
    recheck,
    lead: handoff ? leadOf(session, result, traits, email, url.pathname, saved) : null,
    member: memberOf(session, result, traits, email, mql),
    // The worker's MQL needs the model's and enough page views: the first time both hold is
    // the page view that reaches the minimum, or the event that makes the model's MQL after it.
    firstSalesReady: mql && (result.becameMql || session.views === settings.minPageViews),
    headers: {
      "x-lead-score": String(result.score),
      "x-lead-grade": result.grade,
      "x-mql": String(mql),
      "x-lead-status": status,
      "x-lead-model": result.model,
      "x-lead-visitor": session.visitor,
    },
  };
}

function ignore(request, url, reason) {
  count("ignored", reason);
  if (settings.debug) log({ mql: "ignored", reason, path: url.pathname });
  return forward(request, url, { "x-mql-ignored": reason });
}

/** Sends the request on to the origin, with lead headers set by us only (never by the client). */
async function forward(request, url, leadHeaders) {
  const headers = new Headers(request.headers);
  for (const name of LEAD_HEADERS) headers.delete(name);
  for (const [name, value] of Object.entries(leadHeaders)) headers.set(name, value);
  const init = { method: request.method, headers, redirect: "manual" };
  if (request.method !== "GET" && request.method !== "HEAD") init.body = request.body;
  const upstream = await fetch(settings.origin + url.pathname + url.search, init);
  return new Response(upstream.body, upstream);
}

async function setCookie(response, { visitor, saved, visit }) {
  const expires = Math.floor(Date.now() / 1000) + settings.cookieMaxAgeDays * 86_400;
  const value = await sign(settings.keys, visitor, saved, expires, visit);
  if (value.length > settings.maxCookieBytes) {
    count("cookies", "too-large");
    log({ mql: "cookie-too-large", bytes: value.length });
    return;
  }
  response.headers.append(
    "set-cookie",
    `${settings.cookieName}=${value}; Path=/; Max-Age=${settings.cookieMaxAgeDays * 86_400}; HttpOnly; Secure; SameSite=Lax`,
  );
}

/**
 * Stores the lead in the outbox before the visitor's response goes out; the outbox delivers it.
 * Should the outbox be unreachable, the cookie does not say "handed off", so the visitor's next
 * scored request tries again: a lead is never marked sent without being stored.
 */
async function handOff(env, scored, url) {
  if (!scored.lead) return;
  if (scored.recheck && !(await requalified(env, scored))) {
    scored.lead = null;
    return;
  }
  // The route is chosen here, with the account rolled up; the outbox gives it an owner.
  scored.lead.route = routeOf(scored.lead, settings.routing).id;
  scored.lead.links = { dashboard: `${url.origin}/__mql/dashboard#q=${encodeURIComponent(scored.lead.idempotencyKey)}` };
  try {
    const { queued } = await outbox(env).enqueue(scored.lead);
    stats.handoffs[queued ? "queued" : "repeated"]++;
    log({ mql: "handoff-queued", key: scored.lead.idempotencyKey, page: url.pathname, queued });
  } catch (err) {
    stats.handoffs.failed++;
    // Not stored: the cookie does not say handed off (or, for a second handoff, asks again).
    if (scored.recheck) scored.visit.handedOffAt = 0;
    else scored.visit.handedOff = false;
    log({ mql: "handoff-not-stored", key: scored.lead.idempotencyKey, error: String(err?.message ?? err) });
  }
}

/**
 * Whether a visitor handed off before, and ready again after the cool-down, makes a new handoff:
 * only when their latest one was rejected with a reason that recycles it (`recycle.reasons`) at
 * least the cool-down ago. The new handoff's key is the earlier one's with the next number, and
 * it names the earlier one. Whatever the answer, the cookie waits another cool-down before the
 * next question; if the outbox cannot answer, the next request asks again.
 */
async function requalified(env, scored) {
  const lead = scored.lead;
  let verdict;
  try {
    verdict = await outbox(env).requalify(lead.visitor, lead.model.split("@")[0], settings.recycle);
  } catch (err) {
    log({ mql: "requalify-error", visitor: lead.visitor, error: String(err?.message ?? err) });
    return false;
  }
  scored.visit.handedOffAt = Date.now();
  if (!verdict) return false;
  lead.idempotencyKey = `${lead.idempotencyKey}:${verdict.generation}`;
  lead.previous = verdict.previous;
  lead.recycledFor = verdict.reason;
  log({ mql: "requalified", key: lead.idempotencyKey, previous: verdict.previous });
  return true;
}

/**
 * POST /__mql/events. Only within a visit: a browser-like client from an allowed origin, with a
 * valid session cookie that a scored page view set, within the rate limits. Each refusal has a
 * reason, is counted in `stats.events.refused`, and changes nothing.
 */
async function acceptEvents(request, url, env, ctx) {
  const refuse = (status, reason, error, headers = {}, extra = {}) => {
    stats.events.rejected++;
    stats.events.refused[reason] = (stats.events.refused[reason] ?? 0) + 1;
    if (settings.debug) log({ mql: "events-refused", reason });
    return json(status, { error, reason, ...extra }, { ...corsHeaders(request), ...headers });
  };
  const origin = request.headers.get("origin");
  const crossSite = request.headers.get("sec-fetch-site") === "cross-site";
  if ((origin && origin !== url.origin && !settings.allowedOrigins.includes(origin)) || (crossSite && !origin)) {
    return refuse(403, "cross-origin", `origin: ${origin ?? "a cross-site page"} may not post events here`);
  }
  if (request.method === "OPTIONS" && origin) return new Response(null, { status: 204, headers: corsHeaders(request, true) });
  if (request.method !== "POST") return json(405, { error: "use POST" }, { allow: "POST" });
  if (!/^application\/json\b/i.test(request.headers.get("content-type") ?? "")) {
    return refuse(415, "content-type", "content-type: must be application/json");
  }
  const userAgent = request.headers.get("user-agent") ?? "";
  if (isBot(userAgent)) return refuse(403, "bot", "user-agent: automated clients may not post events");
  const client = clientAddress(request);
  if (clientOver(client, Date.now())) {
    return refuse(429, "client-rate", "too many requests from this client", { "retry-after": String(limits.client.retryAfter(client, Date.now())) });
  }
  const checked = await checkCookie(request);
  if (checked.status !== "valid") {
    return refuse(401, `session-${checked.status}`, `cookie: a valid session from a page view of this site is required (${checked.status})`);
  }

  const text = await readLimited(request, settings.maxEventBytes);
  if (text === null) return refuse(413, "too-large", `body: larger than ${settings.maxEventBytes} bytes`);
  let body;
  try {
    body = JSON.parse(text);
  } catch (err) {
    return refuse(400, "invalid", `body: not valid JSON (${err.message})`);
  }
  const events = Array.isArray(body) ? body : Array.isArray(body?.events) ? body.events : [body];
  // A proof of a real browser may come with the events ({ events, proof }): checked before
  // anything is recorded, remembered in the session cookie once it holds.
  const proof = !Array.isArray(body) && body !== null && typeof body === "object" && "proof" in body ? body.proof : undefined;
  if (proof !== undefined && !checked.proven) {
    const problem = await proofProblem(proof, checked.visitor, settings);
    if (problem) return refuse(400, "proof", `proof: ${problem}`);
    checked.proven = true;
  }
  if (events.length === 0 || events.length > settings.maxEventsPerRequest) {
    return refuse(400, "invalid", `events: send 1 to ${settings.maxEventsPerRequest} events`);
  }
  for (const [i, e] of events.entries()) {
    const problem = schemaProblem(e);
    if (problem) return refuse(400, "invalid", `events[${i}].${problem}`);
  }
  const now = Date.now();
  for (const [limit, reason] of [[limits.burst, "burst"], [limits.visitor, "visitor-rate"]]) {
    if (limit.isOver(checked.visitor, now, events.length)) {
      return refuse(429, reason, "too many events from this visitor", { "retry-after": String(limit.retryAfter(checked.visitor, now)) });
    }
  }
  // The engine's bot filter reads the user agent of the request, not one the page claims.
  const stamped = events.map((e) => ({ ...e, context: { ...(e.context ?? {}), userAgent } }));
  let scored;
  try {
    const session = openSession(checked);
    const result = scorer.ingestBatch(stamped);
    if (result.rejected.length) {
      // All or nothing: the cookie is not updated, so the session is as it was.
      const [first] = result.rejected;
      return refuse(400, "invalid", `events[${first.index}]: ${first.message}`, {}, { rejected: result.rejected });
    }
    stats.events.accepted += events.length;
    const { mql, handoff, recheck, status, traits, email, visit } = qualify(session, result);
    const saved = scorer.save();
    const lead = handoff ? leadOf(session, result, traits, email, null, saved) : null;
    scored = { visitor: session.visitor, result, mql, status, visit, saved, lead, recheck, email, member: memberOf(session, result, traits, email, mql), headers: {}, firstSalesReady: mql && result.becameMql };
    countFunnel(env, ctx, session, scored);
  } catch (err) {
    stats.errors++;
    log({ mql: "events-error", error: String(err?.message ?? err) });
    return refuse(400, "invalid", String(err?.message ?? err));
  }
  const { result, mql, status } = scored;
  await rollUp(env, ctx, scored, client);
  await handOff(env, scored, url);
  const { lead } = scored;
  const account = scored.headers["x-account-score"] === undefined ? null : { score: Number(scored.headers["x-account-score"]), qualified: scored.headers["x-account-qualified"] === "true" };
  const response = json(
    200,
    // becameMql: this request made the visitor sales-ready (the worker's MQL, as x-mql says);
    // handedOff: this request handed them to sales. One name, one meaning.
    { score: result.score, grade: result.grade, mql, status, becameMql: scored.firstSalesReady, handedOff: lead != null && scored.visit.handedOff, model: result.model, account, emailProblem: scored.email?.problem ?? null },
    corsHeaders(request),
  );
  await setCookie(response, scored);
  return response;
}

/** CORS headers for an allowed other origin (none for the site's own pages). */
function corsHeaders(request, preflight = false) {
  const origin = request.headers.get("origin");
  if (!origin || !settings.allowedOrigins.includes(origin)) return {};
  const headers = { "access-control-allow-origin": origin, "access-control-allow-credentials": "true", vary: "origin" };
  if (preflight) {
    headers["access-control-allow-methods"] = "POST";
    headers["access-control-allow-headers"] = "content-type";
    headers["access-control-max-age"] = "600";
  }
  return headers;
}

/** What is wrong with an event from the page, as `field: message`, or null. */
function schemaProblem(e) {
  if (typeof e !== "object" || e === null || Array.isArray(e)) return "type: each event must be an object";
  if (!EVENT_TYPES.has(e.type)) return `type: must be identify, track or group (page views are scored from navigations)`;
  if (e.type === "track" && (typeof e.event !== "string" || !e.event.trim())) return "event: a track event needs a name";
  if (e.type !== "track" && (typeof e.traits !== "object" || e.traits === null || Array.isArray(e.traits))) {
    return "traits: must be an object";
  }
  if (e.properties !== undefined && (typeof e.properties !== "object" || e.properties === null || Array.isArray(e.properties))) {
    return "properties: must be an object";
  }
  return null;
}

/** The body as text, or null when it is larger than `limit` bytes (reading stops there). */
async function readLimited(request, limit) {
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > limit) return null;
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

async function debug(request) {
  const session = openSession(await checkCookie(request));
  return json(200, { visitor: session.fresh ? null : session.visitor, result: scorer.result(), stats });
}

function readCookie(header, name) {
  for (const part of (header ?? "").split(";")) {
    const i = part.indexOf("=");
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return null;
}
