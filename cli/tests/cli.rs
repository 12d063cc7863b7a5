//! The `mqlscore` command line, run as a user runs it.
#![cfg(not(target_arch = "wasm32"))]

use std::process::Command;

/// A fresh folder for one test's files.
fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("mqlscore-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs the command from the repository's root (where `models/` and `examples/` are).
fn run(args: &[&str]) -> (bool, String, String) {
    run_in(concat!(env!("CARGO_MANIFEST_DIR"), "/.."), args)
}

fn run_in(dir: impl AsRef<std::path::Path>, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_mqlscore"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn generate_train_eval_on_json_lines() {
    let dir = scratch("cli");
    let (ok, leads, _) = run(&["generate", "--leads", "1500", "--seed", "3"]);
    assert!(ok);
    let data = dir.join("leads.jsonl");
    std::fs::write(&data, &leads).unwrap();
    let learned = dir.join("learned.json");
    let (ok, out, err) = run(&[
        "train",
        "--model",
        "models/b2b-saas.json",
        "--data",
        data.to_str().unwrap(),
        "--out",
        learned.to_str().unwrap(),
        "--target-precision",
        "0.5",
    ]);
    assert!(ok, "{err}");
    assert!(
        out.contains("recommended MQL threshold: total >= "),
        "{out}"
    );
    assert!(out.contains("at least 50.0% of MQLs convert"), "{out}");
    let (ok, again, _) = run(&[
        "train",
        "--model",
        "models/b2b-saas.json",
        "--data",
        data.to_str().unwrap(),
        "--target-precision",
        "0.5",
    ]);
    assert!(
        ok && again.contains(&std::fs::read_to_string(&learned).unwrap()),
        "training is reproducible"
    );
    let (ok, eval, err) = run(&[
        "eval",
        "--model",
        learned.to_str().unwrap(),
        "--data",
        data.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    assert!(
        eval.starts_with("b2b-saas@1-learned-1: 1500 leads scored"),
        "{eval}"
    );
    assert!(
        eval.contains("log loss"),
        "a learned model is calibrated: {eval}"
    );
}

#[test]
fn train_on_a_csv_export_and_refuse_with_little_data() {
    let dir = scratch("csv");
    let mut csv = String::from("id,title,employees,won,pricing,demo,last\n");
    for i in 0..40 {
        let won = if i % 3 == 0 { "yes" } else { "no" };
        csv += &format!(
            "{i},VP Sales,{},{won},{},{},2026-10-01T00:00:00Z\n",
            50 + i * 10,
            i % 4,
            i % 3 == 0
        );
    }
    let csv = csv.replace(",true,", ",1,").replace(",false,", ",0,");
    std::fs::write(dir.join("leads.csv"), csv).unwrap();
    std::fs::write(
        dir.join("map.json"),
        r#"{"id":"id","converted":{"column":"won","values":["yes"]},"asOf":"last",
        "traits":{"title":"title","employees":"company.employees"},"numeric":["employees"],
        "counts":{"pricing":{"page":"/pricing"},"demo":{"track":"Demo Requested"}}}"#,
    )
    .unwrap();
    let (ok, _, err) = run(&[
        "train",
        "--model",
        "models/b2b-saas.json",
        "--csv",
        dir.join("leads.csv").to_str().unwrap(),
        "--mapping",
        dir.join("map.json").to_str().unwrap(),
    ]);
    assert!(!ok);
    assert!(
        err.starts_with(
            "mqlscore: too little data to learn from: 14 converted and 26 did not, among 40 leads"
        ),
        "{err}"
    );
    let (ok, out, err) = run(&[
        "eval",
        "--model",
        "models/b2b-saas.json",
        "--csv",
        dir.join("leads.csv").to_str().unwrap(),
        "--mapping",
        dir.join("map.json").to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    assert!(out.contains("40 leads scored (14 converted)"), "{out}");
}

#[test]
fn replay_counts_mqls_by_day() {
    let dir = scratch("replay");
    let mut log = String::new();
    for v in 0..3 {
        for (i, path) in ["/", "/product", "/pricing", "/pricing"].iter().enumerate() {
            log += &format!(
                r#"{{"type":"page","userId":"u{v}","messageId":"m{v}-{i}","timestamp":"2026-11-0{}T10:0{i}:00Z","properties":{{"path":"{path}"}}}}"#,
                v + 1
            );
            log.push('\n');
        }
    }
    log += "{\"type\":\"page\"}\n";
    std::fs::write(dir.join("events.jsonl"), log).unwrap();
    let (ok, out, err) = run(&[
        "replay",
        "--model",
        "models/b2b-saas.json",
        "--events",
        dir.join("events.jsonl").to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    assert!(
        out.starts_with("b2b-saas@1: 13 events, 3 visitors, 1 events rejected"),
        "{out}"
    );
    let last: Vec<&str> = out.lines().last().unwrap().split_whitespace().collect();
    assert_eq!(last, ["2026-11-03", "4", "1", "3"], "{out}");
}

#[test]
fn usage_errors_exit_2() {
    let out = Command::new(env!("CARGO_BIN_EXE_mqlscore"))
        .arg("fly")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

// Each of the following was a bug of the hand-written argument parser (issue 10).

#[test]
fn an_unknown_or_misspelt_flag_is_an_error_not_ignored() {
    let out = Command::new(env!("CARGO_BIN_EXE_mqlscore"))
        .args([
            "eval",
            "--model",
            "models/b2b-saas.json",
            "--data",
            "x.jsonl",
            "--foldz",
            "3",
        ])
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unexpected argument '--foldz'"), "{err}");
}

#[test]
fn flag_equals_value_is_understood() {
    let (ok, out, err) = run(&[
        "eval",
        "--model=models/b2b-saas.json",
        "--csv=examples/crm-export.csv",
        "--mapping=examples/crm-mapping.json",
    ]);
    assert!(ok, "{err}");
    assert!(out.starts_with("b2b-saas@1: 400 leads scored"), "{out}");
}

#[test]
fn training_options_out_of_bounds_are_refused_naming_the_flag() {
    for (flag, value, message) in [
        (
            "--folds",
            "0",
            "--folds: must be a whole number from 2 to 20",
        ),
        (
            "--folds",
            "1",
            "--folds: must be a whole number from 2 to 20",
        ),
        (
            "--folds",
            "2.5",
            "--folds: must be a whole number from 2 to 20",
        ),
        ("--l2", "0", "--l2: must be a number greater than 0"),
        (
            "--target-mql-rate",
            "1.5",
            "--target-mql-rate: must be a share above 0 and at most 1 (0.2 is 20%)",
        ),
        (
            "--seed",
            "-1",
            "--seed: must be a whole number from 0 to 2^53 - 1",
        ),
    ] {
        let (ok, _, err) = run(&[
            "train",
            "--model",
            "models/b2b-saas.json",
            "--csv",
            "examples/crm-export.csv",
            "--mapping",
            "examples/crm-mapping.json",
            flag,
            value,
        ]);
        assert!(!ok, "{flag} {value} was accepted");
        assert_eq!(err.trim(), format!("mqlscore: {message}"), "{flag} {value}");
    }
}

#[test]
fn help_is_generated_and_clean() {
    let (ok, out, _) = run(&["help", "train"]);
    assert!(ok);
    assert!(out.contains("--target-precision <SHARE>"), "{out}");
    assert!(!out.contains("```"), "no stray code fence: {out}");
}

#[test]
fn generate_works_wherever_the_binary_runs() {
    let dir = scratch("elsewhere");
    let (ok, out, err) = run_in(&dir, &["generate", "--leads", "3"]);
    assert!(ok, "{err}");
    assert_eq!(out.lines().count(), 3);
}

#[test]
fn the_readme_csv_example_trains() {
    let (ok, out, err) = run(&[
        "train",
        "--model",
        "models/b2b-saas.json",
        "--csv",
        "examples/crm-export.csv",
        "--mapping",
        "examples/crm-mapping.json",
        "--target-mql-rate",
        "0.2",
    ]);
    assert!(ok, "{err}");
    assert!(out.starts_with("leads: 400 used (119 converted"), "{out}");
    assert!(
        out.contains("\"calibration\""),
        "the learned model is printed: {out}"
    );
}

#[test]
fn the_commands_in_the_learning_doc_run_as_written() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let page = std::fs::read_to_string(format!("{root}/docs/learning.md")).unwrap();
    let block = page
        .split("```sh\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("a sh block in docs/learning.md");
    let dir = scratch("docs");
    for shared in ["models", "examples"] {
        let link = dir.join(shared);
        if !link.exists() {
            std::os::unix::fs::symlink(format!("{root}/{shared}"), link).unwrap();
        }
    }
    let script = block.replace("\\\n", " ").replace(
        "cargo run --release -p mqlscore-cli --",
        env!("CARGO_BIN_EXE_mqlscore"),
    );
    let mut ran = 0;
    for line in script.lines().filter(|l| !l.trim().is_empty()) {
        let out = Command::new("sh")
            .args(["-c", line])
            .current_dir(&dir)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{line}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        ran += 1;
    }
    assert_eq!(ran, 7, "every command of the page ran");
    let learned = std::fs::read_to_string(dir.join("learned.json")).unwrap();
    assert!(learned.contains("\"calibration\""), "{learned}");
}

#[test]
fn a_crm_export_becomes_a_model_without_one_and_each_lead_is_scored() {
    let dir = scratch("propose");
    let out_model = dir.join("proposed.json");
    let (ok, out, err) = run(&[
        "train",
        "--csv",
        "examples/crm-export.csv",
        "--mapping",
        "examples/crm-mapping.json",
        "--min-rows",
        "10",
        "--out",
        out_model.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    assert!(out.starts_with("columns read "), "{out}");
    assert!(
        out.contains("  Employees                        number       as mapped; 1 rules"),
        "{out}"
    );
    assert!(out.contains("\nproposed "), "{out}");
    // Senior titles convert alike and share a rule; industries do not differ here, and get none.
    assert!(
        out.contains("Job Title is VP Marketing, Head of Growth, CEO or Sales Director"),
        "{out}"
    );
    assert!(
        out.contains("  Industry                         text         from its values; 0 rules"),
        "{out}"
    );
    assert!(out.contains("Pricing Page Views: at least once"), "{out}");
    assert!(
        out.contains("hand-written — (all leads score the same)"),
        "{out}"
    );
    let model = std::fs::read_to_string(&out_model).unwrap();
    assert!(model.contains(r#""id": "crm-export""#), "{model}");
    assert!(model.contains(r#""calibration""#), "{model}");

    let (ok, lines, err) = run(&[
        "score",
        "--model",
        out_model.to_str().unwrap(),
        "--csv",
        "examples/crm-export.csv",
        "--mapping",
        "examples/crm-mapping.json",
    ]);
    assert!(ok, "{err}");
    let rows: Vec<serde_json::Value> = lines
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 400, "one line per lead");
    assert_eq!(rows[0]["id"], "L1000");
    for row in &rows {
        let p = row["probability"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&p), "{row}");
        assert!(row["reasons"].as_array().unwrap().len() <= 3, "{row}");
        assert!(row["grade"].as_str().unwrap().len() == 2, "{row}");
    }
    let mqls = rows.iter().filter(|r| r["mql"] == true).count();
    assert!(
        (40..=120).contains(&mqls),
        "about the recommended 20% are MQLs: {mqls}"
    );
    let top = rows
        .iter()
        .max_by(|a, b| {
            a["score"]
                .as_f64()
                .unwrap()
                .total_cmp(&b["score"].as_f64().unwrap())
        })
        .unwrap();
    assert!(!top["reasons"].as_array().unwrap().is_empty(), "{top}");

    let (ok, csv, err) = run(&[
        "score",
        "--model",
        out_model.to_str().unwrap(),
        "--csv",
        "examples/crm-export.csv",
        "--mapping",
        "examples/crm-mapping.json",
        "--format",
        "csv",
        "--reasons",
        "1",
    ]);
    assert!(ok, "{err}");
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "id",
            "score",
            "probability",
            "grade",
            "mql",
            "disqualifier",
            "reasons",
            "error"
        ]
    );
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 400);
    assert!(
        records.iter().all(|r| !r[6].contains("; ")),
        "one reason each"
    );
    let (ok, _, err) = run(&[
        "score",
        "--model",
        "models/b2b-saas.json",
        "--format",
        "xml",
        "--data",
        "x",
    ]);
    assert!(!ok && err.contains("xml"), "{err}");
}

/// Unlabelled leads are what `score` is for: the outcome column absent from the CSV or from
/// the mapping, or `converted` absent from a JSON Lines line (each was refused before).
#[test]
fn score_reads_leads_without_an_outcome() {
    let dir = scratch("unlabelled");
    let export = std::fs::read_to_string("../examples/crm-export.csv").unwrap();
    let mapping = std::fs::read_to_string("../examples/crm-mapping.json").unwrap();
    let mapping: serde_json::Value = serde_json::from_str(&mapping).unwrap();
    let outcome = mapping["converted"]["column"].as_str().unwrap().to_owned();
    let header: Vec<&str> = export.lines().next().unwrap().split(',').collect();
    let at = header.iter().position(|h| *h == outcome).unwrap();
    let without_column: String = export
        .lines()
        .map(|line| {
            let mut cells: Vec<&str> = line.split(',').collect();
            cells.remove(at);
            cells.join(",") + "\n"
        })
        .collect();
    let csv = dir.join("no-outcome.csv");
    std::fs::write(&csv, without_column).unwrap();
    let mut unmapped = mapping.clone();
    unmapped.as_object_mut().unwrap().remove("converted");
    let unmapped_path = dir.join("no-outcome-mapping.json");
    std::fs::write(&unmapped_path, unmapped.to_string()).unwrap();
    let model = "models/b2b-saas.json";
    for (data, map) in [
        (csv.to_str().unwrap(), "examples/crm-mapping.json"),
        ("examples/crm-export.csv", unmapped_path.to_str().unwrap()),
    ] {
        let (ok, lines, err) = run(&["score", "--model", model, "--csv", data, "--mapping", map]);
        assert!(ok, "{data} with {map}: {err}");
        assert_eq!(lines.lines().count(), 400, "one line per lead");
    }
    // Learning still needs the outcome, and says which.
    let (ok, _, err) = run(&[
        "eval",
        "--model",
        model,
        "--csv",
        "examples/crm-export.csv",
        "--mapping",
        unmapped_path.to_str().unwrap(),
    ]);
    assert!(!ok);
    assert!(err.contains("mapping.converted: missing"), "{err}");

    let jsonl = dir.join("unlabelled.jsonl");
    std::fs::write(
        &jsonl,
        "{\"id\":\"a\",\"events\":[{\"type\":\"page\",\"properties\":{\"path\":\"/pricing\"},\"timestamp\":\"2026-10-01T00:00:00Z\"}]}\n",
    )
    .unwrap();
    let (ok, lines, err) = run(&["score", "--model", model, "--data", jsonl.to_str().unwrap()]);
    assert!(ok, "{err}");
    let row: serde_json::Value = serde_json::from_str(lines.trim()).unwrap();
    assert_eq!(row["id"], "a");
    let (ok, _, err) = run(&["eval", "--model", model, "--data", jsonl.to_str().unwrap()]);
    assert!(!ok);
    assert!(err.contains("line 1: converted: missing"), "{err}");
}

/// A row with fewer cells than the header once read its missing outcome as "not converted".
#[test]
fn a_short_csv_row_is_an_error_naming_it() {
    let dir = scratch("short-row");
    let csv = dir.join("short.csv");
    std::fs::write(&csv, "Title,Employees,Won\nVP Sales,250,yes\nEngineer,40\n").unwrap();
    let mapping = dir.join("mapping.json");
    std::fs::write(
        &mapping,
        r#"{"converted":{"column":"Won"},"traits":{"Title":"title"}}"#,
    )
    .unwrap();
    for command in ["eval", "score"] {
        let (ok, _, err) = run(&[
            command,
            "--model",
            "models/b2b-saas.json",
            "--csv",
            csv.to_str().unwrap(),
            "--mapping",
            mapping.to_str().unwrap(),
        ]);
        assert!(!ok, "{command}");
        assert!(
            err.contains("row 3: has 2 cells where the header has 3"),
            "{command}: {err}"
        );
    }
}

/// `eval` of the demo model on a CSV of `Title` and `Won` columns (mapped to `title` and the
/// outcome), written to a scratch folder `name`.
fn eval_titles_and_outcomes(name: &str, csv_bytes: &[u8]) -> (bool, String, String) {
    let dir = scratch(name);
    let csv = dir.join("leads.csv");
    std::fs::write(&csv, csv_bytes).unwrap();
    let mapping = dir.join("mapping.json");
    std::fs::write(
        &mapping,
        r#"{"converted":{"column":"Won"},"traits":{"Title":"title"}}"#,
    )
    .unwrap();
    run(&[
        "eval",
        "--model",
        "models/b2b-saas.json",
        "--csv",
        csv.to_str().unwrap(),
        "--mapping",
        mapping.to_str().unwrap(),
    ])
}

/// `eval` on a file with no lead once exited 0 with `log loss -0.000, Brier -0.000`.
#[test]
fn eval_without_leads_is_an_error() {
    let (ok, out, err) = eval_titles_and_outcomes("header-only", b"Title,Won\n");
    assert!(!ok, "{out}");
    assert!(!out.contains("-0.000"), "{out}");
    assert!(
        err.contains("no leads to evaluate: the data has 0"),
        "{err}"
    );
}

/// A byte that is not UTF-8 is found by line and byte, not only "stream did not contain valid UTF-8".
#[test]
fn a_csv_that_is_not_utf8_says_where() {
    let (ok, _, err) = eval_titles_and_outcomes(
        "latin1",
        b"Title,Won\nVP Sales,yes\nDirecteur g\xe9n\xe9ral,no\n",
    );
    assert!(!ok);
    assert!(
        err.contains("line 3, byte 12 of the line (byte 34 of the file): 0xe9 is not UTF-8"),
        "{err}"
    );
}

#[test]
fn compile_writes_a_model_the_engine_reads_back_equal_and_refuses_a_bad_one() {
    let dir = scratch("compile");
    let out = dir.join("b2b.mqlc");
    let (ok, said, err) = run(&[
        "compile",
        "--model",
        "models/b2b-saas.json",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    assert!(said.contains("b2b-saas@1 compiled"), "{said}");
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../models/b2b-saas.json"
    ))
    .unwrap();
    let model = mqlscore::Model::compile(&mqlscore::Json::parse(&text).unwrap()).unwrap();
    let bytes = std::fs::read(&out).unwrap();
    assert_eq!(mqlscore::Model::unpack(&bytes), Ok(model));

    let bad = dir.join("bad.json");
    std::fs::write(&bad, text.replace("\"maxCount\": 10", "\"maxCount\": 0")).unwrap();
    let (ok, _, err) = run(&["compile", "--model", bad.to_str().unwrap()]);
    assert!(!ok);
    assert!(err.contains("engagement.rules[0].maxCount"), "{err}");
    assert!(!bad.with_extension("mqlc").exists());
}
