//! Which newly discovered theme continues which earlier one, so a theme keeps its id when
//! discovery runs again on more comments: themes are paired one-to-one by the overlap of their
//! keywords, the most overlapping pairs first.

use super::ThemeDefinition;

/// The least keyword overlap (see [`overlap`]) for a new theme to continue an old one.
pub const MIN_OVERLAP: f32 = 0.2;

/// For each discovered theme, the previous theme it continues, if any: pairs are taken greedily
/// from the highest keyword overlap down (ties: earlier discovered, then earlier previous),
/// each theme in at most one pair, and none below [`MIN_OVERLAP`].
pub fn reconcile(
    previous: &[ThemeDefinition],
    discovered: &[ThemeDefinition],
) -> Vec<Option<usize>> {
    let mut pairs: Vec<(f32, usize, usize)> = Vec::new();
    for (new, theme) in discovered.iter().enumerate() {
        for (old, before) in previous.iter().enumerate() {
            let score = overlap(before, theme);
            if score >= MIN_OVERLAP {
                pairs.push((score, new, old));
            }
        }
    }
    pairs.sort_by(|a, b| b.0.total_cmp(&a.0).then((a.1, a.2).cmp(&(b.1, b.2))));
    let mut continues = vec![None; discovered.len()];
    let mut taken = vec![false; previous.len()];
    for (_, new, old) in pairs {
        if continues[new].is_none() && !taken[old] {
            continues[new] = Some(old);
            taken[old] = true;
        }
    }
    continues
}

/// How much two themes' keywords overlap, from 0 to 1: each theme's weights are scaled to sum
/// to 1, and the smaller of the two weights of every shared `(lang, stem)` is summed.
pub fn overlap(a: &ThemeDefinition, b: &ThemeDefinition) -> f32 {
    let total = |theme: &ThemeDefinition| {
        theme
            .keywords
            .iter()
            .map(|k| k.weight.max(0.0))
            .sum::<f32>()
    };
    let (total_a, total_b) = (total(a), total(b));
    if total_a <= 0.0 || total_b <= 0.0 {
        return 0.0;
    }
    let mut shared = 0.0;
    for ka in &a.keywords {
        if let Some(kb) = b
            .keywords
            .iter()
            .find(|kb| kb.lang == ka.lang && kb.stem == ka.stem)
        {
            shared += (ka.weight.max(0.0) / total_a).min(kb.weight.max(0.0) / total_b);
        }
    }
    shared
}

#[cfg(test)]
mod tests {
    use super::super::ThemeKeyword;
    use super::*;
    use vouch_core::language::Language;

    fn theme(stems: &[&str]) -> ThemeDefinition {
        ThemeDefinition {
            label: stems.join(" · "),
            keywords: stems
                .iter()
                .map(|stem| ThemeKeyword {
                    lang: Language::En,
                    stem: stem.to_string(),
                    word: stem.to_string(),
                    weight: 1.0,
                })
                .collect(),
        }
    }

    #[test]
    fn themes_pair_one_to_one_by_overlap() {
        let previous = [theme(&["invoic", "bill"]), theme(&["slow", "speed"])];
        let discovered = [
            theme(&["slow", "speed", "lag"]),
            theme(&["new", "thing"]),
            theme(&["invoic", "bill", "refund"]),
            theme(&["invoic", "charg", "tax", "fee"]),
        ];
        assert_eq!(
            reconcile(&previous, &discovered),
            vec![Some(1), None, Some(0), None]
        );
    }

    #[test]
    fn nothing_before_or_after_pairs_nothing() {
        assert_eq!(reconcile(&[], &[theme(&["a"])]), vec![None]);
        assert!(reconcile(&[theme(&["a"])], &[]).is_empty());
        assert_eq!(overlap(&theme(&[]), &theme(&["a"])), 0.0);
    }
}
