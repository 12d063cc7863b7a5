// A lead needs a real browser: before a visitor can be handed to sales, their page solves an
// ALTCHA proof-of-work challenge (the `altcha-lib` npm package, pinned in tools/package.json and
// bundled into edge/pkg/altcha.js at build), and the worker verifies it without leaving the edge.
// PBKDF2/SHA-256: each attempt is one WebCrypto call, native in the browser as in a script, so a
// visitor's page pays about what a scripted client pays per fake lead. A challenge is bound to
// one visitor (its id is in the signed data) and expires; it is signed with a key derived from
// the cookie key, so rotating COOKIE_KEYS rotates it too.

import { createChallenge, deriveKey, randomInt, verifySolution } from "./pkg/altcha.js";

const ALGORITHM = "PBKDF2/SHA-256";
const LIFETIME_S = 600;

/** The two HMAC secrets of a cookie key (distinct from the cookie's own use of it). */
function secrets(key) {
  return { hmacSignatureSecret: `${key.secret}:mql-proof-challenge`, hmacKeySignatureSecret: `${key.secret}:mql-proof-key` };
}

/** A challenge for `visitor`, signed with the first cookie key. */
export function challengeFor(visitor, settings, nowMs) {
  return createChallenge({
    algorithm: ALGORITHM,
    cost: settings.proofCost,
    counter: randomInt(Math.ceil(settings.proofAttempts / 2), settings.proofAttempts),
    deriveKey,
    expiresAt: Math.floor(nowMs / 1000) + LIFETIME_S,
    data: { visitor },
    ...secrets(settings.keys[0]),
  });
}

/**
 * Verifies a proof `{ challenge, solution }` for `visitor`: null when it holds, else what is
 * wrong with it (for an error naming the field).
 */
export async function proofProblem(proof, visitor, settings) {
  if (typeof proof !== "object" || proof === null || typeof proof.challenge !== "object" || typeof proof.solution !== "object") {
    return "must be { challenge, solution } from GET /__mql/challenge and its solver";
  }
  if (proof.challenge?.parameters?.data?.visitor !== visitor) return "was made for another visitor";
  if (proof.challenge.parameters.algorithm !== ALGORITHM) return `must use ${ALGORITHM}`;
  for (const key of settings.keys) {
    let result;
    try {
      result = await verifySolution({ challenge: proof.challenge, solution: proof.solution, deriveKey, ...secrets(key) });
    } catch (err) {
      return `does not verify (${err.message})`;
    }
    if (result.expired) return "has expired: ask GET /__mql/challenge for a new one";
    if (result.verified) return null;
    if (result.invalidSignature === false) return "the solution is wrong";
  }
  return "is not signed by this site";
}
