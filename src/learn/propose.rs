//! Rules proposed from the data, so that a CRM export becomes a model without writing one: a
//! rule per level of a text column (rare levels pooled, missing and placeholder values such as
//! "Select" a level of their own), bins of a numeric column (quantiles, merged where the data
//! does not tell the neighbours apart), and steps of an event count. Every rule gets an id and
//! a name sales can read ("Lead Source is Reference", "Time on site 10–30"); the points are
//! left at zero for training to learn.

use crate::format::json::Json;
use crate::format::number::Shown;
use crate::learn::cells::Cells;
use crate::learn::compact::Node;
use crate::learn::dataset::{CsvMapping, Events, Lead};
use crate::learn::interactions::{add_interactions, Interaction};
use crate::learn::kinds::{self, Kind};
use crate::learn::row::Counted;
use crate::model::document::ModelDocument;
use crate::model::{Model, MAX_COUNT, MAX_FIT_RULES, MAX_RULES};
use serde_json::{json, Value as J};
use std::borrow::{Borrow, Cow};
use std::collections::{BTreeMap, HashMap};
use std::fmt;

/// How rules are proposed.
#[derive(Debug, Clone, PartialEq)]
pub struct ProposeOptions {
    /// A level (or bin) needs at least this share of the rows to get a rule of its own; a level
    /// short of it (with `min_rows`) keeps one when its rate stands out from the rest of the
    /// column beyond chance.
    pub min_share: f64,
    /// And at least this many rows.
    pub min_rows: usize,
    /// Numeric columns start from at most this many quantile bins before merging.
    pub max_bins: usize,
    /// Neighbouring bins stay apart only when their conversion rates differ by at least this
    /// many standard errors; by default ([`merge_z`]) a 5% chance of a split where there is
    /// none over the `max_bins - 1` neighbours, Bonferroni's way: 2.8 at ten bins, 3.3 at 50.
    /// The same holds levels of a text column apart (in order of rate, over their number), and
    /// "not given" apart from a number's largest bin.
    pub min_z: Option<f64>,
    /// Cell values that mean "not given" (compared without case), like an empty cell.
    pub placeholders: Vec<String>,
    /// Most pairwise interactions to add as `all` rules, where the data supports them.
    pub interactions: usize,
}

impl Default for ProposeOptions {
    fn default() -> Self {
        ProposeOptions {
            min_share: 0.01,
            min_rows: 30,
            max_bins: 10,
            min_z: None,
            placeholders: [
                "select",
                "--",
                "-",
                "n/a",
                "na",
                "none",
                "null",
                "unknown",
                "not specified",
            ]
            .map(String::from)
            .to_vec(),
            interactions: 8,
        }
    }
}

/// What a column holds.
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnKind {
    /// Text levels of a trait.
    Text,
    /// Numbers of a trait.
    Number,
    /// A trait whose values decide: numbers, yes/no, dates or text ([`crate::learn::kinds`]).
    Inferred,
    /// Page views of this path.
    Pages(String),
    /// Track events of this name.
    Tracks(String),
}

/// A column of the data, as rules will read it.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// The name people know it by (the CSV header), used in rule names.
    pub name: String,
    /// The trait path it becomes (`company.employees`); empty for counts.
    pub path: String,
    /// What it holds.
    pub kind: ColumnKind,
}

/// The columns of a CSV mapping: its traits (numbers or text where the mapping says, else as
/// their values decide) and its counts.
pub fn columns_of_mapping(mapping: &CsvMapping) -> Vec<Column> {
    let traits = mapping.traits.iter().map(|(col, path)| Column {
        name: col.clone(),
        path: path.clone(),
        kind: if mapping.numeric.contains(col) {
            ColumnKind::Number
        } else if mapping.text.contains(col) {
            ColumnKind::Text
        } else {
            ColumnKind::Inferred
        },
    });
    let counts = mapping.counts.iter().filter_map(|(col, target)| {
        let kind = match (&target.page, &target.track) {
            (Some(p), None) => ColumnKind::Pages(p.clone()),
            (None, Some(t)) => ColumnKind::Tracks(t.clone()),
            _ => return None,
        };
        Some(Column {
            name: col.clone(),
            path: String::new(),
            kind,
        })
    });
    traits.chain(counts).collect()
}

/// The columns found in leads read from JSON Lines: each trait path (numeric when every value
/// is a number, else as its values decide), and each page path and track event name, that at
/// least `min_share` of the leads have.
pub fn columns_of_leads(
    leads: &[impl Borrow<Lead> + Sync],
    options: &ProposeOptions,
) -> Vec<Column> {
    let mut traits: BTreeMap<String, (usize, bool)> = BTreeMap::new();
    let mut events: BTreeMap<(bool, String), usize> = BTreeMap::new();
    for lead in leads {
        let lead = lead.borrow();
        let mut seen_traits = BTreeMap::new();
        flatten(&traits_of(lead), "", &mut seen_traits);
        for (path, value) in seen_traits {
            let entry = traits.entry(path).or_insert((0, true));
            entry.0 += 1;
            entry.1 &= matches!(value, Json::Num(_));
        }
        let mut seen = std::collections::BTreeSet::new();
        lead.each_event(|e| {
            let text = |path| e.at(path).and_then(Node::str);
            match (text("type"), text("properties.path"), text("event")) {
                (Some("page"), Some(p), _) => seen.insert((true, p.to_owned())),
                (Some("track"), _, Some(n)) => seen.insert((false, n.to_owned())),
                _ => false,
            };
        });
        for key in seen {
            *events.entry(key).or_default() += 1;
        }
    }
    let enough = |n: usize| n as f64 >= options.min_share * leads.len() as f64;
    let traits = traits
        .into_iter()
        .filter(|(_, (n, _))| enough(*n))
        .map(|(path, (_, numeric))| Column {
            name: path.clone(),
            path,
            kind: if numeric {
                ColumnKind::Number
            } else {
                ColumnKind::Inferred
            },
        });
    let events = events
        .into_iter()
        .filter(|(_, n)| enough(*n))
        .map(|((page, target), _)| Column {
            name: if page {
                format!("Views of {target}")
            } else {
                target.clone()
            },
            path: String::new(),
            kind: if page {
                ColumnKind::Pages(target)
            } else {
                ColumnKind::Tracks(target)
            },
        });
    traits.chain(events).collect()
}

/// Why rules could not be proposed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProposeError(pub String);

impl fmt::Display for ProposeError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ProposeError {}

/// How a column was read for proposing rules, as the report shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnRead {
    /// Its name (the CSV header, or the trait path or event).
    pub name: String,
    /// `number`, `text`, `yes/no`, `date`, `page views` or `track events`.
    pub kind: &'static str,
    /// Whether the mapping said (else the values decided).
    pub declared: bool,
    /// Rows whose cell held a placeholder, read as not given.
    pub placeholders: usize,
    /// Rules proposed for it.
    pub rules: usize,
}

/// A complete model document with the rules the data supports for `columns`, points at zero,
/// added to `base` when one is given (columns whose trait `base` already reads are left to it);
/// with how each column was read.
pub fn propose(
    id: &str,
    base: Option<&ModelDocument>,
    columns: &[Column],
    leads: &[impl Borrow<Lead> + Sync],
    options: &ProposeOptions,
) -> Result<(ModelDocument, Vec<ColumnRead>), ProposeError> {
    // Only leads whose outcome is known say anything about which levels convert.
    let leads: Vec<&Lead> = leads
        .iter()
        .map(Borrow::borrow)
        .filter(|l| l.converted.is_some())
        .collect();
    let outcomes: Vec<bool> = leads.iter().map(|l| l.converted == Some(true)).collect();
    let mut base = match base {
        Some(doc) => serde_json::to_value(doc).map_err(|e| ProposeError(e.to_string()))?,
        None => json!({ "id": id, "version": "1", "thresholds": { "total": 0 } }),
    };
    let (read, mut ids) = read_traits_and_ids(&base);
    let (mut fit, mut engagement) = (Vec::new(), Vec::new());
    let mut reads = Vec::new();
    let counted: Vec<Counted> = columns
        .iter()
        .filter(|c| c.path.is_empty() || !read.contains(&c.path))
        .filter_map(counted_of)
        .collect();
    let mut counts = counts_of(&leads, &counted).into_iter();
    for column in columns {
        if !column.path.is_empty() && read.contains(&column.path) {
            continue;
        }
        // Each trait's values, each distinct one once (inference and rules all read them).
        let cells = (!column.path.is_empty())
            .then(|| Cells::read(leads.iter().map(|l| trait_at(l, &column.path)?.scalar())));
        let (kind, declared, placeholders) = match &column.kind {
            ColumnKind::Inferred => {
                let cells = cells.as_ref().expect("a trait column");
                let counts = cells.tally(&outcomes);
                let given: Vec<(&str, usize)> = cells
                    .texts
                    .iter()
                    .zip(&counts[1..])
                    .map(|(t, (rows, _))| (t.as_ref(), *rows))
                    .collect();
                let inferred = kinds::infer(&given, &options.placeholders);
                (inferred.kind, false, inferred.placeholders)
            }
            ColumnKind::Number => (Kind::Number, true, 0),
            ColumnKind::Text => (Kind::Text, true, 0),
            ColumnKind::Pages(_) | ColumnKind::Tracks(_) => (Kind::Number, true, 0),
        };
        let mut read_as = |name: &'static str, rules: usize| {
            reads.push(ColumnRead {
                name: column.name.clone(),
                kind: name,
                declared,
                placeholders,
                rules,
            })
        };
        if counted_of(column).is_some() {
            let name = match column.kind {
                ColumnKind::Pages(_) => "page views",
                _ => "track events",
            };
            // Read in the order of the columns, above.
            let counts = counts.next().unwrap_or_default();
            let counts: Vec<f64> = counts.into_iter().map(f64::from).collect();
            let before = engagement.len();
            engagement.extend(count_rules(column, &counts, &outcomes, options, &mut ids));
            read_as(name, engagement.len() - before);
            continue;
        }
        let rules = match kind {
            // A date is no trait a rule can bin; it belongs in `asOf` or `convertedAt`.
            Kind::Date => {
                read_as(Kind::Date.name(), 0);
                continue;
            }
            Kind::Text | Kind::YesNo => {
                let cells = cells.as_ref().expect("a trait column");
                text_rules(column, cells, &outcomes, options)
            }
            Kind::Number => {
                let values = cells.as_ref().expect("a trait column").row_numbers();
                number_rules(column, &values, &outcomes, options)
            }
        };
        read_as(kind.name(), rules.len());
        for (suffix, label, when) in rules {
            let id = unique_id(&column_slug(column), &suffix, &mut ids);
            fit.push(json!({ "id": id, "label": label, "points": 0, "when": when }));
        }
    }
    for (group, rules) in [("fit", fit), ("engagement", engagement)] {
        if rules.is_empty() {
            continue;
        }
        let entry = base
            .as_object_mut()
            .expect("a model document is an object")
            .entry(group)
            .or_insert_with(|| json!({ "rules": [] }));
        let list = entry["rules"].as_array_mut().expect("rules are a list");
        list.extend(rules);
        let limit = if group == "fit" {
            MAX_FIT_RULES
        } else {
            MAX_RULES
        };
        if list.len() > limit {
            return Err(ProposeError(format!(
                "the data supports {} {group} rules, more than {limit}: give fewer columns, or a \
                 larger --min-share or --min-rows so that rare levels are pooled",
                list.len()
            )));
        }
    }
    let doc = serde_json::from_value(base).map_err(|e| ProposeError(e.to_string()))?;
    Ok((doc, reads))
}

/// The model to train, and how it came about.
#[derive(Debug, Clone)]
pub struct ToTrain {
    /// The model document, points still as given (zero for proposed rules).
    pub doc: ModelDocument,
    /// It, compiled.
    pub model: Model,
    /// Rules proposed (interactions included).
    pub added: usize,
    /// The pairwise interactions added.
    pub interactions: Vec<Interaction>,
    /// How each column was read (empty when nothing was proposed).
    pub columns: Vec<ColumnRead>,
}

/// The model to train: `base` as it is, or, when there is none or `propose` asks, with the rules
/// the data supports added (see [`propose`]), then the pairwise interactions it supports (see
/// [`add_interactions`], fitted with penalty `l2`); the columns come from the CSV mapping, or
/// from the leads themselves.
pub fn model_to_train(
    base: Option<ModelDocument>,
    propose_rules: bool,
    id: &str,
    mapping: Option<&CsvMapping>,
    leads: &[impl Borrow<Lead> + Sync],
    options: &ProposeOptions,
    l2: f64,
) -> Result<ToTrain, String> {
    let doc = match base {
        Some(doc) if !propose_rules => doc,
        base => {
            let columns = match mapping {
                Some(m) => columns_of_mapping(m),
                None => columns_of_leads(leads, options),
            };
            let (doc, reads) =
                propose(id, base.as_ref(), &columns, leads, options).map_err(|e| e.0)?;
            let count = |d: &ModelDocument| {
                d.fit.as_ref().map_or(0, |g| g.rules.len())
                    + d.engagement.as_ref().map_or(0, |g| g.rules.len())
            };
            let model =
                Model::from_document(&doc).map_err(|e| format!("the proposed model: {e}"))?;
            let (doc, interactions) = add_interactions(
                &doc,
                &model,
                leads,
                l2,
                options.interactions,
                options.min_rows,
            );
            let added = count(&doc) - base.as_ref().map_or(0, count);
            let model =
                Model::from_document(&doc).map_err(|e| format!("the proposed model: {e}"))?;
            return Ok(ToTrain {
                doc,
                model,
                added,
                interactions,
                columns: reads,
            });
        }
    };
    let model = Model::from_document(&doc).map_err(|e| e.to_string())?;
    Ok(ToTrain {
        doc,
        model,
        added: 0,
        interactions: Vec::new(),
        columns: Vec::new(),
    })
}

/// The trait value (not an object) at dotted `path` as the lead's identify events leave it
/// ([`traits_of`], later ones win), read without merging them: the latest event that reaches
/// the path decides, one whose value on the way is not an object hides the earlier ones, one
/// without the key says nothing.
fn trait_at<'a>(lead: &'a Lead, path: &str) -> Option<Node<'a>> {
    if let Events::Row(row) = &lead.events {
        return row.trait_at(path).map(Node::Tree);
    }
    let mut last = None;
    for e in lead.nodes() {
        let (Some("identify"), Some(traits)) = (e.get("type").and_then(Node::str), e.get("traits"))
        else {
            continue;
        };
        // Merging skips an identify whose traits are not an object.
        if !traits.is_object() {
            continue;
        }
        let mut node = traits;
        let mut keys = path.split('.');
        let found = loop {
            let Some(key) = keys.next() else {
                // An object is no trait value (merged, it may hold keys of earlier events).
                break Some((!node.is_object()).then_some(node));
            };
            if !node.is_object() {
                // A value that is not an object where the path goes on: it replaced any object
                // an earlier event had there.
                break Some(None);
            }
            match node.get(key) {
                Some(next) => node = next,
                None => break None,
            }
        };
        if found.is_some() {
            last = found;
        }
    }
    last.flatten()
}

/// The visitor's traits as the lead's identify events leave them (later ones win).
fn traits_of(lead: &Lead) -> Json {
    let mut out = Json::Obj(Vec::new());
    lead.each_event(|e| {
        if let (Some("identify"), Some(traits)) =
            (e.get("type").and_then(Node::str), e.get("traits"))
        {
            merge(&mut out, &traits.to_json());
        }
    });
    out
}

fn merge(into: &mut Json, from: &Json) {
    let (Json::Obj(into), Json::Obj(from)) = (into, from) else {
        return;
    };
    for (k, v) in from {
        match into.iter_mut().find(|(key, _)| key == k) {
            Some((_, existing @ Json::Obj(_))) if matches!(v, Json::Obj(_)) => merge(existing, v),
            Some((_, existing)) => *existing = v.clone(),
            None => into.push((k.clone(), v.clone())),
        }
    }
}

/// Scalar trait values by dotted path.
fn flatten(node: &Json, prefix: &str, out: &mut BTreeMap<String, Json>) {
    if let Json::Obj(entries) = node {
        for (k, v) in entries {
            let path = if prefix.is_empty() {
                k.clone()
            } else {
                format!("{prefix}.{k}")
            };
            match v {
                Json::Obj(_) => flatten(v, &path, out),
                Json::Str(_) | Json::Num(_) | Json::Bool(_) => {
                    out.insert(path, v.clone());
                }
                _ => {}
            }
        }
    }
}

/// The trait paths a model document's rules and disqualifiers read, and the ids they use.
fn read_traits_and_ids(doc: &J) -> (Vec<String>, Vec<String>) {
    fn walk(node: &J, traits: &mut Vec<String>, ids: &mut Vec<String>) {
        match node {
            J::Object(map) => {
                if let Some(J::String(path)) = map.get("trait") {
                    traits.push(path.clone());
                }
                if let (Some(J::String(id)), true) = (
                    map.get("id"),
                    map.contains_key("points") || map.contains_key("reason"),
                ) {
                    ids.push(id.clone());
                }
                map.values().for_each(|v| walk(v, traits, ids));
            }
            J::Array(items) => items.iter().for_each(|v| walk(v, traits, ids)),
            _ => {}
        }
    }
    let (mut traits, mut ids) = (Vec::new(), Vec::new());
    walk(doc, &mut traits, &mut ids);
    (traits, ids)
}

/// What a count column counts.
fn counted_of(column: &Column) -> Option<Counted> {
    match &column.kind {
        ColumnKind::Pages(path) => Some(Counted::Page(path.clone())),
        ColumnKind::Tracks(name) => Some(Counted::Track(name.clone())),
        _ => None,
    }
}

/// How many of each of `counted` each lead's events hold (`[k][lead]`), each lead's events
/// read once for all of them.
fn counts_of(leads: &[&Lead], counted: &[Counted]) -> Vec<Vec<u32>> {
    let mut out = vec![vec![0u32; leads.len()]; counted.len()];
    let mut index: HashMap<(bool, &str), Vec<usize>> = HashMap::new();
    for (k, c) in counted.iter().enumerate() {
        let key = match c {
            Counted::Page(path) => (true, path.as_str()),
            Counted::Track(name) => (false, name.as_str()),
        };
        index.entry(key).or_default().push(k);
    }
    for (i, lead) in leads.iter().enumerate() {
        if let Events::Row(row) = &lead.events {
            for (k, c) in counted.iter().enumerate() {
                out[k][i] = u32::try_from(row.count_of(c)).unwrap_or(u32::MAX);
            }
            continue;
        }
        for e in lead.nodes() {
            let key = match e.get("type").and_then(Node::str) {
                Some("page") => e
                    .at("properties.path")
                    .and_then(Node::str)
                    .map(|p| (true, p)),
                Some("track") => e.get("event").and_then(Node::str).map(|n| (false, n)),
                _ => None,
            };
            for k in key.and_then(|key| index.get(&key)).into_iter().flatten() {
                out[*k][i] = out[*k][i].saturating_add(1);
            }
        }
    }
    out
}

/// A rule proposed for a column: id suffix, label, condition.
type Proposed = (String, String, J);

fn text_rules(
    column: &Column,
    cells: &Cells,
    outcomes: &[bool],
    options: &ProposeOptions,
) -> Vec<Proposed> {
    // Levels by their folded text (rules compare without case), each with its commonest
    // spelling and how many of its rows converted; `None` is "not given". A level of fewer than
    // `min_rows` rows can have no rule: it only counts among the pooled rest (so a column of a
    // million distinct values, such as emails, makes no million levels).
    let tally = cells.tally(outcomes);
    let texts: Vec<&str> = std::iter::once("")
        .chain(cells.texts.iter().map(|t| t.as_ref()))
        .map(str::trim)
        .collect();
    let keys: Vec<Option<Cow<str>>> = texts
        .iter()
        .map(|text| {
            let key = match text.is_ascii() && !text.bytes().any(|b| b.is_ascii_uppercase()) {
                true => Cow::Borrowed(*text),
                false => Cow::Owned(text.to_lowercase()),
            };
            let missing = key.is_empty() || options.placeholders.iter().any(|p| *p == key);
            (!missing).then_some(key)
        })
        .collect();
    let mut order: Vec<usize> = (0..texts.len()).filter(|i| tally[*i].0 > 0).collect();
    order.sort_by(|a, b| keys[*a].cmp(&keys[*b]));
    let mut ranked: Vec<Level> = Vec::new();
    let mut small = (0, 0);
    for level in order.chunk_by(|a, b| keys[*a] == keys[*b]) {
        let (rows, won) = level
            .iter()
            .fold((0, 0), |(r, w), i| (r + tally[*i].0, w + tally[*i].1));
        let given = keys[level[0]].is_some();
        if rows < options.min_rows {
            if given {
                small = (small.0 + rows, small.1 + won);
            }
            continue;
        }
        let mut spellings: Vec<(&str, usize)> = Vec::new();
        for i in level.iter().filter(|_| given) {
            match spellings.iter_mut().find(|(s, _)| *s == texts[*i]) {
                Some((_, n)) => *n += tally[*i].0,
                None => spellings.push((texts[*i], tally[*i].0)),
            }
        }
        let shown = spellings
            .into_iter()
            .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0)))
            .map(|(s, _)| s.to_owned())
            .unwrap_or_default();
        ranked.push(Level {
            given,
            shown,
            rows,
            won,
        });
    }
    let n = cells.rows.len();
    let won_total = outcomes.iter().filter(|w| **w).count();
    let enough =
        |count: usize| count >= options.min_rows && count as f64 >= options.min_share * n as f64;
    ranked.sort_by(|a, b| b.rows.cmp(&a.rows).then(a.shown.cmp(&b.shown)));
    // A level short of `min_share` (but with `min_rows`) keeps a rule of its own when its rate
    // stands out from the rest of the column's rows beyond chance over the levels so tested
    // (Bonferroni): a rare source that converts three times as often is not pooled away.
    let rare = |l: &Level| l.given && l.rows >= options.min_rows && !enough(l.rows);
    let z_rare = merge_z(ranked.iter().filter(|l| rare(l)).count() + 1);
    let stands_out = |l: &Level| {
        rare(l)
            && z_of(
                &(0.0, 0.0, l.rows, l.won),
                &(0.0, 0.0, n - l.rows, won_total - l.won),
            ) >= z_rare
    };
    const MAX_LEVELS: usize = 20;
    let kept: Vec<&Level> = ranked
        .iter()
        .filter(|l| enough(l.rows) || stands_out(l))
        .take(MAX_LEVELS)
        .collect();
    if kept.is_empty() {
        return Vec::new();
    };
    // Rows of the levels pooled as "something else": given, but without a rule of their own.
    let named: Vec<&str> = kept
        .iter()
        .filter(|l| l.given)
        .map(|l| l.shown.as_str())
        .collect();
    let pooled = ranked
        .iter()
        .filter(|l| l.given && !named.contains(&l.shown.as_str()))
        .fold(small, |(r, w), l| (r + l.rows, w + l.won));
    let mut units: Vec<Unit> = kept
        .iter()
        .map(|l| Unit {
            part: if l.given {
                Part::Named(l.shown.clone())
            } else {
                Part::NotGiven
            },
            rows: l.rows,
            won: l.won,
        })
        .collect();
    if enough(pooled.0) {
        units.push(Unit {
            part: Part::Other,
            rows: pooled.0,
            won: pooled.1,
        });
    }
    // A column whose parts convert alike but for chance gets no rule: ordering levels by their
    // rates and merging neighbours would otherwise find a "group" among pure noise (the
    // extremes of many levels that do not matter).
    if options.min_z.is_none() && !rates_differ(&units) {
        return Vec::new();
    }
    // Parts whose rates the data cannot tell apart share one rule, as neighbouring bins of a
    // number do: a column that does not matter ends with no rule, one that does with a rule per
    // group that converts alike ("Lead Source is Facebook or bing"). The largest group is the
    // baseline, with no rule.
    let z_needed = options.min_z.unwrap_or_else(|| merge_z(units.len()));
    let mut groups = group_units(units, z_needed);
    if let Some(i) = (0..groups.len()).max_by_key(|i| (rows_of(&groups[*i]), usize::MAX - i)) {
        groups.remove(i);
    }
    let path = &column.path;
    let mut listed: Vec<J> = named.iter().map(|s| J::from(*s)).collect();
    listed.extend(options.placeholders.iter().map(|s| J::from(s.as_str())));
    let other = json!({ "all": [ { "trait": path, "exists": true }, { "not": { "trait": path, "oneOf": listed } } ] });
    groups
        .iter()
        .map(|group| {
            let names: Vec<&str> = group
                .iter()
                .filter_map(|u| match &u.part {
                    Part::Named(s) => Some(s.as_str()),
                    _ => None,
                })
                .collect();
            let has = |p: &Part| group.iter().any(|u| u.part == *p);
            let mut conditions = Vec::new();
            let mut said: Vec<&str> = names.clone();
            if !names.is_empty() {
                conditions.push(json!({ "trait": path, "oneOf": names }));
            }
            if has(&Part::Other) {
                conditions.push(other.clone());
                said.push("something else");
            }
            if has(&Part::NotGiven) {
                conditions.push(missing(path, &options.placeholders));
            }
            let id = match (names.first(), group.len()) {
                (Some(first), 1) => slug(first),
                (Some(first), k) => format!("{}-and-{}-more", slug(first), k - 1),
                (None, 1) if has(&Part::Other) => "other".to_owned(),
                (None, 1) => "missing".to_owned(),
                (None, _) => "other-or-missing".to_owned(),
            };
            let listed_said = listing(&said, LABEL_ROOM.saturating_sub(column.name.len()));
            let label = match (said.is_empty(), has(&Part::NotGiven)) {
                (true, _) => format!("{} not given", column.name),
                (false, false) => format!("{} is {listed_said}", column.name),
                (false, true) => format!("{} is {listed_said}, or not given", column.name),
            };
            let when = if conditions.len() == 1 {
                conditions.remove(0)
            } else {
                json!({ "any": conditions })
            };
            (id, label, when)
        })
        .collect()
}

/// Bytes of a proposed label the levels it lists may take (a label holds at most 256).
const LABEL_ROOM: usize = 200;

/// `a, b or c`, naming as many of `items` as fit in `room` bytes and counting the rest
/// (`a, b or 4 more`); the rule's condition lists them all.
fn listing(items: &[&str], room: usize) -> String {
    let whole = match items.split_last() {
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    };
    if whole.len() <= room || items.len() < 2 {
        return whole;
    }
    let mut named = 1;
    while named + 1 < items.len() && items[..=named].join(", ").len() + 12 <= room {
        named += 1;
    }
    format!(
        "{} or {} more",
        items[..named].join(", "),
        items.len() - named
    )
}

/// A level of a text column: its text as shown, rows and conversions.
#[derive(Debug, Clone)]
struct Level {
    /// False for "not given" (blank or a placeholder).
    given: bool,
    shown: String,
    rows: usize,
    won: usize,
}

/// What a text column's rule may name: a level, "not given", or the levels pooled as
/// "something else".
#[derive(Debug, Clone, PartialEq)]
enum Part {
    Named(String),
    NotGiven,
    Other,
}

/// A part with its rows and conversions.
#[derive(Debug, Clone)]
struct Unit {
    part: Part,
    rows: usize,
    won: usize,
}

/// Whether the parts' conversion rates differ beyond chance: Pearson's chi-squared test of one
/// rate for all, at 5% (its tail by the Wilson–Hilferty cube root, within a few thousandths of
/// the exact one where it matters).
fn rates_differ(units: &[Unit]) -> bool {
    let (rows, won) = units
        .iter()
        .fold((0, 0), |(r, w), u| (r + u.rows, w + u.won));
    if units.len() < 2 || won == 0 || won == rows {
        return false;
    }
    let p = won as f64 / rows as f64;
    let statistic: f64 = units
        .iter()
        .map(|u| {
            let expected = u.rows as f64 * p;
            (u.won as f64 - expected).powi(2) / (expected * (1.0 - p))
        })
        .sum();
    let df = (units.len() - 1) as f64;
    let z = ((statistic / df).cbrt() - (1.0 - 2.0 / (9.0 * df))) / (2.0 / (9.0 * df)).sqrt();
    0.5 * libm::erfc(z / std::f64::consts::SQRT_2) < 0.05
}

fn rows_of(group: &[Unit]) -> usize {
    group.iter().map(|u| u.rows).sum()
}

/// Groups `units` whose conversion rates are not told apart: in order of rate, the two
/// neighbouring groups least told apart merge while they are under `z_needed` standard errors
/// apart (the bins' merge strength for that many parts, [`merge_z`], unless set). Each group
/// lists its largest part first; groups come in the order of their largest part.
fn group_units(units: Vec<Unit>, z_needed: f64) -> Vec<Vec<Unit>> {
    let rate = |u: &Unit| u.won as f64 / u.rows.max(1) as f64;
    let mut groups: Vec<Vec<Unit>> = units.into_iter().map(|u| vec![u]).collect();
    groups.sort_by(|a, b| rate(&a[0]).total_cmp(&rate(&b[0])));
    let summed = |g: &[Unit]| (0.0, 0.0, rows_of(g), g.iter().map(|u| u.won).sum::<usize>());
    while groups.len() > 1 {
        let (i, z) = (0..groups.len() - 1)
            .map(|i| (i, z_of(&summed(&groups[i]), &summed(&groups[i + 1]))))
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .expect("two groups or more");
        if z >= z_needed {
            break;
        }
        let next = groups.remove(i + 1);
        groups[i].extend(next);
    }
    for g in &mut groups {
        g.sort_by_key(|u| std::cmp::Reverse(u.rows));
    }
    groups.sort_by(|a, b| b[0].rows.cmp(&a[0].rows));
    groups
}

/// Absent, or one of the placeholders seen.
fn missing(path: &str, placeholders: &[String]) -> J {
    if placeholders.is_empty() {
        json!({ "trait": path, "exists": false })
    } else {
        json!({ "any": [ { "trait": path, "exists": false }, { "trait": path, "oneOf": placeholders } ] })
    }
}

/// Bins `[low, high)` of the values, from quantiles, merged while neighbours' conversion rates
/// are not told apart (or a bin is too small).
fn bins(values: &[(f64, bool)], options: &ProposeOptions) -> Vec<(f64, f64, usize)> {
    let mut sorted: Vec<(f64, bool)> = values.to_vec();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    let n = sorted.len();
    if n == 0 {
        return Vec::new();
    }
    // Quantile cuts, each moved to the roundest number within a quarter of a bin's rows of it:
    // `500`, not the `505` a quantile happened to land on (where it lands is arbitrary anyway).
    let bins_wanted = options.max_bins.max(1);
    let slack = n / (4 * bins_wanted);
    let mut cuts: Vec<f64> = (1..bins_wanted)
        .map(|q| {
            let at = q * n / bins_wanted;
            let low = sorted[at.saturating_sub(slack).max(1) - 1].0;
            let high = sorted[(at + slack).min(n - 1)].0;
            roundest_between(low, high.max(sorted[at].0))
        })
        .filter(|c| *c > sorted[0].0)
        .collect();
    cuts.dedup();
    // (low, high, rows, converted)
    let mut bins: Vec<(f64, f64, usize, usize)> = Vec::new();
    let mut low = f64::NEG_INFINITY;
    for high in cuts.iter().copied().chain([f64::INFINITY]) {
        let inside = sorted.iter().filter(|(v, _)| *v >= low && *v < high);
        let (rows, won) = inside.fold((0, 0), |(r, w), (_, c)| (r + 1, w + usize::from(*c)));
        bins.push((low, high, rows, won));
        low = high;
    }
    let small = |b: &(f64, f64, usize, usize)| {
        b.2 < options.min_rows || (b.2 as f64) < options.min_share * n as f64
    };
    loop {
        if bins.len() < 2 {
            break;
        }
        // The pair of neighbours least told apart; small bins merge first.
        let (i, z) = (0..bins.len() - 1)
            .map(|i| {
                let z = if small(&bins[i]) || small(&bins[i + 1]) {
                    -1.0
                } else {
                    z_of(&bins[i], &bins[i + 1])
                };
                (i, z)
            })
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .expect("two bins or more");
        if z >= options.min_z.unwrap_or_else(|| merge_z(options.max_bins)) {
            break;
        }
        let next = bins.remove(i + 1);
        let b = &mut bins[i];
        (b.1, b.2, b.3) = (next.1, b.2 + next.2, b.3 + next.3);
    }
    refine_cuts(&mut bins, &sorted, options.min_rows.max(1));
    // Whole numbers (visits, employees, counts) are cut at whole numbers: between 2 and 3 the cut
    // is 3, the same rows on each side, read as "3 or more", not "2.5 or more".
    if sorted.iter().all(|(v, _)| v.fract() == 0.0) {
        for b in &mut bins {
            (b.0, b.1) = (b.0.ceil(), b.1.ceil());
        }
    }
    bins.into_iter()
        .map(|(lo, hi, rows, _)| (lo, hi, rows))
        .collect()
}

/// Moves each cut between two bins to where the data changes: among the round numbers between
/// the two bins' values (multiples of 1, 2, 2.5 and 5 times a power of ten), the cut that
/// splits their rows into the most different rates (the largest likelihood of the two rates),
/// and within one unit of log-likelihood of it (what the data cannot tell apart) the roundest.
/// A quantile lands anywhere; a step at 500 employees is found at 500. Each side keeps at
/// least `min_rows` rows.
fn refine_cuts(bins: &mut [(f64, f64, usize, usize)], sorted: &[(f64, bool)], min_rows: usize) {
    // Rows and conversions below each position of `sorted`.
    let mut won_below = Vec::with_capacity(sorted.len() + 1);
    won_below.push(0usize);
    for (_, won) in sorted {
        won_below.push(won_below[won_below.len() - 1] + usize::from(*won));
    }
    let below = |c: f64| sorted.partition_point(|(v, _)| *v < c);
    let ll = |won: usize, rows: usize| {
        let (w, n) = (won as f64, rows as f64);
        let term = |k: f64| if k > 0.0 { k * (k / n).ln() } else { 0.0 };
        term(w) + term(n - w)
    };
    for i in 0..bins.len().saturating_sub(1) {
        let (from, to) = (below(bins[i].0), below(bins[i + 1].1));
        if to <= from + 1 {
            continue;
        }
        let (low, high) = (sorted[from].0, sorted[to - 1].0);
        let split = |c: f64| {
            let at = below(c);
            if at < from + min_rows || at + min_rows > to {
                return f64::NEG_INFINITY;
            }
            let (won_left, won_all) = (
                won_below[at] - won_below[from],
                won_below[to] - won_below[from],
            );
            ll(won_left, at - from) + ll(won_all - won_left, to - at)
        };
        let mut best: Vec<(f64, f64, f64)> = round_numbers(low, high)
            .into_iter()
            .map(|(c, step)| (c, step, split(c)))
            .collect();
        let current = bins[i].1;
        best.push((current, 0.0, split(current)));
        let top = best.iter().map(|b| b.2).fold(f64::NEG_INFINITY, f64::max);
        if top == f64::NEG_INFINITY {
            continue;
        }
        let Some(&(cut, _, _)) = best
            .iter()
            .filter(|b| b.2 >= top - 1.0)
            .max_by(|a, b| a.1.total_cmp(&b.1).then(a.2.total_cmp(&b.2)))
        else {
            continue;
        };
        let at = below(cut);
        let rows_left = at - from;
        let won_left = won_below[at] - won_below[from];
        let (rows_all, won_all) = (bins[i].2 + bins[i + 1].2, bins[i].3 + bins[i + 1].3);
        if rows_left == 0 || rows_left == rows_all {
            continue;
        }
        bins[i].1 = cut;
        bins[i + 1].0 = cut;
        (bins[i].2, bins[i].3) = (rows_left, won_left);
        (bins[i + 1].2, bins[i + 1].3) = (rows_all - rows_left, won_all - won_left);
    }
}

/// The round numbers in `(low, high]`, each with its step (the larger, the rounder): multiples
/// of 1, 2, 2.5 and 5 times powers of ten, at most about 50 per step.
fn round_numbers(low: f64, high: f64) -> Vec<(f64, f64)> {
    let mut out = Vec::new();
    if high <= low || !low.is_finite() || !high.is_finite() {
        return out;
    }
    let top = high.abs().max(low.abs()).log10().floor() as i32 + 1;
    for p in (top - 6..=top).rev() {
        for m in [5.0, 2.5, 2.0, 1.0] {
            // k * m * 10^p, dividing for negative p so that 0.3 is 3 / 10, exactly rounded.
            let scale = 10f64.powi(p.abs());
            let at = |k: f64| if p >= 0 { k * m * scale } else { k * m / scale };
            let step = at(1.0);
            if (high - low) / step > 50.0 {
                continue;
            }
            let mut k = (low / step).floor() + 1.0;
            while at(k) <= high {
                let c = at(k);
                if c > low
                    && !out
                        .iter()
                        .any(|(x, _): &(f64, f64)| (x - c).abs() <= step * 1e-9)
                {
                    out.push((c, step));
                }
                k += 1.0;
            }
        }
    }
    out
}

/// Standard errors apart that two of `bins` neighbouring bins must be to stay apart: a 5%
/// chance of any split where there is none, over the `bins - 1` neighbours (Bonferroni), to one
/// decimal (2.8 at 10 bins, 3.0 at 20, 3.3 at 50). More bins start finer, so each split must
/// show more: noise does not become shape.
pub fn merge_z(bins: usize) -> f64 {
    let alpha = 0.05 / bins.saturating_sub(1).max(1) as f64;
    // Two-sided normal tail erfc(z / sqrt 2) = alpha, by bisection.
    let (mut lo, mut hi) = (0.0, 10.0);
    for _ in 0..60 {
        let mid = (lo + hi) / 2.0;
        if libm::erfc(mid / std::f64::consts::SQRT_2) > alpha {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    (lo * 10.0).round() / 10.0
}

/// The number in `(low, high]` with the fewest significant digits (`high` itself at worst).
fn roundest_between(low: f64, high: f64) -> f64 {
    let top = low.abs().max(high.abs()).log10().floor() as i32 + 1;
    for p in (-15..=top).rev() {
        let scale = 10f64.powi(p.abs());
        // k * 10^p, with a division for negative p so that 0.3 is 3 / 10, exactly rounded.
        let at = |k: f64| if p >= 0 { k * scale } else { k / scale };
        let k = if p >= 0 { low / scale } else { low * scale }.floor() + 1.0;
        let c = at(k);
        if c > low && c <= high {
            return c;
        }
    }
    high
}

/// How many standard errors apart two bins' conversion rates are.
fn z_of(a: &(f64, f64, usize, usize), b: &(f64, f64, usize, usize)) -> f64 {
    let (n1, n2) = (a.2 as f64, b.2 as f64);
    let (p1, p2) = (a.3 as f64 / n1, b.3 as f64 / n2);
    let p = (a.3 + b.3) as f64 / (n1 + n2);
    let se = (p * (1.0 - p) * (1.0 / n1 + 1.0 / n2)).sqrt();
    if se > 0.0 {
        (p1 - p2).abs() / se
    } else {
        0.0
    }
}

fn number_rules(
    column: &Column,
    values: &[Option<f64>],
    outcomes: &[bool],
    options: &ProposeOptions,
) -> Vec<Proposed> {
    let present: Vec<(f64, bool)> = values
        .iter()
        .zip(outcomes)
        .filter_map(|(v, o)| v.map(|v| (v, *o)))
        .collect();
    let missing_rows = values.len() - present.len();
    let bins = bins(&present, options);
    let whole = present.iter().all(|(v, _)| v.fract() == 0.0);
    let path = &column.path;
    let largest = bins.iter().map(|b| b.2).max().unwrap_or(0);
    let baseline = if missing_rows > largest {
        None
    } else {
        bins.iter().position(|b| b.2 == largest)
    };
    let mut rules: Vec<Proposed> = Vec::new();
    for (i, (lo, hi, _)) in bins.iter().enumerate() {
        if Some(i) == baseline || bins.len() < 2 && missing_rows == 0 {
            continue;
        }
        let (suffix, label, when) = match (lo.is_finite(), hi.is_finite()) {
            (false, false) => (
                "given".to_owned(),
                format!("{} given", column.name),
                json!({ "trait": path, "exists": true }),
            ),
            (false, true) => (
                format!("under-{}", slug(&Shown(*hi).to_string())),
                format!("{} under {}", column.name, Shown(*hi)),
                json!({ "trait": path, "lt": hi }),
            ),
            (true, false) => (
                format!("{}-up", slug(&Shown(*lo).to_string())),
                format!("{} {} or more", column.name, Shown(*lo)),
                json!({ "trait": path, "gte": lo }),
            ),
            // A bin of whole numbers says the ones it holds: `2`, `4–6` (not `4–7`, whose 7 is
            // the next bin's).
            (true, true) if whole && *hi - *lo == 1.0 => (
                slug(&Shown(*lo).to_string()),
                format!("{} {}", column.name, Shown(*lo)),
                json!({ "trait": path, "gte": lo, "lt": hi }),
            ),
            (true, true) => {
                let last = if whole { *hi - 1.0 } else { *hi };
                (
                    format!(
                        "{}-{}",
                        slug(&Shown(*lo).to_string()),
                        slug(&Shown(last).to_string())
                    ),
                    format!("{} {}–{}", column.name, Shown(*lo), Shown(last)),
                    json!({ "trait": path, "gte": lo, "lt": hi }),
                )
            }
        };
        rules.push((suffix, label, when));
    }
    let enough = missing_rows >= options.min_rows
        && missing_rows as f64 >= options.min_share * values.len() as f64;
    // "Not given" scores as the baseline bin unless its rate is told apart from that bin's.
    let told_apart = baseline.is_some_and(|b| {
        let (lo, hi, rows) = bins[b];
        let won_in = present
            .iter()
            .filter(|(v, won)| *won && *v >= lo && *v < hi)
            .count();
        let won_missing = values
            .iter()
            .zip(outcomes)
            .filter(|(v, won)| v.is_none() && **won)
            .count();
        z_of(
            &(0.0, 0.0, missing_rows, won_missing),
            &(0.0, 0.0, rows, won_in),
        ) >= options
            .min_z
            .unwrap_or_else(|| merge_z(options.max_bins + 1))
    });
    if enough && told_apart {
        rules.push((
            "missing".to_owned(),
            format!("{} not given", column.name),
            missing(path, &options.placeholders),
        ));
    }
    rules
}

/// Steps of an event count: "at least k" rules, each worth its points once k events count, so
/// that together they shape points by count bin (no events is the baseline).
fn count_rules(
    column: &Column,
    counts: &[f64],
    outcomes: &[bool],
    options: &ProposeOptions,
    ids: &mut Vec<String>,
) -> Vec<J> {
    let values: Vec<(f64, bool)> = counts
        .iter()
        .copied()
        .zip(outcomes.iter().copied())
        .collect();
    let mut steps: Vec<u32> = bins(&values, options)
        .iter()
        .map(|(lo, _, _)| *lo)
        .filter(|lo| lo.is_finite() && *lo >= 1.0)
        .map(|lo| (lo.ceil() as u32).min(MAX_COUNT))
        .collect();
    let (key, target) = match &column.kind {
        ColumnKind::Pages(p) => ("page", p.as_str()),
        ColumnKind::Tracks(t) => ("track", t.as_str()),
        _ => return Vec::new(),
    };
    steps.dedup();
    steps
        .into_iter()
        .map(|k| {
            let id = unique_id(&column_slug(column), &format!("{k}-plus"), ids);
            let label = if k == 1 {
                format!("{}: at least once", column.name)
            } else {
                format!("{}: {k} or more", column.name)
            };
            json!({ "id": id, "label": label, "points": 0, key: target, "minCount": k, "maxCount": k })
        })
        .collect()
}

fn column_slug(column: &Column) -> String {
    match &column.kind {
        ColumnKind::Text | ColumnKind::Number | ColumnKind::Inferred => slug(&column.path),
        ColumnKind::Pages(_) | ColumnKind::Tracks(_) => slug(&column.name),
    }
}

/// Lower-case letters and digits, runs of anything else as one `-`.
fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}

/// `prefix-suffix`, at most 64 characters, made unique among `ids` with `-2`, `-3`, ….
fn unique_id(prefix: &str, suffix: &str, ids: &mut Vec<String>) -> String {
    let mut base: String = format!("{prefix}-{suffix}")
        .trim_matches('-')
        .chars()
        .take(58)
        .collect();
    if base.is_empty() {
        base = "rule".to_owned();
    }
    let mut id = base.clone();
    let mut n = 2;
    while ids.contains(&id) {
        id = format!("{base}-{n}");
        n += 1;
    }
    ids.push(id.clone());
    id
}

#[cfg(test)]
mod tests {
    use super::{
        listing, merge_z, round_numbers, roundest_between, trait_at, traits_of, LABEL_ROOM,
    };
    use crate::format::json::Json;
    use crate::learn::dataset::Lead;

    #[test]
    fn a_trait_is_read_as_the_merged_traits_hold_it() {
        let identify = |traits: &str| {
            Json::parse(&format!(r#"{{"type":"identify","traits":{traits}}}"#)).unwrap()
        };
        let cases = [
            vec![
                r#"{"company":{"employees":5}}"#,
                r#"{"company":{"industry":"x"}}"#,
            ],
            vec![r#"{"company":"Acme"}"#, r#"{"company":{"industry":"x"}}"#],
            vec![r#"{"company":{"employees":5}}"#, r#"{"company":"Acme"}"#],
            vec![r#"{"company":{"employees":5}}"#, "7", r#"{"title":null}"#],
            vec![
                r#"{"company":{"employees":{"n":1}}}"#,
                r#"{"company":{"employees":9}}"#,
            ],
            vec![r#"{"title":"VP"}"#, r#"{"title":"CEO"}"#],
        ];
        for events in cases {
            let mut all: Vec<Json> = events.iter().map(|t| identify(t)).collect();
            all.insert(
                1,
                Json::parse(r#"{"type":"page","traits":{"title":"no"}}"#).unwrap(),
            );
            let lead = Lead {
                id: "l".into(),
                events: crate::learn::dataset::Events::Json(all),
                converted: Some(true),
                converted_at: None,
                value: None,
                session: None,
                as_of: None,
            };
            let merged = traits_of(&lead);
            for path in [
                "company.employees",
                "company.industry",
                "company",
                "title",
                "x.y",
            ] {
                let value = merged.at(path).filter(|v| !matches!(v, Json::Obj(_)));
                let found = trait_at(&lead, path).map(|n| n.to_json().into_owned());
                assert_eq!(found.as_ref(), value, "{events:?} at {path}");
            }
        }
    }

    #[test]
    fn more_bins_ask_more_of_each_split() {
        let z: Vec<f64> = [2, 10, 20, 40, 50].iter().map(|b| merge_z(*b)).collect();
        assert_eq!(z, [2.0, 2.8, 3.0, 3.2, 3.3]);
    }

    #[test]
    fn bin_edges_are_the_roundest_number_that_splits_the_same_rows() {
        for (low, high, roundest) in [
            (499.0, 505.0, 500.0),
            (1769.697383, 4207.666667, 2000.0),
            (248.2, 251.0, 250.0),
            (0.2371, 0.2449, 0.24),
            (0.29, 0.31, 0.3),
            (-12.5, -7.0, -10.0),
            (-0.5, 0.25, 0.0),
            (7.0, 8.0, 8.0),
            (1.0000001, 1.0000002, 1.0000002),
        ] {
            assert_eq!(roundest_between(low, high), roundest, "({low}, {high}]");
        }
    }

    #[test]
    fn a_long_listing_names_what_fits_and_counts_the_rest() {
        assert_eq!(listing(&["A"], 10), "A");
        assert_eq!(listing(&["A", "B", "C"], 100), "A, B or C");
        let long: Vec<String> = (0..12)
            .map(|i| format!("Level number {i} of many"))
            .collect();
        let items: Vec<&str> = long.iter().map(String::as_str).collect();
        let text = listing(&items, LABEL_ROOM);
        assert!(text.len() <= LABEL_ROOM, "{text}");
        assert!(
            text.starts_with("Level number 0 of many, Level number 1 of many"),
            "{text}"
        );
        let named = text.matches("Level number").count();
        assert!(
            text.ends_with(&format!(" or {} more", 12 - named)),
            "{text}"
        );
    }

    #[test]
    fn round_numbers_are_exact_and_roundest_first_found() {
        let found = round_numbers(0.21, 0.4);
        assert!(found.iter().any(|(c, _)| *c == 0.25), "{found:?}");
        assert!(
            found.iter().all(|(c, _)| *c > 0.21 && *c <= 0.4),
            "{found:?}"
        );
        // 0.3 is written as 3 / 10: exactly the number a user types.
        assert!(
            found.iter().any(|(c, _)| c.to_string() == "0.3"),
            "{found:?}"
        );
        assert!(
            found.iter().all(|(c, _)| c.to_string().len() <= 6),
            "{found:?}"
        );
        assert!(round_numbers(5.0, 5.0).is_empty());
        assert!(round_numbers(f64::NEG_INFINITY, 5.0).is_empty());
    }
}
