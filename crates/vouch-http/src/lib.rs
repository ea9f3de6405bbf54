//! The HTTP layer of Vouch. It alone knows JSON and HTML: [`wire`] holds the JSON shapes that
//! the API and `vouch report --json` share, so both print exactly the same object.

pub mod wire;
