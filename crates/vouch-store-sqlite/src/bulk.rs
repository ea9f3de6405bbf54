//! Many-row `INSERT OR FAIL` statements.
//!
//! One statement per row pays each time for opening every index cursor and, on AUTOINCREMENT
//! tables, for updating the id sequence; one statement per 64 rows is about a third faster.
//! OR FAIL rather than the default ABORT: a statement that may abort after writing some of its
//! rows keeps a statement journal to undo them, which makes a many-row insert several times
//! slower. Callers run these inside a transaction that is rolled back whole on any error.

/// Rows per statement.
pub(crate) const ROWS_PER_STATEMENT: usize = 64;

/// What one column of a row is bound to.
#[derive(Clone, Copy)]
pub(crate) enum Value {
    /// A parameter shared by every row of the statement (`?1`, `?2`…).
    Shared(usize),
    /// A parameter of this row's own.
    Own,
}

/// An insert whose rows share some parameters and bind the rest one by one.
pub(crate) struct BulkInsert {
    /// `INSERT OR FAIL INTO table (columns…)`.
    pub(crate) head: &'static str,
    /// What each column of a row is bound to, in the order of `head`'s columns.
    pub(crate) row: &'static [Value],
    /// How many shared parameters come first.
    pub(crate) shared: usize,
}

impl BulkInsert {
    /// How many parameters each row binds.
    fn own_per_row(&self) -> usize {
        self.row
            .iter()
            .filter(|value| matches!(value, Value::Own))
            .count()
    }

    /// The statement inserting `rows` rows.
    pub(crate) fn sql(&self, rows: usize) -> String {
        let tuples: Vec<String> = (0..rows)
            .map(|row| {
                let mut next = self.first_parameter(row);
                let values: Vec<String> = self
                    .row
                    .iter()
                    .map(|value| match value {
                        Value::Shared(index) => format!("?{index}"),
                        Value::Own => {
                            next += 1;
                            format!("?{}", next - 1)
                        }
                    })
                    .collect();
                format!("({})", values.join(", "))
            })
            .collect();
        format!("{} VALUES {}", self.head, tuples.join(", "))
    }

    /// The index of the first own parameter of row `row` (counting from 0) of a statement.
    pub(crate) fn first_parameter(&self, row: usize) -> usize {
        self.shared + 1 + row * self.own_per_row()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_share_their_shared_parameters_and_number_the_rest() {
        let insert = BulkInsert {
            head: "INSERT OR FAIL INTO t (a, b, c)",
            row: &[Value::Own, Value::Shared(1), Value::Own],
            shared: 1,
        };
        assert_eq!(
            insert.sql(2),
            "INSERT OR FAIL INTO t (a, b, c) VALUES (?2, ?1, ?3), (?4, ?1, ?5)"
        );
        assert_eq!(insert.first_parameter(1), 4);
    }
}
