//! A realistic synthetic labeled dataset with known true weights, for tests and the demo:
//! leads with traits and events, converted with the probability a known logistic model gives
//! on the scoring model's own rule features. Fixed seed, same data.

use crate::format::json::Json;
use crate::learn::dataset::Lead;
use crate::learn::logistic::sigmoid;
use crate::model::Model;
use crate::score::scorer::Scorer;
use crate::session::event::Event;

/// 2026-06-01T00:00:00Z: the generated histories start around here.
const BASE: f64 = 1_780_272_000_000.0;
const HOUR: f64 = 3_600_000.0;

/// The true log-odds weight of each rule of the B2B example model (`models/b2b-saas.json`);
/// rules not listed weigh 0.
pub const TRUE_WEIGHTS: [(&str, f64); 19] = [
    ("exec-title", 1.0),
    ("manager-title", 0.4),
    ("company-100", 0.7),
    ("company-10", 0.2),
    ("target-industry", 0.5),
    ("territory", 0.1),
    ("business-email", 0.6),
    ("free-email", -0.8),
    ("site-visit", 0.05),
    ("product", 0.15),
    ("pricing", 0.5),
    ("pricing-return", 0.3),
    ("blog", 0.4),
    ("whitepaper", 0.35),
    ("webinar", 0.3),
    ("demo-request", 1.8),
    ("email-click", 0.1),
    ("careers", -0.9),
    ("support-only", -0.2),
];
/// The true log-odds of a lead every rule misses.
pub const TRUE_INTERCEPT: f64 = -5.0;

/// xorshift64*: small and reproducible.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    /// Uniform in [0, 1).
    pub(crate) fn next(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as f64 / (1u64 << 53) as f64
    }

    pub(crate) fn pick<T: Copy>(&mut self, list: &[T]) -> T {
        list[(self.next() * list.len() as f64) as usize]
    }

    fn count(&mut self, max: u32) -> u32 {
        (self.next() * f64::from(max + 1)) as u32
    }
}

fn s(text: &str) -> Json {
    Json::Str(text.to_owned())
}

/// `n` leads scored under `model` (the B2B example), converted per [`TRUE_WEIGHTS`].
pub fn generate(model: &Model, n: usize, seed: u64) -> Vec<Lead> {
    let mut leads = Vec::with_capacity(n);
    generate_each(model, n, seed, |lead| leads.push(lead));
    leads
}

/// [`generate`], each lead handed to `f` as it is made (a million are never held at once).
pub fn generate_each(model: &Model, n: usize, seed: u64, mut f: impl FnMut(Lead)) {
    let mut r = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let weights: Vec<f64> = crate::learn::features::features(model)
        .iter()
        .map(|f| {
            TRUE_WEIGHTS
                .iter()
                .find(|(id, _)| *id == f.rule())
                .map_or(0.0, |(_, w)| *w)
        })
        .collect();
    let mut scorer = Scorer::new(model.clone());
    for i in 0..n {
        let start = BASE + (r.next() * 120.0 * 24.0).floor() * HOUR;
        let mut t = start;
        let mut events = Vec::new();
        let mut stamp = |r: &mut Rng| {
            t += (r.next() * 30.0 + 1.0).floor() * HOUR;
            Json::Num(t)
        };
        let title = r.pick(&[
            "VP Marketing",
            "CEO",
            "Sales Director",
            "Marketing Manager",
            "Engineer",
            "Analyst",
        ]);
        let employees = r.pick(&[5.0, 40.0, 250.0, 1500.0]);
        let industry = r.pick(&["Software", "Retail", "Healthcare", "Education"]);
        let country = r.pick(&["US", "DE", "IN", "BR"]);
        let domain = r.pick(&["acme.com", "gmail.com", "initech.io", "globex.com"]);
        if r.next() < 0.8 {
            let company = Json::object(vec![
                ("employees", Json::Num(employees)),
                ("industry", s(industry)),
            ]);
            let traits = Json::object(vec![
                ("email", s(&format!("lead{i}@{domain}"))),
                ("title", s(title)),
                ("country", s(country)),
                ("company", company),
            ]);
            events.push(Json::object(vec![
                ("type", s("identify")),
                ("timestamp", stamp(&mut r)),
                ("traits", traits),
            ]));
        }
        let pages = [
            ("/", 4),
            ("/product/analytics", 3),
            ("/pricing", 3),
            ("/blog/decay", 3),
            ("/careers", 1),
            ("/support/faq", 2),
        ];
        for (path, max) in pages {
            for _ in 0..r.count(max) {
                let at = stamp(&mut r);
                events.push(Json::object(vec![
                    ("type", s("page")),
                    ("timestamp", at),
                    ("properties", Json::object(vec![("path", s(path))])),
                ]));
            }
        }
        let tracks = [
            ("Whitepaper Downloaded", 2),
            ("Webinar Registered", 1),
            ("Email Link Clicked", 3),
        ];
        for (name, max) in tracks {
            for _ in 0..r.count(max) {
                let at = stamp(&mut r);
                events.push(Json::object(vec![
                    ("type", s("track")),
                    ("timestamp", at),
                    ("event", s(name)),
                ]));
            }
        }
        if r.next() < 0.12 {
            let at = stamp(&mut r);
            events.push(Json::object(vec![
                ("type", s("track")),
                ("timestamp", at),
                ("event", s("Demo Requested")),
            ]));
        }
        for (k, e) in events.iter_mut().enumerate() {
            if let Json::Obj(fields) = e {
                fields.push(("messageId".to_owned(), s(&format!("lead{i}-{k}"))));
            }
        }
        let as_of = t + 1000.0;
        scorer.reset();
        for e in &events {
            if let Ok(event) = Event::read(e, model) {
                let _ = scorer.ingest(&event, as_of);
            }
        }
        let (x, _) = crate::learn::features::of_scorer(&scorer, as_of);
        let logit = TRUE_INTERCEPT + x.dot(&weights);
        let converted = r.next() < sigmoid(logit);
        f(Lead {
            id: format!("lead{i}"),
            events: crate::learn::dataset::Events::Json(events),
            converted: Some(converted),
            converted_at: converted.then_some(as_of),
            value: converted.then_some((r.next() * 50.0).floor() * 1000.0 + 5000.0),
            session: None,
            as_of: None,
        });
    }
}

/// A lead as one line of JSON Lines (the format `mqlscore train` reads).
pub fn to_jsonl(lead: &Lead) -> String {
    let mut fields = vec![
        ("id", s(&lead.id)),
        ("events", Json::Arr(lead.events_json().into_owned())),
    ];
    if let Some(converted) = lead.converted {
        fields.push(("converted", Json::Bool(converted)));
    }
    if let Some(t) = lead.converted_at {
        fields.push(("convertedAt", Json::Num(t)));
    }
    if let Some(v) = lead.value {
        fields.push(("value", Json::Num(v)));
    }
    Json::object(fields).to_compact()
}
