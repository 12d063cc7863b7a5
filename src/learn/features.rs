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

/// A lead's feature values, kept as the ones that are not zero, in feature order: a lead meets a
/// few of a model's rules, and a million leads held as every rule's value would take gigabytes.
/// Values of 1 (a fit rule that holds) take no room of their own.
#[derive(Debug, Clone, PartialEq)]
pub struct Values {
    /// The features that are not zero (a NaN is kept: it is not zero).
    index: Box<[u16]>,
    /// Their values, or `None` when every one is 1.
    value: Option<Box<[f64]>>,
}

impl Values {
    /// The values of a dense row (`row[i]` is feature `i`).
    pub fn from_dense(row: &[f64]) -> Values {
        Values::collect(row.iter().copied())
    }

    /// The values of every feature in order, zeros included.
    fn collect(all: impl Iterator<Item = f64>) -> Values {
        let (mut index, mut value) = (Vec::new(), Vec::new());
        for (i, v) in all.enumerate() {
            if v != 0.0 || v.is_nan() {
                // A model has at most 256 fit and 64 engagement rules (and the interactions
                // among the fit ones): an index fits in 16 bits.
                index.push(u16::try_from(i).expect("fewer than 65,536 features"));
                value.push(v);
            }
        }
        let value = (!value.iter().all(|v| *v == 1.0)).then(|| value.into_boxed_slice());
        Values {
            index: index.into_boxed_slice(),
            value,
        }
    }

    /// The features that are not zero, with their values, in feature order.
    pub fn nonzero(&self) -> impl Iterator<Item = (usize, f64)> + '_ {
        self.index.iter().enumerate().map(|(k, i)| {
            let v = self.value.as_ref().map_or(1.0, |value| value[k]);
            (usize::from(*i), v)
        })
    }

    /// Feature `i`'s value.
    pub fn get(&self, i: usize) -> f64 {
        let Ok(i) = u16::try_from(i) else {
            return 0.0;
        };
        match self.index.binary_search(&i) {
            Ok(k) => self.value.as_ref().map_or(1.0, |value| value[k]),
            Err(_) => 0.0,
        }
    }

    /// Σ value × `weights[feature]`, added in feature order (the zeros add nothing).
    pub fn dot(&self, weights: &[f64]) -> f64 {
        self.nonzero().map(|(i, v)| v * weights[i]).sum()
    }
}

/// The feature values of a session at `now` (epoch seconds).
pub fn values(model: &Model, session: &Session, view: &TraitView, now: f64) -> Values {
    let fit = view.holds().iter().map(|h| if *h { 1.0 } else { 0.0 });
    let engagement = model.engagement.rules.iter().enumerate().map(|(i, rule)| {
        let reading = session.reading(i, Tallied::Rule(rule), now);
        if reading.count >= rule.min_count {
            reading.weight
        } else {
            0.0
        }
    });
    Values::collect(fit.chain(engagement))
}

/// The feature values of a scorer's session at `now_ms`, and whether a disqualifier applies.
pub fn of_scorer(scorer: &Scorer, now_ms: f64) -> (Values, bool) {
    let values = values(
        scorer.model(),
        scorer.session(),
        scorer.trait_view(),
        now_ms / 1000.0,
    );
    (values, scorer.disqualified(now_ms))
}

#[cfg(test)]
mod tests {
    use super::Values;

    #[test]
    fn values_keep_what_is_not_zero_and_read_back_as_the_dense_row() {
        let dense = [0.0, 1.0, 0.0, 2.5, f64::NAN, 1.0, -0.0];
        let v = Values::from_dense(&dense);
        let kept: Vec<usize> = v.nonzero().map(|(i, _)| i).collect();
        assert_eq!(kept, [1, 3, 4, 5]);
        for (i, d) in dense.iter().enumerate() {
            let got = v.get(i);
            assert!(
                got == *d || (got.is_nan() && d.is_nan()),
                "{i}: {got} against {d}"
            );
        }
        let w = [1.0, 2.0, 3.0, 4.0, 0.0, 6.0, 7.0];
        assert!(v.dot(&w).is_nan());
        let ones = Values::from_dense(&[0.0, 1.0, 1.0]);
        assert_eq!(ones.value, None);
        assert_eq!(ones.dot(&[5.0, 7.0, 11.0]), 18.0);
        assert_eq!(ones.get(0), 0.0);
        assert_eq!(ones.get(70_000), 0.0);
    }
}
