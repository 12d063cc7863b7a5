// How an account scores, from the model's `accounts` section (pure functions: the Account
// Durable Object and the tests both use them).
//   score = best engagement among engaged people
//         + perPerson for each further engaged person (up to maxPeople in all)
//         + each buying-committee role present among engaged people, once
// An account at `threshold` or above is account-qualified.

/**
 * The account a visitor belongs to: the domain of their email, once the address passed the
 * gate's checks (`email`, from edge/email-check.js) and is not free-mail; null otherwise. A
 * company name the visitor typed is a claim, kept beside the account and shown as one: it never
 * makes or names an account. `{ key, domain, claimed }`.
 */
export function accountOf(email, traits) {
  if (!email?.ok || email.freeMail) return null;
  const claimed = typeof traits?.["company.name"] === "string" ? traits["company.name"].trim().slice(0, 200) : "";
  return { key: `domain:${email.domain}`, domain: email.domain, claimed: claimed || null };
}

/** What a handoff and the accounts list carry of an account (its view without the people). */
export function accountSummary(view) {
  const { key, name, claimedName, score, qualified, threshold, people, engaged, bestEngagement, summedEngagement, roles } = view;
  return { key, name, claimedName, score, qualified, threshold, people, engaged, bestEngagement, summedEngagement, roles: roles.map((r) => r.id) };
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
