//! docs/layout.md says no module of `src/` imports another that imports it back, directly or
//! through others: this reads every `crate::` path in `src/` and looks for such a loop.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`.
fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `a::b::{c, d::{e}}` as `a::b::c`, `a::b::d::e`.
fn expand(path: &str) -> Vec<String> {
    let Some(open) = path.find('{') else {
        return vec![path.to_owned()];
    };
    let (prefix, inner) = (&path[..open], &path[open + 1..path.len() - 1]);
    let (mut items, mut depth, mut start) = (Vec::new(), 0, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(&inner[start..]);
    items
        .iter()
        .map(|item| item.trim())
        .filter(|item| !item.is_empty())
        .flat_map(|item| expand(&format!("{prefix}{item}")))
        .collect()
}

/// The `crate::` paths a source file names (in `use` lines and inline).
fn crate_paths(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        let (mut end, mut depth) = (0, 0);
        for (i, c) in rest.char_indices() {
            match c {
                '{' => depth += 1,
                '}' if depth > 0 => depth -= 1,
                c if depth > 0 || c.is_alphanumeric() || c == '_' || c == ':' => {}
                c if c.is_whitespace() && depth > 0 => {}
                _ => {
                    end = i;
                    break;
                }
            }
            end = i + c.len_utf8();
        }
        let path: String = rest[..end].split_whitespace().collect();
        out.extend(expand(path.trim_end_matches(':')));
    }
    out
}

#[test]
fn no_module_imports_another_in_a_loop() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut all = Vec::new();
    files(&src, &mut all);
    // A module's name (`learn::training`) for each file; a folder's `mod.rs` is the folder.
    let name = |path: &Path| {
        let rel = path.strip_prefix(&src).unwrap().with_extension("");
        let parts: Vec<String> = rel
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        match parts.last().map(String::as_str) {
            Some("mod") | Some("lib") => parts[..parts.len() - 1].join("::"),
            _ => parts.join("::"),
        }
    };
    let modules: Vec<String> = all.iter().map(|p| name(p)).collect();
    let mut edges: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (path, module) in all.iter().zip(&modules) {
        let text = std::fs::read_to_string(path).unwrap();
        // Unit tests may reach anywhere; the loop rule is about the code.
        let code = text.split("#[cfg(test)]\nmod tests").next().unwrap();
        for used in crate_paths(code) {
            // The longest module the path names: `learn::samples::samples` is `learn::samples`.
            let mut parts: Vec<&str> = used.split("::").collect();
            while !parts.is_empty() && !modules.contains(&parts.join("::")) {
                parts.pop();
            }
            let target = parts.join("::");
            if !target.is_empty()
                && target != *module
                && !module.starts_with(&format!("{target}::"))
            {
                edges.entry(module.clone()).or_default().push(target);
            }
        }
    }
    // A depth-first walk that reports the first loop it meets.
    fn walk(
        m: &str,
        edges: &BTreeMap<String, Vec<String>>,
        stack: &mut Vec<String>,
        done: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = stack.iter().position(|s| s == m) {
            let mut cycle = stack[at..].to_vec();
            cycle.push(m.to_owned());
            return Some(cycle);
        }
        if done.iter().any(|d| d == m) {
            return None;
        }
        stack.push(m.to_owned());
        for next in edges.get(m).into_iter().flatten() {
            if let Some(cycle) = walk(next, edges, stack, done) {
                return Some(cycle);
            }
        }
        stack.pop();
        done.push(m.to_owned());
        None
    }
    let (mut stack, mut done) = (Vec::new(), Vec::new());
    for module in &modules {
        if let Some(cycle) = walk(module, &edges, &mut stack, &mut done) {
            panic!(
                "modules import each other in a loop: {}",
                cycle.join(" -> ")
            );
        }
    }
    assert!(
        edges
            .get("learn::interactions")
            .is_some_and(|e| e.contains(&"learn::samples".to_owned())),
        "the reader sees imports: {edges:?}"
    );
}
