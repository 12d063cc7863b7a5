//! `save()` and `restore()`: a session as a compact, versioned, URL-safe string.
//!
//! Layout (format 1), then URL-safe base64 without padding:
//! `format:u8, key:str ("id@version"), flags:u8, first_seen:varint, last_seen-first:varint,
//! [mql_since-first:zigzag], [traits_at-first:zigzag], traits:[name:str, value],
//! tallies:[signature:u16, tally], recent:[u32]`. Times are whole seconds; numbers are
//! LEB128 varints, so a typical session is a few hundred bytes. A tally is `0, [at, tag:u16]`
//! (a capped rule's recent events), `1, count, sum:f64, at` (decayed), or `3, count, at` (a
//! count and its newest event; `2, count`, without the time, was written before it was kept and
//! is still read).

use crate::errors::RestoreError;
use crate::format::value::Value;
use crate::format::varint;
use crate::model::{Model, TallyKind};
use crate::session::{Hit, Session, Tally};

/// The format version written first in every saved session.
pub const FORMAT: u8 = 1;
/// Longest saved string `restore` reads.
pub const MAX_SAVED_LEN: usize = 16_384;

/// Encodes a session of `model`.
pub fn save(model: &Model, session: &Session) -> String {
    let mut out = Writer(Vec::with_capacity(256));
    out.0.push(FORMAT);
    out.str(model.key());
    let base = session.first_seen.unwrap_or(0);
    let bot_state = !session.recent_times.is_empty()
        || session.last_page_view.is_some()
        || session.filtered != [0; 3];
    let flags = u8::from(session.first_seen.is_some())
        | u8::from(session.mql_since.is_some()) << 1
        | u8::from(session.traits_at.is_some()) << 2
        | u8::from(bot_state) << 3;
    out.0.push(flags);
    if session.first_seen.is_some() {
        out.varint(base as u64);
        out.varint((session.last_seen.unwrap_or(base) - base) as u64);
    }
    for t in [session.mql_since, session.traits_at].into_iter().flatten() {
        out.zigzag(t - base);
    }
    let traits: Vec<(&String, &Value)> = model
        .traits
        .paths
        .iter()
        .zip(&session.traits)
        .filter_map(|(name, v)| v.as_ref().map(|v| (name, v)))
        .collect();
    out.varint(traits.len() as u64);
    for (name, value) in traits {
        out.str(name);
        match value {
            Value::Str(s) => {
                out.0.push(0);
                out.str(s);
            }
            Value::Num(n) => {
                out.0.push(1);
                out.0.extend(n.to_le_bytes());
            }
            Value::Bool(b) => out.0.push(2 + u8::from(*b)),
        }
    }
    out.varint(session.tallies.len() as u64);
    for (tally, signature) in session.tallies.iter().zip(&model.signatures) {
        out.0.extend(signature.to_le_bytes());
        match tally {
            Tally::Recent(hits) => {
                out.0.push(0);
                out.varint(hits.len() as u64);
                for hit in hits {
                    out.zigzag(hit.at - base);
                    out.0.extend(hit.tag.to_le_bytes());
                }
            }
            Tally::Decayed { count, sum, at } => {
                out.0.push(1);
                out.varint(u64::from(*count));
                out.0.extend(sum.to_le_bytes());
                out.zigzag(at - base);
            }
            Tally::Count { count, last } => {
                out.0.push(if last.is_some() { 3 } else { 2 });
                out.varint(u64::from(*count));
                if let Some(t) = last {
                    out.zigzag(t - base);
                }
            }
        }
    }
    out.varint(session.recent.len() as u64);
    for m in &session.recent {
        out.0.extend(m.to_le_bytes());
    }
    if bot_state {
        out.varint(session.recent_times.len() as u64);
        for t in &session.recent_times {
            out.zigzag(t - base);
        }
        match session.last_page_view {
            Some(t) => {
                out.0.push(1);
                out.zigzag(t - base);
            }
            None => out.0.push(0),
        }
        for n in session.filtered {
            out.varint(u64::from(n));
        }
    }
    base64url(&out.0)
}

/// Appends `items` separated by commas (a join the small module need not carry).
fn push_list(out: &mut String, items: &[String]) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(item);
    }
}

/// What `restore` did with a saved session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Restored {
    /// Saved under this very model: restored exactly.
    Exact,
    /// Saved under another version (or an edited model): rule tallies were carried over, each to
    /// the rule with the same 16-bit signature of id and tally kind.
    Migrated(String),
    /// Saved under another model: the session starts afresh.
    Reset(String),
}

/// What restoring a saved session did, as programs read it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RestoreNote {
    /// Exact, migrated or reset.
    pub outcome: RestoreOutcome,
    /// Why, in words: `saved under model minimal@1, not b2b-saas@1`.
    pub reason: String,
}

/// How a saved session was restored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum RestoreOutcome {
    /// Saved under this very model.
    Exact,
    /// Saved under another version: rule tallies carried over by signature (id and kind).
    Migrated,
    /// Saved under another model: the session starts afresh.
    Reset,
}

impl RestoreNote {
    /// The note of a restore.
    pub fn of(restored: &Restored) -> RestoreNote {
        let (outcome, reason) = match restored {
            Restored::Exact => (RestoreOutcome::Exact, "restored under the same model"),
            Restored::Migrated(why) => (RestoreOutcome::Migrated, why.as_str()),
            Restored::Reset(why) => (RestoreOutcome::Reset, why.as_str()),
        };
        RestoreNote {
            outcome,
            reason: reason.to_owned(),
        }
    }
}

/// Decodes a session saved by [`save`] for `model`, migrating or resetting it when it was saved
/// under another model; an error when the string is not a saved session at all.
pub fn restore(model: &Model, saved: &str) -> Result<(Session, Restored), RestoreError> {
    if saved.is_empty() {
        return Err(RestoreError::Empty);
    }
    if saved.len() > MAX_SAVED_LEN {
        return Err(RestoreError::TooLong {
            length: saved.len(),
            max: MAX_SAVED_LEN,
        });
    }
    let bytes = unbase64url(saved.trim())?;
    let mut r = Reader {
        bytes: &bytes,
        at: 0,
    };
    let format = r.u8("format")?;
    if format != FORMAT {
        return Err(RestoreError::UnknownFormat {
            found: format,
            reads: FORMAT,
        });
    }
    let key = r.str("model id")?;
    let saved_id = match key.bytes().rposition(|b| b == b'@') {
        Some(at) => key.get(..at).unwrap_or_default(),
        None => key.as_str(),
    };
    let flags = r.u8("flags")?;
    if flags > 15 {
        return Err(RestoreError::Corrupt("flags"));
    }
    let mut session = Session::new(model);
    let mut base = 0;
    if flags & 1 != 0 {
        base = i64::try_from(r.varint("first seen")?)
            .map_err(|_| RestoreError::Corrupt("first seen"))?;
        let last = r.varint("last seen")?;
        session.first_seen = Some(base);
        session.last_seen = Some(
            base.checked_add_unsigned(last)
                .ok_or(RestoreError::Corrupt("last seen"))?,
        );
    }
    if flags & 2 != 0 {
        session.mql_since = Some(r.time(base, "MQL time")?);
    }
    if flags & 4 != 0 {
        session.traits_at = Some(r.time(base, "traits time")?);
    }
    let mut traits = Vec::new();
    for _ in 0..r.count("traits", 64)? {
        let name = r.str("trait name")?;
        let value = match r.u8("trait value")? {
            0 => Value::Str(r.str("trait value")?),
            1 => Value::Num(r.f64("trait value")?),
            t @ (2 | 3) => Value::Bool(t == 3),
            _ => return Err(RestoreError::Corrupt("trait value")),
        };
        traits.push((name, value));
    }
    let mut tallies = Vec::new();
    for _ in 0..r.count("rules", 256)? {
        let signature = u16::from_le_bytes(r.array("rule signature")?);
        tallies.push((signature, r.tally(base)?));
    }
    for _ in 0..r.count("message ids", crate::session::RECENT_MESSAGES)? {
        session
            .recent
            .push(u32::from_le_bytes(r.array("message ids")?));
    }
    if flags & 8 != 0 {
        for _ in 0..r.count("bot filter", 100)? {
            let t = r.time(base, "bot filter")?;
            if session.recent_times.last().is_some_and(|last| *last > t) {
                return Err(RestoreError::Corrupt("bot filter"));
            }
            session.recent_times.push(t);
        }
        session.last_page_view = match r.u8("bot filter")? {
            0 => None,
            1 => Some(r.time(base, "bot filter")?),
            _ => return Err(RestoreError::Corrupt("bot filter")),
        };
        for n in &mut session.filtered {
            *n = r.u32("bot filter")?;
        }
        if session.recent_times.is_empty()
            && session.last_page_view.is_none()
            && session.filtered == [0; 3]
        {
            return Err(RestoreError::Corrupt("bot filter"));
        }
    }
    if r.at != bytes.len() {
        return Err(RestoreError::Corrupt("the end"));
    }

    if saved_id != model.id {
        let fresh = Session::new(model);
        let why = format!(
            "saved under model {key}, not {}: started a new session",
            model.key()
        );
        return Ok((fresh, Restored::Reset(why)));
    }
    let mut dropped = Vec::new();
    for (name, value) in traits {
        match model.traits.paths.iter().position(|p| *p == name) {
            Some(slot) => session.traits[slot] = Some(value),
            None => dropped.push(format!("trait {name}")),
        }
    }
    let mut carried = vec![false; tallies.len()];
    let mut fresh = Vec::new();
    for (((slot, rule), id), signature) in session
        .tallies
        .iter_mut()
        .zip(model.tallied())
        .zip(rule_ids(model))
        .zip(&model.signatures)
    {
        let found = (0..tallies.len()).find(|&i| {
            !carried[i] && tallies[i].0 == *signature && fits(&tallies[i].1, rule.kind())
        });
        match found {
            Some(i) => {
                carried[i] = true;
                *slot = adapt(tallies[i].1.clone(), rule.kind());
            }
            None => fresh.push(id.to_owned()),
        }
    }
    let lost = carried.iter().filter(|c| !**c).count();
    if lost > 0 {
        dropped.push(format!(
            "{lost} rule tall{} the model no longer has",
            plural_y(lost)
        ));
    }
    let outcome = if key == model.key() && dropped.is_empty() && fresh.is_empty() {
        Restored::Exact
    } else {
        let kept = carried.iter().filter(|c| **c).count();
        let mut why = if key == model.key() {
            format!("model {key} changed without a new version")
        } else {
            format!("saved under {key}, migrated to {}", model.key())
        };
        why.push_str(&format!(
            ": {kept} rule tall{} carried over (matched by a 16-bit hash of rule id and kind)",
            plural_y(kept)
        ));
        if !fresh.is_empty() {
            why.push_str("; starting new tallies for ");
            push_list(&mut why, &fresh);
        }
        if !dropped.is_empty() {
            why.push_str("; dropped ");
            push_list(&mut why, &dropped);
        }
        Restored::Migrated(why)
    };
    Ok((session, outcome))
}

fn plural_y(n: usize) -> &'static str {
    if n == 1 {
        "y"
    } else {
        "ies"
    }
}

fn rule_ids(model: &Model) -> impl Iterator<Item = &str> {
    model.tallied().map(|t| match t {
        crate::model::Tallied::Rule(r) => r.id.as_str(),
        crate::model::Tallied::Disqualifier(id, _) => id,
    })
}

fn fits(tally: &Tally, kind: TallyKind) -> bool {
    matches!(
        (tally, kind),
        (Tally::Recent(_), TallyKind::Recent(_))
            | (Tally::Decayed { .. }, TallyKind::Decayed(_))
            | (Tally::Count { .. }, TallyKind::Count)
    )
}

/// A carried-over tally under a rule whose cap may have changed: keep the most recent.
fn adapt(tally: Tally, kind: TallyKind) -> Tally {
    match (tally, kind) {
        (Tally::Recent(mut hits), TallyKind::Recent(cap)) => {
            let excess = hits.len().saturating_sub(cap as usize);
            hits.drain(..excess);
            Tally::Recent(hits)
        }
        (tally, _) => tally,
    }
}

struct Writer(Vec<u8>);

impl Writer {
    fn varint(&mut self, v: u64) {
        varint::push(&mut self.0, v);
    }

    fn zigzag(&mut self, v: i64) {
        self.varint(varint::zigzag(v));
    }

    fn str(&mut self, s: &str) {
        self.varint(s.len() as u64);
        self.0.extend(s.as_bytes());
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize, part: &'static str) -> Result<&[u8], RestoreError> {
        let end = self
            .at
            .checked_add(n)
            .filter(|e| *e <= self.bytes.len())
            .ok_or(RestoreError::Corrupt(part))?;
        let slice = &self.bytes[self.at..end];
        self.at = end;
        Ok(slice)
    }

    fn u8(&mut self, part: &'static str) -> Result<u8, RestoreError> {
        Ok(self.take(1, part)?[0])
    }

    fn array<const N: usize>(&mut self, part: &'static str) -> Result<[u8; N], RestoreError> {
        let mut out = [0; N];
        out.copy_from_slice(self.take(N, part)?);
        Ok(out)
    }

    fn varint(&mut self, part: &'static str) -> Result<u64, RestoreError> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.u8(part)?;
            // The tenth byte holds bit 63 only: anything above it would be dropped, and two
            // strings would decode to one session.
            if shift == 63 && b & 0x7e != 0 {
                return Err(RestoreError::Corrupt(part));
            }
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                // A redundant trailing zero byte would make two encodings of one value.
                if shift > 0 && b == 0 {
                    return Err(RestoreError::Corrupt(part));
                }
                return Ok(v);
            }
        }
        Err(RestoreError::Corrupt(part))
    }

    fn count(&mut self, part: &'static str, max: usize) -> Result<usize, RestoreError> {
        let n = self.varint(part)?;
        usize::try_from(n)
            .ok()
            .filter(|n| *n <= max)
            .ok_or(RestoreError::Corrupt(part))
    }

    fn time(&mut self, base: i64, part: &'static str) -> Result<i64, RestoreError> {
        let z = self.varint(part)?;
        let delta = (z >> 1) as i64 ^ -((z & 1) as i64);
        base.checked_add(delta).ok_or(RestoreError::Corrupt(part))
    }

    fn f64(&mut self, part: &'static str) -> Result<f64, RestoreError> {
        let v = f64::from_le_bytes(self.array(part)?);
        if v.is_finite() {
            Ok(v)
        } else {
            Err(RestoreError::Corrupt(part))
        }
    }

    fn str(&mut self, part: &'static str) -> Result<String, RestoreError> {
        let n = self.count(part, crate::session::event::MAX_PATH)?;
        String::from_utf8(self.take(n, part)?.to_vec()).map_err(|_| RestoreError::Corrupt(part))
    }

    fn u32(&mut self, part: &'static str) -> Result<u32, RestoreError> {
        u32::try_from(self.varint(part)?).map_err(|_| RestoreError::Corrupt(part))
    }

    fn tally(&mut self, base: i64) -> Result<Tally, RestoreError> {
        Ok(match self.u8("rule tally")? {
            0 => {
                let n = self.count("rule tally", crate::model::MAX_COUNT as usize)?;
                let mut hits = Vec::with_capacity(n);
                for _ in 0..n {
                    let at = self.time(base, "rule tally")?;
                    let tag = u16::from_le_bytes(self.array("rule tally")?);
                    if hits.last().is_some_and(|h: &Hit| h.at > at) {
                        return Err(RestoreError::Corrupt("rule tally"));
                    }
                    hits.push(Hit { at, tag });
                }
                Tally::Recent(hits)
            }
            1 => Tally::Decayed {
                count: self.u32("rule tally")?,
                sum: self.f64("rule tally")?,
                at: self.time(base, "rule tally")?,
            },
            // 2 was written before the newest event's time was kept.
            kind @ (2 | 3) => Tally::Count {
                count: self.u32("rule tally")?,
                last: if kind == 3 {
                    Some(self.time(base, "rule tally")?)
                } else {
                    None
                },
            },
            _ => return Err(RestoreError::Corrupt("rule tally")),
        })
    }
}

// URL-safe base64 is written here rather than taken from the `base64` crate: the crate was
// measured at +3.7 KB gzipped in the scoring module (docs/performance.md), for a few hundred
// bytes per session; these 30 lines are covered by round-trip, mutation and property tests.
const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn base64url(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
        }
    }
    out
}

fn unbase64url(text: &str) -> Result<Vec<u8>, RestoreError> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0);
    for (i, c) in text.bytes().enumerate() {
        let v = ALPHABET
            .iter()
            .position(|a| *a == c)
            .ok_or(RestoreError::NotBase64(i))? as u32;
        acc = acc << 6 | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    // Leftover bits must be zero and fewer than a byte's worth, as `base64url` writes them.
    if text.len() % 4 == 1 || acc != 0 {
        return Err(RestoreError::NotBase64(text.len()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn varint(bytes: &[u8]) -> Result<u64, RestoreError> {
        Reader { bytes, at: 0 }.varint("n")
    }

    #[test]
    fn every_varint_has_one_encoding() {
        let max = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
        assert_eq!(varint(&max), Ok(u64::MAX));
        // Before issue 10 these overflow bits were dropped: the same value as `max`.
        for last in [0x03, 0x7f, 0x41] {
            let mut overflow = max;
            overflow[9] = last;
            assert_eq!(
                varint(&overflow),
                Err(RestoreError::Corrupt("n")),
                "{last:#x}"
            );
        }
        assert_eq!(varint(&[0x80, 0x00]), Err(RestoreError::Corrupt("n")));
        assert_eq!(varint(&[0x96, 0x01]), Ok(150));
    }
}
