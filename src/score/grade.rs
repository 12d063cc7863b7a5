//! Grades in the fit × engagement grid: A–D for fit, 1–4 for engagement (`A1` is best).

use crate::model::Grades;
use std::fmt;

/// A cell of the grade grid, shown as `B2`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grade {
    /// `A` (best fit) to `D`.
    pub fit: char,
    /// `1` (most engaged) to `4`.
    pub engagement: u8,
}

impl Grade {
    /// The grade of these halves under the model's cut points.
    pub fn of(cuts: &Grades, fit: f64, engagement: f64) -> Grade {
        let band =
            |value: f64, cuts: &[f64; 3]| cuts.iter().take_while(|c| value < **c).count() as u8;
        Grade {
            fit: char::from(b'A' + band(fit, &cuts.fit)),
            engagement: 1 + band(engagement, &cuts.engagement),
        }
    }
}

impl fmt::Display for Grade {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{}{}", self.fit, self.engagement)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_cells_follow_the_cut_points() {
        let cuts = Grades {
            fit: [75.0, 50.0, 25.0],
            engagement: [60.0, 30.0, 10.0],
        };
        let g = |f, e| Grade::of(&cuts, f, e).to_string();
        assert_eq!(g(80.0, 60.0), "A1");
        assert_eq!(g(75.0, 59.99), "A2");
        assert_eq!(g(50.0, 30.0), "B2");
        assert_eq!(g(49.0, 10.0), "C3");
        assert_eq!(g(-20.0, 0.0), "D4");
    }
}
