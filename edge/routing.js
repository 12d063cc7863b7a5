// Where a handoff goes (issue 27): the routes in SETTINGS.routing, tried in order, the first
// whose `when` holds for the lead wins, else the default route. A route sends the lead to a
// destination ("sales": WEBHOOK_URL, the CRM; "nurture": NURTURE_WEBHOOK_URL, a nurture
// stream), may give it an owner from its list (round-robin, or by territory, within each
// owner's capacity: edge/outbox.js keeps who holds what), and may post a message to a chat
// incoming webhook (Slack's Block Kit, edge/slack.js), named by the environment binding that
// holds its URL.
//
//   "routing": {
//     "routes": [
//       { "id": "enterprise", "when": { "grades": ["A*", "B1"], "minScore": 70, "countries": ["US", "CA"],
//           "traits": { "company.industry": ["software"] }, "accountQualified": true },
//         "destination": "sales", "assign": "territory",
//         "owners": [{ "id": "ann", "name": "Ann Lee", "email": "ann@example.com", "capacity": 25, "territories": ["US"] }],
//         "slack": "SLACK_ENTERPRISE_URL" },
//       { "id": "nurture", "when": { "grades": ["C*", "D*"] }, "destination": "nurture" }
//     ],
//     "default": { "id": "sales", "destination": "sales" }
//   }

export const DESTINATIONS = ["sales", "nurture"];
const WHEN = ["grades", "minScore", "maxScore", "countries", "traits", "accountQualified"];
const ROUTE = ["id", "when", "destination", "assign", "owners", "slack"];
const OWNER = ["id", "name", "email", "capacity", "territories"];

/** Without SETTINGS.routing every handoff goes to sales, with no owner: as before routes. */
export const NO_ROUTING = { routes: [], default: { id: "sales", destination: "sales", owners: [] } };

/**
 * `routing` read and checked against the environment `env` (for the chat bindings): `{ routing,
 * problems }`, each problem naming its field.
 */
export function readRouting(routing, env) {
  if (routing === undefined || routing === null) return { routing: NO_ROUTING, problems: [] };
  const problems = [];
  const at = "SETTINGS.routing";
  if (typeof routing !== "object" || Array.isArray(routing)) return { routing: NO_ROUTING, problems: [`${at} must be an object with routes and a default`] };
  for (const key of Object.keys(routing)) if (!["routes", "default"].includes(key)) problems.push(`${at}.${key} is not a routing setting (routes, default)`);
  const routes = routing.routes ?? [];
  if (!Array.isArray(routes)) problems.push(`${at}.routes must be a list of routes`);
  const ids = new Set();
  const read = (route, path, isDefault) => {
    if (typeof route !== "object" || route === null || Array.isArray(route)) {
      problems.push(`${path} must be an object`);
      return null;
    }
    for (const key of Object.keys(route)) if (!ROUTE.includes(key)) problems.push(`${path}.${key} is not a route setting (${ROUTE.join(", ")})`);
    if (typeof route.id !== "string" || !/^[a-z0-9][a-z0-9_-]{0,39}$/.test(route.id)) problems.push(`${path}.id must be a name of lower-case letters, digits, - and _ (at most 40)`);
    else if (ids.has(route.id)) problems.push(`${path}.id "${route.id}" is used twice`);
    else ids.add(route.id);
    if (!DESTINATIONS.includes(route.destination)) problems.push(`${path}.destination must be one of ${DESTINATIONS.join(", ")}`);
    if (isDefault && route.when !== undefined) problems.push(`${path}.when: the default route takes every lead no other route took`);
    if (!isDefault) whenProblems(route.when, `${path}.when`, problems);
    const assign = route.assign ?? "round-robin";
    if (!["round-robin", "territory"].includes(assign)) problems.push(`${path}.assign must be "round-robin" or "territory"`);
    const owners = route.owners ?? [];
    if (!Array.isArray(owners)) problems.push(`${path}.owners must be a list`);
    const ownerIds = new Set();
    (Array.isArray(owners) ? owners : []).forEach((o, i) => {
      const p = `${path}.owners[${i}]`;
      if (typeof o !== "object" || o === null) return problems.push(`${p} must be an object`);
      for (const key of Object.keys(o)) if (!OWNER.includes(key)) problems.push(`${p}.${key} is not an owner setting (${OWNER.join(", ")})`);
      if (typeof o.id !== "string" || !/^[A-Za-z0-9._@-]{1,80}$/.test(o.id)) problems.push(`${p}.id must be 1-80 letters, digits or . _ @ -`);
      else if (ownerIds.has(o.id)) problems.push(`${p}.id "${o.id}" is used twice in this route`);
      else ownerIds.add(o.id);
      if (o.name !== undefined && (typeof o.name !== "string" || o.name.length > 120)) problems.push(`${p}.name must be text of at most 120 characters`);
      if (o.email !== undefined && !(typeof o.email === "string" && /^[^@\s]+@[^@\s]+$/.test(o.email))) problems.push(`${p}.email must be an email address`);
      if (o.capacity !== undefined && !(Number.isInteger(o.capacity) && o.capacity >= 1)) problems.push(`${p}.capacity must be a whole number >= 1 (open handoffs at once)`);
      if (o.territories !== undefined && !(Array.isArray(o.territories) && o.territories.every((t) => typeof t === "string" && t))) problems.push(`${p}.territories must be a list of country codes`);
    });
    if (route.slack !== undefined) {
      if (typeof route.slack !== "string" || !/^[A-Z][A-Z0-9_]*$/.test(route.slack)) problems.push(`${path}.slack must name the environment binding that holds the incoming webhook's URL (e.g. "SLACK_SALES_URL")`);
      else if (!/^https?:\/\//.test(String(env[route.slack] ?? ""))) problems.push(`${path}.slack: ${route.slack} must be set to the URL of a Slack incoming webhook`);
    }
    return {
      id: route.id,
      when: route.when ?? null,
      destination: route.destination,
      assign,
      owners: Array.isArray(owners) ? owners.map((o) => ({ ...o, territories: (o.territories ?? []).map((t) => String(t).toUpperCase()) })) : [],
      slack: route.slack ?? null,
    };
  };
  const list = Array.isArray(routes) ? routes.map((r, i) => read(r, `${at}.routes[${i}]`, false)) : [];
  const fallback = routing.default === undefined ? NO_ROUTING.default : read(routing.default, `${at}.default`, true);
  if (problems.length) return { routing: NO_ROUTING, problems };
  return { routing: { routes: list, default: fallback }, problems };
}

function whenProblems(when, path, problems) {
  if (typeof when !== "object" || when === null || Array.isArray(when)) return problems.push(`${path} must be an object (${WHEN.join(", ")})`);
  for (const key of Object.keys(when)) if (!WHEN.includes(key)) problems.push(`${path}.${key} is not a condition (${WHEN.join(", ")})`);
  if (when.grades !== undefined && !(Array.isArray(when.grades) && when.grades.every((g) => typeof g === "string" && /^[A-D*][1-4*]?$/.test(g)))) problems.push(`${path}.grades must list grades such as "A1", "A*" or "*2"`);
  for (const key of ["minScore", "maxScore"]) if (when[key] !== undefined && !Number.isFinite(when[key])) problems.push(`${path}.${key} must be a number`);
  if (when.countries !== undefined && !(Array.isArray(when.countries) && when.countries.every((c) => typeof c === "string" && c))) problems.push(`${path}.countries must be a list of country codes`);
  if (when.traits !== undefined && !(typeof when.traits === "object" && when.traits !== null && Object.values(when.traits).every((v) => Array.isArray(v) && v.length))) problems.push(`${path}.traits must map each kept trait to a list of values`);
  if (when.accountQualified !== undefined && typeof when.accountQualified !== "boolean") problems.push(`${path}.accountQualified must be true or false`);
  return problems;
}

/** Whether `lead` meets `when` (every condition given). */
export function holds(when, lead) {
  if (when.grades && !when.grades.some((g) => gradeMatches(g, lead.grade))) return false;
  if (when.minScore !== undefined && !(lead.score >= when.minScore)) return false;
  if (when.maxScore !== undefined && !(lead.score <= when.maxScore)) return false;
  const country = String(lead.traits?.country ?? "").trim().toUpperCase();
  if (when.countries && !when.countries.some((c) => c.toUpperCase() === country)) return false;
  for (const [trait, values] of Object.entries(when.traits ?? {})) {
    const v = lead.traits?.[trait];
    if (v === undefined || v === null || !values.some((x) => String(x).toLowerCase() === String(v).trim().toLowerCase())) return false;
  }
  if (when.accountQualified !== undefined && Boolean(lead.account?.qualified) !== when.accountQualified) return false;
  return true;
}

function gradeMatches(pattern, grade) {
  const g = String(grade ?? "");
  return g.length === 2 && (pattern[0] === "*" || pattern[0] === g[0]) && (pattern.length < 2 || pattern[1] === "*" || pattern[1] === g[1]);
}

/** The route `lead` takes: the first whose `when` holds, else the default. */
export function routeOf(lead, routing) {
  return routing.routes.find((r) => holds(r.when, lead)) ?? routing.default;
}

/** A route by its id (the default's among them), or null. */
export function routeById(routing, id) {
  return routing.routes.find((r) => r.id === id) ?? (routing.default.id === id ? routing.default : null);
}
