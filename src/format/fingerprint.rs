//! A short fingerprint of text: a message id, to skip a redelivered event; a rule's id and
//! tally kind, to carry its saved tally over to a new model version.

/// 32-bit FNV-1a hash (message ids, rule signatures).
pub fn fnv1a(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5, |h, b| {
        (h ^ u32::from(*b)).wrapping_mul(0x0100_0193)
    })
}
