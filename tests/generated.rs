//! The JSON Schema of the model and the TypeScript declarations of everything that crosses the
//! boundary but events (the model, results, problems, restore notes, training options and
//! results) are generated from the Rust types.
//! `scripts/generate.sh` writes them; this test fails when a checked-in file differs from what
//! the types generate.

#![cfg(not(target_arch = "wasm32"))]

use mqlscore::document::ModelDocument;
use mqlscore::learn::{CsvMapping, TrainOptions, TrainResult};
use mqlscore::{BatchResult, CaseReport, Problem, RestoreNote, ScoreResult};
use schemars::generate::{Contract, SchemaSettings};
use schemars::JsonSchema;
use serde_json::{json, Map, Value};
use std::fmt::Write as _;
use std::path::PathBuf;

const SCHEMA_FILE: &str = "schema/model.schema.json";
const TYPES_FILE: &str = "src/wasm/generated.d.ts";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A draft-07 schema of `T`, without serde's `format` hints (`double`, `uint32`), which JSON
/// Schema validators do not know.
fn schema_of<T: JsonSchema>() -> Value {
    schema_with::<T>(Contract::Deserialize)
}

/// The schema of what the engine writes: a field that is always written is required, even
/// when it may be null.
fn output_schema_of<T: JsonSchema>() -> Value {
    schema_with::<T>(Contract::Serialize)
}

fn schema_with<T: JsonSchema>(contract: Contract) -> Value {
    let mut settings = SchemaSettings::draft07();
    settings.contract = contract;
    let schema = settings.into_generator().into_root_schema_for::<T>();
    let mut value = serde_json::to_value(schema).unwrap();
    strip_formats(&mut value);
    prune_definitions(&mut value);
    value
}

/// Drops definitions nothing refers to (the serde type both kinds of condition share is
/// described by each of them, not on its own).
fn prune_definitions(schema: &mut Value) {
    fn refs(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(r)) = map.get("$ref") {
                    out.push(r.rsplit('/').next().unwrap_or_default().to_owned());
                }
                map.values().for_each(|v| refs(v, out));
            }
            Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }
    let Some(Value::Object(defs)) = schema.get("definitions").cloned() else {
        return;
    };
    let mut top = schema.clone();
    top.as_object_mut().unwrap().remove("definitions");
    let mut wanted = Vec::new();
    refs(&top, &mut wanted);
    let mut i = 0;
    while i < wanted.len() {
        if let Some(def) = defs.get(&wanted[i]) {
            let mut more = Vec::new();
            refs(def, &mut more);
            for m in more {
                if !wanted.contains(&m) {
                    wanted.push(m);
                }
            }
        }
        i += 1;
    }
    let kept: Map<String, Value> = defs
        .into_iter()
        .filter(|(name, _)| wanted.contains(name))
        .collect();
    schema["definitions"] = Value::Object(kept);
}

fn strip_formats(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if map.get("format").is_some_and(Value::is_string) {
                map.remove("format");
            }
            map.values_mut().for_each(strip_formats);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_formats),
        _ => {}
    }
}

fn model_schema() -> Value {
    let mut schema = schema_of::<ModelDocument>();
    let map = schema.as_object_mut().unwrap();
    map.insert(
        "$id".into(),
        json!("https://mqlscore.dev/model.schema.json"),
    );
    map.insert(
        "description".into(),
        json!("A scoring model for mqlscore. Generated from the engine's types (scripts/generate.sh); the engine also checks what a schema cannot say: unique rule ids, minCount <= maxCount, grade cuts highest first, a range's lower bound below its upper bound."),
    );
    schema
}

/// TypeScript declarations for every named schema of these roots.
fn typescript(roots: &[(&str, Value)]) -> String {
    let mut out = String::from(
        "// Generated from the engine's Rust types by scripts/generate.sh; do not edit by hand.\n",
    );
    let mut seen = std::collections::BTreeSet::new();
    for (name, schema) in roots {
        if seen.insert(name.to_string()) {
            declare(&mut out, name, schema);
        }
        if let Some(Value::Object(defs)) = schema.get("definitions") {
            for (def, s) in defs {
                if seen.insert(def.clone()) {
                    declare(&mut out, def, s);
                }
            }
        }
    }
    out
}

fn doc_comment(out: &mut String, schema: &Value, indent: &str) {
    if let Some(Value::String(d)) = schema.get("description") {
        let _ = writeln!(
            out,
            "{indent}/** {} */",
            d.replace("*/", "*\\/").replace('\n', " ")
        );
    }
}

fn declare(out: &mut String, name: &str, schema: &Value) {
    out.push('\n');
    doc_comment(out, schema, "");
    let ty = type_of(schema, "");
    if ty.starts_with('{') && !ty.contains(" | ") {
        let _ = writeln!(out, "export interface {name} {ty}");
    } else {
        let _ = writeln!(out, "export type {name} = {ty};");
    }
}

/// Whether a subschema only constrains (required, not) and adds no type of its own.
fn constraint_only(schema: &Value) -> bool {
    schema
        .as_object()
        .is_some_and(|m| m.keys().all(|k| matches!(k.as_str(), "required" | "not")))
}

fn type_of(schema: &Value, indent: &str) -> String {
    let Some(map) = schema.as_object() else {
        return "unknown".into();
    };
    if let Some(Value::String(r)) = map.get("$ref") {
        return r.rsplit('/').next().unwrap_or("unknown").to_owned();
    }
    if let Some(Value::Array(all)) = map.get("allOf") {
        if let [only] = &all[..] {
            return type_of(only, indent);
        }
    }
    if let Some(value) = map.get("const") {
        return value.to_string();
    }
    if let Some(Value::Array(values)) = map.get("enum") {
        return values
            .iter()
            .map(|v| v.to_string())
            .collect::<Vec<_>>()
            .join(" | ");
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(Value::Array(alternatives)) = map.get(key) {
            let types: Vec<String> = alternatives
                .iter()
                .filter(|a| !constraint_only(a))
                .map(|a| type_of(a, indent))
                .collect();
            if !types.is_empty() && map.get("properties").is_none() {
                return types.join(" | ");
            }
        }
    }
    if let Some(Value::Array(types)) = map.get("type") {
        // `["number", "null"]`: an optional field may be given as null (read as absent).
        return types
            .iter()
            .map(|t| {
                let mut one = map.clone();
                one.insert("type".into(), t.clone());
                type_of(&Value::Object(one), indent)
            })
            .collect::<Vec<_>>()
            .join(" | ");
    }
    match map.get("type") {
        Some(Value::String(t)) if t == "object" => object(map, indent),
        Some(Value::String(t)) if t == "array" => {
            let item = map
                .get("items")
                .map_or("unknown".into(), |i| type_of(i, indent));
            if item.contains(' ') {
                format!("({item})[]")
            } else {
                format!("{item}[]")
            }
        }
        Some(Value::String(t)) if t == "number" || t == "integer" => "number".into(),
        Some(Value::String(t)) if t == "string" => "string".into(),
        Some(Value::String(t)) if t == "boolean" => "boolean".into(),
        Some(Value::String(t)) if t == "null" => "null".into(),
        _ if map.get("properties").is_some() => object(map, indent),
        _ => "unknown".into(),
    }
}

fn object(map: &Map<String, Value>, indent: &str) -> String {
    let empty = Map::new();
    let props = map
        .get("properties")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let required: Vec<&str> = map
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if props.is_empty() {
        let value = match map.get("additionalProperties") {
            Some(Value::Object(_)) => type_of(&map["additionalProperties"], indent),
            _ => "unknown".into(),
        };
        return format!("Record<string, {value}>");
    }
    let inner = format!("{indent}  ");
    let mut out = String::from("{\n");
    for (key, schema) in props {
        doc_comment(&mut out, schema, &inner);
        let name = if key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            key.clone()
        } else {
            format!("{key:?}")
        };
        let optional = if required.contains(&key.as_str()) {
            ""
        } else {
            "?"
        };
        let _ = writeln!(out, "{inner}{name}{optional}: {};", type_of(schema, &inner));
    }
    out.push_str(indent);
    out.push('}');
    out
}

fn generated() -> Vec<(&'static str, String)> {
    let schema = model_schema();
    let types = typescript(&[
        ("ScoringModel", schema.clone()),
        ("ScoreResult", output_schema_of::<ScoreResult>()),
        ("BatchResult", output_schema_of::<BatchResult>()),
        ("Problem", output_schema_of::<Problem>()),
        ("RestoreNote", output_schema_of::<RestoreNote>()),
        ("TrainOptions", schema_of::<TrainOptions>()),
        ("CsvMapping", schema_of::<CsvMapping>()),
        ("TrainResult", output_schema_of::<TrainResult>()),
        ("CaseReport", output_schema_of::<CaseReport>()),
    ]);
    vec![
        (
            SCHEMA_FILE,
            serde_json::to_string_pretty(&schema).unwrap() + "\n",
        ),
        (TYPES_FILE, types),
    ]
}

#[test]
fn checked_in_schema_and_types_are_what_the_rust_types_generate() {
    let write = std::env::var_os("MQL_WRITE_GENERATED").is_some();
    let mut stale = Vec::new();
    for (file, text) in generated() {
        let path = root().join(file);
        if write {
            std::fs::write(&path, &text).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            stale.push(file);
        }
    }
    assert!(
        stale.is_empty(),
        "{stale:?} differ from what the Rust types generate: run scripts/generate.sh"
    );
}

#[test]
fn the_schema_tells_trait_conditions_from_event_conditions() {
    let schema = model_schema();
    let defs = &schema["definitions"];
    let test_of = |name: &str| defs[name]["oneOf"][3]["properties"].clone();
    assert!(test_of("TraitCondition").get("trait").is_some());
    assert!(test_of("TraitCondition").get("property").is_none());
    assert!(test_of("EventCondition").get("context").is_some());
    assert!(test_of("EventCondition").get("trait").is_none());
}
