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

import { decodeCursor, encodeCursor, figures } from "./outbox.js";

/** The outbox shards of `env` under `settings`. */
export function handoffs(env, settings) {
  return new Handoffs(env.OUTBOX, settings.outboxShards);
}

export class Handoffs {
  constructor(namespace, count) {
    this.shards = Array.from({ length: count }, (_, i) => namespace.get(namespace.idFromName(i === 0 ? "handoffs" : `handoffs:${i}`)));
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

  /** A page of handoffs, newest first, as `Outbox.list` answers for one shard. */
  async list(query = {}) {
    const limit = query.limit ?? 100;
    const pages = await this.all((s) => s.list({ ...query, limit }));
    return merged(pages, "handoffs", limit, (a, b) => b.createdAt - a.createdAt || cmp(b.key, a.key), (h) => [h.createdAt, h.key]);
  }

  /** A page of accounts, highest score first, each with the keys of its handoffs in every shard. */
  async accounts({ limit = 100, cursor = null } = {}) {
    if (cursor) decodeCursor(cursor);
    const pages = await this.all((s) => s.accounts({ limit, cursor }));
    const page = merged(pages, "accounts", limit, (a, b) => b.score - a.score || cmp(a.key, b.key), (a) => [a.score, a.key]);
    const keys = page.accounts.map((a) => a.key);
    const found = keys.length ? await this.all((s) => s.accountHandoffs(keys)) : [];
    for (const account of page.accounts) account.handoffs = found.flatMap((f) => f[account.key] ?? []);
    return page;
  }

  /** A page of outcomes, oldest first (`Outbox.outcomes`). */
  async outcomes(query = {}) {
    const limit = query.limit ?? 500;
    const pages = await this.all((s) => s.outcomes({ ...query, limit }));
    return merged(pages, "outcomes", limit, (a, b) => a.createdAt - b.createdAt || cmp(a.key, b.key), (o) => [o.createdAt, o.key]);
  }

  /** Alerts of every shard, newest first. */
  async alerts() {
    const lists = await this.all((s) => s.alerts());
    return lists.flat().sort((a, b) => b.createdAt - a.createdAt);
  }

  /** The funnel and feedback figures of every shard: the sum of their tallies. */
  async summary() {
    const shares = await this.all((s) => s.tallies());
    const byModel = {};
    const counters = {};
    for (const share of shares) {
      for (const [model, t] of Object.entries(share.tallies)) {
        const into = (byModel[model] ??= {});
        for (const [name, n] of Object.entries(t)) into[name] = (into[name] ?? 0) + n;
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
      shards: shares.map((share) => Object.values(share.tallies).reduce((n, t) => n + (t.handedOff ?? 0), 0)),
      byModel: Object.fromEntries(Object.entries(byModel).filter(([, t]) => t.handedOff).map(([m, t]) => [m, figures(t)])),
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

/**
 * The first `limit` of the shards' pages in `order`, with the cursor of the last one shown
 * when any shard has more: every row of the merged page was in some shard's first `limit`.
 */
function merged(pages, field, limit, order, position) {
  const rows = pages.flatMap((p) => p[field]).sort(order);
  const page = rows.slice(0, limit);
  const more = rows.length > limit || pages.some((p) => p.next !== null);
  return { [field]: page, next: more && page.length ? encodeCursor(...position(page.at(-1))) : null };
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
