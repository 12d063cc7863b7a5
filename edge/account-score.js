// How an account scores, from the model's `accounts` section (pure functions: the Account
// Durable Object and the tests both use them).
//   score = best engagement among engaged people
//         + perPerson for each further engaged person (up to maxPeople in all)
//         + each buying-committee role present among engaged people, once
// An account at `threshold` or above is account-qualified.

// Free-mail and ISP domains: a person on one of them says nothing about their company.
const FREE_MAIL = new Set(
  `gmail.com googlemail.com yahoo.com yahoo.co.uk yahoo.fr yahoo.de ymail.com hotmail.com hotmail.co.uk hotmail.fr
   outlook.com live.com msn.com icloud.com me.com mac.com aol.com proton.me protonmail.com pm.me gmx.com gmx.de
   gmx.net web.de t-online.de mail.com mail.ru yandex.ru yandex.com qq.com 163.com 126.com zoho.com fastmail.com
   hey.com tutanota.com orange.fr free.fr laposte.net libero.it btinternet.com comcast.net verizon.net`.split(/\s+/),
);


/**
 * The account a visitor belongs to, from their traits: the domain of a work email, else the
 * company's name. `{ key, name, fallback }` (a name only when the visitor gave one; the
 * domain stands in until someone does), or null when neither says.
 */
export function accountOf(traits) {
  const email = typeof traits?.email === "string" ? traits.email.trim().toLowerCase() : "";
  const domain = email.includes("@") ? email.slice(email.lastIndexOf("@") + 1) : "";
  if (/^[a-z0-9.-]+\.[a-z]{2,}$/.test(domain) && !FREE_MAIL.has(domain)) {
    return { key: `domain:${domain}`, name: traits["company.name"] ?? null, fallback: domain };
  }
  const company = typeof traits?.["company.name"] === "string" ? traits["company.name"].trim() : "";
  if (company) return { key: `company:${company.toLowerCase().replace(/\s+/g, " ")}`, name: company, fallback: company };
  return null;
}

/** The account's figures from its people, as the model's `accounts` section scores them. */
export function accountScore(people, rules) {
  const engagedAt = rules.engagedAt ?? 10;
  const perPerson = rules.perPerson ?? 10;
  const maxPeople = rules.maxPeople ?? 5;
  const engaged = people.filter((p) => p.engagement >= engagedAt).sort((a, b) => b.engagement - a.engagement);
  const best = engaged[0]?.engagement ?? 0;
  const roles = (rules.roles ?? []).filter((role) => engaged.some((p) => p.title && globs(role.title).some((g) => g.test(p.title.trim()))));
  const score = round2(best + perPerson * Math.max(0, Math.min(engaged.length, maxPeople) - 1) + roles.reduce((sum, r) => sum + r.points, 0));
  return {
    people: people.length,
    engaged: engaged.length,
    bestEngagement: best,
    summedEngagement: round2(people.reduce((sum, p) => sum + p.engagement, 0)),
    mqls: people.filter((p) => p.mql).length,
    roles: roles.map((r) => ({ id: r.id, label: r.label ?? r.id, points: r.points })),
    score,
    threshold: rules.threshold,
    qualified: score >= rules.threshold,
  };
}

const compiled = new Map();

/** Case-insensitive regular expressions for title globs (`*` any run, `?` one character). */
function globs(list) {
  const key = JSON.stringify(list);
  let found = compiled.get(key);
  if (!found) {
    found = [list].flat().map((g) => new RegExp(`^${[...g.toLowerCase()].map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\]/g, "\\$&"))).join("")}$`, "is"));
    compiled.set(key, found);
  }
  return found;
}

function round2(x) {
  return Math.round(x * 100) / 100;
}
