//! Conditions on traits and event properties, combined with `all` / `any` / `not`.
//!
//! ```json
//! { "all": [ { "trait": "title", "glob": ["vp*", "*chief*"] },
//!            { "trait": "company.employees", "gte": 100 },
//!            { "not": { "trait": "email", "emailDomain": ["gmail.com"] } } ] }
//! ```

use crate::format::number::Shown;
use crate::format::value::Value;
use crate::model::check::{join, number, text, text_list, Problems};
use crate::model::document::{
    self, Scalar, TextOrList, EVENT_SOURCES, OPERATORS, RANGE, TRAIT_SOURCES,
};
use crate::model::glob::Glob;

/// Where a condition's values come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Visitor traits (`{"trait": "title", ...}`), for fit rules and disqualifiers.
    Traits,
    /// The event being scored (`{"property": "plan", ...}` or `{"context": "userAgent", ...}`).
    Event,
}

/// The value paths a model reads, each given a slot number once.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Slots {
    /// The dotted paths, by slot (`title`, `company.employees`, `properties.plan`).
    pub paths: Vec<String>,
}

impl Slots {
    /// The slot of `path`, added if new.
    pub fn slot(&mut self, path: &str) -> usize {
        match self.paths.iter().position(|p| p == path) {
            Some(i) => i,
            None => {
                self.paths.push(path.to_owned());
                self.paths.len() - 1
            }
        }
    }
}

/// The bit of slot `s` in a mask of slots (slots past 63 share the last bit).
pub fn slot_bit(s: usize) -> u64 {
    1 << s.min(63)
}

/// A compiled condition.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// Every one holds.
    All(Vec<Condition>),
    /// At least one holds.
    Any(Vec<Condition>),
    /// It does not hold.
    Not(Box<Condition>),
    /// A test of one value.
    Test {
        /// The slot of the value tested.
        slot: usize,
        /// The test.
        test: Test,
    },
}

/// A test of one value; text comparisons ignore case.
#[derive(Debug, Clone, PartialEq)]
pub enum Test {
    /// Equal to one of these (one for `equals`, several for `oneOf`).
    OneOf(Vec<Expected>),
    /// Contains one of these substrings.
    Contains(Vec<String>),
    /// Matches one of these globs.
    Glob(Vec<Glob>),
    /// A number within these bounds (`gte`, `gt`, `lte`, `lt`).
    Range {
        /// Lower bound and whether it is inclusive.
        low: Option<(f64, bool)>,
        /// Upper bound and whether it is inclusive.
        high: Option<(f64, bool)>,
    },
    /// An email address (or bare domain) in one of these domains or their subdomains.
    EmailDomain(Vec<String>),
    /// The value is present (`true`) or absent (`false`).
    Exists(bool),
}

/// A value a trait or property is compared with.
#[derive(Debug, Clone, PartialEq)]
pub enum Expected {
    /// Lower-case text.
    Text(String),
    /// A number (also matches text that reads as this number).
    Num(f64),
    /// A boolean.
    Bool(bool),
}

/// Deepest `all`/`any`/`not` nesting a model may use.
pub const MAX_NESTING: usize = 8;

impl Condition {
    /// Compiles a condition of the document, recording problems at `path`; the values it reads
    /// get slots in `slots`.
    pub fn compile(
        doc: &document::Condition,
        path: &str,
        scope: Scope,
        slots: &mut Slots,
        p: &mut Problems,
    ) -> Option<Condition> {
        compile(doc, path, scope, slots, p, 0)
    }

    /// The slots the condition reads, as a mask (bit `s`: slot `s`; slots past 63 share the
    /// last bit).
    pub fn reads(&self) -> u64 {
        match self {
            Condition::All(items) | Condition::Any(items) => {
                items.iter().fold(0, |mask, c| mask | c.reads())
            }
            Condition::Not(inner) => inner.reads(),
            Condition::Test { slot, .. } => slot_bit(*slot),
        }
    }

    /// Whether the condition holds for these slot values, whose text is folded to lower case
    /// already ([`Value::folded`]: an event's fields when read, traits once per change), so
    /// that no test folds it again.
    pub fn holds(&self, values: &[Option<Value>]) -> bool {
        match self {
            Condition::All(items) => items.iter().all(|c| c.holds(values)),
            Condition::Any(items) => items.iter().any(|c| c.holds(values)),
            Condition::Not(inner) => !inner.holds(values),
            Condition::Test { slot, test } => {
                test.passes(values.get(*slot).and_then(Option::as_ref))
            }
        }
    }
}

/// The names of the fields set in a condition, in document order.
fn present(doc: &document::Condition) -> Vec<&'static str> {
    let set = [
        ("all", doc.all.is_some()),
        ("any", doc.any.is_some()),
        ("not", doc.not.is_some()),
        ("trait", doc.trait_path.is_some()),
        ("property", doc.property.is_some()),
        ("context", doc.context.is_some()),
        ("equals", doc.equals.is_some()),
        ("oneOf", doc.one_of.is_some()),
        ("contains", doc.contains.is_some()),
        ("glob", doc.glob.is_some()),
        ("gte", doc.gte.is_some()),
        ("gt", doc.gt.is_some()),
        ("lte", doc.lte.is_some()),
        ("lt", doc.lt.is_some()),
        ("emailDomain", doc.email_domain.is_some()),
        ("exists", doc.exists.is_some()),
    ];
    set.iter().filter(|(_, on)| *on).map(|(k, _)| *k).collect()
}

fn compile(
    doc: &document::Condition,
    path: &str,
    scope: Scope,
    slots: &mut Slots,
    p: &mut Problems,
    depth: usize,
) -> Option<Condition> {
    if depth > MAX_NESTING {
        p.add(
            path,
            format!("conditions nest deeper than {MAX_NESTING} levels"),
        );
        return None;
    }
    let fields = present(doc);
    for (key, list) in [("all", &doc.all), ("any", &doc.any)] {
        let Some(items) = list else { continue };
        alone(key, &fields, path, p)?;
        let at = join(path, key);
        if items.is_empty() {
            p.add(&at, "must list at least one condition");
            return None;
        }
        let compiled: Vec<_> = items
            .iter()
            .enumerate()
            .map(|(i, item)| compile(item, &format!("{at}[{i}]"), scope, slots, p, depth + 1))
            .collect();
        let compiled: Vec<Condition> = compiled.into_iter().collect::<Option<_>>()?;
        return Some(if key == "all" {
            Condition::All(compiled)
        } else {
            Condition::Any(compiled)
        });
    }
    if let Some(inner) = &doc.not {
        alone("not", &fields, path, p)?;
        let inner = compile(inner, &join(path, "not"), scope, slots, p, depth + 1)?;
        return Some(Condition::Not(Box::new(inner)));
    }
    compile_test(doc, &fields, path, scope, slots, p)
}

/// `all`, `any` and `not` take no other field beside them.
fn alone(key: &str, fields: &[&str], path: &str, p: &mut Problems) -> Option<()> {
    let others: Vec<&str> = fields.iter().copied().filter(|f| *f != key).collect();
    if others.is_empty() {
        return Some(());
    }
    for other in others {
        p.add(
            &join(path, other),
            format!("unknown field beside {key} (a condition with {key} has no other field)"),
        );
    }
    None
}

fn compile_test(
    doc: &document::Condition,
    fields: &[&str],
    path: &str,
    scope: Scope,
    slots: &mut Slots,
    p: &mut Problems,
) -> Option<Condition> {
    let (sources, others): (&[&str], &[&str]) = match scope {
        Scope::Traits => (&TRAIT_SOURCES, &EVENT_SOURCES),
        Scope::Event => (&EVENT_SOURCES, &TRAIT_SOURCES),
    };
    let mut known: Vec<&str> = sources.to_vec();
    known.extend(OPERATORS);
    for other in others.iter().filter(|o| fields.contains(o)) {
        p.add(
            &join(path, other),
            format!("unknown field (expected one of: {})", known.join(", ")),
        );
    }
    let given: Vec<&str> = sources
        .iter()
        .copied()
        .filter(|s| fields.contains(s))
        .collect();
    let [source] = given[..] else {
        let wanted = match scope {
            Scope::Traits => "\"trait\" (fit rules and disqualifiers test visitor traits)",
            Scope::Event => "one of \"property\" or \"context\" (event conditions test the event)",
        };
        p.add(
            path,
            format!("a condition needs all, any, not, or {wanted}"),
        );
        return None;
    };
    let name = match source {
        "trait" => doc.trait_path.as_deref(),
        "property" => doc.property.as_deref(),
        _ => doc.context.as_deref(),
    }
    .unwrap_or_default();
    let name = text(name, &join(path, source), p)?;
    let slot_path = match source {
        "property" => format!("properties.{name}"),
        "context" => format!("context.{name}"),
        _ => name.to_owned(),
    };
    let ops: Vec<&str> = OPERATORS
        .iter()
        .copied()
        .filter(|o| fields.contains(o))
        .collect();
    let test = match ops[..] {
        [] => {
            p.add(
                path,
                format!("needs an operator: one of {}", OPERATORS.join(", ")),
            );
            return None;
        }
        [op] if !RANGE.contains(&op) => compile_operator(doc, op, &join(path, op), p)?,
        _ if ops.iter().all(|o| RANGE.contains(o)) => compile_range(doc, path, p)?,
        _ => {
            p.add(
                path,
                format!(
                    "has operators {} together; only gte/gt/lte/lt combine",
                    ops.join(", ")
                ),
            );
            return None;
        }
    };
    Some(Condition::Test {
        slot: slots.slot(&slot_path),
        test,
    })
}

fn compile_operator(
    doc: &document::Condition,
    op: &str,
    at: &str,
    p: &mut Problems,
) -> Option<Test> {
    let test = match op {
        "equals" => Test::OneOf(vec![expected(doc.equals.as_ref()?, at, p)?]),
        "oneOf" => {
            let items = doc.one_of.as_ref()?;
            if items.is_empty() {
                p.add(at, "must list at least one value");
                return None;
            }
            let list: Vec<_> = items
                .iter()
                .enumerate()
                .map(|(i, v)| expected(v, &format!("{at}[{i}]"), p))
                .collect();
            Test::OneOf(list.into_iter().collect::<Option<_>>()?)
        }
        "contains" => Test::Contains(lower_list(doc.contains.as_ref()?, at, p)?),
        "glob" => Test::Glob(
            lower_list(doc.glob.as_ref()?, at, p)?
                .iter()
                .map(|g| Glob::new(g, false))
                .collect(),
        ),
        "emailDomain" => {
            let domains = lower_list(doc.email_domain.as_ref()?, at, p)?;
            let domains: Vec<String> = domains
                .into_iter()
                .map(|d| d.trim_start_matches('@').to_owned())
                .collect();
            if let Some(bad) = domains.iter().find(|d| d.is_empty() || d.contains('@')) {
                p.add(at, format!("\"{bad}\" is not a domain"));
                return None;
            }
            Test::EmailDomain(domains)
        }
        _ => Test::Exists(doc.exists?),
    };
    Some(test)
}

fn compile_range(doc: &document::Condition, path: &str, p: &mut Problems) -> Option<Test> {
    let mut bound = |value: Option<f64>, key: &str| number(value?, &join(path, key), p);
    let (gte, gt, lte, lt) = (
        bound(doc.gte, "gte"),
        bound(doc.gt, "gt"),
        bound(doc.lte, "lte"),
        bound(doc.lt, "lt"),
    );
    if (gte.is_some() && gt.is_some()) || (lte.is_some() && lt.is_some()) {
        p.add(
            &join(path, "gte"),
            "use one lower bound (gte or gt) and one upper bound (lte or lt)",
        );
        return None;
    }
    let low = gte.map(|n| (n, true)).or(gt.map(|n| (n, false)));
    let high = lte.map(|n| (n, true)).or(lt.map(|n| (n, false)));
    if let (Some((lo, _)), Some((hi, _))) = (low, high) {
        if lo > hi {
            p.add(
                &join(path, "gte"),
                format!(
                    "lower bound {} is above upper bound {}",
                    Shown(lo),
                    Shown(hi)
                ),
            );
            return None;
        }
    }
    if low.is_none() && high.is_none() {
        return None;
    }
    Some(Test::Range { low, high })
}

fn expected(value: &Scalar, path: &str, p: &mut Problems) -> Option<Expected> {
    match value {
        Scalar::Text(s) => {
            text(s, path, p).map(|s| Expected::Text(crate::format::host::lowercase(s)))
        }
        Scalar::Number(n) => number(*n, path, p).map(Expected::Num),
        Scalar::Bool(b) => Some(Expected::Bool(*b)),
    }
}

fn lower_list(value: &TextOrList, path: &str, p: &mut Problems) -> Option<Vec<String>> {
    let before = p.0.len();
    let list = text_list(value, path, p);
    (p.0.len() == before).then(|| {
        list.iter()
            .map(|s| crate::format::host::lowercase(s))
            .collect()
    })
}

impl Test {
    /// Whether `value` (absent when `None`; its text folded to lower case) passes this test.
    pub fn passes(&self, value: Option<&Value>) -> bool {
        let Some(value) = value else {
            return matches!(self, Test::Exists(false));
        };
        let lower = || value.folded_text();
        match self {
            Test::Exists(wanted) => *wanted,
            Test::Range { low, high } => value.as_number().is_some_and(|n| {
                low.is_none_or(|(lo, inclusive)| if inclusive { n >= lo } else { n > lo })
                    && high.is_none_or(|(hi, inclusive)| if inclusive { n <= hi } else { n < hi })
            }),
            Test::OneOf(list) => {
                let text = lower();
                list.iter().any(|e| match e {
                    Expected::Text(s) => text.trim() == s.as_str(),
                    Expected::Num(n) => value.as_number() == Some(*n),
                    Expected::Bool(b) => {
                        matches!(value, Value::Bool(v) if v == b)
                            || *text == *if *b { "true" } else { "false" }
                    }
                })
            }
            Test::Contains(list) => {
                let text = lower();
                list.iter()
                    .any(|s| crate::format::search::contains(&text, s))
            }
            Test::Glob(list) => {
                let text = lower();
                let text = text.trim();
                list.iter().any(|g| g.matches(text))
            }
            Test::EmailDomain(domains) => {
                let text = lower();
                let text = text.trim();
                // After the last `@` (`get`, not an index: a failed index brings the panic's
                // character formatting and its Unicode tables into the module).
                let domain = match text.bytes().rposition(|b| b == b'@') {
                    Some(at) => text.get(at + 1..).unwrap_or_default(),
                    None => text,
                };
                domains.iter().any(|d| {
                    domain == d
                        || (domain.len() > d.len()
                            && domain.ends_with(d.as_str())
                            && domain.as_bytes()[domain.len() - d.len() - 1] == b'.')
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compile_traits(text: &str) -> (Result<Condition, Vec<String>>, Slots) {
        use serde::Deserialize;
        let json = crate::format::json::Json::parse(text).unwrap();
        let doc = document::Condition::deserialize(json).unwrap();
        let mut slots = Slots::default();
        let mut p = Problems::default();
        let c = Condition::compile(&doc, "when", Scope::Traits, &mut slots, &mut p);
        let result = match c {
            Some(c) if p.0.is_empty() => Ok(c),
            _ => Err(p.0.iter().map(ToString::to_string).collect()),
        };
        (result, slots)
    }

    fn holds(condition: &str, traits: &[(&str, Value)]) -> bool {
        let (c, slots) = compile_traits(condition);
        let c = c.unwrap();
        let values: Vec<Option<Value>> = slots
            .paths
            .iter()
            .map(|path| {
                traits
                    .iter()
                    .find(|(k, _)| k == path)
                    .map(|(_, v)| v.clone().folded())
            })
            .collect();
        c.holds(&values)
    }

    fn s(v: &str) -> Value {
        Value::Str(v.into())
    }

    #[test]
    fn equals_and_one_of_ignore_case_and_read_numbers_in_text() {
        assert!(holds(
            r#"{"trait":"industry","equals":"Software"}"#,
            &[("industry", s("SOFTWARE"))]
        ));
        assert!(!holds(
            r#"{"trait":"industry","equals":"Software"}"#,
            &[("industry", s("Retail"))]
        ));
        assert!(holds(
            r#"{"trait":"country","oneOf":["US","CA"]}"#,
            &[("country", s("ca"))]
        ));
        assert!(holds(
            r#"{"trait":"seats","equals":50}"#,
            &[("seats", s("50"))]
        ));
        assert!(holds(
            r#"{"trait":"optIn","equals":true}"#,
            &[("optIn", Value::Bool(true))]
        ));
    }

    #[test]
    fn contains_and_glob() {
        assert!(holds(
            r#"{"trait":"title","contains":"Director"}"#,
            &[("title", s("Sales director EMEA"))]
        ));
        assert!(holds(
            r#"{"trait":"title","glob":["vp*","*chief*"]}"#,
            &[("title", s("Chief of Staff"))]
        ));
        assert!(holds(
            r#"{"trait":"title","glob":["vp*","*chief*"]}"#,
            &[("title", s("VP Marketing"))]
        ));
        assert!(!holds(
            r#"{"trait":"title","glob":["vp*","*chief*"]}"#,
            &[("title", s("Engineer"))]
        ));
    }

    #[test]
    fn numeric_ranges_with_inclusive_and_exclusive_bounds() {
        let c = r#"{"trait":"company.employees","gte":100,"lt":1000}"#;
        assert!(holds(c, &[("company.employees", Value::Num(100.0))]));
        assert!(holds(c, &[("company.employees", s("999"))]));
        assert!(!holds(c, &[("company.employees", Value::Num(1000.0))]));
        assert!(!holds(c, &[("company.employees", Value::Num(99.0))]));
        assert!(!holds(c, &[("company.employees", s("lots"))]));
        assert!(!holds(c, &[]));
    }

    #[test]
    fn email_domains_match_domain_and_subdomains_only() {
        let c = r#"{"trait":"email","emailDomain":["gmail.com","@rival.io"]}"#;
        assert!(holds(c, &[("email", s("Ann@GMAIL.com"))]));
        assert!(holds(c, &[("email", s("bob@eu.rival.io"))]));
        assert!(!holds(c, &[("email", s("bob@notrival.io"))]));
        assert!(!holds(c, &[("email", s("bob@acme.com"))]));
        assert!(!holds(c, &[]));
    }

    #[test]
    fn exists_and_combinators() {
        assert!(holds(
            r#"{"trait":"phone","exists":true}"#,
            &[("phone", s("1"))]
        ));
        assert!(holds(r#"{"trait":"phone","exists":false}"#, &[]));
        let c = r#"{"all":[{"trait":"a","exists":true},{"any":[{"trait":"b","equals":1},{"not":{"trait":"c","exists":true}}]}]}"#;
        assert!(holds(
            c,
            &[("a", s("x")), ("b", Value::Num(1.0)), ("c", s("y"))]
        ));
        assert!(holds(c, &[("a", s("x"))]));
        assert!(!holds(c, &[("a", s("x")), ("c", s("y"))]));
        assert!(!holds(c, &[]));
    }

    #[test]
    fn problems_name_their_paths() {
        let (r, _) = compile_traits(
            r#"{"all":[{"trait":"a","glob":[]},{"trait":"b","gte":5,"lte":1},{"trait":"c"},{"property":"x","exists":true},{"trait":"d","equals":1,"contains":"x"}]}"#,
        );
        let problems = r.unwrap_err();
        assert_eq!(
            problems,
            vec![
                "when.all[0].glob: must list at least one value",
                "when.all[1].gte: lower bound 5 is above upper bound 1",
                "when.all[2]: needs an operator: one of equals, oneOf, contains, glob, gte, gt, lte, lt, emailDomain, exists",
                "when.all[3].property: unknown field (expected one of: trait, equals, oneOf, contains, glob, gte, gt, lte, lt, emailDomain, exists)",
                "when.all[3]: a condition needs all, any, not, or \"trait\" (fit rules and disqualifiers test visitor traits)",
                "when.all[4]: has operators equals, contains together; only gte/gt/lte/lt combine",
            ]
        );
    }

    #[test]
    fn nesting_is_bounded() {
        let deep = r#"{"not":"#.repeat(MAX_NESTING + 1)
            + r#"{"trait":"a","exists":true}"#
            + &"}".repeat(MAX_NESTING + 1);
        let problems = compile_traits(&deep).0.unwrap_err();
        assert!(problems[0].contains("nest deeper than 8"), "{problems:?}");
    }
}
