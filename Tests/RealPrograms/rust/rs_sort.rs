// Sorting and searching in Rust: sort, sort_unstable, sort_by_key with
// tuples, a hand-written merge sort and quickselect checked against them,
// binary_search, dedup, windows and chunks, over a generated data set.
// run: 200000
// exit: 0
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Order {
    customer: u32,
    day: u16,
    amount: u64,
}

fn merge_sort<T: Ord + Clone>(items: &mut [T]) {
    let n = items.len();
    if n < 2 {
        return;
    }
    let mid = n / 2;
    merge_sort(&mut items[..mid]);
    merge_sort(&mut items[mid..]);
    let mut merged = Vec::with_capacity(n);
    let (mut i, mut j) = (0, mid);
    while i < mid && j < n {
        if items[j] < items[i] {
            merged.push(items[j].clone());
            j += 1;
        } else {
            merged.push(items[i].clone());
            i += 1;
        }
    }
    merged.extend_from_slice(&items[i..mid]);
    merged.extend_from_slice(&items[j..]);
    items.clone_from_slice(&merged);
}

fn quickselect(items: &mut [u64], k: usize) -> u64 {
    let (mut lo, mut hi) = (0, items.len() - 1);
    loop {
        if lo == hi {
            return items[lo];
        }
        let pivot = items[(lo + hi) / 2];
        let (mut i, mut j) = (lo, hi);
        while i <= j {
            while items[i] < pivot {
                i += 1;
            }
            while items[j] > pivot {
                j -= 1;
            }
            if i <= j {
                items.swap(i, j);
                i += 1;
                if j == 0 {
                    break;
                }
                j -= 1;
            }
        }
        if k <= j {
            hi = j;
        } else if k >= i {
            lo = i;
        } else {
            return items[k];
        }
    }
}

fn main() {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1000);
    let mut state = 0x2545F4914F6CDD1Du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let orders: Vec<Order> =
        (0..n).map(|_| { let r = next(); Order { customer: (r % 5000) as u32, day: (r >> 20) as u16 % 365, amount: (r >> 32) % 100_000 } }).collect();
    let mut a = orders.clone();
    a.sort();
    let mut b = orders.clone();
    merge_sort(&mut b);
    println!("sort and merge sort agree: {}", a == b);
    let mut by_amount = orders.clone();
    by_amount.sort_by_key(|o| (std::cmp::Reverse(o.amount), o.customer, o.day));
    println!("largest orders: {:?}", &by_amount[..3]);
    let mut amounts: Vec<u64> = orders.iter().map(|o| o.amount).collect();
    let median = quickselect(&mut amounts.clone(), n / 2);
    amounts.sort_unstable();
    println!("median {} (quickselect) {} (sorted)", median, amounts[n / 2]);
    let before = amounts.len();
    amounts.dedup();
    println!("distinct amounts {} of {}", amounts.len(), before);
    for probe in [0u64, 50_000, 99_999, 123_456] {
        println!("binary_search({}) = {:?}", probe, amounts.binary_search(&probe).map_err(|e| e.min(amounts.len())).is_ok());
    }
    let best_week = a
        .iter()
        .map(|o| o.amount)
        .collect::<Vec<_>>()
        .windows(7)
        .map(|w| w.iter().sum::<u64>())
        .max()
        .unwrap();
    let chunk_sums: Vec<u64> = a.chunks(n / 8).map(|c| c.iter().map(|o| o.amount).sum()).collect();
    println!("best 7-window {}, chunk sums {:?}", best_week, chunk_sums);
    let mut per_customer = vec![0u64; 5000];
    for o in &orders {
        per_customer[o.customer as usize] += o.amount;
    }
    let top = per_customer.iter().enumerate().max_by_key(|&(i, &total)| (total, std::cmp::Reverse(i))).unwrap();
    println!("top customer {} with {}", top.0, top.1);
    let mut words = vec!["pear", "Apple", "fig", "banana", "apple", "Fig", "cherry"];
    words.sort_by(|x, y| x.to_lowercase().cmp(&y.to_lowercase()).then(x.cmp(y)));
    println!("{:?}", words);
}
