//! The sentiment of a response's comment: the one rule the index (its sentiment column) and
//! every surface (the API's `sentiment`, exports) share, so they always agree.

use vouch_core::language::Language;
use vouch_insight::sentiment::{Sentiment, analyse_words};
use vouch_store::{Attributes, StoredResponse};

/// The language a response's comment is read in: the contact's `language` attribute when it
/// names one of the four, else guessed from the comment.
pub fn response_language(attributes: &Attributes) -> Option<Language> {
    attributes
        .get("language")
        .and_then(|value| Language::parse(&value.canonical()))
}

/// The sentiment of the comment given its folded words (`vouch_core::text::words`), for a
/// caller that has them already; see [`comment_sentiment`].
pub fn sentiment_of_words(folded: &[String], comment: &str, attributes: &Attributes) -> Sentiment {
    analyse_words(folded, comment, response_language(attributes))
}

/// The sentiment of a response's comment; `None` without a comment.
pub fn comment_sentiment(response: &StoredResponse) -> Option<Sentiment> {
    let comment = response.comment.as_deref()?;
    let folded: Vec<String> = vouch_core::text::words(comment).collect();
    Some(sentiment_of_words(&folded, comment, &response.attributes))
}
