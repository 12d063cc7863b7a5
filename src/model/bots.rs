//! The filter that keeps non-human traffic from creating MQLs: crawler, scanner and headless
//! user agents; bursts of events faster than a person clicks; link clicks (from email security
//! scanners) with no page view before them. A filtered event is counted in the result with its
//! reason, never silently dropped, and never scores.
//!
//! ```json
//! "bots": {
//!   "userAgents": ["*bot*", "*headlesschrome*"],
//!   "burst": { "events": 5, "seconds": 2 },
//!   "clicks": { "events": ["Email Link Clicked"], "pageViewWithinMinutes": 30 }
//! }
//! ```

use crate::model::check::{count, text_list, Problems};
use crate::model::condition::Slots;
use crate::model::document::BotSettings;
use crate::model::glob::Glob;

/// User agents filtered when a model's `bots` section does not list its own.
pub const DEFAULT_USER_AGENTS: [&str; 24] = [
    "*bot*",
    "*crawl*",
    "*spider*",
    "*slurp*",
    "*headlesschrome*",
    "*phantomjs*",
    "*puppeteer*",
    "*playwright*",
    "*selenium*",
    "*python-requests*",
    "*python-urllib*",
    "*curl/*",
    "*wget*",
    "*go-http-client*",
    "*java/*",
    "*okhttp*",
    "*scanner*",
    "*barracuda*",
    "*mimecast*",
    "*proofpoint*",
    "*safelinks*",
    "*urldefense*",
    "*preview*",
    "*facebookexternalhit*",
];

/// Why an event was filtered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterReason {
    /// A crawler, scanner or headless browser user agent.
    BotUserAgent,
    /// More events in a few seconds than a person makes.
    Burst,
    /// A tracked link click with no page view shortly before it.
    ClickWithoutPageView,
}

impl FilterReason {
    /// All reasons, in the order the session counts them.
    pub const ALL: [FilterReason; 3] = [
        FilterReason::BotUserAgent,
        FilterReason::Burst,
        FilterReason::ClickWithoutPageView,
    ];

    /// The reason's name in results (`botUserAgent`).
    pub fn name(self) -> &'static str {
        match self {
            FilterReason::BotUserAgent => "botUserAgent",
            FilterReason::Burst => "burst",
            FilterReason::ClickWithoutPageView => "clickWithoutPageView",
        }
    }

    /// Its index in the session's counts.
    pub fn index(self) -> usize {
        self as usize
    }
}

/// A compiled `bots` section.
#[derive(Debug, Clone, PartialEq)]
pub struct BotFilter {
    /// The slot of `context.userAgent` among the model's event fields.
    pub user_agent_slot: usize,
    /// Lower-case user-agent globs.
    pub user_agents: Vec<Glob>,
    /// At most `events` page or track events within `seconds`; the rest are a burst.
    pub burst: Option<(u32, i64)>,
    /// Track events (name globs) that need a page view within the given seconds before them.
    pub clicks: Option<(Vec<Glob>, i64)>,
}

impl BotFilter {
    /// Compiles the `bots` section; `fields` gets the user-agent slot.
    pub fn compile(doc: &BotSettings, fields: &mut Slots, p: &mut Problems) -> Option<BotFilter> {
        let user_agents = match &doc.user_agents {
            Some(list) => text_list(list, "bots.userAgents", p),
            None => DEFAULT_USER_AGENTS
                .iter()
                .map(|s| (*s).to_owned())
                .collect(),
        };
        let burst = match &doc.burst {
            None => None,
            Some(b) => {
                let events = count(b.events, 100, "bots.burst.events", p);
                let seconds = count(b.seconds, 3600, "bots.burst.seconds", p);
                Some((events?, i64::from(seconds?)))
            }
        };
        let clicks = match &doc.clicks {
            None => None,
            Some(c) => {
                let names = text_list(&c.events, "bots.clicks.events", p);
                let minutes = match c.page_view_within_minutes {
                    Some(m) => count(m, 1440, "bots.clicks.pageViewWithinMinutes", p)?,
                    None => 30,
                };
                Some((
                    names.iter().map(|n| Glob::new(n, false)).collect(),
                    i64::from(minutes) * 60,
                ))
            }
        };
        Some(BotFilter {
            user_agent_slot: fields.slot("context.userAgent"),
            user_agents: user_agents.iter().map(|g| Glob::new(g, false)).collect(),
            burst,
            clicks,
        })
    }
}
