// What the worker takes of altcha-lib (bundled into edge/pkg/altcha.js by scripts/build-edge.sh).
export { createChallenge, randomInt, verifySolution } from "altcha-lib";
export { deriveKey } from "altcha-lib/algorithms/web/pbkdf2";
