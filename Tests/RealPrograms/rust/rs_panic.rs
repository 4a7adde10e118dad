// Rust panics and aborts must trap cleanly: the panic message on stderr, then
// `unreachable` through abort. Also process::exit and the normal path.
// run: index
// exit: 134
// run: unwrap
// exit: 134
// run: overflow
// exit: 134
// run: divide
// exit: 134
// run: explicit
// exit: 134
// run: refcell
// exit: 134
// run: abort
// exit: 134
// run: exit
// exit: 7
// run: fine
// exit: 0
// explicit: yes
use std::cell::RefCell;
use std::collections::HashMap;

fn lookup(table: &HashMap<&str, i32>, key: &str) -> i32 {
    *table.get(key).unwrap()
}

fn main() {
    let mode = std::env::args().nth(1).unwrap_or_default();
    let numbers = vec![10, 20, 30];
    let arguments = std::env::args().count();
    let mut table = HashMap::new();
    table.insert("one", 1);
    println!("mode {}, sum {}", mode, numbers.iter().sum::<i32>());
    match mode.as_str() {
        "index" => println!("{}", numbers[arguments + 3]),
        "unwrap" => println!("{}", lookup(&table, "two")),
        "overflow" => {
            let mut x: u8 = 250;
            for _ in 0..arguments * 5 {
                x += 1;
            }
            println!("{}", x);
        }
        "divide" => println!("{}", 100 / (arguments as i32 - 2)),
        "explicit" => panic!("invariant broken: {} items, expected {}", numbers.len(), 4),
        "refcell" => {
            let cell = RefCell::new(vec![1]);
            let first = cell.borrow_mut();
            let second = cell.borrow_mut();
            println!("{:?} {:?}", first, second);
        }
        "abort" => {
            eprintln!("aborting");
            std::process::abort();
        }
        "exit" => {
            eprintln!("exit with 7");
            std::process::exit(7);
        }
        _ => println!("fine: {}", lookup(&table, "one")),
    }
}
