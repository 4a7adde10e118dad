// format! and friends: width, fill, alignment, precision, signs, radix,
// exponents, Debug and pretty Debug of nested data, and custom Display.
// run:
// exit: 0
use std::collections::BTreeMap;
use std::fmt;

#[derive(Debug, Clone, PartialEq)]
enum Shape {
    Circle { radius: f64 },
    Rect(f64, f64),
    Empty,
}

#[derive(Debug)]
#[allow(dead_code)] // read only through Debug
struct Scene {
    name: String,
    shapes: Vec<Shape>,
    tags: BTreeMap<&'static str, u32>,
    origin: (i32, i32),
    note: Option<&'static str>,
}

struct Money(i64);

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let cents = self.0.abs();
        let text = format!("{}{}.{:02}", sign, cents / 100, cents % 100);
        f.pad(&text)
    }
}

fn main() {
    for v in [0i64, 7, -42, 255, i64::MAX, i64::MIN] {
        println!("[{:6}] [{:<6}] [{:^8}] [{:+}] [{:08}] [{:x}] [{:#X}] [{:#o}] [{:#b}]", v, v, v, v, v, v, v, v, v & 0xff);
    }
    for v in [0.0f64, -0.0, 1.0, 0.1, 1.0 / 3.0, 2.5e-8, 6.02214076e23, f64::MAX, f64::MIN_POSITIVE, 5e-324] {
        println!("{} | {:?} | {:.3} | {:10.2e} | {:e} | {:>12}", v, v, v, v, v, v);
    }
    println!("{} {} {}", f64::NAN, f64::INFINITY, -f64::INFINITY);
    for v in [1.5f32, 0.1, 16777217.0, f32::EPSILON] {
        println!("f32 {} {:?} {:e}", v, v, v);
    }
    println!("[{:*^20}] [{:-<10}] [{:>10.3}] [{:?}] [{:?}]", "centre", "left", "truncated", "quote\"d\n", 'é');
    let width = 12;
    let precision = 4;
    println!("[{:>width$.precision$}] [{:>1$}] [{:.*}]", 3.14159265, 8, 2, 2.71828, width = width, precision = precision);
    let mut tags = BTreeMap::new();
    tags.insert("layer", 3);
    tags.insert("alpha", 1);
    let scene = Scene {
        name: "demo".to_string(),
        shapes: vec![Shape::Circle { radius: 1.5 }, Shape::Rect(2.0, 3.0), Shape::Empty],
        tags,
        origin: (-1, 4),
        note: None,
    };
    println!("{:?}", scene);
    println!("{:#?}", scene);
    for cents in [0i64, 5, 1234, -99999, 100000000] {
        println!("[{}] [{:>12}] [{:<12}]", Money(cents), Money(cents), Money(cents));
    }
    let words = vec!["alpha", "beta", "gamma"];
    let joined = words.iter().enumerate().map(|(i, w)| format!("{}={}", i, w)).collect::<Vec<_>>().join(", ");
    eprintln!("to stderr: {}", joined);
    println!("{}", joined);
    println!("{:?} {:?} {:?}", Some(Shape::Empty), Ok::<u8, String>(3), Err::<u8, String>("bad".into()));
    println!("{:?}", (1u8, -2i16, 3u32, "four", [5.0f32; 2], ()));
}
