//! `mqlscore`: learn a model's points from outcomes, evaluate a model, replay an event log,
//! generate labeled leads. `mqlscore help` lists the commands; `mqlscore help train` the
//! options of one.

use clap::{Args, Parser, Subcommand};
use mqlscore::document::ModelDocument;
use mqlscore::learn::{auc, brier, lift_by_decile, log_loss};
use mqlscore::learn::{generate, to_jsonl};
use mqlscore::learn::{read_csv, read_jsonl, CsvMapping, Lead};
use mqlscore::learn::{samples, train, Options, Target, TrainOptions};
use mqlscore::parse_iso8601;
use mqlscore::{Event, Json, Model, Scorer};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

/// Appends a line to the command's output (written at the end, so a closed pipe is no panic).
macro_rules! say {
    ($out:expr) => {{ let _ = writeln!($out); }};
    ($out:expr, $($arg:tt)*) => {{ let _ = writeln!($out, $($arg)*); }};
}

/// The example model `generate` uses when given none (built into the binary, so that it works
/// wherever the binary is installed).
const EXAMPLE_MODEL: &str = include_str!("../../models/b2b-saas.json");

#[derive(Parser)]
#[command(
    name = "mqlscore",
    version,
    about = "Lead scoring: learn a model's points from outcomes, evaluate it, replay an event log."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Learn the points of a model from labeled leads; print what was learned and the model.
    Train(TrainArgs),
    /// Measure how well a model ranks labeled leads.
    Eval(EvalArgs),
    /// Score an event log (JSON Lines of Segment events) and count new MQLs by day.
    Replay(ReplayArgs),
    /// Write synthetic labeled leads (JSON Lines) drawn from a model.
    Generate(GenerateArgs),
}

/// Where labeled leads come from.
#[derive(Args)]
struct Data {
    /// Labeled leads as JSON Lines (`{"events": [...], "converted": true}` per line).
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with = "csv",
        required_unless_present = "csv"
    )]
    data: Option<PathBuf>,
    /// A CRM export as CSV (needs --mapping).
    #[arg(long, value_name = "FILE", requires = "mapping")]
    csv: Option<PathBuf>,
    /// Which CSV column is what (JSON; see docs).
    #[arg(long, value_name = "FILE", requires = "csv")]
    mapping: Option<PathBuf>,
}

#[derive(Args)]
struct TrainArgs {
    /// The model whose rules are weighed (JSON).
    #[arg(long, value_name = "FILE")]
    model: PathBuf,
    #[command(flatten)]
    data: Data,
    /// Write the learned model here instead of printing it.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Recommend the threshold at which at most this share of leads are MQLs [default: 0.2].
    #[arg(
        long,
        value_name = "SHARE",
        conflicts_with = "target_precision",
        allow_negative_numbers = true
    )]
    target_mql_rate: Option<f64>,
    /// Recommend the threshold at which at least this share of MQLs convert.
    #[arg(long, value_name = "SHARE", allow_negative_numbers = true)]
    target_precision: Option<f64>,
    /// Seed of the cross-validation folds [default: 1].
    #[arg(long, allow_negative_numbers = true)]
    seed: Option<f64>,
    /// L2 penalty on the weights, above 0 [default: 1].
    #[arg(long, allow_negative_numbers = true)]
    l2: Option<f64>,
    /// Points that double the odds of converting [default: 20].
    #[arg(long, allow_negative_numbers = true)]
    points_to_double: Option<f64>,
    /// Folds of the cross-validation, 2 to 20 [default: 5].
    #[arg(long, allow_negative_numbers = true)]
    folds: Option<f64>,
}

#[derive(Args)]
struct EvalArgs {
    /// The model to evaluate (JSON).
    #[arg(long, value_name = "FILE")]
    model: PathBuf,
    #[command(flatten)]
    data: Data,
}

#[derive(Args)]
struct ReplayArgs {
    /// The model to score with (JSON).
    #[arg(long, value_name = "FILE")]
    model: PathBuf,
    /// The event log: Segment events as JSON Lines, each with userId or anonymousId.
    #[arg(long, value_name = "FILE")]
    events: PathBuf,
    /// Score at this time (ISO-8601) instead of each event's own.
    #[arg(long, value_name = "TIME")]
    now: Option<String>,
}

#[derive(Args)]
struct GenerateArgs {
    /// The model whose rules the leads exercise [default: the built-in b2b-saas example].
    #[arg(long, value_name = "FILE")]
    model: Option<PathBuf>,
    /// How many leads.
    #[arg(long, default_value_t = 5000)]
    leads: usize,
    /// Seed of the generator.
    #[arg(long, default_value_t = 7)]
    seed: u64,
}

fn main() -> ExitCode {
    // clap exits with 2 on a usage error (unknown or misspelt flags included), printing why.
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Train(args) => cmd_train(&args),
        Command::Eval(args) => cmd_eval(&args),
        Command::Replay(args) => cmd_replay(&args),
        Command::Generate(args) => cmd_generate(&args),
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

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

fn compile(text: &str, name: &str) -> Result<(ModelDocument, Model), String> {
    let doc = Json::parse(text).map_err(|e| format!("{name}: {e}"))?;
    let doc = ModelDocument::read(&doc).map_err(|e| format!("{name}: {e}"))?;
    let model = Model::from_document(&doc).map_err(|e| format!("{name}: {e}"))?;
    Ok((doc, model))
}

fn load_model(path: &Path) -> Result<(ModelDocument, Model), String> {
    compile(&read(path)?, &path.display().to_string())
}

fn load_leads(data: &Data) -> Result<Vec<Lead>, String> {
    match (&data.data, &data.csv, &data.mapping) {
        (Some(path), _, _) => {
            read_jsonl(&read(path)?).map_err(|e| format!("{}: {e}", path.display()))
        }
        (None, Some(path), Some(mapping_path)) => {
            let name = mapping_path.display();
            let tree = Json::parse(&read(mapping_path)?).map_err(|e| format!("{name}: {e}"))?;
            let mapping: CsvMapping = tree.into_typed().map_err(|e| format!("{name}: {e}"))?;
            read_csv(&read(path)?, &mapping).map_err(|e| format!("{}: {e}", path.display()))
        }
        _ => Err("give --data leads.jsonl, or --csv leads.csv with --mapping map.json".to_owned()),
    }
}

/// Numbers with no fraction written as people write them (`20`, not `20.0`); all others exact.
fn whole_numbers(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Number(n) => match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 9e15 => Value::from(f as i64),
            _ => Value::Number(n),
        },
        Value::Array(items) => Value::Array(items.into_iter().map(whole_numbers).collect()),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, whole_numbers(v)))
                .collect(),
        ),
        other => other,
    }
}

/// The flag a training option comes from (`targetMqlRate` is `--target-mql-rate`).
fn flag(option: &str) -> String {
    let mut out = String::from("--");
    for c in option.chars() {
        if c.is_ascii_uppercase() {
            out.push('-');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

fn opt3(x: Option<f64>) -> String {
    x.map_or("—".to_owned(), |v| format!("{v:.3}"))
}

fn cmd_train(args: &TrainArgs) -> Result<String, String> {
    let mut o = String::new();
    let given = TrainOptions {
        seed: args.seed,
        l2: args.l2,
        points_to_double: args.points_to_double,
        folds: args.folds,
        target_mql_rate: args.target_mql_rate,
        target_precision: args.target_precision,
        csv_mapping: None,
    };
    let options: Options = given
        .check()
        .map_err(|e| format!("{}: {}", flag(e.option), e.message))?;
    let (doc, model) = load_model(&args.model)?;
    let leads = load_leads(&args.data)?;
    let t = train(&doc, &model, &leads, &options).map_err(|e| e.to_string())?;
    let r = &t.report;
    say!(o, "leads: {} used ({} converted, base rate {}); left out: {} disqualified, {} undated, {} with a session of another model; {} events unreadable",
        r.census.used, r.converted, pct(r.converted as f64 / r.census.used as f64), r.census.disqualified, r.census.undated, r.census.bad_sessions, r.census.bad_events);
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
    let text = serde_json::to_string_pretty(&whole_numbers(
        serde_json::to_value(&t.model).map_err(|e| e.to_string())?,
    ))
    .map_err(|e| e.to_string())?
        + "\n";
    match &args.out {
        Some(path) => {
            std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))?;
            say!(o, "\nwrote {}", path.display());
        }
        None => say!(o, "\n{text}"),
    }
    Ok(o)
}

fn cmd_eval(args: &EvalArgs) -> Result<String, String> {
    let mut o = String::new();
    let (_, model) = load_model(&args.model)?;
    let leads = load_leads(&args.data)?;
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

fn cmd_replay(args: &ReplayArgs) -> Result<String, String> {
    let mut o = String::new();
    let (_, model) = load_model(&args.model)?;
    let path = &args.events;
    let now = match &args.now {
        Some(t) => Some(parse_iso8601(t).ok_or_else(|| format!("--now: \"{t}\" is not a date"))?),
        None => None,
    };
    // Compiled once, shared by every visitor's scorer.
    let shared = Arc::new(model.clone());
    let mut visitors: HashMap<String, Scorer> = HashMap::new();
    let mut by_day: std::collections::BTreeMap<i64, (usize, usize)> = Default::default();
    let (mut rejected, mut total) = (0, 0);
    for (n, line) in read(path)?.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        total += 1;
        let doc =
            Json::parse(line).map_err(|e| format!("{}: line {}: {e}", path.display(), n + 1))?;
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
            .or_insert_with(|| Scorer::new(Arc::clone(&shared)));
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
        let date = mqlscore::iso_date(day as f64 * 86_400_000.0);
        say!(o, "{date:<12} {events:>8} {mqls:>9} {cumulative:>11}");
    }
    Ok(o)
}

fn cmd_generate(args: &GenerateArgs) -> Result<String, String> {
    let mut o = String::new();
    let (_, model) = match &args.model {
        Some(path) => load_model(path)?,
        None => compile(EXAMPLE_MODEL, "the built-in example model")?,
    };
    for lead in generate(&model, args.leads, args.seed) {
        say!(o, "{}", to_jsonl(&lead));
    }
    Ok(o)
}
