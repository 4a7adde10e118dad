;; Exception handling shapes the proposal's scripts do not cover, each where wasmc's C could
;; go wrong (docs/exceptions-and-tail-calls.md): handlers left by br, br_if, br_table and return
;; (a later throw must not land in a dead frame's handler), locals assigned in a try body
;; (volatile, or the landing sees their old value), a try_table in a loop, catches that return
;; from the function, payloads through block parameters, an exnref kept in a global, memory
;; used after a landing, and traps that no catch_all catches.

(module
  (tag $e (param i32))
  (tag $f (param i64 f32))
  (tag $v (param v128 i32))
  (memory 1)
  (global $kept (mut exnref) (ref.null exn))

  (func $throw (param i32) (throw $e (local.get 0)))
  ;; Each $leave-* leaves try bodies, then throws $e with no handler of its own: the exception
  ;; must reach its caller's handler. A handler left on the chain would catch it first (a
  ;; catch_all here, a dead frame after a return).
  (func $leave-by-br (param i32) (result i32)
    (block $out
      (block $h
        (try_table (catch_all $h)
          (try_table (catch_all $h)
            (br $out))))
      (return (i32.const -1)))
    (call $throw (local.get 0))
    (i32.const -2))
  (func $leave-by-br_if (param i32) (result i32)
    (block $out
      (block $h
        (try_table (catch_all $h)
          (br_if $out (i32.const 1))
          (unreachable)))
      (return (i32.const -1)))
    (call $throw (local.get 0))
    (i32.const -2))
  (func $leave-by-br_table (param i32) (result i32)
    (block $out
      (block $other
        (block $h
          (try_table (catch_all $h)
            (br_table $other $out (local.get 0))))
        (return (i32.const -1)))
      (call $throw (i32.const 100)))
    (call $throw (local.get 0))
    (i32.const -2))
  (func $leave-by-own-label (param i32) (result i32)
    (block $h (try_table $t (catch_all $h) (br $t)) (call $throw (local.get 0)))
    (i32.const -1))
  (func $return-from-try (param i32) (result i32)
    (block $h
      (try_table (catch_all $h)
        (try_table (catch_all $h)
          (return (local.get 0)))))
    (i32.const -1))
  (func $leave-by-return (param i32) (result i32)
    (drop (call $return-from-try (i32.const 5)))
    (call $throw (local.get 0))
    (i32.const -2))
  ;; br_if to a loop around the try_table: the loop goes on, the try body is left.
  (func $leave-by-continue (param i32) (result i32) (local $i i32)
    (block $h
      (loop $again
        (try_table (catch_all $h)
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $again (i32.lt_u (local.get $i) (i32.const 3)))))
      (call $throw (local.get 0)))
    (i32.const -1))
  (type $leaver (func (param i32) (result i32)))
  (table $leavers funcref
    (elem $leave-by-br $leave-by-br_if $leave-by-br_table $leave-by-own-label $leave-by-return $leave-by-continue))
  (func (export "leave-then-throw") (param $how i32) (param $x i32) (result i32)
    (block $c (result i32)
      (try_table (catch $e $c)
        (drop (call_indirect $leavers (type $leaver) (local.get $x) (local.get $how))))
      (i32.const -3)))

  ;; A catch whose label is the function's: the payload is the result.
  (func (export "catch-returns") (param i32) (result i32)
    (try_table (catch $e 0) (call $throw (local.get 0)))
    (i32.const -1))

  (func (export "locals-assigned-in-try") (param $p i32) (result i64)
    (local $x i64) (local $y f64)
    (local.set $x (i64.const 1))
    (block $h
      (try_table (catch_all $h)
        (local.set $p (i32.add (local.get $p) (i32.const 10)))
        (local.set $x (i64.const 42))
        (local.set $y (f64.const 0.5))
        (call $throw (i32.const 0))
        (local.set $x (i64.const 7))))
    (i64.add (i64.add (i64.mul (local.get $x) (i64.const 1000)) (i64.extend_i32_u (local.get $p)))
             (i64.trunc_f64_s (f64.mul (local.get $y) (f64.const 100)))))

  ;; A try_table entered 100 times, caught every time but the last iteration's.
  (func (export "try-in-loop") (param $n i32) (result i32) (local $i i32) (local $sum i32)
    (loop $again
      (block $h (result i32)
        (try_table (result i32) (catch $e $h)
          (if (i32.lt_u (local.get $i) (i32.sub (local.get $n) (i32.const 1)))
            (then (call $throw (local.get $i))))
          (i32.const 1000))
        (br 0))
      (local.set $sum (i32.add (local.get $sum)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $again (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $sum))

  ;; The payload lands on top of a value pushed before the try_table.
  (func (export "payload-under-values") (param i64) (result i64)
    (local $f f32)
    (i64.const 5)
    (block $h (result i64 f32)
      (try_table (catch $f $h)
        (throw $f (local.get 0) (f32.const 2.5)))
      (unreachable))
    (local.set $f)
    (i64.add)
    (i64.add (i64.trunc_f32_s (local.get $f))))
  (func (export "v128-payload") (result i32)
    (block $h (result v128 i32)
      (try_table (catch $v $h)
        (throw $v (v128.const i32x4 10 20 30 40) (i32.const 3)))
      (unreachable))
    (drop)
    (i32x4.extract_lane 2))

  ;; Memory grown inside the try body and used after the landing.
  (func (export "memory-after-landing") (result i32)
    (block $h
      (try_table (catch_all $h)
        (drop (memory.grow (i32.const 1)))
        (i32.store (i32.const 70000) (i32.const 77))
        (call $throw (i32.const 0))))
    (i32.store (i32.const 70004) (i32.const 1))
    (i32.add (i32.load (i32.const 70000)) (i32.load (i32.const 70004))))

  ;; An exnref kept in a global, thrown again later by another call.
  (func (export "keep") (param i32)
    (block $h (result i32 exnref)
      (try_table (catch_ref $e $h) (call $throw (local.get 0)))
      (return))
    (global.set $kept)
    (drop))
  (func (export "throw-kept") (result i32)
    (block $h (result i32)
      (try_table (catch $e $h) (throw_ref (global.get $kept)))
      (unreachable)))
  (func (export "drop-kept") (global.set $kept (ref.null exn)))
  (func (export "throw-null") (throw_ref (ref.null exn)))

  ;; Traps are not exceptions.
  (func (export "trap-in-try") (param i32) (result i32)
    (block $h
      (try_table (catch_all $h)
        (drop (i32.div_u (i32.const 1) (local.get 0)))
        (drop (i32.load (i32.const 0x7fffffff))))
      (return (i32.const 0)))
    (i32.const -1))
)

(assert_return (invoke "leave-then-throw" (i32.const 0) (i32.const 11)) (i32.const 11))
(assert_return (invoke "leave-then-throw" (i32.const 1) (i32.const 12)) (i32.const 12))
(assert_return (invoke "leave-then-throw" (i32.const 2) (i32.const 1)) (i32.const 1))
(assert_return (invoke "leave-then-throw" (i32.const 2) (i32.const 0)) (i32.const 100))
(assert_return (invoke "leave-then-throw" (i32.const 3) (i32.const 13)) (i32.const 13))
(assert_return (invoke "leave-then-throw" (i32.const 4) (i32.const 14)) (i32.const 14))
(assert_return (invoke "leave-then-throw" (i32.const 5) (i32.const 16)) (i32.const 16))
(assert_return (invoke "catch-returns" (i32.const 15)) (i32.const 15))
(assert_return (invoke "locals-assigned-in-try" (i32.const 3)) (i64.const 42063))
(assert_return (invoke "try-in-loop" (i32.const 100)) (i32.const 5851))
(assert_return (invoke "payload-under-values" (i64.const 30)) (i64.const 37))
(assert_return (invoke "v128-payload") (i32.const 30))
(assert_return (invoke "memory-after-landing") (i32.const 78))
(invoke "keep" (i32.const 21))
(assert_return (invoke "throw-kept") (i32.const 21))
(assert_return (invoke "throw-kept") (i32.const 21))
(invoke "drop-kept")
(assert_trap (invoke "throw-kept") "null reference")
(assert_trap (invoke "throw-null") "null reference")
(assert_trap (invoke "trap-in-try" (i32.const 0)) "integer divide by zero")
(assert_trap (invoke "trap-in-try" (i32.const 1)) "out of bounds memory access")
