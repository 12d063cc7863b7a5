/*! mqlscore embed: lead scoring, kept and personalised in the page. docs/embed.md */
// One tag in <head>, after <title>, without async (so that a returning MQL's CTA is right on
// first paint; the scoring module itself loads without blocking):
//   <script src="/mqlscore/embed/mqlscore-embed.js" data-model="/models/b2b-saas.json"></script>
// A compiled model (`mqlscore compile`, data-model="/models/b2b-saas.mqlc") is scored by the small
// module (data-lite-engine, default ../lite/mqlscore.js); a model document (.json) by the full
// module (data-engine, default ../mqlscore.js, as the package lays it out). The debug overlay
// reads the document beside a .mqlc and loads the full module only when a document is to be
// checked or scored (an edit, a model being tried, a learned one). data-consent="required":
// nothing stored or scored before consent; data-consent-purposes: TCF purposes that count as
// consent (default 1,5,6); data-debug (or ?mqlscore-debug in the URL): load the debug overlay.
(() => {
  "use strict";
  const tag = document.currentScript;
  const opt = tag?.dataset ?? {};
  const here = tag?.src || location.href;
  const html = document.documentElement;
  const CTA = "[data-mql-cta]";
  const KEY = "mqlscore.";
  const SESSION = `${KEY}session`, STATE = `${KEY}state`, CONSENT = `${KEY}consent`, DEBUG = `${KEY}debug`;
  const PENDING_LIMIT = 100;
  const required = opt.consent === "required";
  const engineUrl = new URL(opt.engine ?? "../mqlscore.js", here).href;
  const liteUrl = new URL(opt.liteEngine ?? "../lite/mqlscore.js", here).href;

  // ---- storage: every key starts with "mqlscore."; storage may be missing or throw ----------
  const area = (name) => {
    try { return window[name]; } catch { return null; }
  };
  const get = (key, name = "localStorage") => {
    try { return area(name)?.getItem(key) ?? null; } catch { return null; }
  };
  const put = (key, value, name = "localStorage") => {
    try { area(name)?.setItem(key, value); } catch { /* full or disabled: this page only */ }
  };
  /** Removes these keys (`name*`: every key starting with `name`), or with none given every mqlscore key. */
  const forget = (...keys) => {
    const gone = (key) => (keys.length ? keys.some((k) => (k.endsWith("*") ? key.startsWith(k.slice(0, -1)) : key === k)) : key.startsWith(KEY));
    for (const name of ["localStorage", "sessionStorage"]) {
      try {
        const store = area(name);
        for (const key of Object.keys(store ?? {})) if (gone(key)) store.removeItem(key);
      } catch { /* as above */ }
    }
  };

  // The visitor's word, kept so that it holds on the next page: "granted" or "denied" (a
  // refusal is remembered even where consent is not required). undefined: not asked yet.
  const said = get(CONSENT);
  let consent = said === "denied" ? false : said === "granted" || !required || undefined;
  let engine = null; // the scoring module, once loaded
  let siteModel = null;
  let model = null;
  let scorer = null;
  let last = null; // the latest light result
  let sales = false;
  let loading = null;
  let clock = 0; // ms added to the real clock (the debug overlay's time travel)
  let ctaMarked = false;
  let pending = []; // [event, epoch ms] made before the scorer was ready
  const notes = [];
  const listeners = [];
  let ready;
  const whenReady = new Promise((resolve) => (ready = resolve));

  // ---- personalisation: <html data-mql data-mql-grade data-mql-score>, [data-mql-cta] --------
  function paint(state) {
    sales = Boolean(state?.mql);
    for (const [name, value] of [["mql", state?.mql], ["mqlGrade", state?.grade], ["mqlScore", state?.score]]) {
      if (value === undefined) delete html.dataset[name];
      else html.dataset[name] = String(value);
    }
    personalize(document);
  }

  function personalize(root) {
    const found = root.querySelectorAll ? [...(root.matches?.(CTA) ? [root] : []), ...root.querySelectorAll(CTA)] : [];
    for (const el of found) {
      if (sales) {
        el.dataset.mqlOriginal ??= el.textContent;
        el.textContent = el.dataset.mqlCta || "Talk to sales";
        if (!ctaMarked) ctaMarked = Boolean(performance.mark("mqlscore:cta"));
      } else if (el.dataset.mqlOriginal !== undefined) {
        el.textContent = el.dataset.mqlOriginal;
        delete el.dataset.mqlOriginal;
      }
      el.classList.toggle("mql-sales", sales);
    }
  }

  // CTAs parsed or rendered later (the rest of the page, a single-page app's routes) are set as
  // they arrive: observers run before the browser paints.
  new MutationObserver((records) => {
    if (!sales) return;
    for (const r of records) for (const node of r.addedNodes) if (node.nodeType === 1) personalize(node);
  }).observe(html, { childList: true, subtree: true });

  // ---- scoring ----------------------------------------------------------------------------
  function light(r) {
    const { score, fit, engagement, grade, mql, becameMql, mqlSince, filteredBy, model: id, at } = r;
    return Object.freeze({ score, fit, engagement, grade, mql, becameMql, mqlSince, filteredBy, model: id, at });
  }

  function fire(name, detail) {
    document.dispatchEvent(new CustomEvent(name, { detail }));
  }

  function publish(result, event) {
    const now = light(result);
    const changed = !last || now.score !== last.score || now.grade !== last.grade || now.mql !== last.mql;
    last = now;
    for (const listen of listeners) listen(result, event);
    if (!changed) return;
    put(STATE, JSON.stringify({ mql: now.mql, grade: now.grade, score: now.score }));
    paint(now);
    fire("mqlscore:score", now);
    if (now.becameMql) fire("mqlscore:mql", now);
  }

  function record(event) {
    if (consent === false) return;
    if (scorer) ingest(event, Date.now());
    else if (pending.length < PENDING_LIMIT) pending.push([event, Date.now()]);
  }

  function ingest(event, at) {
    const full = { ...event, timestamp: new Date(at + scorer.clockOffsetMs).toISOString(), context: { userAgent: navigator.userAgent } };
    let result;
    try {
      result = scorer.ingest(full);
    } catch (err) {
      note(`${event.type}${event.event ? ` "${event.event}"` : ""} not scored: ${err.message}`);
      return;
    }
    put(SESSION, scorer.save());
    publish(result, full);
  }

  function note(text) {
    notes.push(text);
    console.warn(`mqlscore: ${text}`);
  }

  /** The saved session under the site's model, or a fresh one if there is none or it cannot be read. */
  function open() {
    const saved = get(SESSION);
    if (saved) {
      try {
        const restored = engine.Scorer.restore(model, saved);
        const { outcome, reason } = restored.restored;
        if (outcome !== "exact") note(`session ${outcome}: ${reason}`);
        return restored;
      } catch (err) {
        forget(SESSION, STATE);
        note(`the saved session could not be read (${err.message}), so a fresh session has started`);
      }
    }
    return new engine.Scorer(model);
  }

  /** Loads the scoring module and the site's model (once), then opens the session and scores what waited. */
  function start() {
    loading ??= (async () => {
      const param = new URLSearchParams(location.search).get("mqlscore-debug");
      if (param !== null) param === "0" || param === "off" ? forget(`${DEBUG}*`) : put(DEBUG, "1", "sessionStorage");
      const debug = "debug" in opt || get(DEBUG, "sessionStorage") === "1";
      const modelUrl = new URL(opt.model ?? "/mqlscore-model.json", location.href).href;
      const mqlc = /\.mqlc(?=[?#]|$)/;
      const compiled = mqlc.test(modelUrl);
      // The overlay shows and edits the model's document: the .json of the same name as a .mqlc.
      if (debug && compiled) hooks.document = fetch(modelUrl.replace(mqlc, ".json")).then((res) => res.json()).catch(() => null);
      // The module's .wasm (beside its glue) is fetched with the glue, not once the glue has
      // loaded: a round trip less before the first score.
      const glue = compiled ? liteUrl : engineUrl;
      const wasm = fetch(new URL("mqlscore_bg.wasm", glue));
      wasm.catch(() => {}); // a failure is reported where it is awaited, below
      const [module, read, overlay] = await Promise.all([
        import(glue).then(async (m) => (await m.default({ module_or_path: wasm }), m)),
        fetch(modelUrl).then((res) => {
          if (!res.ok) throw new Error(`the model ${modelUrl} answered HTTP ${res.status}`);
          return compiled ? res.arrayBuffer().then((b) => new Uint8Array(b)) : res.json();
        }),
        debug ? import(new URL(opt.debug || "mqlscore-debug.js", here).href) : null,
      ]);
      engine = module;
      siteModel = model = read;
      if (overlay) await overlay.attach(hooks);
      begin();
    })().catch((err) => console.error(`mqlscore: ${err.message}`));
  }

  function begin() {
    if (!engine || consent !== true || scorer) return;
    try {
      scorer = open();
    } catch (err) {
      console.error(`mqlscore: the site's model cannot score: ${err.message}`);
      return;
    }
    scorer.clockOffsetMs = clock;
    publish(scorer.result(), null);
    if (!performance.getEntriesByName("mqlscore:first-score").length) performance.mark("mqlscore:first-score");
    for (const [event, at] of pending.splice(0)) ingest(event, at);
    ready(last);
  }

  // ---- what the page does: page views (single-page apps too), clicks, forms -----------------
  let lastPage = location.pathname + location.search;
  let lastHref = location.href;
  let routeTimer = 0;

  function pageView(referrer) {
    record({ type: "page", properties: { path: location.pathname, url: location.href, search: location.search, title: document.title, referrer } });
  }

  /** A route change: one page view once the app has settled (its title set, redirects done). */
  function routed() {
    clearTimeout(routeTimer);
    routeTimer = setTimeout(settle, 50);
  }

  function settle() {
    routeTimer = 0;
    const key = location.pathname + location.search;
    if (key === lastPage) return;
    const referrer = lastHref;
    lastPage = key;
    lastHref = location.href;
    pageView(referrer);
  }

  for (const name of ["pushState", "replaceState"]) {
    const original = history[name];
    history[name] = function (...args) {
      const out = original.apply(this, args);
      routed();
      return out;
    };
  }
  addEventListener("popstate", routed);
  addEventListener("pagehide", () => routeTimer && (clearTimeout(routeTimer), settle()));

  document.addEventListener("click", (e) => {
    const el = e.target.closest?.("[data-mql-track]");
    if (el && el.tagName !== "FORM") api.track(el.dataset.mqlTrack, { label: el.textContent.trim().slice(0, 100), page: location.pathname });
  }, true);

  document.addEventListener("submit", (e) => {
    const form = e.target;
    if (form.matches("[data-mql-identify]")) api.identify(traitsOf(form));
    if (form.dataset.mqlTrack) api.track(form.dataset.mqlTrack, { page: location.pathname });
  }, true);

  /** A form's fields as traits (`company.employees` nests; whole numbers become numbers; no passwords or files). */
  function traitsOf(form) {
    const traits = {};
    for (const el of form.elements) {
      if (!el.name || el.disabled || typeof el.value !== "string" || /^(password|file|submit|button|reset|image)$/.test(el.type)) continue;
      if (/^(checkbox|radio)$/.test(el.type) && !el.checked) continue;
      const value = el.value.trim();
      if (!value) continue;
      const keys = el.name.split(".");
      let node = traits;
      for (const k of keys.slice(0, -1)) node = node[k] = typeof node[k] === "object" ? node[k] : {};
      node[keys.at(-1)] = /^\d{1,15}$/.test(value) ? Number(value) : value;
    }
    return traits;
  }

  // ---- the site's API: window.mqlscore, with calls queued before this file loaded ----------
  const api = {
    page(properties = {}) {
      clearTimeout(routeTimer);
      routeTimer = 0;
      lastPage = location.pathname + location.search;
      const referrer = lastHref;
      lastHref = location.href;
      record({ type: "page", properties: { path: location.pathname, url: location.href, title: document.title, referrer, ...properties } });
    },
    track(event, properties = {}) {
      record({ type: "track", event: String(event), properties });
    },
    identify(traits) {
      record({ type: "identify", traits });
    },
    group(traits) {
      record({ type: "group", traits });
    },
    /** The latest light result (score, fit, engagement, grade, mql, ...), or null before the first score. */
    result() {
      return last;
    },
    /** Consent given (scoring and storage start) or withdrawn (what was stored is erased). */
    consent(granted) {
      if (granted) {
        if (consent === true) return;
        consent = true;
        // Where consent is not required, giving it only lifts an earlier refusal.
        if (required) put(CONSENT, "granted");
        else forget(CONSENT);
        start();
        begin();
      } else {
        consent = false;
        pending = [];
        forget();
        put(CONSENT, "denied");
        scorer?.free();
        scorer = null;
        last = null;
        paint(null);
        fire("mqlscore:score", null);
      }
    },
    /** Calls as an analytics queue takes them: ["track", "Demo Requested"] now or later, or a function run once scored. */
    push(...calls) {
      for (const call of calls) {
        if (typeof call === "function") whenReady.then(() => call(api));
        else if (Array.isArray(call) && typeof api[call[0]] === "function" && call[0] !== "push") api[call[0]](...call.slice(1));
        else note(`mqlscore.push: ${JSON.stringify(call)} is not a call this API knows`);
      }
    },
    ready: whenReady,
  };

  /** What the debug overlay (mqlscore-debug.js) reads and drives; nothing else sees it. */
  const hooks = {
    get engine() { return engine; },
    /** The full module, once the overlay has loaded it for a model document. */
    set engine(module) { engine = module; },
    engineUrl,
    get siteModel() { return siteModel; },
    /** The document beside a compiled site model, a promise (of null if it could not be fetched or read). */
    document: null,
    get model() { return model; },
    /** A model to try before the session opens (the overlay's edit, kept for this tab). */
    set model(next) { model = next; },
    get clock() { return clock; },
    set clock(ms) {
      clock = ms;
      if (scorer) scorer.clockOffsetMs = ms;
    },
    get scorer() { return scorer; },
    notes,
    record,
    traitsOf,
    listen: (f) => listeners.push(f),
    /** Runs `next` (a model and its session) from now on. */
    use(nextModel, nextScorer) {
      if (scorer !== nextScorer) scorer?.free();
      model = nextModel;
      scorer = nextScorer;
      scorer.clockOffsetMs = clock;
      put(SESSION, scorer.save());
      publish(scorer.result(), null);
    },
    /** Forgets the visitor: the stored session and state, and the session in memory. */
    reset() {
      forget(SESSION, STATE);
      last = null;
      hooks.use(model, new engine.Scorer(model));
    },
    refresh: () => publish(scorer.result(), null),
  };

  const queued = Array.isArray(window.mqlscore) ? window.mqlscore : [];
  window.mqlscore = api;

  // ---- now: the stored state on <html> and the CTAs, the page view, consent, the queue -------
  if (consent) {
    try { paint(JSON.parse(get(STATE) ?? "null")); } catch { forget(STATE); }
    forget(`${KEY}log`, `${KEY}clock`, `${KEY}model`); // what earlier versions kept: an event log, a clock, a model
  }
  pageView(document.referrer);
  if (required && !followCmp()) document.addEventListener("DOMContentLoaded", followCmp, { once: true });
  // The module starts loading once the document is parsed: it then competes with neither the
  // parser nor the first paint (bench/embed.mjs, demo first visit: first paint 144-156 -> 132-144 ms,
  // first score no later).
  if (consent) document.readyState === "loading" ? document.addEventListener("DOMContentLoaded", start, { once: true }) : start();
  api.push(...queued);

  /** The IAB TCF consent manager's signal, where the page has one (`__tcfapi`). */
  function followCmp() {
    if (typeof window.__tcfapi !== "function") return false;
    const purposes = (opt.consentPurposes ?? "1,5,6").split(",").map(Number);
    window.__tcfapi("addEventListener", 2, (tc, ok) => {
      if (!ok || !tc || !["tcloaded", "useractioncomplete"].includes(tc.eventStatus)) return;
      api.consent(tc.gdprApplies === false || purposes.every((p) => tc.purpose?.consents?.[p] || tc.publisher?.consents?.[p]));
    });
    return true;
  }
})();
