use super::*;
use SentimentLabel::{Mixed, Negative, Neutral, Positive};

fn label(text: &str, lang: Option<Language>) -> SentimentLabel {
    analyse(text, lang).label
}

fn check(lang: Language, cases: &[(&str, SentimentLabel)]) {
    for (text, expected) in cases {
        let said = analyse(text, Some(lang));
        assert_eq!(said.label, *expected, "{text:?} read as {said:?}");
        let guessed = analyse(text, None);
        assert_eq!(
            guessed.label, *expected,
            "{text:?} without a language: {guessed:?}"
        );
    }
}

#[test]
fn english_praise_complaint_and_negation() {
    check(
        Language::En,
        &[
            ("The support team is amazing", Positive),
            ("The app is slow and it crashed twice", Negative),
            ("The new dashboard is not good", Negative),
            ("Not bad at all for the price", Positive),
            ("It isn't slow anymore, which is great", Positive),
            ("We don't have any problems with it", Positive),
            ("The export doesn't work", Negative),
        ],
    );
}

#[test]
fn french_negation_with_ne_pas_and_pas_alone() {
    check(
        Language::Fr,
        &[
            ("Le support est vraiment génial", Positive),
            ("L'application est lente et plante souvent", Negative),
            ("Ce n'est pas mal du tout", Positive),
            ("Pas lent du tout, franchement", Positive),
            ("Je ne suis pas satisfait du support", Negative),
            ("L'export ne fonctionne plus", Negative),
            ("Aucun bug depuis des mois", Positive),
        ],
    );
}

#[test]
fn german_negation_forward_and_backward() {
    check(
        Language::De,
        &[
            ("Der Support ist wirklich super", Positive),
            ("Die App ist langsam und stürzt ständig ab", Negative),
            ("Der Einstieg war nicht schlecht", Positive),
            ("Die Oberfläche ist nicht intuitiv", Negative),
            ("Der Export funktioniert nicht", Negative),
            ("Keine Probleme in zwei Jahren", Positive),
            ("Das Menü ist unübersichtlich", Negative),
        ],
    );
}

#[test]
fn spanish_negation_with_no_nunca_nada() {
    check(
        Language::Es,
        &[
            ("El soporte es excelente", Positive),
            ("La aplicación es lenta y se cuelga", Negative),
            ("No está mal, la verdad", Positive),
            ("La interfaz no es nada intuitiva", Negative),
            ("Nunca hemos tenido problemas", Positive),
            ("La exportación no funciona", Negative),
            ("Sin errores desde que empezamos", Positive),
        ],
    );
}

#[test]
fn a_contrast_between_clear_opposites_is_mixed() {
    check(
        Language::En,
        &[("Great product but support is slow", Mixed)],
    );
    check(
        Language::Fr,
        &[("Outil génial, mais le prix est trop cher", Mixed)],
    );
    check(
        Language::De,
        &[("Tolles Produkt, aber der Support ist langsam", Mixed)],
    );
    check(
        Language::Es,
        &[("El producto es bueno pero el soporte es muy lento", Mixed)],
    );
}

#[test]
fn the_clause_after_a_contrast_outweighs_the_one_before() {
    let leaning_good = analyse(
        "A bit slow at times, but overall excellent",
        Some(Language::En),
    );
    let leaning_bad = analyse(
        "A few good ideas, but terribly slow and buggy",
        Some(Language::En),
    );
    assert!(leaning_good.score > 0.0, "{leaning_good:?}");
    assert!(leaning_bad.score < 0.0, "{leaning_bad:?}");
}

#[test]
fn emoji_and_emoticons_alone_carry_sentiment() {
    assert_eq!(label("👍👍", None), Positive);
    assert_eq!(label("❤️", None), Positive);
    assert_eq!(label("😡", None), Negative);
    assert_eq!(label("😞 :(", None), Negative);
    assert_eq!(label(":)", None), Positive);
    assert_eq!(label("🙂", None), Positive);
}

#[test]
fn exclamations_and_capitals_add_emphasis() {
    let plain = analyse("The new reports are good", Some(Language::En)).score;
    let loud = analyse("The new reports are GOOD!!!", Some(Language::En)).score;
    assert!(loud > plain, "{loud} ≤ {plain}");
    let mild = analyse("Support is slow", Some(Language::En)).score;
    let very = analyse("Support is very slow", Some(Language::En)).score;
    assert!(very < mild);
}

#[test]
fn accentless_typing_matches_the_same_words() {
    let accented = analyse("Très lent, vraiment décevant", Some(Language::Fr));
    let plain = analyse("tres lent, vraiment decevant", Some(Language::Fr));
    assert_eq!(accented, plain);
    assert_eq!(accented.label, Negative);
}

#[test]
fn another_language_a_single_word_and_nothing_are_still_read() {
    assert_eq!(analyse("", None), Sentiment::NEUTRAL);
    assert_eq!(analyse("   ...  ", Some(Language::En)), Sentiment::NEUTRAL);
    assert_eq!(analyse("Zapier", None), Sentiment::NEUTRAL);
    let italian = analyse("Il prodotto funziona, grazie mille", None);
    assert_eq!(italian.label, Neutral);
    assert_eq!(label("Excellent", None), Positive);
    assert_eq!(label("Unacceptable.", None), Negative);
    assert_eq!(label("Genial", None), Positive);
}

#[test]
fn facts_and_lukewarm_words_are_neutral() {
    check(Language::En, &[("We pay annually by invoice.", Neutral)]);
    check(
        Language::En,
        &[("The interface is ok, nothing special", Neutral)],
    );
    check(
        Language::Fr,
        &[("Temps de chargement corrects, sans plus.", Neutral)],
    );
    check(
        Language::De,
        &[("Wir nutzen es vor allem für Berichte.", Neutral)],
    );
    check(Language::Es, &[("La interfaz cumple, sin más.", Neutral)]);
}

#[test]
fn words_given_folded_read_as_the_text_does() {
    let texts = [
        "Love the product, HATE the price tag!!",
        "Ce n'est pas très intuitif 😞",
        "Kinderleicht zu bedienen :D",
        "¡No está nada mal!",
    ];
    for text in texts {
        let folded: Vec<String> = vouch_core::text::words(text).collect();
        assert_eq!(
            analyse_words(&folded, text, None),
            analyse(text, None),
            "{text}"
        );
    }
}

#[test]
fn scores_stay_within_bounds() {
    let loud = "AMAZING AMAZING AMAZING love love love 😍😍😍 !!!!!!!!";
    let score = analyse(loud, None).score;
    assert!(0.9 < score && score <= 1.0, "{score}");
    let angry = "TERRIBLE awful worst horrible 😡😡😡 !!!!!!";
    let score = analyse(angry, None).score;
    assert!(-1.0 <= score && score < -0.9, "{score}");
}

#[test]
fn labels_are_named_and_read_back() {
    for label in SentimentLabel::ALL {
        assert_eq!(SentimentLabel::parse(label.as_str()), Some(label));
    }
    assert_eq!(SentimentLabel::parse(" Mixed "), Some(Mixed));
    assert_eq!(SentimentLabel::parse("angry"), None);
}

#[test]
fn praise_in_a_question_or_a_wish_is_not_given() {
    check(Language::En, &[("Is the new editor any good?", Neutral)]);
    check(
        Language::En,
        &[("It would be great if we could filter by region", Neutral)],
    );
    check(
        Language::Fr,
        &[("Ce serait bien de pouvoir filtrer par région", Neutral)],
    );
    check(
        Language::De,
        &[("Es wäre toll, wenn man nach Region filtern könnte", Neutral)],
    );
    check(
        Language::Es,
        &[("Estaría bien poder filtrar por región", Neutral)],
    );
    check(Language::En, &[("Another outage this week?!", Negative)]);
}

#[test]
fn a_negation_reaches_past_articles() {
    check(
        Language::En,
        &[("Haven't had a single outage since we started", Positive)],
    );
    check(
        Language::Fr,
        &[("Pas une seule panne depuis le début", Positive)],
    );
    check(
        Language::De,
        &[("Kein einziger Ausfall seit dem Start", Positive)],
    );
    check(
        Language::Es,
        &[("Ni un solo error desde el principio", Positive)],
    );
}

#[test]
fn a_negated_comparative_is_praise() {
    check(Language::En, &[("Couldn't be happier with it", Positive)]);
    check(
        Language::Fr,
        &[("On ne pourrait pas être plus satisfaits", Positive)],
    );
    check(
        Language::De,
        &[("Wir könnten nicht zufriedener sein", Positive)],
    );
    check(
        Language::Es,
        &[("No podríamos estar más contentos", Positive)],
    );
}

#[test]
fn everyday_words_of_praise_and_complaint_are_known() {
    check(
        Language::En,
        &[
            ("The agents were kind", Positive),
            ("Passed our security review without any issues", Positive),
            ("It doesn't meet our needs", Negative),
        ],
    );
    check(Language::Fr, &[("Les conseillers sont gentils", Positive)]);
    check(Language::De, &[("Die Diagramme sind schön", Positive)]);
    check(Language::Es, &[("La app se colgó otra vez", Negative)]);
}

#[test]
fn praise_of_what_used_to_be_or_could_be_is_a_complaint() {
    check(
        Language::En,
        &[
            ("It used to be faster", Negative),
            ("Support used to be slow but it's much better now", Positive),
            ("The agents are nice but they rarely solve anything", Mixed),
        ],
    );
    check(Language::Fr, &[("Ça pourrait être plus rapide", Negative)]);
    check(
        Language::De,
        &[
            ("Früher war es schneller", Negative),
            ("Das Tool könnte nicht besser sein", Positive),
        ],
    );
    check(
        Language::Es,
        &[
            ("Antes iba más rápido", Negative),
            ("Antes de empezar todo fue fácil", Positive),
        ],
    );
}

#[test]
fn waiting_a_long_time_is_a_complaint_without_a_negative_word() {
    check(
        Language::En,
        &[
            (
                "Took three weeks to get an answer to a simple question",
                Negative,
            ),
            ("It didn't take weeks, just a day", Neutral),
            ("We have used it for years", Neutral),
        ],
    );
    // A long stretch without a wait word is no delay: only the mild "for months" counts.
    let months = analyse("We have used it for months", Some(Language::En)).score;
    let delay = analyse("It took months", Some(Language::En)).score;
    assert!(months > -0.25 && delay < months, "{months} {delay}");
    check(
        Language::Fr,
        &[("Il a fallu trois semaines pour activer le compte", Negative)],
    );
    check(
        Language::De,
        &[("Wir haben zwei Wochen gebraucht", Negative)],
    );
    check(
        Language::Es,
        &[("Tardamos tres semanas en lanzar la encuesta", Negative)],
    );
}

#[test]
fn excess_and_lack_complain_of_what_they_reach() {
    check(
        Language::En,
        &[
            ("Reports are too basic", Negative),
            ("Works great, we love it too", Positive),
            ("A lack of bugs, which is rare", Positive),
            ("The search never finds what I'm looking for", Negative),
        ],
    );
    check(
        Language::Fr,
        &[
            ("Les options sont trop limitées", Negative),
            ("Les webhooks manquent de fiabilité", Negative),
        ],
    );
    check(
        Language::De,
        &[("Zum Format findet man in der Hilfe gar nichts", Negative)],
    );
    check(
        Language::Es,
        &[
            ("Los permisos son demasiado generales", Negative),
            ("No encontré nada sobre el formato", Negative),
        ],
    );
}

#[test]
fn french_pas_after_the_verb_negates_it_once() {
    check(
        Language::Fr,
        &[
            ("Ça marche pas", Negative),
            ("Ça ne marche pas", Negative),
            ("Je recommande pas", Negative),
            ("Ce n'est pas mal du tout", Positive),
            ("C'est trop bien", Positive),
            ("Pas mal de bugs", Negative),
        ],
    );
}

#[test]
fn french_ne_que_means_only() {
    check(
        Language::Fr,
        &[
            ("Je n'utilise que la version web", Neutral),
            ("Il n'y a que des avantages", Positive),
            ("Je ne pense pas que ce soit bon", Negative),
        ],
    );
}

#[test]
fn idioms_of_what_is_still_missing_and_of_another_story() {
    check(
        Language::En,
        &[
            ("Still haven't received the credit note", Negative),
            ("Fast on desktop, but on mobile it's another story", Mixed),
        ],
    );
    check(
        Language::Fr,
        &[("Le rapport qualité prix n'y est pas", Negative)],
    );
}
