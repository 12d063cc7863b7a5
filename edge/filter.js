// Which requests are page views worth scoring. Everything else passes through unscored, with a
// reason that is counted and logged.

const ASSET = /\.(?:js|mjs|css|map|png|jpe?g|gif|webp|avif|svg|ico|woff2?|ttf|otf|eot|mp4|webm|mp3|wav|pdf|zip|gz|json|xml|txt|wasm|webmanifest)$/i;
const BOT = /bot\b|bot\/|crawl|spider|slurp|scan|curl\/|wget|python-requests|python-urllib|aiohttp|httpclient|okhttp|go-http-client|java\/|libwww|scrapy|headless|phantomjs|puppeteer|playwright|selenium|nikto|sqlmap|nmap|masscan|zgrab|nuclei|facebookexternalhit|embedly|preview|monitor|uptime|pingdom|lighthouse|barracuda|mimecast|proofpoint/i;

/**
 * Why `request` is not a page view to score, or `null` when it is one.
 * Reasons: method, health, asset, prefetch, no-accept, not-html, not-document, bot.
 */
export function ignoreReason(request, url, settings) {
  const h = request.headers;
  if (request.method !== "GET") return "method";
  if (settings.healthPaths.includes(url.pathname)) return "health";
  if (ASSET.test(url.pathname)) return "asset";
  const purpose = `${h.get("sec-purpose") ?? ""} ${h.get("purpose") ?? ""} ${h.get("x-purpose") ?? ""} ${h.get("x-moz") ?? ""}`;
  if (/prefetch|prerender|preview/i.test(purpose)) return "prefetch";
  const accept = h.get("accept");
  if (!accept) return "no-accept";
  if (!/text\/html/i.test(accept)) return "not-html";
  const dest = h.get("sec-fetch-dest");
  if (dest && dest !== "document") return "not-document";
  if (isBot(h.get("user-agent"))) return "bot";
  return null;
}

/** Whether a user agent is missing or names a crawler, scanner, HTTP library or headless browser. */
export function isBot(userAgent) {
  return !userAgent || BOT.test(userAgent);
}

/**
 * Hits per key (a visitor, a client address) in a sliding window; beyond `limit` within
 * `windowMs`, the rest are over it. Held in the isolate: a soft limit, per isolate, that bounds
 * what one client can push through before anything is scored or stored; the most recently seen
 * `maxKeys` keys are remembered.
 */
export class RateLimit {
  constructor({ limit, windowMs, maxKeys = 50_000 }) {
    Object.assign(this, { limit, windowMs, maxKeys, seen: new Map() });
  }

  /**
   * Records `n` hits of `key` at `now`; `true` when that takes it over the limit. Times are kept
   * oldest first and expire from the front, so a hit costs the same however many the window
   * holds (copying the list on every hit cost a busy client hundreds of microseconds).
   */
  isOver(key, now, n = 1) {
    const times = this.seen.get(key) ?? [];
    while (times.length > 0 && now - times[0] >= this.windowMs) times.shift();
    for (let i = 0; i < n && times.length <= this.limit; i++) times.push(now);
    this.seen.delete(key);
    this.seen.set(key, times);
    if (this.seen.size > this.maxKeys) this.seen.delete(this.seen.keys().next().value);
    return times.length > this.limit;
  }

  /** Whether `key` has used its whole budget at `now` (records nothing). */
  isFull(key, now) {
    const times = this.seen.get(key);
    if (!times) return false;
    let live = times.length;
    for (const t of times) {
      if (now - t < this.windowMs) break;
      live--;
    }
    return live >= this.limit;
  }

  /** Seconds until `key` has room again (at least 1). */
  retryAfter(key, now) {
    const oldest = this.seen.get(key)?.[0] ?? now;
    return Math.max(1, Math.ceil((oldest + this.windowMs - now) / 1000));
  }
}

/**
 * Distinct values per key in a sliding window (the accounts one client touches): a value seen
 * in the window is always admitted; a new one only while the key has fewer than `limit`.
 */
export class DistinctLimit {
  constructor({ limit, windowMs, maxKeys = 50_000 }) {
    Object.assign(this, { limit, windowMs, maxKeys, seen: new Map() });
  }

  /** Whether `value` may be used by `key` at `now` (recorded when it may). */
  admit(key, value, now) {
    const values = this.seen.get(key) ?? new Map();
    for (const [v, at] of values) if (now - at >= this.windowMs) values.delete(v);
    const ok = values.has(value) || values.size < this.limit;
    if (ok) values.set(value, now);
    this.seen.delete(key);
    this.seen.set(key, values);
    if (this.seen.size > this.maxKeys) this.seen.delete(this.seen.keys().next().value);
    return ok;
  }
}
