// Signed session tokens, exhaustively, in-process (Node's WebCrypto is the same API workerd has).
import { test } from "node:test";
import assert from "node:assert/strict";
import { newVisitorId, parseKeys, sign, verify } from "../token.js";

const keys = parseKeys("k2:new-secret-abcdef0123456789abcdef0123,k1:old-secret-0123456789abcdef0123456789");
const now = 1_800_000_000;
const saved = "AQpiMmItc2Fhc0AxAZWmpdgGAAAN8FIAAQCT2hgzAADGDwABAJPa_80AAQCT2isbAACVlwAASWIAAGu5AADz8gAA";

test("a signed token verifies, with its visitor and session", async () => {
  const visitor = newVisitorId();
  const token = await sign(keys, visitor, saved, now + 60, { views: 3, handedOff: false });
  assert.match(token, /^v2\.k2\.[A-Za-z0-9_-]{22}\.[0-9a-z]+\.3\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
  assert.deepEqual(await verify(keys, token, now), { status: "valid", visitor, saved, keyId: "k2", views: 3, proven: false, handedOff: false, handedOffAt: 0 });
  const handed = await sign(keys, visitor, saved, now + 60, { views: 40, handedOff: true });
  assert.match(handed, /^v2\.k2\.[^.]+\.[^.]+\.14-h\./);
  assert.deepEqual(await verify(keys, handed, now), { status: "valid", visitor, saved, keyId: "k2", views: 40, proven: false, handedOff: true, handedOffAt: 0 }, "a cookie from before handoff times");
  // A visitor whose page proved a real browser (edge/proof.js), then handed off.
  const proven = await sign(keys, visitor, saved, now + 60, { views: 5, proven: true, handedOff: true });
  assert.match(proven, /^v2\.k2\.[^.]+\.[^.]+\.5-p-h\./);
  assert.deepEqual(await verify(keys, proven, now), { status: "valid", visitor, saved, keyId: "k2", views: 5, proven: true, handedOff: true, handedOffAt: 0 });
  // Handed off at a time (whole seconds): when a recycled lead may be asked about again.
  const at = await sign(keys, visitor, saved, now + 60, { views: 7, proven: true, handedOff: true, handedOffAt: 1_795_000_000_999 });
  assert.match(at, /^v2\.k2\.[^.]+\.[^.]+\.7-p-h[0-9a-z]+\./);
  assert.equal((await verify(keys, at, now)).handedOffAt, 1_795_000_000_000);
});

test("a token of the earlier v1 layout still verifies, with no page views counted", async () => {
  const { createHmac } = await import("node:crypto");
  const visitor = newVisitorId();
  const body = `v1.k2.${visitor}.${(now + 60).toString(36)}.${saved}`;
  const mac = createHmac("sha256", keys[0].secret).update(body).digest("base64url");
  assert.deepEqual(await verify(keys, `${body}.${mac}`, now), { status: "valid", visitor, saved, keyId: "k2", views: 0, proven: false, handedOff: false, handedOffAt: 0 });
  assert.equal((await verify(keys, `${body}.${mac.slice(1)}A`, now)).status, "bad-signature");
});

test("the page-view count and the handoff flag are signed: changing either is rejected", async () => {
  const token = await sign(keys, newVisitorId(), saved, now + 60, { views: 1, handedOff: false });
  for (const state of ["2", "1-h", "1-h0", "zz", "0"]) {
    const forged = token.replace(/^(v2\.k2\.[^.]+\.[^.]+)\.1\./, `$1.${state}.`);
    assert.equal((await verify(keys, forged, now)).status, "bad-signature", state);
  }
  for (const state of ["", "-h", "1-x", "12345", "A"]) {
    const bad = token.replace(/^(v2\.k2\.[^.]+\.[^.]+)\.1\./, `$1.${state}.`);
    assert.equal((await verify(keys, bad, now)).status, "malformed", JSON.stringify(state));
  }
});

test("every single-character change and every truncation is rejected", async () => {
  const token = await sign(keys, newVisitorId(), saved, now + 60);
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=~ ";
  const seen = {};
  let tried = 0;
  for (let i = 0; i < token.length; i++) {
    for (const c of alphabet) {
      if (c === token[i]) continue;
      const { status } = await verify(keys, token.slice(0, i) + c + token.slice(i + 1), now);
      assert.notEqual(status, "valid", `position ${i} changed to ${c}`);
      seen[status] = (seen[status] ?? 0) + 1;
      tried++;
    }
  }
  for (let n = 0; n < token.length; n++) {
    assert.notEqual((await verify(keys, token.slice(0, n), now)).status, "valid", `truncated to ${n}`);
  }
  assert.equal(tried, token.length * (alphabet.length - 1));
  assert.ok(seen["bad-signature"] > 0 && seen.malformed > 0 && seen["unknown-key"] > 0, JSON.stringify(seen));
});

test("a token re-signed with the wrong key, or expired, is rejected", async () => {
  const visitor = newVisitorId();
  const forged = await sign(parseKeys("k2:attacker-guess-0123456789abcdef012345"), visitor, saved, now + 60);
  assert.equal((await verify(keys, forged, now)).status, "bad-signature");
  const stale = await sign(keys, visitor, saved, now - 1);
  assert.equal((await verify(keys, stale, now)).status, "expired");
  assert.equal((await verify(keys, null, now)).status, "missing");
});

test("keys rotate: the old key still verifies, an unknown one does not", async () => {
  const [, old] = keys;
  const byOld = await sign([old], newVisitorId(), saved, now + 60);
  assert.equal((await verify(keys, byOld, now)).keyId, "k1");
  assert.equal((await verify([keys[0]], byOld, now)).status, "unknown-key");
});

test("key lists are checked", () => {
  assert.throws(() => parseKeys(""), /at least one key is required/);
  assert.throws(() => parseKeys("k1:short"), /the secret of key "k1" must be at least 32 characters/);
  assert.throws(() => parseKeys("bad id!:0123456789abcdef0123456789abcdef"), /entry 1 must be "id:secret"/);
  assert.throws(() => parseKeys("k1:0123456789abcdef0123456789abcdef,k1:abcdef0123456789abcdef0123456789"), /key id "k1" is listed twice/);
});

test("a key list error never quotes the secret it could not read", () => {
  const secret = "no-id-here-0123456789abcdef0123456789abcdef";
  for (const text of [secret, `k1:0123456789abcdef0123456789abcdef,${secret}`, `:${secret}`, `bad id!:${secret}`]) {
    let message = "";
    try {
      parseKeys(text);
    } catch (err) {
      message = err.message;
    }
    assert.match(message, /^COOKIE_KEYS: entry [12] must be "id:secret"/);
    for (let cut = 0; cut < 8; cut++) assert.ok(!message.includes(secret.slice(cut, cut + 24)), message);
  }
});

test("a valid token from another model or version is reset or migrated, never read as this model's", async () => {
  const { createRequire } = await import("node:module");
  const { readFileSync } = await import("node:fs");
  const require = createRequire(import.meta.url);
  const { Scorer } = require("../../pkg/nodejs/mqlscore.js");
  const model = (name) => JSON.parse(readFileSync(new URL(`../../models/${name}.json`, import.meta.url), "utf8"));
  const b2b = model("b2b-saas");
  const minimal = model("minimal");
  const visitor = newVisitorId();
  const other = new Scorer(minimal);
  for (let i = 0; i < 5; i++) other.page("/pricing");
  const foreign = await sign(keys, visitor, other.save(), now + 60);
  const checked = await verify(keys, foreign, now);
  assert.equal(checked.status, "valid", "the signature is fine: it is our token");
  const scorer = new Scorer(b2b);
  const note = scorer.load(checked.saved);
  assert.equal(note.outcome, "reset");
  assert.match(note.reason, /saved under model minimal@1, not b2b-saas@1/);
  assert.equal(scorer.result().score, 0, "nothing of the other model's session is carried over");
  const old = new Scorer({ ...b2b, version: 0 });
  old.page("/pricing");
  const migrated = new Scorer(b2b).load(old.save());
  assert.equal(migrated.outcome, "migrated");
});
