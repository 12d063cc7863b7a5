// The edge worker for bench/edge-scale.mjs: the worker as deployed, plus POST /__bench/seed,
// which stores handoffs through the outbox's own code (enqueue, the delivery's settling, sales
// feedback), so that a bench can stand on a history of a million handoffs without making each
// through a browser. Only bench/edge-scale.mjs's workerd config loads this module.
import worker, { Account, Outbox as Deployed } from "./worker.js";
import { shardName } from "./outbox.js";
import { shardOf } from "./shards.js";

export { Account };

const REJECTED = ["not-a-fit", "no-budget", "bad-timing", "unreachable"];

export class Outbox extends Deployed {
  /**
   * Stores `leads` (each `{ lead, session, fate }`) as the worker would: enqueued, delivered,
   * then judged by sales for a `fate` of "accepted", "rejected" or "converted". The alarm is set
   * once at the end, not per lead, and nothing is logged meanwhile.
   */
  async seed(leads) {
    const log = console.log;
    const schedule = this.schedule;
    console.log = () => {};
    this.schedule = async () => {};
    try {
      for (const { lead, session, fate, at } of leads) {
        const key = lead.idempotencyKey;
        await this.enqueue({ ...lead, session });
        if (fate === "pending") continue;
        const d = this.one("SELECT * FROM deliveries WHERE id = ?", key);
        await this.settle(d, 1, { verdict: "delivered", status: 201 });
        if (fate && fate !== "pending") {
          await this.feedback({
            id: `fb:${key}`,
            key,
            outcome: fate,
            reason: fate === "rejected" ? REJECTED[key.length % REJECTED.length] : null,
            value: fate === "converted" ? 12_000 : null,
            at,
          });
        }
      }
    } finally {
      console.log = log;
      this.schedule = schedule;
    }
    await this.schedule();
    return leads.length;
  }

  /** Keeps the figures of `summaries` as the worker's roll-up would (scores spread a little). */
  seedAccounts(summaries) {
    for (const summary of summaries) this.noteAccount({ ...summary, score: summary.score + (summary.key.length % 7) });
    return summaries.length;
  }
}

export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    if (url.pathname !== "/__bench/seed") return worker.fetch(request, env, ctx);
    // { template: { lead, session }, from, count, shards, pending }: handoffs from..from+count-1,
    // delivered and three in ten judged, or all `pending` delivery.
    const { template, from, count, shards, pending = false } = await request.json();
    const byShard = new Map();
    const now = Date.now();
    for (let i = from; i < from + count; i++) {
      const visitor = `bench${String(i).padStart(17, "0")}`;
      const key = `${template.lead.model.split("@")[0]}:${visitor}`;
      const lead = {
        ...template.lead,
        idempotencyKey: key,
        visitor,
        traits: { ...template.lead.traits, email: `person${i}@company${i % 5000}.example` },
        // 5,000 companies, each an account.
        account: template.lead.account && { ...template.lead.account, key: `domain:company${i % 5000}.example`, domain: `company${i % 5000}.example` },
      };
      // Three in ten judged: a third of them converted, the rest rejected or accepted.
      const fate = pending ? "pending" : i % 10 === 0 ? "converted" : i % 10 === 1 ? "rejected" : i % 10 === 2 ? "accepted" : null;
      const shard = shardOf(key, shards);
      if (!byShard.has(shard)) byShard.set(shard, []);
      byShard.get(shard).push({ lead, session: template.session, fate, at: now });
    }
    const ns = env.OUTBOX;
    // Each company's account figures, kept by its shard as the worker's roll-up would.
    const accounts = new Map();
    for (const { lead } of [...byShard.values()].flat()) if (lead.account) accounts.set(lead.account.key, lead.account);
    const accountsByShard = new Map();
    for (const a of accounts.values()) {
      const i = shardOf(a.key, shards);
      accountsByShard.set(i, [...(accountsByShard.get(i) ?? []), a]);
    }
    await Promise.all([...accountsByShard].map(([i, list]) => ns.get(ns.idFromName(shardName(i))).seedAccounts(list)));
    const done = await Promise.all(
      [...byShard].map(([i, leads]) => ns.get(ns.idFromName(shardName(i))).seed(leads)),
    );
    return Response.json({ seeded: done.reduce((a, b) => a + b, 0) });
  },
};
