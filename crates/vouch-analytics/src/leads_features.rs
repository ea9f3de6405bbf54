//! How a contact's attributes become the lead model's features.
//!
//! Every attribute gives one block of features, and each contact exactly one non-zero feature
//! per block (so rows are [`SlotRows`] with one slot per attribute):
//!
//! - text and yes/no attributes: one indicator per value, for the [`MAX_VALUES`] values the
//!   most training contacts carry (at least [`MIN_VALUE_CONTACTS`] each); then one for every
//!   other value, then one for "no value";
//! - numbers: the value standardised, `(x − mean) / sd` over the training contacts that carry
//!   one, then an indicator for "no value" (whose standardised value is 0, the mean);
//! - dates: the same, with x = the days from the date to the answer (a `signed_up` date becomes
//!   the tenure when answering; a lead is scored as of a day the caller gives). Days before the
//!   answer rather than the date itself, so a model trained last year scores today's leads on
//!   the same footing.

use std::collections::BTreeMap;

use foldhash::HashMap;
use vouch_core::logistic::SlotRows;
use vouch_core::period::day_of_date;
use vouch_core::{AttributeKind, AttributeValue};

use crate::index::ResponseIndex;
use crate::leads::LeadError;

/// Values of a text or yes/no attribute beyond the most common ones count as "other".
pub const MAX_VALUES: usize = 20;

/// A value needs this many training contacts for a feature of its own (rarer ones are
/// "other"), so that an id-like attribute does not memorise contacts.
pub const MIN_VALUE_CONTACTS: u64 = 5;

/// The label of the "other values" feature.
pub const OTHER: &str = "(other)";

/// The label of the "no value" feature.
pub const MISSING: &str = "(missing)";

/// How one attribute's values are encoded.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Encoding {
    /// One indicator per kept value (by canonical text), then "other", then "missing".
    Values {
        values: Vec<String>,
        position: HashMap<String, usize>,
    },
    /// The standardised number (for dates, days before the answer), then "missing".
    Number { mean: f64, scale: f64 },
}

impl Encoding {
    /// A value encoding from kept values.
    pub(crate) fn values(values: Vec<String>) -> Encoding {
        let position = values
            .iter()
            .enumerate()
            .map(|(at, value)| (value.clone(), at))
            .collect();
        Encoding::Values { values, position }
    }

    /// Features in the block.
    pub(crate) fn width(&self) -> usize {
        match self {
            Encoding::Values { values, .. } => values.len() + 2,
            Encoding::Number { .. } => 2,
        }
    }

    /// The block's feature labels: the values, then [`OTHER`] and [`MISSING`]; for numbers,
    /// `+1 sd` then [`MISSING`].
    pub(crate) fn labels(&self) -> Vec<String> {
        match self {
            Encoding::Values { values, .. } => values
                .iter()
                .cloned()
                .chain([OTHER.to_owned(), MISSING.to_owned()])
                .collect(),
            Encoding::Number { .. } => vec!["+1 sd".to_owned(), MISSING.to_owned()],
        }
    }
}

/// One attribute of the model and its encoding.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct AttributeEncoding {
    pub(crate) name: String,
    pub(crate) kind: AttributeKind,
    pub(crate) encoding: Encoding,
    /// Its first feature.
    pub(crate) base: usize,
}

/// The encoding of every attribute, in name order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FeatureEncoding {
    pub(crate) attributes: Vec<AttributeEncoding>,
    pub(crate) features: usize,
}

impl FeatureEncoding {
    /// An encoding from its attributes' names, kinds and encodings (features laid out in
    /// that order).
    pub(crate) fn new(parts: Vec<(String, AttributeKind, Encoding)>) -> FeatureEncoding {
        let mut features = 0;
        let attributes = parts
            .into_iter()
            .map(|(name, kind, encoding)| {
                let base = features;
                features += encoding.width();
                AttributeEncoding {
                    name,
                    kind,
                    encoding,
                    base,
                }
            })
            .collect();
        FeatureEncoding {
            attributes,
            features,
        }
    }

    /// The encoding learnt from the training rows `rows` of the index: every attribute some
    /// of them carry.
    pub(crate) fn fit(index: &ResponseIndex, rows: &[u32]) -> FeatureEncoding {
        let mut names: Vec<(&String, &usize)> = index.attribute_by_name.iter().collect();
        names.sort();
        let parts = names
            .into_iter()
            .filter_map(|(name, &column)| {
                let kind = index.attributes[column].kind;
                let encoding = fit_column(index, column, rows)?;
                Some((name.clone(), kind, encoding))
            })
            .collect();
        FeatureEncoding::new(parts)
    }

    /// The rows `rows` of the index as features, one slot per attribute.
    pub(crate) fn encode_rows(&self, index: &ResponseIndex, rows: &[u32]) -> SlotRows {
        let width = self.attributes.len();
        let mut design = SlotRows::new(self.features, width);
        design.slots = vec![0; rows.len() * width];
        design.values = vec![0.0; rows.len() * width];
        for (at, attribute) in self.attributes.iter().enumerate() {
            let column = index.attribute_by_name.get(&attribute.name).copied();
            let slots = column_slots(index, column, attribute);
            let codes = column.map(|column| &index.attributes[column].codes[..]);
            for (position, &row) in rows.iter().enumerate() {
                let code = codes.map_or(0, |codes| codes[row as usize]);
                let (slot, value) = match &slots[code as usize] {
                    Slot::Fixed(slot, value) => (*slot, *value),
                    Slot::Date(day) => {
                        let Encoding::Number { mean, scale } = attribute.encoding else {
                            unreachable!("dates are encoded as numbers");
                        };
                        let before = f64::from(index.day_at(row) - day);
                        (attribute.base as u32, (before - mean) / scale)
                    }
                };
                design.slots[position * width + at] = slot;
                design.values[position * width + at] = value;
            }
        }
        design
    }

    /// A lead's features, one `(feature, value)` per attribute, with each attribute's value
    /// as shown (`(missing)` without one). Dates count days before `as_of_day`.
    pub(crate) fn encode_lead(
        &self,
        attributes: &BTreeMap<String, AttributeValue>,
        as_of_day: i32,
    ) -> Result<Vec<(usize, f64, String)>, LeadError> {
        self.attributes
            .iter()
            .map(|attribute| {
                let Some(value) = attributes.get(&attribute.name) else {
                    return Ok((
                        attribute.base + attribute.encoding.width() - 1,
                        1.0,
                        MISSING.into(),
                    ));
                };
                let (offset, x) = encode_value(attribute, value, as_of_day)?;
                Ok((attribute.base + offset, x, value.canonical()))
            })
            .collect()
    }
}

/// The block offset and value of one present value of an attribute.
fn encode_value(
    attribute: &AttributeEncoding,
    value: &AttributeValue,
    as_of_day: i32,
) -> Result<(usize, f64), LeadError> {
    let wrong = || LeadError::WrongKind {
        attribute: attribute.name.clone(),
        expected: attribute.kind.as_str(),
        given: value.canonical(),
    };
    let x = match (attribute.kind, value) {
        // A text attribute given a number or date keeps it as its text, as the index does.
        (AttributeKind::String, _) | (AttributeKind::Boolean, AttributeValue::Boolean(_)) => None,
        (AttributeKind::Number, AttributeValue::Number(number)) => Some(*number),
        (AttributeKind::Date, AttributeValue::Date(date)) => {
            Some(f64::from(as_of_day - day_of_date(*date)))
        }
        _ => return Err(wrong()),
    };
    Ok(match (&attribute.encoding, x) {
        (Encoding::Values { values, position }, None) => {
            let at = position.get(&value.canonical()).copied();
            (at.unwrap_or(values.len()), 1.0)
        }
        (Encoding::Number { mean, scale }, Some(x)) => (0, (x - mean) / scale),
        _ => return Err(wrong()),
    })
}

/// What a code of a column becomes: a fixed slot, or a date whose slot value depends on the
/// row's answer day.
enum Slot {
    Fixed(u32, f64),
    Date(i32),
}

/// The slot of every code of the attribute's column (code 0: no value).
fn column_slots(
    index: &ResponseIndex,
    column: Option<usize>,
    attribute: &AttributeEncoding,
) -> Vec<Slot> {
    let base = attribute.base as u32;
    let missing = Slot::Fixed(base + attribute.encoding.width() as u32 - 1, 1.0);
    let Some(column) = column else {
        return vec![missing];
    };
    let data = &index.attributes[column];
    let mut slots = vec![missing];
    for code in 1..data.code_count() as u32 {
        let value = data.value(code).expect("codes above 0 have a value");
        let slot = match (&attribute.encoding, value) {
            (Encoding::Values { values, position }, value) => {
                let at = position.get(&value.canonical()).copied();
                Slot::Fixed(base + at.unwrap_or(values.len()) as u32, 1.0)
            }
            (Encoding::Number { mean, scale }, AttributeValue::Number(number)) => {
                Slot::Fixed(base, (number - mean) / scale)
            }
            (Encoding::Number { .. }, AttributeValue::Date(date)) => Slot::Date(day_of_date(*date)),
            _ => Slot::Fixed(base + 1, 1.0),
        };
        slots.push(slot);
    }
    slots
}

/// The encoding of one column learnt from the training rows; `None` when none carries it.
fn fit_column(index: &ResponseIndex, column: usize, rows: &[u32]) -> Option<Encoding> {
    let data = &index.attributes[column];
    let mut per_code = vec![0u64; data.code_count()];
    for &row in rows {
        per_code[data.codes[row as usize] as usize] += 1;
    }
    if per_code[1..].iter().all(|&count| count == 0) {
        return None;
    }
    match data.kind {
        AttributeKind::String | AttributeKind::Boolean => {
            let mut kept: Vec<(u64, String)> = (1..data.code_count())
                .filter(|&code| per_code[code] >= MIN_VALUE_CONTACTS)
                .filter_map(|code| Some((per_code[code], data.value(code as u32)?.canonical())))
                .collect();
            kept.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
            kept.truncate(MAX_VALUES);
            Some(Encoding::values(kept.into_iter().map(|(_, v)| v).collect()))
        }
        AttributeKind::Number | AttributeKind::Date => {
            let (mut n, mut sum, mut squares) = (0.0, 0.0, 0.0);
            for &row in rows {
                let code = data.codes[row as usize];
                let x = match data.value(code) {
                    Some(AttributeValue::Number(number)) => *number,
                    Some(AttributeValue::Date(date)) => {
                        f64::from(index.day_at(row) - day_of_date(*date))
                    }
                    _ => continue,
                };
                n += 1.0;
                sum += x;
                squares += x * x;
            }
            let mean = sum / n;
            let sd = (squares / n - mean * mean).max(0.0).sqrt();
            let scale = if sd > 1e-12 * mean.abs().max(1.0) {
                sd
            } else {
                1.0
            };
            Some(Encoding::Number { mean, scale })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_rows::{answer, index_of};

    #[test]
    fn values_numbers_dates_and_gaps_become_one_slot_per_attribute() {
        let mut answers = Vec::new();
        for id in 1..=12i64 {
            let plan = match id {
                1..=6 => "pro",
                7..=11 => "free",
                _ => "rare",
            };
            let mut attributes = vec![("plan", plan), ("since", "2026-01-01")];
            let seats = id.to_string();
            if id != 12 {
                attributes.push(("seats", &seats));
            }
            let day = format!("2026-01-{:02}", id + 1);
            answers.push(answer(id, id, 9, &day, &attributes));
        }
        let index = index_of(&answers);
        let rows: Vec<u32> = (0..12).collect();
        let encoding = FeatureEncoding::fit(&index, &rows);
        let names: Vec<&str> = encoding
            .attributes
            .iter()
            .map(|a| a.name.as_str())
            .collect();
        assert_eq!(names, ["plan", "seats", "since"]);
        // plan: pro, free (rare has fewer than five contacts), other, missing.
        assert_eq!(
            encoding.attributes[0].encoding.labels(),
            ["pro", "free", OTHER, MISSING]
        );
        assert_eq!(encoding.features, 4 + 2 + 2);
        let Encoding::Number { mean, scale } = encoding.attributes[1].encoding else {
            panic!("seats is a number");
        };
        assert_eq!(mean, 6.0);
        assert!((scale - (10.0f64).sqrt()).abs() < 1e-12);
        let design = encoding.encode_rows(&index, &rows);
        let last: Vec<(usize, f64)> = design.row(11).collect();
        // Contact 12: plan "rare" → other; no seats → missing; since 12 days before answering
        // (tenures 1..=12, mean 6.5).
        let tenure_sd = (143.0f64 / 12.0).sqrt();
        assert_eq!(last[..2], [(2, 1.0), (5, 1.0)]);
        assert_eq!(last[2].0, 6);
        assert!((last[2].1 - 5.5 / tenure_sd).abs() < 1e-12);
        // A lead encodes the same way, dates as of the day given.
        let lead = BTreeMap::from([
            ("plan".to_owned(), AttributeValue::String("free".into())),
            ("seats".to_owned(), AttributeValue::Number(6.0)),
        ]);
        let slots = encoding.encode_lead(&lead, 0).expect("a lead");
        assert_eq!(slots[0], (1, 1.0, "free".into()));
        assert_eq!(slots[1], (4, 0.0, "6".into()));
        assert_eq!(slots[2], (7, 1.0, MISSING.into()));
        let bad = BTreeMap::from([("seats".to_owned(), AttributeValue::String("abc".into()))]);
        assert_eq!(
            encoding.encode_lead(&bad, 0),
            Err(LeadError::WrongKind {
                attribute: "seats".into(),
                expected: "number",
                given: "abc".into()
            })
        );
    }
}
