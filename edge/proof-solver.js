// The page's proof-of-work solver, run as a Web Worker so that the page never janks; bundled with
// altcha-lib into edge/pkg/proof-solver.js by scripts/build-edge.sh and served at
// /__mql/proof-solver.js. Receives a challenge, answers `{ solution, ms }`.
import { solveChallenge } from "altcha-lib";
import { deriveKey } from "altcha-lib/algorithms/web/pbkdf2";

self.onmessage = async (event) => {
  const started = performance.now();
  const solution = await solveChallenge({ challenge: event.data, deriveKey, timeout: 120_000 });
  self.postMessage({ solution, ms: performance.now() - started });
};
