//! Bad input from the user: reported with what was wrong, and exit code 2.

use std::fmt;

/// An error caused by what the user gave (a flag, a file, a row), not by the system.
#[derive(Debug)]
pub struct InputError(pub String);

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InputError {}

/// Returns early with an [`InputError`] built like `format!`.
#[macro_export]
macro_rules! bad_input {
    ($($arg:tt)*) => {
        return Err(anyhow::Error::new($crate::input_error::InputError(format!($($arg)*))))
    };
}

/// Writes a line to standard output, returning an error (rather than panicking like `println!`)
/// when stdout is closed, e.g. piped into `head`.
#[macro_export]
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout(), $($arg)*)?;
    }};
}

/// Writes to standard output like [`outln!`], without the newline.
#[macro_export]
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        write!(std::io::stdout(), $($arg)*)?;
    }};
}
