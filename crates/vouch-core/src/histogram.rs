//! The 11-bin histogram of scores that every figure is computed from.

use crate::score::{Category, Score};

/// How many responses gave each score from 0 to 10.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Histogram {
    counts: [u64; 11],
}

impl Histogram {
    /// A histogram from its eleven counts, index = score.
    pub fn from_counts(counts: [u64; 11]) -> Histogram {
        Histogram { counts }
    }

    /// The eleven counts, index = score.
    pub fn counts(&self) -> &[u64; 11] {
        &self.counts
    }

    /// Counts one more response with this score.
    pub fn add(&mut self, score: Score) {
        self.counts[usize::from(score.value())] += 1;
    }

    /// Adds every count of `other` to this one.
    pub fn merge(&mut self, other: &Histogram) {
        for (mine, theirs) in self.counts.iter_mut().zip(other.counts.iter()) {
            *mine += theirs;
        }
    }

    /// All responses counted.
    pub fn responses(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// Responses in one category.
    pub fn category_count(&self, category: Category) -> u64 {
        let range = match category {
            Category::Detractor => 0..7,
            Category::Passive => 7..9,
            Category::Promoter => 9..11,
        };
        self.counts[range].iter().sum()
    }

    /// Responses scoring 9 or 10.
    pub fn promoters(&self) -> u64 {
        self.category_count(Category::Promoter)
    }

    /// Responses scoring 7 or 8.
    pub fn passives(&self) -> u64 {
        self.category_count(Category::Passive)
    }

    /// Responses scoring 0 to 6.
    pub fn detractors(&self) -> u64 {
        self.category_count(Category::Detractor)
    }
}

impl From<[u32; 11]> for Histogram {
    fn from(counts: [u32; 11]) -> Histogram {
        Histogram {
            counts: counts.map(u64::from),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_partition_the_histogram() {
        let histogram = Histogram::from_counts([1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 3]);
        assert_eq!(histogram.detractors(), 7);
        assert_eq!(histogram.passives(), 4);
        assert_eq!(histogram.promoters(), 6);
        assert_eq!(histogram.responses(), 17);
    }
}
