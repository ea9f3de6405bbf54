//! TF-IDF vectors of the comments over the terms worth comparing: terms in too few comments
//! say nothing shared, terms in too many say nothing distinctive.

use super::tokenise::Corpus;

/// The share of comments above which a term is too common to tell themes apart.
const MAX_DF_SHARE: f32 = 0.5;

/// How much more a dictionary concept weighs than a bare stem: its words are known to name a
/// topic, while a bare stem may be any word.
const CONCEPT_WEIGHT: f32 = 2.0;

/// Below this many comments, no term counts as too common.
const FEW: u32 = 10;

/// Each comment's unit-length TF-IDF vector, and each term's document frequency.
pub(crate) struct Vectors {
    /// Per comment: (term, weight), ascending by term; empty when no kept term occurs.
    pub rows: Vec<Vec<(u32, f32)>>,
    /// Per term: how many comments hold it.
    pub df: Vec<u32>,
}

/// The fewest comments a term must occur in to be compared: 2, or more on large samples.
fn min_df(comments: usize) -> u32 {
    2 + (comments / 4000) as u32
}

/// Weighs the corpus: sublinear term frequency times the square root of the smoothed IDF (in
/// comments of a dozen words, full IDF lets one rare word outweigh all they share), concepts
/// weighed more, rows scaled to unit length.
pub(crate) fn weigh(corpus: &Corpus) -> Vectors {
    let n = corpus.docs.len();
    let mut df = vec![0u32; corpus.term_count];
    for doc in &corpus.docs {
        for (term, _) in &doc.terms {
            df[*term as usize] += 1;
        }
    }
    let low = min_df(n);
    let high = ((n as f32 * MAX_DF_SHARE).ceil() as u32).max(low).max(FEW);
    let kept: Vec<bool> = df.iter().map(|d| *d >= low && *d <= high).collect();
    let idf: Vec<f32> = df
        .iter()
        .zip(&corpus.is_concept)
        .map(|(d, concept)| {
            let idf = ((1.0 + n as f32) / (1.0 + *d as f32)).ln() + 1.0;
            idf.sqrt() * if *concept { CONCEPT_WEIGHT } else { 1.0 }
        })
        .collect();
    let rows = corpus
        .docs
        .iter()
        .map(|doc| {
            let mut row: Vec<(u32, f32)> = doc
                .terms
                .iter()
                .filter(|(term, _)| kept[*term as usize])
                .map(|(term, tf)| (*term, (1.0 + (*tf as f32).ln()) * idf[*term as usize]))
                .collect();
            let norm = row.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
            for entry in &mut row {
                entry.1 /= norm;
            }
            row
        })
        .collect();
    Vectors { rows, df }
}

#[cfg(test)]
mod tests {
    use super::super::tokenise::tokenise;
    use super::*;

    #[test]
    fn rare_terms_are_dropped_and_rows_have_unit_length() {
        let corpus = tokenise(&[
            "invoice wrong",
            "invoice late",
            "invoice missing",
            "zebra",
            "",
        ]);
        let vectors = weigh(&corpus);
        assert!(vectors.rows[3].is_empty());
        assert!(vectors.rows[4].is_empty());
        for row in &vectors.rows[..3] {
            let norm: f32 = row.iter().map(|(_, w)| w * w).sum();
            assert!((norm - 1.0).abs() < 1e-5);
        }
    }
}
