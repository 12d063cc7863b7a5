//! What the engine borrows from the platform it runs on: text lower-cased by Unicode's rules,
//! decimal text read as the nearest number, and a number written as text that reads back
//! exactly. Natively these are the standard library's. In WebAssembly they would bring the
//! Unicode case tables, an exact decimal parser and float formatting into the module (29 KB of
//! the small module's 126 KB gzipped for the first two, measured by building it without them),
//! while its JavaScript host already has all three (`String.prototype.toLowerCase`, `Number`,
//! `String`): the `wasm` boundary lends them with [`install`] before the first model is read.

use std::cell::Cell;

/// What a host lends the engine.
#[derive(Debug, Clone, Copy)]
pub struct Host {
    /// Unicode lower case (full mappings, final sigma), for text that is not ASCII.
    pub lowercase: fn(&str) -> String,
    /// The number nearest to trimmed decimal text made only of digits, `.`, signs and `e`/`E`
    /// (`"250"`, `"-1.5"`, `"1e3"`, `".5"`), `None` when it is not one.
    pub decimal: fn(&str) -> Option<f64>,
    /// A finite number as text that reads back as the same number (`0.30000000000000004`,
    /// `1e-7` or `0.0000001`): the results' rare numbers that no short decimal writes exactly.
    pub number_text: fn(f64) -> String,
}

thread_local! {
    /// The host lent (per thread: WebAssembly has one; natively the standard library's are
    /// the host). A cell, not a `OnceLock`: the once-only machinery and its messages cost the
    /// small module more than the three function pointers.
    static HOST: Cell<Option<Host>> = const { Cell::new(None) };
}

/// Lends the engine the host's functions; the first call wins.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub fn install(host: Host) {
    HOST.with(|h| {
        if h.get().is_none() {
            h.set(Some(host));
        }
    });
}

/// `text` in lower case, as rules compare it.
pub fn lowercase(text: &str) -> String {
    if text.is_ascii() {
        text.to_ascii_lowercase()
    } else {
        (host().lowercase)(text)
    }
}

/// See [`Host::decimal`].
pub fn decimal(text: &str) -> Option<f64> {
    (host().decimal)(text)
}

/// See [`Host::number_text`].
pub fn number_text(n: f64) -> String {
    (host().number_text)(n)
}

#[cfg(not(target_arch = "wasm32"))]
fn host() -> Host {
    HOST.with(Cell::get).unwrap_or(Host {
        lowercase: str::to_lowercase,
        decimal: |text| text.parse().ok(),
        number_text: |n| n.to_string(),
    })
}

/// In WebAssembly the boundary installs the host before any model is read; were it missing,
/// non-ASCII text would stay as it is, text would not read as a number and such rare numbers
/// would be written as `null` (never a trap).
#[cfg(target_arch = "wasm32")]
fn host() -> Host {
    HOST.with(Cell::get).unwrap_or(Host {
        lowercase: str::to_owned,
        decimal: |_| None,
        number_text: |_| "null".to_owned(),
    })
}
