// Recursion in Rust: a recursive-descent parser and evaluator for arithmetic
// (nested 1000 deep), a boxed binary tree, permutations by backtracking,
// and memoised edit distance.
// run:
// exit: 0
use std::collections::HashMap;

#[derive(Debug)]
enum Expr {
    Num(i64),
    Add(Box<Expr>, Box<Expr>),
    Sub(Box<Expr>, Box<Expr>),
    Mul(Box<Expr>, Box<Expr>),
    Neg(Box<Expr>),
}

struct Parser<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Parser<'a> {
    fn expr(&mut self) -> Expr {
        let mut left = self.term();
        while self.at < self.bytes.len() && (self.bytes[self.at] == b'+' || self.bytes[self.at] == b'-') {
            let op = self.bytes[self.at];
            self.at += 1;
            let right = self.term();
            left = if op == b'+' { Expr::Add(Box::new(left), Box::new(right)) } else { Expr::Sub(Box::new(left), Box::new(right)) };
        }
        left
    }
    fn term(&mut self) -> Expr {
        let mut left = self.factor();
        while self.at < self.bytes.len() && self.bytes[self.at] == b'*' {
            self.at += 1;
            left = Expr::Mul(Box::new(left), Box::new(self.factor()));
        }
        left
    }
    fn factor(&mut self) -> Expr {
        match self.bytes[self.at] {
            b'(' => {
                self.at += 1;
                let inner = self.expr();
                self.at += 1;
                inner
            }
            b'-' => {
                self.at += 1;
                Expr::Neg(Box::new(self.factor()))
            }
            _ => {
                let start = self.at;
                while self.at < self.bytes.len() && self.bytes[self.at].is_ascii_digit() {
                    self.at += 1;
                }
                Expr::Num(std::str::from_utf8(&self.bytes[start..self.at]).unwrap().parse().unwrap())
            }
        }
    }
}

fn eval(e: &Expr) -> i64 {
    match e {
        Expr::Num(n) => *n,
        Expr::Add(a, b) => eval(a).wrapping_add(eval(b)),
        Expr::Sub(a, b) => eval(a).wrapping_sub(eval(b)),
        Expr::Mul(a, b) => eval(a).wrapping_mul(eval(b)) % 1_000_000_007,
        Expr::Neg(a) => -eval(a),
    }
}

fn depth(e: &Expr) -> usize {
    match e {
        Expr::Num(_) => 1,
        Expr::Neg(a) => 1 + depth(a),
        Expr::Add(a, b) | Expr::Sub(a, b) | Expr::Mul(a, b) => 1 + depth(a).max(depth(b)),
    }
}

enum Tree {
    Leaf,
    Node(Box<Tree>, u32, Box<Tree>),
}

fn insert(tree: Tree, key: u32) -> Tree {
    match tree {
        Tree::Leaf => Tree::Node(Box::new(Tree::Leaf), key, Box::new(Tree::Leaf)),
        Tree::Node(l, k, r) if key < k => Tree::Node(Box::new(insert(*l, key)), k, r),
        Tree::Node(l, k, r) => Tree::Node(l, k, Box::new(insert(*r, key))),
    }
}

fn walk(tree: &Tree, out: &mut Vec<u32>) -> usize {
    match tree {
        Tree::Leaf => 0,
        Tree::Node(l, k, r) => {
            let left = walk(l, out);
            out.push(*k);
            1 + left.max(walk(r, out))
        }
    }
}

fn permutations(items: &mut Vec<char>, k: usize, out: &mut Vec<String>) {
    if k == items.len() {
        out.push(items.iter().collect());
        return;
    }
    for i in k..items.len() {
        items.swap(k, i);
        permutations(items, k + 1, out);
        items.swap(k, i);
    }
}

fn edit(a: &[u8], b: &[u8], memo: &mut HashMap<(usize, usize), usize>) -> usize {
    if a.is_empty() || b.is_empty() {
        return a.len() + b.len();
    }
    if let Some(&d) = memo.get(&(a.len(), b.len())) {
        return d;
    }
    let d = if a[0] == b[0] {
        edit(&a[1..], &b[1..], memo)
    } else {
        1 + edit(&a[1..], b, memo).min(edit(a, &b[1..], memo)).min(edit(&a[1..], &b[1..], memo))
    };
    memo.insert((a.len(), b.len()), d);
    d
}

fn main() {
    let mut text = String::new();
    for i in 0..1000 {
        text.push_str(&format!("({}*", i % 9 + 1));
    }
    text.push('2');
    text.push_str(&")".repeat(1000));
    text.push_str("-(3+4*-5)");
    let expr = Parser { bytes: text.as_bytes(), at: 0 }.expr();
    println!("nested expression: value {}, depth {}", eval(&expr), depth(&expr));
    let small = Parser { bytes: b"2*(3+4)*-(5-7)+8", at: 0 }.expr();
    println!("{:?} = {}", small, eval(&small));
    let mut tree = Tree::Leaf;
    let mut seed = 99u32;
    for _ in 0..3000 {
        seed = seed.wrapping_mul(1664525).wrapping_add(1013904223);
        tree = insert(tree, seed >> 12);
    }
    let mut keys = Vec::new();
    let height = walk(&tree, &mut keys);
    println!("tree: {} keys, height {}, sorted {}", keys.len(), height, keys.windows(2).all(|w| w[0] <= w[1]));
    let mut out = Vec::new();
    permutations(&mut "wasmc".chars().collect(), 0, &mut out);
    out.sort();
    out.dedup();
    println!("{} distinct permutations, first {:?}, last {:?}", out.len(), out[0], out[out.len() - 1]);
    let mut memo = HashMap::new();
    println!("edit distance {}", edit(b"the webassembly compiler", b"a wasm to c compiler tool", &mut memo));
}
