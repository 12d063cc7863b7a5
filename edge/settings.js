// The worker's settings, from its environment (wrangler vars and secrets, or workerd bindings).

import { parseKeys } from "./token.js";
import { businessHoursProblems } from "./sla.js";
import { parseSecrets } from "./signature.js";
import { readRouting } from "./routing.js";

export const DEFAULTS = {
  cookieName: "mql",
  cookieMaxAgeDays: 90,
  maxCookieBytes: 3800,
  burstLimit: 12,
  burstWindowMs: 10_000,
  // Page views and posted events of one visitor, and of one client address, per window.
  visitorRateLimit: 120,
  visitorRateWindowMs: 60_000,
  clientRateLimit: 600,
  clientRateWindowMs: 60_000,
  // Wrong admin tokens a client may send per window before its admin requests get 429.
  adminFailureLimit: 10,
  adminFailureWindowMs: 60_000,
  // Accounts one client (its address, else its visitor id) may roll up into per window: an
  // account is made from an email anyone may type, so a script must not make thousands.
  accountsPerClient: 3,
  accountsWindowMs: 60_000,
  // The header a proxy in front of the worker sets to the client's address, trusted only when
  // named here (null: on Cloudflare, its cf-connecting-ip; elsewhere no address, and no
  // per-client budget, since any client can send any header).
  clientAddressHeader: null,
  // Scored page views a visitor needs before qualifying: events posted to /__mql/events add
  // points and traits, but never qualify a visitor on their own.
  minPageViews: 2,
  // Origins (scheme://host[:port]) besides the site's own that may post events.
  allowedOrigins: [],
  healthPaths: ["/health", "/healthz", "/ready", "/readyz", "/livez", "/_health", "/ping"],
  maxEventBytes: 16_384,
  maxEventsPerRequest: 20,
  // Delivery of handoffs (edge/outbox.js): retried with backoff from webhookBackoffMs, times 4
  // per attempt up to webhookMaxBackoffMs, until delivered; dead-lettered (kept, listed) after
  // deadLetterAfterMs; while the CRM answers 401/403/404, retried every misconfiguredRetryMs.
  webhookBackoffMs: 250,
  webhookMaxBackoffMs: 600_000,
  webhookTimeoutMs: 5000,
  deadLetterAfterMs: 86_400_000,
  misconfiguredRetryMs: 60_000,
  // Durable Object alarms drive delivery; where a runtime has none, false makes every scored
  // request drive the schedule kept in storage instead (one more outbox call per request).
  outboxAlarms: true,
  // Outbox objects the handoffs are spread over (edge/shards.js), 1 to 64. Each holds the
  // handoffs whose key hashes to it and keeps its own tallies; a summary or a page asks each
  // once. 8 keeps a million handoffs at about 125,000 per object while a page costs 8 small
  // reads in parallel (docs/edge.md has the figures). Handoffs stay findable when it changes.
  outboxShards: 8,
  // Deliveries to the CRM in flight at once, at most (shared out among the shards); the number
  // adapts to the CRM's answers below it. deliveryRatePerSecond (null: none) caps how many
  // start per second, for a CRM with a published rate limit.
  deliveryConcurrency: 100,
  deliveryRatePerSecond: null,
  // A lead needs a proof that a real browser worked for it (edge/proof.js): "altcha", or "none"
  // for a site that takes leads from elsewhere. proofCost is PBKDF2 iterations per attempt and
  // proofAttempts the most attempts a challenge takes (it takes between half and all of them).
  handoffProof: "altcha",
  proofCost: 1000,
  proofAttempts: 4000,
  // Traits a qualified visitor must have given before the lead goes to sales (anonymous
  // visitors who qualify are "sales-ready, not yet identified").
  handoffRequires: ["email"],
  // The SLA: sales follows a handoff up within this many minutes of its delivery, counted in
  // businessHours when set ({ days: [1,2,3,4,5], start: "09:00", end: "17:00", utcOffsetMinutes: 0 }).
  followUpMinutes: 60,
  businessHours: null,
  // Days a closed handoff (judged by sales, or dead-lettered) is kept before it is removed with
  // its feedback and deliveries; fractions of a day are allowed.
  retentionDays: 365,
  // Where each handoff goes and who owns it (edge/routing.js); null: every lead to sales (WEBHOOK_URL), no owner.
  routing: null,
  // A lead rejected for one of these reasons goes back to nurture (NURTURE_WEBHOOK_URL hears of
  // it) and, if the visitor qualifies again coolDownDays after, is handed off again (a new
  // handoff naming the earlier one, counted as a re-qualification). Other reasons ("competitor",
  // "spam" among them, which may not be listed) never come back. null: no recycling.
  recycle: { reasons: ["bad-timing", "no-budget", "no-authority", "no-need", "unreachable"], coolDownDays: 30 },
  // Reasons sales may give when rejecting a lead (POST /__mql/feedback).
  rejectionReasons: ["not-a-fit", "no-budget", "no-authority", "no-need", "bad-timing", "unreachable", "competitor", "student-or-job-seeker", "duplicate", "spam"],
};

const POSITIVE = ["retentionDays", "adminFailureWindowMs", "accountsWindowMs", "webhookBackoffMs", "webhookMaxBackoffMs", "webhookTimeoutMs", "deadLetterAfterMs", "misconfiguredRetryMs", "followUpMinutes"];

/**
 * Reads the environment once per isolate. Required: MODEL (JSON text or object), ORIGIN_URL,
 * COOKIE_KEYS. Optional: MODEL_COMPILED (the model's compiled form, `mqlscore compile`: the worker
 * then scores with the small module, else it loads the full one), WEBHOOK_URL, ALERT_WEBHOOK_URL (with WEBHOOK_SECRETS, which sign what
 * goes to them), ADMIN_TOKEN
 * (comma-separated bearer tokens for the handoff, feedback, outcomes and dashboard endpoints),
 * DEBUG ("true" enables /__mql/debug and /__mql/stats), SETTINGS (JSON overriding the defaults).
 */
export function readSettings(env) {
  const problems = [];
  const need = (name) => {
    if (!env[name]) problems.push(`${name} is not set`);
    return env[name];
  };
  const model = typeof env.MODEL === "string" ? JSON.parse(need("MODEL")) : need("MODEL");
  const compiled = env.MODEL_COMPILED;
  if (compiled !== undefined && !(compiled instanceof ArrayBuffer || ArrayBuffer.isView(compiled))) problems.push("MODEL_COMPILED must be bytes (a data binding of the .mqlc file)");
  const origin = need("ORIGIN_URL");
  let keys = [];
  try {
    keys = parseKeys(need("COOKIE_KEYS"));
  } catch (err) {
    problems.push(err.message);
  }
  let overrides = {};
  if (env.SETTINGS) {
    try {
      overrides = JSON.parse(env.SETTINGS);
    } catch (err) {
      problems.push(`SETTINGS is not valid JSON: ${err.message}`);
    }
  }
  const unknown = Object.keys(overrides).filter((k) => !(k in DEFAULTS));
  if (unknown.length) problems.push(`SETTINGS has unknown keys: ${unknown.join(", ")}`);
  for (const key of ["burstLimit", "visitorRateLimit", "clientRateLimit", "minPageViews", "adminFailureLimit", "accountsPerClient"]) {
    if (key in overrides && !(Number.isInteger(overrides[key]) && overrides[key] >= 0)) problems.push(`SETTINGS.${key} must be a whole number >= 0`);
  }
  for (const key of POSITIVE) {
    if (key in overrides && !(typeof overrides[key] === "number" && overrides[key] > 0 && Number.isFinite(overrides[key]))) {
      problems.push(`SETTINGS.${key} must be a number > 0`);
    }
  }
  if ("clientAddressHeader" in overrides && overrides.clientAddressHeader !== null && !(typeof overrides.clientAddressHeader === "string" && /^[A-Za-z0-9-]+$/.test(overrides.clientAddressHeader))) {
    problems.push("SETTINGS.clientAddressHeader must be a header name (or null)");
  }
  if ("handoffProof" in overrides && !["altcha", "none"].includes(overrides.handoffProof)) problems.push('SETTINGS.handoffProof must be "altcha" or "none"');
  for (const key of ["proofCost", "proofAttempts"]) {
    if (key in overrides && !(Number.isInteger(overrides[key]) && overrides[key] >= 2 && overrides[key] <= 100_000)) problems.push(`SETTINGS.${key} must be a whole number from 2 to 100000`);
  }
  if ("deliveryConcurrency" in overrides && !(Number.isInteger(overrides.deliveryConcurrency) && overrides.deliveryConcurrency >= 1 && overrides.deliveryConcurrency <= 1000)) problems.push("SETTINGS.deliveryConcurrency must be a whole number from 1 to 1000");
  if ("deliveryRatePerSecond" in overrides && overrides.deliveryRatePerSecond !== null && !(typeof overrides.deliveryRatePerSecond === "number" && overrides.deliveryRatePerSecond > 0 && Number.isFinite(overrides.deliveryRatePerSecond))) problems.push("SETTINGS.deliveryRatePerSecond must be a number > 0 (or null)");
  if ("outboxShards" in overrides && !(Number.isInteger(overrides.outboxShards) && overrides.outboxShards >= 1 && overrides.outboxShards <= 64)) problems.push("SETTINGS.outboxShards must be a whole number from 1 to 64");
  if ("outboxAlarms" in overrides && typeof overrides.outboxAlarms !== "boolean") problems.push("SETTINGS.outboxAlarms must be true or false");
  for (const key of ["handoffRequires", "rejectionReasons"]) {
    if (key in overrides && !(Array.isArray(overrides[key]) && overrides[key].every((t) => typeof t === "string" && t))) {
      problems.push(`SETTINGS.${key} must be a list of names`);
    }
  }
  problems.push(...businessHoursProblems(overrides.businessHours));
  if ("allowedOrigins" in overrides) {
    const list = overrides.allowedOrigins;
    if (!Array.isArray(list) || list.some((o) => typeof o !== "string" || !/^https?:\/\/[^/]+$/.test(o))) {
      problems.push("SETTINGS.allowedOrigins must be a list of origins such as \"https://www.example.com\" (no path)");
    }
  }
  if ("recycle" in overrides && overrides.recycle !== null) {
    const r = overrides.recycle;
    const allowed = overrides.rejectionReasons ?? DEFAULTS.rejectionReasons;
    if (typeof r !== "object" || Array.isArray(r)) problems.push("SETTINGS.recycle must be { reasons, coolDownDays } or null");
    else {
      if (!(Array.isArray(r.reasons) && r.reasons.every((x) => allowed.includes(x)))) problems.push("SETTINGS.recycle.reasons must list rejection reasons (rejectionReasons)");
      else if (r.reasons.some((x) => ["competitor", "spam"].includes(x))) problems.push("SETTINGS.recycle.reasons: a competitor or spam never comes back");
      if (!(typeof r.coolDownDays === "number" && r.coolDownDays > 0 && Number.isFinite(r.coolDownDays))) problems.push("SETTINGS.recycle.coolDownDays must be a number > 0");
    }
  }
  const routed = readRouting(overrides.routing, env);
  problems.push(...routed.problems);
  const routes = [...routed.routing.routes, routed.routing.default];
  if (routes.some((r) => r.destination === "nurture") && !env.NURTURE_WEBHOOK_URL) problems.push("NURTURE_WEBHOOK_URL is not set: a route sends leads to nurture");
  if (origin && !/^https?:\/\//.test(origin)) problems.push("ORIGIN_URL must be an http(s) URL");
  for (const name of ["WEBHOOK_URL", "ALERT_WEBHOOK_URL", "NURTURE_WEBHOOK_URL"]) {
    if (env[name] && !/^https?:\/\//.test(env[name])) problems.push(`${name} must be an http(s) URL`);
  }
  const adminTokens = String(env.ADMIN_TOKEN ?? "").split(",").map((t) => t.trim()).filter(Boolean);
  // Named by position, never by text: a token is a secret.
  adminTokens.forEach((t, i) => {
    if (t.length < 24) problems.push(`ADMIN_TOKEN: token ${i + 1} must be at least 24 characters`);
    // What RFC 6750 lets a bearer token be: a token outside it could never be sent.
    else if (!/^[A-Za-z0-9\-._~+/]+=*$/.test(t)) problems.push(`ADMIN_TOKEN: token ${i + 1} must be letters, digits and - . _ ~ + / (then = padding)`);
  });
  // Every delivery is signed (edge/signature.js): a CRM must be able to tell ours from a forgery.
  const signing = parseSecrets(env.WEBHOOK_SECRETS);
  problems.push(...signing.problems);
  if ((env.WEBHOOK_URL || env.ALERT_WEBHOOK_URL || env.NURTURE_WEBHOOK_URL) && !signing.secrets.length && !signing.problems.length) {
    problems.push("WEBHOOK_SECRETS is not set: deliveries are signed (\"whsec_\" and 24 to 64 random bytes in base64)");
  }
  if (problems.length) throw new Error(`mqlscore edge configuration: ${problems.join("; ")}`);
  return {
    ...DEFAULTS,
    ...overrides,
    model,
    compiledModel: compiled === undefined ? null : new Uint8Array(compiled.buffer ?? compiled, compiled.byteOffset ?? 0, compiled.byteLength),
    origin: origin.replace(/\/+$/, ""),
    webhook: env.WEBHOOK_URL || null,
    alertWebhook: env.ALERT_WEBHOOK_URL || null,
    nurtureWebhook: env.NURTURE_WEBHOOK_URL || null,
    routing: routed.routing,
    chatWebhooks: Object.fromEntries(routes.filter((r) => r.slack).map((r) => [r.slack, env[r.slack]])),
    adminTokens,
    keys,
    webhookSecrets: signing.secrets,
    debug: env.DEBUG === "true",
  };
}
