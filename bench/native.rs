//! The native engine on the benchmark streams: `cargo bench --bench native -- [visitors]`.
//! Generates the same sessions as bench/streams.mjs (same PRNG, same steps), scores them, and
//! prints one JSON line of figures that bench/run.mjs reads.

use mqlscore::{Event, Json, Model, Scorer};
use std::time::Instant;

const SEED: u32 = 20_261_127;
const HOUR: f64 = 3_600_000.0;
const DAY_MS: f64 = 86_400_000.0;
const BASE: f64 = 1_788_220_800_000.0; // 2026-09-01T00:00:00Z
const NOW: f64 = BASE + 90.0 * DAY_MS;

/// mulberry32, as in bench/streams.mjs.
struct Rng(u32);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x6d2b_79f5);
        let mut t = self.0;
        t = (t ^ (t >> 15)).wrapping_mul(t | 1);
        t ^= t.wrapping_add((t ^ (t >> 7)).wrapping_mul(t | 61));
        f64::from(t ^ (t >> 14)) / 4_294_967_296.0
    }

    fn pick<T: Copy>(&mut self, list: &[T]) -> T {
        list[(self.next() * list.len() as f64) as usize]
    }
}

const PAGES: [&str; 14] = [
    "/",
    "/",
    "/product",
    "/product/analytics",
    "/product/automation",
    "/integrations",
    "/pricing",
    "/pricing",
    "/customers/acme",
    "/blog/why-lead-scoring",
    "/blog/decay",
    "/careers",
    "/docs/setup",
    "/about",
];
const TRACKS: [&str; 8] = [
    "Whitepaper Downloaded",
    "Webinar Registered",
    "Demo Requested",
    "Trial Started",
    "Email Link Clicked",
    "Email Link Clicked",
    "Whitepaper Downloaded",
    "Unsubscribed",
];
const TITLES: [&str; 8] = [
    "VP Marketing",
    "Chief Revenue Officer",
    "Marketing Manager",
    "Sales Director",
    "Engineer",
    "Student",
    "CEO",
    "Head of Growth",
];
const EMPLOYEES: [f64; 5] = [5.0, 40.0, 250.0, 1500.0, 12000.0];
const INDUSTRIES: [&str; 5] = [
    "Software",
    "Retail",
    "Healthcare",
    "Financial Services",
    "Education",
];
const DOMAINS: [&str; 6] = [
    "acme.com",
    "gmail.com",
    "initech.io",
    "rivalytics.com",
    "mit.edu",
    "globex.com",
];
const COUNTRIES: [&str; 5] = ["US", "DE", "FR", "IN", "BR"];
const PLANS: [&str; 3] = ["starter", "growth", "enterprise"];
const BROWSER: &str = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15";
const CRAWLER: &str = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";

use mqlscore::iso_datetime as iso;

fn s(text: &str) -> Json {
    Json::str(text)
}

fn generate(visitors: usize) -> Vec<Vec<Json>> {
    let mut r = Rng(SEED);
    let mut sessions = Vec::with_capacity(visitors);
    for v in 0..visitors {
        let mut events: Vec<Json> = Vec::new();
        let n = 3 + (r.next() * 15.0) as usize;
        let crawler = r.next() < 0.01;
        let mut t = BASE + (r.next() * 60.0 * 24.0 * HOUR).floor();
        for k in 0..n {
            t += (r.next() * 3.0 * HOUR).floor();
            if r.next() < 0.1 {
                t += (r.next() * 5.0 * 24.0 * HOUR).floor();
            }
            let common = |kind: &str| {
                vec![
                    ("type", s(kind)),
                    ("messageId", s(&format!("v{v}-{k}"))),
                    ("timestamp", s(&iso(t))),
                ]
            };
            let x = r.next();
            let event = if x < 0.7 {
                let mut e = common("page");
                e.push((
                    "properties",
                    Json::object(vec![("path", s(r.pick(&PAGES)))]),
                ));
                e.push((
                    "context",
                    Json::object(vec![(
                        "userAgent",
                        s(if crawler { CRAWLER } else { BROWSER }),
                    )]),
                ));
                Json::object(e)
            } else if x < 0.85 {
                let mut e = common("track");
                e.push(("event", s(r.pick(&TRACKS))));
                e.push((
                    "properties",
                    Json::object(vec![("plan", s(r.pick(&PLANS)))]),
                ));
                Json::object(e)
            } else if x < 0.95 {
                let domain = r.pick(&DOMAINS);
                let email = format!("user{v}@{domain}");
                let title = r.pick(&TITLES);
                let country = r.pick(&COUNTRIES);
                let company = Json::object(vec![
                    ("employees", Json::Num(r.pick(&EMPLOYEES))),
                    ("industry", s(r.pick(&INDUSTRIES))),
                ]);
                let mut e = common("identify");
                e.push((
                    "traits",
                    Json::object(vec![
                        ("email", s(&email)),
                        ("title", s(title)),
                        ("country", s(country)),
                        ("company", company),
                    ]),
                ));
                Json::object(e)
            } else {
                let mut e = common("group");
                let employees = Json::Num(r.pick(&EMPLOYEES));
                e.push((
                    "traits",
                    Json::object(vec![
                        ("employees", employees),
                        ("industry", s(r.pick(&INDUSTRIES))),
                    ]),
                ));
                Json::object(e)
            };
            events.push(event);
            if k > 0 && r.next() < 0.05 {
                let previous = events[events.len() - 2].clone();
                events.push(previous);
            }
            if k > 0 && r.next() < 0.05 {
                let len = events.len();
                events.swap(len - 1, len - 2);
            }
        }
        sessions.push(events);
    }
    sessions
}

fn best(rounds: usize, mut run: impl FnMut()) -> f64 {
    run();
    (0..rounds)
        .map(|_| {
            let t0 = Instant::now();
            run();
            t0.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

/// Nanoseconds per identify that changes every trait, under a model of `n` fit rules on eight
/// traits (a learned model's rule per level): what the fit-rule limit costs.
fn identify_cost(n: usize) -> f64 {
    let rules: Vec<String> = (0..n)
        .map(|i| {
            format!(
                r#"{{"id":"f{i}","points":1,"when":{{"trait":"t{}","oneOf":["level {i}","other {i}"]}}}}"#,
                i % 8
            )
        })
        .collect();
    let text = format!(
        r#"{{"id":"wide","version":1,"fit":{{"rules":[{}]}},"thresholds":{{"fit":5}}}}"#,
        rules.join(",")
    );
    let model = Model::compile(&Json::parse(&text).expect("JSON")).expect("compiles");
    let identifies: Vec<Event> = (0..64)
        .map(|k| {
            let traits: Vec<String> = (0..8)
                .map(|t| format!(r#""t{t}":"level {}""#, (k * 8 + t) % n))
                .collect();
            let e = format!(r#"{{"type":"identify","traits":{{{}}}}}"#, traits.join(","));
            Event::read(&Json::parse(&e).expect("JSON"), &model).expect("event")
        })
        .collect();
    let mut scorer = Scorer::new(model);
    let rounds = 2000;
    let secs = best(3, || {
        for _ in 0..rounds {
            for e in &identifies {
                scorer.ingest_light(e, NOW).expect("scores");
            }
        }
    });
    secs * 1e9 / (rounds * identifies.len()) as f64
}

fn main() {
    let visitors: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(100_000);
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/bench/model-30.json"))
        .expect("bench model");
    let doc = Json::parse(&text).expect("bench model JSON");
    let model = Model::compile(&doc).expect("bench model compiles");
    let streams = generate(visitors);
    let sessions: Vec<Vec<Event>> = streams
        .iter()
        .map(|events| {
            events
                .iter()
                .map(|e| Event::read(e, &model).expect("valid event"))
                .collect()
        })
        .collect();
    let events: usize = sessions.iter().map(Vec::len).sum();

    let mut scorer = Scorer::new(model.clone());
    let ingest = best(3, || {
        for session in &sessions {
            scorer.reset();
            for e in session {
                scorer.ingest(e, NOW).expect("scores");
            }
        }
    });
    let light = best(3, || {
        for session in &sessions {
            scorer.reset();
            for e in session {
                scorer.ingest_light(e, NOW).expect("scores");
            }
        }
    });
    let batch = best(3, || {
        for session in &sessions {
            scorer.reset();
            scorer.ingest_all(session.iter().cloned().map(Ok), NOW);
        }
    });
    let read_and_ingest = best(1, || {
        for events in &streams {
            scorer.reset();
            for e in events {
                let e = Event::read(e, &model).expect("valid event");
                scorer.ingest(&e, NOW).expect("scores");
            }
        }
    });
    // Each visitor's events as JSON Lines, read by `ingest_lines` (serde_json into the fields
    // the model reads, unread fields skipped).
    let texts: Vec<String> = streams
        .iter()
        .map(|events| {
            events
                .iter()
                .map(Json::to_compact)
                .collect::<Vec<_>>()
                .join("\n")
        })
        .collect();
    let lines_bytes: usize = texts.iter().map(|t| t.len() + 1).sum();
    let lines = best(3, || {
        for text in &texts {
            scorer.reset();
            let (_, rejected) = scorer.ingest_lines(text, NOW);
            assert!(rejected.is_empty(), "{rejected:?}");
        }
    });
    let mut saved = Vec::new();
    for session in sessions.iter().take(10_000) {
        scorer.reset();
        scorer.ingest_all(session.iter().cloned().map(Ok), NOW);
        saved.push(scorer.save());
    }
    let save_restore = best(3, || {
        for s in &saved {
            scorer.load(s).expect("restores");
            scorer.save();
        }
    });
    let (mut mqls, mut score_sum) = (0, 0.0);
    for session in &sessions {
        scorer.reset();
        for e in session {
            scorer.ingest(e, NOW).expect("scores");
        }
        let card = scorer.score(NOW);
        mqls += usize::from(card.mql);
        score_sum += card.score;
    }
    let (fit12, fit256) = (identify_cost(12), identify_cost(256));
    let ns = |secs: f64, n: usize| secs * 1e9 / n as f64;
    println!(
        "{{\"native\":{{\"visitors\":{visitors},\"events\":{events},\"ingestNs\":{:.1},\"lightNs\":{:.1},\"batchNs\":{:.1},\"readAndIngestNs\":{:.1},\"linesNs\":{:.1},\"linesMBps\":{:.1},\"saveRestoreNs\":{:.1},\"identifyFit12Ns\":{fit12:.1},\"identifyFit256Ns\":{fit256:.1},\"mqls\":{mqls},\"scoreSum\":{:.2}}}}}",
        ns(ingest, events),
        ns(light, events),
        ns(batch, events),
        ns(read_and_ingest, events),
        ns(lines, events),
        lines_bytes as f64 / lines / 1e6,
        ns(save_restore, saved.len()),
        score_sum
    );
}
