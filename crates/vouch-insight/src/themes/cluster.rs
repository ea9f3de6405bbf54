//! Groups of comments that talk about the same thing, their number found, not given: each
//! comment is linked to its nearest comments (cosine of TF-IDF vectors), and the graph is cut
//! into communities by modularity (a consensus of Louvain runs), which settles how many there
//! are.

use std::collections::HashMap;

use super::louvain::{Graph, consensus};
use super::weigh::Vectors;

/// How many nearest comments each comment is linked to.
const NEIGHBOURS: usize = 10;
/// Postings read per term and comment at most; longer lists are read with a stride, so a
/// common term costs the same on a large sample as on a small one.
const POSTINGS_READ: usize = 400;
/// The least cosine for two comments to be neighbours.
const MIN_SIMILARITY: f32 = 0.05;
/// Modularity resolution: above 1 gives more, smaller groups.
const RESOLUTION: f64 = 0.9;
/// Louvain runs, each visiting the comments in its own fixed order, whose consensus is cut.
const RUNS: u64 = 10;
/// The least share of runs that must put two neighbours together for their link to stay.
const AGREEMENT: f32 = 0.8;

/// A comment's vector: (term, weight), ascending by term.
type Row = [(u32, f32)];

/// The comments of each community, largest community first (ties: lowest comment first);
/// comments without any compared term are in none. Comments with the same vector are one node
/// of the graph, so that repeated comments link to other comments, not only to each other.
pub(crate) fn communities(vectors: &Vectors) -> Vec<Vec<u32>> {
    let (rows, copies) = distinct_rows(&vectors.rows);
    let graph = neighbour_graph(&rows, vectors.df.len());
    let labels = consensus(&graph, RESOLUTION, RUNS, AGREEMENT);
    let count = labels.iter().map(|l| *l as usize + 1).max().unwrap_or(0);
    let mut groups: Vec<Vec<u32>> = vec![Vec::new(); count];
    for (node, label) in labels.iter().enumerate() {
        groups[*label as usize].extend(&copies[node]);
    }
    groups.retain(|group| !group.is_empty());
    for group in &mut groups {
        group.sort_unstable();
    }
    groups.sort_by(|a, b| b.len().cmp(&a.len()).then(a[0].cmp(&b[0])));
    groups
}

/// The distinct non-empty rows, in order of first comment, and the comments holding each.
fn distinct_rows(rows: &[Vec<(u32, f32)>]) -> (Vec<&Row>, Vec<Vec<u32>>) {
    let mut index: HashMap<Vec<(u32, u32)>, usize> = HashMap::new();
    let mut distinct: Vec<&Row> = Vec::new();
    let mut copies: Vec<Vec<u32>> = Vec::new();
    for (doc, row) in rows.iter().enumerate().filter(|(_, row)| !row.is_empty()) {
        let key: Vec<(u32, u32)> = row.iter().map(|(t, w)| (*t, w.to_bits())).collect();
        let at = *index.entry(key).or_insert(distinct.len());
        if at == distinct.len() {
            distinct.push(row);
            copies.push(Vec::new());
        }
        copies[at].push(doc as u32);
    }
    (distinct, copies)
}

/// Links each row to its nearest neighbours; an edge's weight is the sum of the cosines of
/// both directions that chose it.
fn neighbour_graph(rows: &[&Row], terms: usize) -> Graph {
    let n = rows.len();
    let mut postings: Vec<Vec<(u32, f32)>> = vec![Vec::new(); terms];
    for (doc, row) in rows.iter().enumerate() {
        for (term, weight) in row.iter() {
            postings[*term as usize].push((doc as u32, *weight));
        }
    }
    let mut scores = vec![0f32; n];
    let mut touched: Vec<u32> = Vec::new();
    let mut edges: Vec<(u32, u32, f32)> = Vec::new();
    for (doc, row) in rows.iter().enumerate() {
        for (term, weight) in row.iter() {
            let list = &postings[*term as usize];
            let stride = list.len().div_ceil(POSTINGS_READ).max(1);
            for (other, w) in list.iter().skip(doc % stride).step_by(stride) {
                if *other as usize != doc {
                    if scores[*other as usize] == 0.0 {
                        touched.push(*other);
                    }
                    scores[*other as usize] += weight * w;
                }
            }
        }
        for (other, score) in nearest(&mut touched, &scores) {
            edges.push((
                doc.min(other as usize) as u32,
                doc.max(other as usize) as u32,
                score,
            ));
        }
        for other in touched.drain(..) {
            scores[other as usize] = 0.0;
        }
    }
    Graph::from_edges(n, edges)
}

/// The best `NEIGHBOURS` of the touched comments by score (ties: lower id).
fn nearest(touched: &mut [u32], scores: &[f32]) -> Vec<(u32, f32)> {
    let by_score = |a: &u32, b: &u32| {
        scores[*b as usize]
            .total_cmp(&scores[*a as usize])
            .then(a.cmp(b))
    };
    if touched.len() > NEIGHBOURS {
        touched.select_nth_unstable_by(NEIGHBOURS, by_score);
    }
    let keep = touched.len().min(NEIGHBOURS);
    let best = &mut touched[..keep];
    best.sort_unstable_by(by_score);
    best.iter()
        .map(|other| (*other, scores[*other as usize]))
        .filter(|(_, score)| *score >= MIN_SIMILARITY)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_sample_has_no_communities() {
        let vectors = Vectors {
            rows: Vec::new(),
            df: Vec::new(),
        };
        assert!(communities(&vectors).is_empty());
    }

    #[test]
    fn comments_sharing_terms_are_neighbours() {
        let row = |terms: &[u32]| -> Vec<(u32, f32)> {
            let w = 1.0 / (terms.len() as f32).sqrt();
            terms.iter().map(|t| (*t, w)).collect()
        };
        let mut rows = Vec::new();
        for at in 0..12u32 {
            rows.push(if at % 2 == 0 {
                row(&[0, 1 + at % 3])
            } else {
                row(&[5, 6 + at % 3])
            });
        }
        let vectors = Vectors {
            rows,
            df: vec![6; 9],
        };
        let groups = communities(&vectors);
        assert_eq!(groups.len(), 2, "{groups:?}");
        assert!(groups.iter().all(|g| g.iter().all(|d| d % 2 == g[0] % 2)));
    }
}
