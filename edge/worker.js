// mqlscore at the edge: a module worker (Cloudflare Workers syntax, runs on workerd) in front
// of a website. For each HTML page view it restores the visitor's signed session cookie, scores
// the view, forwards the request to the origin with the result in headers, sets the updated
// cookie, and posts a visitor who just became an MQL to the CRM webhook, once, in the background.
//
// Endpoints it answers itself:
//   POST /__mql/events   identify / track events from the page (JSON, size-limited, validated)
//   GET  /__mql/debug    this visitor's scoring result (only when DEBUG is "true")
//   GET  /__mql/stats    counters: scored, ignored by reason, cookies by status, webhooks (DEBUG only)
import { initSync, Scorer } from "./pkg/mqlscore.js";
import wasm from "./pkg/mqlscore_bg.wasm";
import { readSettings } from "./settings.js";
import { BurstGuard, ignoreReason } from "./filter.js";
import { newVisitorId, sign, verify } from "./token.js";
import { deliverLead } from "./webhook.js";

initSync({ module: wasm });

const LEAD_HEADERS = ["x-lead-score", "x-lead-grade", "x-mql", "x-lead-model", "x-lead-visitor", "x-mql-ignored"];
const EVENT_TYPES = new Set(["identify", "track", "group"]);

const stats = {
  requests: 0,
  scored: 0,
  ignored: {},
  cookies: {},
  events: { accepted: 0, rejected: 0 },
  webhooks: { queued: 0, delivered: 0, failed: 0, attempts: 0 },
  errors: 0,
};
let settings;
let scorer;
let bursts;
const notified = new Set();

const count = (group, key) => (stats[group][key] = (stats[group][key] ?? 0) + 1);
const log = (entry) => console.log(JSON.stringify(entry));

export default {
  async fetch(request, env, ctx) {
    stats.requests++;
    try {
      settings ??= readSettings(env);
      scorer ??= new Scorer(settings.model);
      bursts ??= new BurstGuard({ limit: settings.burstLimit, windowMs: settings.burstWindowMs });
    } catch (err) {
      log({ mql: "config-error", error: err.message });
      return new Response("mqlscore edge worker is misconfigured; see its log\n", { status: 500 });
    }
    const url = new URL(request.url);
    if (url.pathname === "/__mql/events") return acceptEvents(request, ctx);
    if (settings.debug && url.pathname === "/__mql/debug") return debug(request);
    if (settings.debug && url.pathname === "/__mql/stats") return json(200, stats);

    const reason = ignoreReason(request, url, settings);
    if (reason) return ignore(request, url, reason);

    let scored;
    try {
      const checked = await checkCookie(request);
      const session = openSession(checked);
      if (bursts.isBurst(session.visitor, Date.now())) return ignore(request, url, "burst");
      scored = scorePageView(session, request, url);
    } catch (err) {
      // Scoring must never cost the visitor their page.
      stats.errors++;
      log({ mql: "score-error", path: url.pathname, error: String(err?.message ?? err) });
      return ignore(request, url, "error");
    }
    const response = await forward(request, url, scored.headers);
    await setCookie(response, scored.visitor, scored.saved);
    if (scored.result.becameMql) notify(ctx, scored, url);
    return response;
  },
};

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
  return { visitor: checked.status === "valid" ? checked.visitor : newVisitorId(), fresh: checked.status !== "valid" };
}

function scorePageView(session, request, url) {
  const result = scorer.ingest({
    type: "page",
    messageId: request.headers.get("cf-ray") ?? crypto.randomUUID(),
    properties: { path: url.pathname, url: url.href, referrer: request.headers.get("referer") ?? "" },
    context: { userAgent: request.headers.get("user-agent") ?? "" },
  });
  stats.scored++;
  return {
    visitor: session.visitor,
    result,
    saved: scorer.save(),
    traits: result.becameMql ? scorer.traits() : null,
    headers: {
      "x-lead-score": String(result.score),
      "x-lead-grade": result.grade,
      "x-mql": String(result.mql),
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

async function setCookie(response, visitor, saved) {
  const expires = Math.floor(Date.now() / 1000) + settings.cookieMaxAgeDays * 86_400;
  const value = await sign(settings.keys, visitor, saved, expires);
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

/** Posts the new MQL to the CRM in the background; a failure never reaches the visitor. */
function notify(ctx, scored, url) {
  const { result, visitor } = scored;
  const key = `${result.model.split("@")[0]}:${visitor}`;
  if (!settings.webhook || notified.has(key)) return;
  notified.add(key);
  if (notified.size > 100_000) notified.delete(notified.values().next().value);
  stats.webhooks.queued++;
  const lead = {
    idempotencyKey: key,
    visitor,
    model: result.model,
    score: result.score,
    fit: result.fit,
    engagement: result.engagement,
    grade: result.grade,
    mqlSince: result.mqlSince,
    reasons: result.reasons,
    traits: scored.traits,
    page: url.pathname,
  };
  const delivery = deliverLead(settings.webhook, lead, {
    attempts: settings.webhookAttempts,
    backoffMs: settings.webhookBackoffMs,
    timeoutMs: settings.webhookTimeoutMs,
    log,
  }).then((outcome) => {
    stats.webhooks.attempts += outcome.attempts;
    stats.webhooks[outcome.delivered ? "delivered" : "failed"]++;
    log({ mql: outcome.delivered ? "webhook-delivered" : "webhook-failed", key, ...outcome });
    if (!outcome.delivered) notified.delete(key);
  });
  ctx.waitUntil(delivery);
}

async function acceptEvents(request, ctx) {
  const reject = (status, error, extra = {}) => {
    stats.events.rejected++;
    return json(status, { error, ...extra });
  };
  if (request.method !== "POST") return json(405, { error: "use POST" }, { allow: "POST" });
  if (!/^application\/json\b/i.test(request.headers.get("content-type") ?? "")) {
    return reject(415, "content-type: must be application/json");
  }
  const text = await readLimited(request, settings.maxEventBytes);
  if (text === null) return reject(413, `body: larger than ${settings.maxEventBytes} bytes`);
  let body;
  try {
    body = JSON.parse(text);
  } catch (err) {
    return reject(400, `body: not valid JSON (${err.message})`);
  }
  const events = Array.isArray(body) ? body : Array.isArray(body?.events) ? body.events : [body];
  if (events.length === 0 || events.length > settings.maxEventsPerRequest) {
    return reject(400, `events: send 1 to ${settings.maxEventsPerRequest} events`);
  }
  for (const [i, e] of events.entries()) {
    const problem = schemaProblem(e);
    if (problem) return reject(400, `events[${i}].${problem}`);
  }
  const checked = await checkCookie(request);
  let scored;
  try {
    const session = openSession(checked);
    const result = scorer.ingestBatch(events);
    if (result.rejected.length) {
      // All or nothing: the cookie is not updated, so the session is as it was.
      const [first] = result.rejected;
      return reject(400, `events[${first.index}]: ${first.message}`, { rejected: result.rejected });
    }
    stats.events.accepted += events.length;
    scored = { visitor: session.visitor, result, saved: scorer.save(), traits: result.becameMql ? scorer.traits() : null };
  } catch (err) {
    stats.errors++;
    log({ mql: "events-error", error: String(err?.message ?? err) });
    return reject(400, String(err?.message ?? err));
  }
  const { result } = scored;
  const response = json(200, { score: result.score, grade: result.grade, mql: result.mql, becameMql: result.becameMql, model: result.model });
  await setCookie(response, scored.visitor, scored.saved);
  if (result.becameMql) notify(ctx, scored, new URL(request.url));
  return response;
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

function json(status, body, headers = {}) {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
}
