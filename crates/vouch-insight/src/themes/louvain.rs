//! Louvain community detection (Blondel et al. 2008) on a weighted graph, deterministic: nodes
//! are visited in a fixed order (or an order shuffled by a fixed seed), and a consensus of
//! several such runs smooths out the order's luck.

/// Passes of local moving per level at most.
const MAX_PASSES: usize = 32;

/// An undirected weighted graph, each edge listed at both ends (a loop once).
pub(crate) struct Graph {
    adjacency: Vec<Vec<(u32, f32)>>,
}

impl Graph {
    /// The graph of `n` nodes with these edges; repeated edges add up.
    pub(crate) fn from_edges(n: usize, mut edges: Vec<(u32, u32, f32)>) -> Graph {
        edges.sort_by_key(|edge| (edge.0, edge.1));
        let mut adjacency: Vec<Vec<(u32, f32)>> = vec![Vec::new(); n];
        let mut at = 0;
        while at < edges.len() {
            let (a, b, mut weight) = edges[at];
            at += 1;
            while at < edges.len() && (edges[at].0, edges[at].1) == (a, b) {
                weight += edges[at].2;
                at += 1;
            }
            adjacency[a as usize].push((b, weight));
            if a != b {
                adjacency[b as usize].push((a, weight));
            }
        }
        Graph { adjacency }
    }

    /// The graph of communities: one node per label, edges summed (inner edges become a loop).
    fn aggregate(&self, labels: &[u32], count: usize) -> Graph {
        let mut edges = Vec::new();
        for (node, list) in self.adjacency.iter().enumerate() {
            for (other, weight) in list.iter().filter(|(other, _)| node as u32 <= *other) {
                let (a, b) = (labels[node], labels[*other as usize]);
                edges.push((a.min(b), a.max(b), *weight));
            }
        }
        Graph::from_edges(count, edges)
    }

    fn degrees(&self) -> Vec<f64> {
        self.adjacency
            .iter()
            .enumerate()
            .map(|(node, list)| {
                list.iter()
                    .map(|(other, w)| if *other as usize == node { 2.0 } else { 1.0 } * *w as f64)
                    .sum()
            })
            .collect()
    }
}

/// Louvain in node order: local moving then aggregation, level after level, until nothing
/// moves; returns each node's community, numbered from 0 in order of first node.
pub(crate) fn louvain(graph: &Graph, resolution: f64) -> Vec<u32> {
    louvain_in_order(graph, resolution, 0)
}

/// Louvain run `runs` times, each in an order shuffled by its own fixed seed; links that fewer
/// than `agreement` of the runs put inside one community are dropped, the others weighed by
/// that share, and the resulting graph is cut once more in node order.
pub(crate) fn consensus(graph: &Graph, resolution: f64, runs: u64, agreement: f32) -> Vec<u32> {
    let all: Vec<Vec<u32>> = (1..=runs)
        .map(|seed| louvain_in_order(graph, resolution, seed))
        .collect();
    let mut edges = Vec::new();
    for (node, list) in graph.adjacency.iter().enumerate() {
        for (other, weight) in list.iter().filter(|(other, _)| node as u32 <= *other) {
            let together = all
                .iter()
                .filter(|labels| labels[node] == labels[*other as usize])
                .count() as f32
                / runs.max(1) as f32;
            if together >= agreement {
                edges.push((node as u32, *other, weight * together));
            }
        }
    }
    louvain(&Graph::from_edges(graph.adjacency.len(), edges), resolution)
}

/// A fixed-seed generator (SplitMix64) for visiting orders.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

/// The nodes in order (seed 0) or shuffled by the seed (Fisher–Yates).
fn visiting_order(n: usize, seed: u64) -> Vec<u32> {
    let mut order: Vec<u32> = (0..n as u32).collect();
    if seed != 0 {
        let mut rng = SplitMix(seed);
        for at in (1..n).rev() {
            let other = (rng.next() % (at as u64 + 1)) as usize;
            order.swap(at, other);
        }
    }
    order
}

fn louvain_in_order(graph: &Graph, resolution: f64, seed: u64) -> Vec<u32> {
    let n = graph.adjacency.len();
    let mut labels: Vec<u32> = (0..n as u32).collect();
    let mut level = Graph {
        adjacency: graph.adjacency.clone(),
    };
    loop {
        let (moved, level_labels, count) = local_moving(&level, resolution, seed);
        if !moved {
            return labels;
        }
        for label in &mut labels {
            *label = level_labels[*label as usize];
        }
        level = level.aggregate(&level_labels, count);
    }
}

/// One level of local moving; returns whether any node moved, the renumbered communities and
/// their count.
fn local_moving(graph: &Graph, resolution: f64, seed: u64) -> (bool, Vec<u32>, usize) {
    let n = graph.adjacency.len();
    let degree = graph.degrees();
    let two_m: f64 = degree.iter().sum();
    let mut community: Vec<u32> = (0..n as u32).collect();
    if two_m == 0.0 {
        return (false, community, n);
    }
    let mut total = degree.clone();
    let mut links = vec![0f64; n];
    let mut touched: Vec<u32> = Vec::new();
    let mut any_moved = false;
    for _ in 0..MAX_PASSES {
        let mut moved = false;
        for node in visiting_order(n, seed)
            .into_iter()
            .map(|node| node as usize)
        {
            let own = community[node];
            for (other, weight) in &graph.adjacency[node] {
                if *other as usize != node {
                    let c = community[*other as usize];
                    if links[c as usize] == 0.0 {
                        touched.push(c);
                    }
                    links[c as usize] += *weight as f64;
                }
            }
            total[own as usize] -= degree[node];
            let share = resolution * degree[node] / two_m;
            let gain = |c: u32| links[c as usize] - share * total[c as usize];
            let mut best = own;
            let mut best_gain = gain(own);
            for c in &touched {
                if gain(*c) > best_gain + 1e-12 {
                    best = *c;
                    best_gain = gain(*c);
                }
            }
            total[best as usize] += degree[node];
            community[node] = best;
            moved |= best != own;
            for c in touched.drain(..) {
                links[c as usize] = 0.0;
            }
        }
        any_moved |= moved;
        if !moved {
            break;
        }
    }
    let (labels, count) = renumber(&community);
    (any_moved, labels, count)
}

/// Labels renumbered 0, 1, … in order of first appearance.
fn renumber(labels: &[u32]) -> (Vec<u32>, usize) {
    let mut map = vec![u32::MAX; labels.len()];
    let mut next = 0;
    let renumbered = labels
        .iter()
        .map(|label| {
            if map[*label as usize] == u32::MAX {
                map[*label as usize] = next;
                next += 1;
            }
            map[*label as usize]
        })
        .collect();
    (renumbered, next as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn two_cliques() -> Graph {
        let mut edges = Vec::new();
        for group in [0u32, 5] {
            for a in group..group + 5 {
                for b in a + 1..group + 5 {
                    edges.push((a, b, 1.0));
                }
            }
        }
        edges.push((4, 5, 0.1));
        Graph::from_edges(10, edges)
    }

    #[test]
    fn louvain_finds_two_cliques_in_any_order() {
        for labels in [
            louvain(&two_cliques(), 1.0),
            louvain_in_order(&two_cliques(), 1.0, 7),
            consensus(&two_cliques(), 1.0, 5, 0.8),
        ] {
            assert!(labels[..5].iter().all(|l| *l == labels[0]));
            assert!(labels[5..].iter().all(|l| *l == labels[5]));
            assert_ne!(labels[0], labels[5]);
        }
    }

    #[test]
    fn a_graph_without_edges_keeps_every_node_alone() {
        let labels = louvain(&Graph::from_edges(3, Vec::new()), 1.0);
        assert_eq!(labels, vec![0, 1, 2]);
    }
}
