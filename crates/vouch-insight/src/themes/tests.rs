//! Discovery end to end on small made-up surveys.

use super::*;

/// Sentences about four topics, in English and French, with words that say nothing.
const TOPICS: [[&str; 6]; 4] = [
    [
        "the invoice was wrong",
        "invoices arrive late",
        "we were charged twice on the invoice",
        "billing sent a wrong invoice",
        "la facture est fausse",
        "les factures arrivent en retard",
    ],
    [
        "pages load so slowly",
        "loading the dashboard is slow",
        "slow to load every morning",
        "the app is slow and loading takes forever",
        "le chargement est lent",
        "tout est lent au chargement",
    ],
    [
        "support answered within minutes",
        "the support agent was friendly",
        "support never answered my ticket",
        "great support agent",
        "le support a répondu vite",
        "l'agent du support était aimable",
    ],
    [
        "the mobile app crashes on android",
        "the iphone app is great",
        "android app keeps crashing",
        "mobile app needs offline mode",
        "l'application mobile plante sur android",
        "l'appli iphone est lente",
    ],
];

const FILLER: [&str; 5] = ["honestly", "really", "👍", "overall", "vraiment"];

/// `n` comments: two sentences of one topic and a filler word, in a fixed rotation.
fn survey(n: usize) -> Vec<String> {
    (0..n)
        .map(|at| {
            let topic = &TOPICS[at % 4];
            let first = topic[(at / 4) % 6];
            let second = topic[(at / 24 + 1 + at / 4) % 6];
            format!("{first}, {second} {}", FILLER[at % 5])
        })
        .collect()
}

fn discover_all(comments: &[String]) -> Vec<ThemeDefinition> {
    let refs: Vec<&str> = comments.iter().map(String::as_str).collect();
    discover(&refs, &DiscoveryOptions::default())
}

#[test]
fn topics_become_apart_themes() {
    let themes = discover_all(&survey(240));
    assert!(themes.len() >= 3 && themes.len() <= 8, "{themes:#?}");
    let matcher = ThemeMatcher::new(&themes);
    let best = |text: &str| matcher.themes_of(text).first().map(|t| t.0);
    assert!(best("invoice").is_some());
    assert_ne!(best("invoice"), best("slow"));
    assert_ne!(best("support"), best("android"));
    assert_eq!(best("facture"), best("invoice"));
    assert!(
        themes
            .iter()
            .all(|t| !t.label.is_empty() && !t.keywords.is_empty())
    );
}

#[test]
fn the_same_comments_in_any_order_give_the_same_themes() {
    let comments = survey(240);
    let first = discover_all(&comments);
    assert_eq!(discover_all(&comments), first);
    let mut reversed = comments.clone();
    reversed.reverse();
    assert_eq!(discover_all(&reversed), first);
}

#[test]
fn a_grown_survey_keeps_its_themes() {
    let before = discover_all(&survey(240));
    let after = discover_all(&survey(960));
    assert!(before.len() >= 3 && after.len() >= 3);
    let continues = reconcile(&before, &after);
    let kept = continues.iter().flatten().count();
    assert_eq!(
        kept,
        before.len().min(after.len()),
        "{before:#?} {after:#?}"
    );
    let mut olds: Vec<usize> = continues.iter().flatten().copied().collect();
    olds.sort_unstable();
    olds.dedup();
    assert_eq!(olds.len(), kept);
    for (new, old) in continues.iter().enumerate() {
        if let Some(old) = old {
            assert!(overlap(&before[*old], &after[new]) >= MIN_OVERLAP);
        }
    }
}

#[test]
fn a_sample_reads_only_so_many_comments() {
    let comments = survey(2000);
    let refs: Vec<&str> = comments.iter().map(String::as_str).collect();
    let options = DiscoveryOptions {
        sample: 300,
        ..Default::default()
    };
    let themes = discover(&refs, &options);
    assert_eq!(discover(&refs, &options), themes);
    assert!(!themes.is_empty());
}

#[test]
fn nothing_to_read_gives_no_themes() {
    let options = DiscoveryOptions::default();
    assert!(discover(&[], &options).is_empty());
    assert!(discover(&["👍👍", "🙂", "!!!", "", "10/10"], &options).is_empty());
    let emoji: Vec<&str> = (0..100).map(|_| "👍🔥").collect();
    assert!(discover(&emoji, &options).is_empty());
}

#[test]
fn a_handful_of_comments_gives_no_theme_below_the_minimum() {
    let comments = ["invoice wrong", "invoice late", "slow pages"];
    assert!(discover(&comments, &DiscoveryOptions::default()).is_empty());
    let few = DiscoveryOptions {
        min_comments: 2,
        ..Default::default()
    };
    let themes = discover(&comments, &few);
    assert!(themes.len() <= 1, "{themes:#?}");
}
