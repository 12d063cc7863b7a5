//! Duplicates, ordering, bad events, batches, and save/restore, natively.

#![cfg(not(target_arch = "wasm32"))]

mod common;
use common::*;
use mqlscore::{Event, Json, RestoreError, Restored, Scorer};

const DEDUPE_MODEL: &str = r#"{"id":"dd","version":1,"engagement":{"rules":[
    {"id":"recent","points":1,"page":"/a","maxCount":50},
    {"id":"decayed","points":1,"page":"/a","halfLifeDays":7},
    {"id":"count","points":1,"page":"/a"}]},"thresholds":{"engagement":1000}}"#;

fn page_with_id(s: &Scorer, id: &str, at: f64) -> Event {
    event(
        s,
        &format!(
            r#"{{"type":"page","messageId":"{id}","properties":{{"path":"/a"}},"timestamp":{at}}}"#
        ),
    )
}

#[test]
fn a_redelivered_message_is_not_counted_twice() {
    let mut s = Scorer::new(model(DEDUPE_MODEL));
    let first = page_with_id(&s, "m-1", T0);
    s.ingest(&first, T0).unwrap();
    let saved = s.save();
    let again = s.ingest(&first, T0 + 5000.0).unwrap();
    assert_eq!(again.engagement, 3.0);
    assert_eq!(s.save(), saved, "the duplicate changed nothing");
    s.ingest(&page_with_id(&s, "m-2", T0), T0).unwrap();
    assert_eq!(s.score(T0).engagement, 6.0);
}

#[test]
fn capped_rules_skip_a_duplicate_even_after_many_other_messages() {
    let mut s = Scorer::new(model(DEDUPE_MODEL));
    let first = page_with_id(&s, "m-0", T0);
    s.ingest(&first, T0).unwrap();
    for i in 1..40 {
        s.ingest(
            &page_with_id(&s, &format!("m-{i}"), T0 + i as f64 * 1000.0),
            T0 + 40_000.0,
        )
        .unwrap();
    }
    let card = s.ingest(&first, T0 + 40_000.0).unwrap();
    let recent = card.reasons.iter().find(|r| r.rule == "recent").unwrap();
    assert_eq!(recent.count, Some(40));
}

#[test]
fn events_without_message_ids_all_count() {
    let mut s = Scorer::new(model(DEDUPE_MODEL));
    for _ in 0..3 {
        page(&mut s, "/a", T0);
    }
    assert_eq!(s.score(T0).engagement, 9.0);
}

#[test]
fn out_of_order_events_give_the_same_score_as_in_order() {
    let times = [0.0, 5.0, 2.0, 9.0, 1.0];
    let mut shuffled = Scorer::new(example("b2b-saas"));
    let mut sorted = Scorer::new(example("b2b-saas"));
    let mut in_order = times;
    in_order.sort_by(f64::total_cmp);
    let now = T0 + 10.0 * DAY;
    for (scorer, order) in [(&mut shuffled, times), (&mut sorted, in_order)] {
        for d in order {
            let e = event(
                scorer,
                &format!(
                    r#"{{"type":"page","properties":{{"path":"/pricing"}},"timestamp":{}}}"#,
                    T0 + d * DAY
                ),
            );
            scorer.ingest(&e, now).unwrap();
        }
    }
    assert_eq!(shuffled.score(now), sorted.score(now));
    assert_eq!(shuffled.save(), sorted.save());
}

#[test]
fn a_late_identify_fills_gaps_but_never_overwrites_newer_traits() {
    let mut s = Scorer::new(example("b2b-saas"));
    identify(&mut s, r#"{"title":"VP Sales"}"#, T0);
    let card = identify(&mut s, r#"{"title":"Intern","country":"DE"}"#, T0 - DAY);
    assert!(
        card.disqualifier.is_none(),
        "the older title did not replace the newer one"
    );
    assert_eq!(card.fit, 30.0);
}

#[test]
fn bad_events_are_rejected_naming_the_field_and_change_nothing() {
    let mut s = Scorer::new(example("b2b-saas"));
    page(&mut s, "/pricing", T0);
    let saved = s.save();
    let m = s.shared_model();
    let cases = [
        (r#"{"properties":{"path":"/"}}"#, "event.type: is required (page, track, identify or group)"),
        (r#"{"type":"click"}"#, "event.type: \"click\" is not a Segment call (page, track, identify, group, screen, alias)"),
        (r#"{"type":7}"#, "event.type: must be a string, not a number"),
        (r#"{"type":"page"}"#, "event.properties.path: is required for page events (or properties.url)"),
        (r#"{"type":"track"}"#, "event.event: is required for track events (e.g. \"Demo Requested\")"),
        (r#"{"type":"page","properties":{"path":"/"},"timestamp":"last tuesday"}"#, "event.timestamp: \"last tuesday\" is not an ISO-8601 date-time"),
        (r#"{"type":"page","properties":{"path":"/"},"timestamp":{"at":1}}"#, "event.timestamp: must be an ISO-8601 string or epoch milliseconds, not an object"),
        (r#"{"type":"page","properties":{"path":"/"},"timestamp":-5}"#, "event.timestamp: is before 2000-01-01; it is not a real visit"),
        (r#"{"type":"page","properties":{"path":"/"},"timestamp":"2027-01-01T00:00:00Z"}"#, "event.timestamp: is more than 24 hours ahead of the scorer's clock"),
        (r#"{"type":"track","event":"x","messageId":["a"]}"#, "event.messageId: must be a string, not an array"),
        (r#"{"type":"identify","traits":42}"#, "event.traits: must be an object, not a number"),
        (r#"{"type":"group","traits":[{"employees":500}]}"#, "event.traits: must be an object, not an array"),
        (r#"{"type":"track","event":"Demo Requested","properties":"urgent"}"#, "event.properties: must be an object, not a string"),
        (r#"{"type":"page","properties":true,"context":{"page":{"path":"/pricing"}}}"#, "event.properties: must be an object, not a boolean"),
    ];
    for (text, expected) in cases {
        let err = Event::read(&json(text), &m).and_then(|e| s.ingest(&e, T0));
        assert_eq!(err.unwrap_err().to_string(), expected, "{text}");
    }
    let long = format!(
        r#"{{"type":"identify","traits":{{"title":"{}"}}}}"#,
        "x".repeat(600)
    );
    let err = Event::read(&json(&long), &m).unwrap_err();
    assert_eq!(
        err.to_string(),
        "event.traits.title: is 600 bytes long, more than 512"
    );
    assert_eq!(s.save(), saved);
    // JSON Lines reads the same containers: a line with `traits: 42` is refused, the rest count.
    let (_, rejected) = s.ingest_lines(
        "{\"type\":\"identify\",\"traits\":42}\n{\"type\":\"identify\",\"traits\":{}}\n",
        T0,
    );
    let refused: Vec<_> = rejected
        .iter()
        .map(|r| (r.index, r.error.to_string()))
        .collect();
    assert_eq!(
        refused,
        [(
            0,
            "event.traits: must be an object, not a number".to_owned()
        )]
    );
}

#[test]
fn a_batch_keeps_every_valid_event_around_an_invalid_one() {
    let mut s = Scorer::new(example("b2b-saas"));
    let m = s.shared_model();
    let texts = [
        r#"{"type":"page","properties":{"path":"/pricing"}}"#,
        r#"{"type":"page","properties":{"path":"/"},"timestamp":"nope"}"#,
        r#"{"type":"page","properties":{"path":"/pricing"}}"#,
    ];
    let events = texts.iter().map(|t| Event::read(&json(t), &m));
    let (card, rejected) = s.ingest_all(events, T0);
    assert_eq!(rejected.len(), 1);
    assert_eq!(
        (rejected[0].index, rejected[0].error.field.as_str()),
        (1, "timestamp")
    );
    assert_eq!(
        card.reasons
            .iter()
            .find(|r| r.rule == "pricing")
            .unwrap()
            .count,
        Some(2)
    );
    assert!(card.became_mql || !card.mql);
}

#[test]
fn results_do_not_depend_on_how_a_batch_is_split() {
    let texts: Vec<String> = ["/", "/product", "/pricing", "/pricing", "/blog/x"]
        .iter()
        .enumerate()
        .map(|(i, p)| format!(r#"{{"type":"page","messageId":"m{i}","properties":{{"path":"{p}"}},"timestamp":{}}}"#, T0 + i as f64))
        .collect();
    let m = example("b2b-saas");
    let read = |ts: &[String]| {
        ts.iter()
            .map(|t| Event::read(&json(t), &m))
            .collect::<Vec<_>>()
    };
    let mut whole = Scorer::new(m.clone());
    let (all_at_once, _) = whole.ingest_all(read(&texts), T0 + 10.0);
    let mut split = Scorer::new(m.clone());
    let (first, _) = split.ingest_all(read(&texts[..3]), T0 + 10.0);
    let (second, _) = split.ingest_all(read(&texts[3..]), T0 + 10.0);
    assert!(all_at_once.became_mql && !first.became_mql && second.became_mql);
    assert_eq!(all_at_once.score, second.score);
    assert_eq!(whole.save(), split.save());
}

fn busy_session(events: usize) -> Scorer {
    let mut s = Scorer::new(example("b2b-saas"));
    identify(
        &mut s,
        r#"{"email":"ann@acme.com","title":"VP Marketing","firstName":"Ann","lastName":"Lee","country":"US","company":{"name":"Acme","employees":500,"industry":"software"}}"#,
        T0,
    );
    let paths = [
        "/",
        "/product/analytics",
        "/pricing",
        "/blog/post",
        "/careers",
        "/support/faq",
    ];
    for i in 0..events {
        let at = T0 + i as f64 * 60_000.0;
        let e = event(
            &s,
            &format!(
                r#"{{"type":"page","messageId":"msg-{i}","properties":{{"path":"{}"}},"timestamp":{at}}}"#,
                paths[i % paths.len()]
            ),
        );
        s.ingest(&e, at).unwrap();
        if i % 7 == 0 {
            track(&mut s, "Email Link Clicked", at);
        }
    }
    s
}

/// The rule ids of `card`'s engagement reasons with the times they give, in days after T0.
fn days_counted(card: &mqlscore::Scorecard) -> Vec<(String, Vec<f64>)> {
    let mut out: Vec<(String, Vec<f64>)> = card
        .reasons
        .iter()
        .filter_map(|r| {
            let times = r.times.as_ref()?;
            let days = times
                .iter()
                .map(|t| (*t as f64 * 1000.0 - T0) / DAY)
                .collect();
            Some((r.rule.clone(), days))
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[test]
fn reasons_say_when_the_events_they_count_happened() {
    let text = DEDUPE_MODEL.replace(
        r#"{"id":"count""#,
        r#"{"id":"windowed","points":1,"page":"/a","maxCount":9,"withinDays":1.5},{"id":"count""#,
    );
    let mut s = Scorer::new(model(&text));
    // Out of order: the tallies keep times in order, and a count keeps its newest.
    for day in [2.0, 0.0, 1.0] {
        page(&mut s, "/a", T0 + day * DAY);
    }
    let card = s.score(T0 + 2.0 * DAY);
    let expected = vec![
        ("count".to_owned(), vec![2.0]),
        ("decayed".to_owned(), vec![2.0]),
        ("recent".to_owned(), vec![0.0, 1.0, 2.0]),
        ("windowed".to_owned(), vec![1.0, 2.0]),
    ];
    assert_eq!(days_counted(&card), expected);
    assert!(card
        .reasons
        .iter()
        .all(|r| r.times.is_some() == r.count.is_some()));
    let restored = Scorer::restore(s.shared_model(), &s.save()).unwrap().0;
    assert_eq!(days_counted(&restored.score(T0 + 2.0 * DAY)), expected);
    // Fit reasons and group bounds have no events.
    let fit = example("b2b-saas");
    let mut s = Scorer::new(fit);
    s.ingest(
        &event(&s, r#"{"type":"identify","traits":{"title":"VP Marketing"},"timestamp":"2026-11-02T09:00:00Z"}"#),
        T0,
    )
    .unwrap();
    assert!(s.score(T0).reasons.iter().all(|r| r.times.is_none()));
}

#[test]
fn a_session_saved_before_counts_kept_their_newest_time_restores() {
    // Saved by 1eda755 (2026-12-06) after three views of /a a day apart under DEDUPE_MODEL.
    let old = "AQRkZEAxAZCiodcGgMYKAAOhqwADAAAAgMYKAACAjBUAACBKAQO2QRgI-M4FQICMFQ0TAgMA";
    let (mut s, restored) = Scorer::restore(model(DEDUPE_MODEL), old).unwrap();
    assert_eq!(restored, Restored::Exact);
    let card = s.score(T0 + 2.0 * DAY);
    let counted = days_counted(&card);
    assert_eq!(
        counted[0],
        ("count".to_owned(), vec![]),
        "its time was never kept"
    );
    assert_eq!(counted[2], ("recent".to_owned(), vec![0.0, 1.0, 2.0]));
    let count = card.reasons.iter().find(|r| r.rule == "count").unwrap();
    assert_eq!(count.count, Some(3));
    // The next event gives it a time, and the session saves in the new form from then on.
    page(&mut s, "/a", T0 + 3.0 * DAY);
    let card = s.score(T0 + 3.0 * DAY);
    assert_eq!(days_counted(&card)[0], ("count".to_owned(), vec![3.0]));
    let again = Scorer::restore(s.shared_model(), &s.save()).unwrap().0;
    assert_eq!(again.score(T0 + 3.0 * DAY), card);
}

#[test]
fn save_and_restore_round_trip_exactly() {
    let s = busy_session(25);
    let saved = s.save();
    let (restored, how) = Scorer::restore(example("b2b-saas"), &saved).unwrap();
    assert_eq!(how, Restored::Exact);
    assert_eq!(
        restored.save(),
        saved,
        "save → restore → save is byte-identical"
    );
    let now = T0 + 3.0 * DAY;
    assert_eq!(restored.score(now), s.score(now));
    assert!(
        saved
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
        "URL-safe: {saved}"
    );
}

#[test]
fn saved_size_is_small_and_does_not_grow_with_events() {
    let small = busy_session(10).save().len();
    let busy = busy_session(1000).save().len();
    let busier = busy_session(5000).save().len();
    assert!(small < 600, "a typical session saves to {small} characters");
    assert!(busier < 1024, "a very busy one to {busier}");
    assert!(
        busier.abs_diff(busy) <= 8,
        "1000 events: {busy} characters, 5000 events: {busier}"
    );
}

#[test]
fn restoring_under_a_new_version_migrates_rules_by_id() {
    let s = busy_session(12);
    let v2 = example_text("b2b-saas")
        .replace(r#""version": 1"#, r#""version": 2"#)
        .replace(
            r#"{ "id": "blog", "label": "Read the blog", "points": 2,"#,
            r#"{ "id": "blog-v2", "label": "Read the blog", "points": 3,"#,
        )
        // A case that names the rule follows it (else the model says which case names a rule
        // it no longer has).
        .replace(
            r#"["blog", "business-email"]"#,
            r#"["blog-v2", "business-email"]"#,
        )
        .replace(
            r#""id": "pricing", "label": "Viewed pricing", "points": 15"#,
            r#""id": "pricing", "label": "Viewed pricing", "points": 20"#,
        );
    let (restored, how) = Scorer::restore(model(&v2), &s.save()).unwrap();
    let Restored::Migrated(why) = how else {
        panic!("{how:?}")
    };
    assert_eq!(why, "saved under b2b-saas@1, migrated to b2b-saas@2: 12 rule tallies carried over (matched by a 16-bit hash of rule id and kind); starting new tallies for blog-v2; dropped 1 rule tally the model no longer has");
    let now = T0 + DAY;
    let old = s
        .score(now)
        .reasons
        .into_iter()
        .find(|r| r.rule == "pricing")
        .unwrap();
    let new = restored
        .score(now)
        .reasons
        .into_iter()
        .find(|r| r.rule == "pricing")
        .unwrap();
    assert_eq!(old.count, new.count);
    assert_eq!(new.points, (old.points * 4.0 / 3.0).min(30.0));
    assert_eq!(restored.score(now).fit, s.score(now).fit);
}

#[test]
fn restoring_under_another_model_resets_with_a_reason() {
    let s = busy_session(5);
    let (restored, how) = Scorer::restore(example("minimal"), &s.save()).unwrap();
    assert_eq!(
        how,
        Restored::Reset(
            "saved under model b2b-saas@1, not minimal@1: started a new session".into()
        )
    );
    assert_eq!(restored.score(T0).score, 0.0);
}

#[test]
fn corrupt_saved_sessions_are_errors_never_panics() {
    let saved = busy_session(8).save();
    let m = example("b2b-saas");
    assert_eq!(
        Scorer::restore(m.clone(), "").unwrap_err(),
        RestoreError::Empty
    );
    assert_eq!(
        Scorer::restore(m.clone(), "abc$").unwrap_err(),
        RestoreError::NotBase64(3)
    );
    assert_eq!(
        Scorer::restore(m.clone(), "AA").unwrap_err(),
        RestoreError::UnknownFormat { found: 0, reads: 1 }
    );
    assert!(matches!(
        Scorer::restore(m.clone(), &"A".repeat(20_000)),
        Err(RestoreError::TooLong { length: 20_000, .. })
    ));
    for cut in 0..saved.len() {
        assert!(
            Scorer::restore(m.clone(), &saved[..cut]).is_err(),
            "truncated at {cut}"
        );
    }
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut accepted = 0;
    for i in 0..saved.len() {
        for &c in alphabet.iter().step_by(7) {
            let mut bytes = saved.clone().into_bytes();
            if bytes[i] == c {
                continue;
            }
            bytes[i] = c;
            if let Ok((s, _)) = Scorer::restore(m.clone(), std::str::from_utf8(&bytes).unwrap()) {
                accepted += 1;
                let _ = s.score(T0);
            }
        }
    }
    println!("{accepted} single-character changes still decode (unsigned saves are not tamper-proof; the edge signs them)");
}

#[test]
fn load_swaps_sessions_under_one_compiled_model() {
    let a = busy_session(6);
    let mut shared = Scorer::new(example("b2b-saas"));
    page(&mut shared, "/careers", T0);
    assert_eq!(shared.load(&a.save()).unwrap(), Restored::Exact);
    assert_eq!(shared.save(), a.save());
    let before = shared.save();
    assert!(shared.load("!!").is_err());
    assert_eq!(
        shared.save(),
        before,
        "a failed load leaves the session as it was"
    );
}

#[test]
fn names_and_ids_longer_than_256_are_rejected() {
    let m = example("b2b-saas");
    let long = "x".repeat(300);
    for (text, field) in [
        (format!(r#"{{"type":"track","event":"{long}"}}"#), "event"),
        (
            format!(r#"{{"type":"track","event":"x","messageId":"{long}"}}"#),
            "messageId",
        ),
        (format!(r#"{{"type":"{long}"}}"#), "type"),
    ] {
        let err = Event::read(&json(&text), &m).unwrap_err();
        assert_eq!(
            (err.field.as_str(), err.message.as_str()),
            (field, "is 300 bytes long, more than 256")
        );
    }
}

#[test]
fn unread_properties_do_not_matter_however_many() {
    let m = example("b2b-saas");
    let props: Vec<String> = (0..20_000).map(|i| format!(r#""p{i}":"{i}""#)).collect();
    let text = format!(
        r#"{{"type":"page","properties":{{"path":"/pricing",{}}}}}"#,
        props.join(",")
    );
    let err = Json::parse(&text).unwrap_err();
    assert!(err.contains("more than 20000 values"), "{err}");
    let props: Vec<String> = (0..5_000).map(|i| format!(r#""p{i}":"{i}""#)).collect();
    let text = format!(
        r#"{{"type":"page","properties":{{"path":"/pricing",{}}}}}"#,
        props.join(",")
    );
    let mut s = Scorer::new(m.clone());
    let card = s
        .ingest(&Event::read(&json(&text), &m).unwrap(), T0)
        .unwrap();
    assert_eq!(card.engagement, 16.0);
}

#[test]
fn reset_starts_a_visitor_exactly_as_a_new_scorer_does() {
    // reset() clears the session in place (keeping its memory): it must be a fresh session.
    let mut s = Scorer::new(example("b2b-saas"));
    identify(
        &mut s,
        r#"{"email":"ann@acme.com","title":"VP Marketing"}"#,
        T0,
    );
    for (i, p) in ["/", "/pricing", "/pricing", "/product"].iter().enumerate() {
        page(&mut s, p, T0 + i as f64 * 1000.0);
    }
    assert!(s.score(T0 + 5000.0).mql);
    s.reset();
    let fresh = Scorer::new(example("b2b-saas"));
    assert_eq!(s.session(), fresh.session());
    assert_eq!(s.save(), fresh.save());
    assert_eq!(s.score(T0 + 5000.0), fresh.score(T0 + 5000.0));
    let card = page(&mut s, "/pricing", T0 + 6000.0);
    assert_eq!(
        (card.score, card.fit, card.mql),
        (16.0, 0.0, false),
        "no trait or count of the visitor before"
    );
}
