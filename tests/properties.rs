//! Invariants as properties, over generated models, event streams and saved strings.
#![cfg(not(target_arch = "wasm32"))]

mod common;
use common::*;
use mqlscore::{Event, Json, Model, Scorer, Value};
use proptest::prelude::*;

const NOW: f64 = T0 + 40.0 * DAY;

/// JSON-like values whose keys come from the model vocabulary, so validation goes deep.
fn json_value() -> impl Strategy<Value = Json> {
    let keys = prop::sample::select(vec![
        "id",
        "version",
        "fit",
        "engagement",
        "rules",
        "points",
        "when",
        "page",
        "track",
        "where",
        "all",
        "any",
        "not",
        "trait",
        "property",
        "context",
        "glob",
        "equals",
        "oneOf",
        "contains",
        "gte",
        "lt",
        "emailDomain",
        "exists",
        "maxCount",
        "maxPoints",
        "withinDays",
        "minCount",
        "halfLifeDays",
        "disqualifiers",
        "reason",
        "thresholds",
        "total",
        "require",
        "grades",
        "keepTraits",
        "min",
        "max",
        "label",
        "x",
    ]);
    let leaf = prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::Bool),
        prop_oneof![any::<f64>(), -1000.0..1000.0f64, Just(0.0), Just(f64::NAN)]
            .prop_map(Json::Num),
        prop_oneof![
            ".{0,12}",
            Just("/pricing".to_owned()),
            Just("vp*".to_owned()),
            Just("**".to_owned())
        ]
        .prop_map(Json::Str),
    ];
    leaf.prop_recursive(6, 96, 8, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Json::Arr),
            prop::collection::vec((keys.clone().prop_map(str::to_owned), inner), 0..8)
                .prop_map(Json::Obj),
        ]
    })
}

/// One Segment event, as JSON text, from a small vocabulary so that rules match often.
fn event_json() -> impl Strategy<Value = String> {
    let path = prop::sample::select(vec![
        "/",
        "/pricing",
        "/product/a",
        "/careers",
        "/blog/x",
        "/support/faq",
        "/Pricing/?q=1",
    ]);
    let name = prop::sample::select(vec![
        "Demo Requested",
        "Whitepaper Downloaded",
        "Email Link Clicked",
        "Unsubscribed",
        "Other",
    ]);
    let title = prop::sample::select(vec![
        "VP Sales",
        "Engineer",
        "Student",
        "CEO",
        "Director of Ops",
    ]);
    let email = prop::sample::select(vec![
        "a@acme.com",
        "b@gmail.com",
        "c@rivalytics.com",
        "d@mit.edu",
    ]);
    let stamp = (0u32..40 * 24).prop_map(|h| T0 + f64::from(h) * 3_600_000.0);
    let id = prop::option::of(0u8..30);
    (0u8..4, path, name, title, email, stamp, id, 1u32..5000).prop_map(|(kind, path, name, title, email, at, id, employees)| {
        let id = id.map_or(String::new(), |i| format!(r#""messageId":"m{i}","#));
        match kind {
            0 | 1 => format!(r#"{{"type":"page",{id}"timestamp":{at},"properties":{{"path":"{path}"}}}}"#),
            2 => format!(r#"{{"type":"track",{id}"timestamp":{at},"event":"{name}"}}"#),
            _ => format!(r#"{{"type":"identify",{id}"timestamp":{at},"traits":{{"title":"{title}","email":"{email}","company":{{"employees":{employees}}}}}}}"#),
        }
    })
}

fn events(texts: &[String], model: &Model) -> Vec<Event> {
    texts
        .iter()
        .map(|t| Event::read(&json(t), model).expect("generated events are valid"))
        .collect()
}

fn positive_model() -> Model {
    let mut doc = json(&example_text("b2b-saas"));
    if let Some(Json::Obj(entries)) = match &mut doc {
        Json::Obj(top) => top
            .iter_mut()
            .find(|(k, _)| k == "engagement")
            .map(|(_, v)| v),
        _ => None,
    } {
        if let Some((_, Json::Arr(rules))) = entries.iter_mut().find(|(k, _)| k == "rules") {
            rules.retain(|r| !matches!(r.get("points"), Some(Json::Num(p)) if *p < 0.0));
        }
    }
    Model::compile(&doc).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn any_model_document_is_compiled_or_rejected_never_a_panic(doc in json_value()) {
        match Model::compile(&doc) {
            Ok(model) => { let _ = Scorer::new(model).score(NOW); }
            Err(e) => prop_assert!(!e.problems.is_empty()),
        }
    }

    #[test]
    fn any_text_is_parsed_or_rejected_never_a_panic(text in ".{0,200}") {
        let _ = Json::parse(&text);
    }

    #[test]
    fn any_saved_string_is_restored_or_rejected_never_a_panic(text in "[A-Za-z0-9_-]{0,400}") {
        if let Ok((scorer, _)) = Scorer::restore(example("b2b-saas"), &text) {
            let saved = scorer.save();
            let (again, _) = Scorer::restore(example("b2b-saas"), &saved).unwrap();
            prop_assert_eq!(again.save(), saved);
        }
    }

    #[test]
    fn scores_stay_within_the_caps_and_add_up(texts in prop::collection::vec(event_json(), 0..40), later_days in 0u32..2000) {
        let model = example("b2b-saas");
        // docs/api.md: the reasons add up to the score to within half a hundredth per rule (each
        // reason and each half rounded; a rule whose points round to 0 left out), and a bound
        // that cuts a half is a reason of its own.
        let rules = (model.fit.rules.len() + model.engagement.rules.len() + 2) as f64;
        let mut s = Scorer::new(model.clone());
        for e in events(&texts, &model) {
            let card = s.ingest(&e, NOW).unwrap();
            // Later, decayed: some rules are worth a few thousandths and have no reason.
            let later = s.score(NOW + f64::from(later_days) * DAY);
            for card in [card, later] {
                prop_assert!(card.fit <= 100.0 && card.engagement <= 100.0, "{:?}", card);
                let sum: f64 = card.reasons.iter().map(|r| r.points).sum();
                prop_assert!((sum - card.score).abs() <= 0.005 * rules + 1e-9, "reasons {} vs score {}", sum, card.score);
                prop_assert!(!(card.mql && card.disqualifier.is_some()));
            }
        }
    }

    #[test]
    fn save_restore_save_is_byte_identical(texts in prop::collection::vec(event_json(), 0..40)) {
        let model = example("b2b-saas");
        let mut s = Scorer::new(model.clone());
        for e in events(&texts, &model) {
            s.ingest(&e, NOW).unwrap();
        }
        let saved = s.save();
        let (restored, _) = Scorer::restore(model, &saved).unwrap();
        prop_assert_eq!(restored.save(), saved);
        prop_assert_eq!(restored.score(NOW), s.score(NOW));
    }

    #[test]
    fn a_redelivered_message_changes_nothing(texts in prop::collection::vec(event_json(), 1..30)) {
        let model = example("b2b-saas");
        let mut s = Scorer::new(model.clone());
        for e in events(&texts, &model) {
            s.ingest(&e, NOW).unwrap();
            if e.message.is_some() {
                let before = s.save();
                prop_assert!(!s.ingest(&e, NOW).unwrap().became_mql);
                prop_assert_eq!(s.save(), before);
            }
        }
    }

    #[test]
    fn results_do_not_depend_on_how_a_batch_is_split(texts in prop::collection::vec(event_json(), 0..40), cut in 0usize..40) {
        let model = example("b2b-saas");
        let all = events(&texts, &model);
        let cut = cut.min(all.len());
        let mut whole = Scorer::new(model.clone());
        let (a, _) = whole.ingest_all(all.iter().cloned().map(Ok), NOW);
        let mut split = Scorer::new(model);
        let (first, _) = split.ingest_all(all[..cut].iter().cloned().map(Ok), NOW);
        let (second, _) = split.ingest_all(all[cut..].iter().cloned().map(Ok), NOW);
        prop_assert_eq!(whole.save(), split.save());
        prop_assert_eq!(a.score, second.score);
        prop_assert_eq!(a.became_mql, first.became_mql || second.became_mql);
    }

    #[test]
    fn light_results_equal_the_full_scorecard_whatever_the_clock_does(
        texts in prop::collection::vec(event_json(), 1..40),
        clocks in prop::collection::vec(0u8..4, 1..40),
        cut in 0usize..40,
    ) {
        // The light path rereads only the rules an event changed while the clock stands still;
        // a clock that stands, advances, jumps back, a reset and a load must not fool it.
        let model = example("b2b-saas");
        let all = events(&texts, &model);
        let mut light = Scorer::new(model.clone());
        let mut full = Scorer::new(model.clone());
        let mut now = NOW;
        for (i, e) in all.iter().enumerate() {
            now = match clocks[i % clocks.len()] {
                0 => now,
                1 => now + 3_600_000.0,
                2 => now + 17.0 * 86_400_000.0,
                _ => NOW - 1000.0,
            };
            if i == cut {
                light.reset();
                full = Scorer::new(model.clone());
            }
            if i == cut / 2 && i != cut {
                let saved = light.save();
                light.load(&saved).unwrap();
            }
            let l = light.ingest_light(e, now);
            let f = full.ingest(e, now);
            match (l, f) {
                (Ok(l), Ok(f)) => prop_assert_eq!(
                    (l.score, l.fit, l.engagement, l.mql, l.became_mql),
                    (f.score, f.fit, f.engagement, f.mql, f.became_mql),
                    "event {}", i
                ),
                (l, f) => prop_assert_eq!(l.is_err(), f.is_err(), "event {}", i),
            }
            // The kept traits view against the model's conditions tested afresh.
            let folded: Vec<_> = light.session().traits.iter().map(|t| t.clone().map(Value::folded)).collect();
            let expected: Vec<&str> = model.fit.rules.iter().filter(|r| r.when.holds(&folded)).map(|r| r.id.as_str()).collect();
            let card = light.score(now);
            let kept: Vec<&str> = model.fit.rules.iter().filter(|r| card.reasons.iter().any(|x| x.rule == r.id)).map(|r| r.id.as_str()).collect();
            prop_assert_eq!(kept, expected, "event {}", i);

        }
    }

    #[test]
    fn without_new_events_a_score_never_rises(texts in prop::collection::vec(event_json(), 0..30), steps in prop::collection::vec(0u32..2000, 1..8)) {
        let model = positive_model();
        let mut s = Scorer::new(model.clone());
        for e in events(&texts, &model) {
            s.ingest(&e, NOW).unwrap();
        }
        let mut at = NOW;
        let mut last = s.score(at).score;
        for hours in steps {
            at += f64::from(hours) * 3_600_000.0;
            let score = s.score(at).score;
            prop_assert!(score <= last, "{} then {} at {}", last, score, at);
            last = score;
        }
    }

    #[test]
    fn decay_matches_the_closed_form(ages in prop::collection::vec(0u32..10_000, 1..8), half_life in 1u32..60, later in 0u32..5000) {
        let model = model(&format!(r#"{{"id":"d","version":1,"engagement":{{"rules":[
            {{"id":"capped","points":7,"page":"/a","maxCount":10,"halfLifeDays":{half_life}}},
            {{"id":"running","points":7,"page":"/a","halfLifeDays":{half_life}}}]}},"thresholds":{{"engagement":1000}}}}"#));
        let mut s = Scorer::new(model);
        for (i, age) in ages.iter().enumerate() {
            let at = NOW - f64::from(*age) * 60_000.0;
            let e = event(&s, &format!(r#"{{"type":"page","messageId":"m{i}","properties":{{"path":"/a"}},"timestamp":{at}}}"#));
            s.ingest(&e, NOW).unwrap();
        }
        let now = NOW + f64::from(later) * 60_000.0;
        let h = f64::from(half_life) * DAY;
        let exact: f64 = ages.iter().map(|a| 7.0 * 0.5f64.powf((now - (NOW - f64::from(*a) * 60_000.0)) / h)).sum();
        for rule in ["capped", "running"] {
            let points = s.score(now).reasons.iter().find(|r| r.rule == rule).map_or(0.0, |r| r.points);
            prop_assert!((points - exact).abs() <= 0.005 + 1e-9, "{}: {} vs closed form {}", rule, points, exact);
        }
    }
}

/// An event source that answers only planned reads, checking each against `Event::plan`.
struct PlanChecked {
    json: Json,
    plan: Vec<mqlscore::Planned>,
    wrong: std::cell::RefCell<Vec<String>>,
    /// Each slot read, in order, and whether it read as absent.
    slots: std::cell::RefCell<Vec<(usize, bool)>>,
}

use mqlscore::EventSource;

impl EventSource for PlanChecked {
    fn field(&self, path: &[&str], _max: usize) -> mqlscore::Field<'_> {
        self.wrong
            .borrow_mut()
            .push(format!("unplanned read of {path:?}"));
        mqlscore::Field::Absent
    }

    fn planned(&self, slot: usize, path: &[&str], max: usize) -> mqlscore::Field<'_> {
        match self.plan.get(slot) {
            Some(p) if p.keys == path && p.max == max => {}
            other => self.wrong.borrow_mut().push(format!(
                "slot {slot} read as {path:?} (max {max}), planned {other:?}"
            )),
        }
        let field = self.json.field(path, max);
        self.slots
            .borrow_mut()
            .push((slot, field == mqlscore::Field::Absent));
        field
    }
}

fn group_json() -> impl Strategy<Value = String> {
    (1u32..5000, prop::sample::select(vec!["software", "retail"])).prop_map(|(n, industry)| {
        format!(r#"{{"type":"group","groupId":"g","traits":{{"employees":{n},"industry":"{industry}"}}}}"#)
    })
}

/// A page view whose path is in any of the places a path may be, with earlier places missing,
/// null, or holding something else.
fn page_places_json() -> impl Strategy<Value = String> {
    let place = prop::sample::select(vec!["", "null", "7", r#""/a""#, r#""https://x.io/b""#]);
    prop::collection::vec(place, 4).prop_map(|at| {
        let field = |name: &str, v: &str| {
            if v.is_empty() {
                String::new()
            } else {
                format!(r#""{name}":{v}"#)
            }
        };
        let join = |a: String, b: String| {
            [a, b]
                .into_iter()
                .filter(|x| !x.is_empty())
                .collect::<Vec<_>>()
                .join(",")
        };
        let properties = join(field("path", at[0]), field("url", at[2]));
        let page = join(field("path", at[1]), field("url", at[3]));
        format!(
            r#"{{"type":"page","properties":{{{properties}}},"context":{{"page":{{{page}}}}}}}"#
        )
    })
}

proptest! {
    #[test]
    fn every_field_an_event_read_asks_for_is_in_the_plan_at_its_slot(
        text in prop_oneof![event_json(), group_json(), page_places_json()],
    ) {
        let model = example("b2b-saas");
        let checked = PlanChecked { json: json(&text), plan: Event::plan(&model), wrong: Default::default(), slots: Default::default() };
        let read = Event::read(&checked, &model);
        prop_assert_eq!(checked.wrong.borrow().clone(), Vec::<String>::new());
        let reads = checked.slots.borrow();
        if let Ok(event) = &read {
            let of_kind = Event::kind_slots(event.kind, &model);
            for (slot, _) in reads.iter() {
                prop_assert!(*slot < 3 || of_kind.contains(slot), "slot {} read for a {:?}", slot, event.kind);
            }
        }
        // A slot tried only after the one before it is read only once that one read as absent
        // (the JavaScript reader leaves it unread otherwise).
        for (i, (slot, _)) in reads.iter().enumerate() {
            if Event::OR_ELSE.contains(slot) {
                prop_assert!(i > 0 && reads[i - 1] == (slot - 1, true), "slot {} read after {:?}", slot, reads.get(i.wrapping_sub(1)));
            }
        }
        prop_assert_eq!(read, Event::read(&json(&text), &model));
    }
}

proptest! {
    #[test]
    fn an_event_read_into_the_last_one_is_the_event_read_afresh(
        texts in prop::collection::vec(prop_oneof![event_json(), group_json(), page_places_json(), Just(r#"{"type":"track","properties":{"plan":"x"}}"#.to_owned())], 1..12),
    ) {
        // The wasm boundary reads event after event into one `Event`, reusing its texts' memory;
        // whatever the one before held (another kind, longer texts, a failed read), the result
        // is the event as read on its own.
        let model = example("b2b-saas");
        let mut reused = Event::default();
        for text in &texts {
            let afresh = Event::read(&json(text), &model);
            let into = reused.read_from(&json(text), &model);
            match afresh {
                Ok(event) => {
                    prop_assert!(into.is_ok());
                    prop_assert_eq!(&reused, &event);
                }
                Err(e) => prop_assert_eq!(into.unwrap_err().to_string(), e.to_string()),
            }
        }
    }
}

proptest! {
    #[test]
    fn json_lines_score_as_the_same_events_read_one_by_one(
        texts in prop::collection::vec(prop_oneof![event_json(), group_json()], 0..30),
        crlf in any::<bool>(),
    ) {
        let model = example("b2b-saas");
        let mut one_by_one = Scorer::new(model.clone());
        let events: Vec<_> = texts.iter().map(|t| Event::read(&json(t), &model)).collect();
        let (expected, none) = one_by_one.ingest_all(events, NOW);
        prop_assert!(none.is_empty());
        // Unread fields of every kind, a key written with an escape, blank lines between.
        let lines: Vec<String> = texts
            .iter()
            .map(|t| format!(r#"{{"context":{{"ip":"1.2.3.4","library":{{"name":"x","v":[1,{{"a":null}}]}}}},"\u0070roperties2":1,{}"#, &t[1..]))
            .collect();
        let text = lines.join(if crlf { "\r\n\r\n" } else { "\n\n" });
        let (card, rejected) = Scorer::new(model).ingest_lines(&text, NOW);
        prop_assert!(rejected.is_empty(), "{:?}", rejected);
        prop_assert_eq!(card, expected);
    }
}
