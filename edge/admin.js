// The endpoints sales and marketing use: handoffs, feedback, figures, outcomes, alerts. Each
// needs `Authorization: Bearer <token>` with a token from ADMIN_TOKEN, compared in constant
// time; without one the answer is 401 and nothing changes. With no ADMIN_TOKEN configured they
// are off (503), never open. A token is never logged.

import page from "./dashboard/index.html";
import script from "./dashboard/app.js";
import style from "./dashboard/style.css";
import { accountSummary } from "./account-score.js";
import { STATUSES } from "./outbox.js";

const FEEDBACK_OUTCOMES = ["accepted", "rejected", "converted"];
const encoder = new TextEncoder();

/**
 * The dashboard's files: no data in them (everything comes from the endpoints below, with the
 * reader's token), so they are served without one, under a strict content security policy.
 */
const DASHBOARD = {
  "/__mql/dashboard": [page, "text/html; charset=utf-8"],
  "/__mql/dashboard/app.js": [script, "text/javascript; charset=utf-8"],
  "/__mql/dashboard/style.css": [style, "text/css; charset=utf-8"],
};
const DASHBOARD_HEADERS = {
  "content-security-policy": "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cache-control": "no-store",
};

/** Answers an admin request, or returns null when `url` is not one of these endpoints. */
export async function admin(request, url, settings, outbox, guard, account) {
  const file = DASHBOARD[url.pathname];
  if (file && (request.method === "GET" || request.method === "HEAD")) {
    return new Response(request.method === "HEAD" ? null : file[0], { headers: { "content-type": file[1], ...DASHBOARD_HEADERS } });
  }
  const route = ROUTES[url.pathname];
  if (!route) return null;
  if (!settings.adminTokens.length) return json(503, { error: "ADMIN_TOKEN is not set: the sales endpoints are off" });
  // Wrong tokens are limited per client: past the limit, a client's requests are refused
  // without a token being compared until its window has room (another client's are not).
  const now = Date.now();
  if (guard.failures.isFull(guard.client, now)) {
    const wait = guard.failures.retryAfter(guard.client, now);
    return json(429, { error: `authorization: too many wrong tokens from this client; try again in ${wait} s` }, { "retry-after": String(wait) });
  }
  if (!(await authorized(request.headers.get("authorization"), settings.adminTokens))) {
    guard.failures.isOver(guard.client, now);
    return json(401, { error: "authorization: a bearer token from ADMIN_TOKEN is required (Authorization: Bearer <token>)" }, { "www-authenticate": 'Bearer realm="mqlscore"' });
  }
  const methods = [route.method].flat();
  if (!methods.includes(request.method)) return json(405, { error: `use ${methods.join(" or ")}` }, { allow: methods.join(", ") });
  return route.answer({ request, url, settings, outbox: outbox(), account });
}

const ROUTES = {
  "/__mql/handoffs": {
    method: "GET",
    async answer({ url, outbox }) {
      const query = pageQuery(url);
      if (query.error) return json(400, query);
      try {
        const { handoffs, next } = await outbox.list(query);
        // Each lead goes out as the JSON text stored, not parsed and written again.
        const rows = handoffs.map(({ leadJson, ...row }) => `${JSON.stringify(row).slice(0, -1)},"lead":${leadJson}}`);
        return new Response(`{"handoffs":[${rows.join(",")}],"next":${JSON.stringify(next)}}`, { headers: { "content-type": "application/json", ...PRIVATE } });
      } catch (err) {
        if (/^cursor:/.test(err?.message)) return json(400, { error: err.message });
        throw err;
      }
    },
  },
  "/__mql/handoff": {
    // One lead's page: the handoff (its lead, reasons, traits, account, SLA clock), the feedback
    // on it and its deliveries, by `?key=`.
    method: "GET",
    async answer({ url, outbox }) {
      const key = url.searchParams.get("key");
      if (!key || key.length > 200) return json(400, { error: "key: the handoff's key is required" });
      const found = await outbox.detail(key);
      return found ? json(200, found) : json(404, { error: `key: no handoff "${key}"` });
    },
  },
  "/__mql/handoffs/redeliver": {
    method: "POST",
    async answer({ request, outbox }) {
      const body = await readJson(request);
      if (body.error) return json(400, body);
      const keys = body.value?.keys ?? null;
      if (keys !== null && !(Array.isArray(keys) && keys.every((k) => typeof k === "string"))) {
        return json(400, { error: "keys: must be a list of handoff keys (or absent, for every dead letter)" });
      }
      return json(200, await outbox.redeliver(keys));
    },
  },
  "/__mql/feedback": {
    method: "POST",
    async answer({ request, settings, outbox }) {
      const body = await readJson(request);
      if (body.error) return json(400, body);
      const checked = checkFeedback(body.value, settings);
      if (checked.error) return json(400, checked);
      const { status, ...answer } = await outbox.feedback(checked);
      return json(status, answer);
    },
  },
  "/__mql/summary": {
    method: "GET",
    answer: async ({ settings, outbox }) => json(200, { ...(await outbox.summary()), rejectionReasonsAllowed: settings.rejectionReasons }),
  },
  "/__mql/accounts": {
    method: "GET",
    async answer({ url, outbox }) {
      const query = pageQuery(url);
      if (query.error) return json(400, query);
      try {
        const order = url.searchParams.get("order") ?? "score";
        if (!["score", "key"].includes(order)) return json(400, { error: "order: must be score or key" });
        return json(200, await outbox.accounts({ limit: query.limit, cursor: query.cursor, byKey: order === "key" }));
      } catch (err) {
        if (/^cursor:/.test(err?.message)) return json(400, { error: err.message });
        throw err;
      }
    },
  },
  "/__mql/people": {
    // One person's data: GET exports what is kept (GDPR art. 15), DELETE erases it (art. 17),
    // by `?email=` or `?visitor=`. Logged by count only.
    method: ["GET", "DELETE"],
    async answer({ request, url, settings, outbox, account }) {
      const who = personOf(url);
      if (who.error) return json(400, who);
      const handoffs = await outbox.person(who);
      const visitors = [...new Set([who.visitor, ...handoffs.map((h) => h.lead.visitor)].filter(Boolean))];
      const emails = [...new Set([who.email, ...handoffs.map((h) => h.lead.traits?.email?.toLowerCase())].filter(Boolean))];
      // The accounts they may be in: those of their handoffs, and their email's domain.
      const accountKeys = [...new Set([...handoffs.map((h) => h.lead.account?.key), ...emails.map((e) => `domain:${e.slice(e.lastIndexOf("@") + 1)}`)].filter(Boolean))];
      if (request.method === "GET") {
        const memberships = [];
        for (const key of accountKeys) {
          for (const email of emails.length ? emails : [null]) {
            for (const row of await account(key).member({ visitors, email })) memberships.push({ account: key, ...row });
          }
        }
        return json(200, { handoffs, accounts: memberships });
      }
      const erased = await outbox.erase(who);
      let accountRows = 0;
      for (const key of new Set([...accountKeys, ...erased.accounts])) {
        for (const email of emails.length ? emails : [null]) {
          const { removed, account: left } = await account(key).erase({ visitors, email }, settings.model.accounts ?? {});
          accountRows += removed;
          await outbox.replaceAccount(key, left && accountSummary(left));
        }
      }
      console.log(JSON.stringify({ mql: "person-erased", handoffs: erased.handoffs, feedback: erased.feedback, deliveries: erased.deliveries, accountRows }));
      return json(200, { erased: { handoffs: erased.handoffs, feedback: erased.feedback, deliveries: erased.deliveries, accountMemberships: accountRows }, keys: erased.keys });
    },
  },
  "/__mql/alerts": {
    method: "GET",
    answer: async ({ outbox }) => json(200, { alerts: await outbox.alerts() }),
  },
  "/__mql/outcomes": {
    // JSON Lines, oldest first. Whole, read from the shards a page at a time as the answer
    // streams (what `mqlscore train` reads); or one page with `?limit=` (1 to 5000) and the
    // next page's address in `Link` (`?cursor=` from it).
    method: "GET",
    async answer({ url, outbox }) {
      // Only judged leads by default: one still open is not yet a lead that did not convert.
      const judged = url.searchParams.get("include") !== "open";
      const given = url.searchParams.get("limit");
      const limit = given === null ? null : Number(given);
      if (limit !== null && !(Number.isInteger(limit) && limit >= 1 && limit <= 5000)) return json(400, { error: "limit: must be a whole number from 1 to 5000" });
      let cursor = url.searchParams.get("cursor") || null;
      if (cursor && !/^[A-Za-z0-9_-]{1,400}$/.test(cursor)) return json(400, { error: "cursor: not a cursor from a previous page's next" });
      const lines = (page) => page.outcomes.map((o) => `${jsonLine(trainingLine(o))}\n`).join("");
      const headers = { "content-type": "application/x-ndjson; charset=utf-8", ...PRIVATE };
      let first;
      try {
        first = await outbox.outcomes({ judged, cursor, limit: limit ?? 500 });
      } catch (err) {
        if (/^cursor:/.test(err?.message)) return json(400, { error: err.message });
        throw err;
      }
      if (limit !== null) {
        if (first.next) {
          const next = new URL(url);
          next.searchParams.set("cursor", first.next);
          headers.link = `<${next.pathname}${next.search}>; rel="next"`;
          headers["x-next-cursor"] = first.next;
        }
        return new Response(lines(first), { headers });
      }
      const encoder = new TextEncoder();
      let page = first;
      const body = new ReadableStream({
        async pull(controller) {
          controller.enqueue(encoder.encode(lines(page)));
          if (!page.next) return controller.close();
          page = await outbox.outcomes({ judged, cursor: page.next, limit: 500 });
        },
      });
      return new Response(body, { headers });
    },
  },
};

/**
 * A handed-off lead as a line `mqlscore train` reads: its saved session (scored as it stood at
 * the handoff), its traits, and whether it converted, with sales' verdict beside it.
 */
function trainingLine({ lead, session, outcome, reason, value, at }) {
  return {
    id: lead.idempotencyKey,
    model: lead.model,
    session,
    traits: lead.traits ?? undefined,
    asOf: lead.lastSeen ?? lead.mqlSince ?? undefined,
    converted: outcome === "converted",
    convertedAt: outcome === "converted" ? at : undefined,
    value: outcome === "converted" ? value ?? undefined : undefined,
    outcome: outcome ?? "open",
    reason: reason ?? undefined,
  };
}

/** The feedback as the outbox stores it, or `{ error }` naming the field. */
function checkFeedback(fb, settings) {
  if (typeof fb !== "object" || fb === null || Array.isArray(fb)) return { error: "body: must be a JSON object" };
  const text = (name, max = 200) => typeof fb[name] === "string" && fb[name].length > 0 && fb[name].length <= max;
  if (!text("key")) return { error: "key: the handoff's key is required" };
  if (!text("id")) return { error: "id: an idempotency key for this feedback is required (1-200 characters)" };
  if (!FEEDBACK_OUTCOMES.includes(fb.outcome)) return { error: `outcome: must be one of ${FEEDBACK_OUTCOMES.join(", ")}` };
  if (fb.outcome === "rejected" && !settings.rejectionReasons.includes(fb.reason)) {
    return { error: `reason: a rejection needs one of ${settings.rejectionReasons.join(", ")}` };
  }
  if (fb.outcome !== "rejected" && fb.reason !== undefined) return { error: "reason: only a rejection has a reason" };
  if (fb.value !== undefined && !(fb.outcome === "converted" && typeof fb.value === "number" && Number.isFinite(fb.value) && fb.value >= 0)) {
    return { error: "value: only a conversion has a value, a number >= 0" };
  }
  const at = fb.at === undefined ? Date.now() : typeof fb.at === "number" ? fb.at : Date.parse(fb.at);
  if (!Number.isFinite(at) || at < Date.UTC(2000, 0, 1) || at > Date.now() + 86_400_000) {
    return { error: "at: must be when it happened, an ISO-8601 date-time or epoch milliseconds, not in the future" };
  }
  return { id: fb.id, key: fb.key, outcome: fb.outcome, reason: fb.reason ?? null, value: fb.value ?? null, at };
}

/** Whether `header` carries one of `tokens`, compared in constant time (digests of equal size). */
/**
 * RFC 6750 section 2.1: `Bearer` (the scheme is case-insensitive, as RFC 9110 says of every
 * scheme), one or more spaces, and a b64token; nothing else (no tab, no trailing text).
 */
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

async function authorized(header, tokens) {
  const m = BEARER.exec(header ?? "");
  if (!m) return false;
  const given = await digest(m[1]);
  let ok = false;
  for (const token of tokens) ok = crypto.subtle.timingSafeEqual(given, await digest(token)) || ok;
  return ok;
}

async function digest(text) {
  return crypto.subtle.digest("SHA-256", encoder.encode(text));
}

async function readJson(request) {
  const text = await request.text();
  if (text.length > 65_536) return { error: "body: larger than 64 KiB" };
  try {
    return { value: text ? JSON.parse(text) : {} };
  } catch (err) {
    return { error: `body: not valid JSON (${err.message})` };
  }
}

/** A JSON response (the worker's answers use it too). */
/**
 * What a page of handoffs asks for: `status`, `model`, `since` and `until` (ISO-8601 or epoch
 * ms), `q` (a search: email, domain, company name's start, visitor id or key), `limit` (1 to
 * 500, default 100) and `cursor`; `{ error }` naming a bad one.
 */
function pageQuery(url) {
  const q = (name) => url.searchParams.get(name) || null;
  const status = q("status");
  if (status && !STATUSES.includes(status)) return { error: `status: must be one of ${STATUSES.join(", ")}` };
  const time = (name) => {
    const v = q(name);
    if (v === null) return null;
    const ms = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
    return Number.isFinite(ms) ? ms : undefined;
  };
  const [since, until] = [time("since"), time("until")];
  if (since === undefined || until === undefined) return { error: `${since === undefined ? "since" : "until"}: must be ISO-8601 or epoch milliseconds` };
  const limit = q("limit") === null ? 100 : Number(q("limit"));
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) return { error: "limit: must be a whole number from 1 to 500" };
  const search = q("q")?.trim() || null;
  if (search && search.length > 200) return { error: "q: at most 200 characters" };
  const cursor = q("cursor");
  if (cursor && !/^[A-Za-z0-9_-]{1,400}$/.test(cursor)) return { error: "cursor: not a cursor from a previous page's next" };
  return { status, model: q("model"), since, until, q: search, limit, cursor };
}

/** The person a /__mql/people request names: `{ email }` (lower case) or `{ visitor }`. */
function personOf(url) {
  const email = url.searchParams.get("email")?.trim().toLowerCase() || null;
  const visitor = url.searchParams.get("visitor")?.trim() || null;
  if (!email === !visitor) return { error: "email or visitor: name the person by one of them (?email= or ?visitor=)" };
  if (email && !/^[^@\s]+@[^@\s]+$/.test(email)) return { error: "email: not an email address" };
  if (visitor && !/^[A-Za-z0-9_-]{22}$/.test(visitor)) return { error: "visitor: not a visitor id (22 URL-safe characters)" };
  return { email, visitor };
}

/**
 * Headers of every answer that carries data: never sniffed as another type, never cached by a
 * browser or a proxy (leads and scores are personal).
 */
const PRIVATE = { "x-content-type-options": "nosniff", "cache-control": "no-store" };

/**
 * One JSON Lines record: JSON.stringify leaves U+2028 and U+2029 raw, and readers that split
 * lines on them (JavaScript's own line terminators) would split the record.
 */
export function jsonLine(value) {
  return JSON.stringify(value).replace(/[\u2028\u2029]/g, (c) => (c === "\u2028" ? "\\u2028" : "\\u2029"));
}

export function json(status, body, headers = {}) {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...PRIVATE, ...headers } });
}
