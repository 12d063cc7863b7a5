// The edge worker from a cold start on workerd: a fresh workerd process each run, asked for a
// page view (scored, set-cookie) as soon as it listens. Prints, as medians over the runs, the
// time from spawning workerd to the first scored response, and the first scored request's own
// latency (the isolate's first request: settings, the scoring module's model, the first score)
// beside a second, warm one. `--root` runs another checkout's worker (its edge/config.capnp and
// edge/pkg, built by its scripts/build-edge.sh), to compare before and after.
// Usage: node bench/edge-cold.mjs [--runs 15] [--root /path/to/checkout/] [--config another.capnp]
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { startOrigin } from "../edge/tests/harness.mjs";

const here = fileURLToPath(new URL("..", import.meta.url));
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const runs = Number(arg("runs", 15));
const root = arg("root", here).replace(/\/?$/, "/");
const config = arg("config", `${root}edge/config.capnp`);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const freePort = () => new Promise((ok) => {
  const s = createServer().listen(0, "127.0.0.1", () => {
    const { port } = s.address();
    s.close(() => ok(port));
  });
});

const origin = await startOrigin();
const view = (url) => fetch(`${url}/pricing`, { headers: { accept: "text/html", "user-agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0 Safari/537.36" } });
const samples = { toFirstScoreMs: [], firstRequestMs: [], secondRequestMs: [] };
for (let run = 0; run < runs; run++) {
  const port = await freePort();
  const env = {
    ...process.env,
    MQL_ORIGIN_URL: origin.url,
    MQL_COOKIE_KEYS: "k1:bench-secret-0123456789abcdef0123456789",
    MQL_WEBHOOK_URL: "",
    MQL_ALERT_WEBHOOK_URL: "",
    MQL_ADMIN_TOKEN: "",
    MQL_DEBUG: "false",
    MQL_SETTINGS: "{}",
  };
  const dataDir = mkdtempSync(join(tmpdir(), "mqlscore-cold-"));
  const t0 = performance.now();
  const child = spawn(`${here}tools/node_modules/.bin/workerd`, ["serve", config, "--socket-addr", `http=127.0.0.1:${port}`, "--directory-path", `outbox-data=${dataDir}`], { env, stdio: "ignore" });
  const url = `http://127.0.0.1:${port}`;
  // Connect as soon as the socket listens; the first answer is the first scored response.
  for (;;) {
    try {
      const t1 = performance.now();
      const r = await view(url);
      const body = await r.text();
      // The origin echoes the lead headers the worker added: a score means the view was scored.
      if (!/"score":"\d/.test(body)) throw new Error(`not scored: ${r.status} ${body}`);
      const t2 = performance.now();
      samples.toFirstScoreMs.push(t2 - t0);
      samples.firstRequestMs.push(t2 - t1);
      break;
    } catch (err) {
      if (err.message.startsWith("not scored")) throw err;
      if (performance.now() - t0 > 20_000) throw new Error("workerd did not answer in 20 s");
      await new Promise((ok) => setTimeout(ok, 2));
    }
  }
  const t3 = performance.now();
  await (await view(url)).arrayBuffer();
  samples.secondRequestMs.push(performance.now() - t3);
  await new Promise((ok) => {
    child.once("exit", ok);
    child.kill();
  });
}
origin.close();
const m = Object.fromEntries(Object.entries(samples).map(([k, xs]) => [k, median(xs)]));
console.log(`edge worker from a cold start on workerd (${config}), medians of ${runs} fresh processes:
  spawn to the first scored response   ${m.toFirstScoreMs.toFixed(1)} ms
  the first scored request             ${m.firstRequestMs.toFixed(2)} ms (the isolate's first: settings, model, first score)
  the second request                   ${m.secondRequestMs.toFixed(2)} ms`);
console.log(JSON.stringify(m));
