// The mqlscore debug overlay: the score panel with the reasons and a timeline, the model editor,
// time travel, learning the points from outcomes and the what-if chart. mqlscore-embed.js loads
// it only on request (data-debug on its tag, or ?mqlscore-debug in the URL; ?mqlscore-debug=off
// ends it for the tab) and hands it `hooks`, its view of the page's session. What the overlay
// keeps (the timeline, a model being tried, the clock) lives in sessionStorage for this tab only:
// the site's model always comes from the site. The page scores with whatever module the site's
// model needs (the small one for a compiled model); the full module, which reads and checks
// model documents, is loaded only when a document is to be scored: an edit applied, a model
// being tried, a learned model.

const DAY = 86_400_000;
const KEY = { log: "mqlscore.debug.log", clock: "mqlscore.debug.clock", model: "mqlscore.debug.model" };
const LOG_LIMIT = 200;

const store = {
  get(key) {
    try { return sessionStorage.getItem(key); } catch { return null; }
  },
  set(key, value) {
    try { sessionStorage.setItem(key, value); } catch { /* storage full or disabled: this page only */ }
  },
  remove(...keys) {
    try { keys.forEach((k) => sessionStorage.removeItem(k)); } catch { /* as above */ }
  },
};

const PANEL_CSS = `
:host { all: initial; }
.panel { position: fixed; right: 16px; bottom: 16px; width: 360px; max-height: calc(100vh - 32px); overflow: auto;
  background: #fff; color: #1d2433; font: 13px/1.4 system-ui, sans-serif; border: 1px solid #d5d9e4; border-radius: 12px;
  box-shadow: 0 10px 30px rgba(20, 30, 60, .18); padding: 12px 14px; z-index: 2147483000; }
header { display: flex; gap: 8px; align-items: baseline; }
header .model { flex: 1; text-align: right; }
.panel.folded > :not(header):not(.status) { display: none; }
.model { color: #5b6578; font-size: 11px; }
.status { margin: 8px 0; padding: 8px; border-radius: 8px; font-weight: 700; font-size: 15px; text-align: center; }
.status.mql { background: #2b8a3e; color: #fff; }
.status.not { background: #eef0f5; color: #5b6578; }
.status.out { background: #c92a2a; color: #fff; }
.numbers { display: flex; gap: 24px; }
.numbers small { display: block; color: #5b6578; }
.score, .grade { font-size: 26px; font-weight: 800; }
.bar { display: grid; grid-template-columns: 150px 1fr; align-items: center; gap: 6px; margin: 4px 0; }
.track { position: relative; height: 8px; background: #eef0f5; border-radius: 4px; }
.fill { position: absolute; left: 0; top: 0; bottom: 0; background: #748ffc; border-radius: 4px; }
.fill.met { background: #2b8a3e; }
.mark { position: absolute; top: -3px; bottom: -3px; width: 2px; background: #1d2433; }
h4 { margin: 10px 0 4px; font-size: 12px; text-transform: uppercase; color: #5b6578; }
ol { margin: 0; padding-left: 18px; }
.reasons li.minus b { color: #c92a2a; }
.reasons b { color: #2b8a3e; }
.timeline { font-size: 12px; color: #5b6578; }
.controls { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; margin-top: 10px; }
button { font: inherit; padding: 3px 8px; border: 1px solid #c9cedc; border-radius: 6px; background: #f7f8fc; cursor: pointer; }
.about form { display: grid; gap: 4px; margin: 6px 0; }
.about label { display: grid; grid-template-columns: 100px 1fr; align-items: center; }
input, select { font: inherit; padding: 2px 4px; }
.notices p { margin: 6px 0 0; padding: 6px; border-radius: 6px; background: #e7f5ff; }
.notices p.warn { background: #fff3bf; }
textarea { width: 100%; height: 260px; font: 11px/1.3 ui-monospace, monospace; margin-top: 8px; }
.errors { color: #c92a2a; padding-left: 16px; }
.hint { color: #5b6578; margin: 4px 0; }
.training li, .training p { margin: 4px 0; }
.training { margin-top: 6px; }
.training .warn { color: #c92a2a; }
.what-if svg { width: 100%; height: auto; background: #f8f9fa; border: 1px solid #dee2e6; }
.what-if polyline { fill: none; stroke-width: 2; }
.what-if .rate { stroke: #1c7ed6; } .what-if .precision { stroke: #2f9e44; } .what-if .recall { stroke: #e8590c; }
.what-if .recommended { stroke: #495057; stroke-dasharray: 4 3; } .what-if .cursor { stroke: #212529; }
.what-if input { width: 100%; } .what-if .legend { color: #868e96; font-size: 11px; }
.probability span { font-size: 26px; font-weight: 800; color: #2b8a3e; }
.errors li.keep { color: #1d2433; list-style: none; margin-left: -16px; }
.toast { position: fixed; left: 50%; top: 84px; z-index: 2147483001; transform: translateX(-50%); background: #2b8a3e; color: #fff;
  padding: 12px 18px; border-radius: 10px; font: 600 15px system-ui, sans-serif; box-shadow: 0 8px 24px rgba(0,0,0,.2); max-width: 80vw; }
`;

let hooks;
let ui;
/** The document of the model in use: the site's, or the one being tried (null if unknown). */
let doc = null;
/** The site model's document (null if it could not be fetched). */
let siteDoc = null;
let log = [];
let shownNotes = 0;

/** Mounts the panel; called by the embed once the scoring module and the site's model are in. */
export async function attach(embed) {
  hooks = embed;
  hooks.clock = storedClock();
  // A site whose model is a document hands it over; beside a compiled one it was fetched.
  doc = siteDoc = hooks.siteModel instanceof Uint8Array ? await hooks.document : hooks.siteModel;
  const tried = await storedModel();
  if (tried) hooks.model = doc = tried;
  try {
    log = JSON.parse(store.get(KEY.log) ?? "[]");
    if (!Array.isArray(log)) throw new Error("not a list");
  } catch {
    log = [];
  }
  if (document.readyState === "loading") await new Promise((ok) => document.addEventListener("DOMContentLoaded", ok, { once: true }));
  ui = mountPanel();
  let opened = false;
  hooks.listen((result, event) => {
    if (!opened) {
      // The timeline belongs to the stored session: a fresh one (none stored, unreadable, reset) starts it anew.
      opened = true;
      const restored = hooks.scorer.restored;
      if (!restored || restored.outcome === "reset") log = [];
      if (!doc) notice("The site model's document (the .json beside the compiled model) could not be fetched: its thresholds are not shown and it cannot be edited here.", "warn");
      else if (doc === siteDoc && `${doc.id}@${doc.version}` !== result.model) {
        notice(`The site model's document is ${doc.id}@${doc.version}, the page scores ${result.model}: the .json and the .mqlc beside it differ.`, "warn");
      }
    }
    if (event) {
      log.push({ event, score: result.score, mql: result.mql });
      log = log.slice(-LOG_LIMIT);
      store.set(KEY.log, JSON.stringify(log));
    }
    show(result);
    if (result.becameMql) toast(`This visitor just became an MQL (${result.grade}): ${result.reasons[0]?.sentence ?? ""}`);
  });
}

/**
 * The full module (it reads and checks model documents, and scores compiled models too), loaded
 * the first time a document is to be scored and from then on the page's engine. A site whose
 * model is a document already runs it.
 */
let fullModule = null;
function full() {
  if (!(hooks.siteModel instanceof Uint8Array)) return Promise.resolve(hooks.engine);
  fullModule ??= import(hooks.engineUrl).then(async (m) => {
    await m.default();
    return (hooks.engine = m);
  }).catch((err) => {
    fullModule = null; // asked again, it tries again
    throw err;
  });
  return fullModule;
}

/** The model this tab is trying, checked by the full module (loaded for it); null if none or invalid. */
async function storedModel() {
  const text = store.get(KEY.model);
  if (!text) return null;
  try {
    const tried = JSON.parse(text);
    const engine = await full();
    if (engine.validateModel(tried).length === 0) return tried;
  } catch { /* fall through */ }
  store.remove(KEY.model);
  return null;
}

function storedClock() {
  const offset = Number(store.get(KEY.clock) ?? 0);
  return Number.isFinite(offset) && offset >= 0 ? offset : 0;
}

/**
 * Replays the timeline's events through a fresh session under `next` (after a model edit): what
 * the engine scores (a document, or the site's compiled model), `nextDoc` its document.
 */
function rescore(next, nextDoc) {
  const fresh = new hooks.engine.Scorer(next);
  fresh.clockOffsetMs = hooks.clock;
  let skipped = 0;
  for (const entry of log) {
    try {
      const r = fresh.ingest(entry.event);
      entry.score = r.score;
      entry.mql = r.mql;
    } catch {
      skipped += 1;
    }
  }
  store.set(KEY.log, JSON.stringify(log));
  doc = nextDoc;
  hooks.use(next, fresh);
  notice(`Re-scored ${log.length - skipped} events under ${hooks.scorer.model}${skipped ? ` (${skipped} could not be scored)` : ""}.`);
}

// ---- the panel ---------------------------------------------------------------------------

function mountPanel() {
  const host = document.createElement("div");
  host.id = "mqlscore-panel";
  const root = host.attachShadow({ mode: "open" });
  // A constructed style sheet: allowed under a strict style-src, unlike a <style> element.
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(PANEL_CSS);
  root.adoptedStyleSheets = [sheet];
  root.innerHTML = `
  <aside class="panel" aria-label="Lead score (mqlscore)">
    <header><strong>Lead score</strong><span class="model" data-testid="model"></span>
      <button type="button" data-action="fold" aria-label="Fold the panel">–</button></header>
    <div class="status" data-testid="mql-status"></div>
    <div class="numbers">
      <div><span class="score" data-testid="score">0</span><small>score</small></div>
      <div><span class="grade" data-testid="grade">D4</span><small>grade</small></div>
      <div class="probability" hidden><span data-testid="probability"></span><small>est. conversion</small></div>
    </div>
    <div class="bars"></div>
    <h4>Why</h4><ol class="reasons" data-testid="reasons"></ol>
    <h4>Timeline</h4><ol class="timeline" data-testid="timeline"></ol>
    <details class="about"><summary>About me</summary>
      <form data-testid="about-form">
        <label>Email <input name="email" type="email" placeholder="ann@acme.com"></label>
        <label>Job title <input name="title" placeholder="VP Marketing"></label>
        <label>Company size <select name="company.employees">
          <option value="">—</option><option value="5">1–9</option><option value="50">10–99</option>
          <option value="500">100–999</option><option value="5000">1,000+</option></select></label>
        <label>Industry <select name="company.industry">
          <option value="">—</option><option>Software</option><option>Financial services</option>
          <option>Healthcare</option><option>Retail</option><option>Education</option><option>Other</option></select></label>
        <button type="submit">Send identify</button>
      </form>
    </details>
    <div class="controls">
      <button type="button" data-action="day">+1 day</button>
      <button type="button" data-action="week">+7 days</button>
      <span class="clock" data-testid="clock"></span>
      <button type="button" data-action="reset">Reset session</button>
      <button type="button" data-action="model">Edit model</button>
    </div>
    <div class="notices" data-testid="notices"></div>
    <section class="editor" hidden>
      <textarea spellcheck="false" data-testid="model-json" aria-label="Scoring model (JSON)"></textarea>
      <div><button type="button" data-action="apply">Apply model</button>
        <button type="button" data-action="revert">Use the site's model</button></div>
      <ul class="errors" data-testid="model-errors"></ul>
      <h4>Learn the points from outcomes</h4>
      <p class="hint">Drop labeled leads (JSON Lines: one <code>{"events": [...], "converted": true}</code> per line)
        to fit the rules' points to what converted. <a href="/data/sample-leads.jsonl" download>Sample dataset</a></p>
      <input type="file" accept=".jsonl,.json,.txt" data-testid="training-file" aria-label="Labeled leads (JSON Lines)">
      <ul class="training" data-testid="training-report"></ul>
    </section>
  </aside>
  <div class="toast" role="status" data-testid="toast" hidden></div>`;
  document.body.append(host);
  const $ = (sel) => root.querySelector(sel);
  root.addEventListener("click", (e) => {
    const action = e.target.closest?.("[data-action]")?.dataset.action;
    if (action) actions[action]?.();
  });
  $("[data-testid=training-file]").addEventListener("change", async (e) => {
    const file = e.target.files?.[0];
    if (file) await learnFrom(await file.text());
  });
  $("form").addEventListener("submit", (e) => {
    e.preventDefault();
    hooks.record({ type: "identify", traits: hooks.traitsOf(e.target) });
  });
  return { root, $ };
}

const actions = {
  fold() {
    const folded = ui.$(".panel").classList.toggle("folded");
    ui.$("[data-action=fold]").textContent = folded ? "+" : "–";
  },
  day: () => travel(1),
  week: () => travel(7),
  reset() {
    store.remove(KEY.log, KEY.clock);
    log = [];
    hooks.clock = 0;
    ui.$(".notices").replaceChildren();
    hooks.reset();
    notice("Session reset: this visitor is new again.");
  },
  model() {
    const editor = ui.$(".editor");
    editor.hidden = !editor.hidden;
    if (!editor.hidden) ui.$("textarea").value = doc ? JSON.stringify(doc, null, 2) : "";
  },
  async apply() {
    const errors = ui.$(".errors");
    errors.replaceChildren();
    let next;
    try {
      next = JSON.parse(ui.$("textarea").value);
    } catch (err) {
      errors.append(item(`JSON: ${err.message}`));
      errors.append(item(`The current model (${hooks.scorer.model}) keeps running.`, "keep"));
      return;
    }
    let engine;
    try {
      engine = await full();
    } catch (err) {
      errors.append(item(`The module that reads model documents did not load: ${err.message}`));
      errors.append(item(`The current model (${hooks.scorer.model}) keeps running.`, "keep"));
      return;
    }
    const problems = engine.validateModel(next);
    if (problems.length) {
      for (const p of problems) errors.append(item(p.path ? `${p.path}: ${p.message}` : p.message));
      errors.append(item(`The current model (${hooks.scorer.model}) keeps running.`, "keep"));
      return;
    }
    store.set(KEY.model, JSON.stringify(next));
    rescore(next, next);
  },
  revert() {
    store.remove(KEY.model);
    ui.$(".errors").replaceChildren();
    ui.$("textarea").value = siteDoc ? JSON.stringify(siteDoc, null, 2) : "";
    rescore(hooks.siteModel, siteDoc);
  },
};

/** The training module (mqlscore/train), loaded the first time a file is dropped, never before. */
let trainer;
async function loadTrainer() {
  if (!trainer) {
    const module = await import(new URL("train/mqlscore.js", hooks.engineUrl).href);
    await module.default();
    trainer = module.train;
  }
  return trainer;
}

/** Fits the active model's points to labeled leads and offers the result. */
async function learnFrom(text) {
  const box = ui.$(".training");
  box.replaceChildren();
  let learned;
  try {
    const train = await loadTrainer();
    if (!doc) throw new Error("learning needs the model's document, which could not be fetched");
    learned = train(doc, text, { targetMqlRate: 0.2 });
  } catch (err) {
    box.append(item(err.message, "warn"));
    return;
  }
  const r = learned.report;
  const auc = (q) => (q.auc === null ? "—" : q.auc.toFixed(3));
  const pct = (x) => `${(x * 100).toFixed(1)}%`;
  const top = [...r.weights].sort((a, b) => Math.abs(b.points) - Math.abs(a.points)).slice(0, 5);
  box.append(
    item(`${r.leads} leads, ${r.converted} converted. Ranking (AUC, hold-out): learned ${auc(r.holdOut)} vs this model ${auc(r.handWrittenHoldOut)}.`),
    item(`MQL at total >= ${r.threshold.score}: ${pct(r.threshold.mqlRate)} of leads, ${pct(r.threshold.precision)} of them convert (lift ${r.threshold.lift.toFixed(2)}x).`),
    item(`Largest points: ${top.map((w) => `${w.rule} ${w.points > 0 ? "+" : ""}${w.points}`).join(", ")}.`),
  );
  const chart = item("");
  chart.append(whatIf(r));
  box.append(chart);
  const apply = document.createElement("button");
  apply.type = "button";
  apply.textContent = `Use the learned model (${learned.model.id}@${learned.model.version})`;
  apply.dataset.testid = "apply-learned";
  apply.addEventListener("click", () => {
    ui.$("textarea").value = JSON.stringify(learned.model, null, 2);
    actions.apply();
  });
  const li = item("");
  li.append(apply);
  box.append(li);
}

/**
 * What-if: MQL rate, precision and recall as the threshold moves (the report's curve), the
 * recommended threshold marked, and a slider that says what a threshold means in MQLs a month
 * and in the share of them that convert.
 */
function whatIf(report) {
  const curve = report.curve;
  const pct = (x) => `${(x * 100).toFixed(1)}%`;
  const wrap = document.createElement("div");
  wrap.className = "what-if";
  wrap.dataset.testid = "what-if";
  const W = 280, H = 120;
  const svgNs = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(svgNs, "svg");
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", "MQL rate, precision and recall by threshold");
  const x = (i) => (curve.length > 1 ? (i / (curve.length - 1)) * W : 0);
  const y = (v) => H - v * H;
  const line = (key, cls) => {
    const path = document.createElementNS(svgNs, "polyline");
    path.setAttribute("points", curve.map((p, i) => `${x(i).toFixed(1)},${y(p[key]).toFixed(1)}`).join(" "));
    path.setAttribute("class", cls);
    path.dataset.series = key;
    svg.append(path);
  };
  line("mqlRate", "rate");
  line("precision", "precision");
  line("recall", "recall");
  const nearest = (score) =>
    curve.reduce((best, p, i) => (Math.abs(p.score - score) < Math.abs(curve[best].score - score) ? i : best), 0);
  const recommended = nearest(report.threshold.score);
  const mark = (i, cls) => {
    const m = document.createElementNS(svgNs, "line");
    m.setAttribute("x1", x(i)); m.setAttribute("x2", x(i));
    m.setAttribute("y1", 0); m.setAttribute("y2", H);
    m.setAttribute("class", cls);
    svg.append(m);
    return m;
  };
  mark(recommended, "recommended").dataset.testid = "recommended-threshold";
  const cursor = mark(recommended, "cursor");
  const slider = document.createElement("input");
  slider.type = "range";
  slider.min = "0";
  slider.max = String(curve.length - 1);
  slider.value = String(recommended);
  slider.dataset.testid = "threshold-slider";
  slider.setAttribute("aria-label", "MQL threshold");
  const says = document.createElement("p");
  says.dataset.testid = "what-if-says";
  const legend = document.createElement("p");
  legend.className = "legend";
  legend.textContent = "MQL rate (blue), precision (green), recall (orange); the dashed line is the recommended threshold.";
  const update = () => {
    const i = Number(slider.value);
    const p = curve[i];
    cursor.setAttribute("x1", x(i)); cursor.setAttribute("x2", x(i));
    const month = report.leadsPerMonth === null ? "" : ` (about ${Math.round(p.mqlRate * report.leadsPerMonth)} a month)`;
    says.textContent = `MQL at total >= ${p.score}${i === recommended ? " (recommended)" : ""}: ${pct(p.mqlRate)} of leads${month}, ${pct(p.precision)} of them convert, ${pct(p.recall)} of converted leads caught.`;
  };
  slider.addEventListener("input", update);
  update();
  wrap.append(svg, slider, says, legend);
  return wrap;
}

function travel(days) {
  hooks.clock += days * DAY;
  store.set(KEY.clock, String(hooks.clock));
  hooks.refresh();
}

function item(text, cls) {
  const li = document.createElement("li");
  li.textContent = text;
  if (cls) li.className = cls;
  return li;
}

function show(result) {
  const { $ } = ui;
  for (const text of hooks.notes.slice(shownNotes)) notice(text, "warn");
  shownNotes = hooks.notes.length;
  const status = $(".status");
  status.className = `status ${result.disqualifier ? "out" : result.mql ? "mql" : "not"}`;
  // Sales can act only on a lead they can reach: until the visitor gives an email the page may
  // personalise (the CTA), but the edge worker hands nothing off.
  const reachable = Boolean(hooks.scorer.traits().email);
  status.textContent = result.disqualifier
    ? `Disqualified: ${result.disqualifier.reason}`
    : !result.mql ? "Not an MQL yet"
    : reachable ? "MQL: ready for sales" : "Sales-ready, not yet identified: handed to sales once they give an email";
  $(".score").textContent = result.score;
  $(".probability").hidden = result.probability === null;
  $("[data-testid=probability]").textContent = result.probability === null ? "" : `${Math.round(result.probability * 100)}%`;
  $(".grade").textContent = result.grade;
  $(".model").textContent = result.model;
  const t = doc?.thresholds ?? {};
  const fitMax = doc?.fit?.max ?? 100;
  const engMax = doc?.engagement?.max ?? 100;
  $(".bars").replaceChildren(
    bar("Fit", result.fit, fitMax, t.fit),
    bar("Engagement", result.engagement, engMax, t.engagement),
    bar("Total", result.score, fitMax + engMax, t.total),
  );
  $(".reasons").replaceChildren(...(result.reasons.length
    ? result.reasons.map((r) => {
      const li = item("", r.points < 0 ? "minus" : "");
      const pts = document.createElement("b");
      pts.textContent = `${r.points > 0 ? "+" : ""}${r.points}`;
      li.append(pts, ` ${r.sentence}`);
      li.dataset.rule = r.rule;
      return li;
    })
    : [item("No points yet: browse the site.", "empty")]));
  $(".timeline").replaceChildren(...log.slice(-8).reverse().map((entry) => item(
    `${when(entry.event.timestamp)}  ${describe(entry.event)} → ${entry.score}${entry.mql ? " (MQL)" : ""}`)));
  const days = Math.round(hooks.clock / DAY);
  $(".clock").textContent = days ? `clock: +${days} day${days === 1 ? "" : "s"}` : "clock: now";
  ui.root.host.dataset.events = String(log.length);
  ui.root.host.dataset.mql = String(result.mql);
}

function bar(label, value, max, threshold) {
  const wrap = document.createElement("div");
  wrap.className = "bar";
  wrap.dataset.testid = `bar-${label.toLowerCase()}`;
  const pct = (v) => `${Math.max(0, Math.min(100, (v / max) * 100))}%`;
  wrap.innerHTML = `<span class="label"></span><span class="track"><span class="fill"></span><span class="mark"></span></span>`;
  wrap.querySelector(".label").textContent = threshold === undefined ? `${label} ${value}` : `${label} ${value} / ${threshold}`;
  wrap.querySelector(".fill").style.width = pct(value);
  wrap.querySelector(".fill").classList.toggle("met", threshold !== undefined && value >= threshold);
  const mark = wrap.querySelector(".mark");
  if (threshold === undefined) mark.remove();
  else mark.style.left = pct(threshold);
  return wrap;
}

function describe(event) {
  if (event.type === "page") return `page ${event.properties.path}`;
  if (event.type === "track") return `track ${event.event}`;
  return `${event.type} ${Object.keys(event.traits ?? {}).join(", ")}`;
}

function when(iso) {
  return new Date(iso).toLocaleString(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit" });
}

function notice(text, kind = "info") {
  const p = document.createElement("p");
  p.className = kind;
  p.textContent = text;
  ui.$(".notices").append(p);
}

function toast(text) {
  const el = ui.$(".toast");
  el.textContent = text;
  el.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => (el.hidden = true), 6000);
}
