//! eNPS anonymity: which groups of a breakdown must not be shown.

/// A group (segment, period, filter) of an eNPS report needs at least this many responses.
pub const ANONYMITY_MIN_RESPONSES: u64 = 5;

/// eNPS comments are shown only for selections of at least this many responses.
pub const ANONYMITY_MIN_COMMENTS: u64 = 10;

/// For each group of a breakdown (given by its response count), whether it must be left out.
///
/// Every group under [`ANONYMITY_MIN_RESPONSES`] is left out. When that leaves out exactly one
/// group, the smallest of the remaining groups is left out too, so that the hidden group cannot
/// be worked out by subtracting the shown groups from the total.
pub fn suppressed_groups(response_counts: &[u64]) -> Vec<bool> {
    let mut hidden: Vec<bool> = response_counts
        .iter()
        .map(|&count| count < ANONYMITY_MIN_RESPONSES)
        .collect();
    if hidden.iter().filter(|&&h| h).count() == 1 {
        let next_smallest = response_counts
            .iter()
            .enumerate()
            .filter(|(index, _)| !hidden[*index])
            .min_by_key(|(index, count)| (**count, *index))
            .map(|(index, _)| index);
        if let Some(index) = next_smallest {
            hidden[index] = true;
        }
    }
    hidden
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_under_five_are_hidden() {
        assert_eq!(
            suppressed_groups(&[4, 3, 10, 20]),
            [true, true, false, false]
        );
    }

    #[test]
    fn one_hidden_group_takes_the_next_smallest_with_it() {
        assert_eq!(
            suppressed_groups(&[20, 4, 7, 9]),
            [false, true, true, false]
        );
    }

    #[test]
    fn nothing_is_hidden_when_every_group_is_large_enough() {
        assert_eq!(suppressed_groups(&[5, 6, 100]), [false, false, false]);
        assert_eq!(suppressed_groups(&[]), Vec::<bool>::new());
    }

    #[test]
    fn a_lone_small_group_is_hidden_alone() {
        assert_eq!(suppressed_groups(&[3]), [true]);
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn no_group_can_be_worked_out_from_the_total(
            counts in proptest::collection::vec(1u64..30, 0..12),
        ) {
            let hidden = suppressed_groups(&counts);
            let hidden_count = hidden.iter().filter(|&&h| h).count();
            // Every small group is hidden, every shown group is large enough…
            for (count, is_hidden) in counts.iter().zip(&hidden) {
                if *count < ANONYMITY_MIN_RESPONSES {
                    prop_assert!(*is_hidden);
                }
            }
            // …and never exactly one group is hidden when others are shown, so that the total
            // minus the shown groups never equals one small group.
            if hidden_count == 1 {
                prop_assert_eq!(counts.len(), 1);
            }
        }
    }
}
