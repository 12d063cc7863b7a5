//! `mqlscore`: learn a model's points from outcomes, evaluate a model, replay an event log,
//! generate labeled leads. `mqlscore help` lists the commands; `mqlscore help train` the
//! options of one.

use clap::{Args, Parser, Subcommand};
use mqlscore::document::ModelDocument;
use mqlscore::learn::{auc, brier, lift_by_decile, log_loss};
use mqlscore::learn::{export, generate_each, to_jsonl, Scenario};
use mqlscore::learn::{learn, Learned, ToTrain, Tuning};
use mqlscore::learn::{read_csv_from, read_jsonl_from, CsvMapping, Labels, Lead};
use mqlscore::learn::{samples, score_each, Options, Target, TrainOptions};
use mqlscore::parse_iso8601;
use mqlscore::{run_cases, CaseOutcome, Event, Json, Model, Scorer};
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
    Train(Box<TrainArgs>),
    /// Measure how well a model ranks labeled leads.
    Eval(EvalArgs),
    /// Score an event log (JSON Lines of Segment events) and count new MQLs by day.
    Replay(ReplayArgs),
    /// Write synthetic labeled leads (JSON Lines) drawn from a model, or with --export a CRM
    /// export (CSV and its mapping) whose true conversion probabilities are known.
    Generate(GenerateArgs),
    /// Score each lead of a file: one line per lead with its score, probability, grade, MQL
    /// flag and top reasons.
    Score(ScoreArgs),
    /// Compile a model for the small scoring module (mqlscore/lite): checked here, read there
    /// without a model-document reader.
    Compile(CompileArgs),
    /// Run the cases a model carries (`cases`: a visitor's events and what must come out);
    /// fails when any does not come out as expected.
    Test(TestArgs),
}

/// Where labeled leads come from.
#[derive(Args)]
struct Data {
    /// Leads as JSON Lines (`{"events": [...], "converted": true}` per line; `score` needs no
    /// `converted`).
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
    /// The model whose rules are weighed (JSON). Without it, the rules are proposed from the
    /// data (as with --propose).
    #[arg(long, value_name = "FILE")]
    model: Option<PathBuf>,
    #[command(flatten)]
    data: Data,
    /// Propose rules from the data's columns (each level of a text column, bins of a numeric
    /// one, steps of a count), added to --model's for the columns it does not read.
    #[arg(long)]
    propose: bool,
    /// The id of a proposed model [default: the data file's name].
    #[arg(long, value_name = "ID")]
    id: Option<String>,
    /// A level or bin needs at least this share of the rows for a rule of its own [default: 0.01].
    #[arg(long, value_name = "SHARE", allow_negative_numbers = true)]
    min_share: Option<f64>,
    /// And at least this many rows [default: 30].
    #[arg(long, value_name = "ROWS", allow_negative_numbers = true)]
    min_rows: Option<f64>,
    /// Quantile bins a numeric column starts from, before neighbours the data does not tell
    /// apart are merged, 2 to 50 [default: 10].
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    max_bins: Option<f64>,
    /// A cell value that means "not given", like an empty cell (repeatable) [default: Select,
    /// --, -, n/a, na, none, null, unknown, not specified].
    #[arg(long, value_name = "TEXT")]
    placeholder: Vec<String>,
    /// Most pairwise interactions to add as `all` rules where the data supports them, 0 to 32
    /// [default: 8].
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    interactions: Option<f64>,
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
struct ScoreArgs {
    /// The model to score with (JSON).
    #[arg(long, value_name = "FILE")]
    model: PathBuf,
    #[command(flatten)]
    data: Data,
    /// Output format: jsonl (one JSON object per lead) or csv.
    #[arg(long, value_name = "FORMAT", default_value = "jsonl", value_parser = ["jsonl", "csv"])]
    format: String,
    /// How many reasons to give per lead, largest first.
    #[arg(long, value_name = "N", default_value_t = 3)]
    reasons: usize,
}

#[derive(Args)]
struct CompileArgs {
    /// The model to compile (JSON).
    #[arg(long, value_name = "FILE")]
    model: PathBuf,
    /// Where to write the compiled model [default: the model's path with `.mqlc`].
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

#[derive(Args)]
struct TestArgs {
    /// The model whose cases are run (JSON).
    #[arg(long, value_name = "FILE")]
    model: PathBuf,
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
    /// Write a CRM export instead, with this structure: smooth, threshold, interaction,
    /// rare-levels, peak or crm (all of them). Needs --out.
    #[arg(
        long,
        value_name = "SCENARIO",
        requires = "out",
        conflicts_with = "model"
    )]
    export: Option<String>,
    /// The folder the export goes to (leads.csv, mapping.json).
    #[arg(long, value_name = "DIR", requires = "export")]
    out: Option<PathBuf>,
}

fn main() -> ExitCode {
    // clap exits with 2 on a usage error (unknown or misspelt flags included), printing why.
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Train(args) => cmd_train(&args),
        Command::Eval(args) => cmd_eval(&args),
        Command::Replay(args) => cmd_replay(&args),
        Command::Generate(args) => cmd_generate(&args),
        Command::Score(args) => cmd_score(&args),
        Command::Compile(args) => cmd_compile(&args),
        Command::Test(args) => cmd_test(&args),
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

/// A file to read as it streams.
fn open(path: &Path) -> Result<std::fs::File, String> {
    std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))
}

fn read(path: &Path) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    utf8(bytes).map_err(|why| format!("{}: {why}", path.display()))
}

/// The text of a file, or where it stops being UTF-8 (line and byte), so that the cell can be found.
fn utf8(bytes: Vec<u8>) -> Result<String, String> {
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let line = 1 + bytes[..at].iter().filter(|b| **b == b'\n').count();
        let column = at - bytes[..at].iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
        format!(
            "line {line}, byte {} of the line (byte {at} of the file): 0x{:02x} is not UTF-8; save the file as UTF-8 (a spreadsheet's \"CSV UTF-8\")",
            column + 1,
            bytes[at]
        )
    })
}

fn compile(text: &str, name: &str) -> Result<(ModelDocument, Model), String> {
    let doc = Json::parse(text).map_err(|e| format!("{name}: {e}"))?;
    let doc = ModelDocument::read(&doc).map_err(|e| format!("{name}: {e}"))?;
    let model = Model::from_document(&doc).map_err(|e| format!("{name}: {e}"))?;
    Ok((doc, model))
}

fn cmd_compile(args: &CompileArgs) -> Result<String, String> {
    let (_, model) = load_model(&args.model)?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| args.model.with_extension("mqlc"));
    let bytes = model.pack();
    std::fs::write(&out, &bytes).map_err(|e| format!("{}: {e}", out.display()))?;
    Ok(format!(
        "{}: {} compiled, {} bytes\n",
        out.display(),
        model.key(),
        bytes.len()
    ))
}

fn cmd_test(args: &TestArgs) -> Result<String, String> {
    let (doc, model) = load_model(&args.model)?;
    if doc.cases.is_empty() {
        return Err(format!(
            "{}: has no cases to run (see docs/testing.md)",
            args.model.display()
        ));
    }
    let outcomes = run_cases(&doc, &Arc::new(model));
    let mut o = String::new();
    for c in &outcomes {
        let mark = if c.passed() { "ok  " } else { "FAIL" };
        o.push_str(&format!("{mark} {}\n", c.name));
        for f in &c.failures {
            o.push_str(&format!("       {f}\n"));
        }
    }
    let failed = outcomes.iter().filter(|c| !c.passed()).count();
    let n = outcomes.len();
    let cases = if n == 1 { "case" } else { "cases" };
    o.push_str(&format!(
        "{n} {cases}: {} passed, {failed} failed\n",
        n - failed
    ));
    if failed > 0 {
        let _ = std::io::stdout().write_all(o.as_bytes());
        return Err(format!("{failed} of {} cases failed", outcomes.len()));
    }
    Ok(o)
}

fn load_model(path: &Path) -> Result<(ModelDocument, Model), String> {
    compile(&read(path)?, &path.display().to_string())
}

/// The leads, with the CSV mapping they were read with; `labels` says whether each must come
/// with its outcome (to learn and evaluate) or may not (to score).
fn load_leads_mapped(
    data: &Data,
    labels: Labels,
) -> Result<(Vec<Lead>, Option<CsvMapping>), String> {
    match (&data.data, &data.csv, &data.mapping) {
        (Some(path), _, _) => Ok((
            read_jsonl_from(open(path)?, labels).map_err(|e| format!("{}: {e}", path.display()))?,
            None,
        )),
        (None, Some(path), Some(mapping_path)) => {
            let name = mapping_path.display();
            let tree = Json::parse(&read(mapping_path)?).map_err(|e| format!("{name}: {e}"))?;
            let mapping: CsvMapping = tree.into_typed().map_err(|e| format!("{name}: {e}"))?;
            let leads = read_csv_from(open(path)?, &mapping, labels)
                .map_err(|e| format!("{}: {e}", path.display()))?;
            Ok((leads, Some(mapping)))
        }
        _ => Err("give --data leads.jsonl, or --csv leads.csv with --mapping map.json".to_owned()),
    }
}

/// What a row of the data is, as the report names it: the mapping's `rows`, or `leads`.
fn rows_called(mapping: Option<&CsvMapping>) -> String {
    mapping
        .and_then(|m| m.rows.clone())
        .unwrap_or_else(|| "leads".to_owned())
}

/// The data file's name without its extension, as an id (`crm-export`).
fn data_stem(data: &Data) -> String {
    data.data
        .as_ref()
        .or(data.csv.as_ref())
        .and_then(|p| p.file_stem())
        .map(|s| {
            s.to_string_lossy()
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '.' || c == '_' {
                        c
                    } else {
                        '-'
                    }
                })
                .take(64)
                .collect()
        })
        .unwrap_or_else(|| "learned".to_owned())
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
        propose: Some(args.propose),
        id: args.id.clone(),
        min_share: args.min_share,
        min_rows: args.min_rows,
        max_bins: args.max_bins,
        placeholders: (!args.placeholder.is_empty()).then(|| args.placeholder.clone()),
        interactions: args.interactions,
    };
    let options: Options = given
        .check()
        .map_err(|e| format!("{}: {}", flag(e.option), e.message))?;
    let proposal = given
        .proposal()
        .map_err(|e| format!("{}: {}", flag(e.option), e.message))?;
    let base = args.model.as_deref().map(load_model).transpose()?;
    let (leads, mapping) = load_leads_mapped(&args.data, Labels::Required)?;
    let id = args.id.clone().unwrap_or_else(|| data_stem(&args.data));
    let Learned {
        tuned,
        cases,
        proposed:
            ToTrain {
                doc,
                added,
                interactions,
                columns,
                ..
            },
        training: t,
    } = learn(
        base.map(|(doc, _)| doc),
        args.propose,
        &id,
        mapping.as_ref(),
        &leads,
        &proposal,
        &options,
        &Tuning::of(&given, &options, &proposal),
    )
    .map_err(|e| e.to_string())?;
    if args.propose || args.model.is_none() {
        if !columns.is_empty() {
            say!(
                o,
                "columns read (the mapping's `numeric` and `text` decide where they name one):"
            );
            for c in &columns {
                let how = if c.declared {
                    "as mapped"
                } else {
                    "from its values"
                };
                let held = if c.placeholders > 0 {
                    format!(", {} placeholder cells read as not given", c.placeholders)
                } else {
                    String::new()
                };
                let rules = if c.kind == "date" {
                    "no rule reads a date (map it to asOf or convertedAt)".to_owned()
                } else {
                    format!("{} rules", c.rules)
                };
                say!(o, "  {:<32} {:<12} {how}{held}; {rules}", c.name, c.kind);
            }
        }
        say!(o, "proposed {added} rules:");
        let fit = doc
            .fit
            .iter()
            .flat_map(|g| &g.rules)
            .map(|r| (&r.id, &r.label));
        let engagement = doc
            .engagement
            .iter()
            .flat_map(|g| &g.rules)
            .map(|r| (&r.id, &r.label));
        for (id, label) in fit.chain(engagement) {
            say!(o, "  {:<32} {}", id, label.as_deref().unwrap_or(""));
        }
        say!(
            o,
            "of which {} pairwise interactions the data supports{}",
            interactions.len(),
            interactions
                .iter()
                .map(|i| format!(
                    "\n  {} x {}: chi-squared {:.1} on {} {}",
                    i.rules.0,
                    i.rules.1,
                    i.statistic,
                    i.leads,
                    rows_called(mapping.as_ref())
                ))
                .collect::<String>()
        );
        say!(o);
    }
    let r = &t.report;
    let rows = rows_called(mapping.as_ref());
    say!(o, "{rows}: {} used ({} converted, base rate {}); left out: {} disqualified, {} undated, {} with a session of another model; {} events unreadable",
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
    let hand = match r.hand_written.auc {
        Some(auc) => format!("{auc:.3}"),
        None => format!("— (all {rows} score the same)"),
    };
    let recipe = if added > 0 {
        "rules proposed and points learned inside each fold"
    } else {
        "points learned inside each fold"
    };
    let sampled = if tuned.measured_on < leads.len() {
        format!(", on a sample of {} of the {rows}", tuned.measured_on)
    } else {
        String::new()
    };
    say!(o, "\nranking quality (ROC AUC): hand-written {hand} on all {rows}; learned {} cross-validated ({} folds, {recipe}{sampled})",
        opt3(r.cross_validated.auc), options.folds);
    if tuned.tried.len() > 1 {
        let tried: Vec<String> = tuned
            .tried
            .iter()
            .map(|(bins, l2, auc)| format!("{bins} bins, L2 {l2}: {}", opt3(*auc)))
            .collect();
        say!(
            o,
            "chosen by that cross-validation: {} bins, L2 {} (of {})",
            tuned.max_bins,
            tuned.l2,
            tried.join("; ")
        );
    }
    say!(
        o,
        "hold-out (25%): learned AUC {}, log loss {}, Brier {}; hand-written AUC {}",
        opt3(r.hold_out.auc),
        opt3(r.hold_out.log_loss),
        opt3(r.hold_out.brier),
        opt3(r.hand_written_hold_out.auc)
    );
    if !cases.is_empty() {
        let broken: Vec<&CaseOutcome> = cases.iter().filter(|c| !c.passed()).collect();
        say!(
            o,
            "the model's cases under the learned points: {} passed, {} broken",
            cases.len() - broken.len(),
            broken.len()
        );
        for c in broken {
            say!(o, "  broken: {}", c.name);
            for f in &c.failures {
                say!(o, "    {f}");
            }
        }
    }
    let th = &r.threshold;
    say!(
        o,
        "\nrecommended MQL threshold: total >= {} ({})",
        th.score,
        match options.target {
            Target::MqlRate(x) => format!("at most {} of {rows} become MQLs", pct(x)),
            Target::Precision(x) => format!("at least {} of MQLs convert", pct(x)),
        }
    );
    say!(o, "  yields: MQL rate {}, MQL->conversion {}, recall of converted {rows} {}, lift {:.2}x over the base rate",
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
        "probabilities out of fold, predicted -> observed by tenth: {}",
        r.reliability
            .iter()
            .map(|d| format!("{:.2}->{:.2}", d.predicted, d.observed))
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
    let (leads, mapping) = load_leads_mapped(&args.data, Labels::Required)?;
    let rows = rows_called(mapping.as_ref());
    let (samples, census) = samples(&model, &leads);
    if samples.is_empty() {
        return Err(format!(
            "no {rows} to evaluate: the data has {} ({} disqualified, {} undated, {} with a session of another model)",
            leads.len(),
            census.disqualified,
            census.undated,
            census.bad_sessions
        ));
    }
    let outcomes: Vec<bool> = samples.iter().map(|s| s.converted).collect();
    let scores: Vec<f64> = samples.iter().map(|s| s.score).collect();
    let converted = outcomes.iter().filter(|o| **o).count();
    say!(
        o,
        "{}: {} {rows} scored ({} converted), {} disqualified, {} undated",
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
    if let (Some(name), Some(dir)) = (&args.export, &args.out) {
        let scenario = Scenario::named(name).ok_or_else(|| {
            let names: Vec<&str> = Scenario::ALL.iter().map(|s| s.name()).collect();
            format!("--export: \"{name}\" is not one of {}", names.join(", "))
        })?;
        let export = export(scenario, args.leads, args.seed);
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        for (file, text) in [
            ("leads.csv", &export.csv),
            ("mapping.json", &export.mapping),
        ] {
            let path = dir.join(file);
            std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
        }
        say!(
            o,
            "{} rows of \"{}\" (true log-odds: {}) in {}: leads.csv (its last column, True Probability, is the answer, not in the mapping) and mapping.json",
            args.leads,
            scenario.name(),
            scenario.formula(),
            dir.display()
        );
        return Ok(o);
    }
    let (_, model) = match &args.model {
        Some(path) => load_model(path)?,
        None => compile(EXAMPLE_MODEL, "the built-in example model")?,
    };
    // Each lead's line is written as it is made: a million are never held at once.
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut written = Ok(());
    generate_each(&model, args.leads, args.seed, |lead| {
        if written.is_ok() {
            written = writeln!(out, "{}", to_jsonl(&lead));
        }
    });
    written
        .and_then(|()| out.flush())
        .map_err(|e| format!("writing the leads: {e}"))?;
    Ok(o)
}

fn cmd_score(args: &ScoreArgs) -> Result<String, String> {
    let (_, model) = load_model(&args.model)?;
    let (leads, _) = load_leads_mapped(&args.data, Labels::Optional)?;
    // Each lead's line is written as it is scored: a million are never held at once.
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    write_scores(args, &model, &leads, &mut out)
        .and_then(|()| out.flush())
        .map_err(|e| format!("writing the scores: {e}"))?;
    Ok(String::new())
}

/// The scores of `leads`, a line each (JSON Lines, or CSV with a header), in their order.
fn write_scores(
    args: &ScoreArgs,
    model: &Model,
    leads: &[Lead],
    out: &mut impl std::io::Write,
) -> std::io::Result<()> {
    enum Sink<'a, W: std::io::Write> {
        Table(Box<csv::Writer<&'a mut W>>),
        Lines(&'a mut W),
    }
    let mut sink = if args.format == "csv" {
        Sink::Table(Box::new(csv::Writer::from_writer(out)))
    } else {
        Sink::Lines(out)
    };
    if let Sink::Table(table) = &mut sink {
        table.write_record([
            "id",
            "score",
            "probability",
            "grade",
            "mql",
            "disqualifier",
            "reasons",
            "error",
        ])?;
    }
    score_each(model, leads, |lead, card| {
        let reasons: Vec<&str> = match &card {
            Ok(card) => card
                .reasons
                .iter()
                .take(args.reasons)
                .map(|r| r.sentence.as_str())
                .collect(),
            Err(_) => Vec::new(),
        };
        match &mut sink {
            Sink::Table(table) => {
                let record = match &card {
                    Ok(c) => [
                        lead.id.clone(),
                        c.score.to_string(),
                        c.probability.map_or(String::new(), |p| format!("{p:.4}")),
                        c.grade.to_string(),
                        c.mql.to_string(),
                        c.disqualifier
                            .as_ref()
                            .map_or(String::new(), |d| d.reason.clone()),
                        reasons.join("; "),
                        String::new(),
                    ],
                    Err(why) => {
                        let mut r: [String; 8] = Default::default();
                        r[0] = lead.id.clone();
                        r[7] = (*why).to_owned();
                        r
                    }
                };
                table.write_record(&record)?;
            }
            Sink::Lines(out) => {
                let line = match &card {
                    Ok(c) => serde_json::json!({
                        "id": lead.id,
                        "score": c.score,
                        "probability": c.probability.map(|p| (p * 10_000.0).round() / 10_000.0),
                        "grade": c.grade.to_string(),
                        "mql": c.mql,
                        "disqualifier": c.disqualifier.as_ref().map(|d| &d.reason),
                        "reasons": reasons,
                    }),
                    Err(why) => serde_json::json!({ "id": lead.id, "error": why }),
                };
                serde_json::to_writer(&mut **out, &whole_numbers(line))?;
                out.write_all(b"\n")?;
            }
        }
        Ok::<(), std::io::Error>(())
    })?;
    match sink {
        Sink::Table(mut table) => table.flush(),
        Sink::Lines(_) => Ok(()),
    }
}
