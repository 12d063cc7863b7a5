// Real parts for the edge tests: workerd running edge/config.capnp, a loopback origin and a
// loopback CRM webhook sink, all on 127.0.0.1.
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { createServer as createNetServer } from "node:net";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const root = fileURLToPath(new URL("../..", import.meta.url));
/** Every line any worker of this test process wrote, for the check that no secret is logged. */
export const workerLog = [];
export const KEY_OLD = "k1:old-secret-0123456789abcdef0123456789";
export const KEY_NEW = "k2:new-secret-abcdef0123456789abcdef0123";
export const ADMIN_TOKEN = "admin-token-0123456789abcdefghijklmnop";
/** The secrets the worker signs deliveries with (Standard Webhooks: "whsec_" and base64). */
export const WEBHOOK_SECRET = `whsec_${Buffer.from("crm-signing-secret-0123456789abcdef").toString("base64")}`;
export const WEBHOOK_SECRET_NEXT = `whsec_${Buffer.from("crm-signing-secret-next-9876543210fedcba").toString("base64")}`;
// The CRM's side: the reference verifier of the specification, from npm.
const { Webhook } = createRequire(import.meta.url)("../../tools/node_modules/standardwebhooks");
// The page's side of the proof of work: altcha-lib's own solver (the browser's runs the same
// code in a Web Worker; edge/tests/proof.test.mjs runs that one in Chromium).
const { solveChallenge } = await import("../../tools/node_modules/altcha-lib/dist/esm/v2/index.js");
const { deriveKey: pbkdf2 } = await import("../../tools/node_modules/altcha-lib/dist/esm/v2/algorithms/web/pbkdf2.js");
/**
 * Proof-of-work settings for tests that are not about it: real challenges, solved and verified
 * as in production, but cheap (edge/tests/proof.test.mjs uses the defaults).
 */
export const CHEAP_PROOF = { proofCost: 2, proofAttempts: 4 };

function listen(server) {
  return new Promise((ok) => server.listen(0, "127.0.0.1", () => ok(`http://127.0.0.1:${server.address().port}`)));
}

/** An origin that answers every request with what it received: path and lead headers. */
export async function startOrigin() {
  const received = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const seen = {
        method: req.method,
        path: req.url,
        score: req.headers["x-lead-score"],
        grade: req.headers["x-lead-grade"],
        mql: req.headers["x-mql"],
        status: req.headers["x-lead-status"],
        accountScore: req.headers["x-account-score"],
        accountQualified: req.headers["x-account-qualified"],
        model: req.headers["x-lead-model"],
        visitor: req.headers["x-lead-visitor"],
        ignored: req.headers["x-mql-ignored"],
        body,
      };
      received.push(seen);
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end(`<!doctype html><title>origin</title><pre>${JSON.stringify(seen)}</pre>`);
    });
  });
  return { url: await listen(server), received, close: () => server.close() };
}

/**
 * A CRM webhook as the docs tell one to be written: it verifies each delivery's Standard
 * Webhooks signature with `secret` (401 when it fails: counted in `forged`), deduplicates by
 * `webhook-id` and records every attempt. `failNext(n)` makes the next n attempts answer 503;
 * `behave(fn)` decides each answer: fn({ key }) returns `{ status }` to answer that,
 * `{ storedThen }` to store the lead and answer that status anyway, `{ delayMs }` to store and
 * answer late, "drop" to close the connection unanswered, or null
 * for the usual.
 */
export async function startSink({ secret = WEBHOOK_SECRET } = {}) {
  const attempts = [];
  const delivered = new Map();
  const forged = [];
  const verifier = new Webhook(secret);
  let failures = 0;
  let behaviour = () => null;
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", async () => {
      const key = req.headers["webhook-id"];
      attempts.push({ key, attempt: Number(req.headers["x-mql-attempt"]), at: Date.now(), headers: req.headers, body });
      try {
        verifier.verify(body, req.headers);
      } catch (err) {
        forged.push({ key, why: err.message });
        res.writeHead(401).end("bad signature");
        return;
      }
      if (failures > 0) {
        failures--;
        res.writeHead(503).end("try later");
        return;
      }
      const how = behaviour({ key, body });
      if (how === "drop") {
        req.socket.destroy();
        return;
      }
      if (how?.status) {
        res.writeHead(how.status, how.headers ?? {}).end("no");
        return;
      }
      if (how?.delayMs) await new Promise((ok) => setTimeout(ok, how.delayMs));
      if (delivered.has(key)) {
        delivered.get(key).duplicates++;
        res.writeHead(409).end("already have it");
        return;
      }
      delivered.set(key, { lead: JSON.parse(body), duplicates: 0 });
      // A CRM that stores the lead and then fails to say so (`{ storedThen: 500 }`).
      if (how?.storedThen) {
        res.writeHead(how.storedThen).end("stored, then failed");
        return;
      }
      res.writeHead(201).end("ok");
    });
  });
  const url = await listen(server);
  const port = server.address().port;
  return {
    url,
    attempts,
    delivered,
    forged,
    failNext: (n) => (failures = n),
    behave: (fn) => (behaviour = fn ?? (() => null)),
    /** Stops listening: connections are refused until `up()`. */
    down: () => new Promise((ok) => {
      server.closeAllConnections();
      server.close(() => ok());
    }),
    up: () => new Promise((ok) => server.listen(port, "127.0.0.1", ok)),
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

async function freePort() {
  const server = createNetServer();
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address();
  await new Promise((ok) => server.close(ok));
  return port;
}

/** Starts workerd with the edge worker; resolves once it answers. */
/**
 * edge/config.capnp, or (`compiled`: "none" or a path under edge/ of another .mqlc) a copy of it
 * beside it (in edge/pkg, which the build makes) without the compiled model or with that one.
 */
function configFor(compiled) {
  if (compiled === undefined) return `${root}edge/config.capnp`;
  const text = readFileSync(`${root}edge/config.capnp`, "utf8");
  const line = /^ *\(name = "MODEL_COMPILED", data = embed "pkg\/model\.mqlc"\),\n/m;
  if (!line.test(text)) throw new Error("edge/config.capnp: the MODEL_COMPILED binding moved; update the harness");
  const changed = text.replace(line, compiled === "none" ? "" : `    (name = "MODEL_COMPILED", data = embed "${compiled}"),\n`);
  const file = `${root}edge/pkg/config-${compiled === "none" ? "none" : "other"}.capnp`;
  // Embedded paths are relative to the config file: one folder down, each goes up one.
  writeFileSync(file, changed.replace(/embed "/g, 'embed "../'));
  return file;
}

/** Storage directories this process made: removed when it exits (a test may restart on one until then). */
const made = [];
process.on("exit", () => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

export async function startWorker({ origin, webhook, alerts, keys = KEY_NEW, debug = true, settings, adminToken = ADMIN_TOKEN, dataDir, webhookSecrets = WEBHOOK_SECRET, compiled, config, args: extra = [], nurture, slack } = {}) {
  const port = await freePort();
  if (!dataDir) {
    dataDir = mkdtempSync(join(tmpdir(), "mqlscore-outbox-"));
    made.push(dataDir);
  }
  const env = {
    ...process.env,
    MQL_ORIGIN_URL: origin,
    MQL_WEBHOOK_URL: webhook ?? "",
    MQL_ALERT_WEBHOOK_URL: alerts ?? "",
    MQL_NURTURE_WEBHOOK_URL: nurture ?? "",
    MQL_SLACK_WEBHOOK_URL: slack ?? "",
    MQL_WEBHOOK_SECRETS: webhookSecrets ?? "",
    MQL_ADMIN_TOKEN: adminToken ?? "",
    MQL_COOKIE_KEYS: keys,
    MQL_DEBUG: String(debug),
    MQL_SETTINGS: JSON.stringify({ ...CHEAP_PROOF, ...settings }),
  };
  const bin = `${root}tools/node_modules/.bin/workerd`;
  const args = ["serve", config ?? configFor(compiled), "--socket-addr", `http=127.0.0.1:${port}`, "--directory-path", `outbox-data=${dataDir}`, ...extra];
  const child = spawn(bin, args, { env });
  const output = [];
  for (const stream of [child.stdout, child.stderr]) {
    stream.on("data", (d) => {
      output.push(String(d));
      workerLog.push(String(d));
    });
  }
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      await fetch(`${url}/healthz`);
      break;
    } catch {
      if (i > 200 || child.exitCode !== null) throw new Error(`workerd did not start:\n${output.join("")}`);
      await new Promise((ok) => setTimeout(ok, 50));
    }
  }
  const stop = (signal) => new Promise((ok) => {
    if (child.exitCode !== null || child.signalCode !== null) return ok();
    child.once("exit", ok);
    child.kill(signal);
  });
  return {
    url,
    output,
    dataDir,
    pid: child.pid,
    stats: async () => (await fetch(`${url}/__mql/stats`)).json(),
    /** A sales endpoint with the admin token: the parsed JSON answer and its status. */
    admin: async (path, { method = "GET", body, token = adminToken } = {}) => {
      const headers = token ? { authorization: `Bearer ${token}` } : {};
      if (body !== undefined) headers["content-type"] = "application/json";
      const r = await fetch(url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await r.text();
      let parsed = text;
      try {
        parsed = JSON.parse(text);
      } catch {}
      return { status: r.status, body: parsed };
    },
    stop: () => stop(),
    kill: () => stop("SIGKILL"),
  };
}

/** An origin, a webhook sink and the worker in front of them; `stop()` ends all three. */
export async function startStack(options = {}) {
  const origin = await startOrigin();
  const sink = await startSink();
  const alerts = await startSink();
  const worker = await startWorker({ origin: origin.url, webhook: sink.url, alerts: alerts.url, ...options });
  return {
    origin,
    sink,
    alerts,
    worker,
    stop: async () => {
      await worker.stop();
      origin.close();
      sink.close();
      alerts.close();
    },
  };
}

/**
 * A browser-like visitor with its own cookie jar. Like a page that loads /__mql/proof.js, it
 * solves the worker's proof-of-work challenge before its first post of events and sends the proof
 * with them (`proves: false` makes a scripted client that does not).
 */
export class Visitor {
  constructor(base, userAgent = "Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0", { proves = true } = {}) {
    Object.assign(this, { base, userAgent, cookie: null, setCookies: 0, proves, proven: false });
  }

  /** A proof for this visitor: the worker's challenge, solved. */
  async prove() {
    const r = await fetch(`${this.base}/__mql/challenge`, { headers: this.headers() });
    if (r.status !== 200) throw new Error(`GET /__mql/challenge: ${r.status} ${await r.text()}`);
    const challenge = await r.json();
    return { challenge, solution: await solveChallenge({ challenge, deriveKey: pbkdf2 }) };
  }

  headers(extra = {}) {
    return {
      accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
      "user-agent": this.userAgent,
      ...(this.cookie ? { cookie: `mql=${this.cookie}` } : {}),
      ...extra,
    };
  }

  keep(response) {
    for (const c of response.headers.getSetCookie()) {
      const m = /^mql=([^;]+)/.exec(c);
      if (m) {
        this.cookie = m[1];
        this.setCookies++;
      }
    }
    return response;
  }

  /** GETs `path` like a browser navigation; returns what the origin saw (or the raw response). */
  async view(path, extra = {}) {
    const response = this.keep(await fetch(this.base + path, { headers: this.headers(extra), redirect: "manual" }));
    const text = await response.text();
    const m = /<pre>(.*)<\/pre>/s.exec(text);
    return { status: response.status, origin: m ? JSON.parse(m[1]) : null, response };
  }

  async send(body, { contentType = "application/json", raw = false, headers = {} } = {}) {
    if (!raw && this.proves && !this.proven && this.cookie) {
      const events = Array.isArray(body) ? body : Array.isArray(body?.events) ? body.events : [body];
      // A visitor whose session the worker refuses gets no challenge: the post goes without one.
      const proof = await this.prove().catch(() => undefined);
      if (proof) body = { events, proof };
    }
    const response = await fetch(`${this.base}/__mql/events`, {
      method: "POST",
      headers: { ...this.headers(), "content-type": contentType, ...headers },
      body: raw ? body : JSON.stringify(body),
    });
    if (response.status === 200 && !raw && this.proves) this.proven = true;
    const cookieBefore = this.cookie;
    this.keep(response);
    return { status: response.status, body: await response.json(), cookieChanged: this.cookie !== cookieBefore, headers: response.headers };
  }
}

/**
 * A visitor who browses to MQL (four page views, pricing twice) and identifies with `traits`:
 * a lead for sales. Fails unless it was handed off; returns its key, the visitor and the answer.
 */
export async function makeLead(worker, traits) {
  const visitor = new Visitor(worker.url);
  const seen = [];
  for (const path of ["/", "/product", "/pricing", "/pricing"]) {
    const { status, origin } = await visitor.view(path);
    seen.push(`${path}: HTTP ${status}, ${visitor.setCookies} cookies set (this one ${visitor.cookie?.length ?? 0} characters), the origin saw ${JSON.stringify(origin)}`);
  }
  const answer = await visitor.send({ type: "identify", traits });
  if (answer.body.status !== "handed-off") {
    // What each page view did and what the worker logged last: a flaky failure says why.
    const log = (worker.output ?? []).join("").split("\n").slice(-20).join("\n");
    throw new Error(`${traits.email} was not handed off: ${JSON.stringify(answer.body)}\n${seen.join("\n")}\nthe worker's log, last lines:\n${log}`);
  }
  return { key: `b2b-saas:${(await visitor.view("/")).origin.visitor}`, visitor, answer };
}

/** Every handoff `query` selects (`status=queued`), page by page through the cursors, newest first. */
export async function allHandoffs(worker, query = "") {
  const all = [];
  let cursor = null;
  do {
    const r = await worker.admin(`/__mql/handoffs?limit=500${query ? `&${query}` : ""}${cursor ? `&cursor=${cursor}` : ""}`);
    if (r.status !== 200) throw new Error(`GET /__mql/handoffs: ${r.status} ${JSON.stringify(r.body)}`);
    all.push(...r.body.handoffs);
    cursor = r.body.next;
  } while (cursor);
  return all;
}

/**
 * Starts the worker with `settings` that must be refused: it answers 500 and its log names the
 * problem (`message`, a RegExp). Throws otherwise.
 */
export async function refusesSettings(options, settings, message) {
  const worker = await startWorker({ ...options, settings });
  try {
    const status = (await fetch(`${worker.url}/`)).status;
    if (status !== 500) throw new Error(`${JSON.stringify(settings)}: answered ${status}, not 500`);
    await eventually(() => message.test(worker.output.join("")), 5000, String(message));
  } finally {
    await worker.stop();
  }
}

/** Waits until `check()` is truthy (polling), or fails after `ms`. */
export async function eventually(check, ms = 10_000, what = "condition") {
  const until = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((ok) => setTimeout(ok, 50));
  }
}
