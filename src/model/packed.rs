//! A compiled model as bytes: what `mqlscore compile` and `model.compiled()` write and the small
//! scoring module reads, so that a page never ships the model-document reader.
//!
//! Layout: `MQLC`, a format version byte, the FNV-1a fingerprint of the body (4 bytes, little
//! endian), then the body: the model's id and version, its trait and field paths, then its rules
//! as they are held in memory (numbers as 8-byte floats, counts and indices as LEB128, text as a
//! length and UTF-8, globs by pattern). Reading checks the fingerprint and every bound the
//! compiler checks that scoring relies on (counts, slots, finite numbers, nesting), so bytes
//! from anywhere give a working model or an error naming the field, never a panic later.

use super::bots::BotFilter;
use super::check::MAX_STRING;
use super::condition::{Condition, Expected, Slots, Test, MAX_NESTING};
use super::glob::Glob;
use super::{
    Calibration, Disqualifier, EngagementRule, EventMatcher, FitRule, Grades, Group, Model, Target,
    Thresholds, Trigger, MAX_COUNT, MAX_FIELDS, MAX_FIT_RULES, MAX_RULES, MAX_TRAITS,
};
use crate::errors::{ModelError, Problem};
use crate::format::fingerprint::fnv1a;
use crate::format::varint;

const MAGIC: &[u8; 4] = b"MQLC";
/// The format this build writes and reads.
pub const FORMAT: u8 = 1;
const HEADER: usize = 9;

impl Model {
    /// The model in its compiled form (see the module's documentation).
    pub fn pack(&self) -> Vec<u8> {
        let mut w = Vec::with_capacity(1024);
        text(&mut w, &self.id);
        text(&mut w, &self.version);
        slots(&mut w, &self.traits);
        slots(&mut w, &self.fields);
        rules(&mut w, &self.fit, |w, r| {
            text(w, &r.id);
            text(w, &r.label);
            num(w, r.points);
            condition(w, &r.when);
        });
        rules(&mut w, &self.engagement, |w, r| {
            text(w, &r.id);
            text(w, &r.label);
            num(w, r.points);
            matcher(w, &r.matcher);
            opt(w, r.max_count, |w, n| uint(w, n as usize));
            opt(w, r.max_points, num);
            opt(w, r.within_ms, num);
            uint(w, r.min_count as usize);
            opt(w, r.half_life_ms, num);
        });
        uint(&mut w, self.disqualifiers.len());
        for d in &self.disqualifiers {
            text(&mut w, &d.id);
            text(&mut w, &d.reason);
            match &d.trigger {
                Trigger::Traits(c) => {
                    w.push(0);
                    condition(&mut w, c);
                }
                Trigger::Event(m) => {
                    w.push(1);
                    matcher(&mut w, m);
                }
            }
        }
        let t = &self.thresholds;
        for x in [t.fit, t.engagement, t.total] {
            opt(&mut w, x, num);
        }
        w.push(u8::from(t.all));
        for x in self.grades.fit.iter().chain(&self.grades.engagement) {
            num(&mut w, *x);
        }
        opt(&mut w, self.bots.as_ref(), |w, b| {
            uint(w, b.user_agent_slot);
            globs(w, &b.user_agents);
            opt(w, b.burst, |w, (events, seconds)| {
                uint(w, events as usize);
                uint(w, seconds as usize);
            });
            opt(w, b.clicks.as_ref(), |w, (names, seconds)| {
                globs(w, names);
                uint(w, *seconds as usize);
            });
        });
        opt(&mut w, self.calibration, |w, c| {
            num(w, c.slope);
            num(w, c.intercept);
        });
        let mut out = Vec::with_capacity(HEADER + w.len());
        out.extend_from_slice(MAGIC);
        out.push(FORMAT);
        out.extend_from_slice(&fnv1a(&w).to_le_bytes());
        out.extend_from_slice(&w);
        out
    }

    /// Reads a compiled model written by [`Model::pack`], checking its fingerprint and bounds.
    pub fn unpack(bytes: &[u8]) -> Result<Model, ModelError> {
        let fail = |field: &str, message: &str| ModelError {
            problems: vec![Problem {
                path: field.to_owned(),
                message: message.to_owned(),
            }],
        };
        if bytes.len() < HEADER || &bytes[..4] != MAGIC {
            return Err(fail(
                "compiled",
                "is not a compiled mqlscore model (it must start with MQLC)",
            ));
        }
        if bytes[4] != FORMAT {
            return Err(fail("compiled", "was written in another format version than this module reads (1): compile the model again"));
        }
        let body = &bytes[HEADER..];
        if fnv1a(body).to_le_bytes() != bytes[5..HEADER] {
            return Err(fail(
                "compiled",
                "is damaged: its fingerprint does not match its contents",
            ));
        }
        let mut r = Reader { bytes: body, at: 0 };
        let model = r
            .model()
            .map_err(|field| fail(&format!("compiled.{field}"), "is out of bounds or damaged"))?;
        if r.at != body.len() {
            return Err(fail("compiled", "has bytes after the model"));
        }
        Ok(model)
    }
}

fn uint(w: &mut Vec<u8>, n: usize) {
    varint::push(w, n as u64);
}

fn num(w: &mut Vec<u8>, x: f64) {
    w.extend_from_slice(&x.to_le_bytes());
}

fn text(w: &mut Vec<u8>, s: &str) {
    uint(w, s.len());
    w.extend_from_slice(s.as_bytes());
}

fn opt<T>(w: &mut Vec<u8>, x: Option<T>, write: impl FnOnce(&mut Vec<u8>, T)) {
    match x {
        None => w.push(0),
        Some(x) => {
            w.push(1);
            write(w, x);
        }
    }
}

fn slots(w: &mut Vec<u8>, s: &Slots) {
    uint(w, s.paths.len());
    for p in &s.paths {
        text(w, p);
    }
}

fn rules<R>(w: &mut Vec<u8>, g: &Group<R>, rule: impl Fn(&mut Vec<u8>, &R)) {
    uint(w, g.rules.len());
    for r in &g.rules {
        rule(w, r);
    }
    opt(w, g.min, num);
    opt(w, g.max, num);
}

fn globs(w: &mut Vec<u8>, list: &[Glob]) {
    uint(w, list.len());
    for g in list {
        text(w, &g.pattern());
    }
}

fn matcher(w: &mut Vec<u8>, m: &EventMatcher) {
    let (kind, glob) = match &m.target {
        Target::Page(g) => (0, g),
        Target::Track(g) => (1, g),
    };
    w.push(kind);
    text(w, &glob.pattern());
    opt(w, m.filter.as_ref(), condition);
}

fn condition(w: &mut Vec<u8>, c: &Condition) {
    match c {
        Condition::All(list) | Condition::Any(list) => {
            w.push(if matches!(c, Condition::All(_)) { 0 } else { 1 });
            uint(w, list.len());
            for c in list {
                condition(w, c);
            }
        }
        Condition::Not(inner) => {
            w.push(2);
            condition(w, inner);
        }
        Condition::Test { slot, test } => {
            w.push(3);
            uint(w, *slot);
            let texts = |w: &mut Vec<u8>, list: &[String]| {
                uint(w, list.len());
                for s in list {
                    text(w, s);
                }
            };
            match test {
                Test::OneOf(list) => {
                    w.push(0);
                    uint(w, list.len());
                    for e in list {
                        match e {
                            Expected::Text(s) => {
                                w.push(0);
                                text(w, s);
                            }
                            Expected::Num(x) => {
                                w.push(1);
                                num(w, *x);
                            }
                            Expected::Bool(b) => w.push(2 + u8::from(*b)),
                        }
                    }
                }
                Test::Contains(list) => {
                    w.push(1);
                    texts(w, list);
                }
                Test::Glob(list) => {
                    w.push(2);
                    globs(w, list);
                }
                Test::Range { low, high } => {
                    w.push(3);
                    for bound in [low, high] {
                        opt(w, *bound, |w, (x, inclusive)| {
                            num(w, x);
                            w.push(u8::from(inclusive));
                        });
                    }
                }
                Test::EmailDomain(list) => {
                    w.push(4);
                    texts(w, list);
                }
                Test::Exists(b) => w.push(5 + u8::from(*b)),
            }
        }
    }
}

/// Reads the body; an error is the field (dotted, without indices) where reading failed.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

type Read<T> = Result<T, &'static str>;

impl Reader<'_> {
    fn byte(&mut self, field: &'static str) -> Read<u8> {
        let b = *self.bytes.get(self.at).ok_or(field)?;
        self.at += 1;
        Ok(b)
    }

    /// A count or index, at most `max`.
    fn uint(&mut self, max: usize, field: &'static str) -> Read<usize> {
        let mut n: usize = 0;
        for shift in (0..35).step_by(7) {
            let b = self.byte(field)?;
            n |= usize::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return if n <= max { Ok(n) } else { Err(field) };
            }
        }
        Err(field)
    }

    fn num(&mut self, field: &'static str) -> Read<f64> {
        let end = self.at + 8;
        let b = self.bytes.get(self.at..end).ok_or(field)?;
        let x = f64::from_le_bytes(b.try_into().map_err(|_| field)?);
        self.at = end;
        if x.is_finite() {
            Ok(x)
        } else {
            Err(field)
        }
    }

    fn opt_num(&mut self, field: &'static str) -> Read<Option<f64>> {
        if self.flag(field)? {
            self.num(field).map(Some)
        } else {
            Ok(None)
        }
    }

    fn flag(&mut self, field: &'static str) -> Read<bool> {
        match self.byte(field)? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(field),
        }
    }

    fn text(&mut self, field: &'static str) -> Read<String> {
        let n = self.uint(MAX_STRING * 4, field)?;
        let b = self.bytes.get(self.at..self.at + n).ok_or(field)?;
        self.at += n;
        String::from_utf8(b.to_vec()).map_err(|_| field)
    }

    fn opt<T>(
        &mut self,
        field: &'static str,
        read: impl FnOnce(&mut Self) -> Read<T>,
    ) -> Read<Option<T>> {
        if self.flag(field)? {
            read(self).map(Some)
        } else {
            Ok(None)
        }
    }

    fn list<T>(
        &mut self,
        max: usize,
        field: &'static str,
        mut read: impl FnMut(&mut Self) -> Read<T>,
    ) -> Read<Vec<T>> {
        let n = self.uint(max, field)?;
        let mut list = Vec::with_capacity(n.min(64));
        for _ in 0..n {
            list.push(read(self)?);
        }
        Ok(list)
    }

    fn slots(&mut self, max: usize, field: &'static str) -> Read<Slots> {
        Ok(Slots {
            paths: self.list(max, field, |r| r.text(field))?,
        })
    }

    fn glob(&mut self, field: &'static str) -> Read<Glob> {
        Ok(Glob::new(&self.text(field)?, true))
    }

    fn globs(&mut self, field: &'static str) -> Read<Vec<Glob>> {
        self.list(MAX_STRING, field, |r| r.glob(field))
    }

    fn group<R>(
        &mut self,
        max: usize,
        field: &'static str,
        rule: impl FnMut(&mut Self) -> Read<R>,
    ) -> Read<Group<R>> {
        Ok(Group {
            rules: self.list(max, field, rule)?,
            min: self.opt_num(field)?,
            max: self.opt_num(field)?,
        })
    }

    fn matcher(&mut self, fields: usize) -> Read<EventMatcher> {
        let target = match self.byte("matcher")? {
            0 => Target::Page(self.glob("matcher.page")?),
            1 => Target::Track(self.glob("matcher.track")?),
            _ => return Err("matcher"),
        };
        let filter = self.opt("matcher.where", |r| r.condition(fields, 0))?;
        Ok(EventMatcher { target, filter })
    }

    fn condition(&mut self, slots: usize, depth: usize) -> Read<Condition> {
        const F: &str = "condition";
        if depth > MAX_NESTING {
            return Err("condition.nesting");
        }
        Ok(match self.byte(F)? {
            0 => Condition::All(self.list(MAX_RULES, F, |r| r.condition(slots, depth + 1))?),
            1 => Condition::Any(self.list(MAX_RULES, F, |r| r.condition(slots, depth + 1))?),
            2 => Condition::Not(Box::new(self.condition(slots, depth + 1)?)),
            3 => {
                let slot = self.uint(slots.saturating_sub(1), "condition.slot")?;
                if slots == 0 {
                    return Err("condition.slot");
                }
                let test = match self.byte(F)? {
                    0 => Test::OneOf(self.list(MAX_STRING, F, |r| {
                        Ok(match r.byte(F)? {
                            0 => Expected::Text(r.text(F)?),
                            1 => Expected::Num(r.num(F)?),
                            2 => Expected::Bool(false),
                            3 => Expected::Bool(true),
                            _ => return Err(F),
                        })
                    })?),
                    1 => Test::Contains(self.list(MAX_STRING, F, |r| r.text(F))?),
                    2 => Test::Glob(self.globs("condition.glob")?),
                    3 => {
                        let bound = |r: &mut Self| r.opt(F, |r| Ok((r.num(F)?, r.flag(F)?)));
                        let low = bound(self)?;
                        let high = bound(self)?;
                        Test::Range { low, high }
                    }
                    4 => Test::EmailDomain(self.list(MAX_STRING, F, |r| r.text(F))?),
                    5 => Test::Exists(false),
                    6 => Test::Exists(true),
                    _ => return Err(F),
                };
                Condition::Test { slot, test }
            }
            _ => return Err(F),
        })
    }

    fn model(&mut self) -> Read<Model> {
        let id = self.text("id")?;
        let version = self.text("version")?;
        let traits = self.slots(MAX_TRAITS, "traits")?;
        let fields = self.slots(MAX_FIELDS, "fields")?;
        let (nt, nf) = (traits.paths.len(), fields.paths.len());
        let fit = self.group(MAX_FIT_RULES, "fit.rules", |r| {
            Ok(FitRule {
                id: r.text("fit.rules.id")?,
                label: r.text("fit.rules.label")?,
                points: r.num("fit.rules.points")?,
                when: r.condition(nt, 0)?,
            })
        })?;
        let days = |r: &mut Self, field| {
            let ms = r.num(field)?;
            if ms > 0.0 && ms <= super::MAX_DAYS * crate::format::time::DAY_MS {
                Ok(ms)
            } else {
                Err(field)
            }
        };
        let engagement = self.group(MAX_RULES, "engagement.rules", |r| {
            let id = r.text("engagement.rules.id")?;
            let label = r.text("engagement.rules.label")?;
            let points = r.num("engagement.rules.points")?;
            let matcher = r.matcher(nf)?;
            let max_count = r.opt("engagement.rules.maxCount", |r| {
                r.uint(MAX_COUNT as usize, "engagement.rules.maxCount")
            })?;
            if max_count == Some(0) {
                return Err("engagement.rules.maxCount");
            }
            Ok(EngagementRule {
                id,
                label,
                points,
                matcher,
                max_count: max_count.map(|n| n as u32),
                max_points: r.opt("engagement.rules.maxPoints", |r| {
                    let cap = r.num("engagement.rules.maxPoints")?;
                    if cap > 0.0 {
                        Ok(cap)
                    } else {
                        Err("engagement.rules.maxPoints")
                    }
                })?,
                within_ms: r.opt("engagement.rules.withinDays", |r| {
                    days(r, "engagement.rules.withinDays")
                })?,
                min_count: r.uint(MAX_COUNT as usize, "engagement.rules.minCount")? as u32,
                half_life_ms: r.opt("engagement.rules.halfLifeDays", |r| {
                    days(r, "engagement.rules.halfLifeDays")
                })?,
            })
        })?;
        let disqualifiers = self.list(MAX_RULES, "disqualifiers", |r| {
            let id = r.text("disqualifiers.id")?;
            let reason = r.text("disqualifiers.reason")?;
            let trigger = match r.byte("disqualifiers")? {
                0 => Trigger::Traits(r.condition(nt, 0)?),
                1 => Trigger::Event(r.matcher(nf)?),
                _ => return Err("disqualifiers"),
            };
            Ok(Disqualifier {
                id,
                reason,
                trigger,
            })
        })?;
        let tallied = engagement.rules.len()
            + disqualifiers
                .iter()
                .filter(|d| matches!(d.trigger, Trigger::Event(_)))
                .count();
        if tallied > MAX_RULES {
            return Err("engagement.rules");
        }
        let thresholds = Thresholds {
            fit: self.opt_num("thresholds.fit")?,
            engagement: self.opt_num("thresholds.engagement")?,
            total: self.opt_num("thresholds.total")?,
            all: self.flag("thresholds.require")?,
        };
        let mut cuts = [0.0; 6];
        for x in &mut cuts {
            *x = self.num("grades")?;
        }
        let grades = Grades {
            fit: [cuts[0], cuts[1], cuts[2]],
            engagement: [cuts[3], cuts[4], cuts[5]],
        };
        let bots = self.opt("bots", |r| {
            let user_agent_slot = r.uint(nf.saturating_sub(1), "bots")?;
            if nf == 0 {
                return Err("bots");
            }
            Ok(BotFilter {
                user_agent_slot,
                user_agents: r.globs("bots.userAgents")?,
                burst: r.opt("bots.burst", |r| {
                    Ok((
                        r.uint(100, "bots.burst.events")? as u32,
                        r.uint(3600, "bots.burst.seconds")? as i64,
                    ))
                })?,
                clicks: r.opt("bots.clicks", |r| {
                    Ok((
                        r.globs("bots.clicks.events")?,
                        r.uint(1440 * 60, "bots.clicks.pageViewWithinMinutes")? as i64,
                    ))
                })?,
            })
        })?;
        let calibration = self.opt("calibration", |r| {
            Ok(Calibration {
                slope: r.num("calibration.slope")?,
                intercept: r.num("calibration.intercept")?,
            })
        })?;
        let mut model = Model {
            id,
            version,
            fit,
            engagement,
            disqualifiers,
            thresholds,
            grades,
            bots,
            calibration,
            traits,
            fields,
            signatures: Vec::new(),
            key: String::new(),
            by_target: [Vec::new(), Vec::new()],
        };
        model.derive();
        Ok(model)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::json::Json;

    fn models() -> Vec<(String, Model)> {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/models");
        let mut out = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "json") {
                let text = std::fs::read_to_string(&path).unwrap();
                let model = Model::compile(&Json::parse(&text).unwrap()).unwrap();
                out.push((path.display().to_string(), model));
            }
        }
        let bench =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/bench/model-30.json"))
                .unwrap();
        out.push((
            "bench/model-30.json".into(),
            Model::compile(&Json::parse(&bench).unwrap()).unwrap(),
        ));
        out
    }

    #[test]
    fn every_model_reads_back_equal() {
        for (name, model) in models() {
            let bytes = model.pack();
            assert_eq!(Model::unpack(&bytes).as_ref(), Ok(&model), "{name}");
            assert_eq!(Model::unpack(&bytes).unwrap().key(), model.key());
        }
    }

    #[test]
    fn damaged_bytes_are_an_error_naming_what_is_wrong_never_a_panic() {
        let (_, model) = models().remove(0);
        let bytes = model.pack();
        let message = |b: &[u8]| Model::unpack(b).unwrap_err().problems[0].to_string();
        assert!(message(b"{\"id\":1}").contains("MQLC"));
        assert!(message(&bytes[..bytes.len() - 1]).contains("fingerprint"));
        let mut other = bytes.clone();
        other[4] = 9;
        assert!(message(&other).contains("format version"));
        // Every single-byte change and every cut, with the fingerprint made to match: an error
        // or a model that compiles to the same bytes, never a panic.
        let refingerprint = |mut b: Vec<u8>| {
            let f = fnv1a(&b[HEADER..]).to_le_bytes();
            b[5..HEADER].copy_from_slice(&f);
            b
        };
        for i in HEADER..bytes.len() {
            for delta in [1u8, 0x80, 0xff] {
                let mut b = bytes.clone();
                b[i] = b[i].wrapping_add(delta);
                if let Ok(m) = Model::unpack(&refingerprint(b)) {
                    assert_eq!(Model::unpack(&m.pack()), Ok(m));
                }
            }
            let cut = refingerprint(bytes[..i].to_vec());
            assert!(Model::unpack(&cut).is_err(), "cut at {i}");
        }
    }
}
