//! A visitor's session as the feature vector a learned model is fitted on: one value per rule
//! of the model, so that learned weights turn straight back into the rules' points.

use crate::model::{Model, Tallied};
use crate::score::scorer::Scorer;
use crate::score::trait_view::TraitView;
use crate::session::Session;

/// What one feature is: a fit rule (1 when it holds) or an engagement rule (its events, after
/// windows, caps and decay, once `minCount` is reached).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Feature {
    /// The fit rule with this id.
    Fit(String),
    /// The engagement rule with this id (points are per counted event).
    Engagement(String),
}

impl Feature {
    /// The rule's id.
    pub fn rule(&self) -> &str {
        match self {
            Feature::Fit(id) | Feature::Engagement(id) => id,
        }
    }
}

/// The features of `model`, in the order [`values`] gives them.
pub fn features(model: &Model) -> Vec<Feature> {
    let fit = model.fit.rules.iter().map(|r| Feature::Fit(r.id.clone()));
    let engagement = model
        .engagement
        .rules
        .iter()
        .map(|r| Feature::Engagement(r.id.clone()));
    fit.chain(engagement).collect()
}

/// The feature values of a session at `now` (epoch seconds).
pub fn values(model: &Model, session: &Session, view: &TraitView, now: f64) -> Vec<f64> {
    let fit = view.holds().iter().map(|h| if *h { 1.0 } else { 0.0 });
    let engagement = model.engagement.rules.iter().enumerate().map(|(i, rule)| {
        let reading = session.reading(i, Tallied::Rule(rule), now);
        if reading.count >= rule.min_count {
            reading.weight
        } else {
            0.0
        }
    });
    fit.chain(engagement).collect()
}

/// The feature values of a scorer's session at `now_ms`, and whether a disqualifier applies.
pub fn of_scorer(scorer: &Scorer, now_ms: f64) -> (Vec<f64>, bool) {
    let values = values(
        scorer.model(),
        scorer.session(),
        scorer.trait_view(),
        now_ms / 1000.0,
    );
    (values, scorer.disqualified(now_ms))
}
