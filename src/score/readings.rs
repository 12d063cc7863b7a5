//! Each engagement rule's points as last read, so that the next event scored at the same
//! moment (a batch, a replay, a request's events) rereads only the rules whose tallies it
//! changed. The sum is taken rule by rule in model order, as a full reading takes it, so the
//! totals are the same to the last bit.

use crate::model::{Model, Tallied};
use crate::session::Session;

/// The engagement rules' points at one moment, and which of them an event has changed since.
#[derive(Debug, Clone)]
pub struct Readings {
    /// The moment read (epoch seconds); NaN before the first reading.
    now: f64,
    /// Points of each engagement rule at `now`, in model order; empty until a second reading
    /// at the same moment asks for them.
    points: Vec<f64>,
    /// Bit `i`: the tally of engagement rule `i` changed since `now` was read.
    stale: u64,
}

impl Default for Readings {
    fn default() -> Readings {
        Readings {
            now: f64::NAN,
            points: Vec::new(),
            stale: 0,
        }
    }
}

impl Readings {
    /// Forgets every reading (a session replaced or cleared).
    pub fn forget(&mut self) {
        self.now = f64::NAN;
        self.points.clear();
    }

    /// Marks the tallies an event changed (bit `i`: the `i`-th tallied rule).
    pub fn touched(&mut self, tallies: u64) {
        self.stale |= tallies;
    }

    /// The engagement sum at `now` (epoch seconds), before the group's bounds.
    pub fn engagement(&mut self, model: &Model, session: &Session, now: f64) -> f64 {
        let rules = &model.engagement.rules;
        // False before the first reading too: NaN equals nothing.
        let same_moment = self.now == now;
        let kept = !self.points.is_empty() || rules.is_empty();
        if !kept && !same_moment {
            // A new moment and nothing kept: every rule is read and nothing is kept yet, so a
            // session scored at a new time on each event (a live page) never pays for keeping.
            self.now = now;
            self.stale = 0;
            return (0..rules.len())
                .map(|i| rule_points(model, session, i, now))
                .sum();
        }
        if !kept {
            self.points.resize(rules.len(), 0.0);
            self.stale = u64::MAX;
        }
        for (i, rule) in rules.iter().enumerate() {
            let stale = self.stale & (1 << i) != 0;
            let moves_with_time = rule.within_ms.is_some() || rule.half_life_ms.is_some();
            if stale || !same_moment && moves_with_time && !session.tallies[i].is_empty() {
                self.points[i] = rule_points(model, session, i, now);
            }
        }
        self.now = now;
        self.stale = 0;
        self.points.iter().sum()
    }
}

/// Points of engagement rule `i` at `now` (epoch seconds), with its count.
pub fn rule_points_counted(model: &Model, session: &Session, i: usize, now: f64) -> (f64, u32) {
    let rule = &model.engagement.rules[i];
    let reading = session.reading(i, Tallied::Rule(rule), now);
    let mut points = if reading.count >= rule.min_count {
        rule.points * reading.weight
    } else {
        0.0
    };
    if let Some(cap) = rule.max_points {
        // Not `clamp`: its check that the bounds are in order formats them on failure, which
        // brought float formatting into the small module (about 5 KB gzipped).
        points = points.max(-cap).min(cap);
    }
    (points, reading.count)
}

fn rule_points(model: &Model, session: &Session, i: usize, now: f64) -> f64 {
    rule_points_counted(model, session, i, now).0
}
