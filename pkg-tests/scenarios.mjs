// One suite of scenarios for the built package, run unchanged against the Node build
// (node.test.mjs) and the web build in headless Chromium (browser.test.mjs).
// `api` is the package's exports; `models` holds the example models as parsed JSON.

function check(condition, message) {
  if (!condition) throw new Error(message);
}

function equal(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  check(a === e, `${what}: expected ${e}, got ${a}`);
}

function throws(fn, pattern, what) {
  try {
    fn();
  } catch (err) {
    check(err instanceof Error, `${what}: threw a ${typeof err}, not an Error`);
    check(pattern.test(err.message), `${what}: message ${JSON.stringify(err.message)} does not match ${pattern}`);
    return err;
  }
  throw new Error(`${what}: did not throw`);
}

const DAY = 86_400_000;

export const scenarios = {
  "browsing flips the MQL flag with reasons, largest first"({ Scorer }, { b2b }) {
    const s = new Scorer(b2b);
    const results = ["/", "/product", "/pricing", "/pricing"].map((p) => s.page(p));
    equal(results.map((r) => [r.score, r.mql, r.becameMql]), [[1, false, false], [7, false, false], [23, false, false], [59, true, true]], "steps");
    const r = results[3];
    equal(Object.keys(r), ["score", "fit", "engagement", "grade", "mql", "becameMql", "filteredBy", "mqlSince", "model", "at"], "fields at hand (the rest are read on demand)");
    equal(Object.keys(r.toJSON()).sort(), ["at", "becameMql", "disqualifier", "engagement", "filtered", "filteredBy", "fit", "grade", "model", "mql", "mqlSince", "probability", "reasons", "score"], "every field in toJSON");
    equal([r.filtered, r.filteredBy], [{ total: 0, botUserAgent: 0, burst: 0, clickWithoutPageView: 0 }, null], "nothing filtered");
    equal([r.grade, r.model, r.disqualifier, typeof r.mqlSince, typeof r.at], ["D2", "b2b-saas@1", null, "number", "number"], "result fields");
    equal(r.reasons.map((x) => [x.rule, x.half, x.points, x.count]), [["pricing", "engagement", 30, 2], ["pricing-return", "engagement", 20, 2], ["product", "engagement", 5, 1], ["site-visit", "engagement", 4, 4]], "reasons");
    equal(r.reasons[0].sentence, "Viewed pricing: twice in the last 30 days (+30, halving every 14 days)", "sentence");
  },

  "reasons are read on demand, from the state the result was made in"({ Scorer }, { b2b }) {
    const s = new Scorer(b2b);
    const first = s.page("/pricing");
    const kept = s.page("/product");
    equal(kept.reasons.map((x) => x.rule), ["pricing", "product", "site-visit"], "reasons read at once");
    // One moment for the explicit reads below, on the scorer's clock like the views above: a
    // fixed date would leave their windows as the calendar moves on.
    const now = Date.now();
    const full = s.ingest({ type: "page", properties: { path: "/pricing" }, timestamp: now - 1000 }, now);
    equal(full.toJSON(), { ...s.result(now), becameMql: full.becameMql, filteredBy: null }, "toJSON is result() at the same moment");
    equal(JSON.parse(JSON.stringify(full)).reasons, s.result(now).reasons, "JSON.stringify carries the reasons");
    equal(kept.reasons.length, 3, "reasons already read stay readable");
    throws(() => first.reasons, /result: its session has changed since/, "a result read after its session moved on");
    const gone = s.page("/blog/a");
    s.free();
    throws(() => gone.disqualifier, /result: its session has changed since/, "a result of a freed session");
    // Two pricing views, their return, a product view, four visits and a blog post, all now.
    equal([gone.score, gone.grade], [61, "D1"], "its numbers stay");
  },

  "Segment events: ISO and epoch timestamps, duplicates, properties"({ Scorer }, { b2b }) {
    const s = new Scorer(b2b);
    const now = Date.now();
    const demo = { type: "track", event: "Demo Requested", messageId: "m-1", timestamp: new Date(now - 1000).toISOString(), properties: { plan: "growth" } };
    equal(s.ingest(demo).engagement, 40, "track");
    equal(s.ingest(demo).engagement, 40, "the same messageId again");
    equal(s.ingest({ type: "page", properties: { path: "/Pricing/?utm=x" }, timestamp: now - 500 }).engagement, 56, "page by path");
    equal(s.ingest({ type: "page", properties: { url: "https://acme.io/blog/post" }, timestamp: now }).engagement, 59, "page by URL");
    equal(s.ingest({ type: "screen", name: "Home" }).engagement, 59, "screen is accepted, not scored");
  },

  "replaying a log with an explicit now is deterministic"({ Scorer }, { b2b }) {
    const now = "2026-11-02T12:00:00Z";
    const log = [
      { type: "page", properties: { path: "/pricing" }, timestamp: "2026-10-20T09:00:00Z", messageId: "a" },
      { type: "page", properties: { path: "/pricing" }, timestamp: "2026-11-01T09:00:00Z", messageId: "b" },
    ];
    const a = new Scorer(b2b);
    const last = log.map((e) => a.ingest(e, now)).at(-1);
    const b = new Scorer(b2b).ingestBatch(log, Date.parse(now));
    equal([last.at, last.engagement, b.engagement, a.result(now).engagement], [Date.parse(now), 44.02, 44.02, 44.02], "replay");
    equal([a.firstSeen, a.lastSeen], [Date.parse(log[0].timestamp), Date.parse(log[1].timestamp)], "first and latest event times");
    equal([new Scorer(b2b).firstSeen, new Scorer(b2b).lastSeen], [undefined, undefined], "none before any event");
    const asDate = new Scorer(b2b);
    equal(log.map((e) => asDate.ingest(e, new Date(now))).at(-1).engagement, 44.02, "now as a Date");
    for (const bad of [NaN, Infinity, "yesterday", {}, new Date("never"), [1]]) {
      throws(() => a.result(bad), /^now: must be epoch milliseconds, ISO-8601 text or a Date$/, `now: ${String(bad)}`);
    }
  },

  "identify and group set the fit half; traits() shows what is kept"({ Scorer }, { b2b }) {
    const s = new Scorer(b2b);
    s.identify({ email: "ann@acme.com", title: "Chief Marketing Officer", firstName: "Ann", country: "US" });
    const r = s.group({ name: "Acme", employees: "1200", industry: "Software" });
    equal([r.fit, r.grade], [75, "A4"], "fit");
    equal(s.traits(), { title: "Chief Marketing Officer", "company.employees": "1200", "company.industry": "Software", country: "US", email: "ann@acme.com", firstName: "Ann", "company.name": "Acme" }, "traits");
  },

  "errors are Error objects naming the field"({ Scorer }, { b2b }) {
    const bad = structuredClone(b2b);
    bad.engagement.rules[2].halfLifeDays = 0;
    bad.thresholds = {};
    const err = throws(() => new Scorer(bad), /^invalid scoring model \(2 problems\)\n {2}engagement\.rules\[2\]\.halfLifeDays: must be greater than 0\n {2}thresholds: needs at least one of fit, engagement, total$/, "model");
    equal(err.field, "model", "err.field");
    equal(err.problems, [{ path: "engagement.rules[2].halfLifeDays", message: "must be greater than 0" }, { path: "thresholds", message: "needs at least one of fit, engagement, total" }], "err.problems");
    const s = new Scorer(b2b);
    const e2 = throws(() => s.ingest({ type: "page", properties: { path: "/" }, timestamp: "soon" }), /^event\.timestamp: "soon" is not an ISO-8601 date-time$/, "event");
    equal(e2.field, "event.timestamp", "event err.field");
    throws(() => s.ingest(null), /^event: must be an object/, "null event");
    throws(() => s.identify({ title: "x".repeat(1000) }), /^event\.traits\.title: is 1000 bytes long, more than 512$/, "long trait");
    throws(() => new Scorer("{"), /model is not valid JSON/, "model text");
    throws(() => Scorer.restore(b2b, "%%%"), /^saved: character 0 is not URL-safe base64$/, "restore");
    equal(s.result().score, 0, "nothing was recorded by the failed calls");
  },

  "text limits are in bytes, the same for every reader"({ Scorer }, { b2b }) {
    // 300 UTF-16 units, 600 bytes: over the 512-byte limit of a trait. It was accepted by
    // ingest and identify (which counted units) and refused by the JSON Lines reader.
    const title = "é".repeat(300);
    const event = { type: "identify", traits: { title }, timestamp: Date.now() };
    const message = /^event\.traits\.title: is 600 bytes long, more than 512$/;
    const s = new Scorer(b2b);
    throws(() => s.ingest(event), message, "ingest");
    throws(() => s.identify({ title }), message, "identify");
    equal(s.ingestBatch([event]).rejected.map((r) => r.message), ["event.traits.title: is 600 bytes long, more than 512"], "ingestBatch of objects");
    equal(s.ingestBatch(JSON.stringify(event)).rejected.map((r) => r.message), ["event.traits.title: is 600 bytes long, more than 512"], "ingestBatch of JSON Lines");
    throws(() => s.page(`/${"é".repeat(1100)}`), /^event\.properties\.path: is 2201 bytes long, more than 2048$/, "page");
    const fits = "é".repeat(256);
    equal(s.identify({ title: fits }).fit, s.ingestBatch([{ ...event, traits: { title: fits } }]).fit, "512 bytes: kept by both");
    equal(s.traits().title, fits, "kept");
    throws(() => s.identify({ title: "😀".repeat(129) }), /^event\.traits\.title: is 516 bytes long, more than 512$/, "a surrogate pair is 4 bytes");
  },

  "a compiled Model is shared by sessions that are freed when done"({ Model }, { b2b }) {
    const model = new Model(b2b);
    equal(model.key, "b2b-saas@1", "key");
    const a = model.session();
    const b = model.session();
    a.page("/pricing");
    equal([a.result().engagement, b.page("/").engagement], [16, 1], "independent sessions");
    const saved = a.save();
    const restored = model.restore(saved);
    equal([restored.restored.outcome, restored.save() === saved], ["exact", true], "restore");
    for (const s of [a, b, restored]) s.free();
    throws(() => a.page("/pricing"), /null pointer|destroyed|moved/, "a freed session");
    // A long loop that never yields to the event loop: sessions made and freed one by one.
    for (let i = 0; i < 20_000; i++) {
      const s = model.session();
      s.track("Demo Requested");
      s.free();
    }
    check(typeof Model.prototype[Symbol.dispose] === "function" || Symbol.dispose === undefined, "using works where Symbol.dispose exists");
    model.free();
  },

  "validateModel lists problems with paths"({ validateModel }, { b2b, minimal }) {
    equal(validateModel(b2b), [], "valid");
    equal(validateModel(JSON.stringify(minimal)), [], "valid as text");
    // Problems of shape come in document order, each with its path.
    equal(validateModel({ id: "x", version: 1, thresholds: { fit: "40" }, fit: { rules: [{ id: "a", points: 1 }] } }), [
      { path: "thresholds.fit", message: "must be a number, not a string" },
      { path: "fit.rules[0].when", message: "is required" },
    ], "problems");
  },

  "testModel runs the cases a model carries and says what came out"({ testModel }, { b2b }) {
    const report = testModel(b2b);
    equal([report.passed, report.failed, report.cases.length], [4, 0, 4], "the demo model's four cases pass");
    check(report.cases.every((c) => c.passed && c.failures.length === 0), "each passed");
    const broken = structuredClone(b2b);
    broken.cases[0].expect.grade = "C*";
    const failed = testModel(JSON.stringify(broken));
    equal([failed.passed, failed.failed], [3, 1], "one broken");
    check(/^expected grade C\*; came out score [\d.]+, grade A2, an MQL, reasons: pricing, /.test(failed.cases[0].failures[0]), failed.cases[0].failures[0]);
    broken.cases[0].expect.reasons = ["nope"];
    throws(() => testModel(broken), /cases\[0\]\.expect\.reasons\[0\]: "nope" is not a rule of the model/, "a case naming no rule of the model");
  },

  "save and restore: exact, migrated, reset, corrupt"({ Scorer }, { b2b, minimal }) {
    const s = new Scorer(b2b);
    s.page("/pricing");
    s.track("Whitepaper Downloaded");
    const saved = s.save();
    check(/^[A-Za-z0-9_-]+$/.test(saved) && saved.length < 400, `saved is compact and URL-safe: ${saved}`);
    const exact = Scorer.restore(b2b, saved);
    equal([exact.restored.outcome, exact.save() === saved, exact.result().score], ["exact", true, s.result().score], "exact");
    const v2 = Scorer.restore({ ...b2b, version: 2 }, saved);
    equal(v2.restored.outcome, "migrated", "another version");
    check(v2.restored.reason.startsWith("saved under b2b-saas@1, migrated to b2b-saas@2"), v2.restored.reason);
    const other = Scorer.restore(minimal, saved);
    equal([other.restored.outcome, other.result().score], ["reset", 0], "another model");
    throws(() => Scorer.restore(b2b, saved.slice(0, -4)), /^saved: .* is corrupt or truncated$/, "truncated");
  },

  "one scorer serves many visitors with load()"({ Scorer }, { b2b }) {
    const a = new Scorer(b2b);
    a.page("/pricing");
    const shared = new Scorer(b2b);
    shared.page("/careers");
    equal(shared.load(a.save()).outcome, "exact", "load");
    equal(shared.result().score, a.result().score, "a's session");
    shared.reset();
    equal(shared.result().score, 0, "reset");
  },

  "batches and scoreEvents keep valid events around invalid ones"({ Scorer, scoreEvents }, { b2b }) {
    const events = [
      { type: "page", properties: { path: "/pricing" } },
      { type: "page" },
      { type: "page", properties: { path: "/pricing" } },
    ];
    const r = new Scorer(b2b).ingestBatch(events);
    equal([r.engagement, r.rejected], [52, [{ index: 1, field: "properties.path", message: "event.properties.path: is required for page events (or properties.url)" }]], "batch");
    const once = scoreEvents(b2b, events, Date.now());
    const twice = scoreEvents(b2b, events, new Date());
    equal([once.score, twice.score, once.rejected.length], [52, 52, 1], "stateless");
  },

  "a link scanner's clicks are filtered, counted and never qualify"({ Scorer }, { b2b }) {
    const guarded = { ...b2b, bots: { burst: { events: 5, seconds: 2 }, clicks: { events: ["Email Link Clicked"] } } };
    const s = new Scorer(guarded);
    const now = Date.now();
    const results = Array.from({ length: 8 }, (_, i) =>
      s.ingest({ type: "track", event: "Email Link Clicked", messageId: `c${i}`, timestamp: now - 1000 + i * 10 }, now));
    equal(results.map((r) => r.filteredBy), [...Array(5).fill("clickWithoutPageView"), ...Array(3).fill("burst")], "reasons");
    equal([results[7].engagement, results[7].filtered], [0, { total: 8, botUserAgent: 0, burst: 3, clickWithoutPageView: 5 }], "counts");
    const bot = s.ingest({ type: "page", properties: { path: "/pricing" }, context: { userAgent: "Mozilla/5.0 (compatible; bingbot/2.0)" } }, now + 60_000);
    equal([bot.filteredBy, bot.engagement], ["botUserAgent", 0], "crawler");
  },

  "train learns points from outcomes and the learned model scores with a probability"({ Scorer, train }, { b2b }) {
    const day = 86_400_000;
    const lines = [];
    for (let i = 0; i < 240; i++) {
      const views = i % 4;
      const events = Array.from({ length: views + 1 }, (_, k) => ({
        type: "page", messageId: `l${i}-${k}`, timestamp: Date.UTC(2026, 9, 1) + i * day + k * 3_600_000,
        properties: { path: k === 0 ? "/" : "/pricing" },
      }));
      const converted = (views >= 2) !== (i % 9 === 0);
      lines.push(JSON.stringify({ id: `l${i}`, events, converted }));
    }
    const { model, report } = train(b2b, lines.join("\n"), { seed: 3, targetMqlRate: 0.5 });
    const converted = lines.filter((l) => JSON.parse(l).converted).length;
    equal([report.leads, report.converted], [240, converted], "counts");
    // Conversions follow "two pricing views or more", which is the pricing-return rule.
    const top = report.weights.reduce((a, b) => (b.points > a.points ? b : a));
    equal(top.rule, "pricing-return", "the rule that carries the signal earns the most points");
    check(report.crossValidated.auc > 0.75, `cross-validated AUC ${report.crossValidated.auc}`);
    equal(model.version, "1-learned-3", "version");
    const r = new Scorer(model).page("/pricing");
    check(r.probability > 0 && r.probability < 1, `probability ${r.probability}`);
    throws(() => train(b2b, lines.slice(0, 20).join("\n")), /^too little data to learn from: \d+ converted and \d+ did not, among 20 leads/, "little data");
    throws(() => train(b2b, "{not json"), /^data: line 1: not valid JSON/, "bad data");
    // One reader of training options, shared with the command line (issue 10).
    throws(() => train(b2b, lines.join("\n"), { folds: 1 }), /^options\.folds: must be a whole number from 2 to 20$/, "one fold");
    throws(() => train(b2b, lines.join("\n"), { l2: 0 }), /^options\.l2: must be a number greater than 0$/, "no penalty");
    throws(() => train(b2b, lines.join("\n"), { fold: 3 }), /^options\.fold: unknown field `fold`, expected one of `seed`/, "misspelt option");
    throws(() => train(b2b, "a,b\n1,2", { csvMapping: { converted: {} } }), /^options\.csvMapping\.converted: missing field `column`/, "mapping");
  },

  "train without a model proposes rules from a CRM export's columns"({ Scorer, train }) {
    // 600 leads: the source "Referral" converts most, "Select" or a blank means not given and
    // converts least (levels that convert alike share a rule, so not given must differ here).
    const rows = ["Id,Source,Employees,Won"];
    for (let i = 0; i < 600; i++) {
      const source = ["Referral", "Web", "Web", "Web", "Event", "Select", ""][i % 7];
      const employees = (i * 37) % 1000;
      const given = source !== "Select" && source !== "";
      const won = source === "Referral" ? i % 3 !== 0 : !given ? i % 29 === 0 : employees >= 500 ? i % 3 === 0 : i % 5 === 0;
      rows.push(`L${i},${source},${employees},${won ? "yes" : "no"}`);
    }
    const csvMapping = {
      id: "Id", converted: { column: "Won", values: ["yes"] },
      traits: { Source: "source", Employees: "company.employees" }, numeric: ["Employees"],
    };
    const { model, report } = train(null, rows.join("\n"), { csvMapping, id: "crm", seed: 2 });
    equal(model.id, "crm", "the id given");
    const labels = model.fit.rules.map((r) => r.label);
    check(labels.includes("Source is Referral"), `a rule per level: ${labels}`);
    check(labels.includes("Source not given"), `placeholders and blanks: ${labels}`);
    check(!labels.some((l) => l === "Source is Web"), `the commonest level is the baseline: ${labels}`);
    equal(report.handWritten.auc, null, "a proposed model scores everyone the same before training");
    check(report.crossValidated.auc > 0.7, `cross-validated AUC ${report.crossValidated.auc}`);
    equal(report.reliability.length, 10, "predicted against observed by tenth");
    equal(
      report.columns.map((c) => [c.column, c.kind, c.declared, c.placeholders]),
      [["Employees", "number", true, 0], ["Source", "text", false, 85]],
      "how each column was read",
    );
    equal(report.chosen.tried.length, 8, "bins and L2 left unset: eight candidates measured");
    check(report.chosen.tried.some((t) => t.maxBins === report.chosen.maxBins && t.l2 === report.chosen.l2 && t.auc === report.crossValidated.auc), "the figure is the chosen candidate's");
    const referral = new Scorer(model).identify({ source: "referral", company: { employees: 100 } });
    const select = new Scorer(model).identify({ source: "Select", company: { employees: 100 } });
    check(referral.score > select.score, `referral ${referral.score} over not given ${select.score}`);
    check(select.reasons.some((r) => r.rule === "source-missing"), "Select reads as not given");
    throws(() => train(null, rows.join("\n"), { csvMapping, minShare: 2 }), /^options\.minShare: must be a share above 0 and below 1$/, "bounds");
  },

  "the clock offset shows decay and windows"({ Scorer }, { b2b }) {
    const s = new Scorer(b2b);
    s.page("/product/analytics");
    s.clockOffsetMs = 15 * DAY;
    equal(s.result().engagement, 4.54, "15 days later");
    equal(s.result(Date.now() + 31 * DAY).engagement, 2.44, "31 days later the visit left its window");
    throws(() => (s.clockOffsetMs = Number.NaN), /clockOffsetMs: must be a finite number/, "NaN offset");
  },
};

/** Runs every scenario; returns `[{ name, ok, error? }]`. */
export function runScenarios(api, models) {
  return Object.entries(scenarios).map(([name, scenario]) => {
    try {
      scenario(api, models);
      return { name, ok: true };
    } catch (err) {
      return { name, ok: false, error: String(err?.stack ?? err) };
    }
  });
}
