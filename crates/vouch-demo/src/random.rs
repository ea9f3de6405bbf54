//! Seeded randomness.
//!
//! Every customer, employee and answer gets its own small generator, seeded from the demo seed
//! and its own coordinates. That is what lets the streams skip around in time without keeping
//! state: a customer's profile is drawn again, identically, each time it is needed.

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

/// What a generator is drawn for, so that two purposes never share a stream of numbers.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Purpose {
    /// A customer's profile: signup, plan, attributes.
    Customer = 1,
    /// Whether a customer answers one survey cycle, and when.
    CustomerInvite = 2,
    /// The content of a customer's answer: score, comment, channel.
    CustomerAnswer = 3,
    /// An employee's profile.
    Employee = 4,
    /// Whether an employee answers one pulse, and when.
    EmployeeInvite = 5,
    /// The content of an employee's answer to one pulse.
    EmployeeAnswer = 6,
}

/// The generator for one purpose at coordinates `(first, second)`.
pub(crate) fn rng_for(seed: u64, purpose: Purpose, first: u64, second: u64) -> SmallRng {
    SmallRng::seed_from_u64(hash(seed, purpose, first, second))
}

/// A well-mixed 64-bit number for one purpose at coordinates `(first, second)`.
fn hash(seed: u64, purpose: Purpose, first: u64, second: u64) -> u64 {
    let mut state = key(seed, purpose);
    state = split_mix(state ^ first);
    split_mix(state ^ second.wrapping_mul(0xE703_7ED1_A0B4_28DB))
}

/// The key of one purpose under one seed, for [`mix`].
pub(crate) fn key(seed: u64, purpose: Purpose) -> u64 {
    split_mix(seed ^ (purpose as u64).wrapping_mul(0xA076_1D64_78BD_642F))
}

/// A well-mixed 64-bit number at coordinates `(first, second)` under a [`key`]: a single round,
/// for the hot loops where a whole generator would cost too much.
pub(crate) fn mix(key: u64, first: u64, second: u64) -> u64 {
    split_mix(
        key ^ first.wrapping_mul(0xD6E8_FEB8_6659_FD93)
            ^ second.wrapping_mul(0xE703_7ED1_A0B4_28DB),
    )
}

/// Two uniform numbers in `[0, 1)` from the two halves of a hash.
pub(crate) fn units_of(hash: u64) -> (f64, f64) {
    let scale = 1.0 / 4_294_967_296.0;
    (
        (hash >> 32) as f64 * scale,
        (hash & 0xFFFF_FFFF) as f64 * scale,
    )
}

/// One round of SplitMix64: a cheap, well-mixing bijection on 64-bit numbers.
fn split_mix(value: u64) -> u64 {
    let mut z = value.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A uniform number in `[0, 1)`.
pub(crate) fn unit(rng: &mut SmallRng) -> f64 {
    rng.random::<f64>()
}

/// True with probability `probability` (values outside 0–1 act as 0 or 1).
pub(crate) fn chance(rng: &mut SmallRng, probability: f64) -> bool {
    unit(rng) < probability
}

/// A standard normal number, closely enough for demo data: the sum of four uniform numbers,
/// rescaled (it never strays beyond ±3.5). One draw and no transcendental function, because the
/// streams draw several per answer.
pub(crate) fn normal(rng: &mut SmallRng) -> f64 {
    let bits: u64 = rng.random();
    let lanes = (bits & 0xFFFF) + ((bits >> 16) & 0xFFFF) + ((bits >> 32) & 0xFFFF) + (bits >> 48);
    // Each lane is uniform on 0..65 536, so the sum has mean 2 × 65 535 and variance 4 / 12
    // in units of 65 536.
    let sum = (lanes as f64 + 2.0) / 65_536.0;
    (sum - 2.0) * 3.0_f64.sqrt()
}

/// A log-normal number with the given median and spread (the σ of its logarithm).
pub(crate) fn log_normal(rng: &mut SmallRng, median: f64, spread: f64) -> f64 {
    median * (spread * normal(rng)).exp()
}

/// An exponentially distributed number with the given mean.
pub(crate) fn exponential(rng: &mut SmallRng, mean: f64) -> f64 {
    -mean * (1.0 - unit(rng)).ln()
}

/// An index into `weights`, each drawn in proportion to its weight. An empty or all-zero
/// table gives 0.
pub(crate) fn weighted_index(rng: &mut SmallRng, weights: &[u32]) -> usize {
    let total: u64 = weights.iter().map(|&weight| u64::from(weight)).sum();
    if total == 0 {
        return 0;
    }
    let mut ticket = rng.random_range(0..total);
    for (index, &weight) in weights.iter().enumerate() {
        let weight = u64::from(weight);
        if ticket < weight {
            return index;
        }
        ticket -= weight;
    }
    weights.len() - 1
}

/// One element of `items`, uniformly. `items` must not be empty.
pub(crate) fn one_of<T: Copy>(rng: &mut SmallRng, items: &[T]) -> T {
    items[rng.random_range(0..items.len())]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_coordinates_give_the_same_numbers() {
        let mut first = rng_for(7, Purpose::Customer, 3, 4);
        let mut second = rng_for(7, Purpose::Customer, 3, 4);
        let mut other = rng_for(7, Purpose::CustomerAnswer, 3, 4);
        let drawn: Vec<u64> = (0..4).map(|_| first.random()).collect();
        let again: Vec<u64> = (0..4).map(|_| second.random()).collect();
        let elsewhere: Vec<u64> = (0..4).map(|_| other.random()).collect();
        assert_eq!(drawn, again);
        assert_ne!(drawn, elsewhere);
    }

    #[test]
    fn weighted_draws_follow_the_weights() {
        let mut rng = rng_for(1, Purpose::Employee, 0, 0);
        let mut counts = [0u32; 3];
        for _ in 0..30_000 {
            counts[weighted_index(&mut rng, &[1, 0, 2])] += 1;
        }
        assert_eq!(counts[1], 0);
        let ratio = f64::from(counts[2]) / f64::from(counts[0]);
        assert!((1.8 < ratio) && (ratio < 2.2), "ratio {ratio}");
        assert_eq!(weighted_index(&mut rng, &[]), 0);
    }

    #[test]
    fn normal_numbers_have_mean_0_and_spread_1() {
        let mut rng = rng_for(2, Purpose::Employee, 0, 0);
        let draws: Vec<f64> = (0..50_000).map(|_| normal(&mut rng)).collect();
        let mean = draws.iter().sum::<f64>() / draws.len() as f64;
        let variance = draws.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / draws.len() as f64;
        assert!(mean.abs() < 0.02, "mean {mean}");
        assert!((variance - 1.0).abs() < 0.03, "variance {variance}");
    }
}
