;; The imports a fuzzed module may take (wasm-tools smith --available-imports). difffuzz.py
;; (wasmtime) and driver.c (wasmc) provide the same: add(a, b) = a * 3 + b (mod 2^32),
;; mix(j, d) = j xor the bits of d, nop; g_i32 = 0x12345678, g_mut_i64 = 7, g_f64 = pi;
;; a memory of 1 page (at most 2) and a funcref table of 4 (at most 8), all fresh per instance.
;; Modules generated with memory64 are also offered "mem64", a 64-bit memory of 1 page (at
;; most 2), which difffuzz.py adds to this text (HOST_MEMORY64).
(module
  (import "host" "add" (func (param i32 i32) (result i32)))
  (import "host" "mix" (func (param i64 f64) (result i64)))
  (import "host" "nop" (func))
  (import "host" "g_i32" (global i32))
  (import "host" "g_mut_i64" (global (mut i64)))
  (import "host" "g_f64" (global f64))
  (import "host" "mem" (memory 1 2))
  (import "host" "tab" (table 4 8 funcref)))
