// f64 in Rust: std's math (through wasi-libc's libm), shortest round-trip
// printing, parsing, integer conversions that saturate, and a simulation of a
// damped pendulum with RK4.
// run:
// exit: 0
// explicit: yes
fn main() {
    let xs = [-2.75f64, -1.0, -1e-9, 0.3, 1.0, 2.0, std::f64::consts::PI, 12.5, 1e10];
    for &x in &xs {
        println!(
            "x={:?} sin={:?} cos={:?} tan={:?} exp={:?} atan={:?} tanh={:?} cbrt={:?} floor={} round={} fract={:?}",
            x, x.sin(), x.cos(), x.tan(), x.exp(), x.atan(), x.tanh(), x.cbrt(), x.floor(), x.round(), x.fract()
        );
        if x > 0.0 {
            println!(
                "   ln={:?} log10={:?} log2={:?} sqrt={:?} powf={:?} powi={:?} hypot={:?} asinh={:?}",
                x.ln(), x.log10(), x.log2(), x.sqrt(), x.powf(0.37), x.powi(5), x.hypot(0.5), x.asinh()
            );
        }
    }
    for text in ["3.14", "-0", "1e-320", "2.2250738585072014e-308", "inf", "-infinity", "1_0", ".5", "5.", "0x10"] {
        println!("parse {:?} -> {:?}", text, text.parse::<f64>());
    }
    for v in [1e20f64, -1e20, 2.9, -2.9, 255.5, 256.0, -0.5] {
        println!("{} as i32 = {}, as u8 = {}, as i64 = {}", v, v as i32, v as u8, v as i64);
    }
    println!("nan as i32 = {}, inf as u64 = {}", f64::NAN as i32, f64::INFINITY as u64);
    println!("{:?} {:?} {:?}", 0.1 + 0.2, 1.0f64 / 3.0, (2.0f64).sqrt() * (2.0f64).sqrt());
    println!("{:?} {:?}", f64::EPSILON, 1.0f64 + f64::EPSILON / 2.0);
    println!("total_cmp: {:?}", {
        let mut v = vec![3.5, -0.0, 0.0, -7.25, 1e-300, 2.0];
        v.sort_by(|a: &f64, b| a.partial_cmp(b).unwrap());
        v
    });
    println!("min {} max {} clamp {} mul_add {:?} rem {:?} signum {}", 1.5f64.min(-2.0), 1.5f64.max(-2.0),
        7.5f64.clamp(0.0, 5.0), 2.0f64.mul_add(3.0, 0.1), (-7.5f64).rem_euclid(2.0), (-0.0f64).signum());
    let (g, l, damping) = (9.81f64, 1.25f64, 0.15f64);
    let derivative = |theta: f64, omega: f64| (omega, -g / l * theta.sin() - damping * omega);
    let (mut theta, mut omega, dt) = (2.5f64, 0.0f64, 0.001f64);
    for step in 1..=20000 {
        let (k1t, k1o) = derivative(theta, omega);
        let (k2t, k2o) = derivative(theta + dt / 2.0 * k1t, omega + dt / 2.0 * k1o);
        let (k3t, k3o) = derivative(theta + dt / 2.0 * k2t, omega + dt / 2.0 * k2o);
        let (k4t, k4o) = derivative(theta + dt * k3t, omega + dt * k3o);
        theta += dt / 6.0 * (k1t + 2.0 * k2t + 2.0 * k3t + k4t);
        omega += dt / 6.0 * (k1o + 2.0 * k2o + 2.0 * k3o + k4o);
        if step % 4000 == 0 {
            println!("t={:>5.1} theta={:+.12} omega={:+.12}", step as f64 * dt, theta, omega);
        }
    }
    let f: f32 = 16777216.0;
    println!("f32: {} {} {:?} {:?}", f + 1.0, (0.1f32 + 0.2f32), 1.0f32 / 3.0, (2.0f32).powf(0.5));
}
