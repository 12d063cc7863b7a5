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
import { routeById } from "./routing.js";
import { slackMessage } from "./slack.js";

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
  outcome_at INTEGER,
  closed_at INTEGER,
  route TEXT,
  owner TEXT,
  previous TEXT,
  escalate_at INTEGER
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
  delivered_at INTEGER,
  target TEXT
);
CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (state, next_at);
CREATE INDEX IF NOT EXISTS deliveries_handoff ON deliveries (handoff);
CREATE INDEX IF NOT EXISTS deliveries_alert_key ON deliveries (json_extract(body, '$.key')) WHERE kind = 'alert';
CREATE INDEX IF NOT EXISTS handoffs_created ON handoffs (created, key);
DROP INDEX IF EXISTS handoffs_account;
CREATE INDEX IF NOT EXISTS handoffs_account_created ON handoffs (json_extract(lead, '$.account.key'), created);
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
CREATE INDEX IF NOT EXISTS handoffs_visitor ON handoffs (visitor);
CREATE INDEX IF NOT EXISTS handoffs_email ON handoffs (lower(json_extract(lead, '$.traits.email')));
CREATE INDEX IF NOT EXISTS handoffs_company ON handoffs (lower(json_extract(lead, '$.traits."company.name"')));
CREATE INDEX IF NOT EXISTS handoffs_due ON handoffs (due_at) WHERE followed_up_at IS NULL AND overdue_alerted = 0;
CREATE TABLE IF NOT EXISTS assignments (key TEXT PRIMARY KEY, route TEXT NOT NULL, owner TEXT NOT NULL, open INTEGER NOT NULL, at INTEGER NOT NULL, country TEXT);
CREATE INDEX IF NOT EXISTS assignments_open ON assignments (route, owner, open);
CREATE TABLE IF NOT EXISTS tallies (model TEXT NOT NULL, name TEXT NOT NULL, n REAL NOT NULL, PRIMARY KEY (model, name));
`;

/** The name of outbox shard `i`: the first is the object that held every handoff before shards. */
export function shardName(i) {
  return i === 0 ? "handoffs" : `handoffs:${i}`;
}

/** Later feedback wins; at the same moment, the further step of the funnel. */
const RANK = { accepted: 1, rejected: 2, converted: 3 };
/** How long one pass of deliveries may run before it leaves the rest to the next alarm. */
const PASS_MS = 120_000;

export class Outbox extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(SCHEMA);
    this.settings = readSettings(env);
    this.signer = new Signer(this.settings.webhookSecrets);
    // Sharding brought tallies and a closing time per handoff: handoffs stored before them are
    // counted, and their closing time set, once, here.
    if (!["4", "5"].includes(this.flag("schema"))) {
      this.ctx.storage.transactionSync(() => {
        // Columns a database from before them lacks (a new one has them from CREATE TABLE).
        for (const [table, column] of [["handoffs", "closed_at INTEGER"], ["handoffs", "route TEXT"], ["handoffs", "owner TEXT"], ["handoffs", "previous TEXT"], ["deliveries", "target TEXT"]]) {
          try {
            this.sql.exec(`ALTER TABLE ${table} ADD COLUMN ${column}`);
          } catch {
            // Already there.
          }
        }
        this.sql.exec(`UPDATE handoffs SET closed_at = (SELECT c.closed FROM (${CLOSED}) c WHERE c.key = handoffs.key)`);
        this.sql.exec("DELETE FROM tallies");
        for (const row of this.sql.exec(`${TALLIED} ORDER BY h.key`)) this.tally(row, 1);
        this.setFlag("schema", "4");
      });
    }
    // The owner a lead was reassigned to has a clock of their own (schema 5: nothing to recount).
    if (this.flag("schema") === "4") {
      try {
        this.sql.exec("ALTER TABLE handoffs ADD COLUMN escalate_at INTEGER");
      } catch {
        // Already there.
      }
      this.setFlag("schema", "5");
    }
    this.sql.exec("CREATE INDEX IF NOT EXISTS handoffs_escalate ON handoffs (escalate_at) WHERE escalate_at IS NOT NULL");
    this.sql.exec("CREATE INDEX IF NOT EXISTS handoffs_closed ON handoffs (closed_at) WHERE closed_at IS NOT NULL");
  }

  /**
   * Runs `change` (which writes handoff `key` or its delivery) and keeps the tallies the summary
   * reads up to date in the same transaction: what the handoff counted for before is taken
   * away, what it counts for after is added. No read of the whole history, ever.
   */
  retally(key, change) {
    return this.ctx.storage.transactionSync(() => {
      const before = this.one(`${TALLIED} WHERE h.key = ?`, key);
      const result = change();
      const after = this.one(`${TALLIED} WHERE h.key = ?`, key);
      if (before) this.tally(before, -1);
      if (after) {
        this.tally(after, 1);
        const closed = closedAt(after);
        if (closed !== after.closed_at) this.sql.exec("UPDATE handoffs SET closed_at = ? WHERE key = ?", closed, key);
      }
      return result;
    });
  }

  /** Adds (`sign` 1) or takes away (-1) what handoff `row` counts for: by model, route and owner. */
  tally(row, sign) {
    const counts = contribution(row);
    this.addTallies(row.model, counts, sign);
    if (row.route) this.addTallies(`route:${row.route}`, counts, sign);
    if (row.route) this.addTallies(`owner:${row.owner ?? ""}`, counts, sign);
  }

  addTallies(model, counts, sign) {
    for (const [name, n] of counts) {
      this.sql.exec("INSERT INTO tallies (model, name, n) VALUES (?, ?, ?) ON CONFLICT (model, name) DO UPDATE SET n = n + excluded.n", model, name, sign * n);
    }
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
    // The route (chosen by the worker from SETTINGS.routing) gives an owner, if it has owners.
    const route = routeById(this.settings.routing, lead.route) ?? this.settings.routing.default;
    lead.route = route.id;
    lead.destination = route.destination;
    lead.owner = route.owners.length ? await this.home().assign(key, route.id, lead.traits?.country ?? null, now) : null;
    // Another request for the same key may have stored it while the owner was asked for.
    if (route.owners.length && this.one("SELECT key FROM handoffs WHERE key = ?", key)) return { queued: false, handoff: this.handoff(key, now) };
    this.retally(key, () => {
      this.sql.exec(
        "INSERT INTO handoffs (key, model, visitor, lead, session, created, route, owner, previous) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        key, lead.model, lead.visitor, JSON.stringify(lead), session, now, route.id, lead.owner?.id ?? null, lead.previous ?? null,
      );
      this.addDelivery(key, "lead", key, lead, now, route.destination);
      if (route.slack) this.addDelivery(`slack:${key}`, "slack", key, slackMessage(lead, lead.links?.dashboard), now, route.slack);
    });
    await this.schedule();
    return { queued: true, handoff: this.handoff(key, now) };
  }

  /**
   * Gives handoff `key` an owner of `routeId` (on the first shard, which keeps who holds what):
   * by the route's rule (`pickOwner`). The same key gets the same owner again. Null when every
   * owner is full.
   */
  assign(key, routeId, country, now) {
    const route = routeById(this.settings.routing, routeId);
    if (!route) return null;
    const known = this.one("SELECT owner FROM assignments WHERE key = ?", key);
    if (known) return ownerView(route, known.owner);
    const chosen = this.pickOwner(route, route.owners, country);
    if (!chosen) return null;
    this.sql.exec("INSERT INTO assignments (key, route, owner, open, at, country) VALUES (?, ?, ?, 1, ?, ?)", key, route.id, chosen.id, now, country);
    return ownerView(route, chosen.id);
  }

  /**
   * Gives handoff `key` to an owner of its route who has not held it (`heldBy`: the follow-up
   * lapsed with each of them), by the route's rule among those with room. Null, and the last of
   * them keeps it, when there is none.
   */
  reassign(key, routeId, heldBy, now) {
    const route = routeById(this.settings.routing, routeId);
    const held = this.one("SELECT country FROM assignments WHERE key = ?", key);
    if (!route || !held) return null;
    const chosen = this.pickOwner(route, route.owners.filter((o) => !heldBy.includes(o.id)), held.country);
    if (!chosen) return null;
    this.sql.exec("UPDATE assignments SET owner = ?, open = 1, at = ? WHERE key = ?", chosen.id, now, key);
    return ownerView(route, chosen.id);
  }

  /**
   * The owner of `candidates` (of `route`) a handoff from `country` goes to: under capacity (open
   * handoffs), by territory (those whose territories hold the country, else those with none) or
   * round-robin (the least recently given; never given first, in the list's order).
   */
  pickOwner(route, candidates, country) {
    const load = new Map(this.sql.exec("SELECT owner, count(*) AS n FROM assignments WHERE route = ? AND open = 1 GROUP BY owner", route.id).toArray().map((r) => [r.owner, r.n]));
    const last = new Map(this.sql.exec("SELECT owner, max(at) AS at FROM assignments WHERE route = ? GROUP BY owner", route.id).toArray().map((r) => [r.owner, r.at]));
    const free = candidates.filter((o) => o.capacity === undefined || (load.get(o.id) ?? 0) < o.capacity);
    let pool = free;
    if (route.assign === "territory") {
      const c = String(country ?? "").trim().toUpperCase();
      const local = free.filter((o) => o.territories.includes(c));
      pool = local.length ? local : free.filter((o) => o.territories.length === 0);
    }
    if (!pool.length) return null;
    return pool.reduce((a, b) => ((last.get(b.id) ?? -1) < (last.get(a.id) ?? -1) ? b : a));
  }

  /** Handoff `key` is no longer its owner's to act on (sales answered, or it was erased). */
  release(key) {
    this.sql.exec("UPDATE assignments SET open = 0 WHERE key = ?", key);
  }

  /** Forgets handoff `key`'s assignment (erased or expired). */
  unassign(key) {
    this.sql.exec("DELETE FROM assignments WHERE key = ?", key);
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
      await this.raiseOverdue(now());
      await this.expire(now());
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
      this.one("SELECT 1 AS due FROM handoffs WHERE due_at <= ? AND followed_up_at IS NULL AND overdue_alerted = 0 LIMIT 1", now - slack) ??
      this.one("SELECT 1 AS due FROM handoffs WHERE escalate_at <= ? AND followed_up_at IS NULL LIMIT 1", now - slack);
    if (due) this.ctx.waitUntil(this.drive().then(() => this.schedule()));
  }

  /**
   * Where the next page of handoffs lies in this shard: the creation time and key of up to
   * `limit` handoffs, newest first, filtered by `status`, `model` (`id@version` or `id`) and
   * creation time (`since` <= created < `until`, epoch ms), searched by `q` (an email address,
   * a domain or the start of a typed company name in any case, a visitor id or a key; each
   * answered by an index), after `cursor` (from a previous
   * page's `next`: pages stay whole while handoffs are added, since each new one is newer than
   * any cursor). `{ positions: [[created, key]], more }`; `handoffs(keys)` gives the rows.
   */
  list({ status = null, model = null, since = null, until = null, q = null, cursor = null, limit = 100 } = {}) {
    this.kick();
    const after = cursor ? decodeCursor(cursor) : null;
    // Without a status the view is not needed: the index on (created, key) answers alone.
    const [from, byStatus] = status ? [`(${HANDOFF_VIEW})`, "status = ?2"] : ["handoffs", "?2 IS NULL"];
    const rows = this.sql
      .exec(
        `SELECT created, key FROM ${from} WHERE ${byStatus} AND ${q === null ? "?9 IS NULL AND ?10 IS NULL" : SEARCH} AND (?3 IS NULL OR model = ?3 OR model LIKE ?3 || '@%')
           AND (?4 IS NULL OR created >= ?4) AND (?5 IS NULL OR created < ?5)
           AND (?6 IS NULL OR created < ?6 OR (created = ?6 AND key < ?7))
         ORDER BY created DESC, key DESC LIMIT ?8`,
        Date.now(), status, model, since, until, after?.created ?? null, after?.key ?? null, limit + 1, q?.toLowerCase() ?? null, q,
      )
      .toArray();
    return { positions: rows.slice(0, limit).map((r) => [r.created, r.key]), more: rows.length > limit };
  }

  /**
   * The handoffs of `keys` as a page shows them (those this shard holds), each lead as the JSON
   * text stored (`leadJson`): a page passes it on as it is, unparsed.
   */
  handoffs(keys) {
    const now = Date.now();
    return keys.flatMap((key) => {
      const row = this.sql.exec(`${HANDOFF_VIEW} WHERE h.key = ?`, now, key).toArray()[0];
      return row ? [present(row, false)] : [];
    });
  }

  /** The newest handoff of `visitor` under model id `model` in this shard (key, created, outcome, reason, closedAt), or null. */
  latestOf(visitor, model) {
    const row = this.one(
      "SELECT key, created, outcome, reason, closed_at FROM handoffs WHERE visitor = ? AND (model = ? OR model LIKE ? || '@%') ORDER BY created DESC LIMIT 1",
      visitor, model, model,
    );
    return row && { key: row.key, created: row.created, outcome: row.outcome, reason: row.reason, closedAt: row.closed_at };
  }

  /** One handoff with the story behind it: `{ handoff, feedback, deliveries }` (oldest first), or null. */
  detail(key) {
    const handoff = this.handoff(key);
    if (!handoff) return null;
    return {
      handoff,
      feedback: this.sql.exec("SELECT id, outcome, reason, value, at, received FROM feedback WHERE handoff = ? ORDER BY at, received", key).toArray(),
      deliveries: this.sql.exec("SELECT id, kind, target, state, attempts, last_status AS lastStatus, created, delivered_at AS deliveredAt FROM deliveries WHERE id = ? OR handoff = ? ORDER BY created", key, key).toArray(),
    };
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
      .map((d) => ({ ...deliveryView(d), createdAt: d.created, alert: JSON.parse(d.body) }));
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
    this.retally(fb.key, () => {
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
    });
    // Rejected as "not now": back to nurture with its reason (when there is a nurture stream).
    const recycle = this.settings.recycle;
    if (fb.outcome === "rejected" && recycle?.reasons.includes(fb.reason) && this.settings.nurtureWebhook) {
      const lead = JSON.parse(this.one("SELECT lead FROM handoffs WHERE key = ?", fb.key).lead);
      this.addDelivery(`recycled:${fb.key}`, "nurture", fb.key, { event: "lead-recycled", key: fb.key, reason: fb.reason, at: fb.at, requalifyAfter: fb.at + recycle.coolDownDays * 86_400_000, lead }, now, "nurture");
    }
    // Sales answered: the owner's capacity has room again.
    if (this.one("SELECT owner FROM handoffs WHERE key = ?", fb.key)?.owner) await this.home().release(fb.key);
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
      this.retally(id, () => this.sql.exec("UPDATE deliveries SET state = 'pending', next_at = ?, created = ?, held = NULL WHERE id = ?", now, now, id));
    }
    await this.schedule();
    return { requeued: chosen };
  }

  /**
   * This shard's share of the summary, from its tallies (kept as it writes, a few rows per
   * model): `{ tallies: { model: { name: n } }, counters, nextAlarmAt, misconfigured }`. The
   * worker merges the shards' shares (edge/shards.js).
   */
  async tallies() {
    this.kick();
    const tallies = {};
    for (const { model, name, n } of this.sql.exec("SELECT model, name, n FROM tallies WHERE n != 0")) (tallies[model] ??= {})[name] = n;
    const counters = {};
    for (const { name, n } of this.sql.exec("SELECT name, n FROM counters")) counters[name] = n;
    return { tallies, counters, nextAlarmAt: await this.ctx.storage.getAlarm(), misconfigured: this.flag("misconfigured") };
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
   * Where the next page of accounts lies in this shard: the score and key of up to `limit`
   * accounts, highest score first (ties by key), after `cursor`; or with `byKey`, by key alone
   * (a walk that stays whole while scores change). `{ positions, more }`.
   */
  accounts({ limit = 100, cursor = null, byKey = false } = {}) {
    const after = cursor ? decodeCursor(cursor) : null;
    const [where, order] = byKey ? ["?2 IS NULL OR key > ?2", "key ASC"] : ["?1 IS NULL OR score < ?1 OR (score = ?1 AND key > ?2)", "score DESC, key ASC"];
    const rows = this.sql
      .exec(`SELECT score, key FROM accounts WHERE ${where} ORDER BY ${order} LIMIT ?3`, after?.created ?? null, after?.key ?? null, limit + 1)
      .toArray();
    return { positions: rows.slice(0, limit).map((r) => [byKey ? 0 : r.score, r.key]), more: rows.length > limit };
  }

  /** The accounts of `keys` this shard keeps, each as its figures and when they changed. */
  accountsOf(keys) {
    return keys.flatMap((key) => {
      const r = this.one("SELECT summary, updated FROM accounts WHERE key = ?", key);
      return r ? [{ ...JSON.parse(r.summary), updatedAt: r.updated }] : [];
    });
  }

  /** How many of this shard's handoffs are in each of the accounts `keys` (counted on the index of the lead's account key). */
  accountHandoffs(keys) {
    const found = Object.fromEntries(keys.map((k) => [k, 0]));
    const rows = this.sql.exec(
      `SELECT json_extract(lead, '$.account.key') AS account, count(*) AS n FROM handoffs
       WHERE json_extract(lead, '$.account.key') IN (${keys.map(() => "?").join(", ")}) GROUP BY account`,
      ...keys,
    );
    for (const r of rows) if (r.account in found) found[r.account] = r.n;
    return found;
  }

  /**
   * Where the next page of outcomes lies in this shard (handed-off leads for `mqlscore train`),
   * oldest first: `{ positions: [[created, key]], more }`. `judged` keeps only those sales
   * converted or rejected. `outcomesOf(keys)` gives the rows.
   */
  outcomes({ cursor = null, limit = 500, judged = true } = {}) {
    const after = cursor ? decodeCursor(cursor) : null;
    const rows = this.sql
      .exec(
        `SELECT created, key FROM handoffs
         WHERE (?1 = 0 OR outcome IN ('converted', 'rejected'))
           AND (?2 IS NULL OR created > ?2 OR (created = ?2 AND key > ?3))
         ORDER BY created, key LIMIT ?4`,
        judged ? 1 : 0, after?.created ?? null, after?.key ?? null, limit + 1,
      )
      .toArray();
    return { positions: rows.slice(0, limit).map((r) => [r.created, r.key]), more: rows.length > limit };
  }

  /** The leads of `keys` with their outcome and saved session. */
  outcomesOf(keys) {
    return keys.flatMap((key) => {
      const row = this.one("SELECT lead, session, outcome, reason, value, outcome_at FROM handoffs WHERE key = ?", key);
      return row ? [{ key, lead: JSON.parse(row.lead), session: row.session, outcome: row.outcome, reason: row.reason, value: row.value, at: row.outcome_at }] : [];
    });
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
  async erase(who) {
    const keys = this.personKeys(who);
    const removed = { handoffs: 0, feedback: 0, deliveries: 0, accounts: [] };
    for (const key of keys) {
      const lead = JSON.parse(this.one("SELECT lead FROM handoffs WHERE key = ?", key).lead);
      if (lead.account?.key && !removed.accounts.includes(lead.account.key)) removed.accounts.push(lead.account.key);
      if (this.one("SELECT owner FROM handoffs WHERE key = ?", key)?.owner) await this.home().unassign(key);
      this.retally(key, () => {
        removed.deliveries += this.sql.exec("DELETE FROM deliveries WHERE id = ? OR handoff = ? OR (kind = 'alert' AND json_extract(body, '$.key') = ?)", key, key, key).rowsWritten;
        removed.feedback += this.sql.exec("DELETE FROM feedback WHERE handoff = ?", key).rowsWritten;
        removed.handoffs += this.sql.exec("DELETE FROM handoffs WHERE key = ?", key).rowsWritten;
      });
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
  async expire(now) {
    const keys = this.sql.exec("SELECT key FROM handoffs WHERE closed_at <= ?", now - this.retentionMs()).toArray().map((r) => r.key);
    for (const key of keys) {
      if (this.one("SELECT owner FROM handoffs WHERE key = ?", key)?.owner) await this.home().unassign(key);
      this.retally(key, () => {
        this.sql.exec("DELETE FROM deliveries WHERE id = ? OR handoff = ? OR (kind = 'alert' AND json_extract(body, '$.key') = ?)", key, key, key);
        this.sql.exec("DELETE FROM feedback WHERE handoff = ?", key);
        this.sql.exec("DELETE FROM handoffs WHERE key = ?", key);
      });
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

  addDelivery(id, kind, handoff, body, now, target = null) {
    this.sql.exec(
      "INSERT OR IGNORE INTO deliveries (id, kind, handoff, body, created, state, next_at, target) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)",
      id, kind, handoff, JSON.stringify(body), now, now, target,
    );
  }

  /** Sets the alarm to the earliest moment something is due (never `firing`), or clears it. */
  async schedule(firing = null) {
    const next = this.one(
      `SELECT min(t) AS t FROM (
         SELECT max(min(next_at), ?2) AS t FROM deliveries WHERE state = 'pending' AND kind = 'lead'
         UNION ALL
         SELECT min(next_at) AS t FROM deliveries WHERE state = 'pending' AND kind != 'lead'
         UNION ALL
         SELECT min(due_at) AS t FROM handoffs WHERE due_at IS NOT NULL AND followed_up_at IS NULL AND overdue_alerted = 0
         UNION ALL
         SELECT min(escalate_at) AS t FROM handoffs WHERE escalate_at IS NOT NULL AND followed_up_at IS NULL
         UNION ALL
         SELECT min(closed_at) + ?1 AS t FROM handoffs WHERE closed_at IS NOT NULL)`,
      this.retentionMs(),
      this.flow?.pausedUntil ?? 0,
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

  /**
   * Delivers what is due, as many at once as the CRM takes: this shard's share of
   * `deliveryConcurrency` at most, and of `deliveryRatePerSecond` when set. The number in
   * flight adapts to the CRM's answers: it starts at 8 and grows by one per delivery (doubling
   * each round trip) while the CRM answers, and halves, at most once a second, on a 429, a 503,
   * a timeout or a network error; a `Retry-After` pauses this shard's deliveries until then.
   * New work is taken as attempts finish, so a slow CRM keeps the window full; a pass ends
   * when nothing is due, or after `PASS_MS` (the alarm starts the next).
   */
  async deliverDue(now) {
    const s = this.settings;
    const ceiling = Math.max(1, Math.ceil(s.deliveryConcurrency / s.outboxShards));
    const rate = s.deliveryRatePerSecond == null ? null : s.deliveryRatePerSecond / s.outboxShards;
    this.flow ??= { window: Math.min(8, ceiling), threshold: ceiling, cutAt: 0, pausedUntil: 0, tokens: 1, filledAt: Date.now() };
    const flow = this.flow;
    const ends = Date.now() + PASS_MS;
    const running = new Map();
    let queue = [];
    let drained = false;
    for (;;) {
      const t = Date.now();
      if (queue.length < ceiling && !drained && t < ends) {
        const fresh = this.sql
          .exec("SELECT * FROM deliveries WHERE state = 'pending' AND next_at <= ? ORDER BY next_at LIMIT ?", Math.max(now, t), 2 * ceiling)
          .toArray()
          .filter((d) => !running.has(d.id) && !queue.some((q) => q.id === d.id));
        drained = fresh.length === 0;
        queue = queue.concat(fresh);
      }
      if (rate !== null) {
        flow.tokens = Math.min(Math.max(1, rate), flow.tokens + ((t - flow.filledAt) / 1000) * rate);
        flow.filledAt = t;
      }
      let wait = 0;
      // Alerts go to another webhook, and are few: they pass outside the CRM's window.
      for (const d of queue.filter((q) => q.kind !== "lead")) {
        queue = queue.filter((q) => q !== d);
        running.set(d.id, this.attempt(d).then(() => running.delete(d.id)));
      }
      while (queue.length && running.size < Math.min(Math.floor(flow.window), ceiling)) {
        if (flow.pausedUntil > t) {
          wait = flow.pausedUntil - t;
          break;
        }
        if (rate !== null && flow.tokens < 1) {
          wait = ((1 - flow.tokens) / rate) * 1000;
          break;
        }
        if (rate !== null) flow.tokens -= 1;
        const d = queue.shift();
        running.set(
          d.id,
          this.attempt(d).then((outcome) => {
            running.delete(d.id);
            this.adapt(outcome, ceiling);
          }),
        );
      }
      if (running.size) {
        await Promise.race(running.values());
        continue;
      }
      // Nothing in flight: done, or waiting on a pause or the rate (a long pause is the alarm's).
      if (!queue.length && (drained || t >= ends)) return;
      if (wait > PASS_MS || t >= ends) return;
      await new Promise((ok) => setTimeout(ok, Math.max(1, Math.min(wait, 1000))));
    }
  }

  /** Moves the delivery window after an attempt's `outcome` (see deliverDue). */
  adapt(outcome, ceiling) {
    const flow = this.flow;
    const now = Date.now();
    if (outcome.retryAfter > 0) flow.pausedUntil = Math.max(flow.pausedUntil, now + outcome.retryAfter);
    const congested = outcome.status === 429 || outcome.status === 503 || outcome.verdict === "unknown" || (outcome.verdict === "retry" && outcome.status === null);
    if (congested) {
      if (now - flow.cutAt >= 1000) {
        flow.threshold = Math.max(1, flow.window / 2);
        flow.window = flow.threshold;
        flow.cutAt = now;
        log({ mql: "delivery-window", window: Math.floor(flow.window), why: outcome.status ?? outcome.verdict });
      }
    } else if (outcome.verdict === "delivered") {
      // Below the threshold, one more per delivery (a doubling per round trip); above, one more per window.
      flow.window = Math.min(ceiling, flow.window + (flow.window < flow.threshold ? 1 : 1 / flow.window));
    }
  }

  /** One attempt of delivery `d`; its outcome is stored before the next is made. */
  async attempt(d) {
    const s = this.settings;
    const url = destinationUrl(s, d);
    const started = Date.now();
    const attempt = d.attempts + 1;
    // Stored before the request leaves (the output gate holds it until then): a crash during
    // the attempt still counts it, and the provisional next time retries it.
    this.sql.exec(
      "UPDATE deliveries SET attempts = ?, last_attempt_at = ?, next_at = ? WHERE id = ?",
      attempt, started, started + s.webhookTimeoutMs + backoff(s, attempt), d.id,
    );
    if (!url) {
      const what = d.kind === "lead" || d.kind === "update" ? (d.target === "nurture" ? "NURTURE_WEBHOOK_URL" : "WEBHOOK_URL") : d.kind === "slack" ? d.target : d.kind === "nurture" ? "NURTURE_WEBHOOK_URL" : "ALERT_WEBHOOK_URL";
      const held = { verdict: "held", status: null, error: `${what} is not set` };
      await this.settle(d, attempt, held);
      return held;
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
    await this.settle(d, attempt, outcome);
    return outcome;
  }

  /** Stores what an attempt came to. */
  async settle(d, attempt, { verdict, status, error = null, retryAfter = 0 }) {
    const s = this.settings;
    const now = Date.now();
    const lastError = error ?? (status && verdict !== "delivered" ? `the CRM answered ${status}` : null);
    if (verdict === "delivered") {
      this.retally(d.handoff, () => {
        this.sql.exec(
          // A delivered lead's body goes: the handoff keeps the lead, and storage stays one copy.
          "UPDATE deliveries SET state = 'delivered', next_at = NULL, delivered_at = ?, last_status = ?, last_error = NULL, held = NULL, body = CASE kind WHEN 'lead' THEN '' ELSE body END WHERE id = ?",
          now, status, d.id,
        );
        if (d.kind === "lead") {
          this.sql.exec("UPDATE handoffs SET delivered_at = ?, due_at = ? WHERE key = ?", now, deadline(now, s.followUpMinutes, s.businessHours), d.handoff);
        }
      });
      // ("misconfigured" alone: set by the single outbox before shards.)
      if (d.kind === "lead" && (this.flag("misconfigured-here") || this.flag("misconfigured"))) {
        this.setFlag("misconfigured-here", null);
        await this.home().clearMisconfigured();
      }
      log({ mql: "handoff-delivered", kind: d.kind, key: d.id, attempt, status });
      return;
    }
    if (verdict === "refused") {
      this.retally(d.handoff, () => this.sql.exec("UPDATE deliveries SET state = 'dead', next_at = NULL, last_status = ?, last_error = ? WHERE id = ?", status, lastError, d.id));
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
    if (verdict === "misconfigured" && d.kind === "lead" && !this.flag("misconfigured-here")) {
      this.setFlag("misconfigured-here", lastError);
      await this.home().raiseMisconfigured(lastError, d.id, now);
    }
  }

  /**
   * The first shard ("handoffs"), which holds what is the site's rather than a shard's: whether
   * the CRM is misconfigured, and the one alert that says so. This object itself when it is it.
   */
  home() {
    const id = this.env.OUTBOX.idFromName(shardName(0));
    return this.ctx.id.equals(id) ? this : this.env.OUTBOX.get(id);
  }

  /** Raises the CRM-misconfigured alert once, whichever shard saw it first (on the first shard). */
  async raiseMisconfigured(detail, key, now) {
    if (this.flag("misconfigured")) return;
    this.setFlag("misconfigured", detail);
    this.addDelivery(`alert:crm:${now}`, "alert", null, { alert: "crm-misconfigured", detail, at: now, key }, now);
    await this.schedule();
  }

  /** Clears the misconfigured flag once a shard delivers again (on the first shard). */
  clearMisconfigured() {
    this.setFlag("misconfigured", null);
  }

  /** Dead-letters deliveries that stayed undelivered too long (held ones wait for a fix). */
  deadLetter(now) {
    const old = this.sql
      .exec("SELECT id, kind, handoff, body, last_error FROM deliveries WHERE state = 'pending' AND held IS NULL AND created <= ?", now - this.settings.deadLetterAfterMs)
      .toArray();
    for (const d of old) {
      this.retally(d.handoff, () => this.sql.exec("UPDATE deliveries SET state = 'dead', next_at = NULL WHERE id = ?", d.id));
      log({ mql: "handoff-dead-lettered", kind: d.kind, key: d.id, why: `not delivered within ${this.settings.deadLetterAfterMs} ms`, error: d.last_error, bytes: d.body.length });
    }
  }

  /**
   * Raises an alert for each handoff past its follow-up deadline without feedback, and hands it to
   * the next owner of its route with room. That owner gets a deadline of their own (the same
   * `followUpMinutes`, in business hours); if it lapses too, the lead moves on again, until every
   * owner of the route has held it (the last alert says nobody is left). The SLA figures keep
   * the first deadline: the promise made to the lead. The CRM (the route's destination) and the
   * route's chat hear of each new owner.
   */
  async raiseOverdue(now) {
    const s = this.settings;
    const late = this.sql
      .exec(
        `SELECT key, model, visitor, due_at, escalate_at, delivered_at, route, owner, json_extract(lead, '$.reassigned') AS reassigned FROM handoffs
          WHERE due_at <= ?1 AND followed_up_at IS NULL AND overdue_alerted = 0
         UNION
         SELECT key, model, visitor, due_at, escalate_at, delivered_at, route, owner, json_extract(lead, '$.reassigned') AS reassigned FROM handoffs
          WHERE escalate_at <= ?1 AND followed_up_at IS NULL`,
        now,
      )
      .toArray();
    for (const h of late) {
      const earlier = JSON.parse(h.reassigned ?? "[]");
      const lapse = earlier.length + 1;
      const heldBy = [...earlier.map((r) => r.from), h.owner];
      const next = h.owner ? await this.home().reassign(h.key, h.route, heldBy, now) : null;
      const moved = next ? [...earlier, { from: h.owner, to: next.id, at: now }] : earlier;
      this.retally(h.key, () => {
        this.sql.exec("UPDATE handoffs SET overdue_alerted = 1, escalate_at = ? WHERE key = ?", next ? deadline(now, s.followUpMinutes, s.businessHours) : null, h.key);
        if (next) {
          this.sql.exec(
            "UPDATE handoffs SET owner = ?, lead = json_set(lead, '$.owner', json(?), '$.reassigned', json(?)) WHERE key = ?",
            next.id, JSON.stringify(next), JSON.stringify(moved), h.key,
          );
        }
      });
      this.addDelivery(
        lapse === 1 ? `alert:overdue:${h.key}` : `alert:overdue:${h.key}:${lapse}`, "alert", h.key,
        { alert: "follow-up-overdue", key: h.key, model: h.model, visitor: h.visitor, deliveredAt: h.delivered_at, dueAt: lapse === 1 ? h.due_at : h.escalate_at, lapse, owner: h.owner, reassignedTo: next?.id ?? null, ownersLeft: next !== null },
        now,
      );
      if (!next) continue;
      log({ mql: "handoff-reassigned", key: h.key, route: h.route, from: h.owner, to: next.id, lapse });
      const lead = JSON.parse(this.one("SELECT lead FROM handoffs WHERE key = ?", h.key).lead);
      const route = routeById(s.routing, h.route);
      this.addDelivery(`reassigned:${h.key}:${lapse}`, "update", h.key, { event: "lead-reassigned", key: h.key, at: now, owner: next, previousOwner: h.owner, lead }, now, route?.destination ?? "sales");
      if (route?.slack) this.addDelivery(`slack:${h.key}:${lapse}`, "slack", h.key, slackMessage(lead, lead.links?.dashboard, { reassignedFrom: ownerView(route, h.owner)?.name ?? h.owner }), now, route.slack);
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

/** What `q` finds (?9 in lower case, ?10 as given): each alternative has its index. */
const SEARCH = `(lower(json_extract(lead, '$.traits.email')) = ?9 OR visitor = ?10 OR key = ?10
  OR json_extract(lead, '$.account.key') = 'domain:' || ?9
  OR (lower(json_extract(lead, '$.traits."company.name"')) >= ?9 AND lower(json_extract(lead, '$.traits."company.name"')) < ?9 || char(1114111)))`;

/** Closed handoffs (judged, or their delivery dead-lettered) and when they closed: for a database from before `closed_at`. */
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
export function encodeCursor(created, key) {
  return btoa(JSON.stringify([created, key])).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** The position a cursor names, or throws a RangeError naming it. */
export function decodeCursor(text) {
  try {
    const [created, key] = JSON.parse(atob(text.replace(/-/g, "+").replace(/_/g, "/")));
    if (Number.isFinite(created) && typeof key === "string") return { created, key };
  } catch {}
  throw new RangeError("cursor: not a cursor from a previous page's next");
}

/** A handoff row as the endpoints show it; with `parse` false, its lead stays JSON text (`leadJson`). */
function present(row, parse = true) {
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
    ...(parse ? { lead: JSON.parse(row.lead) } : { leadJson: row.lead }),
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

/** An owner of `route` as a handoff carries it. */
function ownerView(route, id) {
  const o = route.owners.find((x) => x.id === id);
  return o ? { id: o.id, name: o.name ?? null, email: o.email ?? null } : null;
}

/** Where delivery `d` goes: the route's destination for a lead or news of it, the chat webhook for a message, else the alerts' webhook. */
function destinationUrl(s, d) {
  if (d.kind === "lead" || d.kind === "update") return d.target === "nurture" ? s.nurtureWebhook : s.webhook;
  if (d.kind === "slack") return s.chatWebhooks[d.target] ?? null;
  if (d.kind === "nurture") return s.nurtureWebhook;
  return s.alertWebhook;
}

/** What `retally` reads of a handoff: its row and its delivery's state. */
const TALLIED = `
SELECT h.model, h.route, h.owner, h.previous, h.created, h.delivered_at, h.due_at, h.followed_up_at, h.outcome, h.reason, h.value, h.outcome_at, h.overdue_alerted, h.closed_at,
  d.state, d.last_attempt_at
FROM handoffs h LEFT JOIN deliveries d ON d.id = h.key`;

/** When a handoff closed (judged by sales, or its delivery dead-lettered), or null while open. */
function closedAt(r) {
  if (r.outcome == null && r.state !== "dead") return null;
  return r.outcome_at ?? r.last_attempt_at ?? r.created;
}

/**
 * What one handoff counts for in the summary, as `[name, n]` pairs: a pure function of its row,
 * so that a change is tallied as the difference of before and after. Its status is the list's,
 * with "overdue" from the alert raised at the deadline (the list also shows a handoff overdue
 * in the moment before the alarm raises it).
 */
export function contribution(r) {
  const status = r.outcome ?? (r.state === "dead" ? "dead-lettered" : r.state === "delivered" ? (r.overdue_alerted && r.followed_up_at == null ? "overdue" : "delivered") : "queued");
  const out = [["handedOff", 1], [`status:${status}`, 1]];
  // A second (or later) handoff of a visitor whose earlier one sales sent back to nurture.
  if (r.previous) out.push(["requalified", 1]);
  if (r.state === "pending") out.push(["pending", 1]);
  if (r.outcome != null) out.push(["withFeedback", 1]);
  if (r.outcome === "accepted" || r.outcome === "converted") out.push(["sql", 1]);
  if (r.outcome === "converted" && r.value) out.push(["convertedValue", r.value]);
  if (r.outcome === "rejected") out.push([`rejected:${r.reason}`, 1]);
  if (r.delivered_at != null) {
    out.push(["delivered", 1]);
    if (r.followed_up_at != null) {
      out.push([`followUp:${followUpBucket(Math.max(0, r.followed_up_at - r.delivered_at))}`, 1]);
      if (r.followed_up_at <= r.due_at) out.push(["inTime", 1]);
    }
    if (r.followed_up_at != null || status === "overdue") out.push(["judged", 1]);
  }
  return out;
}

/**
 * Follow-up times are tallied in buckets 2% wide (bucket 0 holds 0 ms), so that shards merge
 * them and the median is known within 1%: a median of a million handoffs without reading them.
 */
const GROWTH = Math.log(1.02);
export function followUpBucket(ms) {
  return ms < 1 ? 0 : 1 + Math.floor(Math.log(ms) / GROWTH);
}
/** The value a bucket stands for: the middle of its range (geometrically), rounded to the ms. */
function bucketValue(b) {
  return b === 0 ? 0 : Math.round(Math.exp((b - 0.5) * GROWTH));
}

export const STATUSES = ["queued", "delivered", "overdue", "accepted", "rejected", "converted", "dead-lettered"];

/** The funnel and feedback figures of summed tallies (`{ name: n }`). */
export function figures(t) {
  const n = (name) => t[name] ?? 0;
  const rejections = {};
  const buckets = [];
  for (const [name, v] of Object.entries(t)) {
    if (v === 0) continue;
    if (name.startsWith("rejected:")) rejections[name.slice(9)] = v;
    else if (name.startsWith("followUp:")) buckets.push([Number(name.slice(9)), v]);
  }
  return {
    handedOff: n("handedOff"),
    requalified: n("requalified"),
    byStatus: Object.fromEntries(STATUSES.map((s) => [s, n(`status:${s}`)])),
    delivered: n("delivered"),
    withFeedback: n("withFeedback"),
    mqlToSqlRate: n("withFeedback") ? n("sql") / n("withFeedback") : null,
    converted: n("status:converted"),
    convertedValue: n("convertedValue"),
    rejectionReasons: rejections,
    medianMsToFollowUp: median(buckets),
    slaHitRate: n("judged") ? n("inTime") / n("judged") : null,
  };
}

/** The median of bucketed values (`[bucket, count]`), the mean of the middle two for an even count. */
function median(buckets) {
  const total = buckets.reduce((s, [, c]) => s + c, 0);
  if (!total) return null;
  buckets.sort((a, b) => a[0] - b[0]);
  const nth = (i) => {
    for (const [b, c] of buckets) {
      if (i < c) return bucketValue(b);
      i -= c;
    }
    return bucketValue(buckets.at(-1)[0]);
  };
  return total % 2 ? nth((total - 1) / 2) : (nth(total / 2 - 1) + nth(total / 2)) / 2;
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
