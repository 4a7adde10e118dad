;; Exceptions through a host import that calls back into the module (callback_host.c,
;; linked with `wasmc compile --host-c`): an exception thrown by the callback and not caught
;; inside it leaves the callback at the host boundary (no longjmp crosses the host's C
;; frames), the host function returns normally, and the exception is rethrown in the wasm
;; code that called the host, where a try_table catches it. callback.expected is the output
;; the WebAssembly semantics give (wasmtime's Python API turns an exception that leaves a
;; callback into a host error, so it cannot be the reference here).
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "host" "call_back" (func $call_back (param funcref i32) (result i32)))
  (import "host" "exceptions_seen" (func $exceptions_seen (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 1000) ": \n")
  (tag $e (param i32))
  (elem declare func $maybe_throw $catches_inside $through_host_again)

  (func $write (param $ptr i32) (param $len i32)
    (i32.store (i32.const 0) (local.get $ptr))
    (i32.store (i32.const 4) (local.get $len))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))
  (func $print_i64 (param $v i64) (local $p i32) (local $neg i32)
    (local.set $p (i32.const 96))
    (if (i64.lt_s (local.get $v) (i64.const 0))
      (then (local.set $neg (i32.const 1)) (local.set $v (i64.sub (i64.const 0) (local.get $v)))))
    (loop $digits
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (i32.store8 (local.get $p) (i32.wrap_i64 (i64.add (i64.const 48) (i64.rem_u (local.get $v) (i64.const 10)))))
      (local.set $v (i64.div_u (local.get $v) (i64.const 10)))
      (br_if $digits (i64.ne (local.get $v) (i64.const 0))))
    (if (local.get $neg)
      (then (local.set $p (i32.sub (local.get $p) (i32.const 1))) (i32.store8 (local.get $p) (i32.const 45))))
    (call $write (local.get $p) (i32.sub (i32.const 96) (local.get $p))))
  (func $out (param $case i32) (param $v i32)
    (call $print_i64 (i64.extend_i32_u (local.get $case)))
    (call $write (i32.const 1000) (i32.const 2))
    (call $print_i64 (i64.extend_i32_s (local.get $v)))
    (call $write (i32.const 1002) (i32.const 1)))

  ;; Callbacks the host runs.
  (func $maybe_throw (param $x i32) (result i32)
    (if (i32.gt_u (local.get $x) (i32.const 10)) (then (throw $e (i32.mul (local.get $x) (i32.const 2)))))
    (i32.add (local.get $x) (i32.const 1)))
  (func $catches_inside (param $x i32) (result i32)
    (block $c (result i32)
      (try_table (result i32) (catch $e $c) (call $maybe_throw (local.get $x)))
      (return))
    (i32.add (i32.const 500)))
  ;; Goes through the host a second time: the exception crosses two host frames.
  (func $through_host_again (param $x i32) (result i32)
    (i32.add (call $call_back (ref.func $maybe_throw) (local.get $x)) (i32.const 7)))

  ;; Callers: catch what the callback threw after the host returned.
  (func $run (param $f funcref) (param $x i32) (result i32) (local $after i32)
    (block $c (result i32)
      (try_table (result i32) (catch $e $c)
        (call $call_back (local.get $f) (local.get $x))
        ;; never reached when the callback threw: the rethrow happens right after the host returns
        (local.set $after (i32.const 1)))
      (return))
    (i32.add (i32.mul (local.get $after) (i32.const 100000)))
    (i32.add (i32.const 1000)))

  (func (export "_start")
    (call $out (i32.const 1) (call $run (ref.func $maybe_throw) (i32.const 3)))
    (call $out (i32.const 2) (call $run (ref.func $maybe_throw) (i32.const 20)))
    (call $out (i32.const 3) (call $run (ref.func $catches_inside) (i32.const 30)))
    (call $out (i32.const 4) (call $run (ref.func $through_host_again) (i32.const 4)))
    (call $out (i32.const 5) (call $run (ref.func $through_host_again) (i32.const 50)))
    (call $out (i32.const 6) (call $exceptions_seen))
  )
)
