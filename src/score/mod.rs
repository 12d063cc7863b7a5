//! Scoring a session: the scorecard with its grades and reasons, and the scorer that ties a
//! model, a session and events together.

pub mod cases;
pub mod grade;
mod readings;
pub mod result;
pub mod result_json;
pub mod scorecard;
pub mod scorer;
pub mod trait_view;
