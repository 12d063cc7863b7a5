// A static file server for the demo site on 127.0.0.1, with the right Content-Type for .wasm and
// the strict Content-Security-Policy a careful site sends (docs/embed.md gives it).
// Usage: node scripts/serve.mjs [--port 8080] [--root www]   (PORT also sets the port; 0 picks a free one)
import { createServer } from "node:http";
import { createReadStream, statSync } from "node:fs";
import { extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".txt": "text/plain; charset=utf-8",
  ".ts": "text/plain; charset=utf-8",
};

/** What the demo pages may load: scripts and WebAssembly from the site only, no inline script or style. */
export const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'";

/**
 * Starts the server; resolves to the `http.Server` once it listens. A path is looked up in
 * `root`, then in each of `also` (more folders, e.g. test pages); `csp: false` sends no policy;
 * `cacheControl` is sent with every file (no-store unless a benchmark asks for a browser's cache).
 */
export function serve({ root, also = [], port = 8080, host = "127.0.0.1", csp = CSP, cacheControl = "no-store" }) {
  const bases = [root, ...also].map((r) => resolve(r));
  const server = createServer((req, res) => {
    let file = null;
    try {
      const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
      for (const base of bases) if ((file = locate(base, path))) break;
    } catch { /* a malformed URL is simply not found */ }
    if (!file || req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(file ? 405 : 404, { "content-type": "text/plain; charset=utf-8" });
      res.end(file ? "method not allowed\n" : "not found\n");
      return;
    }
    res.writeHead(200, {
      "content-type": TYPES[extname(file)] ?? "application/octet-stream",
      "cache-control": cacheControl,
      "x-content-type-options": "nosniff",
      ...(csp ? { "content-security-policy": csp } : {}),
    });
    if (req.method === "HEAD") res.end();
    else createReadStream(file).pipe(res);
  });
  return new Promise((ok, fail) => {
    server.once("error", fail);
    server.listen(port, host, () => ok(server));
  });
}

/** The file for a URL path: the file itself, or `index.html` of a folder (`/pricing` → `pricing/index.html`). */
function locate(base, path) {
  const target = normalize(join(base, path));
  if (target !== base && !target.startsWith(base + sep)) return null;
  for (const candidate of [target, join(target, "index.html")]) {
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch { /* try the next */ }
  }
  return null;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : fallback;
  };
  const root = arg("root", fileURLToPath(new URL("../www", import.meta.url)));
  const port = Number(arg("port", process.env.PORT ?? 8080));
  const server = await serve({ root, port });
  console.log(`mqlscore demo: http://127.0.0.1:${server.address().port}/  (serving ${root}; Ctrl-C stops)`);
}
