// The handoff outbox: a Durable Object that keeps every lead handed to sales in its own storage
// (SQLite; on disk under workerd, replicated by Cloudflare) and delivers it to the CRM webhook
// until the CRM has it. A lead counts as queued only once it is stored; the worker's isolate can
// be evicted, killed or restarted at any moment after that without losing it.
//
// Delivery: one attempt at a time per lead, with the lead's idempotency key, driven by the
// object's alarm (workerd and Cloudflare both run alarms, and a pending alarm survives a restart).
//   2xx, 409           delivered (409: the CRM already has this key)
//   timeout            unknown: counted as such, retried with the same key
//   401, 403, 404      the CRM is misconfigured: the lead is held, one alert is raised, attempts
//                      go on at `misconfiguredRetryMs` and delivery resumes once it is fixed
//   408, 429, 5xx, network error   retried with backoff (Retry-After honoured)
//   other 4xx          the CRM refuses this lead: dead-lettered at once, with the answer
// A lead not delivered within `deadLetterAfterMs` (misconfiguration aside) is dead-lettered:
// kept, listed, and sent again by `redeliver`. Nothing is ever deleted.
//
// The SLA clock starts at delivery: the deadline is `followUpMinutes` later (counted in business
// hours when those are set). Sales feedback (accepted, rejected with a reason, converted with a
// value) is stored per handoff; a handoff delivered and without feedback past its deadline is
// overdue and raises one alert. Alerts are deliveries too, to ALERT_WEBHOOK_URL.
import { DurableObject } from "cloudflare:workers";
import { readSettings } from "./settings.js";
import { Signer } from "./signature.js";
import { deadline } from "./sla.js";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS handoffs (
  key TEXT PRIMARY KEY,
  model TEXT NOT NULL,
  visitor TEXT NOT NULL,
  lead TEXT NOT NULL,
  session TEXT,
  created INTEGER NOT NULL,
  delivered_at INTEGER,
  due_at INTEGER,
  overdue_alerted INTEGER NOT NULL DEFAULT 0,
  followed_up_at INTEGER,
  outcome TEXT,
  reason TEXT,
  value REAL,
  outcome_at INTEGER
);
CREATE TABLE IF NOT EXISTS deliveries (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  handoff TEXT,
  body TEXT NOT NULL,
  created INTEGER NOT NULL,
  state TEXT NOT NULL,
  next_at INTEGER,
  attempts INTEGER NOT NULL DEFAULT 0,
  unknown INTEGER NOT NULL DEFAULT 0,
  last_status INTEGER,
  last_error TEXT,
  last_attempt_at INTEGER,
  held TEXT,
  delivered_at INTEGER
);
CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (state, next_at);
CREATE INDEX IF NOT EXISTS handoffs_created ON handoffs (created, key);
CREATE INDEX IF NOT EXISTS handoffs_account ON handoffs (json_extract(lead, '$.account.key'));
CREATE TABLE IF NOT EXISTS feedback (
  id TEXT PRIMARY KEY,
  handoff TEXT NOT NULL,
  outcome TEXT NOT NULL,
  reason TEXT,
  value REAL,
  at INTEGER NOT NULL,
  received INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS flags (name TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, n INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS accounts (key TEXT PRIMARY KEY, summary TEXT NOT NULL, score REAL NOT NULL, updated INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS accounts_score ON accounts (score DESC, key);
`;

/** Later feedback wins; at the same moment, the further step of the funnel. */
const RANK = { accepted: 1, rejected: 2, converted: 3 };
/** Attempts made at once by one alarm. */
const PARALLEL = 8;

export class Outbox extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(SCHEMA);
    this.settings = readSettings(env);
    this.signer = new Signer(this.settings.webhookSecrets);
  }

  /**
   * Stores a lead to hand off (once per idempotency key) and schedules its delivery. The
   * engine's saved `session` stays here (for learning from outcomes); the rest goes to the CRM.
   */
  async enqueue({ session = null, ...lead }) {
    this.kick();
    const now = Date.now();
    const key = lead.idempotencyKey;
    const known = this.one("SELECT key FROM handoffs WHERE key = ?", key);
    if (known) return { queued: false, handoff: this.handoff(key, now) };
    this.sql.exec(
      "INSERT INTO handoffs (key, model, visitor, lead, session, created) VALUES (?, ?, ?, ?, ?, ?)",
      key, lead.model, lead.visitor, JSON.stringify(lead), session, now,
    );
    this.addDelivery(key, "lead", key, lead, now);
    await this.schedule();
    return { queued: true, handoff: this.handoff(key, now) };
  }

  async alarm() {
    // The alarm's own time (kept when it was set: getAlarm() reads null while it fires) counts
    // as now. The clock inside a handler can read a little before it, and an alarm set again to
    // the very time that is firing is cleared when the handler ends: the schedule would stop.
    const firing = Number(this.flag("alarm") ?? 0);
    await this.drive(firing);
    await this.schedule(firing);
  }

  /**
   * One pass of the schedule: due deliveries, dead letters, overdue follow-ups. The alarm runs
   * it; so does any request to the outbox when something is overdue by more than a second: the
   * schedule lives in storage, and either drives it.
   */
  drive(firing = 0) {
    this.running ??= (async () => {
      const now = () => Math.max(Date.now(), firing);
      await this.deliverDue(now());
      this.deadLetter(now());
      this.raiseOverdue(now());
      this.expire(now());
    })().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /**
   * Drives the schedule from a request: whenever something is due when alarms are off
   * (`outboxAlarms: false`, where a runtime has none), else when the alarm is a second late.
   */
  kick() {
    if (this.running) return;
    const slack = this.settings.outboxAlarms ? 1000 : 0;
    const now = Date.now();
    const due =
      this.one("SELECT 1 AS due FROM deliveries WHERE state = 'pending' AND next_at <= ? LIMIT 1", now - slack) ??
      this.one("SELECT 1 AS due FROM handoffs WHERE due_at <= ? AND followed_up_at IS NULL AND overdue_alerted = 0 LIMIT 1", now - slack);
    if (due) this.ctx.waitUntil(this.drive().then(() => this.schedule()));
  }

  /**
   * One page of handoffs, newest first, filtered by `status`, `model` (`id@version` or `id`) and
   * creation time (`since` <= created < `until`, epoch ms). `cursor` (from the previous page's
   * `next`) continues after the last handoff shown: pages stay whole while handoffs are added,
   * since each new one is newer than any cursor. Returns `{ handoffs, next }` (`next` null at the
   * end).
   */
  list({ status = null, model = null, since = null, until = null, cursor = null, limit = 100 } = {}) {
    this.kick();
    const after = cursor ? decodeCursor(cursor) : null;
    const rows = this.sql
      .exec(
        `SELECT * FROM (${HANDOFF_VIEW}) WHERE (?2 IS NULL OR status = ?2) AND (?3 IS NULL OR model = ?3 OR model LIKE ?3 || '@%')
           AND (?4 IS NULL OR created >= ?4) AND (?5 IS NULL OR created < ?5)
           AND (?6 IS NULL OR created < ?6 OR (created = ?6 AND key < ?7))
         ORDER BY created DESC, key DESC LIMIT ?8`,
        Date.now(), status, model, since, until, after?.created ?? null, after?.key ?? null, limit + 1,
      )
      .toArray();
    const page = rows.slice(0, limit).map(present);
    const last = page.at(-1);
    return { handoffs: page, next: rows.length > limit ? encodeCursor(last.createdAt, last.key) : null };
  }

  /** One handoff as `list` shows it, or null. */
  handoff(key, now = Date.now()) {
    const row = this.sql.exec(`${HANDOFF_VIEW} WHERE h.key = ?`, now, key).toArray()[0];
    return row ? present(row) : null;
  }

  /** Alerts raised (misconfigured CRM, overdue follow-ups), newest first, with their delivery. */
  alerts() {
    this.kick();
    return this.sql
      .exec("SELECT * FROM deliveries WHERE kind != 'lead' ORDER BY created DESC")
      .toArray()
      .map((d) => ({ ...deliveryView(d), alert: JSON.parse(d.body) }));
  }

  /**
   * Records sales feedback `{ id, key, outcome, reason?, value?, at }` (validated by the worker).
   * A feedback id seen before changes nothing; feedback older than the handoff's latest is kept
   * but does not override it.
   */
  async feedback(fb) {
    const now = Date.now();
    if (this.one("SELECT id FROM feedback WHERE id = ?", fb.id)) {
      return { status: 200, duplicate: true, handoff: this.handoff(fb.key, now) };
    }
    if (!this.one("SELECT key FROM handoffs WHERE key = ?", fb.key)) {
      return { status: 404, error: `key: no handoff "${fb.key}"` };
    }
    this.sql.exec(
      "INSERT INTO feedback (id, handoff, outcome, reason, value, at, received) VALUES (?, ?, ?, ?, ?, ?, ?)",
      fb.id, fb.key, fb.outcome, fb.reason ?? null, fb.value ?? null, fb.at, now,
    );
    const all = this.sql.exec("SELECT * FROM feedback WHERE handoff = ?", fb.key).toArray();
    const latest = all.reduce((a, b) => (b.at > a.at || (b.at === a.at && RANK[b.outcome] > RANK[a.outcome]) ? b : a));
    const first = Math.min(...all.map((f) => f.at));
    this.sql.exec(
      "UPDATE handoffs SET outcome = ?, reason = ?, value = ?, outcome_at = ?, followed_up_at = ? WHERE key = ?",
      latest.outcome, latest.reason, latest.value, latest.at, first, fb.key,
    );
    // A judged handoff is closed: the alarm wakes for its retention's end.
    await this.schedule();
    return { status: 200, duplicate: false, handoff: this.handoff(fb.key, now) };
  }

  /** Sends dead-lettered leads again (those of `keys`, or all of them). */
  async redeliver(keys = null) {
    const now = Date.now();
    const dead = this.sql.exec("SELECT id FROM deliveries WHERE state = 'dead'").toArray().map((d) => d.id);
    const chosen = keys ? dead.filter((id) => keys.includes(id)) : dead;
    for (const id of chosen) {
      this.sql.exec("UPDATE deliveries SET state = 'pending', next_at = ?, created = ?, held = NULL WHERE id = ?", now, now, id);
    }
    await this.schedule();
    return { requeued: chosen };
  }

  /** The funnel and the feedback figures, overall and by model version. */
  async summary() {
    this.kick();
    const now = Date.now();
    const handoffs = this.sql.exec(HANDOFF_VIEW, now).toArray().map(present);
    const byModel = {};
    for (const h of handoffs) (byModel[h.model] ??= []).push(h);
    const pending = this.sql.exec("SELECT count(*) AS n FROM deliveries WHERE state = 'pending' AND kind = 'lead'").one().n;
    return {
      at: now,
      ...figures(handoffs),
      pending,
      funnel: {
        visitors: this.one("SELECT n FROM counters WHERE name = 'visitors'")?.n ?? 0,
        salesReady: this.one("SELECT n FROM counters WHERE name = 'salesReady'")?.n ?? 0,
      },
      // Closed handoffs removed after retentionDays: the figures above are of those kept.
      expired: this.one("SELECT n FROM counters WHERE name = 'expired'")?.n ?? 0,
      nextAlarmAt: await this.ctx.storage.getAlarm(),
      misconfigured: this.flag("misconfigured"),
      byModel: Object.fromEntries(Object.entries(byModel).map(([m, list]) => [m, figures(list)])),
    };
  }

  /** Counts `n` more of a step of the funnel before the handoff: `visitors`, `salesReady`. */
  count(name, n = 1) {
    this.sql.exec("INSERT INTO counters (name, n) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET n = n + excluded.n", name, n);
  }

  /** Keeps the latest figures of an account (each account's own object holds its people). */
  noteAccount(summary) {
    this.sql.exec(
      "INSERT OR REPLACE INTO accounts (key, summary, score, updated) VALUES (?, ?, ?, ?)",
      summary.key, JSON.stringify(summary), summary.score, Date.now(),
    );
  }

  /**
   * A page of accounts, highest score first (ties by key), each with its handoffs' keys:
   * `{ accounts, next }`, `cursor` from the previous page's `next`. The handoffs of an account
   * come from an index on the lead's account key, not from reading every lead.
   */
  accounts({ limit = 100, cursor = null } = {}) {
    const after = cursor ? decodeCursor(cursor) : null;
    const rows = this.sql
      .exec(
        `SELECT key, summary, score, updated FROM accounts
         WHERE ?1 IS NULL OR score < ?1 OR (score = ?1 AND key > ?2)
         ORDER BY score DESC, key ASC LIMIT ?3`,
        after?.created ?? null, after?.key ?? null, limit + 1,
      )
      .toArray();
    const page = rows.slice(0, limit).map((r) => {
      const handoffs = this.sql.exec("SELECT key FROM handoffs WHERE json_extract(lead, '$.account.key') = ?", r.key).toArray().map((h) => h.key);
      return { ...JSON.parse(r.summary), updatedAt: r.updated, handoffs };
    });
    const last = rows[limit - 1];
    return { accounts: page, next: rows.length > limit ? encodeCursor(last.score, last.key) : null };
  }

  /** Handed-off leads with their outcome, for `mqlscore train`. */
  outcomes() {
    return this.sql
      .exec("SELECT lead, session, outcome, reason, value, outcome_at FROM handoffs ORDER BY created")
      .toArray()
      .map((row) => ({ lead: JSON.parse(row.lead), session: row.session, outcome: row.outcome, reason: row.reason, value: row.value, at: row.outcome_at }));
  }

  // --- people: what is kept about one, and erasing it ------------------------------------------

  /** The keys of a person's handoffs: by visitor id, or by email address (any case). */
  personKeys({ email = null, visitor = null }) {
    return this.sql
      .exec("SELECT key FROM handoffs WHERE visitor = ? OR lower(json_extract(lead, '$.traits.email')) = ?", visitor ?? "", email ?? "")
      .toArray()
      .map((r) => r.key);
  }

  /** Everything the outbox keeps about a person (GDPR art. 15, CCPA): handoffs, feedback, deliveries. */
  person(who) {
    return this.personKeys(who).map((key) => {
      const row = this.one("SELECT lead, session FROM handoffs WHERE key = ?", key);
      return {
        handoff: this.handoff(key),
        lead: JSON.parse(row.lead),
        session: row.session,
        feedback: this.sql.exec("SELECT id, outcome, reason, value, at, received FROM feedback WHERE handoff = ? ORDER BY at", key).toArray(),
        deliveries: this.sql.exec("SELECT id, kind, state, attempts, created, delivered_at FROM deliveries WHERE id = ? OR handoff = ?", key, key).toArray(),
      };
    });
  }

  /**
   * Erases a person (GDPR art. 17, CCPA): their handoffs, the feedback on them, every delivery
   * of them or about them (pending ones are never sent), alerts naming them. The funnel's counts
   * stay (they hold no one). Returns what was removed, and the accounts they were in.
   */
  erase(who) {
    const keys = this.personKeys(who);
    const removed = { handoffs: 0, feedback: 0, deliveries: 0, accounts: [] };
    for (const key of keys) {
      const lead = JSON.parse(this.one("SELECT lead FROM handoffs WHERE key = ?", key).lead);
      if (lead.account?.key && !removed.accounts.includes(lead.account.key)) removed.accounts.push(lead.account.key);
      removed.deliveries += this.sql.exec("DELETE FROM deliveries WHERE id = ? OR handoff = ? OR (kind = 'alert' AND json_extract(body, '$.key') = ?)", key, key, key).rowsWritten;
      removed.feedback += this.sql.exec("DELETE FROM feedback WHERE handoff = ?", key).rowsWritten;
      removed.handoffs += this.sql.exec("DELETE FROM handoffs WHERE key = ?", key).rowsWritten;
    }
    return { keys, ...removed };
  }

  /** How long a closed handoff is kept, in ms (`retentionDays`). */
  retentionMs() {
    return Math.round(this.settings.retentionDays * 86_400_000);
  }

  /**
   * Removes handoffs closed (judged by sales, or dead-lettered) more than `retentionDays` ago,
   * with their feedback and deliveries: a lead is personal data, kept while sales may act on
   * it. Counted in the `expired` counter; logged by count.
   */
  expire(now) {
    const keys = this.sql.exec(`SELECT key FROM (${CLOSED}) WHERE closed <= ?`, now - this.retentionMs()).toArray().map((r) => r.key);
    for (const key of keys) {
      this.sql.exec("DELETE FROM deliveries WHERE id = ? OR handoff = ? OR (kind = 'alert' AND json_extract(body, '$.key') = ?)", key, key, key);
      this.sql.exec("DELETE FROM feedback WHERE handoff = ?", key);
      this.sql.exec("DELETE FROM handoffs WHERE key = ?", key);
    }
    if (keys.length) {
      this.count("expired", keys.length);
      log({ mql: "handoffs-expired", n: keys.length, retentionDays: this.settings.retentionDays });
    }
  }

  /** An account's summary after a person left it (null: nobody is left, so it goes). */
  replaceAccount(key, summary) {
    if (summary) this.noteAccount(summary);
    else this.sql.exec("DELETE FROM accounts WHERE key = ?", key);
  }

  // --- delivery -------------------------------------------------------------------------------

  addDelivery(id, kind, handoff, body, now) {
    this.sql.exec(
      "INSERT OR IGNORE INTO deliveries (id, kind, handoff, body, created, state, next_at) VALUES (?, ?, ?, ?, ?, 'pending', ?)",
      id, kind, handoff, JSON.stringify(body), now, now,
    );
  }

  /** Sets the alarm to the earliest moment something is due (never `firing`), or clears it. */
  async schedule(firing = null) {
    const next = this.one(
      `SELECT min(t) AS t FROM (
         SELECT min(next_at) AS t FROM deliveries WHERE state = 'pending'
         UNION ALL
         SELECT min(due_at) AS t FROM handoffs WHERE due_at IS NOT NULL AND followed_up_at IS NULL AND overdue_alerted = 0
         UNION ALL
         SELECT min(closed) + ?1 AS t FROM (${CLOSED}))`,
      this.retentionMs(),
    )?.t;
    if (next == null || !this.settings.outboxAlarms) {
      this.setFlag("alarm", null);
      await this.ctx.storage.deleteAlarm();
      return;
    }
    const at = Math.max(next, Date.now(), firing + 1);
    this.setFlag("alarm", String(at));
    await this.ctx.storage.setAlarm(at);
  }

  async deliverDue(now) {
    const due = this.sql
      .exec("SELECT * FROM deliveries WHERE state = 'pending' AND next_at <= ? ORDER BY next_at LIMIT 64", now)
      .toArray();
    for (let i = 0; i < due.length; i += PARALLEL) {
      await Promise.all(due.slice(i, i + PARALLEL).map((d) => this.attempt(d)));
    }
  }

  /** One attempt of delivery `d`; its outcome is stored before the next is made. */
  async attempt(d) {
    const s = this.settings;
    const url = d.kind === "lead" ? s.webhook : s.alertWebhook;
    const started = Date.now();
    const attempt = d.attempts + 1;
    // Stored before the request leaves (the output gate holds it until then): a crash during
    // the attempt still counts it, and the provisional next time retries it.
    this.sql.exec(
      "UPDATE deliveries SET attempts = ?, last_attempt_at = ?, next_at = ? WHERE id = ?",
      attempt, started, started + s.webhookTimeoutMs + backoff(s, attempt), d.id,
    );
    if (!url) {
      const what = d.kind === "lead" ? "WEBHOOK_URL" : "ALERT_WEBHOOK_URL";
      this.settle(d, attempt, { verdict: "held", status: null, error: `${what} is not set` });
      return;
    }
    // A request that hangs past its timeout (even reading the answer) must not hold up the
    // outbox: the attempt is settled as unknown when its time is up, whatever it is doing.
    const call = (async () => {
      // Signed at each attempt (the timestamp is the attempt's); the id stays the delivery's.
      const signed = await this.signer.headers(d.id, d.body, started);
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...signed, "idempotency-key": d.id, "x-mql-attempt": String(attempt) },
        body: d.body,
        signal: AbortSignal.timeout(s.webhookTimeoutMs),
      });
      response.body?.cancel().catch(() => {});
      return { verdict: verdictOf(response.status), status: response.status, retryAfter: retryAfterMs(response) };
    })().catch((err) => {
      const timeout = err?.name === "TimeoutError" || err?.name === "AbortError";
      return { verdict: timeout ? "unknown" : "retry", status: null, error: timeout ? `no answer within ${s.webhookTimeoutMs} ms` : String(err?.message ?? err) };
    });
    let timer;
    const late = new Promise((ok) => {
      timer = setTimeout(() => ok({ verdict: "unknown", status: null, error: `no answer within ${s.webhookTimeoutMs} ms` }), s.webhookTimeoutMs + 250);
    });
    const outcome = await Promise.race([call, late]);
    clearTimeout(timer);
    this.settle(d, attempt, outcome);
  }

  /** Stores what an attempt came to. */
  settle(d, attempt, { verdict, status, error = null, retryAfter = 0 }) {
    const s = this.settings;
    const now = Date.now();
    const lastError = error ?? (status && verdict !== "delivered" ? `the CRM answered ${status}` : null);
    if (verdict === "delivered") {
      this.sql.exec(
        "UPDATE deliveries SET state = 'delivered', next_at = NULL, delivered_at = ?, last_status = ?, last_error = NULL, held = NULL WHERE id = ?",
        now, status, d.id,
      );
      if (d.kind === "lead") {
        this.sql.exec("UPDATE handoffs SET delivered_at = ?, due_at = ? WHERE key = ?", now, deadline(now, s.followUpMinutes, s.businessHours), d.handoff);
        if (this.flag("misconfigured")) this.setFlag("misconfigured", null);
      }
      log({ mql: "handoff-delivered", kind: d.kind, key: d.id, attempt, status });
      return;
    }
    if (verdict === "refused") {
      this.sql.exec("UPDATE deliveries SET state = 'dead', next_at = NULL, last_status = ?, last_error = ? WHERE id = ?", status, lastError, d.id);
      log({ mql: "handoff-dead-lettered", kind: d.kind, key: d.id, attempt, status, why: "refused by the CRM", bytes: d.body.length });
      return;
    }
    const held = verdict === "held" || verdict === "misconfigured" ? lastError : null;
    const wait = held ? s.misconfiguredRetryMs : Math.max(backoff(s, attempt), retryAfter);
    this.sql.exec(
      "UPDATE deliveries SET next_at = ?, last_status = ?, last_error = ?, held = ?, unknown = unknown + ? WHERE id = ?",
      now + wait, status, lastError, held, verdict === "unknown" ? 1 : 0, d.id,
    );
    log({ mql: "handoff-attempt-failed", kind: d.kind, key: d.id, attempt, verdict, status, error: lastError, retryInMs: wait });
    if (verdict === "misconfigured" && d.kind === "lead" && !this.flag("misconfigured")) {
      this.setFlag("misconfigured", lastError);
      this.addDelivery(`alert:crm:${now}`, "alert", null, { alert: "crm-misconfigured", detail: lastError, at: now, key: d.id }, now);
    }
  }

  /** Dead-letters deliveries that stayed undelivered too long (held ones wait for a fix). */
  deadLetter(now) {
    const old = this.sql
      .exec("SELECT id, kind, body, last_error FROM deliveries WHERE state = 'pending' AND held IS NULL AND created <= ?", now - this.settings.deadLetterAfterMs)
      .toArray();
    for (const d of old) {
      this.sql.exec("UPDATE deliveries SET state = 'dead', next_at = NULL WHERE id = ?", d.id);
      log({ mql: "handoff-dead-lettered", kind: d.kind, key: d.id, why: `not delivered within ${this.settings.deadLetterAfterMs} ms`, error: d.last_error, bytes: d.body.length });
    }
  }

  /** Raises one alert per handoff past its follow-up deadline without feedback. */
  raiseOverdue(now) {
    const late = this.sql
      .exec("SELECT key, model, visitor, due_at, delivered_at FROM handoffs WHERE due_at <= ? AND followed_up_at IS NULL AND overdue_alerted = 0", now)
      .toArray();
    for (const h of late) {
      this.sql.exec("UPDATE handoffs SET overdue_alerted = 1 WHERE key = ?", h.key);
      this.addDelivery(`alert:overdue:${h.key}`, "alert", h.key, { alert: "follow-up-overdue", key: h.key, model: h.model, visitor: h.visitor, deliveredAt: h.delivered_at, dueAt: h.due_at }, now);
    }
  }

  one(query, ...args) {
    return this.sql.exec(query, ...args).toArray()[0] ?? null;
  }

  flag(name) {
    return this.one("SELECT value FROM flags WHERE name = ?", name)?.value ?? null;
  }

  setFlag(name, value) {
    if (value == null) this.sql.exec("DELETE FROM flags WHERE name = ?", name);
    else this.sql.exec("INSERT OR REPLACE INTO flags (name, value) VALUES (?, ?)", name, value);
  }
}

/** Closed handoffs (judged, or their delivery dead-lettered) and when they closed. */
const CLOSED = `
SELECT h.key, COALESCE(h.outcome_at, d.last_attempt_at, h.created) AS closed
FROM handoffs h LEFT JOIN deliveries d ON d.id = h.key
WHERE h.outcome IS NOT NULL OR d.state = 'dead'`;

const HANDOFF_VIEW = `
SELECT h.*, d.state, d.attempts, d.unknown, d.last_status, d.last_error, d.held, d.next_at,
  CASE WHEN h.outcome IS NOT NULL THEN h.outcome
       WHEN d.state = 'dead' THEN 'dead-lettered'
       WHEN d.state = 'delivered' AND h.followed_up_at IS NULL AND h.due_at <= ?1 THEN 'overdue'
       WHEN d.state = 'delivered' THEN 'delivered'
       ELSE 'queued' END AS status
FROM handoffs h LEFT JOIN deliveries d ON d.id = h.key`;

/** A page cursor: the position (creation time, or score) and key of the last row shown, opaque to the reader. */
function encodeCursor(created, key) {
  return btoa(JSON.stringify([created, key])).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** The position a cursor names, or throws a RangeError naming it. */
function decodeCursor(text) {
  try {
    const [created, key] = JSON.parse(atob(text.replace(/-/g, "+").replace(/_/g, "/")));
    if (Number.isFinite(created) && typeof key === "string") return { created, key };
  } catch {}
  throw new RangeError("cursor: not a cursor from a previous page's next");
}

function present(row) {
  const lead = JSON.parse(row.lead);
  return {
    key: row.key,
    status: row.status,
    model: row.model,
    visitor: row.visitor,
    createdAt: row.created,
    deliveredAt: row.delivered_at,
    dueAt: row.due_at,
    followedUpAt: row.followed_up_at,
    outcome: row.outcome,
    reason: row.reason,
    value: row.value,
    delivery: deliveryView(row),
    lead,
  };
}

function deliveryView(d) {
  return {
    state: d.state,
    attempts: d.attempts,
    unknown: d.unknown,
    lastStatus: d.last_status,
    lastError: d.last_error,
    held: d.held,
    nextAttemptAt: d.next_at,
  };
}

/** The funnel and feedback figures of a list of handoffs. */
export function figures(handoffs) {
  const count = (status) => handoffs.filter((h) => h.status === status).length;
  const delivered = handoffs.filter((h) => h.deliveredAt != null);
  const withFeedback = handoffs.filter((h) => h.outcome != null);
  const sql = handoffs.filter((h) => h.outcome === "accepted" || h.outcome === "converted").length;
  const rejections = {};
  for (const h of handoffs) if (h.outcome === "rejected") rejections[h.reason] = (rejections[h.reason] ?? 0) + 1;
  const followUps = delivered.filter((h) => h.followedUpAt != null).map((h) => Math.max(0, h.followedUpAt - h.deliveredAt));
  const judged = delivered.filter((h) => h.followedUpAt != null || h.status === "overdue");
  const inTime = judged.filter((h) => h.followedUpAt != null && h.followedUpAt <= h.dueAt).length;
  return {
    handedOff: handoffs.length,
    byStatus: Object.fromEntries(["queued", "delivered", "overdue", "accepted", "rejected", "converted", "dead-lettered"].map((s) => [s, count(s)])),
    delivered: delivered.length,
    withFeedback: withFeedback.length,
    mqlToSqlRate: withFeedback.length ? sql / withFeedback.length : null,
    converted: count("converted"),
    convertedValue: handoffs.reduce((sum, h) => sum + (h.outcome === "converted" ? h.value ?? 0 : 0), 0),
    rejectionReasons: rejections,
    medianMsToFollowUp: median(followUps),
    slaHitRate: judged.length ? inTime / judged.length : null,
  };
}

function median(list) {
  if (!list.length) return null;
  const s = [...list].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function verdictOf(status) {
  if ((status >= 200 && status < 300) || status === 409) return "delivered";
  if (status === 401 || status === 403 || status === 404) return "misconfigured";
  if (status === 408 || status === 429 || status >= 500) return "retry";
  return "refused";
}

function retryAfterMs(response) {
  const value = response.headers.get("retry-after");
  if (!value) return 0;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.min(seconds * 1000, 3_600_000);
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.min(Math.max(0, at - Date.now()), 3_600_000) : 0;
}

function backoff(settings, attempt) {
  return Math.min(settings.webhookBackoffMs * 4 ** (attempt - 1), settings.webhookMaxBackoffMs);
}

function log(entry) {
  console.log(JSON.stringify(entry));
}
