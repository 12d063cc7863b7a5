// Signed session cookies: `v2.<keyId>.<visitorId>.<expires>.<visit>.<saved>.<signature>`.
// The signature is HMAC-SHA256 over everything before it, under the key named by keyId, so keys
// rotate: the first key signs, every listed key verifies. The engine's saved session is URL-safe
// base64 already; nothing in the token is trusted until the signature checks out.
// `<visit>` is what the worker itself knows of the visit, beside the engine's session: the number
// of scored page views (base 36), `-p` once the visitor's page proved a real browser (edge/proof.js)
// and `-h` once the lead was handed off. Events posted to the
// worker never raise the page-view count, so a session made of posted events alone cannot pass
// the minimum of page views that qualifying requires. Tokens of the earlier `v1` layout (no
// `<visit>`) still verify, with no page views counted.

const encoder = new TextEncoder();
const keyCache = new Map();

/**
 * Parses `"k2:secret-two,k1:secret-one"` (the first signs) into `[{ id, secret }]`. Errors name
 * an entry by its position and key id, never by its text: a malformed entry may be all secret.
 */
export function parseKeys(text) {
  const entries = String(text ?? "")
    .split(",")
    .map((pair) => pair.trim())
    .filter(Boolean);
  const keys = entries.map((pair, n) => {
    const i = pair.indexOf(":");
    const id = i < 0 ? "" : pair.slice(0, i);
    if (!/^[A-Za-z0-9_-]{1,16}$/.test(id)) {
      throw new Error(`COOKIE_KEYS: entry ${n + 1} must be "id:secret" with an id of 1-16 letters, digits, - or _`);
    }
    return { id, secret: pair.slice(i + 1) };
  });
  const ids = new Set();
  for (const k of keys) {
    if (ids.has(k.id)) throw new Error(`COOKIE_KEYS: key id "${k.id}" is listed twice`);
    ids.add(k.id);
    if (k.secret.length < 32) throw new Error(`COOKIE_KEYS: the secret of key "${k.id}" must be at least 32 characters`);
  }
  if (keys.length === 0) throw new Error("COOKIE_KEYS: at least one key is required (\"id:secret\", comma-separated, the first signs)");
  return keys;
}

async function hmacKey(secret) {
  let key = keyCache.get(secret);
  if (!key) {
    key = crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
    keyCache.set(secret, key);
  }
  return key;
}

function base64url(bytes) {
  let s = "";
  for (const b of new Uint8Array(bytes)) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function unbase64url(text) {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null;
  const s = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

/** A new random visitor id (128 bits). */
export function newVisitorId() {
  return base64url(crypto.getRandomValues(new Uint8Array(16)));
}

const MAX_VIEWS = 36 ** 4 - 1;

/**
 * Signs a session: returns the cookie value. `visit` is `{ views, proven, handedOff, handedOffAt }`
 * (page views scored by the worker, whether a proof of a real browser was given, whether the
 * lead was handed off, and when, in epoch ms); `expires` is in epoch seconds.
 */
export async function sign(keys, visitor, saved, expires, visit = { views: 0, proven: false, handedOff: false }) {
  const { id, secret } = keys[0];
  const views = Math.min(Math.max(0, Math.floor(visit.views)), MAX_VIEWS);
  // "-h" and when (epoch seconds, base 36): handed off then, or last asked whether it may be again.
  const handed = visit.handedOff ? `-h${visit.handedOffAt ? Math.floor(visit.handedOffAt / 1000).toString(36) : ""}` : "";
  const state = `${views.toString(36)}${visit.proven ? "-p" : ""}${handed}`;
  const body = `v2.${id}.${visitor}.${expires.toString(36)}.${state}.${saved}`;
  const mac = await crypto.subtle.sign("HMAC", await hmacKey(secret), encoder.encode(body));
  return `${body}.${base64url(mac)}`;
}

/**
 * Verifies a cookie value. Returns `{ status: "valid", visitor, saved, keyId, views, proven, handedOff, handedOffAt }`,
 * or `{ status }` with `missing`, `malformed`, `unknown-key`, `bad-signature` or `expired`.
 */
export async function verify(keys, token, nowSeconds) {
  if (!token) return { status: "missing" };
  const parts = token.split(".");
  let keyId, visitor, exp, state, saved, sig;
  if (parts.length === 7 && parts[0] === "v2") [, keyId, visitor, exp, state, saved, sig] = parts;
  else if (parts.length === 6 && parts[0] === "v1") [, keyId, visitor, exp, saved, sig] = parts;
  else return { status: "malformed" };
  const visit = state === undefined ? ["", "0", "", "", ""] : /^([0-9a-z]{1,4})(-p)?(-h([0-9a-z]{1,8})?)?$/.exec(state);
  if (!visit || !/^[A-Za-z0-9_-]{22}$/.test(visitor) || !/^[0-9a-z]{1,10}$/.test(exp) || !/^[A-Za-z0-9_-]+$/.test(saved)) {
    return { status: "malformed" };
  }
  const key = keys.find((k) => k.id === keyId);
  if (!key) return { status: "unknown-key" };
  const mac = unbase64url(sig);
  if (!mac || mac.length !== 32 || base64url(mac) !== sig) return { status: "malformed" };
  const body = token.slice(0, token.length - sig.length - 1);
  const ok = await crypto.subtle.verify("HMAC", await hmacKey(key.secret), mac, encoder.encode(body));
  if (!ok) return { status: "bad-signature" };
  if (parseInt(exp, 36) < nowSeconds) return { status: "expired" };
  // A cookie from before handoff times says only "handed off": its time reads as 0 (long ago).
  const handedOffAt = visit[4] ? parseInt(visit[4], 36) * 1000 : 0;
  return { status: "valid", visitor, saved, keyId, views: parseInt(visit[1], 36), proven: Boolean(visit[2]), handedOff: Boolean(visit[3]), handedOffAt };
}
