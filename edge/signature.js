// Signed deliveries, as the Standard Webhooks specification defines them
// (https://www.standardwebhooks.com): every POST to the CRM carries `webhook-id` (the delivery's
// id, the same on every retry, for deduplication), `webhook-timestamp` (seconds) and
// `webhook-signature`: "v1," + base64 of HMAC-SHA256(secret, `${id}.${timestamp}.${body}`),
// one per secret, space-separated, so that a secret can be rotated without downtime (sign with
// the new and the old, move the CRM to the new one, then drop the old).

const PREFIX = "whsec_";

/**
 * The secrets of WEBHOOK_SECRETS ("whsec_<base64>", comma-separated, 24 to 64 bytes each, as
 * the specification recommends) as bytes, and what is wrong with them, each named by position
 * (a secret is never repeated in a message).
 */
export function parseSecrets(text) {
  const secrets = [];
  const problems = [];
  String(text ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .forEach((s, i) => {
      const bytes = s.startsWith(PREFIX) ? fromBase64(s.slice(PREFIX.length)) : null;
      if (bytes === null) problems.push(`WEBHOOK_SECRETS: secret ${i + 1} must be "whsec_" and base64`);
      else if (bytes.length < 24 || bytes.length > 64) problems.push(`WEBHOOK_SECRETS: secret ${i + 1} must be 24 to 64 bytes (it is ${bytes.length})`);
      else secrets.push(bytes);
    });
  return { secrets, problems };
}

function fromBase64(text) {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) || text.length % 4 !== 0) return null;
  const raw = atob(text);
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

function toBase64(bytes) {
  let raw = "";
  for (const b of new Uint8Array(bytes)) raw += String.fromCharCode(b);
  return btoa(raw);
}

/** Signs deliveries with every secret; the keys are imported once. */
export class Signer {
  constructor(secrets) {
    this.keys = Promise.all(
      secrets.map((s) => crypto.subtle.importKey("raw", s, { name: "HMAC", hash: "SHA-256" }, false, ["sign"])),
    );
  }

  /** The three headers of one delivery attempt of `body` under `id`, stamped `nowMs`. */
  async headers(id, body, nowMs) {
    const timestamp = String(Math.floor(nowMs / 1000));
    const content = new TextEncoder().encode(`${id}.${timestamp}.${body}`);
    const signatures = await Promise.all((await this.keys).map((k) => crypto.subtle.sign("HMAC", k, content)));
    return {
      "webhook-id": id,
      "webhook-timestamp": timestamp,
      "webhook-signature": signatures.map((s) => `v1,${toBase64(s)}`).join(" "),
    };
  }
}
