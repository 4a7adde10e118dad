// Rust with core::arch::wasm32 SIMD (built with -C target-feature=+simd128):
// a Mandelbrot set four pixels at a time (f32x4 arithmetic, lane masks,
// any_true), a byte search and count (u8x16 eq + bitmask), an i16 dot product
// (i32x4.dot_i16x8_s) and a byte sum (extadd_pairwise), each checked against
// scalar code; plus iterator loops the compiler vectorises itself.
// flags: -C opt-level=3 -C target-feature=+simd128 -C overflow-checks=on
// run:
// run: 320 200 500
// exit: 0
// exit: 0
// explicit: yes
use std::arch::wasm32::*;
use std::env;

fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for &b in bytes {
        h = (h ^ b as u64).wrapping_mul(0x100000001b3);
    }
    h
}

fn mandelbrot_scalar(w: usize, h: usize, max_iter: u32) -> Vec<u32> {
    let mut out = vec![0u32; w * h];
    for y in 0..h {
        let ci = (y as f32) * (2.4 / h as f32) - 1.2;
        for x in 0..w {
            let cr = (x as f32) * (3.2 / w as f32) - 2.2;
            let (mut zr, mut zi, mut n) = (0.0f32, 0.0f32, 0u32);
            while n < max_iter {
                let zr2 = zr * zr;
                let zi2 = zi * zi;
                if !(zr2 + zi2 < 4.0) {
                    break;
                }
                let t = zr2 - zi2 + cr;
                zi = 2.0 * zr * zi + ci;
                zr = t;
                n += 1;
            }
            out[y * w + x] = n;
        }
    }
    out
}

fn mandelbrot_simd(w: usize, h: usize, max_iter: u32) -> Vec<u32> {
    assert!(w % 4 == 0);
    let mut out = vec![0u32; w * h];
    let four = f32x4_splat(4.0);
    let two = f32x4_splat(2.0);
    for y in 0..h {
        let ci = f32x4_splat((y as f32) * (2.4 / h as f32) - 1.2);
        for x in (0..w).step_by(4) {
            let step = 3.2 / w as f32;
            let cr = f32x4_sub(
                f32x4((x as f32) * step, ((x + 1) as f32) * step, ((x + 2) as f32) * step, ((x + 3) as f32) * step),
                f32x4_splat(2.2),
            );
            let (mut zr, mut zi) = (f32x4_splat(0.0), f32x4_splat(0.0));
            let mut counts = i32x4_splat(0);
            for _ in 0..max_iter {
                let zr2 = f32x4_mul(zr, zr);
                let zi2 = f32x4_mul(zi, zi);
                let inside = f32x4_lt(f32x4_add(zr2, zi2), four);
                if !v128_any_true(inside) {
                    break;
                }
                // Lanes still inside count one more and keep iterating; the others freeze.
                counts = i32x4_sub(counts, inside);
                let t = f32x4_add(f32x4_sub(zr2, zi2), cr);
                let nzi = f32x4_add(f32x4_mul(f32x4_mul(two, zr), zi), ci);
                zr = v128_bitselect(t, zr, inside);
                zi = v128_bitselect(nzi, zi, inside);
            }
            out[y * w + x] = u32x4_extract_lane::<0>(counts);
            out[y * w + x + 1] = u32x4_extract_lane::<1>(counts);
            out[y * w + x + 2] = u32x4_extract_lane::<2>(counts);
            out[y * w + x + 3] = u32x4_extract_lane::<3>(counts);
        }
    }
    out
}

fn count_byte_simd(haystack: &[u8], needle: u8) -> (usize, Option<usize>) {
    let splat = u8x16_splat(needle);
    let mut count = 0usize;
    let mut first = None;
    let chunks = haystack.len() / 16;
    for c in 0..chunks {
        // SAFETY: c * 16 + 16 <= haystack.len(), and v128_load takes unaligned addresses.
        let v = unsafe { v128_load(haystack.as_ptr().add(c * 16) as *const v128) };
        let mask = u8x16_bitmask(u8x16_eq(v, splat));
        if mask != 0 {
            if first.is_none() {
                first = Some(c * 16 + mask.trailing_zeros() as usize);
            }
            count += mask.count_ones() as usize;
        }
    }
    for (i, &b) in haystack.iter().enumerate().skip(chunks * 16) {
        if b == needle {
            count += 1;
            if first.is_none() {
                first = Some(i);
            }
        }
    }
    (count, first)
}

fn dot_i16_simd(a: &[i16], b: &[i16]) -> i64 {
    let mut total = 0i64;
    let chunks = a.len() / 8;
    for c in 0..chunks {
        // SAFETY: both slices have at least c * 8 + 8 elements.
        let (va, vb) = unsafe {
            (v128_load(a.as_ptr().add(c * 8) as *const v128), v128_load(b.as_ptr().add(c * 8) as *const v128))
        };
        let d = i32x4_dot_i16x8(va, vb);
        total += i32x4_extract_lane::<0>(d) as i64
            + i32x4_extract_lane::<1>(d) as i64
            + i32x4_extract_lane::<2>(d) as i64
            + i32x4_extract_lane::<3>(d) as i64;
    }
    for i in chunks * 8..a.len() {
        total += a[i] as i64 * b[i] as i64;
    }
    total
}

fn byte_sum_simd(bytes: &[u8]) -> u64 {
    let mut total = 0u64;
    let chunks = bytes.len() / 16;
    for c in 0..chunks {
        // SAFETY: c * 16 + 16 <= bytes.len().
        let v = unsafe { v128_load(bytes.as_ptr().add(c * 16) as *const v128) };
        let s = u32x4_extadd_pairwise_u16x8(u16x8_extadd_pairwise_u8x16(v));
        total += (u32x4_extract_lane::<0>(s) + u32x4_extract_lane::<1>(s) + u32x4_extract_lane::<2>(s)
            + u32x4_extract_lane::<3>(s)) as u64;
    }
    total + bytes[chunks * 16..].iter().map(|&b| b as u64).sum::<u64>()
}

fn main() {
    let args: Vec<String> = env::args().collect();
    let (w, h, iters) = if args.len() > 3 {
        (args[1].parse().unwrap(), args[2].parse().unwrap(), args[3].parse().unwrap())
    } else {
        (128usize, 64usize, 200u32)
    };

    let scalar = mandelbrot_scalar(w, h, iters);
    let simd = mandelbrot_simd(w, h, iters);
    let bytes: Vec<u8> = simd.iter().flat_map(|n| n.to_le_bytes()).collect();
    let inside = simd.iter().filter(|&&n| n == iters).count();
    println!(
        "mandelbrot {}x{} ({} iterations): {}, {} points inside, fnv1a {:016x}",
        w,
        h,
        iters,
        if scalar == simd { "simd == scalar" } else { "MISMATCH" },
        inside,
        fnv1a(&bytes)
    );

    let mut seed = 77u32;
    let mut next = move || {
        seed = seed.wrapping_mul(1664525).wrapping_add(1013904223);
        seed
    };
    let text: Vec<u8> = (0..w * h * 8 + 5).map(|_| b"abcdefgh ,.\n0123"[(next() >> 28) as usize]).collect();
    let (count, first) = count_byte_simd(&text, b'\n');
    let expected_count = text.iter().filter(|&&b| b == b'\n').count();
    let expected_first = text.iter().position(|&b| b == b'\n');
    println!(
        "newlines: {} (first at {:?}){}",
        count,
        first,
        if count == expected_count && first == expected_first { "" } else { " MISMATCH" }
    );

    let a: Vec<i16> = (0..w * h + 3).map(|_| (next() >> 16) as i16).collect();
    let b: Vec<i16> = (0..w * h + 3).map(|_| (next() >> 16) as i16).collect();
    let dot = dot_i16_simd(&a, &b);
    let expected_dot: i64 = a.iter().zip(&b).map(|(&x, &y)| x as i64 * y as i64).sum();
    println!("dot i16: {}{}", dot, if dot == expected_dot { "" } else { " MISMATCH" });

    let sum = byte_sum_simd(&text);
    let expected_sum: u64 = text.iter().map(|&b| b as u64).sum();
    println!("byte sum: {}{}", sum, if sum == expected_sum { "" } else { " MISMATCH" });

    // Loops left to the compiler's vectoriser.
    let squares: Vec<u32> = (0..(w * h) as u32).map(|i| (i ^ (i >> 3)).wrapping_mul(i | 1)).collect();
    let clamped: Vec<u8> = squares.iter().map(|&v| (v >> 7).min(255) as u8).collect();
    println!(
        "vectorised loops: {} {:016x}",
        squares.iter().fold(0u32, |acc, &v| acc.wrapping_add(v)),
        fnv1a(&clamped)
    );
}
