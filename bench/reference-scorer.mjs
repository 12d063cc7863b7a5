// The peer a user would otherwise write: the same model semantics as the engine, in plain
// JavaScript objects, written the way a competent JS developer would (no wasm). The benchmark
// checks it gives the same results as the engine on the same streams.

const DAY = 86_400_000;
const round2 = (x) => {
  const r = (Math.sign(x) * Math.round(Math.abs(x) * 100)) / 100;
  return r === 0 ? 0 : r;
};
const fnv1a = (text) => {
  let h = 0x811c9dc5;
  for (const b of new TextEncoder().encode(text)) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h;
};
const decay = (age, halfLife) => 2 ** (-Math.max(age, 0) / halfLife);

function globToRegExp(pattern, path) {
  let re = "";
  const p = pattern.toLowerCase();
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === "*") {
      let double = false;
      while (p[i + 1] === "*") {
        i++;
        double = true;
      }
      re += double || !path ? "[\\s\\S]*" : "[^/]*";
    } else if (c === "?") re += "[\\s\\S]";
    else re += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

const toNumber = (v) => {
  if (typeof v === "number") return v;
  if (typeof v === "string" && /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(v)) return Number(v);
  return null;
};
const lowerText = (v) => (typeof v === "string" ? v.toLowerCase() : String(v));

function compileCondition(c, read) {
  if (c.all) {
    const parts = c.all.map((x) => compileCondition(x, read));
    return (values) => parts.every((p) => p(values));
  }
  if (c.any) {
    const parts = c.any.map((x) => compileCondition(x, read));
    return (values) => parts.some((p) => p(values));
  }
  if (c.not) {
    const inner = compileCondition(c.not, read);
    return (values) => !inner(values);
  }
  const key = c.trait ?? (c.property !== undefined ? `properties.${c.property}` : `context.${c.context}`);
  read.add(key);
  const list = (x) => (Array.isArray(x) ? x : [x]).map((s) => String(s).toLowerCase());
  let test;
  if ("exists" in c) test = (v) => (v !== undefined) === c.exists;
  else if ("equals" in c || "oneOf" in c) {
    const expected = "equals" in c ? [c.equals] : c.oneOf;
    test = (v) => v !== undefined && expected.some((e) =>
      typeof e === "number" ? toNumber(v) === e
        : typeof e === "boolean" ? v === e || lowerText(v) === String(e)
          : lowerText(v).trim() === e.toLowerCase());
  } else if ("contains" in c) {
    const subs = list(c.contains);
    test = (v) => v !== undefined && subs.some((s) => lowerText(v).includes(s));
  } else if ("glob" in c) {
    const globs = list(c.glob).map((g) => globToRegExp(g, false));
    test = (v) => v !== undefined && globs.some((g) => g.test(lowerText(v).trim()));
  } else if ("emailDomain" in c) {
    const domains = list(c.emailDomain).map((d) => d.replace(/^@+/, ""));
    test = (v) => {
      if (v === undefined) return false;
      const text = lowerText(v).trim();
      const domain = text.slice(text.lastIndexOf("@") + 1);
      return domains.some((d) => domain === d || domain.endsWith(`.${d}`));
    };
  } else {
    test = (v) => {
      const n = v === undefined ? null : toNumber(v);
      return n !== null && (c.gte === undefined || n >= c.gte) && (c.gt === undefined || n > c.gt)
        && (c.lte === undefined || n <= c.lte) && (c.lt === undefined || n < c.lt);
    };
  }
  return (values) => test(values[key]);
}

function compileMatcher(rule, read) {
  const page = rule.page !== undefined ? globToRegExp(rule.page, true) : null;
  const track = rule.track !== undefined ? globToRegExp(rule.track, false) : null;
  const where = rule.where ? compileCondition(rule.where, read) : () => true;
  return (e) => (page ? e.type === "page" && page.test(e.path) : e.type === "track" && track.test(e.name)) && where(e.fields);
}

const normalizePath = (raw) => {
  let p = raw.trim();
  const scheme = p.indexOf("://");
  if (scheme >= 0) {
    const slash = p.indexOf("/", scheme + 3);
    p = slash < 0 ? "/" : p.slice(slash);
  }
  p = p.split(/[?#]/)[0].replace(/\/+$/, "");
  return (p.startsWith("/") ? "" : "/") + p.toLowerCase();
};

const dig = (obj, path) => path.split(".").reduce((o, k) => (o && typeof o === "object" ? o[k] : undefined), obj);

/** A compiled model, shared by the sessions scored under it. */
export class ReferenceModel {
  constructor(m) {
    this.key = `${m.id}@${m.version}`;
    this.traitPaths = new Set();
    this.fieldPaths = new Set();
    this.fit = (m.fit?.rules ?? []).map((r) => ({ ...r, label: r.label ?? r.id, holds: compileCondition(r.when, this.traitPaths) }));
    this.engagement = (m.engagement?.rules ?? []).map((r) => ({
      ...r,
      label: r.label ?? r.id,
      matches: compileMatcher(r, this.fieldPaths),
      minCount: r.minCount ?? 1,
      withinMs: r.withinDays === undefined ? null : r.withinDays * DAY,
      halfLifeMs: r.halfLifeDays === undefined ? null : r.halfLifeDays * DAY,
      kind: r.maxCount !== undefined ? "recent" : r.halfLifeDays !== undefined ? "decayed" : "count",
    }));
    this.disqualifiers = (m.disqualifiers ?? []).map((d) =>
      d.when ? { ...d, holds: compileCondition(d.when, this.traitPaths) } : { ...d, matches: compileMatcher(d, this.fieldPaths) });
    for (const t of m.keepTraits ?? []) this.traitPaths.add(t);
    this.bounds = { fit: m.fit ?? {}, engagement: m.engagement ?? {} };
    this.thresholds = m.thresholds;
    this.grades = { fit: m.grades?.fit ?? [75, 50, 25], engagement: m.grades?.engagement ?? [75, 50, 25] };
  }
}

/** One visitor's session under a ReferenceModel. */
export class ReferenceScorer {
  constructor(model) {
    this.model = model;
    this.reset();
  }

  reset() {
    this.traits = {};
    this.traitsAt = null;
    this.tallies = this.model.engagement.map((r) => (r.kind === "recent" ? [] : { count: 0, sum: 0, at: 0 }));
    this.eventDisqualified = this.model.disqualifiers.map(() => false);
    this.recent = [];
    this.mqlSince = null;
  }

  /** Scores a Segment event at `now` (epoch ms); returns the same result the engine does. */
  ingest(event, now) {
    const e = this.read(event);
    const atMs = e.timestamp ?? now;
    if (!(atMs >= 946_684_800_000) || atMs > now + 86_400_000) throw new Error("event.timestamp: out of range");
    const at = Math.floor(atMs / 1000);
    let became = false;
    if (this.apply(e, at) && this.mqlSince === null && this.isMql(this.totals(now / 1000))) {
      this.mqlSince = Math.floor(now / 1000);
      became = true;
    }
    const result = this.result(now);
    result.becameMql = became;
    return result;
  }

  read(event) {
    const e = { type: event.type, message: event.messageId === undefined ? null : fnv1a(event.messageId), fields: {} };
    e.timestamp = event.timestamp === undefined ? null : typeof event.timestamp === "number" ? event.timestamp : Date.parse(event.timestamp);
    if (e.type === "page") e.path = normalizePath(event.properties?.path ?? event.context?.page?.path ?? event.properties?.url);
    if (e.type === "track") e.name = event.event.toLowerCase();
    if (e.type === "page" || e.type === "track") {
      for (const p of this.model.fieldPaths) e.fields[p] = dig(event, p);
    }
    if (e.type === "identify" || e.type === "group") {
      e.traits = {};
      for (const p of this.model.traitPaths) {
        const v = e.type === "group" ? (p.startsWith("company.") ? dig(event.traits, p.slice(8)) : undefined) : dig(event.traits, p);
        if (v !== undefined && v !== null && typeof v !== "object") e.traits[p] = v;
      }
    }
    return e;
  }

  apply(e, at) {
    if (e.message !== null && this.recent.includes(e.message)) return false;
    let changed = false;
    if (e.type === "identify" || e.type === "group") {
      const newer = this.traitsAt === null || at >= this.traitsAt;
      for (const [k, v] of Object.entries(e.traits)) {
        if ((newer || this.traits[k] === undefined) && this.traits[k] !== v) {
          this.traits[k] = v;
          changed = true;
        }
      }
      this.traitsAt = this.traitsAt === null ? at : Math.max(this.traitsAt, at);
    } else if (e.type === "page" || e.type === "track") {
      const tag = e.message === null ? 0 : (e.message & 0xffff) || 1;
      this.model.engagement.forEach((rule, i) => {
        if (rule.matches(e)) changed = this.record(i, rule, at, tag) || changed;
      });
      this.model.disqualifiers.forEach((d, i) => {
        if (d.matches?.(e)) {
          this.eventDisqualified[i] = true;
          changed = true;
        }
      });
    }
    if (changed && e.message !== null) {
      if (this.recent.length === 32) this.recent.shift();
      this.recent.push(e.message);
    }
    return changed;
  }

  record(i, rule, at, tag) {
    const tally = this.tallies[i];
    if (rule.kind === "recent") {
      if (tag !== 0 && tally.some((h) => h.at === at && h.tag === tag)) return false;
      let pos = tally.length;
      while (pos > 0 && tally[pos - 1].at > at) pos--;
      if (tally.length >= rule.maxCount) {
        if (pos === 0) return false;
        tally.splice(pos, 0, { at, tag });
        tally.shift();
      } else tally.splice(pos, 0, { at, tag });
      return true;
    }
    tally.count++;
    if (rule.kind === "count") tally.at = tally.count === 1 ? at : Math.max(tally.at, at);
    if (rule.kind === "decayed") {
      const h = rule.halfLifeMs / 1000;
      if (tally.count === 1 || at >= tally.at) {
        tally.sum = tally.sum * decay(at - tally.at, h) + 1;
        tally.at = at;
      } else tally.sum += decay(tally.at - at, h);
    }
    return true;
  }

  /** Each engagement rule's `[points, count, times]` at `now` (epoch seconds); `times` are the
   *  counted events' (epoch ms): each one for a capped rule, the newest alone for the others. */
  engagementPoints(now) {
    return this.model.engagement.map((rule, i) => {
      const tally = this.tallies[i];
      let count;
      let weight;
      let times;
      if (rule.kind === "recent") {
        const since = rule.withinMs === null ? -Infinity : now - rule.withinMs / 1000;
        count = 0;
        weight = 0;
        times = [];
        for (const h of tally) {
          if (h.at >= since) {
            count++;
            weight += rule.halfLifeMs === null ? 1 : decay(now - h.at, rule.halfLifeMs / 1000);
            times.push(h.at * 1000);
          }
        }
      } else {
        count = tally.count;
        weight = rule.kind === "decayed" ? tally.sum * decay(now - tally.at, rule.halfLifeMs / 1000) : count;
        times = count > 0 ? [tally.at * 1000] : [];
      }
      let points = count >= rule.minCount ? rule.points * weight : 0;
      if (rule.maxPoints !== undefined) points = Math.min(Math.max(points, -rule.maxPoints), rule.maxPoints);
      return [points, count, times];
    });
  }

  totals(now) {
    const fit = this.model.fit.reduce((s, r) => (r.holds(this.traits) ? s + r.points : s), 0);
    const engagement = this.engagementPoints(now).reduce((s, [p]) => s + p, 0);
    return this.bounded(fit, engagement);
  }

  bounded(fit, engagement) {
    const bound = (x, b) => Math.min(Math.max(x, b.min ?? -Infinity), b.max ?? Infinity);
    const disqualified = this.model.disqualifiers.findIndex((d, i) => (d.holds ? d.holds(this.traits) : this.eventDisqualified[i]));
    return { fit: round2(bound(fit, this.model.bounds.fit)), engagement: round2(bound(engagement, this.model.bounds.engagement)), disqualified };
  }

  isMql(t) {
    const th = this.model.thresholds;
    const checks = [];
    if (th.fit !== undefined) checks.push(t.fit >= th.fit);
    if (th.engagement !== undefined) checks.push(t.engagement >= th.engagement);
    if (th.total !== undefined) checks.push(round2(t.fit + t.engagement) >= th.total);
    const met = th.require === "any" ? checks.some(Boolean) : checks.every(Boolean);
    return met && t.disqualified < 0;
  }

  /** The full result at `now` (epoch ms), reasons largest first. */
  result(now) {
    const seconds = now / 1000;
    const signed = (p) => (round2(p) >= 0 ? `+${round2(p)}` : `${round2(p)}`);
    const times = (n) => (n === 1 ? "once" : n === 2 ? "twice" : `${n} times`);
    const days = (ms) => (ms / DAY === 1 ? "day" : `${ms / DAY} days`);
    const reasons = [];
    let rawFit = 0;
    for (const r of this.model.fit) {
      if (!r.holds(this.traits)) continue;
      rawFit += r.points;
      if (r.points !== 0) reasons.push({ rule: r.id, half: "fit", points: round2(r.points), count: null, times: null, sentence: `${r.label} (${signed(r.points)})` });
    }
    let rawEngagement = 0;
    this.engagementPoints(seconds).forEach(([points, count, counted], i) => {
      rawEngagement += points;
      if (round2(points) === 0) return;
      const rule = this.model.engagement[i];
      const window = rule.withinMs === null ? "" : ` in the last ${days(rule.withinMs)}`;
      const decaying = rule.halfLifeMs === null ? "" : `, halving every ${days(rule.halfLifeMs)}`;
      reasons.push({ rule: rule.id, half: "engagement", points: round2(points), count, times: counted, sentence: `${rule.label}: ${times(count)}${window} (${signed(points)}${decaying})` });
    });
    const t = this.bounded(rawFit, rawEngagement);
    for (const [half, raw, kept] of [["fit", round2(rawFit), t.fit], ["engagement", round2(rawEngagement), t.engagement]]) {
      const excess = round2(kept - raw);
      if (excess === 0) continue;
      const b = this.model.bounds[half];
      const [edge, limit, word] = excess < 0 ? ["max", b.max, "capped at"] : ["min", b.min, "floored at"];
      reasons.push({ rule: `${half}.${edge}`, half, points: excess, count: null, times: null, sentence: `${half[0].toUpperCase()}${half.slice(1)} ${word} ${limit ?? 0} (${signed(excess)})` });
    }
    reasons.sort((a, b) => Math.abs(b.points) - Math.abs(a.points));
    const band = (v, cuts) => cuts.filter((c, i) => cuts.slice(0, i + 1).every((x) => v < x)).length;
    const d = t.disqualified >= 0 ? this.model.disqualifiers[t.disqualified] : null;
    return {
      score: round2(t.fit + t.engagement),
      fit: t.fit,
      engagement: t.engagement,
      grade: `${"ABCD"[band(t.fit, this.model.grades.fit)]}${1 + band(t.engagement, this.model.grades.engagement)}`,
      mql: this.isMql(t),
      becameMql: false,
      mqlSince: this.mqlSince === null ? null : this.mqlSince * 1000,
      disqualifier: d ? { id: d.id, reason: d.reason } : null,
      model: this.model.key,
      at: now,
      reasons,
    };
  }
}
