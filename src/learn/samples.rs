//! Leads scored under a model: each lead's features and score as of its conversion (or its
//! last event), for learning, evaluating and proposing interactions, and what was left out.

use crate::learn::dataset::{Events, Lead};
use crate::learn::features::Values;
use crate::learn::parallel;
use crate::model::Model;
use crate::score::scorecard::Scorecard;
use crate::score::scorer::Scorer;
use crate::session::event::{Event, EventSource};
use crate::session::saved::Restored;
use std::borrow::Borrow;

/// A lead as the learner sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// Its value of each rule of the model.
    pub features: Values,
    /// Whether it converted.
    pub converted: bool,
    /// Its score under the model as written.
    pub score: f64,
    /// Whether the model as written made it an MQL.
    pub mql: bool,
    /// When it was scored (epoch ms): its conversion, or its last event.
    pub at: f64,
}

/// What reading the leads found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Census {
    /// Leads scored.
    pub used: usize,
    /// Leads left out because a disqualifier applies.
    pub disqualified: usize,
    /// Leads left out because they have no dated event.
    pub undated: usize,
    /// Events that could not be read (left out, the rest of the lead kept).
    pub bad_events: usize,
    /// Leads left out because their saved session is unreadable or of another model.
    pub bad_sessions: usize,
    /// Leads left out because their outcome is unknown.
    pub unlabeled: usize,
}

/// Scores each lead under `model` as of its conversion (or its last event). Natively the leads
/// are split between the machine's cores, each part scored by a scorer of its own, the samples
/// kept in the leads' order.
pub fn samples<L: Borrow<Lead> + Sync>(model: &Model, leads: &[L]) -> (Vec<Sample>, Census) {
    let done = parallel::in_parts(leads, parts_for(leads.len()), |part| {
        samples_of(model, part)
    });
    let mut out = Vec::with_capacity(leads.len());
    let mut census = Census::default();
    for (part, c) in done {
        out.extend(part);
        census.used += c.used;
        census.disqualified += c.disqualified;
        census.undated += c.undated;
        census.bad_events += c.bad_events;
        census.bad_sessions += c.bad_sessions;
        census.unlabeled += c.unlabeled;
    }
    (out, census)
}

/// How many threads score `n` leads: one per core, each with at least 5,000 leads (fewer are
/// not worth a thread), and one in WebAssembly, which has none.
fn parts_for(n: usize) -> usize {
    if cfg!(target_arch = "wasm32") {
        return 1;
    }
    let cores = std::thread::available_parallelism().map_or(1, |c| c.get());
    cores.min(n / 5_000).max(1)
}

fn samples_of<L: Borrow<Lead>>(model: &Model, leads: &[L]) -> (Vec<Sample>, Census) {
    let mut scorer = Scorer::new(model.clone());
    let mut census = Census::default();
    let mut out = Vec::new();
    for lead in leads {
        let lead = lead.borrow();
        // A lead whose outcome is unknown teaches nothing (read with `Labels::Required` to refuse it).
        let Some(converted) = lead.converted else {
            census.unlabeled += 1;
            continue;
        };
        let Some(as_of) = replay(&mut scorer, lead, &mut census) else {
            continue;
        };
        let (features, disqualified) = crate::learn::features::of_scorer(&scorer, as_of);
        if disqualified {
            census.disqualified += 1;
            continue;
        }
        let card = scorer.score(as_of);
        census.used += 1;
        out.push(Sample {
            features,
            converted,
            score: card.score,
            mql: card.mql,
            at: as_of,
        });
    }
    (out, census)
}

/// A lead's scorecard under a model, as of its conversion (or its last event), or why it has
/// none.
pub type LeadScore = Result<Scorecard, &'static str>;

/// Scores each lead as [`samples`] does, keeping the disqualified ones: one scorecard per lead,
/// in order (`mqlscore score`).
pub fn score_leads(model: &Model, leads: &[Lead]) -> Vec<LeadScore> {
    let mut out = Vec::with_capacity(leads.len());
    let _ = score_each(model, leads, |_, card| {
        out.push(card);
        Ok::<(), ()>(())
    });
    out
}

/// [`score_leads`], each scorecard handed to `each` with its lead, in the leads' order, a block
/// of leads at a time (natively, each block split between the machine's cores): a million
/// leads' scorecards are never held at once. Stops at the first error `each` returns.
pub fn score_each<E>(
    model: &Model,
    leads: &[Lead],
    mut each: impl FnMut(&Lead, LeadScore) -> Result<(), E>,
) -> Result<(), E> {
    const BLOCK: usize = 20_000;
    for block in leads.chunks(BLOCK) {
        let cards = parallel::in_parts(block, parts_for(block.len()), |part| {
            score_part(model, part)
        });
        for (lead, card) in block.iter().zip(cards.into_iter().flatten()) {
            each(lead, card)?;
        }
    }
    Ok(())
}

fn score_part(model: &Model, leads: &[Lead]) -> Vec<LeadScore> {
    let mut scorer = Scorer::new(model.clone());
    let mut census = Census::default();
    leads
        .iter()
        .map(|lead| {
            let before = census.clone();
            match replay(&mut scorer, lead, &mut census) {
                Some(as_of) => Ok(scorer.score(as_of)),
                None if census.bad_sessions > before.bad_sessions => {
                    Err("its saved session is unreadable or of another model")
                }
                None => Err("none of its events has a time, and it has no asOf"),
            }
        })
        .collect()
}

/// Puts `lead` into `scorer` (its saved session, then its events up to the time it is scored
/// at) and returns that time; `None` when it cannot be scored (counted in `census`).
fn replay(scorer: &mut Scorer, lead: &Lead, census: &mut Census) -> Option<f64> {
    let model = scorer.shared_model();
    match &lead.session {
        // A session of another model (or unreadable) says nothing about this one's rules.
        Some(saved) => match scorer.load(saved) {
            Ok(restored) if !matches!(restored, Restored::Reset(_)) => {}
            _ => {
                census.bad_sessions += 1;
                return None;
            }
        },
        None => scorer.reset(),
    }
    let mut read = |e: &dyn EventSource| {
        Event::read(e, &model)
            .map_err(|_| census.bad_events += 1)
            .ok()
    };
    let events: Vec<Event> = match &lead.events {
        Events::Row(row) => row.events(&lead.id).filter_map(|e| read(&e)).collect(),
        _ => lead.nodes().filter_map(|e| read(&e)).collect(),
    };
    let last = events
        .iter()
        .filter_map(|e| e.timestamp_ms)
        .fold(f64::NEG_INFINITY, f64::max);
    let Some(as_of) = lead
        .converted_at
        .or(last.is_finite().then_some(last + 1000.0))
        .or(lead.as_of)
    else {
        census.undated += 1;
        return None;
    };
    for e in &events {
        if e.timestamp_ms.is_none_or(|t| t <= as_of) && scorer.ingest(e, as_of).is_err() {
            census.bad_events += 1;
        }
    }
    Some(as_of)
}
