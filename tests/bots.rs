//! The bot and scanner filter, with the traffic patterns it exists for.
#![cfg(not(target_arch = "wasm32"))]

mod common;
use common::*;
use mqlscore::FilterReason;
use mqlscore::{Model, Scorer};

fn guarded() -> Model {
    example_with(
        "b2b-saas",
        r#""bots": { "burst": { "events": 5, "seconds": 2 },
                     "clicks": { "events": ["Email Link Clicked"], "pageViewWithinMinutes": 30 } }"#,
    )
}

fn click(s: &mut Scorer, i: usize, at: f64, ua: &str) -> mqlscore::Scorecard {
    let e = event(
        s,
        &format!(
            r#"{{"type":"track","event":"Email Link Clicked","messageId":"c{i}","timestamp":{at},"context":{{"userAgent":"{ua}"}}}}"#
        ),
    );
    s.ingest(&e, at + 1000.0).unwrap()
}

fn view(s: &mut Scorer, i: usize, path: &str, at: f64, ua: &str) -> mqlscore::Scorecard {
    let e = event(
        s,
        &format!(
            r#"{{"type":"page","messageId":"p{i}","timestamp":{at},"properties":{{"path":"{path}"}},"context":{{"userAgent":"{ua}"}}}}"#
        ),
    );
    s.ingest(&e, at + 1000.0).unwrap()
}

const BROWSER: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";

#[test]
fn a_security_scanner_clicking_every_link_in_a_second_creates_no_mql() {
    let mut s = Scorer::new(guarded());
    identify(
        &mut s,
        r#"{"email":"cfo@acme.com","title":"CFO","company":{"employees":900,"industry":"software"}}"#,
        T0,
    );
    let cards: Vec<_> = (0..12)
        .map(|i| click(&mut s, i, T0 + 10_000.0 + i as f64 * 50.0, ""))
        .collect();
    let reasons: Vec<_> = cards.iter().map(|c| c.filtered_by).collect();
    assert_eq!(reasons[..5], [Some(FilterReason::ClickWithoutPageView); 5]);
    assert_eq!(reasons[5..], [Some(FilterReason::Burst); 7]);
    let last = cards.last().unwrap();
    assert_eq!(last.engagement, 0.0);
    assert!(!last.mql && !cards.iter().any(|c| c.became_mql));
    assert_eq!(last.filtered, [0, 7, 5]);
}

#[test]
fn a_person_who_clicks_then_browses_is_counted() {
    let mut s = Scorer::new(guarded());
    view(&mut s, 0, "/", T0, BROWSER);
    let c = click(&mut s, 1, T0 + 60_000.0, BROWSER);
    assert_eq!(c.filtered_by, None);
    assert!(c.reasons.iter().any(|r| r.rule == "email-click"));
    let late = click(&mut s, 2, T0 + 31.0 * 60_000.0, BROWSER);
    assert_eq!(
        late.filtered_by,
        Some(FilterReason::ClickWithoutPageView),
        "the page view was 31 minutes before"
    );
}

#[test]
fn crawler_and_headless_user_agents_are_filtered_by_default() {
    let mut s = Scorer::new(guarded());
    for (i, ua) in ["Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/124.0 Safari/537.36",
        "python-requests/2.31", "Barracuda Sentinel (EE)"].iter().enumerate()
    {
        let c = view(&mut s, i, "/pricing", T0 + i as f64 * 10_000.0, ua);
        assert_eq!(c.filtered_by, Some(FilterReason::BotUserAgent), "{ua}");
    }
    assert_eq!(s.score(T0 + 60_000.0).engagement, 0.0);
    let mut open = Scorer::new(example("b2b-saas"));
    let c = view(&mut open, 0, "/pricing", T0, "HeadlessChrome/124.0");
    assert_eq!(
        (c.filtered_by, c.engagement),
        (None, 16.0),
        "a model without a bots section filters nothing"
    );
}

#[test]
fn bursts_of_page_views_are_filtered_until_the_pace_is_human() {
    let mut s = Scorer::new(guarded());
    let fast: Vec<_> = (0..20)
        .map(|i| view(&mut s, i, "/blog/x", T0 + i as f64 * 100.0, BROWSER).filtered_by)
        .collect();
    assert_eq!(fast.iter().filter(|r| r.is_none()).count(), 5);
    assert_eq!(
        fast.iter()
            .filter(|r| **r == Some(FilterReason::Burst))
            .count(),
        15
    );
    let later = view(&mut s, 99, "/pricing", T0 + 60_000.0, BROWSER);
    assert_eq!(later.filtered_by, None);
    assert_eq!(later.filtered, [0, 15, 0]);
}

#[test]
fn filtered_events_survive_save_and_restore_and_are_not_counted_twice() {
    let mut s = Scorer::new(guarded());
    for i in 0..3 {
        click(&mut s, i, T0 + i as f64, "");
    }
    click(&mut s, 0, T0, "");
    let saved = s.save();
    let (restored, _) = Scorer::restore(guarded(), &saved).unwrap();
    assert_eq!(restored.save(), saved);
    assert_eq!(restored.score(T0 + 5000.0).filtered, [0, 0, 3]);
}

#[test]
fn bot_settings_are_validated() {
    let text = |bots: &str| {
        format!(
            r#"{{"id":"b","version":1,"engagement":{{"rules":[{{"id":"p","points":1,"page":"/"}}]}},"thresholds":{{"engagement":1}},"bots":{bots}}}"#
        )
    };
    assert_eq!(
        problems(&text(r#"{"burst":{"events":5}}"#)),
        ["bots.burst.seconds: is required"]
    );
    assert_eq!(
        problems(&text(r#"{"clicks":{}}"#)),
        ["bots.clicks.events: is required: the track events that are link clicks"]
    );
    assert_eq!(
        problems(&text(r#"{"agents":[]}"#)),
        ["bots.agents: unknown field (expected one of: userAgents, burst, clicks)"]
    );
    assert_eq!(
        problems(&text(r#"{"userAgents":[]}"#)),
        ["bots.userAgents: must list at least one value"]
    );
    assert!(problems(&text("{}")).is_empty());
}
