//! One dictionary-coded attribute column of the index.

use foldhash::HashMap;
use vouch_core::{AttributeKind, AttributeValue};

/// The values of one attribute for every row, as small integer codes.
///
/// Code 0 means "the contact had no value"; code `c > 0` stands for `values[c - 1]`.
/// Two values share a code exactly when their canonical text is equal, so `3` and `3.0`
/// are the same number.
#[derive(Debug)]
pub(crate) struct AttributeColumn {
    pub(crate) kind: AttributeKind,
    pub(crate) codes: Vec<u32>,
    pub(crate) values: Vec<AttributeValue>,
    /// Codes of text, boolean and date values by canonical text.
    code_by_text: HashMap<String, u32>,
    /// Codes of numbers by their bits (with -0 read as 0), so that no number is formatted.
    code_by_number: HashMap<u64, u32>,
    /// The numeric value per code (index 0 = missing = 0.0), for sums over number attributes.
    pub(crate) numbers: Vec<f64>,
}

impl AttributeColumn {
    /// An empty column for `rows` existing rows, all without a value.
    pub(crate) fn new(kind: AttributeKind, rows: usize) -> AttributeColumn {
        AttributeColumn {
            kind,
            codes: vec![0; rows],
            values: Vec::new(),
            code_by_text: HashMap::default(),
            code_by_number: HashMap::default(),
            numbers: vec![0.0],
        }
    }

    /// The code of a value, adding it to the dictionary when new.
    pub(crate) fn code_for(&mut self, value: &AttributeValue) -> u32 {
        let found = match value {
            AttributeValue::String(text) => self.code_by_text.get(text.as_str()).copied(),
            AttributeValue::Number(number) => {
                self.code_by_number.get(&number_key(*number)).copied()
            }
            other => self.code_by_text.get(other.canonical().as_str()).copied(),
        };
        if let Some(code) = found {
            return code;
        }
        self.values.push(value.clone());
        let code = self.values.len() as u32;
        match value {
            AttributeValue::Number(number) => {
                self.code_by_number.insert(number_key(*number), code);
            }
            other => {
                self.code_by_text.insert(other.canonical(), code);
            }
        }
        self.numbers.push(match value {
            AttributeValue::Number(number) => *number,
            _ => 0.0,
        });
        code
    }

    /// The code of a value given as text (as in `--where seats=3`), read as this column's
    /// kind; `None` when no row has that value.
    pub(crate) fn lookup(&self, text: &str) -> Option<u32> {
        match AttributeValue::parse_as(text, self.kind).ok()? {
            AttributeValue::Number(number) => self.code_by_number.get(&number_key(number)).copied(),
            value => self.code_by_text.get(value.canonical().as_str()).copied(),
        }
    }

    /// The value of a code, `None` for code 0.
    pub(crate) fn value(&self, code: u32) -> Option<&AttributeValue> {
        code.checked_sub(1)
            .and_then(|index| self.values.get(index as usize))
    }

    /// The number of codes including 0.
    pub(crate) fn code_count(&self) -> usize {
        self.values.len() + 1
    }

    /// Bytes held by this column, roughly.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.codes.capacity() * 4
            + self.numbers.capacity() * 8
            + self.values.len() * (std::mem::size_of::<AttributeValue>() + 16)
            + self.code_by_text.len() * 48
            + self.code_by_number.len() * 16
    }
}

/// The dictionary key of a number: equal numbers (including 0 and -0) have equal keys.
fn number_key(number: f64) -> u64 {
    if number == 0.0 { 0 } else { number.to_bits() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_numbers_share_a_code_and_lookups_use_the_kind() {
        let mut column = AttributeColumn::new(AttributeKind::Number, 0);
        let three = column.code_for(&AttributeValue::Number(3.0));
        assert_eq!(column.lookup("3.0"), Some(three));
        assert_eq!(column.lookup("3"), Some(three));
        assert_eq!(column.lookup("4"), None);
        assert_eq!(column.lookup("three"), None);
        assert_eq!(column.value(three), Some(&AttributeValue::Number(3.0)));
        assert_eq!(column.value(0), None);
    }
}
