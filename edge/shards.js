// The handoffs of a site spread over `outboxShards` outbox objects (edge/outbox.js), so that no
// one object holds a million leads, takes every write, or is read whole by a summary.
//
// A handoff lives in the shard its key hashes to: storing it again, feedback on it and its
// delivery all go there. An account's figures live in the shard of the account's key. Lists
// (handoffs, accounts, outcomes) ask every shard for one page and merge them: a page of N
// shards costs N small reads, whatever the history. The summary merges each shard's tallies,
// which each keeps up to date as it writes. A person is looked for, exported and erased in
// every shard.
//
// Shard 0 is the object that held every handoff before sharding ("handoffs"), so a site that
// had one keeps its history; a handoff looked up by key that is not in its shard (stored before
// `outboxShards` changed) is looked for in the others.

import { decodeCursor, encodeCursor, figures, shardName } from "./outbox.js";

/** The outbox shards of `env` under `settings`. */
export function handoffs(env, settings) {
  return new Handoffs(env.OUTBOX, settings.outboxShards);
}

export class Handoffs {
  constructor(namespace, count) {
    this.shards = Array.from({ length: count }, (_, i) => namespace.get(namespace.idFromName(shardName(i))));
  }

  /** The shard that holds `key`. */
  of(key) {
    return this.shards[shardOf(key, this.shards.length)];
  }

  all(call) {
    return Promise.all(this.shards.map(call));
  }

  enqueue(lead) {
    return this.of(lead.idempotencyKey).enqueue(lead);
  }

  async feedback(fb) {
    const home = this.of(fb.key);
    const answer = await home.feedback(fb);
    if (answer.status !== 404 || this.shards.length === 1) return answer;
    for (const shard of this.shards) {
      if (shard === home) continue;
      const elsewhere = await shard.feedback(fb);
      if (elsewhere.status !== 404) return elsewhere;
    }
    return answer;
  }

  /** One handoff with its feedback and deliveries (`Outbox.detail`), from its shard (or any, for one stored before a change of shards). */
  async detail(key) {
    const home = this.of(key);
    const found = await home.detail(key);
    if (found || this.shards.length === 1) return found;
    for (const answer of await this.all((s) => (s === home ? null : s.detail(key)))) if (answer) return answer;
    return null;
  }

  /**
   * Whether `visitor` (handed off before under model `model`) may be handed off again:
   * `{ previous, generation, reason }` when their latest handoff, in any shard, was rejected
   * with a reason of `recycle.reasons` at least `recycle.coolDownDays` ago; else null.
   */
  async requalify(visitor, model, recycle) {
    const latest = (await this.all((s) => s.latestOf(visitor, model))).filter(Boolean).sort((a, b) => b.created - a.created)[0];
    if (!latest || latest.outcome !== "rejected" || !recycle.reasons.includes(latest.reason)) return null;
    if (latest.closedAt == null || Date.now() < latest.closedAt + recycle.coolDownDays * 86_400_000) return null;
    const n = /:(\d+)$/.exec(latest.key.slice(`${model}:${visitor}`.length))?.[1];
    return { previous: latest.key, generation: (n ? Number(n) : 1) + 1, reason: latest.reason };
  }

  async redeliver(keys = null) {
    const answers = await this.all((s) => s.redeliver(keys));
    return { requeued: answers.flatMap((a) => a.requeued) };
  }

  /** Counts a step of the funnel in one shard (any: the summary adds them up). */
  count(name, n = 1, spread = Math.random()) {
    return this.shards[Math.floor(spread * this.shards.length) % this.shards.length].count(name, n);
  }

  /** Drives every shard's schedule (where a runtime has no alarms, each request does, in the background). */
  kick() {
    return this.all((s) => s.kick());
  }

  noteAccount(summary) {
    return this.of(summary.key).noteAccount(summary);
  }

  replaceAccount(key, summary) {
    return this.of(key).replaceAccount(key, summary);
  }

  /**
   * A page of handoffs, newest first: `{ handoffs, next }` (`Outbox.list` has the query), each
   * lead as the JSON text stored (`leadJson`).
   */
  async list(query = {}) {
    const limit = query.limit ?? 100;
    const page = await this.page((s) => s.list({ ...query, limit }), limit, (a, b) => b[0] - a[0] || cmp(b[1], a[1]));
    // Each lead stays the JSON text stored (`leadJson`): admin.js writes it into the answer as it is.
    return { handoffs: await this.rows(page.chosen, (s, keys) => s.handoffs(keys)), next: page.next };
  }

  /**
   * A page of accounts, highest score first (or by key with `byKey`: scores move while a walk
   * goes on, keys do not), each with its number of handoffs in every shard (`handoffCount`;
   * `list({ q: domain })` pages through them).
   */
  async accounts({ limit = 100, cursor = null, byKey = false } = {}) {
    if (cursor) decodeCursor(cursor);
    const page = await this.page((s) => s.accounts({ limit, cursor, byKey }), limit, (a, b) => b[0] - a[0] || cmp(a[1], b[1]));
    const keys = page.chosen.map(([, key]) => key);
    const [accounts, counts] = await Promise.all([
      this.rows(page.chosen, (s, keys) => s.accountsOf(keys)),
      keys.length ? this.all((s) => s.accountHandoffs(keys)) : [],
    ]);
    for (const account of accounts) account.handoffCount = counts.reduce((n, c) => n + (c[account.key] ?? 0), 0);
    return { accounts, next: page.next };
  }

  /** A page of outcomes, oldest first: `{ outcomes, next }` (`Outbox.outcomes` has the query). */
  async outcomes(query = {}) {
    const limit = query.limit ?? 500;
    const page = await this.page((s) => s.outcomes({ ...query, limit }), limit, (a, b) => a[0] - b[0] || cmp(a[1], b[1]));
    return { outcomes: await this.rows(page.chosen, (s, keys) => s.outcomesOf(keys)), next: page.next };
  }

  /**
   * The first `limit` positions (`[position, key, shard]`) of every shard's next page in
   * `order`, and the cursor after the last when any shard has more: each shard answers with
   * positions only, so a page reads `limit` rows in all, not `limit` per shard.
   */
  async page(ask, limit, order) {
    const answers = await this.all(ask);
    const all = answers.flatMap((a, shard) => a.positions.map(([at, key]) => [at, key, shard])).sort(order);
    const chosen = all.slice(0, limit);
    const more = all.length > limit || answers.some((a) => a.more);
    return { chosen, next: more && chosen.length ? encodeCursor(chosen.at(-1)[0], chosen.at(-1)[1]) : null };
  }

  /** The rows of `chosen` positions, each from its shard (`fetch(shard, keys)`), in the positions' order. */
  async rows(chosen, fetch) {
    const byShard = new Map();
    for (const [, key, shard] of chosen) byShard.set(shard, [...(byShard.get(shard) ?? []), key]);
    const found = new Map();
    await Promise.all(
      [...byShard].map(async ([shard, keys]) => {
        const rows = await fetch(this.shards[shard], keys);
        for (const row of rows) found.set(row.key, row);
      }),
    );
    return chosen.map(([, key]) => found.get(key)).filter(Boolean);
  }

  /** Alerts of every shard, newest first. */
  async alerts() {
    const lists = await this.all((s) => s.alerts());
    return lists.flat().sort((a, b) => b.createdAt - a.createdAt);
  }

  /** The funnel and feedback figures of every shard: the sum of their tallies. */
  async summary() {
    const shares = await this.all((s) => s.tallies());
    // Tallies come by model, and again by route ("route:<id>") and owner ("owner:<id>", empty: none).
    const byModel = {};
    const byRoute = {};
    const byOwner = {};
    const counters = {};
    for (const share of shares) {
      for (const [dim, t] of Object.entries(share.tallies)) {
        const [group, name] = dim.startsWith("route:") ? [byRoute, dim.slice(6)] : dim.startsWith("owner:") ? [byOwner, dim.slice(6) || "(unassigned)"] : [byModel, dim];
        const into = (group[name] ??= {});
        for (const [n, v] of Object.entries(t)) into[n] = (into[n] ?? 0) + v;
      }
      for (const [name, n] of Object.entries(share.counters)) counters[name] = (counters[name] ?? 0) + n;
    }
    const overall = {};
    for (const t of Object.values(byModel)) for (const [name, n] of Object.entries(t)) overall[name] = (overall[name] ?? 0) + n;
    const alarms = shares.map((s) => s.nextAlarmAt).filter((t) => t != null);
    return {
      at: Date.now(),
      ...figures(overall),
      pending: overall.pending ?? 0,
      funnel: { visitors: counters.visitors ?? 0, salesReady: counters.salesReady ?? 0 },
      // Closed handoffs removed after retentionDays: the figures above are of those kept.
      expired: counters.expired ?? 0,
      nextAlarmAt: alarms.length ? Math.min(...alarms) : null,
      misconfigured: shares.map((s) => s.misconfigured).find((m) => m != null) ?? null,
      // Handoffs kept in each shard: how evenly the keys spread.
      shards: shares.map((share) => Object.entries(share.tallies).reduce((n, [dim, t]) => n + (/^(route|owner):/.test(dim) ? 0 : t.handedOff ?? 0), 0)),
      byModel: figuresOf(byModel),
      // SLA and MQL→SQL per route and per owner (handoffs routed since routing came).
      byRoute: figuresOf(byRoute),
      byOwner: figuresOf(byOwner),
    };
  }

  /** What every shard keeps about a person. */
  async person(who) {
    return (await this.all((s) => s.person(who))).flat();
  }

  /** Erases a person in every shard; the sums of what each removed. */
  async erase(who) {
    const answers = await this.all((s) => s.erase(who));
    const sum = (name) => answers.reduce((n, a) => n + a[name], 0);
    return {
      keys: answers.flatMap((a) => a.keys),
      handoffs: sum("handoffs"),
      feedback: sum("feedback"),
      deliveries: sum("deliveries"),
      accounts: [...new Set(answers.flatMap((a) => a.accounts))],
    };
  }
}

function figuresOf(groups) {
  return Object.fromEntries(Object.entries(groups).filter(([, t]) => t.handedOff).map(([name, t]) => [name, figures(t)]));
}

function cmp(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The shard of `key`: FNV-1a of its UTF-16 units, modulo `count`. */
export function shardOf(key, count) {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % count;
}
