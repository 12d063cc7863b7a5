// The scorer a front-end developer would write by hand for one model, models/b2b-saas.json:
// no model interpreter, no sentences, the rules as code. It is the bar for what a page pays
// (bench/page-cost.mjs): bytes, cold start and cost per event. It keeps the model's semantics
// where the bench stream can tell (caps keep the most recent events, windows, decay, a minimum
// count, a late identify never overwriting newer traits, duplicate messages, disqualifiers) and
// is checked equal to the engine on every event of that stream.

const DAY = 86_400;
const FREE_MAIL = ["gmail.com", "googlemail.com", "yahoo.com", "hotmail.com", "outlook.com", "icloud.com", "aol.com", "proton.me", "gmx.de", "web.de"];
const INDUSTRIES = ["software", "financial services", "healthcare", "retail"];
const TERRITORY = ["us", "ca", "gb", "uk", "de", "fr", "nl"];
const TRAITS = ["email", "title", "country", "company.employees", "company.industry", "company.name", "firstName", "lastName"]
  .map((path) => [path, ...path.split(".")]);

// Engagement rules: [points, max count, window days, half-life days, min count, max points].
const RULES = [
  [1, 10, 30, 0, 1, 0], // 0 any page
  [5, 4, 90, 30, 1, 0], // 1 /product**
  [15, 3, 30, 14, 1, 30], // 2 /pricing
  [10, 2, 30, 0, 2, 0], // 3 /pricing, a second time
  [2, 5, 30, 0, 1, 0], // 4 /blog/**
  [15, 3, 0, 60, 1, 0], // 5 Whitepaper Downloaded
  [10, 2, 90, 0, 1, 0], // 6 Webinar Registered
  [40, 1, 0, 0, 1, 0], // 7 Demo Requested
  [3, 5, 30, 0, 1, 0], // 8 Email Link Clicked
  [-10, 2, 60, 0, 1, 0], // 9 /careers**
  [-3, 3, 30, 0, 1, 0], // 10 /support/**
];
const TRACKS = { "whitepaper downloaded": 5, "webinar registered": 6, "demo requested": 7, "email link clicked": 8 };
const BOT = /bot|crawler|spider|curl\/|python-requests/i;

const round2 = (x) => Math.sign(x) * Math.round(Math.abs(x) * 100) / 100 || 0;
const text = (v) => (v === undefined ? undefined : String(v).trim().toLowerCase());
const number = (v) => (typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" && !isNaN(v) ? Number(v) : NaN);
const domainOf = (email) => email.slice(email.lastIndexOf("@") + 1);
const inDomains = (domain, list) => list.some((d) => domain === d || domain.endsWith(`.${d}`));
const isExec = (t) => t.startsWith("vp") || t.includes("vice president") || t.includes("chief") || /^c.o$/.test(t) || t.startsWith("founder") || t.startsWith("head of");
const band = (v, a, b, c) => (v >= a ? 0 : v >= b ? 1 : v >= c ? 2 : 3);

function pathOf(e) {
  let p = String(e.properties?.path ?? e.context?.page?.path ?? "").trim().toLowerCase();
  const query = p.indexOf("?");
  if (query >= 0) p = p.slice(0, query);
  const fragment = p.indexOf("#");
  if (fragment >= 0) p = p.slice(0, fragment);
  while (p.endsWith("/")) p = p.slice(0, -1);
  return p.startsWith("/") ? p : `/${p}`;
}

/** One visitor: `ingest(event, now)` returns what a page acts on. */
export class HandScorer {
  traits = {};
  traitsAt = -Infinity;
  times = RULES.map(() => []);
  seen = new Set();
  unsubscribed = false;
  bot = false;
  mqlSince = null;
  fit = 0;
  traitDisqualified = false;

  ingest(e, now) {
    const at = Math.floor((e.timestamp === undefined ? now : Date.parse(e.timestamp)) / 1000);
    if (!(at >= 946_684_800) || at > now / 1000 + DAY) throw new Error("event.timestamp: out of range");
    let changed = false;
    if (!(e.messageId !== undefined && this.seen.has(e.messageId))) {
      changed = this.apply(e, at);
      if (changed && e.messageId !== undefined) this.seen.add(e.messageId);
    }
    const t = this.totals(now / 1000);
    let becameMql = false;
    if (changed && t.mql && this.mqlSince === null) {
      this.mqlSince = Math.floor(now / 1000) * 1000;
      becameMql = true;
    }
    t.becameMql = becameMql;
    return t;
  }

  apply(e, at) {
    if (e.type === "identify" || e.type === "group") {
      const group = e.type === "group";
      let changed = false;
      for (const [path, a, b] of TRAITS) {
        let v;
        if (group) v = a === "company" ? e.traits?.[b] : undefined;
        else v = b === undefined ? e.traits?.[a] : e.traits?.[a]?.[b];
        if (v === undefined || v === null || typeof v === "object") continue;
        if ((at >= this.traitsAt || this.traits[path] === undefined) && this.traits[path] !== v) {
          this.traits[path] = v;
          changed = true;
        }
      }
      this.traitsAt = Math.max(this.traitsAt, at);
      if (changed) this.fit = this.fitOf();
      return changed;
    }
    if (e.type === "page") {
      const p = pathOf(e);
      let changed = this.hit(0, at);
      if (p.startsWith("/product")) changed = this.hit(1, at) || changed;
      if (p === "/pricing") changed = this.hit(2, at) + this.hit(3, at) > 0 || changed;
      if (p.startsWith("/blog/")) changed = this.hit(4, at) || changed;
      if (p.startsWith("/careers")) changed = this.hit(9, at) || changed;
      if (p.startsWith("/support/")) changed = this.hit(10, at) || changed;
      const agent = e.context?.userAgent;
      if (agent !== undefined && BOT.test(agent)) changed = this.bot = true;
      return changed;
    }
    if (e.type !== "track") return false;
    const name = String(e.event).toLowerCase();
    if (name === "unsubscribed") return (this.unsubscribed = true);
    return name in TRACKS && this.hit(TRACKS[name], at);
  }

  /** Counts an event for rule `i`, keeping its `maxCount` most recent times in order. */
  hit(i, at) {
    const maxCount = RULES[i][1];
    const times = this.times[i];
    if (times.length === maxCount && at < times[0]) return false;
    let k = times.length;
    while (k > 0 && times[k - 1] > at) k--;
    times.splice(k, 0, at);
    if (times.length > maxCount) times.shift();
    return true;
    return changed;
  }

  /** Fit and the trait disqualifiers, worked out again only when a trait changes. */
  fitOf() {
    const title = text(this.traits.title) ?? "";
    const email = text(this.traits.email);
    const domain = email === undefined ? undefined : domainOf(email);
    const employees = number(this.traits["company.employees"]);
    let fit = 0;
    if (isExec(title)) fit += 25;
    if ((title.includes("director") || title.includes("manager")) && !(title.startsWith("vp") || title.includes("vice president") || title.includes("chief"))) fit += 15;
    if (employees >= 100) fit += 20;
    if (employees >= 10 && employees < 100) fit += 10;
    if (INDUSTRIES.includes(text(this.traits["company.industry"]))) fit += 15;
    if (TERRITORY.includes(text(this.traits.country))) fit += 5;
    if (domain !== undefined) fit += inDomains(domain, FREE_MAIL) ? -15 : 10;
    this.traitDisqualified = (domain !== undefined && inDomains(domain, ["rivalytics.com", "leadforge.io", "edu", "ac.uk"]))
      || title.includes("student") || title.includes("intern");
    return round2(Math.min(fit, 100));
  }

  totals(now) {
    let engagement = 0;
    for (let i = 0; i < RULES.length; i++) {
      const times = this.times[i];
      if (times.length === 0) continue;
      const [points, , within, halfLife, minCount, maxPoints] = RULES[i];
      let count = 0;
      let weight = 0;
      for (const at of times) {
        if (within && at < now - within * DAY) continue;
        count++;
        weight += halfLife ? 2 ** (-Math.max(now - at, 0) / (halfLife * DAY)) : 1;
      }
      let p = count >= minCount ? points * weight : 0;
      if (maxPoints) p = Math.min(Math.max(p, -maxPoints), maxPoints);
      engagement += p;
    }
    engagement = round2(Math.min(engagement, 100));
    const fit = this.fit;
    const disqualified = this.traitDisqualified || this.unsubscribed || this.bot;
    const score = round2(fit + engagement);
    return {
      score,
      fit,
      engagement,
      grade: "ABCD"[band(fit, 60, 35, 15)] + (1 + band(engagement, 60, 30, 10)),
      mql: !disqualified && score >= 50 && engagement >= 30,
      becameMql: false,
    };
  }
}
