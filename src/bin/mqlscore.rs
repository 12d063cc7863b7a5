//! `mqlscore`: learn a model's points from outcomes, evaluate a model, replay an event log.
//!
//! ```text
//! mqlscore train    --model M.json (--data leads.jsonl | --csv leads.csv --mapping map.json)
//!                   [--out learned.json] [--target-mql-rate 0.2 | --target-precision 0.4]
//!                   [--seed 1] [--l2 1] [--points-to-double 20] [--folds 5]
//! mqlscore eval     --model M.json (--data leads.jsonl | --csv leads.csv --mapping map.json)
//! mqlscore replay   --model M.json --events events.jsonl [--now 2026-11-27T00:00:00Z]
//! mqlscore generate [--leads 5000] [--seed 7]      (synthetic labeled leads, JSON Lines)
//! ```

use mqlscore::dataset::{read_csv, read_jsonl, Lead};
use mqlscore::metrics::{auc, brier, lift_by_decile, log_loss};
use mqlscore::synthetic::{generate, to_jsonl};
use mqlscore::time::parse_iso8601;
use mqlscore::training::{samples, train, Options, Target};
use mqlscore::{Event, Json, Model, Scorer};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::process::ExitCode;

/// Appends a line to the command's output (written at the end, so a closed pipe is no panic).
macro_rules! say {
    ($out:expr) => {{ let _ = writeln!($out); }};
    ($out:expr, $($arg:tt)*) => {{ let _ = writeln!($out, $($arg)*); }};
}

const USAGE: &str = "usage: mqlscore train|eval|replay|generate [options]  (see `mqlscore help`)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("train") => cmd_train(&args[1..]),
        Some("eval") => cmd_eval(&args[1..]),
        Some("replay") => cmd_replay(&args[1..]),
        Some("generate") => cmd_generate(&args[1..]),
        Some("help" | "--help" | "-h") => {
            println!(
                "{}",
                include_str!("mqlscore.rs")
                    .lines()
                    .skip(3)
                    .take(8)
                    .map(|l| l.trim_start_matches("//! "))
                    .collect::<Vec<_>>()
                    .join("\n")
            );
            return ExitCode::SUCCESS;
        }
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(output) => {
            let _ = std::io::stdout().write_all(output.as_bytes());
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("mqlscore: {message}");
            ExitCode::FAILURE
        }
    }
}

/// `--name value` options.
struct Args<'a>(&'a [String]);

impl Args<'_> {
    fn get(&self, name: &str) -> Option<&str> {
        let flag = format!("--{name}");
        self.0
            .iter()
            .position(|a| *a == flag)
            .and_then(|i| self.0.get(i + 1))
            .map(String::as_str)
    }

    fn require(&self, name: &str) -> Result<&str, String> {
        self.get(name)
            .ok_or_else(|| format!("--{name} is required\n{USAGE}"))
    }

    fn number(&self, name: &str, default: f64) -> Result<f64, String> {
        match self.get(name) {
            None => Ok(default),
            Some(v) => mqlscore::number::parse(v)
                .ok_or_else(|| format!("--{name}: \"{v}\" is not a number")),
        }
    }
}

fn read(path: &str) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))
}

fn load_model(path: &str) -> Result<(Json, Model), String> {
    let doc = Json::parse(&read(path)?).map_err(|e| format!("{path}: {e}"))?;
    let model = Model::compile(&doc).map_err(|e| format!("{path}: {e}"))?;
    Ok((doc, model))
}

fn load_leads(args: &Args) -> Result<Vec<Lead>, String> {
    match (args.get("data"), args.get("csv")) {
        (Some(path), None) => read_jsonl(&read(path)?).map_err(|e| format!("{path}: {e}")),
        (None, Some(path)) => {
            let mapping_path = args.require("mapping")?;
            let mapping =
                Json::parse(&read(mapping_path)?).map_err(|e| format!("{mapping_path}: {e}"))?;
            read_csv(&read(path)?, &mapping).map_err(|e| format!("{path}: {e}"))
        }
        _ => Err(format!(
            "give --data leads.jsonl, or --csv leads.csv with --mapping map.json\n{USAGE}"
        )),
    }
}

fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

fn opt3(x: Option<f64>) -> String {
    x.map_or("—".to_owned(), |v| format!("{v:.3}"))
}

fn cmd_train(raw: &[String]) -> Result<String, String> {
    let args = Args(raw);
    let mut o = String::new();
    let (doc, model) = load_model(args.require("model")?)?;
    let leads = load_leads(&args)?;
    let target = match (args.get("target-mql-rate"), args.get("target-precision")) {
        (_, Some(_)) => Target::Precision(args.number("target-precision", 0.4)?),
        _ => Target::MqlRate(args.number("target-mql-rate", 0.2)?),
    };
    let options = Options {
        seed: args.number("seed", 1.0)? as u64,
        l2: args.number("l2", 1.0)?,
        points_to_double: args.number("points-to-double", 20.0)?,
        folds: args.number("folds", 5.0)? as usize,
        target,
    };
    let t = train(&doc, &model, &leads, &options).map_err(|e| e.to_string())?;
    let r = &t.report;
    say!(o, "leads: {} used ({} converted, base rate {}); left out: {} disqualified, {} undated; {} events unreadable",
        r.census.used, r.converted, pct(r.converted as f64 / r.census.used as f64), r.census.disqualified, r.census.undated, r.census.bad_events);
    say!(
        o,
        "\nlearned points ({} points double the odds):",
        options.points_to_double
    );
    for w in &r.weights {
        say!(
            o,
            "  {:>8}  {:<20} (log-odds {:+.3} per unit)",
            format!("{:+}", w.points),
            w.feature.rule(),
            w.weight
        );
    }
    say!(o, "\nranking quality (ROC AUC): hand-written {} on all leads; learned {} cross-validated ({} folds)",
        opt3(r.hand_written.auc), opt3(r.cross_validated.auc), options.folds);
    say!(
        o,
        "hold-out (25%): learned AUC {}, log loss {}, Brier {}; hand-written AUC {}",
        opt3(r.hold_out.auc),
        opt3(r.hold_out.log_loss),
        opt3(r.hold_out.brier),
        opt3(r.hand_written_hold_out.auc)
    );
    let th = &r.threshold;
    say!(
        o,
        "\nrecommended MQL threshold: total >= {} ({})",
        th.score,
        match options.target {
            Target::MqlRate(x) => format!("at most {} of leads become MQLs", pct(x)),
            Target::Precision(x) => format!("at least {} of MQLs convert", pct(x)),
        }
    );
    say!(o, "  yields: MQL rate {}, MQL->conversion {}, recall of converted leads {}, lift {:.2}x over the base rate",
        pct(th.mql_rate), pct(th.precision), pct(th.recall), th.lift);
    say!(
        o,
        "lift by decile: {}",
        r.lift_by_decile
            .iter()
            .map(|l| format!("{l:.2}"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    say!(
        o,
        "calibration: probability = 1 / (1 + e^-({:.5} x score {:+.4}))",
        r.calibration.0,
        r.calibration.1
    );
    let text = t.model.to_pretty() + "\n";
    match args.get("out") {
        Some(path) => {
            std::fs::write(path, text).map_err(|e| format!("{path}: {e}"))?;
            say!(o, "\nwrote {path}");
        }
        None => say!(o, "\n{text}"),
    }
    Ok(o)
}

fn cmd_eval(raw: &[String]) -> Result<String, String> {
    let args = Args(raw);
    let mut o = String::new();
    let (_, model) = load_model(args.require("model")?)?;
    let leads = load_leads(&args)?;
    let (samples, census) = samples(&model, &leads);
    let outcomes: Vec<bool> = samples.iter().map(|s| s.converted).collect();
    let scores: Vec<f64> = samples.iter().map(|s| s.score).collect();
    let converted = outcomes.iter().filter(|o| **o).count();
    say!(
        o,
        "{}: {} leads scored ({} converted), {} disqualified, {} undated",
        model.key(),
        census.used,
        converted,
        census.disqualified,
        census.undated
    );
    say!(o, "ROC AUC {}", opt3(auc(&scores, &outcomes)));
    if let Some(c) = model.calibration {
        let p: Vec<f64> = scores.iter().map(|s| c.probability(*s)).collect();
        say!(
            o,
            "log loss {:.3}, Brier {:.3}",
            log_loss(&p, &outcomes),
            brier(&p, &outcomes)
        );
    }
    let mqls = samples.iter().filter(|s| s.mql).count();
    let hits = samples.iter().filter(|s| s.mql && s.converted).count();
    say!(
        o,
        "at the model's MQL definition: MQL rate {}, MQL->conversion {}, recall {}",
        pct(mqls as f64 / samples.len().max(1) as f64),
        pct(hits as f64 / mqls.max(1) as f64),
        pct(hits as f64 / converted.max(1) as f64)
    );
    say!(
        o,
        "lift by decile: {}",
        lift_by_decile(&scores, &outcomes)
            .iter()
            .map(|l| format!("{l:.2}"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    Ok(o)
}

fn cmd_replay(raw: &[String]) -> Result<String, String> {
    let args = Args(raw);
    let mut o = String::new();
    let (_, model) = load_model(args.require("model")?)?;
    let path = args.require("events")?;
    let now = match args.get("now") {
        Some(t) => Some(parse_iso8601(t).ok_or_else(|| format!("--now: \"{t}\" is not a date"))?),
        None => None,
    };
    let mut visitors: HashMap<String, Scorer> = HashMap::new();
    let mut by_day: std::collections::BTreeMap<i64, (usize, usize)> = Default::default();
    let (mut rejected, mut total) = (0, 0);
    for (n, line) in read(path)?.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        total += 1;
        let doc = Json::parse(line).map_err(|e| format!("{path}: line {}: {e}", n + 1))?;
        let who = ["userId", "anonymousId"]
            .iter()
            .find_map(|k| match doc.get(k) {
                Some(Json::Str(s)) => Some(s.clone()),
                _ => None,
            });
        let (Some(who), Ok(event)) = (who, Event::read(&doc, &model)) else {
            rejected += 1;
            continue;
        };
        let Some(at) = event.timestamp_ms.or(now) else {
            rejected += 1;
            continue;
        };
        let scorer = visitors
            .entry(who)
            .or_insert_with(|| Scorer::new(model.clone()));
        match scorer.ingest(&event, now.unwrap_or(at).max(at)) {
            Ok(card) => {
                let day = by_day
                    .entry((at / 86_400_000.0).floor() as i64)
                    .or_default();
                day.0 += 1;
                day.1 += usize::from(card.became_mql);
            }
            Err(_) => rejected += 1,
        }
    }
    say!(
        o,
        "{}: {total} events, {} visitors, {rejected} events rejected",
        model.key(),
        visitors.len()
    );
    say!(
        o,
        "{:<12} {:>8} {:>9} {:>11}",
        "day",
        "events",
        "new MQLs",
        "total MQLs"
    );
    let mut cumulative = 0;
    for (day, (events, mqls)) in by_day {
        cumulative += mqls;
        let date = mqlscore::time::iso_date(day as f64 * 86_400_000.0);
        say!(o, "{date:<12} {events:>8} {mqls:>9} {cumulative:>11}");
    }
    Ok(o)
}

fn cmd_generate(raw: &[String]) -> Result<String, String> {
    let args = Args(raw);
    let mut o = String::new();
    let (_, model) = load_model(
        args.get("model")
            .unwrap_or(concat!(env!("CARGO_MANIFEST_DIR"), "/models/b2b-saas.json")),
    )?;
    let n = args.number("leads", 5000.0)? as usize;
    let seed = args.number("seed", 7.0)? as u64;
    for lead in generate(&model, n, seed) {
        say!(o, "{}", to_jsonl(&lead));
    }
    Ok(o)
}
