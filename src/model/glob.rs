//! Case-insensitive glob patterns: `vp*`, `*chief*`, `/pricing`, `/product/**`.
//!
//! `?` matches one character and `*` any run of characters. For page paths `*` stops at `/`
//! and `**` crosses it, so `/product/*` is one level and `/product/**` the whole section.
//! Common shapes compile to plain string tests; the rest run a linear-space matcher, so a
//! hostile pattern costs at most pattern × text steps, never exponential backtracking.

/// A compiled glob pattern (lower-case; match it against lower-case text).
#[derive(Debug, Clone, PartialEq)]
pub struct Glob {
    shape: Shape,
}

#[derive(Debug, Clone, PartialEq)]
enum Shape {
    Exact(String),
    /// The text starts with this and the rest may be anything.
    Prefix(String),
    /// The text ends with this.
    Suffix(String),
    /// The text contains this.
    Contains(String),
    /// A page path that starts with this and has no `/` after it (`/customers/*`).
    Segment(String),
    /// Anything else, with the literal text it must start with (checked first: most text
    /// fails there, before the matcher runs).
    General {
        lead: String,
        tokens: Vec<Token>,
    },
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Char(char),
    One,
    /// `*`: any run of characters, stopping at `/` when `stops_at_slash`.
    Star,
    /// `**` in a path: any run of characters at all.
    AnyRun,
}

impl Glob {
    /// Compiles `pattern`; `path` selects page-path semantics for `*` (it does not cross `/`).
    pub fn new(pattern: &str, path: bool) -> Glob {
        Glob {
            shape: shape_of(tokenize(pattern, path)),
        }
    }

    /// The pattern in page-path form (`*` within a segment, `**` across): `Glob::new(&g.pattern(),
    /// true)` is `g` again, whichever form `g` was compiled from (the compiled model keeps this).
    pub fn pattern(&self) -> String {
        let run = "**";
        match &self.shape {
            Shape::Exact(s) => s.clone(),
            Shape::Prefix(s) => format!("{s}{run}"),
            Shape::Suffix(s) => format!("{run}{s}"),
            Shape::Contains(s) => format!("{run}{s}{run}"),
            Shape::Segment(s) => format!("{s}*"),
            Shape::General { tokens, .. } => {
                let mut out = String::new();
                for t in tokens {
                    match t {
                        Token::Char(c) => out.push(*c),
                        Token::One => out.push('?'),
                        Token::Star => out.push('*'),
                        Token::AnyRun => out.push_str(run),
                    }
                }
                out
            }
        }
    }

    /// Whether lower-case `text` matches the whole pattern.
    pub fn matches(&self, text: &str) -> bool {
        match &self.shape {
            Shape::Exact(s) => text == s,
            Shape::Prefix(s) => text.starts_with(s.as_str()),
            Shape::Suffix(s) => text.ends_with(s.as_str()),
            Shape::Contains(s) => crate::format::search::contains(text, s),
            Shape::Segment(s) => text
                .strip_prefix(s.as_str())
                .is_some_and(|rest| !rest.contains('/')),
            Shape::General { lead, tokens } => {
                text.starts_with(lead.as_str()) && matches_tokens(tokens, text)
            }
        }
    }
}

/// The pattern's tokens, lower-case, with repeated runs folded into one.
fn tokenize(pattern: &str, path: bool) -> Vec<Token> {
    let lower = crate::format::host::lowercase(pattern);
    let mut tokens = Vec::new();
    let mut chars = lower.chars().peekable();
    while let Some(c) = chars.next() {
        let token = match c {
            '*' => {
                let mut double = false;
                while chars.peek() == Some(&'*') {
                    chars.next();
                    double = true;
                }
                if double || !path {
                    Token::AnyRun
                } else {
                    Token::Star
                }
            }
            '?' => Token::One,
            c => Token::Char(c),
        };
        let repeated_run = matches!(
            (tokens.last(), &token),
            (Some(Token::AnyRun), Token::AnyRun | Token::Star) | (Some(Token::Star), Token::Star)
        );
        if !repeated_run {
            tokens.push(token);
        }
    }
    tokens
}

/// The text of `tokens` if they are all characters (a loop: the small module reads globs with
/// it, and a `collect` into an `Option` costs more code).
fn literal(tokens: &[Token]) -> Option<String> {
    let mut text = String::new();
    for t in tokens {
        match t {
            Token::Char(c) => text.push(*c),
            _ => return None,
        }
    }
    Some(text)
}

fn shape_of(tokens: Vec<Token>) -> Shape {
    let n = tokens.len();
    let run_at = |i: usize| n > 0 && matches!(tokens[i], Token::AnyRun);
    if let Some(s) = literal(&tokens) {
        return Shape::Exact(s);
    }
    if n >= 1 && run_at(n - 1) {
        if let Some(s) = literal(&tokens[..n - 1]) {
            return Shape::Prefix(s);
        }
    }
    if n >= 1 && run_at(0) {
        if let Some(s) = literal(&tokens[1..]) {
            return Shape::Suffix(s);
        }
    }
    if n >= 2 && run_at(0) && run_at(n - 1) {
        if let Some(s) = literal(&tokens[1..n - 1]) {
            return Shape::Contains(s);
        }
    }
    if n >= 1 && matches!(tokens[n - 1], Token::Star) {
        if let Some(s) = literal(&tokens[..n - 1]) {
            return Shape::Segment(s);
        }
    }
    let mut lead = String::new();
    for t in &tokens {
        match t {
            Token::Char(c) => lead.push(*c),
            _ => break,
        }
    }
    Shape::General { lead, tokens }
}

/// Tracks the set of text positions reachable after each token: O(tokens × chars) time. Text
/// of up to 127 characters (page paths and names, nearly always) keeps the set in one `u128`
/// and allocates nothing; longer text keeps it in vectors.
fn matches_tokens(tokens: &[Token], text: &str) -> bool {
    // Characters counted by the bytes that start one, in a loop smaller than the standard
    // library's counter inlined here (34 bytes of the gzipped module).
    let mut n = 0;
    for b in text.bytes() {
        n += usize::from(b & 0xc0 != 0x80);
    }
    if n < 128 {
        matches_in_bits(tokens, text, n)
    } else {
        matches_in_vectors(tokens, text)
    }
}

fn matches_in_bits(tokens: &[Token], text: &str, n: usize) -> bool {
    let bit = |i: usize| 1u128 << i;
    let mut reach = bit(0);
    for token in tokens {
        let mut next = 0u128;
        match token {
            Token::Char(c) => {
                for (i, ch) in text.chars().enumerate() {
                    if reach & bit(i) != 0 && ch == *c {
                        next |= bit(i + 1);
                    }
                }
            }
            Token::One => next = (reach << 1) & (bit(n + 1) - 1),
            Token::Star | Token::AnyRun => {
                let crosses_slash = matches!(token, Token::AnyRun);
                let mut open = reach & 1 != 0;
                next = reach & 1;
                for (i, ch) in text.chars().enumerate() {
                    open = reach & bit(i + 1) != 0 || (open && (crosses_slash || ch != '/'));
                    if open {
                        next |= bit(i + 1);
                    }
                }
            }
        }
        if next == 0 {
            return false;
        }
        reach = next;
    }
    reach & bit(n) != 0
}

fn matches_in_vectors(tokens: &[Token], text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    let mut reach = vec![false; chars.len() + 1];
    reach[0] = true;
    for token in tokens {
        let mut next = vec![false; chars.len() + 1];
        match token {
            Token::Char(c) => {
                for i in 0..chars.len() {
                    next[i + 1] = reach[i] && chars[i] == *c;
                }
            }
            Token::One => {
                next[1..].copy_from_slice(&reach[..chars.len()]);
            }
            Token::Star | Token::AnyRun => {
                let crosses_slash = matches!(token, Token::AnyRun);
                let mut open = false;
                for i in 0..=chars.len() {
                    open = reach[i] || (open && (crosses_slash || chars[i - 1] != '/'));
                    next[i] = open;
                }
            }
        }
        if !next.contains(&true) {
            return false;
        }
        reach = next;
    }
    reach[chars.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bit_set_matcher_agrees_with_the_vector_matcher() {
        let patterns = [
            "/a/*/c", "*a?b*", "/x/**/y", "?*?", "a*b*c*d", "/*/*", "**", "a?",
        ];
        let texts = [
            "", "/a/b/c", "/a/b/d/c", "xaxbx", "ab", "/x/1/2/y", "abcd", "a/b", "/p/q",
        ];
        for p in patterns {
            for is_path in [true, false] {
                let tokens = tokenize(p, is_path);
                for t in texts {
                    let n = t.chars().count();
                    assert_eq!(
                        matches_in_bits(&tokens, t, n),
                        matches_in_vectors(&tokens, t),
                        "{p:?} on {t:?} (path: {is_path})"
                    );
                }
            }
        }
        let long = format!("/a/{}/c", "b".repeat(300));
        assert!(
            Glob::new("/a/*/c", true).matches(&long),
            "text past 127 characters"
        );
    }

    #[test]
    fn every_shortcut_shape_agrees_with_the_matcher() {
        let patterns = [
            "/customers/*",
            "/integrations*",
            "/pricing",
            "/blog/**",
            "**/x",
            "*chief*",
            "vp*",
            "/a/*/c",
            "/a/b?*",
            "c?o",
            "/*",
            "*",
            "",
            "/x/**/y*",
        ];
        let texts = [
            "",
            "/",
            "/customers/acme",
            "/customers/acme/x",
            "/customers/",
            "/integrations",
            "/integrations-hub",
            "/integrations/slack",
            "/pricing",
            "/blog/a/b",
            "a/x",
            "chief",
            "the chief",
            "vp sales",
            "/a/b/c",
            "/a/bc",
            "cto",
            "/x/1/y2",
        ];
        for p in patterns {
            for is_path in [true, false] {
                let glob = Glob::new(p, is_path);
                assert_eq!(
                    Glob::new(&glob.pattern(), true),
                    glob,
                    "{p:?} (path: {is_path})"
                );
                let tokens = tokenize(p, is_path);
                for t in texts {
                    assert_eq!(
                        glob.matches(t),
                        matches_in_vectors(&tokens, t),
                        "{p:?} on {t:?} (path: {is_path}, shape {:?})",
                        glob.shape
                    );
                }
            }
        }
    }

    fn path(p: &str, text: &str) -> bool {
        Glob::new(p, true).matches(text)
    }

    fn text(p: &str, text: &str) -> bool {
        Glob::new(p, false).matches(text)
    }

    #[test]
    fn plain_patterns_are_exact_and_case_insensitive() {
        assert!(path("/Pricing", "/pricing"));
        assert!(!path("/pricing", "/pricing/enterprise"));
        assert!(text("VP of Sales", "vp of sales"));
    }

    #[test]
    fn star_stays_within_a_path_segment_and_double_star_crosses() {
        assert!(path("/product/*", "/product/analytics"));
        assert!(!path("/product/*", "/product/analytics/pricing"));
        assert!(path("/product/**", "/product/analytics/pricing"));
        assert!(path("/careers*", "/careers"));
        assert!(path("/careers*", "/careers-berlin"));
        assert!(!path("/careers*", "/careers/berlin"));
        assert!(path("/blog/*/comments", "/blog/post-1/comments"));
        assert!(!path("/blog/*/comments", "/blog/a/b/comments"));
        assert!(path("/**/pricing", "/de/plans/pricing"));
    }

    #[test]
    fn star_in_trait_patterns_matches_anything() {
        assert!(text("vp*", "vp sales/marketing"));
        assert!(text("*chief*", "the chief revenue officer"));
        assert!(text("*officer", "chief revenue officer"));
        assert!(!text("*chief*", "cheif"));
        assert!(text("c?o", "cto"));
        assert!(!text("c?o", "ceeo"));
        assert!(text("head*of*sales", "head of emea sales"));
        assert!(!text("head*of*sales", "head of emea"));
    }

    #[test]
    fn hostile_patterns_stay_linear() {
        let pattern = "*a".repeat(100) + "b";
        let text_ = "a".repeat(1000);
        assert!(!text(&pattern, &text_));
    }

    #[test]
    fn common_shapes_compile_to_string_tests() {
        assert!(matches!(Glob::new("vp*", false).shape, Shape::Prefix(_)));
        assert!(matches!(
            Glob::new("*chief*", false).shape,
            Shape::Contains(_)
        ));
        assert!(matches!(
            Glob::new("/product/**", true).shape,
            Shape::Prefix(_)
        ));
        assert!(matches!(
            Glob::new("/product/*", true).shape,
            Shape::Segment(_)
        ));
        assert!(matches!(
            Glob::new("/a/*/c", true).shape,
            Shape::General { .. }
        ));
    }
}
