//! What the engine keeps per visitor: traits, a bounded tally per rule, and a few times.
//!
//! Nothing here grows with the number of events: a rule with `maxCount` keeps the times of its
//! most recent `maxCount` events (so windows and decay are exact), a decaying rule without a
//! cap keeps a count and a sum decayed in closed form, and every other rule keeps a count.

mod decay;
pub mod event;
pub mod lines;
pub mod saved;

use crate::format::value::Value;
use crate::model::bots::{BotFilter, FilterReason};
use crate::model::condition::slot_bit;
use crate::model::{EngagementRule, EventMatcher, Model, Tallied, TallyKind, Target};
use crate::session::event::{Event, EventKind};
pub use decay::decay;

/// How many recent `messageId`s of scored events are remembered to skip duplicates.
pub const RECENT_MESSAGES: usize = 32;

/// One visitor's state under one model.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    /// Earliest event time, in epoch seconds.
    pub first_seen: Option<i64>,
    /// Latest event time, in epoch seconds.
    pub last_seen: Option<i64>,
    /// When the visitor first became an MQL, in epoch seconds.
    pub mql_since: Option<i64>,
    /// Trait values by slot of [`Model::traits`].
    pub traits: Vec<Option<Value>>,
    /// Time of the newest identify or group applied, in epoch seconds.
    pub traits_at: Option<i64>,
    /// One tally per rule of [`Model::tallied`], in that order.
    pub tallies: Vec<Tally>,
    /// Hashes of the `messageId`s of the latest scored events, oldest first.
    pub recent: Vec<u32>,
    /// Times (epoch seconds) of the latest page and track events, for the burst filter.
    pub recent_times: Vec<i64>,
    /// Time of the latest scored page view (epoch seconds), for the click filter.
    pub last_page_view: Option<i64>,
    /// Events the bot filter kept from scoring, by [`FilterReason::index`].
    pub filtered: [u32; 3],
}

/// What applying an event did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// Nothing changed (a redelivered message, or nothing matched).
    Unchanged,
    /// The session changed.
    Changed,
    /// The bot filter kept the event from scoring, for this reason (it is counted).
    Filtered(FilterReason),
}

/// What applying an event changed, for a scorer that keeps readings of the session.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Touched {
    /// Bit `i`: the tally of the `i`-th tallied rule (of the first 64) changed.
    pub tallies: u64,
    /// Bit `s`: the trait in slot `s` changed (slots past 63 share the last bit).
    pub traits: u64,
}

/// A rule's tally; which kind a rule gets is fixed by [`TallyKind`].
#[derive(Debug, Clone, PartialEq)]
pub enum Tally {
    /// The most recent events, oldest first.
    Recent(Vec<Hit>),
    /// A count and the sum of `2^(-age / halfLife)` over the events, as of time `at`.
    Decayed {
        /// Events counted.
        count: u32,
        /// The decayed count at `at`.
        sum: f64,
        /// Epoch seconds the sum is current at.
        at: i64,
    },
    /// Events counted, and the newest one's time (epoch seconds; unknown in a session saved
    /// before it was kept).
    Count {
        /// Events counted.
        count: u32,
        /// The newest event's time.
        last: Option<i64>,
    },
}

/// One remembered event of a capped rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    /// Epoch seconds.
    pub at: i64,
    /// 16 bits of the event's `messageId` hash (0 when it had none), to skip a redelivery.
    pub tag: u16,
}

/// A rule's tally read at some time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reading {
    /// Events that count now (within the window and the cap).
    pub count: u32,
    /// Their decayed weight: `count` without decay, less with it.
    pub weight: f64,
}

impl Tally {
    /// An empty tally of this kind.
    pub fn new(kind: TallyKind) -> Tally {
        match kind {
            TallyKind::Recent(_) => Tally::Recent(Vec::new()),
            TallyKind::Decayed(_) => Tally::Decayed {
                count: 0,
                sum: 0.0,
                at: 0,
            },
            TallyKind::Count => Tally::Count {
                count: 0,
                last: None,
            },
        }
    }

    /// Records an event at `at` (epoch seconds); `false` when it changed nothing (a duplicate,
    /// or older than every event a full capped rule keeps).
    fn record(&mut self, kind: TallyKind, at: i64, tag: u16) -> bool {
        match (self, kind) {
            (Tally::Recent(hits), TallyKind::Recent(cap)) => {
                if tag != 0 && hits.iter().any(|h| h.at == at && h.tag == tag) {
                    return false;
                }
                let i = hits.partition_point(|h| h.at <= at);
                if hits.len() >= cap as usize {
                    if i == 0 {
                        return false;
                    }
                    hits.remove(0);
                    hits.insert(i - 1, Hit { at, tag });
                } else {
                    if hits.capacity() == 0 {
                        // One allocation, never more than the cap holds.
                        hits.reserve_exact((cap as usize).min(64));
                    }
                    hits.insert(i, Hit { at, tag });
                }
                true
            }
            (
                Tally::Decayed {
                    count,
                    sum,
                    at: last,
                },
                TallyKind::Decayed(half_life_ms),
            ) => {
                let h = half_life_ms / 1000.0;
                *count = count.saturating_add(1);
                if *count == 1 || at >= *last {
                    *sum = *sum * decay((at - *last) as f64, h) + 1.0;
                    *last = at;
                } else {
                    *sum += decay((*last - at) as f64, h);
                }
                true
            }
            (Tally::Count { count, last }, _) => {
                *count = count.saturating_add(1);
                *last = Some(last.map_or(at, |t| t.max(at)));
                true
            }
            _ => false,
        }
    }

    /// Whether it has counted nothing (its reading is the same at any time).
    pub fn is_empty(&self) -> bool {
        match self {
            Tally::Recent(hits) => hits.is_empty(),
            Tally::Decayed { count, .. } | Tally::Count { count, .. } => *count == 0,
        }
    }

    /// The tally as of `now` (epoch seconds), for a rule with this window and half-life.
    pub fn read(&self, now: f64, within_ms: Option<f64>, half_life_ms: Option<f64>) -> Reading {
        let weight_at = |at: i64| half_life_ms.map_or(1.0, |h| decay(now - at as f64, h / 1000.0));
        match self {
            Tally::Recent(hits) => {
                let since = within_ms.map_or(f64::NEG_INFINITY, |w| now - w / 1000.0);
                let mut reading = Reading {
                    count: 0,
                    weight: 0.0,
                };
                for hit in hits.iter().filter(|h| h.at as f64 >= since) {
                    reading.count += 1;
                    reading.weight += weight_at(hit.at);
                }
                reading
            }
            Tally::Decayed { count, sum, at } => Reading {
                count: *count,
                weight: sum * weight_at(*at),
            },
            Tally::Count { count, .. } => Reading {
                count: *count,
                weight: f64::from(*count),
            },
        }
    }

    /// The times (epoch seconds, oldest first) of the events counted as of `now` that the
    /// tally remembers: every one for a capped rule, the newest alone for the others.
    pub fn counted_times(&self, now: f64, within_ms: Option<f64>) -> Vec<i64> {
        // Loops and pushes rather than iterator adapters and `collect`: the small module pays
        // for each adapter chain it instantiates.
        let mut times = Vec::new();
        match self {
            Tally::Recent(hits) => {
                let since = within_ms.map_or(f64::NEG_INFINITY, |w| now - w / 1000.0);
                for hit in hits {
                    if hit.at as f64 >= since {
                        times.push(hit.at);
                    }
                }
            }
            Tally::Decayed { count, at, .. } => {
                if *count > 0 {
                    times.push(*at);
                }
            }
            Tally::Count { last, .. } => {
                if let Some(t) = last {
                    times.push(*t);
                }
            }
        }
        times
    }
}

impl EventMatcher {
    /// Whether `event` is one this matcher counts.
    pub fn matches(&self, event: &Event) -> bool {
        let target = match &self.target {
            Target::Page(glob) => event.kind == EventKind::Page && glob.matches(&event.path),
            Target::Track(glob) => event.kind == EventKind::Track && glob.matches(&event.name),
        };
        target && self.filter.as_ref().is_none_or(|c| c.holds(&event.fields))
    }
}

impl Session {
    /// A session that has seen nothing, shaped for `model`.
    pub fn new(model: &Model) -> Session {
        Session {
            first_seen: None,
            last_seen: None,
            mql_since: None,
            traits: vec![None; model.traits.paths.len()],
            traits_at: None,
            tallies: model.tallied().map(|t| Tally::new(t.kind())).collect(),
            recent: Vec::new(),
            recent_times: Vec::new(),
            last_page_view: None,
            filtered: [0; 3],
        }
    }

    /// Forgets everything, as [`Session::new`] would, keeping the memory already allocated
    /// (a scorer that serves visitor after visitor allocates nothing to start each one).
    pub fn clear(&mut self) {
        self.first_seen = None;
        self.last_seen = None;
        self.mql_since = None;
        self.traits.iter_mut().for_each(|t| *t = None);
        self.traits_at = None;
        for tally in &mut self.tallies {
            match tally {
                Tally::Recent(hits) => hits.clear(),
                Tally::Decayed { count, sum, at } => (*count, *sum, *at) = (0, 0.0, 0),
                Tally::Count { count, last } => (*count, *last) = (0, None),
            }
        }
        self.recent.clear();
        self.recent_times.clear();
        self.last_page_view = None;
        self.filtered = [0; 3];
    }

    /// Applies an event stamped `at` (epoch seconds).
    pub fn apply(&mut self, model: &Model, event: &Event, at: i64) -> Applied {
        self.apply_noting(model, event, at, &mut Touched::default())
    }

    /// [`Session::apply`], noting in `touched` which tallies and traits changed.
    pub fn apply_noting(
        &mut self,
        model: &Model,
        event: &Event,
        at: i64,
        touched: &mut Touched,
    ) -> Applied {
        if let Some(m) = event.message {
            if self.recent.contains(&m) {
                return Applied::Unchanged;
            }
        }
        let filtered = match (&model.bots, event.kind) {
            (Some(bots), EventKind::Page | EventKind::Track) => self.screen(bots, event, at),
            _ => None,
        };
        if let Some(reason) = filtered {
            self.filtered[reason.index()] = self.filtered[reason.index()].saturating_add(1);
            self.remember(event.message);
            return Applied::Filtered(reason);
        }
        // The burst filter has recorded this event's time: that is a change, and a redelivery
        // of the same message must not record it again.
        let mut changed = matches!(event.kind, EventKind::Page | EventKind::Track)
            && model.bots.as_ref().is_some_and(|b| b.burst.is_some());
        match event.kind {
            EventKind::Identify | EventKind::Group => {
                // An identify that arrives late fills gaps but never overwrites newer traits.
                let newer = self.traits_at.is_none_or(|t| at >= t);
                for (s, (slot, value)) in self.traits.iter_mut().zip(&event.traits).enumerate() {
                    if let Some(v) = value {
                        if (newer || slot.is_none()) && slot.as_ref() != Some(v) {
                            *slot = Some(v.clone());
                            changed = true;
                            touched.traits |= slot_bit(s);
                        }
                    }
                }
                self.traits_at = Some(self.traits_at.map_or(at, |t| t.max(at)));
            }
            EventKind::Page | EventKind::Track => {
                let clicks_need_views = model.bots.as_ref().is_some_and(|b| b.clicks.is_some());
                if event.kind == EventKind::Page && clicks_need_views {
                    self.last_page_view = Some(self.last_page_view.map_or(at, |t| t.max(at)));
                }
                let tag = event.message.map_or(0, |m| (m as u16).max(1));
                // Only the rules that count this type of event are tested.
                let rules = model.tallied_by_target(event.kind == EventKind::Track);
                for at_rule in rules {
                    let i = at_rule.tally;
                    if model.matcher_at(at_rule.rule).matches(event)
                        && self.tallies[i].record(at_rule.kind, at, tag)
                    {
                        changed = true;
                        touched.tallies |= 1u64.checked_shl(i as u32).unwrap_or(0);
                    }
                }
            }
            EventKind::Unscored => {}
        }
        self.first_seen = Some(self.first_seen.map_or(at, |t| t.min(at)));
        self.last_seen = Some(self.last_seen.map_or(at, |t| t.max(at)));
        if changed {
            self.remember(event.message);
            Applied::Changed
        } else {
            Applied::Unchanged
        }
    }

    /// Remembers a message id so that its redelivery is skipped.
    fn remember(&mut self, message: Option<u32>) {
        if let Some(m) = message {
            if self.recent.len() == RECENT_MESSAGES {
                self.recent.remove(0);
            } else if self.recent.capacity() == 0 {
                // Most visitors send a few events; the list fills to this anyway, in one go.
                self.recent.reserve_exact(RECENT_MESSAGES);
            }
            self.recent.push(m);
        }
    }

    /// Why the bot filter keeps this page or track event from scoring, if it does. Every such
    /// event counts towards a burst, filtered or not.
    fn screen(&mut self, bots: &BotFilter, event: &Event, at: i64) -> Option<FilterReason> {
        let burst = bots.burst.is_some_and(|(events, seconds)| {
            let within = self
                .recent_times
                .iter()
                .filter(|t| **t > at - seconds && **t <= at)
                .count();
            let i = self.recent_times.partition_point(|t| *t <= at);
            self.recent_times.insert(i, at);
            if self.recent_times.len() > events as usize {
                self.recent_times.remove(0);
            }
            within >= events as usize
        });
        let agent = event
            .fields
            .get(bots.user_agent_slot)
            .and_then(Option::as_ref)
            .map(Value::folded_text);
        if agent.is_some_and(|ua| bots.user_agents.iter().any(|g| g.matches(ua.trim()))) {
            return Some(FilterReason::BotUserAgent);
        }
        if burst {
            return Some(FilterReason::Burst);
        }
        if let (EventKind::Track, Some((names, within))) = (event.kind, &bots.clicks) {
            let is_click = names.iter().any(|g| g.matches(&event.name));
            let seen = self
                .last_page_view
                .is_some_and(|t| t <= at && at - t <= *within);
            if is_click && !seen {
                return Some(FilterReason::ClickWithoutPageView);
            }
        }
        None
    }

    /// When the events that engagement rule `rule` (the `i`-th tallied) counts at `now`
    /// seconds happened, as far as its tally remembers ([`Tally::counted_times`]).
    pub fn counted_times(&self, i: usize, rule: &EngagementRule, now: f64) -> Vec<i64> {
        self.tallies[i].counted_times(now, rule.within_ms)
    }

    /// The reading of the tally of `rule` (the `i`-th tallied rule) at `now` seconds.
    pub fn reading(&self, i: usize, rule: Tallied<'_>, now: f64) -> Reading {
        match rule {
            Tallied::Rule(r) => self.tallies[i].read(now, r.within_ms, r.half_life_ms),
            Tallied::Disqualifier(..) => self.tallies[i].read(now, None, None),
        }
    }
}
