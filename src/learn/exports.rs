//! CRM exports whose answer is known, for the synthetic suite: each row's true conversion
//! probability comes from a stated log-odds formula over its columns, so a learned scorecard can
//! be held to the best any model could do on the same rows (the truth's own AUC), and compared
//! with other learners on data where it is known what there is to find. Every export has the
//! same columns, written as a CRM writes them (numbers as text, blank cells, a "Select"
//! placeholder, Yes/No columns, rare levels); a scenario decides which of them matter and how.

use crate::learn::logistic::sigmoid;
use crate::learn::synthetic::Rng;
use std::fmt::Write;

/// What an export's outcome depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    /// Minutes on the site, a smooth saturating effect.
    Smooth,
    /// Employees: a step at 500.
    Threshold,
    /// Occupation and a phone conversation: together worth far more than apart.
    Interaction,
    /// Lead Source: three rare sources (under 1% of rows each) that matter, one common one.
    RareLevels,
    /// Visits: a peak around 7, fewer and more convert less.
    Peak,
    /// All of the above at once, with two small effects more.
    Crm,
}

impl Scenario {
    /// Every scenario, in the order the suite reports them.
    pub const ALL: [Scenario; 6] = [
        Scenario::Smooth,
        Scenario::Threshold,
        Scenario::Interaction,
        Scenario::RareLevels,
        Scenario::Peak,
        Scenario::Crm,
    ];

    /// Its name on the command line (`rare-levels`).
    pub fn name(self) -> &'static str {
        match self {
            Scenario::Smooth => "smooth",
            Scenario::Threshold => "threshold",
            Scenario::Interaction => "interaction",
            Scenario::RareLevels => "rare-levels",
            Scenario::Peak => "peak",
            Scenario::Crm => "crm",
        }
    }

    /// The scenario named `name`.
    pub fn named(name: &str) -> Option<Scenario> {
        Scenario::ALL.into_iter().find(|s| s.name() == name)
    }

    /// The true log-odds, as a sentence.
    pub fn formula(self) -> &'static str {
        match self {
            Scenario::Smooth => "2.4 × (1 − e^(−minutes / 700))",
            Scenario::Threshold => "1.4 if employees ≥ 500",
            Scenario::Interaction => {
                "0.3 if a working professional, 0.4 if a phone conversation, 1.6 more if both"
            }
            Scenario::RareLevels => {
                "source Welingak Website +2.2, Click2call +1.8, Live Chat −2.0 (each under 1% of rows), Reference +0.8"
            }
            Scenario::Peak => "1.3 × e^(−((visits − 7) / 3)²)",
            Scenario::Crm => {
                "all five, plus −0.9 if Do Not Email and −0.3 if Specialization is the Select placeholder"
            }
        }
    }
}

/// A generated export: the CSV text, its mapping (JSON naming the columns and nothing else, as a
/// first-time user writes it) and each row's true probability (also the CSV's last column,
/// which the mapping does not name).
#[derive(Debug, Clone, PartialEq)]
pub struct Export {
    /// The CSV, header first.
    pub csv: String,
    /// The mapping, JSON.
    pub mapping: String,
    /// The true conversion probability of each row, in order.
    pub truth: Vec<f64>,
}

/// The mapping of every export.
pub const MAPPING: &str = r#"{
  "id": "Prospect ID",
  "converted": { "column": "Converted", "values": ["1"] },
  "traits": {
    "Lead Source": "source",
    "Occupation": "occupation",
    "Had a Phone Conversation": "phone",
    "Total Time Spent on Website": "minutes",
    "TotalVisits": "visits",
    "Employees": "company.employees",
    "Specialization": "specialization",
    "Do Not Email": "doNotEmail"
  }
}
"#;

const COMMON_SOURCES: [(&str, f64); 8] = [
    ("Google", 30.0),
    ("Direct Traffic", 25.0),
    ("Olark Chat", 15.0),
    ("Organic Search", 12.0),
    ("Reference", 6.0),
    ("Referral Sites", 4.0),
    ("Facebook", 3.0),
    ("bing", 2.0),
];
/// Rare sources, each about 0.6% of rows; the first three carry an effect.
const RARE_SOURCES: [&str; 6] = [
    "Welingak Website",
    "Click2call",
    "Live Chat",
    "Press Release",
    "Pay per Click Ads",
    "Youtube Channel",
];
const OCCUPATIONS: [(&str, f64); 5] = [
    ("Unemployed", 50.0),
    ("", 20.0),
    ("Working Professional", 15.0),
    ("Student", 10.0),
    ("Other", 5.0),
];
const SPECIALIZATIONS: [&str; 9] = [
    "Select",
    "Select",
    "Select",
    "Finance Management",
    "Marketing Management",
    "Operations Management",
    "IT Projects Management",
    "Human Resource Management",
    "Business Administration",
];

/// One row's columns as drawn.
struct Row {
    source: &'static str,
    occupation: &'static str,
    phone: bool,
    minutes: Option<f64>,
    visits: Option<f64>,
    employees: Option<f64>,
    specialization: &'static str,
    do_not_email: bool,
}

fn weighted(r: &mut Rng, table: &[(&'static str, f64)]) -> &'static str {
    let total: f64 = table.iter().map(|(_, w)| w).sum();
    let mut at = r.next() * total;
    for (name, w) in table {
        if at < *w {
            return name;
        }
        at -= w;
    }
    table[table.len() - 1].0
}

/// A standard normal draw (Box–Muller).
fn normal(r: &mut Rng) -> f64 {
    let u = r.next().max(1e-12);
    let v = r.next();
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

fn draw(r: &mut Rng) -> Row {
    let source = if r.next() < 6.0 * 0.006 {
        r.pick(&RARE_SOURCES)
    } else {
        weighted(r, &COMMON_SOURCES)
    };
    let occupation = weighted(r, &OCCUPATIONS);
    let phone = r.next() < 0.15;
    let minutes =
        (r.next() >= 0.06).then(|| (-(r.next().max(1e-12)).ln() * 500.0).min(3000.0).floor());
    let visits = (r.next() >= 0.03).then(|| (-(r.next().max(1e-12)).ln() * 5.0).min(40.0).floor());
    let employees =
        (r.next() >= 0.10).then(|| (120f64.ln() + 1.6 * normal(r)).exp().max(1.0).round());
    let specialization = r.pick(&SPECIALIZATIONS);
    let do_not_email = r.next() < 0.08;
    Row {
        source,
        occupation,
        phone,
        minutes,
        visits,
        employees,
        specialization,
        do_not_email,
    }
}

/// The log-odds a scenario adds for `row` (before the intercept).
fn effect(scenario: Scenario, row: &Row) -> f64 {
    let smooth = || 2.4 * (1.0 - (-row.minutes.unwrap_or(0.0) / 700.0).exp());
    let threshold = || {
        if row.employees.is_some_and(|e| e >= 500.0) {
            1.4
        } else {
            0.0
        }
    };
    let interaction = || {
        let professional = row.occupation == "Working Professional";
        0.3 * f64::from(u8::from(professional))
            + 0.4 * f64::from(u8::from(row.phone))
            + if professional && row.phone { 1.6 } else { 0.0 }
    };
    let rare = || match row.source {
        "Welingak Website" => 2.2,
        "Click2call" => 1.8,
        "Live Chat" => -2.0,
        "Reference" => 0.8,
        _ => 0.0,
    };
    let peak = || {
        row.visits
            .map_or(0.0, |v| 1.3 * (-((v - 7.0) / 3.0).powi(2)).exp())
    };
    match scenario {
        Scenario::Smooth => smooth(),
        Scenario::Threshold => threshold(),
        Scenario::Interaction => interaction(),
        Scenario::RareLevels => rare(),
        Scenario::Peak => peak(),
        Scenario::Crm => {
            smooth() + threshold() + interaction() + rare() + peak()
                - if row.do_not_email { 0.9 } else { 0.0 }
                - if row.specialization == "Select" {
                    0.3
                } else {
                    0.0
                }
        }
    }
}

/// The intercept that makes a quarter of `effects` convert on average.
fn intercept(effects: &[f64]) -> f64 {
    let mean = |b: f64| effects.iter().map(|e| sigmoid(b + e)).sum::<f64>() / effects.len() as f64;
    let (mut lo, mut hi) = (-20.0, 20.0);
    for _ in 0..60 {
        let mid = (lo + hi) / 2.0;
        if mean(mid) < 0.25 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    (lo + hi) / 2.0
}

/// `rows` rows of `scenario`, drawn from `seed` (the same rows for the same seed).
pub fn export(scenario: Scenario, rows: usize, seed: u64) -> Export {
    let mut r = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let drawn: Vec<Row> = (0..rows).map(|_| draw(&mut r)).collect();
    let effects: Vec<f64> = drawn.iter().map(|row| effect(scenario, row)).collect();
    let b = if effects.is_empty() {
        0.0
    } else {
        intercept(&effects)
    };
    let number = |v: Option<f64>| v.map_or(String::new(), |v| format!("{v}"));
    let yes_no = |b: bool| if b { "Yes" } else { "No" };
    let mut csv = String::from(
        "Prospect ID,Lead Source,Occupation,Had a Phone Conversation,Total Time Spent on Website,TotalVisits,Employees,Specialization,Do Not Email,Converted,True Probability\n",
    );
    let mut truth = Vec::with_capacity(rows);
    for (i, (row, e)) in drawn.iter().zip(&effects).enumerate() {
        let p = sigmoid(b + e);
        let converted = r.next() < p;
        truth.push(p);
        let _ = writeln!(
            csv,
            "P{i:06},{},{},{},{},{},{},{},{},{},{p:.6}",
            row.source,
            row.occupation,
            yes_no(row.phone),
            number(row.minutes),
            number(row.visits),
            number(row.employees),
            row.specialization,
            yes_no(row.do_not_email),
            u8::from(converted),
        );
    }
    Export {
        csv,
        mapping: MAPPING.to_owned(),
        truth,
    }
}
