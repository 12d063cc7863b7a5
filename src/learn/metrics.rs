//! How well scores rank and predict outcomes: ROC AUC, log loss, Brier score, lift.

/// The area under the ROC curve: the chance that a random converted lead scores above a random
/// unconverted one (ties count half). `None` without both kinds of lead.
pub fn auc(scores: &[f64], outcomes: &[bool]) -> Option<f64> {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|a, b| scores[*a].total_cmp(&scores[*b]));
    let (mut rank_sum, mut i) = (0.0, 0);
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && scores[order[j + 1]] == scores[order[i]] {
            j += 1;
        }
        let mid = (i + j) as f64 / 2.0 + 1.0;
        rank_sum += order[i..=j].iter().filter(|k| outcomes[**k]).count() as f64 * mid;
        i = j + 1;
    }
    let pos = outcomes.iter().filter(|o| **o).count() as f64;
    let neg = outcomes.len() as f64 - pos;
    (pos > 0.0 && neg > 0.0).then(|| (rank_sum - pos * (pos + 1.0) / 2.0) / (pos * neg))
}

/// Mean log loss of probabilities (clamped away from 0 and 1).
pub fn log_loss(p: &[f64], outcomes: &[bool]) -> f64 {
    let total: f64 = p
        .iter()
        .zip(outcomes)
        .map(|(p, y)| {
            let p = p.clamp(1e-12, 1.0 - 1e-12);
            if *y {
                -p.ln()
            } else {
                -(1.0 - p).ln()
            }
        })
        .sum();
    total / p.len().max(1) as f64
}

/// Mean squared error of probabilities.
pub fn brier(p: &[f64], outcomes: &[bool]) -> f64 {
    let total: f64 = p
        .iter()
        .zip(outcomes)
        .map(|(p, y)| (p - f64::from(u8::from(*y))).powi(2))
        .sum();
    total / p.len().max(1) as f64
}

/// Conversion rate in each tenth of the leads by score (highest first) over the base rate.
pub fn lift_by_decile(scores: &[f64], outcomes: &[bool]) -> Vec<f64> {
    let n = scores.len();
    let base = outcomes.iter().filter(|o| **o).count() as f64 / n.max(1) as f64;
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|a, b| scores[*b].total_cmp(&scores[*a]));
    (0..10)
        .map(|d| {
            let slice = &order[d * n / 10..(d + 1) * n / 10];
            let rate =
                slice.iter().filter(|i| outcomes[**i]).count() as f64 / slice.len().max(1) as f64;
            if base > 0.0 {
                rate / base
            } else {
                0.0
            }
        })
        .collect()
}

/// Predicted against observed conversion by tenth of the predicted probabilities (highest
/// first): `(mean predicted, share converted, leads)`. Honest probabilities keep the two close.
pub fn reliability_by_decile(probabilities: &[f64], outcomes: &[bool]) -> Vec<(f64, f64, usize)> {
    let n = probabilities.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|a, b| probabilities[*b].total_cmp(&probabilities[*a]));
    (0..10)
        .map(|d| &order[d * n / 10..(d + 1) * n / 10])
        .filter(|slice| !slice.is_empty())
        .map(|slice| {
            let k = slice.len() as f64;
            let predicted = slice.iter().map(|i| probabilities[*i]).sum::<f64>() / k;
            let observed = slice.iter().filter(|i| outcomes[**i]).count() as f64 / k;
            (predicted, observed, slice.len())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auc_counts_ties_as_half() {
        assert_eq!(
            auc(&[1.0, 2.0, 3.0, 4.0], &[false, false, true, true]),
            Some(1.0)
        );
        assert_eq!(
            auc(&[1.0, 2.0, 3.0, 4.0], &[true, true, false, false]),
            Some(0.0)
        );
        assert_eq!(auc(&[1.0, 1.0], &[true, false]), Some(0.5));
        assert_eq!(
            auc(&[1.0, 2.0, 2.0, 3.0], &[false, true, false, true]),
            Some(0.875)
        );
        assert_eq!(auc(&[1.0], &[true]), None);
    }

    #[test]
    fn losses_and_lift() {
        assert!((log_loss(&[0.5, 0.5], &[true, false]) - std::f64::consts::LN_2).abs() < 1e-12);
        assert_eq!(brier(&[1.0, 0.0], &[true, false]), 0.0);
        let scores: Vec<f64> = (0..100).map(f64::from).collect();
        let outcomes: Vec<bool> = (0..100).map(|i| i >= 90).collect();
        let lift = lift_by_decile(&scores, &outcomes);
        assert_eq!(lift[0], 10.0);
        assert_eq!(lift[9], 0.0);
    }
}
