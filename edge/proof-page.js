// The page's side of the proof that a lead came from a real browser, served at /__mql/proof.js:
// `<script type="module" src="/__mql/proof.js"></script>` starts solving at once, in a Web Worker
// (/__mql/proof-solver.js), while the visitor reads; `mqlProof()` resolves to the proof to send
// with the events that identify the visitor:
//   fetch("/__mql/events", { method: "POST", headers: { "content-type": "application/json" },
//     body: JSON.stringify({ events: [identify], proof: await mqlProof() }) })
// A proof is asked for once per visitor: the worker remembers it in the session cookie.
let pending = null;

function solve() {
  return new Promise((resolve, reject) => {
    fetch("/__mql/challenge", { credentials: "same-origin" })
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`GET /__mql/challenge: ${r.status}`))))
      .then((challenge) => {
        const worker = new Worker("/__mql/proof-solver.js", { type: "module" });
        worker.onmessage = (e) => {
          worker.terminate();
          if (!e.data.solution) reject(new Error("the proof was not found in time"));
          else resolve({ challenge, solution: e.data.solution, ms: e.data.ms });
        };
        worker.onerror = (e) => {
          worker.terminate();
          reject(new Error(e.message));
        };
        worker.postMessage(challenge);
      }, reject);
  });
}

/** The proof for this visitor (solved once; solving again after a failure). */
globalThis.mqlProof = () => {
  pending ??= solve().catch((err) => {
    pending = null;
    throw err;
  });
  return pending;
};
globalThis.mqlProof().catch(() => {});
