//! The engine's entry point: one visitor's session scored under one model.

use crate::errors::{EventError, RestoreError};
use crate::format::time::{EARLIEST_MS, MAX_AHEAD_MS};
use crate::model::bots::FilterReason;
use crate::model::Model;
use crate::score::grade::Grade;
use crate::score::readings::Readings;
use crate::score::scorecard::{round2, Scorecard, Totals};
use crate::score::trait_view::TraitView;
use crate::session::event::Event;
use crate::session::lines::{lines, LinePlan};
use crate::session::saved::{self, Restored};
use crate::session::Applied;
use crate::session::{Session, Touched};
use std::sync::Arc;

/// Scores one visitor: feed it events, read its [`Scorecard`], save it between requests.
///
/// ```
/// use mqlscore::{Model, Scorer, Event, Json};
/// let doc = Json::parse(r#"{
///   "id": "tiny", "version": 1,
///   "engagement": { "rules": [ { "id": "pricing", "points": 30, "page": "/pricing" } ] },
///   "thresholds": { "engagement": 30 }
/// }"#).unwrap();
/// let model = Model::compile(&doc).unwrap();
/// let mut scorer = Scorer::new(model);
/// let now = 1_793_610_129_792.0;
/// let view = Event::page("/pricing", scorer.model()).unwrap();
/// let card = scorer.ingest(&view, now).unwrap();
/// assert!(card.mql && card.became_mql);
/// assert_eq!(card.reasons[0].sentence, "pricing: once (+30)");
/// ```
#[derive(Debug, Clone)]
pub struct Scorer {
    /// Shared by every scorer made from one compiled model: a session costs no compile.
    model: Arc<Model>,
    session: Session,
    /// The session's traits under the model, kept current as traits change.
    view: TraitView,
    /// How JSON Lines are read under the model, made on first use and kept.
    lines: Option<Arc<LinePlan>>,
    /// The traits view of a session without traits, which `reset` starts from (shared by the
    /// sessions [`Scorer::fresh`] makes).
    blank: Arc<TraitView>,
    /// The engagement rules' points as last read, reread only where events changed them.
    readings: Readings,
}

/// An event of a batch that was rejected; the others were scored.
#[derive(Debug, Clone, PartialEq)]
pub struct Rejected {
    /// Its position in the batch.
    pub index: usize,
    /// Why.
    pub error: EventError,
}

impl Scorer {
    /// A scorer with a fresh session, under a model of its own or one shared with other
    /// scorers (`Arc<Model>`: compiled once, any number of sessions).
    pub fn new(model: impl Into<Arc<Model>>) -> Scorer {
        let model = model.into();
        let session = Session::new(&model);
        Scorer::with(model, session)
    }

    fn with(model: Arc<Model>, session: Session) -> Scorer {
        let blank = Arc::new(TraitView::of(&model, &[]));
        let view = if session.traits.iter().all(Option::is_none) {
            (*blank).clone()
        } else {
            TraitView::of(&model, &session.traits)
        };
        Scorer {
            model,
            session,
            view,
            lines: None,
            blank,
            readings: Readings::default(),
        }
    }

    /// A new visitor's session under the same model, sharing what sessions of one model can
    /// share (the cheap way to start many sessions; `new` computes them again).
    pub fn fresh(&self) -> Scorer {
        Scorer {
            model: Arc::clone(&self.model),
            session: Session::new(&self.model),
            view: (*self.blank).clone(),
            lines: self.lines.clone(),
            blank: Arc::clone(&self.blank),
            readings: Readings::default(),
        }
    }

    /// Restores a session saved by [`Scorer::save`]; see [`Restored`] for what happens when it
    /// was saved under another model or version.
    pub fn restore(
        model: impl Into<Arc<Model>>,
        saved: &str,
    ) -> Result<(Scorer, Restored), RestoreError> {
        let model = model.into();
        let (session, restored) = saved::restore(&model, saved)?;
        Ok((Scorer::with(model, session), restored))
    }

    /// Replaces the session with one saved by [`Scorer::save`], keeping the compiled model (the
    /// cheap way to serve many visitors with one model). On error the session is left as it was.
    pub fn load(&mut self, saved: &str) -> Result<Restored, RestoreError> {
        let (session, restored) = saved::restore(&self.model, saved)?;
        self.view = TraitView::of(&self.model, &session.traits);
        self.session = session;
        self.readings.forget();
        Ok(restored)
    }

    /// The model in use.
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// The model in use, to share with another scorer.
    pub fn shared_model(&self) -> Arc<Model> {
        Arc::clone(&self.model)
    }

    /// Whether a disqualifier applies at `now_ms`.
    pub fn disqualified(&self, now_ms: f64) -> bool {
        Totals::of(&self.model, &self.session, &self.view, now_ms / 1000.0)
            .disqualified
            .is_some()
    }

    /// The traits as the model's fit rules see them.
    pub(crate) fn trait_view(&self) -> &TraitView {
        &self.view
    }

    /// The session as it stands.
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// Scores one event and returns the scorecard at `now_ms` (epoch milliseconds, the
    /// scorer's clock). An event without a timestamp happened at `now_ms`. A rejected event
    /// leaves the session unchanged.
    pub fn ingest(&mut self, event: &Event, now_ms: f64) -> Result<Scorecard, EventError> {
        let applied = self.apply(event, now_ms)?;
        let mut card = Scorecard::of(&self.model, &self.session, &self.view, now_ms);
        card.became_mql = applied == Outcome::BecameMql;
        if let Outcome::Filtered(reason) = applied {
            card.filtered_by = Some(reason);
        }
        Ok(card)
    }

    /// Scores one event and returns only what a page acts on (the score, its halves, the
    /// grade, the MQL flags and the filter outcome): no reasons, no sentences, no allocation.
    /// [`Scorer::score`] gives the full scorecard with its reasons when they are wanted.
    pub fn ingest_light(&mut self, event: &Event, now_ms: f64) -> Result<Light, EventError> {
        let (applied, totals) = self.apply_counted(event, now_ms)?;
        let totals = totals.unwrap_or_else(|| self.totals(now_ms));
        Ok(Light {
            score: round2(totals.fit + totals.engagement),
            fit: totals.fit,
            engagement: totals.engagement,
            grade: Grade::of(&self.model.grades, totals.fit, totals.engagement),
            mql: totals.is_mql(&self.model),
            became_mql: applied == Outcome::BecameMql,
            mql_since: self.session.mql_since.map(|s| s as f64 * 1000.0),
            filtered_by: match applied {
                Outcome::Filtered(reason) => Some(reason),
                _ => None,
            },
        })
    }

    /// Scores events in order; each invalid one is rejected alone, with its index.
    pub fn ingest_all(
        &mut self,
        events: impl IntoIterator<Item = Result<Event, EventError>>,
        now_ms: f64,
    ) -> (Scorecard, Vec<Rejected>) {
        self.ingest_numbered(events.into_iter().enumerate(), now_ms)
    }

    /// Scores JSON Lines text, one Segment event per line (blank lines skipped), read straight
    /// into the fields the model uses. A line that is not a valid event is rejected alone, its
    /// `index` being its line number from 0.
    pub fn ingest_lines(&mut self, text: &str, now_ms: f64) -> (Scorecard, Vec<Rejected>) {
        let plan = Arc::clone(
            self.lines
                .get_or_insert_with(|| Arc::new(LinePlan::new(&self.model))),
        );
        let model = Arc::clone(&self.model);
        let events = lines(text).map(|(index, line)| (index, plan.read(line, &model)));
        self.ingest_numbered(events, now_ms)
    }

    /// Scores numbered events in order; each invalid one is rejected alone, with its number.
    fn ingest_numbered(
        &mut self,
        events: impl Iterator<Item = (usize, Result<Event, EventError>)>,
        now_ms: f64,
    ) -> (Scorecard, Vec<Rejected>) {
        let mut rejected = Vec::new();
        let mut became = false;
        for (index, event) in events {
            match event.and_then(|e| self.apply(&e, now_ms)) {
                Ok(outcome) => became |= outcome == Outcome::BecameMql,
                Err(error) => rejected.push(Rejected { index, error }),
            }
        }
        let mut card = Scorecard::of(&self.model, &self.session, &self.view, now_ms);
        card.became_mql = became;
        (card, rejected)
    }

    /// The scorecard at `now_ms`, without new events.
    pub fn score(&self, now_ms: f64) -> Scorecard {
        Scorecard::of(&self.model, &self.session, &self.view, now_ms)
    }

    /// The session as a compact URL-safe string, for a cookie or `localStorage`.
    pub fn save(&self) -> String {
        saved::save(&self.model, &self.session)
    }

    /// The totals at `now_ms`, rereading only the rules that changed since the last reading.
    fn totals(&mut self, now_ms: f64) -> Totals {
        Totals::of_read(
            &self.model,
            &self.session,
            &self.view,
            now_ms / 1000.0,
            &mut self.readings,
        )
    }

    /// Forgets the visitor: a fresh session under the same model (its memory reused).
    pub fn reset(&mut self) {
        self.session.clear();
        self.view.clone_from(&self.blank);
        self.readings.forget();
    }

    /// Applies an event; `true` if it made the visitor an MQL for the first time.
    fn apply(&mut self, event: &Event, now_ms: f64) -> Result<Outcome, EventError> {
        self.apply_counted(event, now_ms)
            .map(|(outcome, _)| outcome)
    }

    /// [`Scorer::apply`], with the totals at `now_ms` when it had to count them.
    fn apply_counted(
        &mut self,
        event: &Event,
        now_ms: f64,
    ) -> Result<(Outcome, Option<Totals>), EventError> {
        if !now_ms.is_finite() || now_ms < EARLIEST_MS {
            return Err(EventError::new(
                "now",
                "the scorer's clock must be a time after 2000-01-01 in epoch milliseconds",
            ));
        }
        let at_ms = event.timestamp_ms.unwrap_or(now_ms);
        if at_ms < EARLIEST_MS {
            return Err(EventError::new(
                "timestamp",
                "is before 2000-01-01; it is not a real visit",
            ));
        }
        if at_ms > now_ms + MAX_AHEAD_MS {
            return Err(EventError::new(
                "timestamp",
                "is more than 24 hours ahead of the scorer's clock",
            ));
        }
        let at = (at_ms / 1000.0).floor() as i64;
        let mut touched = Touched::default();
        let applied = self
            .session
            .apply_noting(&self.model, event, at, &mut touched);
        self.readings.touched(touched.tallies);
        match applied {
            Applied::Unchanged => return Ok((Outcome::Scored, None)),
            Applied::Filtered(reason) => return Ok((Outcome::Filtered(reason), None)),
            Applied::Changed => {}
        }
        if touched.traits != 0 {
            self.view
                .refresh(&self.model, &self.session.traits, touched.traits);
        }
        if self.session.mql_since.is_some() {
            return Ok((Outcome::Scored, None));
        }
        let totals = self.totals(now_ms);
        if totals.is_mql(&self.model) {
            self.session.mql_since = Some((now_ms / 1000.0).floor() as i64);
            return Ok((Outcome::BecameMql, Some(totals)));
        }
        Ok((Outcome::Scored, Some(totals)))
    }
}

/// What a page acts on after an event: the numbers and flags of a [`Scorecard`] without its
/// reasons.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Light {
    /// Fit plus engagement, rounded to hundredths.
    pub score: f64,
    /// The fit half.
    pub fit: f64,
    /// The engagement half.
    pub engagement: f64,
    /// The fit x engagement grade.
    pub grade: Grade,
    /// Whether the visitor is an MQL now.
    pub mql: bool,
    /// Whether this event made the visitor an MQL for the first time.
    pub became_mql: bool,
    /// When the visitor first became an MQL (epoch milliseconds).
    pub mql_since: Option<f64>,
    /// Why the bot filter kept this event from scoring, if it did.
    pub filtered_by: Option<FilterReason>,
}

/// What one accepted event did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// Scored (or a duplicate that changed nothing).
    Scored,
    /// Scored, and made the visitor an MQL for the first time.
    BecameMql,
    /// Kept from scoring by the bot filter.
    Filtered(FilterReason),
}
