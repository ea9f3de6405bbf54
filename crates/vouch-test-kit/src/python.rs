//! A Python interpreter with some PyPI packages, for tests that check Vouch's files with the
//! tools data scientists read them with (pyarrow, DuckDB).
//!
//! The interpreter is `VOUCH_TEST_PYTHON` when set (CI points it at the virtual environment
//! `.ci/run` creates), else `python3`. A test whose packages are missing skips, saying so,
//! except under `VOUCH_TEST_REQUIRE_ALL=1`.

use std::path::PathBuf;
use std::process::Command;

/// The variable naming the interpreter to use.
pub const PYTHON_VARIABLE: &str = "VOUCH_TEST_PYTHON";

/// An interpreter that imports every module of `modules`; `None` (and the test reported as
/// skipped) when there is none.
#[track_caller]
pub fn python_with(test: &str, modules: &[&str]) -> Option<PathBuf> {
    let python = std::env::var_os(PYTHON_VARIABLE)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("python3"));
    let imports = format!("import {}", modules.join(", "));
    let found = Command::new(&python)
        .args(["-c", &imports])
        .output()
        .is_ok_and(|output| output.status.success());
    if found {
        return Some(python);
    }
    crate::missing(
        test,
        &format!("Python with {}", modules.join(" and ")),
        &format!(
            "python3 -m venv DIR && DIR/bin/pip install {}, then {PYTHON_VARIABLE}=DIR/bin/python",
            modules.join(" ")
        ),
    );
    None
}
