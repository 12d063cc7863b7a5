//! A training report as JSON (for the browser API and anyone reading it from a program).

use crate::format::json::Json;
use crate::learn::training::{Quality, Report};

fn num(n: f64) -> Json {
    Json::Num(n)
}

fn opt(n: Option<f64>) -> Json {
    n.map_or(Json::Null, Json::Num)
}

fn quality(q: &Quality) -> Json {
    Json::object(vec![
        ("auc", opt(q.auc)),
        ("logLoss", opt(q.log_loss)),
        ("brier", opt(q.brier)),
    ])
}

impl Report {
    /// The report as a JSON document (camelCase keys).
    pub fn to_json(&self) -> Json {
        let c = &self.census;
        let t = &self.threshold;
        Json::object(vec![
            ("leads", num(c.used as f64)),
            ("converted", num(self.converted as f64)),
            ("disqualified", num(c.disqualified as f64)),
            ("undated", num(c.undated as f64)),
            ("badEvents", num(c.bad_events as f64)),
            (
                "weights",
                Json::Arr(
                    self.weights
                        .iter()
                        .map(|w| {
                            let half = match w.feature {
                                crate::learn::features::Feature::Fit(_) => "fit",
                                crate::learn::features::Feature::Engagement(_) => "engagement",
                            };
                            Json::object(vec![
                                ("rule", Json::Str(w.feature.rule().to_owned())),
                                ("half", Json::Str(half.to_owned())),
                                ("weight", num(w.weight)),
                                ("points", num(w.points)),
                            ])
                        })
                        .collect(),
                ),
            ),
            ("handWritten", quality(&self.hand_written)),
            ("crossValidated", quality(&self.cross_validated)),
            ("holdOut", quality(&self.hold_out)),
            ("handWrittenHoldOut", quality(&self.hand_written_hold_out)),
            (
                "threshold",
                Json::object(vec![
                    ("score", num(t.score)),
                    ("mqlRate", num(t.mql_rate)),
                    ("precision", num(t.precision)),
                    ("recall", num(t.recall)),
                    ("lift", num(t.lift)),
                ]),
            ),
            (
                "liftByDecile",
                Json::Arr(self.lift_by_decile.iter().map(|l| num(*l)).collect()),
            ),
            (
                "calibration",
                Json::object(vec![
                    ("slope", num(self.calibration.0)),
                    ("intercept", num(self.calibration.1)),
                ]),
            ),
        ])
    }
}
