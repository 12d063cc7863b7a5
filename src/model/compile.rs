//! Checking a model document's meaning and compiling it: every problem listed with its path.

use super::bots::BotFilter;
use super::check::{count, join, number, positive, text, text_list, Problems};
use super::condition::{Condition, Scope, Slots};
use super::document::{self, GradeCuts, ModelDocument, Require, Version};
use super::glob::Glob;
use super::{
    Calibration, Disqualifier, EngagementRule, EventMatcher, FitRule, Grades, Group, Model, Target,
    Thresholds, Trigger, MAX_COUNT, MAX_DAYS, MAX_FIELDS, MAX_FIT_RULES, MAX_RULES, MAX_TRAITS,
};
use crate::format::number::Shown;
use crate::format::time::DAY_MS;

pub(super) fn compile(doc: &ModelDocument, p: &mut Problems) -> Option<Model> {
    let id = check_id(&doc.id, "id", p);
    let version = match &doc.version {
        Version::Text(v) => text(v, "version", p).map(str::to_owned),
        Version::Number(n) => number(*n, "version", p).map(|n| Shown(n).to_string()),
    };
    let version = version.filter(|v| check_id(v, "version", p).is_some());
    if let Some(d) = &doc.description {
        text(d, "description", p);
    }
    let mut traits = Slots::default();
    let mut fields = Slots::default();
    let mut ids = Vec::new();

    let fit = group(
        doc.fit.as_ref(),
        "fit",
        MAX_FIT_RULES,
        p,
        |rule, path, p| {
            let id = check_id(&rule.id, &join(path, "id"), p);
            let label = label(rule.label.as_deref(), &rule.id, path, p);
            let points = number(rule.points, &join(path, "points"), p);
            let when = Condition::compile(
                &rule.when.0,
                &join(path, "when"),
                Scope::Traits,
                &mut traits,
                p,
            );
            ids.push((rule.id.clone(), join(path, "id")));
            Some(FitRule {
                id: id?.to_owned(),
                label: label?,
                points: points?,
                when: when?,
            })
        },
    );

    let engagement = group(
        doc.engagement.as_ref(),
        "engagement",
        MAX_RULES,
        p,
        |rule, path, p| {
            let id = check_id(&rule.id, &join(path, "id"), p);
            let label = label(rule.label.as_deref(), &rule.id, path, p);
            let points = number(rule.points, &join(path, "points"), p);
            let matcher = matcher(
                rule.page.as_deref(),
                rule.track.as_deref(),
                rule.filter.as_ref(),
                path,
                &mut fields,
                p,
            );
            let max_count = rule
                .max_count
                .and_then(|n| count(n, MAX_COUNT, &join(path, "maxCount"), p));
            let max_points = rule
                .max_points
                .and_then(|n| positive(n, &join(path, "maxPoints"), p));
            let within = rule
                .within_days
                .and_then(|d| days(d, &join(path, "withinDays"), p));
            let half_life = rule
                .half_life_days
                .and_then(|d| days(d, &join(path, "halfLifeDays"), p));
            let min_count = rule
                .min_count
                .and_then(|n| count(n, MAX_COUNT, &join(path, "minCount"), p))
                .unwrap_or(1);
            if rule.within_days.is_some() && rule.max_count.is_none() {
                p.add(
                    &join(path, "maxCount"),
                    format!(
                        "is required with withinDays (the session keeps the times of at most \
                     maxCount events per rule, up to {MAX_COUNT})"
                    ),
                );
            }
            if let Some(cap) = max_count {
                if min_count > cap {
                    p.add(
                        &join(path, "minCount"),
                        format!("must not exceed maxCount ({cap})"),
                    );
                }
            }
            ids.push((rule.id.clone(), join(path, "id")));
            Some(EngagementRule {
                id: id?.to_owned(),
                label: label?,
                points: points?,
                matcher: matcher?,
                max_count,
                max_points,
                within_ms: within.map(|d| d * DAY_MS),
                min_count,
                half_life_ms: half_life.map(|d| d * DAY_MS),
            })
        },
    );

    if doc.disqualifiers.len() > MAX_RULES {
        p.add(
            "disqualifiers",
            format!(
                "has {} entries, more than {MAX_RULES}",
                doc.disqualifiers.len()
            ),
        );
    }
    let mut disqualifiers = Vec::new();
    for (i, d) in doc.disqualifiers.iter().take(MAX_RULES).enumerate() {
        let path = format!("disqualifiers[{i}]");
        let id = check_id(&d.id, &join(&path, "id"), p);
        let reason = text(&d.reason, &join(&path, "reason"), p);
        let event = d.page.is_some() || d.track.is_some();
        let trigger = match (&d.when, event) {
            (Some(w), false) => {
                if d.filter.is_some() {
                    p.add(
                        &join(&path, "where"),
                        "applies to page or track disqualifiers only",
                    );
                }
                Condition::compile(&w.0, &join(&path, "when"), Scope::Traits, &mut traits, p)
                    .map(Trigger::Traits)
            }
            (None, true) => matcher(
                d.page.as_deref(),
                d.track.as_deref(),
                d.filter.as_ref(),
                &path,
                &mut fields,
                p,
            )
            .map(Trigger::Event),
            (Some(_), true) => {
                p.add(
                    &path,
                    "give either when (traits) or page/track (events), not both",
                );
                None
            }
            (None, false) => {
                p.add(
                    &path,
                    "needs when (a condition on traits) or page/track (an event)",
                );
                None
            }
        };
        ids.push((d.id.clone(), join(&path, "id")));
        if let (Some(id), Some(reason), Some(trigger)) = (id, reason, trigger) {
            disqualifiers.push(Disqualifier {
                id: id.to_owned(),
                reason: reason.to_owned(),
                trigger,
            });
        }
    }

    for (i, name) in doc.keep_traits.iter().enumerate() {
        if let Some(name) = text(name, &format!("keepTraits[{i}]"), p) {
            traits.slot(name);
        }
    }
    // (The scoring modules skip cases when reading: nothing to check there.)
    #[cfg(feature = "training")]
    super::cases::check_cases(doc, p);
    if let Some(accounts) = &doc.accounts {
        check_accounts(accounts, p);
        // What an account is made of: the company (from the email's domain or its name) and,
        // for roles, each person's title.
        for name in ["email", "company.name"] {
            traits.slot(name);
        }
        if !accounts.roles.is_empty() {
            traits.slot("title");
        }
    }
    if traits.paths.len() > MAX_TRAITS {
        p.add(
            "keepTraits",
            format!(
                "the model reads and keeps {} traits, more than {MAX_TRAITS}",
                traits.paths.len()
            ),
        );
    }
    if fields.paths.len() > MAX_FIELDS {
        p.add(
            "engagement",
            format!(
                "the model reads {} event fields, more than {MAX_FIELDS}",
                fields.paths.len()
            ),
        );
    }
    for (i, (id, path)) in ids.iter().enumerate() {
        if ids[..i].iter().any(|(other, _)| other == id) {
            p.add(
                path,
                format!("\"{id}\" is already used by another rule; ids must be unique"),
            );
        }
    }

    let bots = match &doc.bots {
        Some(b) => Some(BotFilter::compile(b, &mut fields, p)?),
        None => None,
    };
    let calibration = match &doc.calibration {
        Some(c) => {
            let slope = number(c.slope, "calibration.slope", p);
            let intercept = number(c.intercept, "calibration.intercept", p);
            Some(Calibration {
                slope: slope?,
                intercept: intercept?,
            })
        }
        None => None,
    };
    let thresholds = thresholds(&doc.thresholds, p);
    let grades = grades(doc.grades.as_ref(), p);
    let mut model = Model {
        id: id?.to_owned(),
        version: version?,
        fit: fit?,
        engagement: engagement?,
        disqualifiers,
        thresholds: thresholds?,
        grades: grades?,
        bots,
        calibration,
        traits,
        fields,
        signatures: Vec::new(),
        key: String::new(),
        by_target: [Vec::new(), Vec::new()],
    };
    model.derive();
    Some(model)
}

fn check_id<'a>(id: &'a str, path: &str, p: &mut Problems) -> Option<&'a str> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if !ok {
        p.add(path, "must be at most 64 letters, digits, '-', '_' or '.'");
        return None;
    }
    Some(id)
}

/// A rule's label, checked, or its id when it has none.
fn label(label: Option<&str>, id: &str, path: &str, p: &mut Problems) -> Option<String> {
    match label {
        Some(l) => text(l, &join(path, "label"), p).map(str::to_owned),
        None => Some(id.to_owned()),
    }
}

fn days(d: f64, path: &str, p: &mut Problems) -> Option<f64> {
    let d = positive(d, path, p)?;
    if d > MAX_DAYS {
        p.add(path, format!("must be at most {} days", Shown(MAX_DAYS)));
        return None;
    }
    Some(d)
}

fn group<R, C>(
    doc: Option<&document::RuleGroup<R>>,
    key: &str,
    limit: usize,
    p: &mut Problems,
    mut rule: impl FnMut(&R, &str, &mut Problems) -> Option<C>,
) -> Option<Group<C>> {
    let Some(doc) = doc else {
        return Some(Group {
            rules: Vec::new(),
            min: None,
            max: None,
        });
    };
    let min = doc.min.and_then(|n| number(n, &join(key, "min"), p));
    let max = doc.max.and_then(|n| number(n, &join(key, "max"), p));
    if let (Some(lo), Some(hi)) = (min, max) {
        if lo > hi {
            p.add(
                &join(key, "min"),
                format!("must not exceed max ({})", Shown(hi)),
            );
        }
    }
    if doc.rules.len() > limit {
        p.add(
            &join(key, "rules"),
            format!("has {} rules, more than {limit}", doc.rules.len()),
        );
    }
    let rules: Vec<Option<C>> = doc
        .rules
        .iter()
        .take(limit)
        .enumerate()
        .map(|(i, item)| rule(item, &format!("{key}.rules[{i}]"), p))
        .collect();
    Some(Group {
        rules: rules.into_iter().collect::<Option<_>>()?,
        min,
        max,
    })
}

fn matcher(
    page: Option<&str>,
    track: Option<&str>,
    filter: Option<&document::EventCondition>,
    path: &str,
    fields: &mut Slots,
    p: &mut Problems,
) -> Option<EventMatcher> {
    let target = match (page, track) {
        (Some(page), None) => {
            let glob = text(page, &join(path, "page"), p)?;
            if !glob.starts_with('/') && !glob.starts_with('*') {
                p.add(
                    &join(path, "page"),
                    "must be a path starting with / (e.g. /pricing or /product/**)",
                );
                return None;
            }
            Target::Page(Glob::new(glob, true))
        }
        (None, Some(track)) => {
            Target::Track(Glob::new(text(track, &join(path, "track"), p)?, false))
        }
        (Some(_), Some(_)) => {
            p.add(&join(path, "track"), "give page or track, not both");
            return None;
        }
        (None, None) => {
            p.add(
                &join(path, "page"),
                "is required: page (a path glob) or track (an event name)",
            );
            return None;
        }
    };
    let filter = match filter {
        Some(w) => Some(Condition::compile(
            &w.0,
            &join(path, "where"),
            Scope::Event,
            fields,
            p,
        )?),
        None => None,
    };
    Some(EventMatcher { target, filter })
}

fn thresholds(doc: &document::Thresholds, p: &mut Problems) -> Option<Thresholds> {
    let fit = doc.fit.and_then(|n| number(n, "thresholds.fit", p));
    let engagement = doc
        .engagement
        .and_then(|n| number(n, "thresholds.engagement", p));
    let total = doc.total.and_then(|n| number(n, "thresholds.total", p));
    if doc.fit.is_none() && doc.engagement.is_none() && doc.total.is_none() {
        p.add("thresholds", "needs at least one of fit, engagement, total");
    }
    Some(Thresholds {
        fit,
        engagement,
        total,
        all: !matches!(doc.require, Some(Require::Any)),
    })
}

fn grades(doc: Option<&GradeCuts>, p: &mut Problems) -> Option<Grades> {
    let default = [75.0, 50.0, 25.0];
    let Some(doc) = doc else {
        return Some(Grades {
            fit: default,
            engagement: default,
        });
    };
    let mut cuts = |cuts: &Option<Vec<f64>>, key: &str| -> Option<[f64; 3]> {
        let Some(cuts) = cuts else {
            return Some(default);
        };
        let path = join("grades", key);
        let nums: Vec<f64> = cuts
            .iter()
            .enumerate()
            .filter_map(|(i, n)| number(*n, &format!("{path}[{i}]"), p))
            .collect();
        match nums[..] {
            [a, b, c] if a > b && b > c => Some([a, b, c]),
            _ => {
                p.add(&path, "must be three numbers, highest first (the lowest scores of grades A, B, C or 1, 2, 3)");
                None
            }
        }
    };
    let fit = cuts(&doc.fit, "fit");
    let engagement = cuts(&doc.engagement, "engagement");
    Some(Grades {
        fit: fit?,
        engagement: engagement?,
    })
}

/// Checks the meaning of a model's `accounts` section (the edge worker scores accounts).
fn check_accounts(doc: &document::AccountSettings, p: &mut Problems) {
    if !(doc.threshold.is_finite() && doc.threshold > 0.0) {
        p.add("accounts.threshold", "must be a number above 0");
    }
    if let Some(v) = doc.engaged_at {
        if !(v.is_finite() && v >= 0.0) {
            p.add("accounts.engagedAt", "must be a number of at least 0");
        }
    }
    if let Some(v) = doc.per_person {
        number(v, "accounts.perPerson", p);
    }
    if let Some(v) = doc.max_people {
        count(v, 100, "accounts.maxPeople", p);
    }
    let mut ids = Vec::new();
    for (i, role) in doc.roles.iter().enumerate() {
        let at = format!("accounts.roles[{i}]");
        if let Some(id) = text(&role.id, &join(&at, "id"), p) {
            if ids.contains(&id) {
                p.add(&join(&at, "id"), format!("\"{id}\" is already a role"));
            }
            ids.push(id);
        }
        if let Some(label) = &role.label {
            text(label, &join(&at, "label"), p);
        }
        text_list(&role.title, &join(&at, "title"), p);
        number(role.points, &join(&at, "points"), p);
    }
}
