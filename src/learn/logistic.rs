//! L2-regularised logistic regression, fitted by Newton's method: deterministic, and exact
//! enough in a few iterations for the few dozen features a scoring model has.

// Matrix arithmetic reads as the formulas do with indices.
#![allow(clippy::needless_range_loop)]

/// A fitted model: log-odds = intercept + Σ weights × features.
#[derive(Debug, Clone, PartialEq)]
pub struct Logistic {
    /// One weight per feature.
    pub weights: Vec<f64>,
    /// The log-odds when every feature is 0.
    pub intercept: f64,
    /// Newton steps taken.
    pub iterations: usize,
}

/// A row of features, as the ones that are not zero (or are NaN) in feature order.
pub trait Row {
    /// Each feature that is not zero, with its value.
    fn nonzero(&self) -> impl Iterator<Item = (usize, f64)> + '_;
}

impl Row for crate::learn::features::Values {
    fn nonzero(&self) -> impl Iterator<Item = (usize, f64)> + '_ {
        crate::learn::features::Values::nonzero(self)
    }
}

impl<R: Row> Row for &R {
    fn nonzero(&self) -> impl Iterator<Item = (usize, f64)> + '_ {
        (*self).nonzero()
    }
}

/// One feature.
impl Row for f64 {
    fn nonzero(&self) -> impl Iterator<Item = (usize, f64)> + '_ {
        (*self != 0.0 || self.is_nan())
            .then_some((0, *self))
            .into_iter()
    }
}

/// Every feature, zeros included.
impl Row for Vec<f64> {
    fn nonzero(&self) -> impl Iterator<Item = (usize, f64)> + '_ {
        self.iter()
            .copied()
            .enumerate()
            .filter(|(_, v)| *v != 0.0 || v.is_nan())
    }
}

impl Logistic {
    /// Fits rows `x` of `width` features to outcomes `y`, each row weighted by `w` (for class
    /// balance), with an L2 penalty `l2` on the weights (not the intercept). Fails, saying after
    /// how many steps, when a Newton step cannot be solved (the system is not positive definite,
    /// or not finite).
    pub fn fit<R: Row>(
        x: &[R],
        width: usize,
        y: &[bool],
        w: &[f64],
        l2: f64,
    ) -> Result<Logistic, NotFitted> {
        let k = width + 1;
        // A scorecard's features are mostly zero (a rule holds or not): a step costs the pairs
        // that are there, each row's taken with the intercept's 1 first (the sums are the same:
        // the zeros added nothing).
        let mut row: Vec<(usize, f64)> = Vec::with_capacity(k);
        let mut beta = vec![0.0; k];
        let mut iterations = 0;
        for _ in 0..100 {
            iterations += 1;
            let mut grad = vec![0.0; k];
            let mut hess = vec![vec![0.0; k]; k];
            for ((xi, &yi), &wi) in x.iter().zip(y).zip(w) {
                row.clear();
                row.push((0, 1.0));
                row.extend(xi.nonzero().map(|(i, v)| (i + 1, v)));
                let z = beta[0] + row[1..].iter().map(|(i, v)| v * beta[*i]).sum::<f64>();
                let p = sigmoid(z);
                let r = wi * (p - f64::from(u8::from(yi)));
                let s = wi * p * (1.0 - p);
                for (ai, &(a, xa)) in row.iter().enumerate() {
                    grad[a] += r * xa;
                    for &(b, xb) in &row[..=ai] {
                        hess[a][b] += s * xa * xb;
                    }
                }
            }
            for a in 1..k {
                grad[a] += l2 * beta[a];
                hess[a][a] += l2;
            }
            hess[0][0] += 1e-9;
            for a in 0..k {
                for b in a + 1..k {
                    hess[a][b] = hess[b][a];
                }
            }
            let Some(step) = solve(hess, grad) else {
                return Err(NotFitted { iterations });
            };
            let size = step.iter().map(|s| s.abs()).fold(0.0, f64::max);
            for (b, s) in beta.iter_mut().zip(&step) {
                *b -= s;
            }
            if size < 1e-9 {
                break;
            }
        }
        Ok(Logistic {
            intercept: beta[0],
            weights: beta[1..].to_vec(),
            iterations,
        })
    }
}

/// A fit that stopped because a Newton step could not be solved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotFitted {
    /// The step that failed (1 is the first).
    pub iterations: usize,
}

/// `1 / (1 + e^-z)`, without overflow at either end.
pub fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

/// Solves the symmetric positive-definite system `a x = b` by Cholesky decomposition.
fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Option<Vec<f64>> {
    let n = b.len();
    for j in 0..n {
        let d = a[j][j] - (0..j).map(|k| a[j][k] * a[j][k]).sum::<f64>();
        if d <= 0.0 || !d.is_finite() {
            return None;
        }
        a[j][j] = d.sqrt();
        for i in j + 1..n {
            a[i][j] = (a[i][j] - (0..j).map(|k| a[i][k] * a[j][k]).sum::<f64>()) / a[j][j];
        }
    }
    for i in 0..n {
        b[i] = (b[i] - (0..i).map(|k| a[i][k] * b[k]).sum::<f64>()) / a[i][i];
    }
    for i in (0..n).rev() {
        b[i] = (b[i] - (i + 1..n).map(|k| a[k][i] * b[k]).sum::<f64>()) / a[i][i];
    }
    Some(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovers_known_weights_on_a_large_sample() {
        // Deterministic pseudo-random rows with a known logit 0.8·x1 − 1.2·x2 − 0.5.
        let mut state = 7u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let (mut x, mut y) = (Vec::new(), Vec::new());
        for _ in 0..20_000 {
            let row = vec![(next() * 4.0).floor(), f64::from(u8::from(next() < 0.5))];
            let p = sigmoid(0.8 * row[0] - 1.2 * row[1] - 0.5);
            y.push(next() < p);
            x.push(row);
        }
        let fit = Logistic::fit(&x, 2, &y, &vec![1.0; y.len()], 1e-6).unwrap();
        assert!((fit.weights[0] - 0.8).abs() < 0.06, "{fit:?}");
        assert!((fit.weights[1] + 1.2).abs() < 0.1, "{fit:?}");
        assert!((fit.intercept + 0.5).abs() < 0.1, "{fit:?}");
        assert!(fit.iterations < 20);
    }

    #[test]
    fn a_step_that_cannot_be_solved_is_an_error_not_a_silent_stop() {
        // Before issue 10 the fit stopped here and returned zeros as if it had converged.
        let x = vec![vec![f64::NAN], vec![1.0]];
        let fit = Logistic::fit(&x, 1, &[true, false], &[1.0, 1.0], 1.0);
        assert_eq!(fit, Err(NotFitted { iterations: 1 }));
    }

    #[test]
    fn sigmoid_is_stable_at_the_extremes() {
        assert_eq!(sigmoid(1000.0), 1.0);
        assert_eq!(sigmoid(-1000.0), 0.0);
        assert_eq!(sigmoid(0.0), 0.5);
    }
}
