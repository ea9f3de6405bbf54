//! Words reduced to their stems (Snowball), per language, so "refunds", "refunded" and
//! "refunding" count as one word for themes.

use std::sync::OnceLock;

use rust_stemmers::{Algorithm, Stemmer};
use vouch_core::language::Language;

/// The Snowball stemmer of `lang`, built once.
pub(crate) fn stemmer(lang: Language) -> &'static Stemmer {
    static STEMMERS: OnceLock<[Stemmer; 4]> = OnceLock::new();
    let stemmers = STEMMERS.get_or_init(|| {
        [
            Stemmer::create(Algorithm::English),
            Stemmer::create(Algorithm::French),
            Stemmer::create(Algorithm::German),
            Stemmer::create(Algorithm::Spanish),
        ]
    });
    let at = Language::ALL
        .iter()
        .position(|candidate| *candidate == lang)
        .unwrap_or(0);
    &stemmers[at]
}

/// The stem of one folded word in `lang` (English when the language is unknown).
pub fn stem(word: &str, lang: Option<Language>) -> String {
    stemmer(lang.unwrap_or(Language::En))
        .stem(word)
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inflections_share_a_stem() {
        let en = Some(Language::En);
        assert_eq!(stem("refunds", en), stem("refunded", en));
        let fr = Some(Language::Fr);
        assert_eq!(stem("factures", fr), stem("facture", fr));
        let de = Some(Language::De);
        assert_eq!(stem("rechnungen", de), stem("rechnung", de));
        let es = Some(Language::Es);
        assert_eq!(stem("facturas", es), stem("factura", es));
    }
}
