// The worker's settings, from its environment (wrangler vars and secrets, or workerd bindings).

import { parseKeys } from "./token.js";

const DEFAULTS = {
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
  // The header that carries the client's address: Cloudflare sets cf-connecting-ip, and a
  // client cannot. Where it is absent, every client shares one budget.
  clientAddressHeader: "cf-connecting-ip",
  // Scored page views a visitor needs before qualifying: events posted to /__mql/events add
  // points and traits, but never qualify a visitor on their own.
  minPageViews: 2,
  // Origins (scheme://host[:port]) besides the site's own that may post events.
  allowedOrigins: [],
  healthPaths: ["/health", "/healthz", "/ready", "/readyz", "/livez", "/_health", "/ping"],
  maxEventBytes: 16_384,
  maxEventsPerRequest: 20,
  webhookAttempts: 4,
  webhookBackoffMs: 250,
  webhookTimeoutMs: 5000,
};

/**
 * Reads the environment once per isolate. Required: MODEL (JSON text or object), ORIGIN_URL,
 * COOKIE_KEYS. Optional: WEBHOOK_URL, DEBUG ("true" enables /__mql/debug and /__mql/stats),
 * SETTINGS (JSON overriding the defaults above).
 */
export function readSettings(env) {
  const problems = [];
  const need = (name) => {
    if (!env[name]) problems.push(`${name} is not set`);
    return env[name];
  };
  const model = typeof env.MODEL === "string" ? JSON.parse(need("MODEL")) : need("MODEL");
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
  for (const key of ["burstLimit", "visitorRateLimit", "clientRateLimit", "minPageViews"]) {
    if (key in overrides && !(Number.isInteger(overrides[key]) && overrides[key] >= 0)) problems.push(`SETTINGS.${key} must be a whole number >= 0`);
  }
  if ("allowedOrigins" in overrides) {
    const list = overrides.allowedOrigins;
    if (!Array.isArray(list) || list.some((o) => typeof o !== "string" || !/^https?:\/\/[^/]+$/.test(o))) {
      problems.push("SETTINGS.allowedOrigins must be a list of origins such as \"https://www.example.com\" (no path)");
    }
  }
  if (origin && !/^https?:\/\//.test(origin)) problems.push("ORIGIN_URL must be an http(s) URL");
  if (env.WEBHOOK_URL && !/^https?:\/\//.test(env.WEBHOOK_URL)) problems.push("WEBHOOK_URL must be an http(s) URL");
  if (problems.length) throw new Error(`mqlscore edge configuration: ${problems.join("; ")}`);
  return {
    ...DEFAULTS,
    ...overrides,
    model,
    origin: origin.replace(/\/+$/, ""),
    webhook: env.WEBHOOK_URL || null,
    keys,
    debug: env.DEBUG === "true",
  };
}
