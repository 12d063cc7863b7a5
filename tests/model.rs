//! Model validation: every problem listed, each with its path.

#![cfg(not(target_arch = "wasm32"))]

mod common;
use common::*;

#[test]
fn the_example_models_compile() {
    let b2b = example("b2b-saas");
    assert_eq!(
        (b2b.key(), b2b.fit.rules.len(), b2b.engagement.rules.len()),
        ("b2b-saas@1", 8, 11)
    );
    assert_eq!(example("minimal").key(), "minimal@1");
}

#[test]
fn every_problem_is_listed_with_its_path() {
    let found = problems(
        r#"{
        "id": "bad id!", "version": 1, "colour": "red",
        "fit": { "max": 10, "min": 20, "rules": [
            { "id": "a", "points": "ten", "when": { "trait": "title", "glob": "vp*" } },
            { "id": "a", "points": 5 } ] },
        "engagement": { "rules": [
            { "id": "p", "points": 5, "page": "pricing" },
            { "id": "q", "points": 5, "track": "Demo", "page": "/demo" },
            { "id": "r", "points": 5, "page": "/x", "halfLifeDays": 0 },
            { "id": "s", "points": 5, "page": "/x", "withinDays": 7 },
            { "id": "t", "points": 5, "track": "x", "maxCount": 2, "minCount": 3, "maxPoints": -1 },
            { "id": "u", "points": 5, "track": "x", "where": { "trait": "plan", "equals": "pro" } } ] },
        "disqualifiers": [ { "id": "d", "reason": "", "when": { "trait": "x", "exists": "yes" } } ],
        "thresholds": {},
        "grades": { "fit": [10, 20, 30] }
    }"#,
    );
    // The shape first (what does not fit the document's types), then the meaning.
    let expected = [
        "colour: unknown field (expected one of: $schema, id, version, description, fit, engagement, disqualifiers, thresholds, grades, keepTraits, bots, calibration, accounts, cases)",
        "fit.rules[0].points: must be a number, not a string",
        "fit.rules[1].when: is required",
        "disqualifiers[0].when.exists: must be true or false, not a string",
        "id: must be at most 64 letters, digits, '-', '_' or '.'",
        "fit.min: must not exceed max (10)",
        "engagement.rules[0].page: must be a path starting with / (e.g. /pricing or /product/**)",
        "engagement.rules[1].track: give page or track, not both",
        "engagement.rules[2].halfLifeDays: must be greater than 0",
        "engagement.rules[3].maxCount: is required with withinDays (the session keeps the times of at most maxCount events per rule, up to 100)",
        "engagement.rules[4].maxPoints: must be greater than 0",
        "engagement.rules[4].minCount: must not exceed maxCount (2)",
        "engagement.rules[5].where.trait: unknown field (expected one of: property, context, equals, oneOf, contains, glob, gte, gt, lte, lt, emailDomain, exists)",
        "engagement.rules[5].where: a condition needs all, any, not, or one of \"property\" or \"context\" (event conditions test the event)",
        "disqualifiers[0].reason: must not be empty",
        "fit.rules[1].id: \"a\" is already used by another rule; ids must be unique",
        "thresholds: needs at least one of fit, engagement, total",
        "grades.fit: must be three numbers, highest first (the lowest scores of grades A, B, C or 1, 2, 3)",
    ];
    assert_eq!(found, expected);
}

#[test]
fn required_parts_are_named() {
    assert_eq!(
        problems(r#"{"fit":{"rules":[]}}"#),
        [
            "id: is required",
            "version: is required",
            "thresholds: is required: when is a visitor an MQL? (e.g. {\"fit\": 40, \"engagement\": 30})"
        ]
    );
    assert_eq!(problems("[]"), ["must be an object, not an array"]);
}

#[test]
fn limits_are_enforced_with_clear_messages() {
    let rules: Vec<String> = (0..65)
        .map(|i| format!(r#"{{"id":"r{i}","points":1,"page":"/"}}"#))
        .collect();
    let text = format!(
        r#"{{"id":"x","version":1,"engagement":{{"rules":[{}]}},"thresholds":{{"engagement":1}}}}"#,
        rules.join(",")
    );
    assert_eq!(
        problems(&text),
        ["engagement.rules: has 65 rules, more than 64"]
    );
    // Fit rules keep no state in a session: learned models may have up to 256.
    let fit = |n: usize| {
        let rules: Vec<String> = (0..n)
            .map(|i| {
                format!(
                    r#"{{"id":"f{i}","points":1,"when":{{"trait":"t{}","equals":"v{i}"}}}}"#,
                    i % 8
                )
            })
            .collect();
        format!(
            r#"{{"id":"x","version":1,"fit":{{"rules":[{}]}},"thresholds":{{"fit":1}}}}"#,
            rules.join(",")
        )
    };
    assert_eq!(problems(&fit(256)), Vec::<String>::new());
    assert_eq!(
        problems(&fit(257)),
        ["fit.rules: has 257 rules, more than 256"]
    );
    let long = "x".repeat(300);
    let text = format!(
        r#"{{"id":"x","version":1,"engagement":{{"rules":[{{"id":"r","points":1,"page":"/{long}"}}]}},"thresholds":{{"engagement":1}}}}"#
    );
    assert_eq!(
        problems(&text),
        ["engagement.rules[0].page: is 301 bytes long, more than 256"]
    );
    let text = r#"{"id":"x","version":1,"engagement":{"rules":[{"id":"r","points":1,"page":"/","maxCount":101,"halfLifeDays":4000}]},"thresholds":{"engagement":1}}"#;
    assert_eq!(
        problems(text),
        [
            "engagement.rules[0].maxCount: must be a whole number from 1 to 100",
            "engagement.rules[0].halfLifeDays: must be at most 3650 days"
        ]
    );
}

#[test]
fn non_finite_numbers_are_rejected() {
    let m = mqlscore::Json::Obj(vec![
        ("id".into(), mqlscore::Json::Str("x".into())),
        ("version".into(), mqlscore::Json::Num(1.0)),
        (
            "thresholds".into(),
            mqlscore::Json::Obj(vec![("fit".into(), mqlscore::Json::Num(f64::NAN))]),
        ),
    ]);
    let err = mqlscore::Model::compile(&m).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid scoring model (1 problem)\n  thresholds.fit: must be a finite number"
    );
}

#[test]
fn trait_and_field_counts_are_bounded() {
    let rules: Vec<String> = (0..33)
        .map(|i| format!(r#"{{"id":"f{i}","points":1,"when":{{"trait":"t{i}","exists":true}}}}"#))
        .collect();
    let text = format!(
        r#"{{"id":"x","version":1,"fit":{{"rules":[{}]}},"thresholds":{{"fit":1}}}}"#,
        rules.join(",")
    );
    assert_eq!(
        problems(&text),
        ["keepTraits: the model reads and keeps 33 traits, more than 32"]
    );
    let rules: Vec<String> = (0..33)
        .map(|i| format!(r#"{{"id":"e{i}","points":1,"track":"x","where":{{"property":"p{i}","exists":true}}}}"#))
        .collect();
    let text = format!(
        r#"{{"id":"x","version":1,"engagement":{{"rules":[{}]}},"thresholds":{{"engagement":1}}}}"#,
        rules.join(",")
    );
    assert_eq!(
        problems(&text),
        ["engagement: the model reads 33 event fields, more than 32"]
    );
}

#[test]
fn control_characters_in_model_text_are_rejected() {
    let text = r#"{"id":"x","version":1,"engagement":{"rules":[{"id":"p","label":"Viewed\npricing","points":1,"page":"/"}]},"thresholds":{"engagement":1}}"#;
    assert_eq!(
        problems(text),
        ["engagement.rules[0].label: must not contain control characters (line breaks, tabs, …)"]
    );
}

#[test]
fn an_accounts_section_is_checked_and_keeps_what_accounts_are_made_of() {
    let good = r#"{"id":"a","version":1,"engagement":{"rules":[{"id":"r","points":1,"page":"/"}]},"thresholds":{"engagement":1},
        "accounts":{"threshold":80,"engagedAt":10,"perPerson":10,"maxPeople":5,
          "roles":[{"id":"decision-maker","label":"Decision maker","title":["*chief*","vp*"],"points":20}]}}"#;
    let m = model(good);
    for t in ["email", "company.name", "title"] {
        assert!(m.traits.paths.iter().any(|p| p == t), "{t} kept");
    }
    let bad = r#"{"id":"a","version":1,"engagement":{"rules":[{"id":"r","points":1,"page":"/"}]},"thresholds":{"engagement":1},
        "accounts":{"threshold":0,"engagedAt":-1,"maxPeople":0.5,
          "roles":[{"id":"dm","title":[],"points":1},{"id":"dm","title":"vp*","points":2}]}}"#;
    assert_eq!(
        problems(bad),
        [
            "accounts.threshold: must be a number above 0",
            "accounts.engagedAt: must be a number of at least 0",
            "accounts.maxPeople: must be a whole number from 1 to 100",
            "accounts.roles[0].title: must list at least one value",
            "accounts.roles[1].id: \"dm\" is already a role",
        ]
    );
    assert_eq!(
        problems(r#"{"id":"a","version":1,"thresholds":{"engagement":1},"accounts":{"threshold":5,"extra":1}}"#)[0]
            .split(':')
            .next(),
        Some("accounts.extra"),
        "unknown fields are named"
    );
}
