//! Rules, caps, windows, decay, disqualifiers, thresholds and grades, scored natively.

#![cfg(not(target_arch = "wasm32"))]

mod common;
use common::*;
use mqlscore::Scorer;

fn r(rule: &str, points: f64) -> (String, f64) {
    (rule.to_owned(), points)
}

#[test]
fn browsing_home_product_pricing_pricing_qualifies_on_the_second_pricing_view() {
    let mut s = Scorer::new(example("b2b-saas"));
    let steps = ["/", "/product", "/pricing", "/pricing", "/blog/launch"];
    let cards: Vec<_> = steps
        .iter()
        .enumerate()
        .map(|(i, p)| page(&mut s, p, T0 + i as f64 * 1000.0))
        .collect();
    let scores: Vec<f64> = cards.iter().map(|c| c.score).collect();
    let mql: Vec<bool> = cards.iter().map(|c| c.mql).collect();
    let became: Vec<bool> = cards.iter().map(|c| c.became_mql).collect();
    assert_eq!(scores, [1.0, 7.0, 23.0, 59.0, 62.0]);
    assert_eq!(mql, [false, false, false, true, true]);
    assert_eq!(became, [false, false, false, true, false]);
    assert_eq!(
        reasons(&cards[3]),
        [
            r("pricing", 30.0),
            r("pricing-return", 20.0),
            r("product", 5.0),
            r("site-visit", 4.0)
        ]
    );
    assert_eq!(
        cards[3].reasons[0].sentence,
        "Viewed pricing: twice in the last 30 days (+30, halving every 14 days)"
    );
    assert_eq!(
        cards[3].reasons[1].sentence,
        "Came back to pricing: twice in the last 30 days (+20)"
    );
    assert_eq!(cards[3].grade.to_string(), "D2");
    assert_eq!(cards[3].model, "b2b-saas@1");
    assert_eq!(cards[3].mql_since, Some(T0 + 3000.0));
}

#[test]
fn fit_rules_read_identify_and_group_traits() {
    let mut s = Scorer::new(example("b2b-saas"));
    let card = identify(
        &mut s,
        r#"{"email":"ann@acme.com","title":"VP Marketing","country":"us"}"#,
        T0,
    );
    assert_eq!(
        reasons(&card),
        [
            r("exec-title", 25.0),
            r("business-email", 10.0),
            r("territory", 5.0)
        ]
    );
    let e = event(
        &s,
        r#"{"type":"group","groupId":"acme","traits":{"employees":"250","industry":"Software"}}"#,
    );
    let card = s.ingest(&e, T0).unwrap();
    assert_eq!(card.fit, 75.0);
    assert_eq!(card.grade.to_string(), "A4");
    assert_eq!(
        reasons(&card)[1..3],
        [r("company-100", 20.0), r("target-industry", 15.0)]
    );
}

#[test]
fn nested_identify_traits_are_read_by_dotted_path() {
    let mut s = Scorer::new(example("b2b-saas"));
    let card = identify(
        &mut s,
        r#"{"title":"Sales Director","company":{"employees":42}}"#,
        T0,
    );
    assert_eq!(
        reasons(&card),
        [r("manager-title", 15.0), r("company-10", 10.0)]
    );
}

#[test]
fn free_mail_deducts_and_business_mail_adds() {
    let mut s = Scorer::new(example("b2b-saas"));
    assert_eq!(
        identify(&mut s, r#"{"email":"bob@GMail.com"}"#, T0).fit,
        -15.0
    );
    assert_eq!(
        identify(&mut s, r#"{"email":"bob@corp.io"}"#, T0 + 1000.0).fit,
        10.0
    );
}

#[test]
fn group_caps_hold_and_say_so_in_the_reasons() {
    let m = model(
        r#"{"id":"cap","version":1,"fit":{"max":30,"min":-10,"rules":[
            {"id":"a","points":25,"when":{"trait":"a","exists":true}},
            {"id":"b","points":20,"when":{"trait":"b","exists":true}},
            {"id":"c","points":-50,"when":{"trait":"c","exists":true}}]},
          "thresholds":{"fit":30}}"#,
    );
    let mut s = Scorer::new(m);
    let card = identify(&mut s, r#"{"a":1,"b":1}"#, T0);
    assert_eq!(card.fit, 30.0);
    assert_eq!(
        reasons(&card),
        [r("a", 25.0), r("b", 20.0), r("fit.max", -15.0)]
    );
    assert_eq!(card.reasons[2].sentence, "Fit capped at 30 (-15)");
    let card = identify(&mut s, r#"{"a":null,"b":null,"c":1}"#, T0 + 1.0);
    assert_eq!(
        card.fit, -5.0,
        "traits set to null keep their older value, so a + b - c = -5"
    );
}

#[test]
fn max_count_counts_only_the_most_recent_events() {
    let mut s = Scorer::new(example("b2b-saas"));
    for i in 0..10 {
        track(&mut s, "Email Link Clicked", T0 + i as f64 * 1000.0);
    }
    let card = s.score(T0 + 10_000.0);
    assert_eq!(reasons(&card), [r("email-click", 15.0)]);
    assert_eq!(card.reasons[0].count, Some(5));
}

#[test]
fn max_points_caps_a_rule() {
    let mut s = Scorer::new(example("b2b-saas"));
    for i in 0..3 {
        page(&mut s, "/pricing", T0 + i as f64);
    }
    let pricing = s
        .score(T0 + 2.0)
        .reasons
        .into_iter()
        .find(|r| r.rule == "pricing")
        .unwrap();
    assert_eq!((pricing.count, pricing.points), (Some(3), 30.0));
}

#[test]
fn windows_forget_old_events_exactly_at_the_edge() {
    let m = model(
        r#"{"id":"w","version":1,"engagement":{"rules":[
            {"id":"p","points":10,"page":"/pricing","maxCount":5,"withinDays":30}]},"thresholds":{"engagement":20}}"#,
    );
    let mut s = Scorer::new(m);
    page(&mut s, "/pricing", T0);
    page(&mut s, "/pricing", T0 + 10.0 * DAY);
    assert_eq!(s.score(T0 + 30.0 * DAY).engagement, 20.0);
    assert_eq!(s.score(T0 + 30.0 * DAY + 1000.0).engagement, 10.0);
    assert_eq!(s.score(T0 + 40.0 * DAY + 1000.0).engagement, 0.0);
}

#[test]
fn min_count_holds_a_rule_back_until_reached() {
    let m = model(
        r#"{"id":"m","version":1,"engagement":{"rules":[
            {"id":"p","points":10,"page":"/pricing","minCount":3}]},"thresholds":{"engagement":30}}"#,
    );
    let mut s = Scorer::new(m);
    let scores: Vec<f64> = (0..4)
        .map(|i| page(&mut s, "/pricing", T0 + i as f64).engagement)
        .collect();
    assert_eq!(scores, [0.0, 0.0, 30.0, 40.0]);
}

#[test]
fn decay_matches_the_closed_form_for_capped_and_uncapped_rules() {
    let m = model(
        r#"{"id":"d","version":1,"engagement":{"rules":[
            {"id":"capped","points":8,"page":"/a","maxCount":10,"halfLifeDays":7},
            {"id":"running","points":8,"page":"/b","halfLifeDays":7}]},"thresholds":{"engagement":100}}"#,
    );
    let mut s = Scorer::new(m);
    for (path, days) in [("/a", 0.0), ("/a", 3.0), ("/b", 3.0), ("/b", 0.0)] {
        let at = T0 + days * DAY;
        let e = event(
            &s,
            &format!(r#"{{"type":"page","properties":{{"path":"{path}"}},"timestamp":{at}}}"#),
        );
        s.ingest(&e, T0 + 3.0 * DAY).unwrap();
    }
    let now = T0 + 17.0 * DAY;
    let expected = 8.0 * (0.5f64.powf(17.0 / 7.0) + 0.5f64.powf(14.0 / 7.0));
    let card = s.score(now);
    for rule in ["capped", "running"] {
        let points = card.reasons.iter().find(|r| r.rule == rule).unwrap().points;
        assert_eq!(points, (expected * 100.0).round() / 100.0, "{rule}");
    }
    assert_eq!(
        s.score(T0 + 10.0 * DAY).engagement,
        2.0 * (8.0 * (0.5f64.powf(10.0 / 7.0) + 0.5) * 100.0).round() / 100.0
    );
}

#[test]
fn positive_scores_never_rise_as_time_passes_without_events() {
    let mut s = Scorer::new(example("b2b-saas"));
    for (i, p) in ["/product/analytics", "/pricing", "/blog/a", "/pricing"]
        .iter()
        .enumerate()
    {
        page(&mut s, p, T0 + i as f64 * DAY);
    }
    track(&mut s, "Whitepaper Downloaded", T0 + 3.0 * DAY);
    let mut last = f64::INFINITY;
    for hour in 0..24 * 120 {
        let score = s
            .score(T0 + 3.0 * DAY + hour as f64 * 3_600_000.0)
            .engagement;
        assert!(score <= last, "hour {hour}: {score} after {last}");
        last = score;
    }
    assert!(last < 10.0, "decay and windows brought {last} down");
}

#[test]
fn penalties_expire_with_their_window() {
    let mut s = Scorer::new(example("b2b-saas"));
    page(&mut s, "/careers", T0);
    assert_eq!(s.score(T0 + 59.0 * DAY).engagement, -10.0);
    assert_eq!(s.score(T0 + 61.0 * DAY).engagement, 0.0);
}

#[test]
fn negative_rules_deduct() {
    let mut s = Scorer::new(example("b2b-saas"));
    let card = page(&mut s, "/careers/engineering", T0);
    assert_eq!(reasons(&card), [r("careers", -10.0), r("site-visit", 1.0)]);
    assert_eq!(card.engagement, -9.0);
}

#[test]
fn where_conditions_filter_events_by_property_and_context() {
    let m = model(
        r#"{"id":"w","version":1,"engagement":{"rules":[
            {"id":"ent","points":10,"track":"Plan Viewed","where":{"property":"plan","oneOf":["enterprise","scale"]}},
            {"id":"de","points":1,"page":"/**","where":{"context":"locale","glob":"de*"}}]},
          "thresholds":{"engagement":100}}"#,
    );
    let mut s = Scorer::new(m);
    let e = event(
        &s,
        r#"{"type":"track","event":"plan viewed","properties":{"plan":"Enterprise"}}"#,
    );
    assert_eq!(s.ingest(&e, T0).unwrap().engagement, 10.0);
    let e = event(
        &s,
        r#"{"type":"track","event":"Plan Viewed","properties":{"plan":"starter"}}"#,
    );
    assert_eq!(s.ingest(&e, T0).unwrap().engagement, 10.0);
    let e = event(
        &s,
        r#"{"type":"page","properties":{"path":"/"},"context":{"locale":"de-DE"}}"#,
    );
    assert_eq!(s.ingest(&e, T0).unwrap().engagement, 11.0);
}

#[test]
fn event_fields_are_compared_case_insensitively_in_every_test() {
    // Event::read folds an event's texts once; each test relies on that instead of folding.
    let m = model(
        r#"{"id":"w","version":1,"engagement":{"rules":[
            {"id":"glob","points":1,"page":"/**","where":{"context":"userAgent","glob":"*Firefox*"}},
            {"id":"contains","points":10,"page":"/**","where":{"property":"referrer","contains":"NEWS"}},
            {"id":"domain","points":100,"page":"/**","where":{"property":"email","emailDomain":["Acme.com"]}},
            {"id":"unicode","points":1000,"page":"/**","where":{"property":"city","oneOf":["MÜNCHEN"]}}]},
          "thresholds":{"engagement":10000}}"#,
    );
    let mut s = Scorer::new(m);
    let e = event(
        &s,
        r#"{"type":"page","properties":{"path":"/","referrer":"https://News.example","email":"Ann@ACME.COM","city":"München"},
            "context":{"userAgent":"Mozilla/5.0 Gecko/20100101 FIREFOX/133.0"}}"#,
    );
    assert_eq!(s.ingest(&e, T0).unwrap().engagement, 1111.0);
    assert!(
        e.fields
            .iter()
            .flatten()
            .all(|v| v.to_string() == v.to_string().to_lowercase()),
        "{:?}",
        e.fields
    );
}

#[test]
fn disqualifiers_force_mql_false_whatever_the_points() {
    let mut s = Scorer::new(example("b2b-saas"));
    identify(
        &mut s,
        r#"{"email":"spy@rivalytics.com","title":"CEO"}"#,
        T0,
    );
    for i in 0..4 {
        page(&mut s, "/pricing", T0 + i as f64);
    }
    let card = track(&mut s, "Demo Requested", T0 + 5.0);
    assert!(card.score >= 50.0 && card.engagement >= 30.0, "{card:?}");
    assert!(!card.mql && !card.became_mql);
    let d = card.disqualifier.unwrap();
    assert_eq!(
        (d.id.as_str(), d.reason.as_str()),
        ("competitor", "Works at a competitor")
    );
}

#[test]
fn event_disqualifiers_stick() {
    let mut s = Scorer::new(example("b2b-saas"));
    track(&mut s, "Unsubscribed", T0);
    track(&mut s, "Demo Requested", T0 + 1.0);
    let card = page(&mut s, "/pricing", T0 + 2.0);
    assert_eq!(
        card.disqualifier.map(|d| d.id),
        Some("unsubscribed".to_owned())
    );
    assert!(!s.score(T0 + 400.0 * DAY).mql);
}

#[test]
fn crawler_user_agents_disqualify() {
    let mut s = Scorer::new(example("b2b-saas"));
    let e = event(
        &s,
        r#"{"type":"page","properties":{"path":"/pricing"},"context":{"userAgent":"Mozilla/5.0 (compatible; Googlebot/2.1)"}}"#,
    );
    assert_eq!(
        s.ingest(&e, T0).unwrap().disqualifier.map(|d| d.id),
        Some("bot".to_owned())
    );
}

#[test]
fn thresholds_require_all_or_any() {
    let text = |require: &str| {
        format!(
            r#"{{"id":"t","version":1,"fit":{{"rules":[{{"id":"f","points":40,"when":{{"trait":"t","exists":true}}}}]}},
               "engagement":{{"rules":[{{"id":"e","points":10,"page":"/**"}}]}},
               "thresholds":{{"fit":40,"engagement":20,"require":"{require}"}}}}"#
        )
    };
    let mut all = Scorer::new(model(&text("all")));
    let mut any = Scorer::new(model(&text("any")));
    assert!(!identify(&mut all, r#"{"t":1}"#, T0).mql);
    assert!(identify(&mut any, r#"{"t":1}"#, T0).mql);
    page(&mut all, "/", T0);
    assert!(page(&mut all, "/", T0).mql);
}

#[test]
fn total_threshold_compares_the_rounded_sum() {
    let m = model(
        r#"{"id":"t","version":1,"engagement":{"rules":[{"id":"e","points":33.333,"page":"/**"}]},"thresholds":{"total":66.67}}"#,
    );
    let mut s = Scorer::new(m);
    page(&mut s, "/", T0);
    let card = page(&mut s, "/x", T0);
    assert_eq!((card.score, card.mql), (66.67, true));
}

#[test]
fn becoming_an_mql_is_reported_once_per_visitor() {
    let m = model(
        r#"{"id":"o","version":1,"engagement":{"rules":[{"id":"p","points":10,"page":"/**","maxCount":3,"withinDays":1}]},"thresholds":{"engagement":20}}"#,
    );
    let mut s = Scorer::new(m);
    page(&mut s, "/", T0);
    assert!(page(&mut s, "/", T0).became_mql);
    assert!(
        !page(&mut s, "/", T0 + 10.0 * DAY).mql,
        "the window dropped the old views"
    );
    let again = page(&mut s, "/", T0 + 10.0 * DAY);
    assert!(again.mql && !again.became_mql);
    assert_eq!(again.mql_since, Some(T0));
}

#[test]
fn json_lines_reject_bad_lines_alone_by_line_number() {
    let mut s = Scorer::new(example("b2b-saas"));
    let text = [
        r#"{"type":"page","properties":{"path":"/pricing"},"messageId":"a"}"#,
        "",
        r#"{"type":"page","properties":{"path":"/pric"#,
        r#"[1,2]"#,
        r#"{"type":"page","properties":{"path":7}}"#,
        &format!(
            r#"{{"type":"identify","traits":{{"title":"{}"}}}}"#,
            "x".repeat(600)
        ),
        &format!(
            r#"{{"type":"page","properties":{{"path":"/"}},"deep":{}{}}}"#,
            "[".repeat(200),
            "]".repeat(200)
        ),
        r#"{"type":"page","properties":{"path":"/pricing"},"messageId":"b"} trailing"#,
        r#"{"type":"track","event":"Demo \u0052equested","properties":{"path":"/x"}}"#,
    ]
    .join("\n");
    let (card, rejected) = s.ingest_lines(&text, T0);
    let got: Vec<_> = rejected
        .iter()
        .map(|r| (r.index, r.error.to_string()))
        .collect();
    let expect_prefix = [
        (2, "not valid JSON"),
        (3, "must be an object"),
        (4, "properties.path: must be a string, not a number"),
        (5, "traits.title: is 600 bytes long, more than 512"),
        // Line 6 is kept: deep nesting in a field the model does not read is skipped unread
        // (serde_json skips it without recursing).
        (7, "not valid JSON"),
    ];
    assert_eq!(got.len(), expect_prefix.len(), "{got:?}");
    for ((index, message), (want_index, want)) in got.iter().zip(expect_prefix) {
        assert_eq!(*index, want_index, "{message}");
        assert!(message.contains(want), "line {index}: {message}");
    }
    let rules: Vec<_> = card.reasons.iter().map(|r| r.rule.as_str()).collect();
    assert!(rules.contains(&"pricing"), "{rules:?}");
    assert!(
        rules.contains(&"demo-request"),
        "the escaped event name is read: {rules:?}"
    );
}

/// Unicode lower case and decimal text read as numbers, the cases tests/web.rs scores in
/// WebAssembly, where JavaScript lends both (src/format/host.rs).
#[test]
fn unicode_text_and_decimal_numbers_read_as_in_the_browser() {
    let data: serde_json::Value =
        serde_json::from_str(include_str!("data/host-text.json")).unwrap();
    let model = std::sync::Arc::new(common::model(&data["model"].to_string()));
    for case in data["cases"].as_array().unwrap() {
        let mut scorer = Scorer::new(std::sync::Arc::clone(&model));
        let mut score = 0.0;
        for e in case[0].as_array().unwrap() {
            let e = common::event(&scorer, &e.to_string());
            score = scorer.ingest(&e, common::T0).unwrap().score;
        }
        assert_eq!(score, case[1].as_f64().unwrap(), "{}", case[0]);
    }
}
