//! The workspace's own rules, read from the sources as text (in the manner of rust-analyzer's
//! `tidy.rs`). Each rule fails with the file, line and crate of every offender.
//!
//! - SQL lives in the backend crates only: no string literal elsewhere holds a SQL statement,
//!   and no `.sql` file lies elsewhere.
//! - Crates are layered: a crate's `[dependencies]` name only crates of lower layers.
//! - A product file has at most [`MAX_PRODUCT_LINES`] lines, not counting its unit tests.
//! - Every public item of a product file has a doc comment.
//!
//! Offenders that predate a rule are listed in one allow-list per rule. A listed entry that no
//! longer offends fails too, so the lists only shrink: fix the file, then remove its entry.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

// ---- The rules' tables ------------------------------------------------------------------------

/// The only crates whose sources may contain SQL.
const BACKEND_CRATES: &[&str] = &["vouch-store-sqlite", "vouch-store-postgres"];

/// Files outside the backends that may hold SQL, each for a stated reason. Not temporary.
const SQL_ALLOWED_FILES: &[&str] = &[];

/// The layers, lowest first. A crate's `[dependencies]` (and build and target-specific
/// dependencies) may only name workspace crates of strictly lower layers, so the surfaces of
/// one layer cannot depend on each other; dev-dependencies are exempt. Crates not written yet
/// are placed already. A new crate must be placed here, or in [`TEST_SUPPORT_CRATES`].
const LAYERS: &[&[&str]] = &[
    &["vouch-core"],
    &["vouch-store", "vouch-charts", "vouch-insight"],
    &[
        "vouch-store-sqlite",
        "vouch-store-postgres",
        "vouch-analytics",
        // The demo generator yields the store's `NewResponse`.
        "vouch-demo",
    ],
    // Exports read the store through the analytics layer's disclosure rules.
    &["vouch-export"],
    &["vouch-jobs", "vouch-web"],
    &["vouch-api", "vouch-collect", "vouch-dashboard"],
    &["vouch-http"],
    &["vouch-cli"],
];

/// Crates that test the product: they may depend on anything, and product crates may name
/// them only as dev-dependencies.
const TEST_SUPPORT_CRATES: &[&str] = &[
    "vouch-store-tests",
    "vouch-browser-tests",
    "vouch-test-kit",
    "vouch-tidy",
];

/// TEMPORARY: dependencies that break the layers today, as `MANIFEST: DEPENDENCY`.
const KNOWN_LAYER_VIOLATIONS: &[&str] = &[];

/// The most lines a product file may have, not counting its unit-test module.
const MAX_PRODUCT_LINES: usize = 600;

/// TEMPORARY: product files longer than [`MAX_PRODUCT_LINES`] today.
const KNOWN_LONG_FILES: &[&str] = &[];

/// The store's reads that return individual answers whole. Above the analytics layer, answers
/// are read through `vouch_analytics::disclosure`, which applies the anonymity rules.
const RAW_ANSWER_READS: &[&str] = &[".responses_by_ids(", ".contact_responses(", ".response("];

/// The crates that serve answers to people, where [`RAW_ANSWER_READS`] may not appear.
const SURFACE_CRATES: &[&str] = &[
    "vouch-web",
    "vouch-api",
    "vouch-collect",
    "vouch-dashboard",
    "vouch-http",
    "vouch-jobs",
    "vouch-cli",
];

/// Files above the analytics layer that read answers whole, each with its reason.
const RAW_ANSWER_READS_ALLOWED: &[&str] = &[
    // A respondent reopening their own link sees the answer they gave.
    "crates/vouch-collect/src/answer.rs",
];

/// TEMPORARY: product files with public items that have no doc comment today.
const KNOWN_UNDOCUMENTED_FILES: &[&str] = &[];

// ---- The checks -------------------------------------------------------------------------------

#[test]
fn sql_appears_only_in_the_backend_crates() {
    let mut offences = Offences::default();
    for krate in workspace_crates() {
        if BACKEND_CRATES.contains(&krate.name.as_str()) {
            continue;
        }
        for file in files_under(&krate.dir, &|path| {
            path.extension().is_some_and(|e| e == "rs" || e == "sql")
        }) {
            let path = relative(&file);
            if path.ends_with(".sql") {
                offences.add(&path, format!("{path}: a SQL file in crate {}", krate.name));
                continue;
            }
            let source = read(&file);
            for (line, literal) in string_literals(&source) {
                if let Some(statement) = sql_statement(&literal) {
                    offences.add(
                        &path,
                        format!(
                            "{path}:{line}: SQL ({statement}) in crate {}; only {} may hold SQL",
                            krate.name,
                            BACKEND_CRATES.join(" and ")
                        ),
                    );
                }
            }
        }
    }
    offences.check("SQL_ALLOWED_FILES", SQL_ALLOWED_FILES);
}

#[test]
fn crates_depend_only_on_lower_layers() {
    let mut offences = Offences::default();
    let mut unplaced = Vec::new();
    let crates = workspace_crates();
    let members: BTreeSet<&str> = crates.iter().map(|k| k.name.as_str()).collect();
    for krate in &crates {
        let manifest = format!("{}/Cargo.toml", relative(&krate.dir));
        let own = match placement(&krate.name) {
            Some(placement) => placement,
            None => {
                unplaced.push(format!(
                    "{manifest}: crate {} is in no layer: place it in LAYERS or \
                     TEST_SUPPORT_CRATES of crates/vouch-tidy/tests/tidy.rs",
                    krate.name
                ));
                continue;
            }
        };
        let Placement::Layer(own_layer) = own else {
            continue; // Test support may depend on anything.
        };
        for dependency in product_dependencies(&krate.manifest) {
            if !members.contains(dependency.as_str()) && placement(&dependency).is_none() {
                continue; // Not one of ours.
            }
            let problem = match placement(&dependency) {
                Some(Placement::Layer(layer)) if layer < own_layer => continue,
                Some(Placement::Layer(layer)) => format!(
                    "{} (layer {own_layer}) depends on {dependency} (layer {layer}); \
                     only lower layers may be dependencies",
                    krate.name
                ),
                Some(Placement::TestSupport) => format!(
                    "{} depends on the test-support crate {dependency}; only as a \
                     dev-dependency",
                    krate.name
                ),
                None => format!(
                    "{} depends on {dependency}, which is in no layer",
                    krate.name
                ),
            };
            let entry = format!("{manifest}: {dependency}");
            offences.add(&entry, format!("{entry}: {problem}"));
        }
    }
    assert!(unplaced.is_empty(), "\n{}\n", unplaced.join("\n"));
    offences.check("KNOWN_LAYER_VIOLATIONS", KNOWN_LAYER_VIOLATIONS);
}

#[test]
fn product_files_have_at_most_600_lines() {
    let mut offences = Offences::default();
    for file in product_files() {
        let source = read(&file.path);
        let lines = product_part(&source).count();
        if lines > MAX_PRODUCT_LINES {
            let path = relative(&file.path);
            offences.add(
                &path,
                format!(
                    "{path}: {lines} lines (crate {}), more than {MAX_PRODUCT_LINES}: split it \
                     by what its parts are about",
                    file.krate
                ),
            );
        }
    }
    offences.check("KNOWN_LONG_FILES", KNOWN_LONG_FILES);
}

#[test]
fn answers_reach_people_only_through_the_disclosure_rules() {
    let mut offences = Offences::default();
    for file in product_files() {
        if !SURFACE_CRATES.contains(&file.krate.as_str()) {
            continue;
        }
        let source = read(&file.path);
        let path = relative(&file.path);
        for (number, line) in product_part(&source).enumerate() {
            for read in RAW_ANSWER_READS {
                if line.contains(read) {
                    offences.add(
                        &path,
                        format!(
                            "{path}:{}: `{read}` reads answers whole (crate {}); list and show \
                             them through vouch_analytics::disclosure, which applies eNPS \
                             anonymity",
                            number + 1,
                            file.krate
                        ),
                    );
                }
            }
        }
    }
    offences.check("RAW_ANSWER_READS_ALLOWED", RAW_ANSWER_READS_ALLOWED);
}

#[test]
fn public_items_have_doc_comments() {
    let mut offences = Offences::default();
    for file in product_files() {
        let source = read(&file.path);
        let path = relative(&file.path);
        for (line, item) in undocumented_items(&source, &|module| {
            module_file_has_inner_doc(&file.path, module)
        }) {
            offences.add(
                &path,
                format!(
                    "{path}:{line}: `{item}` has no doc comment (crate {})",
                    file.krate
                ),
            );
        }
    }
    offences.check("KNOWN_UNDOCUMENTED_FILES", KNOWN_UNDOCUMENTED_FILES);
}

// ---- Offences and allow-lists -----------------------------------------------------------------

/// What a rule found, by allow-list entry.
#[derive(Default)]
struct Offences {
    by_entry: BTreeMap<String, Vec<String>>,
}

impl Offences {
    fn add(&mut self, entry: &str, message: String) {
        self.by_entry
            .entry(entry.to_owned())
            .or_default()
            .push(message);
    }

    /// Fails for every offence whose entry is not in `allowed`, and for every entry of
    /// `allowed` that no longer offends.
    fn check(self, list_name: &str, allowed: &[&str]) {
        let mut report = String::new();
        for (entry, messages) in &self.by_entry {
            if !allowed.contains(&entry.as_str()) {
                for message in messages {
                    let _ = writeln!(report, "{message}");
                }
            }
        }
        for entry in allowed {
            if !self.by_entry.contains_key(*entry) {
                let _ = writeln!(
                    report,
                    "{entry} is in {list_name} but no longer offends: remove it from the list"
                );
            }
        }
        assert!(report.is_empty(), "\n{report}");
    }
}

// ---- The workspace ----------------------------------------------------------------------------

fn root() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    root.canonicalize().unwrap_or(root)
}

fn relative(path: &Path) -> String {
    let path = path.strip_prefix(root()).unwrap_or(path);
    path.to_string_lossy().replace('\\', "/")
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

fn parse_toml(path: &Path) -> toml::Table {
    read(path)
        .parse()
        .unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

struct Crate {
    name: String,
    dir: PathBuf,
    manifest: toml::Table,
}

/// The members of the root manifest's `[workspace]` (`crates/*` patterns expanded).
fn workspace_crates() -> Vec<Crate> {
    let root = root();
    let manifest = parse_toml(&root.join("Cargo.toml"));
    let members = manifest
        .get("workspace")
        .and_then(|w| w.get("members"))
        .and_then(|m| m.as_array())
        .expect("the root Cargo.toml lists workspace members");
    let mut dirs = Vec::new();
    for member in members.iter().filter_map(|m| m.as_str()) {
        match member.strip_suffix("/*") {
            Some(parent) => {
                let mut found: Vec<PathBuf> = fs::read_dir(root.join(parent))
                    .expect("a members directory")
                    .filter_map(|entry| entry.ok().map(|e| e.path()))
                    .filter(|dir| dir.join("Cargo.toml").is_file())
                    .collect();
                found.sort();
                dirs.extend(found);
            }
            None => dirs.push(root.join(member)),
        }
    }
    dirs.into_iter()
        .map(|dir| {
            let manifest = parse_toml(&dir.join("Cargo.toml"));
            let name = manifest
                .get("package")
                .and_then(|p| p.get("name"))
                .and_then(|n| n.as_str())
                .unwrap_or_else(|| panic!("{}: no package name", dir.display()))
                .to_owned();
            Crate {
                name,
                dir,
                manifest,
            }
        })
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Placement {
    Layer(usize),
    TestSupport,
}

fn placement(name: &str) -> Option<Placement> {
    if TEST_SUPPORT_CRATES.contains(&name) {
        return Some(Placement::TestSupport);
    }
    LAYERS
        .iter()
        .position(|layer| layer.contains(&name))
        .map(Placement::Layer)
}

/// The crates a manifest depends on outside its tests: `[dependencies]`,
/// `[build-dependencies]` and their `[target.….…]` forms, by package name.
fn product_dependencies(manifest: &toml::Table) -> Vec<String> {
    let mut tables = Vec::new();
    for section in ["dependencies", "build-dependencies"] {
        tables.extend(manifest.get(section).and_then(|t| t.as_table()));
        if let Some(targets) = manifest.get("target").and_then(|t| t.as_table()) {
            for target in targets.values() {
                tables.extend(target.get(section).and_then(|t| t.as_table()));
            }
        }
    }
    let mut names: Vec<String> = tables
        .into_iter()
        .flat_map(|table| table.iter())
        .map(|(key, value)| {
            value
                .get("package")
                .and_then(|p| p.as_str())
                .unwrap_or(key)
                .to_owned()
        })
        .collect();
    names.sort();
    names.dedup();
    names
}

/// Every file under `dir` that `wanted` accepts, skipping `target` and hidden directories.
fn files_under(dir: &Path, wanted: &dyn Fn(&Path) -> bool) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if path.is_dir() {
                if name != "target" && !name.starts_with('.') {
                    pending.push(path);
                }
            } else if wanted(&path) {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

struct ProductFile {
    krate: String,
    path: PathBuf,
}

/// The product files: every `.rs` under the `src/` of a crate in [`LAYERS`] (test-support
/// crates are test code throughout), except test files. A test file is one named `tests.rs`
/// or `*_tests.rs`, one under a `tests` directory inside `src/`, or a module whose declaration
/// is preceded by `#[cfg(test)]`.
fn product_files() -> Vec<ProductFile> {
    let mut files = Vec::new();
    for krate in workspace_crates() {
        if !matches!(placement(&krate.name), Some(Placement::Layer(_))) {
            continue;
        }
        let src = krate.dir.join("src");
        let sources = files_under(&src, &|path| path.extension().is_some_and(|e| e == "rs"));
        let test_modules: BTreeSet<PathBuf> = sources
            .iter()
            .flat_map(|file| test_module_files(file, &read(file)))
            .collect();
        for path in sources {
            let inside = path.strip_prefix(&src).unwrap_or(&path);
            let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned());
            let named_as_test = stem
                .as_deref()
                .is_some_and(|stem| stem == "tests" || stem.ends_with("_tests"));
            let in_tests_dir = inside
                .parent()
                .is_some_and(|dir| dir.components().any(|c| c.as_os_str() == "tests"));
            if !named_as_test && !in_tests_dir && !test_modules.contains(&path) {
                files.push(ProductFile {
                    krate: krate.name.clone(),
                    path,
                });
            }
        }
    }
    files
}

/// The directory holding the files of the modules `file` declares.
fn child_module_dir(file: &Path) -> PathBuf {
    let parent = file.parent().unwrap_or(Path::new("")).to_path_buf();
    match file.file_stem().and_then(|s| s.to_str()) {
        Some("lib" | "main" | "mod") => parent,
        Some(stem) => parent.join(stem),
        None => parent,
    }
}

/// The file of module `name` declared in `file`, if it exists.
fn module_file(file: &Path, name: &str) -> Option<PathBuf> {
    let dir = child_module_dir(file);
    [
        dir.join(format!("{name}.rs")),
        dir.join(name).join("mod.rs"),
    ]
    .into_iter()
    .find(|path| path.is_file())
}

/// The files of modules that `source` (the text of `file`) declares under `#[cfg(test)]`.
fn test_module_files(file: &Path, source: &str) -> Vec<PathBuf> {
    let lines: Vec<&str> = source.lines().collect();
    let mut found = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        if line.trim() != "#[cfg(test)]" {
            continue;
        }
        let next = lines[index + 1..]
            .iter()
            .map(|l| l.trim())
            .find(|l| !l.starts_with("#[") && !l.starts_with("//"));
        if let Some(name) = next.and_then(declared_module)
            && let Some(path) = module_file(file, name)
        {
            found.push(path);
        }
    }
    found
}

/// The name of the module an out-of-line declaration (`mod x;`, `pub(crate) mod x;`) declares.
fn declared_module(line: &str) -> Option<&str> {
    let declaration = line.strip_suffix(';')?;
    let rest = declaration.split_once("mod ")?;
    let visibility = rest.0.trim();
    let plausible = visibility.is_empty() || visibility.starts_with("pub");
    plausible.then(|| rest.1.trim())
}

/// The lines of `source` that count as product code: all of them, up to a top-level
/// `#[cfg(test)]` that opens an inline module (by convention the file's last item).
fn product_part(source: &str) -> impl Iterator<Item = &str> {
    let lines: Vec<&str> = source.lines().collect();
    let end = (0..lines.len())
        .find(|&index| {
            lines[index].trim_end() == "#[cfg(test)]"
                && lines[index + 1..]
                    .iter()
                    .find(|l| !l.starts_with("#[") && !l.trim().is_empty())
                    .is_some_and(|l| {
                        let l = l.trim_end();
                        (l.starts_with("mod ") || l.starts_with("pub")) && l.ends_with('{')
                    })
        })
        .unwrap_or(lines.len());
    lines.into_iter().take(end)
}

/// True when the file of module `name`, declared in the current file, starts with `//!`.
fn module_file_has_inner_doc(current: &Path, name: &str) -> bool {
    module_file(current, name).is_some_and(|path| {
        read(&path)
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .is_some_and(|l| l.starts_with("//!") || l.starts_with("#![doc"))
    })
}

// ---- Reading Rust as text ---------------------------------------------------------------------

/// The string literals of Rust source with the line each starts on, as written (escapes not
/// decoded): `"…"`, `b"…"`, `c"…"` and the raw forms `r#"…"#`. Comments and character
/// literals are skipped.
fn string_literals(source: &str) -> Vec<(usize, String)> {
    let chars: Vec<char> = source.chars().collect();
    let mut literals = Vec::new();
    let mut line = 1;
    let mut i = 0;
    let at = |i: usize| chars.get(i).copied().unwrap_or('\0');
    while i < chars.len() {
        let c = chars[i];
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c == '/' && at(i + 1) == '/' {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    line += usize::from(chars[i] == '\n');
                    i += 1;
                }
            }
        } else if c == '\'' {
            // A character literal ('x', '\n', '\u{..}') or a lifetime ('a).
            if at(i + 1) == '\\' {
                i += 2;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if at(i + 2) == '\'' {
                i += 3;
            } else {
                i += 1;
            }
        } else if c == '"' {
            let start = line;
            let mut text = String::new();
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    text.push(chars[i]);
                    i += 1;
                }
                if let Some(&next) = chars.get(i) {
                    line += usize::from(next == '\n');
                    text.push(next);
                }
                i += 1;
            }
            i += 1;
            literals.push((start, text));
        } else if c.is_alphanumeric() || c == '_' {
            let word_start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let word: String = chars[word_start..i].iter().collect();
            if matches!(word.as_str(), "r" | "br" | "cr") && matches!(at(i), '"' | '#') {
                let mut hashes = 0;
                while at(i + hashes) == '#' {
                    hashes += 1;
                }
                if at(i + hashes) != '"' {
                    continue; // A raw identifier, r#name.
                }
                i += hashes + 1;
                let start = line;
                let mut text = String::new();
                while i < chars.len() {
                    if chars[i] == '"' && (1..=hashes).all(|k| at(i + k) == '#') {
                        break;
                    }
                    line += usize::from(chars[i] == '\n');
                    text.push(chars[i]);
                    i += 1;
                }
                i += hashes + 1;
                literals.push((start, text));
            }
            // b"…" and c"…" continue as ordinary strings at the quote.
        } else {
            i += 1;
        }
    }
    literals
}

/// The statement a literal holds, if it holds one: upper-case SQL keywords in order, across
/// line breaks (`SELECT … FROM`, `INSERT INTO`, `UPDATE name SET`, `DELETE FROM`, `CREATE
/// TABLE`, …).
fn sql_statement(literal: &str) -> Option<String> {
    let text = literal.replace("\\n", " ").replace("\\t", " ");
    let words: Vec<&str> = text
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .collect();
    let pairs: [[&str; 2]; 13] = [
        ["INSERT", "INTO"],
        ["DELETE", "FROM"],
        ["CREATE", "TABLE"],
        ["CREATE", "INDEX"],
        ["CREATE", "UNIQUE"],
        ["CREATE", "VIEW"],
        ["CREATE", "TRIGGER"],
        ["CREATE", "DATABASE"],
        ["ALTER", "TABLE"],
        ["DROP", "TABLE"],
        ["DROP", "INDEX"],
        ["DROP", "DATABASE"],
        ["TRUNCATE", "TABLE"],
    ];
    for (index, word) in words.iter().enumerate() {
        let next = words.get(index + 1).copied();
        if let Some(pair) = pairs.iter().find(|[a, b]| word == a && next == Some(b)) {
            return Some(pair.join(" "));
        }
        if *word == "UPDATE" && words.get(index + 2) == Some(&"SET") {
            return Some(format!("UPDATE {} SET", words[index + 1]));
        }
        if *word == "SELECT" && words[index + 1..].contains(&"FROM") {
            return Some(["SELECT", "…", "FROM"].join(" "));
        }
    }
    None
}

/// The item keywords after `pub ` that need a doc comment.
const ITEM_KEYWORDS: &[&str] = &[
    "fn ",
    "async fn ",
    "const fn ",
    "unsafe fn ",
    "struct ",
    "enum ",
    "union ",
    "trait ",
    "unsafe trait ",
    "type ",
    "const ",
    "static ",
    "mod ",
];

/// The public items of `source` (up to its unit-test module) with no doc comment, with their
/// lines. An item is documented by `///` or `#[doc …]` before it (attributes in between are
/// skipped); `pub mod x;` also by a `//!` at the top of its file (`has_inner_doc(x)`), and
/// `pub mod x {` by a `//!` first inside it.
fn undocumented_items(source: &str, has_inner_doc: &dyn Fn(&str) -> bool) -> Vec<(usize, String)> {
    let lines: Vec<&str> = product_part(source).collect();
    let attribute = attribute_lines(&lines);
    let mut found = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        let trimmed = line.trim();
        let Some(rest) = trimmed.strip_prefix("pub ") else {
            continue;
        };
        let Some(keyword) = ITEM_KEYWORDS.iter().find(|k| rest.starts_with(**k)) else {
            continue;
        };
        let mut before = index;
        let mut documented = false;
        while before > 0 && attribute[before - 1] {
            before -= 1;
            documented |= lines[before].trim().starts_with("#[doc");
        }
        documented |= before > 0 && lines[before - 1].trim().starts_with("///");
        if !documented && *keyword == "mod " {
            let name = rest["mod ".len()..].trim_end_matches([';', '{', ' ']);
            documented = if rest.ends_with(';') {
                has_inner_doc(name)
            } else {
                lines
                    .get(index + 1)
                    .is_some_and(|l| l.trim().starts_with("//!"))
            };
        }
        if !documented {
            let signature: String = trimmed
                .split(['(', '{', '<', ':', '=', ';'])
                .next()
                .unwrap_or(trimmed)
                .trim()
                .to_owned();
            found.push((index + 1, signature));
        }
    }
    found
}

/// For each line, whether it belongs to an outer attribute (`#[…]`, perhaps over several
/// lines).
fn attribute_lines(lines: &[&str]) -> Vec<bool> {
    let mut inside = vec![false; lines.len()];
    let mut depth = 0i32;
    for (index, line) in lines.iter().enumerate() {
        let trimmed = line.trim();
        if depth == 0 && !trimmed.starts_with("#[") {
            continue;
        }
        inside[index] = true;
        depth += bracket_balance(trimmed);
        depth = depth.max(0);
    }
    inside
}

/// Opening minus closing square brackets of a line, outside string literals.
fn bracket_balance(line: &str) -> i32 {
    let mut balance = 0;
    let mut in_string = false;
    let mut escaped = false;
    for c in line.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            '[' if !in_string => balance += 1,
            ']' if !in_string => balance -= 1,
            _ => {}
        }
    }
    balance
}

// ---- The readers' own tests -------------------------------------------------------------------

/// Words joined by spaces: the statements below are built, so that this file holds none.
fn words(words: &[&str]) -> String {
    words.join(" ")
}

#[test]
fn literals_are_found_across_lines_and_comments_are_not() {
    let source = format!(
        "// \"{a}\"\nlet c = '\"'; let x = \"one\n{a}\";\n/* \"no\" */ let y = r#\"raw \"q\" {b}\"#;\n",
        a = words(&["SELECT", "id"]),
        b = words(&["FROM", "t"])
    );
    let found = string_literals(&source);
    assert_eq!(
        found,
        [
            (2, format!("one\n{}", words(&["SELECT", "id"]))),
            (4, format!("raw \"q\" {}", words(&["FROM", "t"]))),
        ]
    );
}

#[test]
fn statements_are_recognised_and_prose_is_not() {
    let select = words(&["SELECT", "id,", "name\n", "FROM", "users"]);
    assert!(sql_statement(&select).is_some());
    let update = words(&["UPDATE", "jobs", "SET", "done", "=", "1"]);
    assert_eq!(
        sql_statement(&update),
        Some(words(&["UPDATE", "jobs", "SET"]))
    );
    assert!(sql_statement(&words(&["INSERT", "INTO", "t"])).is_some());
    assert!(sql_statement("select the rows from the table").is_none());
    assert!(sql_statement("SELECT a survey").is_none());
}

#[test]
fn undocumented_items_are_found_after_attributes() {
    let source = "\
/// Documented.
#[derive(Debug,
    Clone)]
pub struct A;
#[must_use]
pub fn b() {}
pub(crate) fn c() {}
pub use d::E;
pub mod documented_inside;
pub mod bare;

#[cfg(test)]
mod tests {
    pub fn helper() {}
}
";
    let found = undocumented_items(source, &|module| module == "documented_inside");
    assert_eq!(
        found,
        [(6, "pub fn b".to_owned()), (10, "pub mod bare".to_owned())]
    );
}

#[test]
fn the_unit_test_module_does_not_count_as_product_lines() {
    let source = "fn a() {}\n\n#[cfg(test)]\nmod tests {\n    fn t() {}\n}\n";
    assert_eq!(product_part(source).count(), 2);
    let declared = "#[cfg(test)]\nmod tests;\nfn a() {}\n";
    assert_eq!(product_part(declared).count(), 3);
}
