//! What comments say, offline and pure (no I/O): the language a comment is written in, the
//! stems its words reduce to, its sentiment, and the themes comments fall into. English, French,
//! German and Spanish; every word goes through `vouch_core::text`'s one folding first.

pub mod detect;
pub mod sentiment;
pub mod stem;
pub mod themes;
