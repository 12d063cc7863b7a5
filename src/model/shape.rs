//! Reading a model document's shape: the JSON tree read into the serde types of
//! [`ModelDocument`], with every problem of shape listed (the part that does not fit is set
//! aside, and reading goes on).

use super::check::join;
use super::document::ModelDocument;
use crate::errors::{ModelError, Problem};
use crate::format::json::{path_text, Json, Step};

impl ModelDocument {
    /// Reads the model document from a JSON tree: its shape (types, required and unknown
    /// fields) through serde. Every shape problem is listed with its path: after each, the
    /// offending part is set aside (an unknown field dropped, a wrong or missing value replaced
    /// by a stand-in of the expected type) and reading goes on.
    pub fn read(doc: &Json) -> Result<ModelDocument, ModelError> {
        let (document, problems, _) = read_shape(doc);
        match document {
            Some(d) if problems.is_empty() => Ok(d),
            _ => Err(ModelError { problems }),
        }
    }
}

/// Most shape problems listed before reading gives up.
const MAX_SHAPE_PROBLEMS: usize = 50;

/// The document read as far as it goes, its shape problems, and the paths set aside (nothing
/// said of what lies under them is the writer's doing).
pub(super) fn read_shape(doc: &Json) -> (Option<ModelDocument>, Vec<Problem>, Vec<String>) {
    // A well-formed document (the common case) is read from one copy; only a misfit needs a
    // working copy to repair.
    let first = match doc.clone().into_typed::<ModelDocument>() {
        Ok(d) => return (Some(d), Vec::new(), Vec::new()),
        Err(e) => e,
    };
    let mut doc = doc.clone();
    let mut pending = Some(first);
    let mut problems: Vec<Problem> = Vec::new();
    let mut set_aside: Vec<String> = Vec::new();
    for _ in 0..MAX_SHAPE_PROBLEMS * 2 {
        let e = match pending.take() {
            Some(e) => e,
            None => match doc.clone().into_typed::<ModelDocument>() {
                Ok(d) => return (Some(d), problems, set_aside),
                Err(e) => e,
            },
        };
        let problem = shape_problem(&path_text(&e.path), &e.message);
        let repaired = repair(&mut doc, &e.path, &e.message);
        let under = set_aside.iter().any(|p| under(&problem.path, p));
        if !under {
            set_aside.push(problem.path.clone());
            problems.push(problem);
        }
        if !repaired || problems.len() >= MAX_SHAPE_PROBLEMS {
            break;
        }
    }
    (None, problems, set_aside)
}

/// Whether `path` is `top` or lies within it (everything lies within the root, `""`).
pub(super) fn under(path: &str, top: &str) -> bool {
    top.is_empty()
        || path == top
        || path.starts_with(&format!("{top}."))
        || path.starts_with(&format!("{top}["))
}

/// Sets aside what serde could not read at `segments`, so that reading can go on: `true` when
/// something changed.
fn repair(doc: &mut Json, segments: &[Step], message: &str) -> bool {
    let Some(node) = node_at(doc, segments) else {
        return false;
    };
    if message.starts_with("unknown field ") {
        // The path ends at the unknown field: drop it from its object.
        let Some(Step::Key(field)) = segments.last() else {
            return false;
        };
        let parent = node_at(doc, &segments[..segments.len() - 1]);
        if let Some(Json::Obj(entries)) = parent {
            let before = entries.len();
            entries.retain(|(k, _)| k != field);
            return entries.len() != before;
        }
        return false;
    }
    if let Some(rest) = message.strip_prefix("missing field ") {
        let field = rest.split('`').nth(1).unwrap_or_default().to_owned();
        if let Json::Obj(entries) = node {
            entries.push((field, Json::Null));
            return true;
        }
        return false;
    }
    let wanted = message.rsplit("expected ").next().unwrap_or_default();
    let stand_in =
        if wanted.starts_with("f64") || wanted.contains("number") && !wanted.contains("string") {
            Json::Num(1.0)
        } else if wanted.starts_with("a boolean") {
            Json::Bool(true)
        } else if wanted.starts_with("struct") || wanted.starts_with("a map") {
            Json::Obj(Vec::new())
        } else if wanted.starts_with("a sequence") {
            Json::Arr(Vec::new())
        } else if wanted.contains("`all`") {
            Json::str("all")
        } else {
            Json::str("set-aside")
        };
    if *node == stand_in {
        return false;
    }
    *node = stand_in;
    true
}

fn node_at<'a>(doc: &'a mut Json, segments: &[Step]) -> Option<&'a mut Json> {
    let mut node = doc;
    for s in segments {
        node = match (s, node) {
            (Step::Key(k), Json::Obj(entries)) => {
                &mut entries.iter_mut().rev().find(|(key, _)| key == k)?.1
            }
            (Step::Index(i), Json::Arr(items)) => items.get_mut(*i)?,
            _ => return None,
        };
    }
    Some(node)
}

/// serde's words for a document that does not fit its types, in the words of the rest of the
/// model's problems: `fit.rules[0].points: must be a number, not a string`.
fn shape_problem(path: &str, serde_message: &str) -> Problem {
    let quoted = |text: &str| text.split('`').nth(1).unwrap_or_default().to_owned();
    let (path, message) = if let Some(rest) = serde_message.strip_prefix("unknown field ") {
        let expected: Vec<String> = rest
            .split("expected one of ")
            .nth(1)
            .or_else(|| rest.split("expected ").nth(1))
            .unwrap_or_default()
            .split(", ")
            .map(|s| s.trim_start_matches("or ").trim_matches('`').to_owned())
            .collect();
        (
            path.to_owned(),
            format!("unknown field (expected one of: {})", expected.join(", ")),
        )
    } else if let Some(rest) = serde_message.strip_prefix("missing field ") {
        let field = quoted(rest);
        let hint = match field.as_str() {
            "thresholds" => ": when is a visitor an MQL? (e.g. {\"fit\": 40, \"engagement\": 30})",
            "events" if path == "bots.clicks" => ": the track events that are link clicks",
            _ => "",
        };
        (join(path, &field), format!("is required{hint}"))
    } else if let Some(rest) = serde_message.strip_prefix("invalid type: ") {
        let (found, wanted) = rest
            .split_once(", expected ")
            .unwrap_or((rest, "another type"));
        (
            path.to_owned(),
            format!("must be {}, not {}", kind(wanted), kind(found)),
        )
    } else if let Some(rest) = serde_message.strip_prefix("unknown variant ") {
        let wanted = rest.split_once(", expected ").map_or("", |(_, w)| w);
        (
            path.to_owned(),
            format!("must be {}", wanted.replace('`', "\"")),
        )
    } else {
        (path.to_owned(), format!("must be {serde_message}"))
    };
    Problem { path, message }
}

/// `a string`, `a number`, … for serde's names of types and values.
fn kind(serde_name: &str) -> String {
    let name = serde_name.trim();
    if name == "a boolean" {
        return "true or false".to_owned();
    }
    let word = match name.split_whitespace().next().unwrap_or_default() {
        "string" | "a" if name.contains("string") => "a string",
        "f64" | "floating" | "integer" | "u32" | "u64" | "i64" => "a number",
        "boolean" | "bool" => "a boolean",
        "map" | "struct" => "an object",
        "sequence" => "an array",
        "null" | "unit" => "null",
        _ => return name.to_owned(),
    };
    word.to_owned()
}
