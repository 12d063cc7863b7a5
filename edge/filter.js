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
  const ua = h.get("user-agent") ?? "";
  if (!ua || BOT.test(ua)) return "bot";
  return null;
}

/** Page views per visitor in a sliding window; beyond the limit, the rest of a burst is ignored. */
export class BurstGuard {
  constructor({ limit, windowMs, maxVisitors = 50_000 }) {
    Object.assign(this, { limit, windowMs, maxVisitors, seen: new Map() });
  }

  /** Records a page view of `visitor` at `now`; `true` when it is over the limit. */
  isBurst(visitor, now) {
    const times = (this.seen.get(visitor) ?? []).filter((t) => now - t < this.windowMs);
    times.push(now);
    this.seen.delete(visitor);
    this.seen.set(visitor, times);
    if (this.seen.size > this.maxVisitors) this.seen.delete(this.seen.keys().next().value);
    return times.length > this.limit;
  }
}
