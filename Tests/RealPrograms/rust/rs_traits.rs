// Traits and generics: trait objects (dynamic dispatch through the table),
// generic functions with bounds, iterator adaptors and a custom iterator,
// closures in boxes, Rc<RefCell> shared state, and operator overloading.
// run:
// exit: 0
use std::cell::RefCell;
use std::fmt;
use std::ops::{Add, Mul};
use std::rc::Rc;

trait Account {
    fn name(&self) -> String;
    fn balance(&self) -> i64;
    fn apply(&mut self, amount: i64) -> Result<(), String>;
}

struct Checking {
    owner: String,
    cents: i64,
    overdraft: i64,
}

struct Savings {
    owner: String,
    cents: i64,
    withdrawals: u32,
}

impl Account for Checking {
    fn name(&self) -> String {
        format!("checking:{}", self.owner)
    }
    fn balance(&self) -> i64 {
        self.cents
    }
    fn apply(&mut self, amount: i64) -> Result<(), String> {
        if self.cents + amount < -self.overdraft {
            return Err(format!("{} would exceed overdraft", amount));
        }
        self.cents += amount;
        Ok(())
    }
}

impl Account for Savings {
    fn name(&self) -> String {
        format!("savings:{}", self.owner)
    }
    fn balance(&self) -> i64 {
        self.cents
    }
    fn apply(&mut self, amount: i64) -> Result<(), String> {
        if amount < 0 {
            if self.withdrawals >= 3 {
                return Err("withdrawal limit".to_string());
            }
            self.withdrawals += 1;
        }
        if self.cents + amount < 0 {
            return Err("insufficient funds".into());
        }
        self.cents += amount;
        Ok(())
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
struct Matrix2([[i64; 2]; 2]);

impl Mul for Matrix2 {
    type Output = Matrix2;
    fn mul(self, o: Matrix2) -> Matrix2 {
        let a = self.0;
        let b = o.0;
        Matrix2([
            [a[0][0] * b[0][0] + a[0][1] * b[1][0], a[0][0] * b[0][1] + a[0][1] * b[1][1]],
            [a[1][0] * b[0][0] + a[1][1] * b[1][0], a[1][0] * b[0][1] + a[1][1] * b[1][1]],
        ])
    }
}

#[derive(Clone, Copy, Debug, Default)]
struct Vec2 {
    x: f64,
    y: f64,
}

impl Add for Vec2 {
    type Output = Vec2;
    fn add(self, o: Vec2) -> Vec2 {
        Vec2 { x: self.x + o.x, y: self.y + o.y }
    }
}

impl fmt::Display for Vec2 {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "<{:.3}, {:.3}>", self.x, self.y)
    }
}

fn power<T: Mul<Output = T> + Copy>(base: T, identity: T, mut exponent: u32) -> T {
    let (mut result, mut square) = (identity, base);
    while exponent > 0 {
        if exponent & 1 == 1 {
            result = result * square;
        }
        exponent >>= 1;
        if exponent > 0 {
            square = square * square;
        }
    }
    result
}

fn largest<T: PartialOrd + Copy>(items: &[T]) -> Option<T> {
    items.iter().copied().fold(None, |best, x| match best {
        Some(b) if b >= x => Some(b),
        _ => Some(x),
    })
}

struct Collatz(u64);

impl Iterator for Collatz {
    type Item = u64;
    fn next(&mut self) -> Option<u64> {
        if self.0 == 1 {
            return None;
        }
        self.0 = if self.0 % 2 == 0 { self.0 / 2 } else { 3 * self.0 + 1 };
        Some(self.0)
    }
}

fn main() {
    let mut accounts: Vec<Box<dyn Account>> = vec![
        Box::new(Checking { owner: "ada".into(), cents: 10_000, overdraft: 5_000 }),
        Box::new(Savings { owner: "bob".into(), cents: 50_000, withdrawals: 0 }),
        Box::new(Checking { owner: "cy".into(), cents: 0, overdraft: 0 }),
    ];
    let operations = [-12_000i64, -4_000, 2_500, -1_000, -30_000, 700, -900];
    for (i, amount) in operations.iter().enumerate() {
        for account in accounts.iter_mut() {
            if let Err(reason) = account.apply(*amount * (i as i64 % 2 + 1)) {
                println!("{} refused {}: {}", account.name(), amount, reason);
            }
        }
    }
    for account in &accounts {
        println!("{} = {}", account.name(), account.balance());
    }
    let fib = power(Matrix2([[1, 1], [1, 0]]), Matrix2([[1, 0], [0, 1]]), 90);
    println!("fib(90) = {}", fib.0[0][1]);
    println!("3^39 = {}, 1.0001^10000 = {:.6}", power(3i64, 1, 39), power(1.0001f64, 1.0, 10000));
    println!("largest {:?} {:?} {:?}", largest(&[3, 9, 2]), largest(&[0.5, -1.0]), largest::<u8>(&[]));
    let longest = (1..3000u64).map(|n| (Collatz(n).count(), n)).max().unwrap();
    println!("longest collatz below 3000: {} steps from {}", longest.0, longest.1);
    let squares: Vec<u64> = (1..=30).filter(|n| n % 3 != 0).map(|n| n * n).skip(2).step_by(3).collect();
    let (small, large): (Vec<u64>, Vec<u64>) = squares.iter().partition(|&&s| s < 300);
    println!("{:?} | {:?} | zipped {:?}", small, large, small.iter().zip(large.iter()).map(|(a, b)| b - a).collect::<Vec<_>>());
    let total = Rc::new(RefCell::new(Vec2::default()));
    let mut pushes: Vec<Box<dyn Fn(f64)>> = Vec::new();
    for k in 1..=4 {
        let total = Rc::clone(&total);
        pushes.push(Box::new(move |t: f64| {
            let step = Vec2 { x: (t * k as f64).cos(), y: (t / k as f64).sin() };
            let current = *total.borrow();
            *total.borrow_mut() = current + step;
        }));
    }
    for step in 0..100 {
        for push in &pushes {
            push(step as f64 * 0.1);
        }
    }
    println!("sum of pushes {}, shared by {} owners", total.borrow(), Rc::strong_count(&total));
}
