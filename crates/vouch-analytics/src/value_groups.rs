//! Rows gathered by the value of one attribute: one group per text or yes/no value, quartile
//! bands for numbers and dates (`[120, 480)`, `[2025-01-01, 2025-04-01)`).

use vouch_core::bands::NumberBands;
use vouch_core::period::{date_of_day, day_of_date};
use vouch_core::{AttributeKind, AttributeValue};

use crate::index::ResponseIndex;

/// The groups of some rows by one attribute.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ValueGroups {
    /// Each group's value as shown (`Enterprise`, `true`, `[120, 480)`), in order.
    pub(crate) labels: Vec<String>,
    /// Per row given, its group; `None` when the row has no value.
    pub(crate) group_of_row: Vec<Option<usize>>,
}

impl ResponseIndex {
    /// Groups `rows` by the values of attribute `column`; numbers and dates in quartile bands
    /// cut on these rows' values.
    pub(crate) fn value_groups(&self, column: usize, rows: &[u32]) -> ValueGroups {
        let attribute = &self.attributes[column];
        let codes = &attribute.codes[..];
        let code_count = attribute.code_count();
        let banded = matches!(attribute.kind, AttributeKind::Number | AttributeKind::Date);
        let as_number = |code: u32| -> Option<f64> {
            match attribute.value(code)? {
                AttributeValue::Number(number) => Some(*number),
                AttributeValue::Date(date) => Some(f64::from(day_of_date(*date))),
                _ => None,
            }
        };
        let mut per_code = vec![0u64; code_count];
        for &row in rows {
            per_code[codes[row as usize] as usize] += 1;
        }
        // The group of every code, then of every row.
        let mut group_of_code: Vec<Option<usize>> = vec![None; code_count];
        let mut labels = Vec::new();
        if banded {
            let values: Vec<(f64, u64)> = (1..code_count as u32)
                .filter(|&code| per_code[code as usize] > 0)
                .filter_map(|code| Some((as_number(code)?, per_code[code as usize])))
                .collect();
            if let Some(bands) = NumberBands::quartiles(&values) {
                let is_date = attribute.kind == AttributeKind::Date;
                let write = |value: f64| match is_date {
                    true => date_of_day(value as i32).to_string(),
                    false => AttributeValue::Number(value).canonical(),
                };
                labels = (0..bands.len())
                    .map(|band| bands.label_with(band, write))
                    .collect();
                for code in 1..code_count as u32 {
                    if let Some(value) = as_number(code) {
                        group_of_code[code as usize] = Some(bands.band_of(value));
                    }
                }
            }
        } else {
            for code in 1..code_count as u32 {
                if per_code[code as usize] > 0
                    && let Some(value) = attribute.value(code)
                {
                    group_of_code[code as usize] = Some(labels.len());
                    labels.push(value.canonical());
                }
            }
        }
        let group_of_row = rows
            .iter()
            .map(|&row| group_of_code[codes[row as usize] as usize])
            .collect();
        ValueGroups {
            labels,
            group_of_row,
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::test_rows::{answer, index_of};

    #[test]
    fn texts_group_by_value_and_numbers_and_dates_by_quartile() {
        let index = index_of(&[
            answer(
                1,
                1,
                9,
                "2026-01-01",
                &[("plan", "pro"), ("mrr", "10"), ("since", "2025-01-01")],
            ),
            answer(
                2,
                2,
                9,
                "2026-01-01",
                &[("plan", "free"), ("mrr", "20"), ("since", "2025-02-01")],
            ),
            answer(
                3,
                3,
                9,
                "2026-01-01",
                &[("plan", "pro"), ("mrr", "30"), ("since", "2025-03-01")],
            ),
            answer(
                4,
                4,
                9,
                "2026-01-01",
                &[("mrr", "40"), ("since", "2025-04-01")],
            ),
        ]);
        let rows = [0, 1, 2, 3];
        let column = |name: &str| index.attribute_column(name).expect("a column");
        let plans = index.value_groups(column("plan"), &rows);
        assert_eq!(plans.labels, vec!["pro", "free"]);
        assert_eq!(plans.group_of_row, vec![Some(0), Some(1), Some(0), None]);
        let mrr = index.value_groups(column("mrr"), &rows);
        assert_eq!(mrr.labels, vec!["[10, 20)", "[20, 30)", "[30, 40]"]);
        assert_eq!(mrr.group_of_row, vec![Some(0), Some(1), Some(2), Some(2)]);
        let since = index.value_groups(column("since"), &rows);
        assert_eq!(since.labels[0], "[2025-01-01, 2025-02-01)");
        assert_eq!(since.group_of_row[3], Some(since.labels.len() - 1));
    }
}
