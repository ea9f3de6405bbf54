//! Nothing to use: the checks are the test `tests/tidy.rs`, run by `cargo test -p vouch-tidy`.
//!
//! They read the workspace's sources as text and fail, naming the file, line and crate, when
//! SQL appears outside the backend crates, a crate depends on one of its own layer or a higher
//! one, a product file passes 600 lines, or a public item has no doc comment.
