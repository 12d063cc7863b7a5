// The JSON Schema shipped in the package agrees with the engine's own validation.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const tools = createRequire(`${root}tools/package.json`);
const Ajv = tools("ajv");
const { validateModel } = createRequire(import.meta.url)("../pkg/nodejs/mqlscore.js");
const schema = JSON.parse(readFileSync(`${root}pkg/nodejs/mqlscore-model.schema.json`, "utf8"));
const validate = new Ajv({ allErrors: true, strictRequired: false, strictTypes: false }).compile(schema);
const example = (name) => JSON.parse(readFileSync(`${root}models/${name}.json`, "utf8"));
const base = () => ({ id: "m", version: 1, thresholds: { engagement: 10 }, engagement: { rules: [{ id: "p", points: 5, page: "/pricing" }] } });
const withRule = (rule) => ({ ...base(), engagement: { rules: [{ id: "p", points: 5, ...rule }] } });
const withFit = (when) => ({ ...base(), fit: { rules: [{ id: "f", points: 5, when }] } });

const valid = {
  "the B2B SaaS example": example("b2b-saas"),
  "the minimal example": example("minimal"),
  "a version as text, nested conditions and an event filter": {
    ...withFit({ all: [{ any: [{ trait: "title", glob: "vp*" }, { not: { trait: "email", emailDomain: "gmail.com" } }] }, { trait: "n", gte: 1, lt: 5 }] }),
    version: "2026-q4",
    disqualifiers: [{ id: "bot", reason: "Bot", page: "/**", where: { context: "userAgent", contains: ["bot", "spider"] } }],
  },
  "a bot filter": { ...base(), bots: { userAgents: ["*bot*"], burst: { events: 5, seconds: 2 }, clicks: { events: ["Email Link Clicked"], pageViewWithinMinutes: 30 } } },
};

const invalid = {
  "no id": (() => { const m = base(); delete m.id; return m; })(),
  "no thresholds": (() => { const m = base(); delete m.thresholds; return m; })(),
  "an unknown field": { ...base(), colour: "red" },
  "an id with spaces": { ...base(), id: "my model" },
  "empty thresholds": { ...base(), thresholds: {} },
  "a half-life of 0": withRule({ page: "/x", halfLifeDays: 0 }),
  "a window without maxCount": withRule({ page: "/x", withinDays: 7 }),
  "a page that is not a path": withRule({ page: "pricing" }),
  "both page and track": withRule({ page: "/x", track: "X" }),
  "neither page nor track": withRule({}),
  "maxCount above 100": withRule({ page: "/x", maxCount: 101 }),
  "maxPoints of 0": withRule({ page: "/x", maxPoints: 0 }),
  "a misspelled rule field": withRule({ page: "/x", halfLifeDay: 3 }),
  "a trait test in an event filter": withRule({ page: "/x", where: { trait: "plan", equals: "pro" } }),
  "a property test in a fit rule": withFit({ property: "plan", equals: "pro" }),
  "two operators": withFit({ trait: "t", equals: "a", contains: "b" }),
  "no operator": withFit({ trait: "t" }),
  "an unknown operator": withFit({ trait: "t", greaterThan: 5 }),
  "an empty glob list": withFit({ trait: "t", glob: [] }),
  "exists as text": withFit({ trait: "t", exists: "yes" }),
  "a fit rule without a condition": { ...base(), fit: { rules: [{ id: "f", points: 5 }] } },
  "two grade cut points": { ...base(), grades: { fit: [50, 20] } },
  "a disqualifier with a condition and an event": { ...base(), disqualifiers: [{ id: "d", reason: "R", when: { trait: "t", exists: true }, track: "X" }] },
  "a disqualifier without a reason": { ...base(), disqualifiers: [{ id: "d", track: "X" }] },
  "a burst without seconds": { ...base(), bots: { burst: { events: 5 } } },
  "click filtering without events": { ...base(), bots: { clicks: {} } },
};

// What a JSON Schema cannot say; the engine checks these (and the schema says so).
const engineOnly = {
  "duplicate rule ids": { ...base(), engagement: { rules: [{ id: "p", points: 1, page: "/a" }, { id: "p", points: 1, page: "/b" }] } },
  "minCount above maxCount": withRule({ page: "/x", maxCount: 2, minCount: 3 }),
  "grade cut points not highest first": { ...base(), grades: { fit: [10, 20, 30] } },
  "a lower bound above the upper bound": withFit({ trait: "t", gte: 10, lte: 1 }),
};

for (const [name, model] of Object.entries(valid)) {
  test(`both accept ${name}`, () => {
    assert.deepEqual(validateModel(model), []);
    assert.ok(validate(model), JSON.stringify(validate.errors));
  });
}

for (const [name, model] of Object.entries(invalid)) {
  test(`both reject ${name}`, () => {
    assert.notDeepEqual(validateModel(model), [], "the engine rejects it");
    assert.equal(validate(model), false, "the schema rejects it");
  });
}

for (const [name, model] of Object.entries(engineOnly)) {
  test(`the engine (not the schema) rejects ${name}`, () => {
    assert.notDeepEqual(validateModel(model), []);
    assert.ok(validate(model), JSON.stringify(validate.errors));
  });
}
