//! The share of people asked: a campaign's sample of its eligible contacts, a widget's of its
//! eligible visitors. One rule for both: a number in (0, 1].

use thiserror::Error;

/// A share outside (0, 1] (or not a number).
#[derive(Debug, Clone, Copy, PartialEq, Error)]
#[error("{0} is not in (0, 1]")]
pub struct SampleError(pub f64);

/// The share itself when it is in (0, 1].
pub fn check_sample(share: f64) -> Result<f64, SampleError> {
    if share > 0.0 && share <= 1.0 {
        Ok(share)
    } else {
        Err(SampleError(share))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_share_is_above_zero_and_at_most_one() {
        assert_eq!(check_sample(1.0), Ok(1.0));
        assert_eq!(check_sample(0.25), Ok(0.25));
        for refused in [0.0, -0.5, 1.5, f64::NAN, f64::INFINITY] {
            assert!(check_sample(refused).is_err(), "{refused}");
        }
        assert_eq!(SampleError(1.5).to_string(), "1.5 is not in (0, 1]");
    }
}
