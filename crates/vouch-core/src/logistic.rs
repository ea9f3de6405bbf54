//! L2-regularised logistic regression, and the two figures that judge a probability model:
//! the area under the ROC curve and the Brier score.
//!
//! The fit is Newton's method (iteratively reweighted least squares) on the penalised
//! log-likelihood, with the intercept left unpenalised:
//!
//! ```text
//! minimise  Σᵢ log(1 + e^(−ŷᵢ zᵢ)) + λ/2 · ‖w‖²,   zᵢ = b + w·xᵢ,   ŷᵢ = ±1
//! ```
//!
//! which is scikit-learn's `LogisticRegression(C = 1/λ)`. Why a small solver here rather than a
//! crate such as smartcore or linfa-logistic: the lead model has a few dozen features, and each
//! row has exactly one non-zero per attribute (a one-hot value, or a standardised number). Rows
//! are therefore kept as a fixed number of `(feature, value)` slots, so one Newton step costs
//! `rows × slots²` for the Hessian plus a dense Cholesky solve of `features²` size, and a million
//! rows fit in a second or two with ~10 steps. Those crates want a dense `rows × features`
//! matrix (hundreds of megabytes at a million rows) and iterate with first-order or quasi-Newton
//! steps; Newton converges to the exact penalised optimum, which keeps the probabilities
//! calibrated and the result reproducible.

/// Rows of a design matrix in which every row has the same number of non-zero slots.
#[derive(Debug, Clone, PartialEq)]
pub struct SlotRows {
    /// Non-zero slots per row.
    pub width: usize,
    /// Number of features (columns), the intercept not included.
    pub features: usize,
    /// The feature of each slot, row after row (`rows × width` entries).
    pub slots: Vec<u32>,
    /// The value of each slot.
    pub values: Vec<f64>,
}

impl SlotRows {
    /// An empty design of `features` columns and `width` slots per row.
    pub fn new(features: usize, width: usize) -> SlotRows {
        SlotRows {
            width,
            features,
            slots: Vec::new(),
            values: Vec::new(),
        }
    }

    /// How many rows are held.
    pub fn rows(&self) -> usize {
        self.slots.len().checked_div(self.width).unwrap_or(0)
    }

    /// The slots of one row.
    pub fn row(&self, row: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        let range = row * self.width..(row + 1) * self.width;
        self.slots[range.clone()]
            .iter()
            .zip(&self.values[range])
            .map(|(&slot, &value)| (slot as usize, value))
    }
}

/// A fitted logistic model.
#[derive(Debug, Clone, PartialEq)]
pub struct LogisticFit {
    /// The unpenalised intercept, in log-odds.
    pub intercept: f64,
    /// One weight per feature.
    pub weights: Vec<f64>,
    /// Newton steps taken.
    pub iterations: usize,
    /// True when the steps became negligible before the iteration limit.
    pub converged: bool,
}

impl LogisticFit {
    /// The log-odds of one row of a design.
    pub fn log_odds(&self, design: &SlotRows, row: usize) -> f64 {
        self.intercept
            + design
                .row(row)
                .map(|(slot, value)| self.weights[slot] * value)
                .sum::<f64>()
    }
}

/// The most Newton steps one fit takes.
pub const MAX_ITERATIONS: usize = 50;

/// The logistic function, `1 / (1 + e^−z)`, computed without overflow.
pub fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

/// `log(1 + e^z)`, computed without overflow.
fn softplus(z: f64) -> f64 {
    if z > 0.0 {
        z + (-z).exp().ln_1p()
    } else {
        z.exp().ln_1p()
    }
}

/// Fits the rows `rows` of `design` (indices into it) to `labels` (one per design row) with
/// penalty `lambda` on the weights. `lambda` must be positive, which makes the problem strictly
/// convex even when features are collinear (a one-hot block plus the intercept).
pub fn fit(design: &SlotRows, labels: &[bool], rows: &[u32], lambda: f64) -> LogisticFit {
    assert!(lambda > 0.0, "the penalty must be positive");
    let dim = design.features + 1;
    let mut beta = vec![0.0; dim];
    let positives = rows.iter().filter(|&&row| labels[row as usize]).count() as f64;
    let n = rows.len() as f64;
    if n > 0.0 && positives > 0.0 && positives < n {
        beta[0] = (positives / (n - positives)).ln();
    }
    let mut objective = penalised_loss(design, labels, rows, lambda, &beta);
    let mut iterations = 0;
    let mut converged = false;
    while iterations < MAX_ITERATIONS {
        iterations += 1;
        let (gradient, hessian) = gradient_and_hessian(design, labels, rows, lambda, &beta);
        let Some(step) = cholesky_solve(hessian, &gradient, dim) else {
            break;
        };
        // Halve the step until the objective does not rise (rarely needed for this loss).
        let mut scale = 1.0;
        let mut accepted = None;
        for _ in 0..30 {
            let candidate: Vec<f64> = beta.iter().zip(&step).map(|(b, s)| b - scale * s).collect();
            let value = penalised_loss(design, labels, rows, lambda, &candidate);
            if value <= objective + 1e-12 * objective.abs().max(1.0) {
                accepted = Some((candidate, value));
                break;
            }
            scale /= 2.0;
        }
        let Some((next, value)) = accepted else {
            converged = true;
            break;
        };
        let largest = step.iter().fold(0.0f64, |m, s| m.max((scale * s).abs()));
        let improvement = objective - value;
        beta = next;
        objective = value;
        if largest < 1e-7 || improvement <= 1e-12 * objective.abs().max(1.0) {
            converged = true;
            break;
        }
    }
    LogisticFit {
        intercept: beta[0],
        weights: beta[1..].to_vec(),
        iterations,
        converged,
    }
}

/// The penalised negative log-likelihood at `beta` (intercept first).
fn penalised_loss(
    design: &SlotRows,
    labels: &[bool],
    rows: &[u32],
    lambda: f64,
    beta: &[f64],
) -> f64 {
    let loss: f64 = rows
        .iter()
        .map(|&row| {
            let z = linear(design, beta, row as usize);
            if labels[row as usize] {
                softplus(-z)
            } else {
                softplus(z)
            }
        })
        .sum();
    loss + lambda / 2.0 * beta[1..].iter().map(|w| w * w).sum::<f64>()
}

fn linear(design: &SlotRows, beta: &[f64], row: usize) -> f64 {
    beta[0]
        + design
            .row(row)
            .map(|(slot, value)| beta[slot + 1] * value)
            .sum::<f64>()
}

/// The gradient and the Hessian (dense, row-major, `dim × dim`) of the penalised loss.
fn gradient_and_hessian(
    design: &SlotRows,
    labels: &[bool],
    rows: &[u32],
    lambda: f64,
    beta: &[f64],
) -> (Vec<f64>, Vec<f64>) {
    let dim = beta.len();
    let mut gradient = vec![0.0; dim];
    let mut hessian = vec![0.0; dim * dim];
    let mut entries: Vec<(usize, f64)> = Vec::with_capacity(design.width + 1);
    for &row in rows {
        let row = row as usize;
        let p = sigmoid(linear(design, beta, row));
        let residual = p - f64::from(u8::from(labels[row]));
        let weight = p * (1.0 - p);
        entries.clear();
        entries.push((0, 1.0));
        entries.extend(design.row(row).map(|(slot, value)| (slot + 1, value)));
        for (a, &(i, xi)) in entries.iter().enumerate() {
            gradient[i] += residual * xi;
            let wxi = weight * xi;
            for &(j, xj) in &entries[a..] {
                // Upper triangle only; mirrored before solving.
                let (lo, hi) = if i <= j { (i, j) } else { (j, i) };
                hessian[lo * dim + hi] += wxi * xj;
            }
        }
    }
    for i in 1..dim {
        gradient[i] += lambda * beta[i];
        hessian[i * dim + i] += lambda;
    }
    for i in 0..dim {
        for j in 0..i {
            hessian[i * dim + j] = hessian[j * dim + i];
        }
    }
    (gradient, hessian)
}

/// Solves `matrix · x = rhs` for a symmetric positive-definite matrix by Cholesky
/// decomposition; `None` when the matrix is not positive definite.
fn cholesky_solve(mut matrix: Vec<f64>, rhs: &[f64], dim: usize) -> Option<Vec<f64>> {
    // In place: the lower triangle becomes L with matrix = L·Lᵀ.
    for j in 0..dim {
        let mut diagonal = matrix[j * dim + j];
        for k in 0..j {
            diagonal -= matrix[j * dim + k] * matrix[j * dim + k];
        }
        if diagonal <= 0.0 || !diagonal.is_finite() {
            return None;
        }
        let root = diagonal.sqrt();
        matrix[j * dim + j] = root;
        for i in j + 1..dim {
            let mut sum = matrix[i * dim + j];
            for k in 0..j {
                sum -= matrix[i * dim + k] * matrix[j * dim + k];
            }
            matrix[i * dim + j] = sum / root;
        }
    }
    let mut x = rhs.to_vec();
    for i in 0..dim {
        for k in 0..i {
            x[i] -= matrix[i * dim + k] * x[k];
        }
        x[i] /= matrix[i * dim + i];
    }
    for i in (0..dim).rev() {
        for k in i + 1..dim {
            x[i] -= matrix[k * dim + i] * x[k];
        }
        x[i] /= matrix[i * dim + i];
    }
    Some(x)
}

/// The area under the ROC curve of probabilities against outcomes (ties count half): the
/// chance that a random positive is ranked above a random negative. `None` unless both
/// outcomes occur.
pub fn auc(probabilities: &[f64], outcomes: &[bool]) -> Option<f64> {
    let mut order: Vec<usize> = (0..probabilities.len()).collect();
    order.sort_by(|&a, &b| probabilities[a].total_cmp(&probabilities[b]));
    let positives = outcomes.iter().filter(|&&o| o).count() as f64;
    let negatives = outcomes.len() as f64 - positives;
    if positives == 0.0 || negatives == 0.0 {
        return None;
    }
    // Sum of the positives' mid-ranks (1-based), tied runs sharing their average rank.
    let mut rank_sum = 0.0;
    let mut start = 0;
    while start < order.len() {
        let mut end = start + 1;
        while end < order.len() && probabilities[order[end]] == probabilities[order[start]] {
            end += 1;
        }
        let mid_rank = (start + end + 1) as f64 / 2.0;
        let tied_positives = order[start..end].iter().filter(|&&i| outcomes[i]).count();
        rank_sum += mid_rank * tied_positives as f64;
        start = end;
    }
    Some((rank_sum - positives * (positives + 1.0) / 2.0) / (positives * negatives))
}

/// The Brier score: the mean squared gap between probability and outcome (0 is perfect; always
/// answering the base rate p scores p(1−p)). `None` without rows.
pub fn brier(probabilities: &[f64], outcomes: &[bool]) -> Option<f64> {
    if probabilities.is_empty() {
        return None;
    }
    let sum: f64 = probabilities
        .iter()
        .zip(outcomes)
        .map(|(p, &o)| (p - f64::from(u8::from(o))).powi(2))
        .sum();
    Some(sum / probabilities.len() as f64)
}

/// One bin of a calibration table: predictions of similar size, and how often the outcome
/// happened among them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CalibrationBin {
    /// Rows in the bin.
    pub rows: u64,
    /// The mean predicted probability of its rows.
    pub predicted: f64,
    /// The share of its rows whose outcome happened.
    pub observed: f64,
}

/// The calibration table of probabilities against outcomes: the rows sorted by probability
/// and cut into `bins` groups as equal in size as they can be (deciles for 10), lowest first.
/// A well calibrated model's `observed` follows its `predicted`. Fewer bins when there are
/// fewer rows than bins; none without rows.
pub fn calibration(probabilities: &[f64], outcomes: &[bool], bins: usize) -> Vec<CalibrationBin> {
    let rows = probabilities.len().min(outcomes.len());
    let bins = bins.min(rows);
    if bins == 0 {
        return Vec::new();
    }
    let mut order: Vec<usize> = (0..rows).collect();
    order.sort_by(|&a, &b| probabilities[a].total_cmp(&probabilities[b]));
    (0..bins)
        .map(|bin| {
            let members = &order[bin * rows / bins..(bin + 1) * rows / bins];
            let n = members.len() as f64;
            let predicted: f64 = members.iter().map(|&i| probabilities[i]).sum();
            let happened = members.iter().filter(|&&i| outcomes[i]).count() as f64;
            CalibrationBin {
                rows: members.len() as u64,
                predicted: predicted / n,
                observed: happened / n,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tiny deterministic generator (splitmix64) so the tests need no randomness crate.
    fn uniform(state: &mut u64) -> f64 {
        *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = *state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Two features: a number x ~ U(−2, 2) with weight 1.5, a flag with weight −1, intercept
    /// 0.25.
    fn synthetic(rows: usize) -> (SlotRows, Vec<bool>) {
        let mut design = SlotRows::new(3, 2);
        let mut labels = Vec::new();
        let mut state = 7;
        for _ in 0..rows {
            let x = uniform(&mut state) * 4.0 - 2.0;
            let flag = uniform(&mut state) < 0.5;
            let z = 0.25 + 1.5 * x - if flag { 1.0 } else { 0.0 };
            labels.push(uniform(&mut state) < sigmoid(z));
            design.slots.extend([0, if flag { 1 } else { 2 }]);
            design.values.extend([x, 1.0]);
        }
        (design, labels)
    }

    #[test]
    fn recovers_known_weights_and_stays_calibrated() {
        let (design, labels) = synthetic(20_000);
        let rows: Vec<u32> = (0..20_000).collect();
        let fit = fit(&design, &labels, &rows, 1e-3);
        assert!(fit.converged, "{fit:?}");
        assert!((fit.weights[0] - 1.5).abs() < 0.1, "{fit:?}");
        // Only the flag's contrast is identified: its two levels differ by −1.
        assert!(
            (fit.weights[1] - fit.weights[2] + 1.0).abs() < 0.1,
            "{fit:?}"
        );
        let probabilities: Vec<f64> = (0..design.rows())
            .map(|row| sigmoid(fit.log_odds(&design, row)))
            .collect();
        let mean: f64 = probabilities.iter().sum::<f64>() / probabilities.len() as f64;
        let observed = labels.iter().filter(|&&l| l).count() as f64 / labels.len() as f64;
        assert!((mean - observed).abs() < 1e-6, "{mean} vs {observed}");
        assert!(auc(&probabilities, &labels).expect("an auc") > 0.8);
    }

    #[test]
    fn a_heavier_penalty_shrinks_the_weights() {
        let (design, labels) = synthetic(2_000);
        let rows: Vec<u32> = (0..2_000).collect();
        let light = fit(&design, &labels, &rows, 0.01);
        let heavy = fit(&design, &labels, &rows, 2_000.0);
        assert!(heavy.weights[0].abs() < light.weights[0].abs() / 2.0);
        assert!(heavy.converged && light.converged);
    }

    #[test]
    fn perfectly_separated_rows_still_give_finite_weights() {
        let mut design = SlotRows::new(1, 1);
        design.slots = vec![0; 4];
        design.values = vec![-2.0, -1.0, 1.0, 2.0];
        let labels = [false, false, true, true];
        let fit = fit(&design, &labels, &[0, 1, 2, 3], 1.0);
        assert!(
            fit.weights[0].is_finite() && fit.weights[0] > 0.5,
            "{fit:?}"
        );
    }

    #[test]
    fn auc_and_brier_match_hand_figures() {
        let p = [0.1, 0.4, 0.35, 0.8];
        let y = [false, false, true, true];
        // Pairs (positive above negative): 0.35>0.1, 0.8>0.1, 0.8>0.4; 0.35<0.4 → 3 of 4.
        assert_eq!(auc(&p, &y), Some(0.75));
        assert_eq!(auc(&[0.5, 0.5], &[true, false]), Some(0.5));
        assert_eq!(auc(&p, &[true; 4]), None);
        let brier = brier(&p, &y).expect("a brier score");
        let expected = (0.01 + 0.16 + 0.4225 + 0.04) / 4.0;
        assert!((brier - expected).abs() < 1e-12);
        assert_eq!(super::brier(&[], &[]), None);
    }

    #[test]
    fn calibration_cuts_sorted_rows_into_near_equal_bins() {
        let probabilities = [0.9, 0.1, 0.5, 0.3, 0.7];
        let outcomes = [true, false, true, false, false];
        let bins = calibration(&probabilities, &outcomes, 2);
        // Sorted: 0.1 f, 0.3 f | 0.5 t, 0.7 f, 0.9 t.
        assert_eq!(bins.len(), 2);
        assert_eq!(bins[0].rows, 2);
        assert!((bins[0].predicted - 0.2).abs() < 1e-12);
        assert_eq!(bins[0].observed, 0.0);
        assert_eq!(bins[1].rows, 3);
        assert!((bins[1].predicted - 0.7).abs() < 1e-12);
        assert!((bins[1].observed - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(calibration(&probabilities, &outcomes, 10).len(), 5);
        assert!(calibration(&[], &[], 10).is_empty());
    }
}
