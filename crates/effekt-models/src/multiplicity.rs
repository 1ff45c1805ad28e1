//! Adjusted p-values for a family of tests, as R's `p.adjust`.
//!
//! * **Holm** (1979), step-down, controls the family-wise error rate: with the p-values sorted
//!   `p₍₁₎ ≤ … ≤ p₍ₘ₎`, `p̃₍ᵢ₎ = max_{j ≤ i} min(1, (m − j + 1) p₍ⱼ₎)`.
//! * **Benjamini–Hochberg** (1995), step-up, controls the false discovery rate:
//!   `p̃₍ᵢ₎ = min_{j ≥ i} min(1, m / j · p₍ⱼ₎)`.
//!
//! Symbols: m, the number of tests in the family; p₍ᵢ₎, the i-th smallest p-value. Ties keep
//! their input order (as R's `order`), which does not change the adjusted values. A family is
//! what the study declares (the primary outcomes; the rest; a subgroup × outcome grid); a
//! non-finite p-value is an error, as it has no place in the ordering.

use crate::ModelError;

fn check(p: &[f64]) -> Result<(), ModelError> {
    match p.iter().position(|v| !(0.0..=1.0).contains(v)) {
        Some(i) => Err(ModelError::InvalidOption {
            option: format!("p-value {}", i + 1),
            value: p[i].to_string(),
            expected: "a probability between 0 and 1".into(),
        }),
        None => Ok(()),
    }
}

fn order(p: &[f64]) -> Vec<usize> {
    let mut o: Vec<usize> = (0..p.len()).collect();
    o.sort_by(|&a, &b| p[a].total_cmp(&p[b]));
    o
}

/// Holm's step-down adjusted p-values, in the input order (R `p.adjust(p, "holm")`).
///
/// # Errors
/// [`ModelError::InvalidOption`] naming a p-value outside [0, 1] (or NaN).
pub fn holm(p: &[f64]) -> Result<Vec<f64>, ModelError> {
    check(p)?;
    let m = p.len();
    let mut out = vec![0.0; m];
    let mut running: f64 = 0.0;
    for (rank, &i) in order(p).iter().enumerate() {
        running = running.max(((m - rank) as f64 * p[i]).min(1.0));
        out[i] = running;
    }
    Ok(out)
}

/// Benjamini–Hochberg step-up adjusted p-values, in the input order (R `p.adjust(p, "BH")`).
///
/// # Errors
/// [`ModelError::InvalidOption`] naming a p-value outside [0, 1] (or NaN).
pub fn benjamini_hochberg(p: &[f64]) -> Result<Vec<f64>, ModelError> {
    check(p)?;
    let m = p.len();
    let mut out = vec![0.0; m];
    let mut running: f64 = 1.0;
    for (k, &i) in order(p).iter().enumerate().rev() {
        running = running.min((m as f64 / (k + 1) as f64 * p[i]).min(1.0));
        out[i] = running;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_families_and_bad_p_values() {
        assert!(holm(&[]).unwrap().is_empty());
        assert!(benjamini_hochberg(&[]).unwrap().is_empty());
        let e = holm(&[0.1, f64::NAN]).unwrap_err().to_string();
        assert!(e.contains("p-value 2"), "{e}");
        assert!(benjamini_hochberg(&[1.5]).is_err());
    }
}
