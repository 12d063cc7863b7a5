// Synthetic but realistic Segment event streams, the same for every benchmark: a fixed seed and
// a generator that bench/native.rs mirrors step for step, so the native engine, the wasm package
// and the JavaScript reference score exactly the same events.

/** mulberry32: a small, fast PRNG whose 32-bit arithmetic is easy to reproduce in Rust. */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const BASE = Date.UTC(2026, 8, 1); // 2026-09-01
export const NOW = BASE + 90 * 86_400_000; // when results are read
export const SEED = 20261127;

const PAGES = ["/", "/", "/product", "/product/analytics", "/product/automation", "/integrations", "/pricing", "/pricing",
  "/customers/acme", "/blog/why-lead-scoring", "/blog/decay", "/careers", "/docs/setup", "/about"];
const TRACKS = ["Whitepaper Downloaded", "Webinar Registered", "Demo Requested", "Trial Started", "Email Link Clicked",
  "Email Link Clicked", "Whitepaper Downloaded", "Unsubscribed"];
const TITLES = ["VP Marketing", "Chief Revenue Officer", "Marketing Manager", "Sales Director", "Engineer", "Student", "CEO", "Head of Growth"];
const EMPLOYEES = [5, 40, 250, 1500, 12000];
const INDUSTRIES = ["Software", "Retail", "Healthcare", "Financial Services", "Education"];
const DOMAINS = ["acme.com", "gmail.com", "initech.io", "rivalytics.com", "mit.edu", "globex.com"];
const COUNTRIES = ["US", "DE", "FR", "IN", "BR"];
const PLANS = ["starter", "growth", "enterprise"];
const BROWSER = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15";
const CRAWLER = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
const HOUR = 3_600_000;

/**
 * `visitors` sessions of Segment events (3 to 17 events each, 10 on average), with identify and
 * group calls, out-of-order deliveries and duplicated messageIds. Returns an array of arrays.
 */
export function generate(visitors, seed = SEED) {
  const r = mulberry32(seed);
  const pick = (list) => list[Math.floor(r() * list.length)];
  const sessions = [];
  for (let v = 0; v < visitors; v++) {
    const events = [];
    const n = 3 + Math.floor(r() * 15);
    const crawler = r() < 0.01;
    let t = BASE + Math.floor(r() * 60 * 24 * HOUR);
    for (let k = 0; k < n; k++) {
      t += Math.floor(r() * 3 * HOUR);
      if (r() < 0.1) t += Math.floor(r() * 5 * 24 * HOUR);
      const common = { messageId: `v${v}-${k}`, timestamp: new Date(t).toISOString() };
      const x = r();
      let event;
      if (x < 0.7) {
        event = { type: "page", ...common, properties: { path: pick(PAGES) }, context: { userAgent: crawler ? CRAWLER : BROWSER } };
      } else if (x < 0.85) {
        event = { type: "track", ...common, event: pick(TRACKS), properties: { plan: pick(PLANS) } };
      } else if (x < 0.95) {
        const domain = pick(DOMAINS);
        event = {
          type: "identify",
          ...common,
          traits: { email: `user${v}@${domain}`, title: pick(TITLES), country: pick(COUNTRIES), company: { employees: pick(EMPLOYEES), industry: pick(INDUSTRIES) } },
        };
      } else {
        event = { type: "group", ...common, traits: { employees: pick(EMPLOYEES), industry: pick(INDUSTRIES) } };
      }
      events.push(event);
      if (k > 0 && r() < 0.05) events.push(events.at(-2));
      if (k > 0 && r() < 0.05) [events[events.length - 1], events[events.length - 2]] = [events.at(-2), events.at(-1)];
    }
    sessions.push(events);
  }
  return sessions;
}

/** Total events in some sessions. */
export const countEvents = (sessions) => sessions.reduce((n, s) => n + s.length, 0);
