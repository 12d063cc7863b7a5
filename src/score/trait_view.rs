//! What the visitor's traits give: which fit rules and which trait disqualifiers hold. It only
//! changes when traits do, so the scorer keeps it instead of testing conditions per event, and
//! retests only the conditions that read a trait that changed.

use crate::format::value::Value;
use crate::model::condition::{slot_bit, Condition};
use crate::model::{Model, Trigger};

/// The model's trait conditions evaluated on one visitor's traits.
#[derive(Debug, PartialEq)]
pub struct TraitView {
    /// The traits with their text folded to lower case, by slot (kept to reuse its memory);
    /// empty while no trait is set, so that a blank view costs no memory for it.
    folded: Vec<Option<Value>>,
    holds: Vec<bool>,
    fit: f64,
    disqualifies: Vec<bool>,
}

impl Clone for TraitView {
    fn clone(&self) -> TraitView {
        TraitView {
            folded: self.folded.clone(),
            holds: self.holds.clone(),
            fit: self.fit,
            disqualifies: self.disqualifies.clone(),
        }
    }

    /// Copies into the lists already allocated (a scorer's `reset` allocates nothing).
    fn clone_from(&mut self, other: &TraitView) {
        self.folded.clone_from(&other.folded);
        self.holds.clone_from(&other.holds);
        self.fit = other.fit;
        self.disqualifies.clone_from(&other.disqualifies);
    }
}

impl TraitView {
    /// Evaluates the model's trait conditions on `traits` (by slot of [`Model::traits`]).
    pub fn of(model: &Model, traits: &[Option<Value>]) -> TraitView {
        let mut view = TraitView {
            folded: Vec::new(),
            holds: vec![false; model.fit.rules.len()],
            fit: 0.0,
            disqualifies: vec![false; model.disqualifiers.len()],
        };
        view.refresh(model, traits, u64::MAX);
        view
    }

    /// Which fit rules hold, in model order.
    pub fn holds(&self) -> &[bool] {
        &self.holds
    }

    /// The points of the fit rules that hold, before the group's bounds.
    pub fn fit(&self) -> f64 {
        self.fit
    }

    /// Which disqualifiers hold on traits, in model order (`false` for event disqualifiers).
    pub fn disqualifies(&self) -> &[bool] {
        &self.disqualifies
    }

    /// Brings the view up to date after the traits in `changed` (bit `s`: slot `s`; a slot
    /// past 63 counts as bit 63) took new values: each changed trait's text is folded once,
    /// and only the conditions that read one are tested again.
    pub fn refresh(&mut self, model: &Model, traits: &[Option<Value>], changed: u64) {
        if traits.iter().all(Option::is_none) {
            self.folded.clear();
        } else {
            self.folded.resize(traits.len(), None);
        }
        for (s, (folded, t)) in self.folded.iter_mut().zip(traits).enumerate() {
            if changed & slot_bit(s) == 0 {
                continue;
            }
            match (&mut *folded, t) {
                (Some(Value::Str(f)), Some(Value::Str(s))) => f.clone_from(s),
                (f, t) => *f = t.clone(),
            }
            if let Some(v) = folded {
                v.fold();
            }
        }
        // Every condition reads some slot, so a full refresh need not ask which.
        let reads_changed = |c: &Condition| changed == u64::MAX || c.reads() & changed != 0;
        for (hold, rule) in self.holds.iter_mut().zip(&model.fit.rules) {
            if reads_changed(&rule.when) {
                *hold = rule.when.holds(&self.folded);
            }
        }
        self.fit = model
            .fit
            .rules
            .iter()
            .zip(&self.holds)
            .filter(|(_, h)| **h)
            .map(|(r, _)| r.points)
            .sum();
        for (out, d) in self.disqualifies.iter_mut().zip(&model.disqualifiers) {
            if let Trigger::Traits(c) = &d.trigger {
                if reads_changed(c) {
                    *out = c.holds(&self.folded);
                }
            }
        }
    }
}
