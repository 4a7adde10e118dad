// std::collections on real tasks: word frequencies (HashMap, sorted output),
// an ordered index (BTreeMap/BTreeSet ranges), Dijkstra with BinaryHeap, a
// sliding window with VecDeque, and set algebra with HashSet.
// run:
// exit: 0
// explicit: yes
use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashMap, HashSet, VecDeque};

const TEXT: &str = "It is a truth universally acknowledged, that a single man in possession of a good fortune, \
must be in want of a wife. However little known the feelings or views of such a man may be on his first \
entering a neighbourhood, this truth is so well fixed in the minds of the surrounding families, that he is \
considered the rightful property of some one or other of their daughters.";

fn dijkstra(edges: &[(usize, usize, u64)], nodes: usize, source: usize) -> Vec<Option<u64>> {
    let mut adjacency = vec![Vec::new(); nodes];
    for &(a, b, w) in edges {
        adjacency[a].push((b, w));
        adjacency[b].push((a, w));
    }
    let mut distance = vec![None; nodes];
    let mut heap = BinaryHeap::new();
    heap.push(Reverse((0u64, source)));
    while let Some(Reverse((d, node))) = heap.pop() {
        if distance[node].is_some() {
            continue;
        }
        distance[node] = Some(d);
        for &(next, w) in &adjacency[node] {
            if distance[next].is_none() {
                heap.push(Reverse((d + w, next)));
            }
        }
    }
    distance
}

fn main() {
    let words: Vec<String> = TEXT
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase())
        .collect();
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for w in &words {
        *counts.entry(w.as_str()).or_insert(0) += 1;
    }
    let mut ranked: Vec<(&str, usize)> = counts.iter().map(|(w, c)| (*w, *c)).collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    println!("{} words, {} distinct", words.len(), counts.len());
    for (w, c) in ranked.iter().take(6) {
        println!("{:>8} {}", w, c);
    }
    let mut by_length: BTreeMap<usize, BTreeSet<&str>> = BTreeMap::new();
    for w in &words {
        by_length.entry(w.len()).or_default().insert(w.as_str());
    }
    for (length, set) in by_length.range(7..) {
        println!("length {}: {:?}", length, set);
    }
    let index: BTreeSet<&str> = words.iter().map(|w| w.as_str()).collect();
    println!("between f and m: {:?}", index.range("f".."m").collect::<Vec<_>>());
    let mut edges = Vec::new();
    let mut seed = 17u64;
    for i in 0..400usize {
        for _ in 0..3 {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            edges.push((i, (seed >> 33) as usize % 400, (seed >> 20) % 100 + 1));
        }
    }
    let distances = dijkstra(&edges, 400, 0);
    let reachable = distances.iter().filter(|d| d.is_some()).count();
    let farthest = distances.iter().enumerate().filter_map(|(i, d)| d.map(|d| (d, i))).max().unwrap();
    println!("dijkstra: {} reachable, farthest node {} at {}", reachable, farthest.1, farthest.0);
    let mut window = VecDeque::new();
    let mut best = (0usize, 0usize);
    for (i, w) in words.iter().enumerate() {
        window.push_back(w.len());
        if window.len() > 5 {
            window.pop_front();
        }
        let sum: usize = window.iter().sum();
        if sum > best.0 {
            best = (sum, i);
        }
    }
    println!("longest 5-word window ends at {} with {} letters", best.1, best.0);
    let evens: HashSet<u32> = (0..200).filter(|n| n % 2 == 0).collect();
    let squares: HashSet<u32> = (0..15).map(|n| n * n).collect();
    let mut both: Vec<_> = evens.intersection(&squares).copied().collect();
    both.sort_unstable();
    let mut only_squares: Vec<_> = squares.difference(&evens).copied().collect();
    only_squares.sort_unstable();
    println!("even squares {:?}\nodd squares {:?}", both, only_squares);
    let mut big: HashMap<u64, u64> = HashMap::new();
    for i in 0..50000u64 {
        big.insert(i.wrapping_mul(0x9e3779b97f4a7c15), i);
    }
    big.retain(|_, v| *v % 3 != 0);
    let total: u64 = big.values().sum();
    println!("hashmap: {} entries, sum {}", big.len(), total);
}
