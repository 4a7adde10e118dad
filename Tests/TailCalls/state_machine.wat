;; A tail-recursive state machine: a tokenizer over a pseudo-random byte stream, in which
;; every state is a function and every transition a tail call (return_call between states of
;; different signatures, return_call_indirect through a table of the states that start a
;; token). It runs N transitions, each one tail call, and prints a checksum of the tokens it
;; saw; with N = 10^8 it finishes only if the tail calls keep the native stack constant.
;; Usage: state_machine [N]   (default 100000000)
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
  (memory (export "memory") 1)

  ;; The states that start a token, chosen by the top two bits of the next byte.
  (type $start (func (param i64 i32 i64 i32) (result i64 i32)))
  (table 4 funcref)
  (elem (i32.const 0) $space $letter $digit $punct)

  ;; The byte stream: a 32-bit linear congruential generator.
  (func $next (param i32) (result i32)
    (i32.add (i32.mul (local.get 0) (i32.const 1664525)) (i32.const 1013904223)))

  ;; Between tokens: read a byte and jump to the state its class starts.
  (func $dispatch (param $n i64) (param $x i32) (param $acc i64) (result i64 i32)
    (if (i64.eqz (local.get $n)) (then (return (local.get $acc) (local.get $x))))
    (local.set $x (call $next (local.get $x)))
    (return_call_indirect (type $start)
      (i64.sub (local.get $n) (i64.const 1)) (local.get $x) (local.get $acc)
      (i32.shr_u (local.get $x) (i32.const 24))
      (i32.shr_u (local.get $x) (i32.const 30))))

  (func $space (type $start)
    (if (i64.eqz (local.get 0)) (then (return (local.get 2) (local.get 1))))
    (return_call $dispatch
      (i64.sub (local.get 0) (i64.const 1)) (local.get 1) (i64.add (local.get 2) (i64.const 1))))

  (func $letter (type $start)
    (if (i64.eqz (local.get 0)) (then (return (local.get 2) (local.get 1))))
    (return_call $word
      (i64.sub (local.get 0) (i64.const 1)) (local.get 1) (local.get 2)
      (f64.convert_i32_u (local.get 3)) (i64.const 1) (local.get 3) (i32.and (local.get 3) (i32.const 7))))

  ;; Inside a word: seven parameters, two of them beyond the five that travel in registers.
  (func $word (param $n i64) (param $x i32) (param $acc i64) (param $weight f64) (param $length i64)
              (param $hash i32) (param $shift i32) (result i64 i32)
    (if (i64.eqz (local.get $n)) (then (return (local.get $acc) (local.get $x))))
    (local.set $x (call $next (local.get $x)))
    (if (i32.eq (i32.shr_u (local.get $x) (i32.const 30)) (i32.const 1))
      (then
        (return_call $word
          (i64.sub (local.get $n) (i64.const 1)) (local.get $x) (local.get $acc)
          (f64.add (f64.mul (local.get $weight) (f64.const 0.75)) (f64.convert_i32_u (local.get $shift)))
          (i64.add (local.get $length) (i64.const 1))
          (i32.add (i32.mul (local.get $hash) (i32.const 31)) (i32.shr_u (local.get $x) (i32.const 24)))
          (i32.and (i32.shr_u (local.get $x) (i32.const 27)) (i32.const 7)))))
    ;; The word ends: fold it into the checksum and start the next token.
    (local.set $acc
      (i64.add
        (i64.add (i64.mul (local.get $acc) (i64.const 1000003)) (i64.mul (local.get $length) (i64.const 7919)))
        (i64.add (i64.extend_i32_u (local.get $hash)) (i64.trunc_sat_f64_s (local.get $weight)))))
    (return_call_indirect (type $start)
      (i64.sub (local.get $n) (i64.const 1)) (local.get $x) (local.get $acc)
      (i32.shr_u (local.get $x) (i32.const 24))
      (i32.shr_u (local.get $x) (i32.const 30))))

  (func $digit (type $start)
    (if (i64.eqz (local.get 0)) (then (return (local.get 2) (local.get 1))))
    (return_call $number
      (i64.sub (local.get 0) (i64.const 1)) (f32.convert_i32_u (i32.and (local.get 3) (i32.const 9)))
      (local.get 1) (local.get 2)))

  ;; Inside a number: its value so far in an f32 (it carries a float across the calls).
  (func $number (param $n i64) (param $value f32) (param $x i32) (param $acc i64) (result i64 i32)
    (if (i64.eqz (local.get $n)) (then (return (local.get $acc) (local.get $x))))
    (local.set $x (call $next (local.get $x)))
    (if (i32.eq (i32.shr_u (local.get $x) (i32.const 30)) (i32.const 2))
      (then
        (return_call $number
          (i64.sub (local.get $n) (i64.const 1))
          (f32.add (f32.mul (local.get $value) (f32.const 10)) (f32.convert_i32_u (i32.shr_u (local.get $x) (i32.const 28))))
          (local.get $x) (local.get $acc))))
    (return_call $dispatch
      (i64.sub (local.get $n) (i64.const 1)) (local.get $x)
      (i64.xor (i64.rotl (local.get $acc) (i64.const 5)) (i64.trunc_sat_f32_u (local.get $value)))))

  (func $punct (type $start)
    (if (i64.eqz (local.get 0)) (then (return (local.get 2) (local.get 1))))
    (return_call $dispatch
      (i64.sub (local.get 0) (i64.const 1)) (local.get 1)
      (i64.xor (i64.rotl (local.get 2) (i64.extend_i32_u (local.get 3))) (i64.extend_i32_u (local.get 1)))))

  ;; ---- Output: "transitions N\nchecksum C\nstate S\n" ----
  ;; Memory: 0..16 iovec and count, 64.. the line being written, 256.. arguments.
  (func $write (param $length i32)
    (i32.store (i32.const 0) (i32.const 64))
    (i32.store (i32.const 4) (local.get $length))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))

  ;; Writes the label's bytes at 64, then the decimal digits of $value and a newline.
  (func $print (param $label i32) (param $label-length i32) (param $value i64)
    (local $end i32) (local $start i32) (local $digits i32) (local $i i32)
    (memory.copy (i32.const 64) (local.get $label) (local.get $label-length))
    (local.set $start (i32.add (i32.const 64) (local.get $label-length)))
    (local.set $end (i32.add (local.get $start) (i32.const 20)))
    (local.set $i (local.get $end))
    (loop $digit
      (local.set $i (i32.sub (local.get $i) (i32.const 1)))
      (i64.store8 (local.get $i) (i64.add (i64.const 48) (i64.rem_u (local.get $value) (i64.const 10))))
      (local.set $value (i64.div_u (local.get $value) (i64.const 10)))
      (br_if $digit (i64.ne (local.get $value) (i64.const 0))))
    (local.set $digits (i32.sub (local.get $end) (local.get $i)))
    (memory.copy (local.get $start) (local.get $i) (local.get $digits))
    (i32.store8 (i32.add (local.get $start) (local.get $digits)) (i32.const 10))
    (call $write (i32.add (i32.add (local.get $label-length) (local.get $digits)) (i32.const 1))))

  (data (i32.const 128) "transitions checksum state ")

  ;; N from the first argument (decimal digits), else 10^8.
  (func $count (result i64)
    (local $argc i32) (local $p i32) (local $n i64) (local $c i32)
    (drop (call $args_sizes_get (i32.const 16) (i32.const 20)))
    (local.set $argc (i32.load (i32.const 16)))
    (if (i32.lt_u (local.get $argc) (i32.const 2)) (then (return (i64.const 100000000))))
    (if (i32.gt_u (i32.load (i32.const 20)) (i32.const 1024)) (then (return (i64.const 100000000))))
    (drop (call $args_get (i32.const 256) (i32.const 1024)))
    (local.set $p (i32.load (i32.const 260)))
    (block $done
      (loop $digits
        (local.set $c (i32.sub (i32.load8_u (local.get $p)) (i32.const 48)))
        (br_if $done (i32.gt_u (local.get $c) (i32.const 9)))
        (local.set $n (i64.add (i64.mul (local.get $n) (i64.const 10)) (i64.extend_i32_u (local.get $c))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $digits)))
    (local.get $n))

  (func (export "_start")
    (local $n i64) (local $state i32) (local $checksum i64)
    (local.set $n (call $count))
    (call $dispatch (local.get $n) (i32.const 2463534242) (i64.const 0))
    (local.set $state)
    (local.set $checksum)
    (call $print (i32.const 128) (i32.const 12) (local.get $n))
    (call $print (i32.const 140) (i32.const 9) (local.get $checksum))
    (call $print (i32.const 149) (i32.const 6) (i64.extend_i32_u (local.get $state)))))
