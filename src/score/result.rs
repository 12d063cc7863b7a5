//! The result of scoring, as programs read it: the one definition of the `ScoreResult` shape.
//! The TypeScript declarations are generated from these types; the fast writer of the
//! per-event path (`result_json.rs`) is checked against them by a test.

use super::scorecard::{Half, Scorecard};
use super::scorer::Rejected;
use crate::model::bots::FilterReason;

serde_types! {
    /// A visitor's score now, with the reasons.
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    pub struct ScoreResult {
        /// Fit plus engagement, rounded to hundredths.
        pub score: f64,
        /// The fit half.
        pub fit: f64,
        /// The engagement half.
        pub engagement: f64,
        /// Fit letter A-D and engagement number 1-4: `B2`.
        pub grade: String,
        /// Whether the visitor is an MQL now.
        pub mql: bool,
        /// True only on the call whose event made the visitor an MQL for the first time.
        pub became_mql: bool,
        /// When the visitor first became an MQL, in epoch milliseconds.
        pub mql_since: Option<f64>,
        /// The disqualifier that applies, if any.
        pub disqualifier: Option<DisqualifierShown>,
        /// `id@version` of the model.
        pub model: String,
        /// The moment scored, in epoch milliseconds.
        pub at: f64,
        /// Largest first; they add up to the score.
        pub reasons: Vec<ReasonShown>,
        /// Events the bot filter kept from scoring in this session, by reason.
        pub filtered: Filtered,
        /// Why this call's event was kept from scoring, or null.
        pub filtered_by: Option<FilterName>,
        /// Estimated conversion probability, for a model learned from outcomes (else null).
        pub probability: Option<f64>,
    }

    /// A contributing rule, with its points now and a sentence for sales.
    #[serde(deny_unknown_fields)]
    #[cfg_attr(not(target_arch = "wasm32"), schemars(rename = "Reason"))]
    pub struct ReasonShown {
        /// The rule's id, or `fit.max` / `engagement.max` (`...min`) for a group bound.
        pub rule: String,
        /// Which half it counts in.
        pub half: HalfName,
        /// Points now, after decay and caps.
        pub points: f64,
        /// Events counted now (engagement rules).
        pub count: Option<f64>,
        /// When they happened, epoch milliseconds, oldest first (engagement rules): each one
        /// for a rule with `maxCount`, the newest alone for the others.
        pub times: Option<Vec<f64>>,
        /// What sales reads: `Viewed pricing: twice in the last 30 days (+20)`.
        pub sentence: String,
    }

    /// The half of the score a reason counts in.
    #[serde(rename_all = "lowercase")]
    #[cfg_attr(not(target_arch = "wasm32"), schemars(rename = "Half"))]
    pub enum HalfName {
        /// Fit (traits).
        Fit,
        /// Engagement (events).
        Engagement,
    }

    /// The disqualifier that keeps a visitor from being an MQL.
    #[serde(deny_unknown_fields)]
    #[cfg_attr(not(target_arch = "wasm32"), schemars(rename = "Disqualified"))]
    pub struct DisqualifierShown {
        /// Its id.
        pub id: String,
        /// The sentence sales reads.
        pub reason: String,
    }

    /// Events kept from scoring, by reason.
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    pub struct Filtered {
        /// All of them.
        pub total: f64,
        /// A crawler, scanner or headless browser user agent.
        pub bot_user_agent: f64,
        /// More events in a few seconds than a person makes.
        pub burst: f64,
        /// A tracked link click with no page view shortly before it.
        pub click_without_page_view: f64,
    }

    /// Why an event was kept from scoring.
    #[serde(rename_all = "camelCase")]
    pub enum FilterName {
        /// A crawler, scanner or headless browser user agent.
        BotUserAgent,
        /// More events in a few seconds than a person makes.
        Burst,
        /// A tracked link click with no page view shortly before it.
        ClickWithoutPageView,
    }

    /// The result after a batch, with the events that were not scored.
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    pub struct BatchResult {
        /// The result after the last event.
        #[serde(flatten)]
        pub result: ScoreResult,
        /// Events that were not scored, by index; the others were.
        pub rejected: Vec<RejectedEvent>,
    }

    /// An event of a batch that was not scored.
    #[serde(deny_unknown_fields)]
    pub struct RejectedEvent {
        /// Its index in the batch.
        pub index: f64,
        /// The offending field (`timestamp`, `properties.path`).
        pub field: String,
        /// What is wrong, with the field: `event.timestamp: ...`.
        pub message: String,
    }
}

impl ScoreResult {
    /// The result of a scorecard.
    pub fn of(card: &Scorecard) -> ScoreResult {
        let count = |reason: FilterReason| f64::from(card.filtered[reason.index()]);
        ScoreResult {
            score: card.score,
            fit: card.fit,
            engagement: card.engagement,
            grade: card.grade.to_string(),
            mql: card.mql,
            became_mql: card.became_mql,
            mql_since: card.mql_since,
            disqualifier: card.disqualifier.as_ref().map(|d| DisqualifierShown {
                id: d.id.clone(),
                reason: d.reason.clone(),
            }),
            model: card.model.clone(),
            at: card.at,
            reasons: card
                .reasons
                .iter()
                .map(|r| ReasonShown {
                    rule: r.rule.clone(),
                    half: match r.half {
                        Half::Fit => HalfName::Fit,
                        Half::Engagement => HalfName::Engagement,
                    },
                    points: r.points,
                    count: r.count.map(f64::from),
                    times: r
                        .times
                        .as_ref()
                        .map(|t| t.iter().map(|s| *s as f64 * 1000.0).collect()),
                    sentence: r.sentence.clone(),
                })
                .collect(),
            filtered: Filtered {
                total: f64::from(card.filtered.iter().sum::<u32>()),
                bot_user_agent: count(FilterReason::BotUserAgent),
                burst: count(FilterReason::Burst),
                click_without_page_view: count(FilterReason::ClickWithoutPageView),
            },
            filtered_by: card.filtered_by.map(|r| match r {
                FilterReason::BotUserAgent => FilterName::BotUserAgent,
                FilterReason::Burst => FilterName::Burst,
                FilterReason::ClickWithoutPageView => FilterName::ClickWithoutPageView,
            }),
            probability: card.probability,
        }
    }
}

impl BatchResult {
    /// The result of a batch: the scorecard after it and the events it rejected.
    pub fn of(card: &Scorecard, rejected: &[Rejected]) -> BatchResult {
        BatchResult {
            result: ScoreResult::of(card),
            rejected: rejected
                .iter()
                .map(|r| RejectedEvent {
                    index: r.index as f64,
                    field: r.error.field.clone(),
                    message: r.error.to_string(),
                })
                .collect(),
        }
    }
}
