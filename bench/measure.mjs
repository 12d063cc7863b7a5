// Measurements shared by Node (bench/run.mjs) and Chromium (bench/browser.html): the wasm package
// and the JavaScript reference on the same sessions. Uses only what both platforms have.
import { LeanModel, LeanScorer } from "./lean-scorer.mjs";
import { ReferenceModel, ReferenceScorer } from "./reference-scorer.mjs";
import { NOW } from "./streams.mjs";

const clock = () => performance.now();

/** Runs `fn` once to warm up, then `rounds` times; returns the best (least disturbed) ms. */
function best(fn, rounds = 3) {
  fn();
  let min = Infinity;
  for (let i = 0; i < rounds; i++) {
    const t0 = clock();
    fn();
    min = Math.min(min, clock() - t0);
  }
  return min;
}

/**
 * Times the wasm package (`api`: Scorer, scoreEvents) and the reference on `sessions`.
 * Returns ns per event (or per operation) for each path.
 */
export function measure(api, model, sessions, { rounds = 2, memory } = {}) {
  const events = sessions.reduce((n, s) => n + s.length, 0);
  const scorer = new api.Scorer(model);
  const reference = new ReferenceScorer(new ReferenceModel(model));
  const perEvent = (ms) => (ms * 1e6) / events;
  const memoryBefore = memory?.buffer.byteLength;

  const wasmSingle = best(() => {
    for (const session of sessions) {
      scorer.reset();
      for (const e of session) scorer.ingest(e, NOW);
    }
  }, rounds);
  const wasmExplained = best(() => {
    for (const session of sessions) {
      scorer.reset();
      for (const e of session) scorer.ingest(e, NOW).reasons;
    }
  }, rounds);
  const wasmBatch = best(() => {
    for (const session of sessions) {
      scorer.reset();
      scorer.ingestBatch(session, NOW);
    }
  }, rounds);
  // The same sessions as JSON Lines text (a log replay, a request body), read in Rust.
  const texts = sessions.map((session) => session.map((e) => JSON.stringify(e)).join("\n"));
  const linesBytes = texts.reduce((n, t) => n + new TextEncoder().encode(t).length + 1, 0);
  const wasmLines = best(() => {
    for (const text of texts) {
      scorer.reset();
      scorer.ingestBatch(text, NOW);
    }
  }, rounds);
  const wasmScoreEvents = best(() => {
    for (const session of sessions) api.scoreEvents(model, session, NOW);
  }, rounds);
  const jsSingle = best(() => {
    for (const session of sessions) {
      reference.reset();
      for (const e of session) reference.ingest(e, NOW);
    }
  }, rounds);
  const lean = new LeanScorer(new LeanModel(model));
  const jsLean = best(() => {
    for (const session of sessions) {
      lean.reset();
      for (const e of session) lean.ingest(e, NOW);
    }
  }, rounds);

  // A visitor's session: compiled from the model each time, or made from a compiled Model.
  const n = Math.min(sessions.length, 5_000);
  const newScorer = best(() => {
    for (let i = 0; i < n; i++) new api.Scorer(model).free();
  }, rounds);
  let sessionFromModel = null;
  if (api.Model) {
    const compiled = new api.Model(model);
    sessionFromModel = (best(() => {
      for (let i = 0; i < n; i++) compiled.session().free();
    }, rounds) * 1e6) / n;
    compiled.free();
  }

  const saved = [];
  for (const session of sessions.slice(0, 10_000)) {
    scorer.reset();
    scorer.ingestBatch(session, NOW);
    saved.push(scorer.save());
  }
  const saveRestore = best(() => {
    for (const s of saved) {
      scorer.load(s);
      scorer.save();
    }
  }, rounds);

  return {
    events,
    visitors: sessions.length,
    wasmIngestNs: perEvent(wasmSingle),
    wasmExplainedNs: perEvent(wasmExplained),
    wasmBatchNs: perEvent(wasmBatch),
    wasmLinesNs: perEvent(wasmLines),
    wasmLinesMBps: linesBytes / (wasmLines * 1e3),
    wasmScoreEventsNs: perEvent(wasmScoreEvents),
    jsIngestNs: perEvent(jsSingle),
    jsLeanIngestNs: perEvent(jsLean),
    newScorerNs: (newScorer * 1e6) / n,
    sessionFromModelNs: sessionFromModel,
    saveRestoreNs: (saveRestore * 1e6) / saved.length,
    memoryGrowthBytes: memory ? memory.buffer.byteLength - memoryBefore : null,
  };
}

/**
 * Compares every session, wasm against the reference (the final result, reasons included) and
 * against the lean scorer (each event's score, grade and flags).
 */
export function compare(api, model, sessions) {
  const scorer = new api.Scorer(model);
  const reference = new ReferenceScorer(new ReferenceModel(model));
  const lean = new LeanScorer(new LeanModel(model));
  const light = (r) => JSON.stringify([r.score, r.fit, r.engagement, r.grade, r.mql, r.becameMql]);
  let leanMismatches = 0;
  const key = (r) => JSON.stringify([r.score, r.fit, r.engagement, r.grade, r.mql, r.mqlSince, r.disqualifier?.id ?? null,
    r.reasons.map((x) => [x.rule, x.points, x.count, x.times, x.sentence])]);
  let mismatches = 0;
  let first = null;
  let mqls = 0;
  let scoreSum = 0;
  for (const session of sessions) {
    scorer.reset();
    reference.reset();
    lean.reset();
    for (const e of session) {
      const w = scorer.ingest(e, NOW);
      reference.ingest(e, NOW);
      if (light(w) !== light(lean.ingest(e, NOW))) leanMismatches++;
    }
    const a = scorer.result(NOW);
    const b = reference.result(NOW);
    if (key(a) !== key(b)) {
      mismatches++;
      first ??= { wasm: key(a), reference: key(b) };
    }
    mqls += a.mql ? 1 : 0;
    scoreSum += a.score;
  }
  return { sessions: sessions.length, mismatches, leanMismatches, first, mqls, scoreSum: Math.round(scoreSum * 100) / 100 };
}
